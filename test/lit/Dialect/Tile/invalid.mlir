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

// -----

func.func @shared_offset_unaligned() {
  // expected-error @+1 {{'tessera_tile.alloc_shared' op offset (24) must be a non-negative multiple of 16}}
  %s = tessera_tile.alloc_shared offset 24 : memref<4xf32, #gpu.address_space<workgroup>>
  return
}

// -----

func.func @wait_negative_pending(%t: !tessera_tile.async_token) {
  // expected-error @+1 {{'tessera_tile.wait' op pending (-1) must not be negative}}
  tessera_tile.wait %t pending -1
  return
}

//===----------------------------------------------------------------------===//
// Block-level attributes and types
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{mma_sync shape m16n8k8 is not supported: mma_sync on 16-bit operands is m16n8k16}}
func.func @mma_sync_shape() attributes {m = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 8>} { return }

// -----

// expected-error @+1 {{wgmma m (128) must be 64}}
func.func @wgmma_m() attributes {m = #tessera_tile.mma<kind = wgmma, m = 128, n = 128, k = 16>} { return }

// -----

// expected-error @+1 {{wgmma n (260) must be a multiple of 8 in [8, 256]}}
func.func @wgmma_n() attributes {m = #tessera_tile.mma<kind = wgmma, m = 64, n = 260, k = 16>} { return }

// -----

// expected-error @+1 {{wgmma k (24) must be 16 (16-bit operands) or 32 (8-bit operands)}}
func.func @wgmma_k() attributes {m = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 24>} { return }

// -----

// expected-error @+1 {{mfma shape 16x16x8 is not supported: mfma on 16-bit operands is 16x16x16 or 32x32x8}}
func.func @mfma_shape() attributes {m = #tessera_tile.mma<kind = mfma, m = 16, n = 16, k = 8>} { return }

// -----

// expected-error @+1 {{fma shape 16x8x1 is not supported: fma is one multiply-add per element, 1x1x1}}
func.func @fma_shape() attributes {m = #tessera_tile.mma<kind = fma, m = 16, n = 8, k = 1>} { return }

// -----

// expected-error @+1 {{an fma dot's accumulator is a #tessera_tile.blocked tile, not a #tessera_tile.mma_acc}}
func.func @fma_mma_acc() attributes {e = #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = fma, m = 1, n = 1, k = 1>, warps = [1, 1]>} { return }

// -----

#fma = #tessera_tile.mma<kind = fma, m = 1, n = 1, k = 1>
#acc = #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>, warps = [1, 1]>
func.func @fma_acc_encoding(%a: !tessera_tile.smem<16x16xf32>, %b: !tessera_tile.smem<16x16xf32>, %c: tensor<16x16xf32, #acc>) {
  // expected-error @+1 {{'tessera_tile.dot' op accumulator encoding #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>, warps = [1, 1]> must be a #tessera_tile.blocked for an fma dot}}
  %d = tessera_tile.dot %a, %b, %c {mma = #fma} : !tessera_tile.smem<16x16xf32>, !tessera_tile.smem<16x16xf32> -> tensor<16x16xf32, #acc>
  return
}

// -----

#fma = #tessera_tile.mma<kind = fma, m = 1, n = 1, k = 1>
#blocked = #tessera_tile.blocked<warps = [1, 1], threads = [8, 4], per_thread = [1, 1]>
func.func @fma_register_operand(%a: tensor<16x16xf32, #blocked>, %b: !tessera_tile.smem<16x16xf32>, %c: tensor<16x16xf32, #blocked>) {
  // expected-error @+1 {{'tessera_tile.dot' op fma reads a from shared memory, got 'tensor<16x16xf32, #tessera_tile.blocked<warps = [1, 1], threads = [8, 4], per_thread = [1, 1]>>'}}
  %d = tessera_tile.dot %a, %b, %c {mma = #fma} : tensor<16x16xf32, #blocked>, !tessera_tile.smem<16x16xf32> -> tensor<16x16xf32, #blocked>
  return
}

// -----

#fma = #tessera_tile.mma<kind = fma, m = 1, n = 1, k = 1>
#blocked = #tessera_tile.blocked<warps = [1, 1], threads = [8, 4], per_thread = [1, 1]>
func.func @fma_operand_type(%a: !tessera_tile.smem<16x16xi32>, %b: !tessera_tile.smem<16x16xi32>, %c: tensor<16x16xf32, #blocked>) {
  // expected-error @+1 {{'tessera_tile.dot' op a element type 'i32' must be f16, bf16, f32 or f64 for fma}}
  %d = tessera_tile.dot %a, %b, %c {mma = #fma} : !tessera_tile.smem<16x16xi32>, !tessera_tile.smem<16x16xi32> -> tensor<16x16xf32, #blocked>
  return
}

// -----

#fma = #tessera_tile.mma<kind = fma, m = 1, n = 1, k = 1>
#blocked = #tessera_tile.blocked<warps = [1, 1], threads = [8, 4], per_thread = [1, 1]>
func.func @fma_mixed_types(%a: !tessera_tile.smem<16x16xf32>, %b: !tessera_tile.smem<16x16xf16>, %c: tensor<16x16xf32, #blocked>) {
  // expected-error @+1 {{'tessera_tile.dot' op a element type 'f32' does not match b element type 'f16'}}
  %d = tessera_tile.dot %a, %b, %c {mma = #fma} : !tessera_tile.smem<16x16xf32>, !tessera_tile.smem<16x16xf16> -> tensor<16x16xf32, #blocked>
  return
}

// -----

#fma = #tessera_tile.mma<kind = fma, m = 1, n = 1, k = 1>
#blocked = #tessera_tile.blocked<warps = [1, 1], threads = [8, 4], per_thread = [1, 1]>
func.func @fma_acc_type(%a: !tessera_tile.smem<16x16xf16>, %b: !tessera_tile.smem<16x16xf16>, %c: tensor<16x16xf64, #blocked>) {
  // expected-error @+1 {{'tessera_tile.dot' op accumulator element type 'f64' must be 'f32' for 'f16' operands}}
  %d = tessera_tile.dot %a, %b, %c {mma = #fma} : !tessera_tile.smem<16x16xf16>, !tessera_tile.smem<16x16xf16> -> tensor<16x16xf64, #blocked>
  return
}

// -----

// expected-error @+1 {{warps must have at least one entry}}
func.func @blocked_empty() attributes {b = #tessera_tile.blocked<warps = []>} { return }

// -----

// expected-error @+1 {{warps[1] (0) must be at least 1}}
func.func @blocked_zero() attributes {b = #tessera_tile.blocked<warps = [4, 0]>} { return }

// -----

// expected-error @+1 {{warps [8x8] hold 64 warps, more than a block's 32}}
func.func @blocked_many() attributes {b = #tessera_tile.blocked<warps = [8, 8]>} { return }

// -----

// expected-error @+1 {{threads has 1 entries but warps has 2}}
func.func @blocked_threads_rank() attributes {b = #tessera_tile.blocked<warps = [4, 1], threads = [32]>} { return }

// -----

// expected-error @+1 {{per_thread[0] (0) must be at least 1}}
func.func @blocked_per_thread() attributes {b = #tessera_tile.blocked<warps = [4, 1], per_thread = [0, 4]>} { return }

// -----

// expected-error @+1 {{threads [4x4] hold 16 lanes; a warp has 32 (NVIDIA) or 64 (AMD)}}
func.func @blocked_lanes() attributes {b = #tessera_tile.blocked<warps = [4, 1], threads = [4, 4]>} { return }

// -----

// expected-error @+1 {{tile rank (1) does not match the blocked encoding's rank (2)}}
func.func @blocked_rank(%t: tensor<128xf32, #tessera_tile.blocked<warps = [4, 1]>>) { return }

// -----

// expected-error @+1 {{tile dimension 1 (48) is not a multiple of the 32 elements the blocked encoding spreads it over}}
func.func @blocked_divides(%t: tensor<128x48xf32, #tessera_tile.blocked<warps = [4, 1], threads = [1, 32]>>) { return }

// -----

// expected-error @+1 {{warps must have 2 entries (m, n), got 1}}
func.func @acc_warps() attributes {a = #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>, warps = [4]>} { return }

// -----

// expected-error @+1 {{warps along m (2) must be a multiple of 4 for wgmma: a warpgroup of 4 warps issues it}}
func.func @acc_warpgroup() attributes {a = #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>, warps = [2, 2]>} { return }

// -----

#acc = #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>, warps = [2, 2]>
// expected-error @+1 {{mma_acc tile must have rank 2, got rank 1}}
func.func @acc_rank(%t: tensor<64xf32, #acc>) { return }

// -----

#acc = #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>, warps = [2, 2]>
// expected-error @+1 {{mma_acc tile element type 'complex<f32>' must be an integer, index or float}}
func.func @acc_type(%t: tensor<64x64xcomplex<f32>, #acc>) { return }

// -----

#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [2, 2]>
func.func @dot_acc_type(%a: !tessera_tile.smem<64x32xf16>, %b: !tessera_tile.smem<32x32xf16>, %c: tensor<64x32xf16, #acc>) {
  // expected-error @+1 {{'tessera_tile.dot' op accumulator element type 'f16' must be f32}}
  %d = tessera_tile.dot %a, %b, %c {mma = #mma} : !tessera_tile.smem<64x32xf16>, !tessera_tile.smem<32x32xf16> -> tensor<64x32xf16, #acc>
  return
}

// -----

#acc = #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 16>, warps = [8, 1]>
// expected-error @+1 {{mma_acc tile 64x128 is not a multiple of 128x128, the mma's m x n over the warp grid}}
func.func @acc_divides(%t: tensor<64x128xf32, #acc>) { return }

// -----

#acc = #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>, warps = [2, 2]>
// expected-error @+1 {{index (2) must be 0 (a) or 1 (b)}}
func.func @operand_index() attributes {o = #tessera_tile.dot_operand<index = 2, parent = #acc>} { return }

// -----

#acc = #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>, warps = [2, 2]>
// expected-error @+1 {{dot_operand tile must have rank 2, got rank 3}}
func.func @operand_rank(%t: tensor<2x32x32xf16, #tessera_tile.dot_operand<index = 0, parent = #acc>>) { return }

// -----

#acc = #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>, warps = [2, 2]>
// expected-error @+1 {{dot_operand tile element type 'f32' must be f16 or bf16}}
func.func @operand_type(%t: tensor<32x32xf32, #tessera_tile.dot_operand<index = 0, parent = #acc>>) { return }

// -----

#acc = #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>, warps = [2, 2]>
// expected-error @+1 {{dot_operand 1 tile 32x8 is not a multiple of 16x16, the mma's step over the warp grid}}
func.func @operand_divides(%t: tensor<32x8xf16, #tessera_tile.dot_operand<index = 1, parent = #acc>>) { return }

// -----

#acc = #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>, warps = [2, 2]>
// expected-error @+1 {{parent #tessera_tile.dot_operand}}
func.func @slice_parent() attributes {s = #tessera_tile.slice<dim = 0, parent = #tessera_tile.dot_operand<index = 0, parent = #acc>>} { return }

// -----

// expected-error @+1 {{dim (2) is out of range for a parent of rank 2}}
func.func @slice_dim() attributes {s = #tessera_tile.slice<dim = 2, parent = #tessera_tile.blocked<warps = [4, 1]>>} { return }

// -----

// expected-error @+1 {{tile rank (2) does not match the slice encoding's rank (1)}}
func.func @slice_rank(%t: tensor<4x128xf32, #tessera_tile.slice<dim = 1, parent = #tessera_tile.blocked<warps = [4, 1]>>>) { return }

// -----

// expected-error @+1 {{swizzle (48) must be 0, 32, 64 or 128 bytes}}
func.func @swizzle_width() attributes {l = #tessera_tile.smem_layout<swizzle = 48>} { return }

// -----

// expected-error @+1 {{pad (-8) must not be negative}}
func.func @pad_negative() attributes {l = #tessera_tile.smem_layout<pad = -8>} { return }

// -----

// expected-error @+1 {{swizzle (128) and pad (8) cannot both be set: they are alternative layouts}}
func.func @swizzle_and_pad() attributes {l = #tessera_tile.smem_layout<swizzle = 128, pad = 8>} { return }

// -----

// expected-error @+1 {{shared buffer must have rank 1 or more}}
func.func @smem_rank(%s: !tessera_tile.smem<f16>) { return }

// -----

// expected-error @+1 {{shared buffer dimension 0 (0) must be static and positive}}
func.func @smem_empty(%s: !tessera_tile.smem<0x64xf16>) { return }

// -----

// expected-error @+1 {{shared buffer element type 'i1' must be an integer or float of whole bytes}}
func.func @smem_bits(%s: !tessera_tile.smem<64x64xi1>) { return }

// -----

// expected-error @+1 {{row of 96 bytes (48 x 'f16') is not a multiple of the 128-byte swizzle}}
func.func @smem_swizzle_row(%s: !tessera_tile.smem<64x48xf16, #tessera_tile.smem_layout<swizzle = 128>>) { return }

// -----

// expected-error @+1 {{mbarrier count (0) must be at least 1}}
func.func @mbarrier_count(%b: !tessera_tile.mbarrier<0>) { return }

// -----

// expected-error @+1 {{unknown Tessera Tile IR attribute 'tessera_tile.stage'}}
func.func @unknown_attr() attributes {tessera_tile.stage = 3} { return }

// -----

// expected-error @+1 {{'tessera_tile.stages' must be on an scf.for, not on 'func.func'}}
func.func @stages_on_func() attributes {tessera_tile.stages = 3} { return }

// -----

func.func @stages_type(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{'tessera_tile.stages' must be an integer, got "three"}}
  scf.for %i = %c0 to %n step %c1 {
  } {tessera_tile.stages = "three"}
  return
}

//===----------------------------------------------------------------------===//
// Block-level ops
//===----------------------------------------------------------------------===//

// -----

func.func @alloc_offset_negative() {
  // expected-error @+1 {{'tessera_tile.local_alloc' op offset (-16) must not be negative}}
  %s = tessera_tile.local_alloc offset -16 : !tessera_tile.smem<64x64xf16>
  return
}

// -----

func.func @alloc_offset_alignment() {
  // expected-error @+1 {{'tessera_tile.local_alloc' op offset (512) is not a multiple of the buffer's alignment (1024)}}
  %s = tessera_tile.local_alloc offset 512 : !tessera_tile.smem<64x64xf16, #tessera_tile.smem_layout<swizzle = 128>>
  return
}

// -----

func.func @slot_rank(%s: !tessera_tile.smem<64xf16>, %i: index) {
  // expected-error @+1 {{'tessera_tile.slot' op ring '!tessera_tile.smem<64xf16>' has rank 1; a slot drops the leading dimension of a buffer of rank 2 or more}}
  %t = tessera_tile.slot %s[%i] : !tessera_tile.smem<64xf16> -> !tessera_tile.smem<64xf16>
  return
}

// -----

func.func @slot_type(%s: !tessera_tile.smem<2x64x64xf16>, %i: index) {
  // expected-error @+1 {{'tessera_tile.slot' op result '!tessera_tile.smem<64x32xf16>' does not match '!tessera_tile.smem<64x64xf16>', the ring's slot type}}
  %t = tessera_tile.slot %s[%i] : !tessera_tile.smem<2x64x64xf16> -> !tessera_tile.smem<64x32xf16>
  return
}

// -----

func.func @slot_index(%s: !tessera_tile.smem<2x64x64xf16>) {
  %c2 = arith.constant 2 : index
  // expected-error @+1 {{'tessera_tile.slot' op slot index (2) is out of range for a ring of 2}}
  %t = tessera_tile.slot %s[%c2] : !tessera_tile.smem<2x64x64xf16> -> !tessera_tile.smem<64x64xf16>
  return
}

// -----

func.func @local_load_shape(%s: !tessera_tile.smem<64x64xf16>) {
  // expected-error @+1 {{'tessera_tile.local_load' op result shape 64x32 does not match the buffer's 64x64}}
  %t = tessera_tile.local_load %s : !tessera_tile.smem<64x64xf16> -> tensor<64x32xf16, #tessera_tile.blocked<warps = [4, 1]>>
  return
}

// -----

func.func @local_store_type(%s: !tessera_tile.smem<64x64xf16>, %t: tensor<64x64xf32, #tessera_tile.blocked<warps = [4, 1]>>) {
  // expected-error @+1 {{'tessera_tile.local_store' op value element type 'f32' does not match the buffer's 'f16'}}
  tessera_tile.local_store %t, %s : tensor<64x64xf32, #tessera_tile.blocked<warps = [4, 1]>>, !tessera_tile.smem<64x64xf16>
  return
}

// -----

func.func @local_load_plain_tensor(%s: !tessera_tile.smem<64x64xf16>) {
  // expected-error @+1 {{'tessera_tile.local_load' op result #0 must be register tile (a static tensor with a #tessera_tile encoding), but got 'tensor<64x64xf16>'}}
  %t = tessera_tile.local_load %s : !tessera_tile.smem<64x64xf16> -> tensor<64x64xf16>
  return
}

// -----

func.func @copy_from_shared(%a: memref<128x64xf16, #gpu.address_space<workgroup>>, %s: !tessera_tile.smem<128x64xf16>, %i: index) {
  // expected-error @+1 {{'tessera_tile.box_copy' op source 'memref<128x64xf16, #gpu.address_space<workgroup>>' must be in global memory, not shared memory}}
  %t = tessera_tile.box_copy %a[%i, %i], %s : memref<128x64xf16, #gpu.address_space<workgroup>>, !tessera_tile.smem<128x64xf16> -> !tessera_tile.async_token
  return
}

// -----

func.func @copy_type(%a: memref<?x?xf32>, %s: !tessera_tile.smem<128x64xf16>, %i: index) {
  // expected-error @+1 {{'tessera_tile.box_copy' op box element type 'f16' does not match source element type 'f32'}}
  %t = tessera_tile.box_copy %a[%i, %i], %s : memref<?x?xf32>, !tessera_tile.smem<128x64xf16> -> !tessera_tile.async_token
  return
}

// -----

func.func @copy_rank(%a: memref<?xf16>, %s: !tessera_tile.smem<128x64xf16>, %i: index) {
  // expected-error @+1 {{'tessera_tile.box_copy' op box rank (2) does not match source rank (1)}}
  %t = tessera_tile.box_copy %a[%i], %s : memref<?xf16>, !tessera_tile.smem<128x64xf16> -> !tessera_tile.async_token
  return
}

// -----

func.func @copy_indices(%a: memref<?x?xf16>, %s: !tessera_tile.smem<128x64xf16>, %i: index) {
  // expected-error @+1 {{'tessera_tile.box_copy' op has 1 indices for a source of rank 2}}
  %t = tessera_tile.box_copy %a[%i], %s : memref<?x?xf16>, !tessera_tile.smem<128x64xf16> -> !tessera_tile.async_token
  return
}

// -----

func.func @copy_stride(%a: memref<?x?xf16, strided<[1, ?]>>, %s: !tessera_tile.smem<128x64xf16>, %i: index) {
  // expected-error @+1 {{'tessera_tile.box_copy' op source 'memref<?x?xf16, strided<[1, ?]>>' must have an innermost stride of 1}}
  %t = tessera_tile.box_copy %a[%i, %i], %s : memref<?x?xf16, strided<[1, ?]>>, !tessera_tile.smem<128x64xf16> -> !tessera_tile.async_token
  return
}

// -----

func.func @copy_granule(%a: memref<?x?xf16>, %s: !tessera_tile.smem<128x4xf16>, %i: index) {
  // expected-error @+1 {{'tessera_tile.box_copy' op box row of 8 bytes (4 x 'f16') is narrower than the 16-byte copy granule}}
  %t = tessera_tile.box_copy %a[%i, %i], %s : memref<?x?xf16>, !tessera_tile.smem<128x4xf16> -> !tessera_tile.async_token
  return
}

// -----

func.func @copy_barrier_index(%a: memref<?x?xf16>, %s: !tessera_tile.smem<128x64xf16>, %i: index, %b: !tessera_tile.mbarrier<2>) {
  // expected-error @+1 {{'tessera_tile.box_copy' op barrier group and barrier index must be given together}}
  "tessera_tile.box_copy"(%a, %i, %i, %s, %b) {operandSegmentSizes = array<i32: 1, 2, 1, 0, 1, 0, 0>} : (memref<?x?xf16>, index, index, !tessera_tile.smem<128x64xf16>, !tessera_tile.mbarrier<2>) -> ()
  return
}

// -----

func.func @copy_two_completions(%a: memref<?x?xf16>, %s: !tessera_tile.smem<128x64xf16>, %i: index, %b: !tessera_tile.mbarrier<2>) {
  // expected-error @+1 {{'tessera_tile.box_copy' op has both a token result and an 'arrive' barrier; completion is one or the other}}
  %t = tessera_tile.box_copy %a[%i, %i], %s arrive %b[%i] : memref<?x?xf16>, !tessera_tile.smem<128x64xf16>, !tessera_tile.mbarrier<2> -> !tessera_tile.async_token
  return
}

// -----

func.func @copy_no_completion(%a: memref<?x?xf16>, %s: !tessera_tile.smem<128x64xf16>, %i: index) {
  // expected-error @+1 {{'tessera_tile.box_copy' op needs a completion: a token result or an 'arrive' barrier}}
  tessera_tile.box_copy %a[%i, %i], %s : memref<?x?xf16>, !tessera_tile.smem<128x64xf16>
  return
}

// -----

func.func @mbarrier_arrivals() {
  // expected-error @+1 {{'tessera_tile.mbarrier_alloc' op arrivals (0) must be at least 1}}
  %b = tessera_tile.mbarrier_alloc arrivals 0 : !tessera_tile.mbarrier<2>
  return
}

// -----

func.func @mbarrier_offset() {
  // expected-error @+1 {{'tessera_tile.mbarrier_alloc' op offset (12) is not a multiple of an mbarrier's alignment (8)}}
  %b = tessera_tile.mbarrier_alloc arrivals 1 offset 12 : !tessera_tile.mbarrier<2>
  return
}

// -----

func.func @load_tile_type(%a: memref<?x?xf32>, %i: index) {
  // expected-error @+1 {{'tessera_tile.load_tile' op result element type 'f16' does not match source element type 'f32'}}
  %t = tessera_tile.load_tile %a[%i, %i] : memref<?x?xf32> -> tensor<64x64xf16, #tessera_tile.blocked<warps = [4, 1]>>
  return
}

// -----

func.func @load_tile_in_bounds(%a: memref<100x?xf32>, %i: index) {
  %c64 = arith.constant 64 : index
  // expected-error @+1 {{'tessera_tile.load_tile' op is declared in_bounds, but its box [64, 128) along dim 0 passes the source's size 100}}
  %t = tessera_tile.load_tile %a[%c64, %i] in_bounds : memref<100x?xf32> -> tensor<64x64xf32, #tessera_tile.blocked<warps = [4, 1]>>
  return
}

// -----

func.func @load_tile_in_bounds_negative(%a: memref<100x?xf32>, %i: index) {
  %c-1 = arith.constant -1 : index
  // expected-error @+1 {{'tessera_tile.load_tile' op is declared in_bounds, but its box [-1, 63) along dim 0 passes the source's size 100}}
  %t = tessera_tile.load_tile %a[%c-1, %i] in_bounds : memref<100x?xf32> -> tensor<64x64xf32, #tessera_tile.blocked<warps = [4, 1]>>
  return
}

// -----

func.func @store_tile_in_bounds(%a: memref<?x100xf32>, %t: tensor<64x64xf32, #tessera_tile.blocked<warps = [4, 1]>>, %i: index) {
  %c40 = arith.constant 40 : index
  // expected-error @+1 {{'tessera_tile.store_tile' op is declared in_bounds, but its box [40, 104) along dim 1 passes the destination's size 100}}
  tessera_tile.store_tile %t, %a[%i, %c40] in_bounds : tensor<64x64xf32, #tessera_tile.blocked<warps = [4, 1]>>, memref<?x100xf32>
  return
}

// -----

func.func @store_tile_rank(%a: memref<?xf32>, %t: tensor<64x64xf32, #tessera_tile.blocked<warps = [4, 1]>>, %i: index) {
  // expected-error @+1 {{'tessera_tile.store_tile' op value rank (2) does not match destination rank (1)}}
  tessera_tile.store_tile %t, %a[%i] : tensor<64x64xf32, #tessera_tile.blocked<warps = [4, 1]>>, memref<?xf32>
  return
}

// -----

func.func @store_tile_staging(%a: memref<?x?xf16>, %t: tensor<64x64xf16, #tessera_tile.blocked<warps = [4, 1]>>, %s: !tessera_tile.smem<32x64xf16>, %i: index) {
  // expected-error @+1 {{'tessera_tile.store_tile' op value shape 64x64 does not match the staging buffer's 32x64}}
  tessera_tile.store_tile %t, %a[%i, %i] through %s : tensor<64x64xf16, #tessera_tile.blocked<warps = [4, 1]>>, memref<?x?xf16>, !tessera_tile.smem<32x64xf16>
  return
}

// -----

#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
func.func @dot_acc_encoding(%a: !tessera_tile.smem<64x32xf16>, %b: !tessera_tile.smem<32x32xf16>, %c: tensor<64x32xf32, #tessera_tile.blocked<warps = [4, 1]>>) {
  // expected-error @+1 {{'tessera_tile.dot' op accumulator encoding #tessera_tile.blocked<warps = [4, 1]> must be a #tessera_tile.mma_acc}}
  %d = tessera_tile.dot %a, %b, %c {mma = #mma} : !tessera_tile.smem<64x32xf16>, !tessera_tile.smem<32x32xf16> -> tensor<64x32xf32, #tessera_tile.blocked<warps = [4, 1]>>
  return
}

// -----

#acc = #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>, warps = [2, 2]>
func.func @dot_mma_mismatch(%a: !tessera_tile.smem<64x32xf16>, %b: !tessera_tile.smem<32x32xf16>, %c: tensor<64x32xf32, #acc>) {
  // expected-error @+1 {{'tessera_tile.dot' op mma #tessera_tile.mma<kind = mfma, m = 16, n = 16, k = 16> does not match the accumulator's #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>}}
  %d = tessera_tile.dot %a, %b, %c {mma = #tessera_tile.mma<kind = mfma, m = 16, n = 16, k = 16>} : !tessera_tile.smem<64x32xf16>, !tessera_tile.smem<32x32xf16> -> tensor<64x32xf32, #acc>
  return
}

// -----

#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [2, 2]>
func.func @dot_operand_type(%a: !tessera_tile.smem<64x32xf32>, %b: !tessera_tile.smem<32x32xf32>, %c: tensor<64x32xf32, #acc>) {
  // expected-error @+1 {{'tessera_tile.dot' op a element type 'f32' must be f16 or bf16}}
  %d = tessera_tile.dot %a, %b, %c {mma = #mma} : !tessera_tile.smem<64x32xf32>, !tessera_tile.smem<32x32xf32> -> tensor<64x32xf32, #acc>
  return
}

// -----

#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [2, 2]>
func.func @dot_f8_mma_sync(%a: !tessera_tile.smem<64x32xf8E4M3FN>, %b: !tessera_tile.smem<32x32xf8E4M3FN>, %c: tensor<64x32xf32, #acc>) {
  // expected-error @+1 {{'tessera_tile.dot' op a element type 'f8E4M3FN' must be f16 or bf16}}
  %d = tessera_tile.dot %a, %b, %c {mma = #mma} : !tessera_tile.smem<64x32xf8E4M3FN>, !tessera_tile.smem<32x32xf8E4M3FN> -> tensor<64x32xf32, #acc>
  return
}

// -----

#mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [4, 1]>
func.func @dot_wgmma_f32(%a: !tessera_tile.smem<64x32xf32>, %b: !tessera_tile.smem<32x64xf32>, %c: tensor<64x64xf32, #acc>) {
  // expected-error @+1 {{'tessera_tile.dot' op a element type 'f32' must be f16, bf16, f8E4M3FN or f8E5M2 for wgmma}}
  %d = tessera_tile.dot %a, %b, %c {mma = #mma} : !tessera_tile.smem<64x32xf32>, !tessera_tile.smem<32x64xf32> -> tensor<64x64xf32, #acc>
  return
}

// -----

#mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [4, 1]>
#kmajor = #tessera_tile.smem_layout<swizzle = 128, transposed = true>
func.func @dot_wgmma_f8_k16(%a: !tessera_tile.smem<64x128xf8E4M3FN, #tessera_tile.smem_layout<swizzle = 128>>, %b: !tessera_tile.smem<128x64xf8E4M3FN, #kmajor>, %c: tensor<64x64xf32, #acc>) {
  // expected-error @+1 {{'tessera_tile.dot' op mma k (16) does not fit the element type 'f8E4M3FN': wgmma's k is 16 for 16-bit operands and 32 for 8-bit ones}}
  %d = tessera_tile.dot %a, %b, %c {mma = #mma} : !tessera_tile.smem<64x128xf8E4M3FN, #tessera_tile.smem_layout<swizzle = 128>>, !tessera_tile.smem<128x64xf8E4M3FN, #kmajor> -> tensor<64x64xf32, #acc>
  return
}

// -----

#mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 32>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [4, 1]>
func.func @dot_wgmma_f8_n_major(%a: !tessera_tile.smem<64x128xf8E5M2, #tessera_tile.smem_layout<swizzle = 128>>, %b: !tessera_tile.smem<128x128xf8E5M2, #tessera_tile.smem_layout<swizzle = 128>>, %c: tensor<64x128xf32, #acc>) {
  // expected-error @+1 {{'tessera_tile.dot' op reads 'f8E5M2' operands; 8-bit wgmma reads a and b from shared memory with K contiguous: a as stored, b through a trans view}}
  %d = tessera_tile.dot %a, %b, %c {mma = #mma} : !tessera_tile.smem<64x128xf8E5M2, #tessera_tile.smem_layout<swizzle = 128>>, !tessera_tile.smem<128x128xf8E5M2, #tessera_tile.smem_layout<swizzle = 128>> -> tensor<64x128xf32, #acc>
  return
}

// -----

#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [2, 2]>
func.func @dot_mixed_types(%a: !tessera_tile.smem<64x32xf16>, %b: !tessera_tile.smem<32x32xbf16>, %c: tensor<64x32xf32, #acc>) {
  // expected-error @+1 {{'tessera_tile.dot' op a element type 'f16' does not match b element type 'bf16'}}
  %d = tessera_tile.dot %a, %b, %c {mma = #mma} : !tessera_tile.smem<64x32xf16>, !tessera_tile.smem<32x32xbf16> -> tensor<64x32xf32, #acc>
  return
}

// -----

#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [2, 2]>
func.func @dot_ring_operand(%a: !tessera_tile.smem<2x64x32xf16>, %b: !tessera_tile.smem<32x32xf16>, %c: tensor<64x32xf32, #acc>) {
  // expected-error @+1 {{'tessera_tile.dot' op a (2x64x32) and b (32x32) must be rank 2 (M x K and K x N)}}
  %d = tessera_tile.dot %a, %b, %c {mma = #mma} : !tessera_tile.smem<2x64x32xf16>, !tessera_tile.smem<32x32xf16> -> tensor<64x32xf32, #acc>
  return
}

// -----

#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [2, 2]>
func.func @dot_k(%a: !tessera_tile.smem<64x32xf16>, %b: !tessera_tile.smem<16x32xf16>, %c: tensor<64x32xf32, #acc>) {
  // expected-error @+1 {{'tessera_tile.dot' op a dimension 1 (32) does not match b dimension 0 (16)}}
  %d = tessera_tile.dot %a, %b, %c {mma = #mma} : !tessera_tile.smem<64x32xf16>, !tessera_tile.smem<16x32xf16> -> tensor<64x32xf32, #acc>
  return
}

// -----

#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [2, 2]>
func.func @dot_m(%a: !tessera_tile.smem<32x32xf16>, %b: !tessera_tile.smem<32x32xf16>, %c: tensor<64x32xf32, #acc>) {
  // expected-error @+1 {{'tessera_tile.dot' op a dimension 0 (32) does not match the accumulator's dimension 0 (64)}}
  %d = tessera_tile.dot %a, %b, %c {mma = #mma} : !tessera_tile.smem<32x32xf16>, !tessera_tile.smem<32x32xf16> -> tensor<64x32xf32, #acc>
  return
}

// -----

#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [2, 2]>
func.func @dot_n(%a: !tessera_tile.smem<64x32xf16>, %b: !tessera_tile.smem<32x64xf16>, %c: tensor<64x32xf32, #acc>) {
  // expected-error @+1 {{'tessera_tile.dot' op b dimension 1 (64) does not match the accumulator's dimension 1 (32)}}
  %d = tessera_tile.dot %a, %b, %c {mma = #mma} : !tessera_tile.smem<64x32xf16>, !tessera_tile.smem<32x64xf16> -> tensor<64x32xf32, #acc>
  return
}

// -----

#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [1, 1]>
func.func @dot_k_steps(%a: !tessera_tile.smem<16x24xf16>, %b: !tessera_tile.smem<24x8xf16>, %c: tensor<16x8xf32, #acc>) {
  // expected-error @+1 {{'tessera_tile.dot' op block tile 16x8x24 (MxNxK) is not a multiple of the mma shape 16x8x16}}
  %d = tessera_tile.dot %a, %b, %c {mma = #mma} : !tessera_tile.smem<16x24xf16>, !tessera_tile.smem<24x8xf16> -> tensor<16x8xf32, #acc>
  return
}

// -----

#mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [4, 1]>
func.func @wgmma_b_registers(%a: !tessera_tile.smem<64x32xf16>, %b: tensor<32x64xf16, #tessera_tile.dot_operand<index = 1, parent = #acc>>, %c: tensor<64x64xf32, #acc>) {
  // expected-error @+1 {{'tessera_tile.dot' op wgmma reads b from shared memory, got 'tensor<32x64xf16, #tessera_tile.dot_operand<index = 1, parent = #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>, warps = [4, 1]>>>'}}
  %d = tessera_tile.dot %a, %b, %c {mma = #mma} : !tessera_tile.smem<64x32xf16>, tensor<32x64xf16, #tessera_tile.dot_operand<index = 1, parent = #acc>> -> tensor<64x64xf32, #acc>
  return
}

// -----

#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [2, 2]>
func.func @dot_register_encoding(%a: tensor<64x32xf16, #tessera_tile.blocked<warps = [4, 1]>>, %b: !tessera_tile.smem<32x32xf16>, %c: tensor<64x32xf32, #acc>) {
  // expected-error @+1 {{'tessera_tile.dot' op a encoding #tessera_tile.blocked<warps = [4, 1]> must be #tessera_tile.dot_operand<index = 0, parent = #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>, warps = [2, 2]>> (operand 0 of the accumulator's encoding)}}
  %d = tessera_tile.dot %a, %b, %c {mma = #mma} : tensor<64x32xf16, #tessera_tile.blocked<warps = [4, 1]>>, !tessera_tile.smem<32x32xf16> -> tensor<64x32xf32, #acc>
  return
}

// -----

#b1 = #tessera_tile.blocked<warps = [4]>
func.func @reduce_rank(%t: tensor<128xf32, #b1>) {
  // expected-error @+1 {{'tessera_tile.reduce' op input must have rank 2 or more, got rank 1}}
  %r = tessera_tile.reduce add %t axis 0 : tensor<128xf32, #b1> -> tensor<128xf32, #b1>
  return
}

// -----

#blocked = #tessera_tile.blocked<warps = [4, 1]>
func.func @reduce_axis(%t: tensor<128x64xf32, #blocked>) {
  // expected-error @+1 {{'tessera_tile.reduce' op axis (2) is out of range for an input of rank 2}}
  %r = tessera_tile.reduce add %t axis 2 : tensor<128x64xf32, #blocked> -> tensor<128xf32, #tessera_tile.slice<dim = 1, parent = #blocked>>
  return
}

// -----

#blocked = #tessera_tile.blocked<warps = [4, 1]>
func.func @reduce_index(%t: tensor<128x64xindex, #blocked>) {
  // expected-error @+1 {{'tessera_tile.reduce' op element type 'index' must be a float or an integer}}
  %r = tessera_tile.reduce add %t axis 1 : tensor<128x64xindex, #blocked> -> tensor<128xindex, #tessera_tile.slice<dim = 1, parent = #blocked>>
  return
}

// -----

#blocked = #tessera_tile.blocked<warps = [4, 1]>
func.func @reduce_shape(%t: tensor<128x64xf32, #blocked>) {
  // expected-error @+1 {{'tessera_tile.reduce' op result shape 64 does not match 128, the input's shape without axis 1}}
  %r = tessera_tile.reduce add %t axis 1 : tensor<128x64xf32, #blocked> -> tensor<64xf32, #tessera_tile.slice<dim = 1, parent = #blocked>>
  return
}

// -----

#blocked = #tessera_tile.blocked<warps = [4, 1]>
func.func @reduce_encoding(%t: tensor<128x64xf32, #blocked>) {
  // expected-error @+1 {{'tessera_tile.reduce' op result encoding #tessera_tile.blocked<warps = [4]> must be #tessera_tile.slice<dim = 1, parent = #tessera_tile.blocked<warps = [4, 1]>>}}
  %r = tessera_tile.reduce add %t axis 1 : tensor<128x64xf32, #blocked> -> tensor<128xf32, #tessera_tile.blocked<warps = [4]>>
  return
}

// -----

#blocked = #tessera_tile.blocked<warps = [4, 1]>
func.func @broadcast_rank(%t: tensor<128x64xf32, #blocked>) {
  // expected-error @+1 {{'tessera_tile.broadcast' op result rank (2) must be the input's rank (2) plus one}}
  %r = tessera_tile.broadcast %t axis 1 : tensor<128x64xf32, #blocked> -> tensor<128x64xf32, #blocked>
  return
}

// -----

#blocked = #tessera_tile.blocked<warps = [4, 1]>
func.func @broadcast_axis(%t: tensor<128xf32, #tessera_tile.slice<dim = 1, parent = #blocked>>) {
  // expected-error @+1 {{'tessera_tile.broadcast' op axis (2) is out of range for a result of rank 2}}
  %r = tessera_tile.broadcast %t axis 2 : tensor<128xf32, #tessera_tile.slice<dim = 1, parent = #blocked>> -> tensor<128x64xf32, #blocked>
  return
}

// -----

#blocked = #tessera_tile.blocked<warps = [4, 1]>
func.func @broadcast_shape(%t: tensor<128xf32, #tessera_tile.slice<dim = 1, parent = #blocked>>) {
  // expected-error @+1 {{'tessera_tile.broadcast' op input shape 128 does not match 64, the result's shape without axis 0}}
  %r = tessera_tile.broadcast %t axis 0 : tensor<128xf32, #tessera_tile.slice<dim = 1, parent = #blocked>> -> tensor<128x64xf32, #blocked>
  return
}

// -----

#blocked = #tessera_tile.blocked<warps = [4, 1]>
func.func @broadcast_encoding(%t: tensor<128xf32, #tessera_tile.slice<dim = 0, parent = #blocked>>) {
  // expected-error @+1 {{'tessera_tile.broadcast' op input encoding #tessera_tile.slice<dim = 0, parent = #tessera_tile.blocked<warps = [4, 1]>> must be #tessera_tile.slice<dim = 1, parent = #tessera_tile.blocked<warps = [4, 1]>>}}
  %r = tessera_tile.broadcast %t axis 1 : tensor<128xf32, #tessera_tile.slice<dim = 0, parent = #blocked>> -> tensor<128x64xf32, #blocked>
  return
}

// -----

func.func @range_rank() {
  // expected-error @+1 {{'tessera_tile.range' op result must have rank 1, got rank 2}}
  %r = tessera_tile.range 0 to 128 : tensor<128x4xi32, #tessera_tile.blocked<warps = [4, 1]>>
  return
}

// -----

func.func @range_type() {
  // expected-error @+1 {{'tessera_tile.range' op result element type 'i64' must be i32}}
  %r = tessera_tile.range 0 to 128 : tensor<128xi64, #tessera_tile.blocked<warps = [4]>>
  return
}

// -----

func.func @range_count() {
  // expected-error @+1 {{'tessera_tile.range' op range [0, 64) has 64 elements but the result has 128}}
  %r = tessera_tile.range 0 to 64 : tensor<128xi32, #tessera_tile.blocked<warps = [4]>>
  return
}

// -----

func.func @ws_registers_entries() {
  // expected-error @+1 {{'tessera_tile.warp_specialize' op partition_registers has 2 entries but partition_num_warps has 1}}
  "tessera_tile.warp_specialize"() <{partition_num_warps = array<i32: 4>, partition_registers = array<i32: 40, 40>}> ({
    tessera_tile.warp_yield
  }, {
    "tessera_tile.warp_partitions"() ({
      tessera_tile.warp_return
    }) : () -> ()
  }) : () -> ()
  return
}

// -----

func.func @ws_no_warps() {
  // expected-error @+1 {{'tessera_tile.warp_specialize' op partition 0 has 0 warps; it needs at least 1}}
  tessera_tile.warp_specialize()
  default {
    tessera_tile.warp_yield
  }
  partition0() num_warps(0) {
    tessera_tile.warp_return
  } : () -> ()
  return
}

// -----

func.func @ws_register_budget() {
  // expected-error @+1 {{'tessera_tile.warp_specialize' op partition 0 registers (20) must be a multiple of 8 in [24, 256]}}
  tessera_tile.warp_specialize()
  default {
    tessera_tile.warp_yield
  }
  partition0() num_warps(4) registers(20) {
    tessera_tile.warp_return
  } : () -> ()
  return
}

// -----

func.func @ws_register_warpgroup() {
  // expected-error @+1 {{'tessera_tile.warp_specialize' op partition 1 asks for registers(40) with 2 warps; setmaxnreg needs whole warpgroups (a multiple of 4 warps)}}
  tessera_tile.warp_specialize()
  default {
    tessera_tile.warp_yield
  }
  partition0() num_warps(4) registers(40) {
    tessera_tile.warp_return
  }
  partition1() num_warps(2) registers(40) {
    tessera_tile.warp_return
  } : () -> ()
  return
}

// -----

func.func @ws_default_registers() {
  // expected-error @+1 {{'tessera_tile.warp_specialize' op default registers (300) must be a multiple of 8 in [24, 256]}}
  tessera_tile.warp_specialize()
  default registers(300) {
    tessera_tile.warp_yield
  }
  partition0() num_warps(4) {
    tessera_tile.warp_return
  } : () -> ()
  return
}

// -----

func.func @ws_too_many_warps() {
  // expected-error @+1 {{'tessera_tile.warp_specialize' op partitions hold 32 warps; with the default region's that exceeds a block's 32}}
  tessera_tile.warp_specialize()
  default {
    tessera_tile.warp_yield
  }
  partition0() num_warps(16) {
    tessera_tile.warp_return
  }
  partition1() num_warps(16) {
    tessera_tile.warp_return
  } : () -> ()
  return
}

// -----

func.func @ws_default_args() {
  // expected-error @+1 {{'tessera_tile.warp_specialize' op default region must have no arguments, got 1}}
  "tessera_tile.warp_specialize"() <{partition_num_warps = array<i32: 4>}> ({
  ^bb0(%x: index):
    tessera_tile.warp_yield
  }, {
    "tessera_tile.warp_partitions"() ({
      tessera_tile.warp_return
    }) : () -> ()
  }) : () -> ()
  return
}

// -----

func.func @ws_default_terminator() {
  // expected-error @+1 {{'tessera_tile.warp_specialize' op default region must end with tessera_tile.warp_yield}}
  tessera_tile.warp_specialize()
  default {
    llvm.unreachable
  }
  partition0() num_warps(4) {
    tessera_tile.warp_return
  } : () -> ()
  return
}

// -----

func.func @ws_yield_types(%x: f32) {
  // expected-error @+1 {{'tessera_tile.warp_specialize' op default region yields ('f32') but the op's results are ('f32', 'f32')}}
  %r:2 = tessera_tile.warp_specialize()
  default {
    tessera_tile.warp_yield %x : f32
  }
  partition0() num_warps(4) {
    tessera_tile.warp_return
  } : () -> (f32, f32)
  return
}

// -----

func.func @ws_holder() {
  // expected-error @+1 {{'tessera_tile.warp_specialize' op partition holder must hold only a tessera_tile.warp_partitions}}
  "tessera_tile.warp_specialize"() <{partition_num_warps = array<i32: 4>}> ({
    tessera_tile.warp_yield
  }, {
    %c0 = arith.constant 0 : index
    "tessera_tile.warp_partitions"() ({
      tessera_tile.warp_return
    }) : () -> ()
  }) : () -> ()
  return
}

// -----

func.func @ws_partition_count() {
  // expected-error @+1 {{'tessera_tile.warp_specialize' op has 1 partitions but partition_num_warps has 2 entries}}
  "tessera_tile.warp_specialize"() <{partition_num_warps = array<i32: 4, 4>}> ({
    tessera_tile.warp_yield
  }, {
    "tessera_tile.warp_partitions"() ({
      tessera_tile.warp_return
    }) : () -> ()
  }) : () -> ()
  return
}

// -----

func.func @ws_capture_types(%n: index) {
  // expected-error @+1 {{'tessera_tile.warp_specialize' op partition 0 takes ('i32') but the captures are ('index')}}
  tessera_tile.warp_specialize(%n)
  default {
    tessera_tile.warp_yield
  }
  partition0(%m: i32) num_warps(4) {
    tessera_tile.warp_return
  } : (index) -> ()
  return
}

// -----

func.func @ws_isolated(%n: index) {
  // expected-note @+1 {{required by region isolation constraints}}
  tessera_tile.warp_specialize()
  default {
    tessera_tile.warp_yield
  }
  partition0() num_warps(4) {
    // expected-error @+1 {{using value defined outside the region}}
    %m = arith.addi %n, %n : index
    tessera_tile.warp_return
  } : () -> ()
  return
}

// -----

func.func @ws_partition_name() {
  tessera_tile.warp_specialize()
  default {
    tessera_tile.warp_yield
  }
  // expected-error @+1 {{expected 'partition0', got 'partition1'}}
  partition1() num_warps(4) {
    tessera_tile.warp_return
  } : () -> ()
  return
}

// -----

#blocked = #tessera_tile.blocked<warps = [4]>
func.func @gather_offsets_type(%b: memref<?xf32>, %o: tensor<128xi32, #blocked>) {
  // expected-error @+1 {{offsets must be a tile of index, not of 'i32'}}
  %x = tessera_tile.gather %b[%o] : memref<?xf32>, tensor<128xi32, #blocked> -> tensor<128xf32, #blocked>
  return
}

// -----

#blocked = #tessera_tile.blocked<warps = [4]>
#other = #tessera_tile.blocked<warps = [2]>
func.func @gather_encoding(%b: memref<?xf32>, %o: tensor<128xindex, #blocked>) {
  // expected-error @+1 {{offsets 'tensor<128xindex, #tessera_tile.blocked<warps = [4]>>' and result must have one shape and encoding, but the result is 'tensor<128xf32, #tessera_tile.blocked<warps = [2]>>'}}
  %x = tessera_tile.gather %b[%o] : memref<?xf32>, tensor<128xindex, #blocked> -> tensor<128xf32, #other>
  return
}

// -----

#blocked = #tessera_tile.blocked<warps = [4]>
func.func @gather_element(%b: memref<?xf16>, %o: tensor<128xindex, #blocked>) {
  // expected-error @+1 {{result element type 'f32' does not match source element type 'f16'}}
  %x = tessera_tile.gather %b[%o] : memref<?xf16>, tensor<128xindex, #blocked> -> tensor<128xf32, #blocked>
  return
}

// -----

#blocked = #tessera_tile.blocked<warps = [4]>
func.func @gather_shared(%b: memref<?xf32, #gpu.address_space<workgroup>>, %o: tensor<128xindex, #blocked>) {
  // expected-error @+1 {{source 'memref<?xf32, #gpu.address_space<workgroup>>' must be in global memory, not shared memory}}
  %x = tessera_tile.gather %b[%o] : memref<?xf32, #gpu.address_space<workgroup>>, tensor<128xindex, #blocked> -> tensor<128xf32, #blocked>
  return
}

// -----

#blocked = #tessera_tile.blocked<warps = [4]>
#other = #tessera_tile.blocked<warps = [2]>
func.func @map_encoding(%x: tensor<128xf32, #blocked>) {
  // expected-error @+1 {{input 0 'tensor<128xf32, #tessera_tile.blocked<warps = [4]>>' does not have the result's shape and encoding ('tensor<128xf32, #tessera_tile.blocked<warps = [2]>>')}}
  %r = tessera_tile.map ins(%x : tensor<128xf32, #blocked>) {
  ^bb0(%a: f32):
    tessera_tile.map_yield %a : f32
  } -> tensor<128xf32, #other>
  return
}

// -----

#blocked = #tessera_tile.blocked<warps = [4]>
func.func @map_arguments(%x: tensor<128xf32, #blocked>) {
  // expected-error @+1 {{body has 2 arguments for 1 inputs}}
  %r = tessera_tile.map ins(%x : tensor<128xf32, #blocked>) {
  ^bb0(%a: f32, %b: f32):
    tessera_tile.map_yield %a : f32
  } -> tensor<128xf32, #blocked>
  return
}

// -----

#blocked = #tessera_tile.blocked<warps = [4]>
func.func @map_argument_type(%x: tensor<128xf32, #blocked>) {
  // expected-error @+1 {{body argument 0 has type 'f16', not input 0's element type 'f32'}}
  %r = tessera_tile.map ins(%x : tensor<128xf32, #blocked>) {
  ^bb0(%a: f16):
    %e = arith.extf %a : f16 to f32
    tessera_tile.map_yield %e : f32
  } -> tensor<128xf32, #blocked>
  return
}

// -----

#blocked = #tessera_tile.blocked<warps = [4]>
func.func @map_yield_type(%x: tensor<128xf32, #blocked>) {
  // expected-error @+1 {{body yields 'f32', not the result's element type 'f16'}}
  %r = tessera_tile.map ins(%x : tensor<128xf32, #blocked>) {
  ^bb0(%a: f32):
    tessera_tile.map_yield %a : f32
  } -> tensor<128xf16, #blocked>
  return
}

// -----

func.func @trans_rank(%s: !tessera_tile.smem<64xf16>) {
  // expected-error @+1 {{'tessera_tile.trans' op buffer '!tessera_tile.smem<64xf16>' has rank 1; a transpose swaps the last two dimensions}}
  %t = tessera_tile.trans %s : !tessera_tile.smem<64xf16> -> !tessera_tile.smem<64xf16>
  return
}

// -----

func.func @trans_type(%s: !tessera_tile.smem<64x32xf16>) {
  // expected-error @+1 {{'tessera_tile.trans' op result '!tessera_tile.smem<32x64xf16>' is not '!tessera_tile.smem<32x64xf16, #tessera_tile.smem_layout<transposed = true>>', the buffer's transpose}}
  %t = tessera_tile.trans %s : !tessera_tile.smem<64x32xf16> -> !tessera_tile.smem<32x64xf16>
  return
}

// -----

// expected-error @+1 {{a transposed shared buffer must have rank 2 or more}}
func.func @transposed_rank(%s: !tessera_tile.smem<64xf16, #tessera_tile.smem_layout<transposed = true>>) { return }

// -----

func.func @copy_into_transposed(%a: memref<?x?xf16, strided<[?, 1]>>, %s: !tessera_tile.smem<64x32xf16, #tessera_tile.smem_layout<transposed = true>>, %i: index) {
  // expected-error @+1 {{'tessera_tile.box_copy' op copies into '!tessera_tile.smem<64x32xf16, #tessera_tile.smem_layout<transposed = true>>', a transposed view; copy into the buffer in the source's order and transpose it with tessera_tile.trans}}
  %t = tessera_tile.box_copy %a[%i, %i], %s : memref<?x?xf16, strided<[?, 1]>>, !tessera_tile.smem<64x32xf16, #tessera_tile.smem_layout<transposed = true>> -> !tessera_tile.async_token
  return
}

// -----

func.func @align_no_offset() {
  // expected-error @+1 {{'tessera_tile.alloc_shared' op align (1024) needs an offset that is a multiple of it}}
  %s = tessera_tile.alloc_shared align 1024 : memref<512xf16, #gpu.address_space<workgroup>>
  return
}

// -----

func.func @align_offset() {
  // expected-error @+1 {{'tessera_tile.alloc_shared' op align (1024) needs an offset that is a multiple of it}}
  %s = tessera_tile.alloc_shared offset 512 align 1024 : memref<512xf16, #gpu.address_space<workgroup>>
  return
}

// -----

func.func @align_power() {
  // expected-error @+1 {{'tessera_tile.alloc_shared' op align (48) must be a power of 2, at least 16}}
  %s = tessera_tile.alloc_shared offset 0 align 48 : memref<512xf16, #gpu.address_space<workgroup>>
  return
}

// -----

!map = !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
func.func @desc_token(%a: memref<?x?xf16>, %s: !tessera_tile.smem<64x64xf16, #tessera_tile.smem_layout<swizzle = 128>>, %i: index, %d: !map) {
  // expected-error @+1 {{'tessera_tile.box_copy' op copies through a tensor descriptor, which completes on an mbarrier: give it 'arrive'}}
  %t = tessera_tile.box_copy %a[%i, %i], %s desc %d : memref<?x?xf16>, !tessera_tile.smem<64x64xf16, #tessera_tile.smem_layout<swizzle = 128>> desc !map -> !tessera_tile.async_token
  return
}

// -----

!map = !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
func.func @desc_plain(%a: memref<?x?xf16>, %s: !tessera_tile.smem<64x64xf16>, %i: index, %d: !map, %b: !tessera_tile.mbarrier<1>) {
  // expected-error @+1 {{'tessera_tile.box_copy' op copies through a tensor descriptor into '!tessera_tile.smem<64x64xf16>', which has no swizzle; the descriptor writes its swizzled layout}}
  tessera_tile.box_copy %a[%i, %i], %s desc %d arrive %b[%i] : memref<?x?xf16>, !tessera_tile.smem<64x64xf16>, !tessera_tile.mbarrier<1> desc !map
  return
}

// -----

#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [2, 2]>
func.func @dot_async_outside_loop(%a: !tessera_tile.smem<64x32xf16>, %b: !tessera_tile.smem<32x32xf16>, %c: tensor<64x32xf32, #acc>) {
  // expected-error @+1 {{'tessera_tile.dot' op is async, so its result must be read only through tessera_tile.dot_wait, or its accumulator carried by the scf.for around it: the loop's iteration argument in, yielded at the same position and used nowhere else}}
  %d = tessera_tile.dot %a, %b, %c async {mma = #mma} : !tessera_tile.smem<64x32xf16>, !tessera_tile.smem<32x32xf16> -> tensor<64x32xf32, #acc>
  return
}

// -----

#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [2, 2]>
func.func @dot_async_used(%a: !tessera_tile.smem<64x32xf16>, %b: !tessera_tile.smem<32x32xf16>, %c: tensor<64x32xf32, #acc>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %c) -> tensor<64x32xf32, #acc> {
    // expected-error @+1 {{'tessera_tile.dot' op is async, so its result must be read only through tessera_tile.dot_wait, or its accumulator carried by the scf.for around it: the loop's iteration argument in, yielded at the same position and used nowhere else}}
    %d = tessera_tile.dot %a, %b, %acc async {mma = #mma} : !tessera_tile.smem<64x32xf16>, !tessera_tile.smem<32x32xf16> -> tensor<64x32xf32, #acc>
    %e = arith.addf %d, %d : tensor<64x32xf32, #acc>
    scf.yield %e : tensor<64x32xf32, #acc>
  }
  return
}

// -----

func.func @local_load_box_indices(%s: !tessera_tile.smem<64x64xf32>, %i: index) {
  // expected-error @+1 {{'tessera_tile.local_load' op has 1 indices for a buffer of rank 2}}
  %t = tessera_tile.local_load %s[%i] : !tessera_tile.smem<64x64xf32> -> tensor<8x64xf32, #tessera_tile.blocked<warps = [8, 1]>>
  return
}

// -----

func.func @local_load_box_type(%s: !tessera_tile.smem<64x64xf32>, %i: index) {
  // expected-error @+1 {{'tessera_tile.local_load' op result element type 'f16' does not match the buffer's 'f32'}}
  %t = tessera_tile.local_load %s[%i, %i] : !tessera_tile.smem<64x64xf32> -> tensor<8x64xf16, #tessera_tile.blocked<warps = [8, 1]>>
  return
}

// -----

func.func @local_load_box_rank(%s: !tessera_tile.smem<64x64xf32>, %i: index) {
  // expected-error @+1 {{'tessera_tile.local_load' op result rank (1) does not match the buffer's (2)}}
  %t = tessera_tile.local_load %s[%i, %i] : !tessera_tile.smem<64x64xf32> -> tensor<64xf32, #tessera_tile.blocked<warps = [2]>>
  return
}

// -----

func.func @local_load_box_fit(%s: !tessera_tile.smem<64x64xf32>, %i: index) {
  // expected-error @+1 {{'tessera_tile.local_load' op result shape 8x128 does not fit in the buffer's 64x64}}
  %t = tessera_tile.local_load %s[%i, %i] : !tessera_tile.smem<64x64xf32> -> tensor<8x128xf32, #tessera_tile.blocked<warps = [8, 1]>>
  return
}

// -----

func.func @local_load_box_range(%s: !tessera_tile.smem<64x64xf32>, %i: index) {
  %c60 = arith.constant 60 : index
  // expected-error @+1 {{'tessera_tile.local_load' op box [60, 68) along dim 0 is outside the buffer's size 64}}
  %t = tessera_tile.local_load %s[%c60, %i] : !tessera_tile.smem<64x64xf32> -> tensor<8x64xf32, #tessera_tile.blocked<warps = [8, 1]>>
  return
}

// -----

#mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [4, 1]>
!swz = !tessera_tile.smem<64x64xf16, #tessera_tile.smem_layout<swizzle = 128>>
func.func @dot_async_read_unwaited(%a: !swz, %c: tensor<64x64xf32, #acc>, %n: index) -> tensor<64x64xf32, #acc> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %c) -> tensor<64x64xf32, #acc> {
    // expected-error @+1 {{'tessera_tile.dot' op is async, so the loop's result it carries must be read through a tessera_tile.dot_wait (or a later dot), not by 'func.return'}}
    %d = tessera_tile.dot %a, %a, %acc async {mma = #mma} : !swz, !swz -> tensor<64x64xf32, #acc>
    scf.yield %d : tensor<64x64xf32, #acc>
  }
  return %r : tensor<64x64xf32, #acc>
}

// -----

func.func @dot_wait_nothing() {
  // expected-error @+1 {{'tessera_tile.dot_wait' op needs at least one accumulator}}
  "tessera_tile.dot_wait"() : () -> ()
  return
}

// -----

#blocked = #tessera_tile.blocked<warps = [4, 1], threads = [8, 4], per_thread = [2, 2]>
func.func @dot_wait_not_an_accumulator(%t: tensor<64x8xf32, #blocked>) {
  // expected-error @+1 {{'tessera_tile.dot_wait' op operand 0 is 'tensor<64x8xf32, #tessera_tile.blocked<warps = [4, 1], threads = [8, 4], per_thread = [2, 2]>>'; dot_wait passes on dot accumulators (#tessera_tile.mma_acc encoding)}}
  %w = tessera_tile.dot_wait %t : tensor<64x8xf32, #blocked>
  return
}


// -----

#wg = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>
#wgacc = #tessera_tile.mma_acc<mma = #wg, warps = [4, 1]>
func.func @dot_wait_too_many_pending(%t: tensor<64x64xf32, #wgacc>) {
  // expected-error @+1 {{'tessera_tile.dot_wait' op leaves 8 dots pending; wgmma's wait_group allows 0 to 7}}
  %w = tessera_tile.dot_wait %t pending 8 : tensor<64x64xf32, #wgacc>
  return
}

// -----

#swz128 = #tessera_tile.smem_layout<swizzle = 128>
#wg = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>
#wgacc = #tessera_tile.mma_acc<mma = #wg, warps = [4, 1]>
func.func @dot_in_flight_sync(%s: !tessera_tile.smem<64x64xf16, #swz128>, %acc: tensor<64x64xf32, #wgacc>) {
  // expected-error @+1 {{'tessera_tile.dot' op sets in_flight = 2 on a synchronous dot; only async dots stay in flight}}
  %d = tessera_tile.dot %s, %s, %acc in_flight 2 {mma = #wg} : !tessera_tile.smem<64x64xf16, #swz128>, !tessera_tile.smem<64x64xf16, #swz128> -> tensor<64x64xf32, #wgacc>
  return
}

// -----

#swz128 = #tessera_tile.smem_layout<swizzle = 128>
#wg = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>
#wgacc = #tessera_tile.mma_acc<mma = #wg, warps = [4, 1]>
func.func @dot_in_flight_range(%s: !tessera_tile.smem<64x64xf16, #swz128>, %acc: tensor<64x64xf32, #wgacc>) {
  // expected-error @+1 {{'tessera_tile.dot' op sets in_flight = 8; wgmma's wait_group leaves 1 to 7 dots (this one included) in flight}}
  %d = tessera_tile.dot %s, %s, %acc async in_flight 8 {mma = #wg} : !tessera_tile.smem<64x64xf16, #swz128>, !tessera_tile.smem<64x64xf16, #swz128> -> tensor<64x64xf32, #wgacc>
  return
}

// -----

#cb = #tessera_tile.blocked<warps = [1, 8], threads = [1, 32], per_thread = [1, 8]>
#crow = #tessera_tile.slice<dim = 1, parent = #cb>
func.func @cluster_reduce_without_cluster(%t: tensor<1xf32, #crow>) {
  // expected-error @+1 {{'tessera_tile.cluster_reduce' op combines the blocks of a cluster, but its kernel has no 'tessera.cluster' of 2 or more blocks}}
  %r = tessera_tile.cluster_reduce add %t : tensor<1xf32, #crow>
  return
}

// -----

#cb = #tessera_tile.blocked<warps = [1, 8], threads = [1, 32], per_thread = [1, 8]>
#crow = #tessera_tile.slice<dim = 1, parent = #cb>
func.func @cluster_reduce_one_block(%t: tensor<1xf32, #crow>) attributes {tessera.cluster = 1 : i64} {
  // expected-error @+1 {{'tessera_tile.cluster_reduce' op combines the blocks of a cluster, but its kernel has no 'tessera.cluster' of 2 or more blocks}}
  %r = tessera_tile.cluster_reduce add %t : tensor<1xf32, #crow>
  return
}

// -----

#cb = #tessera_tile.blocked<warps = [1, 8], threads = [1, 32], per_thread = [1, 8]>
#crow = #tessera_tile.slice<dim = 1, parent = #cb>
func.func @cluster_reduce_index(%t: tensor<1xindex, #crow>) attributes {tessera.cluster = 2 : i64} {
  // expected-error @+1 {{'tessera_tile.cluster_reduce' op element type 'index' must be a float or an integer}}
  %r = tessera_tile.cluster_reduce add %t : tensor<1xindex, #crow>
  return
}
