//===- Indexed.cpp - Elementwise kernels that move elements ---------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Elementwise kernels whose bodies hold ops that read their inputs at other
// positions than their own: transpose, reshape, broadcast_to, slice, concat,
// take, dropout (which hashes its position), argmax/argmin and the
// reductions the row and column kernels do not take (loops along the
// reduced dims). Each block computes `tile`
// output positions: their multi-indices are index tiles, and every value of
// the body is evaluated at a tuple of index tiles by pulling the tuple back
// through the ops above it (a transpose permutes it, a slice scales and
// shifts it, a reshape flattens and unflattens it, a take reads its indices
// there first), down to gathers from the kernel's input buffers. The math in
// between is tessera_tile.map of the ops' scalar builders, as in the other
// elementwise kernels.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

bool hasIndexedOps(Block &body) {
  return llvm::any_of(body.without_terminator(), [](Operation &op) {
    if (auto constant = dyn_cast<graph::ConstantOp>(op)) {
      auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
      return dense && !dense.isSplat(); // elements chosen by position
    }
    return schedule::isIndexedGraphOp(&op) || usesStochasticRounding(&op);
  });
}

namespace {

/// Sizes of the values of a kernel body, from the sizes of its arguments:
/// the same rules on the host (where the launch checks that the operands
/// agree) and in the kernel.
struct BodySizes {
  BodySizes(OpBuilder &b, Location loc,
            function_ref<SmallVector<Value>(BlockArgument)> argumentSizes,
            HostState *host)
      : b(b), loc(loc), argumentSizes(argumentSizes), host(host) {}
  OpBuilder &b;
  Location loc;
  function_ref<SmallVector<Value>(BlockArgument)> argumentSizes;
  /// On the host: the launch conditions of operands that must agree.
  HostState *host;
  DenseMap<Value, SmallVector<Value>> known;

  Value constant(int64_t v) { return indexConstant(b, loc, v); }

  void require(Value x, Value y, const Twine &reason) {
    if (host)
      requireEqual(*host, loc, x, y, reason);
  }

  FailureOr<SmallVector<Value>> of(Value value);
};

FailureOr<SmallVector<Value>> BodySizes::of(Value value) {
  auto it = known.find(value);
  if (it != known.end())
    return it->second;
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  SmallVector<Value> sizes(rank);
  auto fail = [&]() -> FailureOr<SmallVector<Value>> { return failure(); };

  if (auto arg = dyn_cast<BlockArgument>(value)) {
    sizes = argumentSizes(arg);
  } else {
    Operation *op = value.getDefiningOp();
    // The operands' sizes, computed first.
    SmallVector<SmallVector<Value>> operands;
    for (Value operand : op->getOperands()) {
      if (!isa<RankedTensorType>(operand.getType()))
        return op->emitOpError() << "has an operand that is not a tensor";
      FailureOr<SmallVector<Value>> s = of(operand);
      if (failed(s))
        return fail();
      operands.push_back(*s);
    }
    auto fromOperand = [&](unsigned i, int64_t d) {
      return operands[i][d];
    };
    for (int64_t d = 0; d < rank; ++d) {
      if (!type.isDynamicDim(d)) {
        sizes[d] = constant(type.getDimSize(d));
        continue;
      }
      if (auto transpose = dyn_cast<graph::TransposeOp>(op)) {
        sizes[d] = fromOperand(0, transpose.getPermutation()[d]);
      } else if (auto slice = dyn_cast<graph::SliceOp>(op)) {
        // A dynamic result dim takes every stride-th element from the
        // offset to the end: ceil(max(size - offset, 0) / stride).
        Value rest = arith::MaxSIOp::create(
            b, loc,
            arith::SubIOp::create(b, loc, fromOperand(0, d),
                                  constant(slice.getOffsets()[d])),
            constant(0));
        sizes[d] = arith::CeilDivSIOp::create(b, loc, rest,
                                              constant(slice.getStrides()[d]));
      } else if (isa<graph::ReshapeOp>(op)) {
        int64_t known = 1;
        for (int64_t size : type.getShape())
          if (!ShapedType::isDynamic(size))
            known *= size;
        sizes[d] = arith::DivUIOp::create(b, loc, product(b, loc, operands[0]),
                                          constant(known));
      } else if (auto concat = dyn_cast<graph::ConcatOp>(op)) {
        if (d == static_cast<int64_t>(concat.getDim())) {
          Value sum = constant(0);
          for (auto &s : operands)
            sum = arith::AddIOp::create(b, loc, sum, s[d]);
          sizes[d] = sum;
        } else {
          sizes[d] = operands[0][d];
        }
      } else if (auto reduceOp = dyn_cast<graph::ReduceOp>(op)) {
        // The result's dims are the input's kept ones, in order.
        int64_t kept = -1;
        for (int64_t id = 0, r = 0; id < reduceOp.getInput().getType().getRank();
             ++id) {
          bool reduced = llvm::is_contained(reduceOp.getDims(), id);
          if (reduced && !reduceOp.getKeepdim())
            continue;
          if (r++ == d) {
            kept = id;
            break;
          }
        }
        sizes[d] = fromOperand(0, kept);
      } else if (isa<graph::ArgmaxOp, graph::ArgminOp>(op)) {
        int64_t dim = cast<IntegerAttr>(op->getAttr("dim")).getInt();
        bool keepdim = op->hasAttr("keepdim");
        sizes[d] = fromOperand(0, keepdim || d < dim ? d : d + 1);
      } else if (auto take = dyn_cast<graph::TakeOp>(op)) {
        int64_t dim = take.getDim();
        int64_t inner = take.getIndices().getType().getRank();
        sizes[d] = d < dim           ? fromOperand(0, d)
                   : d < dim + inner ? fromOperand(1, d - dim)
                                     : fromOperand(0, d - inner + 1);
      } else {
        // Broadcasting (elementwise ops, broadcast_to, dropout): the first
        // operand that has the dim, not as a static 1.
        for (auto [i, operand] : llvm::enumerate(op->getOperands())) {
          auto t = cast<RankedTensorType>(operand.getType());
          int64_t od = d - (rank - t.getRank());
          if (od >= 0 && t.isDynamicDim(od)) {
            sizes[d] = operands[i][od];
            break;
          }
        }
        if (!sizes[d])
          return op->emitOpError()
                 << "has a dynamic dimension " << d
                 << " that none of its operands has; the GPU lowering "
                    "cannot size it";
      }
    }
    // What the launch checks: broadcast operands agree, concatenated ones
    // agree off the concatenation dim.
    if (host) {
      if (auto concat = dyn_cast<graph::ConcatOp>(op)) {
        for (auto &s : ArrayRef(operands).drop_front())
          for (int64_t d = 0; d < rank; ++d)
            if (d != static_cast<int64_t>(concat.getDim()))
              require(s[d], operands[0][d],
                      "concatenated tensors agree off the concatenation "
                      "dimension (dimension " +
                          Twine(d) + ")");
      } else if (isElementwiseGraphOp(op) ||
                 isa<graph::BroadcastToOp, graph::DropoutOp>(op)) {
        for (auto [i, operand] : llvm::enumerate(op->getOperands())) {
          auto t = cast<RankedTensorType>(operand.getType());
          for (int64_t od = 0; od < t.getRank(); ++od)
            if (t.isDynamicDim(od))
              require(sizes[od + rank - t.getRank()], operands[i][od],
                      "operands broadcast together (dimension " +
                          Twine(od + rank - t.getRank()) + ")");
        }
      }
    }
  }
  known[value] = sizes;
  return sizes;
}

/// Evaluates the values of a kernel body at tuples of index tiles.
struct IndexedEvaluator {
  IndexedEvaluator(OpBuilder &b, Location loc, Attribute encoding,
                   int64_t tile, BodySizes &sizes,
                   function_ref<Value(BlockArgument, Value)> flatBuffer)
      : b(b), loc(loc), encoding(encoding), tile(tile), sizes(sizes),
        flatBuffer(flatBuffer) {}
  OpBuilder &b;
  Location loc;
  Attribute encoding;
  int64_t tile;
  BodySizes &sizes;
  /// A flat view of argument `arg`'s buffer of `count` elements.
  function_ref<Value(BlockArgument, Value)> flatBuffer;
  /// The output's positions (index tuple and sizes) and the first of them:
  /// an argument read there, of the output's sizes, is a box at `base`.
  SmallVector<Value> outputIndex, outputSizes;
  Value base;
  /// Values evaluated at an index tuple already.
  DenseMap<Value, SmallVector<std::pair<SmallVector<Value>, Value>>> done;

  RankedTensorType tileOf(Type element) const {
    return RankedTensorType::get({tile}, element, encoding);
  }
  Value splat(Value scalar) {
    return tensor::SplatOp::create(b, loc, tileOf(scalar.getType()), scalar);
  }
  Value splatIndex(int64_t v) { return splat(indexConstant(b, loc, v)); }
  Value linearize(ArrayRef<Value> index, ArrayRef<Value> extents) {
    if (index.empty())
      return splatIndex(0);
    Value flat = index.front();
    for (auto [i, size] : llvm::zip(index.drop_front(), extents.drop_front()))
      flat = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, flat, splat(size)), i);
    return flat;
  }
  /// The multi-index of row-major position `flat` (the first dim's index is
  /// what is left: past the end for positions past the element count).
  SmallVector<Value> delinearize(Value flat, ArrayRef<Value> extents) {
    SmallVector<Value> index(extents.size());
    for (int64_t d = extents.size() - 1; d > 0; --d) {
      index[d] = arith::RemUIOp::create(b, loc, flat, splat(extents[d]));
      flat = arith::DivUIOp::create(b, loc, flat, splat(extents[d]));
    }
    if (!index.empty())
      index[0] = flat;
    return index;
  }
  /// `index` for an operand of type `t` broadcast to rank `rank`: its dims
  /// align with the trailing ones; static 1s read position 0.
  SmallVector<Value> broadcastIndex(ArrayRef<Value> index,
                                    RankedTensorType t) {
    SmallVector<Value> at;
    int64_t offset = index.size() - t.getRank();
    for (int64_t d = 0; d < t.getRank(); ++d)
      at.push_back(t.getDimSize(d) == 1 ? splatIndex(0) : index[d + offset]);
    return at;
  }

  FailureOr<Value> at(Value value, ArrayRef<Value> index);
  FailureOr<Value> compute(Value value, ArrayRef<Value> index);
  FailureOr<Value> argReduce(Operation *op, ArrayRef<Value> index);
  FailureOr<Value> smallConstant(graph::ConstantOp op, DenseElementsAttr dense,
                                 ArrayRef<Value> index,
                                 ArrayRef<Value> extents);
  FailureOr<Value> reduce(graph::ReduceOp op, ArrayRef<Value> index);
  FailureOr<Value> softmax(Operation *op, ArrayRef<Value> index);
  /// A loop along `dim` of `input` at `index` (its position along `dim`
  /// replaced by the loop's), carrying `init`: `step` combines each element
  /// (converted to the carried type) with it, and the elements of `extra`
  /// tiles (computed before the loop): step(x, carried, extras...).
  FailureOr<Value> foldAlong(Value input, int64_t dim, ArrayRef<Value> index,
                             Value init, ValueRange extra,
                             function_ref<Value(OpBuilder &, ValueRange)> step);
};

FailureOr<Value> IndexedEvaluator::foldAlong(
    Value input, int64_t dim, ArrayRef<Value> index, Value init,
    ValueRange extra, function_ref<Value(OpBuilder &, ValueRange)> step) {
  FailureOr<SmallVector<Value>> inSizes = sizes.of(input);
  if (failed(inSizes))
    return failure();
  Type carried = cast<RankedTensorType>(init.getType()).getElementType();
  auto loop = scf::ForOp::create(b, loc, indexConstant(b, loc, 0),
                                 (*inSizes)[dim], indexConstant(b, loc, 1),
                                 ValueRange{init});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  SmallVector<Value> from(index);
  from[dim] = splat(loop.getInductionVar());
  auto saved = done;
  FailureOr<Value> x = at(input, from);
  done = std::move(saved);
  if (failed(x))
    return failure();
  SmallVector<Value> inputs{*x, loop.getRegionIterArg(0)};
  llvm::append_range(inputs, extra);
  Value next = mapTiles(b, loc, tileOf(carried), inputs,
                        [&](OpBuilder &mb, ValueRange e) -> Value {
                          SmallVector<Value> args(e);
                          args[0] = convertScalar(mb, loc, e[0], carried);
                          return step(mb, args);
                        });
  scf::YieldOp::create(b, loc, next);
  return loop.getResult(0);
}

/// softmax/log_softmax at `index` along a dim other than the last (the row
/// kernels take the last): a loop for the maximum, one for the sum of
/// exponentials, in the op's compute type.
FailureOr<Value> IndexedEvaluator::softmax(Operation *op,
                                           ArrayRef<Value> index) {
  Value input = op->getOperand(0);
  int64_t dim = cast<IntegerAttr>(op->getAttr("dim")).getInt();
  Type element = cast<RankedTensorType>(op->getResult(0).getType())
                     .getElementType();
  Type compute = getComputeType(op, element);
  auto f = cast<FloatType>(compute);
  Value lowest = splat(arith::ConstantOp::create(
      b, loc, b.getFloatAttr(f, APFloat::getInf(f.getFloatSemantics(),
                                                /*Negative=*/true))));
  FailureOr<Value> max = foldAlong(
      input, dim, index, lowest, {}, [&](OpBuilder &mb, ValueRange e) -> Value {
        return arith::MaximumFOp::create(mb, loc, e[1], e[0]);
      });
  if (failed(max))
    return failure();
  Value m = *max;
  FailureOr<Value> sum = foldAlong(
      input, dim, index, splat(floatConstant(b, loc, compute, 0.0)), {m},
      [&](OpBuilder &mb, ValueRange e) -> Value {
        return arith::AddFOp::create(
            mb, loc, e[1],
            math::ExpOp::create(mb, loc,
                                arith::SubFOp::create(mb, loc, e[0], e[2])));
      });
  FailureOr<Value> x = at(input, index);
  if (failed(sum) || failed(x))
    return failure();
  bool log = isa<graph::LogSoftmaxOp>(op);
  return mapTiles(b, loc, tileOf(element), ValueRange{*x, m, *sum},
                  [&](OpBuilder &mb, ValueRange e) -> Value {
                    Value shifted = arith::SubFOp::create(
                        mb, loc, convertScalar(mb, loc, e[0], compute), e[1]);
                    Value v = log ? arith::SubFOp::create(
                                        mb, loc, shifted,
                                        math::LogOp::create(mb, loc, e[2]))
                                        .getResult()
                                  : arith::DivFOp::create(
                                        mb, loc,
                                        math::ExpOp::create(mb, loc, shifted),
                                        e[2])
                                        .getResult();
                    return buildStorageScalar(op, mb, loc, v, element);
                  });
}

/// A reduce at `index` (one the row and column kernels do not take: over
/// middle dims, or of integers): nested loops over the reduced dims
/// carrying the accumulator (the op's accumulate type), the input evaluated
/// inside; a mean divides by the count at the end.
FailureOr<Value> IndexedEvaluator::reduce(graph::ReduceOp op,
                                          ArrayRef<Value> index) {
  Value input = op.getInput();
  auto inType = cast<RankedTensorType>(input.getType());
  FailureOr<SmallVector<Value>> inSizes = sizes.of(input);
  if (failed(inSizes))
    return failure();
  SmallVector<int64_t> dims(op.getDims());
  llvm::sort(dims);
  Type element = op.getType().getElementType();
  Type acc = getAccumulateType(op, element);
  auto kind = static_cast<unsigned>(op.getKind());
  // The input's index: the result's, with the reduced dims from the loops.
  SmallVector<Value> from;
  for (int64_t d = 0, r = 0; d < inType.getRank(); ++d) {
    bool reduced = llvm::is_contained(dims, d);
    from.push_back(reduced ? Value() : index[r]);
    if (!reduced || op.getKeepdim())
      ++r;
  }
  OpBuilder::InsertionGuard guard(b);
  Value init = splat(buildReductionInit(b, loc, kind, acc));
  SmallVector<scf::ForOp> loops;
  for (int64_t d : dims) {
    Value carried = loops.empty() ? init : loops.back().getRegionIterArg(0);
    auto loop = scf::ForOp::create(b, loc, indexConstant(b, loc, 0),
                                   (*inSizes)[d], indexConstant(b, loc, 1),
                                   ValueRange{carried});
    b.setInsertionPointToStart(loop.getBody());
    from[d] = splat(loop.getInductionVar());
    loops.push_back(loop);
  }
  auto saved = done;
  FailureOr<Value> x = at(input, from);
  done = std::move(saved);
  if (failed(x))
    return failure();
  Value sum = mapTiles(
      b, loc, tileOf(acc), ValueRange{*x, loops.back().getRegionIterArg(0)},
      [&](OpBuilder &mb, ValueRange e) -> Value {
        return buildReductionCombine(mb, loc, kind,  e[1],
                                     convertScalar(mb, loc, e[0], acc));
      });
  for (scf::ForOp loop : llvm::reverse(loops)) {
    b.setInsertionPointToEnd(loop.getBody());
    scf::YieldOp::create(b, loc, sum);
    sum = loop.getResult(0);
    b.setInsertionPointAfter(loop);
  }
  Value count;
  if (op.getKind() == graph::ReduceKind::mean) {
    count = indexConstant(b, loc, 1);
    for (int64_t d : dims)
      count = arith::MulIOp::create(b, loc, count, (*inSizes)[d]);
    count = isa<FloatType>(acc) ? indexToFloat(b, loc, count, acc)
                                : arith::IndexCastOp::create(b, loc, acc, count)
                                      .getResult();
  }
  return mapTiles(b, loc, tileOf(element), ValueRange{sum},
                  [&](OpBuilder &mb, ValueRange e) -> Value {
                    Value v = e[0];
                    if (count)
                      v = isa<FloatType>(acc)
                              ? arith::DivFOp::create(mb, loc, v, count)
                                    .getResult()
                              : arith::DivSIOp::create(mb, loc, v, count)
                                    .getResult();
                    return buildStorageScalar(op, mb, loc, v, element);
                  });
}

/// A non-splat constant at `index`: its elements chosen by their row-major
/// position (a chain of selects in a map, the values in the code).
FailureOr<Value> IndexedEvaluator::smallConstant(graph::ConstantOp op,
                                                 DenseElementsAttr dense,
                                                 ArrayRef<Value> index,
                                                 ArrayRef<Value> extents) {
  int64_t count = dense.getNumElements();
  if (count > schedule::kMaxEmbeddedConstantElements)
    return op.emitOpError()
           << "is a constant of " << count
           << " elements; the GPU lowering embeds constants of at most "
           << schedule::kMaxEmbeddedConstantElements
           << " elements in kernels: pass larger ones as inputs of the "
              "kernel (tessera-schedule-assign does)";
  Type element = dense.getElementType();
  SmallVector<Attribute> values(dense.getValues<Attribute>());
  Value position = linearize(index, extents);
  return mapTiles(
      b, loc, tileOf(element), ValueRange{position},
      [&](OpBuilder &mb, ValueRange e) -> Value {
        Value result = arith::ConstantOp::create(
            mb, loc, cast<TypedAttr>(values.back()));
        for (int64_t i = count - 2; i >= 0; --i) {
          Value here = arith::CmpIOp::create(mb, loc, arith::CmpIPredicate::eq,
                                             e[0], indexConstant(mb, loc, i));
          result = arith::SelectOp::create(
              mb, loc, here,
              arith::ConstantOp::create(mb, loc, cast<TypedAttr>(values[i])),
              result);
        }
        return result;
      });
}

/// argmax/argmin at `index`: a loop along the reduced dim carrying the best
/// value and its i32 index (tiles), the input evaluated at each position of
/// the dim inside it (values evaluated there stay there).
FailureOr<Value> IndexedEvaluator::argReduce(Operation *op,
                                             ArrayRef<Value> index) {
  bool isMax = isa<graph::ArgmaxOp>(op);
  Value input = op->getOperand(0);
  int64_t dim = cast<IntegerAttr>(op->getAttr("dim")).getInt();
  bool keepdim = op->hasAttr("keepdim");
  FailureOr<SmallVector<Value>> inSizes = sizes.of(input);
  if (failed(inSizes))
    return failure();
  Type element = cast<RankedTensorType>(input.getType()).getElementType();
  Type i32 = b.getI32Type();
  Value best = splat(arith::ConstantOp::create(
      b, loc, getArgReduceStart(b, element, isMax)));
  Value at0 = splat(arith::ConstantIntOp::create(b, loc, i32, 0));
  auto loop = scf::ForOp::create(b, loc, indexConstant(b, loc, 0),
                                 (*inSizes)[dim], indexConstant(b, loc, 1),
                                 ValueRange{best, at0});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  auto saved = done;
  Value k = loop.getInductionVar();
  SmallVector<Value> from(index);
  if (keepdim)
    from[dim] = splat(k);
  else
    from.insert(from.begin() + dim, splat(k));
  FailureOr<Value> x = at(input, from);
  done = std::move(saved);
  if (failed(x))
    return failure();
  Value kTile = splat(arith::IndexCastOp::create(b, loc, i32, k));
  Value carriedBest = loop.getRegionIterArg(0);
  Value carriedAt = loop.getRegionIterArg(1);
  Value newBest = mapTiles(b, loc, tileOf(element), ValueRange{*x, carriedBest},
                           [&](OpBuilder &mb, ValueRange e) -> Value {
                             Value better = buildArgReduceBetter(
                                 mb, loc, isMax, e[0], e[1]);
                             return arith::SelectOp::create(mb, loc, better,
                                                            e[0], e[1]);
                           });
  Value newAt = mapTiles(
      b, loc, tileOf(i32), ValueRange{*x, carriedBest, kTile, carriedAt},
      [&](OpBuilder &mb, ValueRange e) -> Value {
        Value better = buildArgReduceBetter(mb, loc, isMax, e[0], e[1]);
        return arith::SelectOp::create(mb, loc, better, e[2], e[3]);
      });
  scf::YieldOp::create(b, loc, ValueRange{newBest, newAt});
  return loop.getResult(1);
}

FailureOr<Value> IndexedEvaluator::at(Value value, ArrayRef<Value> index) {
  for (auto &[where, v] : done[value])
    if (ArrayRef<Value>(where) == index)
      return v;
  FailureOr<Value> v = compute(value, index);
  if (succeeded(v))
    done[value].push_back({llvm::to_vector(index), *v});
  return v;
}

FailureOr<Value> IndexedEvaluator::compute(Value value,
                                           ArrayRef<Value> index) {
  auto type = cast<RankedTensorType>(value.getType());
  Type element = type.getElementType();
  FailureOr<SmallVector<Value>> extentsOr = sizes.of(value);
  if (failed(extentsOr))
    return failure();
  SmallVector<Value> extents = *extentsOr;

  if (auto arg = dyn_cast<BlockArgument>(value)) {
    Value buffer = flatBuffer(arg, product(b, loc, extents));
    // At the output's own positions, in a buffer of its sizes: a box.
    auto same = [](Value x, Value y) {
      std::optional<int64_t> cx = getConstantIntValue(x),
                             cy = getConstantIntValue(y);
      return x == y || (cx && cy && *cx == *cy);
    };
    if (index == ArrayRef<Value>(outputIndex) &&
        extents.size() == outputSizes.size() &&
        llvm::all_of(llvm::zip(extents, outputSizes),
                     [&](auto p) { return same(std::get<0>(p), std::get<1>(p)); }))
      return tile::LoadTileOp::create(b, loc, tileOf(element), buffer,
                                      ValueRange{base})
          .getResult();
    // Elsewhere a gather from the row-major buffer, masked at its size.
    Value offset = linearize(index, extents);
    return tile::GatherOp::create(b, loc, tileOf(element), buffer, offset)
        .getResult();
  }
  Operation *op = value.getDefiningOp();
  if (auto constant = dyn_cast<graph::ConstantOp>(op)) {
    auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
    if (dense && !dense.isSplat())
      return smallConstant(constant, dense, index, extents);
    FailureOr<Value> scalar = splatConstant(b, constant);
    if (failed(scalar))
      return failure();
    return splat(*scalar);
  }
  if (auto transpose = dyn_cast<graph::TransposeOp>(op)) {
    ArrayRef<int64_t> permutation = transpose.getPermutation();
    SmallVector<Value> from(index.size());
    for (auto [d, p] : llvm::enumerate(permutation))
      from[p] = index[d];
    return at(transpose.getInput(), from);
  }
  if (auto reshape = dyn_cast<graph::ReshapeOp>(op)) {
    FailureOr<SmallVector<Value>> inner = sizes.of(reshape.getInput());
    if (failed(inner))
      return failure();
    return at(reshape.getInput(),
              delinearize(linearize(index, extents), *inner));
  }
  if (auto broadcast = dyn_cast<graph::BroadcastToOp>(op))
    return at(broadcast.getInput(),
              broadcastIndex(index, broadcast.getInput().getType()));
  if (auto slice = dyn_cast<graph::SliceOp>(op)) {
    SmallVector<Value> from;
    for (auto [d, i] : llvm::enumerate(index))
      from.push_back(arith::AddIOp::create(
          b, loc,
          arith::MulIOp::create(b, loc, i,
                                splatIndex(slice.getStrides()[d])),
          splatIndex(slice.getOffsets()[d])));
    return at(slice.getInput(), from);
  }
  if (auto concat = dyn_cast<graph::ConcatOp>(op)) {
    // Each piece read at the position clamped into it, the one the
    // position lies in chosen: no read is out of bounds.
    int64_t dim = concat.getDim();
    Value start = indexConstant(b, loc, 0);
    Value result;
    for (Value input : concat.getInputs()) {
      FailureOr<SmallVector<Value>> piece = sizes.of(input);
      if (failed(piece))
        return failure();
      Value size = (*piece)[dim];
      Value last = arith::MaxSIOp::create(
          b, loc,
          arith::SubIOp::create(b, loc, size, indexConstant(b, loc, 1)),
          indexConstant(b, loc, 0));
      SmallVector<Value> from(index);
      Value local = arith::SubIOp::create(b, loc, index[dim], splat(start));
      from[dim] = arith::MaxSIOp::create(
          b, loc, arith::MinSIOp::create(b, loc, local, splat(last)),
          splatIndex(0));
      FailureOr<Value> v = at(input, from);
      if (failed(v))
        return failure();
      if (!result) {
        result = *v;
      } else {
        Value pieceStart = start;
        result = mapTiles(
            b, loc, tileOf(element), ValueRange{index[dim], *v, result},
            [&](OpBuilder &mb, ValueRange e) -> Value {
              Value inPiece = arith::CmpIOp::create(
                  mb, loc, arith::CmpIPredicate::uge, e[0], pieceStart);
              return arith::SelectOp::create(mb, loc, inPiece, e[1], e[2]);
            });
      }
      start = arith::AddIOp::create(b, loc, start, size);
    }
    return result;
  }
  if (auto take = dyn_cast<graph::TakeOp>(op)) {
    int64_t dim = take.getDim();
    int64_t inner = take.getIndices().getType().getRank();
    FailureOr<Value> ids =
        at(take.getIndices(), index.slice(dim, inner));
    FailureOr<SmallVector<Value>> from = sizes.of(take.getInput());
    if (failed(ids) || failed(from))
      return failure();
    // Negative indices count from the end once; the rest is clamped into
    // [0, size), as the CPU path does.
    Value size = (*from)[dim];
    Value taken = mapTiles(
        b, loc, tileOf(b.getIndexType()), ValueRange{*ids},
        [&](OpBuilder &mb, ValueRange e) -> Value {
          Value i = arith::IndexCastOp::create(mb, loc, mb.getIndexType(),
                                               e[0]);
          Value zero = indexConstant(mb, loc, 0);
          Value negative = arith::CmpIOp::create(
              mb, loc, arith::CmpIPredicate::slt, i, zero);
          i = arith::SelectOp::create(mb, loc, negative,
                                      arith::AddIOp::create(mb, loc, i, size),
                                      i);
          Value last =
              arith::SubIOp::create(mb, loc, size, indexConstant(mb, loc, 1));
          return arith::MaxSIOp::create(
              mb, loc, arith::MinSIOp::create(mb, loc, i, last), zero);
        });
    SmallVector<Value> at(index.take_front(dim));
    at.push_back(taken);
    llvm::append_range(at, index.drop_front(dim + inner));
    return this->at(take.getInput(), at);
  }
  if (isa<graph::ArgmaxOp, graph::ArgminOp>(op))
    return argReduce(op, index);
  if (auto reduceOp = dyn_cast<graph::ReduceOp>(op))
    return reduce(reduceOp, index);
  if (isa<graph::SoftmaxOp, graph::LogSoftmaxOp>(op))
    return softmax(op, index);
  if (auto dropout = dyn_cast<graph::DropoutOp>(op)) {
    FailureOr<Value> x = at(dropout.getInput(), index);
    if (failed(x))
      return failure();
    Value linear = arith::IndexCastOp::create(
        b, loc, tileOf(b.getI64Type()), linearize(index, extents));
    return mapTiles(b, loc, tileOf(element), ValueRange{*x, linear},
                    [&](OpBuilder &mb, ValueRange e) -> Value {
                      return buildDropoutScalar(op, mb, loc, e[0], e[1]);
                    });
  }
  if (isElementwiseGraphOp(op)) {
    SmallVector<Value> operands;
    for (Value operand : op->getOperands()) {
      FailureOr<Value> v = at(
          operand,
          broadcastIndex(index, cast<RankedTensorType>(operand.getType())));
      if (failed(v))
        return failure();
      operands.push_back(*v);
    }
    // Stochastic rounding hashes the element's indices: they go into the
    // map after the operands.
    bool stochastic = usesStochasticRounding(op);
    unsigned count = operands.size();
    if (stochastic)
      llvm::append_range(operands, index);
    return mapTiles(b, loc, tileOf(element), operands,
                    [&](OpBuilder &mb, ValueRange e) -> Value {
                      if (!stochastic)
                        return buildElementwiseScalar(mb, loc, op, e);
                      SmallVector<Value> at(e.drop_front(count));
                      return buildElementwiseScalar(mb, loc, op,
                                                    e.take_front(count),
                                                    ElementPosition(at));
                    });
  }
  return op->emitOpError() << "is not supported by the GPU lowering of "
                              "elementwise kernels";
}

} // namespace

LogicalResult lowerIndexed(HostState &host, schedule::KernelOp kernel) {
  Location loc = kernel.getLoc();
  Block &body = kernel.getBody().front();
  if (kernel.getNumResults() != 1)
    return kernel.emitOpError()
           << "has " << kernel.getNumResults()
           << " results; the GPU lowering of elementwise kernels takes one";
  auto resultType = cast<RankedTensorType>(kernel.getResult(0).getType());
  Value result = cast<schedule::YieldOp>(body.getTerminator()).getValues()[0];
  schedule::ConfigAttr config = kernel.getConfig();
  OpBuilder &hb = host.builder;
  MLIRContext *ctx = host.module.getContext();

  // The output's sizes on the host, from the inputs' (the launch checks
  // that operands agree).
  auto inputSizes = [&](BlockArgument arg) {
    return llvm::to_vector(
        host.sizesOf(kernel.getInputs()[arg.getArgNumber()]));
  };
  BodySizes hostSizes(hb, loc, inputSizes, &host);
  FailureOr<SmallVector<Value>> outSizes = hostSizes.of(result);
  if (failed(outSizes))
    return failure();
  Value out = allocate(host, loc, resultType, *outSizes);
  host.buffers.map(kernel.getResult(0), out);

  // Parameters: the inputs' buffers, the output's, then the inputs'
  // dynamic sizes (the kernel sizes every value from them).
  KernelSignature sig;
  for (Value input : kernel.getInputs())
    sig.addBuffer(host.buffers.lookup(input));
  unsigned outParam = sig.addBuffer(out);
  // One parameter per distinct host size.
  DenseMap<Value, unsigned> sizeParam;
  auto addSize = [&](Value size) -> int64_t {
    auto [it, added] = sizeParam.try_emplace(size, 0);
    if (added)
      it->second = sig.addSize(size);
    return it->second;
  };
  // argument -> dim -> param (or -1 where static)
  SmallVector<SmallVector<int64_t>> sizeParams;
  for (auto [i, input] : llvm::enumerate(kernel.getInputs())) {
    auto type = cast<RankedTensorType>(input.getType());
    SmallVector<int64_t> params;
    for (int64_t d = 0; d < type.getRank(); ++d)
      params.push_back(type.isDynamicDim(d) ? addSize(host.sizesOf(input)[d])
                                            : -1);
    sizeParams.push_back(params);
  }
  // The output's element count on the host: the grid.
  SmallVector<int64_t> outSizeParams;
  for (int64_t d = 0; d < resultType.getRank(); ++d)
    outSizeParams.push_back(resultType.isDynamicDim(d) ? addSize((*outSizes)[d])
                                                       : -1);

  int64_t tile = config.getTile()[0], threads = config.getThreads();
  int64_t warpSize = getWarpSize(host.module);
  if (threads % warpSize != 0)
    return kernel.emitOpError()
           << "has " << threads << " threads per block, not whole warps of "
           << warpSize;
  Value numel = product(hb, loc, *outSizes);
  Value blocks = arith::CeilDivUIOp::create(hb, loc, numel,
                                            indexConstant(hb, loc, tile));
  auto encoding = tile::BlockedEncodingAttr::get(
      ctx, {threads / warpSize}, {warpSize}, {config.getVector()});

  return emitKernel(
      host, loc, "elementwise", config, sig, {blocks}, 0,
      [&](OpBuilder &b, ValueRange params) -> LogicalResult {
        auto sizeOf = [&](RankedTensorType type, ArrayRef<int64_t> which) {
          SmallVector<Value> s;
          for (int64_t d = 0; d < type.getRank(); ++d)
            s.push_back(which[d] < 0 ? indexConstant(b, loc, type.getDimSize(d))
                                     : params[which[d]]);
          return s;
        };
        auto argumentSizes = [&](BlockArgument arg) {
          return sizeOf(cast<RankedTensorType>(arg.getType()),
                        sizeParams[arg.getArgNumber()]);
        };
        BodySizes kernelSizes(b, loc, argumentSizes, nullptr);
        auto argumentBuffer = [&](BlockArgument arg, Value count) {
          return flatView(b, loc, params[arg.getArgNumber()], count);
        };
        IndexedEvaluator eval(b, loc, encoding, tile, kernelSizes,
                              argumentBuffer);
        SmallVector<Value> sizes = sizeOf(resultType, outSizeParams);
        Value n = product(b, loc, sizes);
        Value base = arith::MulIOp::create(b, loc, programId(b, loc, 0),
                                           indexConstant(b, loc, tile));
        Value range = tile::RangeOp::create(b, loc, eval.tileOf(b.getI32Type()),
                                            b.getI64IntegerAttr(0),
                                            b.getI64IntegerAttr(tile));
        Value position = arith::AddIOp::create(
            b, loc,
            arith::IndexCastOp::create(b, loc, eval.tileOf(b.getIndexType()),
                                       range),
            eval.splat(base));
        eval.outputIndex = eval.delinearize(position, sizes);
        eval.outputSizes = sizes;
        eval.base = base;
        FailureOr<Value> value = eval.at(result, eval.outputIndex);
        if (failed(value))
          return failure();
        tile::StoreTileOp::create(b, loc, *value, flatView(b, loc, params[outParam], n),
                                  ValueRange{base}, Value());
        return success();
      });
}

} // namespace mlir::tessera::schedule_to_tile
