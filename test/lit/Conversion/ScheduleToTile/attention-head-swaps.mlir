// RUN: tessera-opt %s --pass-pipeline='builtin.module(tessera-graph-fuse,func.func(tessera-schedule-assign{chip=sm_90}),convert-tessera-schedule-to-tile)' | FileCheck %s
// Attention on [B, S, H, D] tensors: tessera-graph-fuse puts the head
// swaps (transposes of the middle dims) of query, key and value and of the
// result into the attention's group, and the kernel reads and writes the
// [B, S, H, D] buffers through strides: no transpose kernels. On sm_90 the
// tensor maps view each buffer as [B, H, S, D] (strides S*H*D, D, H*D, 1:
// boxes of one head's 128 rows by 64 columns), the copies address a batch
// entry by its batch and head (the entry split by the heads, a kernel
// parameter), and the output is stored to the head's columns of its rows
// (rows H*D apart).
// CHECK-LABEL: func.func @bshd
// CHECK-NOT: tessera_graph.transpose
// CHECK: %[[QM:.*]], %{{.*}} = tessera_target.tensor_map %[[Q:.*]][%[[B:.*]], %[[H:.*]], %[[S:.*]], %[[D:.*]]] strides [%{{.*}}, %[[D]], %{{.*}}, %{{.*}}] : memref<?x?x?x128xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<1x1x128x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b
// CHECK-COUNT-2: tessera_target.tensor_map %{{.*}} strides
// CHECK: tessera_target.launch @bshd_k0_attention_wgmma grid(%{{.*}}) block = [256] args(%[[Q]], %{{.*}}, %{{.*}}, %[[OUT:.*]], %{{.*}}, %{{.*}}, %[[H]], %{{.*}}, %[[QM]]
// Not causal: persistent (a block per multiprocessor at most, the last
// kernel parameter), each block's consumers and producer walking tiles;
// per tile, the entry (tile / query blocks) split by the heads.
// CHECK-LABEL: tessera_target.kernel @bshd_k0_attention_wgmma(
// CHECK-SAME: %[[KH:arg6]]: index
// CHECK: %[[QV:.*]] = memref.reinterpret_cast %arg0 to offset: [0], sizes: [%{{.*}}, %[[KH]], %{{.*}}, %{{.*}}], strides: [%{{.*}}, 128, %{{.*}}, 1] : memref<?xf16> to memref<?x?x?x?xf16, strided<[?, 128, ?, 1]>>
// CHECK: tessera_tile.warp_specialize
// CHECK: scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %arg11
// CHECK: %[[ENTRY:.*]] = arith.divui %[[T]], %{{.*}} : index
// CHECK: arith.divui %[[ENTRY]], %[[KH]] : index
// CHECK: arith.remui %[[ENTRY]], %[[KH]] : index
// CHECK: %[[OV:.*]] = memref.reinterpret_cast %arg3 to offset: [%{{.*}}], sizes: [%{{.*}}, %{{.*}}], strides: [%{{.*}}, 1]
// CHECK: tessera_tile.store_tile %{{.*}}, %[[OV]][%{{.*}}, %{{.*}}] : tensor<128x128xf16, #acc>
// CHECK: partition0(%[[PQ:[a-z0-9]*]]: memref<?x?x?x?xf16, strided<[?, 128, ?, 1]>>
// CHECK: scf.for %[[PT:.*]] = %{{.*}} to %{{.*}} step
// CHECK: %[[PENTRY:.*]] = arith.divui %[[PT]], %{{.*}} : index
// CHECK: %[[PB:.*]] = arith.divui %[[PENTRY]], %[[PH:.*]] : index
// CHECK: %[[PHEAD:.*]] = arith.remui %[[PENTRY]], %[[PH]] : index
// CHECK: tessera_tile.box_copy %{{.*}}[%[[PB]], %[[PHEAD]], %{{.*}}, %{{.*}}], %{{.*}} desc
func.func @bshd(%q: tensor<?x?x?x128xf16>, %k: tensor<?x?x?x128xf16>, %v: tensor<?x?x?x128xf16>) -> tensor<?x?x?x128xf16> {
  %qt = tessera_graph.transpose %q permutation = [0, 2, 1, 3] : tensor<?x?x?x128xf16> -> tensor<?x?x?x128xf16>
  %kt = tessera_graph.transpose %k permutation = [0, 2, 1, 3] : tensor<?x?x?x128xf16> -> tensor<?x?x?x128xf16>
  %vt = tessera_graph.transpose %v permutation = [0, 2, 1, 3] : tensor<?x?x?x128xf16> -> tensor<?x?x?x128xf16>
  %o = tessera_graph.attention %qt, %kt, %vt : tensor<?x?x?x128xf16>, tensor<?x?x?x128xf16>, tensor<?x?x?x128xf16> -> tensor<?x?x?x128xf16>
  %ot = tessera_graph.transpose %o permutation = [0, 2, 1, 3] : tensor<?x?x?x128xf16> -> tensor<?x?x?x128xf16>
  return %ot : tensor<?x?x?x128xf16>
}
