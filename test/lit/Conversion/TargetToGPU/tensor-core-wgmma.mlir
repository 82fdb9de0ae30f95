// RUN: tessera-opt %s --convert-tessera-target-to-gpu | FileCheck %s
// RUN: tessera-opt %s --convert-tessera-target-to-gpu --tessera-gpu-to-nvvm-binary="chip=sm_90 format=isa" | FileCheck %s --check-prefix=PTX

// The Target IR guide's Hopper instruction, well formed (f16 with K = 16):
// one wgmma on two shared-memory matrix descriptors and the warpgroup's
// accumulator fragment (N / 2 = 128 floats per thread) becomes NVVM's
// wgmma.mma_async between a fence and a wait for its group. "nt" is the
// native form (both operands K-major); "nn" transposes B.
// A copy to shared memory in a kernel whose wgmma reads shared memory
// through the async proxy: every thread fences its stores for it before
// the barrier.
// CHECK-LABEL: gpu.func @hopper
// CHECK: llvm.store %{{.*}}, %{{.*}} : i8, !llvm.ptr<3>
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK-NEXT: gpu.barrier
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: nvvm.wgmma.fence.aligned
// CHECK: nvvm.wgmma.mma_async %{{.*}}, %{{.*}}, %{{.*}}, <m = 64, n = 256, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <row>], B[<f16>, <one>, <col>]
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 64, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <row>]
// CHECK-NOT: tessera_target.tensor_core
// PTX: .target sm_90a
// PTX-SAME: wgmma.mma_async.sync.aligned.m64n256k16.f32.f16.f16
// PTX-SAME: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16
tessera_target.kernel @hopper(%da: i64, %db: i64, %c: vector<128xf32>, %c64: vector<32xf32>, %out: memref<?xf32>, %g: !llvm.ptr<1>, %smem: !llvm.ptr<3>, %n: i64) config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  tessera_target.memcpy %smem, %g, %n kind = "global_to_shared" : !llvm.ptr<3>, !llvm.ptr<1>, i64
  %d = tessera_target.tensor_core "wgmma" (%da, %db, %c) shape = [64, 256, 16] precision = "f16" layout = "nt" : (i64, i64, vector<128xf32>) -> vector<128xf32>
  %e = tessera_target.tensor_core "wgmma" (%da, %db, %c64) shape = [64, 64, 16] precision = "bf16" layout = "nn" : (i64, i64, vector<32xf32>) -> vector<32xf32>
  %c0 = arith.constant 0 : index
  %x = vector.extract %d[0] : f32 from vector<128xf32>
  %y = vector.extract %e[31] : f32 from vector<32xf32>
  %s = arith.addf %x, %y : f32
  memref.store %s, %out[%c0] : memref<?xf32>
  tessera_target.return
}
