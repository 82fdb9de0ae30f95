// RUN: tessera-opt %s --convert-tessera-schedule-to-tile | FileCheck %s
// RUN: tessera-opt %s --pass-pipeline='builtin.module(tessera-schedule-check{chip=gfx942},convert-tessera-schedule-to-tile,convert-tessera-tile-to-target,convert-tessera-target-to-gpu,tessera-target-export-plan,tessera-gpu-to-rocdl-binary{chip=gfx942 format=isa})' | FileCheck %s --check-prefix=ISA

// A matmul under an `mma = mfma` schedule (AMD CDNA matrix cores): four
// wavefronts of 32x32 (2x2 mfma 16x16x16 tiles each); per 32-deep k-slice
// every thread copies its share of the 64x32 lhs and 32x64 rhs tiles into
// LDS under masks (ragged edges read zeros), then each lane gathers four
// elements per fragment and the wavefront issues amdgpu.mfma; the epilogue
// stores each accumulator element under its mask.
// CHECK-LABEL: func.func @mm
// CHECK: tessera_target.launch @mm_k0_matmul_mfma grid(%{{.*}}) block = [256] args(
// CHECK-LABEL: tessera_target.kernel @mm_k0_matmul_mfma
// CHECK: tessera_tile.alloc_shared : memref<2304xf16, #gpu.address_space<workgroup>>
// CHECK: tessera_tile.alloc_shared : memref<2176xf16, #gpu.address_space<workgroup>>
// CHECK: scf.for {{.*}} -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK-COUNT-8: tessera_tile.load %{{.*}}[%{{.*}}] mask
// CHECK: tessera_tile.barrier
// CHECK: vector.from_elements {{.*}} : vector<4xf16>
// CHECK-COUNT-8: amdgpu.mfma 16x16x16 %{{.*}} * %{{.*}} + %{{.*}} blgp = none : vector<4xf16>, vector<4xf16>, vector<4xf32>
// CHECK: tessera_tile.barrier
// CHECK: scf.yield
// CHECK: vector.extract
// CHECK: tessera_tile.store %{{.*}} mask
// ISA: gpu.binary @tessera_kernels [#gpu.object<#rocdl.target<O = 3, chip = "gfx942">, assembly = "
// ISA-SAME: v_mfma_f32_16x16x16_f16
func.func @mm(%a: tensor<?x?xf16>, %b: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [64, 64, 32], warps = 8, stages = 1, mma = mfma>(%a, %b) : (tensor<?x?xf16>, tensor<?x?xf16>) -> tensor<?x?xf16> {
  ^bb0(%x: tensor<?x?xf16>, %y: tensor<?x?xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
    tessera_schedule.yield %m : tensor<?x?xf16>
  }
  return %r : tensor<?x?xf16>
}
