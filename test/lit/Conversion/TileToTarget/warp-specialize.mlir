// RUN: tessera-opt %s -split-input-file -verify-diagnostics --convert-tessera-tile-to-target | FileCheck %s

// tessera_tile.warp_specialize becomes warp groups: the block grows from the
// kernel's 128 threads (the default region's) by the partition's 128, at the
// kernel's config and its launches; each region runs under a branch on the
// warp index (tagged with its first thread, its threads and its named
// barrier); the rest of the kernel moves into the default group (only the
// main program runs after the split). Register budgets become setmaxnreg
// around the kernel's cap (65536 registers over 256 threads, capped at 248:
// both regions give some up). In the partition, thread ids count from its
// first thread and a block barrier is the group's named barrier 2.
#blk = #tessera_tile.blocked<warps = [4, 1], threads = [4, 8], per_thread = [1, 2]>
!view = memref<?x64xf32, strided<[64, 1]>>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
func.func @host(%x: memref<?xf32>) attributes {tessera.host} {
  %c1 = arith.constant 1 : index
  // CHECK: tessera_target.launch @split grid(%{{.*}}) block = [256]
  tessera_target.launch @split grid(%c1) block = [128] args(%x : memref<?xf32>)
  return
}
// CHECK-LABEL: tessera_target.kernel @split
// CHECK-SAME: config = #tessera_target.kernel_config<grid = [1], block = [256], regs = 248>
// CHECK-SAME: tessera.block_threads = 256
// CHECK: %[[TID:.*]] = gpu.thread_id x
// CHECK: %[[WARP:.*]] = arith.divui %[[TID]], %{{.*}} : index
// CHECK: %[[MAIN:.*]] = arith.cmpi ult, %[[WARP]], %{{.*}} : index
// CHECK: scf.if %[[MAIN]] {
// CHECK-NEXT: nvvm.setmaxregister decrease 232
// CHECK: memref.store
// CHECK: } {tessera.warp_group = array<i64: 0, 128, 1>}
// CHECK: scf.if %{{.*}} {
// CHECK-NEXT: nvvm.setmaxregister decrease 40
// CHECK-NEXT: %[[OWN:.*]] = gpu.thread_id x
// CHECK-NEXT: %[[FIRST:.*]] = arith.constant 128 : index
// CHECK-NEXT: %[[LOCAL:.*]] = arith.subi %[[OWN]], %[[FIRST]] : index
// CHECK: arith.remui %[[LOCAL]]
// CHECK: nvvm.barrier id = %{{.*}} number_of_threads = %{{.*}}
// CHECK-NOT: gpu.barrier
// CHECK: } {tessera.warp_group = array<i64: 128, 128, 2>}
// CHECK-NEXT: tessera_target.return
tessera_target.kernel @split(%x: memref<?xf32>)
    config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %xv = memref.reinterpret_cast %x to offset: [0], sizes: [%c8, 64], strides: [64, 1]
      : memref<?xf32> to !view
  tessera_tile.warp_specialize(%xv)
  default registers(232) {
    tessera_tile.warp_yield
  }
  partition0(%px: !view) num_warps(4) registers(40) {
    %c0p = arith.constant 0 : index
    %t = tessera_tile.load_tile %px[%c0p, %c0p] : !view -> tensor<32x64xf32, #blk>
    tessera_tile.barrier
    tessera_tile.warp_return
  } : (!view) -> ()
  // After the split: the main program's (here a store every thread of the
  // default group makes).
  %one = arith.constant 1.0 : f32
  memref.store %one, %x[%c0] : memref<?xf32>
  tessera_target.return
}
}

// -----

// Two consumer warpgroups and a producer warpgroup (CUTLASS's split): 384
// threads, a cap of 168 registers; the consumers take 232, the producer
// gives up all but 40 (256 x 232 + 128 x 40 = 168 x 384).
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @consumers
// CHECK-SAME: block = [384], regs = 168
// CHECK: nvvm.setmaxregister increase 232
// CHECK: } {tessera.warp_group = array<i64: 0, 256, 1>}
// CHECK: nvvm.setmaxregister decrease 40
// CHECK: } {tessera.warp_group = array<i64: 256, 128, 2>}
tessera_target.kernel @consumers()
    config = #tessera_target.kernel_config<grid = [1], block = [256]> {
  tessera_tile.warp_specialize()
  default registers(232) {
    tessera_tile.warp_yield
  }
  partition0() num_warps(4) registers(40) {
    tessera_tile.warp_return
  } : () -> ()
  tessera_target.return
}
}

// -----

// Freeing a ring slot: `mbarrier_arrive` is one arrival per thread;
// `per_warp`, one per warp: the warp's lanes meet at bar.warp.sync (which
// orders their shared-memory accesses before lane 0's), then lane 0
// (thread id mod 32 = 0) arrives.
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @release
// CHECK: scf.if
// CHECK: nvgpu.mbarrier.init %{{.*}}[%{{.*}}], %c8
// CHECK: gpu.barrier
// CHECK: nvgpu.mbarrier.arrive %{{.*}}[%[[I:.*]]] :
// CHECK: nvvm.bar.warp.sync %c-1_i32
// CHECK: %[[TID:.*]] = gpu.thread_id x
// CHECK: %[[LANE:.*]] = arith.remui %[[TID]], %c32
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[LANE]], %c0
// CHECK: scf.if %[[FIRST]] {
// CHECK-NEXT: nvgpu.mbarrier.arrive %{{.*}}[%[[I]]] :
tessera_target.kernel @release(%i: index)
    config = #tessera_target.kernel_config<grid = [1], block = [256]> {
  %bars = tessera_tile.mbarrier_alloc arrivals 8 offset 0 : !tessera_tile.mbarrier<2>
  tessera_tile.mbarrier_arrive %bars[%i] : !tessera_tile.mbarrier<2>
  tessera_tile.mbarrier_arrive %bars[%i] per_warp : !tessera_tile.mbarrier<2>
  tessera_target.return
}
}

// -----

module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @too_many_registers()
    config = #tessera_target.kernel_config<grid = [1], block = [256]> {
  // expected-error @+1 {{'tessera_tile.warp_specialize' op asks for 75776 registers in all (budget x threads per region), more than the block's 64512 (384 threads at 168)}}
  tessera_tile.warp_specialize()
  default registers(256) {
    tessera_tile.warp_yield
  }
  partition0() num_warps(4) registers(80) {
    tessera_tile.warp_return
  } : () -> ()
  tessera_target.return
}
}

// -----

module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @some_registers()
    config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  // expected-error @+1 {{'tessera_tile.warp_specialize' op gives registers to some regions but not the default region (region 0): setmaxnreg moves registers between all of them}}
  tessera_tile.warp_specialize()
  default {
    tessera_tile.warp_yield
  }
  partition0() num_warps(4) registers(40) {
    tessera_tile.warp_return
  } : () -> ()
  tessera_target.return
}
}

// -----

module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @unaligned()
    config = #tessera_target.kernel_config<grid = [1], block = [64]> {
  // expected-error @+1 {{'tessera_tile.warp_specialize' op gives registers to region 0, which runs on 2 warps from warp 0; setmaxnreg needs whole warpgroups (4 warps from a multiple of 4)}}
  tessera_tile.warp_specialize()
  default registers(232) {
    tessera_tile.warp_yield
  }
  partition0() num_warps(4) registers(40) {
    tessera_tile.warp_return
  } : () -> ()
  tessera_target.return
}
}

// -----

module attributes {tessera_target.chip = #tessera_target.chip<"sm_80">} {
tessera_target.kernel @no_setmaxnreg()
    config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  // expected-error @+1 {{'tessera_tile.warp_specialize' op asks for register budgets, which chip 'sm_80' cannot move between warps (setmaxnreg: sm_90a)}}
  tessera_tile.warp_specialize()
  default registers(232) {
    tessera_tile.warp_yield
  }
  partition0() num_warps(4) registers(40) {
    tessera_tile.warp_return
  } : () -> ()
  tessera_target.return
}
}

// -----

module attributes {tessera_target.chip = #tessera_target.chip<"gfx942">} {
tessera_target.kernel @amd()
    config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  // expected-error @+1 {{'tessera_tile.warp_specialize' op splits the block's warps, which needs named barriers (a barrier among some warps); chip 'gfx942' has only the whole block's}}
  tessera_tile.warp_specialize()
  default {
    tessera_tile.warp_yield
  }
  partition0() num_warps(1) {
    tessera_tile.warp_return
  } : () -> ()
  tessera_target.return
}
}

// -----

module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @nested(%n: index)
    config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    // expected-error @+1 {{'tessera_tile.warp_specialize' op is nested in scf.for; the lowering splits the block's warps in the kernel's body only (the regions may hold loops and branches)}}
    tessera_tile.warp_specialize()
    default {
      tessera_tile.warp_yield
    }
    partition0() num_warps(1) {
      tessera_tile.warp_return
    } : () -> ()
  }
  tessera_target.return
}
}

// -----

#blk = #tessera_tile.blocked<warps = [4, 1], threads = [4, 8], per_thread = [1, 2]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @tiles_before()
    config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  // expected-error @+1 {{'arith.constant' op holds register tiles before the kernel's tessera_tile.warp_specialize, which every warp of the block would run; compute them in the default region}}
  %zero = arith.constant dense<0.0> : tensor<32x64xf32, #blk>
  %r = tessera_tile.warp_specialize()
  default {
    tessera_tile.warp_yield %zero : tensor<32x64xf32, #blk>
  }
  partition0() num_warps(1) {
    tessera_tile.warp_return
  } : () -> tensor<32x64xf32, #blk>
  tessera_target.return
}
}

// -----

#row = #tessera_tile.blocked<warps = [1, 4], threads = [1, 32], per_thread = [1, 1]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @block_reduce(%x: memref<?x?xf32, strided<[?, 1]>>)
    config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  %c0 = arith.constant 0 : index
  tessera_tile.warp_specialize(%x)
  default {
    %t = tessera_tile.load_tile %x[%c0, %c0] : memref<?x?xf32, strided<[?, 1]>> -> tensor<1x128xf32, #row>
    // expected-error @+1 {{reduces over the whole block inside a warp group of tessera_tile.warp_specialize (a reduction along an axis that one warp holds stays within it)}}
    %s = tessera_tile.reduce add %t axis 1 : tensor<1x128xf32, #row> -> tensor<1xf32, #tessera_tile.slice<dim = 1, parent = #row>>
    tessera_tile.warp_yield
  }
  partition0(%px: memref<?x?xf32, strided<[?, 1]>>) num_warps(1) {
    tessera_tile.warp_return
  } : (memref<?x?xf32, strided<[?, 1]>>) -> ()
  tessera_target.return
}
}

// -----

// Turns among warpgroups (FlashAttention-3's ping-pong) on a block of two:
// warpgroup w = thread / 128 waits at named barrier 15 - w with 256
// threads (its own and the arrivals of the one before it); passing the
// turn arrives at the next warpgroup's barrier; turns_init: the last
// warpgroup's arrival at the first's (barrier 15).
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @turns
// CHECK: %[[T0:.*]] = gpu.thread_id x
// CHECK: %[[W0:.*]] = arith.divui %[[T0]], %c128
// CHECK: %[[LAST:.*]] = arith.cmpi eq, %[[W0]], %c1
// CHECK: scf.if %[[LAST]] {
// CHECK: nvvm.barrier.arrive id = %c15_i32 number_of_threads = %c256_i32
// CHECK: %[[T1:.*]] = gpu.thread_id x
// CHECK: %[[W1:.*]] = arith.divui %[[T1]], %c128
// CHECK: %[[ID1:.*]] = arith.subi %c15{{.*}}, %[[W1]]
// CHECK: %[[BAR1:.*]] = arith.index_cast %[[ID1]] : index to i32
// CHECK: nvvm.barrier id = %[[BAR1]] number_of_threads = %c256_i32
// CHECK: %[[T2:.*]] = gpu.thread_id x
// CHECK: %[[W2:.*]] = arith.divui %[[T2]], %c128
// CHECK: %[[NEXT:.*]] = arith.remui %{{.*}}, %c2
// CHECK: %[[ID2:.*]] = arith.subi %c15{{.*}}, %[[NEXT]]
// CHECK: %[[BAR2:.*]] = arith.index_cast %[[ID2]] : index to i32
// CHECK: nvvm.barrier.arrive id = %[[BAR2]] number_of_threads = %c256_i32
tessera_target.kernel @turns()
    config = #tessera_target.kernel_config<grid = [1], block = [256]> {
  tessera_tile.turns_init
  tessera_tile.turn_wait
  tessera_tile.turn_pass
  tessera_target.return
}
}

// -----

// One warpgroup: nothing to take turns with.
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @one_turn
// CHECK-NOT: nvvm.barrier
// CHECK: tessera_target.return
tessera_target.kernel @one_turn()
    config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  tessera_tile.turns_init
  tessera_tile.turn_wait
  tessera_tile.turn_pass
  tessera_target.return
}
}

// -----

module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @turns_partial()
    config = #tessera_target.kernel_config<grid = [1], block = [192]> {
  // expected-error @+1 {{'tessera_tile.turn_wait' op takes turns among warpgroups, but runs on 192 threads, not whole warpgroups of 128}}
  tessera_tile.turn_wait
  tessera_target.return
}
}

// -----

module attributes {tessera_target.chip = #tessera_target.chip<"gfx942">} {
tessera_target.kernel @turns_amd()
    config = #tessera_target.kernel_config<grid = [1], block = [256]> {
  // expected-error @+1 {{'tessera_tile.turn_pass' op takes turns among warpgroups, which needs named barriers (a barrier among some warps); chip 'gfx942' has only the whole block's}}
  tessera_tile.turn_pass
  tessera_target.return
}
}

// -----

// Turns use named barriers 15 - w; warp_specialize's groups count from 1:
// 14 groups reach barrier 14, which the turns of two warpgroups need.
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @turns_collide()
    config = #tessera_target.kernel_config<grid = [1], block = [256]> {
  tessera_tile.warp_specialize()
  default {
    // expected-error @+1 {{'tessera_tile.turn_wait' op takes turns among 2 warpgroups at named barriers 14 to 15, but warp_specialize's groups use barriers up to 14}}
    tessera_tile.turn_wait
    tessera_tile.warp_yield
  }
  partition0() num_warps(1) {
    tessera_tile.warp_return
  }
  partition1() num_warps(1) {
    tessera_tile.warp_return
  }
  partition2() num_warps(1) {
    tessera_tile.warp_return
  }
  partition3() num_warps(1) {
    tessera_tile.warp_return
  }
  partition4() num_warps(1) {
    tessera_tile.warp_return
  }
  partition5() num_warps(1) {
    tessera_tile.warp_return
  }
  partition6() num_warps(1) {
    tessera_tile.warp_return
  }
  partition7() num_warps(1) {
    tessera_tile.warp_return
  }
  partition8() num_warps(1) {
    tessera_tile.warp_return
  }
  partition9() num_warps(1) {
    tessera_tile.warp_return
  }
  partition10() num_warps(1) {
    tessera_tile.warp_return
  }
  partition11() num_warps(1) {
    tessera_tile.warp_return
  }
  partition12() num_warps(1) {
    tessera_tile.warp_return
  } : () -> ()
  tessera_target.return
}
}
