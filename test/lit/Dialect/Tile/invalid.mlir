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
