func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  // The second operand is missing.
  %0 = tessera_graph.add %a, : tensor<4xf32>
  return %0 : tensor<4xf32>
}
