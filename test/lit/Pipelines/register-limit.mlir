// RUN: tessera-opt %s -split-input-file -verify-diagnostics --tessera-target-set-chip=chip=sm_90 --tessera-stage-tile

// A schedule's registers are estimated by tessera-tile-allocate-shared from
// the register tiles of the kernel the generator writes (the model that
// places its shared buffers; the schedule check estimates neither): a
// 256x256 f32 accumulator over one warp is 2048 registers per thread, plus
// one k-step of a and b fragments (128) and 40 for addresses and indices.
func.func @registers(%a: tensor<512x512xf16>, %b: tensor<512x512xf16>) -> tensor<512x512xf16> {
  // expected-error @+2 {{kernel @registers_k0_matmul_mma (config #tessera_schedule.config<tile = [256, 256, 16], warps = 1, stages = 2, mma = mma_sync>) needs about 2216 registers per thread, more than the limit of 255 (chip 'sm_90')}}
  // expected-note @+1 {{the register tiles live here take 2176 of them (40 more for addresses and indices)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [256, 256, 16], warps = 1, stages = 2, mma = mma_sync>(%a, %b) : (tensor<512x512xf16>, tensor<512x512xf16>) -> tensor<512x512xf16> {
  ^bb0(%x: tensor<512x512xf16>, %y: tensor<512x512xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<512x512xf16>, tensor<512x512xf16> -> tensor<512x512xf16>
    tessera_schedule.yield %m : tensor<512x512xf16>
  }
  return %r : tensor<512x512xf16>
}

// -----

// wgmma reads its operands from shared memory, but its accumulators alone,
// two 64x256 bands of one warpgroup, are 256 registers per thread.
func.func @wgmma_registers(%a: tensor<512x512xf16>, %b: tensor<512x512xf16>) -> tensor<512x512xf16> {
  // expected-error @+2 {{kernel @wgmma_registers_k0_matmul_wgmma (config #tessera_schedule.config<tile = [128, 256, 64], warps = 4, stages = 2, mma = wgmma>) needs about 296 registers per thread, more than the limit of 255 (chip 'sm_90')}}
  // expected-note @+1 {{the register tiles live here take 256 of them}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 256, 64], warps = 4, stages = 2, mma = wgmma>(%a, %b) : (tensor<512x512xf16>, tensor<512x512xf16>) -> tensor<512x512xf16> {
  ^bb0(%x: tensor<512x512xf16>, %y: tensor<512x512xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<512x512xf16>, tensor<512x512xf16> -> tensor<512x512xf16>
    tessera_schedule.yield %m : tensor<512x512xf16>
  }
  return %r : tensor<512x512xf16>
}

// -----

// FlashAttention-2 at head dim 256 with 16 query rows per warp: the output
// accumulator (128), the query operand (64) and a score tile (64) per thread.
func.func @attention_registers(%q: tensor<2x256x256xf16>) -> tensor<2x256x256xf16> {
  // expected-error @+2 {{kernel @attention_registers_k0_attention_mma (config #tessera_schedule.config<tile = [128, 64], warps = 8, stages = 2, mma = mma_sync>) needs about}}
  // expected-note @+1 {{the register tiles live here take}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 64], warps = 8, stages = 2, mma = mma_sync>(%q) : (tensor<2x256x256xf16>) -> tensor<2x256x256xf16> {
  ^bb0(%x: tensor<2x256x256xf16>):
    %o = tessera_graph.attention %x, %x, %x : tensor<2x256x256xf16>, tensor<2x256x256xf16>, tensor<2x256x256xf16> -> tensor<2x256x256xf16>
    tessera_schedule.yield %o : tensor<2x256x256xf16>
  }
  return %r : tensor<2x256x256xf16>
}
