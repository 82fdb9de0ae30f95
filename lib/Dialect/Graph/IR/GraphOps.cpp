//===- GraphOps.cpp - Graph IR operations ---------------------------------===//
//
// Part of the Tessera project.
//
// Shape inference and verification share one routine per op: inference
// (builders, Python) calls it without a location, verify() with the op's, so
// that each error is reported exactly once, naming the op, the operands and
// the dimensions involved.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Graph/IR/GraphOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tessera::graph;

//===----------------------------------------------------------------------===//
// Diagnostics and shape helpers
//===----------------------------------------------------------------------===//

namespace {
/// Reports "'<op name>' op <message>" at a location when there is one
/// (verification), and nothing otherwise (speculative inference).
struct OpDiag {
  std::optional<Location> loc;
  StringRef opName;

  template <typename... Args>
  LogicalResult error(Args &&...args) const {
    return emitOptionalError(loc, "'", opName, "' op ",
                             std::forward<Args>(args)...);
  }
};
} // namespace

static std::string dimStr(int64_t dim) {
  return ShapedType::isDynamic(dim) ? "?" : std::to_string(dim);
}

/// NumPy broadcasting of two shapes. `?` broadcasts against `?` (assumed
/// equal) and `1`; against a static size > 1 it is an error because whether
/// it stretches is unknown until run time.
static FailureOr<SmallVector<int64_t>>
broadcastShapes(const OpDiag &diag, ArrayRef<int64_t> a, ArrayRef<int64_t> b,
                StringRef aName, StringRef bName) {
  int64_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> result(rank);
  for (int64_t k = 0; k < rank; ++k) {
    int64_t ia = static_cast<int64_t>(a.size()) - 1 - k;
    int64_t ib = static_cast<int64_t>(b.size()) - 1 - k;
    int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    int64_t &out = result[rank - 1 - k];
    if (da == db) {
      out = da;
    } else if (da == 1) {
      out = db;
    } else if (db == 1) {
      out = da;
    } else if (ShapedType::isDynamic(da) || ShapedType::isDynamic(db)) {
      return diag.error(aName, " dimension ", ia, " (", dimStr(da), ") and ",
                        bName, " dimension ", ib, " (", dimStr(db),
                        ") cannot be broadcast: a dynamic dimension "
                        "broadcasts only against ? or 1");
    } else {
      return diag.error(aName, " dimension ", ia, " (", da, ") and ", bName,
                        " dimension ", ib, " (", db,
                        ") are not broadcast-compatible");
    }
  }
  return result;
}

static RankedTensorType rankedOf(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// Checks that an op's declared result type is the inferred one.
static LogicalResult checkInferred(Operation *op, Type inferred) {
  Type declared = op->getResult(0).getType();
  if (declared != inferred)
    return op->emitOpError() << "result type " << declared
                             << " does not match the inferred type "
                             << inferred;
  return success();
}

/// The tail of every inferReturnTypes: the inferred type, or failure.
static LogicalResult pushInferred(FailureOr<Type> type,
                                  SmallVectorImpl<Type> &inferred) {
  if (failed(type))
    return failure();
  inferred.push_back(*type);
  return success();
}

static NumericsAttr policyIn(DictionaryAttr attributes) {
  if (!attributes)
    return {};
  return dyn_cast_or_null<NumericsAttr>(
      attributes.get(GraphDialect::getNumericsAttrName()));
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// Binary elementwise ops
//===----------------------------------------------------------------------===//

/// The result element type of a binary op: the common operand element type,
/// or under a policy with a compute type, the policy's storage (else compute)
/// type.
static FailureOr<Type> binaryElementType(const OpDiag &diag, Type lhs,
                                         Type rhs, NumericsAttr policy) {
  if (lhs == rhs)
    return lhs;
  if (policy && policy.getCompute())
    return policy.getStorage() ? policy.getStorage() : policy.getCompute();
  return diag.error("lhs element type ", lhs,
                    " does not match rhs element type ", rhs,
                    " (cast one, or attach a numerics policy with a compute "
                    "type)");
}

static FailureOr<Type> inferBinary(const OpDiag &diag, Type lhsType,
                                   Type rhsType, NumericsAttr policy) {
  auto lhs = cast<RankedTensorType>(lhsType);
  auto rhs = cast<RankedTensorType>(rhsType);
  FailureOr<Type> element = binaryElementType(
      diag, lhs.getElementType(), rhs.getElementType(), policy);
  if (failed(element))
    return failure();
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(diag, lhs.getShape(), rhs.getShape(), "lhs", "rhs");
  if (failed(shape))
    return failure();
  return Type(RankedTensorType::get(*shape, *element));
}

/// Constant folding of float elementwise ops: both operands constants of
/// the result's shape (or splats), at most this many elements.
static constexpr int64_t kMaxFoldedElements = 1024;

static Attribute
foldBinaryFloat(Attribute lhs, Attribute rhs, Type resultType,
                function_ref<APFloat(const APFloat &, const APFloat &)> fn) {
  auto lhsAttr = dyn_cast_or_null<DenseElementsAttr>(lhs);
  auto rhsAttr = dyn_cast_or_null<DenseElementsAttr>(rhs);
  auto type = dyn_cast<RankedTensorType>(resultType);
  if (!lhsAttr || !rhsAttr || !type || !type.hasStaticShape() ||
      !isa<FloatType>(type.getElementType()) ||
      lhsAttr.getElementType() != type.getElementType() ||
      rhsAttr.getElementType() != type.getElementType())
    return {};
  auto fits = [&](DenseElementsAttr attr) {
    return attr.isSplat() || attr.getType() == type;
  };
  if (!fits(lhsAttr) || !fits(rhsAttr))
    return {};
  if (lhsAttr.isSplat() && rhsAttr.isSplat())
    return DenseElementsAttr::get(
        type, fn(lhsAttr.getSplatValue<APFloat>(),
                 rhsAttr.getSplatValue<APFloat>()));
  if (type.getNumElements() > kMaxFoldedElements)
    return {};
  SmallVector<APFloat> values;
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
    APFloat a = lhsAttr.isSplat() ? lhsAttr.getSplatValue<APFloat>()
                                  : lhsAttr.getValues<APFloat>()[i];
    APFloat b = rhsAttr.isSplat() ? rhsAttr.getSplatValue<APFloat>()
                                  : rhsAttr.getValues<APFloat>()[i];
    values.push_back(fn(a, b));
  }
  return DenseElementsAttr::get(type, values);
}

/// a^b in double precision, rounded back to a's semantics.
static APFloat powFloat(const APFloat &a, const APFloat &b) {
  bool lost;
  APFloat x = a, y = b;
  x.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  y.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  APFloat result(std::pow(x.convertToDouble(), y.convertToDouble()));
  result.convert(a.getSemantics(), APFloat::rmNearestTiesToEven, &lost);
  return result;
}

#define GRAPH_BINARY_OP(OP, FN)                                                \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *, std::optional<Location> loc, ValueRange operands,         \
      DictionaryAttr attributes, OpaqueProperties, RegionRange,                \
      SmallVectorImpl<Type> &inferred) {                                       \
    FailureOr<Type> type =                                                     \
        inferBinary(OpDiag{loc, getOperationName()}, operands[0].getType(),    \
                    operands[1].getType(), policyIn(attributes));              \
    return pushInferred(type, inferred);                                       \
  }                                                                            \
  LogicalResult OP::verify() {                                                 \
    FailureOr<Type> type = inferBinary(                                        \
        OpDiag{getLoc(), getOperationName()}, getLhs().getType(),              \
        getRhs().getType(), getNumericsPolicy(*this));                         \
    return failed(type) ? failure() : checkInferred(*this, *type);             \
  }                                                                            \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                 \
    return foldBinaryFloat(adaptor.getLhs(), adaptor.getRhs(), getType(),      \
                           [](const APFloat &a, const APFloat &b) FN);         \
  }

GRAPH_BINARY_OP(AddOp, { return a + b; })
GRAPH_BINARY_OP(SubOp, { return a - b; })
GRAPH_BINARY_OP(MulOp, { return a * b; })
GRAPH_BINARY_OP(DivOp, { return a / b; })
GRAPH_BINARY_OP(MaxOp, { return llvm::maximum(a, b); })
GRAPH_BINARY_OP(MinOp, { return llvm::minimum(a, b); })
GRAPH_BINARY_OP(PowOp, { return powFloat(a, b); })
#undef GRAPH_BINARY_OP

//===----------------------------------------------------------------------===//
// Unary elementwise ops
//===----------------------------------------------------------------------===//

static Attribute foldUnaryFloat(Attribute input, Type resultType,
                                function_ref<double(double)> fn) {
  auto attr = dyn_cast_or_null<DenseElementsAttr>(input);
  auto type = dyn_cast<RankedTensorType>(resultType);
  if (!attr || !type || !isa<FloatType>(type.getElementType()) ||
      (!attr.isSplat() && attr.getNumElements() > kMaxFoldedElements))
    return {};
  const llvm::fltSemantics &semantics =
      cast<FloatType>(type.getElementType()).getFloatSemantics();
  auto apply = [&](APFloat value) {
    bool lost;
    value.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
    APFloat result(fn(value.convertToDouble()));
    result.convert(semantics, APFloat::rmNearestTiesToEven, &lost);
    return result;
  };
  if (attr.isSplat())
    return DenseElementsAttr::get(type, apply(attr.getSplatValue<APFloat>()));
  SmallVector<APFloat> values;
  for (APFloat value : attr.getValues<APFloat>())
    values.push_back(apply(value));
  return DenseElementsAttr::get(type, values);
}

#define GRAPH_UNARY_FOLD(OP, FN)                                               \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                 \
    return foldUnaryFloat(adaptor.getInput(), getType(), [](double x) FN);     \
  }

GRAPH_UNARY_FOLD(NegOp, { return -x; })
GRAPH_UNARY_FOLD(AbsOp, { return std::fabs(x); })
GRAPH_UNARY_FOLD(ExpOp, { return std::exp(x); })
GRAPH_UNARY_FOLD(LogOp, { return std::log(x); })
GRAPH_UNARY_FOLD(SqrtOp, { return std::sqrt(x); })
GRAPH_UNARY_FOLD(RsqrtOp, { return 1.0 / std::sqrt(x); })
GRAPH_UNARY_FOLD(TanhOp, { return std::tanh(x); })
GRAPH_UNARY_FOLD(SigmoidOp, { return 1.0 / (1.0 + std::exp(-x)); })
GRAPH_UNARY_FOLD(ReluOp, { return x > 0 ? x : 0.0; })
GRAPH_UNARY_FOLD(SiluOp, { return x / (1.0 + std::exp(-x)); })
#undef GRAPH_UNARY_FOLD

//===----------------------------------------------------------------------===//
// CastOp
//===----------------------------------------------------------------------===//

static bool isCastableType(Type type) {
  return type.isF64() || type.isF32() || type.isF16() || type.isBF16() ||
         isa<Float8E4M3FNType, Float8E5M2Type>(type) ||
         type.isSignlessInteger(64) || type.isSignlessInteger(32) ||
         type.isSignlessInteger(8) || type.isSignlessInteger(1);
}

LogicalResult CastOp::verify() {
  RankedTensorType in = getInput().getType(), out = getResult().getType();
  if (failed(verifyCompatibleShape(in, out)))
    return emitOpError() << "input shape " << in << " and result shape "
                         << out << " differ; a cast converts elements only";
  Type from = in.getElementType(), to = out.getElementType();
  for (Type type : {from, to})
    if (!isCastableType(type))
      return emitOpError() << "cannot cast " << (type == from ? "from" : "to")
                           << " " << type
                           << ": supported are f64, f32, f16, bf16, "
                              "f8E4M3FN, f8E5M2, i64, i32, i8 and i1";
  if (getRounding() == RoundingMode::stochastic &&
      (!isa<FloatType>(from) || !isa<FloatType>(to) ||
       cast<FloatType>(to).getWidth() >= cast<FloatType>(from).getWidth()))
    return emitOpError() << "stochastic rounding applies to narrowing float "
                            "conversions, not "
                         << from << " to " << to;
  if (NumericsAttr policy = getNumericsPolicy(*this))
    if ((policy.getStorage() || policy.getCompute() ||
         policy.getAccumulate()) &&
        !policy.names(to))
      return emitOpError() << "cast to " << to
                           << " is not allowed by the numerics policy "
                           << policy;
  return success();
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

/// True if every value of `from` is exactly representable in `to`.
static bool isExactConversion(Type from, Type to) {
  if (from == to)
    return true;
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  if (fromFloat && toFloat)
    return APFloat::isRepresentableAsNormalIn(fromFloat.getFloatSemantics(),
                                              toFloat.getFloatSemantics());
  auto fromInt = dyn_cast<IntegerType>(from);
  if (fromInt && isa<IntegerType>(to))
    return fromInt.getWidth() <= cast<IntegerType>(to).getWidth();
  if (fromInt && toFloat)
    return fromInt.getWidth() <
           static_cast<unsigned>(llvm::APFloat::semanticsPrecision(
               toFloat.getFloatSemantics()));
  return false;
}

namespace {
/// cast(cast(x : A -> B) : B -> C) -> cast(x : A -> C) when A -> B is exact,
/// and -> x when C is A.
struct FoldExactCastChain : public OpRewritePattern<CastOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<CastOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "input is not a cast");
    Type a = inner.getInput().getType().getElementType();
    Type b = inner.getType().getElementType();
    if (!isExactConversion(a, b))
      return rewriter.notifyMatchFailure(op, "the first cast rounds");
    if (inner.getInput().getType() == op.getType()) {
      rewriter.replaceOp(op, inner.getInput());
      return success();
    }
    rewriter.modifyOpInPlace(
        op, [&] { op.getInputMutable().assign(inner.getInput()); });
    return success();
  }
};
} // namespace

void CastOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                         MLIRContext *context) {
  results.add<FoldExactCastChain>(context);
}

//===----------------------------------------------------------------------===//
// SelectOp
//===----------------------------------------------------------------------===//

static FailureOr<Type> inferSelect(const OpDiag &diag, Type condType,
                                   Type trueType, Type falseType) {
  auto cond = cast<RankedTensorType>(condType);
  auto onTrue = cast<RankedTensorType>(trueType);
  auto onFalse = cast<RankedTensorType>(falseType);
  if (onTrue.getElementType() != onFalse.getElementType())
    return diag.error("true_value element type ", onTrue.getElementType(),
                      " does not match false_value element type ",
                      onFalse.getElementType());
  FailureOr<SmallVector<int64_t>> values = broadcastShapes(
      diag, onTrue.getShape(), onFalse.getShape(), "true_value", "false_value");
  if (failed(values))
    return failure();
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(diag, cond.getShape(), *values, "condition", "values");
  if (failed(shape))
    return failure();
  return Type(RankedTensorType::get(*shape, onTrue.getElementType()));
}

LogicalResult SelectOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, ValueRange operands,
    DictionaryAttr, OpaqueProperties, RegionRange,
    SmallVectorImpl<Type> &inferred) {
  FailureOr<Type> type =
      inferSelect(OpDiag{loc, getOperationName()}, operands[0].getType(),
                  operands[1].getType(), operands[2].getType());
  return pushInferred(type, inferred);
}

LogicalResult SelectOp::verify() {
  FailureOr<Type> type = inferSelect(
      OpDiag{getLoc(), getOperationName()}, getCondition().getType(),
      getTrueValue().getType(), getFalseValue().getType());
  return failed(type) ? failure() : checkInferred(*this, *type);
}

//===----------------------------------------------------------------------===//
// CompareOp
//===----------------------------------------------------------------------===//

static FailureOr<Type> inferCompare(const OpDiag &diag, Type lhsType,
                                    Type rhsType) {
  auto lhs = cast<RankedTensorType>(lhsType);
  auto rhs = cast<RankedTensorType>(rhsType);
  if (lhs.getElementType() != rhs.getElementType())
    return diag.error("lhs element type ", lhs.getElementType(),
                      " does not match rhs element type ",
                      rhs.getElementType(), " (cast one)");
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(diag, lhs.getShape(), rhs.getShape(), "lhs", "rhs");
  if (failed(shape))
    return failure();
  return Type(
      RankedTensorType::get(*shape, IntegerType::get(lhs.getContext(), 1)));
}

LogicalResult CompareOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, ValueRange operands,
    DictionaryAttr, OpaqueProperties, RegionRange,
    SmallVectorImpl<Type> &inferred) {
  FailureOr<Type> type = inferCompare(OpDiag{loc, getOperationName()},
                                      operands[0].getType(),
                                      operands[1].getType());
  return pushInferred(type, inferred);
}

LogicalResult CompareOp::verify() {
  FailureOr<Type> type = inferCompare(OpDiag{getLoc(), getOperationName()},
                                      getLhs().getType(), getRhs().getType());
  return failed(type) ? failure() : checkInferred(*this, *type);
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

static FailureOr<Type> inferMatmul(const OpDiag &diag, Type lhsType,
                                   Type rhsType, bool transposeLhs,
                                   bool transposeRhs, Type acc, Type out) {
  auto lhs = cast<RankedTensorType>(lhsType);
  auto rhs = cast<RankedTensorType>(rhsType);
  int64_t lr = lhs.getRank(), rr = rhs.getRank();
  if (lr < 2 || rr < 2)
    return diag.error("operands must have rank 2 or more, got lhs rank ", lr,
                      " and rhs rank ", rr);
  Type element = lhs.getElementType();
  if (element != rhs.getElementType())
    return diag.error("lhs element type ", element,
                      " does not match rhs element type ",
                      rhs.getElementType());
  if (acc && isa<FloatType>(acc) != isa<FloatType>(element))
    return diag.error("accumulator type ", acc, " and element type ", element,
                      " must both be floats or both integers");
  if (out && (!out.isIntOrFloat() ||
              isa<FloatType>(out) != isa<FloatType>(element)))
    return diag.error("result element type ", out, " and element type ",
                      element, " must both be floats or both integers");
  int64_t lm = transposeLhs ? lr - 1 : lr - 2, lk = transposeLhs ? lr - 2 : lr - 1;
  int64_t rk = transposeRhs ? rr - 1 : rr - 2, rn = transposeRhs ? rr - 2 : rr - 1;
  int64_t k1 = lhs.getDimSize(lk), k2 = rhs.getDimSize(rk);
  if (!ShapedType::isDynamic(k1) && !ShapedType::isDynamic(k2) && k1 != k2)
    return diag.error("lhs dimension ", lk, " (", k1,
                      ") does not match rhs dimension ", rk, " (", k2, ")");
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(diag, lhs.getShape().drop_back(2),
                      rhs.getShape().drop_back(2), "lhs", "rhs");
  if (failed(shape))
    return failure();
  shape->push_back(lhs.getDimSize(lm));
  shape->push_back(rhs.getDimSize(rn));
  return Type(RankedTensorType::get(*shape, out ? out : element));
}

LogicalResult MatmulOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties properties, RegionRange regions,
    SmallVectorImpl<Type> &inferred) {
  Adaptor adaptor(operands, attributes, properties, regions);
  FailureOr<Type> type = inferMatmul(
      OpDiag{loc, getOperationName()}, operands[0].getType(),
      operands[1].getType(), adaptor.getTransposeLhs(),
      adaptor.getTransposeRhs(), adaptor.getAcc().value_or(Type()),
      adaptor.getOut().value_or(Type()));
  return pushInferred(type, inferred);
}

LogicalResult MatmulOp::verify() {
  FailureOr<Type> type =
      inferMatmul(OpDiag{getLoc(), getOperationName()}, getLhs().getType(),
                  getRhs().getType(), getTransposeLhs(), getTransposeRhs(),
                  getAcc().value_or(Type()), getOut().value_or(Type()));
  return failed(type) ? failure() : checkInferred(*this, *type);
}

/// True if `permutation` swaps the last two dimensions and keeps the rest.
static bool swapsLastTwo(ArrayRef<int64_t> permutation) {
  int64_t rank = permutation.size();
  if (rank < 2)
    return false;
  for (int64_t i = 0; i < rank - 2; ++i)
    if (permutation[i] != i)
      return false;
  return permutation[rank - 2] == rank - 1 && permutation[rank - 1] == rank - 2;
}

namespace {
/// matmul(transpose(x), y) -> matmul(x, y) with the transpose flag flipped,
/// when the transpose swaps only the last two dimensions.
struct FoldTransposeIntoMatmul : public OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    auto lhsT = op.getLhs().getDefiningOp<TransposeOp>();
    auto rhsT = op.getRhs().getDefiningOp<TransposeOp>();
    bool foldLhs = lhsT && swapsLastTwo(lhsT.getPermutation());
    bool foldRhs = rhsT && swapsLastTwo(rhsT.getPermutation());
    if (!foldLhs && !foldRhs)
      return rewriter.notifyMatchFailure(op, "no last-two-dims transpose");
    rewriter.modifyOpInPlace(op, [&] {
      if (foldLhs) {
        op.getLhsMutable().assign(lhsT.getInput());
        op.setTransposeLhs(!op.getTransposeLhs());
      }
      if (foldRhs) {
        op.getRhsMutable().assign(rhsT.getInput());
        op.setTransposeRhs(!op.getTransposeRhs());
      }
    });
    return success();
  }
};
} // namespace

void MatmulOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                           MLIRContext *context) {
  results.add<FoldTransposeIntoMatmul>(context);
}

//===----------------------------------------------------------------------===//
// ReduceOp
//===----------------------------------------------------------------------===//

/// Reduction dims: distinct, non-negative, less than the rank.
static LogicalResult verifyDims(const OpDiag &diag, ArrayRef<int64_t> dims,
                                int64_t rank, StringRef what) {
  llvm::SmallSet<int64_t, 4> seen;
  for (int64_t dim : dims) {
    if (dim < 0)
      return diag.error(what, " dimension ", dim,
                        " is negative; dimensions are 0-based (the front end "
                        "normalizes negative ones)");
    if (dim >= rank)
      return diag.error(what, " dimension ", dim,
                        " is out of range for an operand of rank ", rank);
    if (!seen.insert(dim).second)
      return diag.error(what, " dimension ", dim, " is given twice");
  }
  return success();
}

static FailureOr<Type> inferReduce(const OpDiag &diag, Type inputType,
                                   ArrayRef<int64_t> dims, bool keepdim) {
  auto input = cast<RankedTensorType>(inputType);
  if (dims.empty())
    return diag.error("needs at least one dimension to reduce");
  if (failed(verifyDims(diag, dims, input.getRank(), "reduction")))
    return failure();
  SmallVector<int64_t> shape;
  for (auto [i, size] : llvm::enumerate(input.getShape())) {
    if (!llvm::is_contained(dims, static_cast<int64_t>(i)))
      shape.push_back(size);
    else if (keepdim)
      shape.push_back(1);
  }
  return Type(RankedTensorType::get(shape, input.getElementType()));
}

LogicalResult ReduceOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties properties, RegionRange regions,
    SmallVectorImpl<Type> &inferred) {
  Adaptor adaptor(operands, attributes, properties, regions);
  FailureOr<Type> type =
      inferReduce(OpDiag{loc, getOperationName()}, operands[0].getType(),
                  adaptor.getDims(), adaptor.getKeepdim());
  return pushInferred(type, inferred);
}

LogicalResult ReduceOp::verify() {
  FailureOr<Type> type = inferReduce(OpDiag{getLoc(), getOperationName()},
                                     getInput().getType(), getDims(),
                                     getKeepdim());
  return failed(type) ? failure() : checkInferred(*this, *type);
}

//===----------------------------------------------------------------------===//
// Softmax, LayerNorm, RmsNorm
//===----------------------------------------------------------------------===//

static LogicalResult verifySoftmax(Operation *op, RankedTensorType type,
                                   int64_t dim) {
  OpDiag diag{op->getLoc(), op->getName().getStringRef()};
  return verifyDims(diag, {dim}, type.getRank(), "softmax");
}

LogicalResult SoftmaxOp::verify() {
  return verifySoftmax(*this, getInput().getType(), getDim());
}
LogicalResult LogSoftmaxOp::verify() {
  return verifySoftmax(*this, getInput().getType(), getDim());
}

/// Normalizations run over the last dimension; their optional parameters are
/// vectors of its size with the input's element type.
static LogicalResult verifyNorm(Operation *op, RankedTensorType input,
                                ArrayRef<std::pair<StringRef, Value>> params,
                                double epsilon) {
  if (input.getRank() < 1)
    return op->emitOpError() << "input must have rank 1 or more";
  if (!(epsilon > 0))
    return op->emitOpError() << "epsilon (" << epsilon << ") must be positive";
  int64_t last = input.getDimSize(input.getRank() - 1);
  for (auto [name, value] : params) {
    if (!value)
      continue;
    auto type = rankedOf(value);
    if (type.getRank() != 1)
      return op->emitOpError() << name << " must be a vector, got " << type;
    if (type.getElementType() != input.getElementType())
      return op->emitOpError()
             << name << " element type " << type.getElementType()
             << " does not match input element type "
             << input.getElementType();
    int64_t size = type.getDimSize(0);
    if (!ShapedType::isDynamic(size) && !ShapedType::isDynamic(last) &&
        size != last)
      return op->emitOpError()
             << name << " dimension 0 (" << size
             << ") does not match input dimension " << input.getRank() - 1
             << " (" << last << ")";
  }
  return success();
}

LogicalResult LayerNormOp::verify() {
  return verifyNorm(*this, getInput().getType(),
                    {{"weight", getWeight()}, {"bias", getBias()}},
                    getEpsilon().convertToDouble());
}

LogicalResult RmsNormOp::verify() {
  return verifyNorm(*this, getInput().getType(), {{"weight", getWeight()}},
                    getEpsilon().convertToDouble());
}

//===----------------------------------------------------------------------===//
// TransposeOp
//===----------------------------------------------------------------------===//

static FailureOr<Type> inferTranspose(const OpDiag &diag, Type inputType,
                                      ArrayRef<int64_t> permutation) {
  auto input = cast<RankedTensorType>(inputType);
  if (static_cast<int64_t>(permutation.size()) != input.getRank())
    return diag.error("permutation has ", permutation.size(),
                      " entries but the input has rank ", input.getRank());
  if (failed(verifyDims(diag, permutation, input.getRank(), "permutation")))
    return failure();
  SmallVector<int64_t> shape;
  for (int64_t dim : permutation)
    shape.push_back(input.getDimSize(dim));
  return Type(RankedTensorType::get(shape, input.getElementType()));
}

LogicalResult TransposeOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties properties, RegionRange regions,
    SmallVectorImpl<Type> &inferred) {
  Adaptor adaptor(operands, attributes, properties, regions);
  FailureOr<Type> type = inferTranspose(OpDiag{loc, getOperationName()},
                                        operands[0].getType(),
                                        adaptor.getPermutation());
  return pushInferred(type, inferred);
}

LogicalResult TransposeOp::verify() {
  FailureOr<Type> type = inferTranspose(OpDiag{getLoc(), getOperationName()},
                                        getInput().getType(),
                                        getPermutation());
  return failed(type) ? failure() : checkInferred(*this, *type);
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  if (llvm::equal(getPermutation(),
                  llvm::seq<int64_t>(0, getPermutation().size())))
    return getInput();
  return {};
}

namespace {
/// transpose(transpose(x, p), q) -> transpose(x, p o q).
struct ComposeTransposes : public OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<TransposeOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "input is not a transpose");
    SmallVector<int64_t> composed;
    for (int64_t dim : op.getPermutation())
      composed.push_back(inner.getPermutation()[dim]);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getType(),
                                             inner.getInput(), composed);
    return success();
  }
};
} // namespace

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<ComposeTransposes>(context);
}

//===----------------------------------------------------------------------===//
// ReshapeOp and BroadcastToOp
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError() << "input element type " << in.getElementType()
                         << " does not match result element type "
                         << out.getElementType();
  if (out.getNumDynamicDims() > 1)
    return emitOpError() << "result " << out
                         << " has more than one dynamic dimension, so its "
                            "shape is ambiguous";
  if (in.hasStaticShape() && out.hasStaticShape() &&
      in.getNumElements() != out.getNumElements())
    return emitOpError() << "input " << in << " has " << in.getNumElements()
                         << " elements but result " << out << " has "
                         << out.getNumElements();
  if (in.hasStaticShape() && out.getNumDynamicDims() == 1) {
    int64_t known = 1;
    for (int64_t size : out.getShape())
      if (!ShapedType::isDynamic(size))
        known *= size;
    if (known == 0 || in.getNumElements() % known != 0)
      return emitOpError() << "input " << in << " has " << in.getNumElements()
                           << " elements, not a multiple of the " << known
                           << " that the static dimensions of " << out
                           << " hold";
  }
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  if (auto attr = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    if (getType().hasStaticShape())
      return attr.reshape(getType());
  return {};
}

LogicalResult BroadcastToOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError() << "input element type " << in.getElementType()
                         << " does not match result element type "
                         << out.getElementType();
  if (in.getRank() > out.getRank())
    return emitOpError() << "cannot broadcast input of rank " << in.getRank()
                         << " to result of lower rank " << out.getRank();
  int64_t offset = out.getRank() - in.getRank();
  // The op has no size operands: a dynamic result size must be the input's.
  for (int64_t d = 0; d < out.getRank(); ++d)
    if (out.isDynamicDim(d) && (d < offset || !in.isDynamicDim(d - offset)))
      return emitOpError() << "result dimension " << d
                           << " is dynamic but the input does not determine "
                              "its size";
  for (int64_t i = 0; i < in.getRank(); ++i) {
    int64_t from = in.getDimSize(i), to = out.getDimSize(i + offset);
    if (from == 1 || from == to)
      continue;
    return emitOpError() << "input dimension " << i << " (" << dimStr(from)
                         << ") cannot be broadcast to result dimension "
                         << i + offset << " (" << dimStr(to) << ")";
  }
  return success();
}

OpFoldResult BroadcastToOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto attr = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    if (attr.isSplat() && getType().hasStaticShape())
      return DenseElementsAttr::get(getType(),
                                    attr.getSplatValue<Attribute>());
  return {};
}

//===----------------------------------------------------------------------===//
// ConcatOp
//===----------------------------------------------------------------------===//

static FailureOr<Type> inferConcat(const OpDiag &diag, TypeRange types,
                                   int64_t dim) {
  if (types.empty())
    return diag.error("needs at least one input");
  auto first = cast<RankedTensorType>(types[0]);
  int64_t rank = first.getRank();
  if (failed(verifyDims(diag, {dim}, rank, "concatenation")))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  for (auto [i, type] : llvm::enumerate(types.drop_front())) {
    auto input = cast<RankedTensorType>(type);
    int64_t index = i + 1;
    if (input.getRank() != rank)
      return diag.error("input ", index, " has rank ", input.getRank(),
                        " but input 0 has rank ", rank);
    if (input.getElementType() != first.getElementType())
      return diag.error("input ", index, " element type ",
                        input.getElementType(),
                        " does not match input 0 element type ",
                        first.getElementType());
    for (int64_t d = 0; d < rank; ++d) {
      int64_t size = input.getDimSize(d);
      if (d == dim) {
        shape[d] = ShapedType::isDynamic(shape[d]) || ShapedType::isDynamic(size)
                       ? ShapedType::kDynamic
                       : shape[d] + size;
        continue;
      }
      if (ShapedType::isDynamic(shape[d])) {
        shape[d] = size;
      } else if (!ShapedType::isDynamic(size) && size != shape[d]) {
        return diag.error("input ", index, " dimension ", d, " (", size,
                          ") does not match input 0 dimension ", d, " (",
                          shape[d], ")");
      }
    }
  }
  return Type(RankedTensorType::get(shape, first.getElementType()));
}

LogicalResult ConcatOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties properties, RegionRange regions,
    SmallVectorImpl<Type> &inferred) {
  Adaptor adaptor(operands, attributes, properties, regions);
  FailureOr<Type> type = inferConcat(OpDiag{loc, getOperationName()},
                                     operands.getTypes(), adaptor.getDim());
  return pushInferred(type, inferred);
}

LogicalResult ConcatOp::verify() {
  FailureOr<Type> type = inferConcat(OpDiag{getLoc(), getOperationName()},
                                     getInputs().getTypes(), getDim());
  return failed(type) ? failure() : checkInferred(*this, *type);
}

//===----------------------------------------------------------------------===//
// SliceOp
//===----------------------------------------------------------------------===//

static FailureOr<Type> inferSlice(const OpDiag &diag, Type inputType,
                                  ArrayRef<int64_t> offsets,
                                  ArrayRef<int64_t> sizes,
                                  ArrayRef<int64_t> strides) {
  auto input = cast<RankedTensorType>(inputType);
  int64_t rank = input.getRank();
  for (auto [name, list] :
       {std::pair<StringRef, ArrayRef<int64_t>>{"offsets", offsets},
        {"sizes", sizes},
        {"strides", strides}})
    if (static_cast<int64_t>(list.size()) != rank)
      return diag.error(name, " has ", list.size(),
                        " entries but the input has rank ", rank);
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    if (offsets[d] < 0 || sizes[d] < -1 || strides[d] <= 0)
      return diag.error("dimension ", d, ": offset (", offsets[d],
                        ") must be non-negative, size (", sizes[d],
                        ") non-negative or -1 (to the end) and stride (",
                        strides[d], ") positive");
    int64_t dim = input.getDimSize(d);
    if (sizes[d] == -1) {
      // To the end: every stride-th element from the offset on.
      if (!ShapedType::isDynamic(dim) && offsets[d] > dim)
        return diag.error("dimension ", d, ": the offset ", offsets[d],
                          " is past the input's size ", dim);
      shape.push_back(ShapedType::isDynamic(dim)
                          ? ShapedType::kDynamic
                          : (dim - offsets[d] + strides[d] - 1) / strides[d]);
      continue;
    }
    int64_t end = sizes[d] == 0 ? offsets[d] : offsets[d] + (sizes[d] - 1) * strides[d] + 1;
    if (!ShapedType::isDynamic(dim) && end > dim)
      return diag.error("dimension ", d, ": the window [", offsets[d], ", ",
                        end, ") does not fit in the input's size ", dim);
    shape.push_back(sizes[d]);
  }
  return Type(RankedTensorType::get(shape, input.getElementType()));
}

LogicalResult SliceOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties properties, RegionRange regions,
    SmallVectorImpl<Type> &inferred) {
  Adaptor adaptor(operands, attributes, properties, regions);
  FailureOr<Type> type =
      inferSlice(OpDiag{loc, getOperationName()}, operands[0].getType(),
                 adaptor.getOffsets(), adaptor.getSizes(), adaptor.getStrides());
  return pushInferred(type, inferred);
}

LogicalResult SliceOp::verify() {
  FailureOr<Type> type =
      inferSlice(OpDiag{getLoc(), getOperationName()}, getInput().getType(),
                 getOffsets(), getSizes(), getStrides());
  return failed(type) ? failure() : checkInferred(*this, *type);
}

//===----------------------------------------------------------------------===//
// DropoutOp
//===----------------------------------------------------------------------===//

LogicalResult DropoutOp::verify() {
  double p = getP().convertToDouble();
  if (!(p >= 0.0 && p < 1.0))
    return emitOpError() << "p (" << p << ") must be in [0, 1)";
  int64_t seed = getSeedAttr().getInt();
  if (seed < 0 || seed > 0xffffffffLL)
    return emitOpError() << "seed (" << seed
                         << ") must be a 32-bit unsigned value";
  return success();
}

//===----------------------------------------------------------------------===//
// CumsumOp
//===----------------------------------------------------------------------===//

LogicalResult CumsumOp::verify() {
  auto type = cast<RankedTensorType>(getInput().getType());
  if (type.getRank() == 0)
    return emitOpError() << "needs a tensor of rank 1 or more, got rank 0";
  return verifyDims(OpDiag{getLoc(), getOperationName()}, {static_cast<int64_t>(getDim())},
                    type.getRank(), "cumsum");
}

//===----------------------------------------------------------------------===//
// ArgmaxOp, ArgminOp
//===----------------------------------------------------------------------===//

static FailureOr<Type> inferArgReduce(const OpDiag &diag, Type inputType,
                                      int64_t dim, bool keepdim) {
  auto input = cast<RankedTensorType>(inputType);
  if (input.getRank() == 0)
    return diag.error("needs a tensor of rank 1 or more, got rank 0");
  if (failed(verifyDims(diag, {dim}, input.getRank(), "index")))
    return failure();
  SmallVector<int64_t> shape;
  for (auto [d, size] : llvm::enumerate(input.getShape()))
    if (static_cast<int64_t>(d) != dim)
      shape.push_back(size);
    else if (keepdim)
      shape.push_back(1);
  return Type(RankedTensorType::get(
      shape, IntegerType::get(inputType.getContext(), 32)));
}

#define TESSERA_ARG_REDUCE(OP)                                                 \
  LogicalResult OP::inferReturnTypes(                                         \
      MLIRContext *, std::optional<Location> loc, ValueRange operands,         \
      DictionaryAttr attributes, OpaqueProperties properties,                  \
      RegionRange regions, SmallVectorImpl<Type> &inferred) {                  \
    Adaptor adaptor(operands, attributes, properties, regions);                \
    return pushInferred(inferArgReduce(OpDiag{loc, getOperationName()},        \
                                       operands[0].getType(), adaptor.getDim(), \
                                       adaptor.getKeepdim()),                   \
                        inferred);                                             \
  }                                                                            \
  LogicalResult OP::verify() {                                                 \
    FailureOr<Type> type =                                                     \
        inferArgReduce(OpDiag{getLoc(), getOperationName()},                   \
                       getInput().getType(), getDim(), getKeepdim());          \
    return failed(type) ? failure() : checkInferred(*this, *type);             \
  }
TESSERA_ARG_REDUCE(ArgmaxOp)
TESSERA_ARG_REDUCE(ArgminOp)
#undef TESSERA_ARG_REDUCE

//===----------------------------------------------------------------------===//
// TakeOp
//===----------------------------------------------------------------------===//

static FailureOr<Type> inferTake(const OpDiag &diag, Type inputType,
                                 Type indicesType, int64_t dim) {
  auto input = cast<RankedTensorType>(inputType);
  auto indices = cast<RankedTensorType>(indicesType);
  if (input.getRank() == 0)
    return diag.error("takes from a tensor of rank 1 or more, got rank 0");
  if (failed(verifyDims(diag, {dim}, input.getRank(), "take")))
    return failure();
  SmallVector<int64_t> shape(input.getShape().take_front(dim));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, input.getShape().drop_front(dim + 1));
  return Type(RankedTensorType::get(shape, input.getElementType()));
}

LogicalResult TakeOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties properties, RegionRange regions,
    SmallVectorImpl<Type> &inferred) {
  Adaptor adaptor(operands, attributes, properties, regions);
  FailureOr<Type> type =
      inferTake(OpDiag{loc, getOperationName()}, operands[0].getType(),
                operands[1].getType(), adaptor.getDim());
  return pushInferred(type, inferred);
}

LogicalResult TakeOp::verify() {
  FailureOr<Type> type = inferTake(OpDiag{getLoc(), getOperationName()},
                                   getInput().getType(), getIndices().getType(),
                                   getDim());
  return failed(type) ? failure() : checkInferred(*this, *type);
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

static FailureOr<Type> inferAttention(const OpDiag &diag, Type queryType,
                                      Type keyType, Type valueType,
                                      Type maskType, std::optional<double> scale) {
  auto q = cast<RankedTensorType>(queryType);
  auto k = cast<RankedTensorType>(keyType);
  auto v = cast<RankedTensorType>(valueType);
  int64_t rank = q.getRank();
  if (rank < 2)
    return diag.error("query must have rank 2 or more, got rank ", rank);
  if (k.getRank() != rank || v.getRank() != rank)
    return diag.error("query, key and value must have the same rank, got ",
                      rank, ", ", k.getRank(), " and ", v.getRank());
  if (k.getElementType() != q.getElementType() ||
      v.getElementType() != q.getElementType())
    return diag.error("query, key and value element types ",
                      q.getElementType(), ", ", k.getElementType(), " and ",
                      v.getElementType(), " differ");
  auto mismatch = [&](StringRef a, RankedTensorType ta, int64_t da,
                      StringRef b, RankedTensorType tb,
                      int64_t db) -> LogicalResult {
    int64_t x = ta.getDimSize(da), y = tb.getDimSize(db);
    if (ShapedType::isDynamic(x) || ShapedType::isDynamic(y) || x == y)
      return success();
    return diag.error(a, " dimension ", da, " (", x, ") does not match ", b,
                      " dimension ", db, " (", y, ")");
  };
  // Head dims of query and key; key and value sequence lengths.
  if (failed(mismatch("query", q, rank - 1, "key", k, rank - 1)) ||
      failed(mismatch("key", k, rank - 2, "value", v, rank - 2)))
    return failure();
  for (int64_t d = 0; d < rank - 2; ++d)
    if (failed(mismatch("query", q, d, "key", k, d)) ||
        failed(mismatch("query", q, d, "value", v, d)))
      return failure();
  if (scale && !(*scale > 0))
    return diag.error("scale (", *scale, ") must be positive");
  SmallVector<int64_t> scores(q.getShape());
  scores.back() = k.getDimSize(rank - 2);
  if (maskType) {
    auto mask = cast<RankedTensorType>(maskType);
    if (mask.getElementType() != q.getElementType())
      return diag.error("mask element type ", mask.getElementType(),
                        " does not match query element type ",
                        q.getElementType());
    if (mask.getRank() > rank)
      return diag.error("mask has rank ", mask.getRank(),
                        ", more than the scores' rank ", rank);
    for (int64_t i = 0; i < mask.getRank(); ++i) {
      int64_t m = mask.getDimSize(i), s = scores[rank - mask.getRank() + i];
      if (m == 1 || m == s)
        continue;
      return diag.error("mask dimension ", i, " (", dimStr(m),
                        ") does not broadcast to scores dimension ",
                        rank - mask.getRank() + i, " (", dimStr(s), ")");
    }
  }
  SmallVector<int64_t> shape(q.getShape());
  shape.back() = v.getDimSize(rank - 1);
  return Type(RankedTensorType::get(shape, q.getElementType()));
}

LogicalResult AttentionOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties properties, RegionRange regions,
    SmallVectorImpl<Type> &inferred) {
  Adaptor adaptor(operands, attributes, properties, regions);
  std::optional<double> scale;
  if (adaptor.getScale())
    scale = adaptor.getScale()->convertToDouble();
  FailureOr<Type> type = inferAttention(
      OpDiag{loc, getOperationName()}, adaptor.getQuery().getType(),
      adaptor.getKey().getType(), adaptor.getValue().getType(),
      adaptor.getMask() ? adaptor.getMask().getType() : Type(), scale);
  return pushInferred(type, inferred);
}

LogicalResult AttentionOp::verify() {
  std::optional<double> scale;
  if (getScale())
    scale = getScale()->convertToDouble();
  FailureOr<Type> type = inferAttention(
      OpDiag{getLoc(), getOperationName()}, getQuery().getType(),
      getKey().getType(), getValue().getType(),
      getMask() ? getMask().getType() : Type(), scale);
  return failed(type) ? failure() : checkInferred(*this, *type);
}

//===----------------------------------------------------------------------===//
// FusedOp
//===----------------------------------------------------------------------===//

LogicalResult FusedOp::verifyRegions() {
  Block &body = getBody().front();
  if (body.getArgumentTypes() != getInputs().getTypes())
    return emitOpError() << "body arguments " << body.getArgumentTypes()
                         << " do not match the inputs "
                         << getInputs().getTypes();
  auto yield = body.empty() ? YieldOp() : dyn_cast<YieldOp>(body.back());
  if (!yield)
    return emitOpError() << "body must end with 'tessera_graph.yield'";
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError() << "yields " << yield.getValues().getTypes()
                         << " but the results are " << getResultTypes();
  return success();
}

#define GET_OP_CLASSES
#include "Tessera/Dialect/Graph/IR/GraphOps.cpp.inc"
