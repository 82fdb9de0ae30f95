// RUN: tessera-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_90}),convert-tessera-schedule-to-tile)' | FileCheck %s
// Attention.cpp on Hopper: the wgmma program, with no path without TMA (the
// kernel takes no valid flags: the runtime must encode the maps, and
// copies inputs TMA cannot address into aligned rows first).

// Head dim 128 (the default: 128 query rows, two warpgroups; 128 keys a
// step, 2 stages; warp-specialized). The host describes query, key and
// value to TMA as [batch entries, rows, head dim] (boxes of 128 rows by 64
// columns, 128-byte swizzle); the kernel takes the maps and the batch
// count. Causal: the last query blocks (the longest rows) run first. The
// query tile is copied once into a swizzled buffer through its map,
// completing on a barrier, before the warps split. Then the rings of K
// and V slots, a `full` barrier per slot (one arrival: the copy's) and an
// `empty` one (8 arrivals: one per consumer warp), and the split: the
// consumers (the block's 8 warps, 240 registers) and a producer warpgroup
// (24 registers).
// CHECK-DAG: #[[SWZ:.*]] = #tessera_tile.smem_layout<swizzle = 128>
// CHECK-DAG: #[[MMA:.*]] = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 16>
// CHECK-DAG: #[[ACC:.*]] = #tessera_tile.mma_acc<mma = #[[MMA]], warps = [8, 1]>
// CHECK-DAG: #[[OPND:.*]] = #tessera_tile.dot_operand<index = 0, parent = #[[ACC]]>
// CHECK-LABEL: func.func @attention_d128
// CHECK-COUNT-3: tessera_target.tensor_map %{{.*}}[%{{.*}}, %{{.*}}, %c128{{.*}}] : memref<?x?x?x128xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<1x128x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b
// CHECK: tessera_target.launch @attention_d128_k0_attention_wgmma grid(%{{.*}}) block = [256] args(
// CHECK-LABEL: tessera_target.kernel @attention_d128_k0_attention_wgmma
// CHECK-NOT: scf.if
// CHECK: %[[QBLOCKS:.*]] = arith.ceildivui
// CHECK: %[[LAST:.*]] = arith.subi %[[QBLOCKS]], %c1
// CHECK: arith.subi %[[LAST]], %{{.*}}
// CHECK: %[[QS:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<128x128xf16, #[[SWZ]]>
// CHECK: %[[QB:.*]] = tessera_tile.mbarrier_alloc arrivals 1
// CHECK: tessera_tile.box_copy %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}], %[[QS]] desc %{{.*}} arrive %[[QB]]
// CHECK: tessera_tile.mbarrier_wait %[[QB]]
// CHECK: %[[KR:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<2x128x128xf16, #[[SWZ]]>
// CHECK: %[[VR:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<2x128x128xf16, #[[SWZ]]>
// CHECK: %[[FK:.*]] = tessera_tile.mbarrier_alloc arrivals 1 : !tessera_tile.mbarrier<2>
// CHECK: %[[FV:.*]] = tessera_tile.mbarrier_alloc arrivals 1 : !tessera_tile.mbarrier<2>
// CHECK: %[[EK:.*]] = tessera_tile.mbarrier_alloc arrivals 8 : !tessera_tile.mbarrier<2>
// CHECK: %[[EV:.*]] = tessera_tile.mbarrier_alloc arrivals 8 : !tessera_tile.mbarrier<2>
// CHECK: %[[OUT:.*]]:2 = tessera_tile.warp_specialize(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[KR]], %[[VR]], %[[FK]], %[[FV]], %[[EK]], %[[EV]], %{{.*}}, %{{.*}})
// CHECK-NEXT: default registers(240) {
//
// The consumers, FlashAttention-3's loop (turns start first): the first
// key block's scores
// S = Q K^T (both operands from shared memory, K through a transposed
// view: K-major) and their softmax before the loop, its K slot freed
// (one arrival per warp). The two warpgroups take turns (ping-pong):
// iteration j waits for K slot j and V slot j - 1, takes its turn, issues
// the scores of block j and O += P V of block j - 1 (P from registers in
// the accumulator's own layout), both `async` (the second `in_flight 2`:
// it does not wait for the first), passes the turn, awaits the scores
// (`pending 1`: P V still runs), frees K, runs the softmax, awaits P V,
// frees V and carries P. After the loop, the last block's P V. No block
// barrier: the warpgroups meet only at the slots' barriers and turns.
// CHECK: tessera_tile.turns_init
// CHECK: tessera_tile.mbarrier_wait %[[FK]][%{{.*}}]
// CHECK: %[[K0:.*]] = tessera_tile.slot %[[KR]][%{{.*}}]
// CHECK: %[[K0T:.*]] = tessera_tile.trans %[[K0]]
// CHECK: tessera_tile.dot %[[QS]], %[[K0T]], %{{.*}} {mma = #[[MMA]]}
// CHECK: tessera_tile.mbarrier_arrive %[[EK]][%{{.*}}] per_warp
// CHECK: tessera_tile.reduce max
// CHECK: %[[P0:.*]] = tessera_tile.convert_layout %{{.*}} : tensor<128x128xf16, #[[ACC]]> -> tensor<128x128xf16, #[[OPND]]>
// CHECK: %[[LOOP:.*]]:4 = scf.for %{{.*}} = %c1{{.*}} to %{{.*}} step %c1{{.*}} iter_args({{.*}}, %[[O:.*]] = %{{.*}}, %[[P:.*]] = %[[P0]])
// CHECK: %[[KS:.*]] = tessera_tile.slot %[[KR]][%[[KSLOT:.*]]] :
// CHECK: %[[VS:.*]] = tessera_tile.slot %[[VR]][%[[VSLOT:.*]]] :
// CHECK: tessera_tile.mbarrier_wait %[[FK]][%[[KSLOT]]]
// CHECK: tessera_tile.mbarrier_wait %[[FV]][%[[VSLOT]]]
// CHECK: tessera_tile.turn_wait
// CHECK: %[[KT:.*]] = tessera_tile.trans %[[KS]]
// CHECK: %[[S:.*]] = tessera_tile.dot %[[QS]], %[[KT]], %{{.*}} async {mma = #[[MMA]]}
// CHECK: %[[PV:.*]] = tessera_tile.dot %[[P]], %[[VS]], %[[O]] async in_flight 2 {mma = #[[MMA]]}
// CHECK: tessera_tile.turn_pass
// CHECK: tessera_tile.dot_wait %[[S]] pending 1
// CHECK: tessera_tile.mbarrier_arrive %[[EK]][%[[KSLOT]]] per_warp
// CHECK: tessera_tile.reduce max %{{.*}} axis 1
// CHECK: %[[PN:.*]] = tessera_tile.convert_layout
// CHECK: tessera_tile.dot_wait %[[PV]] :
// CHECK: tessera_tile.mbarrier_arrive %[[EV]][%[[VSLOT]]] per_warp
// CHECK: scf.yield %{{.*}}, %{{.*}}, %{{.*}}, %[[PN]]
// CHECK-NOT: tessera_tile.stages
// CHECK: tessera_tile.mbarrier_wait %[[FV]]
// CHECK: %[[LASTV:.*]] = tessera_tile.slot %[[VR]]
// CHECK: %[[OUT2:.*]] = tessera_tile.dot %[[LOOP]]#3, %[[LASTV]], %[[LOOP]]#2 {mma = #[[MMA]]}
// CHECK: tessera_tile.mbarrier_arrive %[[EV]]
// CHECK: tessera_tile.warp_yield %[[LOOP]]#1, %[[OUT2]]
//
// The producer: per key block, from the second round of its ring on,
// wait until the consumers freed the slot; K then V, each arriving on its
// slot's `full` barrier.
// CHECK: partition0({{.*}}) num_warps(4) registers(24) {
// CHECK: scf.for
// CHECK: tessera_tile.mbarrier_wait %{{.*}}[%[[PS:.*]]], %{{.*}}
// CHECK: tessera_tile.box_copy {{.*}} desc {{.*}} arrive %{{.*}}[%[[PS]]]
// CHECK: tessera_tile.mbarrier_wait %{{.*}}[%[[PS]]], %{{.*}}
// CHECK: tessera_tile.box_copy {{.*}} desc {{.*}} arrive %{{.*}}[%[[PS]]]
// CHECK: tessera_tile.warp_return
//
// After the split (the consumers' warps): O over the row sums, stored.
// CHECK: tessera_tile.broadcast %{{.*}}
// CHECK: tessera_tile.store_tile
// CHECK-NOT: mma_sync
// CHECK: tessera_target.return
func.func @attention_d128(%q: tensor<?x?x?x128xf16>, %k: tensor<?x?x?x128xf16>, %v: tensor<?x?x?x128xf16>) -> tensor<?x?x?x128xf16> {
  %o = tessera_graph.attention %q, %k, %v causal : tensor<?x?x?x128xf16>, tensor<?x?x?x128xf16>, tensor<?x?x?x128xf16> -> tensor<?x?x?x128xf16>
  return %o : tensor<?x?x?x128xf16>
}

// -----

// Head dim 64 under a schedule of 128 keys a step: no overlap (head dims
// under 128), the scores computed in the iteration; the two dots'
// accumulators differ in n (128 keys, 64 output columns), so the row
// values (alpha, the row sums) are converted from the scores' slice to the
// output's (the same rows: nothing moves) before they broadcast.
// CHECK-DAG: #[[MMAS:.*]] = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 16>
// CHECK-DAG: #[[MMAO:.*]] = #tessera_tile.mma<kind = wgmma, m = 64, n = 64, k = 16>
// CHECK-DAG: #[[ACCO:.*]] = #tessera_tile.mma_acc<mma = #[[MMAO]], warps = [8, 1]>
// CHECK-DAG: #[[OPNDO:.*]] = #tessera_tile.dot_operand<index = 0, parent = #[[ACCO]]>
// CHECK-LABEL: tessera_target.kernel @attention_d64_k0_attention_wgmma
// CHECK: scf.for
// CHECK: tessera_tile.mbarrier_wait
// CHECK: tessera_tile.dot %{{.*}}, %{{.*}}, %{{.*}} {mma = #[[MMAS]]}
// CHECK: %[[P:.*]] = tessera_tile.convert_layout %{{.*}} : tensor<128x128xf16, {{.*}}> -> tensor<128x128xf16, #[[OPNDO]]>
// CHECK: tessera_tile.convert_layout %{{.*}} : tensor<128xf32, {{.*}}> -> tensor<128xf32,
// CHECK: tessera_tile.dot %[[P]], %{{.*}}, %{{.*}} {mma = #[[MMAO]]}
// CHECK-NOT: tessera_tile.dot_wait
// CHECK: } {tessera_tile.stages = 2 : i64}
func.func @attention_d64(%q: tensor<?x?x64xf16>) -> tensor<?x?x64xf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128], warps = 8, stages = 2, mma = wgmma>(%q) : (tensor<?x?x64xf16>) -> tensor<?x?x64xf16> {
  ^bb0(%x: tensor<?x?x64xf16>):
    %o = tessera_graph.attention %x, %x, %x : tensor<?x?x64xf16>, tensor<?x?x64xf16>, tensor<?x?x64xf16> -> tensor<?x?x64xf16>
    tessera_schedule.yield %o : tensor<?x?x64xf16>
  }
  return %r : tensor<?x?x64xf16>
}

// -----

// Head dim 128 without a producer (`producer_warps` left out): the block's
// loop, pipelined by tessera-tile-pipeline. The first key block's scores
// before the loop; each iteration copies the next key block and its own
// value block onto one barrier of the iteration (the pass makes it a
// ring), issues the next scores `async`, the softmax, O = P V, awaits the
// next scores. Not causal: the query blocks in order.
// CHECK-LABEL: tessera_target.kernel @attention_d128_block_k0_attention_wgmma
// CHECK-NOT: tessera_tile.warp_specialize
// CHECK: tessera_tile.dot %{{.*}}, %{{.*}}, %{{.*}} {mma =
// CHECK: scf.for
// CHECK: %[[BAR:.*]] = tessera_tile.mbarrier_alloc arrivals 2
// CHECK: %[[KS:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<128x128xf16, #{{.*}}>
// CHECK: tessera_tile.box_copy %{{.*}}, %[[KS]] desc %{{.*}} arrive %[[BAR]]
// CHECK: %[[VS:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<128x128xf16, #{{.*}}>
// CHECK: tessera_tile.box_copy %{{.*}}, %[[VS]] desc %{{.*}} arrive %[[BAR]]
// CHECK: tessera_tile.mbarrier_wait %[[BAR]]
// CHECK: %[[NEXT:.*]] = tessera_tile.dot %{{.*}}, %{{.*}}, %{{.*}} async
// CHECK: tessera_tile.dot %{{.*}}, %[[VS]], %{{.*}} {mma =
// CHECK: tessera_tile.dot_wait %[[NEXT]]
// CHECK: } {tessera_tile.stages = 2 : i64}
func.func @attention_d128_block(%q: tensor<?x?x128xf16>) -> tensor<?x?x128xf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128], warps = 8, stages = 2, mma = wgmma>(%q) : (tensor<?x?x128xf16>) -> tensor<?x?x128xf16> {
  ^bb0(%x: tensor<?x?x128xf16>):
    %o = tessera_graph.attention %x, %x, %x : tensor<?x?x128xf16>, tensor<?x?x128xf16>, tensor<?x?x128xf16> -> tensor<?x?x128xf16>
    tessera_schedule.yield %o : tensor<?x?x128xf16>
  }
  return %r : tensor<?x?x128xf16>
}

// -----

// Head dim 64 warp-specialized (no overlap): each iteration waits for its
// K slot, S = Q K^T (synchronous: the K slot is free when it returns),
// the softmax, waits for its V slot, O = P V, frees the V slot. The
// producer copies as many K blocks as V blocks (no `scf.if` around V).
// CHECK-LABEL: tessera_target.kernel @attention_d64_ws_k0_attention_wgmma
// CHECK: %[[EK:.*]] = tessera_tile.mbarrier_alloc arrivals 8 : !tessera_tile.mbarrier<3>
// CHECK: %[[EV:.*]] = tessera_tile.mbarrier_alloc arrivals 8 : !tessera_tile.mbarrier<3>
// CHECK: tessera_tile.warp_specialize
// CHECK: scf.for
// CHECK: tessera_tile.mbarrier_wait
// CHECK: tessera_tile.dot %{{.*}}, %{{.*}}, %{{.*}} {mma =
// CHECK-NEXT: tessera_tile.mbarrier_arrive %[[EK]][%{{.*}}] per_warp
// CHECK: tessera_tile.mbarrier_wait
// CHECK: tessera_tile.dot %{{.*}}, %{{.*}}, %{{.*}} {mma =
// CHECK-NEXT: tessera_tile.mbarrier_arrive %[[EV]][%{{.*}}] per_warp
// CHECK-NOT: tessera_tile.dot_wait
// CHECK: tessera_tile.warp_yield
// CHECK: partition0
// CHECK: scf.for
// CHECK-NOT: scf.if {{.*}}arith.cmpi ult
// CHECK: tessera_tile.box_copy
// CHECK: tessera_tile.box_copy
// CHECK: tessera_tile.warp_return
func.func @attention_d64_ws(%q: tensor<?x?x64xf16>) -> tensor<?x?x64xf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 64], warps = 8, stages = 3, mma = wgmma, producer_warps = 4>(%q) : (tensor<?x?x64xf16>) -> tensor<?x?x64xf16> {
  ^bb0(%x: tensor<?x?x64xf16>):
    %o = tessera_graph.attention %x, %x, %x : tensor<?x?x64xf16>, tensor<?x?x64xf16>, tensor<?x?x64xf16> -> tensor<?x?x64xf16>
    tessera_schedule.yield %o : tensor<?x?x64xf16>
  }
  return %r : tensor<?x?x64xf16>
}

// -----

// Head dim 128, not causal: persistent. The host launches
// min(tiles, multiprocessors) blocks and passes that grid; the producer
// copies each tile's Q into a pair of slots (`full`/`empty` barriers of
// their own) before its key blocks, and the consumers walk the same tiles:
// per tile, wait for its Q slot, the loop (ring uses counted on across
// tiles), free the Q slot, store the tile's output.
// CHECK-LABEL: func.func @attention_persistent
// CHECK: %[[SMS:.*]] = tessera_target.multiprocessors
// CHECK: %[[GRID:.*]] = arith.minui %{{.*}}, %[[SMS]]
// CHECK: tessera_target.launch @attention_persistent_k0_attention_wgmma grid(%[[GRID]]) block = [256] args({{.*}}, %[[GRID]] :
// CHECK-LABEL: tessera_target.kernel @attention_persistent_k0_attention_wgmma
// CHECK: %[[QR:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<2x128x128xf16, #{{.*}}>
// CHECK: %[[FQ:.*]] = tessera_tile.mbarrier_alloc arrivals 1 : !tessera_tile.mbarrier<2>
// CHECK: %[[EQ:.*]] = tessera_tile.mbarrier_alloc arrivals 8 : !tessera_tile.mbarrier<2>
// CHECK: tessera_tile.warp_specialize
// CHECK: tessera_tile.turns_init
// CHECK: %[[PID:.*]] = tessera_tile.program_id 0
// CHECK: scf.for %{{.*}} = %[[PID]] to %{{.*}} step %{{.*}} iter_args(%[[USES:.*]] = %c0{{.*}}, %[[COUNT:.*]] = %c0{{.*}})
// CHECK: %[[QSLOT:.*]] = arith.remui %[[COUNT]], %c2
// CHECK: tessera_tile.mbarrier_wait %[[FQ]][%[[QSLOT]]]
// CHECK: %[[QS:.*]] = tessera_tile.slot %[[QR]][%[[QSLOT]]]
// CHECK: tessera_tile.dot %[[QS]], %{{.*}}, %{{.*}} {mma =
// CHECK: scf.for
// CHECK: tessera_tile.turn_wait
// CHECK: tessera_tile.mbarrier_arrive %[[EQ]][%[[QSLOT]]] per_warp
// CHECK: tessera_tile.store_tile
// CHECK: scf.yield
// CHECK: tessera_tile.warp_yield
// CHECK: partition0
// CHECK: scf.for
// CHECK: tessera_tile.box_copy {{.*}} arrive %{{.*}}[%{{.*}}]
// CHECK: scf.for
// CHECK: tessera_tile.box_copy
// CHECK: tessera_tile.box_copy
// CHECK: tessera_tile.warp_return
func.func @attention_persistent(%q: tensor<?x?x128xf16>) -> tensor<?x?x128xf16> {
  %o = tessera_graph.attention %q, %q, %q : tensor<?x?x128xf16>, tensor<?x?x128xf16>, tensor<?x?x128xf16> -> tensor<?x?x128xf16>
  return %o : tensor<?x?x128xf16>
}
