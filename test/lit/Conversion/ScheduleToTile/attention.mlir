// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s
// Attention.cpp: FlashAttention-2 on mma.sync and the SIMT kernel.

// Attention on tensor cores (FlashAttention-2): a grid of query blocks by
// batch entries; the query tile is loaded once, key/value blocks stream
// through a two-stage ring; scores and P @ V are mma.sync, the running max
// and sum are combined across each quad of lanes with xor shuffles.
// CHECK-LABEL: func.func @attention
// CHECK: tessera_target.launch @attention_k0_attention_mma grid(%{{.*}}) block = [256] args(
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

// Without tensor cores (f32): a block program over 128 query rows, one per
// thread: the row values (running max, sum, scores) are [128] slice tiles
// and the output rows a [128, 8] tile whose rows lie in one thread each.
// Per key (at most up to the block's last row when causal): the scores
// from a column of Q per head-dim step (a tile) times the key's element (a
// scalar), scaled, the causal mask against each row's number, the online
// softmax, and the value row (a tile every thread holds whole) accumulated
// with the probabilities; the output stored masked past the last row.
// CHECK-DAG: #[[BLOCKED:.*]] = #tessera_tile.blocked<warps = [4, 1], threads = [32, 1], per_thread = [1, 8]>
// CHECK-DAG: #[[ROWS:.*]] = #tessera_tile.slice<dim = 1, parent = #[[BLOCKED]]>
// CHECK-DAG: #[[COLS:.*]] = #tessera_tile.slice<dim = 0, parent = #[[BLOCKED]]>
// CHECK-LABEL: func.func @attention_simt
// CHECK: tessera_target.launch @attention_simt_k0_attention grid
// CHECK-LABEL: tessera_target.kernel @attention_simt_k0_attention
// CHECK-SAME: %[[Q:[^:]*]]: memref<?xf32>, %[[K:[^:]*]]: memref<?xf32>, %[[V:[^:]*]]: memref<?xf32>, %[[O:[^:]*]]: memref<?xf32>, %[[SQ:[^:]*]]: index, %[[SK:[^:]*]]: index, %[[D:[^:]*]]: index)
// CHECK-SAME: #tessera_schedule.config<tile = [128], warps = 4, stages = 1>
// CHECK: %[[ROW0:.*]] = arith.muli %{{.*}}, %c128
// CHECK: %[[RANGE:.*]] = tessera_tile.range 0 to 128 : tensor<128xi32, #[[ROWS]]>
// CHECK: %[[ROWIDS:.*]] = arith.addi
// CHECK: %[[END:.*]] = arith.addi %[[ROW0]], %c128
// CHECK: %[[KEYS:.*]] = arith.minui %[[SK]], %[[END]]
// CHECK: %[[OUT:.*]]:3 = scf.for %[[J:.*]] = %{{.*}} to %[[KEYS]] step %{{.*}} iter_args(%[[M:.*]] = %{{.*}}, %[[L:.*]] = %{{.*}}, %[[ACC:.*]] = %{{.*}}) -> (tensor<128xf32, #[[ROWS]]>, tensor<128xf32, #[[ROWS]]>, tensor<128x8xf32, #[[BLOCKED]]>)
// CHECK:   %[[S:.*]] = scf.for %{{.*}} = %{{.*}} to %[[D]]
// CHECK:     %[[QCOL:.*]] = tessera_tile.load_tile %{{.*}}[%[[ROW0]]] : memref<?xf32, strided<[?], offset: ?>> -> tensor<128xf32, #[[ROWS]]>
// CHECK:     %[[KE:.*]] = memref.load %[[K]]
// CHECK:     tessera_tile.map ins(%{{.*}}, %[[QCOL]]
// CHECK:       arith.mulf %{{.*}}, %[[KE]]
// CHECK:   tessera_tile.map ins(%[[S]], %[[ROWIDS]] :
// CHECK:     arith.cmpi ugt, %[[J]]
// CHECK:   math.exp
// CHECK:   %[[VROW:.*]] = tessera_tile.load_tile %{{.*}}[%{{.*}}] in_bounds : memref<?xf32, strided<[1], offset: ?>> -> tensor<8xf32, #[[COLS]]>
// CHECK:   tessera_tile.broadcast %[[VROW]] axis 0 : tensor<8xf32, #[[COLS]]> -> tensor<128x8xf32, #[[BLOCKED]]>
// CHECK: tessera_tile.store_tile %{{.*}}, %{{.*}}[%[[ROW0]], %{{.*}}] : tensor<128x8xf32, #[[BLOCKED]]>
func.func @attention_simt(%q: tensor<?x?x8xf32>) -> tensor<?x?x8xf32> {
  %o = tessera_graph.attention %q, %q, %q causal : tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32> -> tensor<?x?x8xf32>
  return %o : tensor<?x?x8xf32>
}
