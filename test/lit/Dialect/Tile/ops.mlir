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
