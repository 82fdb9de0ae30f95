// RUN: tessera-opt %s -split-input-file -verify-diagnostics --tessera-target-bare-ptr | FileCheck %s

// Each flat buffer descriptor (allocated, aligned, offset, size, stride)
// becomes one pointer; offset 0 and stride 1 become constants. Other
// parameters keep their place.
// CHECK-LABEL: llvm.func @k(
// CHECK-SAME: %[[A:[^:]*]]: !llvm.ptr, %[[N:[^:]*]]: i64, %[[B:[^:]*]]: !llvm.ptr)
// CHECK-NOT: tessera.memref_params
// CHECK-DAG: llvm.mlir.constant(0 : i64) : i64
// CHECK-DAG: llvm.mlir.constant(1 : i64) : i64
// CHECK: llvm.getelementptr %[[A]][%{{.*}}]
// CHECK: llvm.mul %[[N]], %{{.*}}
// CHECK: llvm.store %{{.*}}, %[[B]]
llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr, %a2: i64, %a3: i64, %a4: i64, %n: i64,
             %b0: !llvm.ptr, %b1: !llvm.ptr, %b2: i64, %b3: i64, %b4: i64)
    attributes {nvvm.kernel, tessera.memref_params = array<i64: 0, 2>} {
  %p = llvm.getelementptr %a1[%a2] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %i = llvm.mul %n, %a4 : i64
  %q = llvm.getelementptr %p[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %x = llvm.load %q : !llvm.ptr -> f32
  llvm.store %x, %b1 : f32, !llvm.ptr
  llvm.return
}

// -----

// A kernel that reads a buffer's size from its descriptor cannot drop it.
// expected-error @+1 {{'llvm.func' op reads the size of buffer parameter 0 from its descriptor; it cannot take a bare pointer}}
llvm.func @size(%a0: !llvm.ptr, %a1: !llvm.ptr, %a2: i64, %a3: i64, %a4: i64, %out: !llvm.ptr)
    attributes {nvvm.kernel, tessera.memref_params = array<i64: 0>} {
  llvm.store %a3, %out : i64, !llvm.ptr
  llvm.return
}

// -----

// expected-error @+1 {{'llvm.func' op tessera.memref_params names parameter 3 of 2 (or names it twice)}}
llvm.func @bad(%a0: !llvm.ptr, %a1: !llvm.ptr, %a2: i64, %a3: i64, %a4: i64, %n: i64)
    attributes {nvvm.kernel, tessera.memref_params = array<i64: 3>} {
  llvm.return
}

// -----

// expected-error @+1 {{'llvm.func' op tessera.memref_params must be an array<i64> of parameter indices}}
llvm.func @attr(%a0: !llvm.ptr) attributes {nvvm.kernel, tessera.memref_params = 1 : i64} {
  llvm.return
}

// -----

// expected-error @+1 {{'llvm.func' op parameter 0 is not a flat memref descriptor (ptr, ptr, i64, i64, i64)}}
llvm.func @shape(%a0: i64, %a1: !llvm.ptr, %a2: i64, %a3: i64, %a4: i64) attributes {nvvm.kernel, tessera.memref_params = array<i64: 0>} {
  llvm.return
}

// -----

// expected-error @+1 {{'llvm.func' op tessera.memref_params names parameter 0 of 2 (or names it twice)}}
llvm.func @twice(%a0: !llvm.ptr, %a1: !llvm.ptr, %a2: i64, %a3: i64, %a4: i64,
                 %b0: !llvm.ptr, %b1: !llvm.ptr, %b2: i64, %b3: i64, %b4: i64) attributes {nvvm.kernel, tessera.memref_params = array<i64: 0, 0>} {
  llvm.return
}

// -----

// A TMA tensor map parameter (tessera.tensor_map_params: original parameter
// 1, a pointer after the NVGPU conversion) becomes a 128-byte, 64-byte
// aligned byval grid constant: the launch passes the CUtensorMap itself.
// CHECK-LABEL: llvm.func @tma(
// CHECK-SAME: %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr {llvm.align = 64 : i64, llvm.byval = !llvm.array<128 x i8>, nvvm.grid_constant}, %{{[^:]*}}: i64)
// CHECK-NOT: tessera.tensor_map_params
llvm.func @tma(%a0: !llvm.ptr, %a1: !llvm.ptr, %a2: i64, %a3: i64, %a4: i64, %map: !llvm.ptr, %valid: i64)
    attributes {nvvm.kernel, tessera.memref_params = array<i64: 0>, tessera.tensor_map_params = array<i64: 1>} {
  llvm.return
}

// -----

// expected-error @+1 {{'llvm.func' op tessera.tensor_map_params names parameter 2, which is not a pointer parameter}}
llvm.func @tma_bad(%a0: !llvm.ptr, %a1: !llvm.ptr, %a2: i64, %a3: i64, %a4: i64, %map: !llvm.ptr, %valid: i64)
    attributes {nvvm.kernel, tessera.memref_params = array<i64: 0>, tessera.tensor_map_params = array<i64: 2>} {
  llvm.return
}
