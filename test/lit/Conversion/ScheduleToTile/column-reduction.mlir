// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s
// ColumnReduction.cpp: reductions over the leading dims, one thread per
// column of the trailing dims.

// The launch: ceil(columns / tile) blocks; in the kernel each thread walks
// its columns' rows, masked past the last column, and the mean divides by
// the row count.
// CHECK-LABEL: func.func @mean_rows
// CHECK: %[[ROWS:.*]] = arith.muli
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui %[[COLS:.*]], %c256
// CHECK: tessera_target.launch @mean_rows_k0_column grid(%[[BLOCKS]]) block = [256] args(%{{.*}}, %{{.*}}, %[[ROWS]], %[[COLS]] :
// CHECK-LABEL: tessera_target.kernel @mean_rows_k0_column(
// CHECK-SAME: %[[X:.*]]: memref<?xf16>, %[[O:.*]]: memref<?xf16>, %[[KROWS:.*]]: index, %[[NCOLS:.*]]: index)
// CHECK: arith.addi
// CHECK-NEXT: %[[COL:.*]] = arith.addi
// CHECK-NEXT: %[[MASK:.*]] = arith.cmpi ult, %[[COL]], %[[NCOLS]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[KROWS]] step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (f32)
// CHECK:   tessera_tile.load %[[X]][%{{.*}}] mask %[[MASK]]
// CHECK:   arith.extf
// CHECK:   arith.addf %[[ACC]]
// CHECK: arith.divf
// CHECK: arith.truncf
// CHECK: tessera_tile.store %{{.*}}, %[[O]][%[[COL]]] mask %[[MASK]]
func.func @mean_rows(%a: tensor<?x?x?xf16>) -> tensor<?x?xf16> {
  %m = tessera_graph.reduce mean %a dims = [0] : tensor<?x?x?xf16> -> tensor<?x?xf16>
  return %m : tensor<?x?xf16>
}
