// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s
// Attention.cpp: FlashAttention-2 on mma.sync and the SIMT kernel.

// Attention on tensor cores (FlashAttention-2): a grid of query blocks by
// batch entries; the query tile is loaded once, key/value blocks stream
// through a two-stage ring; scores and P @ V are mma.sync, the running max
// and sum are combined across each quad of lanes with xor shuffles.
// CHECK-LABEL: func.func @attention
// CHECK: tessera_target.launch @attention_k0_attention_mma grid(%{{.*}}) block = [256] args(
// CHECK-LABEL: tessera_target.kernel @attention_k0_attention_mma
// CHECK-COUNT-3: tessera_tile.alloc_shared
// CHECK: tessera_tile.copy_async
// CHECK: tessera_tile.async_wait 1
// CHECK: tessera_tile.load_matrix
// CHECK: scf.for
// CHECK: tessera_tile.async_wait 0
// CHECK-NEXT: tessera_tile.barrier
// CHECK: tessera_tile.mma
// Only key blocks at the end of the keys, or reaching past a warp's first
// row, are masked: a warp-uniform branch between the masked and the plain
// scores.
// CHECK: scf.if %{{.*}} -> (f32, f32,
// CHECK: arith.select
// CHECK: } else {
// CHECK-NOT: arith.select
// CHECK: scf.yield
// CHECK: gpu.shuffle  xor
// CHECK: math.exp
// CHECK: tessera_tile.load_matrix %{{.*}} transpose
// CHECK: tessera_tile.mma
// CHECK: scf.yield
// CHECK: tessera_tile.store
func.func @attention(%q: tensor<?x?x?x128xf16>) -> tensor<?x?x?x128xf16> {
  %o = tessera_graph.attention %q, %q, %q causal : tensor<?x?x?x128xf16>, tensor<?x?x?x128xf16>, tensor<?x?x?x128xf16> -> tensor<?x?x?x128xf16>
  return %o : tensor<?x?x?x128xf16>
}

// -----

// Without tensor cores (f32): one thread per query row, its output row in
// registers, an online softmax over the keys (at most row + 1 of them when
// causal).
// CHECK-LABEL: func.func @attention_simt
// CHECK: tessera_target.launch @attention_simt_k0_attention grid
// CHECK-LABEL: tessera_target.kernel @attention_simt_k0_attention
// CHECK: arith.minui
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}})
// CHECK: scf.for
// CHECK: math.exp
// CHECK-COUNT-8: tessera_tile.store %{{.*}} mask
func.func @attention_simt(%q: tensor<?x?x8xf32>) -> tensor<?x?x8xf32> {
  %o = tessera_graph.attention %q, %q, %q causal : tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32> -> tensor<?x?x8xf32>
  return %o : tensor<?x?x8xf32>
}
