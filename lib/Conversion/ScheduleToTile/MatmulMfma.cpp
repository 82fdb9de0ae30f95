//===- MatmulMfma.cpp - AMD matrix-core matmul kernels (mfma) -------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// The body of an mfma matmul kernel (CDNA2/CDNA3): LDS staging and
// amdgpu.mfma 16x16x16 on the block's wavefronts.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

//===----------------------------------------------------------------------===//
// AMD matrix cores: mfma matmul kernels (CDNA2/CDNA3)
//===----------------------------------------------------------------------===//

LogicalResult MfmaMatmul::build(OpBuilder &b, Location loc, ValueRange params,
                                Type resultElement,
                                ScalarEpilogue epilogue) {
  ArrayRef<int64_t> tile = config.getTile();
  int64_t bm = tile[0], bn = tile[1], bk = tile[2];
  int64_t threads = config.getThreads(), waves = threads / 64;
  int64_t waveRows = schedule::getWarpRows(waves);
  int64_t waveCols = waves / waveRows;
  int64_t wm = bm / waveRows, wn = bn / waveCols;
  int64_t fragsM = wm / 16, fragsN = wn / 16;
  int64_t lda = bk + kPad, ldb = bn + kPad;
  bool tl = matmul.getTransposeLhs(), tr = matmul.getTransposeRhs();
  auto c = [&](OpBuilder &ob, int64_t v) { return indexConstant(ob, loc, v); };
  auto add = [&](OpBuilder &ob, Value x, Value y) {
    return arith::AddIOp::create(ob, loc, x, y).getResult();
  };
  auto mul = [&](OpBuilder &ob, Value x, Value y) {
    return arith::MulIOp::create(ob, loc, x, y).getResult();
  };
  auto mulc = [&](OpBuilder &ob, Value x, int64_t y) { return mul(ob, x, c(ob, y)); };
  auto divc = [&](OpBuilder &ob, Value x, int64_t y) {
    return arith::DivUIOp::create(ob, loc, x, c(ob, y)).getResult();
  };
  auto remc = [&](OpBuilder &ob, Value x, int64_t y) {
    return arith::RemUIOp::create(ob, loc, x, c(ob, y)).getResult();
  };
  auto ult = [&](OpBuilder &ob, Value x, Value y) {
    return arith::CmpIOp::create(ob, loc, arith::CmpIPredicate::ult, x, y)
        .getResult();
  };

  Value m = params[mParam], n = params[nParam], k = params[kParam];
  Value lhs = params[lhsParam], rhs = params[rhsParam];
  Type element = cast<MemRefType>(lhs.getType()).getElementType();
  auto workgroup = gpu::AddressSpaceAttr::get(b.getContext(),
                                              gpu::AddressSpace::Workgroup);
  Value sharedA = tile::AllocSharedOp::create(
      b, loc, MemRefType::get({bm * lda}, element, nullptr, workgroup));
  Value sharedB = tile::AllocSharedOp::create(
      b, loc, MemRefType::get({bk * ldb}, element, nullptr, workgroup));
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value lane = remc(b, tid, 64), wave = divc(b, tid, 64);
  Value waveRow = divc(b, wave, waveCols), waveCol = remc(b, wave, waveCols);
  SmallVector<Value> blockIds = matmulBlockIds(b, loc, m, n, bm, bn);
  Value bx = blockIds[0], by = blockIds[1], bz = blockIds[2];
  Value m0 = mulc(b, by, bm), n0 = mulc(b, bx, bn);
  auto batchBase = [&](Value operand, Value rows, Value cols) -> Value {
    if (cast<RankedTensorType>(operand.getType()).getRank() <= 2)
      return c(b, 0);
    return mul(b, bz, mul(b, rows, cols));
  };
  Value lhsBase = batchBase(matmul.getLhs(), m, k);
  Value rhsBase = batchBase(matmul.getRhs(), k, n);
  Value zero = zeroOf(b, loc, element);

  auto accType = VectorType::get({4}, b.getF32Type());
  auto fragType = VectorType::get({4}, element);
  SmallVector<Value> inits(fragsM * fragsN, zeroOf(b, loc, accType));
  Value numK = arith::CeilDivUIOp::create(b, loc, k, c(b, bk));
  Value quad = mulc(b, divc(b, lane, 16), 4), lane16 = remc(b, lane, 16);
  // Copies the rows x cols block tile at (row0, col0) of a matrixRows x
  // matrixCols operand (stored transposed if `transposed`) into LDS,
  // row-major with leading dimension `ld`; zeros past the matrix.
  auto stage = [&](OpBuilder &lb, Location l, Value global, Value base,
                   Value shared, int64_t rows, int64_t cols, int64_t ld,
                   Value row0, Value col0, Value matrixRows,
                   Value matrixCols, bool transposed) {
    for (int64_t e = 0; e < rows * cols / threads; ++e) {
      Value index = add(lb, tid, c(lb, e * threads));
      Value r = divc(lb, index, cols), col = remc(lb, index, cols);
      Value row = add(lb, row0, r), column = add(lb, col0, col);
      Value offset = transposed ? add(lb, mul(lb, column, matrixRows), row)
                                : add(lb, mul(lb, row, matrixCols), column);
      Value mask = arith::AndIOp::create(lb, l, ult(lb, row, matrixRows),
                                         ult(lb, column, matrixCols));
      Value x = tile::LoadOp::create(lb, l, global, add(lb, base, offset),
                                     mask, zero);
      tile::StoreOp::create(lb, l, x, shared,
                            add(lb, mulc(lb, r, ld), col), Value());
    }
  };
  auto loop = scf::ForOp::create(
      b, loc, c(b, 0), numK, c(b, 1), inits,
      [&](OpBuilder &lb, Location l, Value kt, ValueRange carried) {
        Value k0 = mulc(lb, kt, bk);
        stage(lb, l, lhs, lhsBase, sharedA, bm, bk, lda, m0, k0, m, k, tl);
        stage(lb, l, rhs, rhsBase, sharedB, bk, bn, ldb, k0, n0, k, n, tr);
        tile::BarrierOp::create(lb, l);
        SmallVector<Value> accs(carried.begin(), carried.end());
        for (int64_t ks = 0; ks < bk / 16; ++ks) {
          auto gather = [&](Value buffer, Value first, int64_t stride) {
            SmallVector<Value> parts;
            for (int64_t t = 0; t < 4; ++t)
              parts.push_back(tile::LoadOp::create(
                  lb, l, buffer, add(lb, first, c(lb, t * stride)), Value(),
                  Value()));
            return vector::FromElementsOp::create(lb, l, fragType, parts)
                .getResult();
          };
          SmallVector<Value> a, bf;
          for (int64_t i = 0; i < fragsM; ++i) {
            Value row = add(lb, mulc(lb, waveRow, wm), add(lb, c(lb, i * 16), lane16));
            a.push_back(gather(sharedA,
                               add(lb, mulc(lb, row, lda),
                                   add(lb, c(lb, ks * 16), quad)),
                               1));
          }
          for (int64_t j = 0; j < fragsN; ++j) {
            Value col = add(lb, mulc(lb, waveCol, wn), add(lb, c(lb, j * 16), lane16));
            bf.push_back(gather(
                sharedB,
                add(lb, mulc(lb, add(lb, c(lb, ks * 16), quad), ldb), col),
                ldb));
          }
          for (int64_t i = 0; i < fragsM; ++i)
            for (int64_t j = 0; j < fragsN; ++j) {
              Value &acc = accs[i * fragsN + j];
              acc = amdgpu::MFMAOp::create(lb, l, accType, /*m=*/16, /*n=*/16,
                                           /*k=*/16, /*blocks=*/1, a[i],
                                           bf[j], acc);
            }
        }
        tile::BarrierOp::create(lb, l);
        scf::YieldOp::create(lb, l, accs);
      });

  for (int64_t i = 0; i < fragsM; ++i)
    for (int64_t j = 0; j < fragsN; ++j)
      for (int64_t t = 0; t < 4; ++t) {
        Value value = vector::ExtractOp::create(
            b, loc, loop.getResult(i * fragsN + j), ArrayRef<int64_t>{t});
        Value row = add(b, add(b, m0, mulc(b, waveRow, wm)),
                        add(b, c(b, i * 16 + t), quad));
        Value col = add(b, add(b, n0, mulc(b, waveCol, wn)),
                        add(b, c(b, j * 16), lane16));
        if (failed(epilogue(b, params, bz, row, col,
                            buildStorageScalar(matmul, b, loc, value,
                                               resultElement))))
          return failure();
      }
  return success();
}

} // namespace mlir::tessera::schedule_to_tile
