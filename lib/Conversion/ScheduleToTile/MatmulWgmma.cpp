//===- MatmulWgmma.cpp - Hopper matmul kernels (TMA, mbarrier, wgmma) -----===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// The block program of a wgmma matmul kernel (sm_90a): box copies through
// tensor maps into swizzled shared buffers, completing on mbarriers, a
// wgmma dot, a loop that tessera-tile-pipeline makes a ring of stages; and
// the SIMT block program where the tensor maps could not be encoded.
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
  return mapType(element.getContext(), {1, 64 * (config.getWarps() / 4), boxK(element)},
                 element);
}

nvgpu::TensorMapDescriptorType
WgmmaMatmul::rhsMapType(schedule::ConfigAttr config, Type element,
                        bool transposed) {
  // [K, N]: 64 rows of K by one 128-byte column block (a [64, BN] box is
  // BN / 64 copies); [N, K] (transposed): the box's BN rows of N by the
  // slice's 64 columns of K, one copy.
  if (transposed)
    return mapType(element.getContext(), {config.getTile()[1], boxK(element)},
                   element);
  return mapType(element.getContext(), {boxK(element), boxK(element)}, element);
}

/// Each band's accumulator, row-major through shared memory (rows padded
/// by 8 floats against bank conflicts), then the epilogue (or a split's
/// partial store) a row per warp at a time, consecutive lanes on
/// consecutive columns (a loop: the fused ops' code stays one row's;
/// operands the same for every row are loaded before it, the others an
/// iteration ahead, carried by the loop, so that their latency overlaps
/// the previous rows' work). (A
/// local_store is the block's: it follows every thread's reads of the
/// ring, which the buffer may reuse, and of the previous band's buffer.)
static LogicalResult
emitBandEpilogues(OpBuilder &b, Location loc, ValueRange params,
                  ValueRange accs, schedule::ConfigAttr config, int64_t bn,
                  int64_t bandRows, Value m0, Value n0, Value bz,
                  const SplitK &split, Value gridZ,
                  const TileEpilogue &epilogue) {
  MLIRContext *ctx = b.getContext();
  int64_t warps = config.getWarps();
  auto c = [&](OpBuilder &ob, int64_t v) { return indexConstant(ob, loc, v); };
  Value m = params[epilogue.mParam], n = params[epilogue.nParam];
  auto staging = tile::SmemType::get(
      {bandRows, bn}, b.getF32Type(),
      tile::SmemLayoutAttr::get(ctx, 0, /*pad=*/8));
  auto rowMajor = RankedTensorType::get(
      {warps, bn}, b.getF32Type(),
      tile::BlockedEncodingAttr::get(ctx, {warps, 1}, {1, 32}, {1, 1}));
  // Operands the same for every row (a bias, column scales), loaded once
  // for all bands and rows.
  SmallVector<Value> invariant =
      epilogue.loadRowInvariant(b, loc, params, rowMajor, bz, n0);
  for (auto [index, acc] : llvm::enumerate(accs)) {
    int64_t band = index;
    Value buffer = tile::LocalAllocOp::create(b, loc, staging, IntegerAttr());
    tile::LocalStoreOp::create(b, loc, acc, buffer);
    LogicalResult result = success();
    auto rowAt = [&](OpBuilder &ob, Value r) {
      return arith::AddIOp::create(
                 ob, loc,
                 arith::AddIOp::create(ob, loc, m0, c(ob, band * bandRows)), r)
          .getResult();
    };
    // The row-varying operands of the loop's rows, a step ahead (the last
    // step's reads rows past the band: in bounds or masked, unused).
    auto varying = [&](OpBuilder &ob, Value r) {
      SmallVector<Value> loaded;
      for (Value v : epilogue.loadRowVarying(ob, loc, params, rowMajor, bz,
                                             rowAt(ob, r), n0))
        if (v)
          loaded.push_back(v);
      return loaded;
    };
    scf::ForOp::create(
        b, loc, c(b, 0), c(b, bandRows), c(b, warps), varying(b, c(b, 0)),
        [&](OpBuilder &eb, Location l, Value r, ValueRange carried) {
          SmallVector<Value> next =
              varying(eb, arith::AddIOp::create(eb, l, r, c(eb, warps)));
          // Every operand's tile: the invariant ones, then the carried.
          SmallVector<Value> operands(invariant);
          auto it = carried.begin();
          for (Value &operand : operands)
            if (!operand)
              operand = *it++;
          Value rows = tile::LocalLoadOp::create(eb, l, rowMajor, buffer,
                                                 ValueRange{r, c(eb, 0)});
          Value row0 = rowAt(eb, r);
          result = split.finish(eb, l, params, rows, gridZ, m, n, row0, n0,
                                [&](OpBuilder &fb) {
                                  return epilogue.emit(fb, l, params, rows, bz,
                                                       row0, n0, operands);
                                });
          scf::YieldOp::create(eb, l, next);
        });
    if (failed(result))
      return failure();
  }
  return success();
}

LogicalResult WgmmaMatmul::build(OpBuilder &b, Location loc, ValueRange params,
                                 function_ref<LogicalResult(OpBuilder &)>
                                     fallback,
                                 const TileEpilogue &epilogue,
                                 const SplitK &split) {
  Value useTma = mapsValid(b, loc, params);
  auto branches = scf::IfOp::create(b, loc, TypeRange(), useTma,
                                    /*withElseRegion=*/true);
  OpBuilder eb = OpBuilder::atBlockBegin(&branches.getElseRegion().front());
  if (failed(fallback(eb)))
    return failure();
  OpBuilder tb = OpBuilder::atBlockBegin(&branches.getThenRegion().front());
  return buildTma(tb, loc, params, epilogue, split);
}

bool WgmmaMatmul::transposedRhs() const {
  return const_cast<graph::MatmulOp &>(matmul).getTransposeRhs();
}

tile::SmemType WgmmaMatmul::rhsBoxType(int64_t bn, Type element) const {
  // [64, BN] of K rows; transposed, [BN, 64] of the rhs's rows (K-major):
  // the dot reads it through a `trans` view.
  auto swizzled = tile::SmemLayoutAttr::get(element.getContext(),
                                            /*swizzle=*/128, /*pad=*/0);
  if (transposedRhs())
    return tile::SmemType::get({bn, boxK(element)}, element, swizzled);
  return tile::SmemType::get({boxK(element), bn}, element, swizzled);
}

SmallVector<Value> WgmmaMatmul::rhsAt(Value k0, Value n0) const {
  if (transposedRhs())
    return {n0, k0};
  return {k0, n0};
}

Value WgmmaMatmul::rhsOperand(OpBuilder &b, Location loc, Value box) const {
  if (transposedRhs())
    return tile::TransOp::create(b, loc, box);
  return box;
}

bool WgmmaMatmul::isBatched() const {
  return cast<RankedTensorType>(
             const_cast<graph::MatmulOp &>(matmul).getLhs().getType())
             .getRank() > 2;
}

std::pair<Value, Value>
WgmmaMatmul::operandViews(OpBuilder &b, Location loc, ValueRange params,
                          const TileEpilogue &epilogue) const {
  // The operands as the tensor maps see them: the lhs [batch, M, K] (a
  // batch of one for a 2-d lhs), the rhs [K, N], or [N, K] transposed.
  auto c = [&](int64_t v) { return indexConstant(b, loc, v); };
  auto mul = [&](Value x, Value y) {
    return arith::MulIOp::create(b, loc, x, y).getResult();
  };
  Value m = params[epilogue.mParam], n = params[epilogue.nParam],
        k = params[kParam];
  Value batch = c(1);
  if (isBatched())
    for (unsigned p : epilogue.batchParams)
      batch = mul(batch, params[p]);
  Value lhs = stridedView(b, loc, params[lhsParam], c(0), {batch, m, k},
                          {mul(m, k), k, c(1)});
  Value rhs = transposedRhs()
                  ? stridedView(b, loc, params[rhsParam], c(0), {n, k},
                                {k, c(1)})
                  : stridedView(b, loc, params[rhsParam], c(0), {k, n},
                                {n, c(1)});
  return {lhs, rhs};
}

Value WgmmaMatmul::mapsValid(OpBuilder &b, Location loc,
                             ValueRange params) const {
  auto isSet = [&](unsigned param) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                 params[param], indexConstant(b, loc, 0))
        .getResult();
  };
  return arith::AndIOp::create(b, loc, isSet(lhsValidParam),
                               isSet(rhsValidParam));
}

LogicalResult WgmmaMatmul::buildTma(OpBuilder &b, Location loc,
                                    ValueRange params,
                                    const TileEpilogue &epilogue,
                                    const SplitK &split) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> tile = config.getTile();
  int64_t bm = tile[0], bn = tile[1], warps = config.getWarps();
  Type element = getElementTypeOrSelf(matmul.getLhs().getType());
  int64_t kBox = boxK(element); // K per slice: one 128-byte box row
  auto c = [&](OpBuilder &ob, int64_t v) { return indexConstant(ob, loc, v); };
  auto mul = [&](OpBuilder &ob, Value x, Value y) {
    return arith::MulIOp::create(ob, loc, x, y).getResult();
  };
  Value m = params[epilogue.mParam], n = params[epilogue.nParam];
  Value k = params[kParam];
  MatmulBlock block(b, loc, m, n, bm, bn, config, split, params,
                    epilogue.batchParams);
  Value bz = block.batchEntry, m0 = block.row0, n0 = block.col0;

  auto [lhs, rhs] = operandViews(b, loc, params, epilogue);
  bool batched = isBatched();
  Value lhsMap = params[lhsMapParam], rhsMap = params[rhsMapParam];

  // The block's rows in bands of 64 per warpgroup, one dot (and one lhs
  // box) per band: a wgmma covers 64 rows of one warpgroup.
  int64_t bandRows = 64 * (warps / 4), bands = bm / bandRows;
  auto swizzled = tile::SmemLayoutAttr::get(ctx, /*swizzle=*/128, /*pad=*/0);
  auto lhsBox = tile::SmemType::get({bandRows, kBox}, element, swizzled);
  auto rhsBox = rhsBoxType(bn, element);
  auto mma = tile::MmaAttr::get(ctx, tile::MmaKind::wgmma, 64, bn, mmaK(element));
  auto accType = RankedTensorType::get(
      {bandRows, bn}, b.getF32Type(),
      tile::MmaAccEncodingAttr::get(ctx, mma, {warps, 1}));
  Value numK = arith::CeilDivUIOp::create(b, loc, k, c(b, kBox));
  Value firstK = c(b, 0), endK = numK;
  if (split.enabled())
    std::tie(firstK, endK) = split.steps(b, loc, params, block.slice, numK);
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
        Value k0 = mul(fb, kt, c(fb, kBox));
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
        tile::BoxCopyOp::create(fb, l, Type(), rhs, rhsAt(k0, n0), bt,
                                rhsMap, landed, first, Value(), false);
        tile::MbarrierWaitOp::create(
            fb, l, landed, first,
            arith::ConstantIntOp::create(fb, l, fb.getI1Type(), 0));
        SmallVector<Value> next;
        for (int64_t band = 0; band < bands; ++band)
          next.push_back(tile::DotOp::create(fb, l, accType, as[band],
                                             rhsOperand(fb, l, bt),
                                             carried[band], mma));
        scf::YieldOp::create(fb, l, next);
      });
  loop->setAttr(tile::TileDialect::getStagesAttrName(),
                b.getI64IntegerAttr(config.getStages()));

  return emitBandEpilogues(b, loc, params, loop.getResults(), config, bn,
                           bandRows, m0, n0, bz, split, block.gridZ, epilogue);
}

//===----------------------------------------------------------------------===//
// The warp-specialized kernel
//===----------------------------------------------------------------------===//

tile::WarpSpecializeOp
createWarpSpecialize(OpBuilder &b, Location loc, TypeRange results,
                     ValueRange captures, int32_t producerWarps,
                     int32_t consumerRegisters, int32_t producerRegisters) {
  OperationState state(loc, tile::WarpSpecializeOp::getOperationName());
  state.addOperands(captures);
  state.addTypes(results);
  state.addAttribute("partition_num_warps",
                     b.getDenseI32ArrayAttr({producerWarps}));
  state.addAttribute("partition_registers",
                     b.getDenseI32ArrayAttr({producerRegisters}));
  state.addAttribute("default_registers",
                     b.getI32IntegerAttr(consumerRegisters));
  state.addRegion()->push_back(new Block);
  Region *holder = state.addRegion();
  holder->push_back(new Block);
  OperationState partitions(loc, tile::WarpPartitionsOp::getOperationName());
  Region *partition = partitions.addRegion();
  Block *block = new Block;
  for (Value capture : captures)
    block->addArgument(capture.getType(), loc);
  partition->push_back(block);
  holder->front().push_back(Operation::create(partitions));
  return cast<tile::WarpSpecializeOp>(b.create(state));
}

LogicalResult WgmmaMatmul::buildWarpSpecialized(OpBuilder &b, Location loc,
                                                ValueRange params,
                                                const TileEpilogue &epilogue) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> tile = config.getTile();
  int64_t bm = tile[0], bn = tile[1], warps = config.getWarps();
  int64_t stages = config.getStages();
  Type element = getElementTypeOrSelf(matmul.getLhs().getType());
  int64_t kBox = boxK(element); // K per slice: one 128-byte box row
  auto c = [&](OpBuilder &ob, int64_t v) { return indexConstant(ob, loc, v); };
  auto mul = [&](OpBuilder &ob, Value x, Value y) {
    return arith::MulIOp::create(ob, loc, x, y).getResult();
  };
  auto rem = [&](OpBuilder &ob, Value x, int64_t y) {
    return arith::RemUIOp::create(ob, loc, x, c(ob, y)).getResult();
  };
  auto div = [&](OpBuilder &ob, Value x, int64_t y) {
    return arith::DivUIOp::create(ob, loc, x, c(ob, y)).getResult();
  };
  auto parity = [&](OpBuilder &ob, Value phase) {
    return arith::IndexCastOp::create(ob, loc, ob.getI1Type(), rem(ob, phase, 2))
        .getResult();
  };
  Value m = params[epilogue.mParam], n = params[epilogue.nParam];
  Value k = params[kParam];
  SplitK none{1};
  MatmulBlock block(b, loc, m, n, bm, bn, config, none, params,
                    epilogue.batchParams);
  Value bz = block.batchEntry, m0 = block.row0, n0 = block.col0;
  Value useTma = mapsValid(b, loc, params);

  auto [lhs, rhs] = operandViews(b, loc, params, epilogue);
  bool batched = isBatched();
  Value numK = arith::CeilDivUIOp::create(b, loc, k, c(b, kBox));
  Value lhsBatch = batched ? bz : c(b, 0);

  // The ring: per slot, a swizzled box of each band's rows of A and one of
  // B; `full[s]` completes when the slot's copies land (one arrival and
  // the bytes per copy), `empty[s]` when every consumer thread is done
  // with it.
  int64_t bandRows = 64 * (warps / 4), bands = bm / bandRows;
  auto swizzled = tile::SmemLayoutAttr::get(ctx, /*swizzle=*/128, /*pad=*/0);
  auto lhsBox = tile::SmemType::get({bandRows, kBox}, element, swizzled);
  auto rhsBox = rhsBoxType(bn, element);
  auto lhsRingType =
      tile::SmemType::get({stages, bandRows, kBox}, element, swizzled);
  SmallVector<int64_t> rhsRingShape{stages};
  llvm::append_range(rhsRingShape, rhsBox.getShape());
  auto rhsRingType = tile::SmemType::get(rhsRingShape, element, swizzled);
  auto barriersType = tile::MbarrierType::get(ctx, stages);
  SmallVector<Value> lhsRings;
  for (int64_t band = 0; band < bands; ++band)
    lhsRings.push_back(
        tile::LocalAllocOp::create(b, loc, lhsRingType, IntegerAttr()));
  Value rhsRing = tile::LocalAllocOp::create(b, loc, rhsRingType, IntegerAttr());
  Value full = tile::MbarrierAllocOp::create(b, loc, barriersType, bands + 1,
                                             IntegerAttr());
  // (One arrival per thread: one per warp, a bar.warp.sync in the
  // consumers' loop, was 0.85-0.98x on 7 of 8 rows of a sweep of 3 and 4
  // stages on four large shapes: bench/results/
  // 2026-12-02-h200-gemm-ws-arrivals-sweep.log.)
  Value empty = tile::MbarrierAllocOp::create(b, loc, barriersType, warps * 32,
                                              IntegerAttr());

  auto mma = tile::MmaAttr::get(ctx, tile::MmaKind::wgmma, 64, bn, mmaK(element));
  auto accType = RankedTensorType::get(
      {bandRows, bn}, b.getF32Type(),
      tile::MmaAccEncodingAttr::get(ctx, mma, {warps, 1}));
  SmallVector<Type> accTypes(bands, accType);

  // Captures: the producer's inputs, in this order.
  SmallVector<Value> captures{lhs, rhs, params[lhsMapParam],
                              params[rhsMapParam], full, empty, m0, n0,
                              lhsBatch, numK, useTma, rhsRing};
  captures.append(lhsRings);
  // Consumer warpgroups take 232 registers, the producer's gives all but
  // 40 up (what CUTLASS's Hopper GEMMs do).
  auto groups = createWarpSpecialize(b, loc, accTypes, captures,
                                    config.getProducerWarps(), 232, 40);

  // The producer: per slot of K, once the consumers freed it (after the
  // first round), the band boxes of A and the box of B, arriving on
  // full[slot].
  {
    Block &pb = groups.getPartitionRegions()[0].front();
    OpBuilder pbld = OpBuilder::atBlockBegin(&pb);
    ValueRange in = pb.getArguments();
    Value pLhs = in[0], pRhs = in[1], pLhsMap = in[2], pRhsMap = in[3],
          pFull = in[4], pEmpty = in[5], pM0 = in[6], pN0 = in[7],
          pBatch = in[8], pNumK = in[9], pUse = in[10], pRhsRing = in[11];
    ValueRange pLhsRings = in.drop_front(12);
    auto branch = scf::IfOp::create(pbld, loc, pUse, /*withElse=*/false);
    OpBuilder tb = OpBuilder::atBlockBegin(branch.thenBlock());
    scf::ForOp::create(
        tb, loc, c(tb, 0), pNumK, c(tb, 1), ValueRange(),
        [&](OpBuilder &fb, Location l, Value kt, ValueRange) {
          Value slot = rem(fb, kt, stages);
          Value reused = arith::CmpIOp::create(
              fb, l, arith::CmpIPredicate::uge, kt, c(fb, stages));
          auto wait = scf::IfOp::create(fb, l, reused, /*withElse=*/false);
          OpBuilder wb = OpBuilder::atBlockBegin(wait.thenBlock());
          tile::MbarrierWaitOp::create(
              wb, l, pEmpty, slot,
              parity(wb, arith::SubIOp::create(wb, l, div(wb, kt, stages),
                                               c(wb, 1))));
          Value k0 = mul(fb, kt, c(fb, kBox));
          for (int64_t band = 0; band < bands; ++band) {
            Value row = arith::AddIOp::create(fb, l, pM0,
                                              c(fb, band * bandRows));
            Value box = tile::SlotOp::create(fb, l, lhsBox, pLhsRings[band],
                                             slot);
            tile::BoxCopyOp::create(fb, l, Type(), pLhs,
                                    ValueRange{pBatch, row, k0}, box, pLhsMap,
                                    pFull, slot, Value(), false);
          }
          Value box = tile::SlotOp::create(fb, l, rhsBox, pRhsRing, slot);
          tile::BoxCopyOp::create(fb, l, Type(), pRhs, rhsAt(k0, pN0),
                                  box, pRhsMap, pFull, slot, Value(), false);
          scf::YieldOp::create(fb, l);
        });
    tile::WarpReturnOp::create(pbld, loc);
  }

  // The consumers: per slot of K, wait for its copies, the dots (one per
  // band); a single band's dot is async (it waits for the previous one
  // only), after which the previous slot is free; with several bands each
  // slot is freed after its own dots.
  {
    Block &db = groups.getDefaultRegion().front();
    OpBuilder dbld = OpBuilder::atBlockBegin(&db);
    auto branch = scf::IfOp::create(dbld, loc, accTypes, useTma,
                                    /*withElseRegion=*/true);
    {
      OpBuilder eb = OpBuilder::atBlockBegin(branch.elseBlock());
      SmallVector<Value> zeros(bands, zeroOf(eb, loc, accType));
      scf::YieldOp::create(eb, loc, zeros);
    }
    OpBuilder tb = OpBuilder::atBlockBegin(branch.thenBlock());
    bool async = bands == 1;
    SmallVector<Value> inits(bands, zeroOf(tb, loc, accType));
    auto loop = scf::ForOp::create(
        tb, loc, c(tb, 0), numK, c(tb, 1), inits,
        [&](OpBuilder &fb, Location l, Value kt, ValueRange carried) {
          Value slot = rem(fb, kt, stages);
          tile::MbarrierWaitOp::create(fb, l, full, slot,
                                       parity(fb, div(fb, kt, stages)));
          Value bBox = tile::SlotOp::create(fb, l, rhsBox, rhsRing, slot);
          SmallVector<Value> next;
          for (int64_t band = 0; band < bands; ++band) {
            Value aBox =
                tile::SlotOp::create(fb, l, lhsBox, lhsRings[band], slot);
            auto dot = tile::DotOp::create(fb, l, accType, aBox,
                                           rhsOperand(fb, l, bBox),
                                           carried[band], mma);
            if (async)
              dot.setAsync(true);
            next.push_back(dot);
          }
          if (async) {
            Value previous = arith::CmpIOp::create(
                fb, l, arith::CmpIPredicate::uge, kt, c(fb, 1));
            auto free = scf::IfOp::create(fb, l, previous, /*withElse=*/false);
            OpBuilder rb = OpBuilder::atBlockBegin(free.thenBlock());
            tile::MbarrierArriveOp::create(
                rb, l, empty,
                rem(rb, arith::AddIOp::create(rb, l, kt, c(rb, stages - 1)),
                    stages));
          } else {
            tile::MbarrierArriveOp::create(fb, l, empty, slot);
          }
          scf::YieldOp::create(fb, l, next);
        });
    // The async chain's last group, awaited before its accumulator leaves.
    ValueRange accs = loop.getResults();
    if (async)
      accs = tile::DotWaitOp::create(tb, loc, accs, /*pending=*/0).getResults();
    scf::YieldOp::create(tb, loc, accs);
    tile::WarpYieldOp::create(dbld, loc, branch.getResults());
  }

  // The epilogue, after the split (the consumers' warps), as the TMA
  // program's; its staging buffers may take the ring's bytes: every copy
  // has landed.
  auto epilogueBranch =
      scf::IfOp::create(b, loc, useTma, /*withElseRegion=*/false);
  OpBuilder eb = OpBuilder::atBlockBegin(epilogueBranch.thenBlock());
  return emitBandEpilogues(eb, loc, params, groups.getResults(), config, bn,
                           bandRows, m0, n0, bz, none, Value(), epilogue);
}

} // namespace mlir::tessera::schedule_to_tile
