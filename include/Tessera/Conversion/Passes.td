//===- Passes.td - Tessera conversion passes ---------------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_CONVERSION_PASSES_TD
#define TESSERA_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertTesseraGraphToLinalg : Pass<"convert-tessera-graph-to-linalg"> {
  let summary = "lower Graph IR to linalg, tensor, arith and math";
  let description = [{
    Accepts Graph IR on tensors (any op may hold it; run it on a module or a
    function) and produces upstream tensor code: named linalg ops where they
    exist (`linalg.matmul`, `linalg.batch_matmul`, `linalg.softmax`,
    `linalg.reduce`, `linalg.transpose`, `linalg.fill`), `linalg.generic`
    for the rest, `tensor.*` for shape manipulation, `arith`/`math` for the
    scalar math. Every `tessera_graph` op is converted or the pass fails with
    a diagnostic naming it. Sizes the verifier could only assume equal (two
    `?` dims broadcast together, the contraction dims of a matmul) are
    checked at run time with `cf.assert`.

    Numerics: math on f16/bf16/f8 values is computed in f32 unless a numerics
    policy names a `compute` type; reductions and contractions accumulate in
    the op's `acc`, else the policy's `accumulate` type, else f32 for
    narrow floats, and the result is converted back to the op's type with
    the policy's rounding, saturation and denormal mode. Casts honour
    `rounding` (nearest, toward_zero, stochastic: unbiased, drawing on a hash
    of the element's position) and `saturate`. f8 values (f8E4M3FN, f8E5M2)
    have no LLVM type: their conversions are built from integer and f32
    arithmetic on the bits, matching ml_dtypes bit for bit.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::cf::ControlFlowDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect"];
}

def TesseraDecomposeLinalgAggregates
    : Pass<"tessera-decompose-linalg-aggregates"> {
  let summary = "decompose aggregated linalg ops (linalg.softmax) into "
                "generics";
  let description = [{
    Replaces every op implementing `linalg::AggregatedOpInterface` (for
    example `linalg.softmax`) by the ops of its `decomposeOperation`: a max
    reduction, an exp, a sum reduction and a division as `linalg.generic`s
    and `linalg.fill`s. Upstream has the interface but no pass for it; the
    CPU pipeline needs one before bufferization and loop lowering.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

#endif // TESSERA_CONVERSION_PASSES_TD
