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

  KernelSignature sig;
  unsigned xParam = sig.addBuffer(host.buffers.lookup(hostInput));
  unsigned outParam = sig.addBuffer(out);
  unsigned rowsParam = sig.addSize(rows);
  unsigned colsParam = sig.addSize(cols);
  // Stochastic rounding hashes each output element's indices, as the CPU
  // path does: the column split by the sizes of the trailing dims (kept
  // reduced dims are not hashed: the CPU path rounds before it inserts
  // them).
  bool stochastic = usesStochasticRounding(reduce);
  SmallVector<unsigned> trailParams;
  if (stochastic)
    for (int64_t d = reduced; d < rank; ++d)
      trailParams.push_back(sig.addSize(inSizes[d]));
  int64_t rowsPerStep = config.getTile()[0], tile = config.getTile()[1];
  int64_t threads = config.getThreads();
  Value blocks = arith::CeilDivUIOp::create(hb, loc, cols,
                                            indexConstant(hb, loc, tile));
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
  OutputTiles block{rowsPerStep, tile,
                    tile::BlockedEncodingAttr::get(
                        host.module.getContext(), {1, threads / warpSize},
                        {1, warpSize}, {1, config.getVector()})};

  return emitKernel(
      host, loc, "column", config, sig, {blocks}, 0,
      [&](OpBuilder &b, ValueRange params) -> LogicalResult {
        Value rows = params[rowsParam], cols = params[colsParam];
        Value zero = indexConstant(b, loc, 0), one = indexConstant(b, loc, 1);
        // The last block's columns end at the last column where there are
        // that many (so its tiles lie in bounds and its loads take the
        // unmasked branch): it computes some of its neighbour's columns
        // again and stores the same values there.
        Value width = indexConstant(b, loc, tile);
        Value col0 = arith::MulIOp::create(b, loc, programId(b, loc, 0), width);
        col0 = arith::SelectOp::create(
            b, loc,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, cols,
                                  width),
            arith::MinUIOp::create(
                b, loc, col0, arith::SubIOp::create(b, loc, cols, width)),
            col0);
        // The columns lie in bounds only in views at least a block wide.
        TileWalk walk(b, loc, block, /*axis=*/0, rows, /*across=*/col0,
                      /*acrossInBounds=*/false);
        Value x = stridedView(b, loc, params[xParam], zero, {rows, cols},
                              {cols, one});
        Value total = walk.statistic(kind, compute, x, {},
                                     [&](OpBuilder &mb, Value e, ValueRange) {
                                       return convertScalar(mb, loc, e,
                                                            compute);
                                     });
        Value count = indexToFloat(b, loc, rows, compute);
        SmallVector<Value> inputs{total};
        if (stochastic) {  // the columns' indices
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
            b, loc, block.cols(element), inputs,
            [&](OpBuilder &mb, ValueRange t) {
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
        tile::StoreTileOp::create(
            b, loc, out,
            stridedView(b, loc, params[outParam], zero, {cols}, {one}),
            ValueRange{col0}, Value());
        return success();
      });
}

} // namespace mlir::tessera::schedule_to_tile
