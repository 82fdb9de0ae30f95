// RUN: tessera-opt %s | tessera-opt | FileCheck %s
// RUN: tessera-opt %s -mlir-print-op-generic | tessera-opt | FileCheck %s

// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.*]]: tensor<128x768xf16>, %[[B:.*]]: tensor<768x512xf16>)
func.func @matmul(%a: tensor<128x768xf16>, %b: tensor<768x512xf16>) -> tensor<128x512xf16> {
  // CHECK: %[[C:.*]] = tessera_graph.matmul %[[A]], %[[B]] : tensor<128x768xf16>, tensor<768x512xf16> -> tensor<128x512xf16>
  %c = tessera_graph.matmul %a, %b : tensor<128x768xf16>, tensor<768x512xf16> -> tensor<128x512xf16>
  // CHECK: return %[[C]]
  return %c : tensor<128x512xf16>
}

// A dynamic dimension matches any size.
// CHECK-LABEL: func.func @matmul_dynamic
func.func @matmul_dynamic(%a: tensor<?x?xf32>, %b: tensor<64x?xf32>) -> tensor<?x?xf32> {
  // CHECK: tessera_graph.matmul %{{.*}}, %{{.*}} : tensor<?x?xf32>, tensor<64x?xf32> -> tensor<?x?xf32>
  %c = tessera_graph.matmul %a, %b : tensor<?x?xf32>, tensor<64x?xf32> -> tensor<?x?xf32>
  return %c : tensor<?x?xf32>
}

// CHECK-LABEL: func.func @add
func.func @add(%a: tensor<4x?xbf16>, %b: tensor<4x?xbf16>) -> tensor<4x?xbf16> {
  // CHECK: tessera_graph.add %{{.*}}, %{{.*}} : tensor<4x?xbf16>
  %c = tessera_graph.add %a, %b : tensor<4x?xbf16>
  return %c : tensor<4x?xbf16>
}
