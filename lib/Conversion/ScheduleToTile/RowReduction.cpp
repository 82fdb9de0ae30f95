//===- RowReduction.cpp - Row kernels: softmax, norms, row reductions -----===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Row kernels: softmax and log_softmax, layer and RMS norm, and reductions
// over the trailing dims. A block's program, for row `pid` of the input
// viewed as [rows, cols]:
//
//   - the row is walked in chunks: [1, C] register tiles (load_tile on a
//     [1, cols] view of the row, zero past its end) spread over all of the
//     block's warps, each lane holding runs of 16 bytes;
//   - a statistic (max, sum, sum of squares) is accumulated elementwise in a
//     [1, C] tile carried by the chunk loop, in the op's accumulate type,
//     and reduced once after it (`reduce ... axis 1`, a [1] slice tile);
//     padding past the row is masked where zero would be wrong (a max, a
//     sum of exp or of centered squares);
//   - statistics are broadcast back over [1, C] and a last pass writes the
//     row (store_tile, masked at its end); reductions store their [1] tile.
//
// Passes over the row: softmax 3 (max, sum, write), layer_norm 3 (mean,
// variance, write), rms_norm 2, reductions 1.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

/// 16-byte accesses a thread makes per chunk of a row. Four keep enough
/// loads in flight per thread at the occupancy the f32 accumulators leave;
/// an 8192-wide f16 row is one chunk of 32 elements a thread, as Triton's
/// softmax holds it.
static constexpr int64_t kRowVectorsPerThread = 4;

namespace {
/// The register tiles of a row kernel.
struct RowTiles {
  int64_t chunk;                  // C, the columns of one chunk
  RankedTensorType storage;       // [1, C] of the element type
  RankedTensorType compute;       // [1, C] of the accumulate type
  RankedTensorType stat;          // [1] slice of `compute`: a row statistic
  RankedTensorType columnIndex;   // [1, C] of i32: a chunk's column indices
};
} // namespace

/// [1, C] chunks over `warps` warps of `warpSize` lanes, each lane holding
/// 16-byte runs; C covers kRowVectorsPerThread runs a thread, or the row if
/// it is known to be narrower.
static RowTiles getRowTiles(MLIRContext *ctx, Type element, Type compute,
                            int64_t warps, int64_t warpSize,
                            int64_t staticCols) {
  int64_t perThread = getVectorElements(element);
  int64_t step = warpSize * warps * perThread;
  int64_t chunk = step * kRowVectorsPerThread;
  if (!ShapedType::isDynamic(staticCols)) {
    int64_t covering =
        std::max<int64_t>(1, llvm::divideCeil(staticCols, step)) * step;
    chunk = std::min(chunk, covering);
  }
  auto encoding = tile::BlockedEncodingAttr::get(
      ctx, {1, warps}, {1, warpSize}, {1, perThread});
  RowTiles tiles;
  tiles.chunk = chunk;
  tiles.storage = RankedTensorType::get({1, chunk}, element, encoding);
  tiles.compute = withElementType(tiles.storage, compute);
  tiles.stat = sliceOf(tiles.compute, 1, compute);
  tiles.columnIndex =
      withElementType(tiles.storage, IntegerType::get(ctx, 32));
  return tiles;
}

LogicalResult lowerRow(HostState &host, schedule::KernelOp kernel,
                       Operation *anchor) {
  Location loc = kernel.getLoc();
  schedule::ConfigAttr config = kernel.getConfig();
  OpBuilder &hb = host.builder;
  Value input = anchor->getOperand(0);
  auto inputType = cast<RankedTensorType>(input.getType());
  auto resultType = cast<RankedTensorType>(anchor->getResult(0).getType());
  int64_t rank = inputType.getRank();
  Type element = inputType.getElementType();
  Type compute = getAccumulateType(anchor, element);

  // Columns: the reduced trailing dims (the last dim for the others).
  int64_t firstReduced = rank - 1;
  auto reduce = dyn_cast<graph::ReduceOp>(anchor);
  if (reduce)
    firstReduced = rank - static_cast<int64_t>(reduce.getDims().size());

  auto hostValue = [&](Value v) {
    auto arg = cast<BlockArgument>(v);
    return kernel.getInputs()[arg.getArgNumber()];
  };
  Value hostInput = hostValue(input);
  ArrayRef<Value> inSizes = host.sizesOf(hostInput);
  Value rows = product(hb, loc, inSizes.take_front(firstReduced));
  Value cols = product(hb, loc, inSizes.drop_front(firstReduced));

  SmallVector<Value> outSizes;
  if (reduce) {
    for (int64_t d = 0; d < rank; ++d) {
      if (d < firstReduced)
        outSizes.push_back(inSizes[d]);
      else if (reduce.getKeepdim())
        outSizes.push_back(indexConstant(hb, loc, 1));
    }
  } else {
    outSizes.assign(inSizes.begin(), inSizes.end());
  }
  Value out = allocate(host, loc, resultType, outSizes);
  host.buffers.map(kernel.getResult(0), out);

  KernelSignature sig;
  unsigned xParam = sig.addBuffer(host.buffers.lookup(hostInput));
  int64_t wParam = -1, bParam = -1;
  double epsilon = 0;
  if (auto norm = dyn_cast<graph::LayerNormOp>(anchor)) {
    if (norm.getWeight())
      wParam = sig.addBuffer(host.buffers.lookup(hostValue(norm.getWeight())));
    if (norm.getBias())
      bParam = sig.addBuffer(host.buffers.lookup(hostValue(norm.getBias())));
    epsilon = norm.getEpsilon().convertToDouble();
  } else if (auto norm = dyn_cast<graph::RmsNormOp>(anchor)) {
    if (norm.getWeight())
      wParam = sig.addBuffer(host.buffers.lookup(hostValue(norm.getWeight())));
    epsilon = norm.getEpsilon().convertToDouble();
  }
  for (Value operand : anchor->getOperands().drop_front())
    requireBroadcastsTo(host, loc, hostValue(operand), inSizes,
                        "'" + anchor->getName().getStringRef().str() +
                            "' weight or bias against the input");
  unsigned outParam = sig.addBuffer(out);
  unsigned colsParam = sig.addSize(cols);

  if (!isa<FloatType>(compute))
    return anchor->emitOpError()
           << "computes in " << compute
           << "; the GPU row kernels take floats only";
  int64_t warpSize = getWarpSize(host.module);
  if (config.getThreads() % warpSize != 0)
    return kernel.emitOpError()
           << "has " << config.getThreads()
           << " threads per block, not a whole number of the chip's "
           << warpSize << "-lane warps";
  RowTiles tiles = getRowTiles(
      kernel.getContext(), element, compute, config.getThreads() / warpSize,
      warpSize, staticProduct(inputType.getShape().drop_front(firstReduced)));
  int64_t chunk = tiles.chunk;

  return emitKernel(
      host, loc, "row", config, sig, {rows},
      /*sharedBytes=*/0,
      [&](OpBuilder &b, ValueRange params) -> LogicalResult {
        Value cols = params[colsParam];
        Value zero = indexConstant(b, loc, 0), one = indexConstant(b, loc, 1);
        Value row = programId(b, loc, 0);
        Value rowStart = arith::MulIOp::create(b, loc, row, cols);
        // This block's row of the input (and output) as a [1, cols] view;
        // weight and bias are one row of cols.
        Value xRow = viewOf(b, loc, params[xParam], rowStart, {one, cols});
        auto vectorView = [&](int64_t param) {
          return viewOf(b, loc, params[param], zero, {one, cols});
        };

        auto toStorage = [&](OpBuilder &lb, Value t) {
          auto type = cast<RankedTensorType>(t.getType());
          return mapToTiles(lb, loc, withElementType(type, element), t,
                            [&](OpBuilder &sb, ValueRange s) {
                              return buildStorageScalar(anchor, sb, loc, s[0],
                                                        element);
                            });
        };
        auto loadChunk = [&](OpBuilder &lb, Value view, Value c) {
          Value t = tile::LoadTileOp::create(lb, loc, tiles.storage, view,
                                             ValueRange{zero, c});
          return mapToTiles(lb, loc, tiles.compute, t,
                            [&](OpBuilder &sb, ValueRange s) {
                              return convertScalar(sb, loc, s[0], compute);
                            });
        };
        auto loadX = [&](OpBuilder &lb, Value c) {
          return loadChunk(lb, xRow, c);
        };
        auto splatConstant = [&](RankedTensorType type, double v) {
          return tileConstant(b, loc, type, b.getFloatAttr(compute, v));
        };
        auto broadcast = [&](Value stat) -> Value {
          return tile::BroadcastOp::create(b, loc, tiles.compute, stat, 1);
        };

        // The columns of a chunk, for masking the padding past the row;
        // built before the first loop that masks.
        Value columnIndex;
        auto buildColumnIndex = [&]() {
          if (!columnIndex)
            columnIndex = tile::BroadcastOp::create(
                b, loc, tiles.columnIndex,
                tile::RangeOp::create(
                    b, loc, sliceOf(tiles.columnIndex, 0, b.getI32Type()), 0,
                    chunk),
                0);
        };
        auto maskRow = [&](OpBuilder &lb, Value t, Value c, Value fill) {
          Value valid = arith::MinUIOp::create(
              lb, loc, arith::SubIOp::create(lb, loc, cols, c),
              indexConstant(lb, loc, chunk));
          return maskPadding(lb, loc, t, columnIndex, valid, fill);
        };

        // Combines `term` of every chunk into a [1, C] tile starting from
        // kind's identity, then reduces it to the row's [1] statistic. With
        // `mask`, padding is replaced by the identity first.
        auto rowStat = [&](tile::ReduceKind kind, bool mask,
                           function_ref<Value(OpBuilder &, Value)> term) {
          Value init = tileConstant(
              b, loc, tiles.compute,
              getReduceIdentity(kind, cast<FloatType>(compute)));
          if (mask)
            buildColumnIndex();
          Value partial = chunkLoop(
              b, loc, cols, chunk, init,
              [&](OpBuilder &lb, Value c, Value acc) {
                Value x = term(lb, c);
                if (mask)
                  x = maskRow(lb, x, c, init);
                return combineTiles(lb, loc, kind, acc, x);
              });
          return tile::ReduceOp::create(b, loc, tiles.stat, kind, partial, 1)
              .getResult();
        };
        // The last pass: `value` of every chunk, stored to the output row.
        auto writeRow = [&](function_ref<Value(OpBuilder &, Value)> value) {
          Value outRow =
              viewOf(b, loc, params[outParam], rowStart, {one, cols});
          chunkLoop(b, loc, cols, chunk, Value(),
                    [&](OpBuilder &lb, Value c, Value) {
                      tile::StoreTileOp::create(lb, loc,
                                                toStorage(lb, value(lb, c)),
                                                outRow, ValueRange{zero, c},
                                                Value());
                      return Value();
                    });
          return success();
        };
        auto count = [&]() {
          return tileSplat(b, loc, tiles.stat,
                           indexToFloat(b, loc, cols, compute));
        };

        if (isa<graph::SoftmaxOp, graph::LogSoftmaxOp>(anchor)) {
          // Zero padding could exceed a row of negatives: mask the max.
          Value maxB =
              broadcast(rowStat(tile::ReduceKind::max, /*mask=*/true, loadX));
          auto shifted = [&](OpBuilder &lb, Value c) -> Value {
            return arith::SubFOp::create(lb, loc, loadX(lb, c), maxB);
          };
          // exp(0 - max) of the padding is not zero: mask the sum too.
          Value sum = rowStat(tile::ReduceKind::add, /*mask=*/true,
                              [&](OpBuilder &lb, Value c) -> Value {
                                return math::ExpOp::create(lb, loc,
                                                           shifted(lb, c));
                              });
          if (isa<graph::LogSoftmaxOp>(anchor)) {
            Value logSumB = broadcast(math::LogOp::create(b, loc, sum));
            return writeRow([&](OpBuilder &lb, Value c) -> Value {
              return arith::SubFOp::create(lb, loc, shifted(lb, c), logSumB);
            });
          }
          Value invB = broadcast(arith::DivFOp::create(
              b, loc, splatConstant(tiles.stat, 1.0), sum));
          return writeRow([&](OpBuilder &lb, Value c) -> Value {
            return arith::MulFOp::create(
                lb, loc, math::ExpOp::create(lb, loc, shifted(lb, c)), invB);
          });
        }

        if (isa<graph::LayerNormOp, graph::RmsNormOp>(anchor)) {
          bool centered = isa<graph::LayerNormOp>(anchor);
          Value n = count();
          Value meanB;
          // Zero padding adds nothing to the sum.
          if (centered)
            meanB = broadcast(arith::DivFOp::create(
                b, loc, rowStat(tile::ReduceKind::add, /*mask=*/false, loadX),
                n));
          auto centeredX = [&](OpBuilder &lb, Value c) -> Value {
            Value x = loadX(lb, c);
            return centered ? arith::SubFOp::create(lb, loc, x, meanB) : x;
          };
          // Centered padding is -mean: mask it out of the squares.
          Value squares = rowStat(tile::ReduceKind::add, /*mask=*/centered,
                                  [&](OpBuilder &lb, Value c) -> Value {
                                    Value x = centeredX(lb, c);
                                    return arith::MulFOp::create(lb, loc, x, x);
                                  });
          Value invB = broadcast(math::RsqrtOp::create(
              b, loc,
              arith::AddFOp::create(b, loc,
                                    arith::DivFOp::create(b, loc, squares, n),
                                    splatConstant(tiles.stat, epsilon))));
          Value weight = wParam >= 0 ? vectorView(wParam) : Value();
          Value bias = bParam >= 0 ? vectorView(bParam) : Value();
          return writeRow([&](OpBuilder &lb, Value c) -> Value {
            Value y = arith::MulFOp::create(lb, loc, centeredX(lb, c), invB);
            if (weight)
              y = arith::MulFOp::create(lb, loc, y, loadChunk(lb, weight, c));
            if (bias)
              y = arith::AddFOp::create(lb, loc, y, loadChunk(lb, bias, c));
            return y;
          });
        }

        // reduce over the trailing dims: one value per row. Zero padding
        // is the identity of a sum, not of a max or a min.
        graph::ReduceKind kind = reduce.getKind();
        tile::ReduceKind tileKind = getTileReduceKind(kind);
        bool mask = tileKind != tile::ReduceKind::add;
        Value total = rowStat(tileKind, mask, loadX);
        if (kind == graph::ReduceKind::mean)
          total = arith::DivFOp::create(b, loc, total, count());
        // The block's one value, to element `row` of the output.
        Value stored = toStorage(b, total);
        Value outAt = viewOf(b, loc, params[outParam], row, {one});
        tile::StoreTileOp::create(b, loc, stored, outAt, ValueRange{zero},
                                  Value());
        return success();
      });
}

} // namespace mlir::tessera::schedule_to_tile
