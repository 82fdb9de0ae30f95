//===- Passes.td - Target IR passes ------------------------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TARGET_TRANSFORMS_PASSES_TD
#define TESSERA_DIALECT_TARGET_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TesseraTargetCheckChip : Pass<"tessera-target-check-chip", "ModuleOp"> {
  let summary = "reject gpu.module targets whose chip LLVM does not know";
  let description = [{
    Accepts any module. For every `gpu.module` with an `#nvvm.target` or
    `#rocdl.target`, asks LLVM's target registry whether the chip is a
    processor of that target and fails with an error on the `gpu.module`
    if it is not. Without this check LLVM only warns ("is not a recognized
    processor ... ignoring processor") and emits code for a generic
    processor, which would then fail at load time or run slowly.

    The IR is left unchanged. Tessera's GPU pipelines run this right after
    attaching the target.
  }];
}


def TesseraTargetSetChip : Pass<"tessera-target-set-chip", "::mlir::ModuleOp"> {
  let summary = "attach the chip a module is compiled for";
  let description = [{
    Sets the module's `tessera_target.chip` attribute to
    `#tessera_target.chip<"CHIP">`, the row of Tessera's known-chips table
    that every later chip-dependent pass reads (schedules and their legality
    check, the binary pipeline). Tessera's GPU pipelines run it first.

    Refuses a chip the table does not know (the error lists the known ones)
    and a module that already carries a different chip; setting the same
    chip again is a no-op.

    Example: `--tessera-target-set-chip="chip=sm_90"` turns `module {}` into
    `module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {}`.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_90\"",
           "the chip (sm_80, sm_90, gfx942, ...)">];
  let dependentDialects = ["::mlir::tessera::target::TargetDialect"];
}

def TesseraTargetExportPlan
    : Pass<"tessera-target-export-plan", "::mlir::ModuleOp"> {
  let summary = "attach the launch plan (JSON) to each host function";
  let description = [{
    Reads each host function (`tessera.host`) made by
    `convert-tessera-schedule-to-tile`: its arguments, the buffers it
    allocates and returns, and its `tessera_target.launch` ops; and
    attaches the launch plan the runtime executes as a JSON string
    attribute `tessera.plan`:

    - `inputs` and `outputs`: name, dims and dtype. An input's dynamic dim
      is a symbol: the argument's `tessera.dims` attribute names it, else
      `<name>_<dim>`. Output dims are expressions over those symbols.
    - `temporaries`: buffers allocated and not returned, with their dims.
    - `kernels`: in launch order, the kernel name, its parameters (a buffer
      by name, or a size as an expression), the parameter ABI (`"bare"`: a
      pointer per buffer, for kernels marked `tessera.memref_params`; else
      `"flat"`: a flat memref descriptor per buffer), the grid as
      expressions, the block and the dynamic shared memory.
    - `target`, `vendor` (`nvidia`, `amd`) and `binary` (`kernels.ptx`,
      `kernels.hsaco`) when the module carries a `#tessera_target.chip`:
      the chip's row of the known-chips table says them.

    Expressions use integers, symbols, `+ - * //`, `ceil_div`, `min` and
    `max`. A size the plan cannot express is an error naming the op that
    computes it.
  }];
}

def TesseraTargetBarePtr : Pass<"tessera-target-bare-ptr"> {
  let summary = "pass kernel buffers as bare pointers";
  let description = [{
    Runs on LLVM-dialect kernels (after `convert-gpu-to-nvvm` or
    `-rocdl`). A kernel marked `tessera.memref_params` (the indices of its
    original `memref<?xT>` parameters, set by
    `convert-tessera-target-to-gpu`) received each such buffer as a memref
    descriptor: allocated and aligned pointer, offset, size, stride. This
    pass replaces the five by one pointer (offset 0, stride 1), so a launch
    passes one pointer per buffer: the plan's `abi = "bare"`. A kernel that
    reads a buffer's size from its descriptor cannot be rewritten and is an
    error; the generated kernels pass sizes as explicit parameters.

    The parameters `tessera.tensor_map_params` names (TMA tensor maps,
    pointers after `convert-nvgpu-to-nvvm`) become `llvm.byval =
    !llvm.array<128 x i8>`, `llvm.align = 64` and `nvvm.grid_constant`:
    the CUtensorMap is passed by value (`.param .align 64 .b8 p[128]`) and
    the copies read it in place, so a launch needs no device copy of it
    (and can be captured in a CUDA graph).
  }];
}

def TesseraTargetExternDynamicShared
    : Pass<"tessera-target-extern-dynamic-shared"> {
  let summary = "declare the kernels' dynamic shared memory extern";
  let description = [{
    Runs on LLVM-dialect kernels (after `convert-gpu-to-nvvm`). The
    lowering of `gpu.dynamic_shared_memory` declares its base as an
    internal zero-sized global (`__dynamic_shmem__N`), which the NVPTX
    backend prints as a static shared variable of one byte
    (`.shared .align 16 .b8 __dynamic_shmem__0;`): where the kernel has
    other static shared variables (block reductions' scratch), ptxas may
    place them after it, inside the bytes the kernel addresses as its
    dynamic shared memory. Where the module has such other shared
    variables, this pass makes those globals external declarations, printed as `.extern .shared .align 1024 .b8
    __dynamic_shmem__0[];`: the dynamic shared memory, which starts after
    every static variable, at the 1024-byte alignment
    `tessera-tile-allocate-shared` places buffers from (128-byte swizzled
    buffers need it). Modules whose only shared variable is the dynamic
    one keep it as it is (at offset 0 the stand-in is safe, and the extern
    symbol changes how LLVM materializes its address in every kernel).

    Example:

    ```mlir
    // before
    llvm.mlir.global internal @__dynamic_shmem__0() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<0 x i8>
    // after
    llvm.mlir.global external @__dynamic_shmem__0() {addr_space = 3 : i32, alignment = 1024 : i64} : !llvm.array<0 x i8>
    ```
  }];
}

def TesseraTargetLowerExp : Pass<"tessera-target-lower-exp"> {
  let summary = "lower f32 math.exp and math.exp2 for the target's hardware";
  let description = [{
    `convert-tessera-target-to-gpu` leaves f32 `math.exp` in the kernels
    (softmax and sigmoid are dominated by it) and `math.exp2` (attention's
    probabilities, base 2). With `mode=ex2` (the NVVM pipelines) each
    `math.exp` becomes the hardware's `ex2.approx.f32` of `x * log2(e)` as
    inline PTX: relative error about 2^-22 plus |x| * 2^-24 from the
    product; each `math.exp2` is `ex2.approx.f32` of its operand. Either
    takes `ex2.approx.ftz.f32` (subnormal inputs and results flushed to 0:
    one MUFU instruction, where the exact range adds a test and two
    predicated multiplies) where it carries `fastmath<afn>`. With
    `mode=polynomial` (the ROCDL pipelines, and any vector-typed exp) it
    becomes MLIR's polynomial approximation.
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"polynomial\"",
           "ex2 (NVIDIA PTX) or polynomial">];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

#endif // TESSERA_DIALECT_TARGET_TRANSFORMS_PASSES_TD
