func.func @f(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = tessera_graph.cast %x saturate : tensor<8xf32> -> tensor<8xf8E4M3FN>
  %1 = tessera_graph.exp %0 : tensor<8xf8E4M3FN>
  %2 = tessera_graph.cast %1 : tensor<8xf8E4M3FN> -> tensor<8xf32>
  return %2 : tensor<8xf32>
}
