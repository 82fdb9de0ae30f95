//===- ScheduleAttrs.td - Schedule IR attributes -----------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEATTRS_TD
#define TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEATTRS_TD

include "Tessera/Dialect/Schedule/IR/ScheduleBase.td"

include "mlir/IR/EnumAttr.td"

def Schedule_MmaKind : I32EnumAttr<"MmaKind", "tensor-core instruction family", [
    I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"mma_sync", 1>,
    I32EnumAttrCase<"wgmma", 2>, I32EnumAttrCase<"mfma", 3>]> {
  let cppNamespace = "::mlir::tessera::schedule";
  let genSpecializedAttr = 0;
}

def Schedule_ConfigAttr : Schedule_Attr<"Config", "config"> {
  let summary = "schedule of one kernel: block tile, warps, stages, vector "
                "width, swizzle, tensor cores, split-k, producer warps";
  let description = [{
    `tile` gives the block tile sizes, outermost first (for a matmul:
    `[M, N, K]`; for an elementwise kernel: the elements per block; for a
    row kernel: `[1, columns]`, the step along its row; for a column
    kernel: `[rows, columns]`, the step down its columns); `warps` the
    warps per block;
    `stages` the software pipeline depth of the main loop. The optional
    knobs default to the neutral choice and are printed only when set:
    `vector` (elements per thread access, default 1), `swizzle` (matmul
    kernels: blocks run in groups of `swizzle` rows of output tiles, down
    a group's rows first, for L2 reuse; default 1, row-major), `mma`
    (tensor-core instruction
    family: `none`, `mma_sync`, `wgmma`, `mfma`; default `none`) and
    `split_k` (matmul kernels: slices of K summed by a second kernel;
    default 1; `auto`: as many slices as give every multiprocessor of the
    device a block where the output has fewer tiles than it has
    multiprocessors, chosen at launch, at most 16 and at least 16 steps of
    K each; one slice, and no second kernel, otherwise; column kernels:
    slices of the rows, likewise; softmax, log_softmax, layer_norm and
    rms_norm row kernels: each row past the 4 tiles a block keeps in
    registers spread over a cluster of `split_k` blocks, at most the
    chip's cluster size, `auto` its largest, that share their statistics
    through distributed shared memory) and `producer_warps` (wgmma matmul and attention kernels: a
    warp-specialized kernel whose extra warpgroup of 4 producer warps
    issues the TMA copies into rings that the `warps` consumer warps
    compute on and free per slot; default 0, no producer, except attention
    with head dims of 128 on Hopper).

    Example:

    ```mlir
    #tessera_schedule.config<tile = [128, 128, 32], warps = 8, stages = 3,
                             vector = 8, swizzle = 8, mma = mma_sync>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$tile,
                        "int64_t":$warps, "int64_t":$stages,
                        DefaultValuedParameter<"int64_t", "1">:$vector,
                        DefaultValuedParameter<"int64_t", "1">:$swizzle,
                        DefaultValuedParameter<"::mlir::tessera::schedule::MmaKind",
                            "::mlir::tessera::schedule::MmaKind::none">:$mma,
                        DefaultValuedParameter<"int64_t", "1">:$split_k,
                        DefaultValuedParameter<"int64_t", "0">:$producer_warps);
  // Keyed entries, the optional knobs printed only when set: more than the
  // declarative format can parse unambiguously, so the parser is in C++.
  let hasCustomAssemblyFormat = 1;
  let builders = [
    AttrBuilder<(ins "::llvm::ArrayRef<int64_t>":$tile, "int64_t":$warps,
                     "int64_t":$stages), [{
      return $_get($_ctxt, tile, warps, stages, 1, 1,
                   ::mlir::tessera::schedule::MmaKind::none, 1, 0);
    }]>];
  let extraClassDeclaration = [{
    /// Threads per block.
    int64_t getThreads() const { return getWarps() * 32; }
    /// `split_k = auto`: the slices of K are chosen at launch.
    static constexpr int64_t kSplitKAuto = 0;
    bool isSplitKAuto() const { return getSplitK() == kSplitKAuto; }
  }];
  let genVerifyDecl = 1;
}

def Schedule_KnobSpaceAttr : Schedule_Attr<"KnobSpace", "knobs"> {
  let summary = "the candidate configs an autotuner may choose from";
  let description = [{
    A list of `#tessera_schedule.config` candidates for a kernel; the
    autotuner times each and replaces the kernel's config with the fastest.
    The legality pass checks every candidate.

    Example:

    ```mlir
    #tessera_schedule.knobs<[
        #tessera_schedule.config<tile = [64, 64, 32], warps = 4, stages = 2>,
        #tessera_schedule.config<tile = [128, 128, 32], warps = 8, stages = 3>]>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"ConfigAttr">:$candidates);
  let assemblyFormat = "`<` `[` $candidates `]` `>`";
}

def Schedule_RowClassesAttr : Schedule_Attr<"RowClasses", "row_classes"> {
  let summary = "matmul configs for outputs of few rows, chosen at launch";
  let description = [{
    Shape classes of a matmul kernel by its output's rows M, known only at
    launch: `configs[i]` schedules the kernel where
    `max_rows[i - 1] < M <= max_rows[i]` (`0 < M` for the first), and the
    kernel's own config where M exceeds every bound. The bounds ascend.
    Each class compiles to a kernel of its own, launched only for the rows
    of its class (the others' grids are empty), on the same arguments:
    one artifact serves decode shapes (M of 1 to 64) and large ones. The
    classes that split K share one workspace and one summing kernel.
    tessera-schedule-assign sets them from the target (on Hopper, 64-row
    tiles of one warpgroup for few rows); a schedule the user gives has
    none, and means what it says at every M.

    Example:

    ```mlir
    #tessera_schedule.row_classes<max_rows = [16, 64], configs = [
        <tile = [64, 256, 64], warps = 4, stages = 4, mma = wgmma, split_k = auto>,
        <tile = [64, 64, 64], warps = 4, stages = 6, mma = wgmma, split_k = auto>]>
    ```
  }];
  // (the text form cannot spell an empty list: the verifier's check for
  // one guards the builders)
  let parameters = (ins ArrayRefParameter<"int64_t">:$max_rows,
                        ArrayRefParameter<"ConfigAttr">:$configs);
  let assemblyFormat = [{
    `<` `max_rows` `=` `[` $max_rows `]` `,` `configs` `=` `[` $configs `]` `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The classes' lower bounds (exclusive): 0, then each class's upper
    /// bound but the last.
    int64_t getMinRows(unsigned i) const {
      return i == 0 ? 0 : getMaxRows()[i - 1];
    }
  }];
}

#endif // TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEATTRS_TD
