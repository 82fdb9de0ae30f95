// RUN: tessera-opt %s -convert-tessera-graph-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @transpose
// CHECK: linalg.transpose ins(%{{.*}} : tensor<4x8xf32>) outs(%{{.*}} : tensor<8x4xf32>) permutation = [1, 0]
func.func @transpose(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
  %0 = tessera_graph.transpose %x permutation = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// A reshape collapses to one dimension and expands to the result: views.
// CHECK-LABEL: func.func @reshape
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2]] : tensor<?x12x64xf32> into tensor<?xf32>
// CHECK: %[[N:.*]] = tensor.dim %[[FLAT]]
// CHECK: %[[B:.*]] = arith.divui %[[N]], %{{.*}} : index
// CHECK: tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [%[[B]], 768]
func.func @reshape(%x: tensor<?x12x64xf32>) -> tensor<?x768xf32> {
  %0 = tessera_graph.reshape %x : tensor<?x12x64xf32> -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// CHECK-LABEL: func.func @concat
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x11xf32>
// CHECK: %[[A:.*]] = tensor.insert_slice %{{.*}} into %[[E]][0, %{{.*}}] [4, 8] [1, 1]
// CHECK: tensor.insert_slice %{{.*}} into %[[A]][0, %{{.*}}] [4, 3] [1, 1]
func.func @concat(%a: tensor<4x8xf32>, %b: tensor<4x3xf32>) -> tensor<4x11xf32> {
  %0 = tessera_graph.concat %a, %b dim = 1 : tensor<4x8xf32>, tensor<4x3xf32> -> tensor<4x11xf32>
  return %0 : tensor<4x11xf32>
}

// CHECK-LABEL: func.func @slice
// CHECK: tensor.extract_slice %{{.*}}[0, 2] [4, 3] [1, 2] : tensor<4x8xf32> to tensor<4x3xf32>
func.func @slice(%x: tensor<4x8xf32>) -> tensor<4x3xf32> {
  %0 = tessera_graph.slice %x offsets = [0, 2] sizes = [4, 3] strides = [1, 2] : tensor<4x8xf32> -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// CHECK-LABEL: func.func @broadcast_to
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}} : tensor<8xf32>) outs(%{{.*}} : tensor<4x8xf32>)
func.func @broadcast_to(%x: tensor<8xf32>) -> tensor<4x8xf32> {
  %0 = tessera_graph.broadcast_to %x : tensor<8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @constant
// CHECK: arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
func.func @constant() -> tensor<2xf32> {
  %0 = tessera_graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// To the end of a dynamic dim (size -1): ceil((dim - offset) / stride),
// at least 0, from the input's dim.
// CHECK-LABEL: func.func @slice_to_the_end
// CHECK: %[[D:.*]] = tensor.dim %{{.*}}, %{{.*}} : tensor<?x8xf32>
// CHECK: %[[R:.*]] = arith.subi %[[D]], %{{.*}} : index
// CHECK: %[[P:.*]] = arith.maxsi %[[R]], %{{.*}} : index
// CHECK: %[[N:.*]] = arith.ceildivsi %[[P]], %{{.*}} : index
// CHECK: tensor.extract_slice %{{.*}}[2, 0] [%[[N]], 4] [3, 2] : tensor<?x8xf32> to tensor<?x4xf32>
func.func @slice_to_the_end(%x: tensor<?x8xf32>) -> tensor<?x4xf32> {
  %0 = tessera_graph.slice %x offsets = [2, 0] sizes = [-1, -1] strides = [3, 2] : tensor<?x8xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// take: a generic over the result reading the index at its middle
// coordinates, wrapped once if negative and clamped into [0, size), then
// the input's element (an empty dim is a run-time error).
// CHECK-LABEL: func.func @take
// CHECK: cf.assert %{{.*}}, "tessera_graph.take: taking from an empty dimension"
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<?x?xi32>) outs(%{{.*}} : tensor<?x?x8xf32>)
// CHECK: arith.index_cast %{{.*}} : i32 to index
// CHECK: arith.select
// CHECK: arith.minsi
// CHECK: %[[I:.*]] = arith.maxsi
// CHECK: %[[C:.*]] = linalg.index 2 : index
// CHECK: tensor.extract %{{.*}}[%[[I]], %[[C]]] : tensor<?x8xf32>
func.func @take(%t: tensor<?x8xf32>, %ids: tensor<?x?xi32>) -> tensor<?x?x8xf32> {
  %e = tessera_graph.take %t, %ids dim = 0 : tensor<?x8xf32>, tensor<?x?xi32> -> tensor<?x?x8xf32>
  return %e : tensor<?x?x8xf32>
}

// argmax: one generic reducing the dim into a value (from -inf) and an i32
// index (from 0); strictly greater wins (the first of equals), or a NaN
// while the value is not one (the first NaN), as NumPy.
// CHECK-LABEL: func.func @argmax
// CHECK: linalg.fill ins(%{{.*}} : f32)
// CHECK: linalg.fill ins(%{{.*}} : i32)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf uno
// CHECK: linalg.index 1 : index
// CHECK: arith.select
// CHECK: -> (tensor<?xf32>, tensor<?xi32>)
func.func @argmax(%x: tensor<?x8xf32>) -> tensor<?xi32> {
  %0 = tessera_graph.argmax %x dim = 1 : tensor<?x8xf32> -> tensor<?xi32>
  return %0 : tensor<?xi32>
}

// cumsum: f16 widened to f32, a loop along the dim carrying the running sum
// of one slice (added in place) and the result (each step's sum inserted at
// its index), rounded to f16 once at the end.
// CHECK-LABEL: func.func @cumsum
// CHECK: arith.extf
// CHECK: %{{.*}}:2 = scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[RUNNING:.*]] = %{{.*}}, %[[OUT:.*]] = %{{.*}}) -> (tensor<4x1xf32>, tensor<4x?xf32>)
// CHECK: %[[S:.*]] = tensor.extract_slice %{{.*}}[0, %[[I]]] [4, 1] [1, 1]
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<4x1xf32>) outs(%[[RUNNING]] : tensor<4x1xf32>)
// CHECK: tensor.insert_slice %[[SUM]] into %[[OUT]][0, %[[I]]] [4, 1] [1, 1]
// CHECK: arith.truncf
func.func @cumsum(%x: tensor<4x?xf16>) -> tensor<4x?xf16> {
  %c = tessera_graph.cumsum %x dim = 1 : tensor<4x?xf16>
  return %c : tensor<4x?xf16>
}

// dropout: per element, its row-major position (i64), MurmurHash3's
// finalizer over the low half xor the mixed seed and high half, kept at or
// above p * 2^32 (0.25: 1073741824) and scaled by 1 / (1 - p), in f32 for f16.
// CHECK-LABEL: func.func @dropout
// CHECK: linalg.generic
// CHECK: linalg.index 0 : index
// CHECK: linalg.index 1 : index
// CHECK: arith.constant -2048144789 : i32
// CHECK: arith.constant -1028477387 : i32
// CHECK: arith.cmpi uge, %{{.*}}, %c1073741824_i32 : i32
// CHECK: arith.extf
// CHECK: arith.select
// CHECK: arith.truncf
func.func @dropout(%x: tensor<?x8xf16>) -> tensor<?x8xf16> {
  %0 = tessera_graph.dropout %x p = 0.25 seed = 9 : tensor<?x8xf16>
  return %0 : tensor<?x8xf16>
}
