// RUN: tessera-opt %s --tessera-stage-gpu | FileCheck %s

// Target IR to upstream gpu: kernels move into one gpu.module, and the host
// function carries its launch plan (the JSON a Tessera artifact's plan.json
// is made from).
// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: func.func @f(
// CHECK-SAME: attributes {tessera.host, tessera.plan = "{{.*}}\22entry\22:\22f\22{{.*}}\22kernels\22:[{{.*}}\22name\22:\22f_k0_elementwise\22
// CHECK: tessera_target.launch @f_k0_elementwise
// CHECK: gpu.module @tessera_kernels
// CHECK-LABEL: gpu.func @f_k0_elementwise(
// CHECK-SAME: kernel
// CHECK: math.exp
// CHECK: gpu.return
// CHECK-NOT: tessera_target.kernel
func.func @f(%arg0: memref<?xf32>) -> memref<?xf32> attributes {tessera.host} {
  %c0 = arith.constant 0 : index
  %c128 = arith.constant 128 : index
  %dim = memref.dim %arg0, %c0 : memref<?xf32>
  %0 = tessera_target.allocate(%dim) : memref<?xf32>
  %1 = arith.ceildivui %dim, %c128 : index
  tessera_target.launch @f_k0_elementwise grid(%1) block = [128] args(%arg0, %0, %dim : memref<?xf32>, memref<?xf32>, index)
  return %0 : memref<?xf32>
}
tessera_target.kernel @f_k0_elementwise(%x: memref<?xf32>, %y: memref<?xf32>, %n: index) attributes {tessera.schedule = #tessera_schedule.config<tile = [128], warps = 4, stages = 1>} {
  %c128 = arith.constant 128 : index
  %tid = gpu.thread_id x
  %bid = gpu.block_id x
  %base = arith.muli %bid, %c128 : index
  %idx = arith.addi %base, %tid : index
  %in = arith.cmpi ult, %idx, %n : index
  scf.if %in {
    %v = memref.load %x[%idx] : memref<?xf32>
    %e = math.exp %v : f32
    memref.store %e, %y[%idx] : memref<?xf32>
  }
  tessera_target.return
}
