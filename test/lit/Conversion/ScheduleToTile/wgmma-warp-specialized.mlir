// RUN: tessera-opt %s --tessera-target-set-chip=chip=sm_90 --convert-tessera-schedule-to-tile | FileCheck %s

// producer_warps = 4: the wgmma matmul as warp groups. Two kernels, each
// launched on the whole grid: the warp-specialized one, and its SIMT
// companion for operands TMA cannot read (each does nothing where the other
// runs, by the tensor maps' `valid` flags).
// CHECK-LABEL: func.func @gemm
// CHECK: tessera_target.launch @gemm_k0_matmul_wgmma_ws grid(%[[G:.*]]) block = [256]
// CHECK: tessera_target.launch @gemm_k1_matmul grid(%[[G]]) block = [256]
//
// The ring (3 slots of the A box and the B box) and its barriers: `full`
// completes when a slot's two copies land, `empty` when the 256 consumer
// threads are done with it.
// CHECK-LABEL: tessera_target.kernel @gemm_k0_matmul_wgmma_ws
// CHECK: %[[A:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<3x128x64xf16, #smem_layout>
// CHECK: %[[B:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<3x64x256xf16, #smem_layout>
// CHECK: %[[FULL:.*]] = tessera_tile.mbarrier_alloc arrivals 2 : !tessera_tile.mbarrier<3>
// CHECK: %[[EMPTY:.*]] = tessera_tile.mbarrier_alloc arrivals 256 : !tessera_tile.mbarrier<3>
// CHECK: %[[ACC:.*]] = tessera_tile.warp_specialize({{.*}}, %[[FULL]], %[[EMPTY]], {{.*}}, %[[B]], %[[A]])
//
// The consumers (232 registers): per slot, wait for its copies, an async
// wgmma dot (which waits for the previous one), then free the previous slot.
// CHECK-NEXT: default registers(232) {
// CHECK: scf.for
// CHECK: tessera_tile.mbarrier_wait %[[FULL]][%{{.*}}], %{{.*}}
// CHECK: tessera_tile.dot {{.*}} async
// CHECK: tessera_tile.mbarrier_arrive %[[EMPTY]][%{{.*}}] :
// CHECK: tessera_tile.warp_yield
//
// The producer warpgroup (40 registers): from the second round on, wait
// until the consumers freed the slot; the boxes through the tensor maps,
// arriving on the slot's `full` barrier.
// CHECK: partition0({{.*}}, %[[PFULL:.*]]: !tessera_tile.mbarrier<3>, %[[PEMPTY:.*]]: !tessera_tile.mbarrier<3>, {{.*}}) num_warps(4) registers(40) {
// CHECK: scf.for
// CHECK: tessera_tile.mbarrier_wait %[[PEMPTY]]
// CHECK: tessera_tile.box_copy {{.*}} desc {{.*}} arrive %[[PFULL]]
// CHECK: tessera_tile.box_copy {{.*}} desc {{.*}} arrive %[[PFULL]]
// CHECK: tessera_tile.warp_return
//
// The epilogue after the split (the consumers' warps), through shared memory.
// CHECK: scf.if
// CHECK: tessera_tile.local_store %[[ACC]]
// CHECK: tessera_tile.store_tile
//
// The companion: the SIMT block program where the maps are invalid, in
// passes of [4 x 8 warps, 128] over the block's tile.
// CHECK-LABEL: tessera_target.kernel @gemm_k1_matmul
// CHECK: scf.if
// CHECK: scf.for %{{.*}} = %{{.*}} to %c128{{.*}} step %c32
// CHECK: scf.for %{{.*}} = %{{.*}} to %c256{{.*}} step %c128
func.func @gemm(%a: tensor<?x?xf16>, %b: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 256, 64], warps = 8, stages = 3, mma = wgmma, producer_warps = 4>(%a, %b) : (tensor<?x?xf16>, tensor<?x?xf16>) -> tensor<?x?xf16> {
  ^bb0(%x: tensor<?x?xf16>, %y: tensor<?x?xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
    tessera_schedule.yield %m : tensor<?x?xf16>
  }
  return %r : tensor<?x?xf16>
}
