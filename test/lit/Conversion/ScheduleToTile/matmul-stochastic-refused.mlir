// RUN: tessera-opt %s -verify-diagnostics --tessera-target-set-chip=chip=sm_90 --convert-tessera-schedule-to-tile -o /dev/null

// An op of another shape in the epilogue (the bias, rounded before it
// broadcasts) would hash its own indices, which the epilogue does not
// have: refused. (tessera-graph-fuse leaves such a cast to an elementwise
// kernel of its own; this kernel is written by hand.)
func.func @sr_bias(%a: tensor<64x32xf32>, %b: tensor<32x48xf32>, %bias: tensor<48xf32>) -> tensor<64x48xbf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [16, 16, 16], warps = 8, stages = 1>(%a, %b, %bias) : (tensor<64x32xf32>, tensor<32x48xf32>, tensor<48xf32>) -> tensor<64x48xbf16> {
  ^bb0(%x: tensor<64x32xf32>, %y: tensor<32x48xf32>, %z: tensor<48xf32>):
    %m = tessera_graph.matmul %x, %y : tensor<64x32xf32>, tensor<32x48xf32> -> tensor<64x48xf32>
    %m16 = tessera_graph.cast %m : tensor<64x48xf32> -> tensor<64x48xbf16>
    // expected-error @+1 {{'tessera_graph.cast' op rounds stochastically in a kernel that knows only the output's element indices, and its result 'tensor<48xbf16>' is not the output's shape}}
    %b16 = tessera_graph.cast %z rounding = stochastic : tensor<48xf32> -> tensor<48xbf16>
    %s = tessera_graph.add %m16, %b16 : tensor<64x48xbf16>, tensor<48xbf16> -> tensor<64x48xbf16>
    tessera_schedule.yield %s : tensor<64x48xbf16>
  }
  return %r : tensor<64x48xbf16>
}
