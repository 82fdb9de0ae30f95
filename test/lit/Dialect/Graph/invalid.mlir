// RUN: tessera-opt %s -split-input-file -verify-diagnostics

// One case per verifier message of Graph IR.

func.func @f(%a: tensor<4xf16>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'tessera_graph.add' op lhs element type 'f16' does not match rhs element type 'f32' (cast one, or attach a numerics policy with a compute type)}}
  %0 = tessera_graph.add %a, %b : tensor<4xf16>, tensor<4xf32> -> tensor<4xf16>
  return
}

// -----

func.func @f(%a: tensor<4x768xf32>, %b: tensor<4x512xf32>) {
  // expected-error @+1 {{'tessera_graph.mul' op lhs dimension 1 (768) and rhs dimension 1 (512) are not broadcast-compatible}}
  %0 = tessera_graph.mul %a, %b : tensor<4x768xf32>, tensor<4x512xf32> -> tensor<4x768xf32>
  return
}

// -----

func.func @f(%a: tensor<?x8xf32>, %b: tensor<3x8xf32>) {
  // expected-error @+1 {{'tessera_graph.sub' op lhs dimension 0 (?) and rhs dimension 0 (3) cannot be broadcast: a dynamic dimension broadcasts only against ? or 1}}
  %0 = tessera_graph.sub %a, %b : tensor<?x8xf32>, tensor<3x8xf32> -> tensor<3x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x1xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'tessera_graph.add' op result type 'tensor<4x1xf32>' does not match the inferred type 'tensor<4x8xf32>'}}
  %0 = tessera_graph.add %a, %b : tensor<4x1xf32>, tensor<8xf32> -> tensor<4x1xf32>
  return
}

// -----

func.func @f(%a: tensor<4xf32>) {
  // expected-error @+1 {{'tessera_graph.cast' op input shape 'tensor<4xf32>' and result shape 'tensor<5xf16>' differ; a cast converts elements only}}
  %0 = tessera_graph.cast %a : tensor<4xf32> -> tensor<5xf16>
  return
}

// -----

func.func @f(%a: tensor<4xi16>) {
  // expected-error @+1 {{'tessera_graph.cast' op cannot cast from 'i16': supported are f64, f32, f16, bf16, f8E4M3FN, f8E5M2, i64, i32, i8 and i1}}
  %0 = tessera_graph.cast %a : tensor<4xi16> -> tensor<4xf16>
  return
}

// -----

func.func @f(%a: tensor<4xf32>) {
  // expected-error @+1 {{'tessera_graph.cast' op cannot cast to 'f8E4M3FNUZ': supported are f64, f32, f16, bf16, f8E4M3FN, f8E5M2, i64, i32, i8 and i1}}
  %0 = tessera_graph.cast %a : tensor<4xf32> -> tensor<4xf8E4M3FNUZ>
  return
}

// -----

func.func @f(%a: tensor<4xf16>) {
  // expected-error @+1 {{'tessera_graph.cast' op stochastic rounding applies to narrowing float conversions, not 'f16' to 'f32'}}
  %0 = tessera_graph.cast %a rounding = stochastic : tensor<4xf16> -> tensor<4xf32>
  return
}

// -----

func.func @f(%a: tensor<4xf32>) attributes {tessera_graph.numerics = #tessera_graph.numerics<storage = bf16, accumulate = f32>} {
  // expected-error @+1 {{'tessera_graph.cast' op cast to 'f8E5M2' is not allowed by the numerics policy #tessera_graph.numerics<storage = bf16, accumulate = f32>}}
  %0 = tessera_graph.cast %a : tensor<4xf32> -> tensor<4xf8E5M2>
  return
}

// -----

func.func @f(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+1 {{'tessera_graph.select' op true_value element type 'f32' does not match false_value element type 'f16'}}
  %0 = tessera_graph.select %c, %a, %b : tensor<4xi1>, tensor<4xf32>, tensor<4xf16> -> tensor<4xf32>
  return
}

// -----

func.func @f(%a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+1 {{'tessera_graph.compare' op lhs element type 'f32' does not match rhs element type 'f16' (cast one)}}
  %0 = tessera_graph.compare lt %a, %b : tensor<4xf32>, tensor<4xf16> -> tensor<4xi1>
  return
}

// -----

func.func @f(%a: tensor<4xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'tessera_graph.compare' op lhs dimension 0 (4) and rhs dimension 0 (3) are not broadcast-compatible}}
  %0 = tessera_graph.compare lt %a, %b : tensor<4xf32>, tensor<3xf32> -> tensor<4xi1>
  return
}

// -----

func.func @f(%a: tensor<4xf32>) {
  // expected-error @+1 {{'tessera_graph.compare' op result #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<4xi8>'}}
  %0 = tessera_graph.compare eq %a, %a : tensor<4xf32>, tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

func.func @f(%a: tensor<4xf32>) {
  // expected-error @+1 {{'tessera_graph.compare' op result type 'tensor<5xi1>' does not match the inferred type 'tensor<4xi1>'}}
  %0 = tessera_graph.compare eq %a, %a : tensor<4xf32>, tensor<4xf32> -> tensor<5xi1>
  return
}

// -----

func.func @f(%c: tensor<4xi8>, %a: tensor<4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'tessera_graph.select' op operand #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<4xi8>'}}
  %0 = tessera_graph.select %c, %a, %b : tensor<4xi8>, tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @f(%c: tensor<5xi1>, %a: tensor<4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'tessera_graph.select' op condition dimension 0 (5) and values dimension 0 (4) are not broadcast-compatible}}
  %0 = tessera_graph.select %c, %a, %b : tensor<5xi1>, tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @f(%a: tensor<8xf32>, %b: tensor<8x4xf32>) {
  // expected-error @+1 {{'tessera_graph.matmul' op operands must have rank 2 or more, got lhs rank 1 and rhs rank 2}}
  %0 = tessera_graph.matmul %a, %b : tensor<8xf32>, tensor<8x4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf16>, %b: tensor<8x4xf32>) {
  // expected-error @+1 {{'tessera_graph.matmul' op lhs element type 'f16' does not match rhs element type 'f32'}}
  %0 = tessera_graph.matmul %a, %b : tensor<4x8xf16>, tensor<8x4xf32> -> tensor<4x4xf16>
  return
}

// -----

func.func @f(%a: tensor<4x8xf16>, %b: tensor<8x4xf16>) {
  // expected-error @+1 {{'tessera_graph.matmul' op accumulator type 'i32' and element type 'f16' must both be floats or both integers}}
  %0 = tessera_graph.matmul %a, %b acc = i32 : tensor<4x8xf16>, tensor<8x4xf16> -> tensor<4x4xf16>
  return
}

// -----

func.func @f(%a: tensor<4x8xf8E4M3FN>, %b: tensor<8x4xf8E4M3FN>) {
  // expected-error @+1 {{'tessera_graph.matmul' op result element type 'i32' and element type 'f8E4M3FN' must both be floats or both integers}}
  %0 = tessera_graph.matmul %a, %b out = i32 : tensor<4x8xf8E4M3FN>, tensor<8x4xf8E4M3FN> -> tensor<4x4xi32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf8E4M3FN>, %b: tensor<8x4xf8E4M3FN>) {
  // expected-error @+1 {{'tessera_graph.matmul' op result type 'tensor<4x4xbf16>' does not match the inferred type 'tensor<4x4xf32>'}}
  %0 = tessera_graph.matmul %a, %b out = f32 : tensor<4x8xf8E4M3FN>, tensor<8x4xf8E4M3FN> -> tensor<4x4xbf16>
  return
}

// -----

func.func @f(%a: tensor<128x768xf16>, %b: tensor<512x64xf16>) {
  // expected-error @+1 {{'tessera_graph.matmul' op lhs dimension 1 (768) does not match rhs dimension 0 (512)}}
  %0 = tessera_graph.matmul %a, %b : tensor<128x768xf16>, tensor<512x64xf16> -> tensor<128x64xf16>
  return
}

// -----

func.func @f(%a: tensor<2x4x8xf16>, %b: tensor<4x4xf16>) {
  // expected-error @+1 {{'tessera_graph.matmul' op lhs dimension 2 (8) does not match rhs dimension 1 (4)}}
  %0 = tessera_graph.matmul %a, %b transpose_rhs : tensor<2x4x8xf16>, tensor<4x4xf16> -> tensor<2x4x4xf16>
  return
}

// -----

func.func @f(%a: tensor<2x4x8xf16>, %b: tensor<3x8x4xf16>) {
  // expected-error @+1 {{'tessera_graph.matmul' op lhs dimension 0 (2) and rhs dimension 0 (3) are not broadcast-compatible}}
  %0 = tessera_graph.matmul %a, %b : tensor<2x4x8xf16>, tensor<3x8x4xf16> -> tensor<2x4x4xf16>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.reduce' op needs at least one dimension to reduce}}
  %0 = tessera_graph.reduce sum %a dims = [] : tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.reduce' op reduction dimension -1 is negative; dimensions are 0-based (the front end normalizes negative ones)}}
  %0 = tessera_graph.reduce sum %a dims = [-1] : tensor<4x8xf32> -> tensor<4xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.reduce' op reduction dimension 2 is out of range for an operand of rank 2}}
  %0 = tessera_graph.reduce max %a dims = [2] : tensor<4x8xf32> -> tensor<4xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.reduce' op reduction dimension 1 is given twice}}
  %0 = tessera_graph.reduce mean %a dims = [1, 1] : tensor<4x8xf32> -> tensor<4xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.reduce' op result type 'tensor<4x1xf32>' does not match the inferred type 'tensor<4xf32>'}}
  %0 = tessera_graph.reduce sum %a dims = [1] : tensor<4x8xf32> -> tensor<4x1xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.softmax' op softmax dimension 2 is out of range for an operand of rank 2}}
  %0 = tessera_graph.softmax %a dim = 2 : tensor<4x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.log_softmax' op softmax dimension -1 is negative; dimensions are 0-based (the front end normalizes negative ones)}}
  %0 = tessera_graph.log_softmax %a dim = -1 : tensor<4x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xi32>) {
  // expected-error @+1 {{'tessera_graph.softmax' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4x8xi32>'}}
  %0 = tessera_graph.softmax %a dim = 1 : tensor<4x8xi32>
  return
}

// -----

func.func @f(%a: tensor<f32>) {
  // expected-error @+1 {{'tessera_graph.layer_norm' op input must have rank 1 or more}}
  %0 = tessera_graph.layer_norm %a : tensor<f32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.rms_norm' op epsilon (0.000000e+00) must be positive}}
  %0 = tessera_graph.rms_norm %a epsilon = 0.0 : tensor<4x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>, %w: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.layer_norm' op weight must be a vector, got 'tensor<4x8xf32>'}}
  %0 = tessera_graph.layer_norm %a weight(%w : tensor<4x8xf32>) : tensor<4x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>, %b: tensor<8xf16>) {
  // expected-error @+1 {{'tessera_graph.layer_norm' op bias element type 'f16' does not match input element type 'f32'}}
  %0 = tessera_graph.layer_norm %a bias(%b : tensor<8xf16>) : tensor<4x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x768xf32>, %w: tensor<512xf32>) {
  // expected-error @+1 {{'tessera_graph.rms_norm' op weight dimension 0 (512) does not match input dimension 1 (768)}}
  %0 = tessera_graph.rms_norm %a weight(%w : tensor<512xf32>) : tensor<4x768xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.transpose' op permutation has 1 entries but the input has rank 2}}
  %0 = tessera_graph.transpose %a permutation = [0] : tensor<4x8xf32> -> tensor<4xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.transpose' op permutation dimension 0 is given twice}}
  %0 = tessera_graph.transpose %a permutation = [0, 0] : tensor<4x8xf32> -> tensor<4x4xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.transpose' op permutation dimension 2 is out of range for an operand of rank 2}}
  %0 = tessera_graph.transpose %a permutation = [0, 2] : tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.reshape' op input element type 'f32' does not match result element type 'f16'}}
  %0 = tessera_graph.reshape %a : tensor<4x8xf32> -> tensor<32xf16>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.reshape' op result 'tensor<?x?xf32>' has more than one dynamic dimension, so its shape is ambiguous}}
  %0 = tessera_graph.reshape %a : tensor<4x8xf32> -> tensor<?x?xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.reshape' op input 'tensor<4x8xf32>' has 32 elements but result 'tensor<5x8xf32>' has 40}}
  %0 = tessera_graph.reshape %a : tensor<4x8xf32> -> tensor<5x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.reshape' op input 'tensor<4x8xf32>' has 32 elements, not a multiple of the 5 that the static dimensions of 'tensor<?x5xf32>' hold}}
  %0 = tessera_graph.reshape %a : tensor<4x8xf32> -> tensor<?x5xf32>
  return
}

// -----

func.func @f(%a: tensor<8xf32>) {
  // expected-error @+1 {{'tessera_graph.broadcast_to' op input element type 'f32' does not match result element type 'f16'}}
  %0 = tessera_graph.broadcast_to %a : tensor<8xf32> -> tensor<4x8xf16>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.broadcast_to' op cannot broadcast input of rank 2 to result of lower rank 1}}
  %0 = tessera_graph.broadcast_to %a : tensor<4x8xf32> -> tensor<8xf32>
  return
}

// -----

func.func @f(%a: tensor<3xf32>) {
  // expected-error @+1 {{'tessera_graph.broadcast_to' op input dimension 0 (3) cannot be broadcast to result dimension 1 (8)}}
  %0 = tessera_graph.broadcast_to %a : tensor<3xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @f(%a: tensor<?xf32>) {
  // expected-error @+1 {{'tessera_graph.broadcast_to' op input dimension 0 (?) cannot be broadcast to result dimension 1 (8)}}
  %0 = tessera_graph.broadcast_to %a : tensor<?xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'tessera_graph.concat' op input 1 has rank 1 but input 0 has rank 2}}
  %0 = tessera_graph.concat %a, %b dim = 0 : tensor<4x8xf32>, tensor<8xf32> -> tensor<12x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>, %b: tensor<4x8xf16>) {
  // expected-error @+1 {{'tessera_graph.concat' op input 1 element type 'f16' does not match input 0 element type 'f32'}}
  %0 = tessera_graph.concat %a, %b dim = 0 : tensor<4x8xf32>, tensor<4x8xf16> -> tensor<8x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>, %b: tensor<4x7xf32>) {
  // expected-error @+1 {{'tessera_graph.concat' op input 1 dimension 1 (7) does not match input 0 dimension 1 (8)}}
  %0 = tessera_graph.concat %a, %b dim = 0 : tensor<4x8xf32>, tensor<4x7xf32> -> tensor<8x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.concat' op concatenation dimension 2 is out of range for an operand of rank 2}}
  %0 = tessera_graph.concat %a dim = 2 : tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'tessera_graph.concat' op needs at least one input}}
  %0 = "tessera_graph.concat"() <{dim = 0 : i64}> : () -> tensor<4xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.slice' op offsets has 1 entries but the input has rank 2}}
  %0 = tessera_graph.slice %a offsets = [0] sizes = [4, 3] strides = [1, 1] : tensor<4x8xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.slice' op dimension 1: offset (0) must be non-negative, size (3) non-negative or -1 (to the end) and stride (0) positive}}
  %0 = tessera_graph.slice %a offsets = [0, 0] sizes = [4, 3] strides = [1, 0] : tensor<4x8xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tessera_graph.slice' op dimension 1: the window [4, 9) does not fit in the input's size 8}}
  %0 = tessera_graph.slice %a offsets = [0, 4] sizes = [4, 3] strides = [1, 2] : tensor<4x8xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @f(%q: tensor<64xf16>) {
  // expected-error @+1 {{'tessera_graph.attention' op query must have rank 2 or more, got rank 1}}
  %0 = tessera_graph.attention %q, %q, %q : tensor<64xf16>, tensor<64xf16>, tensor<64xf16> -> tensor<64xf16>
  return
}

// -----

func.func @f(%q: tensor<2x8x128x64xf16>, %k: tensor<8x128x64xf16>) {
  // expected-error @+1 {{'tessera_graph.attention' op query, key and value must have the same rank, got 4, 3 and 3}}
  %0 = tessera_graph.attention %q, %k, %k : tensor<2x8x128x64xf16>, tensor<8x128x64xf16>, tensor<8x128x64xf16> -> tensor<2x8x128x64xf16>
  return
}

// -----

func.func @f(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x128x64xf32>) {
  // expected-error @+1 {{'tessera_graph.attention' op query, key and value element types 'f16', 'f32' and 'f16' differ}}
  %0 = tessera_graph.attention %q, %k, %q : tensor<2x8x128x64xf16>, tensor<2x8x128x64xf32>, tensor<2x8x128x64xf16> -> tensor<2x8x128x64xf16>
  return
}

// -----

func.func @f(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x128x128xf16>) {
  // expected-error @+1 {{'tessera_graph.attention' op query dimension 3 (64) does not match key dimension 3 (128)}}
  %0 = tessera_graph.attention %q, %k, %k : tensor<2x8x128x64xf16>, tensor<2x8x128x128xf16>, tensor<2x8x128x128xf16> -> tensor<2x8x128x128xf16>
  return
}

// -----

func.func @f(%q: tensor<2x8x128x64xf16>, %v: tensor<2x8x100x64xf16>) {
  // expected-error @+1 {{'tessera_graph.attention' op key dimension 2 (128) does not match value dimension 2 (100)}}
  %0 = tessera_graph.attention %q, %q, %v : tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16>, tensor<2x8x100x64xf16> -> tensor<2x8x128x64xf16>
  return
}

// -----

func.func @f(%q: tensor<2x8x128x64xf16>, %k: tensor<2x4x128x64xf16>) {
  // expected-error @+1 {{'tessera_graph.attention' op query dimension 1 (8) does not match key dimension 1 (4)}}
  %0 = tessera_graph.attention %q, %k, %k : tensor<2x8x128x64xf16>, tensor<2x4x128x64xf16>, tensor<2x4x128x64xf16> -> tensor<2x8x128x64xf16>
  return
}

// -----

func.func @f(%q: tensor<2x8x128x64xf16>) {
  // expected-error @+1 {{'tessera_graph.attention' op scale (-1.000000e+00) must be positive}}
  %0 = tessera_graph.attention %q, %q, %q scale = -1.0 : tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16> -> tensor<2x8x128x64xf16>
  return
}

// -----

func.func @f(%q: tensor<2x8x128x64xf16>, %m: tensor<128x128xf32>) {
  // expected-error @+1 {{'tessera_graph.attention' op mask element type 'f32' does not match query element type 'f16'}}
  %0 = tessera_graph.attention %q, %q, %q mask(%m : tensor<128x128xf32>) : tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16> -> tensor<2x8x128x64xf16>
  return
}

// -----

func.func @f(%q: tensor<2x8x128x64xf16>, %m: tensor<1x2x8x128x128xf16>) {
  // expected-error @+1 {{'tessera_graph.attention' op mask has rank 5, more than the scores' rank 4}}
  %0 = tessera_graph.attention %q, %q, %q mask(%m : tensor<1x2x8x128x128xf16>) : tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16> -> tensor<2x8x128x64xf16>
  return
}

// -----

func.func @f(%q: tensor<2x8x128x64xf16>, %m: tensor<128x64xf16>) {
  // expected-error @+1 {{'tessera_graph.attention' op mask dimension 1 (64) does not broadcast to scores dimension 3 (128)}}
  %0 = tessera_graph.attention %q, %q, %q mask(%m : tensor<128x64xf16>) : tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16> -> tensor<2x8x128x64xf16>
  return
}

// -----

// expected-error @+1 {{storage type 'index' is not a float or integer type}}
func.func @f() attributes {p = #tessera_graph.numerics<storage = index>} { return }

// -----

// expected-error @+1 {{compute type 'f32' and storage type 'i8' must both be floats or both integers}}
func.func @f() attributes {p = #tessera_graph.numerics<storage = i8, compute = f32>} { return }

// -----

// expected-error @+1 {{unknown Tessera Graph IR attribute 'tessera_graph.policy'}}
func.func @f() attributes {tessera_graph.policy = 1} { return }

// -----

// expected-error @+1 {{'tessera_graph.numerics' must be a #tessera_graph.numerics policy, got "bf16"}}
func.func @f() attributes {tessera_graph.numerics = "bf16"} { return }

// -----

func.func @f(%a: tensor<4xf32>) {
  // expected-error @+1 {{'tessera_graph.fused' op body arguments 'tensor<4xf16>' do not match the inputs 'tensor<4xf32>'}}
  %0 = tessera_graph.fused elementwise (%a) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf16>):
    %y = tessera_graph.cast %x : tensor<4xf16> -> tensor<4xf32>
    tessera_graph.yield %y : tensor<4xf32>
  }
  return
}

// -----

func.func @f(%a: tensor<4xf32>) {
  // expected-error @+1 {{'tessera_graph.fused' op body must end with 'tessera_graph.yield'}}
  %0 = "tessera_graph.fused"(%a) <{kind = #tessera_graph<fusion elementwise>}> ({
  ^bb0(%x: tensor<4xf32>):
    "llvm.unreachable"() : () -> ()
  }) : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @f(%a: tensor<4xf32>) {
  // expected-error @+1 {{'tessera_graph.fused' op yields 'tensor<4xf32>' but the results are 'tensor<8xf32>'}}
  %0 = tessera_graph.fused elementwise (%a) : (tensor<4xf32>) -> tensor<8xf32> {
  ^bb0(%x: tensor<4xf32>):
    tessera_graph.yield %x : tensor<4xf32>
  }
  return
}

// -----

func.func @f(%a: tensor<4xf32>) {
  // expected-error @+1 {{'tessera_graph.yield' op expects parent op 'tessera_graph.fused'}}
  tessera_graph.yield %a : tensor<4xf32>
}

// -----

func.func @f(%a: tensor<8xf32>) {
  // expected-error @+1 {{'tessera_graph.broadcast_to' op result dimension 0 is dynamic but the input does not determine its size}}
  %0 = tessera_graph.broadcast_to %a : tensor<8xf32> -> tensor<?x8xf32>
  return
}

// -----

func.func @complex_matmul(%x: tensor<4x4xcomplex<f32>>) -> tensor<4x4xcomplex<f32>> {
  // expected-error @+1 {{'tessera_graph.matmul' op operand #0 must be ranked tensor of floating-point or signless integer values, but got 'tensor<4x4xcomplex<f32>>'}}
  %y = tessera_graph.matmul %x, %x : tensor<4x4xcomplex<f32>>, tensor<4x4xcomplex<f32>> -> tensor<4x4xcomplex<f32>>
  return %y : tensor<4x4xcomplex<f32>>
}

// -----

func.func @index_reduce(%x: tensor<4x4xindex>) -> tensor<4xindex> {
  // expected-error @+1 {{'tessera_graph.reduce' op operand #0 must be ranked tensor of floating-point or signless integer values, but got 'tensor<4x4xindex>'}}
  %y = tessera_graph.reduce sum %x dims = [1] : tensor<4x4xindex> -> tensor<4xindex>
  return %y : tensor<4xindex>
}

// -----

func.func @slice_offset_past_the_end(%a: tensor<4x8xf32>) -> tensor<4x?xf32> {
  // expected-error @+1 {{'tessera_graph.slice' op dimension 1: the offset 9 is past the input's size 8}}
  %0 = tessera_graph.slice %a offsets = [0, 9] sizes = [4, -1] strides = [1, 1] : tensor<4x8xf32> -> tensor<4x?xf32>
  return %0 : tensor<4x?xf32>
}

// -----

func.func @slice_size_below_minus_one(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tessera_graph.slice' op dimension 1: offset (0) must be non-negative, size (-2) non-negative or -1 (to the end) and stride (1) positive}}
  %0 = tessera_graph.slice %a offsets = [0, 0] sizes = [4, -2] strides = [1, 1] : tensor<4x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @take_dim(%t: tensor<4x8xf32>, %i: tensor<3xi32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'tessera_graph.take' op take dimension 2 is out of range for an operand of rank 2}}
  %0 = tessera_graph.take %t, %i dim = 2 : tensor<4x8xf32>, tensor<3xi32> -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @take_rank0(%t: tensor<f32>, %i: tensor<3xi32>) -> tensor<3xf32> {
  // expected-error @+1 {{'tessera_graph.take' op takes from a tensor of rank 1 or more, got rank 0}}
  %0 = tessera_graph.take %t, %i dim = 0 : tensor<f32>, tensor<3xi32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @take_float_indices(%t: tensor<4x8xf32>, %i: tensor<3xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{'tessera_graph.take' op operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = tessera_graph.take %t, %i dim = 0 : tensor<4x8xf32>, tensor<3xf32> -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @take_result(%t: tensor<4x8xf32>, %i: tensor<3xi32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tessera_graph.take' op result type 'tensor<4x8xf32>' does not match the inferred type 'tensor<3x8xf32>'}}
  %0 = tessera_graph.take %t, %i dim = 0 : tensor<4x8xf32>, tensor<3xi32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @argmax_rank0(%x: tensor<f32>) -> tensor<i32> {
  // expected-error @+1 {{'tessera_graph.argmax' op needs a tensor of rank 1 or more, got rank 0}}
  %0 = tessera_graph.argmax %x dim = 0 : tensor<f32> -> tensor<i32>
  return %0 : tensor<i32>
}

// -----

func.func @argmin_dim(%x: tensor<4x8xf32>) -> tensor<4xi32> {
  // expected-error @+1 {{'tessera_graph.argmin' op index dimension 2 is out of range for an operand of rank 2}}
  %0 = tessera_graph.argmin %x dim = 2 : tensor<4x8xf32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @argmax_result(%x: tensor<4x8xf32>) -> tensor<8xi32> {
  // expected-error @+1 {{'tessera_graph.argmax' op result type 'tensor<8xi32>' does not match the inferred type 'tensor<4xi32>'}}
  %0 = tessera_graph.argmax %x dim = 1 : tensor<4x8xf32> -> tensor<8xi32>
  return %0 : tensor<8xi32>
}

// -----

func.func @cumsum_rank0(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'tessera_graph.cumsum' op needs a tensor of rank 1 or more, got rank 0}}
  %0 = tessera_graph.cumsum %x dim = 0 : tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @cumsum_dim(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tessera_graph.cumsum' op cumsum dimension 2 is out of range for an operand of rank 2}}
  %0 = tessera_graph.cumsum %x dim = 2 : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @dropout_p(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'tessera_graph.dropout' op p (1.000000e+00) must be in [0, 1)}}
  %0 = tessera_graph.dropout %x p = 1.0 seed = 1 : tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @dropout_seed(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'tessera_graph.dropout' op seed (-1) must be a 32-bit unsigned value}}
  %0 = tessera_graph.dropout %x p = 0.5 seed = -1 : tensor<8xf32>
  return %0 : tensor<8xf32>
}
