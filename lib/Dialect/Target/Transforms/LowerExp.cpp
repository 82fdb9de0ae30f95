//===- LowerExp.cpp - f32 exp for the target's hardware -------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Target/Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tessera::target {
#define GEN_PASS_DEF_TESSERATARGETLOWEREXP
#include "Tessera/Dialect/Target/Transforms/Passes.h.inc"
} // namespace mlir::tessera::target

using namespace mlir;

namespace {
/// `instruction $0, $1;` of one f32 operand as (pure) inline PTX.
static Value ex2(PatternRewriter &rewriter, Location loc, StringRef instruction,
                 Value x) {
  Type f32 = rewriter.getF32Type();
  return LLVM::InlineAsmOp::create(
             rewriter, loc, TypeRange{f32}, ValueRange{x},
             (instruction + " $0, $1;").str(), "=f,f",
             /*has_side_effects=*/false,
             /*is_align_stack=*/false, LLVM::tailcallkind::TailCallKind::None,
             LLVM::AsmDialectAttr::get(rewriter.getContext(),
                                       LLVM::AsmDialect::AD_ATT),
             /*operand_attrs=*/ArrayAttr())
      .getResult(0);
}

/// exp(x) = 2^(x * log2(e)) with PTX's ex2.approx.f32 (handles -inf, inf,
/// NaN and subnormal results), or `.ftz` where the op allows approximate
/// functions (afn: subnormal results flushed to 0, one MUFU.EX2 where the
/// exact-range form takes a test and two predicated multiplies around it).
struct Ex2Exp : public OpRewritePattern<math::ExpOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::ExpOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!type.isF32())
      return rewriter.notifyMatchFailure(op, "only scalar f32");
    Location loc = op.getLoc();
    Value log2e = arith::ConstantOp::create(
        rewriter, loc, type, rewriter.getF32FloatAttr(1.4426950408889634f));
    Value x = arith::MulFOp::create(rewriter, loc, op.getOperand(), log2e);
    bool approximate = bitEnumContainsAll(op.getFastmath(),
                                          arith::FastMathFlags::afn);
    rewriter.replaceOp(
        op, ex2(rewriter, loc,
                approximate ? "ex2.approx.ftz.f32" : "ex2.approx.f32", x));
    return success();
  }
};

/// 2^x with PTX's ex2.approx: `.ftz` (subnormal inputs and results flushed
/// to 0: one MUFU.EX2) where the op allows approximate functions (afn),
/// else the exact-range form.
struct Ex2Exp2 : public OpRewritePattern<math::Exp2Op> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::Exp2Op op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!type.isF32())
      return rewriter.notifyMatchFailure(op, "only scalar f32");
    bool approximate = bitEnumContainsAll(op.getFastmath(),
                                          arith::FastMathFlags::afn);
    rewriter.replaceOp(
        op, ex2(rewriter, op.getLoc(),
                approximate ? "ex2.approx.ftz.f32" : "ex2.approx.f32",
                op.getOperand()));
    return success();
  }
};

struct LowerExpPass
    : public tessera::target::impl::TesseraTargetLowerExpBase<LowerExpPass> {
  using Base::Base;

  void runOnOperation() override {
    if (mode != "ex2" && mode != "polynomial") {
      getOperation()->emitError()
          << "tessera-target-lower-exp: mode '" << mode
          << "' must be ex2 or polynomial";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    if (mode == "ex2")
      patterns.add<Ex2Exp, Ex2Exp2>(&getContext(), /*benefit=*/2);
    // Whatever remains (polynomial mode, vectors, narrow floats): exp2 as
    // exp, exp as a polynomial.
    math::populateExpansionPatterns(patterns, {"exp2"});
    auto isExp = [](StringRef name) { return name == "math.exp"; };
    populateMathF32ExpansionPatterns(patterns, isExp);
    populateMathPolynomialApproximationPatterns(patterns, isExp);
    // Only the exps and what their patterns create: a greedy walk over the
    // whole module (folding everything else too) took a fifth of an
    // attention kernel's compile.
    SmallVector<Operation *> exps;
    getOperation()->walk([&](Operation *op) {
      if (isa<math::ExpOp, math::Exp2Op>(op))
        exps.push_back(op);
    });
    if (exps.empty())
      return;
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    if (failed(applyOpPatternsGreedily(exps, std::move(patterns), config)))
      return signalPassFailure();
  }
};
} // namespace
