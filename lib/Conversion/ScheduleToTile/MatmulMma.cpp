//===- MatmulMma.cpp - Tensor-core matmul kernels (mma.sync) --------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// The body of an mma.sync (m16n8k16) matmul kernel: a cp.async ring in
// shared memory, ldmatrix fragments, the accumulators to the epilogue.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "Tessera/Dialect/Tile/IR/TileOps.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

//===----------------------------------------------------------------------===//
// Tensor-core matmul kernels (mma.sync m16n8k16)
//===----------------------------------------------------------------------===//

MmaMatmul::Operand MmaMatmul::makeOperand(OpBuilder &b, Location loc,
                                          bool isLhs, Value global, Value base,
                                          Value outerSize, Value k,
                                          Value outerOrigin,
                                          int64_t byteOffset) {
  Operand op;
  op.layout = schedule::getMmaOperandTile(config, matmul, isLhs);
  op.global = global;
  op.base = base;
  op.rows = op.layout.kMajor ? k : outerSize;
  op.cols = op.layout.kMajor ? outerSize : k;
  op.outerOrigin = outerOrigin;
  op.stageElements = op.layout.rows * op.layout.ld;
  Type element = cast<MemRefType>(global.getType()).getElementType();
  auto workgroup = gpu::AddressSpaceAttr::get(b.getContext(),
                                              gpu::AddressSpace::Workgroup);
  auto ringType = MemRefType::get({config.getStages() * op.stageElements},
                                  element, nullptr, workgroup);
  if (sharedBytes)
    op.shared = memref::ViewOp::create(
        b, loc, ringType, sharedBytes,
        arith::AddIOp::create(b, loc, sharedBytesBase,
                              indexConstant(b, loc, byteOffset)),
        ValueRange());
  else
    op.shared = tile::AllocSharedOp::create(b, loc, ringType);
  // Rows (and batch entries) start 16-byte aligned if the row length is a
  // multiple of 8 elements and the buffer itself is aligned.
  op.aligned = arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::eq,
          arith::RemUIOp::create(b, loc, op.cols, indexConstant(b, loc, 8)),
          indexConstant(b, loc, 0)),
      pointerIs16ByteAligned(b, loc, global));
  return op;
}

void MmaMatmul::copyStage(OpBuilder &b, Location loc, const Operand &op,
                          Value tid, Value stage, Value k0,
                          bool assumeAligned) {
  const schedule::MmaOperandTile &layout = op.layout;
  SharedTileCopy copy{op.global,
                      op.base,
                      op.rows,
                      op.cols,
                      assumeAligned ? Value() : op.aligned,
                      op.shared,
                      layout.rows,
                      layout.cols,
                      layout.ld};
  copy.emit(b, loc, tid, config.getThreads(),
            layout.kMajor ? k0 : op.outerOrigin,
            layout.kMajor ? op.outerOrigin : k0,
            arith::MulIOp::create(
                b, loc, stage, indexConstant(b, loc, op.stageElements)));
}

LogicalResult MmaMatmul::build(OpBuilder &b, Location loc, ValueRange params,
                               Type resultElement, Epilogue epilogue) {
  ArrayRef<int64_t> tile = config.getTile();
  int64_t bm = tile[0], bn = tile[1], bk = tile[2];
  int64_t stages = config.getStages();
  int64_t warpRows = schedule::getWarpRows(config.getWarps());
  int64_t warpCols = config.getWarps() / warpRows;
  int64_t wm = bm / warpRows, wn = bn / warpCols;
  int64_t fragsM = wm / 16, fragsN = wn / 8;
  auto c = [&](int64_t v) { return indexConstant(b, loc, v); };
  auto add = [&](Value x, Value y) {
    return arith::AddIOp::create(b, loc, x, y).getResult();
  };
  auto mul = [&](Value x, int64_t y) {
    return arith::MulIOp::create(b, loc, x, c(y)).getResult();
  };
  auto div = [&](Value x, int64_t y) {
    return arith::DivUIOp::create(b, loc, x, c(y)).getResult();
  };
  auto rem = [&](Value x, int64_t y) {
    return arith::RemUIOp::create(b, loc, x, c(y)).getResult();
  };

  Value m = params[mParam], n = params[nParam], k = params[kParam];
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value lane = rem(tid, 32), warp = div(tid, 32);
  Value warpRow = div(warp, warpCols), warpCol = rem(warp, warpCols);
  SmallVector<Value> blockIds = matmulBlockIds(b, loc, m, n, bm, bn);
  Value bx = blockIds[0], by = blockIds[1], bz = blockIds[2];
  Value m0 = mul(by, bm), n0 = mul(bx, bn);
  auto batchBase = [&](Value operand, Value rows, Value cols) -> Value {
    if (cast<RankedTensorType>(operand.getType()).getRank() <= 2)
      return c(0);
    return arith::MulIOp::create(b, loc, bz,
                                 arith::MulIOp::create(b, loc, rows, cols));
  };
  Operand lhs = makeOperand(b, loc, /*isLhs=*/true, params[lhsParam],
                            batchBase(matmul.getLhs(), m, k), m, k, m0,
                            /*byteOffset=*/0);
  Operand rhs = makeOperand(
      b, loc, /*isLhs=*/false, params[rhsParam],
      batchBase(matmul.getRhs(), k, n), n, k, n0,
      llvm::alignTo(config.getStages() * lhs.stageElements * 2, 16));
  auto copyIfInRange = [&](OpBuilder &cb, Value stage, Value kt,
                           Value numK, bool assumeAligned) {
    Value inRange = arith::CmpIOp::create(cb, loc, arith::CmpIPredicate::ult,
                                          kt, numK);
    scf::IfOp::create(cb, loc, inRange, [&](OpBuilder &tb, Location l) {
      Value k0 = arith::MulIOp::create(tb, l, kt, indexConstant(tb, l, bk));
      copyStage(tb, l, lhs, tid, stage, k0, assumeAligned);
      copyStage(tb, l, rhs, tid, stage, k0, assumeAligned);
      scf::YieldOp::create(tb, l);
    });
    tile::AsyncCommitOp::create(cb, loc);
  };

  // Lane offsets of the ldmatrix row addresses (see the PTX ISA's
  // fragment layouts for mma.m16n8k16 and ldmatrix .x4).
  Value lane16 = rem(lane, 16), lane8 = rem(lane, 8),
        half = mul(div(lane, 16), 8), quarter = mul(rem(div(lane, 8), 2), 8);
  // lhs: the four 8x8 matrices are (m0-7,k0-7) (m8-15,k0-7) (m0-7,k8-15)
  // (m8-15,k8-15); rhs: (k0-7,n0-7) (k8-15,n0-7) (k0-7,n8-15)
  // (k8-15,n8-15), two n8 fragments.
  Value lhsOuter = lhs.layout.kMajor ? quarter : lane16;
  Value lhsInner = lhs.layout.kMajor ? add(lane8, half) : half;
  Value rhsOuter = rhs.layout.kMajor ? half : add(lane8, half);
  Value rhsInner = rhs.layout.kMajor ? lane16 : quarter;
  Value lhsWarp = mul(warpRow, wm), rhsWarp = mul(warpCol, wn);

  Value numK = arith::CeilDivUIOp::create(b, loc, k, c(bk));
  auto accType = VectorType::get({2, 2}, b.getF32Type());
  Value zeroAcc = zeroOf(b, loc, accType);
  SmallVector<Value> inits(fragsM * fragsN, zeroAcc);
  Type element = cast<MemRefType>(lhs.global.getType()).getElementType();
  auto fragType = VectorType::get({4, 2}, element);

  // The pipelined k-loop. Built twice: when both operands' rows are
  // 16-byte multiples (checked once, uniformly), every copy is cp.async
  // without a per-copy branch; otherwise copies choose per operand.
  auto pipeline = [&](OpBuilder &pb, bool assumeAligned) -> SmallVector<Value> {
  for (int64_t s = 0; s + 1 < stages; ++s)
    copyIfInRange(pb, indexConstant(pb, loc, s), indexConstant(pb, loc, s),
                  numK, assumeAligned);
  auto loop = scf::ForOp::create(
      pb, loc, indexConstant(pb, loc, 0), numK, indexConstant(pb, loc, 1),
      inits,
      [&](OpBuilder &lb, Location l, Value kt, ValueRange carried) {
        auto lc = [&](int64_t v) { return indexConstant(lb, l, v); };
        auto ladd = [&](Value x, Value y) {
          return arith::AddIOp::create(lb, l, x, y).getResult();
        };
        tile::AsyncWaitOp::create(lb, l, stages - 2);
        tile::BarrierOp::create(lb, l);
        Value next = ladd(kt, lc(stages - 1));
        copyIfInRange(lb, arith::RemUIOp::create(lb, l, next, lc(stages)),
                      next, numK, assumeAligned);
        Value stage = arith::RemUIOp::create(lb, l, kt, lc(stages));
        Value lhsStage = arith::MulIOp::create(lb, l, stage,
                                               lc(lhs.stageElements));
        Value rhsStage = arith::MulIOp::create(lb, l, stage,
                                               lc(rhs.stageElements));
        // Offset of (outer, inner) in an operand's stage: rows are k if
        // the operand is K-major.
        auto at = [&](const Operand &op, Value stageBase, Value outer,
                      Value kIndex) {
          Value row = op.layout.kMajor ? kIndex : outer;
          Value col = op.layout.kMajor ? outer : kIndex;
          return ladd(stageBase,
                      ladd(arith::MulIOp::create(lb, l, row,
                                                 lc(op.layout.ld)),
                           col));
        };
        SmallVector<Value> accs(carried.begin(), carried.end());
        for (int64_t kk = 0; kk < bk / 16; ++kk) {
          SmallVector<Value> a, bf;
          for (int64_t i = 0; i < fragsM; ++i) {
            Value outer = ladd(lhsWarp, ladd(lc(i * 16), lhsOuter));
            Value kIndex = ladd(lc(kk * 16), lhsInner);
            a.push_back(tile::LoadMatrixOp::create(
                lb, l, fragType, lhs.shared,
                at(lhs, lhsStage, outer, kIndex), lhs.layout.kMajor));
          }
          for (int64_t j = 0; j < fragsN / 2; ++j) {
            Value outer = ladd(rhsWarp, ladd(lc(j * 16), rhsOuter));
            Value kIndex = ladd(lc(kk * 16), rhsInner);
            Value pair = tile::LoadMatrixOp::create(
                lb, l, fragType, rhs.shared,
                at(rhs, rhsStage, outer, kIndex), rhs.layout.kMajor);
            for (int64_t h = 0; h < 2; ++h)
              bf.push_back(vector::ShuffleOp::create(
                  lb, l, pair, pair, ArrayRef<int64_t>{2 * h, 2 * h + 1}));
          }
          for (int64_t i = 0; i < fragsM; ++i)
            for (int64_t j = 0; j < fragsN; ++j) {
              Value &acc = accs[i * fragsN + j];
              acc = tile::MmaOp::create(lb, l, accType, a[i], bf[j], acc);
            }
        }
        scf::YieldOp::create(lb, l, accs);
      });
  tile::AsyncWaitOp::create(pb, loc, 0);
  return SmallVector<Value>(loop.getResults());
  };
  Value aligned = arith::AndIOp::create(b, loc, lhs.aligned, rhs.aligned);
  auto versions = scf::IfOp::create(b, loc, TypeRange(ValueRange(inits)),
                                    aligned, /*withElseRegion=*/true);
  for (bool fast : {true, false}) {
    Block &block = fast ? versions.getThenRegion().front()
                        : versions.getElseRegion().front();
    OpBuilder vb = OpBuilder::atBlockEnd(&block);
    scf::YieldOp::create(vb, loc, pipeline(vb, fast));
  }
  ValueRange results = versions.getResults();

  // Accumulator (i, j) element [h][e] is at row lane/4 + 8h, column
  // 2 * (lane % 4) + e of the 16x8 fragment.
  Value fragRow = add(lhsWarp, add(m0, div(lane, 4)));
  Value fragCol = add(rhsWarp, add(n0, mul(rem(lane, 4), 2)));
  for (int64_t i = 0; i < fragsM; ++i)
    for (int64_t j = 0; j < fragsN; ++j)
      for (int64_t h = 0; h < 2; ++h)
        for (int64_t e = 0; e < 2; ++e) {
          Value acc = results[i * fragsN + j];
          Value value = vector::ExtractOp::create(
              b, loc, acc, ArrayRef<int64_t>{h, e});
          Value row = add(fragRow, c(i * 16 + h * 8));
          Value col = add(fragCol, c(j * 8 + e));
          if (failed(epilogue(b, params, bz, row, col,
                              buildStorageScalar(matmul, b, loc, value, resultElement))))
            return failure();
        }
  return success();
}

} // namespace mlir::tessera::schedule_to_tile

//===----------------------------------------------------------------------===//
// The mma.sync block program
//===----------------------------------------------------------------------===//

namespace mlir::tessera::schedule_to_tile {

LogicalResult buildMmaSyncProgram(OpBuilder &b, Location loc, ValueRange params,
                                  schedule::ConfigAttr config,
                                  graph::MatmulOp matmul, unsigned lhsParam,
                                  unsigned rhsParam, unsigned kParam,
                                  const TileEpilogue &epilogue) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> tile = config.getTile();
  int64_t bm = tile[0], bn = tile[1], bk = tile[2];
  int64_t warpRows = schedule::getWarpRows(config.getWarps());
  int64_t warpCols = config.getWarps() / warpRows;
  auto c = [&](int64_t v) { return indexConstant(b, loc, v); };
  auto mul = [&](Value x, Value y) {
    return arith::MulIOp::create(b, loc, x, y).getResult();
  };
  Value m = params[epilogue.mParam], n = params[epilogue.nParam];
  Value k = params[kParam];
  SmallVector<Value> blockIds = matmulBlockIds(b, loc, m, n, bm, bn);
  Value bx = blockIds[0], by = blockIds[1], bz = blockIds[2];
  Value row0 = mul(by, c(bm)), col0 = mul(bx, c(bn));

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
  auto mma = tile::MmaAttr::get(ctx, tile::MmaKind::mma_sync, 16, 8, 16);
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

  // acc += A[row0:, k0:k0+BK] * B[k0:, col0:col0+BN] per BK slice of K.
  auto kLoop = [&](OpBuilder &lb, bool declareAligned) {
    auto loop = scf::ForOp::create(
        lb, loc, indexConstant(lb, loc, 0), numK, indexConstant(lb, loc, 1),
        ValueRange{zero},
        [&](OpBuilder &fb, Location l, Value kt, ValueRange carried) {
          Value k0 = arith::MulIOp::create(fb, l, kt, indexConstant(fb, l, bk));
          auto copy = [&](Value source, tile::SmemType box, Value r,
                          Value col) {
            Value buffer = tile::LocalAllocOp::create(fb, l, box, IntegerAttr());
            auto op = tile::BoxCopyOp::create(
                fb, l, tile::AsyncTokenType::get(ctx), source,
                ValueRange{r, col}, buffer, Value(), Value(), Value(),
                declareAligned);
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
  return epilogue.emit(b, loc, params, versions.getResult(0), bz, row0, col0);
}

} // namespace mlir::tessera::schedule_to_tile
