// RUN: tessera-opt %s --tessera-lower-to-nvvm="chip=sm_90" | FileCheck %s
// RUN: tessera-opt %s --tessera-lower-to-rocdl="chip=gfx942" | FileCheck %s --check-prefix=AMD
// RUN: not tessera-opt %s --tessera-lower-to-nvvm="chip=sm_9" 2>&1 | FileCheck %s --check-prefix=CHIP

// The pipelines are their stages in sequence (what tessera.compile runs one
// by one); format=llvm, as PTX and HSACO objects carry compile times.
// RUN: tessera-opt %s --tessera-lower-to-nvvm="chip=sm_90 format=llvm" -o %t.nvvm
// RUN: tessera-opt %s --tessera-stage-schedule="chip=sm_90" --tessera-stage-tile --tessera-stage-target --tessera-stage-gpu --tessera-gpu-to-nvvm-binary="chip=sm_90 format=llvm" -o %t.nvvm-stages
// RUN: diff %t.nvvm %t.nvvm-stages
// RUN: tessera-opt %s --tessera-lower-to-rocdl="chip=gfx942 format=llvm" -o %t.rocdl
// RUN: tessera-opt %s --tessera-stage-schedule="chip=gfx942" --tessera-stage-tile --tessera-stage-target --tessera-stage-gpu --tessera-gpu-to-rocdl-binary="chip=gfx942 format=llvm" -o %t.rocdl-stages
// RUN: diff %t.rocdl %t.rocdl-stages

// Graph IR to PTX and a host function with its launch plan.
// The plan names the chip, its vendor and the binary (the known-chips
// table's answers).
// CHECK: func.func @f(%{{.*}}: memref<?x?xf32>) -> memref<?x?xf32> attributes {tessera.host, tessera.plan = "{\22binary\22:\22kernels.ptx\22,\22checks\22:[],\22entry\22:\22f\22
// CHECK-SAME: \22target\22:\22sm_90\22,{{.*}}\22vendor\22:\22nvidia\22}"
// CHECK: tessera_target.launch @f_k0_row
// CHECK: gpu.binary @tessera_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_90a", features = "+ptx83">
// CHECK-SAME: .visible .entry f_k0_row(
// AMD: tessera.plan = "{\22binary\22:\22kernels.hsaco\22,{{.*}}\22target\22:\22gfx942\22,{{.*}}\22vendor\22:\22amd\22}"
// AMD: gpu.binary @tessera_kernels [#gpu.object<#rocdl.target<O = 3, chip = "gfx942">
// CHIP: unknown chip 'sm_9'
func.func @f(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %s = tessera_graph.softmax %x dim = 1 : tensor<?x?xf32>
  return %s : tensor<?x?xf32>
}
