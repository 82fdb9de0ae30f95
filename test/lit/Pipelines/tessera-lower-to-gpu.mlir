// RUN: tessera-opt %s --tessera-lower-to-gpu="chip=sm_90" | FileCheck %s --check-prefix=NV
// RUN: tessera-opt %s --tessera-lower-to-gpu="chip=gfx942" | FileCheck %s --check-prefix=AMD
// RUN: not tessera-opt %s --tessera-lower-to-gpu="chip=sm_9" 2>&1 | FileCheck %s --check-prefix=CHIP

// One pipeline for every known chip: the known-chips table says whose chip
// it is, and so whether the kernels become PTX (tessera-lower-to-nvvm) or
// HSACO (tessera-lower-to-rocdl). The chip is stated once, on the module.
// NV: module attributes {{{.*}}tessera_target.chip = #tessera_target.chip<"sm_90">
// NV: gpu.binary @tessera_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_90a", features = "+ptx83">
// AMD: module attributes {{{.*}}tessera_target.chip = #tessera_target.chip<"gfx942">
// AMD: gpu.binary @tessera_kernels [#gpu.object<#rocdl.target<O = 3, chip = "gfx942">
// CHIP: unknown chip 'sm_9' (known chips: sm_60,
func.func @f(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %s = tessera_graph.softmax %x dim = 1 : tensor<?x?xf32>
  return %s : tensor<?x?xf32>
}
