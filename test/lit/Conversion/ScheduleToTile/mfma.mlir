// RUN: tessera-opt %s --convert-tessera-schedule-to-tile | FileCheck %s
// RUN: tessera-opt %s --pass-pipeline='builtin.module(tessera-target-set-chip{chip=gfx942},tessera-schedule-check{chip=gfx942},tessera-stage-tile,convert-tessera-tile-to-target,convert-tessera-target-to-gpu,tessera-target-export-plan,tessera-gpu-to-rocdl-binary{chip=gfx942 format=isa})' | FileCheck %s --check-prefix=ISA

// A matmul under an `mma = mfma` schedule (AMD CDNA matrix cores) is the
// tensor-core block program of the mma_sync kernel with another #mma: four
// wavefronts of 64 lanes in a 2x2 grid of 32x32 bands; per 32-deep slice of
// K, box copies of the 64x32 lhs and 32x64 rhs tiles into buffers padded by
// 8 elements, a wait, a dot with #tessera_tile.mma<kind = mfma, m = 16,
// n = 16, k = 16>; with one stage the loop ends on a barrier (the next
// copies overwrite what this iteration read). Tile->Target makes the copies
// LDS staging (gfx942 has no cp.async) and the dot amdgpu.mfma.
// CHECK: #mma = #tessera_tile.mma<kind = mfma, m = 16, n = 16, k = 16>
// CHECK: #acc = #tessera_tile.mma_acc<mma = #mma, warps = [2, 2]>
// CHECK-LABEL: func.func @mm
// CHECK: tessera_target.launch @mm_k0_matmul_mfma grid(%{{.*}}) block = [256] args(
// CHECK-LABEL: tessera_target.kernel @mm_k0_matmul_mfma
// CHECK: scf.if %{{.*}} -> (tensor<64x64xf32, #acc>) {
// CHECK: scf.for {{.*}} -> (tensor<64x64xf32, #acc>)
// CHECK: %[[SA:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<64x32xf16, #smem_layout>
// CHECK: %[[TA:.*]] = tessera_tile.box_copy %{{.*}}, %[[SA]] aligned
// CHECK: %[[SB:.*]] = tessera_tile.local_alloc : !tessera_tile.smem<32x64xf16, #smem_layout>
// CHECK: %[[TB:.*]] = tessera_tile.box_copy %{{.*}}, %[[SB]] aligned
// CHECK: tessera_tile.wait %[[TA]], %[[TB]]
// CHECK: tessera_tile.dot %[[SA]], %[[SB]], %{{.*}} {mma = #mma}
// CHECK-NEXT: tessera_tile.barrier
// CHECK: tessera_tile.store_tile %{{.*}} : tensor<64x64xf16, #acc>
// ISA: gpu.binary @tessera_kernels [#gpu.object<#rocdl.target<O = 3, chip = "gfx942">, assembly = "
// ISA-SAME: ds_write_b128
// ISA-SAME: v_mfma_f32_16x16x16_f16
func.func @mm(%a: tensor<?x?xf16>, %b: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [64, 64, 32], warps = 8, stages = 1, mma = mfma>(%a, %b) : (tensor<?x?xf16>, tensor<?x?xf16>) -> tensor<?x?xf16> {
  ^bb0(%x: tensor<?x?xf16>, %y: tensor<?x?xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
    tessera_schedule.yield %m : tensor<?x?xf16>
  }
  return %r : tensor<?x?xf16>
}
