// RUN: tessera-opt %s | tessera-opt | FileCheck %s
// RUN: tessera-opt %s -mlir-print-op-generic | tessera-opt | FileCheck %s

// CHECK-LABEL: func.func @block
func.func @block() -> index {
  // CHECK: %[[PID:.*]] = tessera_tile.program_id 0
  %pid = tessera_tile.program_id 0
  // CHECK: tessera_tile.program_id 2
  %pid2 = tessera_tile.program_id 2
  // CHECK: tessera_tile.alloc_shared : memref<128x32xf16, #gpu.address_space<workgroup>>
  %smem = tessera_tile.alloc_shared : memref<128x32xf16, #gpu.address_space<workgroup>>
  // CHECK: tessera_tile.barrier
  tessera_tile.barrier
  // CHECK: return %[[PID]]
  return %pid : index
}

// CHECK-LABEL: func.func @masked
func.func @masked(%a: memref<?xf32>, %i: index, %in: i1) {
  %zero = arith.constant 0.0 : f32
  // CHECK: %[[X:.*]] = tessera_tile.load %{{.*}}[%{{.*}}] mask %{{.*}}, %{{.*}} : memref<?xf32>
  %x = tessera_tile.load %a[%i] mask %in, %zero : memref<?xf32>
  // CHECK: %[[Y:.*]] = tessera_tile.load %{{.*}}[%{{.*}}] : memref<?xf32>
  %y = tessera_tile.load %a[%i] : memref<?xf32>
  // CHECK: tessera_tile.store %[[X]], %{{.*}}[%{{.*}}] mask %{{.*}} : memref<?xf32>
  tessera_tile.store %x, %a[%i] mask %in : memref<?xf32>
  // CHECK: tessera_tile.store %[[Y]], %{{.*}}[%{{.*}}] : memref<?xf32>
  tessera_tile.store %y, %a[%i] : memref<?xf32>
  return
}

// CHECK-LABEL: func.func @tensor_cores
func.func @tensor_cores(%a: memref<?xf16>, %i: index, %n: index) -> vector<2x2xf32> {
  %smem = tessera_tile.alloc_shared : memref<5120xf16, #gpu.address_space<workgroup>>
  // CHECK: tessera_tile.copy_async %{{.*}}[%{{.*}}], %{{.*}}[%{{.*}}], 8 valid %{{.*}} : memref<?xf16> to memref<5120xf16, #gpu.address_space<workgroup>>
  tessera_tile.copy_async %a[%i], %smem[%i], 8 valid %n : memref<?xf16> to memref<5120xf16, #gpu.address_space<workgroup>>
  // CHECK: tessera_tile.async_commit
  tessera_tile.async_commit
  // CHECK: tessera_tile.async_wait 1
  tessera_tile.async_wait 1
  // CHECK: %[[A:.*]] = tessera_tile.load_matrix %{{.*}}[%{{.*}}] : memref<5120xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
  %fa = tessera_tile.load_matrix %smem[%i] : memref<5120xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
  // CHECK: tessera_tile.load_matrix %{{.*}}[%{{.*}}] transpose : memref<5120xf16, #gpu.address_space<workgroup>> -> vector<2x2xf16>
  %fb = tessera_tile.load_matrix %smem[%i] transpose : memref<5120xf16, #gpu.address_space<workgroup>> -> vector<2x2xf16>
  %c = arith.constant dense<0.0> : vector<2x2xf32>
  // CHECK: tessera_tile.mma %[[A]], %{{.*}}, %{{.*}} : vector<4x2xf16>, vector<2x2xf16> -> vector<2x2xf32>
  %d = tessera_tile.mma %fa, %fb, %c : vector<4x2xf16>, vector<2x2xf16> -> vector<2x2xf32>
  return %d : vector<2x2xf32>
}

//===----------------------------------------------------------------------===//
// Block-level ops
//===----------------------------------------------------------------------===//

#blocked = #tessera_tile.blocked<warps = [4, 1]>
#lanes = #tessera_tile.blocked<warps = [4, 2], threads = [8, 4], per_thread = [1, 8]>
#wgmma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 16>
#acc = #tessera_tile.mma_acc<mma = #wgmma, warps = [4, 1]>
#mma16 = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc16 = #tessera_tile.mma_acc<mma = #mma16, warps = [2, 2]>
#opa = #tessera_tile.dot_operand<index = 0, parent = #acc16>
#opb = #tessera_tile.dot_operand<index = 1, parent = #acc16>
#row = #tessera_tile.slice<dim = 1, parent = #blocked>
#swz = #tessera_tile.smem_layout<swizzle = 128>
!gmem = memref<?x?xf16, strided<[?, 1], offset: ?>>

// CHECK-LABEL: func.func @shared_buffers
func.func @shared_buffers(%i: index) -> tensor<64x64xf16, #lanes> {
  // CHECK: %[[RING:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<3x64x64xf16, #smem_layout{{[0-9]*}}>
  %ring = tessera_tile.local_alloc : !tessera_tile.smem<3x64x64xf16, #swz>
  // CHECK: tessera_tile.local_alloc offset 1024 : !tessera_tile.smem<64x64xf32, #smem_layout{{[0-9]*}}>
  %pad = tessera_tile.local_alloc offset 1024 : !tessera_tile.smem<64x64xf32, #tessera_tile.smem_layout<pad = 4>>
  // CHECK: tessera_tile.local_alloc : !tessera_tile.smem<16x16xi8>
  %plain = tessera_tile.local_alloc : !tessera_tile.smem<16x16xi8, #tessera_tile.smem_layout<>>
  // CHECK: %[[SLOT:.*]] = tessera_tile.slot %[[RING]][%{{.*}}] : !tessera_tile.smem<3x64x64xf16, #smem_layout{{[0-9]*}}> -> !tessera_tile.smem<64x64xf16, #smem_layout{{[0-9]*}}>
  %slot = tessera_tile.slot %ring[%i] : !tessera_tile.smem<3x64x64xf16, #swz> -> !tessera_tile.smem<64x64xf16, #swz>
  // CHECK: %[[T:.*]] = tessera_tile.local_load %[[SLOT]] : !tessera_tile.smem<64x64xf16, #smem_layout{{[0-9]*}}> -> tensor<64x64xf16, #blocked{{[0-9]*}}>
  %t = tessera_tile.local_load %slot : !tessera_tile.smem<64x64xf16, #swz> -> tensor<64x64xf16, #lanes>
  // CHECK: tessera_tile.local_store %[[T]], %[[SLOT]] : tensor<64x64xf16, #blocked{{[0-9]*}}>, !tessera_tile.smem<64x64xf16, #smem_layout{{[0-9]*}}>
  tessera_tile.local_store %t, %slot : tensor<64x64xf16, #lanes>, !tessera_tile.smem<64x64xf16, #swz>
  return %t : tensor<64x64xf16, #lanes>
}

// A buffer seen transposed: the same bytes, its stored rows the columns.
// CHECK-LABEL: func.func @transposed_view
// CHECK: tessera_tile.trans %{{.*}} : !tessera_tile.smem<128x64xf16, #smem_layout{{[0-9]*}}> -> !tessera_tile.smem<64x128xf16, #smem_layout{{[0-9]*}}>
// CHECK: tessera_tile.alloc_shared offset 2048 : memref<64xf32, #gpu.address_space<workgroup>>
func.func @transposed_view() -> !tessera_tile.smem<64x128xf16, #tessera_tile.smem_layout<pad = 8, transposed = true>> {
  %b = tessera_tile.local_alloc : !tessera_tile.smem<128x64xf16, #tessera_tile.smem_layout<pad = 8>>
  %bt = tessera_tile.trans %b : !tessera_tile.smem<128x64xf16, #tessera_tile.smem_layout<pad = 8>> -> !tessera_tile.smem<64x128xf16, #tessera_tile.smem_layout<pad = 8, transposed = true>>
  %x = tessera_tile.alloc_shared offset 2048 : memref<64xf32, #gpu.address_space<workgroup>>
  return %bt : !tessera_tile.smem<64x128xf16, #tessera_tile.smem_layout<pad = 8, transposed = true>>
}

// CHECK-LABEL: func.func @box_copies
func.func @box_copies(%a: !gmem, %m: index, %k: index, %i: index, %p: i1, %phase: i1) {
  %ring = tessera_tile.local_alloc : !tessera_tile.smem<3x128x64xf16, #swz>
  %slot = tessera_tile.slot %ring[%i] : !tessera_tile.smem<3x128x64xf16, #swz> -> !tessera_tile.smem<128x64xf16, #swz>
  // CHECK: %[[TOK:.*]] = tessera_tile.box_copy %{{.*}}[%{{.*}}, %{{.*}}], %{{.*}} : memref<?x?xf16, strided<[?, 1], offset: ?>>, !tessera_tile.smem<128x64xf16, #smem_layout{{[0-9]*}}> -> !tessera_tile.async_token
  %tok = tessera_tile.box_copy %a[%m, %k], %slot : !gmem, !tessera_tile.smem<128x64xf16, #swz> -> !tessera_tile.async_token
  // CHECK: %[[TOK2:.*]] = tessera_tile.box_copy %{{.*}}[%{{.*}}, %{{.*}}], %{{.*}} if %{{.*}} : {{.*}} -> !tessera_tile.async_token
  %tok2 = tessera_tile.box_copy %a[%m, %k], %slot if %p : !gmem, !tessera_tile.smem<128x64xf16, #swz> -> !tessera_tile.async_token
  // CHECK: tessera_tile.wait %[[TOK]], %[[TOK2]]
  tessera_tile.wait %tok, %tok2
  // CHECK: %[[TOK3:.*]] = tessera_tile.box_copy %{{.*}}[%{{.*}}, %{{.*}}], %{{.*}} aligned : {{.*}} -> !tessera_tile.async_token
  %tok3 = tessera_tile.box_copy %a[%m, %k], %slot aligned : !gmem, !tessera_tile.smem<128x64xf16, #swz> -> !tessera_tile.async_token
  // CHECK: tessera_tile.wait %[[TOK3]] pending 2
  tessera_tile.wait %tok3 pending 2
  // CHECK: %[[BARS:.*]] = tessera_tile.mbarrier_alloc arrivals 1 : !tessera_tile.mbarrier<3>
  %bars = tessera_tile.mbarrier_alloc arrivals 1 : !tessera_tile.mbarrier<3>
  // CHECK: tessera_tile.mbarrier_alloc arrivals 2 offset 64 : !tessera_tile.mbarrier<1>
  %one = tessera_tile.mbarrier_alloc arrivals 2 offset 64 : !tessera_tile.mbarrier<1>
  // CHECK: tessera_tile.box_copy %{{.*}}[%{{.*}}, %{{.*}}], %{{.*}} arrive %[[BARS]][%{{.*}}] : memref<?x?xf16, strided<[?, 1], offset: ?>>, !tessera_tile.smem<128x64xf16, #smem_layout{{[0-9]*}}>, !tessera_tile.mbarrier<3>
  tessera_tile.box_copy %a[%m, %k], %slot arrive %bars[%i] : !gmem, !tessera_tile.smem<128x64xf16, #swz>, !tessera_tile.mbarrier<3>
  // CHECK: tessera_tile.mbarrier_wait %[[BARS]][%{{.*}}], %{{.*}} : !tessera_tile.mbarrier<3>
  tessera_tile.mbarrier_wait %bars[%i], %phase : !tessera_tile.mbarrier<3>
  // CHECK: tessera_tile.mbarrier_arrive %[[BARS]][%{{.*}}] : !tessera_tile.mbarrier<3>
  tessera_tile.mbarrier_arrive %bars[%i] : !tessera_tile.mbarrier<3>
  // CHECK: tessera_tile.mbarrier_arrive %[[BARS]][%{{.*}}] per_warp : !tessera_tile.mbarrier<3>
  tessera_tile.mbarrier_arrive %bars[%i] per_warp : !tessera_tile.mbarrier<3>
  return
}

// CHECK-LABEL: func.func @global_tiles
func.func @global_tiles(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %y: !gmem, %m: index, %n: index) {
  // CHECK: %[[X:.*]] = tessera_tile.load_tile %{{.*}}[%{{.*}}, %{{.*}}] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> tensor<128x64xf32, #blocked{{[0-9]*}}>
  %v = tessera_tile.load_tile %x[%m, %n] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> tensor<128x64xf32, #blocked>
  // CHECK: tessera_tile.store_tile %[[X]], %{{.*}}[%{{.*}}, %{{.*}}] : tensor<128x64xf32, #blocked{{[0-9]*}}>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  tessera_tile.store_tile %v, %x[%m, %n] : tensor<128x64xf32, #blocked>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  // CHECK: tessera_tile.load_tile %{{.*}}[%{{.*}}, %{{.*}}] in_bounds : memref<?x?xf32, strided<[?, 1], offset: ?>> -> tensor<128x64xf32, #blocked{{[0-9]*}}>
  %w = tessera_tile.load_tile %x[%m, %n] in_bounds : memref<?x?xf32, strided<[?, 1], offset: ?>> -> tensor<128x64xf32, #blocked>
  // CHECK: tessera_tile.store_tile %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] in_bounds : tensor<128x64xf32, #blocked{{[0-9]*}}>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  tessera_tile.store_tile %w, %x[%m, %n] in_bounds : tensor<128x64xf32, #blocked>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  // A box that ends exactly at a static size is in bounds.
  // CHECK: tessera_tile.load_tile %{{.*}}[%{{.*}}, %{{.*}}] in_bounds : memref<128x?xf32> -> tensor<128x64xf32, #blocked{{[0-9]*}}>
  %c0_ib = arith.constant 0 : index
  %fit = memref.alloc(%n) : memref<128x?xf32>
  %u = tessera_tile.load_tile %fit[%c0_ib, %n] in_bounds : memref<128x?xf32> -> tensor<128x64xf32, #blocked>
  %h = arith.truncf %v : tensor<128x64xf32, #blocked> to tensor<128x64xf16, #blocked>
  %stage = tessera_tile.local_alloc : !tessera_tile.smem<128x64xf16, #swz>
  // CHECK: tessera_tile.store_tile %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] through %{{.*}} : tensor<128x64xf16, #blocked{{[0-9]*}}>, memref<?x?xf16, strided<[?, 1], offset: ?>>, !tessera_tile.smem<128x64xf16, #smem_layout{{[0-9]*}}>
  tessera_tile.store_tile %h, %y[%m, %n] through %stage : tensor<128x64xf16, #blocked>, !gmem, !tessera_tile.smem<128x64xf16, #swz>
  return
}

// CHECK-LABEL: func.func @gather
func.func @gather(%b: memref<?xf32>, %offsets: tensor<128x64xindex, #blocked>) -> tensor<128x64xf32, #blocked> {
  // CHECK: tessera_tile.gather %{{.*}}[%{{.*}}] : memref<?xf32>, tensor<128x64xindex, #blocked{{[0-9]*}}> -> tensor<128x64xf32, #blocked{{[0-9]*}}>
  %x = tessera_tile.gather %b[%offsets] : memref<?xf32>, tensor<128x64xindex, #blocked> -> tensor<128x64xf32, #blocked>
  return %x : tensor<128x64xf32, #blocked>
}

// CHECK-LABEL: func.func @map
func.func @map(%x: tensor<128x64xf32, #blocked>, %y: tensor<128x64xf16, #blocked>) -> tensor<128x64xf16, #blocked> {
  // CHECK: tessera_tile.map ins(%{{.*}}, %{{.*}} : tensor<128x64xf32, #blocked{{[0-9]*}}>, tensor<128x64xf16, #blocked{{[0-9]*}}>) {
  // CHECK: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f16):
  // CHECK:   %[[E:.*]] = arith.extf %[[B]] : f16 to f32
  // CHECK:   %[[S:.*]] = arith.addf %[[A]], %[[E]] : f32
  // CHECK:   %[[T:.*]] = arith.truncf %[[S]] : f32 to f16
  // CHECK:   tessera_tile.map_yield %[[T]] : f16
  // CHECK: } -> tensor<128x64xf16, #blocked{{[0-9]*}}>
  %r = tessera_tile.map ins(%x, %y : tensor<128x64xf32, #blocked>, tensor<128x64xf16, #blocked>) {
  ^bb0(%a: f32, %b: f16):
    %e = arith.extf %b : f16 to f32
    %s = arith.addf %a, %e : f32
    %t = arith.truncf %s : f32 to f16
    tessera_tile.map_yield %t : f16
  } -> tensor<128x64xf16, #blocked>
  return %r : tensor<128x64xf16, #blocked>
}

// CHECK-LABEL: func.func @dots
func.func @dots(%sa: !tessera_tile.smem<128x64xf16, #swz>, %sb: !tessera_tile.smem<64x128xf16, #swz>,
                %ra: tensor<64x32xf16, #opa>, %rb: tensor<32x32xf16, #opb>)
    -> (tensor<128x128xf32, #acc>, tensor<64x32xf32, #acc16>) {
  %zero = arith.constant dense<0.0> : tensor<128x128xf32, #acc>
  // CHECK: tessera_tile.dot %{{.*}}, %{{.*}}, %{{.*}} {mma = #mma{{[0-9]*}}} : !tessera_tile.smem<128x64xf16, #smem_layout{{[0-9]*}}>, !tessera_tile.smem<64x128xf16, #smem_layout{{[0-9]*}}> -> tensor<128x128xf32, #acc{{[0-9]*}}>
  %d = tessera_tile.dot %sa, %sb, %zero {mma = #wgmma} : !tessera_tile.smem<128x64xf16, #swz>, !tessera_tile.smem<64x128xf16, #swz> -> tensor<128x128xf32, #acc>
  %zero16 = arith.constant dense<0.0> : tensor<64x32xf32, #acc16>
  // CHECK: tessera_tile.dot %{{.*}}, %{{.*}}, %{{.*}} {mma = #mma{{[0-9]*}}} : tensor<64x32xf16, #opnd{{[0-9]*}}>, tensor<32x32xf16, #opnd{{[0-9]*}}> -> tensor<64x32xf32, #acc{{[0-9]*}}>
  %e = tessera_tile.dot %ra, %rb, %zero16 {mma = #mma16} : tensor<64x32xf16, #opa>, tensor<32x32xf16, #opb> -> tensor<64x32xf32, #acc16>
  return %d, %e : tensor<128x128xf32, #acc>, tensor<64x32xf32, #acc16>
}

// CHECK-LABEL: func.func @mfma_shapes
func.func @mfma_shapes(%sa: !tessera_tile.smem<64x32xbf16>, %sb: !tessera_tile.smem<32x64xbf16>,
                       %c: tensor<64x64xf32, #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = mfma, m = 32, n = 32, k = 8>, warps = [2, 2]>>)
    -> tensor<64x64xf32, #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = mfma, m = 32, n = 32, k = 8>, warps = [2, 2]>> {
  // CHECK: tessera_tile.dot {{.*}} : !tessera_tile.smem<64x32xbf16>, !tessera_tile.smem<32x64xbf16> -> tensor<64x64xf32, #acc{{[0-9]*}}>
  %d = tessera_tile.dot %sa, %sb, %c {mma = #tessera_tile.mma<kind = mfma, m = 32, n = 32, k = 8>} : !tessera_tile.smem<64x32xbf16>, !tessera_tile.smem<32x64xbf16> -> tensor<64x64xf32, #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = mfma, m = 32, n = 32, k = 8>, warps = [2, 2]>>
  return %d : tensor<64x64xf32, #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = mfma, m = 32, n = 32, k = 8>, warps = [2, 2]>>
}

// A dot without tensor cores: fma, a blocked f32 accumulator (f64 for f64).
// CHECK-LABEL: func.func @fma_dots
func.func @fma_dots(%sa: !tessera_tile.smem<64x32xf32>, %sb: !tessera_tile.smem<32x64xf32>,
                    %da: !tessera_tile.smem<64x32xf64>, %db: !tessera_tile.smem<32x64xf64>,
                    %c: tensor<64x64xf32, #tessera_tile.blocked<warps = [4, 1], threads = [8, 4], per_thread = [1, 1]>>,
                    %e: tensor<64x64xf64, #tessera_tile.blocked<warps = [4, 1], threads = [8, 4], per_thread = [1, 1]>>) {
  // CHECK: tessera_tile.dot {{.*}} {mma = #mma{{[0-9]*}}} : !tessera_tile.smem<64x32xf32>, !tessera_tile.smem<32x64xf32> -> tensor<64x64xf32, #blocked{{[0-9]*}}>
  %d = tessera_tile.dot %sa, %sb, %c {mma = #tessera_tile.mma<kind = fma, m = 1, n = 1, k = 1>} : !tessera_tile.smem<64x32xf32>, !tessera_tile.smem<32x64xf32> -> tensor<64x64xf32, #tessera_tile.blocked<warps = [4, 1], threads = [8, 4], per_thread = [1, 1]>>
  // CHECK: tessera_tile.dot {{.*}} : !tessera_tile.smem<64x32xf64>, !tessera_tile.smem<32x64xf64> -> tensor<64x64xf64, #blocked{{[0-9]*}}>
  %f = tessera_tile.dot %da, %db, %e {mma = #tessera_tile.mma<kind = fma, m = 1, n = 1, k = 1>} : !tessera_tile.smem<64x32xf64>, !tessera_tile.smem<32x64xf64> -> tensor<64x64xf64, #tessera_tile.blocked<warps = [4, 1], threads = [8, 4], per_thread = [1, 1]>>
  return
}

// CHECK-LABEL: func.func @row_softmax
func.func @row_softmax(%s: tensor<128x64xf32, #blocked>) -> tensor<128x64xf32, #blocked> {
  // CHECK: %[[M:.*]] = tessera_tile.reduce max %{{.*}} axis 1 : tensor<128x64xf32, #blocked{{[0-9]*}}> -> tensor<128xf32, #slice{{[0-9]*}}>
  %m = tessera_tile.reduce max %s axis 1 : tensor<128x64xf32, #blocked> -> tensor<128xf32, #row>
  // CHECK: %[[MB:.*]] = tessera_tile.broadcast %[[M]] axis 1 : tensor<128xf32, #slice{{[0-9]*}}> -> tensor<128x64xf32, #blocked{{[0-9]*}}>
  %mb = tessera_tile.broadcast %m axis 1 : tensor<128xf32, #row> -> tensor<128x64xf32, #blocked>
  // CHECK: arith.subf %{{.*}}, %[[MB]] : tensor<128x64xf32, #blocked{{[0-9]*}}>
  %d = arith.subf %s, %mb : tensor<128x64xf32, #blocked>
  // CHECK: math.exp %{{.*}} : tensor<128x64xf32, #blocked{{[0-9]*}}>
  %e = math.exp %d : tensor<128x64xf32, #blocked>
  // CHECK: tessera_tile.reduce add %{{.*}} axis 1
  %l = tessera_tile.reduce add %e axis 1 : tensor<128x64xf32, #blocked> -> tensor<128xf32, #row>
  // CHECK: tessera_tile.reduce min %{{.*}} axis 0 : tensor<128x64xf32, #blocked{{[0-9]*}}> -> tensor<64xf32, #slice{{[0-9]*}}>
  %c = tessera_tile.reduce min %e axis 0 : tensor<128x64xf32, #blocked> -> tensor<64xf32, #tessera_tile.slice<dim = 0, parent = #blocked>>
  %lb = tessera_tile.broadcast %l axis 1 : tensor<128xf32, #row> -> tensor<128x64xf32, #blocked>
  %p = arith.divf %e, %lb : tensor<128x64xf32, #blocked>
  return %p : tensor<128x64xf32, #blocked>
}

// CHECK-LABEL: func.func @index_math
func.func @index_math(%row0: i32) -> tensor<128x64xi1, #blocked> {
  // CHECK: tessera_tile.range 0 to 128 : tensor<128xi32, #slice{{[0-9]*}}>
  %r = tessera_tile.range 0 to 128 : tensor<128xi32, #row>
  %c = tessera_tile.range 0 to 64 : tensor<64xi32, #tessera_tile.slice<dim = 0, parent = #blocked>>
  %off = tensor.splat %row0 : tensor<128xi32, #row>
  %rows = arith.addi %r, %off : tensor<128xi32, #row>
  %r2 = tessera_tile.broadcast %rows axis 1 : tensor<128xi32, #row> -> tensor<128x64xi32, #blocked>
  %c2 = tessera_tile.broadcast %c axis 0 : tensor<64xi32, #tessera_tile.slice<dim = 0, parent = #blocked>> -> tensor<128x64xi32, #blocked>
  // A causal mask: column <= row.
  %causal = arith.cmpi sle, %c2, %r2 : tensor<128x64xi32, #blocked>
  return %causal : tensor<128x64xi1, #blocked>
}

// CHECK-LABEL: func.func @layouts
func.func @layouts(%x: tensor<64x32xf32, #acc16>) -> tensor<64x32xf16, #opa> {
  %h = arith.truncf %x : tensor<64x32xf32, #acc16> to tensor<64x32xf16, #acc16>
  // CHECK: tessera_tile.convert_layout %{{.*}} : tensor<64x32xf16, #acc{{[0-9]*}}> -> tensor<64x32xf16, #opnd{{[0-9]*}}>
  %o = tessera_tile.convert_layout %h : tensor<64x32xf16, #acc16> -> tensor<64x32xf16, #opa>
  return %o : tensor<64x32xf16, #opa>
}

// CHECK-LABEL: func.func @pipelined_loop
func.func @pipelined_loop(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // CHECK: scf.for
  scf.for %k = %c0 to %n step %c1 {
    // CHECK: } {tessera_tile.stages = 3 : i64}
  } {tessera_tile.stages = 3}
  return
}

// CHECK-LABEL: func.func @warp_specialized
func.func @warp_specialized(%a: !gmem, %n: index) -> tensor<128x128xf32, #acc> {
  %ring = tessera_tile.local_alloc : !tessera_tile.smem<2x128x64xf16, #swz>
  %full = tessera_tile.mbarrier_alloc arrivals 1 : !tessera_tile.mbarrier<2>
  %zero = arith.constant dense<0.0> : tensor<128x128xf32, #acc>
  // CHECK: %{{.*}} = tessera_tile.warp_specialize(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}})
  // CHECK-NEXT: default registers(232) {
  // CHECK: tessera_tile.warp_yield %{{.*}} : tensor<128x128xf32, #acc{{[0-9]*}}>
  // CHECK-NEXT: }
  // CHECK-NEXT: partition0(%[[PA:.*]]: memref<?x?xf16, strided<[?, 1], offset: ?>>, %{{.*}}: !tessera_tile.smem<2x128x64xf16, #smem_layout{{[0-9]*}}>, %{{.*}}: !tessera_tile.mbarrier<2>, %{{.*}}: index) num_warps(4) registers(40) {
  // CHECK: tessera_tile.box_copy %[[PA]]
  // CHECK: tessera_tile.warp_return
  // CHECK-NEXT: }
  // CHECK-NEXT: partition1(%{{.*}}: memref<?x?xf16, strided<[?, 1], offset: ?>>, %{{.*}}: !tessera_tile.smem<2x128x64xf16, #smem_layout{{[0-9]*}}>, %{{.*}}: !tessera_tile.mbarrier<2>, %{{.*}}: index) num_warps(1) {
  // CHECK: } : (memref<?x?xf16, strided<[?, 1], offset: ?>>, !tessera_tile.smem<2x128x64xf16, #smem_layout{{[0-9]*}}>, !tessera_tile.mbarrier<2>, index) -> tensor<128x128xf32, #acc{{[0-9]*}}>
  %r = tessera_tile.warp_specialize(%a, %ring, %full, %n)
  default registers(232) {
    tessera_tile.warp_yield %zero : tensor<128x128xf32, #acc>
  }
  partition0(%pa: !gmem, %pring: !tessera_tile.smem<2x128x64xf16, #swz>, %pfull: !tessera_tile.mbarrier<2>, %pn: index) num_warps(4) registers(40) {
    %c0 = arith.constant 0 : index
    %slot = tessera_tile.slot %pring[%c0] : !tessera_tile.smem<2x128x64xf16, #swz> -> !tessera_tile.smem<128x64xf16, #swz>
    tessera_tile.box_copy %pa[%c0, %c0], %slot arrive %pfull[%c0] : !gmem, !tessera_tile.smem<128x64xf16, #swz>, !tessera_tile.mbarrier<2>
    tessera_tile.warp_return
  }
  partition1(%qa: !gmem, %qring: !tessera_tile.smem<2x128x64xf16, #swz>, %qfull: !tessera_tile.mbarrier<2>, %qn: index) num_warps(1) {
    tessera_tile.warp_return
  } : (!gmem, !tessera_tile.smem<2x128x64xf16, #swz>, !tessera_tile.mbarrier<2>, index) -> tensor<128x128xf32, #acc>
  return %r : tensor<128x128xf32, #acc>
}

// A box copy of one batch entry of a 3-d tensor through a tensor map,
// arriving on a barrier; an async dot carried by its loop; a buffer placed
// with an alignment.
#swz128 = #tessera_tile.smem_layout<swizzle = 128>
#wg = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>
#wgacc = #tessera_tile.mma_acc<mma = #wg, warps = [4, 1]>
!map3 = !nvgpu.tensormap.descriptor<tensor = memref<1x64x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
// CHECK-LABEL: func.func @tma_async_dot
func.func @tma_async_dot(%a: memref<?x?x?xf16, strided<[?, ?, 1]>>, %map: !map3, %n: index) -> tensor<64x64xf32, #wgacc> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // CHECK: tessera_tile.local_load %{{.*}}[%{{.*}}, %{{.*}}] : !tessera_tile.smem<64x64xf32> -> tensor<8x64xf32, #blocked{{[0-9]*}}>
  %staging = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf32>
  %band = tessera_tile.local_load %staging[%c1, %c0] : !tessera_tile.smem<64x64xf32> -> tensor<8x64xf32, #tessera_tile.blocked<warps = [8, 1]>>
  // CHECK: tessera_tile.alloc_shared offset 1024 align 1024 : memref<4096xf16, #gpu.address_space<workgroup>>
  %raw = tessera_tile.alloc_shared offset 1024 align 1024 : memref<4096xf16, #gpu.address_space<workgroup>>
  %bars = tessera_tile.mbarrier_alloc arrivals 1 : !tessera_tile.mbarrier<1>
  %s = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16, #swz128>
  // CHECK: tessera_tile.box_copy %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}], %{{.*}} desc %{{.*}} arrive %{{.*}}[%{{.*}}] : memref<?x?x?xf16, strided<[?, ?, 1]>>, !tessera_tile.smem<64x64xf16, #smem_layout{{[0-9]*}}>, !tessera_tile.mbarrier<1> desc !nvgpu.tensormap.descriptor<tensor = memref<1x64x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
  tessera_tile.box_copy %a[%c0, %c0, %c0], %s desc %map arrive %bars[%c0] : memref<?x?x?xf16, strided<[?, ?, 1]>>, !tessera_tile.smem<64x64xf16, #swz128>, !tessera_tile.mbarrier<1> desc !map3
  %zero = arith.constant dense<0.0> : tensor<64x64xf32, #wgacc>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> tensor<64x64xf32, #wgacc> {
    // CHECK: tessera_tile.dot %{{.*}}, %{{.*}}, %{{.*}} async {mma = #mma{{[0-9]*}}}
    %d = tessera_tile.dot %s, %s, %acc async {mma = #wg} : !tessera_tile.smem<64x64xf16, #swz128>, !tessera_tile.smem<64x64xf16, #swz128> -> tensor<64x64xf32, #wgacc>
    scf.yield %d : tensor<64x64xf32, #wgacc>
  }
  // CHECK: %[[W:.*]] = tessera_tile.dot_wait %{{.*}} : tensor<64x64xf32, #acc{{[0-9]*}}>
  // CHECK: return %[[W]]
  %w = tessera_tile.dot_wait %r : tensor<64x64xf32, #wgacc>
  return %w : tensor<64x64xf32, #wgacc>
}

// 8-bit wgmma: k = 32, a and b K-major (b through a trans view).
// CHECK-LABEL: func.func @dot_f8
// CHECK: tessera_tile.dot %{{.*}}, %{{.*}}, %{{.*}} {mma = #mma{{[0-9]*}}} : !tessera_tile.smem<64x128xf8E4M3FN
func.func @dot_f8(%a: !tessera_tile.smem<64x128xf8E4M3FN, #tessera_tile.smem_layout<swizzle = 128>>, %b: !tessera_tile.smem<128x128xf8E4M3FN, #tessera_tile.smem_layout<swizzle = 128, transposed = true>>) -> tensor<64x128xf32, #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 32>, warps = [4, 1]>> {
  %zero = arith.constant dense<0.0> : tensor<64x128xf32, #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 32>, warps = [4, 1]>>
  %d = tessera_tile.dot %a, %b, %zero {mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 32>} : !tessera_tile.smem<64x128xf8E4M3FN, #tessera_tile.smem_layout<swizzle = 128>>, !tessera_tile.smem<128x128xf8E4M3FN, #tessera_tile.smem_layout<swizzle = 128, transposed = true>> -> tensor<64x128xf32, #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 32>, warps = [4, 1]>>
  return %d : tensor<64x128xf32, #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 32>, warps = [4, 1]>>
}

// An async dot issued early and read only through a dot_wait: the next
// scores of an attention, multiplied while the current ones' softmax runs.
// CHECK-LABEL: func.func @async_dot_awaited
// CHECK: %[[S:.*]] = tessera_tile.dot %{{.*}}, %{{.*}}, %{{.*}} async {mma = #mma{{[0-9]*}}}
// CHECK: tessera_tile.dot_wait %[[S]]
func.func @async_dot_awaited(%q: !tessera_tile.smem<64x64xf16, #tessera_tile.smem_layout<swizzle = 128>>, %k: !tessera_tile.smem<64x128xf16, #tessera_tile.smem_layout<swizzle = 128, transposed = true>>) -> tensor<64x128xf32, #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 16>, warps = [4, 1]>> {
  %zero = arith.constant dense<0.0> : tensor<64x128xf32, #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 16>, warps = [4, 1]>>
  %s = tessera_tile.dot %q, %k, %zero async {mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 16>} : !tessera_tile.smem<64x64xf16, #tessera_tile.smem_layout<swizzle = 128>>, !tessera_tile.smem<64x128xf16, #tessera_tile.smem_layout<swizzle = 128, transposed = true>> -> tensor<64x128xf32, #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 16>, warps = [4, 1]>>
  %w = tessera_tile.dot_wait %s : tensor<64x128xf32, #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 16>, warps = [4, 1]>>
  return %w : tensor<64x128xf32, #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 16>, warps = [4, 1]>>
}

// FlashAttention-3's consumer step: turns among the warpgroups; the scores
// and the P V dot both in flight (`in_flight 2`), the scores awaited with
// one dot still pending.
// CHECK-LABEL: func.func @ping_pong
// CHECK: tessera_tile.turns_init
// CHECK: tessera_tile.turn_wait
// CHECK: %[[S:.*]] = tessera_tile.dot %{{.*}}, %{{.*}}, %{{.*}} async {mma = #mma{{[0-9]*}}}
// CHECK: %[[O:.*]] = tessera_tile.dot %{{.*}}, %{{.*}}, %{{.*}} async in_flight 2 {mma = #mma{{[0-9]*}}}
// CHECK: tessera_tile.turn_pass
// CHECK: tessera_tile.dot_wait %[[S]] pending 1 :
// CHECK: tessera_tile.dot_wait %[[O]] :
func.func @ping_pong(%q: !tessera_tile.smem<64x64xf16, #swz128>, %acc: tensor<64x64xf32, #wgacc>) -> (tensor<64x64xf32, #wgacc>, tensor<64x64xf32, #wgacc>) {
  tessera_tile.turns_init
  tessera_tile.turn_wait
  %s = tessera_tile.dot %q, %q, %acc async {mma = #wg} : !tessera_tile.smem<64x64xf16, #swz128>, !tessera_tile.smem<64x64xf16, #swz128> -> tensor<64x64xf32, #wgacc>
  %o = tessera_tile.dot %q, %q, %acc async in_flight 2 {mma = #wg} : !tessera_tile.smem<64x64xf16, #swz128>, !tessera_tile.smem<64x64xf16, #swz128> -> tensor<64x64xf32, #wgacc>
  tessera_tile.turn_pass
  %sw = tessera_tile.dot_wait %s pending 1 : tensor<64x64xf32, #wgacc>
  %ow = tessera_tile.dot_wait %o : tensor<64x64xf32, #wgacc>
  return %sw, %ow : tensor<64x64xf32, #wgacc>, tensor<64x64xf32, #wgacc>
}

// A row statistic over the blocks of a cluster (the function's
// tessera.cluster: its launch groups 8 blocks).
#cb = #tessera_tile.blocked<warps = [1, 8], threads = [1, 32], per_thread = [1, 8]>
#crow = #tessera_tile.slice<dim = 1, parent = #cb>
// CHECK-LABEL: func.func @cluster_reduce
func.func @cluster_reduce(%t: tensor<1x2048xf32, #cb>) -> tensor<1xf32, #crow> attributes {tessera.cluster = 8 : i64} {
  %r = tessera_tile.reduce add %t axis 1 : tensor<1x2048xf32, #cb> -> tensor<1xf32, #crow>
  // CHECK: tessera_tile.cluster_reduce add %{{.*}} : tensor<1xf32, #{{.*}}>
  %c = tessera_tile.cluster_reduce add %r : tensor<1xf32, #crow>
  // CHECK: tessera_tile.cluster_reduce max
  %m = tessera_tile.cluster_reduce max %c : tensor<1xf32, #crow>
  return %m : tensor<1xf32, #crow>
}
