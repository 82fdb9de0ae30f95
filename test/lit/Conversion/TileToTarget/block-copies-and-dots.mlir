// RUN: tessera-opt %s -split-input-file -verify-diagnostics --convert-tessera-tile-to-target | FileCheck %s

// Shared buffers, box copies, waits and an mma_sync dot, lowered to what
// each thread does (sm_80: cp.async, ldmatrix, mma.sync).
//
// A placed buffer is an alloc_shared at its offset, seen as a flat memref and
// an element offset; a slot moves the offset (slot 1 of 32 rows of 16 + 8
// padding elements: 768). The 32x16 f16 box of A is 64 chunks of 16 bytes,
// two per thread of the 32-thread block, each one cp.async with its valid
// count (0 past the edges); `aligned` needs no run-time check. The copy of B
// has a predicate and no promise: the thread's chunks are under the
// predicate, each chooses cp.async or an element copy by the rows'
// alignment, checked at run time. Every box copy commits one group, the
// predicated one too. The wait leaves `pending` groups in flight and is a
// barrier. The dot: per 16 of K, ldmatrix .x4 for each 16x16 A fragment,
// .x4 .trans for each pair of B fragments, and one mma.sync per pair.
#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [1, 1]>
#pad = #tessera_tile.smem_layout<pad = 8>
!g = memref<?x?xf16, strided<[?, 1]>>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_80">} {
// CHECK-LABEL: tessera_target.kernel @copy_wait_dot
// CHECK: %[[RA:.*]] = tessera_tile.alloc_shared offset 0 : memref<1536xf16, #gpu.address_space<workgroup>>
// CHECK: %[[A:.*]] = memref.cast %[[RA]] : memref<1536xf16, #gpu.address_space<workgroup>> to memref<?xf16, #gpu.address_space<workgroup>>
// CHECK: %[[SLOT:.*]] = arith.muli %c1{{.*}}, %c768
// CHECK-COUNT-2: nvgpu.device_async_copy
// CHECK-NOT: scf.if
// CHECK: nvvm.cp.async.commit.group
// CHECK: %[[RB:.*]] = tessera_tile.alloc_shared offset 3072 : memref<384xf16, #gpu.address_space<workgroup>>
// CHECK: memref.extract_aligned_pointer_as_index
// CHECK: scf.if %arg3 {
// CHECK: scf.if %{{.*}} {
// CHECK: nvgpu.device_async_copy
// CHECK: } else {
// CHECK: memref.load
// CHECK: memref.store
// CHECK: nvvm.cp.async.commit.group
// CHECK: nvvm.cp.async.wait.group 1
// CHECK-NEXT: gpu.barrier
// CHECK-COUNT-2: nvgpu.ldmatrix %[[A]][%{{.*}}] {numTiles = 4 : i32, transpose = false}
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK-COUNT-4: nvgpu.mma.sync
// CHECK-NOT: tessera_tile.{{(local_alloc|slot|box_copy|wait|dot)}}
tessera_target.kernel @copy_wait_dot(%a: !g, %b: !g, %c: memref<?x?xf32, strided<[?, 1]>>, %p: i1)
    config = #tessera_target.kernel_config<grid = [1], block = [32]> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %ring = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<2x32x16xf16, #pad>
  %sa = tessera_tile.slot %ring[%c1] : !tessera_tile.smem<2x32x16xf16, #pad> -> !tessera_tile.smem<32x16xf16, #pad>
  %ta = tessera_tile.box_copy %a[%c0, %c0], %sa aligned : !g, !tessera_tile.smem<32x16xf16, #pad> -> !tessera_tile.async_token
  %sb = tessera_tile.local_alloc offset 3072 : !tessera_tile.smem<16x16xf16, #pad>
  %tb = tessera_tile.box_copy %b[%c0, %c0], %sb if %p : !g, !tessera_tile.smem<16x16xf16, #pad> -> !tessera_tile.async_token
  tessera_tile.wait %ta, %tb pending 1
  %zero = arith.constant dense<0.0> : tensor<32x16xf32, #acc>
  %d = tessera_tile.dot %sa, %sb, %zero {mma = #mma} : !tessera_tile.smem<32x16xf16, #pad>, !tessera_tile.smem<16x16xf16, #pad> -> tensor<32x16xf32, #acc>
  tessera_tile.store_tile %d, %c[%c0, %c0] : tensor<32x16xf32, #acc>, memref<?x?xf32, strided<[?, 1]>>
  tessera_target.return
}
}

// -----

// Without `aligned`, a copy checks that the box's rows start 16-byte
// aligned: the view's first element plus the box's first column, and the
// row stride, in bytes.
!g = memref<?x?xf16, strided<[?, 1]>>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_80">} {
// CHECK-LABEL: tessera_target.kernel @unaligned_column
// CHECK-SAME: (%{{.*}}: memref<?x?xf16, strided<[?, 1]>>, %{{.*}}: index, %[[J:.*]]: index)
// CHECK: %{{.*}}, %[[OFF:.*]], %[[SIZES:.*]]:2, %[[STRIDES:.*]]:2 = memref.extract_strided_metadata
// CHECK: %[[FIRST:.*]] = arith.addi %[[OFF]], %[[J]] : index
// CHECK: %[[PTR:.*]] = memref.extract_aligned_pointer_as_index
// CHECK: %[[BYTES:.*]] = arith.muli %[[FIRST]], %c2
// CHECK: %[[ADDR:.*]] = arith.addi %[[PTR]], %[[BYTES]]
// CHECK: arith.remui %[[ADDR]], %c16
// CHECK: arith.muli %[[STRIDES]]#0, %c2
tessera_target.kernel @unaligned_column(%a: !g, %i: index, %j: index)
    config = #tessera_target.kernel_config<grid = [1], block = [32]> {
  %s = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<32x16xf16>
  %t = tessera_tile.box_copy %a[%i, %j], %s : !g, !tessera_tile.smem<32x16xf16> -> !tessera_tile.async_token
  tessera_tile.wait %t
  tessera_target.return
}
}

// -----

// cp.async.wait_group takes at most 7 pending groups: a wait that may leave
// more waits for all but 7 (safe: it only waits longer).
!g = memref<?x?xf16, strided<[?, 1]>>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_80">} {
// CHECK-LABEL: tessera_target.kernel @many_pending
// CHECK: nvvm.cp.async.wait.group 7
// CHECK-NEXT: gpu.barrier
tessera_target.kernel @many_pending(%a: !g)
    config = #tessera_target.kernel_config<grid = [1], block = [32]> {
  %c0 = arith.constant 0 : index
  %s = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<32x16xf16>
  %t = tessera_tile.box_copy %a[%c0, %c0], %s aligned : !g, !tessera_tile.smem<32x16xf16> -> !tessera_tile.async_token
  tessera_tile.wait %t pending 12
  tessera_target.return
}
}

// -----

// Transposed operands (a stored [K, M], b stored [N, K], both read through
// tessera_tile.trans): ldmatrix transposes A and not B, and the stored rows
// of A are 32 + 8 elements long.
#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [1, 1]>
#pad = #tessera_tile.smem_layout<pad = 8>
#padt = #tessera_tile.smem_layout<pad = 8, transposed = true>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_80">} {
// CHECK-LABEL: tessera_target.kernel @transposed_dot
// CHECK-NOT: tessera_tile.trans
// CHECK: arith.constant 40 : index
// CHECK-COUNT-2: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = false}
// CHECK-COUNT-4: nvgpu.mma.sync
tessera_target.kernel @transposed_dot(%c: memref<?x?xf32, strided<[?, 1]>>)
    config = #tessera_target.kernel_config<grid = [1], block = [32]> {
  %c0 = arith.constant 0 : index
  %at = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<16x32xf16, #pad>
  %bt = tessera_tile.local_alloc offset 1280 : !tessera_tile.smem<16x16xf16, #pad>
  %a = tessera_tile.trans %at : !tessera_tile.smem<16x32xf16, #pad> -> !tessera_tile.smem<32x16xf16, #padt>
  %b = tessera_tile.trans %bt : !tessera_tile.smem<16x16xf16, #pad> -> !tessera_tile.smem<16x16xf16, #padt>
  %zero = arith.constant dense<0.0> : tensor<32x16xf32, #acc>
  %d = tessera_tile.dot %a, %b, %zero {mma = #mma} : !tessera_tile.smem<32x16xf16, #padt>, !tessera_tile.smem<16x16xf16, #padt> -> tensor<32x16xf32, #acc>
  tessera_tile.store_tile %d, %c[%c0, %c0] : tensor<32x16xf32, #acc>, memref<?x?xf32, strided<[?, 1]>>
  tessera_target.return
}
}

// -----

// The same dot with mfma 16x16x16 on gfx942 (one wavefront of 64 lanes, a
// 32x16 tile: two 16x16 fragments): per 16 of K each lane gathers four
// elements of A along k and four of B down a column, and the wavefront
// issues one amdgpu.mfma per fragment.
#mma = #tessera_tile.mma<kind = mfma, m = 16, n = 16, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [1, 1]>
#pad = #tessera_tile.smem_layout<pad = 8>
module attributes {tessera_target.chip = #tessera_target.chip<"gfx942">} {
// CHECK-LABEL: tessera_target.kernel @mfma_dot
// CHECK-COUNT-8: memref.load
// CHECK: vector.from_elements {{.*}} : vector<4xf16>
// CHECK-COUNT-2: amdgpu.mfma 16x16x16 %{{.*}} * %{{.*}} + %{{.*}} blgp = none : vector<4xf16>, vector<4xf16>, vector<4xf32>
// CHECK-NOT: amdgpu.mfma
tessera_target.kernel @mfma_dot(%c: memref<?x?xf32, strided<[?, 1]>>)
    config = #tessera_target.kernel_config<grid = [1], block = [64]> {
  %c0 = arith.constant 0 : index
  %a = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<32x16xf16, #pad>
  %b = tessera_tile.local_alloc offset 1536 : !tessera_tile.smem<16x16xf16, #pad>
  %zero = arith.constant dense<0.0> : tensor<32x16xf32, #acc>
  %d = tessera_tile.dot %a, %b, %zero {mma = #mma} : !tessera_tile.smem<32x16xf16, #pad>, !tessera_tile.smem<16x16xf16, #pad> -> tensor<32x16xf32, #acc>
  tessera_tile.store_tile %d, %c[%c0, %c0] : tensor<32x16xf32, #acc>, memref<?x?xf32, strided<[?, 1]>>
  tessera_target.return
}
}

// -----

#mma = #tessera_tile.mma<kind = mfma, m = 16, n = 16, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [1, 1]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @mfma_on_nvidia() config = #tessera_target.kernel_config<grid = [1], block = [32]> {
  %a = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<16x16xf16>
  %b = tessera_tile.local_alloc offset 512 : !tessera_tile.smem<16x16xf16>
  %zero = arith.constant dense<0.0> : tensor<16x16xf32, #acc>
  // expected-error @+1 {{'tessera_tile.dot' op uses mfma, which chip 'sm_90' does not have}}
  %d = tessera_tile.dot %a, %b, %zero {mma = #mma} : !tessera_tile.smem<16x16xf16>, !tessera_tile.smem<16x16xf16> -> tensor<16x16xf32, #acc>
  tessera_target.return
}
}

// -----

// Without asynchronous copies (gfx942), a chunk is a vector load and store
// (element by element where it is partial) and a wait is a barrier.
!g = memref<?x?xf16, strided<[?, 1]>>
module attributes {tessera_target.chip = #tessera_target.chip<"gfx942">} {
// CHECK-LABEL: tessera_target.kernel @lds_staging
// CHECK: scf.if %{{.*}} {
// CHECK: vector.load %{{.*}} : memref<?xf16>, vector<8xf16>
// CHECK: vector.store %{{.*}} : memref<?xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// CHECK: } else {
// CHECK: memref.load
// CHECK-NOT: nvgpu
// CHECK-NOT: nvvm
// CHECK: gpu.barrier
tessera_target.kernel @lds_staging(%a: !g)
    config = #tessera_target.kernel_config<grid = [1], block = [64]> {
  %c0 = arith.constant 0 : index
  %s = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<64x32xf16>
  %t = tessera_tile.box_copy %a[%c0, %c0], %s aligned : !g, !tessera_tile.smem<64x32xf16> -> !tessera_tile.async_token
  tessera_tile.wait %t
  tessera_target.return
}
}

// -----

module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @unplaced() config = #tessera_target.kernel_config<grid = [1], block = [32]> {
  // expected-error @+1 {{'tessera_tile.local_alloc' op has no offset: run tessera-tile-allocate-shared before lowering, so that every shared buffer has its place}}
  %s = tessera_tile.local_alloc : !tessera_tile.smem<32x16xf16>
  tessera_target.return
}
}

// -----

!g = memref<?x?xf16, strided<[?, 1]>>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @swizzled_cp_async(%a: !g) config = #tessera_target.kernel_config<grid = [1], block = [32]> {
  %c0 = arith.constant 0 : index
  %s = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<32x64xf16, #tessera_tile.smem_layout<swizzle = 128>>
  // expected-error @+1 {{'tessera_tile.box_copy' op copies into '!tessera_tile.smem<32x64xf16, #tessera_tile.smem_layout<swizzle = 128>>' without a tensor descriptor; the lowering writes swizzled buffers through descriptors (TMA) only}}
  %t = tessera_tile.box_copy %a[%c0, %c0], %s : !g, !tessera_tile.smem<32x64xf16, #tessera_tile.smem_layout<swizzle = 128>> -> !tessera_tile.async_token
  tessera_target.return
}
}

// -----

!g = memref<?x?xf16, strided<[?, 1]>>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @tma(%a: !g, %bars: !tessera_tile.mbarrier<1>) config = #tessera_target.kernel_config<grid = [1], block = [32]> {
  %c0 = arith.constant 0 : index
  %s = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<32x16xf16>
  // expected-error @+1 {{'tessera_tile.box_copy' op completes on an mbarrier without a tensor descriptor, which the lowering does not issue (TMA copies only); complete it with a token}}
  tessera_tile.box_copy %a[%c0, %c0], %s arrive %bars[%c0] : !g, !tessera_tile.smem<32x16xf16>, !tessera_tile.mbarrier<1>
  tessera_target.return
}
}

// -----

!g = memref<?x?x?xf16, strided<[?, ?, 1]>>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_80">} {
tessera_target.kernel @rank3_cp_async(%a: !g) config = #tessera_target.kernel_config<grid = [1], block = [32]> {
  %c0 = arith.constant 0 : index
  %s = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<32x16xf16>
  // expected-error @+1 {{'tessera_tile.box_copy' op copies a box of rank 2 from a source of rank 3; without a tensor descriptor the lowering copies 2-d boxes of 2-d sources}}
  %t = tessera_tile.box_copy %a[%c0, %c0, %c0], %s : !g, !tessera_tile.smem<32x16xf16> -> !tessera_tile.async_token
  tessera_target.return
}
}

// -----

!g = memref<?x?xf16, strided<[?, 1]>>
tessera_target.kernel @no_chip(%a: !g) config = #tessera_target.kernel_config<grid = [1], block = [32]> {
  %c0 = arith.constant 0 : index
  %s = tessera_tile.alloc_shared offset 0 : memref<512xf16, #gpu.address_space<workgroup>>
  %l = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<32x16xf16>
  // expected-error @+1 {{'tessera_tile.box_copy' op a box copy's instructions depends on the chip: the module needs a #tessera_target.chip (tessera-target-set-chip)}}
  %t = tessera_tile.box_copy %a[%c0, %c0], %l : !g, !tessera_tile.smem<32x16xf16> -> !tessera_tile.async_token
  tessera_target.return
}

// -----

#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [1, 1]>
module attributes {tessera_target.chip = #tessera_target.chip<"gfx942">} {
tessera_target.kernel @no_mma_sync() config = #tessera_target.kernel_config<grid = [1], block = [64]> {
  %a = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<16x16xf16>
  %b = tessera_tile.local_alloc offset 512 : !tessera_tile.smem<16x16xf16>
  %zero = arith.constant dense<0.0> : tensor<16x16xf32, #acc>
  // expected-error @+1 {{'tessera_tile.dot' op uses mma_sync, which chip 'gfx942' does not have}}
  %d = tessera_tile.dot %a, %b, %zero {mma = #mma} : !tessera_tile.smem<16x16xf16>, !tessera_tile.smem<16x16xf16> -> tensor<16x16xf32, #acc>
  tessera_target.return
}
}

// -----

#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [2, 2]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @too_few_threads() config = #tessera_target.kernel_config<grid = [1], block = [32]> {
  %a = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<32x16xf16>
  %b = tessera_tile.local_alloc offset 1024 : !tessera_tile.smem<16x32xf16>
  %zero = arith.constant dense<0.0> : tensor<32x32xf32, #acc>
  // expected-error @+1 {{'tessera_tile.dot' op has an accumulator over 4 warps of 32 lanes, but the kernel's block has 32 threads}}
  %d = tessera_tile.dot %a, %b, %zero {mma = #mma} : !tessera_tile.smem<32x16xf16>, !tessera_tile.smem<16x32xf16> -> tensor<32x32xf32, #acc>
  tessera_target.return
}
}

// -----

// mma_sync's `a` from registers: an f16 accumulator converted to the dot's
// `a` encoding moves nothing (the same lanes hold the same elements), and
// its fragments are built from the thread's scalars: no ldmatrix for `a`,
// one (.trans) per pair of B fragments.
#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [1, 1]>
#opa = #tessera_tile.dot_operand<index = 0, parent = #acc>
#pad = #tessera_tile.smem_layout<pad = 8>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_80">} {
// CHECK-LABEL: tessera_target.kernel @register_a
// CHECK-NOT: gpu.barrier
// CHECK: vector.from_elements %{{.*}} : vector<4x2xf16>
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK-COUNT-2: nvgpu.mma.sync
tessera_target.kernel @register_a()
    config = #tessera_target.kernel_config<grid = [1], block = [32]> {
  %p = arith.constant dense<1.0> : tensor<16x16xf16, #acc>
  %sb = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<16x16xf16, #pad>
  %pa = tessera_tile.convert_layout %p : tensor<16x16xf16, #acc> -> tensor<16x16xf16, #opa>
  %zero = arith.constant dense<0.0> : tensor<16x16xf32, #acc>
  %d = tessera_tile.dot %pa, %sb, %zero {mma = #mma} : tensor<16x16xf16, #opa>, !tessera_tile.smem<16x16xf16, #pad> -> tensor<16x16xf32, #acc>
  tessera_target.return
}
}

// -----

// A register `a` over warps that split the columns is refused.
#mma = #tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [1, 2]>
#opa = #tessera_tile.dot_operand<index = 0, parent = #acc>
#pad = #tessera_tile.smem_layout<pad = 8>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_80">} {
tessera_target.kernel @register_a_split(%a: tensor<16x16xf16, #opa>)
    config = #tessera_target.kernel_config<grid = [1], block = [64]> {
  %sb = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<16x32xf16, #pad>
  %zero = arith.constant dense<0.0> : tensor<16x32xf32, #acc>
  // expected-error @+1 {{'tessera_tile.dot' op reads a from registers, which the lowering does for mma_sync and wgmma over warps that each hold whole rows only (warps [w, 1])}}
  %d = tessera_tile.dot %a, %sb, %zero {mma = #mma} : tensor<16x16xf16, #opa>, !tessera_tile.smem<16x32xf16, #pad> -> tensor<16x32xf32, #acc>
  tessera_target.return
}
}

// -----

// A dot on fma (no tensor cores; here on gfx942, whose wavefronts have 64
// lanes): the 16x8 accumulator over one wavefront of lanes [16, 4], two
// elements each (columns c and c + 4), carried through a loop over K (4
// steps, all in one iteration). Per step each lane reads its row's element of
// a and its columns' elements of b (b a transposed view: the stored rows are
// its columns), widens the f16 operands to the f32 accumulator and issues one
// llvm.intr.fma per element: 8 in all.
#fma = #tessera_tile.mma<kind = fma, m = 1, n = 1, k = 1>
#blocked = #tessera_tile.blocked<warps = [1, 1], threads = [16, 4], per_thread = [1, 1]>
#pad = #tessera_tile.smem_layout<pad = 8>
#padt = #tessera_tile.smem_layout<pad = 8, transposed = true>
module attributes {tessera_target.chip = #tessera_target.chip<"gfx942">} {
// CHECK-LABEL: tessera_target.kernel @fma_dot
// CHECK-NOT: tessera_tile.dot
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (f32, f32)
// CHECK: memref.load
// CHECK: arith.extf {{.*}} : f16 to f32
// CHECK: memref.load
// CHECK: arith.extf {{.*}} : f16 to f32
// CHECK: memref.load
// CHECK: arith.extf {{.*}} : f16 to f32
// CHECK: llvm.intr.fma({{.*}}) : (f32, f32, f32) -> f32
// CHECK-COUNT-7: llvm.intr.fma
// CHECK-NOT: llvm.intr.fma
// CHECK: scf.yield
// CHECK: tessera_target.return
tessera_target.kernel @fma_dot(%c: memref<?x?xf32, strided<[?, 1]>>)
    config = #tessera_target.kernel_config<grid = [1], block = [64]> {
  %c0 = arith.constant 0 : index
  %a = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<16x4xf16, #pad>
  %bt = tessera_tile.local_alloc offset 512 : !tessera_tile.smem<8x4xf16, #pad>
  %b = tessera_tile.trans %bt : !tessera_tile.smem<8x4xf16, #pad> -> !tessera_tile.smem<4x8xf16, #padt>
  %zero = arith.constant dense<0.0> : tensor<16x8xf32, #blocked>
  %d = tessera_tile.dot %a, %b, %zero {mma = #fma} : !tessera_tile.smem<16x4xf16, #pad>, !tessera_tile.smem<4x8xf16, #padt> -> tensor<16x8xf32, #blocked>
  tessera_tile.store_tile %d, %c[%c0, %c0] : tensor<16x8xf32, #blocked>, memref<?x?xf32, strided<[?, 1]>>
  tessera_target.return
}
}
