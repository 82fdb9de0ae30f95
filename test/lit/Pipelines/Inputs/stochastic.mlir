func.func @f(%x: tensor<8xf32>) -> tensor<8xbf16> {
  %0 = tessera_graph.cast %x rounding = stochastic : tensor<8xf32> -> tensor<8xbf16>
  return %0 : tensor<8xbf16>
}
