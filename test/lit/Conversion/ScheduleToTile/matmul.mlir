// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s
// Matmul.cpp and MatmulMma.cpp: SIMT and mma.sync matmul kernels.

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
