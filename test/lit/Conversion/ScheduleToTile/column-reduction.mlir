// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s --implicit-check-not=gpu. --implicit-check-not='tessera_tile.load %' --implicit-check-not='tessera_tile.store %'
// ColumnReduction.cpp: reductions over the leading dims as block programs:
// each block owns `tile` (256) columns and walks the rows in [R, 256] chunks,
// its 8 warps side by side along the columns (32 columns each), so the one
// tessera_tile.reduce at the end stays inside warps.

// The launch: ceil(columns / tile) blocks. f16: a lane holds 8 halves (16
// bytes) of a row, 4 lanes across a warp's 32 columns and 8 down the rows;
// 4 runs a thread make R = 32. The mean divides by the row count.
// CHECK: #[[B:.+]] = #tessera_tile.blocked<warps = [1, 8], threads = [8, 4], per_thread = [1, 8]>
// CHECK: #[[COLS:.+]] = #tessera_tile.slice<dim = 0, parent = #[[B]]>
// CHECK-LABEL: func.func @mean_rows
// CHECK: %[[ROWS:.*]] = arith.muli
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui %[[NCOLS:.*]], %c256
// CHECK: tessera_target.launch @mean_rows_k0_column grid(%[[BLOCKS]]) block = [256] args(%{{.*}}, %{{.*}}, %[[ROWS]], %[[NCOLS]] :
// CHECK-LABEL: tessera_target.kernel @mean_rows_k0_column(
// CHECK-SAME: %[[X:[^:]*]]: memref<?xf16>, %[[O:[^:]*]]: memref<?xf16>, %[[KROWS:[^:]*]]: index, %[[KCOLS:[^:]*]]: index)
// CHECK: %[[PID:.*]] = tessera_tile.program_id 0
// CHECK: %[[C0:.*]] = arith.muli %[[PID]], %{{.*}}
// CHECK: %[[XV:.*]] = memref.reinterpret_cast %[[X]] to offset: [%{{.*}}], sizes: [%[[KROWS]], %[[KCOLS]]], strides: [%[[KCOLS]], 1] : memref<?xf16> to memref<?x?xf16, strided<[?, 1], offset: ?>>
// CHECK: %[[OV:.*]] = memref.reinterpret_cast %[[O]] to offset: [%{{.*}}], sizes: [%[[KCOLS]]], strides: [1] : memref<?xf16> to memref<?xf16, strided<[1], offset: ?>>
// CHECK: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<32x256xf32, #[[B]]>
// CHECK: %[[PART:.*]] = scf.for %[[R:.*]] = %{{.*}} to %[[KROWS]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (tensor<32x256xf32, #[[B]]>)
// CHECK:   %[[T:.*]] = tessera_tile.load_tile %[[XV]][%[[R]], %[[C0]]] : memref<?x?xf16, strided<[?, 1], offset: ?>> -> tensor<32x256xf16, #[[B]]>
// CHECK:   %[[T32:.*]] = tessera_tile.map ins(%[[T]] : tensor<32x256xf16, #[[B]]>)
// CHECK:   %[[NEXT:.*]] = arith.addf %[[ACC]], %[[T32]]
// CHECK:   scf.yield %[[NEXT]]
// CHECK: %[[SUM:.*]] = tessera_tile.reduce add %[[PART]] axis 0 : tensor<32x256xf32, #[[B]]> -> tensor<256xf32, #[[COLS]]>
// CHECK: %[[RF:.*]] = arith.sitofp
// CHECK: %[[RS:.*]] = tensor.splat %[[RF]] : tensor<256xf32, #[[COLS]]>
// CHECK: %[[MEAN:.*]] = arith.divf %[[SUM]], %[[RS]]
// CHECK: %[[M16:.*]] = tessera_tile.map ins(%[[MEAN]] : tensor<256xf32, #[[COLS]]>) {
// CHECK:   arith.truncf %{{.*}} : f32 to f16
// CHECK: } -> tensor<256xf16, #[[COLS]]>
// CHECK: tessera_tile.store_tile %[[M16]], %[[OV]][%[[C0]]] : tensor<256xf16, #[[COLS]]>, memref<?xf16, strided<[1], offset: ?>>
func.func @mean_rows(%a: tensor<?x?x?xf16>) -> tensor<?x?xf16> {
  %m = tessera_graph.reduce mean %a dims = [0] : tensor<?x?x?xf16> -> tensor<?x?xf16>
  return %m : tensor<?x?xf16>
}

// -----

// A min, f32: 4 floats a run, 8 lanes across and 4 down, R = 16. Zero
// padding past the last row would win a min: rows past the end are masked
// with +inf by row index.
// CHECK: #[[B:.+]] = #tessera_tile.blocked<warps = [1, 8], threads = [4, 8], per_thread = [1, 4]>
// CHECK-DAG: #[[COLS:.+]] = #tessera_tile.slice<dim = 0, parent = #[[B]]>
// CHECK-DAG: #[[ROWS:.+]] = #tessera_tile.slice<dim = 1, parent = #[[B]]>
// CHECK-LABEL: tessera_target.kernel @min_rows_k0_column(
// CHECK-SAME: %[[X:[^:]*]]: memref<?xf32>, %[[O:[^:]*]]: memref<?xf32>, %[[KROWS:[^:]*]]: index, %[[KCOLS:[^:]*]]: index)
// CHECK: %[[INF:.*]] = arith.constant dense<0x7F800000> : tensor<16x256xf32, #[[B]]>
// CHECK: %[[IDX0:.*]] = tessera_tile.range 0 to 16 : tensor<16xi32, #[[ROWS]]>
// CHECK: %[[IDX:.*]] = tessera_tile.broadcast %[[IDX0]] axis 1 : tensor<16xi32, #[[ROWS]]> -> tensor<16x256xi32, #[[B]]>
// CHECK: %[[PART:.*]] = scf.for %[[R:.*]] = %{{.*}} to %[[KROWS]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[INF]])
// CHECK:   %[[T:.*]] = tessera_tile.load_tile
// CHECK:   %[[LEFT:.*]] = arith.subi %[[KROWS]], %[[R]]
// CHECK:   %[[VALID:.*]] = arith.minui %[[LEFT]], %{{.*}}
// CHECK:   %[[V32:.*]] = arith.index_cast %[[VALID]] : index to i32
// CHECK:   %[[VS:.*]] = tensor.splat %[[V32]] : tensor<16x256xi32, #[[B]]>
// CHECK:   %[[IN:.*]] = arith.cmpi slt, %[[IDX]], %[[VS]]
// CHECK:   %[[M:.*]] = arith.select %[[IN]], %[[T]], %[[INF]]
// CHECK:   arith.minimumf %[[ACC]], %[[M]]
// CHECK: %[[MIN:.*]] = tessera_tile.reduce min %[[PART]] axis 0 : tensor<16x256xf32, #[[B]]> -> tensor<256xf32, #[[COLS]]>
// CHECK: tessera_tile.store_tile %[[MIN]]
func.func @min_rows(%a: tensor<?x?xf32>) -> tensor<?xf32> {
  %m = tessera_graph.reduce min %a dims = [0] : tensor<?x?xf32> -> tensor<?xf32>
  return %m : tensor<?xf32>
}
