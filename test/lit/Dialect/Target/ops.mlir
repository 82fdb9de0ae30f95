// RUN: tessera-opt %s | tessera-opt | FileCheck %s
// RUN: tessera-opt %s -mlir-print-op-generic | tessera-opt | FileCheck %s

// CHECK-LABEL: tessera_target.kernel @optimized_flash_attention
// CHECK-SAME: (%{{.*}}: memref<?xf16>, %{{.*}}: i64)
// CHECK-SAME: config = #tessera_target.kernel_config<grid = [128, 64], block = [256, 1], shared = 49152, regs = 128>
// CHECK-NEXT: tessera_target.return
tessera_target.kernel @optimized_flash_attention(%q: memref<?xf16>, %n: i64)
    config = #tessera_target.kernel_config<grid = [128, 64], block = [256, 1], shared = 49152, regs = 128> {
  tessera_target.return
}

// Shared memory and registers default to 0 and are then not printed.
// CHECK-LABEL: tessera_target.kernel @defaults
// CHECK-SAME: config = #tessera_target.kernel_config<grid = [4], block = [128]> attributes {tessera.note = "x"}
tessera_target.kernel @defaults() config = #tessera_target.kernel_config<grid = [4], block = [128]> attributes {tessera.note = "x"} {
  tessera_target.return
}

// A kernel without a config takes its launch configuration from the plan.
// CHECK-LABEL: tessera_target.kernel @unconfigured
// CHECK-NOT: config
// CHECK: tessera_target.return
tessera_target.kernel @unconfigured(%x: memref<16xf32>) {
  tessera_target.return
}

// Entries may come in any order; they print in canonical order.
// CHECK-LABEL: tessera_target.kernel @reordered
// CHECK-SAME: config = #tessera_target.kernel_config<grid = [2, 2, 2], block = [32, 4, 2], regs = 64>
tessera_target.kernel @reordered() config = #tessera_target.kernel_config<regs = 64, block = [32, 4, 2], grid = [2, 2, 2]> {
  tessera_target.return
}

// A declaration (no body) is private, as for func.func.
// CHECK-LABEL: tessera_target.kernel private @external
// CHECK-SAME: (memref<16xf32>)
// CHECK-NOT: {
tessera_target.kernel private @external(memref<16xf32>)

// CHECK-LABEL: func.func @host
func.func @host(%a: memref<?x?xf32>, %n: index) -> memref<?x?xf32> {
  // CHECK: %[[T:.*]] = tessera_target.allocate(%{{.*}}, %{{.*}}) : memref<?x?xf32>
  %t = tessera_target.allocate(%n, %n) : memref<?x?xf32>
  // CHECK: tessera_target.allocate() zero_initialize : memref<64xf32>
  %z = tessera_target.allocate() zero_initialize : memref<64xf32>
  // CHECK: tessera_target.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32> -> memref<2x2xf32>
  %k = tessera_target.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32> -> memref<2x2xf32>
  // CHECK: tessera_target.launch @scale grid(%{{.*}}) block = [256] args(%{{.*}}, %{{.*}} : memref<?x?xf32>, index)
  tessera_target.launch @scale grid(%n) block = [256] args(%a, %n : memref<?x?xf32>, index)
  // CHECK: tessera_target.launch @scale grid(%{{.*}}, %{{.*}}) block = [16, 16] shared = 1024 args(%{{.*}}, %{{.*}} : memref<?x?xf32>, index)
  tessera_target.launch @scale grid(%n, %n) block = [16, 16] shared = 1024 args(%t, %n : memref<?x?xf32>, index)
  // CHECK: tessera_target.launch @scale grid(%{{.*}}) block = [256] args(%{{.*}}, %{{.*}} : memref<?x?xf32>, index) flops(%{{.*}})
  tessera_target.launch @scale grid(%n) block = [256] args(%a, %n : memref<?x?xf32>, index) flops(%n)
  return %t : memref<?x?xf32>
}

// CHECK-LABEL: tessera_target.kernel @scale
tessera_target.kernel @scale(%x: memref<?xf32>, %n: index) {
  tessera_target.return
}

// CHECK-LABEL: func.func @require
// CHECK: tessera_target.require_equal %{{.*}}, %{{.*}}, "'tessera_graph.matmul' contraction dimension of lhs and rhs"
func.func @require(%a: index, %b: index) {
  tessera_target.require_equal %a, %b, "'tessera_graph.matmul' contraction dimension of lhs and rhs"
  return
}

// Raw instructions, tensor-core instructions and copies, as the Target IR
// guide writes them.
// CHECK-LABEL: tessera_target.kernel @instructions
tessera_target.kernel @instructions(%a: i32, %b: i32, %g: !llvm.ptr<1>, %s: !llvm.ptr<3>, %d: i64,
                                    %fa: vector<4x2xf16>, %fb: vector<2x2xf16>, %fc: vector<2x2xf32>,
                                    %n: index) {
  // CHECK: tessera_target.ptx_instr "add.s32"(%{{.*}}, %{{.*}}) : (i32, i32) -> i32
  %r = tessera_target.ptx_instr "add.s32" (%a, %b) : (i32, i32) -> i32
  // CHECK: tessera_target.ptx_instr "tcgen05.mma.cta_group::2.async.m128n256k32.f16.f16.f32"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) {constraints = {operand0 = "+r", operand1 = "r", operand2 = "r", operand3 = "r"}, latency = 200 : i64} : (i32, i32, i32, i32) -> i32
  %acc = tessera_target.ptx_instr "tcgen05.mma.cta_group::2.async.m128n256k32.f16.f16.f32"
      (%r, %a, %b, %a) {constraints = {operand0 = "+r", operand1 = "r", operand2 = "r", operand3 = "r"}, latency = 200}
      : (i32, i32, i32, i32) -> i32
  // CHECK: tessera_target.ptx_instr "cp.async.bulk.tensor.2d.shared.global"(%{{.*}}, %{{.*}}, %{{.*}}) {constraints = {operand0 = "l", operand1 = "l", operand2 = "l"}, latency = 150 : i64} : (!llvm.ptr<3>, !llvm.ptr<1>, i64) -> ()
  tessera_target.ptx_instr "cp.async.bulk.tensor.2d.shared.global"
      (%s, %g, %d) {constraints = {operand0 = "l", operand1 = "l", operand2 = "l"}, latency = 150}
      : (!llvm.ptr<3>, !llvm.ptr<1>, i64) -> ()
  // CHECK: tessera_target.tensor_core "mma_sync"(%{{.*}}, %{{.*}}, %{{.*}}) shape = [16, 8, 16] precision = "f16" : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
  %m = tessera_target.tensor_core "mma_sync" (%fa, %fb, %fc) shape = [16, 8, 16] precision = "f16" layout = "nt"
      : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
  // CHECK: tessera_target.tensor_core "wgmma"(%{{.*}}, %{{.*}}, %{{.*}}) shape = [64, 256, 8] precision = "tf32" : (i64, i64, vector<128xf32>) -> vector<128xf32>
  %acc0 = arith.constant dense<0.0> : vector<128xf32>
  %w = tessera_target.tensor_core "wgmma" (%d, %d, %acc0) shape = [64, 256, 8] precision = "tf32" layout = "nt"
      : (i64, i64, vector<128xf32>) -> vector<128xf32>
  // CHECK: tessera_target.memcpy %{{.*}}, %{{.*}}, %{{.*}} kind = "global_to_shared" async = true : !llvm.ptr<3>, !llvm.ptr<1>, index
  tessera_target.memcpy %s, %g, %n kind = "global_to_shared" async = true : !llvm.ptr<3>, !llvm.ptr<1>, index
  tessera_target.return
}

// A TMA tensor map over a buffer viewed as [batch, M, K], copied in
// 1x128x64 boxes with the 128-byte swizzle; `valid` says whether the
// runtime could encode it.
// CHECK-LABEL: func.func @tensor_map
// CHECK: %{{.*}}, %{{.*}} = tessera_target.tensor_map %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] : memref<?x?x?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<1x128x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
// CHECK: tessera_target.tensor_map %{{.*}}[%{{.*}}] : memref<?xbf16> -> !nvgpu.tensormap.descriptor<tensor = memref<64xbf16, 3>, swizzle = none, l2promo = l2promo_128b, oob = nan, interleave = none>
func.func @tensor_map(%a: memref<?x?x?xf16>, %v: memref<?xbf16>, %b: index, %m: index, %k: index) -> index {
  %map, %valid = tessera_target.tensor_map %a[%b, %m, %k] : memref<?x?x?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<1x128x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
  %map1, %valid1 = tessera_target.tensor_map %v[%k] : memref<?xbf16> -> !nvgpu.tensormap.descriptor<tensor = memref<64xbf16, 3>, swizzle = none, l2promo = l2promo_128b, oob = nan, interleave = none>
  return %valid : index
}

// A map over a strided view of the buffer: a [B, S, H, D] buffer read as
// [B, H, S, D] (strides in elements, outermost first, the innermost 1).
// CHECK-LABEL: func.func @tensor_map_strides
// CHECK: tessera_target.tensor_map %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] strides [%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<?x?x?x?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<1x1x128x64xf16, 3>
func.func @tensor_map_strides(%a: memref<?x?x?x?xf16>, %b: index, %h: index, %s: index, %d: index, %bs: index, %ss: index) -> index {
  %c1 = arith.constant 1 : index
  %map, %valid = tessera_target.tensor_map %a[%b, %h, %s, %d] strides [%bs, %d, %ss, %c1] : memref<?x?x?x?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<1x1x128x64xf16, 3>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
  return %valid : index
}

// The device's multiprocessors, bound at launch.
// CHECK-LABEL: func.func @multiprocessors
// CHECK: %[[N:.*]] = tessera_target.multiprocessors
// CHECK: return %[[N]] : index
func.func @multiprocessors() -> index {
  %n = tessera_target.multiprocessors
  return %n : index
}
