// RUN: tessera-opt %s --tessera-gpu-to-nvvm-binary | FileCheck %s
// RUN: tessera-opt %s --tessera-gpu-to-binary="chip=sm_90" | FileCheck %s
// RUN: not tessera-opt %s --tessera-gpu-to-binary="chip=sm_9000" 2>&1 | FileCheck %s --check-prefix=TABLE
// RUN: tessera-opt %s --tessera-gpu-to-nvvm-binary="chip=sm_80 format=llvm" | FileCheck %s --check-prefix=LLVM
// RUN: tessera-opt %s --tessera-gpu-to-nvvm-binary="bare-ptr-call-conv=true" | FileCheck %s --check-prefix=BARE
// RUN: not tessera-opt %s --tessera-gpu-to-nvvm-binary="chip=sm_9000" 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not tessera-opt %s --tessera-gpu-to-nvvm-binary="chip=sm_90 bogus=1" 2>&1 | FileCheck %s --check-prefix=OPTION

// TABLE: unknown chip 'sm_9000' (known chips:
// The pipeline takes every gpu.module to a gpu.binary holding PTX for sm_90
// (as sm_90a, the architecture-specific target that has wgmma);
// host code outside the gpu.module is left alone.

// CHECK-NOT: gpu.module
// CHECK: gpu.binary @kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_90a", features = "+ptx83">, properties = {{.*}}, assembly = "
// CHECK-SAME: .target sm_90
// CHECK-SAME: .visible .entry vadd(
// CHECK-LABEL: func.func @host

// LLVM: gpu.binary @kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_80">, offload = "

// The pipeline refuses a chip LLVM does not know (LLVM itself would only warn).
// CHIP: error: unknown target chip: 'sm_9000' is not a processor of LLVM's nvptx64 target
// OPTION: no such option bogus

// With bare pointers each statically shaped memref is one .u64 parameter.
// BARE: .visible .entry vadd(\0A\09.param .u64 .ptr .align 1 vadd_param_0,\0A\09.param .u64 .ptr .align 1 vadd_param_1,\0A\09.param .u64 .ptr .align 1 vadd_param_2\0A)

module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @vadd(%a: memref<1024xf32>, %b: memref<1024xf32>, %c: memref<1024xf32>) kernel {
      %bid = gpu.block_id x
      %bdim = gpu.block_dim x
      %tid = gpu.thread_id x
      %base = arith.muli %bid, %bdim : index
      %i = arith.addi %base, %tid : index
      %n = arith.constant 1024 : index
      %in = arith.cmpi ult, %i, %n : index
      scf.if %in {
        %x = memref.load %a[%i] : memref<1024xf32>
        %y = memref.load %b[%i] : memref<1024xf32>
        %s = arith.addf %x, %y : f32
        memref.store %s, %c[%i] : memref<1024xf32>
      }
      gpu.return
    }
  }
  func.func @host() {
    return
  }
}
