// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign),convert-tessera-schedule-to-tile)'

// What the GPU lowering cannot generate yet is an error naming the op.

func.func @attention(%q: tensor<2x8x16xf32>, %k: tensor<2x8x16xf32>, %v: tensor<2x8x?xf32>) -> tensor<2x8x?xf32> {
  // expected-error @+1 {{'tessera_graph.attention' op has value head dim ?; the GPU lowering without tensor cores needs static head dims of at most 256}}
  %o = tessera_graph.attention %q, %k, %v : tensor<2x8x16xf32>, tensor<2x8x16xf32>, tensor<2x8x?xf32> -> tensor<2x8x?xf32>
  return %o : tensor<2x8x?xf32>
}

// -----

// Ops that move elements run in elementwise kernels, not beside a matmul,
// a reduction or an attention in one kernel.
func.func @moves_beside_matmul(%a: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [16, 16, 16], warps = 4, stages = 1>(%a) : (tensor<16x16xf32>) -> tensor<16x16xf32> {
  ^bb0(%x: tensor<16x16xf32>):
    %m = tessera_graph.matmul %x, %x : tensor<16x16xf32>, tensor<16x16xf32> -> tensor<16x16xf32>
    // expected-error @+1 {{'tessera_graph.transpose' op is not supported by the GPU lowering yet (an op that moves elements in a kernel with a matmul, reduction or attention)}}
    %t = tessera_graph.transpose %m permutation = [1, 0] : tensor<16x16xf32> -> tensor<16x16xf32>
    tessera_schedule.yield %t : tensor<16x16xf32>
  }
  return %r : tensor<16x16xf32>
}

// -----

// A cumsum is a kernel of its own (tessera-graph-fuse never groups it).
func.func @cumsum_in_a_kernel(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1024], warps = 4, stages = 1>(%a) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
  ^bb0(%x: tensor<4x8xf32>):
    %e = tessera_graph.exp %x : tensor<4x8xf32>
    // expected-error @+1 {{'tessera_graph.cumsum' op is not supported by the GPU lowering yet (elementwise ops fused around this op)}}
    %c = tessera_graph.cumsum %e dim = 1 : tensor<4x8xf32>
    tessera_schedule.yield %c : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @stochastic(%a: tensor<8x16xf32>) -> tensor<8xbf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1, 2048], warps = 8, stages = 1>(%a) : (tensor<8x16xf32>) -> tensor<8xbf16> {
  ^bb0(%x: tensor<8x16xf32>):
    // expected-error @+1 {{'tessera_graph.cast' op rounds stochastically, which the GPU lowering supports only for elementwise ops outside reduction prologues, and for reductions' and attention's outputs, yet}}
    %c = tessera_graph.cast %x rounding = stochastic : tensor<8x16xf32> -> tensor<8x16xbf16>
    %s = tessera_graph.reduce sum %c dims = [1] : tensor<8x16xbf16> -> tensor<8xbf16>
    tessera_schedule.yield %s : tensor<8xbf16>
  }
  return %r : tensor<8xbf16>
}


// -----

// Constants of more than 64 elements are kernel inputs
// (tessera-schedule-assign keeps them out of kernels); one written into a
// kernel by hand is refused.
func.func @dense(%a: tensor<65xf32>) -> tensor<65xf32> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1024], warps = 4, stages = 1>(%a) : (tensor<65xf32>) -> tensor<65xf32> {
  ^bb0(%x: tensor<65xf32>):
    // expected-error @+1 {{'tessera_graph.constant' op is a constant of 65 elements; the GPU lowering embeds constants of at most 64 elements in kernels: pass larger ones as inputs of the kernel (tessera-schedule-assign does)}}
    %c = tessera_graph.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0, 49.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0, 56.0, 57.0, 58.0, 59.0, 60.0, 61.0, 62.0, 63.0, 64.0]> : tensor<65xf32>
    %s = tessera_graph.add %x, %c : tensor<65xf32>, tensor<65xf32> -> tensor<65xf32>
    tessera_schedule.yield %s : tensor<65xf32>
  }
  return %r : tensor<65xf32>
}

// -----

// A non-splat constant written into a matmul's epilogue by hand (the
// elementwise kernels embed small ones; tessera-schedule-assign passes the
// others as inputs).
func.func @dense_epilogue(%a: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [16, 16, 16], warps = 8, stages = 1>(%a) : (tensor<8x8xf32>) -> tensor<8x8xf32> {
  ^bb0(%x: tensor<8x8xf32>):
    %m = tessera_graph.matmul %x, %x : tensor<8x8xf32>, tensor<8x8xf32> -> tensor<8x8xf32>
    // expected-error @+1 {{'tessera_graph.constant' op is not a splat: the GPU lowering embeds only splat constants in this kernel; pass it as an input of the kernel (tessera-schedule-assign does)}}
    %c = tessera_graph.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]> : tensor<8xf32>
    %s = tessera_graph.add %m, %c : tensor<8x8xf32>, tensor<8xf32> -> tensor<8x8xf32>
    tessera_schedule.yield %s : tensor<8x8xf32>
  }
  return %r : tensor<8x8xf32>
}

// -----

// expected-error @+1 {{'func.func' op has a 'index' in its signature; GPU programs take and return ranked tensors only}}
func.func @scalar(%a: tensor<2xf32>, %n: index) -> tensor<2xf32> {
  %s = tessera_graph.exp %a : tensor<2xf32>
  return %s : tensor<2xf32>
}

// -----

func.func @attention_epilogue(%q: tensor<2x8x16xf16>) -> tensor<2x8x16xf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [16, 16], warps = 1, stages = 2, mma = mma_sync>(%q) : (tensor<2x8x16xf16>) -> tensor<2x8x16xf16> {
  ^bb0(%x: tensor<2x8x16xf16>):
    // expected-error @+1 {{'tessera_graph.attention' op is not supported by the GPU lowering yet (elementwise ops fused around this op)}}
    %o = tessera_graph.attention %x, %x, %x : tensor<2x8x16xf16>, tensor<2x8x16xf16>, tensor<2x8x16xf16> -> tensor<2x8x16xf16>
    %e = tessera_graph.relu %o : tensor<2x8x16xf16>
    tessera_schedule.yield %e : tensor<2x8x16xf16>
  }
  return %r : tensor<2x8x16xf16>
}

// -----

// A wgmma schedule on a transposed operand (the legality pass refuses it
// first in the pipelines; the conversion names it too).
func.func @wgmma_transposed(%a: tensor<?x?xf16>, %b: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128, 64], warps = 4, stages = 3, mma = wgmma>(%a, %b) : (tensor<?x?xf16>, tensor<?x?xf16>) -> tensor<?x?xf16> {
  ^bb0(%x: tensor<?x?xf16>, %y: tensor<?x?xf16>):
    // expected-error @+1 {{'tessera_graph.matmul' op asks for wgmma, which the GPU lowering generates only for an untransposed lhs and a 2-d rhs}}
    %m = tessera_graph.matmul %x, %y transpose_lhs : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
    tessera_schedule.yield %m : tensor<?x?xf16>
  }
  return %r : tensor<?x?xf16>
}

// -----

// wgmma attention needs head dims of 128-byte rows (the legality pass
// refuses it first in the pipelines; the conversion names it too).
func.func @wgmma_attention_d48(%q: tensor<?x?x48xf16>) -> tensor<?x?x48xf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128], warps = 8, stages = 2, mma = wgmma>(%q) : (tensor<?x?x48xf16>) -> tensor<?x?x48xf16> {
  ^bb0(%x: tensor<?x?x48xf16>):
    // expected-error @+1 {{'tessera_graph.attention' op asks for wgmma, which needs f16 or bf16 operands with static head dims that are multiples of 64 (at most 256)}}
    %o = tessera_graph.attention %x, %x, %x : tensor<?x?x48xf16>, tensor<?x?x48xf16>, tensor<?x?x48xf16> -> tensor<?x?x48xf16>
    tessera_schedule.yield %o : tensor<?x?x48xf16>
  }
  return %r : tensor<?x?x48xf16>
}

// -----

// ... and 64 query rows per warpgroup.
func.func @wgmma_attention_rows(%q: tensor<?x?x64xf16>) -> tensor<?x?x64xf16> {
  // expected-error @+1 {{'tessera_schedule.kernel' op config #tessera_schedule.config<tile = [64, 128], warps = 8, stages = 2, mma = wgmma> is not a wgmma attention schedule (tessera-schedule-check names the rule it breaks)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [64, 128], warps = 8, stages = 2, mma = wgmma>(%q) : (tensor<?x?x64xf16>) -> tensor<?x?x64xf16> {
  ^bb0(%x: tensor<?x?x64xf16>):
    %o = tessera_graph.attention %x, %x, %x : tensor<?x?x64xf16>, tensor<?x?x64xf16>, tensor<?x?x64xf16> -> tensor<?x?x64xf16>
    tessera_schedule.yield %o : tensor<?x?x64xf16>
  }
  return %r : tensor<?x?x64xf16>
}

// -----

// A SIMT matmul whose output tile is not one element per thread (the
// legality pass refuses it first in the pipelines; the conversion names it
// too).
func.func @simt_tile(%a: tensor<?x?xf32>, %b: tensor<?x?xf32>) -> tensor<?x?xf32> {
  // expected-error @+1 {{'tessera_schedule.kernel' op config #tessera_schedule.config<tile = [32, 32, 16], warps = 8, stages = 1> is not a SIMT matmul schedule for warps of 32 (tessera-schedule-check names the rule it breaks)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [32, 32, 16], warps = 8, stages = 1>(%a, %b) : (tensor<?x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32> {
  ^bb0(%x: tensor<?x?xf32>, %y: tensor<?x?xf32>):
    %m = tessera_graph.matmul %x, %y : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
    tessera_schedule.yield %m : tensor<?x?xf32>
  }
  return %r : tensor<?x?xf32>
}

