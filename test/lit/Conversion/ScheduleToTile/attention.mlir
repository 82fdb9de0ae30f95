// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s
// Attention.cpp: FlashAttention-2 on mma.sync and the SIMT kernel.

// Attention on tensor cores (FlashAttention-2) as a block program (head
// dim 128: 128-key blocks, the schedule's default for head dims over 64): a grid
// of query blocks by batch entries; the query tile copied once and read
// into registers as the first dot's `a` (mma_sync's a layout); key and value
// blocks copied per iteration of a two-stage loop; S = Q K^T (K through a
// transposed view); the scores masked only in the blocks that reach the
// ragged end or the causal diagonal (a branch); the online softmax as
// reduces, maps and broadcasts over the rows; P, rounded to f16, is the
// second dot's `a` as it is (convert_layout); O stored masked.
// CHECK-LABEL: func.func @attention
// CHECK: tessera_target.launch @attention_k0_attention_mma grid(%{{.*}}) block = [256] args(
// CHECK-LABEL: tessera_target.kernel @attention_k0_attention_mma
// CHECK: %[[QS:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<128x128xf16, #smem_layout>
// CHECK: %[[QT:.*]] = tessera_tile.box_copy %{{.*}}[%{{.*}}, %{{.*}}], %[[QS]]
// CHECK: tessera_tile.wait %[[QT]]
// CHECK: %[[QA:.*]] = tessera_tile.local_load %[[QS]] : {{.*}} -> tensor<128x128xf16, #opnd>
// CHECK: arith.minui
// CHECK: scf.for {{.*}} -> (tensor<128xf32, #slice>, tensor<128xf32, #slice>, tensor<128x128xf32, #acc>)
// CHECK: %[[KS:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<128x128xf16, #smem_layout>
// CHECK: tessera_tile.box_copy %{{.*}}, %[[KS]]
// CHECK: %[[VS:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<128x128xf16, #smem_layout>
// CHECK: tessera_tile.box_copy %{{.*}}, %[[VS]]
// CHECK: tessera_tile.wait
// CHECK: %[[KT:.*]] = tessera_tile.trans %[[KS]]
// CHECK: tessera_tile.dot %[[QA]], %[[KT]], %{{.*}} {mma = #mma} : tensor<128x128xf16, #opnd>, {{.*}} -> tensor<128x128xf32, #acc>
// CHECK: scf.if %{{.*}} -> (tensor<128x128xf32, #acc>)
// CHECK: arith.select
// CHECK: } else {
// CHECK-NOT: arith.select
// CHECK: scf.yield
// CHECK: tessera_tile.reduce max %{{.*}} axis 1
// CHECK: math.exp
// CHECK: tessera_tile.reduce add %{{.*}} axis 1
// CHECK: %[[PA:.*]] = tessera_tile.convert_layout %{{.*}} : tensor<128x128xf16, #acc> -> tensor<128x128xf16, #opnd>
// CHECK: tessera_tile.dot %[[PA]], %[[VS]], %{{.*}} {mma = #mma}
// CHECK: {tessera_tile.stages = 2 : i64}
// CHECK: tessera_tile.store_tile %{{.*}} : tensor<128x128xf16, #acc>
func.func @attention(%q: tensor<?x?x?x128xf16>) -> tensor<?x?x?x128xf16> {
  %o = tessera_graph.attention %q, %q, %q causal : tensor<?x?x?x128xf16>, tensor<?x?x?x128xf16>, tensor<?x?x?x128xf16> -> tensor<?x?x?x128xf16>
  return %o : tensor<?x?x?x128xf16>
}

// -----

// Without tensor cores (f32): the same block program on fma dots. Score and
// output tiles are blocked, four lanes along the keys; the boxes' rows are
// padded to 32-byte multiples plus 16 bytes (8 head dims: 8 + 4 floats), the
// probabilities go through a shared buffer to the second dot; key blocks stop
// at the block's last row when causal.
// CHECK: #[[BLOCKED:.*]] = #tessera_tile.blocked<warps = [4, 1], threads = [8, 4], per_thread = [1, 1]>
// CHECK: #[[FMA:.*]] = #tessera_tile.mma<kind = fma, m = 1, n = 1, k = 1>
// CHECK: #[[PAD:.*]] = #tessera_tile.smem_layout<pad = 4>
// CHECK-LABEL: func.func @attention_simt
// CHECK: tessera_target.launch @attention_simt_k0_attention grid
// CHECK-LABEL: tessera_target.kernel @attention_simt_k0_attention
// CHECK: %[[Q:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<64x8xf32, #[[PAD]]>
// CHECK: tessera_tile.box_copy %{{.*}}, %[[Q]]
// CHECK: %[[P:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<64x32xf32, #[[PAD]]>
// CHECK: arith.minui
// CHECK: scf.for
// CHECK: %[[K:.*]] = tessera_tile.local_alloc
// CHECK: tessera_tile.box_copy %{{.*}}, %[[K]]
// CHECK: %[[V:.*]] = tessera_tile.local_alloc
// CHECK: %[[KT:.*]] = tessera_tile.trans %[[K]]
// CHECK: tessera_tile.dot %[[Q]], %[[KT]], %{{.*}} {mma = #[[FMA]]} : {{.*}} -> tensor<64x32xf32, #[[BLOCKED]]>
// CHECK: tessera_tile.reduce max
// CHECK: math.exp
// CHECK: tessera_tile.local_store %{{.*}}, %[[P]]
// CHECK: tessera_tile.dot %[[P]], %[[V]], %{{.*}} {mma = #[[FMA]]}
// CHECK: tessera_tile.store_tile %{{.*}} : tensor<64x8xf32
func.func @attention_simt(%q: tensor<?x?x8xf32>) -> tensor<?x?x8xf32> {
  %o = tessera_graph.attention %q, %q, %q causal : tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32> -> tensor<?x?x8xf32>
  return %o : tensor<?x?x8xf32>
}
