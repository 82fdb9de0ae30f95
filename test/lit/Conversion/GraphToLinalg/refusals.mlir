// RUN: tessera-opt %s -split-input-file -convert-tessera-graph-to-linalg -verify-diagnostics

// What the lowering refuses, with a diagnostic naming the op.

func.func @f8(%x: tensor<8xf32>) -> tensor<8xf8E5M2> {
  // expected-error @+1 {{'tessera_graph.cast' op has an f8 element type ('tensor<8xf8E5M2>'), which the linalg lowering does not support yet}}
  %0 = tessera_graph.cast %x : tensor<8xf32> -> tensor<8xf8E5M2>
  return %0 : tensor<8xf8E5M2>
}
