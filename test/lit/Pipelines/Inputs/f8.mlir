func.func @f(%x: tensor<8xf32>) -> tensor<8xf8E4M3FN> {
  %0 = tessera_graph.cast %x saturate : tensor<8xf32> -> tensor<8xf8E4M3FN>
  return %0 : tensor<8xf8E4M3FN>
}
