// RUN: tessera-opt %s -split-input-file -convert-tessera-graph-to-linalg | FileCheck %s

// Sums of f16 accumulate in f32; keepdim re-inserts the reduced dimension.
// CHECK-LABEL: func.func @sum_keepdim
// CHECK: %[[R:.*]] = linalg.reduce ins(%{{.*}} : tensor<4x8xf16>) outs(%{{.*}} : tensor<4xf32>) dimensions = [1]
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.addf
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [4, 1] : tensor<4xf16> into tensor<4x1xf16>
func.func @sum_keepdim(%x: tensor<4x8xf16>) -> tensor<4x1xf16> {
  %0 = tessera_graph.reduce sum %x dims = [1] keepdim : tensor<4x8xf16> -> tensor<4x1xf16>
  return %0 : tensor<4x1xf16>
}

// -----

// A mean divides by the element count, taken at run time for dynamic dims.
// CHECK-LABEL: func.func @mean
// CHECK: linalg.reduce
// CHECK: tensor.dim
// CHECK: arith.sitofp
// CHECK: arith.divf
func.func @mean(%x: tensor<?x8xf32>) -> tensor<8xf32> {
  %0 = tessera_graph.reduce mean %x dims = [0] : tensor<?x8xf32> -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// CHECK-LABEL: func.func @max_from_neg_inf
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: linalg.reduce
// CHECK: arith.maximumf
func.func @max_from_neg_inf(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  %0 = tessera_graph.reduce max %x dims = [1] : tensor<4x8xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @softmax
// CHECK: linalg.softmax dimension(1) ins(%{{.*}} : tensor<4x8xf32>)
func.func @softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = tessera_graph.softmax %x dim = 1 : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// log_softmax: max, shift, exp, sum, log, all over dim 0.
// CHECK-LABEL: func.func @log_softmax
// CHECK: linalg.reduce
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: linalg.reduce
// CHECK: math.log
func.func @log_softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = tessera_graph.log_softmax %x dim = 0 : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// layer_norm: mean, centred squares, rsqrt(var + eps), weight, bias.
// CHECK-LABEL: func.func @layer_norm
// CHECK: linalg.reduce
// CHECK: arith.subf
// CHECK: linalg.reduce
// CHECK: math.rsqrt
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @layer_norm(%x: tensor<4x8xf32>, %w: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %0 = tessera_graph.layer_norm %x weight(%w : tensor<8xf32>) bias(%b : tensor<8xf32>) : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
