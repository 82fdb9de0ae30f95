// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s
// ColumnReduction.cpp: reductions over the leading dims, a block per 256
// columns of the trailing dims walking down the rows 32 at a time.

// The launch: ceil(columns / 256) blocks. In the kernel the block walks
// its 256 columns down the rows in [32, 256] register tiles (32 rows of
// one column in each thread): the whole tiles, then the last one, ending
// at the last row where there are 32 rows or more (in bounds) and else
// starting at row 0, counting only rows past the whole tiles (a select).
// The tile is reduced along the rows (within each thread), divided by the
// row count for the mean, and stored. The last block's columns end at the
// last column: it recomputes and stores again some of its neighbour's.
// CHECK: #[[BLOCKED:.*]] = #tessera_tile.blocked<warps = [1, 8], threads = [1, 32], per_thread = [1, 1]>
// CHECK-DAG: #[[CSLICE:.*]] = #tessera_tile.slice<dim = 0, parent = #[[BLOCKED]]>
// CHECK-DAG: #[[ROWS:.*]] = #tessera_tile.slice<dim = 1, parent = #[[BLOCKED]]>
// CHECK-LABEL: func.func @mean_rows
// CHECK: %[[NROWS:.*]] = arith.muli
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui %[[NCOLS:.*]], %c256
// CHECK: tessera_target.launch @mean_rows_k0_column grid(%[[BLOCKS]]) block = [256] args(%{{.*}}, %{{.*}}, %[[NROWS]], %[[NCOLS]] :
// CHECK-LABEL: tessera_target.kernel @mean_rows_k0_column(
// CHECK-SAME: %[[X:.*]]: memref<?xf16>, %[[O:.*]]: memref<?xf16>, %[[R:.*]]: index, %[[C:.*]]: index)
// CHECK-SAME: #tessera_schedule.config<tile = [32, 256], warps = 8, stages = 1>
// The last block ends at the last column (where there are 256 or more).
// CHECK: %[[MYCOL:.*]] = arith.muli %{{.*}}, %c256
// CHECK: %[[WIDE:.*]] = arith.cmpi uge, %[[C]], %c256
// CHECK: %[[ENDCOL:.*]] = arith.subi %[[C]], %c256
// CHECK: %[[SHIFTED:.*]] = arith.minui %[[MYCOL]], %[[ENDCOL]]
// CHECK: %[[COL0:.*]] = arith.select %[[WIDE]], %[[SHIFTED]], %[[MYCOL]]
// CHECK: %[[STEPS:.*]] = arith.divui %[[R]], %c32
// CHECK: %[[WHOLE:.*]] = arith.muli %[[STEPS]], %c32
// CHECK: %[[LAST:.*]] = arith.select
// CHECK: %[[XV:.*]] = memref.reinterpret_cast %[[X]] to offset: [0], sizes: [%[[R]], %[[C]]], strides: [%[[C]], 1]
// CHECK: %[[ZERO:.*]] = tensor.splat %{{.*}} : tensor<32x256xf32, #[[BLOCKED]]>
// CHECK: %[[SUMS:.*]] = scf.for %[[ROW:.*]] = %{{.*}} to %[[WHOLE]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (tensor<32x256xf32, #[[BLOCKED]]>)
// CHECK:   %[[CHUNK:.*]] = tessera_tile.load_tile %[[XV]][%[[ROW]], %[[COL0]]] {{.*}} -> tensor<32x256xf16, #[[BLOCKED]]>
// CHECK:   tessera_tile.map ins(%[[ACC]], %[[CHUNK]] :
// CHECK:     arith.extf
// CHECK:     arith.addf
// CHECK: %[[ALL:.*]] = scf.if
// CHECK:   tessera_tile.load_tile %[[XV]][%[[LAST]], %[[COL0]]]
// CHECK:   tessera_tile.range 0 to 32 : tensor<32xi32, #[[ROWS]]>
// CHECK:     arith.select
// CHECK: %[[SUM:.*]] = tessera_tile.reduce add %[[ALL]] axis 0 : tensor<32x256xf32, #[[BLOCKED]]> -> tensor<256xf32, #[[CSLICE]]>
// CHECK: %[[MEAN:.*]] = tessera_tile.map ins(%[[SUM]]
// CHECK:   arith.divf
// CHECK:   arith.truncf
// CHECK: %[[OV:.*]] = memref.reinterpret_cast %[[O]] to offset: [0], sizes: [%[[C]]], strides: [1]
// CHECK: tessera_tile.store_tile %[[MEAN]], %[[OV]][%[[COL0]]] : tensor<256xf16, #[[CSLICE]]>
func.func @mean_rows(%a: tensor<?x?x?xf16>) -> tensor<?x?xf16> {
  %m = tessera_graph.reduce mean %a dims = [0] : tensor<?x?x?xf16> -> tensor<?x?xf16>
  return %m : tensor<?x?xf16>
}
