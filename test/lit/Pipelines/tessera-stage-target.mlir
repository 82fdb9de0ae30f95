// RUN: tessera-opt %s --tessera-stage-target | FileCheck %s

// Tile IR to Target IR: tile ops become upstream ops inside the kernel
// (program ids as block ids, masked loads and stores as guarded memref
// accesses); the host side is left alone.
// CHECK-LABEL: func.func @f(
// CHECK: tessera_target.launch @f_k0_elementwise
// CHECK-LABEL: tessera_target.kernel @f_k0_elementwise(
// CHECK-NOT: tessera_tile.
// CHECK: gpu.block_id x
// CHECK: scf.if
// CHECK: memref.load
// CHECK: math.exp
// CHECK: memref.store
// CHECK: tessera_target.return
func.func @f(%arg0: memref<?xf32>) -> memref<?xf32> attributes {tessera.host} {
  %c0 = arith.constant 0 : index
  %c1024 = arith.constant 1024 : index
  %dim = memref.dim %arg0, %c0 : memref<?xf32>
  %0 = tessera_target.allocate(%dim) : memref<?xf32>
  %1 = arith.ceildivui %dim, %c1024 : index
  tessera_target.launch @f_k0_elementwise grid(%1) block = [128] args(%arg0, %0, %dim : memref<?xf32>, memref<?xf32>, index)
  return %0 : memref<?xf32>
}
tessera_target.kernel @f_k0_elementwise(%x: memref<?xf32>, %y: memref<?xf32>, %n: index) attributes {tessera.schedule = #tessera_schedule.config<tile = [128], warps = 4, stages = 1>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c128 = arith.constant 128 : index
  %c1024 = arith.constant 1024 : index
  %zero = arith.constant 0.000000e+00 : f32
  %tid = gpu.thread_id x
  %pid = tessera_tile.program_id 0
  %base = arith.muli %pid, %c1024 : index
  scf.for %i = %c0 to %c8 step %c1 {
    %off = arith.muli %i, %c128 : index
    %lane = arith.addi %off, %tid : index
    %idx = arith.addi %base, %lane : index
    %mask = arith.cmpi ult, %idx, %n : index
    %v = tessera_tile.load %x[%idx] mask %mask, %zero : memref<?xf32>
    %e = math.exp %v : f32
    tessera_tile.store %e, %y[%idx] mask %mask : memref<?xf32>
  }
  tessera_target.return
}
