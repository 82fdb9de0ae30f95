// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s
// ColumnReduction.cpp: reductions over the leading dims, a block per 256
// columns of the trailing dims and slice of the rows, walking down its rows
// 64 at a time.

// The default (split_k = auto): the launch chooses the slices. Where the
// columns give fewer blocks than the device has multiprocessors
// (tessera_target.multiprocessors, bound by the runtime), as many as give
// it 4 blocks per multiprocessor, each at least 4 steps of 64 rows, at
// most 64; else one. Each slice whole steps. The workspace holds a row of partial
// sums per slice, and is empty (the second kernel's grid too) where there
// is one slice.
// CHECK: #[[BLOCKED:.*]] = #tessera_tile.blocked<warps = [1, 8], threads = [1, 32], per_thread = [1, 1]>
// CHECK-DAG: #[[CSLICE:.*]] = #tessera_tile.slice<dim = 0, parent = #[[BLOCKED]]>
// CHECK-DAG: #[[ROWS:.*]] = #tessera_tile.slice<dim = 1, parent = #[[BLOCKED]]>
// CHECK-LABEL: func.func @mean_rows
// CHECK: %[[NROWS:.*]] = arith.muli
// CHECK: %[[OUT:.*]] = tessera_target.allocate
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui %[[NCOLS:.*]], %c256
// CHECK: %[[SMS:.*]] = tessera_target.multiprocessors
// CHECK: %[[FEWER:.*]] = arith.minui %[[BLOCKS]], %[[SMS]]
// CHECK: %[[DEFICIT:.*]] = arith.subi %[[SMS]], %[[FEWER]]
// CHECK: %[[FEW:.*]] = arith.minui %[[DEFICIT]], %c1
// CHECK: %[[WANT:.*]] = arith.muli %[[SMS]], %c4
// CHECK: %[[FILL:.*]] = arith.ceildivui %[[WANT]],
// CHECK: %[[PERCOL:.*]] = arith.muli %[[FILL]], %[[FEW]]
// CHECK: %[[MOST:.*]] = arith.divui %[[NROWS]], %c256
// CHECK: arith.minui %[[PERCOL]], %[[MOST]]
// CHECK: arith.minui %{{.*}}, %c64
// CHECK: %[[REQ:.*]] = arith.maxui
// CHECK: %[[PER:.*]] = arith.ceildivui %[[NROWS]], %[[REQ]]
// CHECK: %[[STEPS:.*]] = arith.ceildivui %[[PER]], %c64
// CHECK: %[[CHUNK0:.*]] = arith.muli %[[STEPS]], %c64
// CHECK: %[[CHUNK:.*]] = arith.maxui %[[CHUNK0]], %c64
// CHECK: %[[SL0:.*]] = arith.ceildivui %[[NROWS]], %[[CHUNK]]
// CHECK: %[[SLICES:.*]] = arith.maxui %[[SL0]]
// CHECK: %[[SPLIT:.*]] = arith.minui
// CHECK: %[[WSIZE:.*]] = arith.muli %[[SLICES]], %[[NCOLS]]
// CHECK: %[[WUSED:.*]] = arith.muli %[[WSIZE]], %[[SPLIT]]
// CHECK: %[[WORK:.*]] = tessera_target.allocate(%[[WUSED]]) : memref<?xf32>
// CHECK: tessera_target.launch @mean_rows_k0_column grid(%[[BLOCKS]], %[[SLICES]]) block = [256, 1] args(%{{.*}}, %[[OUT]], %[[WORK]], %[[NROWS]], %[[NCOLS]], %[[CHUNK]], %[[SLICES]] :
// CHECK: %[[SUMGRID:.*]] = arith.muli %[[BLOCKS]], %[[SPLIT]]
// CHECK: tessera_target.launch @mean_rows_k1_column_slices grid(%[[SUMGRID]]) block = [256] args(%[[WORK]], %[[OUT]], %[[NROWS]], %[[NCOLS]], %[[SLICES]] :
// In the kernel the block walks its 256 columns down its slice's rows (a
// view from row slice * chunk, min(chunk, rows - that) rows) in [64, 256]
// register tiles (64 rows of one column in each thread): the whole tiles,
// then the last one, ending at the last row where there are 64 rows or
// more (in bounds) and else starting at row 0, counting only rows past the
// whole tiles (a select). The tile is reduced along the rows (within each
// thread). One slice: divided by the row count for the mean and stored;
// else the partial sums go to the slice's row of the workspace. The last
// block's columns end at the last column: it recomputes and stores again
// some of its neighbour's.
// CHECK-LABEL: tessera_target.kernel @mean_rows_k0_column(
// CHECK-SAME: %[[X:.*]]: memref<?xf16>, %[[O:.*]]: memref<?xf16>, %[[WK:.*]]: memref<?xf32>, %[[R:.*]]: index, %[[C:.*]]: index, %[[CH:.*]]: index, %[[SL:.*]]: index)
// CHECK-SAME: #tessera_schedule.config<tile = [64, 256], warps = 8, stages = 1, split_k = auto>
// The last block ends at the last column (where there are 256 or more).
// CHECK: %[[MYCOL:.*]] = arith.muli %{{.*}}, %c256
// CHECK: %[[WIDE:.*]] = arith.cmpi uge, %[[C]], %c256
// CHECK: %[[ENDCOL:.*]] = arith.subi %[[C]], %c256
// CHECK: %[[SHIFTED:.*]] = arith.minui %[[MYCOL]], %[[ENDCOL]]
// CHECK: %[[COL0:.*]] = arith.select %[[WIDE]], %[[SHIFTED]], %[[MYCOL]]
// CHECK: %[[SLICE:.*]] = tessera_tile.program_id 1
// CHECK: %[[FIRST:.*]] = arith.muli %[[SLICE]], %[[CH]]
// CHECK: %[[LEFT:.*]] = arith.subi %[[R]], %[[FIRST]]
// CHECK: %[[LEN:.*]] = arith.minui %[[CH]], %[[LEFT]]
// CHECK: %[[OFF:.*]] = arith.muli %[[FIRST]], %[[C]]
// CHECK: %[[XV:.*]] = memref.reinterpret_cast %[[X]] to offset: [%[[OFF]]], sizes: [%[[LEN]], %[[C]]], strides: [%[[C]], 1]
// CHECK: %[[STEPS:.*]] = arith.divui %[[LEN]], %c64
// CHECK: %[[WHOLE:.*]] = arith.muli %[[STEPS]], %c64
// CHECK: %[[LAST:.*]] = arith.select
// CHECK: %[[ZERO:.*]] = tensor.splat %{{.*}} : tensor<64x256xf32, #[[BLOCKED]]>
// CHECK: %[[SUMS:.*]] = scf.for %[[ROW:.*]] = %{{.*}} to %[[WHOLE]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (tensor<64x256xf32, #[[BLOCKED]]>)
// CHECK:   %[[CHUNK:.*]] = tessera_tile.load_tile %[[XV]][%[[ROW]], %[[COL0]]] {{.*}} -> tensor<64x256xf16, #[[BLOCKED]]>
// CHECK:   tessera_tile.map ins(%[[ACC]], %[[CHUNK]] :
// CHECK:     arith.extf
// CHECK:     arith.addf
// CHECK: %[[ALL:.*]] = scf.if
// CHECK:   tessera_tile.load_tile %[[XV]][%[[LAST]], %[[COL0]]]
// CHECK:   tessera_tile.range 0 to 64 : tensor<64xi32, #[[ROWS]]>
// CHECK:     arith.select
// CHECK: %[[SUM:.*]] = tessera_tile.reduce add %[[ALL]] axis 0 : tensor<64x256xf32, #[[BLOCKED]]> -> tensor<256xf32, #[[CSLICE]]>
// CHECK: %[[ONE:.*]] = arith.cmpi eq, %[[SL]], %c1
// CHECK: scf.if %[[ONE]] {
// CHECK:   %[[MEAN:.*]] = tessera_tile.map ins(%[[SUM]]
// CHECK:     arith.divf
// CHECK:     arith.truncf
// CHECK:   %[[OV:.*]] = memref.reinterpret_cast %[[O]] to offset: [0], sizes: [%[[C]]], strides: [1]
// CHECK:   tessera_tile.store_tile %[[MEAN]], %[[OV]][%[[COL0]]] : tensor<256xf16, #[[CSLICE]]>
// CHECK: } else {
// CHECK:   %[[WOFF:.*]] = arith.muli %[[SLICE]], %[[C]]
// CHECK:   %[[WV:.*]] = memref.reinterpret_cast %[[WK]] to offset: [%[[WOFF]]], sizes: [%[[C]]], strides: [1]
// CHECK:   tessera_tile.store_tile %[[SUM]], %[[WV]][%[[COL0]]] : tensor<256xf32, #[[CSLICE]]>
// The second kernel: the slices' partial sums walked down the columns in
// [8, 256] tiles (at most 64 slices: a smaller program than the first's),
// divided by the rows for the mean, stored.
// CHECK-LABEL: tessera_target.kernel @mean_rows_k1_column_slices(
// CHECK-SAME: %[[P:.*]]: memref<?xf32>, %[[O2:.*]]: memref<?xf16>, %[[R2:.*]]: index, %[[C2:.*]]: index, %[[SL2:.*]]: index)
// CHECK: %[[PV:.*]] = memref.reinterpret_cast %[[P]] to offset: [0], sizes: [%[[SL2]], %[[C2]]], strides: [%[[C2]], 1]
// CHECK: scf.for
// CHECK:   tessera_tile.load_tile %[[PV]]{{.*}} -> tensor<8x256xf32
// CHECK: tessera_tile.reduce add
// CHECK: %[[I:.*]] = arith.index_cast %[[R2]]
// CHECK: %[[N:.*]] = arith.sitofp %[[I]]
// CHECK: tessera_tile.map
// CHECK:   arith.divf %{{.*}}, %[[N]]
// CHECK:   arith.truncf
// CHECK: tessera_tile.store_tile
func.func @mean_rows(%a: tensor<?x?x?xf16>) -> tensor<?x?xf16> {
  %m = tessera_graph.reduce mean %a dims = [0] : tensor<?x?x?xf16> -> tensor<?x?xf16>
  return %m : tensor<?x?xf16>
}

// -----

// split_k = 1: one kernel, a block per 256 columns walking all the rows,
// finishing the statistic itself; no workspace, no second kernel.
// CHECK-LABEL: func.func @unsplit
// CHECK-NOT: tessera_target.multiprocessors
// CHECK: %[[B:.*]] = arith.ceildivui %{{.*}}, %c256
// CHECK-NOT: tessera_target.allocate
// CHECK: tessera_target.launch @unsplit_k0_column grid(%[[B]]) block = [256] args(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : memref<?x?xf32>, memref<?xf32>, index, index)
// CHECK-NOT: tessera_target.launch
// CHECK-LABEL: tessera_target.kernel @unsplit_k0_column(
// CHECK-NOT: program_id 1
// CHECK: tessera_tile.reduce max
// CHECK-NOT: scf.if
// CHECK: tessera_tile.store_tile
func.func @unsplit(%a: tensor<?x?xf32>) -> tensor<?xf32> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [32, 256], warps = 8, stages = 1>(%a) : (tensor<?x?xf32>) -> tensor<?xf32> {
  ^bb0(%x: tensor<?x?xf32>):
    %m = tessera_graph.reduce max %x dims = [0] : tensor<?x?xf32> -> tensor<?xf32>
    tessera_schedule.yield %m : tensor<?xf32>
  }
  return %r : tensor<?xf32>
}

// -----

// split_k = 3: three slices asked for (fewer where the rows have fewer
// steps of 32), the maxima of each combined by the second kernel.
// CHECK-LABEL: func.func @three
// CHECK-NOT: tessera_target.multiprocessors
// CHECK: %[[PER:.*]] = arith.ceildivui %{{.*}}, %c3
// CHECK: tessera_target.launch @three_k0_column
// CHECK: tessera_target.launch @three_k1_column_slices
// CHECK-LABEL: tessera_target.kernel @three_k0_column(
// CHECK: tessera_tile.reduce max
// CHECK-LABEL: tessera_target.kernel @three_k1_column_slices(
// CHECK: arith.maximumf
// CHECK: tessera_tile.reduce max
func.func @three(%a: tensor<?x?xf32>) -> tensor<?xf32> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [32, 256], warps = 8, stages = 1, split_k = 3>(%a) : (tensor<?x?xf32>) -> tensor<?xf32> {
  ^bb0(%x: tensor<?x?xf32>):
    %m = tessera_graph.reduce max %x dims = [0] : tensor<?x?xf32> -> tensor<?xf32>
    tessera_schedule.yield %m : tensor<?xf32>
  }
  return %r : tensor<?xf32>
}
