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

#endif // TESSERA_DIALECT_TARGET_TRANSFORMS_PASSES_TD
