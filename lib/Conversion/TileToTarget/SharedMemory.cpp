//===- SharedMemory.cpp - Shared buffers, box copies, waits ---------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// The block-level ops on shared buffers, lowered to what each thread does.
//
// A `!tessera_tile.smem` value becomes two: a flat workgroup memref of its
// element type (the whole allocation, a ring included) and the element
// offset where the buffer starts in it; a `tessera_tile.slot` only moves
// the offset and a `tessera_tile.trans` nothing (its type says how the
// bytes are addressed). A `local_alloc` must have been placed by
// tessera-tile-allocate-shared: it becomes an alloc_shared at that offset.
//
// A box copy is shared among the block's threads in chunks of 16 bytes
// along rows: chunk c of the box is copied by thread c mod T. On chips with
// asynchronous copies (cp.async) each chunk is one, its bytes past a ragged
// edge zero-filled, and each box copy commits one completion group, even
// when its predicate is false, so that counting groups stays exact; a wait
// waits until at most its `pending` groups remain, then synchronizes the
// block. Elsewhere (LDS staging on AMD) a chunk is a vector load and store
// and a wait is a barrier. Rows the program has not declared `aligned` are
// checked at run time; chunks of unaligned rows move element by element.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/KernelThreads.h"
#include "Tessera/Dialect/Target/IR/TargetAttrs.h"
#include "Tessera/Dialect/Target/IR/TargetInfo.h"
#include "Tessera/Dialect/Target/IR/TargetOps.h"
#include "Tessera/Dialect/Tile/IR/TileOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::tile_to_target {

/// The flat memref a shared buffer of element type `element` lowers to.
static MemRefType flatSharedType(Type element) {
  auto workgroup = gpu::AddressSpaceAttr::get(element.getContext(),
                                              gpu::AddressSpace::Workgroup);
  return MemRefType::get({ShapedType::kDynamic}, element, nullptr, workgroup);
}

/// Elements of `type`, padding included.
static int64_t sharedElements(tile::SmemType type) {
  return type.getSizeInBytes() /
         (type.getElementType().getIntOrFloatBitWidth() / 8);
}

Value sharedElementOffset(OpBuilder &b, Location loc, tile::SmemType type,
                          Value base, Value row, Value col) {
  // A transposed buffer stores its columns as rows.
  ArrayRef<int64_t> shape = type.getShape();
  int64_t ld = (type.getLayout().getTransposed() ? shape[shape.size() - 2]
                                                 : shape.back()) +
               type.getLayout().getPad();
  if (type.getLayout().getTransposed())
    std::swap(row, col);
  auto c = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  int64_t swizzle = type.getLayout().getSwizzle();
  if (swizzle == 0) {
    Value rowStart = arith::MulIOp::create(b, loc, row, c(ld));
    return arith::AddIOp::create(b, loc, base,
                                 arith::AddIOp::create(b, loc, rowStart, col));
  }
  // Swizzled: the stored rows are cut into blocks of `swizzle` bytes, block
  // after block (each all rows long, as TMA writes boxes of that width);
  // within a block, the 16-byte chunk index is XORed with the byte
  // address's bits from 7 up (the row within the pattern's period).
  int64_t bytes = type.getElementType().getIntOrFloatBitWidth() / 8;
  int64_t perBlock = swizzle / bytes;
  int64_t rows = type.getShape()[type.getRank() - (type.getLayout().getTransposed() ? 1 : 2)];
  Value block = arith::DivUIOp::create(b, loc, col, c(perBlock));
  Value within = arith::RemUIOp::create(b, loc, col, c(perBlock));
  Value linear = arith::AddIOp::create(
      b, loc,
      arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, block, c(rows * perBlock)),
          arith::MulIOp::create(b, loc, row, c(perBlock))),
      within);
  Value address = arith::MulIOp::create(b, loc, linear, c(bytes));
  Value phase = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, address, c(7)),
      c(swizzle / 16 - 1));
  Value swizzled = arith::XOrIOp::create(
      b, loc, address, arith::ShLIOp::create(b, loc, phase, c(4)));
  return arith::AddIOp::create(
      b, loc, base, arith::DivUIOp::create(b, loc, swizzled, c(bytes)));
}

FailureOr<const target::TargetInfo *> chipInfoFor(Operation *op,
                                                  StringRef what) {
  target::ChipAttr chip = target::ChipAttr::lookup(op);
  if (!chip)
    return op->emitOpError() << what
                             << " depends on the chip: the module needs a "
                                "#tessera_target.chip "
                                "(tessera-target-set-chip)";
  return &chip.getInfo();
}

FailureOr<const target::TargetInfo *> namedBarrierChip(Operation *op,
                                                       StringRef doing) {
  FailureOr<const target::TargetInfo *> info =
      chipInfoFor(op, "a named barrier's instructions");
  if (failed(info))
    return failure();
  if (!(*info)->hasNamedBarriers())
    return op->emitOpError()
           << doing
           << ", which needs named barriers (a barrier among some warps); "
              "chip '"
           << (*info)->getChip() << "' has only the whole block's";
  return info;
}

namespace {
/// An alloc_shared at the offset the allocator chose, as a flat buffer.
struct LocalAllocLowering : public OpConversionPattern<tile::LocalAllocOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::LocalAllocOp op, OneToNOpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<int64_t> offset = op.getOffset();
    if (!offset)
      return op.emitOpError()
             << "has no offset: run tessera-tile-allocate-shared before "
                "lowering, so that every shared buffer has its place";
    tile::SmemType type = op.getBuffer().getType();
    Location loc = op.getLoc();
    Type element = type.getElementType();
    auto workgroup = gpu::AddressSpaceAttr::get(rewriter.getContext(),
                                                gpu::AddressSpace::Workgroup);
    // A swizzle's XOR pattern is relative to its period: the buffer starts
    // one (the allocator aligned the offset; the window is aligned too).
    IntegerAttr align;
    if (type.getAlignment() > 16)
      align = rewriter.getI64IntegerAttr(type.getAlignment());
    Value buffer = tile::AllocSharedOp::create(
        rewriter, loc,
        MemRefType::get({sharedElements(type)}, element, nullptr, workgroup),
        rewriter.getI64IntegerAttr(*offset), align);
    Value flat =
        memref::CastOp::create(rewriter, loc, flatSharedType(element), buffer);
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    rewriter.replaceOpWithMultiple(op, {{flat, zero}});
    return success();
  }
};

/// The same flat buffer, the offset moved to slot `index`.
struct SlotLowering : public OpConversionPattern<tile::SlotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::SlotOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ValueRange ring = adaptor.getRing();
    Value stride = arith::ConstantIndexOp::create(
        rewriter, loc, sharedElements(op.getResult().getType()));
    Value offset = arith::AddIOp::create(
        rewriter, loc, ring[1],
        arith::MulIOp::create(rewriter, loc, adaptor.getIndex().front(),
                              stride));
    rewriter.replaceOpWithMultiple(op, {{ring[0], offset}});
    return success();
  }
};

/// The same bytes: the view's type tells its users how to address them.
struct TransLowering : public OpConversionPattern<tile::TransOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::TransOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithMultiple(op, {adaptor.getBuffer()});
    return success();
  }
};

/// The box's 16-byte chunks, spread over the block's threads.
struct BoxCopyLowering : public OpConversionPattern<tile::BoxCopyOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::BoxCopyOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.getDesc())
      return lowerDescriptorCopy(op, adaptor.getOperands(), rewriter);
    if (op.getBarriers())
      return op.emitOpError()
             << "completes on an mbarrier without a tensor descriptor, "
                "which the lowering does not issue (TMA copies only); "
                "complete it with a token";
    FailureOr<const target::TargetInfo *> info =
        chipInfoFor(op, "a box copy's instructions");
    if (failed(info))
      return failure();
    tile::SmemType dest = op.getDest().getType();
    if (dest.getRank() != 2 || op.getSource().getType().getRank() != 2)
      return op.emitOpError()
             << "copies a box of rank " << dest.getRank() << " from a source "
             << "of rank " << op.getSource().getType().getRank()
             << "; without a tensor descriptor the lowering copies 2-d boxes "
                "of 2-d sources";
    if (dest.getLayout().getSwizzle() != 0)
      return op.emitOpError()
             << "copies into " << dest
             << " without a tensor descriptor; the lowering writes swizzled "
                "buffers through descriptors (TMA) only";
    auto kernel = op->getParentOfType<target::KernelOp>();
    std::optional<int64_t> threads =
        kernel ? getThreadsRunning(op) : std::nullopt;
    if (!threads)
      return op.emitOpError() << "is not in a kernel with a known block "
                                 "size, which the copy is shared among";
    Type element = dest.getElementType();
    int64_t elementBytes = element.getIntOrFloatBitWidth() / 8;
    int64_t chunk = 16 / elementBytes;
    int64_t rows = dest.getShape()[0], cols = dest.getShape()[1];
    if (16 % elementBytes != 0 || cols % chunk != 0)
      return op.emitOpError() << "copies rows of " << cols << " x " << element
                              << ", which are not whole 16-byte chunks";

    Location loc = op.getLoc();
    auto c = [&](int64_t v) {
      return arith::ConstantIndexOp::create(rewriter, loc, v).getResult();
    };
    Value source = adaptor.getSource().front();
    ValueRange shared = adaptor.getDest();
    Value row0 = adaptor.getIndices()[0].front();
    Value col0 = adaptor.getIndices()[1].front();
    // The source as a flat buffer from its base: element (r, c) at
    // offset + r * stride + c.
    auto meta = memref::ExtractStridedMetadataOp::create(rewriter, loc, source);
    Value offset = meta.getOffset(), stride = meta.getStrides()[0];
    Value numRows = meta.getSizes()[0], numCols = meta.getSizes()[1];
    Value extent = arith::AddIOp::create(
        rewriter, loc, offset,
        arith::MulIOp::create(rewriter, loc, numRows, stride));
    Value flat = memref::ReinterpretCastOp::create(
        rewriter, loc,
        MemRefType::get({ShapedType::kDynamic}, element, nullptr,
                        cast<MemRefType>(source.getType()).getMemorySpace()),
        meta.getBaseBuffer(), OpFoldResult(rewriter.getIndexAttr(0)),
        ArrayRef<OpFoldResult>{extent},
        ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1)});
    // The box's rows start 16-byte aligned: declared, or checked here (the
    // view's first element, its row stride and the box's first column).
    Value aligned;
    if (!op.getAligned()) {
      Value first = arith::AddIOp::create(rewriter, loc, offset, col0);
      Value address = arith::AddIOp::create(
          rewriter, loc,
          memref::ExtractAlignedPointerAsIndexOp::create(rewriter, loc, source),
          arith::MulIOp::create(rewriter, loc, first, c(elementBytes)));
      auto isMultiple = [&](Value v) {
        return arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::eq,
            arith::RemUIOp::create(rewriter, loc, v, c(16)), c(0));
      };
      aligned = arith::AndIOp::create(
          rewriter, loc, isMultiple(address),
          isMultiple(
              arith::MulIOp::create(rewriter, loc, stride, c(elementBytes))));
    }

    bool async = (*info)->hasAsyncCopy();
    int64_t chunksPerRow = cols / chunk, chunks = rows * chunksPerRow;
    auto copyChunks = [&](OpBuilder &b) {
      Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
      auto bc = [&](int64_t v) {
        return arith::ConstantIndexOp::create(b, loc, v).getResult();
      };
      for (int64_t first = 0; first < chunks; first += *threads) {
        Value index = arith::AddIOp::create(b, loc, tid, bc(first));
        OpBuilder cb = b;
        // The last round, where threads outnumber the chunks left.
        if (first + *threads > chunks) {
          auto guard = scf::IfOp::create(
              b, loc,
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, index,
                                    bc(chunks)),
              /*withElseRegion=*/false);
          cb.setInsertionPointToStart(guard.thenBlock());
        }
        copyChunk(cb, loc, index, chunksPerRow, chunk, row0, col0, numRows,
                  numCols, offset, stride, flat, shared, dest, aligned, async);
      }
    };
    if (Value pred = adaptor.getPred().empty() ? Value()
                                                : adaptor.getPred().front()) {
      auto branch = scf::IfOp::create(rewriter, loc, pred,
                                      /*withElseRegion=*/false);
      // A copy of the rewriter, so that the driver sees the ops built.
      OpBuilder tb = rewriter;
      tb.setInsertionPointToStart(branch.thenBlock());
      copyChunks(tb);
    } else {
      copyChunks(rewriter);
    }
    // One completion group per box copy, issued or not.
    if (async)
      tile::AsyncCommitOp::create(rewriter, loc);
    rewriter.replaceOpWithMultiple(op, {ValueRange()});
    return success();
  }

  /// Chunk `index` of the box: `chunk` elements of one row.
  static void copyChunk(OpBuilder &b, Location loc, Value index,
                        int64_t chunksPerRow, int64_t chunk, Value row0,
                        Value col0, Value numRows, Value numCols, Value offset,
                        Value stride, Value flat, ValueRange shared,
                        tile::SmemType dest, Value aligned, bool async) {
    auto c = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    Value r = arith::DivUIOp::create(b, loc, index, c(chunksPerRow));
    Value col = arith::MulIOp::create(
        b, loc, arith::RemUIOp::create(b, loc, index, c(chunksPerRow)),
        c(chunk));
    Value row = arith::AddIOp::create(b, loc, row0, r);
    Value globalCol = arith::AddIOp::create(b, loc, col0, col);
    Value rowOk =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, numRows);
    Value colOk = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                        globalCol, numCols);
    Value globalOffset = arith::AddIOp::create(
        b, loc, offset,
        arith::AddIOp::create(b, loc,
                              arith::MulIOp::create(b, loc, row, stride),
                              globalCol));
    Value sharedOffset =
        sharedElementOffset(b, loc, dest, shared[1], r, col);
    Type element = dest.getElementType();

    // Elements of the chunk inside the source: 0 past an edge.
    auto validCount = [&](OpBuilder &vb) {
      Value inBounds = arith::AndIOp::create(vb, loc, rowOk, colOk);
      Value left = arith::SelectOp::create(
          vb, loc, inBounds, arith::SubIOp::create(vb, loc, numCols, globalCol),
          c(0));
      return std::make_pair(inBounds,
                            arith::MinUIOp::create(vb, loc, left, c(chunk))
                                .getResult());
    };
    // Element by element, zeros past the edges.
    auto elementwise = [&](OpBuilder &eb, Location l) {
      for (int64_t e = 0; e < chunk; ++e) {
        Value ce = arith::AddIOp::create(eb, l, globalCol, c(e));
        Value mask = arith::AndIOp::create(
            eb, l, rowOk,
            arith::CmpIOp::create(eb, l, arith::CmpIPredicate::ult, ce,
                                  numCols));
        Value x = tile::LoadOp::create(
            eb, l, flat, arith::AddIOp::create(eb, l, globalOffset, c(e)),
            mask,
            arith::ConstantOp::create(eb, l, element,
                                      eb.getZeroAttr(element)));
        tile::StoreOp::create(
            eb, l, x, shared[0],
            arith::AddIOp::create(eb, l, sharedOffset, c(e)), Value());
      }
    };
    auto whole = [&](OpBuilder &wb) {
      auto [inBounds, valid] = validCount(wb);
      if (async) {
        Value from =
            arith::SelectOp::create(wb, loc, inBounds, globalOffset, offset);
        tile::CopyAsyncOp::create(wb, loc, flat, from, shared[0],
                                  sharedOffset, wb.getI64IntegerAttr(chunk),
                                  valid);
        return;
      }
      // Staged through registers: one vector where the chunk is whole.
      Value full = arith::CmpIOp::create(wb, loc, arith::CmpIPredicate::eq,
                                         valid, c(chunk));
      scf::IfOp::create(
          wb, loc, full,
          [&](OpBuilder &tb, Location l) {
            auto vectorType = VectorType::get({chunk}, element);
            Value v = vector::LoadOp::create(tb, l, vectorType, flat,
                                             ValueRange{globalOffset});
            vector::StoreOp::create(tb, l, v, shared[0],
                                    ValueRange{sharedOffset});
            scf::YieldOp::create(tb, l);
          },
          [&](OpBuilder &eb, Location l) {
            elementwise(eb, l);
            scf::YieldOp::create(eb, l);
          });
    };
    if (!aligned) {
      whole(b);
      return;
    }
    scf::IfOp::create(
        b, loc, aligned,
        [&](OpBuilder &tb, Location l) {
          whole(tb);
          scf::YieldOp::create(tb, l);
        },
        [&](OpBuilder &eb, Location l) {
          elementwise(eb, l);
          scf::YieldOp::create(eb, l);
        });
  }
};

/// Counted completion groups where copies are asynchronous, then a barrier
/// of the block.
struct WaitLowering : public OpConversionPattern<tile::WaitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::WaitOp op, OneToNOpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<const target::TargetInfo *> info =
        chipInfoFor(op, "how a wait completes copies");
    if (failed(info))
      return failure();
    Location loc = op.getLoc();
    if ((*info)->hasAsyncCopy()) {
      // cp.async.wait_group takes at most 7; waiting for more is safe.
      int64_t pending =
          std::min<int64_t>(static_cast<int64_t>(op.getPending().value_or(0)),
                            7);
      tile::AsyncWaitOp::create(rewriter, loc, pending);
    }
    tile::BarrierOp::create(rewriter, loc);
    rewriter.eraseOp(op);
    return success();
  }
};
} // namespace

void configureSharedMemoryTypeConverter(TypeConverter &converter) {
  converter.addConversion(
      [](tile::SmemType type,
         SmallVectorImpl<Type> &results) -> std::optional<LogicalResult> {
        results.push_back(flatSharedType(type.getElementType()));
        results.push_back(IndexType::get(type.getContext()));
        return success();
      });
  // Completion is by counting (or barriers): a token holds nothing.
  converter.addConversion(
      [](tile::AsyncTokenType,
         SmallVectorImpl<Type> &) -> std::optional<LogicalResult> {
        return success();
      });
}

void populateSharedMemoryPatterns(const TypeConverter &converter,
                                  RewritePatternSet &patterns) {
  patterns.add<LocalAllocLowering, SlotLowering, TransLowering,
               BoxCopyLowering, WaitLowering>(converter, patterns.getContext());
}

} // namespace mlir::tessera::tile_to_target
