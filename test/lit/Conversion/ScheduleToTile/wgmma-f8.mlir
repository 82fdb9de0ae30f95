// RUN: tessera-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tessera-graph-fuse,tessera-schedule-assign{chip=sm_90}),convert-tessera-schedule-to-tile)' | FileCheck %s

// FP8 x @ w.T on Hopper: the default schedule takes 128-deep slices of K
// (one 128-byte box row of f8) in a 4-stage ring, K split at launch. The
// row scale and the cast to bf16 are the fused epilogue.
//
// Host: tensor maps of the lhs in 1x128x128 boxes and of the rhs ([N, K] in
// memory) in 256x128 boxes.
// CHECK-LABEL: func.func @gemm_e4m3
// CHECK: tessera_target.tensor_map %{{.*}} : memref<?x?xf8E4M3FN> -> !nvgpu.tensormap.descriptor<tensor = memref<1x128x128xf8E4M3FN
// CHECK: tessera_target.tensor_map %{{.*}} : memref<?x?xf8E4M3FN> -> !nvgpu.tensormap.descriptor<tensor = memref<256x128xf8E4M3FN
// CHECK: tessera_target.launch @gemm_e4m3_k0_matmul_wgmma
// Then the f8 row classes' kernels (M <= 16: 64x256 tiles, the rhs in
// 256x128 boxes; M <= 128: 64x64, 64x128 boxes) and the one summing kernel.
// CHECK: tessera_target.tensor_map %{{.*}} : memref<?x?xf8E4M3FN> -> !nvgpu.tensormap.descriptor<tensor = memref<1x64x128xf8E4M3FN
// CHECK: tessera_target.launch @gemm_e4m3_k1_matmul_wgmma {{.*}} block = [128]
// CHECK: tessera_target.tensor_map %{{.*}} : memref<?x?xf8E4M3FN> -> !nvgpu.tensormap.descriptor<tensor = memref<64x128xf8E4M3FN
// CHECK: tessera_target.launch @gemm_e4m3_k2_matmul_wgmma {{.*}} block = [128]
// CHECK: tessera_target.launch @gemm_e4m3_k3_matmul_splitk
//
// Kernel: per slice, the boxes, the rhs's through a `trans` view (K
// contiguous, as 8-bit wgmma reads it), one dot of k32 wgmmas per band.
// CHECK-LABEL: tessera_target.kernel @gemm_e4m3_k0_matmul_wgmma
// CHECK-SAME: tile = [128, 256, 128], warps = 8, stages = 4, swizzle = 16, mma = wgmma, split_k = auto
// CHECK: %[[A:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<128x128xf8E4M3FN, #smem_layout>
// CHECK: %[[B:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<256x128xf8E4M3FN, #smem_layout>
// CHECK: tessera_tile.box_copy %{{.*}}, %[[A]] desc
// CHECK: tessera_tile.box_copy %{{.*}}, %[[B]] desc
// CHECK: %[[BT:.*]] = tessera_tile.trans %[[B]] : !tessera_tile.smem<256x128xf8E4M3FN, #smem_layout> -> !tessera_tile.smem<128x256xf8E4M3FN, #smem_layout1>
// CHECK: tessera_tile.dot %[[A]], %[[BT]], %{{.*}} {mma = #mma} : {{.*}} -> tensor<128x256xf32, #acc>
// CHECK: {tessera_tile.stages = 4 : i64}
// Where the maps are invalid (the runtime's pitched copies off): the SIMT
// program in passes of [4 x 8 warps, 128] over the block's 128x256 tile,
// 4x4 elements a thread, each a k-loop of outer products.
// CHECK: } else {
// CHECK: scf.for %{{.*}} = %{{.*}} to %c128{{.*}} step %c32
// CHECK: scf.for %{{.*}} = %{{.*}} to %c256{{.*}} step %c128
// CHECK: scf.for {{.*}} -> (tensor<32x128xf32, #blocked{{[0-9]*}}>)
// CHECK: tessera_tile.load_tile {{.*}} -> tensor<32xf8E4M3FN
func.func @gemm_e4m3(%a: tensor<?x?xf8E4M3FN>, %b: tensor<?x?xf8E4M3FN>, %sa: tensor<?x1xf32>) -> tensor<?x?xbf16> {
  %m = tessera_graph.matmul %a, %b transpose_rhs out = f32 : tensor<?x?xf8E4M3FN>, tensor<?x?xf8E4M3FN> -> tensor<?x?xf32>
  %x = tessera_graph.mul %m, %sa : tensor<?x?xf32>, tensor<?x1xf32> -> tensor<?x?xf32>
  %c = tessera_graph.cast %x : tensor<?x?xf32> -> tensor<?x?xbf16>
  return %c : tensor<?x?xbf16>
}

// -----

// The rhs [K, N] in memory: 8-bit wgmma cannot read it (N contiguous), so
// the default is the SIMT kernel.
// CHECK-LABEL: func.func @gemm_e4m3_nn
// CHECK: tessera_target.launch @gemm_e4m3_nn_k0_matmul grid
func.func @gemm_e4m3_nn(%a: tensor<?x?xf8E4M3FN>, %b: tensor<?x?xf8E4M3FN>) -> tensor<?x?xf32> {
  %m = tessera_graph.matmul %a, %b out = f32 : tensor<?x?xf8E4M3FN>, tensor<?x?xf8E4M3FN> -> tensor<?x?xf32>
  return %m : tensor<?x?xf32>
}

// -----

// Scaled per row of x and per column of the result: the epilogue walks the
// block's rows 8 at a time (a row per warp); the column scales are the same
// for every row, gathered once before that loop; the row scales one per
// row of the tile (the rows' slice: one load a thread), broadcast along the
// columns, an iteration ahead: the first rows' before the loop, the next
// rows' in each iteration, carried.
// CHECK-LABEL: tessera_target.kernel @gemm_e4m3_rows_k0_matmul_wgmma
// CHECK: {tessera_tile.stages = 4 : i64}
// CHECK: %[[COLUMNS:.*]] = tessera_tile.gather {{.*}} -> tensor<8x256xf32, #blocked>
// CHECK: %[[SA0ROWS:.*]] = tessera_tile.gather {{.*}} -> tensor<8xf32, #slice{{[0-9]*}}>
// CHECK: %[[SA0:.*]] = tessera_tile.broadcast %[[SA0ROWS]] axis 1 : tensor<8xf32, #slice{{[0-9]*}}> -> tensor<8x256xf32, #blocked>
// CHECK: scf.for %{{.*}} = %{{.*}} to %c128{{.*}} step %c8{{.*}} iter_args(%[[SA:.*]] = %[[SA0]])
// CHECK: %[[NEXTROWS:.*]] = tessera_tile.gather {{.*}} -> tensor<8xf32, #slice{{[0-9]*}}>
// CHECK: %[[NEXT:.*]] = tessera_tile.broadcast %[[NEXTROWS]] axis 1
// CHECK: %[[ROWS:.*]] = tessera_tile.local_load {{.*}} -> tensor<8x256xf32, #blocked>
// CHECK: tessera_tile.map ins(%[[ROWS]], %[[SA]], %[[COLUMNS]] :
// CHECK: scf.yield %[[NEXT]]
func.func @gemm_e4m3_rows(%a: tensor<?x?xf8E4M3FN>, %b: tensor<?x?xf8E4M3FN>, %sa: tensor<?x1xf32>, %sb: tensor<1x?xf32>) -> tensor<?x?xbf16> {
  %m = tessera_graph.matmul %a, %b transpose_rhs out = f32 : tensor<?x?xf8E4M3FN>, tensor<?x?xf8E4M3FN> -> tensor<?x?xf32>
  %x = tessera_graph.mul %m, %sa : tensor<?x?xf32>, tensor<?x1xf32> -> tensor<?x?xf32>
  %y = tessera_graph.mul %x, %sb : tensor<?x?xf32>, tensor<1x?xf32> -> tensor<?x?xf32>
  %c = tessera_graph.cast %y : tensor<?x?xf32> -> tensor<?x?xbf16>
  return %c : tensor<?x?xbf16>
}
