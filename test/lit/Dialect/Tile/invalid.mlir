// RUN: tessera-opt %s -split-input-file -verify-diagnostics

func.func @axis() {
  // expected-error @+1 {{'tessera_tile.program_id' op axis (3) must be 0, 1 or 2}}
  %pid = tessera_tile.program_id 3
  return
}

// -----

func.func @negative_axis() {
  // expected-error @+1 {{'tessera_tile.program_id' op axis (-1) must be 0, 1 or 2}}
  %pid = tessera_tile.program_id -1
  return
}

// -----

func.func @dynamic_shared() {
  // expected-error @+1 {{'tessera_tile.alloc_shared' op result 'memref<?x32xf16, #gpu.address_space<workgroup>>' must have a static shape: shared memory is sized at compile time}}
  %smem = tessera_tile.alloc_shared : memref<?x32xf16, #gpu.address_space<workgroup>>
  return
}

// -----

func.func @global_memory() {
  // expected-error @+1 {{'tessera_tile.alloc_shared' op result 'memref<128xf32>' must be in #gpu.address_space<workgroup>}}
  %smem = tessera_tile.alloc_shared : memref<128xf32>
  return
}

// -----

func.func @private_memory() {
  // expected-error @+1 {{'tessera_tile.alloc_shared' op result 'memref<128xf32, #gpu.address_space<private>>' must be in #gpu.address_space<workgroup>}}
  %smem = tessera_tile.alloc_shared : memref<128xf32, #gpu.address_space<private>>
  return
}

// -----

func.func @mask_without_other(%a: memref<?xf32>, %i: index, %in: i1) {
  // expected-error @+1 {{'tessera_tile.load' op mask and other value must be given together}}
  %x = "tessera_tile.load"(%a, %i, %in) {operandSegmentSizes = array<i32: 1, 1, 1, 0>} : (memref<?xf32>, index, i1) -> f32
  return
}

// -----

func.func @other_type(%a: memref<?xf32>, %i: index, %in: i1, %o: f16) {
  // expected-error @+1 {{'tessera_tile.load' op failed to verify that other is the buffer's element type}}
  %x = "tessera_tile.load"(%a, %i, %in, %o) {operandSegmentSizes = array<i32: 1, 1, 1, 1>} : (memref<?xf32>, index, i1, f16) -> f32
  return
}

// -----

func.func @store_type(%a: memref<?xf32>, %i: index, %v: f16) {
  // expected-error @+1 {{'tessera_tile.store' op failed to verify that value is the buffer's element type}}
  "tessera_tile.store"(%v, %a, %i) {operandSegmentSizes = array<i32: 1, 1, 1, 0>} : (f16, memref<?xf32>, index) -> ()
  return
}

// -----

func.func @copy_to_global(%a: memref<?xf16>, %b: memref<?xf16>, %i: index) {
  // expected-error @+1 {{'tessera_tile.copy_async' op destination 'memref<?xf16>' must be in #gpu.address_space<workgroup>}}
  tessera_tile.copy_async %a[%i], %b[%i], 8 valid %i : memref<?xf16> to memref<?xf16>
  return
}

// -----

func.func @copy_from_shared(%s: memref<64xf16, #gpu.address_space<workgroup>>, %i: index) {
  // expected-error @+1 {{'tessera_tile.copy_async' op source 'memref<64xf16, #gpu.address_space<workgroup>>' must be in global memory, not shared memory}}
  tessera_tile.copy_async %s[%i], %s[%i], 8 valid %i : memref<64xf16, #gpu.address_space<workgroup>> to memref<64xf16, #gpu.address_space<workgroup>>
  return
}

// -----

func.func @copy_types(%a: memref<?xf32>, %s: memref<64xf16, #gpu.address_space<workgroup>>, %i: index) {
  // expected-error @+1 {{'tessera_tile.copy_async' op source element type 'f32' does not match destination element type 'f16'}}
  tessera_tile.copy_async %a[%i], %s[%i], 4 valid %i : memref<?xf32> to memref<64xf16, #gpu.address_space<workgroup>>
  return
}

// -----

func.func @copy_size(%a: memref<?xf16>, %s: memref<64xf16, #gpu.address_space<workgroup>>, %i: index) {
  // expected-error @+1 {{'tessera_tile.copy_async' op copies 3 elements of 16 bits (6 bytes); a copy must be 4, 8 or 16 bytes}}
  tessera_tile.copy_async %a[%i], %s[%i], 3 valid %i : memref<?xf16> to memref<64xf16, #gpu.address_space<workgroup>>
  return
}

// -----

func.func @wait_range() {
  // expected-error @+1 {{'tessera_tile.async_wait' op pending (8) must be between 0 and 7}}
  tessera_tile.async_wait 8
  return
}

// -----

func.func @matrix_global(%a: memref<?xf16>, %i: index) {
  // expected-error @+1 {{'tessera_tile.load_matrix' op buffer 'memref<?xf16>' must be in #gpu.address_space<workgroup>}}
  %f = tessera_tile.load_matrix %a[%i] : memref<?xf16> -> vector<4x2xf16>
  return
}

// -----

func.func @matrix_type(%s: memref<64xf16, #gpu.address_space<workgroup>>, %i: index) {
  // expected-error @+1 {{'tessera_tile.load_matrix' op result element type 'bf16' does not match the buffer's 'f16'}}
  %f = tessera_tile.load_matrix %s[%i] : memref<64xf16, #gpu.address_space<workgroup>> -> vector<4x2xbf16>
  return
}

// -----

func.func @matrix_shape(%s: memref<64xf16, #gpu.address_space<workgroup>>, %i: index) {
  // expected-error @+1 {{'tessera_tile.load_matrix' op result 'vector<3x2xf16>' must be vector<Nx2xT> with N = 1, 2 or 4 (one row of two elements per 8x8 matrix)}}
  %f = tessera_tile.load_matrix %s[%i] : memref<64xf16, #gpu.address_space<workgroup>> -> vector<3x2xf16>
  return
}

// -----

func.func @mma_lhs(%a: vector<2x2xf16>, %b: vector<2x2xf16>, %c: vector<2x2xf32>) {
  // expected-error @+1 {{'tessera_tile.mma' op lhs 'vector<2x2xf16>' must be 'vector<4x2xf16>' (the m16n8k16 fragment of one lane)}}
  %d = tessera_tile.mma %a, %b, %c : vector<2x2xf16>, vector<2x2xf16> -> vector<2x2xf32>
  return
}

// -----

func.func @mma_rhs(%a: vector<4x2xbf16>, %b: vector<4x2xbf16>, %c: vector<2x2xf32>) {
  // expected-error @+1 {{'tessera_tile.mma' op rhs 'vector<4x2xbf16>' must be 'vector<2x2xbf16>' (the m16n8k16 fragment of one lane)}}
  %d = tessera_tile.mma %a, %b, %c : vector<4x2xbf16>, vector<4x2xbf16> -> vector<2x2xf32>
  return
}

// -----

func.func @mma_acc(%a: vector<4x2xf16>, %b: vector<2x2xf16>, %c: vector<4x2xf32>) {
  // expected-error @+1 {{'tessera_tile.mma' op acc 'vector<4x2xf32>' must be 'vector<2x2xf32>' (the m16n8k16 fragment of one lane)}}
  %d = tessera_tile.mma %a, %b, %c : vector<4x2xf16>, vector<2x2xf16> -> vector<4x2xf32>
  return
}

// -----

func.func @shared_index() {
  // expected-error @+1 {{'tessera_tile.alloc_shared' op result 'memref<4xindex, #gpu.address_space<workgroup>>' must hold integers or floats in the identity layout}}
  %s = tessera_tile.alloc_shared : memref<4xindex, #gpu.address_space<workgroup>>
  return
}
