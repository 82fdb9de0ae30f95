// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s
// Matmul.cpp and MatmulMma.cpp: SIMT and mma.sync matmul kernels.

// A SIMT matmul with its epilogue (bias, relu) is a block program on a
// 16x16 register tile, one element per thread: 8 warps of 2x16 lanes, so
// that thread t holds [t / 16, t % 16] of the block's tile, as a row-major
// one-thread-per-element mapping would. A k-loop carries the accumulator
// tile; per k it loads the lhs column (a value per row: a slice without
// dim 1) and the rhs row (a slice without dim 0) from 1-d strided views
// (masked at M and N), broadcasts both to the tile and multiply-adds them.
// The epilogue is a map per element; the broadcast bias is gathered at the
// columns' indices. The result is stored as a box of the [M, N] view.
// CHECK: #[[BLOCKED:.*]] = #tessera_tile.blocked<warps = [8, 1], threads = [2, 16], per_thread = [1, 1]>
// CHECK: #[[ROWS:.*]] = #tessera_tile.slice<dim = 1, parent = #[[BLOCKED]]>
// CHECK: #[[COLS:.*]] = #tessera_tile.slice<dim = 0, parent = #[[BLOCKED]]>
// CHECK-LABEL: func.func @mm(
// CHECK: %[[M:.*]] = memref.dim %arg0, %c0
// CHECK: %[[K:.*]] = memref.dim %arg0, %c1
// CHECK: %[[N:.*]] = memref.dim %arg1, %c1
// CHECK: tessera_target.launch @mm_k0_matmul grid(%{{.*}}) block = [256] args(%arg0, %arg1, %arg2, %{{.*}}, %[[M]], %[[N]], %[[K]] :
// CHECK-LABEL: tessera_target.kernel @mm_k0_matmul(
// CHECK-SAME: %[[A:[^:]*]]: memref<?xf32>, %[[W:[^:]*]]: memref<?xf32>, %[[B:[^:]*]]: memref<?xf32>, %[[O:[^:]*]]: memref<?xf32>, %[[SM:[^:]*]]: index, %[[SN:[^:]*]]: index, %[[SK:[^:]*]]: index)
// CHECK-NOT: gpu.thread_id
// CHECK: tessera_tile.program_id 0
// CHECK: %[[ROW0:.*]] = arith.muli %{{.*}}, %c16
// CHECK: %[[COL0:.*]] = arith.muli %{{.*}}, %c16
// CHECK: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<16x16xf32, #[[BLOCKED]]>
// CHECK: %[[ACC:.*]] = scf.for %[[KK:.*]] = %c0 to %[[SK]] step %c1 iter_args(%[[SUM:.*]] = %[[ZERO]]) -> (tensor<16x16xf32, #[[BLOCKED]]>) {
// lhs[row, kk] at row * K + kk; rhs[kk, col] at kk * N + col.
// CHECK:   %[[ACOL:.*]] = memref.reinterpret_cast %[[A]] to offset: [%[[KK]]], sizes: [%[[SM]]], strides: [%[[SK]]]
// CHECK:   %[[KN:.*]] = arith.muli %[[KK]], %[[SN]]
// CHECK:   %[[WROW:.*]] = memref.reinterpret_cast %[[W]] to offset: [%[[KN]]], sizes: [%[[SN]]], strides: [1]
// CHECK:   %[[AT:.*]] = tessera_tile.load_tile %[[ACOL]][%[[ROW0]]] : memref<?xf32, strided<[?], offset: ?>> -> tensor<16xf32, #[[ROWS]]>
// CHECK:   %[[WT:.*]] = tessera_tile.load_tile %[[WROW]][%[[COL0]]] : memref<?xf32, strided<[1], offset: ?>> -> tensor<16xf32, #[[COLS]]>
// CHECK:   %[[AB:.*]] = tessera_tile.broadcast %[[AT]] axis 1 : tensor<16xf32, #[[ROWS]]> -> tensor<16x16xf32, #[[BLOCKED]]>
// CHECK:   %[[WB:.*]] = tessera_tile.broadcast %[[WT]] axis 0 : tensor<16xf32, #[[COLS]]> -> tensor<16x16xf32, #[[BLOCKED]]>
// CHECK:   %[[NEXT:.*]] = tessera_tile.map ins(%[[SUM]], %[[AB]], %[[WB]] :
// CHECK:   ^bb0(%[[S:.*]]: f32, %[[X:.*]]: f32, %[[Y:.*]]: f32):
// CHECK:     %[[P:.*]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK:     %[[S1:.*]] = arith.addf %[[S]], %[[P]] : f32
// CHECK:     tessera_tile.map_yield %[[S1]] : f32
// CHECK:   scf.yield %[[NEXT]] : tensor<16x16xf32, #[[BLOCKED]]>
// The bias at each element's column: col0 + 0..15 along the columns.
// CHECK: %[[R:.*]] = tessera_tile.range 0 to 16 : tensor<16xi32, #[[COLS]]>
// CHECK: %[[RI:.*]] = arith.index_cast %[[R]] : tensor<16xi32, #[[COLS]]> to tensor<16xindex, #[[COLS]]>
// CHECK: %[[C0S:.*]] = tensor.splat %[[COL0]] : tensor<16xindex, #[[COLS]]>
// CHECK: %[[CI:.*]] = arith.addi %[[RI]], %[[C0S]] : tensor<16xindex, #[[COLS]]>
// CHECK: %[[CB:.*]] = tessera_tile.broadcast %[[CI]] axis 0 : tensor<16xindex, #[[COLS]]> -> tensor<16x16xindex, #[[BLOCKED]]>
// CHECK: %[[BV:.*]] = memref.reinterpret_cast %[[B]] to offset: [0], sizes: [%[[SN]]], strides: [1]
// CHECK: %[[BT:.*]] = tessera_tile.gather %[[BV]][%[[CB]]] : memref<?xf32, strided<[1]>>, tensor<16x16xindex, #[[BLOCKED]]> -> tensor<16x16xf32, #[[BLOCKED]]>
// CHECK: %[[E:.*]] = tessera_tile.map ins(%[[ACC]], %[[BT]] :
// CHECK: ^bb0(%[[V:.*]]: f32, %[[BE:.*]]: f32):
// CHECK:   %[[VB:.*]] = arith.addf %[[V]], %[[BE]] : f32
// CHECK:   %[[RELU:.*]] = arith.maximumf %[[VB]], %{{.*}} : f32
// CHECK:   tessera_tile.map_yield %[[RELU]] : f32
// The output's view: [M, N] at bz * M * N (bz is 0 here).
// CHECK: %[[OV:.*]] = memref.reinterpret_cast %[[O]] to offset: [%{{.*}}], sizes: [%[[SM]], %[[SN]]], strides: [%[[SN]], 1]
// CHECK: tessera_tile.store_tile %[[E]], %[[OV]][%[[ROW0]], %[[COL0]]] : tensor<16x16xf32, #[[BLOCKED]]>, memref<?x?xf32, strided<[?, 1], offset: ?>>
// CHECK: tessera_target.return
func.func @mm(%a: tensor<?x?xf32>, %w: tensor<?x?xf32>, %b: tensor<?xf32>) -> tensor<?x?xf32> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [16, 16, 16], warps = 8, stages = 1>(%a, %w, %b) : (tensor<?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?xf32> {
  ^bb0(%x: tensor<?x?xf32>, %y: tensor<?x?xf32>, %z: tensor<?xf32>):
    %m = tessera_graph.matmul %x, %y : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
    %s = tessera_graph.add %m, %z : tensor<?x?xf32>, tensor<?xf32> -> tensor<?x?xf32>
    %g = tessera_graph.relu %s : tensor<?x?xf32>
    tessera_schedule.yield %g : tensor<?x?xf32>
  }
  return %r : tensor<?x?xf32>
}

// -----

// Transposed and batched: the lhs is [batch, K, M], so its column kk starts
// at bz * M * K + kk * M with stride 1; the rhs is [N, K] (2-d, shared by
// the batch), so its row kk starts at kk with stride K. An epilogue operand
// of the output's shape is a box of its [M, N] view at bz * M * N, like the
// output; a [batch, 1, 1] one is gathered at the block's batch index.
// CHECK-LABEL: tessera_target.kernel @mm_batched_t_k0_matmul(
// CHECK-SAME: %[[A:[^:]*]]: memref<?xf32>, %[[W:[^:]*]]: memref<?xf32>, %[[C:[^:]*]]: memref<?xf32>, %[[D:[^:]*]]: memref<?xf32>, %[[O:[^:]*]]: memref<?xf32>, %[[SM:[^:]*]]: index, %[[SN:[^:]*]]: index, %[[SK:[^:]*]]: index, %[[SB:[^:]*]]: index)
// CHECK: %[[ROW0:.*]] = arith.muli %{{.*}}, %c16
// CHECK: %[[COL0:.*]] = arith.muli %{{.*}}, %c16
// CHECK: %[[MK:.*]] = arith.muli %[[SM]], %[[SK]]
// CHECK: %[[ABASE:.*]] = arith.muli %[[BZ:.*]], %[[MK]]
// CHECK: scf.for %[[KK:.*]] = %c0 to %[[SK]]
// CHECK:   %[[KM:.*]] = arith.muli %[[KK]], %[[SM]]
// CHECK:   %[[AOFF:.*]] = arith.addi %[[ABASE]], %[[KM]]
// CHECK:   %[[ACOL:.*]] = memref.reinterpret_cast %[[A]] to offset: [%[[AOFF]]], sizes: [%[[SM]]], strides: [1]
// CHECK:   %[[WROW:.*]] = memref.reinterpret_cast %[[W]] to offset: [%[[KK]]], sizes: [%[[SN]]], strides: [%[[SK]]]
// CHECK:   tessera_tile.load_tile %[[ACOL]][%[[ROW0]]]
// CHECK:   tessera_tile.load_tile %[[WROW]][%[[COL0]]]
// CHECK: %[[BM:.*]] = arith.muli %[[BZ]], %[[SM]]
// CHECK: %[[BMN:.*]] = arith.muli %[[BM]], %[[SN]]
// CHECK: %[[CV:.*]] = memref.reinterpret_cast %[[C]] to offset: [%[[BMN]]], sizes: [%[[SM]], %[[SN]]], strides: [%[[SN]], 1]
// CHECK: %[[CT:.*]] = tessera_tile.load_tile %[[CV]][%[[ROW0]], %[[COL0]]]
// CHECK: %[[BI:.*]] = arith.remui %[[BZ]], %[[SB]]
// CHECK: %[[DS:.*]] = tensor.splat %[[BI]] : tensor<16x16xindex, #{{.*}}>
// CHECK: %[[DV:.*]] = memref.reinterpret_cast %[[D]] to offset: [0], sizes: [%[[SB]]], strides: [1]
// CHECK: %[[DT:.*]] = tessera_tile.gather %[[DV]][%[[DS]]]
// CHECK: tessera_tile.map ins(%{{.*}}, %[[CT]], %[[DT]] :
// CHECK:   arith.addf
// CHECK:   arith.mulf
// CHECK: tessera_tile.store_tile
func.func @mm_batched_t(%a: tensor<?x?x?xf32>, %w: tensor<?x?xf32>, %c: tensor<?x?x?xf32>, %d: tensor<?x1x1xf32>) -> tensor<?x?x?xf32> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [16, 16, 16], warps = 8, stages = 1>(%a, %w, %c, %d) : (tensor<?x?x?xf32>, tensor<?x?xf32>, tensor<?x?x?xf32>, tensor<?x1x1xf32>) -> tensor<?x?x?xf32> {
  ^bb0(%x: tensor<?x?x?xf32>, %y: tensor<?x?xf32>, %u: tensor<?x?x?xf32>, %v: tensor<?x1x1xf32>):
    %m = tessera_graph.matmul %x, %y transpose_lhs transpose_rhs : tensor<?x?x?xf32>, tensor<?x?xf32> -> tensor<?x?x?xf32>
    %s = tessera_graph.add %m, %u : tensor<?x?x?xf32>, tensor<?x?x?xf32> -> tensor<?x?x?xf32>
    %t = tessera_graph.mul %s, %v : tensor<?x?x?xf32>, tensor<?x1x1xf32> -> tensor<?x?x?xf32>
    tessera_schedule.yield %t : tensor<?x?x?xf32>
  }
  return %r : tensor<?x?x?xf32>
}

// -----

// A tensor-core matmul (f16, f32 accumulation) is a block program: per
// 64-deep slice of K, box copies of the 128x64 lhs tile and the 64x128 rhs
// tile into buffers whose rows are padded by 8 elements, a wait, and an
// mma_sync dot into the 128x128 accumulator (2x2 warps); the loop is marked
// for 3 stages (tessera-tile-pipeline expands it, the allocator places the
// buffers: see block-matmul-mma.mlir). The loop is built twice: when both
// operands' rows start 16-byte aligned (row length a multiple of 8
// elements, buffer pointer aligned) its copies say `aligned`. The epilogue
// stores the accumulator tile, masked at M and N.
// CHECK-LABEL: func.func @mma
// CHECK: tessera_target.launch @mma_k0_matmul_mma grid(%{{.*}}) block = [128] args(
// CHECK-LABEL: tessera_target.kernel @mma_k0_matmul_mma
// CHECK: %[[A:.*]] = memref.reinterpret_cast %arg0 to offset: [0], sizes: [%arg3, %arg5], strides: [%arg5, 1]
// CHECK: %[[B:.*]] = memref.reinterpret_cast %arg1 to offset: [0], sizes: [%arg5, %arg4], strides: [%arg4, 1]
// CHECK: memref.extract_aligned_pointer_as_index %arg0
// CHECK: memref.extract_aligned_pointer_as_index %arg1
// CHECK: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<128x128xf32, #acc>
// CHECK: scf.if %{{.*}} -> (tensor<128x128xf32, #acc>) {
// CHECK: scf.for %{{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]])
// CHECK: %[[SA:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<128x64xf16, #smem_layout>
// CHECK: %[[TA:.*]] = tessera_tile.box_copy %[[A]][%{{.*}}, %{{.*}}], %[[SA]] aligned
// CHECK: %[[SB:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<64x128xf16, #smem_layout>
// CHECK: %[[TB:.*]] = tessera_tile.box_copy %[[B]][%{{.*}}, %{{.*}}], %[[SB]] aligned
// CHECK: tessera_tile.wait %[[TA]], %[[TB]]
// CHECK: tessera_tile.dot %[[SA]], %[[SB]], %[[ACC]] {mma = #mma}
// CHECK: } {tessera_tile.stages = 3 : i64}
// CHECK: } else {
// CHECK: tessera_tile.box_copy %[[A]][%{{.*}}, %{{.*}}], %{{[^ ]*}} :
// CHECK: tessera_tile.store_tile %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] : tensor<128x128xf16, #acc>
func.func @mma(%a: tensor<?x?xf16>, %w: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %m = tessera_graph.matmul %a, %w : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  return %m : tensor<?x?xf16>
}

// -----

// `swizzle = 4`: the blocks run in groups of 4 rows of output tiles, down a
// group's rows first. From the flat block index t (in 32 bits): the group
// t / (4 * tiles of N) starts at row 4 * group; the group's rows are
// min(tiles of M - first row, 4) (the last group may be shorter); the row
// is first + (t mod per group) mod rows, the column (t mod per group) / rows.
// CHECK-LABEL: tessera_target.kernel @swizzled_k0_matmul_mma
// CHECK: %[[SPAN:.*]] = arith.muli %c4_i32, %{{.*}} : i32
// CHECK: %[[PER:.*]] = arith.maxui %[[SPAN]], %{{.*}} : i32
// CHECK: %[[GROUP:.*]] = arith.divui %[[T:.*]], %[[PER]] : i32
// CHECK: %[[FIRST:.*]] = arith.muli %[[GROUP]], %c4_i32 : i32
// CHECK: %[[LEFT:.*]] = arith.subi %{{.*}}, %[[FIRST]] : i32
// CHECK: %[[SHORT:.*]] = arith.minui %[[LEFT]], %c4_i32 : i32
// CHECK: %[[ROWS:.*]] = arith.maxui %[[SHORT]], %{{.*}} : i32
// CHECK: %[[WITHIN:.*]] = arith.remui %[[T]], %[[PER]] : i32
// CHECK: %[[R:.*]] = arith.remui %[[WITHIN]], %[[ROWS]] : i32
// CHECK: arith.addi %[[FIRST]], %[[R]] : i32
// CHECK: arith.divui %[[WITHIN]], %[[ROWS]] : i32
func.func @swizzled(%a: tensor<?x?xf16>, %w: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128, 64], warps = 4, stages = 3, swizzle = 4, mma = mma_sync>(%a, %w) : (tensor<?x?xf16>, tensor<?x?xf16>) -> tensor<?x?xf16> {
  ^bb0(%x: tensor<?x?xf16>, %y: tensor<?x?xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
    tessera_schedule.yield %m : tensor<?x?xf16>
  }
  return %r : tensor<?x?xf16>
}

// -----

// `split_k = 4`: a workspace of the partial tiles (f32, 4 x batch x M x N),
// the matmul kernel over 4 times the blocks, each running its slice of the
// k-steps (per slice ceil(steps / 4), clamped to the steps) and storing its
// f32 tile to the workspace; then a second kernel per [8, 128] tile adds
// the 4 slices' tiles and runs the epilogue (the bias add, the f16 store).
// CHECK-LABEL: func.func @split(
// CHECK: %[[OUT:.*]] = tessera_target.allocate
// CHECK: %[[WS:.*]] = tessera_target.allocate(%{{.*}}) : memref<?xf32>
// CHECK: tessera_target.launch @split_k0_matmul_mma grid(%{{.*}}) block = [128] args({{.*}}, %[[WS]] :
// CHECK: tessera_target.launch @split_k1_matmul_splitk grid(%{{.*}}) block = [256] args({{.*}}, %[[WS]] :
// CHECK-LABEL: tessera_target.kernel @split_k0_matmul_mma
// CHECK: %[[STEPS:.*]] = arith.ceildivui %arg6, %c64
// CHECK: %[[PER:.*]] = arith.ceildivui %[[STEPS]], %c4
// CHECK: %[[FIRST:.*]] = arith.minui %{{.*}}, %[[STEPS]]
// CHECK: %[[END:.*]] = arith.minui %{{.*}}, %[[STEPS]]
// CHECK: scf.for %{{.*}} = %[[FIRST]] to %[[END]]
// CHECK: tessera_tile.store_tile %{{.*}} : tensor<128x128xf32, #acc>, memref<?x?xf32, strided<[?, 1], offset: ?>>
// CHECK-LABEL: tessera_target.kernel @split_k1_matmul_splitk
// CHECK-COUNT-4: tessera_tile.load_tile %{{.*}} -> tensor<8x128xf32, #blocked>
// CHECK: tessera_tile.gather
// CHECK: tessera_tile.store_tile %{{.*}} : tensor<8x128xf16, #blocked>
func.func @split(%a: tensor<?x?xf16>, %w: tensor<?x?xf16>, %b: tensor<?xf16>) -> tensor<?x?xf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128, 64], warps = 4, stages = 3, mma = mma_sync, split_k = 4>(%a, %w, %b) : (tensor<?x?xf16>, tensor<?x?xf16>, tensor<?xf16>) -> tensor<?x?xf16> {
  ^bb0(%x: tensor<?x?xf16>, %y: tensor<?x?xf16>, %z: tensor<?xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
    %s = tessera_graph.add %m, %z : tensor<?x?xf16>, tensor<?xf16> -> tensor<?x?xf16>
    tessera_schedule.yield %s : tensor<?x?xf16>
  }
  return %r : tensor<?x?xf16>
}
