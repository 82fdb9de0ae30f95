// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_90}),convert-tessera-schedule-to-tile)' | FileCheck %s
// Transpose.cpp: kernels made of one transpose, a 2-d box of the output
// per block.

// The last dim moves (a 2-d transpose): the box is loaded along the
// input's rows ([c0, r0] of the input), stored into a padded shared
// buffer, read back through its transposed view and stored along the
// output's rows ([r0, c0]). The default schedule: 64x64 boxes (tile =
// 4096), 4-byte accesses (one f32 a thread, 32 lanes along a row).
// CHECK-DAG: #[[BOX:.*]] = #tessera_tile.blocked<warps = [4, 1], threads = [1, 32], per_thread = [1, 1]>
// CHECK-DAG: #[[PAD:.*]] = #tessera_tile.smem_layout<pad = 1>
// CHECK-LABEL: func.func @transpose(
// CHECK: tessera_target.launch @transpose_k0_transpose
// CHECK-LABEL: tessera_target.kernel @transpose_k0_transpose(
// CHECK: %[[OUT:.*]] = memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [%{{.*}}, %{{.*}}], strides: [%{{.*}}, 1]
// CHECK: %[[IN:.*]] = memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [%{{.*}}, %{{.*}}], strides: [%{{.*}}, 1]
// CHECK: %[[READ:.*]] = tessera_tile.load_tile %[[IN]][%[[C0:.*]], %[[R0:.*]]] : {{.*}} -> tensor<64x64xf32, #[[BOX]]>
// CHECK: %[[S:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf32, #[[PAD]]>
// CHECK: tessera_tile.local_store %[[READ]], %[[S]]
// CHECK: %[[T:.*]] = tessera_tile.trans %[[S]]
// CHECK: %[[BACK:.*]] = tessera_tile.local_load %[[T]]
// CHECK: tessera_tile.store_tile %[[BACK]], %[[OUT]][%[[R0]], %[[C0]]]
func.func @transpose(%a: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %t = tessera_graph.transpose %a permutation = [1, 0] : tensor<?x?xf32> -> tensor<?x?xf32>
  return %t : tensor<?x?xf32>
}

// -----

// The last dim stays ([B, S, H, D] -> [B, H, S, D]): boxes of 64 rows of
// 64 (16-byte vectors), batch dims B and H from the block id; the input
// box is strided by H * D, the output's by D, each batch entry from its
// own offset. No shared memory.
// CHECK-LABEL: tessera_target.kernel @permute_k0_transpose(
// CHECK-NOT: local_alloc
// CHECK: %[[OUT:.*]] = memref.reinterpret_cast %{{.*}} to offset: [%{{.*}}], sizes: [%{{.*}}, %c64{{.*}}], strides: [%{{.*}}, 1]
// CHECK: %[[IN:.*]] = memref.reinterpret_cast %{{.*}} to offset: [%{{.*}}], sizes: [%{{.*}}, %c64{{.*}}], strides: [%{{.*}}, 1]
// CHECK: %[[BOX:.*]] = tessera_tile.load_tile %[[IN]][%[[R:.*]], %[[C:.*]]] : {{.*}} -> tensor<64x64xf16, #{{.*}}>
// CHECK: tessera_tile.store_tile %[[BOX]], %[[OUT]][%[[R]], %[[C]]]
func.func @permute(%x: tensor<?x?x?x64xf16>) -> tensor<?x?x?x64xf16> {
  %t = tessera_graph.transpose %x permutation = [0, 2, 1, 3] : tensor<?x?x?x64xf16> -> tensor<?x?x?x64xf16>
  return %t : tensor<?x?x?x64xf16>
}

// -----

// A schedule whose box cannot give every thread whole vectors is refused.
func.func @small(%a: tensor<?x?xf32>) -> tensor<?x?xf32> {
  // expected-error @+1 {{'tessera_schedule.kernel' op has a transpose schedule (#tessera_schedule.config<tile = [64], warps = 4, stages = 1>) whose box of 8x8 elements does not give each of its 128 threads whole vectors of 1: use a larger tile or fewer warps}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [64], warps = 4, stages = 1>(%a) : (tensor<?x?xf32>) -> tensor<?x?xf32> {
  ^bb0(%x: tensor<?x?xf32>):
    %t = tessera_graph.transpose %x permutation = [1, 0] : tensor<?x?xf32> -> tensor<?x?xf32>
    tessera_schedule.yield %t : tensor<?x?xf32>
  }
  return %r : tensor<?x?xf32>
}
