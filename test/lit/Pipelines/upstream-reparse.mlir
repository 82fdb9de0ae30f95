// RUN: tessera-opt %s --convert-tessera-tile-to-target --convert-tessera-target-to-gpu | mlir-opt | FileCheck %s
// RUN: tessera-opt %s --convert-tessera-tile-to-target --convert-tessera-target-to-gpu --tessera-gpu-to-nvvm-binary="chip=sm_90 format=assembly" | mlir-opt | FileCheck %s --check-prefix=BINARY

// Once kernels are gpu.funcs, the IR is upstream MLIR only (gpu, nvgpu,
// nvvm, memref, scf, arith, vector): stock mlir-opt-22 parses and verifies
// it, and the gpu.binary after serialization.
// CHECK: gpu.module @tessera_kernels
// CHECK: gpu.func @tc(
// CHECK: gpu.dynamic_shared_memory
// CHECK: nvgpu.device_async_copy
// CHECK: nvvm.cp.async.wait.group 0
// CHECK: nvgpu.ldmatrix
// CHECK: nvgpu.mma.sync
// BINARY: gpu.binary @tessera_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_90a", features = "+ptx83">
// BINARY-SAME: mma.sync.aligned.m16n8k16
module {
  tessera_target.kernel @tc(%g: memref<?xf16>, %out: memref<?xf32>, %n: index)
      config = #tessera_target.kernel_config<grid = [1], block = [32]> {
    %c0 = arith.constant 0 : index
    %s = tessera_tile.alloc_shared : memref<512xf16, #gpu.address_space<workgroup>>
    %tid = gpu.thread_id x
    %i = arith.muli %tid, %n : index
    tessera_tile.copy_async %g[%i], %s[%i], 8 valid %n : memref<?xf16> to memref<512xf16, #gpu.address_space<workgroup>>
    tessera_tile.async_commit
    tessera_tile.async_wait 0
    tessera_tile.barrier
    %a = tessera_tile.load_matrix %s[%i] : memref<512xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
    %b = tessera_tile.load_matrix %s[%i] transpose : memref<512xf16, #gpu.address_space<workgroup>> -> vector<2x2xf16>
    %c = arith.constant dense<0.0> : vector<2x2xf32>
    %d = tessera_tile.mma %a, %b, %c : vector<4x2xf16>, vector<2x2xf16> -> vector<2x2xf32>
    %e = vector.extract %d[0, 0] : f32 from vector<2x2xf32>
    tessera_tile.store %e, %out[%tid] : memref<?xf32>
    tessera_target.return
  }
}
