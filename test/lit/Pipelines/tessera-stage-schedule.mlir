// RUN: tessera-opt %s --tessera-stage-schedule="chip=sm_90" | FileCheck %s --check-prefix=SM90
// RUN: tessera-opt %s --tessera-stage-schedule="chip=sm_80" | FileCheck %s --check-prefix=SM80
// RUN: tessera-opt %s --tessera-stage-schedule="chip=gfx942" | FileCheck %s --check-prefix=GFX

// Graph IR to Schedule IR, the first stage of tessera-lower-to-nvvm/-rocdl:
// the matmul and its bias epilogue become one kernel, whose schedule is
// the chip's (wgmma on sm_90, mma.sync on sm_80, SIMT on gfx942). With
// an epilogue, K is not split at launch (no split_k = auto).
// SM90-LABEL: func.func @mm(
// SM90: tessera_schedule.kernel #tessera_schedule.config<{{.*}}mma = wgmma>(
// SM90: tessera_graph.matmul
// SM90-NEXT: tessera_graph.add
// SM90-NEXT: tessera_schedule.yield
// SM90-NOT: tessera_schedule.kernel
// SM80-LABEL: func.func @mm(
// SM80: tessera_schedule.kernel #tessera_schedule.config<{{.*}}mma = mma_sync>
// GFX-LABEL: func.func @mm(
// GFX: tessera_schedule.kernel #tessera_schedule.config<tile = [{{[0-9, ]*}}], warps = {{[0-9]+}}, stages = {{[0-9]+}}>(
func.func @mm(%a: tensor<?x?xf16>, %b: tensor<?x?xf16>, %c: tensor<?xf16>) -> tensor<?x?xf16> {
  %m = tessera_graph.matmul %a, %b {acc = f32} : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  %s = tessera_graph.add %m, %c : tensor<?x?xf16>, tensor<?xf16> -> tensor<?x?xf16>
  return %s : tensor<?x?xf16>
}

// The stage canonicalizes Graph IR first: a transpose of a matmul operand
// (`x @ w.T` in Python) folds into the matmul's transpose_rhs, which the
// tensor-core kernels read directly (wgmma through K-major boxes of the
// rhs), so no transpose op reaches the GPU lowering.
// SM90-LABEL: func.func @mm_nt(
// SM90-NOT: tessera_graph.transpose
// SM90: tessera_schedule.kernel #tessera_schedule.config<{{.*}}mma = wgmma, split_k = auto>
// SM90: tessera_graph.matmul %{{.*}}, %{{.*}} transpose_rhs
// SM90-NOT: tessera_graph.transpose
// GFX-LABEL: func.func @mm_nt(
// GFX: tessera_graph.matmul %{{.*}}, %{{.*}} transpose_rhs
func.func @mm_nt(%a: tensor<?x?xf16>, %w: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %t = tessera_graph.transpose %w permutation = [1, 0] : tensor<?x?xf16> -> tensor<?x?xf16>
  %m = tessera_graph.matmul %a, %t {acc = f32} : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  return %m : tensor<?x?xf16>
}
