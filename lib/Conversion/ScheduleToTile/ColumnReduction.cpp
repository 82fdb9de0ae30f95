//===- ColumnReduction.cpp - Column kernels: reductions over leading dims -===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Column kernels: reductions over the leading dims. A block's program, for
// the `tile` columns from pid * tile of the input viewed as [rows, cols]:
//
//   - the rows are walked in chunks: [R, tile] register tiles (load_tile,
//     zero past the last row and column) with the block's warps side by
//     side along the columns, so that no warp shares a column with another
//     and the final reduction stays inside warps; lanes hold 16-byte runs
//     along a row, the rest of a warp's lanes stacked along the rows;
//   - the reduction is accumulated elementwise in an [R, tile] tile carried
//     by the chunk loop, in the op's accumulate type (padding rows masked
//     for a max or a min), and reduced once after it
//     (`reduce ... axis 0`, a [tile] slice tile);
//   - the mean divides by the row count; the [tile] tile is stored to the
//     output's columns (store_tile, masked past the last column).
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

/// 16-byte accesses a thread makes per chunk of rows, as for row kernels.
static constexpr int64_t kColumnVectorsPerThread = 4;

namespace {
/// The register tiles of a column kernel.
struct ColumnTiles {
  int64_t chunkRows;            // R, the rows of one chunk
  RankedTensorType storage;     // [R, tile] of the element type
  RankedTensorType compute;     // [R, tile] of the accumulate type
  RankedTensorType total;       // [tile] slice of `compute`: the result
  RankedTensorType rowIndex;    // [R, tile] of i32: a chunk's row indices
};
} // namespace

/// [R, tile] chunks with `warps` warps of `warpSize` lanes side by side
/// along the columns (`tile` a multiple of the block's threads, which the
/// schedule checks). Within a warp's columns a lane holds 16-byte runs and
/// the lanes left over stack along the rows; R gives each thread
/// kColumnVectorsPerThread runs, or covers the rows if fewer are known.
static FailureOr<ColumnTiles>
getColumnTiles(Operation *op, Type element, Type compute, int64_t columns,
               int64_t warps, int64_t warpSize, int64_t staticRows) {
  if (columns % warps != 0)
    return op->emitOpError() << "has a tile of " << columns
                             << " columns, which " << warps
                             << " warps do not split evenly";
  int64_t perWarp = columns / warps;
  int64_t perThread = getVectorElements(element);
  while (perWarp % perThread != 0)
    perThread /= 2;
  // Lanes along the columns: a power of two dividing the warp's runs.
  int64_t runs = perWarp / perThread;
  int64_t lanesAcross =
      std::min<int64_t>(warpSize, int64_t(1) << llvm::countr_zero(
                                      static_cast<uint64_t>(runs)));
  int64_t lanesDown = warpSize / lanesAcross;
  int64_t runsPerThread = runs / lanesAcross;
  int64_t chunkRows =
      lanesDown *
      std::max<int64_t>(1, kColumnVectorsPerThread / runsPerThread);
  if (!ShapedType::isDynamic(staticRows)) {
    int64_t covering =
        std::max<int64_t>(1, llvm::divideCeil(staticRows, lanesDown)) *
        lanesDown;
    chunkRows = std::min(chunkRows, covering);
  }

  MLIRContext *ctx = op->getContext();
  auto encoding = tile::BlockedEncodingAttr::get(
      ctx, {1, warps}, {lanesDown, lanesAcross}, {1, perThread});
  ColumnTiles tiles;
  tiles.chunkRows = chunkRows;
  tiles.storage =
      RankedTensorType::get({chunkRows, columns}, element, encoding);
  tiles.compute = withElementType(tiles.storage, compute);
  tiles.total = sliceOf(tiles.compute, 0, compute);
  tiles.rowIndex = withElementType(tiles.storage, IntegerType::get(ctx, 32));
  return tiles;
}

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
  int64_t blockCols = config.getTile()[0];
  Value blocks = arith::CeilDivUIOp::create(hb, loc, cols,
                                            indexConstant(hb, loc, blockCols));
  graph::ReduceKind kind = reduce.getKind();

  if (!isa<FloatType>(compute))
    return reduce.emitOpError()
           << "computes in " << compute
           << "; the GPU column kernels take floats only";
  int64_t warpSize = getWarpSize(host.module);
  if (config.getThreads() % warpSize != 0)
    return kernel.emitOpError()
           << "has " << config.getThreads()
           << " threads per block, not a whole number of the chip's "
           << warpSize << "-lane warps";
  FailureOr<ColumnTiles> tiles = getColumnTiles(
      kernel, element, compute, blockCols, config.getThreads() / warpSize,
      warpSize, staticProduct(inputType.getShape().take_front(reduced)));
  if (failed(tiles))
    return failure();
  int64_t chunkRows = tiles->chunkRows;
  tile::ReduceKind tileKind = getTileReduceKind(kind);

  return emitKernel(
      host, loc, "column", config, sig, {blocks}, 0,
      [&](OpBuilder &b, ValueRange params) -> LogicalResult {
        Value rows = params[rowsParam], cols = params[colsParam];
        Value zero = indexConstant(b, loc, 0);
        Value colStart =
            arith::MulIOp::create(b, loc, programId(b, loc, 0),
                                  indexConstant(b, loc, blockCols));
        Value input = viewOf(b, loc, params[xParam], zero, {rows, cols});
        Value output = viewOf(b, loc, params[outParam], zero, {cols});

        Value init = tileConstant(
            b, loc, tiles->compute,
            getReduceIdentity(tileKind, cast<FloatType>(compute)));
        // Zero padding past the last row is the identity of a sum, not of
        // a max or a min: those mask it by row index.
        Value rowIndex;
        if (tileKind != tile::ReduceKind::add)
          rowIndex = tile::BroadcastOp::create(
              b, loc, tiles->rowIndex,
              tile::RangeOp::create(
                  b, loc, sliceOf(tiles->rowIndex, 1, b.getI32Type()), 0,
                  chunkRows),
              1);
        Value partial = chunkLoop(
            b, loc, rows, chunkRows, init,
            [&](OpBuilder &lb, Value r, Value acc) {
              Value loaded = tile::LoadTileOp::create(
                  lb, loc, tiles->storage, input, ValueRange{r, colStart});
              Value x = mapToTiles(lb, loc, tiles->compute, loaded,
                                   [&](OpBuilder &sb, ValueRange s) {
                                     return convertScalar(sb, loc, s[0],
                                                          compute);
                                   });
              if (rowIndex) {
                Value valid = arith::MinUIOp::create(
                    lb, loc, arith::SubIOp::create(lb, loc, rows, r),
                    indexConstant(lb, loc, chunkRows));
                x = maskPadding(lb, loc, x, rowIndex, valid, init);
              }
              return combineTiles(lb, loc, tileKind, acc, x);
            });
        Value total =
            tile::ReduceOp::create(b, loc, tiles->total, tileKind, partial, 0);
        if (kind == graph::ReduceKind::mean)
          total = arith::DivFOp::create(
              b, loc, total,
              tileSplat(b, loc, tiles->total,
                        indexToFloat(b, loc, rows, compute)));
        Value stored = mapToTiles(
            b, loc, withElementType(tiles->total, element), total,
            [&](OpBuilder &sb, ValueRange s) {
              return buildStorageScalar(reduce, sb, loc, s[0], element);
            });
        tile::StoreTileOp::create(b, loc, stored, output,
                                  ValueRange{colStart}, Value());
        return success();
      });
}

} // namespace mlir::tessera::schedule_to_tile
