// RUN: tessera-opt %s -split-input-file -verify-diagnostics

func.func @contraction_mismatch(%a: tensor<128x768xf16>, %b: tensor<512x64xf16>) {
  // expected-error @+1 {{'tessera_graph.matmul' op lhs dimension 1 (768) does not match rhs dimension 0 (512)}}
  %c = tessera_graph.matmul %a, %b : tensor<128x768xf16>, tensor<512x64xf16> -> tensor<128x64xf16>
  return
}

// -----

func.func @rank(%a: tensor<2x128x768xf16>, %b: tensor<768x64xf16>) {
  // expected-error @+1 {{'tessera_graph.matmul' op operand #0 must be 2D tensor of any type values, but got 'tensor<2x128x768xf16>'}}
  %c = tessera_graph.matmul %a, %b : tensor<2x128x768xf16>, tensor<768x64xf16> -> tensor<128x64xf16>
  return
}

// -----

func.func @element_types(%a: tensor<4x8xf16>, %b: tensor<8x4xf32>) {
  // expected-error @+1 {{'tessera_graph.matmul' op lhs element type 'f16' does not match rhs element type 'f32'}}
  %c = tessera_graph.matmul %a, %b : tensor<4x8xf16>, tensor<8x4xf32> -> tensor<4x4xf16>
  return
}

// -----

func.func @result_shape(%a: tensor<4x8xf16>, %b: tensor<8x16xf16>) {
  // expected-error @+2 {{'tessera_graph.matmul' op inferred type(s) 'tensor<4x16xf16>' are incompatible with return type(s) of operation 'tensor<4x8xf16>'}}
  // expected-error @+1 {{'tessera_graph.matmul' op failed to infer returned types}}
  %c = tessera_graph.matmul %a, %b : tensor<4x8xf16>, tensor<8x16xf16> -> tensor<4x8xf16>
  return
}

// -----

func.func @unranked(%a: tensor<*xf16>, %b: tensor<8x16xf16>) {
  // expected-error @+1 {{custom op 'tessera_graph.matmul' invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf16>'}}
  %c = tessera_graph.matmul %a, %b : tensor<*xf16>, tensor<8x16xf16> -> tensor<4x16xf16>
  return
}

// -----

func.func @add_types(%a: tensor<4xf16>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'tessera_graph.add' op requires the same type for all operands and results}}
  %c = "tessera_graph.add"(%a, %b) : (tensor<4xf16>, tensor<4xf32>) -> tensor<4xf16>
  return
}
