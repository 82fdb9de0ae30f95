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
