//===- Dot.cpp - Block-level dots to matrix instructions ------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// `tessera_tile.dot` on shared operands, lowered to what each warp does.
//
// mma_sync (m16n8k16): the accumulator's warp grid [wm, wn] splits the MxN
// tile into bands of M/wm rows and N/wn columns; a warp covers its band in
// 16x8 fragments. Per 16 of K, each warp loads its A fragments (ldmatrix
// .x4, 16x16 each) and its B fragments in pairs (ldmatrix .x4, two 16x8
// each; .trans where the buffer's stored rows run the other way than the
// instruction reads them) and issues one mma per (A, B) pair. The accumulator's scalars
// are the thread's elements in the blocked order of the encoding's thread
// layout (MmaAccEncodingAttr::getThreadLayout): fragment (i, j) element
// [h][e] is element (2i + h, 2j + e) of the thread's rows and columns.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/KernelThreads.h"
#include "Tessera/Dialect/Target/IR/TargetInfo.h"
#include "Tessera/Dialect/Target/IR/TargetOps.h"
#include "Tessera/Dialect/Tile/IR/TileOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::tile_to_target {

namespace {
struct DotLowering : public OpConversionPattern<tile::DotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::DotOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    tile::MmaAttr mma = op.getMma();
    if (mma.getKind() != tile::MmaKind::mma_sync)
      return op.emitOpError()
             << "uses " << tile::stringifyMmaKind(mma.getKind())
             << ", which the lowering does not issue yet (mma_sync only)";
    FailureOr<const target::TargetInfo *> info =
        chipInfoFor(op, "a dot's instructions");
    if (failed(info))
      return failure();
    if (!(*info)->hasMatrixKind(target::MatrixKind::MmaSync))
      return op.emitOpError() << "uses mma_sync, which chip '"
                              << (*info)->getChip() << "' does not have";
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
    if (wn % 16 != 0)
      return op.emitOpError()
             << "gives each warp " << wn
             << " columns; the lowering loads B fragments in pairs, 16 "
                "columns at a time";
    int64_t fragsM = wm / 16, fragsN = wn / 8;

    Location loc = op.getLoc();
    auto c = [&](int64_t v) {
      return arith::ConstantIndexOp::create(rewriter, loc, v).getResult();
    };
    auto add = [&](Value x, Value y) {
      return arith::AddIOp::create(rewriter, loc, x, y).getResult();
    };
    auto mul = [&](Value x, int64_t y) {
      return arith::MulIOp::create(rewriter, loc, x, c(y)).getResult();
    };
    auto div = [&](Value x, int64_t y) {
      return arith::DivUIOp::create(rewriter, loc, x, c(y)).getResult();
    };
    auto rem = [&](Value x, int64_t y) {
      return arith::RemUIOp::create(rewriter, loc, x, c(y)).getResult();
    };
    Value tid = gpu::ThreadIdOp::create(rewriter, loc, gpu::Dimension::x);
    Value lane = rem(tid, warpSize), warp = div(tid, warpSize);
    Value aBand = mul(div(warp, warpCols), wm);
    Value bBand = mul(rem(warp, warpCols), wn);
    // ldmatrix .x4: lanes 8q..8q+7 address the stored rows of matrix q. A
    // fragment (16x16) is matrices (m 0-7, k 0-7), (m 8-15, k 0-7),
    // (m 0-7, k 8-15), (m 8-15, k 8-15); a pair of B fragments is (k 0-7,
    // n 0-7), (k 8-15, n 0-7), (k 0-7, n 8-15), (k 8-15, n 8-15). A stored
    // row runs along k for A and along n for B unless the buffer is
    // transposed; ldmatrix transposes where it runs the other way.
    Value lane16 = rem(lane, 16), lane8 = rem(lane, 8);
    Value half = mul(div(lane, 16), 8), quarter = mul(rem(div(lane, 8), 2), 8);
    bool aTransposed = aType.getLayout().getTransposed();
    bool bTransposed = bType.getLayout().getTransposed();
    // The lane's (row, column) offsets within a fragment (pair).
    Value aRow = aTransposed ? quarter : lane16;
    Value aCol = aTransposed ? add(lane8, half) : half;
    Value bRow = bTransposed ? quarter : lane16;
    Value bCol = bTransposed ? add(lane8, half) : half;
    ValueRange a = adaptor.getA(), b = adaptor.getB();
    Type element = aType.getElementType();
    auto fragType = VectorType::get({4, 2}, element);
    auto accVectorType = VectorType::get({2, 2}, rewriter.getF32Type());

    SmallVector<Value> acc(adaptor.getAcc().begin(), adaptor.getAcc().end());
    auto accIndex = [&](int64_t i, int64_t j, int64_t h, int64_t e) {
      return (2 * i + h) * (2 * fragsN) + 2 * j + e;
    };
    for (int64_t kk = 0; kk < k / 16; ++kk) {
      SmallVector<Value> aFrags, bFrags;
      for (int64_t i = 0; i < fragsM; ++i) {
        Value row = add(aBand, add(c(i * 16), aRow));
        Value col = add(c(kk * 16), aCol);
        aFrags.push_back(tile::LoadMatrixOp::create(
            rewriter, loc, fragType, a[0],
            sharedElementOffset(rewriter, loc, aType, a[1], row, col),
            /*transpose=*/aTransposed));
      }
      for (int64_t j = 0; j < fragsN / 2; ++j) {
        Value row = add(c(kk * 16), bRow);
        Value col = add(bBand, add(c(j * 16), bCol));
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
          SmallVector<Value> elements;
          for (int64_t h = 0; h < 2; ++h)
            for (int64_t e = 0; e < 2; ++e)
              elements.push_back(acc[accIndex(i, j, h, e)]);
          Value fragment = vector::FromElementsOp::create(
              rewriter, loc, accVectorType, elements);
          Value product = tile::MmaOp::create(rewriter, loc, accVectorType,
                                              aFrags[i], bFrags[j], fragment);
          for (int64_t h = 0; h < 2; ++h)
            for (int64_t e = 0; e < 2; ++e)
              acc[accIndex(i, j, h, e)] = vector::ExtractOp::create(
                  rewriter, loc, product, ArrayRef<int64_t>{h, e});
        }
    }
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
