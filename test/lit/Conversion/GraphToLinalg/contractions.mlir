// RUN: tessera-opt %s -split-input-file -convert-tessera-graph-to-linalg | FileCheck %s

// Plain 2-d matmuls become linalg.matmul into a zero-filled accumulator.
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: %[[E:.*]] = tensor.empty() : tensor<4x16xf32>
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[F:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<4x16xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<8x16xf32>) outs(%[[F]] : tensor<4x16xf32>)
func.func @matmul(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %0 = tessera_graph.matmul %a, %b : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// bf16 with f32 accumulation: the accumulator is f32, the result is rounded
// to bf16 once at the end.
// CHECK-LABEL: func.func @bf16_acc
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x8xbf16>, tensor<8x16xbf16>) outs(%{{.*}} : tensor<4x16xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @bf16_acc(%a: tensor<4x8xbf16>, %b: tensor<8x16xbf16>) -> tensor<4x16xbf16> {
  %0 = tessera_graph.matmul %a, %b acc = f32 : tensor<4x8xbf16>, tensor<8x16xbf16> -> tensor<4x16xbf16>
  return %0 : tensor<4x16xbf16>
}

// -----

// CHECK-LABEL: func.func @batch
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<3x4x8xf32>, tensor<3x8x16xf32>)
func.func @batch(%a: tensor<3x4x8xf32>, %b: tensor<3x8x16xf32>) -> tensor<3x4x16xf32> {
  %0 = tessera_graph.matmul %a, %b : tensor<3x4x8xf32>, tensor<3x8x16xf32> -> tensor<3x4x16xf32>
  return %0 : tensor<3x4x16xf32>
}

// -----

// Transposes and broadcast batch dims: a linalg.generic over (b, m, n, k).
// CHECK-DAG: #[[L:.*]] = affine_map<(d0, d1, d2, d3) -> (d3, d1)>
// CHECK-DAG: #[[R:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[O:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @transposed
// CHECK: linalg.generic {indexing_maps = [#[[L]], #[[R]], #[[O]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @transposed(%a: tensor<8x4xf32>, %b: tensor<2x16x8xf32>) -> tensor<2x4x16xf32> {
  %0 = tessera_graph.matmul %a, %b transpose_lhs transpose_rhs : tensor<8x4xf32>, tensor<2x16x8xf32> -> tensor<2x4x16xf32>
  return %0 : tensor<2x4x16xf32>
}

// -----

// Attention: q k^T, one pass for scale and causal mask, linalg.softmax, p v.
// CHECK-LABEL: func.func @attention
// CHECK: linalg.generic
// CHECK: linalg.index 1
// CHECK: linalg.index 2
// CHECK: arith.cmpi ugt
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: linalg.softmax dimension(2)
// CHECK: linalg.batch_matmul
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @attention(%q: tensor<2x16x8xf16>, %k: tensor<2x12x8xf16>, %v: tensor<2x12x4xf16>) -> tensor<2x16x4xf16> {
  %0 = tessera_graph.attention %q, %k, %v causal : tensor<2x16x8xf16>, tensor<2x12x8xf16>, tensor<2x12x4xf16> -> tensor<2x16x4xf16>
  return %0 : tensor<2x16x4xf16>
}

// -----

// A policy governs how a matmul's result is stored, not only elementwise
// math: here f32 accumulators saturate into f16.
// CHECK-LABEL: func.func @saturating_matmul
// CHECK: linalg.matmul
// CHECK: linalg.generic
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK: arith.truncf
func.func @saturating_matmul(%a: tensor<8x16xf16>, %b: tensor<16x4xf16>) -> tensor<8x4xf16> {
  %r = tessera_graph.matmul %a, %b {tessera_graph.numerics = #tessera_graph.numerics<storage = f16, saturate = true>} : tensor<8x16xf16>, tensor<16x4xf16> -> tensor<8x4xf16>
  return %r : tensor<8x4xf16>
}
