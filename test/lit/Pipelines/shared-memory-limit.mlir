// RUN: tessera-opt %s -split-input-file -verify-diagnostics --tessera-target-set-chip=chip=sm_90 --tessera-stage-tile

// A schedule's shared memory is checked by the allocator, on the buffers of
// the kernel the generator writes (one model of a block's bytes, the one
// the launch asks for): a 256x256x128 mma_sync tile in 4 stages needs 4 x
// (256 x 136 + 128 x 264) x 2 bytes of padded rings.
func.func @shared(%a: tensor<512x512xf16>, %b: tensor<512x512xf16>) -> tensor<512x512xf16> {
  // expected-error @+1 {{kernel @shared_k0_matmul_mma (config #tessera_schedule.config<tile = [256, 256, 128], warps = 16, stages = 4, mma = mma_sync>) needs 548864 bytes of shared memory, more than the limit of 232448 bytes (chip 'sm_90')}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [256, 256, 128], warps = 16, stages = 4, mma = mma_sync>(%a, %b) : (tensor<512x512xf16>, tensor<512x512xf16>) -> tensor<512x512xf16> {
  ^bb0(%x: tensor<512x512xf16>, %y: tensor<512x512xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<512x512xf16>, tensor<512x512xf16> -> tensor<512x512xf16>
    tessera_schedule.yield %m : tensor<512x512xf16>
  }
  return %r : tensor<512x512xf16>
}

// -----

// Attention's buffers are placed and checked the same way: a 512-row query
// tile, read into registers before the loop, then two stages of 128-row key
// and value tiles (rows of 256 + 8 elements), which reuse the query tile's
// bytes: 512 x 264 x 2 bytes.
func.func @attention_shared(%q: tensor<2x256x256xf16>) -> tensor<2x256x256xf16> {
  // expected-error @+1 {{kernel @attention_shared_k0_attention_mma (config #tessera_schedule.config<tile = [512, 128], warps = 32, stages = 2, mma = mma_sync>) needs 270336 bytes of shared memory, more than the limit of 232448 bytes (chip 'sm_90')}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [512, 128], warps = 32, stages = 2, mma = mma_sync>(%q) : (tensor<2x256x256xf16>) -> tensor<2x256x256xf16> {
  ^bb0(%x: tensor<2x256x256xf16>):
    %o = tessera_graph.attention %x, %x, %x : tensor<2x256x256xf16>, tensor<2x256x256xf16>, tensor<2x256x256xf16> -> tensor<2x256x256xf16>
    tessera_schedule.yield %o : tensor<2x256x256xf16>
  }
  return %r : tensor<2x256x256xf16>
}
