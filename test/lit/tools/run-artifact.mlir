// The C runtime (runtime/c) through tessera-run-artifact, without a GPU: it
// reads a plan, lists the arguments, computes output shapes and checks the
// arguments as a launch does. The plans are the benchmark build's (an add,
// the wgmma GEMM with its split-K temporary, attention on [B, S, H, D]
// tensors with strided tensor maps); the device run launches them
// (examples/c/run_kernels.c).
// RUN: tessera-run-artifact %S/Inputs/artifacts/add 4096 4096 | FileCheck %s --check-prefix=ADD
// RUN: not tessera-run-artifact %S/Inputs/artifacts/add 4096 4095 | FileCheck %s --check-prefix=BROADCAST
// RUN: not tessera-run-artifact %S/Inputs/artifacts/add 4096 | FileCheck %s --check-prefix=COUNT
// RUN: not tessera-run-artifact %S/Inputs/artifacts/add 64x64 4096 | FileCheck %s --check-prefix=RANK
// RUN: tessera-run-artifact %S/Inputs/artifacts/gemm 1000x1024 1024x999 | FileCheck %s --check-prefix=GEMM
// RUN: not tessera-run-artifact %S/Inputs/artifacts/gemm 1000x1024 1023x999 | FileCheck %s --check-prefix=CONTRACT
// RUN: tessera-run-artifact %S/Inputs/artifacts/bshd 2x300x3x128 2x300x3x128 2x300x3x128 | FileCheck %s --check-prefix=BSHD
// RUN: not tessera-run-artifact %S/Inputs/artifacts/bshd 2x300x3x64 2x300x3x128 2x300x3x128 | FileCheck %s --check-prefix=LITERAL
// RUN: not tessera-run-artifact %S/Inputs/artifacts/amd 8 8 | FileCheck %s --check-prefix=AMD
// RUN: not tessera-run-artifact %S/Inputs/artifacts/malformed 8 8 | FileCheck %s --check-prefix=MALFORMED
// RUN: not tessera-run-artifact %S/Inputs/does-not-exist 8 | FileCheck %s --check-prefix=MISSING
// RUN: not tessera-run-artifact %S/Inputs/artifacts/badparam 8 8 | FileCheck %s --check-prefix=BADPARAM
// RUN: not tessera-run-artifact %S/Inputs/artifacts/escape 8 | FileCheck %s --check-prefix=ESCAPE
// RUN: not tessera-run-artifact --launch %S/Inputs/artifacts/add 8 8 | FileCheck %s --check-prefix=LAUNCH

// ADD: input 0: arg0 f32
// ADD-NEXT: input 1: arg1 f32
// ADD-NEXT: output 0: out0 f32 [4096]
// BROADCAST: error: launch condition: 4096 and 4095 must be equal (operands broadcast together (dimension 0))
// COUNT: error: {{.*}}add takes 2 arguments, got 1
// RANK: error: argument 'arg0': expected rank 1, got 2
// GEMM: output 0: out0 f16 [1000, 999]
// CONTRACT: error: launch condition: 1024 and 1023 must be equal
// BSHD: output 0: out0 f16 [2, 300, 3, 128]
// LITERAL: error: argument 'arg0': dimension 3 must be 128, got 64
// AMD: error: {{.*}}an artifact for amd GPUs; the C runtime drives NVIDIA GPUs only
// MALFORMED: error: plan.json: {{.*}}
// MISSING: error: {{.*}}does-not-exist is not a Tessera artifact (no plan.json)
// BADPARAM: error: {{.*}}kernel {{.*}}: parameter 0 names no buffer, scalar or map
// ESCAPE: error: plan.json: an unterminated string
// (no kernels.ptx here: the launch fails, with a driver or without one)
// LAUNCH: error: {{cannot open the CUDA driver|cuInit failed|cuDeviceGet failed|.*cannot read the binary}}
