// RUN: tessera-opt %s -split-input-file -verify-diagnostics --tessera-target-export-plan | FileCheck %s

// The plan names inputs (tessera.dims gives symbols), the launch
// conditions (require_equal; one that holds trivially is dropped), outputs
// and temporaries with dims as expressions, and each launch's parameters,
// grid and arithmetic (flops). Strings in attributes print with \22 for a quote.
// CHECK-LABEL: func.func @f
// CHECK-SAME: tessera.plan = "{\22checks\22:[{\22equal\22:[\22N\22,\22y_0\22],\22reason\22:\22operands broadcast together\22}],\22entry\22:\22f\22,\22format\22:1,
// CHECK-SAME: \22inputs\22:[{\22dims\22:[\22N\22,64],\22dtype\22:\22f16\22,\22name\22:\22x\22},{\22dims\22:[\22y_0\22],\22dtype\22:\22f16\22,\22name\22:\22y\22}]
// CHECK-SAME: \22kernels\22:[{\22abi\22:\22flat\22,\22block\22:[128,1,1],\22flops\22:\22(N * 64)\22,\22grid\22:[\22ceil_div((N * 64), 1024)\22,\221\22,\221\22],\22name\22:\22k\22,\22params\22:[{\22memref\22:\22x\22},{\22memref\22:\22t0\22},{\22size\22:\22N\22}],\22shared_bytes\22:0}
// CHECK-SAME: \22outputs\22:[{\22dims\22:[\22N\22],\22dtype\22:\22f32\22,\22name\22:\22out0\22}]
// CHECK-SAME: \22temporaries\22:[{\22dims\22:[\22N\22,64],\22dtype\22:\22f32\22,\22name\22:\22t0\22,\22zero\22:true}]
func.func @f(%x: memref<?x64xf16> {tessera.name = "x", tessera.dims = ["N", "D"]}, %y: memref<?xf16> {tessera.name = "y"}) -> memref<?xf32> attributes {tessera.host} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c1024 = arith.constant 1024 : index
  %n = memref.dim %x, %c0 : memref<?x64xf16>
  %m = memref.dim %y, %c0 : memref<?xf16>
  tessera_target.require_equal %n, %m, "operands broadcast together"
  tessera_target.require_equal %n, %n, "trivial"
  %t = tessera_target.allocate(%n) zero_initialize : memref<?x64xf32>
  %numel = arith.muli %n, %c64 : index
  %blocks = arith.ceildivui %numel, %c1024 : index
  tessera_target.launch @k grid(%blocks) block = [128] args(%x, %t, %n : memref<?x64xf16>, memref<?x64xf32>, index) flops(%numel)
  %o = tessera_target.allocate(%n) : memref<?xf32>
  return %o : memref<?xf32>
}

// -----

// expected-error @+1 {{'func.func' op argument #1 has type 'index'; host functions take memrefs and scalars only}}
func.func @scalar(%x: memref<?xf32>, %m: index) -> memref<?xf32> attributes {tessera.host} {
  %o = tessera_target.allocate(%m) : memref<?xf32>
  return %o : memref<?xf32>
}

// -----

func.func @size(%x: memref<?xf32>) -> memref<?xf32> attributes {tessera.host} {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?xf32>
  // expected-error @+1 {{'arith.remui' op computes a size the launch plan cannot express}}
  %m = arith.remui %n, %n : index
  %o = tessera_target.allocate(%m) : memref<?xf32>
  return %o : memref<?xf32>
}

// -----

// TMA tensor maps: the plan lists each (the buffer, its dims as
// expressions, the box, swizzle and out-of-bounds fill); a kernel parameter
// passes the map's address or whether the runtime could encode it.
!map = !nvgpu.tensormap.descriptor<tensor = memref<1x128x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
// CHECK-LABEL: func.func @tma
// CHECK-SAME: \22params\22:[{\22memref\22:\22a\22},{\22tensor_map\22:\22tm0\22},{\22tensor_map_valid\22:\22tm0\22}]
// CHECK-SAME: \22tensor_maps\22:[{\22box\22:[1,128,64],\22by_value\22:true,\22dims\22:[\221\22,\22M\22,\22K\22],\22dtype\22:\22f16\22,\22l2promo\22:0,\22memref\22:\22a\22,\22name\22:\22tm0\22,\22oob_zero\22:true,\22swizzle\22:128}]
func.func @tma(%a: memref<?x?xf16> {tessera.name = "a", tessera.dims = ["M", "K"]}) attributes {tessera.host} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %m = memref.dim %a, %c0 : memref<?x?xf16>
  %k = memref.dim %a, %c1 : memref<?x?xf16>
  %map, %valid = tessera_target.tensor_map %a[%c1, %m, %k] : memref<?x?xf16> -> !map
  tessera_target.launch @k grid(%m) block = [128] args(%a, %map, %valid : memref<?x?xf16>, !map, index)
  return
}

// -----

// A tensor map over a strided view of its buffer ([B, S, H, D] read as
// [B, H, S, D]): the plan lists its strides (elements, outermost first).
!map4 = !nvgpu.tensormap.descriptor<tensor = memref<1x1x128x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
// CHECK-LABEL: func.func @tma_strides
// CHECK-SAME: \22dims\22:[\22B\22,\22H\22,\22S\22,\2264\22]
// CHECK-SAME: \22strides\22:[\22(S * (H * 64))\22,\2264\22,\22(H * 64)\22,\221\22]
func.func @tma_strides(%a: memref<?x?x?x64xf16> {tessera.name = "a", tessera.dims = ["B", "S", "H", "64"]}) attributes {tessera.host} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c64 = arith.constant 64 : index
  %b = memref.dim %a, %c0 : memref<?x?x?x64xf16>
  %s = memref.dim %a, %c1 : memref<?x?x?x64xf16>
  %h = memref.dim %a, %c2 : memref<?x?x?x64xf16>
  %hd = arith.muli %h, %c64 : index
  %shd = arith.muli %s, %hd : index
  %map, %valid = tessera_target.tensor_map %a[%b, %h, %s, %c64] strides [%shd, %c64, %hd, %c1] : memref<?x?x?x64xf16> -> !map4
  tessera_target.launch @k grid(%b) block = [128] args(%a, %map : memref<?x?x?x64xf16>, !map4)
  return
}

// -----

// The device's multiprocessors: the symbol `multiprocessors` in the plan's
// expressions, bound by the runtime at launch.
// CHECK-LABEL: func.func @sms
// CHECK-SAME: \22grid\22:[\22max((multiprocessors // ceil_div(N, 128)), 1)\22,\221\22,\221\22]
func.func @sms(%a: memref<?xf16> {tessera.name = "a", tessera.dims = ["N"]}) attributes {tessera.host} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  %n = memref.dim %a, %c0 : memref<?xf16>
  %tiles = arith.ceildivui %n, %c128 : index
  %sms = tessera_target.multiprocessors
  %per = arith.divui %sms, %tiles : index
  %g = arith.maxui %per, %c1 : index
  tessera_target.launch @k grid(%g) block = [128] args(%a : memref<?xf16>)
  return
}

// -----

func.func @tma_unknown(%a: memref<?xf16>) attributes {tessera.host} {
  %b = memref.alloc() : memref<64xf16>
  %c64 = arith.constant 64 : index
  // expected-error @+1 {{'tessera_target.tensor_map' op maps a buffer the plan does not know}}
  %map, %valid = tessera_target.tensor_map %b[%c64] : memref<64xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<64xf16, 3>, swizzle = none, l2promo = none, oob = zero, interleave = none>
  return
}

// -----

func.func @host_copy(%a: memref<?xf32>, %b: memref<?xf32>) attributes {tessera.host} {
  %c4 = arith.constant 4 : index
  // expected-error @+1 {{'tessera_target.memcpy' op is a host-side copy, which the launch plan does not carry yet: pass the data as an argument (the runtime copies host arrays to the device)}}
  tessera_target.memcpy %a, %b, %c4 kind = "device_to_device" : memref<?xf32>, memref<?xf32>, index
  return
}

// -----

func.func @host_instruction(%x: memref<?xf32>) attributes {tessera.host} {
  %a = arith.constant 1 : i32
  // expected-error @+1 {{'tessera_target.ptx_instr' op belongs in a kernel (tessera_target.kernel), not in a host function}}
  %r = tessera_target.ptx_instr "add.s32" (%a, %a) : (i32, i32) -> i32
  return
}

// -----

// A constant buffer: its data as base64 of little-endian bytes (f16 1.0 is
// 0x3C00, 2.0 0x4000: "ADwAQA=="), uploaded once by the runtime.
// CHECK-LABEL: func.func @constants
// CHECK-SAME: \22constants\22:[{\22data\22:\22ADwAQA==\22,\22dims\22:[2],\22dtype\22:\22f16\22,\22name\22:\22c0\22}]
// CHECK-SAME: \22params\22:[{\22memref\22:\22c0\22},{\22memref\22:\22out0\22}]
func.func @constants() -> memref<2xf16> attributes {tessera.host} {
  %c1 = arith.constant 1 : index
  %c = tessera_target.constant dense<[1.0, 2.0]> : tensor<2xf16> -> memref<2xf16>
  %o = tessera_target.allocate() : memref<2xf16>
  tessera_target.launch @k grid(%c1) block = [32] args(%c, %o : memref<2xf16>, memref<2xf16>)
  return %o : memref<2xf16>
}

