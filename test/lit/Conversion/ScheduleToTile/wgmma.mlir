// RUN: tessera-opt %s --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_90}),convert-tessera-schedule-to-tile)' | FileCheck %s

// On Hopper the default matmul schedule is wgmma with TMA (128x256x64
// tiles, two warpgroups, three stages, blocks in groups of 16 tile rows),
// K split at launch (split_k = auto).
//
// Host: a tensor map for each operand (the lhs as [batch, M, K] in
// 1x128x64 boxes, the rhs as [K, N] in 64x64 boxes, 128-byte swizzle), each
// passed with its `valid` flag.
// CHECK-LABEL: func.func @gemm
// The default's row classes (decode shapes, chosen at launch): the config's
// kernel runs where M > 256 (min(max(M - 256, 0), 1), the arithmetic of a
// launch plan), each class's where its bounds hold M: M <= 16, 16 < M <= 64;
// every other grid is empty.
// CHECK: %[[OVER:.*]] = arith.subi %[[M:.*]], %c64
// CHECK: %[[POS:.*]] = arith.maxsi %[[OVER]], %c0
// CHECK: %[[LARGE:.*]] = arith.minsi %[[POS]], %c1
// CHECK: %[[A16:.*]] = arith.minsi %{{.*}}, %c1
// CHECK: %[[UPTO16:.*]] = arith.subi %c1{{.*}}, %[[A16]] : index
// CHECK: %[[A64:.*]] = arith.minsi %{{.*}}, %c1
// CHECK: %[[UPTO64:.*]] = arith.subi %c1{{.*}}, %[[A64]] : index
// CHECK: %[[A16B:.*]] = arith.minsi %{{.*}}, %c1
// CHECK: %[[CLASS64:.*]] = arith.muli %[[UPTO64]], %[[A16B]] : index
// Each config's blocks: one flat grid of tiles of N, tiles of M, batch
// entries (no 65535 limit), and its split_k = auto: slices = max(1,
// min(multiprocessors / tiles, K steps / 16, 16)), used where above 1.
// CHECK: %[[NT:.*]] = arith.ceildivui %{{.*}}, %c256
// CHECK: %[[MT:.*]] = arith.ceildivui %{{.*}}, %c128
// CHECK: %[[NM:.*]] = arith.muli %[[NT]], %[[MT]]
// CHECK: %[[G:.*]] = arith.muli %[[NM]], %{{.*}}
// CHECK: %[[SMS:.*]] = tessera_target.multiprocessors
// CHECK: %[[PER:.*]] = arith.divui %[[SMS]], %{{.*}} : index
// CHECK: arith.minui %[[PER]], %{{.*}} : index
// CHECK: %[[F:.*]] = arith.maxui %{{.*}}, %{{.*}} : index
// CHECK: %[[USED:.*]] = arith.minui %{{.*}}, %{{.*}} : index
// (then the classes': 64-row tiles)
// CHECK: arith.ceildivui %{{.*}}, %c64
// One split for all the configs: the launched config's slices and use
// (sums over the gates), one workspace of that many partial outputs where
// the launch splits (else empty), one summing kernel.
// CHECK: %[[USEDL:.*]] = arith.muli %[[USED]], %[[LARGE]] : index
// CHECK: arith.addi %[[USEDL]]
// CHECK: %[[USEDALL:.*]] = arith.addi
// CHECK: %[[FL:.*]] = arith.muli %[[F]], %[[LARGE]] : index
// CHECK: arith.addi %[[FL]]
// CHECK: %[[FALL:.*]] = arith.addi
// CHECK: %[[WS:.*]] = tessera_target.allocate(%{{.*}}) : memref<?xf32>
// CHECK: %[[GL:.*]] = arith.muli %[[G]], %[[LARGE]] : index
// CHECK: %[[GF:.*]] = arith.muli %[[GL]], %[[FALL]] : index
// CHECK: %[[A:.*]], %[[AV:.*]] = tessera_target.tensor_map %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] : memref<?x?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<1x128x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
// CHECK: %[[B:.*]], %[[BV:.*]] = tessera_target.tensor_map %{{.*}}[%{{.*}}, %{{.*}}] : memref<?x?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
// CHECK: tessera_target.launch @gemm_k0_matmul_wgmma grid(%[[GF]]) block = [256] args({{.*}}, %[[FALL]], %[[WS]], %[[A]], %[[AV]], %[[B]], %[[BV]] :
// The classes' kernels on the same arguments and their own maps (one
// warpgroup's 64 rows: 1x64x64 lhs boxes).
// CHECK: arith.muli %{{.*}}, %[[UPTO16]] : index
// CHECK: tessera_target.tensor_map {{.*}} -> !nvgpu.tensormap.descriptor<tensor = memref<1x64x64xf16
// CHECK: tessera_target.launch @gemm_k1_matmul_wgmma grid(%{{.*}}) block = [128] args({{.*}}, %[[FALL]], %[[WS]],
// CHECK: arith.muli %{{.*}}, %[[CLASS64]] : index
// CHECK: tessera_target.launch @gemm_k2_matmul_wgmma grid(%{{.*}}) block = [128]
// The second kernel sums the slices: an empty grid where K was not split.
// CHECK: %[[RG:.*]] = arith.muli %{{.*}}, %[[USEDALL]] : index
// CHECK: tessera_target.launch @gemm_k3_matmul_splitk grid(%[[RG]])
//
// Kernel: when both maps are valid, the wgmma block program: per 64-deep
// slice of K, the lhs box ([batch, M, K] as the map sees it, at the block's
// batch entry) and the rhs box copied through the maps into 128-byte
// swizzled buffers, both arriving on the slice's barrier (2 arrivals), a
// wait on it and a wgmma dot (one m64 per warpgroup: warps [8, 1]); a loop
// of 3 stages (tessera-tile-pipeline makes the rings). Then the
// accumulator through a padded shared buffer, and the epilogue in a loop
// over its rows, 8 at a time (a warp per row, a lane per column). Else the
// SIMT block program (registers only).
// CHECK-LABEL: tessera_target.kernel @gemm_k0_matmul_wgmma
// CHECK: scf.if
// The block's (n, m, batch) tile from the flat program id (in 32 bits),
// in groups of 16 rows of tiles (the default's swizzle).
// CHECK: %[[PID:.*]] = tessera_tile.program_id 0
// CHECK: %[[P32:.*]] = arith.index_castui %[[PID]] : index to i32
// CHECK: arith.remui %[[P32]], %{{.*}} : i32
// CHECK: arith.divui %[[P32]], %{{.*}} : i32
// CHECK: arith.muli %c16_i32, %{{.*}} : i32
// CHECK: %[[LHS:.*]] = memref.reinterpret_cast %arg0 to offset: [0], sizes: [%c1{{.*}}, %arg3, %arg5]
// CHECK: %[[RHS:.*]] = memref.reinterpret_cast %arg1 to offset: [0], sizes: [%arg5, %arg4]
// The block's slice of K: steps [slice * per, min(...)) of ceil(K / 64),
// per = ceil(steps / slices) (the slices: parameter %arg6).
// CHECK: arith.ceildivui %{{.*}}, %arg6 : index
// CHECK: scf.for
// CHECK: %[[A:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<128x64xf16, #smem_layout>
// CHECK: %[[B:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<64x256xf16, #smem_layout>
// CHECK: %[[BAR:.*]] = tessera_tile.mbarrier_alloc arrivals 2 : !tessera_tile.mbarrier<1>
// CHECK: tessera_tile.box_copy %[[LHS]][%{{.*}}, %{{.*}}, %{{.*}}], %[[A]] desc %arg8 arrive %[[BAR]][%{{.*}}]
// CHECK: tessera_tile.box_copy %[[RHS]][%{{.*}}, %{{.*}}], %[[B]] desc %arg10 arrive %[[BAR]][%{{.*}}]
// CHECK: tessera_tile.mbarrier_wait %[[BAR]][%{{.*}}], %false
// CHECK: tessera_tile.dot %[[A]], %[[B]], %{{.*}} {mma = #mma} : {{.*}} -> tensor<128x256xf32, #acc>
// CHECK: {tessera_tile.stages = 3 : i64}
// CHECK: %[[ST:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<128x256xf32, #smem_layout1>
// CHECK: tessera_tile.local_store %{{.*}}, %[[ST]]
// CHECK: scf.for %[[R:.*]] = %{{.*}} to %c128{{.*}} step %c8
// CHECK: tessera_tile.local_load %[[ST]][%[[R]], %{{.*}}] : {{.*}} -> tensor<8x256xf32, #blocked>
// One slice at launch: the epilogue; else the partial tile into the
// workspace (%arg7), for the second kernel.
// CHECK: %[[ONE:.*]] = arith.cmpi eq, %arg6, %{{.*}} : index
// CHECK: scf.if %[[ONE]] {
// CHECK: tessera_tile.store_tile %{{.*}} : tensor<8x256xf16, #blocked>
// CHECK: } else {
// CHECK: memref.reinterpret_cast %arg7
// CHECK: tessera_tile.store_tile %{{.*}} : tensor<8x256xf32, #blocked>
// The fallback where a map is invalid: the SIMT block program in passes of
// [4 x 8 warps, 128], 4x4 elements a thread (a k-loop of outer products
// each, then the tile epilogue).
// CHECK: } else {
// CHECK: scf.for %{{.*}} = %{{.*}} to %c128{{.*}} step %c32
// CHECK: scf.for %{{.*}} = %{{.*}} to %c256{{.*}} step %c128
// CHECK: scf.for {{.*}} -> (tensor<32x128xf32, #blocked{{[0-9]*}}>)
// CHECK: tessera_tile.store_tile
// The second kernel: per 8x128 tile, the sum over the launch's slices.
// CHECK-LABEL: tessera_target.kernel @gemm_k3_matmul_splitk
// CHECK: scf.for %{{.*}} = %{{.*}} to %arg6 step
// CHECK: tessera_tile.load_tile
// CHECK: arith.addf
// CHECK: tessera_tile.store_tile
func.func @gemm(%a: tensor<?x?xf16>, %w: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %m = tessera_graph.matmul %a, %w : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  return %m : tensor<?x?xf16>
}
