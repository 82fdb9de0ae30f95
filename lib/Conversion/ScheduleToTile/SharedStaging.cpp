//===- SharedStaging.cpp - Staging tiles in shared memory -----------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Copies of tiles of a global matrix into shared memory for the per-thread
// attention kernel (the block programs use tessera_tile.box_copy).
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

//===----------------------------------------------------------------------===//
// Alignment of a buffer
//===----------------------------------------------------------------------===//

/// True (i1) where `buffer`'s data pointer is 16-byte aligned: cp.async
/// copies 16 bytes at a time from 16-byte aligned addresses; a buffer that
/// is a view into another (an offset slice) may not be.
Value pointerIs16ByteAligned(OpBuilder &b, Location loc, Value buffer) {
  Value address =
      memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer);
  return arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq,
      arith::RemUIOp::create(b, loc, address, indexConstant(b, loc, 16)),
      indexConstant(b, loc, 0));
}

//===----------------------------------------------------------------------===//
// Tensor-core kernels: staging tiles in shared memory
//===----------------------------------------------------------------------===//

void SharedTileCopy::emit(OpBuilder &b, Location loc, Value tid,
                          int64_t threads, Value rowOrigin, Value colOrigin,
                          Value sharedBase) const {
  int64_t chunksPerRow = cols / 8;
  int64_t perThread = rows * cols / 8 / threads;
  Value zero = indexConstant(b, loc, 0), eight = indexConstant(b, loc, 8);
  Type element = cast<MemRefType>(global.getType()).getElementType();
  for (int64_t i = 0; i < perThread; ++i) {
    Value chunk = arith::AddIOp::create(b, loc, tid,
                                        indexConstant(b, loc, i * threads));
    Value r = arith::DivUIOp::create(b, loc, chunk,
                                     indexConstant(b, loc, chunksPerRow));
    Value c = arith::MulIOp::create(
        b, loc,
        arith::RemUIOp::create(b, loc, chunk,
                               indexConstant(b, loc, chunksPerRow)),
        eight);
    Value row = arith::AddIOp::create(b, loc, rowOrigin, r);
    Value col = arith::AddIOp::create(b, loc, colOrigin, c);
    Value rowOk = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                        row, matrixRows);
    Value colOk = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                        col, matrixCols);
    Value globalOffset = arith::AddIOp::create(
        b, loc, base,
        arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, row, matrixCols), col));
    Value sharedOffset = arith::AddIOp::create(
        b, loc, sharedBase,
        arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, r, indexConstant(b, loc, ld)),
            c));
    auto async = [&](OpBuilder &tb, Location l) {
      // Elements of this chunk inside the matrix: 0 past an edge.
      Value inBounds = arith::AndIOp::create(tb, l, rowOk, colOk);
      Value left = arith::SelectOp::create(
          tb, l, inBounds, arith::SubIOp::create(tb, l, matrixCols, col),
          zero);
      Value valid = arith::MinUIOp::create(tb, l, left, eight);
      Value source =
          arith::SelectOp::create(tb, l, inBounds, globalOffset, base);
      tile::CopyAsyncOp::create(tb, l, global, source, shared, sharedOffset,
                                tb.getI64IntegerAttr(8), valid);
    };
    if (!aligned) { // rows known to be 16-byte multiples
      async(b, loc);
      continue;
    }
    scf::IfOp::create(
        b, loc, aligned,
        [&](OpBuilder &tb, Location l) {
          async(tb, l);
          scf::YieldOp::create(tb, l);
        },
        [&](OpBuilder &eb, Location l) {
          for (int64_t e = 0; e < 8; ++e) {
            Value ce =
                arith::AddIOp::create(eb, l, col, indexConstant(eb, l, e));
            Value mask = arith::AndIOp::create(
                eb, l, rowOk,
                arith::CmpIOp::create(eb, l, arith::CmpIPredicate::ult, ce,
                                      matrixCols));
            Value x = tile::LoadOp::create(
                eb, l, global,
                arith::AddIOp::create(eb, l, globalOffset,
                                      indexConstant(eb, l, e)),
                mask, zeroOf(eb, l, element));
            tile::StoreOp::create(
                eb, l, x, shared,
                arith::AddIOp::create(eb, l, sharedOffset,
                                      indexConstant(eb, l, e)),
                Value());
          }
          scf::YieldOp::create(eb, l);
        });
  }
}

} // namespace mlir::tessera::schedule_to_tile
