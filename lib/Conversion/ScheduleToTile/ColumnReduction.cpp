//===- ColumnReduction.cpp - Column kernels: reductions over leading dims -===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Column kernels: reductions over the leading dims, a block per `tile[1]`
// columns walking down the rows `tile[0]` at a time, each thread
// accumulating its columns.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

LogicalResult lowerColumn(HostState &host, schedule::KernelOp kernel,
                                 graph::ReduceOp reduce) {
  Location loc = kernel.getLoc();
  schedule::ConfigAttr config = kernel.getConfig();
  OpBuilder &hb = host.builder;
  auto inputType = reduce.getInput().getType();
  auto resultType = cast<RankedTensorType>(reduce.getType());
  int64_t rank = inputType.getRank();
  int64_t reduced = reduce.getDims().size();
  Type element = inputType.getElementType();
  Type compute = getAccumulateType(reduce, element);

  Value hostInput =
      kernel.getInputs()[cast<BlockArgument>(reduce.getInput()).getArgNumber()];
  ArrayRef<Value> inSizes = host.sizesOf(hostInput);
  Value rows = product(hb, loc, inSizes.take_front(reduced));
  Value cols = product(hb, loc, inSizes.drop_front(reduced));
  SmallVector<Value> outSizes;
  for (int64_t d = 0; d < rank; ++d) {
    if (d >= reduced)
      outSizes.push_back(inSizes[d]);
    else if (reduce.getKeepdim())
      outSizes.push_back(indexConstant(hb, loc, 1));
  }
  Value out = allocate(host, loc, resultType, outSizes);
  host.buffers.map(kernel.getResult(0), out);

  // The rows split into slices (split_k; `auto` chooses at launch): a
  // block per `tile` columns and slice, each reducing its slice's rows.
  // Unsplit, the blocks finish the statistic and store the result; split,
  // they store their partials (in the compute type) to a workspace of
  // [slices, columns] and a second kernel reduces those down its columns
  // and finishes. A column count of a few blocks' columns otherwise gives
  // the device that many blocks (sum over 16384x8192 f32: 32 blocks on
  // 132 multiprocessors).
  int64_t rowsPerStep = config.getTile()[0], tile = config.getTile()[1];
  int64_t threads = config.getThreads();
  auto c = [&](int64_t v) { return indexConstant(hb, loc, v); };
  Value blocks = arith::CeilDivUIOp::create(hb, loc, cols, c(tile));
  bool splits = config.getSplitK() != 1;
  Value chunk, slices, split, workspace;
  if (splits) {
    Value requested;
    if (config.isSplitKAuto()) {
      // Where the columns give fewer blocks than the device has
      // multiprocessors: as many slices as give it 4 blocks per
      // multiprocessor, each of at least 4 steps down the rows, at most
      // 64. (More blocks than multiprocessors already: one slice; 512x65536
      // f32 ran 0.79x split in 3,
      // bench/results/2026-12-02-h200-column-sweep.log.) In the launch
      // plan's arithmetic: few = min(sms - min(blocks, sms), 1) is 1 where
      // the blocks are fewer, else 0.
      Value sms = target::MultiprocessorsOp::create(hb, loc);
      Value few = arith::MinUIOp::create(
          hb, loc,
          arith::SubIOp::create(hb, loc, sms,
                                arith::MinUIOp::create(hb, loc, blocks, sms)),
          c(1));
      Value want = arith::MulIOp::create(
          hb, loc,
          arith::CeilDivUIOp::create(
              hb, loc, arith::MulIOp::create(hb, loc, sms, c(4)),
              arith::MaxUIOp::create(hb, loc, blocks, c(1))),
          few);
      Value most = arith::DivUIOp::create(hb, loc, rows, c(4 * rowsPerStep));
      requested = arith::MinUIOp::create(
          hb, loc, arith::MinUIOp::create(hb, loc, want, most), c(64));
    } else {
      requested = c(config.getSplitK());
    }
    requested = arith::MaxUIOp::create(hb, loc, requested, c(1));
    // Each slice whole steps of rows; the slices that have rows; 1 where
    // there are two or more (the workspace and the second grid), else 0.
    chunk = arith::MulIOp::create(
        hb, loc,
        arith::CeilDivUIOp::create(
            hb, loc, arith::CeilDivUIOp::create(hb, loc, rows, requested),
            c(rowsPerStep)),
        c(rowsPerStep));
    chunk = arith::MaxUIOp::create(hb, loc, chunk, c(rowsPerStep));
    slices = arith::MaxUIOp::create(
        hb, loc, arith::CeilDivUIOp::create(hb, loc, rows, chunk), c(1));
    split = arith::MinUIOp::create(
        hb, loc, arith::SubIOp::create(hb, loc, slices, c(1)), c(1));
    workspace = allocate(
        host, loc, RankedTensorType::get({ShapedType::kDynamic}, compute),
        {arith::MulIOp::create(
            hb, loc, arith::MulIOp::create(hb, loc, slices, cols), split)});
  }

  // Stochastic rounding hashes each output element's indices, as the CPU
  // path does: the column split by the sizes of the trailing dims (kept
  // reduced dims are not hashed: the CPU path rounds before it inserts
  // them).
  bool stochastic = usesStochasticRounding(reduce);
  graph::ReduceKind kind = reduce.getKind();

  // The block's program: its `tile` columns, walked down the rows in
  // [rowsPerStep, tile] register tiles spread over the block's warps along
  // the columns (`vector` contiguous columns per thread, all of a step's
  // rows in each thread), accumulated elementwise and reduced along the
  // rows, within each thread, at the end. Columns past the end (in a view
  // narrower than a block) load as zero and are not stored.
  int64_t warpSize = getWarpSize(host.module);
  if (threads % warpSize != 0)
    return kernel.emitOpError()
           << "has " << threads << " threads per block, not whole warps of "
           << warpSize;
  auto encoding = tile::BlockedEncodingAttr::get(
      host.module.getContext(), {1, threads / warpSize}, {1, warpSize},
      {1, config.getVector()});
  OutputTiles block{rowsPerStep, tile, encoding};
  // The second kernel walks the slices (at most 64) in steps of 8: a
  // smaller program than the row steps' (compile time), the same columns.
  OutputTiles sliceBlock{std::min<int64_t>(rowsPerStep, 8), tile, encoding};

  // The block's first column: the last block's columns end at the last
  // column where there are that many (so its tiles lie in bounds and its
  // loads take the unmasked branch): it computes some of its neighbour's
  // columns again and stores the same values there.
  auto firstColumn = [&](OpBuilder &b, Value cols) -> Value {
    Value width = indexConstant(b, loc, tile);
    Value col0 = arith::MulIOp::create(b, loc, programId(b, loc, 0), width);
    return arith::SelectOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, cols, width),
        arith::MinUIOp::create(b, loc, col0,
                               arith::SubIOp::create(b, loc, cols, width)),
        col0);
  };
  // The statistic of `length` rows of the [.., cols] view `x` at col0.
  auto total = [&](OpBuilder &b, const OutputTiles &tiles,
                   graph::ReduceKind kind, Value x, Value length,
                   Value col0) -> Value {
    // The columns lie in bounds only in views at least a block wide.
    TileWalk walk(b, loc, tiles, /*axis=*/0, length, /*across=*/col0,
                  /*acrossInBounds=*/false);
    return walk.statistic(kind, compute, x, {},
                          [&](OpBuilder &mb, Value e, ValueRange) {
                            return convertScalar(mb, loc, e, compute);
                          });
  };
  // The finished statistic of `rows` rows, stored at col0 of the output.
  auto finish = [&](OpBuilder &b, ValueRange params, unsigned outParam,
                    ArrayRef<unsigned> trailParams, Value total, Value rows,
                    Value cols, Value col0) {
    Value count = indexToFloat(b, loc, rows, compute);
    SmallVector<Value> inputs{total};
    if (stochastic) { // the columns' indices
      RankedTensorType i32Cols = block.cols(b.getI32Type()),
                       indexCols = block.cols(b.getIndexType());
      Value range = tile::RangeOp::create(b, loc, i32Cols,
                                          b.getI64IntegerAttr(0),
                                          b.getI64IntegerAttr(tile));
      inputs.push_back(arith::AddIOp::create(
          b, loc, arith::IndexCastOp::create(b, loc, indexCols, range),
          tensor::SplatOp::create(b, loc, indexCols, col0)));
    }
    Value out = mapTiles(
        b, loc, block.cols(element), inputs, [&](OpBuilder &mb, ValueRange t) {
          Value v = t[0];
          if (kind == graph::ReduceKind::mean)
            v = arith::DivFOp::create(mb, loc, v, count);
          SmallVector<Value> position;
          if (stochastic) {
            SmallVector<Value> trail(trailParams.size());
            Value rest = t[1];
            for (int64_t d = static_cast<int64_t>(trail.size()) - 1; d >= 0;
                 --d) {
              Value size = params[trailParams[d]];
              trail[d] = arith::RemUIOp::create(mb, loc, rest, size);
              rest = arith::DivUIOp::create(mb, loc, rest, size);
            }
            position.append(trail);
          }
          return buildStorageScalar(reduce, mb, loc, v, element, position);
        });
    Value one = indexConstant(b, loc, 1);
    tile::StoreTileOp::create(
        b, loc, out,
        stridedView(b, loc, params[outParam], indexConstant(b, loc, 0), {cols},
                    {one}),
        ValueRange{col0}, Value());
  };
  auto addTrailParams = [&](KernelSignature &sig) {
    SmallVector<unsigned> trailParams;
    if (stochastic)
      for (int64_t d = reduced; d < rank; ++d)
        trailParams.push_back(sig.addSize(inSizes[d]));
    return trailParams;
  };

  // The slices' kernel.
  KernelSignature sig;
  unsigned xParam = sig.addBuffer(host.buffers.lookup(hostInput));
  unsigned outParam = sig.addBuffer(out);
  unsigned workParam = splits ? sig.addBuffer(workspace) : 0;
  unsigned rowsParam = sig.addSize(rows);
  unsigned colsParam = sig.addSize(cols);
  unsigned chunkParam = splits ? sig.addSize(chunk) : 0;
  unsigned slicesParam = splits ? sig.addSize(slices) : 0;
  SmallVector<unsigned> trailParams = addTrailParams(sig);
  SmallVector<Value> grid{blocks};
  if (splits)
    grid.push_back(slices);
  if (failed(emitKernel(
          host, loc, "column", config, sig, grid, 0,
          [&](OpBuilder &b, ValueRange params) -> LogicalResult {
            Value rows = params[rowsParam], cols = params[colsParam];
            Value one = indexConstant(b, loc, 1);
            Value col0 = firstColumn(b, cols);
            if (!splits) {
              Value x = stridedView(b, loc, params[xParam],
                                    indexConstant(b, loc, 0), {rows, cols},
                                    {cols, one});
              finish(b, params, outParam, trailParams,
                     total(b, block, kind, x, rows, col0), rows, cols, col0);
              return success();
            }
            // The slice's rows: from slice * chunk, at most chunk of them.
            Value slice = programId(b, loc, 1);
            Value first =
                arith::MulIOp::create(b, loc, slice, params[chunkParam]);
            Value length = arith::MinUIOp::create(
                b, loc, params[chunkParam],
                arith::SubIOp::create(b, loc, rows, first));
            Value x = stridedView(b, loc, params[xParam],
                                  arith::MulIOp::create(b, loc, first, cols),
                                  {length, cols}, {cols, one});
            graph::ReduceKind partialKind =
                kind == graph::ReduceKind::mean ? graph::ReduceKind::sum
                                                : kind;
            Value partial = total(b, block, partialKind, x, length, col0);
            Value whole = arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::eq, params[slicesParam], one);
            auto branch = scf::IfOp::create(b, loc, TypeRange(), whole,
                                            /*withElseRegion=*/true);
            OpBuilder eb =
                OpBuilder::atBlockBegin(&branch.getElseRegion().front());
            tile::StoreTileOp::create(
                eb, loc, partial,
                stridedView(eb, loc, params[workParam],
                            arith::MulIOp::create(eb, loc, slice, cols),
                            {cols}, {one}),
                ValueRange{col0}, Value());
            OpBuilder tb =
                OpBuilder::atBlockBegin(&branch.getThenRegion().front());
            finish(tb, params, outParam, trailParams, partial, rows, cols,
                   col0);
            return success();
          })))
    return failure();
  if (!splits)
    return success();

  // The second kernel: the slices' partials reduced down the columns and
  // finished; not launched (an empty grid) where the launch did not split.
  KernelSignature sum;
  unsigned partialsParam = sum.addBuffer(workspace);
  unsigned sumOutParam = sum.addBuffer(out);
  unsigned sumRowsParam = sum.addSize(rows);
  unsigned sumColsParam = sum.addSize(cols);
  unsigned sumSlicesParam = sum.addSize(slices);
  SmallVector<unsigned> sumTrailParams = addTrailParams(sum);
  return emitKernel(
      host, loc, "column_slices", config, sum,
      {arith::MulIOp::create(hb, loc, blocks, split)}, 0,
      [&](OpBuilder &b, ValueRange params) -> LogicalResult {
        Value cols = params[sumColsParam], slices = params[sumSlicesParam];
        Value col0 = firstColumn(b, cols);
        Value partials = stridedView(b, loc, params[partialsParam],
                                     indexConstant(b, loc, 0), {slices, cols},
                                     {cols, indexConstant(b, loc, 1)});
        graph::ReduceKind partialKind =
            kind == graph::ReduceKind::mean ? graph::ReduceKind::sum : kind;
        finish(b, params, sumOutParam, sumTrailParams,
               total(b, sliceBlock, partialKind, partials, slices, col0),
               params[sumRowsParam], cols, col0);
        return success();
      });
}

} // namespace mlir::tessera::schedule_to_tile
