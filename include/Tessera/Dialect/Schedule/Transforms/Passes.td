//===- Passes.td - Schedule IR passes ----------------------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_SCHEDULE_TRANSFORMS_PASSES_TD
#define TESSERA_DIALECT_SCHEDULE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TesseraScheduleAssign
    : Pass<"tessera-schedule-assign", "::mlir::func::FuncOp"> {
  let summary = "group Graph IR ops into kernels with a default schedule";
  let description = [{
    Wraps every Graph IR op of a function (or `tessera_graph.fused` group)
    in a `tessera_schedule.kernel` with a default
    `#tessera_schedule.config` for its kind and the target `chip`:

    | kind | anchor | default config |
    | --- | --- | --- |
    | elementwise | only elementwise ops | `tile = [1024], warps = 4` |
    | row | softmax, log_softmax, layer_norm, rms_norm, reduce over trailing dims | `tile = [1, 2048], warps = 8`; softmax and the norms `vector` of 16 bytes (8 f16); layer_norm and rms_norm on chips with clusters (sm_90) `split_k = auto`: rows past the 4 tiles a block keeps in registers spread over a cluster of 2, 4 or 8 blocks |
    | column | reduce over leading dims | `tile = [256], warps = 8` |
    | matmul | matmul with an elementwise epilogue | sm_90, f16/bf16 into f32, untransposed, 2-d rhs: `tile = [128, 256, 64], warps = 8, stages = 3, swizzle = 16, mma = wgmma` (plus `split_k = auto` without an epilogue: K split at launch for decode shapes); sm_90, f8 into f32 with the rhs [N, K]: `tile = [128, 256, 128], warps = 8, stages = 4, swizzle = 16, mma = wgmma, split_k = auto`; other f16/bf16 into f32 on sm_80+: `tile = [128, 128, 64], warps = 4, stages = 3, mma = mma_sync`; otherwise (SIMT) `tile = [16, 16, 16], warps = 8` |
    | attention | attention | f16/bf16 with static head dims (multiples of 16) on sm_80+: `tile = [128, 64], warps = 8, stages = 2, mma = mma_sync` for head dims up to 64, `tile = [128, 128]` above; otherwise (SIMT) `tile = [64, 64], warps = 4` |

    A fused group whose shape has no single-kernel schedule (an elementwise
    prologue into a reduction, for example) is split into one kernel per op.
    Constants are cloned into the kernels that use them. Kernels that already
    exist keep their config.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"\"",
           "target chip (sm_80, sm_90, gfx942, ...; a row of the known-chips "
           "table); default: the module's #tessera_target.chip, else sm_90">];
  let dependentDialects = ["::mlir::tessera::schedule::ScheduleDialect"];
}

def TesseraScheduleLayout
    : Pass<"tessera-schedule-layout", "::mlir::func::FuncOp"> {
  let summary = "put operands in the layouts the chip's kernels read";
  let description = [{
    Rewrites Graph IR ops whose operands the target `chip`'s kernels cannot
    read in the layout they have: on a chip with wgmma, an f8 matmul's rhs
    stored [K, N] (8-bit wgmma reads both operands with K contiguous)
    becomes a `tessera_graph.transpose` to [N, K] (a kernel of its own, at
    copy bandwidth) and a `transpose_rhs` matmul, which runs on wgmma
    instead of the SIMT kernel:

    ```mlir
    %c = tessera_graph.matmul %a, %b out = f32
        : tensor<?x?xf8E4M3FN>, tensor<?x?xf8E4M3FN> -> tensor<?x?xf32>
    // becomes
    %t = tessera_graph.transpose %b permutation = [1, 0]
        : tensor<?x?xf8E4M3FN> -> tensor<?x?xf8E4M3FN>
    %c = tessera_graph.matmul %a, %t transpose_rhs out = f32
        : tensor<?x?xf8E4M3FN>, tensor<?x?xf8E4M3FN> -> tensor<?x?xf32>
    ```

    Runs after canonicalization (which folds such transposes back into the
    matmul's flags) and before tessera-graph-fuse. Matmuls it leaves alone:
    batched rhs operands, transposed lhs operands, other element types, and
    chips without wgmma.

    On every chip, an f8 attention (no attention kernel reads f8 operands)
    takes its f8 operands widened to f32 (the numerics policy's compute type
    where one is set), exactly, and its result is rounded back to f8: the
    CPU path's numbers.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"\"",
           "target chip (sm_80, sm_90, gfx942, ...; a row of the known-chips "
           "table); default: the module's #tessera_target.chip, else sm_90">];
  let dependentDialects = ["::mlir::tessera::graph::GraphDialect"];
}

def TesseraScheduleCheck : Pass<"tessera-schedule-check", "::mlir::ModuleOp"> {
  let summary = "reject schedules the target cannot run";
  let description = [{
    Checks the config of every `tessera_schedule.kernel` (and every candidate
    of its `knobs`) against the limits of the target `chip`: threads per
    block, the tensor-core instruction family the chip has, the tile shapes
    that family needs, and knobs a kernel kind does not read. A violation is
    an error on the kernel naming the limit, so a bad schedule fails at
    compile time, never at launch. The IR is left unchanged. Shared memory
    and registers per block are checked later, on the program the schedule
    produces, by `tessera-tile-allocate-shared` (the buffer placement the
    launch uses, and a register estimate from the register tiles: one
    model), again naming the config.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"\"",
           "target chip (sm_80, sm_90, gfx942, ...; a row of the known-chips "
           "table); default: the module's #tessera_target.chip, else sm_90">];
}

#endif // TESSERA_DIALECT_SCHEDULE_TRANSFORMS_PASSES_TD
