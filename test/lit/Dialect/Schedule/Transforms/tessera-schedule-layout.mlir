// RUN: tessera-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tessera-schedule-layout{chip=sm_90}))' | FileCheck %s
// RUN: tessera-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tessera-schedule-layout{chip=sm_80}))' | FileCheck %s --check-prefix=AMPERE
// RUN: not tessera-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tessera-schedule-layout{chip=sm_999}))' 2>&1 | FileCheck %s --check-prefix=UNKNOWN

// On a chip with wgmma, an f8 matmul's [K, N] rhs is transposed to [N, K]
// (its own kernel) and the matmul reads it with transpose_rhs: 8-bit wgmma
// reads both operands with K contiguous.
// CHECK-LABEL: func.func @f8_nn
// CHECK: %[[T:.*]] = tessera_graph.transpose %arg1 permutation = [1, 0] : tensor<?x96xf8E4M3FN> -> tensor<96x?xf8E4M3FN>
// CHECK: tessera_graph.matmul %arg0, %[[T]] transpose_rhs out = f32 : tensor<?x?xf8E4M3FN>, tensor<96x?xf8E4M3FN> -> tensor<?x96xf32>
// Without wgmma (sm_80) nothing changes: the SIMT kernel reads [K, N].
// AMPERE-LABEL: func.func @f8_nn
// AMPERE-NOT: tessera_graph.transpose
// AMPERE: tessera_graph.matmul %arg0, %arg1 out = f32
// UNKNOWN: unknown chip 'sm_999'
func.func @f8_nn(%a: tensor<?x?xf8E4M3FN>, %b: tensor<?x96xf8E4M3FN>) -> tensor<?x96xf32> {
  %c = tessera_graph.matmul %a, %b out = f32 : tensor<?x?xf8E4M3FN>, tensor<?x96xf8E4M3FN> -> tensor<?x96xf32>
  return %c : tensor<?x96xf32>
}

// -----

// Left alone: a rhs already [N, K], a transposed lhs, an f8 matmul that
// accumulates in f8 (no wgmma for it), f16 (wgmma reads [K, N] itself) and
// a batched rhs.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: tessera_graph.transpose
// CHECK: return
func.func @left_alone(%a: tensor<64x32xf8E5M2>, %b: tensor<48x32xf8E5M2>, %c: tensor<32x64xf8E5M2>,
                      %d: tensor<32x48xf8E5M2>, %h: tensor<64x32xf16>, %w: tensor<32x48xf16>,
                      %x: tensor<2x64x32xf8E5M2>, %y: tensor<2x32x48xf8E5M2>) {
  %0 = tessera_graph.matmul %a, %b transpose_rhs out = f32 : tensor<64x32xf8E5M2>, tensor<48x32xf8E5M2> -> tensor<64x48xf32>
  %1 = tessera_graph.matmul %c, %d transpose_lhs out = f32 : tensor<32x64xf8E5M2>, tensor<32x48xf8E5M2> -> tensor<64x48xf32>
  %2 = tessera_graph.matmul %a, %d acc = f8E5M2 : tensor<64x32xf8E5M2>, tensor<32x48xf8E5M2> -> tensor<64x48xf8E5M2>
  %3 = tessera_graph.matmul %h, %w : tensor<64x32xf16>, tensor<32x48xf16> -> tensor<64x48xf16>
  %4 = tessera_graph.matmul %x, %y out = f32 : tensor<2x64x32xf8E5M2>, tensor<2x32x48xf8E5M2> -> tensor<2x64x48xf32>
  return
}

// -----

// f8 attention (no kernel reads f8 operands), on every chip: its operands
// (and mask) widened to f32 exactly, its result rounded back to f8.
// CHECK-LABEL: func.func @f8_attention
// CHECK: %[[Q:.*]] = tessera_graph.cast %arg0 : tensor<2x16x64xf8E4M3FN> -> tensor<2x16x64xf32>
// CHECK: %[[K:.*]] = tessera_graph.cast %arg1 : tensor<2x16x64xf8E4M3FN> -> tensor<2x16x64xf32>
// CHECK: %[[V:.*]] = tessera_graph.cast %arg1 : tensor<2x16x64xf8E4M3FN> -> tensor<2x16x64xf32>
// CHECK: %[[M:.*]] = tessera_graph.cast %arg2 : tensor<2x16x16xf8E4M3FN> -> tensor<2x16x16xf32>
// CHECK: %[[O:.*]] = tessera_graph.attention %[[Q]], %[[K]], %[[V]] mask(%[[M]] : tensor<2x16x16xf32>) causal : tensor<2x16x64xf32>, tensor<2x16x64xf32>, tensor<2x16x64xf32> -> tensor<2x16x64xf32>
// CHECK: %[[R:.*]] = tessera_graph.cast %[[O]] : tensor<2x16x64xf32> -> tensor<2x16x64xf8E4M3FN>
// CHECK: return %[[R]]
// AMPERE-LABEL: func.func @f8_attention
// AMPERE: tessera_graph.attention {{.*}} -> tensor<2x16x64xf32>
func.func @f8_attention(%q: tensor<2x16x64xf8E4M3FN>, %k: tensor<2x16x64xf8E4M3FN>, %m: tensor<2x16x16xf8E4M3FN>) -> tensor<2x16x64xf8E4M3FN> {
  %o = tessera_graph.attention %q, %k, %k mask(%m : tensor<2x16x16xf8E4M3FN>) causal : tensor<2x16x64xf8E4M3FN>, tensor<2x16x64xf8E4M3FN>, tensor<2x16x64xf8E4M3FN> -> tensor<2x16x64xf8E4M3FN>
  return %o : tensor<2x16x64xf8E4M3FN>
}
