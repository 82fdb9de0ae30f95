// RUN: tessera-opt %s --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_90}))' | FileCheck %s
// RUN: tessera-opt %s --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}))' | FileCheck %s --check-prefix=AMPERE
// RUN: tessera-opt %s --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_75}))' | FileCheck %s --check-prefix=TURING
// RUN: tessera-opt %s --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=gfx942}))' | FileCheck %s --check-prefix=AMD

// f16/bf16 matmuls accumulating in f32 go to tensor cores on sm_80 and
// newer: wgmma with TMA on sm_90 where the lhs is untransposed and the rhs
// 2-d (transposed or not: x @ w.T reads w's rows as K-major boxes),
// mma.sync otherwise; f32, f16 accumulation, older chips and AMD stay SIMT.
// CHECK-LABEL: func.func @kinds
// AMPERE-LABEL: func.func @kinds
// TURING-LABEL: func.func @kinds
// AMD-LABEL: func.func @kinds
func.func @kinds(%a: tensor<?x?xf16>, %b: tensor<?x?xbf16>, %c: tensor<?x?xf32>)
    -> (tensor<?x?xf16>, tensor<?x?xbf16>, tensor<?x?xf32>, tensor<?x?xf16>, tensor<?x?xf16>) {
  // On Hopper the wgmma default comes with row classes for decode shapes
  // (chosen at launch by M); other chips have none.
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [128, 256, 64], warps = 8, stages = 3, swizzle = 16, mma = wgmma, split_k = auto>(%{{.*}}) {row_classes = #tessera_schedule.row_classes<max_rows = [16, 64], configs = [<tile = [64, 256, 64], warps = 4, stages = 4, swizzle = 16, mma = wgmma, split_k = auto>, <tile = [64, 64, 64], warps = 4, stages = 6, swizzle = 16, mma = wgmma, split_k = auto>]>}
  // AMPERE: tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128, 64], warps = 4, stages = 3, mma = mma_sync>
  // AMPERE-NOT: row_classes
  // TURING: tessera_schedule.kernel #tessera_schedule.config<tile = [16, 16, 16], warps = 8, stages = 1>
  // AMD: tessera_schedule.kernel #tessera_schedule.config<tile = [16, 16, 16], warps = 8, stages = 1>
  %0 = tessera_graph.matmul %a, %a : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128, 64], warps = 4, stages = 3, mma = mma_sync>(%{{[^)]*}}) :
  // AMPERE: tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128, 64], warps = 4, stages = 3, mma = mma_sync>
  %1 = tessera_graph.matmul %b, %b transpose_lhs : tensor<?x?xbf16>, tensor<?x?xbf16> -> tensor<?x?xbf16>
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [16, 16, 16], warps = 8, stages = 1>
  %2 = tessera_graph.matmul %c, %c : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [16, 16, 16], warps = 8, stages = 1>
  %3 = tessera_graph.matmul %a, %a acc = f16 : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [128, 256, 64], warps = 8, stages = 3, swizzle = 16, mma = wgmma, split_k = auto>
  // AMPERE: tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128, 64], warps = 4, stages = 3, mma = mma_sync>
  %4 = tessera_graph.matmul %a, %a transpose_rhs : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  return %0, %1, %2, %3, %4 : tensor<?x?xf16>, tensor<?x?xbf16>, tensor<?x?xf32>, tensor<?x?xf16>, tensor<?x?xf16>
}

// Attention: FlashAttention-2 on tensor cores for f16/bf16 with static head
// dims that are multiples of 16: on sm_90 wgmma for head dims of 64 (64
// keys a step, 3 stages) and 128 (128 keys, 2 stages), mma.sync otherwise
// (and on sm_80); SIMT without.
// CHECK-LABEL: func.func @attention
// AMPERE-LABEL: func.func @attention
// AMD-LABEL: func.func @attention
func.func @attention(%q: tensor<?x?x64xf16>, %r: tensor<?x?x?xf16>, %w: tensor<?x?x256xbf16>, %n: tensor<?x?x48xf16>, %h: tensor<?x?x128xbf16>)
    -> (tensor<?x?x64xf16>, tensor<?x?x?xf16>, tensor<?x?x256xbf16>, tensor<?x?x48xf16>, tensor<?x?x128xbf16>) {
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [128, 64], warps = 8, stages = 3, mma = wgmma>
  // AMPERE: tessera_schedule.kernel #tessera_schedule.config<tile = [128, 64], warps = 8, stages = 2, mma = mma_sync>
  // AMD: tessera_schedule.kernel #tessera_schedule.config<tile = [64, 32], warps = 4, stages = 2>
  %0 = tessera_graph.attention %q, %q, %q : tensor<?x?x64xf16>, tensor<?x?x64xf16>, tensor<?x?x64xf16> -> tensor<?x?x64xf16>
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [64, 32], warps = 4, stages = 2>
  %1 = tessera_graph.attention %r, %r, %r : tensor<?x?x?xf16>, tensor<?x?x?xf16>, tensor<?x?x?xf16> -> tensor<?x?x?xf16>
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128], warps = 8, stages = 2, mma = wgmma, producer_warps = 4>
  %4 = tessera_graph.attention %h, %h, %h : tensor<?x?x128xbf16>, tensor<?x?x128xbf16>, tensor<?x?x128xbf16> -> tensor<?x?x128xbf16>
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128], warps = 8, stages = 2, mma = mma_sync>
  %2 = tessera_graph.attention %w, %w, %w : tensor<?x?x256xbf16>, tensor<?x?x256xbf16>, tensor<?x?x256xbf16> -> tensor<?x?x256xbf16>
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [128, 64], warps = 8, stages = 2, mma = mma_sync>
  %3 = tessera_graph.attention %n, %n, %n : tensor<?x?x48xf16>, tensor<?x?x48xf16>, tensor<?x?x48xf16> -> tensor<?x?x48xf16>
  return %0, %1, %2, %3, %4 : tensor<?x?x64xf16>, tensor<?x?x?xf16>, tensor<?x?x256xbf16>, tensor<?x?x48xf16>, tensor<?x?x128xbf16>
}

// Rows: 16-byte accesses on every chip; on chips with clusters (sm_90)
// rows past what a block keeps in registers may spread over a cluster
// (split_k = auto: the lowering picks the rows and cluster sizes).
// CHECK-LABEL: func.func @rows
// AMPERE-LABEL: func.func @rows
// AMD-LABEL: func.func @rows
func.func @rows(%x: tensor<?x?xf16>) -> (tensor<?x?xf16>, tensor<?x?xf16>, tensor<?x?xf16>) {
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [1, 2048], warps = 8, stages = 1, vector = 8, split_k = auto>
  // CHECK-NEXT: ^bb0
  // CHECK-NEXT: tessera_graph.softmax
  // AMPERE: tessera_schedule.kernel #tessera_schedule.config<tile = [1, 2048], warps = 8, stages = 1, vector = 8>(
  // AMD: tessera_schedule.kernel #tessera_schedule.config<tile = [1, 2048], warps = 8, stages = 1, vector = 8>(
  %0 = tessera_graph.softmax %x dim = 1 : tensor<?x?xf16>
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [1, 2048], warps = 8, stages = 1, vector = 8, split_k = auto>
  // CHECK-NEXT: ^bb0
  // CHECK-NEXT: tessera_graph.log_softmax
  // AMPERE: tessera_schedule.kernel #tessera_schedule.config<tile = [1, 2048], warps = 8, stages = 1, vector = 8>(
  %1 = tessera_graph.log_softmax %x dim = 1 : tensor<?x?xf16>
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [1, 2048], warps = 8, stages = 1, vector = 8, split_k = auto>
  // CHECK-NEXT: ^bb0
  // CHECK-NEXT: tessera_graph.rms_norm
  // AMPERE: tessera_schedule.kernel #tessera_schedule.config<tile = [1, 2048], warps = 8, stages = 1, vector = 8>(
  %2 = tessera_graph.rms_norm %x : tensor<?x?xf16>
  return %0, %1, %2 : tensor<?x?xf16>, tensor<?x?xf16>, tensor<?x?xf16>
}

// Defaults that fit the element size: SIMT attention single-buffered, then
// 32 query rows, where its buffers would pass the chip's shared memory
// (f32 head dims of 128 and f64 on AMD's 64 KB); column reductions of f64
// 32 rows a step.
// CHECK-LABEL: func.func @sizes
// AMPERE-LABEL: func.func @sizes
// AMD-LABEL: func.func @sizes
func.func @sizes(%q: tensor<?x?x128xf32>, %d: tensor<?x?x64xf64>, %x: tensor<?x?xf64>)
    -> (tensor<?x?x128xf32>, tensor<?x?x64xf64>, tensor<?xf64>) {
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [64, 32], warps = 4, stages = 2>
  // AMD: tessera_schedule.kernel #tessera_schedule.config<tile = [32, 32], warps = 4, stages = 1>
  %0 = tessera_graph.attention %q, %q, %q : tensor<?x?x128xf32>, tensor<?x?x128xf32>, tensor<?x?x128xf32> -> tensor<?x?x128xf32>
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [64, 32], warps = 4, stages = 2>
  // AMPERE: tessera_schedule.kernel #tessera_schedule.config<tile = [64, 32], warps = 4, stages = 2>
  // AMD: tessera_schedule.kernel #tessera_schedule.config<tile = [32, 32], warps = 4, stages = 1>
  %1 = tessera_graph.attention %d, %d, %d : tensor<?x?x64xf64>, tensor<?x?x64xf64>, tensor<?x?x64xf64> -> tensor<?x?x64xf64>
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [32, 256], warps = 8, stages = 1, split_k = auto>
  // AMD: tessera_schedule.kernel #tessera_schedule.config<tile = [32, 256], warps = 8, stages = 1, split_k = auto>
  %2 = tessera_graph.reduce sum %x dims = [0] : tensor<?x?xf64> -> tensor<?xf64>
  return %0, %1, %2 : tensor<?x?x128xf32>, tensor<?x?x64xf64>, tensor<?xf64>
}
