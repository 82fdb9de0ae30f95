//===- GraphToLinalg.cpp - Graph IR to linalg/tensor/arith/math -----------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "Tessera/Conversion/Passes.h"
#include "Tessera/Dialect/Graph/IR/GraphOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

namespace mlir::tessera {
#define GEN_PASS_DEF_CONVERTTESSERAGRAPHTOLINALG
#include "Tessera/Conversion/Passes.h.inc"
} // namespace mlir::tessera

using namespace mlir;
using namespace mlir::tessera;
using namespace mlir::tessera::graph;

//===----------------------------------------------------------------------===//
// Numerics
//===----------------------------------------------------------------------===//

static bool isNarrowFloat(Type type) {
  auto f = dyn_cast<FloatType>(type);
  return f && f.getWidth() < 32;
}

/// The type elementwise math on `element` is done in for `op`.
static Type computeType(Operation *op, Type element) {
  if (NumericsAttr policy = getNumericsPolicy(op))
    if (Type compute = policy.getCompute())
      return compute;
  return isNarrowFloat(element) ? Float32Type::get(op->getContext()) : element;
}

/// The type reductions and contractions accumulate in.
static Type accumulateType(Operation *op, Type element, Type explicitAcc = {}) {
  if (explicitAcc)
    return explicitAcc;
  if (NumericsAttr policy = getNumericsPolicy(op))
    if (Type acc = policy.getAccumulate())
      return acc;
  return isNarrowFloat(element) ? Float32Type::get(op->getContext()) : element;
}

/// Largest finite value of a float type, or the bounds of an integer type.
static Value typeBound(OpBuilder &b, Location loc, Type boundType,
                       Type valueType, bool upper) {
  if (auto f = dyn_cast<FloatType>(boundType)) {
    APFloat bound = APFloat::getLargest(f.getFloatSemantics(), !upper);
    bool lost;
    bound.convert(cast<FloatType>(valueType).getFloatSemantics(),
                  APFloat::rmTowardZero, &lost);
    return arith::ConstantOp::create(b, loc, valueType,
                                     b.getFloatAttr(valueType, bound));
  }
  unsigned width = cast<IntegerType>(boundType).getWidth();
  APInt bound = upper ? APInt::getSignedMaxValue(width)
                      : APInt::getSignedMinValue(width);
  if (auto f = dyn_cast<FloatType>(valueType))
    return arith::ConstantOp::create(
        b, loc, valueType,
        b.getFloatAttr(valueType, static_cast<double>(bound.getSExtValue())));
  return arith::ConstantOp::create(
      b, loc, valueType,
      b.getIntegerAttr(valueType, bound.sext(valueType.getIntOrFloatBitWidth())));
}

static Value castScalar(OpBuilder &b, Location loc, Value value, Type to,
                        RoundingMode rounding = RoundingMode::nearest,
                        bool saturate = false, ElementPosition at = {});
static Value floatConstant(OpBuilder &b, Location loc, Type type, double v);

//===----------------------------------------------------------------------===//
// f8 conversions in software
//===----------------------------------------------------------------------===//
//
// LLVM has no 8-bit float types (MLIR stores them as i8), so conversions to
// and from f8E4M3FN and f8E5M2 are built from integer and f32 arithmetic.
// All of it is exact in f32: every f8 value and every power of two in range
// is an f32.

namespace {
struct F8Format {
  int64_t mantissaBits, bias, minExponent;
  double maxFinite;
  bool hasInfinity; // E5M2: IEEE-style inf and NaN; E4M3FN: NaN only
};
} // namespace

static std::optional<F8Format> f8Format(Type type) {
  if (isa<Float8E4M3FNType>(type))
    return F8Format{3, 7, -6, 448.0, false};
  if (isa<Float8E5M2Type>(type))
    return F8Format{2, 15, -14, 57344.0, true};
  return std::nullopt;
}

static Value i32Constant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantOp::create(b, loc, b.getI32Type(),
                                   b.getI32IntegerAttr(static_cast<int32_t>(v)));
}

/// 2^k as an f32, for an i32 k in the normal range: its bits are k + 127 in
/// the exponent field.
static Value exp2f32(OpBuilder &b, Location loc, Value k) {
  Value biased = arith::AddIOp::create(b, loc, k, i32Constant(b, loc, 127));
  return arith::BitcastOp::create(
      b, loc, b.getF32Type(),
      arith::ShLIOp::create(b, loc, biased, i32Constant(b, loc, 23)));
}

/// The unbiased exponent of a positive normal f32 (-127 for zero).
static Value exponentOf(OpBuilder &b, Location loc, Value positive) {
  Value bits = arith::BitcastOp::create(b, loc, b.getI32Type(), positive);
  Value field = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, i32Constant(b, loc, 23)),
      i32Constant(b, loc, 0xFF));
  return arith::SubIOp::create(b, loc, field, i32Constant(b, loc, 127));
}

static Value uniformForElement(OpBuilder &b, Location loc, ElementPosition at);

/// f32 -> f8: scale to the value's ulp, round the quotient (nearest even,
/// toward zero, or stochastically: floor(q + u)), scale back, and encode.
/// Overflow gives NaN (E4M3FN) or infinity (E5M2), or the largest finite
/// value with `saturate`.
static Value encodeF8(OpBuilder &b, Location loc, Value x, Type to,
                      const F8Format &f, RoundingMode rounding, bool saturate,
                      ElementPosition at) {
  Type f32 = b.getF32Type(), i32 = b.getI32Type(), i8 = b.getI8Type();
  int64_t m = f.mantissaBits;
  Value a = math::AbsFOp::create(b, loc, x);
  Value e = arith::MaxSIOp::create(b, loc, exponentOf(b, loc, a),
                                   i32Constant(b, loc, f.minExponent));
  Value ulp = exp2f32(b, loc, arith::SubIOp::create(b, loc, e, i32Constant(b, loc, m)));
  Value q = arith::DivFOp::create(b, loc, a, ulp);
  Value r;
  if (rounding == RoundingMode::nearest)
    r = math::RoundEvenOp::create(b, loc, q);
  else if (rounding == RoundingMode::toward_zero)
    r = math::FloorOp::create(b, loc, q);
  else
    r = math::FloorOp::create(
        b, loc, arith::AddFOp::create(b, loc, q, uniformForElement(b, loc, at)));
  Value v = arith::MulFOp::create(b, loc, r, ulp);

  // Encode v (a multiple of its ulp, possibly one binade up after rounding).
  Value ev = exponentOf(b, loc, v);
  Value subnormal = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, ev,
                                          i32Constant(b, loc, f.minExponent));
  Value subMant = arith::FPToUIOp::create(
      b, loc, i32,
      arith::DivFOp::create(b, loc, v,
                            exp2f32(b, loc, i32Constant(b, loc, f.minExponent - m))));
  Value normMant = arith::SubIOp::create(
      b, loc,
      arith::FPToUIOp::create(
          b, loc, i32,
          arith::DivFOp::create(
              b, loc, v,
              exp2f32(b, loc, arith::SubIOp::create(b, loc, ev, i32Constant(b, loc, m))))),
      i32Constant(b, loc, int64_t(1) << m));
  Value normCode = arith::OrIOp::create(
      b, loc,
      arith::ShLIOp::create(
          b, loc, arith::AddIOp::create(b, loc, ev, i32Constant(b, loc, f.bias)),
          i32Constant(b, loc, m)),
      normMant);
  Value code = arith::SelectOp::create(b, loc, subnormal, subMant, normCode);

  // Specials: overflow (including infinite inputs) and NaN.
  int64_t maxCode = f.hasInfinity ? 0x7B : 0x7E;
  int64_t overflowCode = saturate ? maxCode : (f.hasInfinity ? 0x7C : 0x7F);
  Value overflow = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, v,
                                         floatConstant(b, loc, f32, f.maxFinite));
  code = arith::SelectOp::create(b, loc, overflow, i32Constant(b, loc, overflowCode),
                                 code);
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
  code = arith::SelectOp::create(b, loc, isNan,
                                 i32Constant(b, loc, f.hasInfinity ? 0x7E : 0x7F), code);
  Value sign = arith::AndIOp::create(
      b, loc,
      arith::ShRUIOp::create(b, loc, arith::BitcastOp::create(b, loc, i32, x),
                             i32Constant(b, loc, 24)),
      i32Constant(b, loc, 0x80));
  Value byte = arith::TruncIOp::create(b, loc, i8,
                                       arith::OrIOp::create(b, loc, code, sign));
  return arith::BitcastOp::create(b, loc, to, byte);
}

/// f8 -> f32, exactly.
static Value decodeF8(OpBuilder &b, Location loc, Value x, const F8Format &f) {
  Type f32 = b.getF32Type(), i32 = b.getI32Type();
  int64_t m = f.mantissaBits, expBits = 7 - m;
  Value u = arith::ExtUIOp::create(
      b, loc, i32, arith::BitcastOp::create(b, loc, b.getI8Type(), x));
  Value expField = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, u, i32Constant(b, loc, m)),
      i32Constant(b, loc, (int64_t(1) << expBits) - 1));
  Value mant = arith::AndIOp::create(b, loc, u, i32Constant(b, loc, (int64_t(1) << m) - 1));
  Value sub = arith::MulFOp::create(
      b, loc, arith::UIToFPOp::create(b, loc, f32, mant),
      exp2f32(b, loc, i32Constant(b, loc, f.minExponent - m)));
  Value norm = arith::MulFOp::create(
      b, loc,
      arith::UIToFPOp::create(
          b, loc, f32,
          arith::OrIOp::create(b, loc, mant, i32Constant(b, loc, int64_t(1) << m))),
      exp2f32(b, loc, arith::SubIOp::create(b, loc, expField,
                                            i32Constant(b, loc, f.bias + m))));
  Value isSub = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, expField,
                                      i32Constant(b, loc, 0));
  Value value = arith::SelectOp::create(b, loc, isSub, sub, norm);
  Value maxExp = i32Constant(b, loc, (int64_t(1) << expBits) - 1);
  Value nan = floatConstant(b, loc, f32, std::nan(""));
  if (f.hasInfinity) {
    Value top = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, expField, maxExp);
    Value zeroMant = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, mant,
                                           i32Constant(b, loc, 0));
    Value inf = floatConstant(b, loc, f32, INFINITY);
    value = arith::SelectOp::create(
        b, loc, top, arith::SelectOp::create(b, loc, zeroMant, inf, nan), value);
  } else {
    Value isNan = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::eq,
        arith::AndIOp::create(b, loc, u, i32Constant(b, loc, 0x7F)),
        i32Constant(b, loc, 0x7F));
    value = arith::SelectOp::create(b, loc, isNan, nan, value);
  }
  Value negative = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ne,
      arith::AndIOp::create(b, loc, u, i32Constant(b, loc, 0x80)),
      i32Constant(b, loc, 0));
  return arith::SelectOp::create(b, loc, negative,
                                 arith::NegFOp::create(b, loc, value), value);
}

/// A uniform pseudo-random f32 in [0, 1) for the element at `at`: a hash of
/// its indices (a deterministic stream per element position), the same
/// whether they come from a linalg.generic's loops or are given.
static Value uniformForElement(OpBuilder &b, Location loc, ElementPosition at) {
  Type i32 = b.getI32Type();
  auto constant = [&](uint32_t v) -> Value {
    return arith::ConstantOp::create(b, loc, i32,
                                     b.getIntegerAttr(i32, static_cast<int32_t>(v)));
  };
  Value h = constant(0x6A09E667u);
  int64_t rank = at.indices.empty() ? at.loops : at.indices.size();
  for (int64_t d = 0; d < rank; ++d) {
    Value index = arith::IndexCastOp::create(
        b, loc, i32,
        at.indices.empty() ? Value(linalg::IndexOp::create(b, loc, d))
                           : at.indices[d]);
    h = arith::MulIOp::create(b, loc, arith::XOrIOp::create(b, loc, h, index),
                              constant(0x9E3779B1u));
    h = arith::XOrIOp::create(
        b, loc, h, arith::ShRUIOp::create(b, loc, h, constant(15)));
  }
  h = arith::MulIOp::create(b, loc, h, constant(0x85EBCA6Bu));
  h = arith::XOrIOp::create(b, loc, h,
                            arith::ShRUIOp::create(b, loc, h, constant(13)));
  // The top 24 bits as a fraction.
  Value top = arith::ShRUIOp::create(b, loc, h, constant(8));
  Type f32 = b.getF32Type();
  return arith::MulFOp::create(b, loc, arith::UIToFPOp::create(b, loc, f32, top),
                               floatConstant(b, loc, f32, 1.0 / (1 << 24)));
}

/// Stochastic rounding of a float to a narrower float: rounds away from zero
/// with probability (|x| - |down|) / (|up| - |down|), where down and up are
/// the neighbours of x toward and away from zero, so the result is unbiased.
/// Non-finite values round to nearest.
static Value stochasticRound(OpBuilder &b, Location loc, Value x, Type to,
                             ElementPosition at) {
  Type from = x.getType();
  Value down = castScalar(b, loc, x, to, RoundingMode::toward_zero);
  Type bits = b.getIntegerType(to.getIntOrFloatBitWidth());
  Value one = arith::ConstantOp::create(b, loc, bits, b.getIntegerAttr(bits, 1));
  Value up = arith::BitcastOp::create(
      b, loc, to,
      arith::AddIOp::create(b, loc, arith::BitcastOp::create(b, loc, bits, down),
                            one));
  Value absX = math::AbsFOp::create(b, loc, x);
  Value absDown = math::AbsFOp::create(b, loc, arith::ExtFOp::create(b, loc, from, down));
  Value absUp = math::AbsFOp::create(b, loc, arith::ExtFOp::create(b, loc, from, up));
  Value p = arith::DivFOp::create(
      b, loc, arith::SubFOp::create(b, loc, absX, absDown),
      arith::SubFOp::create(b, loc, absUp, absDown));
  Value r = castScalar(b, loc, uniformForElement(b, loc, at), from);
  Value goUp = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, r, p);
  Value rounded = arith::SelectOp::create(b, loc, goUp, up, down);
  Value finite = arith::CmpFOp::create(
      b, loc, arith::CmpFPredicate::OLT, absX,
      arith::ConstantOp::create(
          b, loc, from,
          b.getFloatAttr(from, APFloat::getInf(cast<FloatType>(from).getFloatSemantics()))));
  return arith::SelectOp::create(b, loc, finite, rounded,
                                 arith::TruncFOp::create(b, loc, to, x));
}

/// Converts a scalar between numeric types with the given rounding and
/// saturation. Stochastic rounding draws on the element's position `at`.
static Value castScalar(OpBuilder &b, Location loc, Value value, Type to,
                        RoundingMode rounding, bool saturate, ElementPosition at) {
  Type from = value.getType();
  if (from == to)
    return value;
  // f8 goes through f32 (exact for every f8 value).
  Type f32 = b.getF32Type();
  if (std::optional<F8Format> format = f8Format(from))
    return castScalar(b, loc, decodeF8(b, loc, value, *format), to, rounding,
                      saturate, at);
  if (std::optional<F8Format> format = f8Format(to))
    return encodeF8(b, loc, castScalar(b, loc, value, f32), to, *format,
                    rounding, saturate, at);
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  if (fromFloat && toFloat) {
    if (toFloat.getWidth() > fromFloat.getWidth() ||
        APFloat::isRepresentableAsNormalIn(fromFloat.getFloatSemantics(),
                                           toFloat.getFloatSemantics()))
      return arith::ExtFOp::create(b, loc, to, value);
    if (saturate) {
      value = arith::MinimumFOp::create(
          b, loc, value, typeBound(b, loc, to, from, /*upper=*/true));
      value = arith::MaximumFOp::create(
          b, loc, value, typeBound(b, loc, to, from, /*upper=*/false));
    }
    if (rounding == RoundingMode::stochastic)
      return stochasticRound(b, loc, value, to, at);
    Value rounded = arith::TruncFOp::create(b, loc, to, value);
    if (rounding != RoundingMode::toward_zero)
      return rounded;
    // Toward zero, without the runtime library calls that LLVM's constrained
    // fptrunc needs: round to nearest, and where that moved away from zero
    // step back one ulp. In sign-magnitude encoding, decrementing the bits
    // shrinks the magnitude; an overflow to infinity steps back to the
    // largest finite value. NaN compares false and passes through.
    Value back = arith::ExtFOp::create(b, loc, from, rounded);
    Value away = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                       math::AbsFOp::create(b, loc, back),
                                       math::AbsFOp::create(b, loc, value));
    Type bits = b.getIntegerType(toFloat.getWidth());
    Value asInt = arith::BitcastOp::create(b, loc, bits, rounded);
    Value one = arith::ConstantOp::create(b, loc, bits, b.getIntegerAttr(bits, 1));
    Value stepped = arith::BitcastOp::create(
        b, loc, to, arith::SubIOp::create(b, loc, asInt, one));
    return arith::SelectOp::create(b, loc, away, stepped, rounded);
  }
  if (fromFloat) { // to integer
    if (to.isInteger(1)) {
      Value zero = arith::ConstantOp::create(b, loc, from, b.getFloatAttr(from, 0));
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, value, zero);
    }
    if (rounding == RoundingMode::nearest)
      value = math::RoundEvenOp::create(b, loc, value);
    if (saturate) {
      value = arith::MinimumFOp::create(
          b, loc, value, typeBound(b, loc, to, from, /*upper=*/true));
      value = arith::MaximumFOp::create(
          b, loc, value, typeBound(b, loc, to, from, /*upper=*/false));
    }
    return arith::FPToSIOp::create(b, loc, to, value);
  }
  if (toFloat) { // from integer
    if (from.isInteger(1))
      return arith::UIToFPOp::create(b, loc, to, value);
    return arith::SIToFPOp::create(b, loc, to, value);
  }
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (toWidth > fromWidth)
    return fromWidth == 1 ? Value(arith::ExtUIOp::create(b, loc, to, value))
                          : Value(arith::ExtSIOp::create(b, loc, to, value));
  if (to.isInteger(1)) {
    Value zero = arith::ConstantOp::create(b, loc, from, b.getIntegerAttr(from, 0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, value, zero);
  }
  if (saturate) {
    value = arith::MinSIOp::create(b, loc, value,
                                   typeBound(b, loc, to, from, /*upper=*/true));
    value = arith::MaxSIOp::create(b, loc, value,
                                   typeBound(b, loc, to, from, /*upper=*/false));
  }
  return arith::TruncIOp::create(b, loc, to, value);
}

/// Converts a computed value to an op's result element type the way the op's
/// numerics policy says: its rounding mode, saturation and denormal mode.
static Value toStorage(Operation *op, OpBuilder &b, Location loc, Value value,
                       Type element, ElementPosition at) {
  NumericsAttr policy = getNumericsPolicy(op);
  if (!policy)
    return castScalar(b, loc, value, element);
  Value result = castScalar(b, loc, value, element, policy.getRounding(),
                            policy.getSaturate(), at);
  auto floatType = dyn_cast<FloatType>(element);
  if (policy.getDenormals() != DenormalMode::flush || !floatType)
    return result;
  // Flush: values below the smallest normal magnitude become (signed) zero.
  Value smallest = arith::ConstantOp::create(
      b, loc, element,
      b.getFloatAttr(element,
                     APFloat::getSmallestNormalized(floatType.getFloatSemantics())));
  Value tiny = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT,
                                     math::AbsFOp::create(b, loc, result), smallest);
  Value zero = math::CopySignOp::create(
      b, loc, arith::ConstantOp::create(b, loc, element, b.getFloatAttr(element, 0.0)),
      result);
  return arith::SelectOp::create(b, loc, tiny, zero, result);
}

static Value floatConstant(OpBuilder &b, Location loc, Type type, double v) {
  return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, v));
}

/// The identity of a reduction in `type`.
static Value reductionInit(OpBuilder &b, Location loc, ReduceKind kind,
                           Type type) {
  if (auto f = dyn_cast<FloatType>(type)) {
    if (kind == ReduceKind::max || kind == ReduceKind::min)
      return arith::ConstantOp::create(
          b, loc, type,
          b.getFloatAttr(type, APFloat::getInf(f.getFloatSemantics(),
                                               kind == ReduceKind::max)));
    return floatConstant(b, loc, type, 0.0);
  }
  unsigned width = type.getIntOrFloatBitWidth();
  APInt init = kind == ReduceKind::max   ? APInt::getSignedMinValue(width)
               : kind == ReduceKind::min ? APInt::getSignedMaxValue(width)
                                         : APInt::getZero(width);
  return arith::ConstantOp::create(b, loc, type, b.getIntegerAttr(type, init));
}

static Value combine(OpBuilder &b, Location loc, ReduceKind kind, Value acc,
                     Value x) {
  bool isFloat = isa<FloatType>(acc.getType());
  switch (kind) {
  case ReduceKind::sum:
  case ReduceKind::mean:
    return isFloat ? Value(arith::AddFOp::create(b, loc, acc, x))
                   : Value(arith::AddIOp::create(b, loc, acc, x));
  case ReduceKind::max:
    return isFloat ? Value(arith::MaximumFOp::create(b, loc, acc, x))
                   : Value(arith::MaxSIOp::create(b, loc, acc, x));
  case ReduceKind::min:
    return isFloat ? Value(arith::MinimumFOp::create(b, loc, acc, x))
                   : Value(arith::MinSIOp::create(b, loc, acc, x));
  }
  llvm_unreachable("unknown reduction");
}

//===----------------------------------------------------------------------===//
// Tensor construction helpers
//===----------------------------------------------------------------------===//

/// tensor.empty of `type` whose dynamic sizes are `sizes[d]` at each dynamic
/// dimension d (entries at static dimensions are ignored).
static Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type,
                         ArrayRef<Value> sizes) {
  SmallVector<Value> dynamic;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dynamic.push_back(sizes[d]);
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType(), dynamic);
}

static Value dimOf(OpBuilder &b, Location loc, Value tensor, int64_t d) {
  return tensor::DimOp::create(b, loc, tensor, d);
}

/// Asserts at run time that two sizes the verifier could only assume equal
/// (both `?`) are equal: a mismatch aborts with a message instead of reading
/// out of bounds.
static void assertSameSize(OpBuilder &b, Location loc, Value x, Value y,
                           const Twine &what) {
  Value same = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y);
  cf::AssertOp::create(b, loc, same, b.getStringAttr(what));
}

/// Sizes of a result shape broadcast from `inputs` (NumPy alignment): each
/// dynamic result dimension takes its size from an input that is dynamic
/// there (the verifier guarantees one exists); other inputs dynamic there
/// must have the same size, checked at run time.
static SmallVector<Value> broadcastSizes(OpBuilder &b, Location loc,
                                         RankedTensorType result,
                                         ValueRange inputs) {
  SmallVector<Value> sizes(result.getRank());
  for (int64_t d = 0; d < result.getRank(); ++d) {
    if (!result.isDynamicDim(d))
      continue;
    for (Value input : inputs) {
      auto type = cast<RankedTensorType>(input.getType());
      int64_t j = d - (result.getRank() - type.getRank());
      if (j < 0 || !type.isDynamicDim(j))
        continue;
      Value size = dimOf(b, loc, input, j);
      if (!sizes[d])
        sizes[d] = size;
      else
        assertSameSize(b, loc, sizes[d], size,
                       "broadcast: dynamic dimensions " + Twine(d) +
                           " of the operands differ");
    }
  }
  return sizes;
}

/// Indexing map reading `input` (NumPy-aligned to the right) at the
/// iteration point of a `resultRank`-d loop nest; stretched size-1 dims read
/// index 0.
static AffineMap broadcastMap(MLIRContext *ctx, RankedTensorType input,
                              RankedTensorType result) {
  SmallVector<AffineExpr> exprs;
  int64_t offset = result.getRank() - input.getRank();
  for (int64_t j = 0; j < input.getRank(); ++j) {
    int64_t d = j + offset;
    if (input.getDimSize(j) == 1 && result.getDimSize(d) != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(d, ctx));
  }
  return AffineMap::get(result.getRank(), 0, exprs, ctx);
}

using ScalarFn =
    function_ref<Value(OpBuilder &, Location, ValueRange /*scalars*/)>;

/// linalg.generic computing `fn` elementwise over `resultType` with the
/// inputs broadcast to it.
static Value elementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                         ValueRange inputs, ScalarFn fn) {
  MLIRContext *ctx = b.getContext();
  Value init =
      emptyTensor(b, loc, resultType, broadcastSizes(b, loc, resultType, inputs));
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(broadcastMap(ctx, cast<RankedTensorType>(input.getType()),
                                resultType));
  maps.push_back(AffineMap::getMultiDimIdentityMap(resultType.getRank(), ctx));
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, inputs, init, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value out = fn(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, out);
      });
  return generic.getResult(0);
}

/// Casts every element of `value` to `element`.
static Value castTensor(OpBuilder &b, Location loc, Value value, Type element,
                        RoundingMode rounding = RoundingMode::nearest,
                        bool saturate = false) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType() == element)
    return value;
  return elementwise(b, loc, type.clone(element), value,
                     [&](OpBuilder &nb, Location nloc, ValueRange args) {
                       return castScalar(nb, nloc, args[0], element, rounding,
                                         saturate, type.getRank());
                     });
}

/// Casts an op's computed tensor to its result element type the way its
/// numerics policy says (rounding, saturation, denormals; see toStorage):
/// the policy applies to every op's output, not only to elementwise math.
static Value storeTensor(Operation *op, OpBuilder &b, Location loc, Value value,
                         Type element) {
  NumericsAttr policy = getNumericsPolicy(op);
  auto type = cast<RankedTensorType>(value.getType());
  bool trivial = !policy || (policy.getRounding() == RoundingMode::nearest &&
                             !policy.getSaturate() &&
                             policy.getDenormals() != DenormalMode::flush);
  if (trivial)
    return castTensor(b, loc, value, element);
  return elementwise(b, loc, type.clone(element), value,
                     [&](OpBuilder &nb, Location nloc, ValueRange args) {
                       return toStorage(op, nb, nloc, args[0], element,
                                        type.getRank());
                     });
}

/// Reduces `input` over `dims` with `kind`, accumulating in `acc`; the
/// result drops the reduced dimensions and has element type `acc`.
static Value reduceTensor(OpBuilder &b, Location loc, Value input,
                          ArrayRef<int64_t> dims, ReduceKind kind, Type acc) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (llvm::is_contained(dims, d))
      continue;
    shape.push_back(type.getDimSize(d));
    sizes.push_back(type.isDynamicDim(d) ? dimOf(b, loc, input, d) : Value());
  }
  auto resultType = RankedTensorType::get(shape, acc);
  Value init = emptyTensor(b, loc, resultType, sizes);
  init = linalg::FillOp::create(b, loc, reductionInit(b, loc, kind, acc), init)
             .getResult(0);
  SmallVector<int64_t> sortedDims(dims);
  llvm::sort(sortedDims);
  auto reduce = linalg::ReduceOp::create(
      b, loc, input, init, sortedDims,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value x = castScalar(nb, nloc, args[0], acc);
        linalg::YieldOp::create(nb, nloc, combine(nb, nloc, kind, args[1], x));
      });
  return reduce.getResult(0);
}

/// Number of elements of `input` along `dims`, as a scalar of `type`.
static Value countAlong(OpBuilder &b, Location loc, Value input,
                        ArrayRef<int64_t> dims, Type type) {
  auto tensorType = cast<RankedTensorType>(input.getType());
  Value count = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t d : dims) {
    Value size = tensorType.isDynamicDim(d)
                     ? dimOf(b, loc, input, d)
                     : Value(arith::ConstantIndexOp::create(
                           b, loc, tensorType.getDimSize(d)));
    count = arith::MulIOp::create(b, loc, count, size);
  }
  Value asInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), count);
  if (isa<FloatType>(type))
    return arith::SIToFPOp::create(b, loc, type, asInt);
  return castScalar(b, loc, asInt, type);
}

/// Map that reads a tensor with `dims` removed at the iteration point of a
/// `rank`-d loop nest (for combining a reduction result with its input).
static AffineMap droppedDimsMap(MLIRContext *ctx, int64_t rank,
                                ArrayRef<int64_t> dims) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(dims, d))
      exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// linalg.generic over the shape of `full`, reading `full` with the identity
/// map and each of `reduced` (results of reducing `full` over `dims`) along
/// the kept dimensions.
static Value combineWithReduced(OpBuilder &b, Location loc, Value full,
                                ValueRange reduced, ArrayRef<int64_t> dims,
                                Type element, ScalarFn fn) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(full.getType());
  auto resultType = type.clone(element);
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    sizes.push_back(type.isDynamicDim(d) ? dimOf(b, loc, full, d) : Value());
  Value init = emptyTensor(b, loc, resultType, sizes);
  SmallVector<Value> inputs{full};
  llvm::append_range(inputs, reduced);
  SmallVector<AffineMap> maps{
      AffineMap::getMultiDimIdentityMap(type.getRank(), ctx)};
  for (size_t i = 0; i < reduced.size(); ++i)
    maps.push_back(droppedDimsMap(ctx, type.getRank(), dims));
  maps.push_back(AffineMap::getMultiDimIdentityMap(type.getRank(), ctx));
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, resultType, inputs, init, maps, iterators,
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(nb, nloc,
                                       fn(nb, nloc, args.drop_back()));
             })
      .getResult(0);
}

/// Inserts size-1 dimensions at `dims` (keepdim): each reduced dimension
/// joins the reassociation group of the kept dimension before it (leading
/// ones that of the first kept dimension).
static Value expandReduced(OpBuilder &b, Location loc, Value reduced,
                           RankedTensorType keepType, ArrayRef<int64_t> dims) {
  auto type = cast<RankedTensorType>(reduced.getType());
  SmallVector<ReassociationIndices> groups;
  SmallVector<OpFoldResult> outputShape;
  ReassociationIndices pending;
  int64_t source = 0;
  for (int64_t d = 0; d < keepType.getRank(); ++d) {
    if (llvm::is_contained(dims, d)) {
      outputShape.push_back(b.getIndexAttr(1));
      if (groups.empty())
        pending.push_back(d);
      else
        groups.back().push_back(d);
      continue;
    }
    outputShape.push_back(
        type.isDynamicDim(source)
            ? OpFoldResult(dimOf(b, loc, reduced, source))
            : OpFoldResult(b.getIndexAttr(type.getDimSize(source))));
    ReassociationIndices group(pending);
    pending.clear();
    group.push_back(d);
    groups.push_back(group);
    ++source;
  }
  return tensor::ExpandShapeOp::create(b, loc, keepType, reduced, groups,
                                       outputShape);
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

/// Batched matmul of `lhs` and `rhs` (optionally transposed in their last two
/// dims, batch dims broadcast) accumulating in and returning `acc` elements.
static Value contract(OpBuilder &b, Location loc, Value lhs, Value rhs,
                      bool transposeLhs, bool transposeRhs,
                      RankedTensorType resultShape, Type acc) {
  MLIRContext *ctx = b.getContext();
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  int64_t rank = resultShape.getRank(), batch = rank - 2;
  auto outType = resultShape.clone(acc);

  SmallVector<Value> sizes(rank);
  for (int64_t d = 0; d < batch; ++d) {
    if (!outType.isDynamicDim(d))
      continue;
    for (Value operand : {lhs, rhs}) {
      auto t = cast<RankedTensorType>(operand.getType());
      int64_t j = d - (batch - (t.getRank() - 2));
      if (j >= 0 && t.isDynamicDim(j)) {
        sizes[d] = dimOf(b, loc, operand, j);
        break;
      }
    }
  }
  if (outType.isDynamicDim(rank - 2))
    sizes[rank - 2] = dimOf(b, loc, lhs, transposeLhs ? lt.getRank() - 1 : lt.getRank() - 2);
  if (outType.isDynamicDim(rank - 1))
    sizes[rank - 1] = dimOf(b, loc, rhs, transposeRhs ? rt.getRank() - 2 : rt.getRank() - 1);
  int64_t lk = transposeLhs ? lt.getRank() - 2 : lt.getRank() - 1;
  int64_t rk = transposeRhs ? rt.getRank() - 1 : rt.getRank() - 2;
  if (lt.isDynamicDim(lk) || rt.isDynamicDim(rk))
    assertSameSize(b, loc, dimOf(b, loc, lhs, lk), dimOf(b, loc, rhs, rk),
                   "matmul: the contraction dimensions of lhs and rhs differ");
  Value init = emptyTensor(b, loc, outType, sizes);
  Value zero = isa<FloatType>(acc) ? floatConstant(b, loc, acc, 0.0)
                                   : Value(arith::ConstantOp::create(
                                         b, loc, acc, b.getIntegerAttr(acc, 0)));
  init = linalg::FillOp::create(b, loc, zero, init).getResult(0);

  // Named ops where they fit (their implicit operand casts cannot convert
  // from f8, which has no LLVM type).
  bool f8Operands = f8Format(lt.getElementType()) || f8Format(rt.getElementType());
  if (!f8Operands && !transposeLhs && !transposeRhs && lt.getRank() == 2 &&
      rt.getRank() == 2)
    return linalg::MatmulOp::create(b, loc, ValueRange{lhs, rhs}, init)
        .getResult(0);
  if (!f8Operands && !transposeLhs && !transposeRhs && lt.getRank() == 3 &&
      rt.getRank() == 3 && lt.getDimSize(0) == rt.getDimSize(0) &&
      lt.getDimSize(0) != 1)
    return linalg::BatchMatmulOp::create(b, loc, ValueRange{lhs, rhs}, init)
        .getResult(0);

  // Iteration space: batch..., m, n, k.
  int64_t m = batch, n = batch + 1, k = batch + 2;
  auto operandMap = [&](RankedTensorType t, int64_t row, int64_t col,
                        bool transposed) {
    SmallVector<AffineExpr> exprs;
    int64_t tb = t.getRank() - 2, offset = batch - tb;
    for (int64_t j = 0; j < tb; ++j) {
      int64_t d = j + offset;
      exprs.push_back(t.getDimSize(j) == 1 && outType.getDimSize(d) != 1
                          ? getAffineConstantExpr(0, ctx)
                          : getAffineDimExpr(d, ctx));
    }
    exprs.push_back(getAffineDimExpr(transposed ? col : row, ctx));
    exprs.push_back(getAffineDimExpr(transposed ? row : col, ctx));
    return AffineMap::get(rank + 1, 0, exprs, ctx);
  };
  SmallVector<AffineExpr> outExprs;
  for (int64_t d = 0; d < rank; ++d)
    outExprs.push_back(getAffineDimExpr(d, ctx));
  SmallVector<AffineMap> maps{operandMap(lt, m, k, transposeLhs),
                              operandMap(rt, k, n, transposeRhs),
                              AffineMap::get(rank + 1, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, outType, ValueRange{lhs, rhs}, init, maps, iterators,
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value x = castScalar(nb, nloc, args[0], acc);
               Value y = castScalar(nb, nloc, args[1], acc);
               Value sum =
                   isa<FloatType>(acc)
                       ? Value(arith::AddFOp::create(
                             nb, nloc, args[2],
                             arith::MulFOp::create(nb, nloc, x, y)))
                       : Value(arith::AddIOp::create(
                             nb, nloc, args[2],
                             arith::MulIOp::create(nb, nloc, x, y)));
               linalg::YieldOp::create(nb, nloc, sum);
             })
      .getResult(0);
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {

template <typename OpTy>
struct GraphPattern : public OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
};

struct ConstantLowering : public GraphPattern<ConstantOp> {
  using GraphPattern::GraphPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto value = dyn_cast<TypedAttr>(op.getValue());
    if (!value)
      return rewriter.notifyMatchFailure(op, "value is not a typed attribute");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

/// Scalar math of the binary ops, in the compute type.
static Value binaryScalar(Operation *op, OpBuilder &b, Location loc, Value x,
                          Value y) {
  bool isFloat = isa<FloatType>(x.getType());
  if (isa<AddOp>(op))
    return isFloat ? Value(arith::AddFOp::create(b, loc, x, y))
                   : Value(arith::AddIOp::create(b, loc, x, y));
  if (isa<SubOp>(op))
    return isFloat ? Value(arith::SubFOp::create(b, loc, x, y))
                   : Value(arith::SubIOp::create(b, loc, x, y));
  if (isa<MulOp>(op))
    return isFloat ? Value(arith::MulFOp::create(b, loc, x, y))
                   : Value(arith::MulIOp::create(b, loc, x, y));
  if (isa<DivOp>(op))
    return isFloat ? Value(arith::DivFOp::create(b, loc, x, y))
                   : Value(arith::DivSIOp::create(b, loc, x, y));
  if (isa<MaxOp>(op))
    return isFloat ? Value(arith::MaximumFOp::create(b, loc, x, y))
                   : Value(arith::MaxSIOp::create(b, loc, x, y));
  if (isa<MinOp>(op))
    return isFloat ? Value(arith::MinimumFOp::create(b, loc, x, y))
                   : Value(arith::MinSIOp::create(b, loc, x, y));
  return isFloat ? Value(math::PowFOp::create(b, loc, x, y))
                 : Value(math::IPowIOp::create(b, loc, x, y));
}

template <typename OpTy>
struct BinaryLowering : public GraphPattern<OpTy> {
  using GraphPattern<OpTy>::GraphPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    Type compute = computeType(op, element);
    Value result = elementwise(
        rewriter, op.getLoc(), resultType,
        ValueRange{adaptor.getLhs(), adaptor.getRhs()},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value x = castScalar(b, loc, args[0], compute);
          Value y = castScalar(b, loc, args[1], compute);
          return toStorage(op, b, loc, binaryScalar(op, b, loc, x, y), element,
                           resultType.getRank());
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Scalar math of the unary ops, in the compute type.
static Value unaryScalar(Operation *op, OpBuilder &b, Location loc, Value x) {
  Type type = x.getType();
  bool isFloat = isa<FloatType>(type);
  auto one = [&] { return floatConstant(b, loc, type, 1.0); };
  auto sigmoid = [&](Value v) {
    Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, v));
    return arith::DivFOp::create(b, loc, one(),
                                 arith::AddFOp::create(b, loc, one(), e));
  };
  if (isa<NegOp>(op)) {
    if (isFloat)
      return arith::NegFOp::create(b, loc, x);
    Value zero = arith::ConstantOp::create(b, loc, type, b.getIntegerAttr(type, 0));
    return arith::SubIOp::create(b, loc, zero, x);
  }
  if (isa<AbsOp>(op))
    return isFloat ? Value(math::AbsFOp::create(b, loc, x))
                   : Value(math::AbsIOp::create(b, loc, x));
  if (isa<ExpOp>(op))
    return math::ExpOp::create(b, loc, x);
  if (isa<LogOp>(op))
    return math::LogOp::create(b, loc, x);
  if (isa<SqrtOp>(op))
    return math::SqrtOp::create(b, loc, x);
  if (isa<RsqrtOp>(op))
    return math::RsqrtOp::create(b, loc, x);
  if (isa<TanhOp>(op))
    return math::TanhOp::create(b, loc, x);
  if (isa<SigmoidOp>(op))
    return sigmoid(x);
  if (isa<ReluOp>(op)) {
    if (isFloat)
      return arith::MaximumFOp::create(b, loc, x, floatConstant(b, loc, type, 0));
    Value zero = arith::ConstantOp::create(b, loc, type, b.getIntegerAttr(type, 0));
    return arith::MaxSIOp::create(b, loc, x, zero);
  }
  if (isa<SiluOp>(op))
    return arith::MulFOp::create(b, loc, x, sigmoid(x));
  auto gelu = cast<GeluOp>(op);
  Value half = floatConstant(b, loc, type, 0.5);
  Value inner;
  if (gelu.getApproximate() == GeluApproximation::erf) {
    Value scaled = arith::MulFOp::create(
        b, loc, x, floatConstant(b, loc, type, M_SQRT1_2));
    inner = math::ErfOp::create(b, loc, scaled);
  } else {
    Value x3 = arith::MulFOp::create(b, loc, x,
                                     arith::MulFOp::create(b, loc, x, x));
    Value poly = arith::AddFOp::create(
        b, loc, x,
        arith::MulFOp::create(b, loc, floatConstant(b, loc, type, 0.044715), x3));
    inner = math::TanhOp::create(
        b, loc,
        arith::MulFOp::create(
            b, loc, floatConstant(b, loc, type, std::sqrt(2.0 / M_PI)), poly));
  }
  return arith::MulFOp::create(
      b, loc, arith::MulFOp::create(b, loc, half, x),
      arith::AddFOp::create(b, loc, one(), inner));
}

template <typename OpTy>
struct UnaryLowering : public GraphPattern<OpTy> {
  using GraphPattern<OpTy>::GraphPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    Type compute = computeType(op, element);
    Value result = elementwise(
        rewriter, op.getLoc(), resultType, ValueRange{adaptor.getInput()},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value x = castScalar(b, loc, args[0], compute);
          return toStorage(op, b, loc, unaryScalar(op, b, loc, x), element,
                           resultType.getRank());
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct CastLowering : public GraphPattern<CastOp> {
  using GraphPattern::GraphPattern;
  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // The op's own rounding and saturation, or its policy's where the op
    // keeps the defaults.
    RoundingMode rounding = op.getRounding();
    bool saturate = op.getSaturate();
    if (NumericsAttr policy = getNumericsPolicy(op)) {
      if (rounding == RoundingMode::nearest)
        rounding = policy.getRounding();
      saturate = saturate || policy.getSaturate();
    }
    Value result = castTensor(rewriter, op.getLoc(), adaptor.getInput(),
                              op.getType().getElementType(), rounding,
                              saturate);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// select and compare: one linalg.generic of the op's scalar
/// (buildElementwiseScalar, which the GPU kernels build too).
template <typename Op>
struct ScalarLowering : public GraphPattern<Op> {
  using GraphPattern<Op>::GraphPattern;
  LogicalResult
  matchAndRewrite(Op op, typename Op::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value result = elementwise(
        rewriter, op.getLoc(), op.getType(), adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return buildElementwiseScalar(b, loc, op, args);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct MatmulLowering : public GraphPattern<MatmulOp> {
  using GraphPattern::GraphPattern;
  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type element = op.getType().getElementType();
    Type acc = getMatmulAccumulateType(op);
    Value product =
        contract(rewriter, op.getLoc(), adaptor.getLhs(), adaptor.getRhs(),
                 op.getTransposeLhs(), op.getTransposeRhs(), op.getType(), acc);
    rewriter.replaceOp(op, storeTensor(op, rewriter, op.getLoc(), product, element));
    return success();
  }
};

struct ReduceLowering : public GraphPattern<ReduceOp> {
  using GraphPattern::GraphPattern;
  LogicalResult
  matchAndRewrite(ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type element = op.getType().getElementType();
    ReduceKind kind = op.getKind();
    // Sums accumulate wider; max/min are exact either way.
    Type acc = accumulateType(op, element);
    Value input = adaptor.getInput();
    Value reduced = reduceTensor(rewriter, loc, input, op.getDims(), kind, acc);
    if (kind == ReduceKind::mean) {
      Value count = countAlong(rewriter, loc, input, op.getDims(), acc);
      auto type = cast<RankedTensorType>(reduced.getType());
      reduced = elementwise(
          rewriter, loc, type, reduced,
          [&](OpBuilder &b, Location l, ValueRange args) {
            return isa<FloatType>(acc)
                       ? Value(arith::DivFOp::create(b, l, args[0], count))
                       : Value(arith::DivSIOp::create(b, l, args[0], count));
          });
    }
    reduced = storeTensor(op, rewriter, loc, reduced, element);
    if (op.getKeepdim())
      reduced = expandReduced(rewriter, loc, reduced, op.getType(), op.getDims());
    rewriter.replaceOp(op, reduced);
    return success();
  }
};

struct SoftmaxLowering : public GraphPattern<SoftmaxOp> {
  using GraphPattern::GraphPattern;
  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type element = op.getType().getElementType();
    Type compute = computeType(op, element);
    Value input = castTensor(rewriter, loc, adaptor.getInput(), compute);
    auto type = cast<RankedTensorType>(input.getType());
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < type.getRank(); ++d)
      sizes.push_back(type.isDynamicDim(d) ? dimOf(rewriter, loc, input, d)
                                           : Value());
    Value init = emptyTensor(rewriter, loc, type, sizes);
    Value result = linalg::SoftmaxOp::create(rewriter, loc, type, input, init,
                                             op.getDim())
                       .getResult()[0];
    rewriter.replaceOp(op, storeTensor(op, rewriter, loc, result, element));
    return success();
  }
};

struct LogSoftmaxLowering : public GraphPattern<LogSoftmaxOp> {
  using GraphPattern::GraphPattern;
  LogicalResult
  matchAndRewrite(LogSoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type element = op.getType().getElementType();
    Type compute = computeType(op, element);
    Value x = castTensor(rewriter, loc, adaptor.getInput(), compute);
    int64_t dim = op.getDim();
    Value max = reduceTensor(rewriter, loc, x, {dim}, ReduceKind::max, compute);
    Value shifted = combineWithReduced(
        rewriter, loc, x, max, {dim}, compute,
        [](OpBuilder &b, Location l, ValueRange a) {
          return arith::SubFOp::create(b, l, a[0], a[1]);
        });
    Value exps = elementwise(rewriter, loc,
                             cast<RankedTensorType>(shifted.getType()), shifted,
                             [](OpBuilder &b, Location l, ValueRange a) {
                               return math::ExpOp::create(b, l, a[0]);
                             });
    Value sum = reduceTensor(rewriter, loc, exps, {dim}, ReduceKind::sum, compute);
    Value result = combineWithReduced(
        rewriter, loc, shifted, sum, {dim}, compute,
        [](OpBuilder &b, Location l, ValueRange a) {
          return arith::SubFOp::create(b, l, a[0],
                                       math::LogOp::create(b, l, a[1]));
        });
    rewriter.replaceOp(op, storeTensor(op, rewriter, loc, result, element));
    return success();
  }
};

/// Shared by layer_norm and rms_norm: normalizes over the last dimension in
/// the compute type, then applies the optional weight and bias.
static Value normalize(ConversionPatternRewriter &rewriter, Operation *op,
                       Value input, Value weight, Value bias, double epsilon,
                       bool centered) {
  Location loc = op->getLoc();
  auto type = cast<RankedTensorType>(input.getType());
  Type element = type.getElementType();
  Type compute = accumulateType(op, element);
  int64_t last = type.getRank() - 1;
  Value x = castTensor(rewriter, loc, input, compute);
  Value count = countAlong(rewriter, loc, x, {last}, compute);
  Value eps = floatConstant(rewriter, loc, compute, epsilon);
  if (centered) {
    Value sum = reduceTensor(rewriter, loc, x, {last}, ReduceKind::sum, compute);
    x = combineWithReduced(rewriter, loc, x, sum, {last}, compute,
                           [&](OpBuilder &b, Location l, ValueRange a) {
                             return arith::SubFOp::create(
                                 b, l, a[0], arith::DivFOp::create(b, l, a[1], count));
                           });
  }
  Value squares = elementwise(rewriter, loc, cast<RankedTensorType>(x.getType()),
                              x, [](OpBuilder &b, Location l, ValueRange a) {
                                return arith::MulFOp::create(b, l, a[0], a[0]);
                              });
  Value sumSq =
      reduceTensor(rewriter, loc, squares, {last}, ReduceKind::sum, compute);
  Value y = combineWithReduced(
      rewriter, loc, x, sumSq, {last}, compute,
      [&](OpBuilder &b, Location l, ValueRange a) {
        Value var = arith::DivFOp::create(b, l, a[1], count);
        Value inv = math::RsqrtOp::create(b, l, arith::AddFOp::create(b, l, var, eps));
        return arith::MulFOp::create(b, l, a[0], inv);
      });
  auto computeType = cast<RankedTensorType>(y.getType());
  if (weight)
    y = elementwise(rewriter, loc, computeType,
                    ValueRange{y, castTensor(rewriter, loc, weight, compute)},
                    [](OpBuilder &b, Location l, ValueRange a) {
                      return arith::MulFOp::create(b, l, a[0], a[1]);
                    });
  if (bias)
    y = elementwise(rewriter, loc, computeType,
                    ValueRange{y, castTensor(rewriter, loc, bias, compute)},
                    [](OpBuilder &b, Location l, ValueRange a) {
                      return arith::AddFOp::create(b, l, a[0], a[1]);
                    });
  return storeTensor(op, rewriter, loc, y, element);
}

struct LayerNormLowering : public GraphPattern<LayerNormOp> {
  using GraphPattern::GraphPattern;
  LogicalResult
  matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, normalize(rewriter, op, adaptor.getInput(),
                                     adaptor.getWeight(), adaptor.getBias(),
                                     op.getEpsilon().convertToDouble(),
                                     /*centered=*/true));
    return success();
  }
};

struct RmsNormLowering : public GraphPattern<RmsNormOp> {
  using GraphPattern::GraphPattern;
  LogicalResult
  matchAndRewrite(RmsNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, normalize(rewriter, op, adaptor.getInput(),
                                     adaptor.getWeight(), Value(),
                                     op.getEpsilon().convertToDouble(),
                                     /*centered=*/false));
    return success();
  }
};

struct TransposeLowering : public GraphPattern<TransposeOp> {
  using GraphPattern::GraphPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<Value> sizes;
    for (auto [d, src] : llvm::enumerate(op.getPermutation()))
      sizes.push_back(op.getType().isDynamicDim(d)
                          ? dimOf(rewriter, loc, adaptor.getInput(), src)
                          : Value());
    Value init = emptyTensor(rewriter, loc, op.getType(), sizes);
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, loc,
                                                       adaptor.getInput(), init,
                                                       op.getPermutation())
                               .getResult()[0]);
    return success();
  }
};

/// Row-major reshape as a collapse to one dimension and an expansion to the
/// result shape: both are views after bufferization.
struct ReshapeLowering : public GraphPattern<ReshapeOp> {
  using GraphPattern::GraphPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType out = op.getType();
    Value input = adaptor.getInput();
    auto in = cast<RankedTensorType>(input.getType());
    int64_t total = in.hasStaticShape() ? in.getNumElements() : ShapedType::kDynamic;
    Value flat = input;
    if (in.getRank() != 1) {
      ReassociationIndices all(llvm::seq<int64_t>(0, in.getRank()).begin(),
                               llvm::seq<int64_t>(0, in.getRank()).end());
      SmallVector<ReassociationIndices> groups;
      if (in.getRank() > 0)
        groups.push_back(all);
      flat = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get({total}, in.getElementType()),
          input, groups);
    }
    if (out.getRank() == 1 && out == flat.getType()) {
      rewriter.replaceOp(op, flat);
      return success();
    }
    // The result's one dynamic size is the element count over the product of
    // its static sizes (the verifier checked divisibility where it could).
    int64_t known = 1;
    for (int64_t size : out.getShape())
      if (!ShapedType::isDynamic(size))
        known *= size;
    SmallVector<OpFoldResult> shape;
    for (int64_t size : out.getShape()) {
      if (!ShapedType::isDynamic(size)) {
        shape.push_back(rewriter.getIndexAttr(size));
        continue;
      }
      Value count = dimOf(rewriter, loc, flat, 0);
      shape.push_back(OpFoldResult(arith::DivUIOp::create(
          rewriter, loc, count,
          arith::ConstantIndexOp::create(rewriter, loc, known))));
    }
    SmallVector<ReassociationIndices> groups;
    if (out.getRank() > 0)
      groups.push_back(ReassociationIndices(
          llvm::seq<int64_t>(0, out.getRank()).begin(),
          llvm::seq<int64_t>(0, out.getRank()).end()));
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, out, flat, groups,
                                                       shape);
    return success();
  }
};

struct BroadcastToLowering : public GraphPattern<BroadcastToOp> {
  using GraphPattern::GraphPattern;
  LogicalResult
  matchAndRewrite(BroadcastToOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, elementwise(rewriter, op.getLoc(), op.getType(),
                                       adaptor.getInput(),
                                       [](OpBuilder &, Location, ValueRange a) {
                                         return a[0];
                                       }));
    return success();
  }
};

struct ConcatLowering : public GraphPattern<ConcatOp> {
  using GraphPattern::GraphPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType out = op.getType();
    int64_t dim = op.getDim(), rank = out.getRank();
    ValueRange inputs = adaptor.getInputs();
    // Sizes: the concatenated dim is the sum, the others come from any input.
    SmallVector<Value> sizes(rank);
    for (int64_t d = 0; d < rank; ++d) {
      if (!out.isDynamicDim(d))
        continue;
      if (d == dim) {
        Value sum = arith::ConstantIndexOp::create(rewriter, loc, 0);
        for (Value input : inputs)
          sum = arith::AddIOp::create(rewriter, loc, sum, dimOf(rewriter, loc, input, d));
        sizes[d] = sum;
      } else {
        sizes[d] = dimOf(rewriter, loc, inputs.front(), d);
      }
    }
    Value result = emptyTensor(rewriter, loc, out, sizes);
    Value offset = arith::ConstantIndexOp::create(rewriter, loc, 0);
    for (Value input : inputs) {
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> extents =
          tensor::getMixedSizes(rewriter, loc, input);
      SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
      offsets[dim] = offset;
      result = tensor::InsertSliceOp::create(rewriter, loc, input, result,
                                             offsets, extents, strides);
      offset = arith::AddIOp::create(rewriter, loc, offset,
                                     dimOf(rewriter, loc, input, dim));
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SliceLowering : public GraphPattern<SliceOp> {
  using GraphPattern::GraphPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // A size of -1 (to the end): ceil((dim - offset) / stride), at least
    // 0, from the input's dim (a constant where it is static).
    Location loc = op.getLoc();
    SmallVector<OpFoldResult> offsets, sizes, strides;
    auto type = cast<RankedTensorType>(op.getType());
    for (auto [d, size] : llvm::enumerate(op.getSizes())) {
      offsets.push_back(rewriter.getIndexAttr(op.getOffsets()[d]));
      strides.push_back(rewriter.getIndexAttr(op.getStrides()[d]));
      if (size != -1) {
        sizes.push_back(rewriter.getIndexAttr(size));
        continue;
      }
      if (!type.isDynamicDim(d)) {
        sizes.push_back(rewriter.getIndexAttr(type.getDimSize(d)));
        continue;
      }
      auto c = [&](int64_t v) {
        return arith::ConstantIndexOp::create(rewriter, loc, v).getResult();
      };
      Value dim = tensor::DimOp::create(rewriter, loc, adaptor.getInput(), d);
      Value rest = arith::MaxSIOp::create(
          rewriter, loc,
          arith::SubIOp::create(rewriter, loc, dim, c(op.getOffsets()[d])),
          c(0));
      sizes.push_back(
          arith::CeilDivSIOp::create(rewriter, loc, rest,
                                     c(op.getStrides()[d]))
              .getResult());
    }
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, type, adaptor.getInput(), offsets, sizes, strides);
    return success();
  }
};

/// dropout: a linalg.generic computing each element's row-major position,
/// hashing it with the seed (the op's documented fmix32 scheme, in i32
/// arithmetic) and keeping it, scaled by 1 / (1 - p), where the hash is at
/// or above p * 2^32.
/// One element of dropout `op`: `x` kept (scaled by 1 / (1 - p)) or zeroed
/// by the hash of its row-major position `linear` (i64) and the seed.
static Value dropoutScalar(DropoutOp op, OpBuilder &b, Location l, Value x,
                           Value linear) {
  Type element = x.getType();
  Type compute = isNarrowFloat(element) ? b.getF32Type() : element;
  double p = op.getP().convertToDouble();
  uint64_t threshold64 = static_cast<uint64_t>(std::llround(p * 4294967296.0));
  uint32_t threshold = threshold64 > 0xffffffffULL
                           ? 0xffffffffU
                           : static_cast<uint32_t>(threshold64);
  uint32_t seed = static_cast<uint32_t>(op.getSeed());
  Type i32 = b.getI32Type();
  auto c32 = [&](uint32_t v) {
    return arith::ConstantOp::create(
               b, l, b.getIntegerAttr(i32, static_cast<int32_t>(v)))
        .getResult();
  };
  auto fmix = [&](Value h) {
    h = arith::XOrIOp::create(b, l, h,
                              arith::ShRUIOp::create(b, l, h, c32(16)));
    h = arith::MulIOp::create(b, l, h, c32(0x85ebca6bU));
    h = arith::XOrIOp::create(b, l, h,
                              arith::ShRUIOp::create(b, l, h, c32(13)));
    h = arith::MulIOp::create(b, l, h, c32(0xc2b2ae35U));
    return arith::XOrIOp::create(b, l, h,
                                 arith::ShRUIOp::create(b, l, h, c32(16)))
        .getResult();
  };
  Value lo = arith::TruncIOp::create(b, l, i32, linear);
  Value hi = arith::TruncIOp::create(
      b, l, i32,
      arith::ShRUIOp::create(
          b, l, linear,
          arith::ConstantOp::create(b, l, b.getI64IntegerAttr(32))));
  Value h = fmix(arith::XOrIOp::create(
      b, l, lo, fmix(arith::XOrIOp::create(b, l, c32(seed), hi))));
  Value keep =
      arith::CmpIOp::create(b, l, arith::CmpIPredicate::uge, h, c32(threshold));
  // (castScalar: f8 has no LLVM type, its conversions are software)
  x = castScalar(b, l, x, compute);
  Value scale =
      arith::ConstantOp::create(b, l, b.getFloatAttr(compute, 1.0 / (1.0 - p)));
  Value kept = arith::MulFOp::create(b, l, x, scale);
  Value zero = arith::ConstantOp::create(b, l, b.getZeroAttr(compute));
  Value y = arith::SelectOp::create(b, l, keep, kept, zero);
  return castScalar(b, l, y, element);
}

struct DropoutLowering : public GraphPattern<DropoutOp> {
  using GraphPattern::GraphPattern;
  LogicalResult
  matchAndRewrite(DropoutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank();
    SmallVector<Value> dims;
    for (int64_t d = 0; d < rank; ++d)
      dims.push_back(dimOf(rewriter, loc, input, d));
    Value out = elementwise(
        rewriter, loc, type, input,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Type i64 = b.getI64Type();
          // The row-major position, in i64.
          Value linear = arith::ConstantOp::create(b, l, b.getI64IntegerAttr(0));
          for (int64_t d = 0; d < rank; ++d) {
            Value size = arith::IndexCastOp::create(b, l, i64, dims[d]);
            Value at = arith::IndexCastOp::create(
                b, l, i64, linalg::IndexOp::create(b, l, d));
            linear = arith::AddIOp::create(
                b, l, arith::MulIOp::create(b, l, linear, size), at);
          }
          return dropoutScalar(op, b, l, args[0], linear);
        });
    rewriter.replaceOp(op, out);
    return success();
  }
};

/// cumsum: a loop along `dim` carrying the running sum of the slices so far
/// (one slice of size 1 there), each step's sum inserted at its index; in
/// the accumulate type, rounded once per element.
struct CumsumLowering : public GraphPattern<CumsumOp> {
  using GraphPattern::GraphPattern;
  LogicalResult
  matchAndRewrite(CumsumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type element = op.getType().getElementType();
    Type acc = accumulateType(op, element);
    Value input = castTensor(rewriter, loc, adaptor.getInput(), acc);
    auto type = cast<RankedTensorType>(input.getType());
    int64_t dim = op.getDim(), rank = type.getRank();
    SmallVector<Value> sizes(rank), sliceSizes(rank);
    SmallVector<int64_t> sliceShape(type.getShape());
    sliceShape[dim] = 1;
    for (int64_t d = 0; d < rank; ++d)
      if (type.isDynamicDim(d)) {
        sizes[d] = dimOf(rewriter, loc, input, d);
        sliceSizes[d] = sizes[d];
      }
    auto sliceType = RankedTensorType::get(sliceShape, acc);
    Value result = emptyTensor(rewriter, loc, type, sizes);
    Value zero = arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(acc));
    Value running = linalg::FillOp::create(
                        rewriter, loc, zero,
                        emptyTensor(rewriter, loc, sliceType, sliceSizes))
                        .getResult(0);
    SmallVector<OpFoldResult> extents;
    for (int64_t d = 0; d < rank; ++d)
      extents.push_back(d == dim ? OpFoldResult(rewriter.getIndexAttr(1))
                        : sizes[d] ? OpFoldResult(sizes[d])
                                   : OpFoldResult(rewriter.getIndexAttr(
                                         type.getDimSize(d))));
    SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
    auto loop = scf::ForOp::create(
        rewriter, loc, arith::ConstantIndexOp::create(rewriter, loc, 0),
        dimOf(rewriter, loc, input, dim),
        arith::ConstantIndexOp::create(rewriter, loc, 1),
        ValueRange{running, result},
        [&](OpBuilder &b, Location l, Value i, ValueRange carried) {
          SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
          offsets[dim] = i;
          Value slice = tensor::ExtractSliceOp::create(
              b, l, sliceType, input, offsets, extents, strides);
          // In place into the running sum (bufferization keeps the loop's
          // buffers: what it yields is what it carried).
          SmallVector<AffineMap> maps(2, b.getMultiDimIdentityMap(rank));
          SmallVector<utils::IteratorType> iterators(
              rank, utils::IteratorType::parallel);
          Value sum =
              linalg::GenericOp::create(
                  b, l, TypeRange{sliceType}, ValueRange{slice},
                  ValueRange{carried[0]}, maps, iterators,
                  [&](OpBuilder &eb, Location el, ValueRange x) {
                    Value added =
                        isa<FloatType>(acc)
                            ? Value(arith::AddFOp::create(eb, el, x[1], x[0]))
                            : Value(arith::AddIOp::create(eb, el, x[1], x[0]));
                    linalg::YieldOp::create(eb, el, added);
                  })
                  .getResult(0);
          Value into = tensor::InsertSliceOp::create(b, l, sum, carried[1],
                                                     offsets, extents, strides);
          scf::YieldOp::create(b, l, ValueRange{sum, into});
        });
    rewriter.replaceOp(op, storeTensor(op, rewriter, loc, loop.getResult(1),
                                       element));
    return success();
  }
};

/// Where argmax (argmin) starts: the element type's lowest (highest) value.
static TypedAttr argReduceStart(OpBuilder &b, Type element, bool isMax) {
  // (-inf for argmax; the lowest finite value in types without infinities,
  // f8E4M3FN: an element equal to it is not better, and then every element
  // is, so index 0 is the first of them)
  if (auto f = dyn_cast<FloatType>(element))
    return b.getFloatAttr(
        f, APFloat::semanticsHasInf(f.getFloatSemantics())
               ? APFloat::getInf(f.getFloatSemantics(), /*Negative=*/isMax)
               : APFloat::getLargest(f.getFloatSemantics(),
                                     /*Negative=*/isMax));
  unsigned bits = element.getIntOrFloatBitWidth();
  return b.getIntegerAttr(element, isMax ? APInt::getSignedMinValue(bits)
                                         : APInt::getSignedMaxValue(bits));
}

/// True where `x` replaces `best` in argmax (argmin): strictly greater
/// (less), or a NaN where `best` is not one yet (the first NaN wins).
static Value argReduceBetter(OpBuilder &b, Location l, bool isMax, Value x,
                             Value best) {
  // f8 (no LLVM type, no compare instruction) through f32: exact.
  if (f8Format(x.getType())) {
    x = castScalar(b, l, x, b.getF32Type());
    best = castScalar(b, l, best, b.getF32Type());
  }
  if (!isa<FloatType>(x.getType()))
    return arith::CmpIOp::create(
        b, l, isMax ? arith::CmpIPredicate::sgt : arith::CmpIPredicate::slt, x,
        best);
  Value better = arith::CmpFOp::create(
      b, l, isMax ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT, x,
      best);
  Value xNan = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, x, x);
  Value bestNan =
      arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, best, best);
  Value firstNan = arith::AndIOp::create(
      b, l, xNan,
      arith::XOrIOp::create(
          b, l, bestNan, arith::ConstantIntOp::create(b, l, b.getI1Type(), 1)));
  return arith::OrIOp::create(b, l, better, firstNan);
}

/// argmax/argmin: one linalg.generic reducing `dim` into a value and an
/// index (i32), starting from the type's lowest (highest) value and index
/// 0; an element replaces them where it is strictly better (the first of
/// equals wins) or a NaN where the value is not one yet (the first NaN
/// wins), as NumPy.
template <typename Op, bool IsMax>
struct ArgReduceLowering : public GraphPattern<Op> {
  using GraphPattern<Op>::GraphPattern;
  LogicalResult
  matchAndRewrite(Op op, typename Op::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    Type element = inType.getElementType();
    int64_t dim = op.getDim(), rank = inType.getRank();
    SmallVector<int64_t> shape;
    SmallVector<Value> sizes;
    SmallVector<AffineExpr> kept;
    MLIRContext *ctx = rewriter.getContext();
    for (int64_t d = 0; d < rank; ++d) {
      if (d == dim)
        continue;
      shape.push_back(inType.getDimSize(d));
      sizes.push_back(inType.isDynamicDim(d) ? dimOf(rewriter, loc, input, d)
                                             : Value());
      kept.push_back(getAffineDimExpr(d, ctx));
    }
    Type i32 = rewriter.getI32Type();
    auto valueType = RankedTensorType::get(shape, element);
    auto indexType = RankedTensorType::get(shape, i32);
    TypedAttr start = argReduceStart(rewriter, element, IsMax);
    Value values = linalg::FillOp::create(
                       rewriter, loc,
                       arith::ConstantOp::create(rewriter, loc, start).getResult(),
                       emptyTensor(rewriter, loc, valueType, sizes))
                       .getResult(0);
    Value indices =
        linalg::FillOp::create(
            rewriter, loc,
            arith::ConstantOp::create(rewriter, loc, rewriter.getI32IntegerAttr(0))
                .getResult(),
            emptyTensor(rewriter, loc, indexType, sizes))
            .getResult(0);
    SmallVector<AffineMap> maps{rewriter.getMultiDimIdentityMap(rank),
                                AffineMap::get(rank, 0, kept, ctx),
                                AffineMap::get(rank, 0, kept, ctx)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators[dim] = utils::IteratorType::reduction;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valueType, indexType}, ValueRange{input},
        ValueRange{values, indices}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], best = args[1], at = args[2];
          Value better = argReduceBetter(b, l, IsMax, x, best);
          Value index = arith::IndexCastOp::create(
              b, l, i32, linalg::IndexOp::create(b, l, dim));
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, better, x, best),
                         arith::SelectOp::create(b, l, better, index, at)});
        });
    Value result = generic.getResult(1);
    if (op.getKeepdim())
      result = expandReduced(rewriter, loc, result, op.getType(), {dim});
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// take: a linalg.generic over the result reading the index (the indices'
/// element at the result's middle coordinates), wrapping a negative one
/// once and clamping into [0, size), then extracting the input's element.
struct TakeLowering : public GraphPattern<TakeOp> {
  using GraphPattern::GraphPattern;
  LogicalResult
  matchAndRewrite(TakeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType out = op.getType();
    Value input = adaptor.getInput(), indices = adaptor.getIndices();
    auto indicesType = cast<RankedTensorType>(indices.getType());
    int64_t dim = op.getDim(), rank = out.getRank();
    int64_t inner = indicesType.getRank();
    SmallVector<Value> sizes(rank);
    for (int64_t d = 0; d < rank; ++d) {
      if (!out.isDynamicDim(d))
        continue;
      if (d < dim)
        sizes[d] = dimOf(rewriter, loc, input, d);
      else if (d < dim + inner)
        sizes[d] = dimOf(rewriter, loc, indices, d - dim);
      else
        sizes[d] = dimOf(rewriter, loc, input, d - inner + 1);
    }
    Value init = emptyTensor(rewriter, loc, out, sizes);
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> middle;
    for (int64_t d = 0; d < inner; ++d)
      middle.push_back(getAffineDimExpr(dim + d, ctx));
    SmallVector<AffineMap> maps{AffineMap::get(rank, 0, middle, ctx),
                                rewriter.getMultiDimIdentityMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    Value size = dimOf(rewriter, loc, input, dim);
    // Nothing to clamp into when the dim is empty: an error at run time
    // (unless there is nothing to take).
    Value count = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (int64_t d = 0; d < inner; ++d)
      count = arith::MulIOp::create(rewriter, loc, count,
                                    dimOf(rewriter, loc, indices, d));
    Value zeroIndex = arith::ConstantIndexOp::create(rewriter, loc, 0);
    cf::AssertOp::create(
        rewriter, loc,
        arith::OrIOp::create(
            rewriter, loc,
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt,
                                  size, zeroIndex),
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                  count, zeroIndex)),
        rewriter.getStringAttr("tessera_graph.take: taking from an empty "
                               "dimension"));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{out}, ValueRange{indices}, ValueRange{init},
        maps, iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value index = arith::IndexCastOp::create(b, l, b.getIndexType(),
                                                   args[0]);
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value negative = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, index, zero);
          index = arith::SelectOp::create(
              b, l, negative, arith::AddIOp::create(b, l, index, size), index);
          Value last = arith::SubIOp::create(
              b, l, size, arith::ConstantIndexOp::create(b, l, 1));
          index = arith::MaxSIOp::create(
              b, l, arith::MinSIOp::create(b, l, index, last), zero);
          SmallVector<Value> at;
          for (int64_t d = 0; d < rank; ++d) {
            if (d >= dim && d < dim + inner)
              continue;
            at.push_back(linalg::IndexOp::create(b, l, d));
          }
          at.insert(at.begin() + dim, index);
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, input, at).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct AttentionLowering : public GraphPattern<AttentionOp> {
  using GraphPattern::GraphPattern;
  LogicalResult
  matchAndRewrite(AttentionOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType out = op.getType();
    Type element = out.getElementType();
    Type acc = accumulateType(op, element);
    auto q = cast<RankedTensorType>(adaptor.getQuery().getType());
    auto k = cast<RankedTensorType>(adaptor.getKey().getType());
    int64_t rank = q.getRank();

    // scores = q @ k^T, in the accumulator type.
    SmallVector<int64_t> scoreShape(q.getShape());
    scoreShape.back() = k.getDimSize(rank - 2);
    auto scoreType = RankedTensorType::get(scoreShape, acc);
    Value scores = contract(rewriter, loc, adaptor.getQuery(), adaptor.getKey(),
                            /*transposeLhs=*/false, /*transposeRhs=*/true,
                            scoreType, acc);

    // scale, causal mask and additive mask in one elementwise pass.
    double scale = op.getScale() ? op.getScale()->convertToDouble()
                                 : 1.0 / std::sqrt(static_cast<double>(
                                             q.getDimSize(rank - 1)));
    bool dynamicHead = q.isDynamicDim(rank - 1);
    Value scaleValue;
    if (dynamicHead && !op.getScale()) {
      Value d = countAlong(rewriter, loc, adaptor.getQuery(), {rank - 1}, acc);
      scaleValue = math::RsqrtOp::create(rewriter, loc, d);
    } else {
      scaleValue = floatConstant(rewriter, loc, acc, scale);
    }
    SmallVector<Value> inputs{scores};
    Value mask = adaptor.getMask();
    if (mask)
      inputs.push_back(mask);
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d)
      sizes.push_back(scoreType.isDynamicDim(d) ? dimOf(rewriter, loc, scores, d)
                                                : Value());
    Value init = emptyTensor(rewriter, loc, scoreType, sizes);
    SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(rank, ctx)};
    if (mask)
      maps.push_back(broadcastMap(ctx, cast<RankedTensorType>(mask.getType()),
                                  scoreType));
    maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    bool causal = op.getCausal();
    Value masked =
        linalg::GenericOp::create(
            rewriter, loc, scoreType, inputs, init, maps, iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value s = arith::MulFOp::create(b, l, args[0], scaleValue);
              if (mask)
                s = arith::AddFOp::create(b, l, s, castScalar(b, l, args[1], acc));
              if (causal) {
                Value i = linalg::IndexOp::create(b, l, rank - 2);
                Value j = linalg::IndexOp::create(b, l, rank - 1);
                Value future = arith::CmpIOp::create(
                    b, l, arith::CmpIPredicate::ugt, j, i);
                Value ninf = arith::ConstantOp::create(
                    b, l, acc,
                    b.getFloatAttr(acc, APFloat::getInf(
                                            cast<FloatType>(acc).getFloatSemantics(),
                                            /*Negative=*/true)));
                s = arith::SelectOp::create(b, l, future, ninf, s);
              }
              linalg::YieldOp::create(b, l, s);
            })
            .getResult(0);

    Value probsInit = emptyTensor(rewriter, loc, scoreType, sizes);
    Value probs = linalg::SoftmaxOp::create(rewriter, loc, scoreType, masked,
                                            probsInit, rank - 1)
                      .getResult()[0];
    Value result = contract(rewriter, loc, probs, adaptor.getValue(),
                            /*transposeLhs=*/false, /*transposeRhs=*/false,
                            out, acc);
    rewriter.replaceOp(op, storeTensor(op, rewriter, loc, result, element));
    return success();
  }
};

/// A fused group lowers as its body: the grouping matters to the GPU
/// schedule, not to the CPU path.
struct FusedLowering : public GraphPattern<FusedOp> {
  using GraphPattern::GraphPattern;
  LogicalResult
  matchAndRewrite(FusedOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Block &body = op.getBody().front();
    auto yield = cast<YieldOp>(body.getTerminator());
    SmallVector<Value> results(yield.getValues());
    rewriter.inlineBlockBefore(&body, op, adaptor.getInputs());
    rewriter.eraseOp(yield);
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

//===----------------------------------------------------------------------===//
// Scalar math, shared with the GPU lowering
//===----------------------------------------------------------------------===//

/// One element of comparison `op`: ordered float predicates (a NaN compares
/// false but for `ne`, NumPy's rule), signed integer ones.
static Value compareScalar(CompareOp op, OpBuilder &b, Location loc, Value x,
                           Value y) {
  auto predicate = static_cast<int>(op.getPredicate());
  // f8 (no LLVM type, no compare instruction) through f32: exact.
  if (f8Format(x.getType())) {
    x = castScalar(b, loc, x, b.getF32Type());
    y = castScalar(b, loc, y, b.getF32Type());
  }
  if (isa<FloatType>(x.getType())) {
    static constexpr arith::CmpFPredicate floats[] = {
        arith::CmpFPredicate::OEQ, arith::CmpFPredicate::UNE,
        arith::CmpFPredicate::OLT, arith::CmpFPredicate::OLE,
        arith::CmpFPredicate::OGT, arith::CmpFPredicate::OGE};
    return arith::CmpFOp::create(b, loc, floats[predicate], x, y);
  }
  static constexpr arith::CmpIPredicate ints[] = {
      arith::CmpIPredicate::eq,  arith::CmpIPredicate::ne,
      arith::CmpIPredicate::slt, arith::CmpIPredicate::sle,
      arith::CmpIPredicate::sgt, arith::CmpIPredicate::sge};
  return arith::CmpIOp::create(b, loc, ints[predicate], x, y);
}

//===----------------------------------------------------------------------===//

bool mlir::tessera::isElementwiseGraphOp(Operation *op) {
  return isa<AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, PowOp, NegOp, AbsOp,
             ExpOp, LogOp, SqrtOp, RsqrtOp, TanhOp, SigmoidOp, ReluOp, GeluOp,
             SiluOp, CastOp, SelectOp, CompareOp>(op);
}

bool mlir::tessera::usesStochasticRounding(Operation *op) {
  if (auto cast = dyn_cast<CastOp>(op))
    if (cast.getRounding() == RoundingMode::stochastic)
      return true;
  NumericsAttr policy = getNumericsPolicy(op);
  return policy && policy.getRounding() == RoundingMode::stochastic;
}

Value mlir::tessera::convertScalar(OpBuilder &b, Location loc, Value value,
                                   Type to) {
  return castScalar(b, loc, value, to);
}

Value mlir::tessera::buildStorageScalar(Operation *op, OpBuilder &b,
                                        Location loc, Value value, Type to) {
  return toStorage(op, b, loc, value, to, /*loops=*/0);
}

Value mlir::tessera::buildStorageScalar(Operation *op, OpBuilder &b,
                                        Location loc, Value value, Type to,
                                        ArrayRef<Value> position) {
  return toStorage(op, b, loc, value, to, ElementPosition(position));
}

Value mlir::tessera::buildReductionInit(OpBuilder &b, Location loc,
                                        unsigned kind, Type type) {
  return reductionInit(b, loc, static_cast<ReduceKind>(kind), type);
}

Value mlir::tessera::buildReductionCombine(OpBuilder &b, Location loc,
                                           unsigned kind, Value acc, Value x) {
  return combine(b, loc, static_cast<ReduceKind>(kind), acc, x);
}

Type mlir::tessera::getComputeType(Operation *op, Type element) {
  return computeType(op, element);
}

Type mlir::tessera::getAccumulateType(Operation *op, Type element) {
  return accumulateType(op, element);
}

Type mlir::tessera::getMatmulAccumulateType(Operation *op) {
  auto matmul = cast<MatmulOp>(op);
  return accumulateType(op, matmul.getType().getElementType(),
                        matmul.getAcc().value_or(Type()));
}

TypedAttr mlir::tessera::getArgReduceStart(OpBuilder &b, Type element,
                                            bool isMax) {
  return argReduceStart(b, element, isMax);
}

Value mlir::tessera::buildArgReduceBetter(OpBuilder &b, Location loc,
                                          bool isMax, Value x, Value best) {
  return argReduceBetter(b, loc, isMax, x, best);
}

Value mlir::tessera::buildDropoutScalar(Operation *op, OpBuilder &b,
                                        Location loc, Value x, Value linear) {
  return dropoutScalar(cast<DropoutOp>(op), b, loc, x, linear);
}

Value mlir::tessera::buildElementwiseScalar(OpBuilder &b, Location loc,
                                            Operation *op, ValueRange operands,
                                            ElementPosition at) {
  Type element = getElementTypeOrSelf(op->getResult(0).getType());
  if (auto cast = dyn_cast<CastOp>(op)) {
    RoundingMode rounding = cast.getRounding();
    bool saturate = cast.getSaturate();
    if (NumericsAttr policy = getNumericsPolicy(op)) {
      if (rounding == RoundingMode::nearest)
        rounding = policy.getRounding();
      saturate = saturate || policy.getSaturate();
    }
    return castScalar(b, loc, operands[0], element, rounding, saturate, at);
  }
  if (isa<SelectOp>(op))
    return arith::SelectOp::create(b, loc, operands[0], operands[1],
                                   operands[2]);
  if (auto compare = dyn_cast<CompareOp>(op))
    return compareScalar(compare, b, loc, operands[0], operands[1]);
  Type compute = computeType(op, element);
  Value result;
  if (operands.size() == 2)
    result = binaryScalar(op, b, loc, castScalar(b, loc, operands[0], compute),
                          castScalar(b, loc, operands[1], compute));
  else
    result = unaryScalar(op, b, loc, castScalar(b, loc, operands[0], compute));
  return toStorage(op, b, loc, result, element, at);
}

void mlir::tessera::populateTesseraGraphToLinalgConversionPatterns(
    RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ConstantLowering, CastLowering, ScalarLowering<SelectOp>,
               ScalarLowering<CompareOp>,
               MatmulLowering,
               ReduceLowering, SoftmaxLowering, LogSoftmaxLowering,
               LayerNormLowering, RmsNormLowering, TransposeLowering,
               ReshapeLowering, BroadcastToLowering, ConcatLowering,
               SliceLowering, TakeLowering, AttentionLowering, FusedLowering,
               ArgReduceLowering<ArgmaxOp, true>,
               ArgReduceLowering<ArgminOp, false>, CumsumLowering,
               DropoutLowering>(ctx);
  patterns.add<BinaryLowering<AddOp>, BinaryLowering<SubOp>,
               BinaryLowering<MulOp>, BinaryLowering<DivOp>,
               BinaryLowering<MaxOp>, BinaryLowering<MinOp>,
               BinaryLowering<PowOp>>(ctx);
  patterns.add<UnaryLowering<NegOp>, UnaryLowering<AbsOp>, UnaryLowering<ExpOp>,
               UnaryLowering<LogOp>, UnaryLowering<SqrtOp>,
               UnaryLowering<RsqrtOp>, UnaryLowering<TanhOp>,
               UnaryLowering<SigmoidOp>, UnaryLowering<ReluOp>,
               UnaryLowering<GeluOp>, UnaryLowering<SiluOp>>(ctx);
}

void mlir::tessera::configureTesseraGraphToLinalgConversionLegality(
    ConversionTarget &target) {
  target.addIllegalDialect<GraphDialect>();
  target.addLegalDialect<arith::ArithDialect, cf::ControlFlowDialect,
                         linalg::LinalgDialect, math::MathDialect,
                         scf::SCFDialect, tensor::TensorDialect>();
}

namespace {
struct ConvertTesseraGraphToLinalgPass
    : public tessera::impl::ConvertTesseraGraphToLinalgBase<
          ConvertTesseraGraphToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    ConversionTarget target(getContext());
    configureTesseraGraphToLinalgConversionLegality(target);
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    populateTesseraGraphToLinalgConversionPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
