// RUN: tessera-opt %s -split-input-file -verify-diagnostics --tessera-schedule-check="chip=gfx942"
// RUN: not tessera-opt %s --tessera-schedule-check="chip=sm_x" 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not tessera-opt %s -split-input-file --tessera-schedule-check="chip=gfx1100" 2>&1 | FileCheck %s --check-prefix=RDNA
// CHIP: unknown chip 'sm_x' (known chips: sm_60, {{.*}}, sm_90, {{.*}}, gfx942, {{.*}})

// AMD chips have no mma_sync.
func.func @amd(%a: tensor<64x64xf16>, %b: tensor<64x64xf16>) -> tensor<64x64xf16> {
  // expected-error @+1 {{uses mma_sync, which gfx942 does not have (it is on NVIDIA sm_80, sm_86, sm_87, sm_89, sm_90, sm_90a, sm_100, sm_100a, sm_120)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [64, 64, 32], warps = 4, stages = 2, mma = mma_sync>(%a, %b) : (tensor<64x64xf16>, tensor<64x64xf16>) -> tensor<64x64xf16> {
  ^bb0(%x: tensor<64x64xf16>, %y: tensor<64x64xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf16>
    tessera_schedule.yield %m : tensor<64x64xf16>
  }
  return %r : tensor<64x64xf16>
}


// -----

// mfma (CDNA2/CDNA3 matrix cores): legal on gfx942, not on RDNA's gfx1100.
// RDNA: uses mfma, which gfx1100 does not have (it is on AMD gfx90a, gfx940, gfx941, gfx942, gfx950)
func.func @mfma(%a: tensor<64x64xf16>, %b: tensor<64x64xf16>) -> tensor<64x64xf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [64, 64, 32], warps = 8, stages = 1, mma = mfma>(%a, %b) : (tensor<64x64xf16>, tensor<64x64xf16>) -> tensor<64x64xf16> {
  ^bb0(%x: tensor<64x64xf16>, %y: tensor<64x64xf16>):
    %m = tessera_graph.matmul %x, %y transpose_rhs : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf16>
    tessera_schedule.yield %m : tensor<64x64xf16>
  }
  return %r : tensor<64x64xf16>
}

// -----

func.func @mfma_tile(%a: tensor<64x64xf16>, %b: tensor<64x64xf16>) -> tensor<64x64xf16> {
  // expected-error @+1 {{must have whole 64-thread wavefronts, M a multiple of 32, N a multiple of 32 and K a multiple of 16 for mfma with 4 wavefronts (2x2)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [48, 64, 32], warps = 8, stages = 1, mma = mfma>(%a, %b) : (tensor<64x64xf16>, tensor<64x64xf16>) -> tensor<64x64xf16> {
  ^bb0(%x: tensor<64x64xf16>, %y: tensor<64x64xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf16>
    tessera_schedule.yield %m : tensor<64x64xf16>
  }
  return %r : tensor<64x64xf16>
}

// -----

func.func @mfma_f32(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  // expected-error @+1 {{uses mfma, which needs f16 or bf16 operands of one type accumulating in f32; this matmul has 'f32' x 'f32' operands}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [64, 64, 32], warps = 8, stages = 1, mma = mfma>(%a, %b) : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32> {
  ^bb0(%x: tensor<64x64xf32>, %y: tensor<64x64xf32>):
    %m = tessera_graph.matmul %x, %y : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
    tessera_schedule.yield %m : tensor<64x64xf32>
  }
  return %r : tensor<64x64xf32>
}

// -----

// A SIMT matmul spreads its output tile over whole wavefronts of 64.
func.func @simt_wavefronts(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  // expected-error @+1 {{has 32 threads per block, not whole warps of 64 on gfx942: the SIMT matmul's output tile is spread over whole warps}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [4, 8, 16], warps = 1, stages = 1>(%a, %b) : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32> {
  ^bb0(%x: tensor<64x64xf32>, %y: tensor<64x64xf32>):
    %m = tessera_graph.matmul %x, %y : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
    tessera_schedule.yield %m : tensor<64x64xf32>
  }
  return %r : tensor<64x64xf32>
}

// -----

// Row and column kernels spread their tiles over whole wavefronts of 64.
func.func @row_wave(%a: tensor<8x64xf32>) -> tensor<8x64xf32> {
  // expected-error @+1 {{has 32 threads per block, not whole warps of 64 on gfx942: a row kernel's tiles are spread over whole warps}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1, 64], warps = 1, stages = 1>(%a) : (tensor<8x64xf32>) -> tensor<8x64xf32> {
  ^bb0(%x: tensor<8x64xf32>):
    %e = tessera_graph.softmax %x dim = 1 : tensor<8x64xf32>
    tessera_schedule.yield %e : tensor<8x64xf32>
  }
  return %r : tensor<8x64xf32>
}

// -----

func.func @column_wave(%a: tensor<64x64xf32>) -> tensor<64xf32> {
  // expected-error @+1 {{has 32 threads per block, not whole warps of 64 on gfx942: a column kernel's tiles are spread over whole warps}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [8, 64], warps = 1, stages = 1>(%a) : (tensor<64x64xf32>) -> tensor<64xf32> {
  ^bb0(%x: tensor<64x64xf32>):
    %s = tessera_graph.reduce sum %x dims = [0] : tensor<64x64xf32> -> tensor<64xf32>
    tessera_schedule.yield %s : tensor<64xf32>
  }
  return %r : tensor<64xf32>
}

// -----

// Attention on mfma is not generated yet: refused by name.
func.func @mfma_attention(%q: tensor<?x?x64xf16>) -> tensor<?x?x64xf16> {
  // expected-error @+1 {{uses mfma for attention, which the GPU lowering does not generate yet}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 64], warps = 8, stages = 2, mma = mfma>(%q) : (tensor<?x?x64xf16>) -> tensor<?x?x64xf16> {
  ^bb0(%x: tensor<?x?x64xf16>):
    %o = tessera_graph.attention %x, %x, %x : tensor<?x?x64xf16>, tensor<?x?x64xf16>, tensor<?x?x64xf16> -> tensor<?x?x64xf16>
    tessera_schedule.yield %o : tensor<?x?x64xf16>
  }
  return %r : tensor<?x?x64xf16>
}
