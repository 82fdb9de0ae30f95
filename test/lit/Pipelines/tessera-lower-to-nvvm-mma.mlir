// RUN: tessera-opt %s --tessera-lower-to-nvvm="chip=sm_90 format=assembly" | FileCheck %s
// RUN: tessera-opt %s --tessera-lower-to-rocdl="chip=gfx942" | FileCheck %s --check-prefix=AMD

// An f16 matmul with a bias + gelu epilogue on tensor cores: the PTX has
// cp.async copies, ldmatrix loads and mma.sync, in dynamic shared memory
// that the launch carries. On gfx942 the same program is a SIMT kernel.
// CHECK: tessera_target.launch @mm_k0_matmul_mma {{.*}} shared = 107520
// CHECK: gpu.binary @tessera_kernels
// CHECK-DAG: .shared .align 16 .b8 __dynamic_shmem__0
// CHECK-DAG: cp.async.cg.shared.global
// CHECK-DAG: cp.async.wait_group {{.*}}1;
// CHECK-DAG: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// CHECK-DAG: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// CHECK-DAG: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// AMD: tessera_target.launch @mm_k0_matmul grid
// AMD: gpu.binary @tessera_kernels [#gpu.object<#rocdl.target<O = 3, chip = "gfx942">
func.func @mm(%a: tensor<?x?xf16>, %w: tensor<?x?xf16>, %b: tensor<?xf16>) -> tensor<?x?xf16> {
  %m = tessera_graph.matmul %a, %w : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  %s = tessera_graph.add %m, %b : tensor<?x?xf16>, tensor<?xf16> -> tensor<?x?xf16>
  %g = tessera_graph.gelu %s : tensor<?x?xf16>
  return %g : tensor<?x?xf16>
}
