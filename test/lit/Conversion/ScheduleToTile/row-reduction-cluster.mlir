// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_90}),convert-tessera-schedule-to-tile)' | FileCheck %s
// RowReduction.cpp on a chip with clusters (sm_90: split_k = auto on the
// norm rows by default, on softmax rows when asked). Norm rows past the 4
// chunks a block keeps in registers (8192 columns) that a cluster holds (8
// x 16 chunks of 2048 f16 columns: 262144) spread over a cluster of 2, 4
// or 8 blocks, softmax rows past 131072 columns over 8: each block keeps
// its part of whole chunks in a shared buffer, its statistics combined with
// the other blocks' by tessera_tile.cluster_reduce; its registers capped
// (tessera.max_registers) so that three blocks share a multiprocessor. The host gates the
// unsplit and split grids by the column count (and, as before, the kernels
// of 16-byte vectors and of single elements by the row's alignment).

module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: func.func @softmax
// Softmax splits over the largest cluster only: the gate is 1 where the
// columns pass 131072 (what 4 blocks' buffers hold) and not 262144.
// CHECK: %[[C8192:.*]] = arith.minui %[[N:.*]], %c131072
// CHECK: %[[OVER:.*]] = arith.subi %[[N]], %[[C8192]]
// CHECK: %[[PAST:.*]] = arith.minui %[[OVER]], %c1
// CHECK: arith.minui %[[N]], %c262144
// CHECK: %[[BEYOND:.*]] = arith.minui
// CHECK: %[[IN:.*]] = arith.subi %c1{{.*}}, %[[BEYOND]]
// CHECK: %[[SPLIT:.*]] = arith.muli %[[PAST]], %[[IN]]
// CHECK: %[[UNSPLIT:.*]] = arith.subi %c1{{.*}}, %[[SPLIT]]
// CHECK: %[[G0:.*]] = arith.muli %{{.*}}, %[[UNSPLIT]]
// CHECK: tessera_target.launch @softmax_k0_row grid(%[[G0]]) block = [256]
// CHECK: %[[G:.*]] = arith.muli %{{.*}}, %[[SPLIT]]
// CHECK: %[[G8:.*]] = arith.muli %[[G]], %c8
// CHECK: tessera_target.launch @softmax_k1_row grid(%[[G8]]) block = [256]
// Ragged rows (the kernel of single elements) are not split: a part's
// last 16-byte chunk would reach past the tensor's end.
// CHECK: tessera_target.launch @softmax_k2_row
// CHECK-NOT: tessera_target.launch
// CHECK-LABEL: tessera_target.kernel @softmax_k0_row(
// CHECK-NOT: tessera.cluster
// CHECK-NOT: cluster_reduce
// CHECK-LABEL: tessera_target.kernel @softmax_k1_row(
// CHECK-SAME: tessera.cluster = 8 : i64, tessera.max_registers = 80 : i64
// The block's row and part: id / 8, and (id % 8) * span columns on, span
// the row's chunks spread over the 8 blocks.
// CHECK: %[[ID:.*]] = tessera_tile.program_id 0
// CHECK: %[[ROW:.*]] = arith.divui %[[ID]], %c8
// CHECK: %[[RANK:.*]] = arith.remui %[[ID]], %c8
// CHECK: %[[START:.*]] = arith.muli %[[RANK]], %{{.*}}
// The part copied into 16 slots of a 64 KB shared buffer at once (16-byte
// chunks: the rows are whole vectors), awaited, then read in each phase;
// the maximum over the block, then over the cluster.
// CHECK: %[[BUF:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<16x1x2048xf16>
// CHECK-COUNT-16: tessera_tile.box_copy {{.*}} aligned
// CHECK: tessera_tile.wait
// CHECK-COUNT-16: tessera_tile.local_load
// CHECK: %[[BM:.*]] = tessera_tile.reduce max
// CHECK: tessera_tile.cluster_reduce max %[[BM]]
// CHECK: %[[BS:.*]] = tessera_tile.reduce add
// CHECK: tessera_tile.cluster_reduce add %[[BS]]
// CHECK-COUNT-16: tessera_tile.store_tile
func.func @softmax(%x: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1, 2048], warps = 8, stages = 1, vector = 8, split_k = auto>(%x) : (tensor<?x?xf16>) -> tensor<?x?xf16> {
  ^bb0(%a: tensor<?x?xf16>):
    %y = tessera_graph.softmax %a dim = 1 : tensor<?x?xf16>
    tessera_schedule.yield %y : tensor<?x?xf16>
  }
  return %r : tensor<?x?xf16>
}
}

// -----

// An explicit split_k: clusters of that many blocks (here 2: rows up to
// 2 x 16 chunks of 2048 columns).
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: func.func @rms_norm
// CHECK: tessera_target.launch @rms_norm_k1_row
// CHECK-LABEL: tessera_target.kernel @rms_norm_k1_row(
// CHECK-SAME: tessera.cluster = 2
// CHECK: arith.divui %{{.*}}, %c2
// CHECK: tessera_tile.cluster_reduce add
func.func @rms_norm(%x: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1, 2048], warps = 8, stages = 1, vector = 8, split_k = 2>(%x) : (tensor<?x?xf16>) -> tensor<?x?xf16> {
  ^bb0(%a: tensor<?x?xf16>):
    %y = tessera_graph.rms_norm %a : tensor<?x?xf16>
    tessera_schedule.yield %y : tensor<?x?xf16>
  }
  return %r : tensor<?x?xf16>
}
}

// -----

// Reductions over the row are not split (their rows run at the copy
// bandwidth unsplit).
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
func.func @sum(%x: tensor<?x?xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{sets split_k = 2 on a row kernel, which softmax, log_softmax, layer_norm and rms_norm rows have, not reductions}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1, 2048], warps = 8, stages = 1, split_k = 2>(%x) : (tensor<?x?xf32>) -> tensor<?xf32> {
  ^bb0(%a: tensor<?x?xf32>):
    %y = tessera_graph.reduce sum %a dims = [1] : tensor<?x?xf32> -> tensor<?xf32>
    tessera_schedule.yield %y : tensor<?xf32>
  }
  return %r : tensor<?xf32>
}
}

// -----

module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
func.func @past_cluster(%x: tensor<?x?xf16>) -> tensor<?x?xf16> {
  // expected-error @+1 {{sets split_k = 16 on a row kernel, which spreads each row over a cluster of that many blocks; the chip's clusters hold at most 8}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1, 2048], warps = 8, stages = 1, vector = 8, split_k = 16>(%x) : (tensor<?x?xf16>) -> tensor<?x?xf16> {
  ^bb0(%a: tensor<?x?xf16>):
    %y = tessera_graph.softmax %a dim = 1 : tensor<?x?xf16>
    tessera_schedule.yield %y : tensor<?x?xf16>
  }
  return %r : tensor<?x?xf16>
}
}

// -----

// Norm rows: clusters of 2 (rows of 8193 to 65536 f16 columns), 4 (to
// 131072) and 8 (to 262144), each block's part at least half its buffer;
// then the kernel of single elements, unsplit.
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: func.func @layer_norm
// CHECK: arith.minui %{{.*}}, %c8192
// CHECK: arith.minui %{{.*}}, %c65536
// CHECK: arith.minui %{{.*}}, %c131072
// CHECK: arith.minui %{{.*}}, %c262144
// CHECK-COUNT-5: tessera_target.launch @layer_norm_k{{[0-9]}}_row
// CHECK-LABEL: tessera_target.kernel @layer_norm_k0_row(
// CHECK-NOT: tessera.cluster
// CHECK-LABEL: tessera_target.kernel @layer_norm_k1_row(
// CHECK-SAME: tessera.cluster = 2
// CHECK-LABEL: tessera_target.kernel @layer_norm_k2_row(
// CHECK-SAME: tessera.cluster = 4
// CHECK-LABEL: tessera_target.kernel @layer_norm_k3_row(
// CHECK-SAME: tessera.cluster = 8
func.func @layer_norm(%x: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %y = tessera_graph.layer_norm %x : tensor<?x?xf16>
  return %y : tensor<?x?xf16>
}
}

// -----

// A chip without clusters (sm_80) has no split rows (tessera-schedule-check
// refuses it first; the lowering does too).
module attributes {tessera_target.chip = #tessera_target.chip<"sm_80">} {
func.func @no_clusters(%x: tensor<?x?xf16>) -> tensor<?x?xf16> {
  // expected-error @+1 {{sets split_k = 2 on a row kernel, which spreads each row over a cluster of that many blocks; the chip has no clusters}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1, 2048], warps = 8, stages = 1, vector = 8, split_k = 2>(%x) : (tensor<?x?xf16>) -> tensor<?x?xf16> {
  ^bb0(%a: tensor<?x?xf16>):
    %y = tessera_graph.softmax %a dim = 1 : tensor<?x?xf16>
    tessera_schedule.yield %y : tensor<?x?xf16>
  }
  return %r : tensor<?x?xf16>
}
}
