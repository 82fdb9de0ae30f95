//===- Dot.cpp - Block-level dots to matrix instructions ------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// `tessera_tile.dot` on shared operands, lowered to what each warp does
// (mma_sync on NVIDIA, mfma on AMD CDNA: the instruction the dot's #mma
// names, checked against the chip's target info).
//
// mma_sync (m16n8k16): the accumulator's warp grid [wm, wn] splits the MxN
// tile into bands of M/wm rows and N/wn columns; a warp covers its band in
// 16x8 fragments. Per 16 of K, each warp loads its A fragments (ldmatrix
// .x4, 16x16 each) and its B fragments in pairs (ldmatrix .x4, two 16x8
// each; .trans where the buffer's stored rows run the other way than the
// instruction reads them) and issues one mma per (A, B) pair. The
// accumulator's scalars are the thread's elements in the blocked order of
// the encoding's thread layout (MmaAccEncodingAttr::getThreadLayout):
// fragment (i, j) element [h][e] is element (2i + h, 2j + e) of the thread's
// rows and columns; within a dot they stay packed as fragments.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/KernelThreads.h"
#include "Tessera/Dialect/Target/IR/TargetInfo.h"
#include "Tessera/Dialect/Target/IR/TargetOps.h"
#include "Tessera/Dialect/Tile/IR/TileOps.h"
#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::tile_to_target {

namespace {
/// Index arithmetic at one location, and this thread's place in a dot's
/// warp grid: its lane and the first row (of A) and column (of B) of its
/// warp's band.
struct WarpGrid {
  OpBuilder &b;
  Location loc;
  Value lane, aBand, bBand;

  WarpGrid(OpBuilder &b, Location loc, int64_t warpSize, int64_t warpCols,
           int64_t bandRows, int64_t bandCols)
      : b(b), loc(loc) {
    Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
    Value warp = div(tid, warpSize);
    lane = rem(tid, warpSize);
    aBand = mul(div(warp, warpCols), bandRows);
    bBand = mul(rem(warp, warpCols), bandCols);
  }
  Value c(int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  }
  Value add(Value x, Value y) {
    return arith::AddIOp::create(b, loc, x, y).getResult();
  }
  Value mul(Value x, int64_t y) {
    return arith::MulIOp::create(b, loc, x, c(y)).getResult();
  }
  Value div(Value x, int64_t y) {
    return arith::DivUIOp::create(b, loc, x, c(y)).getResult();
  }
  Value rem(Value x, int64_t y) {
    return arith::RemUIOp::create(b, loc, x, c(y)).getResult();
  }
};

/// A dot's accumulator as one vector of `type` per fragment (i, j) of a
/// fragsM x fragsN grid: element t of fragment (i, j) (row-major over the
/// vector's shape) is the thread's element `index(i, j, t)`. Packed once
/// per dot, so that consecutive instructions pass vectors, and unpacked
/// once after.
struct AccumulatorFragments {
  int64_t fragsM, fragsN;
  VectorType type;
  function_ref<int64_t(int64_t, int64_t, int64_t)> index; // outlives this

  SmallVector<Value> pack(OpBuilder &b, Location loc,
                          ArrayRef<Value> acc) const {
    SmallVector<Value> fragments;
    for (int64_t i = 0; i < fragsM; ++i)
      for (int64_t j = 0; j < fragsN; ++j) {
        SmallVector<Value> elements;
        for (int64_t t = 0, n = type.getNumElements(); t < n; ++t)
          elements.push_back(acc[index(i, j, t)]);
        fragments.push_back(
            vector::FromElementsOp::create(b, loc, type, elements));
      }
    return fragments;
  }

  void unpack(OpBuilder &b, Location loc, ArrayRef<Value> fragments,
              MutableArrayRef<Value> acc) const {
    for (int64_t i = 0; i < fragsM; ++i)
      for (int64_t j = 0; j < fragsN; ++j)
        for (int64_t t = 0, n = type.getNumElements(); t < n; ++t)
          acc[index(i, j, t)] = vector::ExtractOp::create(
              b, loc, fragments[i * fragsN + j],
              delinearize(t, computeStrides(type.getShape())));
  }
};

struct DotLowering : public OpConversionPattern<tile::DotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::DotOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    tile::MmaAttr mma = op.getMma();
    if (mma.getKind() == tile::MmaKind::wgmma ||
        (mma.getKind() == tile::MmaKind::mfma && mma.getM() != 16))
      return op.emitOpError()
             << "uses " << mma
             << ", which the lowering does not issue yet (mma_sync "
                "m16n8k16 and mfma 16x16x16 only)";
    FailureOr<const target::TargetInfo *> info =
        chipInfoFor(op, "a dot's instructions");
    if (failed(info))
      return failure();
    bool isMfma = mma.getKind() == tile::MmaKind::mfma;
    if (!(*info)->hasMatrixKind(isMfma ? target::MatrixKind::Mfma
                                       : target::MatrixKind::MmaSync))
      return op.emitOpError() << "uses "
                              << tile::stringifyMmaKind(mma.getKind())
                              << ", which chip '" << (*info)->getChip()
                              << "' does not have";
    auto aType = dyn_cast<tile::SmemType>(op.getA().getType());
    auto bType = dyn_cast<tile::SmemType>(op.getB().getType());
    if (!aType || !bType)
      return op.emitOpError() << "reads an operand from registers, which the "
                                 "lowering does not do yet (shared operands "
                                 "only)";
    for (tile::SmemType type : {aType, bType})
      if (((type.getLayout().getTransposed() ? type.getShape()[0]
                                              : type.getShape()[1]) +
           type.getLayout().getPad()) *
              type.getElementType().getIntOrFloatBitWidth() / 8 % 16 !=
          0)
        return op.emitOpError()
               << "reads " << type
               << ", whose rows (with padding) are not 16-byte multiples; "
                  "ldmatrix reads 16-byte rows";
    auto accType = cast<RankedTensorType>(op.getAcc().getType());
    auto encoding = cast<tile::MmaAccEncodingAttr>(accType.getEncoding());
    int64_t warpRows = encoding.getWarps()[0],
            warpCols = encoding.getWarps()[1];
    int64_t warpSize = (*info)->getWarpSize();
    auto kernel = op->getParentOfType<target::KernelOp>();
    std::optional<int64_t> threads =
        kernel ? getKernelThreads(kernel) : std::nullopt;
    if (threads && *threads != encoding.getNumWarps() * warpSize)
      return op.emitOpError()
             << "has an accumulator over " << encoding.getNumWarps()
             << " warps of " << warpSize << " lanes, but the kernel's block "
             << "has " << *threads << " threads";
    int64_t m = accType.getDimSize(0), n = accType.getDimSize(1),
            k = aType.getShape()[1];
    int64_t wm = m / warpRows, wn = n / warpCols;
    if (isMfma)
      return lowerMfma(op, adaptor, rewriter, aType, bType, warpRows,
                       warpCols, warpSize);
    if (wn % 16 != 0)
      return op.emitOpError()
             << "gives each warp " << wn
             << " columns; the lowering loads B fragments in pairs, 16 "
                "columns at a time";
    int64_t fragsM = wm / 16, fragsN = wn / 8;

    Location loc = op.getLoc();
    WarpGrid g(rewriter, loc, warpSize, warpCols, wm, wn);
    Value lane = g.lane, aBand = g.aBand, bBand = g.bBand;
    // ldmatrix .x4: lanes 8q..8q+7 address the stored rows of matrix q. A
    // fragment (16x16) is matrices (m 0-7, k 0-7), (m 8-15, k 0-7),
    // (m 0-7, k 8-15), (m 8-15, k 8-15); a pair of B fragments is (k 0-7,
    // n 0-7), (k 8-15, n 0-7), (k 0-7, n 8-15), (k 8-15, n 8-15). A stored
    // row runs along k for A and along n for B unless the buffer is
    // transposed; ldmatrix transposes where it runs the other way.
    Value lane16 = g.rem(lane, 16), lane8 = g.rem(lane, 8);
    Value half = g.mul(g.div(lane, 16), 8);
    Value quarter = g.mul(g.rem(g.div(lane, 8), 2), 8);
    bool aTransposed = aType.getLayout().getTransposed();
    bool bTransposed = bType.getLayout().getTransposed();
    // The lane's (row, column) offsets within a fragment (pair).
    Value aRow = aTransposed ? quarter : lane16;
    Value aCol = aTransposed ? g.add(lane8, half) : half;
    Value bRow = bTransposed ? quarter : lane16;
    Value bCol = bTransposed ? g.add(lane8, half) : half;
    ValueRange a = adaptor.getA(), b = adaptor.getB();
    Type element = aType.getElementType();
    auto fragType = VectorType::get({4, 2}, element);
    auto accVectorType = VectorType::get({2, 2}, rewriter.getF32Type());

    SmallVector<Value> acc(adaptor.getAcc().begin(), adaptor.getAcc().end());
    // Fragment element t = (h, e): row h * 8 of the 16x8 tile, column e.
    auto accIndex = [&](int64_t i, int64_t j, int64_t t) {
      return (2 * i + t / 2) * (2 * fragsN) + 2 * j + t % 2;
    };
    AccumulatorFragments accFrags{fragsM, fragsN, accVectorType, accIndex};
    SmallVector<Value> fragments = accFrags.pack(rewriter, loc, acc);
    for (int64_t kk = 0; kk < k / 16; ++kk) {
      SmallVector<Value> aFrags, bFrags;
      for (int64_t i = 0; i < fragsM; ++i) {
        Value row = g.add(aBand, g.add(g.c(i * 16), aRow));
        Value col = g.add(g.c(kk * 16), aCol);
        aFrags.push_back(tile::LoadMatrixOp::create(
            rewriter, loc, fragType, a[0],
            sharedElementOffset(rewriter, loc, aType, a[1], row, col),
            /*transpose=*/aTransposed));
      }
      for (int64_t j = 0; j < fragsN / 2; ++j) {
        Value row = g.add(g.c(kk * 16), bRow);
        Value col = g.add(bBand, g.add(g.c(j * 16), bCol));
        Value pair = tile::LoadMatrixOp::create(
            rewriter, loc, fragType, b[0],
            sharedElementOffset(rewriter, loc, bType, b[1], row, col),
            /*transpose=*/!bTransposed);
        for (int64_t h = 0; h < 2; ++h)
          bFrags.push_back(vector::ShuffleOp::create(
              rewriter, loc, pair, pair, ArrayRef<int64_t>{2 * h, 2 * h + 1}));
      }
      for (int64_t i = 0; i < fragsM; ++i)
        for (int64_t j = 0; j < fragsN; ++j) {
          Value &fragment = fragments[i * fragsN + j];
          fragment = tile::MmaOp::create(rewriter, loc, accVectorType,
                                         aFrags[i], bFrags[j], fragment);
        }
    }
    accFrags.unpack(rewriter, loc, fragments, acc);
    rewriter.replaceOpWithMultiple(op, {acc});
    return success();
  }

  /// mfma 16x16x16 (CDNA): a warp (wavefront) covers its band in 16x16
  /// fragments. Per 16 of K, lane l gathers A[row l%16][k 4(l/16) + t] and
  /// B[k 4(l/16) + t][column l%16] (t = 0..3) from shared memory and the
  /// wavefront issues one mfma per (A, B) pair. Accumulator element [t] of
  /// fragment (i, j) is row 16i + 4(l/16) + t, column 16j + l%16: element
  /// (4i + t, j) of the thread's rows and columns (the blocked thread
  /// layout threads = [4, 16], per_thread = [4, 1]).
  static LogicalResult lowerMfma(tile::DotOp op, OneToNOpAdaptor adaptor,
                                 ConversionPatternRewriter &rewriter,
                                 tile::SmemType aType, tile::SmemType bType,
                                 int64_t warpRows, int64_t warpCols,
                                 int64_t warpSize) {
    auto accType = cast<RankedTensorType>(op.getAcc().getType());
    int64_t m = accType.getDimSize(0), n = accType.getDimSize(1),
            k = aType.getShape()[1];
    int64_t wm = m / warpRows, wn = n / warpCols;
    int64_t fragsM = wm / 16, fragsN = wn / 16;
    Location loc = op.getLoc();
    WarpGrid g(rewriter, loc, warpSize, warpCols, wm, wn);
    Value lane = g.lane, aBand = g.aBand, bBand = g.bBand;
    Value lane16 = g.rem(lane, 16), quad = g.mul(g.div(lane, 16), 4);
    ValueRange a = adaptor.getA(), b = adaptor.getB();
    Type element = aType.getElementType();
    auto fragType = VectorType::get({4}, element);
    auto accVectorType = VectorType::get({4}, rewriter.getF32Type());
    // Four elements (t = 0..3) at logical (row(t), col(t)) of a buffer.
    auto gather = [&](tile::SmemType type, ValueRange buffer,
                      function_ref<std::pair<Value, Value>(int64_t)> at) {
      SmallVector<Value> parts;
      for (int64_t t = 0; t < 4; ++t) {
        auto [row, col] = at(t);
        parts.push_back(memref::LoadOp::create(
            rewriter, loc, buffer[0],
            sharedElementOffset(rewriter, loc, type, buffer[1], row, col)));
      }
      return vector::FromElementsOp::create(rewriter, loc, fragType, parts)
          .getResult();
    };
    SmallVector<Value> acc(adaptor.getAcc().begin(), adaptor.getAcc().end());
    // Fragment element t: row 4 (lane / 16) + t of the 16x16 tile.
    auto accIndex = [&](int64_t i, int64_t j, int64_t t) {
      return (4 * i + t) * fragsN + j;
    };
    AccumulatorFragments accFrags{fragsM, fragsN, accVectorType, accIndex};
    SmallVector<Value> fragments = accFrags.pack(rewriter, loc, acc);
    for (int64_t kk = 0; kk < k / 16; ++kk) {
      SmallVector<Value> aFrags, bFrags;
      for (int64_t i = 0; i < fragsM; ++i) {
        Value row = g.add(aBand, g.add(g.c(i * 16), lane16));
        aFrags.push_back(gather(aType, a, [&](int64_t t) {
          return std::make_pair(row, g.add(g.c(kk * 16 + t), quad));
        }));
      }
      for (int64_t j = 0; j < fragsN; ++j) {
        Value col = g.add(bBand, g.add(g.c(j * 16), lane16));
        bFrags.push_back(gather(bType, b, [&](int64_t t) {
          return std::make_pair(g.add(g.c(kk * 16 + t), quad), col);
        }));
      }
      for (int64_t i = 0; i < fragsM; ++i)
        for (int64_t j = 0; j < fragsN; ++j) {
          Value &fragment = fragments[i * fragsN + j];
          fragment = amdgpu::MFMAOp::create(
              rewriter, loc, accVectorType, /*m=*/16, /*n=*/16, /*k=*/16,
              /*blocks=*/1, aFrags[i], bFrags[j], fragment);
        }
    }
    accFrags.unpack(rewriter, loc, fragments, acc);
    rewriter.replaceOpWithMultiple(op, {acc});
    return success();
  }
};
} // namespace

void populateDotPatterns(const TypeConverter &converter,
                         RewritePatternSet &patterns) {
  patterns.add<DotLowering>(converter, patterns.getContext());
}

} // namespace mlir::tessera::tile_to_target
