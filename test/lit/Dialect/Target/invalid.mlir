// RUN: tessera-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{grid must have 1 to 3 extents, got 4}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [1, 1, 1, 1], block = [32]> {
  tessera_target.return
}

// -----

// expected-error @+1 {{block must have 1 to 3 extents, got 4}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [1], block = [1, 1, 1, 1]> {
  tessera_target.return
}

// -----

// expected-error @+1 {{grid extent 1 (0) must be positive}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [4, 0], block = [32]> {
  tessera_target.return
}

// -----

// expected-error @+1 {{block extent 0 (-32) must be positive}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [4], block = [-32]> {
  tessera_target.return
}

// -----

// expected-error @+1 {{block has 2048 threads, more than the limit of 1024}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [4], block = [256, 8]> {
  tessera_target.return
}

// -----

// expected-error @+1 {{shared (-1) must not be negative}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [4], block = [32], shared = -1> {
  tessera_target.return
}

// -----

// expected-error @+1 {{regs (256) must be in [0, 255]}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [4], block = [32], regs = 256> {
  tessera_target.return
}

// -----

// expected-error @+1 {{kernels return no values}}
tessera_target.kernel @k() -> i32 {
  tessera_target.return
}

// -----

// expected-error @+1 {{'tessera_target.kernel' op kernels return no values, but the signature has 1 results}}
"tessera_target.kernel"() ({
  "tessera_target.return"() : () -> ()
}) {sym_name = "k", function_type = () -> i32} : () -> ()

// -----

// expected-error @+1 {{'tessera_target.kernel' op type of entry block argument #0('f32') must match the type of the corresponding argument in function signature('i32')}}
"tessera_target.kernel"() ({
^bb0(%x: f32):
  "tessera_target.return"() : () -> ()
}) {sym_name = "k", function_type = (i32) -> ()} : () -> ()

// -----

func.func @return_outside() {
  // expected-error @+1 {{'tessera_target.return' op expects parent op 'tessera_target.kernel'}}
  tessera_target.return
}

// -----

// expected-error @+1 {{unknown key 'threads' in kernel_config, expected grid, block, shared or regs}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [1], threads = [32]> {
  tessera_target.return
}

// -----

// expected-error @+1 {{kernel_config needs 'block'}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [1]> {
  tessera_target.return
}

// -----

// expected-error @+1 {{'grid' given twice}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [1], block = [32], grid = [2]> {
  tessera_target.return
}

// -----

// expected-error @+1 {{'tessera_target.kernel' op symbol declaration cannot have public visibility}}
tessera_target.kernel @declaration(memref<16xf32>)

// -----

tessera_target.kernel @k(%x: memref<?xf32>) {
  tessera_target.return
}
func.func @launch_arity(%a: memref<?xf32>, %n: index) {
  // expected-error @+1 {{'tessera_target.launch' op kernel @k takes 1 arguments, but 2 are passed}}
  tessera_target.launch @k grid(%n) block = [128] args(%a, %n : memref<?xf32>, index)
  return
}

// -----

tessera_target.kernel @k(%x: memref<?xf32>) {
  tessera_target.return
}
func.func @launch_types(%a: memref<?xf16>, %n: index) {
  // expected-error @+1 {{'tessera_target.launch' op argument 0 of type 'memref<?xf16>' does not match kernel parameter 'memref<?xf32>'}}
  tessera_target.launch @k grid(%n) block = [128] args(%a : memref<?xf16>)
  return
}

// -----

func.func @launch_grid_rank(%n: index) {
  // expected-error @+1 {{'tessera_target.launch' op grid has 4 extents; it must have one to three}}
  tessera_target.launch @k grid(%n, %n, %n, %n) block = [1, 1, 1, 1] args()
  return
}

// -----

func.func @launch_block_rank(%n: index) {
  // expected-error @+1 {{'tessera_target.launch' op block has 2 extents, but grid has 1}}
  tessera_target.launch @k grid(%n) block = [1, 1] args()
  return
}

// -----

func.func @launch_block_extent(%n: index) {
  // expected-error @+1 {{'tessera_target.launch' op block extent 0 must be positive}}
  tessera_target.launch @k grid(%n) block = [0] args()
  return
}

// -----

func.func @launch_threads(%n: index) {
  // expected-error @+1 {{'tessera_target.launch' op block of 2048 threads exceeds the limit of 1024}}
  tessera_target.launch @k grid(%n) block = [2048] args()
  return
}

// -----

func.func @launch_shared(%n: index) {
  // expected-error @+1 {{'tessera_target.launch' op shared memory size -1 must not be negative}}
  tessera_target.launch @k grid(%n) block = [32] shared = -1 args()
  return
}

// -----

func.func @constant_shape() {
  // expected-error @+1 {{'tessera_target.constant' op value of type 'tensor<3xf32>' does not fill the buffer 'memref<4xf32>'}}
  %c = tessera_target.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32> -> memref<4xf32>
  return
}

// -----

func.func @constant_layout() {
  // expected-error @+1 {{'tessera_target.constant' op buffer 'memref<2xf32, strided<[2]>>' must be in the identity (row-major) layout}}
  %c = tessera_target.constant dense<[1.0, 2.0]> : tensor<2xf32> -> memref<2xf32, strided<[2]>>
  return
}

// -----

func.func @allocate_sizes(%n: index) {
  // expected-error @+1 {{'tessera_target.allocate' op type 'memref<?x?xf32>' has 2 dynamic dimensions, but 1 sizes are given}}
  %t = tessera_target.allocate(%n) : memref<?x?xf32>
  return
}

// -----

func.func @ptx_two_instructions(%a: i32) {
  // expected-error @+1 {{'tessera_target.ptx_instr' op opcode 'add.s32 $0; ret' must be one PTX instruction (no ';', '$', braces or newlines)}}
  tessera_target.ptx_instr "add.s32 $0; ret" (%a) : (i32) -> ()
  return
}

// -----

func.func @ptx_operand_type(%a: index) {
  // expected-error @+1 {{'tessera_target.ptx_instr' op operand #0 has type 'index'; PTX operands are 16, 32 or 64-bit integers, f16, bf16, f32, f64 or !llvm.ptr}}
  tessera_target.ptx_instr "prefetch.global.L2" (%a) : (index) -> ()
  return
}

// -----

func.func @ptx_result_type(%a: i32) {
  // expected-error @+1 {{'tessera_target.ptx_instr' op result has type 'vector<2xf32>'; PTX results are 16, 32 or 64-bit integers, f16, bf16, f32, f64 or !llvm.ptr}}
  %r = tessera_target.ptx_instr "mov.b32" (%a) : (i32) -> vector<2xf32>
  return
}

// -----

func.func @ptx_constraint_key(%a: i32) {
  // expected-error @+1 {{'tessera_target.ptx_instr' op constraint key 'operand1' names no operand (operand0 to operand1 excluded)}}
  tessera_target.ptx_instr "prefetch.global.L2" (%a) {constraints = {operand1 = "r"}} : (i32) -> ()
  return
}

// -----

func.func @ptx_constraint_letter(%a: i32) {
  // expected-error @+1 {{'tessera_target.ptx_instr' op constraint "x" of operand0 must be one of r, l, h, f, d, n, optionally after a '+'}}
  tessera_target.ptx_instr "prefetch.global.L2" (%a) {constraints = {operand0 = "x"}} : (i32) -> ()
  return
}

// -----

// The Target IR guide's TMA example gives a 64-bit shared pointer an "r".
func.func @ptx_constraint_type(%s: !llvm.ptr<3>, %g: !llvm.ptr<1>, %d: i64) {
  // expected-error @+1 {{'tessera_target.ptx_instr' op constraint 'r' of operand0 does not fit its type '!llvm.ptr<3>' (r: 32-bit, l: 64-bit or pointer, h: 16-bit, f: f32, d: f64, n: immediate)}}
  tessera_target.ptx_instr "cp.async.bulk.tensor.2d.shared.global"
      (%s, %g, %d) {constraints = {operand0 = "r", operand1 = "l", operand2 = "r"}, latency = 150}
      : (!llvm.ptr<3>, !llvm.ptr<1>, i64) -> ()
  return
}

// -----

func.func @ptx_two_tied(%a: i32) {
  // expected-error @+1 {{'tessera_target.ptx_instr' op marks two operands '+'; the result overwrites at most one}}
  %r = tessera_target.ptx_instr "add.s32" (%a, %a) {constraints = {operand0 = "+r", operand1 = "+r"}} : (i32, i32) -> i32
  return
}

// -----

func.func @ptx_tied_no_result(%a: i32) {
  // expected-error @+1 {{'tessera_target.ptx_instr' op operand0 is marked '+' (the result overwrites it), but the instruction has no result}}
  tessera_target.ptx_instr "add.s32" (%a) {constraints = {operand0 = "+r"}} : (i32) -> ()
  return
}

// -----

func.func @ptx_tied_type(%a: i32) {
  // expected-error @+1 {{'tessera_target.ptx_instr' op result type 'i64' differs from operand0's type 'i32', which it overwrites}}
  %r = tessera_target.ptx_instr "add.s32" (%a) {constraints = {operand0 = "+r"}} : (i32) -> i64
  return
}

// -----

func.func @tc_kind(%a: vector<4x2xf16>, %b: vector<2x2xf16>, %c: vector<2x2xf32>) {
  // expected-error @+1 {{'tessera_target.tensor_core' op kind 'hmma' must be mma_sync, wgmma, mfma or wmma}}
  %d = tessera_target.tensor_core "hmma" (%a, %b, %c) shape = [16, 8, 16] precision = "f16" : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
  return
}

// -----

func.func @tc_precision_missing(%a: vector<4x2xf16>, %b: vector<2x2xf16>, %c: vector<2x2xf32>) {
  // expected-error @+1 {{'tessera_target.tensor_core' op needs the operands' precision (precision = "f16", "bf16", "tf32", ...)}}
  %d = tessera_target.tensor_core "mma_sync" (%a, %b, %c) shape = [16, 8, 16] : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
  return
}

// -----

func.func @tc_precision(%a: vector<4x2xf16>, %b: vector<2x2xf16>, %c: vector<2x2xf32>) {
  // expected-error @+1 {{'tessera_target.tensor_core' op precision 'f32' must be f16, bf16, tf32, e4m3, e5m2 or s8}}
  %d = tessera_target.tensor_core "mma_sync" (%a, %b, %c) shape = [16, 8, 16] precision = "f32" : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
  return
}

// -----

func.func @tc_layout(%a: vector<4x2xf16>, %b: vector<2x2xf16>, %c: vector<2x2xf32>) {
  // expected-error @+1 {{'tessera_target.tensor_core' op layout 'rc' must be nn, nt, tn or tt}}
  %d = tessera_target.tensor_core "mma_sync" (%a, %b, %c) shape = [16, 8, 16] precision = "f16" layout = "rc" : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
  return
}

// -----

func.func @tc_shape_rank(%a: vector<4x2xf16>, %b: vector<2x2xf16>, %c: vector<2x2xf32>) {
  // expected-error @+1 {{'tessera_target.tensor_core' op shape must be [M, N, K], got 2 sizes}}
  %d = tessera_target.tensor_core "mma_sync" (%a, %b, %c) shape = [16, 8] precision = "f16" : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
  return
}

// -----

func.func @wgmma_m(%a: i64, %c: vector<128xf32>) {
  // expected-error @+1 {{'tessera_target.tensor_core' op wgmma has M = 64, got 128}}
  %d = tessera_target.tensor_core "wgmma" (%a, %a, %c) shape = [128, 256, 16] precision = "f16" : (i64, i64, vector<128xf32>) -> vector<128xf32>
  return
}

// -----

func.func @wgmma_n(%a: i64, %c: vector<128xf32>) {
  // expected-error @+1 {{'tessera_target.tensor_core' op wgmma has N a multiple of 8 from 8 to 256, got 260}}
  %d = tessera_target.tensor_core "wgmma" (%a, %a, %c) shape = [64, 260, 16] precision = "f16" : (i64, i64, vector<128xf32>) -> vector<128xf32>
  return
}

// -----

// The Target IR guide's Hopper example: tf32 wgmma with K = 32.
func.func @wgmma_k(%a: i64, %c: vector<128xf32>) {
  // expected-error @+1 {{'tessera_target.tensor_core' op wgmma with tf32 operands has K = 8, got 32}}
  %d = tessera_target.tensor_core "wgmma" (%a, %a, %c) shape = [64, 256, 32] precision = "tf32" layout = "nt" : (i64, i64, vector<128xf32>) -> vector<128xf32>
  return
}

// -----

func.func @wmma_no_form(%a: vector<16xf16>, %c: vector<8xf32>) {
  // expected-error @+1 {{'tessera_target.tensor_core' op wmma has no tf32 form}}
  %d = tessera_target.tensor_core "wmma" (%a, %a, %c) shape = [16, 16, 16] precision = "tf32" : (vector<16xf16>, vector<16xf16>, vector<8xf32>) -> vector<8xf32>
  return
}

// -----

func.func @mma_sync_shape(%a: vector<4x2xf16>, %b: vector<2x2xf16>, %c: vector<2x2xf32>) {
  // expected-error @+1 {{'tessera_target.tensor_core' op mma_sync with f16 operands has shape [16, 8, 16] or [16, 8, 8], got [64, 256, 32]}}
  %d = tessera_target.tensor_core "mma_sync" (%a, %b, %c) shape = [64, 256, 32] precision = "f16" : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
  return
}

// -----

func.func @mma_sync_layout(%a: vector<4x2xf16>, %b: vector<2x2xf16>, %c: vector<2x2xf32>) {
  // expected-error @+1 {{'tessera_target.tensor_core' op mma_sync has only layout "nt" (A row-major, B column-major), got "nn"}}
  %d = tessera_target.tensor_core "mma_sync" (%a, %b, %c) shape = [16, 8, 16] precision = "f16" layout = "nn" : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
  return
}

// -----

func.func @memcpy_kind(%a: !llvm.ptr<1>, %n: i64) {
  // expected-error @+1 {{'tessera_target.memcpy' op kind 'peer' must be host_to_device, device_to_host, device_to_device or global_to_shared}}
  tessera_target.memcpy %a, %a, %n kind = "peer" : !llvm.ptr<1>, !llvm.ptr<1>, i64
  return
}

// -----

func.func @memcpy_operands(%a: !llvm.ptr<1>, %n: i64) {
  // expected-error @+1 {{'tessera_target.memcpy' op copies between memrefs or !llvm.ptr values, got 'i64' and '!llvm.ptr<1>'}}
  tessera_target.memcpy %n, %a, %n kind = "device_to_device" : i64, !llvm.ptr<1>, i64
  return
}

// -----

func.func @memcpy_to_shared(%a: !llvm.ptr<1>, %n: i64) {
  // expected-error @+1 {{'tessera_target.memcpy' op kind 'global_to_shared' needs a shared-memory destination and a global source, got a global destination and a global source}}
  tessera_target.memcpy %a, %a, %n kind = "global_to_shared" : !llvm.ptr<1>, !llvm.ptr<1>, i64
  return
}

// -----

func.func @memcpy_shared(%a: !llvm.ptr<1>, %s: memref<64xf16, #gpu.address_space<workgroup>>, %n: i64) {
  // expected-error @+1 {{'tessera_target.memcpy' op kind 'device_to_device' copies between global buffers, but the destination is in shared memory}}
  tessera_target.memcpy %s, %a, %n kind = "device_to_device" : memref<64xf16, #gpu.address_space<workgroup>>, !llvm.ptr<1>, i64
  return
}

// -----

func.func @memcpy_types(%a: memref<?xf16>, %b: memref<?xf32>, %n: index) {
  // expected-error @+1 {{'tessera_target.memcpy' op element types 'f16' and 'f32' differ}}
  tessera_target.memcpy %a, %b, %n kind = "device_to_device" : memref<?xf16>, memref<?xf32>, index
  return
}

// -----

func.func @memcpy_stream(%a: memref<?xf16>, %n: index, %s: i64) {
  // expected-error @+1 {{'tessera_target.memcpy' op has a stream but is not async (async = true)}}
  tessera_target.memcpy %a, %a, %n kind = "device_to_device" stream = %s : i64 : memref<?xf16>, memref<?xf16>, index
  return
}

// -----

func.func @ptx_tied_immediate(%a: i32) {
  // expected-error @+1 {{'tessera_target.ptx_instr' op operand0 is marked '+n': an immediate cannot be overwritten by the result}}
  %r = tessera_target.ptx_instr "add.s32" (%a) {constraints = {operand0 = "+n"}} : (i32) -> i32
  return
}

// -----

func.func @tensor_map_element(%a: memref<?x?xf32>, %n: index) {
  // expected-error @+1 {{'tessera_target.tensor_map' op maps a buffer of 'f32' with a box of 'f16'}}
  %map, %valid = tessera_target.tensor_map %a[%n, %n] : memref<?x?xf32> -> !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, 3>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
  return
}

// -----

func.func @tensor_map_layout(%a: memref<?x?xf16, strided<[?, 1]>>, %n: index) {
  // expected-error @+1 {{'tessera_target.tensor_map' op buffer 'memref<?x?xf16, strided<[?, 1]>>' must be in the identity (row-major) layout}}
  %map, %valid = tessera_target.tensor_map %a[%n, %n] : memref<?x?xf16, strided<[?, 1]>> -> !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, 3>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
  return
}

// -----

func.func @tensor_map_dims(%a: memref<?x?xf16>, %n: index) {
  // expected-error @+1 {{'tessera_target.tensor_map' op has 1 dims, but its box has rank 2}}
  %map, %valid = tessera_target.tensor_map %a[%n] : memref<?x?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, 3>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
  return
}

// -----

func.func @tensor_map_stride_count(%a: memref<?x?xf16>, %n: index) {
  // expected-error @+1 {{'tessera_target.tensor_map' op has 1 strides for 2 dims; give one per dim, or none}}
  %map, %valid = tessera_target.tensor_map %a[%n, %n] strides [%n] : memref<?x?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, 3>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
  return
}

// -----

func.func @tensor_map_inner_stride(%a: memref<?x?xf16>, %n: index) {
  // expected-error @+1 {{'tessera_target.tensor_map' op innermost stride must be the constant 1 (TMA reads rows of contiguous elements)}}
  %map, %valid = tessera_target.tensor_map %a[%n, %n] strides [%n, %n] : memref<?x?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, 3>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
  return
}

// -----

func.func @tensor_map_rank(%a: memref<?xf16>, %n: index) {
  // expected-error @+1 {{'tessera_target.tensor_map' op box has rank 6; TMA maps tensors of rank 1 to 5}}
  %map, %valid = tessera_target.tensor_map %a[%n, %n, %n, %n, %n, %n] : memref<?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<1x1x1x1x1x64xf16, 3>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
  return
}

// -----

func.func @tensor_map_box(%a: memref<?xf16>, %n: index) {
  // expected-error @+1 {{'tessera_target.tensor_map' op box 'memref<512x64xf16, 3>' must have static sizes from 1 to 256}}
  %map, %valid = tessera_target.tensor_map %a[%n, %n] : memref<?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<512x64xf16, 3>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
  return
}

// -----

func.func @tensor_map_space(%a: memref<?xf16>, %n: index) {
  // expected-error @+1 {{'tessera_target.tensor_map' op box 'memref<64x64xf16>' must be in shared memory (address space 3)}}
  %map, %valid = tessera_target.tensor_map %a[%n, %n] : memref<?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
  return
}

// -----

func.func @tensor_map_row_bytes(%a: memref<?xf16>, %n: index) {
  // expected-error @+1 {{'tessera_target.tensor_map' op box rows are 8 bytes; TMA copies multiples of 16 bytes}}
  %map, %valid = tessera_target.tensor_map %a[%n, %n] : memref<?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<64x4xf16, 3>, swizzle = none, l2promo = none, oob = zero, interleave = none>
  return
}

// -----

func.func @tensor_map_swizzle(%a: memref<?xf16>, %n: index) {
  // expected-error @+1 {{'tessera_target.tensor_map' op box rows are 128 bytes, more than its 64-byte swizzle}}
  %map, %valid = tessera_target.tensor_map %a[%n, %n] : memref<?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, 3>, swizzle = swizzle_64b, l2promo = none, oob = zero, interleave = none>
  return
}

// -----

func.func @tensor_map_interleave(%a: memref<?xf16>, %n: index) {
  // expected-error @+1 {{'tessera_target.tensor_map' op uses interleave, which the runtime does not encode (only interleave = none)}}
  %map, %valid = tessera_target.tensor_map %a[%n, %n] : memref<?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, 3>, swizzle = none, l2promo = none, oob = zero, interleave = interleave_16b>
  return
}

// -----

func.func @tensor_map_i16(%a: memref<?xi16>, %n: index) {
  // expected-error @+1 {{'tessera_target.tensor_map' op maps elements of 'i16', which the runtime does not encode (f16, bf16, f32, f64, i8, i32, i64, f8E4M3FN, f8E5M2)}}
  %map, %valid = tessera_target.tensor_map %a[%n, %n] : memref<?xi16> -> !nvgpu.tensormap.descriptor<tensor = memref<64x64xi16, 3>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
  return
}
