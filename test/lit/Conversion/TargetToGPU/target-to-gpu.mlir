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

// -----

// Raw instructions: ptx_instr becomes inline assembly (destination $0, then
// the operands; a '+' operand tied to the result), tensor_core mma_sync on
// register fragments becomes nvgpu.mma.sync.
// CHECK-LABEL: gpu.func @raw
// CHECK: llvm.inline_asm has_side_effects asm_dialect = att {tessera.ptx = "add.s32"} "add.s32 $0, $1, $2;", "=r,r,r"
// CHECK: llvm.inline_asm has_side_effects asm_dialect = att {tessera.ptx = "fma.rn.f32"} "fma.rn.f32 $0, $2, $3;", "=f,0,f,f"
// CHECK: llvm.inline_asm has_side_effects asm_dialect = att {tessera.ptx = "prefetch.global.L2"} "prefetch.global.L2 $0;", "l"
// CHECK: nvgpu.mma.sync(%{{.*}}, %{{.*}}, %{{.*}}) {mmaShape = [16, 8, 16]}
tessera_target.kernel @raw(%a: i32, %x: f32, %p: !llvm.ptr<1>, %fa: vector<4x2xf16>, %fb: vector<2x2xf16>, %fc: vector<2x2xf32>, %out: memref<?xf32>)
    config = #tessera_target.kernel_config<grid = [1], block = [32]> {
  %r = tessera_target.ptx_instr "add.s32" (%a, %a) : (i32, i32) -> i32
  %f = tessera_target.ptx_instr "fma.rn.f32" (%x, %x, %x) {constraints = {operand0 = "+f"}} : (f32, f32, f32) -> f32
  tessera_target.ptx_instr "prefetch.global.L2" (%p) : (!llvm.ptr<1>) -> ()
  %d = tessera_target.tensor_core "mma_sync" (%fa, %fb, %fc) shape = [16, 8, 16] precision = "f16"
      : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
  %c0 = arith.constant 0 : index
  %e = vector.extract %d[0, 0] : f32 from vector<2x2xf32>
  memref.store %e, %out[%c0] : memref<?xf32>
  tessera_target.return
}

// -----

tessera_target.kernel @wgmma(%a: i64, %c: vector<64xf32>) config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  // expected-error @+1 {{'tessera_target.tensor_core' op of kind 'wgmma' lowers on (i64 descriptor of A, i64 descriptor of B, vector<128xf32> accumulator) -> vector<128xf32>: each thread of the warpgroup holds N / 2 floats}}
  %d = tessera_target.tensor_core "wgmma" (%a, %a, %c) shape = [64, 256, 16] precision = "f16" : (i64, i64, vector<64xf32>) -> vector<64xf32>
  tessera_target.return
}

// -----

tessera_target.kernel @wgmma_s8(%a: i64, %c: vector<32xf32>) config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  // expected-error @+1 {{'tessera_target.tensor_core' op of kind 'wgmma' with s8 operands is not lowered yet (f16, bf16, tf32, e4m3 and e5m2 are)}}
  %d = tessera_target.tensor_core "wgmma" (%a, %a, %c) shape = [64, 64, 32] precision = "s8" : (i64, i64, vector<32xf32>) -> vector<32xf32>
  tessera_target.return
}

// -----

tessera_target.kernel @wgmma_tf32_nn(%a: i64, %c: vector<32xf32>) config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  // expected-error @+1 {{'tessera_target.tensor_core' op of kind 'wgmma' with tf32 operands has only layout "nt" (wgmma transposes f16 and bf16 operands only)}}
  %d = tessera_target.tensor_core "wgmma" (%a, %a, %c) shape = [64, 64, 8] precision = "tf32" layout = "nn" : (i64, i64, vector<32xf32>) -> vector<32xf32>
  tessera_target.return
}

// -----

tessera_target.kernel @mfma(%a: vector<4xf16>, %c: vector<4xf32>) config = #tessera_target.kernel_config<grid = [1], block = [64]> {
  // expected-error @+1 {{'tessera_target.tensor_core' op of kind 'mfma' is not lowered yet: mma_sync on register fragments (vectors) and wgmma on descriptors are; matrix-core kernels come from Tile IR (amdgpu.mfma under a 'mma = mfma' schedule)}}
  %d = tessera_target.tensor_core "mfma" (%a, %a, %c) shape = [16, 16, 16] precision = "f16" : (vector<4xf16>, vector<4xf16>, vector<4xf32>) -> vector<4xf32>
  tessera_target.return
}

// -----

// A copy inside a kernel: the block's threads copy it together (thread t
// the bytes t, t + threads, ...), then a barrier unless it is async.
// CHECK-LABEL: gpu.func @copy
// CHECK: gpu.thread_id  x
// CHECK: %[[TID:.*]] = arith.addi %thread_id_x, %{{.*}} : index
// CHECK: scf.for %[[I:.*]] = %[[TID]] to %{{.*}} step %c128
// CHECK: llvm.getelementptr %{{.*}}[%{{.*}}] : (!llvm.ptr<1>, i64) -> !llvm.ptr<1>, i8
// CHECK: llvm.load %{{.*}} : !llvm.ptr<1> -> i8
// CHECK: llvm.store %{{.*}}, %{{.*}} : i8, !llvm.ptr<3>
// CHECK-NOT: nvvm.fence.proxy
// CHECK-NOT: gpu.barrier
// CHECK: scf.for
// CHECK: memref.load %{{.*}}[%{{.*}}] : memref<?xf32>
// CHECK: memref.store %{{.*}}, %{{.*}}[%{{.*}}] : memref<?xf32>
// CHECK: gpu.barrier
tessera_target.kernel @copy(%s: !llvm.ptr<3>, %g: !llvm.ptr<1>, %n: i64, %a: memref<?xf32>, %b: memref<?xf32>, %bytes: index) config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  tessera_target.memcpy %s, %g, %n kind = "global_to_shared" async = true : !llvm.ptr<3>, !llvm.ptr<1>, i64
  tessera_target.memcpy %a, %b, %bytes kind = "device_to_device" : memref<?xf32>, memref<?xf32>, index
  tessera_target.return
}

// -----

tessera_target.kernel @copy_host(%a: memref<?xf32>, %b: memref<?xf32>, %n: index) config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  // expected-error @+1 {{'tessera_target.memcpy' op of kind 'host_to_device' copies host memory, which a kernel cannot reach (the runtime moves host data; in a kernel copy global_to_shared or device_to_device)}}
  tessera_target.memcpy %a, %b, %n kind = "host_to_device" : memref<?xf32>, memref<?xf32>, index
  tessera_target.return
}

// -----

tessera_target.kernel @copy_mixed(%a: memref<?xf32>, %g: !llvm.ptr<1>, %n: index) config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  // expected-error @+1 {{'tessera_target.memcpy' op copies between two !llvm.ptr values or two 1-d identity memrefs in a kernel, got 'memref<?xf32>' and '!llvm.ptr<1>'}}
  tessera_target.memcpy %a, %g, %n kind = "device_to_device" : memref<?xf32>, !llvm.ptr<1>, index
  tessera_target.return
}

// -----

// A TMA tensor map parameter is a pointer to the runtime's CUtensorMap,
// passed by value (tessera.tensor_map_params: tessera-target-bare-ptr
// makes it a byval grid constant); the body sees it typed again (the NVVM
// conversion folds the cast away).
!map = !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
// CHECK-LABEL: gpu.func @tma
// CHECK-SAME: (%[[A:.*]]: memref<?xf16>, %[[M:.*]]: !llvm.ptr, %[[V:.*]]: index)
// CHECK-SAME: tessera.memref_params = array<i64: 0>, tessera.tensor_map_params = array<i64: 1>
// CHECK: %[[T:.*]] = builtin.unrealized_conversion_cast %[[M]] : !llvm.ptr to !nvgpu.tensormap.descriptor
// CHECK: nvgpu.tma.prefetch.descriptor %[[T]]
tessera_target.kernel @tma(%a: memref<?xf16>, %m: !map, %v: index) config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  nvgpu.tma.prefetch.descriptor %m : !map
  tessera_target.return
}

// -----

// Tensor maps go by value only beside bare-pointer buffers.
!map = !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
// expected-error @+1 {{'tessera_target.kernel' op takes tensor maps, which are passed by value in kernels whose buffers are flat memrefs (bare pointers) only}}
tessera_target.kernel @tma_strided(%a: memref<?x?xf16>, %m: !map) config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  nvgpu.tma.prefetch.descriptor %m : !map
  tessera_target.return
}

// -----

// A shared buffer as the kernel's first op: the views of the dynamic shared
// memory go first, the buffers are erased after.
// CHECK-LABEL: gpu.func @first
// CHECK: %[[D:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK: memref.view %[[D]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<64xf16, #gpu.address_space<workgroup>>
// CHECK: memref.view %[[D]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<32xf32, #gpu.address_space<workgroup>>
// CHECK-NOT: tessera_tile.alloc_shared
tessera_target.kernel @first(%a: memref<?xf32>) config = #tessera_target.kernel_config<grid = [1], block = [64]> {
  %s = tessera_tile.alloc_shared : memref<64xf16, #gpu.address_space<workgroup>>
  %t = tessera_tile.alloc_shared : memref<32xf32, #gpu.address_space<workgroup>>
  %c0 = arith.constant 0 : index
  %x = memref.load %a[%c0] : memref<?xf32>
  memref.store %x, %t[%c0] : memref<32xf32, #gpu.address_space<workgroup>>
  %h = arith.truncf %x : f32 to f16
  memref.store %h, %s[%c0] : memref<64xf16, #gpu.address_space<workgroup>>
  tessera_target.return
}

// -----

// A buffer that needs more than 16-byte alignment (a swizzled one): every
// view is shifted by the bytes that align the window's first address to
// 1024, and the launch asks for that much slack (4096 + 1008).
// CHECK-LABEL: func.func @aligned_host
// CHECK: tessera_target.launch @aligned grid(%{{.*}}) block = [64] shared = 5104
// CHECK-LABEL: gpu.func @aligned
// CHECK: %[[D:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK: %[[P:.*]] = memref.extract_aligned_pointer_as_index %[[D]]
// CHECK: %[[R:.*]] = arith.remui %[[P]], %c1024
// CHECK: %[[U:.*]] = arith.subi %c1024{{.*}}, %[[R]]
// CHECK: %[[SHIFT:.*]] = arith.remui %[[U]], %c1024
// CHECK: memref.view %[[D]][%[[SHIFT]]][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<2048xf16, #gpu.address_space<workgroup>>
tessera_target.kernel @aligned(%a: memref<?xf16>) config = #tessera_target.kernel_config<grid = [1], block = [64]> {
  %s = tessera_tile.alloc_shared offset 0 align 1024 : memref<2048xf16, #gpu.address_space<workgroup>>
  %c0 = arith.constant 0 : index
  %x = memref.load %a[%c0] : memref<?xf16>
  memref.store %x, %s[%c0] : memref<2048xf16, #gpu.address_space<workgroup>>
  tessera_target.return
}
func.func @aligned_host(%a: memref<?xf16>) {
  %c1 = arith.constant 1 : index
  tessera_target.launch @aligned grid(%c1) block = [64] args(%a : memref<?xf16>)
  return
}

// -----

// A launch config's register cap becomes the vendor's kernel attribute
// (the chip's target info): nvvm.maxnreg on NVIDIA.
// CHECK-LABEL: gpu.func @capped
// CHECK-SAME: nvvm.maxnreg = 32 : i32
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
  tessera_target.kernel @capped(%a: memref<?xf32>) config = #tessera_target.kernel_config<grid = [1], block = [256], regs = 32> {
    tessera_target.return
  }
}

// -----

module attributes {tessera_target.chip = #tessera_target.chip<"gfx942">} {
  // expected-error @+1 {{caps registers (regs = 64), which Tessera does not implement for AMD chips (gfx942) yet}}
  tessera_target.kernel @amd_cap(%a: memref<?xf32>) config = #tessera_target.kernel_config<grid = [1], block = [256], regs = 64> {
    tessera_target.return
  }
}

// -----

// expected-error @+1 {{caps registers (regs = 32), which needs the module's #tessera_target.chip (tessera-target-set-chip): the cap is spelled per vendor}}
tessera_target.kernel @no_chip_cap(%a: memref<?xf32>) config = #tessera_target.kernel_config<grid = [1], block = [256], regs = 32> {
  tessera_target.return
}

// -----

// A kernel launched in clusters (tessera.cluster) gets the vendor's cluster
// shape attribute (nvvm.cluster_dim: .reqnctapercluster in its PTX).
// CHECK-LABEL: gpu.func @clustered
// CHECK-SAME: nvvm.cluster_dim = array<i32: 8, 1, 1>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
  tessera_target.kernel @clustered(%a: memref<?xf32>) config = #tessera_target.kernel_config<grid = [8], block = [256]> attributes {tessera.cluster = 8 : i64} {
    tessera_target.return
  }
}

// -----

module attributes {tessera_target.chip = #tessera_target.chip<"sm_80">} {
  // expected-error @+1 {{launches its blocks in clusters of 2, but NVIDIA sm_80 has no clusters (NVIDIA sm_90 and later)}}
  tessera_target.kernel @no_clusters(%a: memref<?xf32>) config = #tessera_target.kernel_config<grid = [2], block = [256]> attributes {tessera.cluster = 2 : i64} {
    tessera_target.return
  }
}

// -----

module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
  // expected-error @+1 {{launches its blocks in clusters of 16, but sm_90 clusters hold 1 to 8 blocks}}
  tessera_target.kernel @big_cluster(%a: memref<?xf32>) config = #tessera_target.kernel_config<grid = [16], block = [256]> attributes {tessera.cluster = 16 : i64} {
    tessera_target.return
  }
}

// -----

// expected-error @+1 {{launches its blocks in clusters of 2, which needs the module's #tessera_target.chip (tessera-target-set-chip)}}
tessera_target.kernel @no_chip_cluster(%a: memref<?xf32>) config = #tessera_target.kernel_config<grid = [2], block = [256]> attributes {tessera.cluster = 2 : i64} {
  tessera_target.return
}

// -----

// erf without a division: x * P(x^2) near 0, else sign(x) * (1 - 2^Q(t))
// with t = min(|x|, 4), Horner steps as fmas, the exp2 approximate (afn:
// the hardware's); f16 computes in f32.
// CHECK-LABEL: gpu.func @erf
// CHECK: %[[X:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK: %[[T:.*]] = math.absf %[[X]] : f32
// CHECK: %[[S:.*]] = arith.mulf %[[X]], %[[X]] : f32
// CHECK-COUNT-5: math.fma
// CHECK: %[[SMALL:.*]] = arith.mulf %[[X]], %{{.*}} : f32
// CHECK: %[[CLAMPED:.*]] = arith.minimumf %[[T]], %{{.*}} : f32
// CHECK-COUNT-8: math.fma %{{.*}}, %[[CLAMPED]]
// CHECK: %[[TAIL:.*]] = math.exp2 %{{.*}} fastmath<afn> : f32
// CHECK: %[[ONE_MINUS:.*]] = arith.subf %{{.*}}, %[[TAIL]] : f32
// CHECK: %[[LARGE:.*]] = math.copysign %[[ONE_MINUS]], %[[X]] : f32
// CHECK: %[[NEAR:.*]] = arith.cmpf olt, %[[T]], %{{.*}} : f32
// CHECK: %[[R:.*]] = arith.select %[[NEAR]], %[[SMALL]], %[[LARGE]] : f32
// CHECK: arith.truncf %[[R]] : f32 to f16
// CHECK-NOT: arith.divf
// CHECK-NOT: math.erf
// CHECK: gpu.return
tessera_target.kernel @erf(%a: memref<?xf16>) config = #tessera_target.kernel_config<grid = [1], block = [32]> {
  %c0 = arith.constant 0 : index
  %x = memref.load %a[%c0] : memref<?xf16>
  %y = math.erf %x : f16
  memref.store %y, %a[%c0] : memref<?xf16>
  tessera_target.return
}

// -----

// f64 transcendentals stay math ops, for the NVVM and ROCDL conversions to
// call the vendor's library (libdevice, ocml), tanh through expm1 (accurate
// near 0; clamped at 20, where it rounds to 1); f32 ones become polynomials
// and exps, pow as exp(y log x).
// CHECK-LABEL: gpu.func @f64_math
// CHECK: %[[X:.*]] = memref.load %{{.*}} : memref<?xf64>
// CHECK: %[[ABS:.*]] = math.absf %[[X]] : f64
// CHECK: %[[CLAMPED:.*]] = arith.minimumf %[[ABS]], %{{.*}} : f64
// CHECK: %[[TWICE:.*]] = arith.mulf %[[CLAMPED]], %{{.*}} : f64
// CHECK: %[[T:.*]] = math.expm1 %[[TWICE]] : f64
// CHECK: %[[DEN:.*]] = arith.addf %[[T]], %{{.*}} : f64
// CHECK: %[[Q:.*]] = arith.divf %[[T]], %[[DEN]] : f64
// CHECK: math.copysign %[[Q]], %[[X]] : f64
// CHECK-NOT: math.tanh
// CHECK-DAG: math.powf %{{.*}}, %{{.*}} : f64
// CHECK-DAG: math.erf %{{.*}} : f64
// CHECK-DAG: math.log %{{.*}} : f64
// CHECK-NOT: math.tanh %{{.*}} : f32
// CHECK-NOT: math.powf %{{.*}} : f32
// CHECK: gpu.return
tessera_target.kernel @f64_math(%a: memref<?xf64>, %b: memref<?xf32>) config = #tessera_target.kernel_config<grid = [1], block = [32]> {
  %c0 = arith.constant 0 : index
  %x = memref.load %a[%c0] : memref<?xf64>
  %t = math.tanh %x : f64
  %p = math.powf %t, %x : f64
  %e = math.erf %p : f64
  %l = math.log %e : f64
  memref.store %l, %a[%c0] : memref<?xf64>
  %y = memref.load %b[%c0] : memref<?xf32>
  %u = math.tanh %y : f32
  %q = math.powf %u, %y : f32
  memref.store %q, %b[%c0] : memref<?xf32>
  tessera_target.return
}

// -----

// Integer powers by squaring in a loop (n < 0: 1 for x = 1 and 0, +-1 for
// x = -1, else 0, as the CPU path); |x| of narrow integers as a select.
// CHECK-LABEL: gpu.func @integer_math
// CHECK: %[[E:.*]] = arith.maxsi %[[N:.*]], %{{.*}} : i32
// CHECK: %[[LOOP:.*]]:3 = scf.while (%{{.*}} = %{{.*}}, %{{.*}} = %[[X:.*]], %{{.*}} = %[[E]]) : (i32, i32, i32) -> (i32, i32, i32)
// CHECK: scf.condition
// CHECK: arith.muli
// CHECK: arith.shrui
// CHECK: %[[NEGATIVE:.*]] = arith.cmpi slt, %[[N]], %{{.*}} : i32
// CHECK: arith.select %[[NEGATIVE]], %{{.*}}, %[[LOOP]]#0 : i32
// CHECK: %[[LT:.*]] = arith.cmpi slt, %[[B:.*]], %{{.*}} : i8
// CHECK: %[[NEG:.*]] = arith.subi %{{.*}}, %[[B]] : i8
// CHECK: arith.select %[[LT]], %[[NEG]], %[[B]] : i8
// CHECK-NOT: math.ipowi
// CHECK-NOT: math.absi
// CHECK: gpu.return
tessera_target.kernel @integer_math(%a: memref<?xi32>, %b: memref<?xi8>) config = #tessera_target.kernel_config<grid = [1], block = [32]> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %x = memref.load %a[%c0] : memref<?xi32>
  %n = memref.load %a[%c1] : memref<?xi32>
  %p = math.ipowi %x, %n : i32
  memref.store %p, %a[%c0] : memref<?xi32>
  %y = memref.load %b[%c0] : memref<?xi8>
  %v = math.absi %y : i8
  memref.store %v, %b[%c0] : memref<?xi8>
  tessera_target.return
}
