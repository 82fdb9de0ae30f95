//===- MatmulMma.cpp - Tensor-core matmul kernels (mma.sync) --------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// The block program of a tensor-core matmul kernel (mma.sync m16n8k16 on
// NVIDIA, mfma 16x16x16 on AMD CDNA: the same program, another #mma): box
// copies into padded shared buffers, a dot, a pipelined K loop, the epilogue
// on the accumulator tile. Tile->Target chooses the instructions (cp.async,
// ldmatrix, mma.sync; LDS staging, mfma). Split along K, a block runs its
// slice's k-steps and stores the partial tile.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "Tessera/Dialect/Tile/IR/TileOps.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

/// True (i1) where `buffer`'s data pointer is 16-byte aligned: cp.async
/// copies 16 bytes at a time from 16-byte aligned addresses; a buffer that
/// is a view into another (an offset slice) may not be.
static Value pointerIs16ByteAligned(OpBuilder &b, Location loc,
                                    Value buffer) {
  Value address =
      memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer);
  return arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq,
      arith::RemUIOp::create(b, loc, address, indexConstant(b, loc, 16)),
      indexConstant(b, loc, 0));
}

LogicalResult buildTensorCoreProgram(OpBuilder &b, Location loc,
                                    ValueRange params,
                                    schedule::ConfigAttr config,
                                    graph::MatmulOp matmul, tile::MmaAttr mma,
                                    int64_t warpSize, unsigned lhsParam,
                                    unsigned rhsParam, unsigned kParam,
                                    const TileEpilogue &epilogue,
                                    const SplitK &split) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> tile = config.getTile();
  int64_t bm = tile[0], bn = tile[1], bk = tile[2];
  // The block's warps (the chip's: 32 or 64 lanes) in a grid of bands.
  int64_t warps = config.getThreads() / warpSize;
  int64_t warpRows = schedule::getWarpRows(warps);
  int64_t warpCols = warps / warpRows;
  auto c = [&](int64_t v) { return indexConstant(b, loc, v); };
  auto mul = [&](Value x, Value y) {
    return arith::MulIOp::create(b, loc, x, y).getResult();
  };
  Value m = params[epilogue.mParam], n = params[epilogue.nParam];
  Value k = params[kParam];
  MatmulBlock block(b, loc, m, n, bm, bn, config, split, params,
                    epilogue.batchParams);
  Value bz = block.batchEntry, row0 = block.row0, col0 = block.col0;

  // The operands as [M, K] and [K, N] views of the block's batch entry.
  auto batchBase = [&](Value operand, Value rows, Value cols) -> Value {
    if (cast<RankedTensorType>(operand.getType()).getRank() <= 2)
      return c(0);
    return mul(bz, mul(rows, cols));
  };
  // A transposed operand is stored [K, M] ([N, K] for the rhs): its box is
  // copied in that order and the dot reads it through a transposed view.
  bool tl = matmul.getTransposeLhs(), tr = matmul.getTransposeRhs();
  Value lhsBase = batchBase(matmul.getLhs(), m, k);
  Value rhsBase = batchBase(matmul.getRhs(), k, n);
  Value lhs = tl ? stridedView(b, loc, params[lhsParam], lhsBase, {k, m},
                               {m, c(1)})
                 : stridedView(b, loc, params[lhsParam], lhsBase, {m, k},
                               {k, c(1)});
  Value rhs = tr ? stridedView(b, loc, params[rhsParam], rhsBase, {n, k},
                               {k, c(1)})
                 : stridedView(b, loc, params[rhsParam], rhsBase, {k, n},
                               {n, c(1)});
  // Rows (and batch entries) start 16-byte aligned when the row length is
  // a multiple of 8 elements and the buffer itself is aligned.
  auto rowsAligned = [&](Value buffer, Value cols) {
    Value whole = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::eq,
        arith::RemUIOp::create(b, loc, cols, c(8)), c(0));
    return arith::AndIOp::create(b, loc, whole,
                                 pointerIs16ByteAligned(b, loc, buffer))
        .getResult();
  };
  Value aligned = arith::AndIOp::create(
      b, loc, rowsAligned(params[lhsParam], tl ? m : k),
      rowsAligned(params[rhsParam], tr ? k : n));

  Type element = cast<RankedTensorType>(matmul.getLhs().getType())
                     .getElementType();
  auto accType = RankedTensorType::get(
      {bm, bn}, b.getF32Type(),
      tile::MmaAccEncodingAttr::get(ctx, mma, {warpRows, warpCols}));
  // Rows padded by 16 bytes spread ldmatrix's row addresses over the banks.
  auto padded = tile::SmemLayoutAttr::get(ctx, /*swizzle=*/0, /*pad=*/8);
  auto lhsBox = tl ? tile::SmemType::get({bk, bm}, element, padded)
                   : tile::SmemType::get({bm, bk}, element, padded);
  auto rhsBox = tr ? tile::SmemType::get({bn, bk}, element, padded)
                   : tile::SmemType::get({bk, bn}, element, padded);
  Value zero = zeroOf(b, loc, accType);
  Value numK = arith::CeilDivUIOp::create(b, loc, k, c(bk));
  // The k-steps of this block: all, or its slice's.
  Value firstK = c(0), endK = numK;
  if (split.enabled())
    std::tie(firstK, endK) = split.steps(b, loc, params, block.slice, numK);

  // acc += A[row0:, k0:k0+BK] * B[k0:, col0:col0+BN] per BK slice of K.
  auto kLoop = [&](OpBuilder &lb, bool declareAligned) {
    auto loop = scf::ForOp::create(
        lb, loc, firstK, endK, indexConstant(lb, loc, 1), ValueRange{zero},
        [&](OpBuilder &fb, Location l, Value kt, ValueRange carried) {
          Value k0 = arith::MulIOp::create(fb, l, kt, indexConstant(fb, l, bk));
          auto copy = [&](Value source, tile::SmemType box, Value r,
                          Value col) {
            Value buffer =
                tile::LocalAllocOp::create(fb, l, box, IntegerAttr());
            auto op = tile::BoxCopyOp::create(
                fb, l, tile::AsyncTokenType::get(ctx), source,
                ValueRange{r, col}, buffer, /*desc=*/Value(), Value(),
                Value(), Value(), declareAligned);
            return std::make_pair(buffer, op.getToken());
          };
          auto [a, aDone] = tl ? copy(lhs, lhsBox, k0, row0)
                               : copy(lhs, lhsBox, row0, k0);
          auto [bt, bDone] = tr ? copy(rhs, rhsBox, col0, k0)
                                : copy(rhs, rhsBox, k0, col0);
          tile::WaitOp::create(fb, l, ValueRange{aDone, bDone}, IntegerAttr());
          if (tl)
            a = tile::TransOp::create(fb, l, a);
          if (tr)
            bt = tile::TransOp::create(fb, l, bt);
          Value next = tile::DotOp::create(fb, l, accType, a, bt, carried[0],
                                           mma);
          // Unpipelined, the next iteration's copies overwrite the buffers
          // this one read (a pipelined loop's wait orders that).
          if (config.getStages() < 2)
            tile::BarrierOp::create(fb, l);
          scf::YieldOp::create(fb, l, next);
        });
    loop->setAttr(tile::TileDialect::getStagesAttrName(),
                  lb.getI64IntegerAttr(config.getStages()));
    return loop.getResult(0);
  };
  auto versions = scf::IfOp::create(b, loc, TypeRange{accType}, aligned,
                                    /*withElseRegion=*/true);
  for (bool fast : {true, false}) {
    Block &block = fast ? versions.getThenRegion().front()
                        : versions.getElseRegion().front();
    OpBuilder vb = OpBuilder::atBlockEnd(&block);
    scf::YieldOp::create(vb, loc, kLoop(vb, fast));
  }
  return split.finish(b, loc, params, versions.getResult(0), block.gridZ, m, n,
                      row0, col0, [&](OpBuilder &eb) {
                        return epilogue.emit(eb, loc, params,
                                             versions.getResult(0), bz, row0,
                                             col0);
                      });
}

} // namespace mlir::tessera::schedule_to_tile
