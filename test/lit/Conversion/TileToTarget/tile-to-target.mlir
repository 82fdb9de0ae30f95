// RUN: tessera-opt %s --convert-tessera-tile-to-target | FileCheck %s

// CHECK-LABEL: tessera_target.kernel @k(
// CHECK-SAME: %[[A:.*]]: memref<?xf32>, %[[N:.*]]: index)
tessera_target.kernel @k(%a: memref<?xf32>, %n: index) {
  // CHECK: %[[PID:.*]] = gpu.block_id x
  // CHECK: gpu.block_id z
  %pid = tessera_tile.program_id 0
  %pz = tessera_tile.program_id 2
  %zero = arith.constant 0.0 : f32
  %in = arith.cmpi ult, %pid, %n : index
  // A masked load reads under scf.if and yields `other` elsewhere.
  // CHECK: %[[X:.*]] = scf.if %{{.*}} -> (f32) {
  // CHECK-NEXT: %[[L:.*]] = memref.load %[[A]][%[[PID]]]
  // CHECK-NEXT: scf.yield %[[L]]
  // CHECK-NEXT: } else {
  // CHECK-NEXT: scf.yield %{{.*}} : f32
  %x = tessera_tile.load %a[%pid] mask %in, %zero : memref<?xf32>
  // CHECK: %[[Y:.*]] = memref.load %[[A]][%[[N]]]
  %y = tessera_tile.load %a[%n] : memref<?xf32>
  // CHECK: gpu.barrier
  tessera_tile.barrier
  // CHECK: scf.if %{{.*}} {
  // CHECK-NEXT: memref.store %[[X]], %[[A]][%[[PID]]]
  tessera_tile.store %x, %a[%pid] mask %in : memref<?xf32>
  // CHECK: memref.store %[[Y]], %[[A]][%{{.*}}]
  tessera_tile.store %y, %a[%pz] : memref<?xf32>
  // Shared buffers stay until the kernel is a gpu.func.
  // CHECK: tessera_tile.alloc_shared
  %s = tessera_tile.alloc_shared : memref<32xf32, #gpu.address_space<workgroup>>
  tessera_target.return
}

// Tensor-core Tile IR becomes nvgpu: cp.async with a zero-filling source
// count, groups, ldmatrix and mma.sync; the wait is nvvm's wait_group.
// CHECK-LABEL: tessera_target.kernel @tc(
// CHECK-SAME: %[[G:.*]]: memref<?xf16>, %[[I:.*]]: index, %[[V:.*]]: index)
tessera_target.kernel @tc(%g: memref<?xf16>, %i: index, %v: index) {
  // CHECK: %[[S:.*]] = tessera_tile.alloc_shared
  %s = tessera_tile.alloc_shared : memref<5120xf16, #gpu.address_space<workgroup>>
  // CHECK: nvgpu.device_async_copy %[[G]][%[[I]]], %[[S]][%[[I]]], 8, %[[V]] {bypassL1} : memref<?xf16> to memref<5120xf16, #gpu.address_space<workgroup>>
  tessera_tile.copy_async %g[%i], %s[%i], 8 valid %v : memref<?xf16> to memref<5120xf16, #gpu.address_space<workgroup>>
  // A 4-byte copy cannot bypass L1.
  // CHECK: nvgpu.device_async_copy %[[G]][%[[I]]], %[[S]][%[[I]]], 2, %[[V]] : memref<?xf16>
  tessera_tile.copy_async %g[%i], %s[%i], 2 valid %v : memref<?xf16> to memref<5120xf16, #gpu.address_space<workgroup>>
  // CHECK: nvvm.cp.async.commit.group
  tessera_tile.async_commit
  // CHECK: nvvm.cp.async.wait.group 1
  tessera_tile.async_wait 1
  // CHECK: %[[A:.*]] = nvgpu.ldmatrix %[[S]][%[[I]]] {numTiles = 4 : i32, transpose = false} : memref<5120xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
  %a = tessera_tile.load_matrix %s[%i] : memref<5120xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
  // CHECK: %[[B:.*]] = nvgpu.ldmatrix %[[S]][%[[I]]] {numTiles = 2 : i32, transpose = true} : memref<5120xf16, #gpu.address_space<workgroup>> -> vector<2x2xf16>
  %b = tessera_tile.load_matrix %s[%i] transpose : memref<5120xf16, #gpu.address_space<workgroup>> -> vector<2x2xf16>
  %c = arith.constant dense<0.0> : vector<2x2xf32>
  // CHECK: nvgpu.mma.sync(%[[A]], %[[B]], %{{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
  %d = tessera_tile.mma %a, %b, %c : vector<4x2xf16>, vector<2x2xf16> -> vector<2x2xf32>
  tessera_target.return
}

// bf16 operands: nvgpu.mma.sync cannot type them, so nvvm.mma.sync on the
// packed registers (two bf16 per i32) with explicit PTX types.
// CHECK-LABEL: tessera_target.kernel @tc_bf16(
tessera_target.kernel @tc_bf16(%a: vector<4x2xbf16>, %b: vector<2x2xbf16>, %c: vector<2x2xf32>) {
  // CHECK-COUNT-6: vector.bitcast %{{.*}} : vector<2xbf16> to vector<1xi32>
  // CHECK: %[[D:.*]] = nvvm.mma.sync A[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] B[%{{.*}}, %{{.*}}] C[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
  // CHECK-COUNT-4: llvm.extractvalue %[[D]]
  // CHECK: vector.from_elements %{{.*}} : vector<2x2xf32>
  %d = tessera_tile.mma %a, %b, %c : vector<4x2xbf16>, vector<2x2xbf16> -> vector<2x2xf32>
  tessera_target.return
}
