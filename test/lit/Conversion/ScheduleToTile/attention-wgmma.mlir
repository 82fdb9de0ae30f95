// RUN: tessera-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_90}),convert-tessera-schedule-to-tile)' | FileCheck %s
// Attention.cpp on Hopper: the wgmma program, with no path without TMA (the
// kernel takes no valid flags: the runtime must encode the maps, and
// copies inputs TMA cannot address into aligned rows first).

// Head dim 128 (the default: 128 query rows, two warpgroups; 128 keys a
// step, 2 stages). The host describes query, key and value to TMA as
// [batch entries, rows, head dim] (boxes of 128 rows by 64 columns,
// 128-byte swizzle); the kernel takes the maps and the batch count. The
// wgmma program: the query
// tile copied once into a swizzled buffer through its map, completing on a
// barrier; the first key block too, and its scores S = Q K^T (both
// operands from shared memory, K through a transposed view: K-major)
// before the loop (the overlap: query heads of 128 or more, value heads
// of at most 128). The loop carries the scores of its block: each
// iteration copies the next key block and its own value block onto one
// barrier of the iteration (tessera-tile-pipeline
// makes it a ring), issues the next block's scores `async`, runs the
// softmax of its own, converts P (rounded to f16) to the second dot's `a`
// (the accumulator's own layout: nothing moves), O = P V, then awaits the
// next scores (`dot_wait`) and carries them.
// CHECK-DAG: #[[SWZ:.*]] = #tessera_tile.smem_layout<swizzle = 128>
// CHECK-DAG: #[[MMA:.*]] = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 16>
// CHECK-DAG: #[[ACC:.*]] = #tessera_tile.mma_acc<mma = #[[MMA]], warps = [8, 1]>
// CHECK-DAG: #[[OPND:.*]] = #tessera_tile.dot_operand<index = 0, parent = #[[ACC]]>
// CHECK-LABEL: func.func @attention_d128
// CHECK-COUNT-3: tessera_target.tensor_map %{{.*}}[%{{.*}}, %{{.*}}, %c128{{.*}}] : memref<?x?x?x128xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<1x128x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b
// CHECK: tessera_target.launch @attention_d128_k0_attention_wgmma grid(%{{.*}}) block = [256] args(
// CHECK-LABEL: tessera_target.kernel @attention_d128_k0_attention_wgmma
// CHECK-NOT: scf.if
// CHECK: %[[QS:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<128x128xf16, #[[SWZ]]>
// CHECK: %[[QB:.*]] = tessera_tile.mbarrier_alloc arrivals 1
// CHECK: tessera_tile.box_copy %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}], %[[QS]] desc %{{.*}} arrive %[[QB]]
// CHECK: tessera_tile.mbarrier_wait %[[QB]]
// CHECK: %[[K0:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<128x128xf16, #[[SWZ]]>
// CHECK: tessera_tile.box_copy %{{.*}}, %[[K0]] desc
// CHECK: tessera_tile.mbarrier_wait
// CHECK: %[[K0T:.*]] = tessera_tile.trans %[[K0]]
// CHECK: %[[S0:.*]] = tessera_tile.dot %[[QS]], %[[K0T]], %{{.*}} {mma = #[[MMA]]}
// CHECK: scf.for {{.*}} iter_args({{.*}}, %[[S:.*]] = %[[S0]])
// CHECK: %[[BAR:.*]] = tessera_tile.mbarrier_alloc arrivals 2
// CHECK: %[[KS:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<128x128xf16, #[[SWZ]]>
// CHECK: tessera_tile.box_copy %{{.*}}, %[[KS]] desc %{{.*}} arrive %[[BAR]]
// CHECK: %[[VS:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<128x128xf16, #[[SWZ]]>
// CHECK: tessera_tile.box_copy %{{.*}}, %[[VS]] desc %{{.*}} arrive %[[BAR]]
// CHECK: tessera_tile.mbarrier_wait %[[BAR]]
// CHECK: %[[KT:.*]] = tessera_tile.trans %[[KS]]
// CHECK: %[[NEXT:.*]] = tessera_tile.dot %[[QS]], %[[KT]], %{{.*}} async {mma = #[[MMA]]}
// CHECK: tessera_tile.reduce max %{{.*}} axis 1
// CHECK: %[[P:.*]] = tessera_tile.convert_layout %{{.*}} : tensor<128x128xf16, #[[ACC]]> -> tensor<128x128xf16, #[[OPND]]>
// CHECK: %[[O:.*]] = tessera_tile.dot %[[P]], %[[VS]], %{{.*}} {mma = #[[MMA]]}
// CHECK: %[[READY:.*]] = tessera_tile.dot_wait %[[NEXT]]
// CHECK: scf.yield %{{.*}}, %{{.*}}, %[[O]], %[[READY]]
// CHECK: } {tessera_tile.stages = 2 : i64}
// CHECK: tessera_tile.store_tile
// CHECK-NOT: mma_sync
// CHECK: tessera_target.return
func.func @attention_d128(%q: tensor<?x?x?x128xf16>, %k: tensor<?x?x?x128xf16>, %v: tensor<?x?x?x128xf16>) -> tensor<?x?x?x128xf16> {
  %o = tessera_graph.attention %q, %k, %v causal : tensor<?x?x?x128xf16>, tensor<?x?x?x128xf16>, tensor<?x?x?x128xf16> -> tensor<?x?x?x128xf16>
  return %o : tensor<?x?x?x128xf16>
}

// -----

// Head dim 64 under a schedule of 128 keys a step: no overlap (head dims
// under 128), the scores computed in the iteration; the two dots'
// accumulators differ in n (128 keys, 64 output columns), so the row
// values (alpha, the row sums) are converted from the scores' slice to the
// output's (the same rows: nothing moves) before they broadcast.
// CHECK-DAG: #[[MMAS:.*]] = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 16>
// CHECK-DAG: #[[MMAO:.*]] = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>
// CHECK-DAG: #[[ACCO:.*]] = #tessera_tile.mma_acc<mma = #[[MMAO]], warps = [8, 1]>
// CHECK-DAG: #[[OPNDO:.*]] = #tessera_tile.dot_operand<index = 0, parent = #[[ACCO]]>
// CHECK-LABEL: tessera_target.kernel @attention_d64_k0_attention_wgmma
// CHECK: scf.for
// CHECK: tessera_tile.mbarrier_wait
// CHECK: tessera_tile.dot %{{.*}}, %{{.*}}, %{{.*}} {mma = #[[MMAS]]}
// CHECK: tessera_tile.convert_layout %{{.*}} : tensor<128xf32, {{.*}}> -> tensor<128xf32,
// CHECK: %[[P:.*]] = tessera_tile.convert_layout %{{.*}} : tensor<128x128xf16, {{.*}}> -> tensor<128x128xf16, #[[OPNDO]]>
// CHECK: tessera_tile.dot %[[P]], %{{.*}}, %{{.*}} {mma = #[[MMAO]]}
// CHECK-NOT: tessera_tile.dot_wait
// CHECK: } {tessera_tile.stages = 2 : i64}
func.func @attention_d64(%q: tensor<?x?x64xf16>) -> tensor<?x?x64xf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128], warps = 8, stages = 2, mma = wgmma>(%q) : (tensor<?x?x64xf16>) -> tensor<?x?x64xf16> {
  ^bb0(%x: tensor<?x?x64xf16>):
    %o = tessera_graph.attention %x, %x, %x : tensor<?x?x64xf16>, tensor<?x?x64xf16>, tensor<?x?x64xf16> -> tensor<?x?x64xf16>
    tessera_schedule.yield %o : tensor<?x?x64xf16>
  }
  return %r : tensor<?x?x64xf16>
}
