//===- GraphToLinalg.h - Graph IR to linalg ---------------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_CONVERSION_GRAPHTOLINALG_GRAPHTOLINALG_H
#define TESSERA_CONVERSION_GRAPHTOLINALG_GRAPHTOLINALG_H

#include "mlir/IR/Builders.h"

namespace mlir {
class ConversionTarget;
class RewritePatternSet;
namespace tessera {

//===----------------------------------------------------------------------===//
// Scalar math of Graph IR ops, shared with the GPU lowering
//===----------------------------------------------------------------------===//

/// True for the ops computed element by element from the same (broadcast)
/// position of their operands: binary and unary math, cast, select and
/// compare.
bool isElementwiseGraphOp(Operation *op);

/// Where an element is, for stochastic rounding's random stream (a hash of
/// the element's indices): the loop indices of the enclosing `loops`-deep
/// linalg.generic, or the given `indices` (index or integer values, one
/// per dim of the result).
struct ElementPosition {
  ElementPosition(int64_t loops = 0) : loops(loops) {}
  ElementPosition(ArrayRef<Value> indices) : indices(indices) {}
  int64_t loops = 0;
  ArrayRef<Value> indices;
};

/// Builds the scalar math of elementwise op `op` on `operands`, scalars of
/// its operands' element types; the result has the op's result element type,
/// converted as the op's numerics policy says. Stochastic rounding draws on
/// the element's position `at`: callers that cannot give one must reject
/// it (see `usesStochasticRounding`).
Value buildElementwiseScalar(OpBuilder &b, Location loc, Operation *op,
                             ValueRange operands, ElementPosition at = {});

/// One element of tessera_graph.dropout `op`: `x` (of its element type)
/// kept, scaled by 1 / (1 - p), or zeroed by the hash of its row-major
/// position `linear` (an i64) and the op's seed.
Value buildDropoutScalar(Operation *op, OpBuilder &b, Location loc, Value x,
                         Value linear);

/// argmax (`isMax`) or argmin of `element` values: the value it starts
/// from (the type's lowest or highest), and whether `x` replaces the best
/// so far (strictly better, or the first NaN), as NumPy's.
TypedAttr getArgReduceStart(OpBuilder &b, Type element, bool isMax);
Value buildArgReduceBetter(OpBuilder &b, Location loc, bool isMax, Value x,
                           Value best);

/// True if `op` rounds stochastically (its own cast mode or its policy).
bool usesStochasticRounding(Operation *op);

/// The identity of reduction `kind` (a graph::ReduceKind) in `type`, and the
/// combination of an accumulator with one more value.
Value buildReductionInit(OpBuilder &b, Location loc, unsigned kind, Type type);
Value buildReductionCombine(OpBuilder &b, Location loc, unsigned kind,
                            Value acc, Value x);

/// Converts a scalar to `to`, rounding to nearest, without saturation.
Value convertScalar(OpBuilder &b, Location loc, Value value, Type to);

/// Converts `op`'s computed scalar to its result element type `to` the way
/// its numerics policy says (rounding, saturation, denormal flushing); as
/// convertScalar without a policy. Stochastic rounding is not built here.
Value buildStorageScalar(Operation *op, OpBuilder &b, Location loc,
                         Value value, Type to);
/// The same, where stochastic rounding draws on `position`: the output
/// element's indices (index values, one per dim of the op's result), as
/// the CPU path hashes them.
Value buildStorageScalar(Operation *op, OpBuilder &b, Location loc,
                         Value value, Type to, ArrayRef<Value> position);

/// The type `op` computes elementwise math on `element` values in: its
/// policy's compute type, else f32 for narrow floats, else `element`.
Type getComputeType(Operation *op, Type element);

/// The type `op` accumulates reductions over `element` in: its policy's
/// accumulate type, else f32 for narrow floats, else `element`.
Type getAccumulateType(Operation *op, Type element);

/// The type a `tessera_graph.matmul` (`op`) accumulates in: its `acc`, else
/// getAccumulateType of its result's element type.
Type getMatmulAccumulateType(Operation *op);

/// Patterns lowering every tessera_graph op to linalg/tensor/arith/math.
void populateTesseraGraphToLinalgConversionPatterns(RewritePatternSet &patterns);

/// tessera_graph illegal; linalg, tensor, arith, math legal.
void configureTesseraGraphToLinalgConversionLegality(ConversionTarget &target);

} // namespace tessera
} // namespace mlir

#endif // TESSERA_CONVERSION_GRAPHTOLINALG_GRAPHTOLINALG_H
