// RUN: tessera-opt %s --tessera-lower-to-nvvm="chip=sm_90 format=assembly" | FileCheck %s
// RUN: tessera-opt %s --tessera-lower-to-nvvm="chip=sm_80 format=assembly" | FileCheck %s --check-prefix=SM80
// RUN: tessera-opt %s --tessera-lower-to-rocdl="chip=gfx942" | FileCheck %s --check-prefix=AMD

// An f16 matmul with a bias + gelu epilogue on tensor cores.
//
// On sm_90 (Hopper) it is a wgmma kernel: the host describes both operands
// to TMA (tensor maps the launch passes by value, 128-byte
// `__grid_constant__` parameters, each with its `valid` flag), the
// PTX copies 128-byte swizzled boxes with cp.async.bulk.tensor completing
// on mbarriers and multiplies with asynchronous wgmma (m64n256k16: two
// warpgroups of 64x256). The same kernel keeps a SIMT block program for
// buffers TMA cannot address (registers only); the launch asks for the TMA
// path's 3-stage rings (147456 bytes), its barriers and the slack to align
// the swizzled buffers at run time: 149488.
// CHECK: tessera_target.tensor_map %{{.*}} : memref<?x?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<1x128x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b
// CHECK: tessera_target.tensor_map %{{.*}} : memref<?x?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b
// CHECK: tessera_target.launch @mm_k0_matmul_wgmma {{.*}} block = [256] shared = 149488
// CHECK: gpu.binary @tessera_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_90a", features = "+ptx83">
// CHECK-DAG: .target sm_90a
// CHECK-DAG: .param .align 64 .b8 mm_k0_matmul_wgmma_param_{{[0-9]+}}[128]
// CHECK-DAG: cvta.param.u64
// CHECK-DAG: mbarrier.init.shared.b64
// CHECK-DAG: prefetch.tensormap
// CHECK-DAG: fence.proxy.async.shared::cta
// CHECK-DAG: mbarrier.arrive.expect_tx.shared.b64
// CHECK-DAG: cp.async.bulk.tensor.3d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// CHECK-DAG: cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// CHECK-DAG: mbarrier.try_wait.parity.shared.b64
// CHECK-DAG: wgmma.fence.sync.aligned
// CHECK-DAG: wgmma.mma_async.sync.aligned.m64n256k16.f32.f16.f16
// CHECK-DAG: wgmma.commit_group.sync.aligned
// CHECK-DAG: wgmma.wait_group.sync.aligned {{[^;]*}}1;
// CHECK-DAG: wgmma.wait_group.sync.aligned {{[^;]*}}0;

// On sm_80 (Ampere) it is the mma.sync kernel: cp.async copies, ldmatrix
// loads and mma.sync, in dynamic shared memory that the launch carries.
// SM80-NOT: tessera_target.tensor_map
// SM80: tessera_target.launch @mm_k0_matmul_mma {{.*}} shared = 107520
// SM80: gpu.binary @tessera_kernels
// SM80-DAG: .shared .align 16 .b8 __dynamic_shmem__0
// SM80-DAG: cp.async.cg.shared.global
// SM80-DAG: cp.async.wait_group {{.*}}1;
// SM80-DAG: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// SM80-DAG: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// SM80-DAG: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// SM80-NOT: wgmma

// On gfx942 the same program is a SIMT kernel.
// AMD: tessera_target.launch @mm_k0_matmul grid
// AMD: gpu.binary @tessera_kernels [#gpu.object<#rocdl.target<O = 3, chip = "gfx942">
func.func @mm(%a: tensor<?x?xf16>, %w: tensor<?x?xf16>, %b: tensor<?xf16>) -> tensor<?x?xf16> {
  %m = tessera_graph.matmul %a, %w : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  %s = tessera_graph.add %m, %b : tensor<?x?xf16>, tensor<?xf16> -> tensor<?x?xf16>
  %g = tessera_graph.gelu %s : tensor<?x?xf16>
  return %g : tensor<?x?xf16>
}
