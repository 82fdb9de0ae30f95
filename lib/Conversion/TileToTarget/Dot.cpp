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
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
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

/// Passes `values` (f32 registers a wgmma wrote, after its wait) through an
/// empty inline asm that "writes" them (tied operands, side effects), so
/// that everything reading them stays after the wait: the wgmma results are
/// SSA values to LLVM, ready as soon as issued, and LLVM would otherwise
/// move pure arithmetic on them above it (ptxas then serializes the
/// wgmma chain, C7514).
static void tieAccumulators(OpBuilder &b, Location loc,
                            MutableArrayRef<Value> values) {
  if (values.empty())
    return;
  SmallVector<std::string> constraints;
  for (size_t i = 0; i < values.size(); ++i)
    constraints.push_back("=f");
  for (size_t i = 0; i < values.size(); ++i)
    constraints.push_back(std::to_string(i));
  Type f32 = b.getF32Type();
  Type type = values.size() == 1
                  ? f32
                  : LLVM::LLVMStructType::getLiteral(
                        b.getContext(), SmallVector<Type>(values.size(), f32));
  auto tie = LLVM::InlineAsmOp::create(
      b, loc, TypeRange{type}, ValueRange(values), "",
      llvm::join(constraints, ","), /*has_side_effects=*/true,
      /*is_align_stack=*/false, LLVM::tailcallkind::TailCallKind::None,
      LLVM::AsmDialectAttr::get(b.getContext(), LLVM::AsmDialect::AD_ATT),
      /*operand_attrs=*/ArrayAttr());
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = values.size() == 1
                    ? tie.getResult(0)
                    : LLVM::ExtractValueOp::create(
                          b, loc, tie.getResult(0),
                          ArrayRef<int64_t>{static_cast<int64_t>(i)})
                          .getResult();
}

struct DotLowering : public OpConversionPattern<tile::DotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::DotOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    tile::MmaAttr mma = op.getMma();
    if (mma.getKind() == tile::MmaKind::fma)
      return rewriter.notifyMatchFailure(op, "fma dots are distributed "
                                             "(Distribute.cpp)");
    if (mma.getKind() == tile::MmaKind::mfma && mma.getM() != 16)
      return op.emitOpError()
             << "uses " << mma
             << ", which the lowering does not issue yet (mfma 16x16x16 "
                "only)";
    FailureOr<const target::TargetInfo *> info =
        chipInfoFor(op, "a dot's instructions");
    if (failed(info))
      return failure();
    bool isMfma = mma.getKind() == tile::MmaKind::mfma;
    bool isWgmma = mma.getKind() == tile::MmaKind::wgmma;
    if (!(*info)->hasMatrixKind(isMfma    ? target::MatrixKind::Mfma
                                : isWgmma ? target::MatrixKind::Wgmma
                                          : target::MatrixKind::MmaSync))
      return op.emitOpError() << "uses "
                              << tile::stringifyMmaKind(mma.getKind())
                              << ", which chip '" << (*info)->getChip()
                              << "' does not have";
    auto aType = dyn_cast<tile::SmemType>(op.getA().getType());
    auto bType = dyn_cast<tile::SmemType>(op.getB().getType());
    if (!bType)
      return op.emitOpError() << "reads b from registers, which the lowering "
                                 "does not do yet (b from shared memory only)";
    // `a` from registers: mma_sync's, in the accumulator's layout over the
    // [M, K] tile (DotOperandEncodingAttr::getThreadLayout).
    auto aTile = dyn_cast<RankedTensorType>(op.getA().getType());
    if (aTile) {
      auto operand =
          dyn_cast<tile::DotOperandEncodingAttr>(aTile.getEncoding());
      if (isMfma || !operand || !operand.getThreadLayout(aTile.getShape()))
        return op.emitOpError()
               << "reads a from registers, which the lowering does for "
                  "mma_sync and wgmma over warps that each hold whole rows "
                  "only (warps [w, 1])";
    }
    if (isWgmma)
      return lowerWgmma(op, adaptor, rewriter, aType, bType);
    SmallVector<tile::SmemType, 2> shared{bType};
    if (aType)
      shared.push_back(aType);
    for (tile::SmemType type : shared)
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
        kernel ? getThreadsRunning(op) : std::nullopt;
    if (threads && *threads != encoding.getNumWarps() * warpSize)
      return op.emitOpError()
             << "has an accumulator over " << encoding.getNumWarps()
             << " warps of " << warpSize << " lanes, but the kernel's block "
             << "has " << *threads << " threads";
    int64_t m = accType.getDimSize(0), n = accType.getDimSize(1),
            k = aTile ? aTile.getDimSize(1) : aType.getShape()[1];
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
    bool aTransposed = aType && aType.getLayout().getTransposed();
    bool bTransposed = bType.getLayout().getTransposed();
    // The lane's (row, column) offsets within a fragment (pair).
    Value aRow = aTransposed ? quarter : lane16;
    Value aCol = aTransposed ? g.add(lane8, half) : half;
    Value bRow = bTransposed ? quarter : lane16;
    Value bCol = bTransposed ? g.add(lane8, half) : half;
    ValueRange a = adaptor.getA(), b = adaptor.getB();
    Type element = bType.getElementType();
    auto fragType = VectorType::get({4, 2}, element);
    auto accVectorType = VectorType::get({2, 2}, rewriter.getF32Type());
    // A register `a`'s fragment (i, kk): its rows 2i and 2i + 1 (h) at the
    // column pairs of k 0-7 and 8-15 (the thread's pairs 2kk and 2kk + 1),
    // in mma's order a0a1 (h 0, k 0-7), a2a3 (h 1), a4a5 (h 0, k 8-15), a6a7.
    auto registerFragment = [&](int64_t i, int64_t kk) {
      SmallVector<Value> elements;
      for (int64_t pair = 0; pair < 2; ++pair)
        for (int64_t h = 0; h < 2; ++h)
          for (int64_t e = 0; e < 2; ++e)
            elements.push_back(
                a[(2 * i + h) * (k / 4) + 2 * (2 * kk + pair) + e]);
      return vector::FromElementsOp::create(rewriter, loc, fragType, elements)
          .getResult();
    };

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
        if (aTile) {
          aFrags.push_back(registerFragment(i, kk));
          continue;
        }
        Value row = g.add(aBand, g.add(g.c(i * 16), aRow));
        Value col = g.add(g.c(kk * 16), aCol);
        aFrags.push_back(tile::LoadMatrixOp::create(
            rewriter, loc, fragType, a[0],
            sharedElementOffset(rewriter, loc, aType, a[1], row, col),
            /*transpose=*/aTransposed));
      }
      auto multiply = [&](int64_t i, int64_t j) {
        Value &fragment = fragments[i * fragsN + j];
        fragment = tile::MmaOp::create(rewriter, loc, accVectorType,
                                       aFrags[i], bFrags[j], fragment);
      };
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
        // With `a` in registers (a warp's band of rows, all of K: attention's
        // dots), each pair of B fragments is used as soon as it is loaded,
        // so that only one pair is live at a time.
        if (aTile)
          for (int64_t i = 0; i < fragsM; ++i)
            for (int64_t h = 0; h < 2; ++h)
              multiply(i, 2 * j + h);
      }
      if (!aTile)
        for (int64_t i = 0; i < fragsM; ++i)
          for (int64_t j = 0; j < fragsN; ++j)
            multiply(i, j);
    }
    accFrags.unpack(rewriter, loc, fragments, acc);
    rewriter.replaceOpWithMultiple(op, {acc});
    return success();
  }

  /// wgmma (Hopper): each warpgroup (four warps along m) issues one
  /// m64nNk16 instruction per 16 of K (m64nNk32 per 32 for 8-bit operands,
  /// both K-major: 32 bytes a step either way) over its 64 rows of `a` and all of
  /// `b`, then commits them as one group. `b` is read from a 128-byte
  /// swizzled shared buffer through matrix descriptors, N-major (stored
  /// [K, N] in 64-element column blocks) or K-major (a transposed view:
  /// stored [N, K]); `a` likewise K-major from shared memory, or from
  /// registers (a dot_operand tile: the accumulator layout, whose 16 rows
  /// per warp are the instruction's `a` fragment). The accumulator
  /// registers are wgmma's: per 8 columns j, element (i, e) of the thread's
  /// rows and column pair is register 4j + 2i + e, the blocked element
  /// i * N/4 + 2j + e. An `async` dot waits for its previous group only
  /// (wait group 1), the loop's end for all; any other dot waits for its
  /// own and ties its registers after the wait (tieAccumulators).
  static LogicalResult lowerWgmma(tile::DotOp op, OneToNOpAdaptor adaptor,
                                  ConversionPatternRewriter &rewriter,
                                  tile::SmemType aType, tile::SmemType bType) {
    MLIRContext *ctx = rewriter.getContext();
    auto accType = cast<RankedTensorType>(op.getAcc().getType());
    auto encoding = cast<tile::MmaAccEncodingAttr>(accType.getEncoding());
    int64_t m = accType.getDimSize(0), n = accType.getDimSize(1),
            k = bType.getShape()[0];
    int64_t groups = encoding.getWarps()[0] / 4;
    if (encoding.getWarps()[1] != 1 || m != 64 * groups ||
        op.getMma().getN() != n)
      return op.emitOpError()
             << "has the accumulator " << accType
             << "; the lowering issues one m64 wgmma per warpgroup: warps "
                "[4 x warpgroups, 1], 64 rows per warpgroup and the mma's n "
                "the tile's columns";
    Type element = bType.getElementType();
    int64_t bytes = element.getIntOrFloatBitWidth() / 8;
    int64_t perBlock = 128 / bytes; // elements of a 128-byte column block
    int64_t kStep = 32 / bytes;     // the instruction's k: 32 bytes of K
    bool bKMajor = bType.getLayout().getTransposed();
    bool aShared = static_cast<bool>(aType);
    if ((aShared && (aType.getLayout().getSwizzle() != 128 ||
                     aType.getLayout().getTransposed() ||
                     aType.getShape()[0] != m)) ||
        bType.getLayout().getSwizzle() != 128 ||
        (!bKMajor && n % perBlock != 0) || (bKMajor && n % 8 != 0))
      return op.emitOpError()
             << "reads " << op.getA().getType() << " and " << bType
             << "; the wgmma lowering reads a from registers or a 128-byte "
                "swizzled buffer of its rows (K contiguous), and a 128-byte "
                "swizzled b, N contiguous in whole column blocks or K "
                "contiguous (transposed)";
    Location loc = op.getLoc();
    Type i64 = rewriter.getI64Type();
    auto c = [&](int64_t v) {
      return arith::ConstantIndexOp::create(rewriter, loc, v).getResult();
    };
    auto c64 = [&](int64_t v) {
      return arith::ConstantIntOp::create(rewriter, loc, i64, v).getResult();
    };
    // A 128-byte swizzled matrix descriptor: the start address >> 4 (bits
    // 0-13), the leading and stride byte offsets >> 4 (bits 16-29 and
    // 32-45), the swizzle mode (1 at bit 62). Steps along the buffer add
    // their byte offset >> 4 to it.
    auto descriptor = [&](ValueRange buffer, Value byteOffset, int64_t lbo,
                          int64_t sbo) {
      auto metadata =
          memref::ExtractStridedMetadataOp::create(rewriter, loc, buffer[0]);
      Value base = memref::ExtractAlignedPointerAsIndexOp::create(
          rewriter, loc, buffer[0]);
      Value elements = arith::AddIOp::create(rewriter, loc,
                                             metadata.getOffset(), buffer[1]);
      Value address = arith::AddIOp::create(
          rewriter, loc, base,
          arith::AddIOp::create(
              rewriter, loc,
              arith::MulIOp::create(rewriter, loc, elements, c(bytes)),
              byteOffset));
      Value start = arith::AndIOp::create(
          rewriter, loc,
          arith::ShRUIOp::create(
              rewriter, loc,
              arith::IndexCastUIOp::create(rewriter, loc, i64, address),
              c64(4)),
          c64(0x3FFF));
      int64_t fields = ((lbo >> 4) << 16) | ((sbo >> 4) << 32) |
                       (int64_t(1) << 62);
      return arith::OrIOp::create(rewriter, loc, start, c64(fields))
          .getResult();
    };
    auto step = [&](Value desc, int64_t byteOffset) {
      if (byteOffset == 0)
        return desc;
      return arith::AddIOp::create(rewriter, loc, desc, c64(byteOffset >> 4))
          .getResult();
    };
    Value tid = gpu::ThreadIdOp::create(rewriter, loc, gpu::Dimension::x);
    Value warpgroup = arith::DivUIOp::create(rewriter, loc, tid, c(128));
    ValueRange a = adaptor.getA(), b = adaptor.getB();
    // b: N-major, 16 of K are 16 stored rows of every column block (8-row
    // groups 1024 bytes apart, column blocks K rows apart); K-major, 16 of
    // K are 32 bytes along the stored rows of one column block (8-row
    // groups 1024 bytes apart).
    int64_t bRows = bKMajor ? n : k;
    Value bDesc = descriptor(b, c(0), bKMajor ? 16 : bRows * 128, 1024);
    auto bStep = [&](int64_t kk) {
      if (!bKMajor)
        return kk * kStep * 128;
      int64_t col = kk * kStep;
      return (col / perBlock) * bRows * 128 + (col % perBlock) * bytes;
    };
    // a in shared memory: the warpgroup's 64 rows, K-major like b's.
    Value aDesc;
    if (aShared)
      aDesc = descriptor(
          a, arith::MulIOp::create(rewriter, loc, warpgroup, c(64 * 128)), 16,
          1024);
    auto aStep = [&](int64_t kk) {
      int64_t col = kk * kStep;
      return (col / perBlock) * m * 128 + (col % perBlock) * bytes;
    };

    Type f32 = rewriter.getF32Type();
    auto registers = LLVM::LLVMStructType::getLiteral(
        ctx, SmallVector<Type>(n / 2, f32));
    auto registerElement = [&](int64_t r) {
      int64_t j = r / 4, i = r / 2 % 2, e = r % 2;
      return i * (n / 4) + 2 * j + e;
    };
    Value packed = LLVM::UndefOp::create(rewriter, loc, registers);
    ValueRange acc = adaptor.getAcc();
    for (int64_t r = 0; r < n / 2; ++r)
      packed = LLVM::InsertValueOp::create(rewriter, loc, packed,
                                           acc[registerElement(r)],
                                           ArrayRef<int64_t>{r});
    auto wgmmaType = element.isBF16()                  ? NVVM::WGMMATypes::bf16
                     : isa<Float8E4M3FNType>(element) ? NVVM::WGMMATypes::e4m3
                     : isa<Float8E5M2Type>(element)   ? NVVM::WGMMATypes::e5m2
                                                      : NVVM::WGMMATypes::f16;
    // A register `a`'s k-step kk: four 32-bit registers of f16 pairs, the
    // thread's rows 0 and 1 (h) at the column pairs of k 0-7 and 8-15, in
    // the instruction's order a0a1 (h 0, k 0-7), a2a3 (h 1), a4a5, a6a7.
    auto registerA = [&](int64_t kk) {
      SmallVector<Value> words;
      auto pairType = VectorType::get({2}, element);
      auto wordType = VectorType::get({1}, rewriter.getI32Type());
      for (int64_t pair = 0; pair < 2; ++pair)
        for (int64_t h = 0; h < 2; ++h) {
          int64_t first = h * (k / 4) + 2 * (2 * kk + pair);
          Value two = vector::FromElementsOp::create(
              rewriter, loc, pairType, ValueRange{a[first], a[first + 1]});
          Value word = vector::BitCastOp::create(rewriter, loc, wordType, two);
          words.push_back(vector::ExtractOp::create(rewriter, loc, word,
                                                    ArrayRef<int64_t>{0}));
        }
      return words;
    };
    std::string registerPtx;
    {
      llvm::raw_string_ostream os(registerPtx);
      os << "{\n.reg .pred p;\nsetp.ne.b32 p, 1, 0;\n"
         << "wgmma.mma_async.sync.aligned.m64n" << n << "k16.f32."
         << (element.isBF16() ? "bf16.bf16" : "f16.f16") << " {";
      for (int64_t r = 0; r < n / 2; ++r)
        os << (r ? ", " : "") << "$" << r;
      os << "}, {$" << n / 2 << ", $" << n / 2 + 1 << ", $" << n / 2 + 2
         << ", $" << n / 2 + 3 << "}, $" << n / 2 + 4 << ", p, 1, 1, "
         << (bKMajor ? 0 : 1) << ";\n}\n";
    }
    SmallVector<std::string> constraints(n / 2, "=f");
    constraints.append({"r", "r", "r", "r", "l"});
    for (int64_t r = 0; r < n / 2; ++r)
      constraints.push_back(std::to_string(r));
    std::string registerConstraints = llvm::join(constraints, ",");

    // A register `a` is packed before the fence, which orders the
    // registers' writes before the instructions read them.
    SmallVector<SmallVector<Value>> aWords;
    if (!aShared)
      for (int64_t kk = 0; kk < k / 16; ++kk)
        aWords.push_back(registerA(kk));
    NVVM::WgmmaFenceAlignedOp::create(rewriter, loc);
    for (int64_t kk = 0; kk < k / kStep; ++kk) {
      Value bk = step(bDesc, bStep(kk));
      if (aShared) {
        packed = NVVM::WgmmaMmaAsyncOp::create(
            rewriter, loc, registers, packed, step(aDesc, aStep(kk)), bk,
            NVVM::MMAShapeAttr::get(ctx, 64, n, kStep),
            NVVM::WGMMATypesAttr::get(ctx, wgmmaType),
            NVVM::WGMMATypesAttr::get(ctx, wgmmaType),
            NVVM::WGMMATypesAttr::get(ctx, NVVM::WGMMATypes::f32),
            NVVM::WGMMAScaleOutAttr::get(ctx, NVVM::WGMMAScaleOut::one),
            NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one),
            NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one),
            NVVM::MMALayoutAttr::get(ctx, NVVM::MMALayout::row),
            NVVM::MMALayoutAttr::get(ctx, bKMajor ? NVVM::MMALayout::col
                                                  : NVVM::MMALayout::row),
            NVVM::MMAIntOverflowAttr());
        continue;
      }
      SmallVector<Value> operands = aWords[kk];
      operands.push_back(bk);
      for (int64_t r = 0; r < n / 2; ++r)
        operands.push_back(LLVM::ExtractValueOp::create(
            rewriter, loc, packed, ArrayRef<int64_t>{r}));
      packed = LLVM::InlineAsmOp::create(
                   rewriter, loc, TypeRange{registers}, operands, registerPtx,
                   registerConstraints, /*has_side_effects=*/true,
                   /*is_align_stack=*/false,
                   LLVM::tailcallkind::TailCallKind::None,
                   LLVM::AsmDialectAttr::get(ctx, LLVM::AsmDialect::AD_ATT),
                   /*operand_attrs=*/ArrayAttr())
                   .getResult(0);
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(rewriter, loc);
    bool async = op.getAsync();
    NVVM::WgmmaWaitGroupSyncOp::create(rewriter, loc,
                                       async ? op.getInFlight() : 0);
    SmallVector<Value> values(acc.size());
    for (int64_t r = 0; r < n / 2; ++r)
      values[registerElement(r)] = LLVM::ExtractValueOp::create(
          rewriter, loc, packed, ArrayRef<int64_t>{r});
    // (An async chain's last group is awaited by the tessera_tile.dot_wait
    // after the loop.)
    if (!async)
      tieAccumulators(rewriter, loc, values);
    rewriter.replaceOpWithMultiple(op, {values});
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
/// `tessera_tile.dot_wait`: on wgmma accumulators, `wgmma.wait_group N`
/// (`pending`, default 0),
/// then each accumulator's registers through an empty inline asm that
/// "writes" them (tied operands, side effects): everything reading them is
/// after the wait, where LLVM would otherwise move pure arithmetic on them
/// above it (the wgmma results are SSA values to LLVM, ready as soon as
/// issued). Other accumulators pass through.
struct DotWaitLowering : public OpConversionPattern<tile::DotWaitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::DotWaitOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    bool waited = false;
    SmallVector<SmallVector<Value>> results;
    for (auto [acc, values] : llvm::zip(op.getAccs(), adaptor.getAccs())) {
      auto encoding = cast<tile::MmaAccEncodingAttr>(
          cast<RankedTensorType>(acc.getType()).getEncoding());
      results.emplace_back(values.begin(), values.end());
      if (encoding.getMma().getKind() != tile::MmaKind::wgmma ||
          values.empty())
        continue;
      if (!waited)
        NVVM::WgmmaWaitGroupSyncOp::create(rewriter, loc, op.getPending());
      waited = true;
      tieAccumulators(rewriter, loc, results.back());
    }
    SmallVector<ValueRange> replacements(results.begin(), results.end());
    rewriter.replaceOpWithMultiple(op, replacements);
    return success();
  }
};
} // namespace

void populateDotPatterns(const TypeConverter &converter,
                         RewritePatternSet &patterns) {
  patterns.add<DotLowering, DotWaitLowering>(converter, patterns.getContext());
}

} // namespace mlir::tessera::tile_to_target
