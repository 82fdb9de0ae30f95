// RUN: tessera-opt %s -split-input-file -verify-diagnostics --tessera-schedule-check="chip=sm_90" | FileCheck %s

// A legal schedule passes unchanged.
// CHECK-LABEL: func.func @legal
func.func @legal(%a: tensor<64xf32>) -> tensor<64xf32> {
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [1024], warps = 4, stages = 1>
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1024], warps = 4, stages = 1>(%a) : (tensor<64xf32>) -> tensor<64xf32> {
  ^bb0(%x: tensor<64xf32>):
    %e = tessera_graph.exp %x : tensor<64xf32>
    tessera_schedule.yield %e : tensor<64xf32>
  }
  return %r : tensor<64xf32>
}

// -----

// Warp-specialized wgmma attention (a producer warpgroup): legal.
// CHECK-LABEL: func.func @producer_attention
// CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128], warps = 8, stages = 2, mma = wgmma, producer_warps = 4>
func.func @producer_attention(%q: tensor<?x?x128xf16>) -> tensor<?x?x128xf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128], warps = 8, stages = 2, mma = wgmma, producer_warps = 4>(%q) : (tensor<?x?x128xf16>) -> tensor<?x?x128xf16> {
  ^bb0(%x: tensor<?x?x128xf16>):
    %o = tessera_graph.attention %x, %x, %x : tensor<?x?x128xf16>, tensor<?x?x128xf16>, tensor<?x?x128xf16> -> tensor<?x?x128xf16>
    tessera_schedule.yield %o : tensor<?x?x128xf16>
  }
  return %r : tensor<?x?x128xf16>
}

// -----

func.func @mma_tile(%a: tensor<512x512xf16>, %b: tensor<512x512xf16>) -> tensor<512x512xf16> {
  // expected-error @+1 {{must have M a multiple of 32, N a multiple of 32 and K a multiple of 16 for mma_sync with 4 warps (2x2)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [48, 64, 32], warps = 4, stages = 2, mma = mma_sync>(%a, %b) : (tensor<512x512xf16>, tensor<512x512xf16>) -> tensor<512x512xf16> {
  ^bb0(%x: tensor<512x512xf16>, %y: tensor<512x512xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<512x512xf16>, tensor<512x512xf16> -> tensor<512x512xf16>
    tessera_schedule.yield %m : tensor<512x512xf16>
  }
  return %r : tensor<512x512xf16>
}

// -----

func.func @wgmma_transposed(%a: tensor<512x512xf16>, %b: tensor<512x512xf16>) -> tensor<512x512xf16> {
  // expected-error @+1 {{uses wgmma, which the GPU lowering generates only for an untransposed lhs ([M, K] x [K, N] or [N, K]^T) and a 2-d rhs; use mma_sync for others}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128, 64], warps = 4, stages = 2, mma = wgmma>(%a, %b) : (tensor<512x512xf16>, tensor<512x512xf16>) -> tensor<512x512xf16> {
  ^bb0(%x: tensor<512x512xf16>, %y: tensor<512x512xf16>):
    %m = tessera_graph.matmul %x, %y transpose_lhs : tensor<512x512xf16>, tensor<512x512xf16> -> tensor<512x512xf16>
    tessera_schedule.yield %m : tensor<512x512xf16>
  }
  return %r : tensor<512x512xf16>
}

// -----

func.func @wgmma_tile(%a: tensor<512x512xf16>, %b: tensor<512x512xf16>) -> tensor<512x512xf16> {
  // expected-error @+1 {{must have K = 64, N a multiple of 64 up to 256, warps a multiple of 4 and M a multiple of 64 per warpgroup (up to 256) for wgmma}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128, 32], warps = 4, stages = 2, mma = wgmma>(%a, %b) : (tensor<512x512xf16>, tensor<512x512xf16>) -> tensor<512x512xf16> {
  ^bb0(%x: tensor<512x512xf16>, %y: tensor<512x512xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<512x512xf16>, tensor<512x512xf16> -> tensor<512x512xf16>
    tessera_schedule.yield %m : tensor<512x512xf16>
  }
  return %r : tensor<512x512xf16>
}

// -----

func.func @wgmma_stages(%a: tensor<512x512xf16>, %b: tensor<512x512xf16>) -> tensor<512x512xf16> {
  // expected-error @+1 {{must have at least 2 stages for wgmma (the k-loop double-buffers its shared tiles)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128, 64], warps = 4, stages = 1, mma = wgmma>(%a, %b) : (tensor<512x512xf16>, tensor<512x512xf16>) -> tensor<512x512xf16> {
  ^bb0(%x: tensor<512x512xf16>, %y: tensor<512x512xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<512x512xf16>, tensor<512x512xf16> -> tensor<512x512xf16>
    tessera_schedule.yield %m : tensor<512x512xf16>
  }
  return %r : tensor<512x512xf16>
}

// -----

func.func @simt_threads(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  // expected-error @+1 {{must have M * N (1024) equal to the 256 threads per block: without tensor cores each thread computes one element}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [32, 32, 16], warps = 8, stages = 1>(%a, %b) : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32> {
  ^bb0(%x: tensor<64x64xf32>, %y: tensor<64x64xf32>):
    %m = tessera_graph.matmul %x, %y : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
    tessera_schedule.yield %m : tensor<64x64xf32>
  }
  return %r : tensor<64x64xf32>
}

// -----

func.func @elementwise_tile(%a: tensor<64xf32>) -> tensor<64xf32> {
  // expected-error @+1 {{must have one tile size that is a multiple of the 128 threads per block times vector (1)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [100], warps = 4, stages = 1>(%a) : (tensor<64xf32>) -> tensor<64xf32> {
  ^bb0(%x: tensor<64xf32>):
    %e = tessera_graph.exp %x : tensor<64xf32>
    tessera_schedule.yield %e : tensor<64xf32>
  }
  return %r : tensor<64xf32>
}

// -----

// `vector` elements per thread access: the tile holds whole rounds of them.
func.func @elementwise_vector(%a: tensor<64xf32>) -> tensor<64xf32> {
  // expected-error @+1 {{must have one tile size that is a multiple of the 128 threads per block times vector (4)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [256], warps = 4, stages = 1, vector = 4>(%a) : (tensor<64xf32>) -> tensor<64xf32> {
  ^bb0(%x: tensor<64xf32>):
    %e = tessera_graph.exp %x : tensor<64xf32>
    tessera_schedule.yield %e : tensor<64xf32>
  }
  return %r : tensor<64xf32>
}

// -----

// Knobs the lowering does not read are refused, not ignored.
func.func @swizzle(%a: tensor<64xf32>) -> tensor<64xf32> {
  // expected-error @+1 {{sets swizzle = 4, which orders the blocks of matmul kernels only}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1024], warps = 4, stages = 1, swizzle = 4>(%a) : (tensor<64xf32>) -> tensor<64xf32> {
  ^bb0(%x: tensor<64xf32>):
    %e = tessera_graph.exp %x : tensor<64xf32>
    tessera_schedule.yield %e : tensor<64xf32>
  }
  return %r : tensor<64xf32>
}

// -----

func.func @split_k(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  // expected-error @+1 {{sets split_k = 65; at most 64 slices (each is a partial output tile in global memory)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [16, 16, 16], warps = 8, stages = 1, split_k = 65>(%a, %b) : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32> {
  ^bb0(%x: tensor<64x64xf32>, %y: tensor<64x64xf32>):
    %m = tessera_graph.matmul %x, %y : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
    tessera_schedule.yield %m : tensor<64x64xf32>
  }
  return %r : tensor<64x64xf32>
}

// -----

// Row kernels spread each softmax / norm row over a cluster of split_k
// blocks (sm_90: up to 8).
// CHECK-LABEL: func.func @split_k_rows
func.func @split_k_rows(%a: tensor<64x64xf32>) -> tensor<64x64xf32> {
  // CHECK: split_k = 8
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1, 64], warps = 2, stages = 1, split_k = 8>(%a) : (tensor<64x64xf32>) -> tensor<64x64xf32> {
  ^bb0(%x: tensor<64x64xf32>):
    %m = tessera_graph.softmax %x dim = 1 : tensor<64x64xf32>
    tessera_schedule.yield %m : tensor<64x64xf32>
  }
  return %r : tensor<64x64xf32>
}

// -----

func.func @split_k_rows_past_cluster(%a: tensor<64x64xf32>) -> tensor<64x64xf32> {
  // expected-error @+1 {{sets split_k = 16, which spreads each row over a cluster of that many blocks, but sm_90 clusters hold at most 8 blocks}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1, 64], warps = 2, stages = 1, split_k = 16>(%a) : (tensor<64x64xf32>) -> tensor<64x64xf32> {
  ^bb0(%x: tensor<64x64xf32>):
    %m = tessera_graph.softmax %x dim = 1 : tensor<64x64xf32>
    tessera_schedule.yield %m : tensor<64x64xf32>
  }
  return %r : tensor<64x64xf32>
}

// -----

func.func @split_k_row_sum(%a: tensor<64x64xf32>) -> tensor<64xf32> {
  // expected-error @+1 {{sets split_k = 2 on a row reduction; rows spread over clusters are softmax, log_softmax, layer_norm and rms_norm rows}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1, 64], warps = 2, stages = 1, split_k = 2>(%a) : (tensor<64x64xf32>) -> tensor<64xf32> {
  ^bb0(%x: tensor<64x64xf32>):
    %m = tessera_graph.reduce sum %x dims = [1] : tensor<64x64xf32> -> tensor<64xf32>
    tessera_schedule.yield %m : tensor<64xf32>
  }
  return %r : tensor<64xf32>
}

// -----

func.func @split_k_elementwise(%a: tensor<64x64xf32>) -> tensor<64x64xf32> {
  // expected-error @+1 {{sets split_k = 2, which splits the K loop of matmul kernels, the rows of column kernels and the rows of row kernels only}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1024], warps = 4, stages = 1, split_k = 2>(%a) : (tensor<64x64xf32>) -> tensor<64x64xf32> {
  ^bb0(%x: tensor<64x64xf32>):
    %m = tessera_graph.exp %x : tensor<64x64xf32>
    tessera_schedule.yield %m : tensor<64x64xf32>
  }
  return %r : tensor<64x64xf32>
}

// -----

// A row kernel walks its row in register tiles of `columns`, `vector` per
// thread.
func.func @vector_row(%a: tensor<8x64xf32>) -> tensor<8x64xf32> {
  // expected-error @+1 {{must have columns (64) a multiple of the 128 threads per block times vector (2): the row is walked in register tiles of that many columns}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1, 64], warps = 4, stages = 1, vector = 2>(%a) : (tensor<8x64xf32>) -> tensor<8x64xf32> {
  ^bb0(%x: tensor<8x64xf32>):
    %e = tessera_graph.softmax %x dim = 1 : tensor<8x64xf32>
    tessera_schedule.yield %e : tensor<8x64xf32>
  }
  return %r : tensor<8x64xf32>
}

// -----

func.func @vector_matmul(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  // expected-error @+1 {{sets vector = 2, which only elementwise, row and column kernels use so far}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [16, 16, 16], warps = 8, stages = 1, vector = 2>(%a, %b) : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32> {
  ^bb0(%x: tensor<64x64xf32>, %y: tensor<64x64xf32>):
    %m = tessera_graph.matmul %x, %y : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
    tessera_schedule.yield %m : tensor<64x64xf32>
  }
  return %r : tensor<64x64xf32>
}

// -----

// A column kernel walks its columns down the rows in [rows, columns] tiles.
func.func @column_tile(%a: tensor<64x64xf32>) -> tensor<64xf32> {
  // expected-error @+1 {{must have a [rows, columns] tile: column kernels walk a block's columns down the rows that many at a time}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [256], warps = 8, stages = 1>(%a) : (tensor<64x64xf32>) -> tensor<64xf32> {
  ^bb0(%x: tensor<64x64xf32>):
    %s = tessera_graph.reduce sum %x dims = [0] : tensor<64x64xf32> -> tensor<64xf32>
    tessera_schedule.yield %s : tensor<64xf32>
  }
  return %r : tensor<64xf32>
}

// -----

// A column kernel with 4 contiguous columns per thread passes.
// CHECK-LABEL: func.func @column_vector_ok
func.func @column_vector_ok(%a: tensor<64x64xf32>) -> tensor<64xf32> {
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [8, 1024], warps = 8, stages = 1, vector = 4>
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [8, 1024], warps = 8, stages = 1, vector = 4>(%a) : (tensor<64x64xf32>) -> tensor<64xf32> {
  ^bb0(%x: tensor<64x64xf32>):
    %s = tessera_graph.reduce sum %x dims = [0] : tensor<64x64xf32> -> tensor<64xf32>
    tessera_schedule.yield %s : tensor<64xf32>
  }
  return %r : tensor<64xf32>
}

// -----

// A column kernel may split its rows into slices (split_k, fixed or auto).
// CHECK-LABEL: func.func @column_split_ok
func.func @column_split_ok(%a: tensor<64x64xf32>) -> tensor<64xf32> {
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [32, 256], warps = 8, stages = 1, split_k = 4>
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [32, 256], warps = 8, stages = 1, split_k = 4>(%a) : (tensor<64x64xf32>) -> tensor<64xf32> {
  ^bb0(%x: tensor<64x64xf32>):
    %s = tessera_graph.reduce sum %x dims = [0] : tensor<64x64xf32> -> tensor<64xf32>
    tessera_schedule.yield %s : tensor<64xf32>
  }
  return %r : tensor<64xf32>
}

// -----

func.func @column_vector(%a: tensor<64x64xf32>) -> tensor<64xf32> {
  // expected-error @+1 {{must have columns (256) a multiple of the 256 threads per block times vector (4)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [8, 256], warps = 8, stages = 1, vector = 4>(%a) : (tensor<64x64xf32>) -> tensor<64xf32> {
  ^bb0(%x: tensor<64x64xf32>):
    %s = tessera_graph.reduce sum %x dims = [0] : tensor<64x64xf32> -> tensor<64xf32>
    tessera_schedule.yield %s : tensor<64xf32>
  }
  return %r : tensor<64xf32>
}

// -----

func.func @row_tile(%a: tensor<8x64xf32>) -> tensor<8x64xf32> {
  // expected-error @+1 {{must have a [1, columns] tile: row kernels process one row per block}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [2, 64], warps = 4, stages = 1>(%a) : (tensor<8x64xf32>) -> tensor<8x64xf32> {
  ^bb0(%x: tensor<8x64xf32>):
    %e = tessera_graph.softmax %x dim = 1 : tensor<8x64xf32>
    tessera_schedule.yield %e : tensor<8x64xf32>
  }
  return %r : tensor<8x64xf32>
}

// -----

// The knob space is checked too.
func.func @knob(%a: tensor<64xf32>) -> tensor<64xf32> {
  // expected-error @+1 {{'tessera_schedule.kernel' op config #tessera_schedule.config<tile = [1000], warps = 4, stages = 1> must have one tile size that is a multiple of the 128 threads per block times vector (1)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1024], warps = 4, stages = 1>(%a) {knobs = #tessera_schedule.knobs<[#tessera_schedule.config<tile = [1000], warps = 4, stages = 1>]>} : (tensor<64xf32>) -> tensor<64xf32> {
  ^bb0(%x: tensor<64xf32>):
    %e = tessera_graph.exp %x : tensor<64xf32>
    tessera_schedule.yield %e : tensor<64xf32>
  }
  return %r : tensor<64xf32>
}


// -----

func.func @mma_f32(%a: tensor<512x512xf32>, %b: tensor<512x512xf32>) -> tensor<512x512xf32> {
  // expected-error @+1 {{uses mma_sync, which needs f16 or bf16 operands of one type accumulating in f32; this matmul has 'f32' x 'f32' operands}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128, 32], warps = 8, stages = 3, mma = mma_sync>(%a, %b) : (tensor<512x512xf32>, tensor<512x512xf32>) -> tensor<512x512xf32> {
  ^bb0(%x: tensor<512x512xf32>, %y: tensor<512x512xf32>):
    %m = tessera_graph.matmul %x, %y : tensor<512x512xf32>, tensor<512x512xf32> -> tensor<512x512xf32>
    tessera_schedule.yield %m : tensor<512x512xf32>
  }
  return %r : tensor<512x512xf32>
}

// -----

func.func @mma_one_stage(%a: tensor<512x512xf16>, %b: tensor<512x512xf16>) -> tensor<512x512xf16> {
  // expected-error @+1 {{must have at least 2 stages for mma_sync (the k-loop double-buffers its shared tiles)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128, 32], warps = 8, stages = 1, mma = mma_sync>(%a, %b) : (tensor<512x512xf16>, tensor<512x512xf16>) -> tensor<512x512xf16> {
  ^bb0(%x: tensor<512x512xf16>, %y: tensor<512x512xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<512x512xf16>, tensor<512x512xf16> -> tensor<512x512xf16>
    tessera_schedule.yield %m : tensor<512x512xf16>
  }
  return %r : tensor<512x512xf16>
}

// -----

func.func @mma_uneven_copies(%a: tensor<512x512xf16>, %b: tensor<512x512xf16>) -> tensor<512x512xf16> {
  // expected-error @+1 {{must split the 64x16 lhs tile into 8-element copies that the 256 threads share evenly}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [64, 32, 16], warps = 8, stages = 2, mma = mma_sync>(%a, %b) : (tensor<512x512xf16>, tensor<512x512xf16>) -> tensor<512x512xf16> {
  ^bb0(%x: tensor<512x512xf16>, %y: tensor<512x512xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<512x512xf16>, tensor<512x512xf16> -> tensor<512x512xf16>
    tessera_schedule.yield %m : tensor<512x512xf16>
  }
  return %r : tensor<512x512xf16>
}

// -----

func.func @attention_rows(%q: tensor<2x256x64xf16>) -> tensor<2x256x64xf16> {
  // expected-error @+1 {{must have a [16 * warps, N] tile for attention (128 query rows, one warp per 16) and N a multiple of 16}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [64, 64], warps = 8, stages = 2, mma = mma_sync>(%q) : (tensor<2x256x64xf16>) -> tensor<2x256x64xf16> {
  ^bb0(%x: tensor<2x256x64xf16>):
    %o = tessera_graph.attention %x, %x, %x : tensor<2x256x64xf16>, tensor<2x256x64xf16>, tensor<2x256x64xf16> -> tensor<2x256x64xf16>
    tessera_schedule.yield %o : tensor<2x256x64xf16>
  }
  return %r : tensor<2x256x64xf16>
}

// -----

func.func @attention_f32(%q: tensor<2x256x64xf32>) -> tensor<2x256x64xf32> {
  // expected-error @+1 {{uses mma_sync, which needs f16 or bf16 attention with static head dims that are multiples of 16 (at most 256)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 64], warps = 8, stages = 2, mma = mma_sync>(%q) : (tensor<2x256x64xf32>) -> tensor<2x256x64xf32> {
  ^bb0(%x: tensor<2x256x64xf32>):
    %o = tessera_graph.attention %x, %x, %x : tensor<2x256x64xf32>, tensor<2x256x64xf32>, tensor<2x256x64xf32> -> tensor<2x256x64xf32>
    tessera_schedule.yield %o : tensor<2x256x64xf32>
  }
  return %r : tensor<2x256x64xf32>
}

// -----

// wgmma attention: [16 * warps, N] tiles with N a multiple of 64, head
// dims multiples of 64.
func.func @wgmma_attention(%q: tensor<?x?x64xf16>) -> tensor<?x?x64xf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 64], warps = 8, stages = 2, mma = wgmma>(%q) : (tensor<?x?x64xf16>) -> tensor<?x?x64xf16> {
  ^bb0(%x: tensor<?x?x64xf16>):
    %o = tessera_graph.attention %x, %x, %x : tensor<?x?x64xf16>, tensor<?x?x64xf16>, tensor<?x?x64xf16> -> tensor<?x?x64xf16>
    tessera_schedule.yield %o : tensor<?x?x64xf16>
  }
  return %r : tensor<?x?x64xf16>
}

// -----

func.func @wgmma_attention_d48(%q: tensor<?x?x48xf16>) -> tensor<?x?x48xf16> {
  // expected-error @+1 {{uses wgmma, which needs f16 or bf16 attention with static head dims that are multiples of 64 (at most 256)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 64], warps = 8, stages = 2, mma = wgmma>(%q) : (tensor<?x?x48xf16>) -> tensor<?x?x48xf16> {
  ^bb0(%x: tensor<?x?x48xf16>):
    %o = tessera_graph.attention %x, %x, %x : tensor<?x?x48xf16>, tensor<?x?x48xf16>, tensor<?x?x48xf16> -> tensor<?x?x48xf16>
    tessera_schedule.yield %o : tensor<?x?x48xf16>
  }
  return %r : tensor<?x?x48xf16>
}

// -----

func.func @wgmma_attention_tile(%q: tensor<?x?x64xf16>) -> tensor<?x?x64xf16> {
  // expected-error @+1 {{must have a [16 * warps, N] tile for wgmma attention (64 query rows per warpgroup of 4 warps) with N a multiple of 64, at most 256}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 96], warps = 8, stages = 2, mma = wgmma>(%q) : (tensor<?x?x64xf16>) -> tensor<?x?x64xf16> {
  ^bb0(%x: tensor<?x?x64xf16>):
    %o = tessera_graph.attention %x, %x, %x : tensor<?x?x64xf16>, tensor<?x?x64xf16>, tensor<?x?x64xf16> -> tensor<?x?x64xf16>
    tessera_schedule.yield %o : tensor<?x?x64xf16>
  }
  return %r : tensor<?x?x64xf16>
}

// -----

func.func @producer_mma_sync(%a: tensor<512x512xf16>, %b: tensor<512x512xf16>) -> tensor<512x512xf16> {
  // expected-error @+1 {{sets producer_warps = 4, which only wgmma matmul and attention kernels have (a warpgroup issuing their TMA copies)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128, 64], warps = 4, stages = 2, mma = mma_sync, producer_warps = 4>(%a, %b) : (tensor<512x512xf16>, tensor<512x512xf16>) -> tensor<512x512xf16> {
  ^bb0(%x: tensor<512x512xf16>, %y: tensor<512x512xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<512x512xf16>, tensor<512x512xf16> -> tensor<512x512xf16>
    tessera_schedule.yield %m : tensor<512x512xf16>
  }
  return %r : tensor<512x512xf16>
}

// -----

// Attention takes a producer on wgmma only (the warp-specialized program);
// on mma_sync the schedule is refused.
func.func @producer_attention_mma_sync(%q: tensor<?x?x64xf16>) -> tensor<?x?x64xf16> {
  // expected-error @+1 {{sets producer_warps = 4, which only wgmma matmul and attention kernels have (a warpgroup issuing their TMA copies)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 64], warps = 8, stages = 2, mma = mma_sync, producer_warps = 4>(%q) : (tensor<?x?x64xf16>) -> tensor<?x?x64xf16> {
  ^bb0(%x: tensor<?x?x64xf16>):
    %o = tessera_graph.attention %x, %x, %x : tensor<?x?x64xf16>, tensor<?x?x64xf16>, tensor<?x?x64xf16> -> tensor<?x?x64xf16>
    tessera_schedule.yield %o : tensor<?x?x64xf16>
  }
  return %r : tensor<?x?x64xf16>
}

// -----

func.func @producer_split(%a: tensor<512x512xf16>, %b: tensor<512x512xf16>) -> tensor<512x512xf16> {
  // expected-error @+1 {{sets producer_warps with split_k; the warp-specialized kernel does not split K yet}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 256, 64], warps = 8, stages = 3, mma = wgmma, split_k = 2, producer_warps = 4>(%a, %b) : (tensor<512x512xf16>, tensor<512x512xf16>) -> tensor<512x512xf16> {
  ^bb0(%x: tensor<512x512xf16>, %y: tensor<512x512xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<512x512xf16>, tensor<512x512xf16> -> tensor<512x512xf16>
    tessera_schedule.yield %m : tensor<512x512xf16>
  }
  return %r : tensor<512x512xf16>
}

// -----

func.func @producer_warps_total(%a: tensor<512x512xf16>, %b: tensor<512x512xf16>) -> tensor<512x512xf16> {
  // expected-error @+1 {{has 32 warps and 4 producer warps; a block has at most 32}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [256, 256, 64], warps = 32, stages = 3, mma = wgmma, producer_warps = 4>(%a, %b) : (tensor<512x512xf16>, tensor<512x512xf16>) -> tensor<512x512xf16> {
  ^bb0(%x: tensor<512x512xf16>, %y: tensor<512x512xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<512x512xf16>, tensor<512x512xf16> -> tensor<512x512xf16>
    tessera_schedule.yield %m : tensor<512x512xf16>
  }
  return %r : tensor<512x512xf16>
}

// -----

// 8-bit wgmma reads both operands K-major: the rhs must be [N, K].
func.func @wgmma_f8_nn(%a: tensor<512x512xf8E4M3FN>, %b: tensor<512x512xf8E4M3FN>) -> tensor<512x512xf32> {
  // expected-error @+1 {{uses wgmma on 'f8E4M3FN' operands, which needs the rhs [N, K] in memory (`x @ w.T`, transpose_rhs) and f32 accumulation: 8-bit wgmma reads both operands with K contiguous}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 256, 128], warps = 8, stages = 4, mma = wgmma>(%a, %b) : (tensor<512x512xf8E4M3FN>, tensor<512x512xf8E4M3FN>) -> tensor<512x512xf32> {
  ^bb0(%x: tensor<512x512xf8E4M3FN>, %y: tensor<512x512xf8E4M3FN>):
    %m = tessera_graph.matmul %x, %y out = f32 : tensor<512x512xf8E4M3FN>, tensor<512x512xf8E4M3FN> -> tensor<512x512xf32>
    tessera_schedule.yield %m : tensor<512x512xf32>
  }
  return %r : tensor<512x512xf32>
}

// -----

// f8 slices of K are 128 deep (128-byte box rows).
func.func @wgmma_f8_k64(%a: tensor<512x512xf8E5M2>, %b: tensor<512x512xf8E5M2>) -> tensor<512x512xf32> {
  // expected-error @+1 {{must have K = 128, N a multiple of 64 up to 256, warps a multiple of 4 and M a multiple of 64 per warpgroup (up to 256) for wgmma on 8-bit operands}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 256, 64], warps = 8, stages = 4, mma = wgmma>(%a, %b) : (tensor<512x512xf8E5M2>, tensor<512x512xf8E5M2>) -> tensor<512x512xf32> {
  ^bb0(%x: tensor<512x512xf8E5M2>, %y: tensor<512x512xf8E5M2>):
    %m = tessera_graph.matmul %x, %y transpose_rhs out = f32 : tensor<512x512xf8E5M2>, tensor<512x512xf8E5M2> -> tensor<512x512xf32>
    tessera_schedule.yield %m : tensor<512x512xf32>
  }
  return %r : tensor<512x512xf32>
}

// -----

func.func @wgmma_f8_one_stage(%a: tensor<512x512xf8E4M3FN>, %b: tensor<512x512xf8E4M3FN>) -> tensor<512x512xf32> {
  // expected-error @+1 {{must have at least 2 stages for wgmma (the k-loop is a ring of stages)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 256, 128], warps = 8, stages = 1, mma = wgmma>(%a, %b) : (tensor<512x512xf8E4M3FN>, tensor<512x512xf8E4M3FN>) -> tensor<512x512xf32> {
  ^bb0(%x: tensor<512x512xf8E4M3FN>, %y: tensor<512x512xf8E4M3FN>):
    %m = tessera_graph.matmul %x, %y transpose_rhs out = f32 : tensor<512x512xf8E4M3FN>, tensor<512x512xf8E4M3FN> -> tensor<512x512xf32>
    tessera_schedule.yield %m : tensor<512x512xf32>
  }
  return %r : tensor<512x512xf32>
}

// -----

// The f8 schedule the default assigns passes.
// CHECK-LABEL: func.func @wgmma_f8_legal
func.func @wgmma_f8_legal(%a: tensor<512x512xf8E4M3FN>, %b: tensor<512x512xf8E4M3FN>) -> tensor<512x512xf32> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 256, 128], warps = 8, stages = 4, swizzle = 16, mma = wgmma, split_k = auto>(%a, %b) : (tensor<512x512xf8E4M3FN>, tensor<512x512xf8E4M3FN>) -> tensor<512x512xf32> {
  ^bb0(%x: tensor<512x512xf8E4M3FN>, %y: tensor<512x512xf8E4M3FN>):
    %m = tessera_graph.matmul %x, %y transpose_rhs out = f32 : tensor<512x512xf8E4M3FN>, tensor<512x512xf8E4M3FN> -> tensor<512x512xf32>
    tessera_schedule.yield %m : tensor<512x512xf32>
  }
  return %r : tensor<512x512xf32>
}

// -----

// Row classes: each class's config is checked like the kernel's.
func.func @row_class_config(%a: tensor<?x?xf16>, %b: tensor<?x?xf16>) -> tensor<?x?xf16> {
  // expected-error @+1 {{'tessera_schedule.kernel' op config #tessera_schedule.config<tile = [64, 64, 32], warps = 4, stages = 4, mma = wgmma> must have K = 64, N a multiple of 64 up to 256, warps a multiple of 4 and M a multiple of 64 per warpgroup (up to 256) for wgmma}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 256, 64], warps = 8, stages = 3, mma = wgmma>(%a, %b) {row_classes = #tessera_schedule.row_classes<max_rows = [64], configs = [<tile = [64, 64, 32], warps = 4, stages = 4, mma = wgmma>]>} : (tensor<?x?xf16>, tensor<?x?xf16>) -> tensor<?x?xf16> {
  ^bb0(%x: tensor<?x?xf16>, %y: tensor<?x?xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
    tessera_schedule.yield %m : tensor<?x?xf16>
  }
  return %r : tensor<?x?xf16>
}

// -----

// Row classes are launch-time choices by a matmul's output rows.
func.func @row_classes_elementwise(%a: tensor<64xf32>) -> tensor<64xf32> {
  // expected-error @+1 {{'tessera_schedule.kernel' op has row_classes, which only matmul kernels take (this kernel is elementwise)}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1024], warps = 4, stages = 1>(%a) {row_classes = #tessera_schedule.row_classes<max_rows = [64], configs = [<tile = [1024], warps = 4, stages = 1>]>} : (tensor<64xf32>) -> tensor<64xf32> {
  ^bb0(%x: tensor<64xf32>):
    %e = tessera_graph.exp %x : tensor<64xf32>
    tessera_schedule.yield %e : tensor<64xf32>
  }
  return %r : tensor<64xf32>
}

// -----

func.func @row_classes_knobs(%a: tensor<?x?xf16>, %b: tensor<?x?xf16>) -> tensor<?x?xf16> {
  // expected-error @+1 {{'tessera_schedule.kernel' op has both row_classes and knobs: an autotuner's candidates replace the config at every number of rows}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 256, 64], warps = 8, stages = 3, mma = wgmma>(%a, %b) {knobs = #tessera_schedule.knobs<[#tessera_schedule.config<tile = [128, 128, 64], warps = 8, stages = 3, mma = wgmma>]>, row_classes = #tessera_schedule.row_classes<max_rows = [64], configs = [<tile = [64, 64, 64], warps = 4, stages = 4, mma = wgmma>]>} : (tensor<?x?xf16>, tensor<?x?xf16>) -> tensor<?x?xf16> {
  ^bb0(%x: tensor<?x?xf16>, %y: tensor<?x?xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
    tessera_schedule.yield %m : tensor<?x?xf16>
  }
  return %r : tensor<?x?xf16>
}
