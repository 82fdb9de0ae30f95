// RUN: tessera-opt %s -split-input-file -verify-diagnostics --convert-tessera-target-to-gpu | FileCheck %s

// Kernels move into one gpu.module as gpu.funcs with their block size;
// shared buffers become 16-byte aligned views of the dynamic shared memory,
// whose total size the launches carry; block reductions become shuffles.
// CHECK: module attributes {gpu.container_module}
// CHECK: func.func @host
// 25 x f32 padded to 112 bytes, then 16 x f16: 144 bytes.
// CHECK: tessera_target.launch @k grid(%{{.*}}) block = [128] shared = 144 args
// CHECK: gpu.module @tessera_kernels
// CHECK: gpu.func @k(%{{.*}}: memref<?xf32>) workgroup(%{{.*}}) kernel attributes {known_block_size = array<i32: 128, 1, 1>
// CHECK: %[[D:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK: %[[S:.*]] = memref.view %[[D]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<25xf32, #gpu.address_space<workgroup>>
// CHECK: %[[T:.*]] = memref.view %[[D]][%c112][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<16xf16, #gpu.address_space<workgroup>>
// CHECK-NOT: gpu.all_reduce
// CHECK: gpu.shuffle
// CHECK: memref.store %{{.*}}, %[[S]]
// CHECK: memref.store %{{.*}}, %[[T]]
// CHECK: gpu.return
// CHECK-NOT: tessera_target.kernel
func.func @host(%a: memref<?xf32>, %n: index) {
  tessera_target.launch @k grid(%n) block = [128] args(%a : memref<?xf32>)
  return
}
tessera_target.kernel @k(%a: memref<?xf32>) attributes {tessera.schedule = #tessera_schedule.config<tile = [128], warps = 4, stages = 1>} {
  %c0 = arith.constant 0 : index
  %s = tessera_tile.alloc_shared : memref<25xf32, #gpu.address_space<workgroup>>
  %t = tessera_tile.alloc_shared : memref<16xf16, #gpu.address_space<workgroup>>
  %x = memref.load %a[%c0] : memref<?xf32>
  %r = gpu.all_reduce add %x uniform {} : (f32) -> f32
  memref.store %r, %s[%c0] : memref<25xf32, #gpu.address_space<workgroup>>
  %h = arith.truncf %r : f32 to f16
  memref.store %h, %t[%c0] : memref<16xf16, #gpu.address_space<workgroup>>
  tessera_target.return
}

// -----

// expected-error @+1 {{'tessera_target.kernel' op has neither a launch config nor a schedule: its block size is unknown}}
tessera_target.kernel @k() {
  tessera_target.return
}
