// RUN: tessera-opt %s --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_90}),convert-tessera-schedule-to-tile)' | FileCheck %s
// Attention.cpp on Hopper: the wgmma program, with the mma_sync one of the
// same schedule where the tensor maps cannot be encoded.

// The host describes query, key and value to TMA as [batch entries, rows,
// head dim] (boxes of the block's 128 query rows or a key block's 128 rows
// by 64 columns, 128-byte swizzle); the kernel takes the maps, their valid
// flags and the batch count, and branches on the flags. The wgmma program:
// the query tile copied once into a swizzled buffer through its map,
// completing on a barrier; per key block, key and value copied through
// theirs onto one barrier of the iteration (tessera-tile-pipeline makes it
// a ring); S = Q K^T with both operands read from shared memory (K through
// a transposed view: K-major); P, rounded to f16, converted to the second
// dot's `a` (the accumulator's own layout: nothing moves); the row values
// (alpha, the row sums) converted from the scores' accumulator to the
// output's (64 columns here, 128 for the scores: the same rows); O = P V
// with wgmma. The else branch is the mma_sync program.
// CHECK-DAG: #[[MMA16:.*]] = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
// CHECK-DAG: #[[SWZ:.*]] = #tessera_tile.smem_layout<swizzle = 128>
// CHECK-DAG: #[[MMAS:.*]] = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 16>
// CHECK-DAG: #[[MMAO:.*]] = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>
// CHECK-DAG: #[[ACCO:.*]] = #tessera_tile.mma_acc<mma = #[[MMAO]], warps = [8, 1]>
// CHECK-DAG: #[[OPND:.*]] = #tessera_tile.dot_operand<index = 0, parent = #[[ACCO]]>
// CHECK-LABEL: func.func @attention
// CHECK-COUNT-3: tessera_target.tensor_map %{{.*}}[%{{.*}}, %{{.*}}, %c64{{.*}}] : memref<?x?x?x64xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<1x128x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b
// CHECK: tessera_target.launch @attention_k0_attention_wgmma grid(%{{.*}}) block = [256] args(
// CHECK-LABEL: tessera_target.kernel @attention_k0_attention_wgmma
// CHECK: scf.if
// CHECK: %[[QS:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<128x64xf16, #[[SWZ]]>
// CHECK: %[[QB:.*]] = tessera_tile.mbarrier_alloc arrivals 1
// CHECK: tessera_tile.box_copy %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}], %[[QS]] desc %{{.*}} arrive %[[QB]]
// CHECK: tessera_tile.mbarrier_wait %[[QB]]
// CHECK: scf.for
// CHECK: %[[BAR:.*]] = tessera_tile.mbarrier_alloc arrivals 2
// CHECK: %[[KS:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<128x64xf16, #[[SWZ]]>
// CHECK: tessera_tile.box_copy %{{.*}}, %[[KS]] desc %{{.*}} arrive %[[BAR]]
// CHECK: %[[VS:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<128x64xf16, #[[SWZ]]>
// CHECK: tessera_tile.box_copy %{{.*}}, %[[VS]] desc %{{.*}} arrive %[[BAR]]
// CHECK: tessera_tile.mbarrier_wait %[[BAR]]
// CHECK: %[[KT:.*]] = tessera_tile.trans %[[KS]]
// CHECK: tessera_tile.dot %[[QS]], %[[KT]], %{{.*}} {mma = #[[MMAS]]}
// CHECK: tessera_tile.convert_layout %{{.*}} : tensor<128xf32, {{.*}}> -> tensor<128xf32,
// CHECK: %[[P:.*]] = tessera_tile.convert_layout %{{.*}} : tensor<128x128xf16, {{.*}}> -> tensor<128x128xf16, #[[OPND]]>
// CHECK: tessera_tile.dot %[[P]], %[[VS]], %{{.*}} {mma = #[[MMAO]]}
// CHECK: } {tessera_tile.stages = 2 : i64}
// CHECK: tessera_tile.store_tile
// CHECK: } else {
// CHECK: tessera_tile.wait
// CHECK: tessera_tile.dot {{.*}} {mma = #[[MMA16]]}
func.func @attention(%q: tensor<?x?x?x64xf16>, %k: tensor<?x?x?x64xf16>, %v: tensor<?x?x?x64xf16>) -> tensor<?x?x?x64xf16> {
  %o = tessera_graph.attention %q, %k, %v causal : tensor<?x?x?x64xf16>, tensor<?x?x?x64xf16>, tensor<?x?x?x64xf16> -> tensor<?x?x?x64xf16>
  return %o : tensor<?x?x?x64xf16>
}
