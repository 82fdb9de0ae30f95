// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s
// Attention.cpp: FlashAttention-2 on mma.sync and the SIMT kernel.

// Attention on tensor cores (FlashAttention-2): a grid of query blocks by
// batch entries; the query tile is loaded once, key/value blocks stream
// through a two-stage ring; scores and P @ V are mma.sync, the running max
// and sum are combined across each quad of lanes with xor shuffles.
// CHECK-LABEL: func.func @attention
// CHECK: tessera_target.launch @attention_k0_attention_mma grid(%{{.*}}) block = [256] shared = 104448
// CHECK-LABEL: tessera_target.kernel @attention_k0_attention_mma
// CHECK-COUNT-3: tessera_tile.alloc_shared
// CHECK: tessera_tile.copy_async
// CHECK: tessera_tile.async_wait 1
// CHECK: tessera_tile.load_matrix
// CHECK: scf.for
// CHECK: tessera_tile.async_wait 0
// CHECK-NEXT: tessera_tile.barrier
// CHECK: tessera_tile.mma
// Only key blocks at the end of the keys, or reaching past a warp's first
// row, are masked: a warp-uniform branch between the masked and the plain
// scores.
// CHECK: scf.if %{{.*}} -> (f32, f32,
// CHECK: arith.select
// CHECK: } else {
// CHECK-NOT: arith.select
// CHECK: scf.yield
// CHECK: gpu.shuffle  xor
// CHECK: math.exp
// CHECK: tessera_tile.load_matrix %{{.*}} transpose
// CHECK: tessera_tile.mma
// CHECK: scf.yield
// CHECK: tessera_tile.store
func.func @attention(%q: tensor<?x?x?x128xf16>) -> tensor<?x?x?x128xf16> {
  %o = tessera_graph.attention %q, %q, %q causal : tensor<?x?x?x128xf16>, tensor<?x?x?x128xf16>, tensor<?x?x?x128xf16> -> tensor<?x?x?x128xf16>
  return %o : tensor<?x?x?x128xf16>
}

// -----

// Without tensor cores (f32): the block's program on register tiles, one
// query row per thread (128 rows: the config's threads), the [128, 8] output
// accumulator's rows over lanes and warps and each row inside its thread.
// Per key: a dot product over the head dim (a column of Q loaded, K[j, e]
// gathered), scaled, -inf past the row when causal (at most row0 + 128
// keys), the online softmax on the rows' slices, and acc * alpha + p * V[j]
// (value row: the slice without dim 0) in a map; the output is acc / l,
// stored masked at Sq.
// CHECK: #[[BLOCKED:.*]] = #tessera_tile.blocked<warps = [4, 1], threads = [32, 1], per_thread = [1, 8]>
// CHECK: #[[ROWS:.*]] = #tessera_tile.slice<dim = 1, parent = #[[BLOCKED]]>
// CHECK: #[[VROW:.*]] = #tessera_tile.slice<dim = 0, parent = #[[BLOCKED]]>
// CHECK-LABEL: func.func @attention_simt
// CHECK: tessera_target.launch @attention_simt_k0_attention grid
// CHECK-LABEL: tessera_target.kernel @attention_simt_k0_attention
// CHECK-NOT: gpu.thread_id
// CHECK: %[[ROW0:.*]] = arith.muli %{{.*}}, %c128{{.*}} : index
// CHECK: %[[RANGE:.*]] = tessera_tile.range 0 to 128 : tensor<128xi32, #[[ROWS]]>
// CHECK: %[[IDX:.*]] = arith.index_cast %[[RANGE]]
// CHECK: %[[ROWS0:.*]] = tensor.splat %[[ROW0]] : tensor<128xindex, #[[ROWS]]>
// CHECK: %[[ROW:.*]] = arith.addi %[[IDX]], %[[ROWS0]] : tensor<128xindex, #[[ROWS]]>
// CHECK: %[[END:.*]] = arith.addi %[[ROW0]], %c128
// CHECK: %[[KEYS:.*]] = arith.minui %{{.*}}, %[[END]] : index
// CHECK: %[[NEGINF:.*]] = tensor.splat %cst : tensor<128xf32, #[[ROWS]]>
// CHECK: %[[ZERO:.*]] = tensor.splat %{{.*}} : tensor<128xf32, #[[ROWS]]>
// CHECK: %[[SCALE:.*]] = tensor.splat %{{.*}} : tensor<128xf32, #[[ROWS]]>
// CHECK: %[[ACC0:.*]] = arith.constant dense<0.000000e+00> : tensor<128x8xf32, #[[BLOCKED]]>
// CHECK: %[[LOOP:.*]]:3 = scf.for %[[J:.*]] = %{{.*}} to %[[KEYS]] step %{{.*}} iter_args(%[[M:.*]] = %[[NEGINF]], %[[L:.*]] = %[[ZERO]], %[[ACC:.*]] = %[[ACC0]])
// CHECK: %[[DOT:.*]] = scf.for {{.*}} iter_args(%[[S:.*]] = %[[ZERO]])
// CHECK: %[[Q:.*]] = tessera_tile.load_tile %{{.*}}[%[[ROW0]]] : memref<?xf32, strided<[?], offset: ?>> -> tensor<128xf32, #[[ROWS]]>
// CHECK: %[[K:.*]] = tessera_tile.gather
// CHECK: tessera_tile.map ins(%[[S]], %[[Q]], %[[K]]
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[SS:.*]] = arith.mulf %[[DOT]], %[[SCALE]]
// CHECK: %[[JS:.*]] = tensor.splat %[[J]]
// CHECK: %[[LATER:.*]] = arith.cmpi ugt, %[[JS]], %[[ROW]]
// CHECK: %[[SIJ:.*]] = arith.select %[[LATER]], %[[NEGINF]], %[[SS]]
// CHECK: %[[MNEW:.*]] = arith.maximumf %[[M]], %[[SIJ]]
// CHECK: %[[NONE:.*]] = arith.cmpf oeq, %[[MNEW]], %[[NEGINF]]
// CHECK: %[[MUSE:.*]] = arith.select %[[NONE]], %[[ZERO]], %[[MNEW]]
// CHECK: %[[D1:.*]] = arith.subf %[[M]], %[[MUSE]]
// CHECK: %[[ALPHA:.*]] = math.exp %[[D1]]
// CHECK: %[[D2:.*]] = arith.subf %[[SIJ]], %[[MUSE]]
// CHECK: %[[P:.*]] = math.exp %[[D2]]
// CHECK: %[[LA:.*]] = arith.mulf %[[L]], %[[ALPHA]]
// CHECK: %[[LNEW:.*]] = arith.addf %[[LA]], %[[P]]
// CHECK: %[[V:.*]] = tessera_tile.load_tile %{{.*}} -> tensor<8xf32, #[[VROW]]>
// CHECK: %[[ALPHAB:.*]] = tessera_tile.broadcast %[[ALPHA]] axis 1
// CHECK: %[[PB:.*]] = tessera_tile.broadcast %[[P]] axis 1
// CHECK: %[[VB:.*]] = tessera_tile.broadcast %[[V]] axis 0 : tensor<8xf32, #[[VROW]]> -> tensor<128x8xf32, #[[BLOCKED]]>
// CHECK: %[[NEXT:.*]] = tessera_tile.map ins(%[[ACC]], %[[ALPHAB]], %[[PB]], %[[VB]]
// CHECK: scf.yield %[[MNEW]], %[[LNEW]], %[[NEXT]]
// CHECK: %[[POS:.*]] = arith.cmpf ogt, %[[LOOP]]#1, %[[ZERO]]
// CHECK: %[[RCP:.*]] = arith.divf %{{.*}}, %[[LOOP]]#1
// CHECK: %[[INV:.*]] = arith.select %[[POS]], %[[RCP]], %[[ZERO]]
// CHECK: %[[INVB:.*]] = tessera_tile.broadcast %[[INV]] axis 1
// CHECK: %[[OUT:.*]] = tessera_tile.map ins(%[[LOOP]]#2, %[[INVB]]
// CHECK: %[[VIEW:.*]] = memref.reinterpret_cast %{{.*}} sizes: [%{{.*}}, %{{.*}}], strides: [8, 1]
// CHECK: tessera_tile.store_tile %[[OUT]], %[[VIEW]][%[[ROW0]], %{{.*}}] : tensor<128x8xf32, #[[BLOCKED]]>
// CHECK-NOT: tessera_tile.store
func.func @attention_simt(%q: tensor<?x?x8xf32>) -> tensor<?x?x8xf32> {
  %o = tessera_graph.attention %q, %q, %q causal : tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32> -> tensor<?x?x8xf32>
  return %o : tensor<?x?x8xf32>
}

// -----

// The SIMT kernel with an additive mask broadcast over the batch's first
// dim ([H, Sq, Sk] against [B, H, Sq, Sk] scores): a flat view of its
// H * Sq * Sk elements, the rows' part of the offsets (row * Sk) once, the
// batch entry's and key's part per key; the mask is gathered and added to
// the scaled scores. Not causal: all Sk keys, no -inf select.
// CHECK-LABEL: tessera_target.kernel @attention_simt_mask_k0_attention
// CHECK-SAME: %[[MASK:[^:]*]]: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %[[SQ:[^:]*]]: index, %[[SK:[^:]*]]: index, %[[D:[^:]*]]: index, %{{[^:]*}}: index, %[[H:[^:]*]]: index)
// CHECK-NOT: arith.minui
// CHECK: %[[ROW:.*]] = arith.addi %{{.*}}, %{{.*}} : tensor<128xindex, #[[ROWS:.*]]>
// CHECK: %[[HEAD:.*]] = arith.remui %{{.*}}, %[[H]] : index
// CHECK: %[[N1:.*]] = arith.muli %{{.*}}, %[[H]] : index
// CHECK: %[[N2:.*]] = arith.muli %[[N1]], %[[SQ]] : index
// CHECK: %[[COUNT:.*]] = arith.muli %[[N2]], %[[SK]] : index
// CHECK: %[[VIEW:.*]] = memref.reinterpret_cast %[[MASK]] to offset: [0], sizes: [%[[COUNT]]], strides: [1]
// CHECK: %[[SKS:.*]] = tensor.splat %[[SK]] : tensor<128xindex, #[[ROWS]]>
// CHECK: %[[ROFF:.*]] = arith.muli %[[ROW]], %[[SKS]] : tensor<128xindex, #[[ROWS]]>
// CHECK: scf.for %[[J:[^ ]*]] = %{{.*}} to %[[SK]]
// CHECK: scf.for
// CHECK: %[[S:.*]] = arith.mulf %{{.*}}, %{{.*}} : tensor<128xf32, #[[ROWS]]>
// CHECK: arith.muli %[[J]], %{{.*}} : index
// CHECK: %[[HSTRIDE:.*]] = arith.muli %{{.*}}, %[[SQ]] : index
// CHECK: %[[HOFF:.*]] = arith.muli %[[HEAD]], %[[HSTRIDE]] : index
// CHECK: %[[BASE:.*]] = arith.addi %{{.*}}, %[[HOFF]] : index
// CHECK: %[[BASES:.*]] = tensor.splat %[[BASE]] : tensor<128xindex, #[[ROWS]]>
// CHECK: %[[OFF:.*]] = arith.addi %[[BASES]], %[[ROFF]]
// CHECK: %[[M:.*]] = tessera_tile.gather %[[VIEW]][%[[OFF]]]
// CHECK: %[[SM:.*]] = tessera_tile.map ins(%[[S]], %[[M]]
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32):
// CHECK-NEXT: arith.addf %[[X]], %[[Y]] : f32
// CHECK-NOT: arith.cmpi ugt
// CHECK: arith.maximumf %{{.*}}, %[[SM]]
func.func @attention_simt_mask(%q: tensor<2x3x100x16xf32>, %k: tensor<2x3x70x16xf32>, %v: tensor<2x3x70x8xf32>, %m: tensor<3x100x70xf32>) -> tensor<2x3x100x8xf32> {
  %o = tessera_graph.attention %q, %k, %v mask(%m : tensor<3x100x70xf32>) scale = 0.5 : tensor<2x3x100x16xf32>, tensor<2x3x70x16xf32>, tensor<2x3x70x8xf32> -> tensor<2x3x100x8xf32>
  return %o : tensor<2x3x100x8xf32>
}
