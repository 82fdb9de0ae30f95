// RUN: tessera-opt %s --tessera-gpu-to-rocdl-binary="format=isa" | FileCheck %s
// RUN: tessera-opt %s --tessera-gpu-to-rocdl-binary="chip=gfx90a format=isa" | FileCheck %s --check-prefix=GFX90A
// RUN: tessera-opt %s --tessera-gpu-to-binary="chip=gfx942 format=isa" | FileCheck %s
// RUN: not tessera-opt %s --tessera-gpu-to-rocdl-binary="toolkit=%t.missing" 2>&1 | FileCheck %s --check-prefix=TOOLKIT

// The same kernel for AMD: GCN assembly for gfx942 (the default chip). The
// HSACO ELF (format=bin, the default) is checked from Python.

// CHECK: gpu.binary @kernels [#gpu.object<#rocdl.target<O = 3, chip = "gfx942">, assembly = "
// CHECK-SAME: .amdgcn_target \22amdgcn-amd-amdhsa--gfx942
// CHECK-SAME: vadd:
// CHECK-SAME: global_load_dword

// GFX90A: .amdgcn_target \22amdgcn-amd-amdhsa--gfx90a

// A toolkit without the device libraries is an error naming the path.
// TOOLKIT: error: ROCm amdgcn bitcode path: {{.*}}.missing/amdgcn/bitcode does not exist or is not a directory

module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @vadd(%a: memref<?xf32>, %b: memref<?xf32>, %c: memref<?xf32>, %n: index) kernel {
      %bid = gpu.block_id x
      %bdim = gpu.block_dim x
      %tid = gpu.thread_id x
      %base = arith.muli %bid, %bdim : index
      %i = arith.addi %base, %tid : index
      %in = arith.cmpi ult, %i, %n : index
      scf.if %in {
        %x = memref.load %a[%i] : memref<?xf32>
        %y = memref.load %b[%i] : memref<?xf32>
        %s = arith.addf %x, %y : f32
        memref.store %s, %c[%i] : memref<?xf32>
      }
      gpu.return
    }
  }
}
