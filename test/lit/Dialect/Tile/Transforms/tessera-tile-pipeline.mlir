// RUN: tessera-opt %s -split-input-file -tessera-tile-pipeline -canonicalize -cse -verify-diagnostics | FileCheck %s

#swz = #tessera_tile.smem_layout<swizzle = 128>
#mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [4, 1]>
!gmem = memref<?x?xf16, strided<[?, 1], offset: ?>>
!sa = !tessera_tile.smem<64x64xf16, #swz>
!sb = !tessera_tile.smem<64x128xf16, #swz>

// A K loop of unknown trip count, before: each iteration allocates its A
// and B buffers, copies into them, waits and multiplies.
//
// After: 3-deep rings before the loop; a prologue issuing iterations 0 and 1
// (each predicated on the iteration existing); a steady state that first
// waits on iteration k's tokens, carried as loop values (a wait is also a
// barrier: every thread is done with iteration k-1's slot), then issues
// iteration k+2's copies into that slot (predicated past the end), then
// multiplies. The wait may leave 2 copies in flight: iteration k+1's two.
// CHECK-LABEL: func.func @dynamic_trip_count
// CHECK-SAME: (%[[A:.*]]: memref<?x?xf16, strided<[?, 1], offset: ?>>, %[[B:.*]]: memref<?x?xf16, strided<[?, 1], offset: ?>>, %[[M:.*]]: index, %[[N:.*]]: index, %[[KT:.*]]: index)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK: %[[RA:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<3x64x64xf16, #smem_layout>
// CHECK: %[[RB:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<3x64x128xf16, #smem_layout>
// Prologue: iterations 0 and 1, if they exist.
// CHECK: %[[P0:.*]] = arith.cmpi sgt, %[[KT]], %[[C0]] : index
// CHECK: %[[SA0:.*]] = tessera_tile.slot %[[RA]][%[[C0]]]
// CHECK: %[[TA0:.*]] = tessera_tile.box_copy %[[A]][%[[M]], %[[C0]]], %[[SA0]] if %[[P0]]
// CHECK: %[[SB0:.*]] = tessera_tile.slot %[[RB]][%[[C0]]]
// CHECK: %[[TB0:.*]] = tessera_tile.box_copy %[[B]][%[[C0]], %[[N]]], %[[SB0]] if %[[P0]]
// CHECK: %[[P1:.*]] = arith.cmpi sgt, %[[KT]], %[[C1]] : index
// CHECK: %[[TA1:.*]] = tessera_tile.box_copy %[[A]][%[[M]], %[[C64]]], %{{.*}} if %[[P1]]
// CHECK: %[[TB1:.*]] = tessera_tile.box_copy %[[B]][%[[C64]], %[[N]]], %{{.*}} if %[[P1]]
// CHECK: %[[LOOP:.*]]:5 = scf.for %[[K:.*]] = %[[C0]] to %[[KT]] step %[[C1]]
// CHECK-SAME: iter_args(%[[ACC:.*]] = %{{.*}}, %[[WA0:.*]] = %[[TA0]], %[[WA1:.*]] = %[[TA1]], %[[WB0:.*]] = %[[TB0]], %[[WB1:.*]] = %[[TB1]])
// Steady state: wait for iteration k, leaving iteration k+1's copies in
// flight...
// CHECK: %[[LAST:.*]] = arith.subi %[[KT]], %[[C2]] : index
// CHECK: %[[ISSUE:.*]] = arith.cmpi slt, %[[K]], %[[LAST]] : index
// CHECK: tessera_tile.wait %[[WA0]], %[[WB0]] pending 2
// ... issue iteration k + 2 while it exists...
// CHECK: %[[K2:.*]] = arith.addi %[[K]], %[[C2]] : index
// CHECK: %[[SLOT2:.*]] = arith.remui %[[K2]], %[[C3]] : index
// CHECK: %[[KK:.*]] = arith.muli %[[K2]], %[[C64]] : index
// CHECK: %[[WSA:.*]] = tessera_tile.slot %[[RA]][%[[SLOT2]]]
// CHECK: %[[NA:.*]] = tessera_tile.box_copy %[[A]][%[[M]], %[[KK]]], %[[WSA]] if %[[ISSUE]]
// CHECK: %[[WSB:.*]] = tessera_tile.slot %[[RB]][%[[SLOT2]]]
// CHECK: %[[NB:.*]] = tessera_tile.box_copy %[[B]][%[[KK]], %[[N]]], %[[WSB]] if %[[ISSUE]]
// ... and multiply from slot k mod 3.
// CHECK: %[[SLOT:.*]] = arith.remui %[[K]], %[[C3]] : index
// CHECK: %[[RSA:.*]] = tessera_tile.slot %[[RA]][%[[SLOT]]]
// CHECK: %[[RSB:.*]] = tessera_tile.slot %[[RB]][%[[SLOT]]]
// CHECK: %[[D:.*]] = tessera_tile.dot %[[RSA]], %[[RSB]], %[[ACC]]
// CHECK: scf.yield %[[D]], %[[WA1]], %[[NA]], %[[WB1]], %[[NB]]
// CHECK-NOT: tessera_tile.stages
// CHECK: return %[[LOOP]]#0
func.func @dynamic_trip_count(%a: !gmem, %b: !gmem, %m: index, %n: index, %kt: index) -> tensor<64x128xf32, #acc> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant dense<0.0> : tensor<64x128xf32, #acc>
  %r = scf.for %k = %c0 to %kt step %c1 iter_args(%acc = %zero) -> tensor<64x128xf32, #acc> {
    %kk = arith.muli %k, %c64 : index
    %sa = tessera_tile.local_alloc : !sa
    %ta = tessera_tile.box_copy %a[%m, %kk], %sa : !gmem, !sa -> !tessera_tile.async_token
    %sb = tessera_tile.local_alloc : !sb
    %tb = tessera_tile.box_copy %b[%kk, %n], %sb : !gmem, !sb -> !tessera_tile.async_token
    tessera_tile.wait %ta, %tb
    %d = tessera_tile.dot %sa, %sb, %acc {mma = #mma} : !sa, !sb -> tensor<64x128xf32, #acc>
    scf.yield %d : tensor<64x128xf32, #acc>
  } {tessera_tile.stages = 3}
  return %r : tensor<64x128xf32, #acc>
}

// -----

#swz = #tessera_tile.smem_layout<swizzle = 128>
!gmem = memref<?x?xf16, strided<[?, 1], offset: ?>>
!sa = !tessera_tile.smem<64x64xf16, #swz>
#blocked = #tessera_tile.blocked<warps = [4, 1]>

// A constant trip count of 8 with 2 stages: no predicates; the kernel runs
// iterations 0..6 and a peeled epilogue finishes iteration 7 from slot 1.
// With 2 stages no copy of a later iteration is in flight at a wait.
// The copy's own predicate is kept (and-ed with the pipeline's when one is
// needed).
// CHECK-LABEL: func.func @static_trip_count
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C7:.*]] = arith.constant 7 : index
// CHECK: %[[RING:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<2x64x64xf16, #smem_layout>
// CHECK: %[[S0:.*]] = tessera_tile.slot %[[RING]][%[[C0]]]
// CHECK: %[[T0:.*]] = tessera_tile.box_copy %{{.*}}[%{{.*}}, %[[C0]]], %[[S0]] if %[[OWN:[^ ]+]] :
// CHECK: %[[LOOP:.*]]:2 = scf.for %[[K:.*]] = %[[C0]] to %[[C7]] step %[[C1]] iter_args(%[[SUM:.*]] = %{{.*}}, %[[TOK:.*]] = %[[T0]])
// CHECK: tessera_tile.wait %[[TOK]] pending 0
// CHECK: tessera_tile.box_copy {{.*}} if %[[OWN]] :
// CHECK: tessera_tile.local_load
// CHECK: scf.yield
// CHECK: tessera_tile.wait %[[LOOP]]#1 pending 0
// CHECK: %[[S1:.*]] = tessera_tile.slot %[[RING]][%[[C1]]]
// CHECK: tessera_tile.local_load %[[S1]]
// CHECK-NOT: tessera_tile.box_copy
// CHECK: return
func.func @static_trip_count(%a: !gmem, %m: index, %own: i1) -> tensor<64x64xf16, #blocked> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant dense<0.0> : tensor<64x64xf16, #blocked>
  %r = scf.for %k = %c0 to %c8 step %c1 iter_args(%sum = %zero) -> tensor<64x64xf16, #blocked> {
    %kk = arith.muli %k, %c64 : index
    %s = tessera_tile.local_alloc : !sa
    %t = tessera_tile.box_copy %a[%m, %kk], %s if %own : !gmem, !sa -> !tessera_tile.async_token
    tessera_tile.wait %t
    %x = tessera_tile.local_load %s : !sa -> tensor<64x64xf16, #blocked>
    %y = arith.addf %sum, %x : tensor<64x64xf16, #blocked>
    scf.yield %y : tensor<64x64xf16, #blocked>
  } {tessera_tile.stages = 2}
  return %r : tensor<64x64xf16, #blocked>
}

// -----

!gmem = memref<?x?xf16, strided<[?, 1], offset: ?>>
!sa = !tessera_tile.smem<64x64xf16>
#blocked = #tessera_tile.blocked<warps = [4, 1]>

// 3 stages, one copy per iteration, 8 iterations: the steady state's wait
// leaves the next iteration's copy in flight; the peeled epilogue's two
// waits leave 1, then 0.
// CHECK-LABEL: func.func @peeled_pending
// CHECK: scf.for
// CHECK: tessera_tile.wait %{{.*}} pending 1
// CHECK: scf.yield
// CHECK: tessera_tile.wait %{{.*}} pending 1
// CHECK: tessera_tile.wait %{{.*}} pending 0
// CHECK-NOT: tessera_tile.wait
// CHECK: return
func.func @peeled_pending(%a: !gmem, %m: index) -> tensor<64x64xf16, #blocked> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant dense<0.0> : tensor<64x64xf16, #blocked>
  %r = scf.for %k = %c0 to %c8 step %c1 iter_args(%sum = %zero) -> tensor<64x64xf16, #blocked> {
    %kk = arith.muli %k, %c64 : index
    %s = tessera_tile.local_alloc : !sa
    %t = tessera_tile.box_copy %a[%m, %kk], %s : !gmem, !sa -> !tessera_tile.async_token
    tessera_tile.wait %t
    %x = tessera_tile.local_load %s : !sa -> tensor<64x64xf16, #blocked>
    %y = arith.addf %sum, %x : tensor<64x64xf16, #blocked>
    scf.yield %y : tensor<64x64xf16, #blocked>
  } {tessera_tile.stages = 3}
  return %r : tensor<64x64xf16, #blocked>
}

// -----

// One stage is no pipelining: the loop is kept, the attribute dropped.
// CHECK-LABEL: func.func @one_stage
// CHECK: scf.for
// CHECK: tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
// CHECK-NOT: tessera_tile.stages
func.func @one_stage(%a: memref<?x?xf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %k = %c0 to %n step %c1 {
    %s = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
    %t = tessera_tile.box_copy %a[%k, %c0], %s : memref<?x?xf16>, !tessera_tile.smem<64x64xf16> -> !tessera_tile.async_token
    tessera_tile.wait %t
  } {tessera_tile.stages = 1}
  return
}

// -----

func.func @zero_stages(%a: memref<?x?xf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{'tessera_tile.stages' (0) must be at least 1}}
  scf.for %k = %c0 to %n step %c1 {
    %s = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
    %t = tessera_tile.box_copy %a[%k, %c0], %s : memref<?x?xf16>, !tessera_tile.smem<64x64xf16> -> !tessera_tile.async_token
    tessera_tile.wait %t
  } {tessera_tile.stages = 0}
  return
}

// -----

func.func @dynamic_step(%a: memref<?x?xf16>, %n: index, %step: index) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{cannot pipeline a loop whose step is not a positive constant}}
  scf.for %k = %c0 to %n step %step {
    %s = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
    %t = tessera_tile.box_copy %a[%k, %c0], %s : memref<?x?xf16>, !tessera_tile.smem<64x64xf16> -> !tessera_tile.async_token
    tessera_tile.wait %t
  } {tessera_tile.stages = 3}
  return
}

// -----

func.func @nothing_to_pipeline(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{has tessera_tile.stages = 3 but no tessera_tile.box_copy into a buffer allocated in the loop body: nothing to pipeline}}
  scf.for %k = %c0 to %n step %c1 {
    tessera_tile.barrier
  } {tessera_tile.stages = 3}
  return
}

// -----

func.func @buffer_outside_loop(%a: memref<?x?xf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %s = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
  scf.for %k = %c0 to %n step %c1 {
    // expected-error @+1 {{'tessera_tile.box_copy' op in a pipelined loop must copy into a tessera_tile.local_alloc of the loop body, which the pass turns into a ring of stages}}
    %t = tessera_tile.box_copy %a[%k, %c0], %s : memref<?x?xf16>, !tessera_tile.smem<64x64xf16> -> !tessera_tile.async_token
    tessera_tile.wait %t
  } {tessera_tile.stages = 3}
  return
}

// -----

func.func @barrier_completion(%a: memref<?x?xf16>, %n: index, %bars: !tessera_tile.mbarrier<3>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %k = %c0 to %n step %c1 {
    %s = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
    // expected-error @+1 {{'tessera_tile.box_copy' op in a pipelined loop must arrive on a tessera_tile.mbarrier_alloc of one barrier in the loop body, which the pass turns into a ring of stages}}
    tessera_tile.box_copy %a[%k, %c0], %s arrive %bars[%c0] : memref<?x?xf16>, !tessera_tile.smem<64x64xf16>, !tessera_tile.mbarrier<3>
  } {tessera_tile.stages = 3}
  return
}

// -----

func.func @loop_carried_index(%a: memref<?x?xf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%row = %c0) -> index {
    %s = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
    // expected-error @+1 {{'tessera_tile.box_copy' op depends on loop-carried value #0, so it cannot be issued stages - 1 iterations early}}
    %t = tessera_tile.box_copy %a[%row, %c0], %s : memref<?x?xf16>, !tessera_tile.smem<64x64xf16> -> !tessera_tile.async_token
    tessera_tile.wait %t
    %next = arith.addi %row, %c1 : index
    scf.yield %next : index
  } {tessera_tile.stages = 3}
  return
}

// -----

func.func @side_effect_feeds_copy(%a: memref<?x?xf16>, %rows: memref<?xindex>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %k = %c0 to %n step %c1 {
    // expected-error @+1 {{'memref.load' op feeds a pipelined copy but has side effects, so it cannot be issued early}}
    %row = memref.load %rows[%k] : memref<?xindex>
    %s = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
    %t = tessera_tile.box_copy %a[%row, %c0], %s : memref<?x?xf16>, !tessera_tile.smem<64x64xf16> -> !tessera_tile.async_token
    tessera_tile.wait %t
  } {tessera_tile.stages = 3}
  return
}

// -----

func.func @yield_from_outside(%a: memref<?x?xf16>, %n: index, %init: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{yields a value not computed in its body; the pipeliner needs every loop-carried value defined in the loop}}
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%x = %init) -> f32 {
    %s = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
    %t = tessera_tile.box_copy %a[%k, %c0], %s : memref<?x?xf16>, !tessera_tile.smem<64x64xf16> -> !tessera_tile.async_token
    tessera_tile.wait %t
    scf.yield %x : f32
  } {tessera_tile.stages = 3}
  return %r : f32
}

// -----

func.func @i32_induction(%a: memref<?x?xf16>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %z = arith.constant 0 : index
  // expected-error @+1 {{cannot pipeline a loop whose induction variable is not an index}}
  scf.for %k = %c0 to %n step %c1 : i32 {
    %s = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
    %t = tessera_tile.box_copy %a[%z, %z], %s : memref<?x?xf16>, !tessera_tile.smem<64x64xf16> -> !tessera_tile.async_token
    tessera_tile.wait %t
  } {tessera_tile.stages = 3}
  return
}

// -----

// Copies through tensor maps completing on a barrier of the loop body,
// before: each iteration allocates its buffers and a barrier (two arrivals:
// the two copies), copies, waits on the barrier's first phase, multiplies.
//
// After: 3-deep rings of buffers and of barriers before the loop; the
// prologue's copies arrive on barriers 0 and 1. The steady state waits on
// barrier k mod 3 for phase (k / 3) mod 2, multiplies (async: the loop
// carries the accumulator), synchronizes the block (every thread is done
// with iteration k-1, and so is the dot that read the slot being refilled),
// then issues iteration k+2's copies, arriving on its barrier. After the
// loop, a dot_wait on the accumulator it carries out: the return reads it
// through the wait for the last chain.
#swz = #tessera_tile.smem_layout<swizzle = 128>
#mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [4, 1]>
!gmem = memref<?x?xf16, strided<[?, 1], offset: ?>>
!sa = !tessera_tile.smem<64x64xf16, #swz>
!sb = !tessera_tile.smem<64x128xf16, #swz>
!map = !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
// CHECK-LABEL: func.func @barrier_ring
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK: %[[BARS:.*]] = tessera_tile.mbarrier_alloc arrivals 2 : !tessera_tile.mbarrier<3>
// CHECK: tessera_tile.local_alloc : !tessera_tile.smem<3x64x64xf16, #smem_layout>
// CHECK: tessera_tile.local_alloc : !tessera_tile.smem<3x64x128xf16, #smem_layout>
// CHECK: tessera_tile.box_copy %{{.*}} desc %{{.*}} arrive %[[BARS]][%[[C0]]] if
// CHECK: tessera_tile.box_copy %{{.*}} desc %{{.*}} arrive %[[BARS]][%[[C0]]] if
// CHECK: tessera_tile.box_copy %{{.*}} desc %{{.*}} arrive %[[BARS]][%[[C1]]] if
// CHECK: tessera_tile.box_copy %{{.*}} desc %{{.*}} arrive %[[BARS]][%[[C1]]] if
// CHECK: scf.for %[[K:.*]] = %[[C0]] to
// CHECK: %[[SLOT:.*]] = arith.remui %[[K]], %[[C3]] : index
// CHECK: %[[ROUND:.*]] = arith.divui %[[K]], %[[C3]] : index
// CHECK: %[[ODD:.*]] = arith.remui %[[ROUND]], %[[C2]] : index
// CHECK: %[[PHASE:.*]] = arith.index_cast %[[ODD]] : index to i1
// CHECK: tessera_tile.mbarrier_wait %[[BARS]][%[[SLOT]]], %[[PHASE]]
// CHECK: tessera_tile.dot %{{.*}}, %{{.*}}, %{{.*}} async
// CHECK-NEXT: tessera_tile.barrier
// CHECK: %[[K2:.*]] = arith.addi %[[K]], %[[C2]] : index
// CHECK: %[[NEXT:.*]] = arith.remui %[[K2]], %[[C3]] : index
// CHECK: tessera_tile.box_copy %{{.*}} desc %{{.*}} arrive %[[BARS]][%[[NEXT]]] if
// CHECK: tessera_tile.box_copy %{{.*}} desc %{{.*}} arrive %[[BARS]][%[[NEXT]]] if
// CHECK-NEXT: scf.yield
// CHECK: %[[DONE:.*]] = tessera_tile.dot_wait %{{.*}} : tensor<64x128xf32, #acc>
// CHECK-NEXT: return %[[DONE]]
func.func @barrier_ring(%a: !gmem, %b: !gmem, %amap: !map, %bmap: !map, %m: index, %n: index, %kt: index) -> tensor<64x128xf32, #acc> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %false = arith.constant false
  %zero = arith.constant dense<0.0> : tensor<64x128xf32, #acc>
  %r = scf.for %k = %c0 to %kt step %c1 iter_args(%acc = %zero) -> tensor<64x128xf32, #acc> {
    %kk = arith.muli %k, %c64 : index
    %sa = tessera_tile.local_alloc : !sa
    %sb = tessera_tile.local_alloc : !sb
    %bar = tessera_tile.mbarrier_alloc arrivals 2 : !tessera_tile.mbarrier<1>
    tessera_tile.box_copy %a[%m, %kk], %sa desc %amap arrive %bar[%c0] : !gmem, !sa, !tessera_tile.mbarrier<1> desc !map
    tessera_tile.box_copy %b[%kk, %n], %sb desc %bmap arrive %bar[%c0] : !gmem, !sb, !tessera_tile.mbarrier<1> desc !map
    tessera_tile.mbarrier_wait %bar[%c0], %false : !tessera_tile.mbarrier<1>
    %d = tessera_tile.dot %sa, %sb, %acc {mma = #mma} : !sa, !sb -> tensor<64x128xf32, #acc>
    scf.yield %d : tensor<64x128xf32, #acc>
  } {tessera_tile.stages = 3}
  return %r : tensor<64x128xf32, #acc>
}

// -----

// A barrier loop whose dot does not accumulate across iterations (an
// attention's scores: nothing async), with 2 stages: the refill of the
// slot iteration k-1 read comes first in iteration k (the block barrier
// that ended k-1 has passed), so iteration k+1's copy flies while k
// computes; the block barrier ends the iteration.
#swz = #tessera_tile.smem_layout<swizzle = 128>
#mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [4, 1]>
!gmem = memref<?x?xf16, strided<[?, 1], offset: ?>>
!sk = !tessera_tile.smem<64x64xf16, #swz>
!map = !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
// CHECK-LABEL: func.func @refill_first
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK: %[[BARS:.*]] = tessera_tile.mbarrier_alloc arrivals 1 : !tessera_tile.mbarrier<2>
// CHECK: tessera_tile.box_copy %{{.*}} desc %{{.*}} arrive %[[BARS]][%[[C0]]] if
// CHECK: scf.for %[[K:.*]] = %[[C0]] to
// CHECK: %[[K1:.*]] = arith.addi %[[K]], %[[C1]] : index
// CHECK: %[[NEXT:.*]] = arith.remui %[[K1]], %[[C2]] : index
// CHECK: tessera_tile.box_copy %{{.*}} desc %{{.*}} arrive %[[BARS]][%[[NEXT]]] if
// CHECK: %[[SLOT:.*]] = arith.remui %[[K]], %[[C2]] : index
// CHECK: tessera_tile.mbarrier_wait %[[BARS]][%[[SLOT]]]
// CHECK: %[[S:.*]] = tessera_tile.dot %{{.*}}, %{{.*}}, %{{.*}} {mma = #mma}
// CHECK-NEXT: arith.addf
// CHECK-NEXT: tessera_tile.barrier
// CHECK-NEXT: scf.yield
func.func @refill_first(%k: !gmem, %kmap: !map, %q: !sk, %n: index) -> tensor<64x64xf32, #acc> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %false = arith.constant false
  %zero = arith.constant dense<0.0> : tensor<64x64xf32, #acc>
  %r = scf.for %j = %c0 to %n step %c1 iter_args(%sum = %zero) -> tensor<64x64xf32, #acc> {
    %jj = arith.muli %j, %c64 : index
    %sk = tessera_tile.local_alloc : !sk
    %bar = tessera_tile.mbarrier_alloc arrivals 1 : !tessera_tile.mbarrier<1>
    tessera_tile.box_copy %k[%jj, %c0], %sk desc %kmap arrive %bar[%c0] : !gmem, !sk, !tessera_tile.mbarrier<1> desc !map
    tessera_tile.mbarrier_wait %bar[%c0], %false : !tessera_tile.mbarrier<1>
    %s = tessera_tile.dot %q, %sk, %zero {mma = #mma} : !sk, !sk -> tensor<64x64xf32, #acc>
    %next = arith.addf %sum, %s : tensor<64x64xf32, #acc>
    scf.yield %next : tensor<64x64xf32, #acc>
  } {tessera_tile.stages = 2}
  return %r : tensor<64x64xf32, #acc>
}

// -----

func.func @mixed_completion(%a: memref<?x?xf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %k = %c0 to %n step %c1 {
    %s = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
    %t = tessera_tile.box_copy %a[%k, %c0], %s : memref<?x?xf16>, !tessera_tile.smem<64x64xf16> -> !tessera_tile.async_token
    %s2 = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
    %bar = tessera_tile.mbarrier_alloc arrivals 1 : !tessera_tile.mbarrier<1>
    // expected-error @+1 {{'tessera_tile.box_copy' op completes another way than the loop's first copy; a pipelined loop's copies complete all through tokens or all on barriers}}
    tessera_tile.box_copy %a[%k, %c0], %s2 arrive %bar[%c0] : memref<?x?xf16>, !tessera_tile.smem<64x64xf16>, !tessera_tile.mbarrier<1>
    tessera_tile.wait %t
  } {tessera_tile.stages = 3}
  return
}

// -----

func.func @barrier_other_use(%a: memref<?x?xf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %false = arith.constant false
  scf.for %k = %c0 to %n step %c1 {
    %s = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
    %bar = tessera_tile.mbarrier_alloc arrivals 2 : !tessera_tile.mbarrier<1>
    tessera_tile.box_copy %a[%k, %c0], %s arrive %bar[%c0] : memref<?x?xf16>, !tessera_tile.smem<64x64xf16>, !tessera_tile.mbarrier<1>
    // expected-error @+1 {{'tessera_tile.mbarrier_arrive' op uses a barrier allocated in a pipelined loop; only the loop's box copies (arrive) and waits may, as the pass turns it into a ring of stages}}
    tessera_tile.mbarrier_arrive %bar[%c0] : !tessera_tile.mbarrier<1>
    tessera_tile.mbarrier_wait %bar[%c0], %false : !tessera_tile.mbarrier<1>
  } {tessera_tile.stages = 3}
  return
}
