//===- MatmulWgmma.cpp - Hopper matmul kernels (TMA, mbarrier, wgmma) -----===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// The block program of a wgmma matmul kernel (sm_90a): box copies through
// tensor maps into swizzled shared buffers, completing on mbarriers, a
// wgmma dot, a loop that tessera-tile-pipeline makes a ring of stages; and
// the mma_sync block program where the tensor maps could not be encoded.
// Tile->Target issues TMA, the mbarrier protocol and wgmma.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Dialect/Tile/IR/TileOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

//===----------------------------------------------------------------------===//
// Hopper matmul kernels: TMA, mbarriers and wgmma
//===----------------------------------------------------------------------===//

nvgpu::TensorMapDescriptorType WgmmaMatmul::mapType(MLIRContext *ctx,
                                                    ArrayRef<int64_t> box,
                                                    Type element) {
  auto workgroup =
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  return nvgpu::TensorMapDescriptorType::get(
      ctx, MemRefType::get(box, element, nullptr, workgroup),
      nvgpu::TensorMapSwizzleKind::SWIZZLE_128B,
      nvgpu::TensorMapL2PromoKind::L2PROMO_NONE,
      nvgpu::TensorMapOOBKind::OOB_ZERO,
      nvgpu::TensorMapInterleaveKind::INTERLEAVE_NONE);
}

nvgpu::TensorMapDescriptorType
WgmmaMatmul::lhsMapType(schedule::ConfigAttr config, Type element) {
  // One warpgroup's 64 rows per warpgroup: the rows of one dot.
  return mapType(element.getContext(), {1, 64 * (config.getWarps() / 4), kBoxK},
                 element);
}

nvgpu::TensorMapDescriptorType WgmmaMatmul::rhsMapType(Type element) {
  return mapType(element.getContext(), {kBoxK, kBoxK}, element);
}

LogicalResult WgmmaMatmul::build(OpBuilder &b, Location loc, ValueRange params,
                                 function_ref<LogicalResult(OpBuilder &)>
                                     fallback,
                                 const TileEpilogue &epilogue,
                                 const SplitK &split) {
  auto isSet = [&](unsigned param) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                 params[param], indexConstant(b, loc, 0))
        .getResult();
  };
  Value useTma = arith::AndIOp::create(b, loc, isSet(lhsValidParam),
                                       isSet(rhsValidParam));
  auto branches = scf::IfOp::create(b, loc, TypeRange(), useTma,
                                    /*withElseRegion=*/true);
  OpBuilder eb = OpBuilder::atBlockBegin(&branches.getElseRegion().front());
  if (failed(fallback(eb)))
    return failure();
  OpBuilder tb = OpBuilder::atBlockBegin(&branches.getThenRegion().front());
  return buildTma(tb, loc, params, epilogue, split);
}

LogicalResult WgmmaMatmul::buildTma(OpBuilder &b, Location loc,
                                    ValueRange params,
                                    const TileEpilogue &epilogue,
                                    const SplitK &split) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> tile = config.getTile();
  int64_t bm = tile[0], bn = tile[1], warps = config.getWarps();
  Type element = getElementTypeOrSelf(matmul.getLhs().getType());
  auto c = [&](OpBuilder &ob, int64_t v) { return indexConstant(ob, loc, v); };
  auto mul = [&](OpBuilder &ob, Value x, Value y) {
    return arith::MulIOp::create(ob, loc, x, y).getResult();
  };
  Value m = params[epilogue.mParam], n = params[epilogue.nParam];
  Value k = params[kParam];
  MatmulBlock block(b, loc, m, n, bm, bn, config, split, params,
                    epilogue.batchParams);
  Value bz = block.batchEntry, m0 = block.row0, n0 = block.col0;

  // The operands as the tensor maps see them: the lhs [batch, M, K] (a
  // batch of one for a 2-d lhs), the rhs [K, N].
  bool batched = cast<RankedTensorType>(matmul.getLhs().getType()).getRank() > 2;
  Value batch = c(b, 1);
  if (batched)
    for (unsigned p : epilogue.batchParams)
      batch = mul(b, batch, params[p]);
  Value lhs = stridedView(b, loc, params[lhsParam], c(b, 0), {batch, m, k},
                          {mul(b, m, k), k, c(b, 1)});
  Value rhs = stridedView(b, loc, params[rhsParam], c(b, 0), {k, n},
                          {n, c(b, 1)});
  Value lhsMap = params[lhsMapParam], rhsMap = params[rhsMapParam];

  // The block's rows in bands of 64 per warpgroup, one dot (and one lhs
  // box) per band: a wgmma covers 64 rows of one warpgroup.
  int64_t bandRows = 64 * (warps / 4), bands = bm / bandRows;
  auto swizzled = tile::SmemLayoutAttr::get(ctx, /*swizzle=*/128, /*pad=*/0);
  auto lhsBox = tile::SmemType::get({bandRows, kBoxK}, element, swizzled);
  auto rhsBox = tile::SmemType::get({kBoxK, bn}, element, swizzled);
  auto mma = tile::MmaAttr::get(ctx, tile::MmaKind::wgmma, 64, bn, 16);
  auto accType = RankedTensorType::get(
      {bandRows, bn}, b.getF32Type(),
      tile::MmaAccEncodingAttr::get(ctx, mma, {warps, 1}));
  Value numK = arith::CeilDivUIOp::create(b, loc, k, c(b, kBoxK));
  Value firstK = c(b, 0), endK = numK;
  if (split.enabled())
    std::tie(firstK, endK) = split.steps(b, loc, block.slice, numK);
  Value lhsBatch = batched ? bz : c(b, 0);
  auto bandRow = [&](OpBuilder &ob, int64_t band) {
    return arith::AddIOp::create(ob, loc, m0, c(ob, band * bandRows))
        .getResult();
  };

  // acc[band] += A[band's rows, k0:k0+64] * B[k0:, n0:n0+BN] per 64-deep
  // slice of K; the slice's copies all arrive on its barrier.
  SmallVector<Value> inits(bands, zeroOf(b, loc, accType));
  auto loop = scf::ForOp::create(
      b, loc, firstK, endK, c(b, 1), inits,
      [&](OpBuilder &fb, Location l, Value kt, ValueRange carried) {
        Value k0 = mul(fb, kt, c(fb, kBoxK));
        SmallVector<Value> as;
        for (int64_t band = 0; band < bands; ++band)
          as.push_back(
              tile::LocalAllocOp::create(fb, l, lhsBox, IntegerAttr()));
        Value bt = tile::LocalAllocOp::create(fb, l, rhsBox, IntegerAttr());
        Value landed = tile::MbarrierAllocOp::create(
            fb, l, tile::MbarrierType::get(ctx, 1), /*arrivals=*/bands + 1,
            IntegerAttr());
        Value first = c(fb, 0);
        for (int64_t band = 0; band < bands; ++band)
          tile::BoxCopyOp::create(fb, l, Type(), lhs,
                                  ValueRange{lhsBatch, bandRow(fb, band), k0},
                                  as[band], lhsMap, landed, first, Value(),
                                  false);
        tile::BoxCopyOp::create(fb, l, Type(), rhs, ValueRange{k0, n0}, bt,
                                rhsMap, landed, first, Value(), false);
        tile::MbarrierWaitOp::create(
            fb, l, landed, first,
            arith::ConstantIntOp::create(fb, l, fb.getI1Type(), 0));
        SmallVector<Value> next;
        for (int64_t band = 0; band < bands; ++band)
          next.push_back(tile::DotOp::create(fb, l, accType, as[band], bt,
                                             carried[band], mma));
        scf::YieldOp::create(fb, l, next);
      });
  loop->setAttr(tile::TileDialect::getStagesAttrName(),
                b.getI64IntegerAttr(config.getStages()));

  // Each band's accumulator, row-major through shared memory (rows padded
  // by 8 floats against bank conflicts), then the epilogue a row per warp
  // at a time, consecutive lanes on consecutive columns (a loop: the fused
  // ops' code stays one row's). (A local_store is the block's: it follows
  // every thread's reads of the ring, which the buffer may reuse, and of the
  // previous band's buffer.)
  auto staging = tile::SmemType::get(
      {bandRows, bn}, b.getF32Type(),
      tile::SmemLayoutAttr::get(ctx, 0, /*pad=*/8));
  auto rowMajor = RankedTensorType::get(
      {warps, bn}, b.getF32Type(),
      tile::BlockedEncodingAttr::get(ctx, {warps, 1}, {1, 32}, {1, 1}));
  for (int64_t band = 0; band < bands; ++band) {
    Value buffer = tile::LocalAllocOp::create(b, loc, staging, IntegerAttr());
    tile::LocalStoreOp::create(b, loc, loop.getResult(band), buffer);
    LogicalResult result = success();
    scf::ForOp::create(
        b, loc, c(b, 0), c(b, bandRows), c(b, warps), ValueRange(),
        [&](OpBuilder &eb, Location l, Value r, ValueRange) {
          Value rows = tile::LocalLoadOp::create(eb, l, rowMajor, buffer,
                                                 ValueRange{r, c(eb, 0)});
          Value row0 = arith::AddIOp::create(eb, l, bandRow(eb, band), r);
          if (split.enabled())
            split.store(eb, l, params, rows, block.gridZ, m, n, row0, n0);
          else
            result = epilogue.emit(eb, l, params, rows, bz, row0, n0);
          scf::YieldOp::create(eb, l);
        });
    if (failed(result))
      return failure();
  }
  return success();
}

} // namespace mlir::tessera::schedule_to_tile
