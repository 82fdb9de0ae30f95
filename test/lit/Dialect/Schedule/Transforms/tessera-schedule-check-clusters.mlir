// RUN: tessera-opt %s -split-input-file -verify-diagnostics --tessera-schedule-check="chip=sm_80"

// Rows spread over clusters need a chip with clusters (sm_90 and later).
func.func @split_k_rows_sm80(%a: tensor<64x64xf16>) -> tensor<64x64xf16> {
  // expected-error @+1 {{sets split_k = 2, which spreads each row over a cluster of that many blocks, but sm_80 has no clusters}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1, 64], warps = 2, stages = 1, split_k = 2>(%a) : (tensor<64x64xf16>) -> tensor<64x64xf16> {
  ^bb0(%x: tensor<64x64xf16>):
    %m = tessera_graph.softmax %x dim = 1 : tensor<64x64xf16>
    tessera_schedule.yield %m : tensor<64x64xf16>
  }
  return %r : tensor<64x64xf16>
}
