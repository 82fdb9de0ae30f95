func.func @f(%a: tensor<4xf32>) {
  // An op the dialect does not have.
  %0 = tessera_graph.frobnicate %a : tensor<4xf32>
  return
}
