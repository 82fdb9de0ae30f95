//===- MatmulWgmma.cpp - Hopper matmul kernels (TMA, mbarrier, wgmma) -----===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// The body of a wgmma matmul kernel (sm_90a): TMA copies into a ring of
// swizzled shared tiles completing on mbarriers, wgmma on the ring, and the
// in-kernel mma.sync fallback when the tensor maps could not be encoded.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

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
  return mapType(element.getContext(), {1, config.getTile()[0], kBoxK},
                 element);
}

nvgpu::TensorMapDescriptorType WgmmaMatmul::rhsMapType(Type element) {
  return mapType(element.getContext(), {kBoxK, kBoxK}, element);
}

int64_t WgmmaMatmul::tmaSharedBytes(schedule::ConfigAttr config,
                                    Type element) {
  ArrayRef<int64_t> tile = config.getTile();
  int64_t bytes = element.getIntOrFloatBitWidth() / 8;
  // The TMA ring (lhs and rhs boxes per stage), reused for the f32
  // accumulator tile (rows padded by 8) in the epilogue; the slack aligns it
  // to the swizzle's period.
  int64_t ring = config.getStages() * (tile[0] + tile[1]) * tile[2] * bytes;
  return std::max(ring, tile[0] * (tile[1] + 8) * 4) + kSwizzleAlign;
}

LogicalResult WgmmaMatmul::build(OpBuilder &b, Location loc, ValueRange params,
                                 Type resultElement,
                                 function_ref<LogicalResult(OpBuilder &)>
                                     fallback,
                                 ScalarEpilogue epilogue) {
  MLIRContext *ctx = b.getContext();
  auto workgroup =
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  auto c = [&](OpBuilder &ob, int64_t v) { return indexConstant(ob, loc, v); };
  auto isSet = [&](unsigned param) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                 params[param], c(b, 0))
        .getResult();
  };
  Value useTma = arith::AndIOp::create(b, loc, isSet(lhsValidParam),
                                       isSet(rhsValidParam));
  auto branches = scf::IfOp::create(b, loc, TypeRange(), useTma,
                                    /*withElseRegion=*/true);
  // The fallback: the mma_sync block program, whose buffers the allocator
  // places over the same bytes as the TMA path's (the branches exclude
  // each other).
  OpBuilder eb = OpBuilder::atBlockBegin(&branches.getElseRegion().front());
  if (failed(fallback(eb)))
    return failure();

  // The TMA path's shared buffer, aligned at run time to the swizzle's
  // 1024-byte period (the buffer has that much slack).
  OpBuilder tb = OpBuilder::atBlockBegin(&branches.getThenRegion().front());
  Value smem = tile::AllocSharedOp::create(
      tb, loc,
      MemRefType::get({sharedBytes}, tb.getI8Type(), nullptr, workgroup));
  Value address =
      memref::ExtractAlignedPointerAsIndexOp::create(tb, loc, smem);
  Value base = arith::RemUIOp::create(
      tb, loc,
      arith::SubIOp::create(
          tb, loc, c(tb, kSwizzleAlign),
          arith::RemUIOp::create(tb, loc, address, c(tb, kSwizzleAlign))),
      c(tb, kSwizzleAlign));
  return buildTma(tb, loc, params, resultElement, epilogue, smem, base);
}

LogicalResult WgmmaMatmul::buildTma(OpBuilder &b, Location loc,
                                    ValueRange params, Type resultElement,
                                    ScalarEpilogue epilogue, Value smem,
                                    Value base) {
  MLIRContext *ctx = b.getContext();
  auto workgroup =
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  ArrayRef<int64_t> tile = config.getTile();
  int64_t bm = tile[0], bn = tile[1], stages = config.getStages();
  int64_t groups = config.getWarps() / 4, wm = bm / groups;
  int64_t threads = config.getThreads();
  Type element = getElementTypeOrSelf(matmul.getLhs().getType());
  int64_t elementBytes = element.getIntOrFloatBitWidth() / 8;
  int64_t rowBytes = kBoxK * elementBytes;
  int64_t lhsBoxBytes = bm * rowBytes, rhsBoxBytes = kBoxK * rowBytes;
  int64_t stageBytes = lhsBoxBytes + bn / kBoxK * rhsBoxBytes;
  auto c = [&](OpBuilder &ob, int64_t v) { return indexConstant(ob, loc, v); };
  auto add = [&](OpBuilder &ob, Value x, Value y) {
    return arith::AddIOp::create(ob, loc, x, y).getResult();
  };
  auto mulc = [&](OpBuilder &ob, Value x, int64_t y) {
    return arith::MulIOp::create(ob, loc, x, c(ob, y)).getResult();
  };
  auto view = [&](OpBuilder &ob, Value byteOffset, MemRefType type) {
    return memref::ViewOp::create(ob, loc, type, smem,
                                  add(ob, base, byteOffset), ValueRange())
        .getResult();
  };
  auto shared = [&](ArrayRef<int64_t> shape, Type type) {
    return MemRefType::get(shape, type, nullptr, workgroup);
  };

  Value m = params[mParam], n = params[nParam], k = params[kParam];
  Value lhsMap = params[lhsMapParam], rhsMap = params[rhsMapParam];
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  SmallVector<Value> blockIds = matmulBlockIds(b, loc, m, n, bm, bn);
  Value bx = blockIds[0], by = blockIds[1], bz = blockIds[2];
  Value m0 = mulc(b, by, bm), n0 = mulc(b, bx, bn);
  Value warpgroup = arith::DivUIOp::create(b, loc, tid, c(b, 128));
  Value leader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                       tid, c(b, 0));
  auto barriers = nvgpu::MBarrierCreateOp::create(
      b, loc, nvgpu::MBarrierGroupType::get(ctx, workgroup, stages));
  scf::IfOp::create(b, loc, leader, [&](OpBuilder &ib, Location l) {
    for (int64_t s = 0; s < stages; ++s)
      nvgpu::MBarrierInitOp::create(ib, l, barriers, c(ib, 1), c(ib, s),
                                    Value());
    // The initialised barriers are visible to the async proxy (TMA's
    // complete_tx); the maps, written to global memory by a host copy,
    // are acquired by the tensormap proxy before their first use.
    NVVM::FenceProxyOp::create(
        ib, l, NVVM::ProxyKindAttr::get(ctx, NVVM::ProxyKind::async_shared),
        NVVM::SharedSpaceAttr::get(ctx, NVVM::SharedSpace::shared_cta));
    for (Value map : {lhsMap, rhsMap}) {
      nvgpu::TmaFenceOp::create(ib, l, map);
      nvgpu::TmaPrefetchOp::create(ib, l, map, Value());
    }
    scf::YieldOp::create(ib, l);
  });
  tile::BarrierOp::create(b, loc);

  Value numK = arith::CeilDivUIOp::create(b, loc, k, c(b, kBoxK));
  MemRefType lhsBox = shared({1, bm, kBoxK}, element);
  MemRefType rhsBox = shared({kBoxK, kBoxK}, element);
  // The leader starts the copies of k-slice `kt` into ring slot `stage`
  // if the slice exists.
  auto issue = [&](OpBuilder &ob, Value stage, Value kt) {
    Value inRange = arith::AndIOp::create(
        ob, loc, leader,
        arith::CmpIOp::create(ob, loc, arith::CmpIPredicate::ult, kt, numK));
    scf::IfOp::create(ob, loc, inRange, [&](OpBuilder &ib, Location l) {
      Value k0 = mulc(ib, kt, kBoxK);
      Value stageBase = mulc(ib, stage, stageBytes);
      nvgpu::MBarrierArriveExpectTxOp::create(ib, l, barriers,
                                              c(ib, stageBytes), stage,
                                              Value());
      nvgpu::TmaAsyncLoadOp::create(ib, l, view(ib, stageBase, lhsBox),
                                    barriers, lhsMap,
                                    ValueRange{k0, m0, bz}, stage, Value(),
                                    Value());
      for (int64_t h = 0; h < bn / kBoxK; ++h)
        nvgpu::TmaAsyncLoadOp::create(
            ib, l,
            view(ib, add(ib, stageBase, c(ib, lhsBoxBytes + h * rhsBoxBytes)),
                 rhsBox),
            barriers, rhsMap, ValueRange{add(ib, n0, c(ib, h * kBoxK)), k0},
            stage, Value(), Value());
      scf::YieldOp::create(ib, l);
    });
  };
  for (int64_t s = 0; s + 1 < stages; ++s)
    issue(b, c(b, s), c(b, s));

  auto accType = nvgpu::WarpgroupAccumulatorType::get(
      ctx, VectorType::get({wm, bn}, b.getF32Type()));
  MemRefType lhsTile = shared({wm, kBoxK}, element);
  MemRefType rhsTile = shared({kBoxK, bn}, element);
  Value init = nvgpu::WarpgroupMmaInitAccumulatorOp::create(b, loc, accType);
  auto loop = scf::ForOp::create(
      b, loc, c(b, 0), numK, c(b, 1), ValueRange{init},
      [&](OpBuilder &lb, Location l, Value kt, ValueRange carried) {
        Value stage = arith::RemUIOp::create(lb, l, kt, c(lb, stages));
        Value round = arith::DivUIOp::create(lb, l, kt, c(lb, stages));
        Value parity = arith::CmpIOp::create(
            lb, l, arith::CmpIPredicate::ne,
            arith::RemUIOp::create(lb, l, round, c(lb, 2)), c(lb, 0));
        nvgpu::MBarrierTryWaitParityOp::create(lb, l, barriers, parity,
                                               c(lb, 10000000), stage);
        Value stageBase = mulc(lb, stage, stageBytes);
        Value lhsAt =
            add(lb, stageBase, mulc(lb, warpgroup, wm * rowBytes));
        Value rhsAt = add(lb, stageBase, c(lb, lhsBoxBytes));
        Value lhsDesc = nvgpu::WarpgroupGenerateDescriptorOp::create(
            lb, l, nvgpu::WarpgroupMatrixDescriptorType::get(ctx, lhsTile),
            view(lb, lhsAt, lhsTile), lhsMap);
        Value rhsDesc = nvgpu::WarpgroupGenerateDescriptorOp::create(
            lb, l, nvgpu::WarpgroupMatrixDescriptorType::get(ctx, rhsTile),
            view(lb, rhsAt, rhsTile), rhsMap);
        // Waits for the previous k-slice's wgmma (wait group 1), so that
        // after the barrier its ring slot can be refilled.
        Value acc = nvgpu::WarpgroupMmaOp::create(
            lb, l, accType, lhsDesc, rhsDesc, /*waitGroup=*/uint64_t(1),
            /*transposeA=*/UnitAttr(), /*transposeB=*/lb.getUnitAttr(),
            carried[0]);
        tile::BarrierOp::create(lb, l);
        Value next = add(lb, kt, c(lb, stages - 1));
        issue(lb, arith::RemUIOp::create(lb, l, next, c(lb, stages)), next);
        scf::YieldOp::create(lb, l, acc);
      });
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
  tile::BarrierOp::create(b, loc);

  // The accumulators, row-major in the (now idle) ring (rows padded by 8
  // floats against bank conflicts), then the epilogue: consecutive threads
  // take consecutive columns. Registers are read from the accumulator's
  // LLVM struct (one m64 block after another, BN / 2 floats each) in
  // wgmma's fragment layout: thread t of warp w of the warpgroup holds
  // rows 16w + t/4 (+8) and columns 8j + 2(t%4) (+1).
  Type f32 = b.getF32Type();
  int64_t ld = bn + 8;
  auto block = LLVM::LLVMStructType::getLiteral(
      ctx, SmallVector<Type>(bn / 2, f32));
  auto blocks = LLVM::LLVMStructType::getLiteral(
      ctx, SmallVector<Type>(wm / 64, block));
  Value registers =
      UnrealizedConversionCastOp::create(b, loc, blocks, loop.getResult(0))
          .getResult(0);
  Value accs = view(b, c(b, 0), shared({bm * ld}, f32));
  Value lane = arith::RemUIOp::create(b, loc, tid, c(b, 32));
  Value warp = arith::RemUIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, tid, c(b, 32)), c(b, 4));
  Value fragRow = add(b, add(b, mulc(b, warpgroup, wm), mulc(b, warp, 16)),
                      arith::DivUIOp::create(b, loc, lane, c(b, 4)));
  Value fragCol = mulc(b, arith::RemUIOp::create(b, loc, lane, c(b, 4)), 2);
  for (int64_t mi = 0; mi < wm / 64; ++mi)
    for (int64_t j = 0; j < bn / 8; ++j)
      for (int64_t i = 0; i < 2; ++i)
        for (int64_t e = 0; e < 2; ++e) {
          Value value = LLVM::ExtractValueOp::create(
              b, loc, registers, ArrayRef<int64_t>{mi, j * 4 + i * 2 + e});
          Value row = add(b, fragRow, c(b, mi * 64 + i * 8));
          Value col = add(b, fragCol, c(b, j * 8 + e));
          tile::StoreOp::create(b, loc, value, accs,
                                add(b, mulc(b, row, ld), col), Value());
        }
  tile::BarrierOp::create(b, loc);
  LogicalResult result = success();
  scf::ForOp::create(
      b, loc, c(b, 0), c(b, bm * bn / threads), c(b, 1), ValueRange(),
      [&](OpBuilder &lb, Location l, Value i, ValueRange) {
        Value index = add(lb, mulc(lb, i, threads), tid);
        Value r = arith::DivUIOp::create(lb, l, index, c(lb, bn));
        Value col = arith::RemUIOp::create(lb, l, index, c(lb, bn));
        Value value = tile::LoadOp::create(
            lb, l, accs, add(lb, mulc(lb, r, ld), col), Value(), Value());
        if (failed(epilogue(lb, params, bz, add(lb, m0, r),
                            add(lb, n0, col),
                            buildStorageScalar(matmul, lb, l, value,
                                               resultElement))))
          result = failure();
        scf::YieldOp::create(lb, l);
      });
  return result;
}

} // namespace mlir::tessera::schedule_to_tile
