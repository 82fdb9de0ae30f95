// RUN: tessera-opt %s -split-input-file -canonicalize="test-convergence" | FileCheck %s

// Small constants fold through elementwise ops.
// CHECK-LABEL: func.func @fold_elementwise
func.func @fold_elementwise() -> tensor<2xf32> {
  // CHECK: %[[C:.*]] = tessera_graph.constant dense<[4.000000e+00, 3.000000e+00]> : tensor<2xf32>
  // CHECK-NEXT: return %[[C]]
  %a = tessera_graph.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %b = tessera_graph.constant dense<3.0> : tensor<2xf32>
  %s = tessera_graph.add %a, %b : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  %n = tessera_graph.abs %s : tensor<2xf32>
  %m = tessera_graph.max %n, %b : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  %d = tessera_graph.sub %m, %n : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  %r = tessera_graph.add %d, %n : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// CHECK-LABEL: func.func @fold_unary_splat
func.func @fold_unary_splat() -> tensor<4xf32> {
  // CHECK: tessera_graph.constant dense<2.000000e+00> : tensor<4xf32>
  %a = tessera_graph.constant dense<4.0> : tensor<4xf32>
  %s = tessera_graph.sqrt %a : tensor<4xf32>
  return %s : tensor<4xf32>
}

// Broadcasting folds are left alone (the constant would grow).
// CHECK-LABEL: func.func @no_fold_broadcast
func.func @no_fold_broadcast(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // CHECK: tessera_graph.add
  %b = tessera_graph.constant dense<1.0> : tensor<8xf32>
  %s = tessera_graph.add %x, %b : tensor<4x8xf32>, tensor<8xf32> -> tensor<4x8xf32>
  return %s : tensor<4x8xf32>
}

// -----

// Identity transposes, reshapes, broadcasts and casts disappear.
// CHECK-LABEL: func.func @identities
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>)
// CHECK-NEXT: return %[[X]]
func.func @identities(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = tessera_graph.transpose %x permutation = [0, 1] : tensor<4x8xf32> -> tensor<4x8xf32>
  %1 = tessera_graph.reshape %0 : tensor<4x8xf32> -> tensor<4x8xf32>
  %2 = tessera_graph.broadcast_to %1 : tensor<4x8xf32> -> tensor<4x8xf32>
  %3 = tessera_graph.cast %2 : tensor<4x8xf32> -> tensor<4x8xf32>
  return %3 : tensor<4x8xf32>
}

// Two transposes compose; a pair that cancels disappears.
// CHECK-LABEL: func.func @transposes
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[T:.*]] = tessera_graph.transpose %[[X]] permutation = [2, 0, 1]
// CHECK: return %[[X]], %[[T]]
func.func @transposes(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<4x2x3xf32>) {
  %a = tessera_graph.transpose %x permutation = [1, 0, 2] : tensor<2x3x4xf32> -> tensor<3x2x4xf32>
  %b = tessera_graph.transpose %a permutation = [1, 0, 2] : tensor<3x2x4xf32> -> tensor<2x3x4xf32>
  %c = tessera_graph.transpose %a permutation = [2, 1, 0] : tensor<3x2x4xf32> -> tensor<4x2x3xf32>
  return %b, %c : tensor<2x3x4xf32>, tensor<4x2x3xf32>
}

// Reshape chains collapse to one reshape.
// CHECK-LABEL: func.func @reshapes
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>)
// CHECK-NEXT: %[[R:.*]] = tessera_graph.reshape %[[X]] : tensor<4x8xf32> -> tensor<32xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshapes(%x: tensor<4x8xf32>) -> tensor<32xf32> {
  %a = tessera_graph.reshape %x : tensor<4x8xf32> -> tensor<2x16xf32>
  %b = tessera_graph.reshape %a : tensor<2x16xf32> -> tensor<32xf32>
  return %b : tensor<32xf32>
}

// -----

// A transpose of the last two dims folds into the matmul's flags.
// CHECK-LABEL: func.func @transpose_into_matmul
// CHECK-SAME: (%[[A:.*]]: tensor<8x4xf16>, %[[B:.*]]: tensor<2x16x8xf16>)
// CHECK-NEXT: %[[M:.*]] = tessera_graph.matmul %[[A]], %[[B]] transpose_lhs transpose_rhs : tensor<8x4xf16>, tensor<2x16x8xf16> -> tensor<2x4x16xf16>
// CHECK-NEXT: return %[[M]]
func.func @transpose_into_matmul(%a: tensor<8x4xf16>, %b: tensor<2x16x8xf16>) -> tensor<2x4x16xf16> {
  %at = tessera_graph.transpose %a permutation = [1, 0] : tensor<8x4xf16> -> tensor<4x8xf16>
  %bt = tessera_graph.transpose %b permutation = [0, 2, 1] : tensor<2x16x8xf16> -> tensor<2x8x16xf16>
  %m = tessera_graph.matmul %at, %bt : tensor<4x8xf16>, tensor<2x8x16xf16> -> tensor<2x4x16xf16>
  return %m : tensor<2x4x16xf16>
}

// A transpose that moves a batch dimension does not fold.
// CHECK-LABEL: func.func @batch_transpose_stays
// CHECK: tessera_graph.transpose
// CHECK: tessera_graph.matmul %{{.*}}, %{{.*}} :
func.func @batch_transpose_stays(%a: tensor<4x2x8xf16>, %b: tensor<2x8x16xf16>) -> tensor<2x4x16xf16> {
  %at = tessera_graph.transpose %a permutation = [1, 0, 2] : tensor<4x2x8xf16> -> tensor<2x4x8xf16>
  %m = tessera_graph.matmul %at, %b : tensor<2x4x8xf16>, tensor<2x8x16xf16> -> tensor<2x4x16xf16>
  return %m : tensor<2x4x16xf16>
}

// -----

// Casts through an exact intermediate type collapse; a round trip vanishes.
// CHECK-LABEL: func.func @casts
// CHECK-SAME: (%[[X:.*]]: tensor<4xf16>, %[[Y:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[C:.*]] = tessera_graph.cast %[[X]] : tensor<4xf16> -> tensor<4xbf16>
// CHECK-NEXT: %[[D:.*]] = tessera_graph.cast %[[Y]] : tensor<4xf32> -> tensor<4xf16>
// CHECK-NEXT: %[[E:.*]] = tessera_graph.cast %[[D]] : tensor<4xf16> -> tensor<4xf32>
// CHECK-NEXT: return %[[X]], %[[C]], %[[E]]
func.func @casts(%x: tensor<4xf16>, %y: tensor<4xf32>) -> (tensor<4xf16>, tensor<4xbf16>, tensor<4xf32>) {
  %w = tessera_graph.cast %x : tensor<4xf16> -> tensor<4xf32>
  %back = tessera_graph.cast %w : tensor<4xf32> -> tensor<4xf16>
  %bf = tessera_graph.cast %w : tensor<4xf32> -> tensor<4xbf16>
  // f32 -> f16 rounds, so f32 -> f16 -> f32 must stay.
  %n = tessera_graph.cast %y : tensor<4xf32> -> tensor<4xf16>
  %r = tessera_graph.cast %n : tensor<4xf16> -> tensor<4xf32>
  return %back, %bf, %r : tensor<4xf16>, tensor<4xbf16>, tensor<4xf32>
}
