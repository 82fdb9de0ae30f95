// RUN: tessera-opt %s | tessera-opt | FileCheck %s
// RUN: tessera-opt %s -mlir-print-op-generic | tessera-opt | FileCheck %s

// CHECK-LABEL: func.func @constant
func.func @constant() -> tensor<2xf32> {
  // CHECK: tessera_graph.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
  %c = tessera_graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %c : tensor<2xf32>
}

// CHECK-LABEL: func.func @binary
func.func @binary(%a: tensor<4x1x8xf32>, %b: tensor<3x1xf32>, %c: tensor<?x8xf32>, %d: tensor<1x8xf32>) {
  // CHECK: tessera_graph.add %{{.*}}, %{{.*}} : tensor<4x1x8xf32>, tensor<3x1xf32> -> tensor<4x3x8xf32>
  %0 = tessera_graph.add %a, %b : tensor<4x1x8xf32>, tensor<3x1xf32> -> tensor<4x3x8xf32>
  // CHECK: tessera_graph.sub %{{.*}}, %{{.*}} : tensor<?x8xf32>, tensor<1x8xf32> -> tensor<?x8xf32>
  %1 = tessera_graph.sub %c, %d : tensor<?x8xf32>, tensor<1x8xf32> -> tensor<?x8xf32>
  // CHECK: tessera_graph.mul %{{.*}}, %{{.*}} : tensor<?x8xf32>, tensor<?x8xf32> -> tensor<?x8xf32>
  %2 = tessera_graph.mul %c, %c : tensor<?x8xf32>, tensor<?x8xf32> -> tensor<?x8xf32>
  // CHECK: tessera_graph.div
  %3 = tessera_graph.div %d, %d : tensor<1x8xf32>, tensor<1x8xf32> -> tensor<1x8xf32>
  // CHECK: tessera_graph.max
  %4 = tessera_graph.max %a, %d : tensor<4x1x8xf32>, tensor<1x8xf32> -> tensor<4x1x8xf32>
  // CHECK: tessera_graph.min
  %5 = tessera_graph.min %a, %d : tensor<4x1x8xf32>, tensor<1x8xf32> -> tensor<4x1x8xf32>
  // CHECK: tessera_graph.pow
  %6 = tessera_graph.pow %d, %d : tensor<1x8xf32>, tensor<1x8xf32> -> tensor<1x8xf32>
  return
}

// Mixed element types are allowed under a policy with a compute type; the
// result has the policy's storage type.
// CHECK-LABEL: func.func @mixed_under_policy
func.func @mixed_under_policy(%a: tensor<8xbf16>, %b: tensor<8xf32>) -> tensor<8xbf16> {
  // CHECK: tessera_graph.add %{{.*}}, %{{.*}} {tessera_graph.numerics = #tessera_graph.numerics<storage = bf16, compute = f32>} : tensor<8xbf16>, tensor<8xf32> -> tensor<8xbf16>
  %0 = tessera_graph.add %a, %b {tessera_graph.numerics = #tessera_graph.numerics<storage = bf16, compute = f32>} : tensor<8xbf16>, tensor<8xf32> -> tensor<8xbf16>
  return %0 : tensor<8xbf16>
}

// CHECK-LABEL: func.func @unary
func.func @unary(%x: tensor<4x?xf32>, %i: tensor<4xi32>) {
  // CHECK: tessera_graph.neg %{{.*}} : tensor<4x?xf32>
  %0 = tessera_graph.neg %x : tensor<4x?xf32>
  // CHECK: tessera_graph.abs %{{.*}} : tensor<4xi32>
  %1 = tessera_graph.abs %i : tensor<4xi32>
  // CHECK: tessera_graph.exp
  %2 = tessera_graph.exp %x : tensor<4x?xf32>
  // CHECK: tessera_graph.log
  %3 = tessera_graph.log %x : tensor<4x?xf32>
  // CHECK: tessera_graph.sqrt
  %4 = tessera_graph.sqrt %x : tensor<4x?xf32>
  // CHECK: tessera_graph.rsqrt
  %5 = tessera_graph.rsqrt %x : tensor<4x?xf32>
  // CHECK: tessera_graph.tanh
  %6 = tessera_graph.tanh %x : tensor<4x?xf32>
  // CHECK: tessera_graph.sigmoid
  %7 = tessera_graph.sigmoid %x : tensor<4x?xf32>
  // CHECK: tessera_graph.relu %{{.*}} : tensor<4xi32>
  %8 = tessera_graph.relu %i : tensor<4xi32>
  // CHECK: tessera_graph.gelu %{{.*}} : tensor<4x?xf32>
  %9 = tessera_graph.gelu %x : tensor<4x?xf32>
  // CHECK: tessera_graph.gelu %{{.*}} approximate = tanh : tensor<4x?xf32>
  %10 = tessera_graph.gelu %x approximate = tanh : tensor<4x?xf32>
  // CHECK: tessera_graph.silu
  %11 = tessera_graph.silu %x : tensor<4x?xf32>
  return
}

// CHECK-LABEL: func.func @casts
func.func @casts(%x: tensor<4xf32>, %i: tensor<4xi32>) {
  // CHECK: tessera_graph.cast %{{.*}} : tensor<4xf32> -> tensor<4xbf16>
  %0 = tessera_graph.cast %x : tensor<4xf32> -> tensor<4xbf16>
  // CHECK: tessera_graph.cast %{{.*}} rounding = stochastic saturate : tensor<4xf32> -> tensor<4xf8E4M3FN>
  %1 = tessera_graph.cast %x rounding = stochastic saturate : tensor<4xf32> -> tensor<4xf8E4M3FN>
  // CHECK: tessera_graph.cast %{{.*}} rounding = toward_zero : tensor<4xf32> -> tensor<4xf16>
  %2 = tessera_graph.cast %x rounding = toward_zero : tensor<4xf32> -> tensor<4xf16>
  // CHECK: tessera_graph.cast %{{.*}} saturate : tensor<4xf32> -> tensor<4xi8>
  %3 = tessera_graph.cast %x saturate : tensor<4xf32> -> tensor<4xi8>
  // CHECK: tessera_graph.cast %{{.*}} : tensor<4xi32> -> tensor<4xf8E5M2>
  %4 = tessera_graph.cast %i : tensor<4xi32> -> tensor<4xf8E5M2>
  return
}

// CHECK-LABEL: func.func @select
func.func @select(%c: tensor<4x1xi1>, %a: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  // CHECK: tessera_graph.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<4x1xi1>, tensor<4x8xf32>, tensor<8xf32> -> tensor<4x8xf32>
  %0 = tessera_graph.select %c, %a, %b : tensor<4x1xi1>, tensor<4x8xf32>, tensor<8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @compare
func.func @compare(%a: tensor<4x8xf32>, %b: tensor<8xf32>, %i: tensor<?xi32>) -> (tensor<4x8xi1>, tensor<?xi1>) {
  // CHECK: tessera_graph.compare gt %{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<8xf32> -> tensor<4x8xi1>
  %0 = tessera_graph.compare gt %a, %b : tensor<4x8xf32>, tensor<8xf32> -> tensor<4x8xi1>
  // CHECK: tessera_graph.compare ne %{{.*}}, %{{.*}} : tensor<?xi32>, tensor<?xi32> -> tensor<?xi1>
  %1 = tessera_graph.compare ne %i, %i : tensor<?xi32>, tensor<?xi32> -> tensor<?xi1>
  return %0, %1 : tensor<4x8xi1>, tensor<?xi1>
}

// CHECK-LABEL: func.func @matmul
func.func @matmul(%a: tensor<128x768xf16>, %b: tensor<768x512xf16>,
                  %q: tensor<8x128x64xbf16>, %k: tensor<256x64xbf16>,
                  %x: tensor<?x?xf32>, %y: tensor<64x?xf32>,
                  %e: tensor<128x64xf8E4M3FN>, %f: tensor<256x64xf8E4M3FN>,
                  %i: tensor<4x8xi8>, %j: tensor<8x4xi8>) {
  // CHECK: tessera_graph.matmul %{{.*}}, %{{.*}} : tensor<128x768xf16>, tensor<768x512xf16> -> tensor<128x512xf16>
  %0 = tessera_graph.matmul %a, %b : tensor<128x768xf16>, tensor<768x512xf16> -> tensor<128x512xf16>
  // Batch dims broadcast; transposes and the accumulator type round-trip.
  // CHECK: tessera_graph.matmul %{{.*}}, %{{.*}} transpose_rhs acc = f32 : tensor<8x128x64xbf16>, tensor<256x64xbf16> -> tensor<8x128x256xbf16>
  %1 = tessera_graph.matmul %q, %k transpose_rhs acc = f32 : tensor<8x128x64xbf16>, tensor<256x64xbf16> -> tensor<8x128x256xbf16>
  // CHECK: tessera_graph.matmul %{{.*}}, %{{.*}} transpose_lhs transpose_rhs : tensor<768x128xf16>, tensor<512x768xf16> -> tensor<128x512xf16>
  %t1 = tessera_graph.transpose %a permutation = [1, 0] : tensor<128x768xf16> -> tensor<768x128xf16>
  %t2 = tessera_graph.transpose %b permutation = [1, 0] : tensor<768x512xf16> -> tensor<512x768xf16>
  %2 = tessera_graph.matmul %t1, %t2 transpose_lhs transpose_rhs : tensor<768x128xf16>, tensor<512x768xf16> -> tensor<128x512xf16>
  // CHECK: tessera_graph.matmul %{{.*}}, %{{.*}} : tensor<?x?xf32>, tensor<64x?xf32> -> tensor<?x?xf32>
  %3 = tessera_graph.matmul %x, %y : tensor<?x?xf32>, tensor<64x?xf32> -> tensor<?x?xf32>
  // The result's element type: f8 products kept in f32, i8 ones in i32.
  // CHECK: tessera_graph.matmul %{{.*}}, %{{.*}} transpose_rhs out = f32 : tensor<128x64xf8E4M3FN>, tensor<256x64xf8E4M3FN> -> tensor<128x256xf32>
  %4 = tessera_graph.matmul %e, %f transpose_rhs out = f32 : tensor<128x64xf8E4M3FN>, tensor<256x64xf8E4M3FN> -> tensor<128x256xf32>
  // CHECK: tessera_graph.matmul %{{.*}}, %{{.*}} acc = i32 out = i32 : tensor<4x8xi8>, tensor<8x4xi8> -> tensor<4x4xi32>
  %5 = tessera_graph.matmul %i, %j acc = i32 out = i32 : tensor<4x8xi8>, tensor<8x4xi8> -> tensor<4x4xi32>
  return
}

// CHECK-LABEL: func.func @reductions
func.func @reductions(%x: tensor<4x8x16xf32>) {
  // CHECK: tessera_graph.reduce sum %{{.*}} dims = [1] : tensor<4x8x16xf32> -> tensor<4x16xf32>
  %0 = tessera_graph.reduce sum %x dims = [1] : tensor<4x8x16xf32> -> tensor<4x16xf32>
  // CHECK: tessera_graph.reduce max %{{.*}} dims = [0, 2] keepdim : tensor<4x8x16xf32> -> tensor<1x8x1xf32>
  %1 = tessera_graph.reduce max %x dims = [0, 2] keepdim : tensor<4x8x16xf32> -> tensor<1x8x1xf32>
  // CHECK: tessera_graph.reduce min
  %2 = tessera_graph.reduce min %x dims = [2] : tensor<4x8x16xf32> -> tensor<4x8xf32>
  // CHECK: tessera_graph.reduce mean
  %3 = tessera_graph.reduce mean %x dims = [0, 1, 2] : tensor<4x8x16xf32> -> tensor<f32>
  // CHECK: tessera_graph.softmax %{{.*}} dim = 2 : tensor<4x8x16xf32>
  %4 = tessera_graph.softmax %x dim = 2 : tensor<4x8x16xf32>
  // CHECK: tessera_graph.log_softmax %{{.*}} dim = 0 : tensor<4x8x16xf32>
  %5 = tessera_graph.log_softmax %x dim = 0 : tensor<4x8x16xf32>
  return
}

// CHECK-LABEL: func.func @norms
func.func @norms(%x: tensor<4x768xf32>, %w: tensor<768xf32>, %b: tensor<768xf32>) {
  // CHECK: tessera_graph.layer_norm %{{.*}} weight(%{{.*}} : tensor<768xf32>) bias(%{{.*}} : tensor<768xf32>) : tensor<4x768xf32>
  %0 = tessera_graph.layer_norm %x weight(%w : tensor<768xf32>) bias(%b : tensor<768xf32>) : tensor<4x768xf32>
  // CHECK: tessera_graph.layer_norm %{{.*}} epsilon = 1.000000e-03 : tensor<4x768xf32>
  %1 = tessera_graph.layer_norm %x epsilon = 1.0e-3 : tensor<4x768xf32>
  // CHECK: tessera_graph.layer_norm %{{.*}} bias(%{{.*}} : tensor<768xf32>) : tensor<4x768xf32>
  %2 = tessera_graph.layer_norm %x bias(%b : tensor<768xf32>) : tensor<4x768xf32>
  // CHECK: tessera_graph.rms_norm %{{.*}} weight(%{{.*}} : tensor<768xf32>) epsilon = 9.9999999999999995E-7 : tensor<4x768xf32>
  %3 = tessera_graph.rms_norm %x weight(%w : tensor<768xf32>) epsilon = 1.0e-6 : tensor<4x768xf32>
  // CHECK: tessera_graph.rms_norm %{{.*}} : tensor<4x768xf32>
  %4 = tessera_graph.rms_norm %x : tensor<4x768xf32>
  return
}

// CHECK-LABEL: func.func @shapes
func.func @shapes(%x: tensor<4x8xf32>, %y: tensor<4x3xf32>, %d: tensor<?x12x64xf32>, %v: tensor<8xf32>) {
  // CHECK: tessera_graph.transpose %{{.*}} permutation = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  %0 = tessera_graph.transpose %x permutation = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  // CHECK: tessera_graph.reshape %{{.*}} : tensor<?x12x64xf32> -> tensor<?x768xf32>
  %1 = tessera_graph.reshape %d : tensor<?x12x64xf32> -> tensor<?x768xf32>
  // CHECK: tessera_graph.reshape %{{.*}} : tensor<4x8xf32> -> tensor<2x16xf32>
  %2 = tessera_graph.reshape %x : tensor<4x8xf32> -> tensor<2x16xf32>
  // CHECK: tessera_graph.broadcast_to %{{.*}} : tensor<8xf32> -> tensor<4x8xf32>
  %3 = tessera_graph.broadcast_to %v : tensor<8xf32> -> tensor<4x8xf32>
  // CHECK: tessera_graph.concat %{{.*}}, %{{.*}} dim = 1 : tensor<4x8xf32>, tensor<4x3xf32> -> tensor<4x11xf32>
  %4 = tessera_graph.concat %x, %y dim = 1 : tensor<4x8xf32>, tensor<4x3xf32> -> tensor<4x11xf32>
  // CHECK: tessera_graph.slice %{{.*}} offsets = [0, 2] sizes = [4, 3] strides = [1, 2] : tensor<4x8xf32> -> tensor<4x3xf32>
  %5 = tessera_graph.slice %x offsets = [0, 2] sizes = [4, 3] strides = [1, 2] : tensor<4x8xf32> -> tensor<4x3xf32>
  // To the end (-1): dynamic where the input is, else its count.
  // CHECK: tessera_graph.slice %{{.*}} offsets = [0, 3] sizes = [-1, -1] strides = [1, 2] : tensor<4x8xf32> -> tensor<4x3xf32>
  %slice_end = tessera_graph.slice %x offsets = [0, 3] sizes = [-1, -1] strides = [1, 2] : tensor<4x8xf32> -> tensor<4x3xf32>
  return
}

// CHECK-LABEL: func.func @attention
func.func @attention(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x100x64xf16>, %v: tensor<2x8x100x32xf16>, %m: tensor<128x100xf16>) {
  // CHECK: tessera_graph.attention %{{.*}}, %{{.*}}, %{{.*}} causal : tensor<2x8x128x64xf16>, tensor<2x8x100x64xf16>, tensor<2x8x100x32xf16> -> tensor<2x8x128x32xf16>
  %0 = tessera_graph.attention %q, %k, %v causal : tensor<2x8x128x64xf16>, tensor<2x8x100x64xf16>, tensor<2x8x100x32xf16> -> tensor<2x8x128x32xf16>
  // CHECK: tessera_graph.attention %{{.*}}, %{{.*}}, %{{.*}} mask(%{{.*}} : tensor<128x100xf16>) scale = 1.250000e-01 : tensor<2x8x128x64xf16>, tensor<2x8x100x64xf16>, tensor<2x8x100x32xf16> -> tensor<2x8x128x32xf16>
  %1 = tessera_graph.attention %q, %k, %v mask(%m : tensor<128x100xf16>) scale = 0.125 : tensor<2x8x128x64xf16>, tensor<2x8x100x64xf16>, tensor<2x8x100x32xf16> -> tensor<2x8x128x32xf16>
  return
}

// A policy on a function applies to its ops; every entry is optional.
// CHECK-LABEL: func.func @policies
// CHECK-SAME: tessera_graph.numerics = #tessera_graph.numerics<storage = f8E4M3FN, compute = bf16, accumulate = f32, rounding = stochastic, saturate = true, denormals = flush>
func.func @policies(%x: tensor<4xf32>) -> tensor<4xf8E4M3FN> attributes {tessera_graph.numerics = #tessera_graph.numerics<storage = f8E4M3FN, compute = bf16, accumulate = f32, rounding = stochastic, saturate = true, denormals = flush>} {
  // CHECK: tessera_graph.numerics = #tessera_graph.numerics<accumulate = f32>
  %0 = tessera_graph.exp %x {tessera_graph.numerics = #tessera_graph.numerics<accumulate = f32>} : tensor<4xf32>
  %1 = tessera_graph.cast %0 : tensor<4xf32> -> tensor<4xf8E4M3FN>
  return %1 : tensor<4xf8E4M3FN>
}

// CHECK-LABEL: func.func @fused
// CHECK: tessera_graph.fused matmul_epilogue(%{{.*}}, %{{.*}}) : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32> {
// CHECK: tessera_graph.yield %{{.*}} : tensor<4x4xf32>
func.func @fused(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>) -> tensor<4x4xf32> {
  %0 = tessera_graph.fused matmul_epilogue (%a, %b) : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32> {
  ^bb0(%x: tensor<4x8xf32>, %y: tensor<8x4xf32>):
    %m = tessera_graph.matmul %x, %y : tensor<4x8xf32>, tensor<8x4xf32> -> tensor<4x4xf32>
    %r = tessera_graph.relu %m : tensor<4x4xf32>
    tessera_graph.yield %r : tensor<4x4xf32>
  }
  return %0 : tensor<4x4xf32>
}

// A function's numerics policy covers its ops: mixed operand types are
// allowed under its compute type, as with an op-level policy.
// CHECK-LABEL: func.func @function_policy
// CHECK: tessera_graph.add %{{.*}}, %{{.*}} : tensor<4xbf16>, tensor<4xf32> -> tensor<4xbf16>
func.func @function_policy(%x: tensor<4xbf16>, %y: tensor<4xf32>) -> tensor<4xbf16>
    attributes {tessera_graph.numerics = #tessera_graph.numerics<storage = bf16, compute = f32>} {
  %r = tessera_graph.add %x, %y : tensor<4xbf16>, tensor<4xf32> -> tensor<4xbf16>
  return %r : tensor<4xbf16>
}

// An embedding lookup: the table's rows at the ids.
// CHECK-LABEL: func.func @take
// CHECK: tessera_graph.take %{{.*}}, %{{.*}} dim = 0 : tensor<?x768xf16>, tensor<?x?xi32> -> tensor<?x?x768xf16>
func.func @take(%t: tensor<?x768xf16>, %ids: tensor<?x?xi32>) -> tensor<?x?x768xf16> {
  %e = tessera_graph.take %t, %ids dim = 0 : tensor<?x768xf16>, tensor<?x?xi32> -> tensor<?x?x768xf16>
  return %e : tensor<?x?x768xf16>
}

// The index of the maximum / minimum along a dim (i32).
// CHECK-LABEL: func.func @arg_reduce
// CHECK: tessera_graph.argmax %{{.*}} dim = 1 : tensor<?x1000xf32> -> tensor<?xi32>
// CHECK: tessera_graph.argmin %{{.*}} dim = 0 keepdim : tensor<?x1000xf32> -> tensor<1x1000xi32>
func.func @arg_reduce(%x: tensor<?x1000xf32>) -> (tensor<?xi32>, tensor<1x1000xi32>) {
  %a = tessera_graph.argmax %x dim = 1 : tensor<?x1000xf32> -> tensor<?xi32>
  %b = tessera_graph.argmin %x dim = 0 keepdim : tensor<?x1000xf32> -> tensor<1x1000xi32>
  return %a, %b : tensor<?xi32>, tensor<1x1000xi32>
}

// Running sums along a dim.
// CHECK-LABEL: func.func @cumsum
// CHECK: tessera_graph.cumsum %{{.*}} dim = 1 : tensor<4x?xf16>
func.func @cumsum(%x: tensor<4x?xf16>) -> tensor<4x?xf16> {
  %c = tessera_graph.cumsum %x dim = 1 : tensor<4x?xf16>
  return %c : tensor<4x?xf16>
}

// Dropout with an explicit seed.
// CHECK-LABEL: func.func @dropout
// CHECK: tessera_graph.dropout %{{.*}} p = 1.000000e-01 seed = 42 : tensor<?x768xf16>
func.func @dropout(%x: tensor<?x768xf16>) -> tensor<?x768xf16> {
  %d = tessera_graph.dropout %x p = 1.0e-01 seed = 42 : tensor<?x768xf16>
  return %d : tensor<?x768xf16>
}
