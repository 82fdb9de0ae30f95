//===- Layout.cpp - Operand layouts the chip's kernels read ---------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "Tessera/Dialect/Graph/IR/GraphOps.h"
#include "Tessera/Dialect/Schedule/Transforms/KernelKinds.h"
#include "Tessera/Dialect/Schedule/Transforms/Passes.h"
#include "mlir/IR/Builders.h"

namespace mlir::tessera::schedule {
#define GEN_PASS_DEF_TESSERASCHEDULELAYOUT
#include "Tessera/Dialect/Schedule/Transforms/Passes.h.inc"

namespace {
struct LayoutPass : public impl::TesseraScheduleLayoutBase<LayoutPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    const target::TargetInfo *chipInfo = getScheduleTarget(func, chip);
    if (!chipInfo)
      return signalPassFailure();
    // f8 attention (no kernel reads f8 operands) on operands widened to
    // the compute type (f32, or the numerics policy's), exactly, its result
    // rounded back: the CPU path's numbers.
    func.walk([&](graph::AttentionOp attention) {
      auto type = cast<RankedTensorType>(attention.getType());
      if (!isa<Float8E4M3FNType, Float8E5M2Type>(type.getElementType()))
        return;
      OpBuilder b(attention);
      Type wide = b.getF32Type();
      if (graph::NumericsAttr policy = graph::getNumericsPolicy(attention))
        if (Type compute = policy.getCompute())
          wide = compute;
      for (OpOperand &operand : attention->getOpOperands()) {
        auto operandType = cast<RankedTensorType>(operand.get().getType());
        if (!isa<Float8E4M3FNType, Float8E5M2Type>(
                operandType.getElementType()))
          continue;
        operand.set(graph::CastOp::create(b, attention.getLoc(),
                                          operandType.clone(wide),
                                          operand.get()));
      }
      attention.getResult().setType(type.clone(wide));
      b.setInsertionPointAfter(attention);
      auto narrow =
          graph::CastOp::create(b, attention.getLoc(), type, attention);
      attention.getResult().replaceAllUsesExcept(narrow, narrow);
    });
    if (!chipInfo->hasMatrixKind(target::MatrixKind::Wgmma))
      return;
    func.walk([&](graph::MatmulOp matmul) {
      // An f8 matmul into f32 that wgmma takes with its rhs [N, K] in
      // memory (isWgmmaMatmul).
      auto rhsType = cast<RankedTensorType>(matmul.getRhs().getType());
      Type element = rhsType.getElementType();
      if (matmul.getTransposeRhs() || matmul.getTransposeLhs() ||
          rhsType.getRank() != 2 ||
          !isa<Float8E4M3FNType, Float8E5M2Type>(element) ||
          !getMatmulAccumulateType(matmul).isF32())
        return;
      OpBuilder b(matmul);
      Value transposed = graph::TransposeOp::create(
          b, matmul.getLoc(), matmul.getRhs(), b.getDenseI64ArrayAttr({1, 0}));
      matmul.getRhsMutable().assign(transposed);
      matmul.setTransposeRhs(true);
    });
  }
};
} // namespace

} // namespace mlir::tessera::schedule
