// RUN: tessera-opt %s -split-input-file -tessera-tile-allocate-shared -verify-diagnostics | FileCheck %s
// RUN: tessera-opt %s -split-input-file -tessera-tile-allocate-shared="max-bytes=300000" | FileCheck %s --check-prefix=BIG

#swz = #tessera_tile.smem_layout<swizzle = 128>

// Buffers live at the same time get disjoint, aligned offsets; the total
// lands in the launch config.
// CHECK-LABEL: tessera_target.kernel @together
// CHECK-SAME: config = #tessera_target.kernel_config<grid = [4], block = [128], shared = 67120>
tessera_target.kernel @together(%n: index)
    config = #tessera_target.kernel_config<grid = [4], block = [128]> {
  // CHECK: tessera_tile.local_alloc offset 0 : !tessera_tile.smem<3x128x64xf16, #smem_layout>
  %ring = tessera_tile.local_alloc : !tessera_tile.smem<3x128x64xf16, #swz>
  // CHECK: tessera_tile.mbarrier_alloc arrivals 1 offset 49152 : !tessera_tile.mbarrier<3>
  %bars = tessera_tile.mbarrier_alloc arrivals 1 : !tessera_tile.mbarrier<3>
  // 49152 + 24 rounded up to 16.
  // CHECK: tessera_tile.local_alloc offset 49184 : !tessera_tile.smem<64x64xf32>
  %acc = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf32>
  // A 64-byte swizzle repeats every 512 bytes: 65568 rounded up to 512.
  // CHECK: tessera_tile.local_alloc offset 66048 : !tessera_tile.smem<1x64xf8E4M3FN, #smem_layout1>
  %small = tessera_tile.local_alloc : !tessera_tile.smem<1x64xf8E4M3FN, #tessera_tile.smem_layout<swizzle = 64>>
  %c0 = arith.constant 0 : index
  %false = arith.constant false
  tessera_tile.mbarrier_wait %bars[%c0], %false : !tessera_tile.mbarrier<3>
  %s = tessera_tile.slot %ring[%c0] : !tessera_tile.smem<3x128x64xf16, #swz> -> !tessera_tile.smem<128x64xf16, #swz>
  %t = tessera_tile.local_load %s : !tessera_tile.smem<128x64xf16, #swz> -> tensor<128x64xf16, #tessera_tile.blocked<warps = [4, 1]>>
  %x = tessera_tile.local_load %acc : !tessera_tile.smem<64x64xf32> -> tensor<64x64xf32, #tessera_tile.blocked<warps = [4, 1]>>
  %y = tessera_tile.local_load %small : !tessera_tile.smem<1x64xf8E4M3FN, #tessera_tile.smem_layout<swizzle = 64>> -> tensor<1x64xf8E4M3FN, #tessera_tile.blocked<warps = [1, 1]>>
  tessera_target.return
}

// -----

#swz = #tessera_tile.smem_layout<swizzle = 128>

// The epilogue's staging buffer is allocated after the main loop's ring is
// last used: it reuses the ring's bytes.
// CHECK-LABEL: tessera_target.kernel @reuse
// CHECK-SAME: shared = 50160
tessera_target.kernel @reuse(%a: memref<?x?xf16, strided<[?, 1], offset: ?>>, %n: index)
    config = #tessera_target.kernel_config<grid = [4], block = [128]> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // CHECK: tessera_tile.local_alloc offset 0 : !tessera_tile.smem<3x128x64xf16, #smem_layout>
  %ring = tessera_tile.local_alloc : !tessera_tile.smem<3x128x64xf16, #swz>
  scf.for %k = %c0 to %n step %c1 {
    %s = tessera_tile.slot %ring[%c0] : !tessera_tile.smem<3x128x64xf16, #swz> -> !tessera_tile.smem<128x64xf16, #swz>
    %tok = tessera_tile.box_copy %a[%c0, %k], %s : memref<?x?xf16, strided<[?, 1], offset: ?>>, !tessera_tile.smem<128x64xf16, #swz> -> !tessera_tile.async_token
    tessera_tile.wait %tok
  }
  // The staging buffer takes the ring's bytes: a barrier after its
  // allocation (every thread is done with the ring).
  // CHECK: tessera_tile.local_alloc offset 0 : !tessera_tile.smem<128x128xf16>
  // CHECK-NEXT: tessera_tile.barrier
  %stage = tessera_tile.local_alloc : !tessera_tile.smem<128x128xf16>
  %t = tessera_tile.local_load %stage : !tessera_tile.smem<128x128xf16> -> tensor<128x128xf16, #tessera_tile.blocked<warps = [4, 1]>>
  tessera_target.return
}

// -----

#swz = #tessera_tile.smem_layout<swizzle = 128>

// A buffer used inside a loop stays live for the whole loop, so one
// allocated later inside the loop body cannot take its bytes.
// CHECK-LABEL: tessera_target.kernel @loop_carried
// CHECK-SAME: shared = 16384
tessera_target.kernel @loop_carried(%n: index)
    config = #tessera_target.kernel_config<grid = [4], block = [128]> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // CHECK: tessera_tile.local_alloc offset 0 : !tessera_tile.smem<64x64xf16>
  %a = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
  scf.for %k = %c0 to %n step %c1 {
    %t = tessera_tile.local_load %a : !tessera_tile.smem<64x64xf16> -> tensor<64x64xf16, #tessera_tile.blocked<warps = [4, 1]>>
    // CHECK: tessera_tile.local_alloc offset 8192 : !tessera_tile.smem<64x64xf16>
    %b = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
    tessera_tile.local_store %t, %b : tensor<64x64xf16, #tessera_tile.blocked<warps = [4, 1]>>, !tessera_tile.smem<64x64xf16>
  }
  tessera_target.return
}

// -----

#swz = #tessera_tile.smem_layout<swizzle = 128>

// Partitions run concurrently: their buffers never share bytes, whatever
// the order they are written in.
// CHECK-LABEL: tessera_target.kernel @partitions
// CHECK-SAME: shared = 24576
tessera_target.kernel @partitions(%n: index)
    config = #tessera_target.kernel_config<grid = [4], block = [128]> {
  // CHECK: tessera_tile.local_alloc offset 0 : !tessera_tile.smem<64x64xf16>
  %shared = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
  tessera_tile.warp_specialize(%shared)
  default {
    tessera_tile.warp_yield
  }
  partition0(%s0: !tessera_tile.smem<64x64xf16>) num_warps(4) {
    // CHECK: tessera_tile.local_alloc offset 8192 : !tessera_tile.smem<64x64xf16>
    %p = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
    %t = tessera_tile.local_load %p : !tessera_tile.smem<64x64xf16> -> tensor<64x64xf16, #tessera_tile.blocked<warps = [4, 1]>>
    tessera_tile.local_store %t, %s0 : tensor<64x64xf16, #tessera_tile.blocked<warps = [4, 1]>>, !tessera_tile.smem<64x64xf16>
    tessera_tile.warp_return
  }
  partition1(%s1: !tessera_tile.smem<64x64xf16>) num_warps(4) {
    // CHECK: tessera_tile.local_alloc offset 16384 : !tessera_tile.smem<64x64xf16>
    %q = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
    %t = tessera_tile.local_load %q : !tessera_tile.smem<64x64xf16> -> tensor<64x64xf16, #tessera_tile.blocked<warps = [4, 1]>>
    tessera_tile.warp_return
  } : (!tessera_tile.smem<64x64xf16>) -> ()
  tessera_target.return
}

// -----

#swz = #tessera_tile.smem_layout<swizzle = 128>

// A kernel without these buffers is left alone.
// CHECK-LABEL: tessera_target.kernel @none
// CHECK-SAME: config = #tessera_target.kernel_config<grid = [4], block = [128]> {
tessera_target.kernel @none(%n: index)
    config = #tessera_target.kernel_config<grid = [4], block = [128]> {
  tessera_target.return
}

// -----

#swz = #tessera_tile.smem_layout<swizzle = 128>

// A ring filled by copies that complete on barriers is live until the last
// wait on those barriers (the loop's end): the epilogue's buffer reuses its
// bytes. The barriers' own bytes are never reused (an mbarrier's memory is
// not written by other code while valid): the buffer goes after them. The
// swizzled ring needs 1024-byte alignment (it starts at 1024, after the
// barriers), and 1008 bytes of slack on top: 1024 + 49152 + 1008.
// CHECK-LABEL: tessera_target.kernel @reuse_after_barriers
// CHECK-SAME: shared = 51184
tessera_target.kernel @reuse_after_barriers(%a: memref<?x?xf16, strided<[?, 1], offset: ?>>, %n: index)
    config = #tessera_target.kernel_config<grid = [4], block = [128]> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %false = arith.constant false
  // CHECK: tessera_tile.mbarrier_alloc arrivals 1 offset 0 : !tessera_tile.mbarrier<3>
  %bars = tessera_tile.mbarrier_alloc arrivals 1 : !tessera_tile.mbarrier<3>
  // CHECK: tessera_tile.local_alloc offset 1024 : !tessera_tile.smem<3x128x64xf16, #smem_layout>
  %ring = tessera_tile.local_alloc : !tessera_tile.smem<3x128x64xf16, #swz>
  scf.for %k = %c0 to %n step %c1 {
    %s = tessera_tile.slot %ring[%c0] : !tessera_tile.smem<3x128x64xf16, #swz> -> !tessera_tile.smem<128x64xf16, #swz>
    tessera_tile.box_copy %a[%c0, %k], %s arrive %bars[%c0] : memref<?x?xf16, strided<[?, 1], offset: ?>>, !tessera_tile.smem<128x64xf16, #swz>, !tessera_tile.mbarrier<3>
    tessera_tile.mbarrier_wait %bars[%c0], %false : !tessera_tile.mbarrier<3>
  }
  // CHECK: tessera_tile.local_alloc offset 32 : !tessera_tile.smem<128x128xf16>
  %stage = tessera_tile.local_alloc : !tessera_tile.smem<128x128xf16>
  %t = tessera_tile.local_load %stage : !tessera_tile.smem<128x128xf16> -> tensor<128x128xf16, #tessera_tile.blocked<warps = [4, 1]>>
  tessera_target.return
}

// -----

#swz = #tessera_tile.smem_layout<swizzle = 128>

// BIG-LABEL: tessera_target.kernel @too_big
// BIG-SAME: shared = 263152
// expected-error @+1 {{kernel @too_big needs 263152 bytes of shared memory, more than the limit of 232448 bytes (the default without a chip)}}
tessera_target.kernel @too_big(%n: index)
    config = #tessera_target.kernel_config<grid = [4], block = [128]> {
  %ring = tessera_tile.local_alloc : !tessera_tile.smem<4x256x128xf16, #swz>
  tessera_target.return
}

// -----

#swz = #tessera_tile.smem_layout<swizzle = 128>

// A kernel without a launch config (its grid is computed by the host) gets
// offsets; its launches get the size when it is lowered.
// CHECK-LABEL: tessera_target.kernel @no_config
// CHECK-NOT: config
// CHECK: tessera_tile.local_alloc offset 0 : !tessera_tile.smem<64x64xf16>
tessera_target.kernel @no_config(%n: index) {
  %a = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
  tessera_target.return
}

// -----

#swz = #tessera_tile.smem_layout<swizzle = 128>

// alloc_shared buffers (the per-thread programs') are placed too, live to
// the end of their block: one in each branch of an scf.if shares bytes with
// the other's; one whose view leaves its block through a terminator is live
// for the whole kernel.
// CHECK-LABEL: tessera_target.kernel @mixed
// CHECK-SAME: shared = 8224
// CHECK: tessera_tile.alloc_shared offset 0 : memref<4096xf16, #gpu.address_space<workgroup>>
// CHECK: tessera_tile.alloc_shared offset 8192 : memref<4xf32, #gpu.address_space<workgroup>>
// CHECK: } else {
// CHECK: tessera_tile.local_alloc offset 0 : !tessera_tile.smem<64x64xf16>
// CHECK: tessera_tile.alloc_shared offset 8208 : memref<4xf32, #gpu.address_space<workgroup>>
// CHECK: tessera_tile.alloc_shared offset 0 : memref<1024xf32, #gpu.address_space<workgroup>>
tessera_target.kernel @mixed(%p: i1)
    config = #tessera_target.kernel_config<grid = [4], block = [128]> {
  %v = scf.if %p -> (memref<4xf32, #gpu.address_space<workgroup>>) {
    %old = tessera_tile.alloc_shared : memref<4096xf16, #gpu.address_space<workgroup>>
    %x = tessera_tile.alloc_shared : memref<4xf32, #gpu.address_space<workgroup>>
    scf.yield %x : memref<4xf32, #gpu.address_space<workgroup>>
  } else {
    %a = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
    %y = tessera_tile.alloc_shared : memref<4xf32, #gpu.address_space<workgroup>>
    scf.yield %y : memref<4xf32, #gpu.address_space<workgroup>>
  }
  %later = tessera_tile.alloc_shared : memref<1024xf32, #gpu.address_space<workgroup>>
  tessera_target.return
}

// -----

// The limit is the module chip's (sm_86: 101376 bytes per block).
module attributes {tessera_target.chip = #tessera_target.chip<"sm_86">} {
// expected-error @+1 {{kernel @over_chip needs 131072 bytes of shared memory, more than the limit of 101376 bytes (chip 'sm_86')}}
tessera_target.kernel @over_chip()
    config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  %ring = tessera_tile.local_alloc : !tessera_tile.smem<2x256x128xf16>
  tessera_target.return
}
}

// -----

// Buffers in the two branches of an scf.if share bytes without a barrier
// (at most one branch runs); a buffer after both takes them with one.
// CHECK-LABEL: tessera_target.kernel @branches
// CHECK: scf.if
// CHECK-NEXT: tessera_tile.local_alloc offset 0 : !tessera_tile.smem<64x64xf16>
// CHECK-NOT: tessera_tile.barrier
// CHECK: } else {
// CHECK-NEXT: tessera_tile.local_alloc offset 0 : !tessera_tile.smem<64x64xf16>
// CHECK-NOT: tessera_tile.barrier
// CHECK: }
// CHECK-NEXT: tessera_tile.local_alloc offset 0 : !tessera_tile.smem<32x64xf16>
// CHECK-NEXT: tessera_tile.barrier
tessera_target.kernel @branches(%p: i1)
    config = #tessera_target.kernel_config<grid = [4], block = [128]> {
  scf.if %p {
    %a = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
    %t = tessera_tile.local_load %a : !tessera_tile.smem<64x64xf16> -> tensor<64x64xf16, #tessera_tile.blocked<warps = [4, 1]>>
  } else {
    %b = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
    %t = tessera_tile.local_load %b : !tessera_tile.smem<64x64xf16> -> tensor<64x64xf16, #tessera_tile.blocked<warps = [4, 1]>>
  }
  %c = tessera_tile.local_alloc : !tessera_tile.smem<32x64xf16>
  %t = tessera_tile.local_load %c : !tessera_tile.smem<32x64xf16> -> tensor<32x64xf16, #tessera_tile.blocked<warps = [4, 1]>>
  tessera_target.return
}

// -----

// A ring that a producer partition fills by TMA (arriving on `full`, a
// capture) and the default region waits on (the same barriers, outside):
// the copies' wait is the other warp group's, so the ring is live through
// the warp_specialize and no longer; a buffer after it takes its bytes
// (with a barrier).
!map = !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
#swz = #tessera_tile.smem_layout<swizzle = 128>
// CHECK-LABEL: tessera_target.kernel @ring_across_groups
// CHECK: tessera_tile.local_alloc offset 0 : !tessera_tile.smem<2x64x64xf16, #smem_layout{{[0-9]*}}>
// CHECK: tessera_tile.mbarrier_alloc arrivals 1 offset 16384
// CHECK: tessera_tile.warp_specialize
// CHECK: tessera_tile.local_alloc offset 0 : !tessera_tile.smem<64x64xf32>
// CHECK-NEXT: tessera_tile.barrier
tessera_target.kernel @ring_across_groups(%g: memref<?x?xf16, strided<[?, 1]>>, %desc: !map)
    config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  %ring = tessera_tile.local_alloc : !tessera_tile.smem<2x64x64xf16, #swz>
  %full = tessera_tile.mbarrier_alloc arrivals 1 : !tessera_tile.mbarrier<2>
  tessera_tile.warp_specialize(%g, %desc, %ring, %full)
  default {
    %c0 = arith.constant 0 : index
    %false = arith.constant false
    tessera_tile.mbarrier_wait %full[%c0], %false : !tessera_tile.mbarrier<2>
    tessera_tile.warp_yield
  }
  partition0(%pg: memref<?x?xf16, strided<[?, 1]>>, %pd: !map, %pring: !tessera_tile.smem<2x64x64xf16, #swz>, %pfull: !tessera_tile.mbarrier<2>) num_warps(4) {
    %c0 = arith.constant 0 : index
    %slot = tessera_tile.slot %pring[%c0] : !tessera_tile.smem<2x64x64xf16, #swz> -> !tessera_tile.smem<64x64xf16, #swz>
    tessera_tile.box_copy %pg[%c0, %c0], %slot desc %pd arrive %pfull[%c0] : memref<?x?xf16, strided<[?, 1]>>, !tessera_tile.smem<64x64xf16, #swz>, !tessera_tile.mbarrier<2> desc !map
    tessera_tile.warp_return
  } : (memref<?x?xf16, strided<[?, 1]>>, !map, !tessera_tile.smem<2x64x64xf16, #swz>, !tessera_tile.mbarrier<2>) -> ()
  %staging = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf32>
  tessera_target.return
}
