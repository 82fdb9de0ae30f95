// RUN: tessera-opt %s -split-input-file -verify-diagnostics --convert-tessera-tile-to-target | FileCheck %s

// Hopper's block-level ops (sm_90): mbarriers, box copies through tensor
// maps (TMA) into 128-byte swizzled buffers, and a wgmma dot on them.
//
// The barrier group is a memref of one i64 per barrier at its offset;
// thread 0 initializes each (2 arrivals: the two copies) and fences the
// init for the async proxy, then the block synchronizes. Each tensor map
// (a kernel parameter passed by value: nothing to fence) is prefetched by
// thread 0 before the first copy through it
// (not at the kernel's start: a program reads a map only where the host
// could encode it).
// A copy through a map: thread 0 (and the copy's predicate) arrives on
// the barrier expecting the box's bytes, then issues one TMA load per
// 64-column block of the destination (the rhs: 64x128 is two 64x64
// boxes, the second at element 4096 and column + 64). The wait is a
// parity wait. The dot: a matrix descriptor of b (N-major: column blocks
// 64 rows x 128 bytes = 8192 bytes apart, the leading byte offset; 8-row
// groups 1024 bytes apart, the stride byte offset; the 128-byte swizzle at
// bit 62) and one of the warpgroup's (thread / 128) 64 rows of a (8192
// bytes further per warpgroup; K-major: no leading offset), the
// accumulator packed into wgmma's register struct, one wgmma per 16 of K
// (a 32 bytes along its rows, b 16 rows = 2048 bytes down: the
// descriptors' addresses, in 16-byte units, + 2 and + 128), one group,
// waited for (not async), its registers tied after the wait.
#swz = #tessera_tile.smem_layout<swizzle = 128>
#mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [4, 1]>
!lmap = !nvgpu.tensormap.descriptor<tensor = memref<1x64x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
!rmap = !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
!a3 = memref<?x?x?xf16, strided<[?, ?, 1]>>
!b2 = memref<?x?xf16, strided<[?, 1]>>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @tma_wgmma
// CHECK: %[[BARS:.*]] = tessera_tile.alloc_shared offset 0 : memref<1xi64, #gpu.address_space<workgroup>>
// CHECK: %[[G:.*]] = builtin.unrealized_conversion_cast %[[BARS]] : memref<1xi64, #gpu.address_space<workgroup>> to !nvgpu.mbarrier.group<memorySpace = #gpu.address_space<workgroup>>
// CHECK: scf.if
// CHECK: nvgpu.mbarrier.init %[[G]][%{{.*}}], %c2
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: gpu.barrier
// CHECK: %[[A:.*]] = tessera_tile.alloc_shared offset 1024 align 1024 : memref<4096xf16, #gpu.address_space<workgroup>>
// CHECK: %[[B:.*]] = tessera_tile.alloc_shared offset 9216 align 1024 : memref<8192xf16, #gpu.address_space<workgroup>>
// CHECK: scf.if
// CHECK-NEXT: nvgpu.tma.prefetch.descriptor %arg0
// CHECK: scf.if
// CHECK: nvgpu.mbarrier.arrive.expect_tx %{{.*}}[%{{.*}}], %c8192
// CHECK: nvgpu.tma.async.load %arg0[%{{.*}}, %{{.*}}, %{{.*}}], %{{.*}}[%{{.*}}] to %{{.*}} : <tensor = memref<1x64x64xf16
// CHECK: scf.if
// CHECK-NEXT: nvgpu.tma.prefetch.descriptor %arg2
// CHECK: scf.if
// CHECK: nvgpu.mbarrier.arrive.expect_tx %{{.*}}[%{{.*}}], %c16384
// CHECK: nvgpu.tma.async.load %arg2
// CHECK: arith.addi %{{.*}}, %c4096
// CHECK: %[[COL:.*]] = arith.addi %{{.*}}, %c64
// CHECK: nvgpu.tma.async.load %arg2[%[[COL]], %{{.*}}]
// CHECK: nvgpu.mbarrier.try_wait.parity %{{.*}}[%{{.*}}], %false
// CHECK: %[[WG:.*]] = arith.divui %{{.*}}, %c128
// CHECK: memref.extract_aligned_pointer_as_index
// CHECK: %[[BD:.*]] = arith.ori %{{.*}}, %c4611686293338849280_i64{{[_0-9]*}} : i64
// CHECK: arith.muli %[[WG]], %c8192
// CHECK: memref.extract_aligned_pointer_as_index
// CHECK: %[[AD:.*]] = arith.ori %{{.*}}, %c4611686293305360384_i64{{[_0-9]*}} : i64
// CHECK: llvm.insertvalue
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-NEXT: nvvm.wgmma.mma_async %[[AD]], %[[BD]], %{{.*}}, <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <row>], B[<f16>, <one>, <row>]
// CHECK: arith.addi %[[BD]], %c128_i64{{[_0-9]*}}
// CHECK: arith.addi %[[AD]], %c2_i64{{[_0-9]*}}
// CHECK: nvvm.wgmma.mma_async
// CHECK-COUNT-2: nvvm.wgmma.mma_async
// CHECK-NEXT: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: llvm.inline_asm has_side_effects asm_dialect = att "", "=f,=f,
// CHECK-NOT: nvvm.wgmma.wait.group.sync.aligned
// CHECK: llvm.extractvalue
tessera_target.kernel @tma_wgmma(%lmap: !lmap, %a: !a3, %rmap: !rmap, %b: !b2) config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  %c0 = arith.constant 0 : index
  %false = arith.constant false
  %bars = tessera_tile.mbarrier_alloc arrivals 2 offset 0 : !tessera_tile.mbarrier<1>
  %sa = tessera_tile.local_alloc offset 1024 : !tessera_tile.smem<64x64xf16, #swz>
  %sb = tessera_tile.local_alloc offset 9216 : !tessera_tile.smem<64x128xf16, #swz>
  tessera_tile.box_copy %a[%c0, %c0, %c0], %sa desc %lmap arrive %bars[%c0] : !a3, !tessera_tile.smem<64x64xf16, #swz>, !tessera_tile.mbarrier<1> desc !lmap
  tessera_tile.box_copy %b[%c0, %c0], %sb desc %rmap arrive %bars[%c0] : !b2, !tessera_tile.smem<64x128xf16, #swz>, !tessera_tile.mbarrier<1> desc !rmap
  tessera_tile.mbarrier_wait %bars[%c0], %false : !tessera_tile.mbarrier<1>
  %zero = arith.constant dense<0.0> : tensor<64x128xf32, #acc>
  %d = tessera_tile.dot %sa, %sb, %zero {mma = #mma} : !tessera_tile.smem<64x64xf16, #swz>, !tessera_tile.smem<64x128xf16, #swz> -> tensor<64x128xf32, #acc>
  tessera_target.return
}
}

// -----

// An async dot of a loop: wait group 1 in the loop; the dot_wait after it
// waits for group 0, then passes each
// accumulator register through an empty asm that "writes" it, so the
// truncation reading them stays after the wait.
#swz = #tessera_tile.smem_layout<swizzle = 128>
#mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [4, 1]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @async_dot
// CHECK: scf.for
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.wgmma.wait.group.sync.aligned 1
// CHECK-NOT: llvm.inline_asm
// CHECK: scf.yield
// CHECK-NEXT: }
// CHECK-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK-NEXT: %[[TIE:.*]] = llvm.inline_asm has_side_effects asm_dialect = att "", "=f,=f,
// CHECK-SAME: ,0,1,2,
// CHECK-SAME: -> !llvm.struct<(f32,
// CHECK: %[[E0:.*]] = llvm.extractvalue %[[TIE]][0]
// CHECK: arith.truncf %[[E0]] : f32 to f16
tessera_target.kernel @async_dot(%n: index, %out: memref<64x64xf16>) config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %sa = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<64x64xf16, #swz>
  %sb = tessera_tile.local_alloc offset 8192 : !tessera_tile.smem<64x64xf16, #swz>
  %zero = arith.constant dense<0.0> : tensor<64x64xf32, #acc>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (tensor<64x64xf32, #acc>) {
    %d = tessera_tile.dot %sa, %sb, %acc async {mma = #mma} : !tessera_tile.smem<64x64xf16, #swz>, !tessera_tile.smem<64x64xf16, #swz> -> tensor<64x64xf32, #acc>
    scf.yield %d : tensor<64x64xf32, #acc>
  }
  %w = tessera_tile.dot_wait %r : tensor<64x64xf32, #acc>
  %h = arith.truncf %w : tensor<64x64xf32, #acc> to tensor<64x64xf16, #acc>
  tessera_tile.store_tile %h, %out[%c0, %c0] : tensor<64x64xf16, #acc>, memref<64x64xf16>
  tessera_target.return
}
}

// -----

// Two async dots in flight: the second (`in_flight 2`) waits only until at
// most two groups run, so the first is not awaited there; `dot_wait
// pending 1` awaits the first (wait group 1) and ties its registers, the
// plain dot_wait the second.
#swz = #tessera_tile.smem_layout<swizzle = 128>
#mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [4, 1]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @two_in_flight
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.wgmma.wait.group.sync.aligned 1
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.wgmma.wait.group.sync.aligned 2
// CHECK: nvvm.wgmma.wait.group.sync.aligned 1
// CHECK-NEXT: llvm.inline_asm has_side_effects
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK-NEXT: llvm.inline_asm has_side_effects
tessera_target.kernel @two_in_flight(%out: memref<64x64xf16>) config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  %c0 = arith.constant 0 : index
  %sa = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<64x64xf16, #swz>
  %sb = tessera_tile.local_alloc offset 8192 : !tessera_tile.smem<64x64xf16, #swz>
  %zero = arith.constant dense<0.0> : tensor<64x64xf32, #acc>
  %s = tessera_tile.dot %sa, %sb, %zero async {mma = #mma} : !tessera_tile.smem<64x64xf16, #swz>, !tessera_tile.smem<64x64xf16, #swz> -> tensor<64x64xf32, #acc>
  %o = tessera_tile.dot %sa, %sb, %zero async in_flight 2 {mma = #mma} : !tessera_tile.smem<64x64xf16, #swz>, !tessera_tile.smem<64x64xf16, #swz> -> tensor<64x64xf32, #acc>
  %sw = tessera_tile.dot_wait %s pending 1 : tensor<64x64xf32, #acc>
  %ow = tessera_tile.dot_wait %o : tensor<64x64xf32, #acc>
  %sum = arith.addf %sw, %ow : tensor<64x64xf32, #acc>
  %h = arith.truncf %sum : tensor<64x64xf32, #acc> to tensor<64x64xf16, #acc>
  tessera_tile.store_tile %h, %out[%c0, %c0] : tensor<64x64xf16, #acc>, memref<64x64xf16>
  tessera_target.return
}
}

// -----

// Attention's two dots. S = Q K^T: b a transposed view of K's buffer, so
// K-major (layout col: no transpose in the instruction; no leading offset;
// 16 of K are 32 bytes along K's rows, + 2). O = P V: a from registers
// (the f16 accumulator layout is wgmma's `a` fragment: four 32-bit
// registers of f16 pairs per 16 of K), one inline wgmma per 16 of K (b
// N-major: V's 128 rows make the leading offset 16384 bytes, 16 of K 2048
// bytes down, + 128).
#swz = #tessera_tile.smem_layout<swizzle = 128>
#mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [4, 1]>
#opa = #tessera_tile.dot_operand<index = 0, parent = #acc>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @attention_dots
// CHECK: %[[KD:.*]] = arith.ori %{{.*}}, %c4611686293305360384_i64{{[_0-9]*}} : i64
// CHECK: %[[QD:.*]] = arith.ori %{{.*}}, %c4611686293305360384_i64{{[_0-9]*}} : i64
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-NEXT: nvvm.wgmma.mma_async %[[QD]], %[[KD]], %{{.*}}, <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <row>], B[<f16>, <one>, <col>]
// CHECK: arith.addi %[[KD]], %c2_i64{{[_0-9]*}}
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: llvm.inline_asm has_side_effects asm_dialect = att "", "=f,
// CHECK: arith.truncf
// CHECK: %[[VD:.*]] = arith.ori %{{.*}}, %c4611686293372403712_i64{{[_0-9]*}} : i64
// CHECK: vector.bitcast %{{.*}} : vector<2xf16> to vector<1xi32>
// CHECK: nvvm.wgmma.fence.aligned
// CHECK: llvm.inline_asm has_side_effects asm_dialect = att "{\0A.reg .pred p;\0Asetp.ne.b32 p, 1, 0;\0Awgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16 {$0, $1,
// CHECK-SAME: $63}, {$64, $65, $66, $67}, $68, p, 1, 1, 1;\0A}\0A", "=f,
// CHECK-SAME: =f,r,r,r,r,l,0,1,
// CHECK: arith.addi %[[VD]], %c128_i64{{[_0-9]*}}
// CHECK-COUNT-7: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
tessera_target.kernel @attention_dots() config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  %q = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<64x64xf16, #swz>
  %k = tessera_tile.local_alloc offset 8192 : !tessera_tile.smem<128x64xf16, #swz>
  %v = tessera_tile.local_alloc offset 24576 : !tessera_tile.smem<128x128xf16, #swz>
  %kt = tessera_tile.trans %k : !tessera_tile.smem<128x64xf16, #swz> -> !tessera_tile.smem<64x128xf16, #tessera_tile.smem_layout<swizzle = 128, transposed = true>>
  %zero = arith.constant dense<0.0> : tensor<64x128xf32, #acc>
  %s = tessera_tile.dot %q, %kt, %zero {mma = #mma} : !tessera_tile.smem<64x64xf16, #swz>, !tessera_tile.smem<64x128xf16, #tessera_tile.smem_layout<swizzle = 128, transposed = true>> -> tensor<64x128xf32, #acc>
  %h = arith.truncf %s : tensor<64x128xf32, #acc> to tensor<64x128xf16, #acc>
  %p = tessera_tile.convert_layout %h : tensor<64x128xf16, #acc> -> tensor<64x128xf16, #opa>
  %o = tessera_tile.dot %p, %v, %zero {mma = #mma} : tensor<64x128xf16, #opa>, !tessera_tile.smem<128x128xf16, #swz> -> tensor<64x128xf32, #acc>
  tessera_target.return
}
}

// -----

// A swizzled buffer read element by element: the 16-byte chunk index
// XORed with the row within the 8-row period (bits 7-9 of the byte offset).
#swz = #tessera_tile.smem_layout<swizzle = 128>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @swizzled_read
// CHECK: arith.shrui %{{.*}}, %c7
// CHECK: arith.andi %{{.*}}, %c7
// CHECK: arith.shli %{{.*}}, %c4
// CHECK: arith.xori
tessera_target.kernel @swizzled_read() config = #tessera_target.kernel_config<grid = [1], block = [32]> {
  %s = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<8x64xf16, #swz>
  %t = tessera_tile.local_load %s : !tessera_tile.smem<8x64xf16, #swz> -> tensor<8x64xf16, #tessera_tile.blocked<warps = [1, 1], threads = [8, 4], per_thread = [1, 2]>>
  tessera_target.return
}
}

// -----

// Refused: TMA and transaction barriers on a chip without them.
!rmap = !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_80">} {
tessera_target.kernel @no_tma(%rmap: !rmap, %b: memref<?x?xf16, strided<[?, 1]>>) config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'tessera_tile.mbarrier_alloc' op uses transaction barriers, which chip 'sm_80' does not have (TMA chips only); complete copies with tokens}}
  %bars = tessera_tile.mbarrier_alloc arrivals 1 offset 0 : !tessera_tile.mbarrier<1>
  tessera_target.return
}
}

// -----

// Refused: a descriptor whose box does not tile the destination.
#swz = #tessera_tile.smem_layout<swizzle = 128>
!rmap = !nvgpu.tensormap.descriptor<tensor = memref<32x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @box_mismatch(%rmap: !rmap, %b: memref<?x?xf16, strided<[?, 1]>>) config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  %c0 = arith.constant 0 : index
  %bars = tessera_tile.mbarrier_alloc arrivals 1 offset 0 : !tessera_tile.mbarrier<1>
  %sb = tessera_tile.local_alloc offset 1024 : !tessera_tile.smem<64x128xf16, #swz>
  // expected-error @+1 {{'tessera_tile.box_copy' op copies into '!tessera_tile.smem<64x128xf16, #tessera_tile.smem_layout<swizzle = 128>>' through a descriptor of box 'memref<32x64xf16, #gpu.address_space<workgroup>>' and swizzle 128; the box must be the destination's rows by one swizzle-wide column block, with the destination's swizzle}}
  tessera_tile.box_copy %b[%c0, %c0], %sb desc %rmap arrive %bars[%c0] : memref<?x?xf16, strided<[?, 1]>>, !tessera_tile.smem<64x128xf16, #swz>, !tessera_tile.mbarrier<1> desc !rmap
  tessera_target.return
}
}

// -----

// Refused: a descriptor that is not a tensor map.
#swz = #tessera_tile.smem_layout<swizzle = 128>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @not_a_map(%d: i64, %b: memref<?x?xf16, strided<[?, 1]>>) config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  %c0 = arith.constant 0 : index
  %bars = tessera_tile.mbarrier_alloc arrivals 1 offset 0 : !tessera_tile.mbarrier<1>
  %sb = tessera_tile.local_alloc offset 1024 : !tessera_tile.smem<64x64xf16, #swz>
  // expected-error @+1 {{'tessera_tile.box_copy' op copies through 'i64', which is not a tensor map descriptor (!nvgpu.tensormap.descriptor)}}
  tessera_tile.box_copy %b[%c0, %c0], %sb desc %d arrive %bars[%c0] : memref<?x?xf16, strided<[?, 1]>>, !tessera_tile.smem<64x64xf16, #swz>, !tessera_tile.mbarrier<1> desc i64
  tessera_target.return
}
}

// -----

// Refused: wgmma operands it does not read (plain buffers), and an
// accumulator of two m64 per warpgroup.
#mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 16, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [4, 1]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @wgmma_plain() config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  %a = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<64x16xf16>
  %b = tessera_tile.local_alloc offset 2048 : !tessera_tile.smem<16x16xf16>
  %zero = arith.constant dense<0.0> : tensor<64x16xf32, #acc>
  // expected-error @+1 {{'tessera_tile.dot' op reads '!tessera_tile.smem<64x16xf16>' and '!tessera_tile.smem<16x16xf16>'; the wgmma lowering reads a from registers or a 128-byte swizzled buffer of its rows (K contiguous), and a 128-byte swizzled b, N contiguous in whole column blocks or K contiguous (transposed)}}
  %d = tessera_tile.dot %a, %b, %zero {mma = #mma} : !tessera_tile.smem<64x16xf16>, !tessera_tile.smem<16x16xf16> -> tensor<64x16xf32, #acc>
  tessera_target.return
}
}

// -----

#swz = #tessera_tile.smem_layout<swizzle = 128>
#mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [4, 1]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @wgmma_two_m() config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  %a = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<128x64xf16, #swz>
  %b = tessera_tile.local_alloc offset 16384 : !tessera_tile.smem<64x64xf16, #swz>
  %zero = arith.constant dense<0.0> : tensor<128x64xf32, #acc>
  // expected-error @+1 {{'tessera_tile.dot' op has the accumulator 'tensor<128x64xf32, #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>, warps = [4, 1]>>'; the lowering issues one m64 wgmma per warpgroup: warps [4 x warpgroups, 1], 64 rows per warpgroup and the mma's n the tile's columns}}
  %d = tessera_tile.dot %a, %b, %zero {mma = #mma} : !tessera_tile.smem<128x64xf16, #swz>, !tessera_tile.smem<64x64xf16, #swz> -> tensor<128x64xf32, #acc>
  tessera_target.return
}
}

// -----

// Refused: wgmma on a chip without it.
#swz = #tessera_tile.smem_layout<swizzle = 128>
#mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [4, 1]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_80">} {
tessera_target.kernel @no_wgmma() config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  %a = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<64x64xf16, #swz>
  %b = tessera_tile.local_alloc offset 8192 : !tessera_tile.smem<64x64xf16, #swz>
  %zero = arith.constant dense<0.0> : tensor<64x64xf32, #acc>
  // expected-error @+1 {{'tessera_tile.dot' op uses wgmma, which chip 'sm_80' does not have}}
  %d = tessera_tile.dot %a, %b, %zero {mma = #mma} : !tessera_tile.smem<64x64xf16, #swz>, !tessera_tile.smem<64x64xf16, #swz> -> tensor<64x64xf32, #acc>
  tessera_target.return
}
}
