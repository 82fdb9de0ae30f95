// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_90}),convert-tessera-schedule-to-tile)' | FileCheck %s
// Transpose.cpp: kernels made of one transpose, a 2-d box of the output
// per block, and kernels made of one concat, a copy kernel per piece.

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

// f16, the last dim moving: 4-byte accesses (2 halves a thread) where the
// input's and the output's rows are whole pairs, else the same box of
// single elements; the host gates the two grids by the sizes' parity
// (1 - min(size - size / 2 * 2, 1) for both, a product).
// CHECK-DAG: #[[PAIRS:.*]] = #tessera_tile.blocked<warps = [4, 1], threads = [1, 32], per_thread = [1, 2]>
// CHECK-DAG: #[[ONES:.*]] = #tessera_tile.blocked<warps = [4, 1], threads = [1, 32], per_thread = [1, 1]>
// CHECK-LABEL: func.func @transpose_f16(
// CHECK: %[[ROWS:.*]] = memref.dim %{{.*}}, %c0
// CHECK: %[[COLS:.*]] = memref.dim %{{.*}}, %c1
// CHECK: %[[HALF:.*]] = arith.divui %[[COLS]], %c2
// CHECK: %[[EVEN:.*]] = arith.muli %[[HALF]], %c2
// CHECK: %[[ODD:.*]] = arith.subi %[[COLS]], %[[EVEN]]
// CHECK: %[[ODD1:.*]] = arith.minui %[[ODD]],
// CHECK: %[[COLSOK:.*]] = arith.subi %{{.*}}, %[[ODD1]]
// CHECK: arith.divui %[[ROWS]], %c2
// CHECK: arith.minui
// CHECK: %[[ROWSOK:.*]] = arith.subi
// CHECK: %[[GATE:.*]] = arith.muli %[[COLSOK]], %[[ROWSOK]]
// CHECK: %[[VGRID:.*]] = arith.muli %{{.*}}, %[[GATE]]
// CHECK: tessera_target.launch @transpose_f16_k0_transpose grid(%[[VGRID]])
// CHECK: %[[NOT:.*]] = arith.subi %{{.*}}, %[[GATE]]
// CHECK: %[[SGRID:.*]] = arith.muli %{{.*}}, %[[NOT]]
// CHECK: tessera_target.launch @transpose_f16_k1_transpose grid(%[[SGRID]])
// CHECK-LABEL: tessera_target.kernel @transpose_f16_k0_transpose(
// CHECK-SAME: vector = 2
// CHECK: tessera_tile.load_tile {{.*}} -> tensor<64x64xf16, #[[PAIRS]]>
// CHECK-LABEL: tessera_target.kernel @transpose_f16_k1_transpose(
// CHECK-NOT: vector =
// CHECK: tessera_tile.load_tile {{.*}} -> tensor<64x64xf16, #[[ONES]]>
// CHECK: tessera_tile.store_tile
func.func @transpose_f16(%a: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %t = tessera_graph.transpose %a permutation = [1, 0] : tensor<?x?xf16> -> tensor<?x?xf16>
  return %t : tensor<?x?xf16>
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

// -----

// A concat of arguments: a copy kernel per piece, the pieces and the
// output as matrices of [dims before `dim`] rows. The launch requires the
// pieces to agree off `dim`; each kernel copies its piece in 64x64 boxes
// (16-byte vectors: 8 lanes along a row) into the output's columns from
// the pieces' before it (the view's offset, a launch argument: 0, then the
// first piece's columns).
// CHECK-DAG: #[[ROWS:.*]] = #tessera_tile.blocked<warps = [4, 1], threads = [4, 8], per_thread = [1, 8]>
// CHECK-DAG: #[[SINGLE:.*]] = #tessera_tile.blocked<warps = [4, 1], threads = [1, 32], per_thread = [1, 1]>
// CHECK-LABEL: func.func @concat(
// CHECK: tessera_target.require_equal %{{.*}}, %{{.*}}, "concatenated tensors agree off the concatenation dimension (dimension 0)"
// CHECK: %[[OUT:.*]] = tessera_target.allocate
// CHECK: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK: %[[FIRST:.*]] = arith.muli
// CHECK: tessera_target.launch @concat_k0_concat grid(%{{.*}}) block = [128] args(%{{.*}}, %[[OUT]], %{{.*}}, %[[FIRST]], %{{.*}}, %[[ZERO]] :
// CHECK: %[[START:.*]] = arith.addi %[[ZERO]], %[[FIRST]]
// CHECK: tessera_target.launch @concat_k1_concat grid(%{{.*}}) block = [128] args(%{{.*}}, %[[OUT]], %{{.*}}, %{{.*}}, %{{.*}}, %[[START]] :
// CHECK-LABEL: tessera_target.kernel @concat_k0_concat(
// CHECK-SAME: %[[ROWSP:[^:]*]]: index, %[[COLS:[^:]*]]: index, %[[OUTCOLS:[^:]*]]: index, %[[AT:[^:]*]]: index)
// CHECK: %[[IN:.*]] = memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [%[[ROWSP]], %[[COLS]]], strides: [%[[COLS]], 1]
// CHECK: %[[TO:.*]] = memref.reinterpret_cast %{{.*}} to offset: [%[[AT]]], sizes: [%[[ROWSP]], %[[COLS]]], strides: [%[[OUTCOLS]], 1]
// Whole vectors where the piece's columns, the output's and the piece's
// first column are multiples of 8; else the same box as single elements.
// CHECK: %[[V1:.*]] = arith.remui %[[COLS]], %c8
// CHECK: %[[V2:.*]] = arith.remui %[[OUTCOLS]], %c8
// CHECK: %[[V3:.*]] = arith.remui %[[AT]], %c8
// CHECK: scf.if
// CHECK: %[[BOX:.*]] = tessera_tile.load_tile %[[IN]][%[[R:.*]], %[[C:.*]]] : {{.*}} -> tensor<64x64xf16, #[[ROWS]]>
// CHECK: tessera_tile.store_tile %[[BOX]], %[[TO]][%[[R]], %[[C]]]
// CHECK: } else {
// CHECK: %[[ONE:.*]] = tessera_tile.load_tile %[[IN]][%[[R]], %[[C]]] : {{.*}} -> tensor<64x64xf16, #[[SINGLE]]>
// CHECK: tessera_tile.store_tile %[[ONE]], %[[TO]][%[[R]], %[[C]]]
// CHECK-LABEL: tessera_target.kernel @concat_k1_concat(
func.func @concat(%a: tensor<?x?xf16>, %b: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %c = tessera_graph.concat %a, %b dim = 1 : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  return %c : tensor<?x?xf16>
}

// -----

// Along the first dim the rows are one: a box of one row of 4096 elements,
// the warps along it.
// CHECK-DAG: #[[ROW:.*]] = #tessera_tile.blocked<warps = [1, 4], threads = [1, 32], per_thread = [1, 8]>
// CHECK-LABEL: tessera_target.kernel @stack_k0_concat(
// CHECK: tessera_tile.load_tile %{{.*}} -> tensor<1x4096xf16, #[[ROW]]>
// CHECK-LABEL: tessera_target.kernel @stack_k1_concat(
func.func @stack(%a: tensor<?x8xf16>, %b: tensor<5x8xf16>) -> tensor<?x8xf16> {
  %c = tessera_graph.concat %a, %b dim = 0 : tensor<?x8xf16>, tensor<5x8xf16> -> tensor<?x8xf16>
  return %c : tensor<?x8xf16>
}

// -----

// A concat schedule whose row cannot give every thread whole vectors is
// refused.
func.func @narrow(%a: tensor<?xf16>, %b: tensor<?xf16>) -> tensor<?xf16> {
  // expected-error @+1 {{'tessera_schedule.kernel' op has a concat schedule (#tessera_schedule.config<tile = [256], warps = 4, stages = 1, vector = 8>) whose box of 1x256 elements does not give each of its 128 threads whole vectors of 8: use a larger tile or fewer warps}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [256], warps = 4, stages = 1, vector = 8>(%a, %b) : (tensor<?xf16>, tensor<?xf16>) -> tensor<?xf16> {
  ^bb0(%x: tensor<?xf16>, %y: tensor<?xf16>):
    %c = tessera_graph.concat %x, %y dim = 0 : tensor<?xf16>, tensor<?xf16> -> tensor<?xf16>
    tessera_schedule.yield %c : tensor<?xf16>
  }
  return %r : tensor<?xf16>
}
