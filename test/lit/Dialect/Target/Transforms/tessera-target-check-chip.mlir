// RUN: tessera-opt %s -split-input-file -tessera-target-check-chip -verify-diagnostics | FileCheck %s

// Known chips pass and the IR is unchanged.
// CHECK-LABEL: gpu.module @nv [#nvvm.target<chip = "sm_90a">]
// CHECK-LABEL: gpu.module @amd [#rocdl.target<chip = "gfx942">]
// CHECK-LABEL: gpu.module @both [#nvvm.target<chip = "sm_80">, #rocdl.target<chip = "gfx90a">]
// CHECK-LABEL: gpu.module @untargeted
module attributes {gpu.container_module} {
  gpu.module @nv [#nvvm.target<chip = "sm_90a">] {}
  gpu.module @amd [#rocdl.target<chip = "gfx942">] {}
  gpu.module @both [#nvvm.target<chip = "sm_80">, #rocdl.target<chip = "gfx90a">] {}
  gpu.module @untargeted {}
}

// -----

module attributes {gpu.container_module} {
  // expected-error @+1 {{unknown target chip: 'sm_9000' is not a processor of LLVM's nvptx64 target}}
  gpu.module @nv [#nvvm.target<chip = "sm_9000">] {}
}

// -----

module attributes {gpu.container_module} {
  // expected-error @+1 {{unknown target chip: 'gfx1' is not a processor of LLVM's amdgcn target}}
  gpu.module @amd [#rocdl.target<chip = "gfx1">] {}
}

// -----

module attributes {gpu.container_module} {
  // expected-error @+1 {{unknown target chip: 'sm_90' is not a processor of LLVM's amdgcn target}}
  gpu.module @mixed [#rocdl.target<chip = "sm_90">] {}
}

// -----

// Raw PTX (tessera_target.ptx_instr, as inline assembly) is refused for AMD.
module attributes {gpu.container_module} {
  gpu.module @amd [#rocdl.target<chip = "gfx942">] {
    llvm.func @k(%a: i32) {
      // expected-error @+1 {{is the PTX instruction 'add.s32' (tessera_target.ptx_instr), but the module is compiled for gfx942}}
      %r = llvm.inline_asm has_side_effects asm_dialect = att {tessera.ptx = "add.s32"} "add.s32 $0, $1, $1;", "=r,r" %a : (i32) -> i32
      llvm.return
    }
  }
}

// -----

// NVIDIA instructions (a wgmma kernel's nvgpu ops) are refused for AMD, and
// AMD's (mfma) for NVIDIA.
module attributes {gpu.container_module} {
  gpu.module @amd [#rocdl.target<chip = "gfx942">] {
    gpu.func @k() kernel {
      // expected-error @+1 {{is an NVIDIA instruction ('nvgpu.warpgroup.mma.init.accumulator'), but the module is compiled for gfx942}}
      %acc = nvgpu.warpgroup.mma.init.accumulator -> <fragmented = vector<64x64xf32>>
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @nv [#nvvm.target<chip = "sm_90a">] {
    gpu.func @k(%a: vector<4xf16>, %c: vector<4xf32>) kernel {
      // expected-error @+1 {{is an AMD instruction ('amdgpu.mfma'), but the module is compiled for sm_90a}}
      %d = amdgpu.mfma 16x16x16 %a * %a + %c blgp = none : vector<4xf16>, vector<4xf16>, vector<4xf32>
      gpu.return
    }
  }
}
