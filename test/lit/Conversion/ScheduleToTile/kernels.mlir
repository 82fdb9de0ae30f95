// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s

// An elementwise kernel: the host function allocates the result and
// launches ceil(numel / tile) blocks; each thread handles tile / threads
// elements with masked loads and stores, the broadcast operand read at its
// broadcast position.
// CHECK-LABEL: func.func @add(
// CHECK-SAME: %[[A:.*]]: memref<?x?xf32>, %[[B:.*]]: memref<?xf32>) -> memref<?x?xf32> attributes {tessera.host}
// CHECK-DAG: %[[D0:.*]] = memref.dim %[[A]], %c0
// CHECK-DAG: %[[D1:.*]] = memref.dim %[[A]], %c1
// CHECK-DAG: %[[E0:.*]] = memref.dim %[[B]], %c0
// The broadcast operand's ? dim must equal the result's at launch.
// CHECK: tessera_target.require_equal %[[D1]], %[[E0]], "operands broadcast together (dimension 1)"
// CHECK: %[[OUT:.*]] = tessera_target.allocate(%[[D0]], %[[D1]]) : memref<?x?xf32>
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui %{{.*}}, %c1024
// CHECK: tessera_target.launch @add_k0_elementwise grid(%[[BLOCKS]]) block = [128] args(%[[A]], %[[B]], %[[OUT]], %[[D0]], %[[D1]] : memref<?x?xf32>, memref<?xf32>, memref<?x?xf32>, index, index)
// CHECK: return %[[OUT]]
// CHECK-LABEL: tessera_target.kernel @add_k0_elementwise(
// CHECK-SAME: %[[X:.*]]: memref<?xf32>, %[[Y:.*]]: memref<?xf32>, %[[O:.*]]: memref<?xf32>, %{{.*}}: index, %{{.*}}: index)
// CHECK-SAME: tessera.schedule = #tessera_schedule.config<tile = [1024], warps = 4, stages = 1>
// CHECK: gpu.thread_id x
// CHECK: tessera_tile.program_id 0
// CHECK: scf.for
// CHECK:   %[[MASK:.*]] = arith.cmpi ult
// CHECK:   tessera_tile.load %[[X]][%{{.*}}] mask %[[MASK]]
// CHECK:   arith.remui
// CHECK:   tessera_tile.load %[[Y]][%{{.*}}] mask %[[MASK]]
// CHECK:   arith.addf
// CHECK:   tessera_tile.store %{{.*}}, %[[O]][%{{.*}}] mask %[[MASK]]
func.func @add(%a: tensor<?x?xf32>, %b: tensor<?xf32>) -> tensor<?x?xf32> {
  %c = tessera_graph.add %a, %b : tensor<?x?xf32>, tensor<?xf32> -> tensor<?x?xf32>
  return %c : tensor<?x?xf32>
}

// -----

// A row kernel: one block per row, block-wide reductions.
// CHECK-LABEL: func.func @softmax
// CHECK: tessera_target.launch @softmax_k0_row grid(%{{.*}}) block = [256]
// CHECK-LABEL: tessera_target.kernel @softmax_k0_row
// CHECK: gpu.all_reduce maximumf
// CHECK: math.exp
// CHECK: gpu.all_reduce add
// CHECK: tessera_tile.store
func.func @softmax(%a: tensor<8x?xf16>) -> tensor<8x?xf16> {
  %s = tessera_graph.softmax %a dim = 1 : tensor<8x?xf16>
  return %s : tensor<8x?xf16>
}

// -----

// Two kernels: the intermediate is a temporary.
// CHECK-LABEL: func.func @chain
// CHECK: %[[T:.*]] = tessera_target.allocate
// CHECK: tessera_target.launch @chain_k0_column {{.*}} args(%{{.*}}, %[[T]],
// CHECK: %[[R:.*]] = tessera_target.allocate
// CHECK: tessera_target.launch @chain_k1_row {{.*}} args(%[[T]], %[[R]],
// CHECK: return %[[R]]
func.func @chain(%a: tensor<?x?x?xf32>) -> tensor<?xf32> {
  %m = tessera_graph.reduce max %a dims = [0] : tensor<?x?x?xf32> -> tensor<?x?xf32>
  %s = tessera_graph.reduce sum %m dims = [1] : tensor<?x?xf32> -> tensor<?xf32>
  return %s : tensor<?xf32>
}

// -----

// A matmul with its epilogue: one thread per output element, the epilogue
// applied before the only store.
// CHECK-LABEL: tessera_target.kernel @mm_k0_matmul
// CHECK: scf.for {{.*}} iter_args
// CHECK:   arith.mulf
// CHECK:   arith.addf
// CHECK: tessera_tile.load
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: tessera_tile.store
func.func @mm(%a: tensor<?x?xf32>, %w: tensor<?x?xf32>, %b: tensor<?xf32>) -> tensor<?x?xf32> {
  %m = tessera_graph.matmul %a, %w : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
  %s = tessera_graph.add %m, %b : tensor<?x?xf32>, tensor<?xf32> -> tensor<?x?xf32>
  %r = tessera_graph.relu %s : tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

// -----

// A tensor-core matmul (f16, f32 accumulation): shared rings for both
// operands (stages x rows x padded row), a cp.async prologue of
// stages - 1 k-slices, then per k-slice: wait, barrier, the next copies,
// ldmatrix and mma.sync. The pipeline is built twice: when both operands'
// rows are 16-byte multiples every copy is cp.async, otherwise a copy whose
// rows are not is done element by element (the inner else branch). The
// epilogue stores each accumulator element under its mask.
// CHECK-LABEL: func.func @mma
// CHECK: tessera_target.launch @mma_k0_matmul_mma grid(%{{.*}}) block = [128] shared = 107520
// CHECK-LABEL: tessera_target.kernel @mma_k0_matmul_mma
// CHECK: tessera_tile.alloc_shared : memref<27648xf16, #gpu.address_space<workgroup>>
// CHECK: tessera_tile.alloc_shared : memref<26112xf16, #gpu.address_space<workgroup>>
// Rows are 16-byte aligned if their length is a multiple of 8 elements and
// the buffer's pointer is 16-byte aligned (not a view at an odd offset).
// CHECK: memref.extract_aligned_pointer_as_index
// CHECK: scf.if %{{.*}} -> (vector<2x2xf32>
// CHECK: tessera_tile.copy_async %{{.*}}, 8 valid %{{.*}} : memref<?xf16> to memref<27648xf16, #gpu.address_space<workgroup>>
// CHECK: tessera_tile.async_commit
// CHECK: scf.for
// CHECK: tessera_tile.async_wait 1
// CHECK-NEXT: tessera_tile.barrier
// CHECK: tessera_tile.load_matrix %{{.*}} : memref<27648xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK: tessera_tile.load_matrix %{{.*}} transpose : memref<26112xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK: vector.shuffle
// CHECK-COUNT-128: tessera_tile.mma
// CHECK: scf.yield
// CHECK: tessera_tile.async_wait 0
// CHECK: } else {
// CHECK: tessera_tile.copy_async
// CHECK: } else {
// CHECK: tessera_tile.load
// CHECK: vector.extract
// CHECK: tessera_tile.store %{{.*}} mask
func.func @mma(%a: tensor<?x?xf16>, %w: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %m = tessera_graph.matmul %a, %w : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  return %m : tensor<?x?xf16>
}

// -----

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

// Without tensor cores (f32): one thread per query row, its output row in
// registers, an online softmax over the keys (at most row + 1 of them when
// causal).
// CHECK-LABEL: func.func @attention_simt
// CHECK: tessera_target.launch @attention_simt_k0_attention grid
// CHECK-LABEL: tessera_target.kernel @attention_simt_k0_attention
// CHECK: arith.minui
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}})
// CHECK: scf.for
// CHECK: math.exp
// CHECK-COUNT-8: tessera_tile.store %{{.*}} mask
func.func @attention_simt(%q: tensor<?x?x8xf32>) -> tensor<?x?x8xf32> {
  %o = tessera_graph.attention %q, %q, %q causal : tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32> -> tensor<?x?x8xf32>
  return %o : tensor<?x?x8xf32>
}
