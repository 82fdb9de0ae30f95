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
