// RUN: tessera-opt %s -split-input-file -verify-diagnostics --tessera-schedule-check="chip=gfx942"
// RUN: not tessera-opt %s --tessera-schedule-check="chip=sm_x" 2>&1 | FileCheck %s --check-prefix=CHIP
// CHIP: unknown chip 'sm_x' (expected sm_XX or gfxNNN)

// AMD chips have no mma_sync.
func.func @amd(%a: tensor<64x64xf16>, %b: tensor<64x64xf16>) -> tensor<64x64xf16> {
  // expected-error @+1 {{uses mma_sync, which gfx942 does not have (NVIDIA sm_80 or newer)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [64, 64, 32], warps = 4, stages = 2, mma = mma_sync>(%a, %b) : (tensor<64x64xf16>, tensor<64x64xf16>) -> tensor<64x64xf16> {
  ^bb0(%x: tensor<64x64xf16>, %y: tensor<64x64xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf16>
    tessera_schedule.yield %m : tensor<64x64xf16>
  }
  return %r : tensor<64x64xf16>
}

