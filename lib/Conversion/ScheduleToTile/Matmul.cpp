//===- Matmul.cpp - Matmul kernels with an elementwise epilogue -----------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Matmul kernels: the host side (sizes, launch conditions, tensor maps),
// the fused elementwise epilogue, the SIMT kernel, and the choice among the
// tensor-core kernels (MatmulMma.cpp, MatmulWgmma.cpp, MatmulMfma.cpp).
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include <numeric>

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

/// The distribution of a SIMT matmul's BMxBN output tile over `BM * BN`
/// threads, one element each: a warp's lanes cover min(BN, warp) columns
/// of as many rows as fill the warp; warps stack along M, then N. Thread t
/// then holds element [t / BN, t % BN], the row-major mapping (warps are a
/// power of two, so BM, BN and the warp size are too, and the smaller of
/// BN and the warp divides the larger). Needs `BM * BN` to be whole warps.
static tile::BlockedEncodingAttr simtEncoding(MLIRContext *ctx, int64_t bm,
                                              int64_t bn, int64_t warpSize) {
  int64_t lanesN = std::gcd(bn, warpSize), lanesM = warpSize / lanesN;
  return tile::BlockedEncodingAttr::get(ctx, {bm / lanesM, bn / lanesN},
                                        {lanesM, lanesN}, {1, 1});
}

Value stridedView(OpBuilder &b, Location loc, Value buffer, Value offset,
                  ArrayRef<Value> sizes, ArrayRef<Value> strides) {
  auto fold = [](Value v) -> OpFoldResult {
    if (std::optional<int64_t> c = getConstantIntValue(v))
      return IntegerAttr::get(IndexType::get(v.getContext()), *c);
    return v;
  };
  auto staticOf = [](OpFoldResult v) {
    std::optional<int64_t> c = getConstantIntValue(v);
    return c ? *c : ShapedType::kDynamic;
  };
  OpFoldResult foldedOffset = fold(offset);
  SmallVector<OpFoldResult> foldedSizes, foldedStrides;
  SmallVector<int64_t> staticStrides;
  for (Value size : sizes)
    foldedSizes.push_back(size);
  for (Value stride : strides) {
    foldedStrides.push_back(fold(stride));
    staticStrides.push_back(staticOf(foldedStrides.back()));
  }
  auto type = MemRefType::get(
      SmallVector<int64_t>(sizes.size(), ShapedType::kDynamic),
      cast<MemRefType>(buffer.getType()).getElementType(),
      StridedLayoutAttr::get(b.getContext(), staticOf(foldedOffset),
                             staticStrides));
  return memref::ReinterpretCastOp::create(b, loc, type, buffer, foldedOffset,
                                           foldedSizes, foldedStrides);
}

Value OutputTiles::sliceCoordinates(OpBuilder &b, Location loc, int64_t axis,
                                    Value origin) const {
  Type index = b.getIndexType();
  RankedTensorType i32Slice =
      axis == 1 ? rows(b.getI32Type()) : cols(b.getI32Type());
  RankedTensorType indexSlice = axis == 1 ? rows(index) : cols(index);
  Value range = tile::RangeOp::create(b, loc, i32Slice, b.getI64IntegerAttr(0),
                                      b.getI64IntegerAttr(axis == 1 ? bm : bn));
  return arith::AddIOp::create(
      b, loc, arith::IndexCastOp::create(b, loc, indexSlice, range),
      tensor::SplatOp::create(b, loc, indexSlice, origin));
}

Value OutputTiles::coordinates(OpBuilder &b, Location loc, int64_t axis,
                               Value origin) const {
  return tile::BroadcastOp::create(b, loc, tile(b.getIndexType()),
                                   sliceCoordinates(b, loc, axis, origin),
                                   b.getI64IntegerAttr(axis))
      .getResult();
}

bool TileEpilogue::rowInvariant(BlockArgument arg) const {
  auto type = cast<RankedTensorType>(arg.getType());
  if (sameShape(type.getShape(), outType.getShape()))
    return false;
  // The operand's dimension that NumPy aligns with the output's rows.
  int64_t rowDim = type.getRank() - 2;
  return rowDim < 0 || type.getDimSize(rowDim) == 1;
}

SmallVector<Value> TileEpilogue::loadRowInvariant(OpBuilder &b, Location loc,
                                                  ValueRange params,
                                                  RankedTensorType tile,
                                                  Value bz, Value col0) const {
  OutputTiles tiles{tile.getDimSize(0), tile.getDimSize(1),
                    tile.getEncoding()};
  // No row coordinate: the selected operands do not read it.
  return loadOperands(b, loc, params, tiles, bz, Value(), col0,
                      [&](unsigned i) { return rowInvariant(epilogueArgs[i]); });
}

SmallVector<Value> TileEpilogue::loadRowVarying(OpBuilder &b, Location loc,
                                                ValueRange params,
                                                RankedTensorType tile,
                                                Value bz, Value row0,
                                                Value col0) const {
  OutputTiles tiles{tile.getDimSize(0), tile.getDimSize(1),
                    tile.getEncoding()};
  return loadOperands(b, loc, params, tiles, bz, row0, col0, [&](unsigned i) {
    return !rowInvariant(epilogueArgs[i]);
  });
}

SmallVector<Value>
TileEpilogue::loadOperands(OpBuilder &b, Location loc, ValueRange params,
                           const OutputTiles &tiles, Value bz, Value row0,
                           Value col0,
                           function_ref<bool(unsigned)> wanted) const {
  auto tileOf = [&](Type element) { return tiles.tile(element); };
  auto c = [&](int64_t v) { return indexConstant(b, loc, v); };
  auto mul = [&](OpBuilder &ib, Value x, Value y) -> Value {
    return arith::MulIOp::create(ib, loc, x, y);
  };
  auto add = [&](OpBuilder &ib, Value x, Value y) -> Value {
    return arith::AddIOp::create(ib, loc, x, y);
  };
  Value m = params[mParam], n = params[nParam];
  // The output (and operands of its shape) at [bz, row0, col0]: a
  // [M, N] view at bz * M * N.
  auto outputView = [&](Value buffer) {
    return stridedView(b, loc, buffer, mul(b, mul(b, bz, m), n), {m, n},
                       {n, c(1)});
  };
  SmallVector<Value> sizes;
  for (unsigned p : batchParams)
    sizes.push_back(params[p]);
  sizes.push_back(m);
  sizes.push_back(n);
  int64_t outRank = sizes.size();
  // Index tiles of the output coordinates, built on first use: the
  // rows' and columns' and the block's batch index.
  Type indexType = b.getIndexType();
  Value rows, cols;
  SmallVector<Value> batchIndex;
  auto outputIndex = [&](int64_t od) -> Value {
    if (od == outRank - 2)
      return rows ? rows : rows = tiles.coordinates(b, loc, 1, row0);
    if (od == outRank - 1)
      return cols ? cols : cols = tiles.coordinates(b, loc, 0, col0);
    if (batchIndex.empty())
      batchIndex =
          unflatten(b, loc, bz, ArrayRef<Value>(sizes).drop_back(2));
    return batchIndex[od];
  };
  SmallVector<Value> loaded;
  for (auto [i, arg] : llvm::enumerate(epilogueArgs)) {
    loaded.emplace_back();
    if (!wanted(i))
      continue;
    auto type = cast<RankedTensorType>(arg.getType());
    Value buffer = params[arg.getArgNumber()];
    RankedTensorType inputTile = tileOf(type.getElementType());
    if (sameShape(type.getShape(), outType.getShape())) {
      loaded.back() = tile::LoadTileOp::create(
          b, loc, inputTile, outputView(buffer), ValueRange{row0, col0});
      continue;
    }
    // NumPy broadcasting (as broadcastOffset): the batch dims' part
    // of the offset is the block's, the rows' and columns' a tile. An
    // operand of one value per output row ([M, 1]: row scales) is gathered
    // on the rows' slice, a value per row of the tile (one per thread
    // where a warp holds a row), then broadcast along the columns.
    int64_t rank = type.getRank();
    bool perRow = rank >= 2 && type.getDimSize(rank - 1) == 1 &&
                  type.getDimSize(rank - 2) != 1;
    RankedTensorType offsetType =
        perRow ? tiles.rows(indexType) : tileOf(indexType);
    auto splat = [&](Value v) -> Value {
      return tensor::SplatOp::create(b, loc, offsetType, v);
    };
    Value scalarOffset, tileOffset;
    Value stride = c(1);
    bool unitStride = true;
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (type.getDimSize(d) == 1)
        continue;
      int64_t od = d + outRank - rank;
      if (od >= outRank - 2) {
        Value term = perRow ? tiles.sliceCoordinates(b, loc, 1, row0)
                            : outputIndex(od);
        if (!unitStride)
          term = mul(b, term, splat(stride));
        tileOffset = tileOffset ? add(b, tileOffset, term) : term;
      } else {
        Value term = outputIndex(od);
        if (!unitStride)
          term = mul(b, term, stride);
        scalarOffset = scalarOffset ? add(b, scalarOffset, term) : term;
      }
      stride = unitStride ? sizes[od] : mul(b, stride, sizes[od]);
      unitStride = false;
    }
    Value offsets =
        !tileOffset ? splat(scalarOffset ? scalarOffset : c(0))
        : scalarOffset ? add(b, tileOffset, splat(scalarOffset))
                       : tileOffset;
    // `stride` is now the operand's element count.
    Value gathered = tile::GatherOp::create(
        b, loc, perRow ? tiles.rows(type.getElementType()) : inputTile,
        stridedView(b, loc, buffer, c(0), {stride}, {c(1)}), offsets);
    if (perRow)
      gathered = tile::BroadcastOp::create(b, loc, inputTile, gathered,
                                           b.getI64IntegerAttr(1));
    loaded.back() = gathered;
  }
  return loaded;
}

LogicalResult TileEpilogue::emit(OpBuilder &b, Location loc, ValueRange params,
                                 Value acc, Value bz, Value row0, Value col0,
                                 ArrayRef<Value> preloaded) const {
  auto accType = cast<RankedTensorType>(acc.getType());
  int64_t bm = accType.getDimSize(0), bn = accType.getDimSize(1);
  OutputTiles tiles{bm, bn, accType.getEncoding()};
  auto tileOf = [&](Type element) { return tiles.tile(element); };
  auto c = [&](int64_t v) { return indexConstant(b, loc, v); };
  auto mul = [&](OpBuilder &ib, Value x, Value y) -> Value {
    return arith::MulIOp::create(ib, loc, x, y);
  };
  Value m = params[mParam], n = params[nParam];
  Type outElement = getElementTypeOrSelf(result.getType());
  auto outputView = [&](Value buffer) {
    return stridedView(b, loc, buffer, mul(b, mul(b, bz, m), n), {m, n},
                       {n, c(1)});
  };
  SmallVector<Value> operands = loadOperands(
      b, loc, params, tiles, bz, row0, col0,
      [&](unsigned i) { return preloaded.empty() || !preloaded[i]; });
  SmallVector<Value> inputs{acc};
  for (auto [i, operand] : llvm::enumerate(operands))
    inputs.push_back(operand ? operand : preloaded[i]);
  // Stochastic rounding hashes each element's indices (batch, row,
  // column): index tiles after the operands.
  bool stochastic = llvm::any_of(body.without_terminator(), [&](Operation &op) {
    return matmul->isBeforeInBlock(&op) && usesStochasticRounding(&op);
  });
  unsigned operandCount = inputs.size();
  if (stochastic) {
    RankedTensorType indexTile = tileOf(b.getIndexType());
    SmallVector<Value> batchSizes;
    for (unsigned p : batchParams)
      batchSizes.push_back(params[p]);
    for (Value index : unflatten(b, loc, bz, batchSizes))
      inputs.push_back(tensor::SplatOp::create(b, loc, indexTile, index));
    inputs.push_back(tiles.coordinates(b, loc, 1, row0));
    inputs.push_back(tiles.coordinates(b, loc, 0, col0));
  }
  auto map = tile::MapOp::create(b, loc, tileOf(outElement), inputs);
  Block &mapBody = map.getBody().front();
  OpBuilder mb = OpBuilder::atBlockBegin(&mapBody);
  Value value = buildStorageScalar(matmul, mb, loc, mapBody.getArgument(0),
                                   resultElement);
  auto load = [&](BlockArgument arg) -> Value {
    return mapBody.getArgument(1 + (llvm::find(epilogueArgs, arg) -
                                    epilogueArgs.begin()));
  };
  SmallVector<Value> position(
      mapBody.getArguments().drop_front(operandCount));
  PointEvaluator eval{body, load, matmul, value, position, outType};
  FailureOr<Value> final = eval.evaluate(mb, result);
  if (failed(final))
    return failure();
  tile::MapYieldOp::create(mb, loc, *final);
  tile::StoreTileOp::create(b, loc, map.getResult(),
                            outputView(params[outParam]),
                            ValueRange{row0, col0}, Value());
  return success();
}

Value matmulBatch(OpBuilder &b, Location loc, ValueRange params,
                  ArrayRef<unsigned> batchParams) {
  Value batch = indexConstant(b, loc, 1);
  for (unsigned p : batchParams)
    batch = arith::MulIOp::create(b, loc, batch, params[p]);
  return batch;
}

MatmulBlock::MatmulBlock(OpBuilder &b, Location loc, Value m, Value n,
                         int64_t bm, int64_t bn, schedule::ConfigAttr config,
                         const SplitK &split, ValueRange params,
                         ArrayRef<unsigned> batchParams) {
  SmallVector<Value> ids =
      matmulBlockIds(b, loc, m, n, bm, bn, config.getSwizzle());
  gridZ = batchEntry = ids[2];
  if (split.enabled())
    std::tie(batchEntry, slice) =
        split.split(b, loc, gridZ, matmulBatch(b, loc, params, batchParams));
  row0 = arith::MulIOp::create(b, loc, ids[1], indexConstant(b, loc, bm));
  col0 = arith::MulIOp::create(b, loc, ids[0], indexConstant(b, loc, bn));
}

std::pair<Value, Value> SplitK::split(OpBuilder &b, Location loc, Value z,
                                      Value batch) const {
  return {arith::RemUIOp::create(b, loc, z, batch),
          arith::DivUIOp::create(b, loc, z, batch)};
}

Value SplitK::factorIn(OpBuilder &b, Location loc, ValueRange params) const {
  return automatic ? params[factorParam] : indexConstant(b, loc, factor);
}

LogicalResult
SplitK::finish(OpBuilder &b, Location loc, ValueRange params, Value acc,
               Value z, Value m, Value n, Value row0, Value col0,
               function_ref<LogicalResult(OpBuilder &)> epilogue) const {
  if (!enabled())
    return epilogue(b);
  if (!automatic) {
    store(b, loc, params, acc, z, m, n, row0, col0);
    return success();
  }
  Value whole = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                      params[factorParam],
                                      indexConstant(b, loc, 1));
  auto branch = scf::IfOp::create(b, loc, TypeRange(), whole,
                                  /*withElseRegion=*/true);
  OpBuilder eb = OpBuilder::atBlockBegin(&branch.getElseRegion().front());
  store(eb, loc, params, acc, z, m, n, row0, col0);
  OpBuilder tb = OpBuilder::atBlockBegin(&branch.getThenRegion().front());
  return epilogue(tb);
}

std::pair<Value, Value> SplitK::steps(OpBuilder &b, Location loc,
                                      ValueRange params, Value slice,
                                      Value count) const {
  Value per = arith::CeilDivUIOp::create(b, loc, count,
                                         factorIn(b, loc, params));
  Value first = arith::MinUIOp::create(
      b, loc, arith::MulIOp::create(b, loc, slice, per), count);
  Value end = arith::MinUIOp::create(
      b, loc, arith::AddIOp::create(b, loc, first, per), count);
  return {first, end};
}

void SplitK::store(OpBuilder &b, Location loc, ValueRange params, Value acc,
                   Value z, Value m, Value n, Value row0, Value col0) const {
  Value view = stridedView(
      b, loc, params[workspaceParam],
      arith::MulIOp::create(b, loc, z, arith::MulIOp::create(b, loc, m, n)),
      {m, n}, {n, indexConstant(b, loc, 1)});
  tile::StoreTileOp::create(b, loc, acc, view, ValueRange{row0, col0},
                            Value());
}

/// The second kernel of a split matmul: per [8, 128] tile of the output
/// (a warp per row, four contiguous columns per lane), the sum of the
/// slices' partial tiles, then the epilogue.
static LogicalResult emitSplitKReduce(HostState &host, Location loc,
                                      KernelSignature &sig, const SplitK &split,
                                      const TileEpilogue &epilogue, Type acc,
                                      Value hostM, Value hostN,
                                      Value hostBatch, Value hostSplitUsed) {
  constexpr int64_t rows = 8, cols = 128;
  OpBuilder &hb = host.builder;
  MLIRContext *ctx = hb.getContext();
  Value grid = arith::MulIOp::create(
      hb, loc,
      arith::MulIOp::create(
          hb, loc,
          arith::CeilDivUIOp::create(hb, loc, hostN,
                                     indexConstant(hb, loc, cols)),
          arith::CeilDivUIOp::create(hb, loc, hostM,
                                     indexConstant(hb, loc, rows))),
      hostBatch);
  // Not launched (an empty grid) where the launch did not split (or the
  // matmul's kernels are another row class's).
  grid = arith::MulIOp::create(hb, loc, grid, hostSplitUsed);
  auto config = schedule::ConfigAttr::get(ctx, {rows, cols}, rows, 1);
  OutputTiles tiles{
      rows, cols,
      tile::BlockedEncodingAttr::get(ctx, {rows, 1}, {1, 32}, {1, 4})};
  return emitKernel(
      host, loc, "matmul_splitk", config, sig, {grid}, 0,
      [&](OpBuilder &b, ValueRange params) -> LogicalResult {
        Value m = params[epilogue.mParam], n = params[epilogue.nParam];
        Value batch = matmulBatch(b, loc, params, epilogue.batchParams);
        SmallVector<Value> ids = matmulBlockIds(b, loc, m, n, rows, cols, 1);
        Value bz = ids[2];
        Value row0 = arith::MulIOp::create(b, loc, ids[1],
                                           indexConstant(b, loc, rows));
        Value col0 = arith::MulIOp::create(b, loc, ids[0],
                                           indexConstant(b, loc, cols));
        Value sum = zeroOf(b, loc, tiles.tile(acc));
        // sum += the partial tile of slice `slice`.
        auto addSlice = [&](OpBuilder &sb, Value slice, Value sum) -> Value {
          Value z = arith::AddIOp::create(
              sb, loc, bz, arith::MulIOp::create(sb, loc, slice, batch));
          Value view = stridedView(
              sb, loc, params[split.workspaceParam],
              arith::MulIOp::create(sb, loc, z,
                                    arith::MulIOp::create(sb, loc, m, n)),
              {m, n}, {n, indexConstant(sb, loc, 1)});
          Value part = tile::LoadTileOp::create(sb, loc, tiles.tile(acc), view,
                                                ValueRange{row0, col0});
          return mapTiles(sb, loc, tiles.tile(acc), {sum, part},
                          [&](OpBuilder &mb, ValueRange x) -> Value {
                            if (isa<FloatType>(acc))
                              return arith::AddFOp::create(mb, loc, x[0], x[1]);
                            return arith::AddIOp::create(mb, loc, x[0], x[1]);
                          });
        };
        if (split.automatic) {
          // As many slices as the launch chose.
          auto loop = scf::ForOp::create(
              b, loc, indexConstant(b, loc, 0), params[split.factorParam],
              indexConstant(b, loc, 1), ValueRange{sum},
              [&](OpBuilder &lb, Location, Value slice, ValueRange carried) {
                scf::YieldOp::create(lb, loc,
                                     addSlice(lb, slice, carried[0]));
              });
          sum = loop.getResult(0);
        } else {
          for (int64_t slice = 0; slice < split.factor; ++slice)
            sum = addSlice(b, indexConstant(b, loc, slice), sum);
        }
        return epilogue.emit(b, loc, params, sum, bz, row0, col0);
      });
}

/// The SIMT block program: register tiles of [subRows, subCols] walk the
/// block's BMxBN output tile (one pass where they are the same size), one
/// element per thread (simtEncoding), or with `perThread` > 1 a square of
/// that many rows and columns per thread, the lanes of a warp along the
/// columns (the passes of the tensor-core kernels' fallback: fewer, with
/// more work per load). A k-loop carries each as the
/// accumulator and adds, per k, the outer product of the lhs column (a
/// value per row of the tile: a slice without dim 1) and the rhs row (a
/// value per column: a slice without dim 0), each loaded from a 1-d
/// strided view of its buffer, masked at M or N. Then the epilogue
/// (TileEpilogue) or the split's partial store, masked at M and N.
static LogicalResult
buildSimtProgram(OpBuilder &b, Location loc, ValueRange params,
                 graph::MatmulOp matmul, schedule::ConfigAttr config,
                 int64_t subRows, int64_t subCols, int64_t warpSize, Type acc,
                 unsigned lhsParam, unsigned rhsParam, unsigned kParam,
                 const TileEpilogue &epilogue, const SplitK &split,
                 int64_t perThread = 1) {
  MLIRContext *ctx = b.getContext();
  auto lhsType = cast<RankedTensorType>(matmul.getLhs().getType());
  auto rhsType = cast<RankedTensorType>(matmul.getRhs().getType());
  Type lhsElement = lhsType.getElementType();
  Type rhsElement = rhsType.getElementType();
  bool tl = matmul.getTransposeLhs(), tr = matmul.getTransposeRhs();
  int64_t bm = config.getTile()[0], bn = config.getTile()[1];
  Attribute encoding =
      perThread == 1
          ? Attribute(simtEncoding(ctx, subRows, subCols, warpSize))
          : Attribute(tile::BlockedEncodingAttr::get(
                ctx, {config.getWarps(), 1}, {1, warpSize},
                {perThread, perThread}));
  OutputTiles tiles{subRows, subCols, encoding};
  auto tileOf = [&](Type element) { return tiles.tile(element); };
  auto rowsOf = [&](Type element) { return tiles.rows(element); };
  auto colsOf = [&](Type element) { return tiles.cols(element); };
  Value m = params[epilogue.mParam], n = params[epilogue.nParam],
        k = params[kParam];
  auto c = [&](OpBuilder &ib, int64_t v) { return indexConstant(ib, loc, v); };
  auto mul = [&](OpBuilder &ib, Value x, Value y) -> Value {
    return arith::MulIOp::create(ib, loc, x, y);
  };
  auto add = [&](OpBuilder &ib, Value x, Value y) -> Value {
    return arith::AddIOp::create(ib, loc, x, y);
  };
  MatmulBlock block(b, loc, m, n, bm, bn, config, split, params,
                    epilogue.batchParams);
  Value bz = block.batchEntry;
  // The k of this block: all, or its slice's.
  Value firstK = c(b, 0), endK = k;
  if (split.enabled())
    std::tie(firstK, endK) = split.steps(b, loc, params, block.slice, k);
  // Where the block's batch entry starts in a batched operand.
  Value lhsBase, rhsBase;
  if (lhsType.getRank() > 2)
    lhsBase = mul(b, bz, mul(b, m, k));
  if (rhsType.getRank() > 2)
    rhsBase = mul(b, bz, mul(b, k, n));
  auto offsetBy = [&](OpBuilder &ib, Value base, Value offset) {
    return base ? add(ib, base, offset) : offset;
  };

  // One pass: the register tile at [row0, col0].
  auto pass = [&](OpBuilder &pb, Value row0, Value col0) -> LogicalResult {
    // acc[r, c] += lhs[r, kk] * rhs[kk, c] for kk < k; with k = 0 the
    // epilogue sees zeros.
    auto loop = scf::ForOp::create(
        pb, loc, firstK, endK, c(pb, 1),
        ValueRange{zeroOf(pb, loc, tileOf(acc))},
        [&](OpBuilder &lb, Location l, Value kk, ValueRange carried) {
          // Column kk of the lhs: M elements, k apart ([M, K]) or
          // adjacent ([K, M], transposed).
          Value lhsColumn = stridedView(
              lb, l, params[lhsParam],
              offsetBy(lb, lhsBase, tl ? mul(lb, kk, m) : kk), {m},
              {tl ? c(lb, 1) : k});
          // Row kk of the rhs: N elements, adjacent ([K, N]) or k apart
          // ([N, K], transposed).
          Value rhsRow = stridedView(
              lb, l, params[rhsParam],
              offsetBy(lb, rhsBase, tr ? kk : mul(lb, kk, n)), {n},
              {tr ? k : c(lb, 1)});
          Value a = tile::LoadTileOp::create(lb, l, rowsOf(lhsElement),
                                             lhsColumn, ValueRange{row0});
          Value bv = tile::LoadTileOp::create(lb, l, colsOf(rhsElement),
                                              rhsRow, ValueRange{col0});
          a = tile::BroadcastOp::create(lb, l, tileOf(lhsElement), a,
                                        lb.getI64IntegerAttr(1));
          bv = tile::BroadcastOp::create(lb, l, tileOf(rhsElement), bv,
                                         lb.getI64IntegerAttr(0));
          auto step = tile::MapOp::create(lb, l, tileOf(acc),
                                          ValueRange{carried[0], a, bv});
          Block &stepBody = step.getBody().front();
          OpBuilder sb = OpBuilder::atBlockBegin(&stepBody);
          Value x = convertScalar(sb, l, stepBody.getArgument(1), acc);
          Value y = convertScalar(sb, l, stepBody.getArgument(2), acc);
          Value sum = stepBody.getArgument(0);
          Value prod = isa<FloatType>(acc)
                           ? Value(arith::MulFOp::create(sb, l, x, y))
                           : Value(arith::MulIOp::create(sb, l, x, y));
          sum = isa<FloatType>(acc)
                    ? Value(arith::AddFOp::create(sb, l, sum, prod))
                    : Value(arith::AddIOp::create(sb, l, sum, prod));
          tile::MapYieldOp::create(sb, l, sum);
          scf::YieldOp::create(lb, l, step.getResult());
        });
    return split.finish(pb, loc, params, loop.getResult(0), block.gridZ, m, n,
                        row0, col0, [&](OpBuilder &eb) {
                          return epilogue.emit(eb, loc, params,
                                               loop.getResult(0), bz, row0,
                                               col0);
                        });
  };
  if (subRows == bm && subCols == bn)
    return pass(b, block.row0, block.col0);
  LogicalResult result = success();
  scf::ForOp::create(
      b, loc, c(b, 0), c(b, bm), c(b, subRows), ValueRange(),
      [&](OpBuilder &rb, Location, Value r, ValueRange) {
        scf::ForOp::create(
            rb, loc, c(rb, 0), c(rb, bn), c(rb, subCols), ValueRange(),
            [&](OpBuilder &cb, Location, Value col, ValueRange) {
              if (failed(pass(cb, add(cb, block.row0, r),
                              add(cb, block.col0, col))))
                result = failure();
              scf::YieldOp::create(cb, loc);
            });
        scf::YieldOp::create(rb, loc);
      });
  return result;
}

LogicalResult lowerMatmul(HostState &host, schedule::KernelOp kernel,
                                 graph::MatmulOp matmul) {
  Location loc = kernel.getLoc();
  Block &body = kernel.getBody().front();
  OpBuilder &hb = host.builder;
  auto lhsType = cast<RankedTensorType>(matmul.getLhs().getType());
  auto rhsType = cast<RankedTensorType>(matmul.getRhs().getType());
  auto resultType = cast<RankedTensorType>(matmul.getType());
  if (kernel.getNumResults() != 1)
    return kernel.emitOpError() << "has " << kernel.getNumResults()
                                << " results; matmul kernels take one";
  auto outType = cast<RankedTensorType>(kernel.getResult(0).getType());
  if (outType.getShape() != resultType.getShape())
    return kernel.emitOpError()
           << "epilogue changes the matmul's shape " << resultType << " to "
           << outType << "; the GPU lowering does not support that yet";
  int64_t rank = resultType.getRank();
  for (RankedTensorType type : {lhsType, rhsType})
    if (type.getRank() != 2 && type.getRank() != rank)
      return matmul.emitOpError()
             << "broadcasts batch dims of different ranks; the GPU lowering "
                "does not support that yet";
  for (RankedTensorType type : {lhsType, rhsType})
    if (type.getRank() > 2)
      for (int64_t d = 0; d < rank - 2; ++d)
        if (type.getDimSize(d) == 1 && resultType.getDimSize(d) != 1)
          return matmul.emitOpError()
                 << "broadcasts a batch dim of size 1; the GPU lowering does "
                    "not support that yet";

  auto hostOf = [&](Value v) {
    return kernel.getInputs()[cast<BlockArgument>(v).getArgNumber()];
  };
  Value hostLhs = hostOf(matmul.getLhs()), hostRhs = hostOf(matmul.getRhs());
  ArrayRef<Value> lhsSizes = host.sizesOf(hostLhs);
  ArrayRef<Value> rhsSizes = host.sizesOf(hostRhs);
  bool tl = matmul.getTransposeLhs(), tr = matmul.getTransposeRhs();
  Value m = lhsSizes[lhsType.getRank() - (tl ? 1 : 2)];
  Value k = lhsSizes[lhsType.getRank() - (tl ? 2 : 1)];
  Value n = rhsSizes[rhsType.getRank() - (tr ? 2 : 1)];
  SmallVector<Value> outSizes;
  ArrayRef<Value> batchSource = lhsType.getRank() == rank ? lhsSizes : rhsSizes;
  for (int64_t d = 0; d < rank - 2; ++d)
    outSizes.push_back(batchSource[d]);
  outSizes.push_back(m);
  outSizes.push_back(n);
  Value batch = product(hb, loc, ArrayRef<Value>(outSizes).drop_back(2));
  requireEqual(host, loc, k, rhsSizes[rhsType.getRank() - (tr ? 1 : 2)],
               "'tessera_graph.matmul' contraction dimension of lhs and rhs");
  if (lhsType.getRank() == rank && rhsType.getRank() == rank)
    for (int64_t d = 0; d < rank - 2; ++d)
      requireEqual(host, loc, lhsSizes[d], rhsSizes[d],
                   "'tessera_graph.matmul' batch dimension " + Twine(d) +
                       " of lhs and rhs");
  for (BlockArgument arg : body.getArguments())
    if (llvm::any_of(arg.getUsers(),
                     [&](Operation *user) { return user != matmul; }))
      requireBroadcastsTo(host, loc, kernel.getInputs()[arg.getArgNumber()],
                          outSizes,
                          "matmul epilogue operand broadcast to the result");
  Value out = allocate(host, loc, outType, outSizes);
  host.buffers.map(kernel.getResult(0), out);

  KernelSignature sig;
  for (Value input : kernel.getInputs())
    sig.addBuffer(host.buffers.lookup(input));
  unsigned outParam = sig.addBuffer(out);
  // 2 M N K per batch entry (the epilogue's elementwise work is not
  // counted).
  sig.flops = product(hb, loc, {indexConstant(hb, loc, 2), batch, m, n, k});
  unsigned mParam = sig.addSize(m), nParam = sig.addSize(n),
           kParam = sig.addSize(k);
  SmallVector<unsigned> batchParams;
  for (int64_t d = 0; d < rank - 2; ++d)
    batchParams.push_back(sig.addSize(outSizes[d]));

  Type lhsElement = lhsType.getElementType();
  Type acc = getMatmulAccumulateType(matmul);
  Type resultElement = resultType.getElementType();
  auto yield = cast<schedule::YieldOp>(body.getTerminator());
  Value result = yield.getValues()[0];
  unsigned lhsParam = cast<BlockArgument>(matmul.getLhs()).getArgNumber();
  unsigned rhsParam = cast<BlockArgument>(matmul.getRhs()).getArgNumber();

  // The same epilogue on a register tile of the block's output.
  TileEpilogue tileEpilogue{body,     matmul,       result,   outType,
                            {},       batchParams,  outParam, mParam,
                            nParam,   resultElement};
  // The arguments it reads: those of the ops after the matmul
  // (PointEvaluator evaluates exactly these).
  for (BlockArgument arg : body.getArguments())
    if (llvm::any_of(arg.getUsers(), [&](Operation *user) {
          return user != matmul.getOperation() &&
                 !user->hasTrait<OpTrait::IsTerminator>() &&
                 matmul->isBeforeInBlock(user);
        }))
      tileEpilogue.epilogueArgs.push_back(arg);

  // The configs: the kernel's, then its row classes' (launch-time classes
  // by the output's rows M, for decode shapes), each launched where its
  // gate (a host index, 1 or 0; null: always) is 1, its grids empty
  // elsewhere. M > bound is min(max(M - bound, 0), 1), in the arithmetic a
  // launch plan evaluates.
  auto c = [&](int64_t v) { return indexConstant(hb, loc, v); };
  auto rowsAbove = [&](int64_t bound) -> Value {
    Value excess = arith::MaxSIOp::create(
        hb, loc, arith::SubIOp::create(hb, loc, m, c(bound)), c(0));
    return arith::MinSIOp::create(hb, loc, excess, c(1));
  };
  struct Variant {
    schedule::ConfigAttr config;
    Value gate;
    Value tiles;             // blocks without a split
    Value factor, splitUsed; // where the config splits K: slices, and 1 if
                             // the launch splits (else 0)
  };
  SmallVector<Variant> variants;
  schedule::RowClassesAttr classes = kernel.getRowClassesAttr();
  variants.push_back(
      {kernel.getConfig(),
       classes ? rowsAbove(classes.getMaxRows().back()) : Value(), Value(),
       Value(), Value()});
  if (classes)
    for (auto [i, config] : llvm::enumerate(classes.getConfigs())) {
      Value gate =
          arith::SubIOp::create(hb, loc, c(1), rowsAbove(classes.getMaxRows()[i]));
      if (i > 0)
        gate = arith::MulIOp::create(hb, loc, gate,
                                     rowsAbove(classes.getMinRows(i)));
      variants.push_back({config, gate, Value(), Value(), Value()});
    }
  for (Variant &variant : variants) {
    ArrayRef<int64_t> tile = variant.config.getTile();
    // One flat grid (see matmulBlockIds): tiles of N, of M, batch entries
    // (times the slices of K where the schedule splits it).
    Value gridX = arith::CeilDivUIOp::create(hb, loc, n, c(tile[1]));
    Value gridY = arith::CeilDivUIOp::create(hb, loc, m, c(tile[0]));
    variant.tiles = arith::MulIOp::create(
        hb, loc, arith::MulIOp::create(hb, loc, gridX, gridY), batch);
    if (variant.config.getSplitK() != 1 && !variant.config.isSplitKAuto()) {
      variant.factor = c(variant.config.getSplitK());
      variant.splitUsed = c(1);
    } else if (variant.config.isSplitKAuto()) {
      // The slices: as many as give every multiprocessor a block where the
      // output has fewer tiles, at least 16 steps of K each (shorter slices
      // lose more to the partial tiles' traffic and the second kernel than
      // the extra blocks win: 1000x999x777 ran 0.7x split in 3), at most 16.
      Value tiles = arith::MaxUIOp::create(hb, loc, variant.tiles, c(1));
      Value perTile = arith::DivUIOp::create(
          hb, loc, target::MultiprocessorsOp::create(hb, loc), tiles);
      Value steps = arith::DivUIOp::create(
          hb, loc, arith::CeilDivUIOp::create(hb, loc, k, c(tile[2])), c(16));
      variant.factor = arith::MaxUIOp::create(
          hb, loc,
          arith::MinUIOp::create(hb, loc,
                                 arith::MinUIOp::create(hb, loc, perTile, steps),
                                 c(16)),
          c(1));
      variant.splitUsed = arith::MinUIOp::create(
          hb, loc, arith::SubIOp::create(hb, loc, variant.factor, c(1)), c(1));
    }
  }

  // The configs that split K share one split: one slice count (the
  // launched config's), one workspace of the slices' partial tiles in the
  // accumulator's type (empty where the launch does not split) and one
  // second kernel summing them. A lone config with a fixed split_k keeps
  // it a constant.
  auto gated = [&](const Variant &variant, Value v) -> Value {
    return variant.gate ? arith::MulIOp::create(hb, loc, v, variant.gate)
                        : v;
  };
  auto sumOver = [&](function_ref<Value(const Variant &)> term) -> Value {
    Value sum;
    for (const Variant &variant : variants)
      if (Value t = term(variant))
        sum = sum ? arith::AddIOp::create(hb, loc, sum, gated(variant, t))
                  : gated(variant, t);
    return sum;
  };
  SplitK split{1};
  Value splitUsed = sumOver([](const Variant &v) { return v.splitUsed; });
  if (splitUsed) {
    schedule::ConfigAttr only = variants.front().config;
    if (variants.size() == 1 && !only.isSplitKAuto()) {
      split = SplitK{only.getSplitK()};
    } else {
      split.automatic = true;
      // (a config that does not split counts one slice)
      split.factorParam = sig.addSize(sumOver([&](const Variant &v) {
        return v.factor ? v.factor : c(1);
      }));
    }
    Value slices = split.automatic ? sig.hostArgs[split.factorParam]
                                   : c(split.factor);
    Value elements = arith::MulIOp::create(
        hb, loc, arith::MulIOp::create(hb, loc, slices, batch),
        arith::MulIOp::create(hb, loc, m, n));
    elements = arith::MulIOp::create(hb, loc, elements, splitUsed);
    Value workspace = allocate(
        host, loc, RankedTensorType::get({ShapedType::kDynamic}, acc),
        {elements});
    split.workspaceParam = sig.addBuffer(workspace);
  }

  // The kernels of one config (its `split`: the shared one, or none) on a
  // copy of the signature (a config adds its tensor maps).
  auto emitConfig = [&](const Variant &variant, SplitK split,
                        KernelSignature sig) -> LogicalResult {
    schedule::ConfigAttr config = variant.config;
    ArrayRef<int64_t> tile = config.getTile();
    // (the matmul's flops on the launched config's kernel only)
    if (sig.flops)
      sig.flops = gated(variant, sig.flops);
    Value matmulGrid = gated(variant, variant.tiles);
    if (split.enabled())
      matmulGrid = arith::MulIOp::create(
          hb, loc, matmulGrid,
          split.automatic ? sig.hostArgs[split.factorParam] : c(split.factor));
    // Tensor-core kernels: f16/bf16 operands into f32. Their launches get the
    // shared bytes the allocator places (tessera-tile-allocate-shared).
    schedule::MmaKind mmaKind = config.getMma();
    auto mmaSync = tile::MmaAttr::get(host.module.getContext(),
                                      tile::MmaKind::mma_sync, 16, 8, 16);
    bool isF8 = isa<Float8E4M3FNType, Float8E5M2Type>(lhsElement);
    if (mmaKind != schedule::MmaKind::none &&
        !schedule::isTensorCoreMatmul(matmul) &&
        !(mmaKind == schedule::MmaKind::wgmma && isF8 &&
          schedule::isWgmmaMatmul(matmul)))
      return matmul.emitOpError()
             << "asks for " << schedule::stringifyMmaKind(mmaKind)
             << ", which needs f16 or bf16 operands accumulating in f32"
             << (mmaKind == schedule::MmaKind::wgmma
                     ? " (or f8 ones, with the rhs [N, K] in memory)"
                     : "");

    if (mmaKind == schedule::MmaKind::wgmma) {
      if (tl || rhsType.getRank() != 2)
        return matmul.emitOpError()
               << "asks for wgmma, which the GPU lowering generates only for "
                  "an untransposed lhs and a 2-d rhs";
      // What tessera-schedule-check enforces, again: this pass may run alone.
      int64_t groups = config.getWarps() / 4;
      if (config.getWarps() % 4 != 0 || groups == 0 ||
          tile[2] != WgmmaMatmul::boxK(lhsElement) ||
          tile[1] % 64 != 0 || tile[1] > 256 || tile[0] > 256 ||
          tile[0] % (64 * groups) != 0 || config.getStages() < 2)
        return kernel.emitOpError()
               << "config " << config
               << " is not a wgmma schedule (tessera-schedule-check names the "
                  "rule it breaks)";
      // The lhs as [batch, M, K] and the rhs as [K, N] (or [N, K]) for TMA.
      Value lhsBatch = lhsType.getRank() > 2 ? batch : indexConstant(hb, loc, 1);
      auto lhsMap = target::TensorMapOp::create(
          hb, loc, WgmmaMatmul::lhsMapType(config, lhsElement),
          hb.getIndexType(), host.buffers.lookup(hostLhs),
          ValueRange{lhsBatch, m, k}, ValueRange());
      // (a transposed rhs as the [N, K] it is in memory)
      auto rhsMap = target::TensorMapOp::create(
          hb, loc, WgmmaMatmul::rhsMapType(config, lhsElement, tr),
          hb.getIndexType(),
          host.buffers.lookup(hostRhs),
          tr ? ValueRange{n, k} : ValueRange{k, n}, ValueRange());
      unsigned lhsMapParam = sig.addValue(lhsMap.getMap());
      unsigned lhsValidParam = sig.addSize(lhsMap.getValid());
      unsigned rhsMapParam = sig.addValue(rhsMap.getMap());
      unsigned rhsValidParam = sig.addSize(rhsMap.getValid());
      WgmmaMatmul wgmma{config,      matmul,        lhsParam,
                        rhsParam,    kParam,        lhsMapParam,
                        lhsValidParam, rhsMapParam, rhsValidParam};
      // Where a tensor map is invalid: the SIMT program in passes of
      // [warps, 32]. The runtime copies operands TMA cannot address as they
      // are (rows that are not 16-byte multiples, unaligned starts) into
      // pitched buffers, so it runs only where those copies are off or a dim
      // reaches 2^31; its code is small (an mma_sync program here made the
      // GEMM's PTX 8x longer and its compile 1.35 s instead of 0.16 s).
      // Passes of [4 x warps, 128]: 4x4 elements a thread (bn is a multiple
      // of 64: [warps, 32] of one element where it is not of 128). A row
      // class's kernel (decode shapes) takes the one-element passes: its
      // fallback's code is a quarter, and each class compiles one.
      bool rowClass = &variant != &variants.front();
      auto fallbackProgram = [&](OpBuilder &fb, ValueRange params) {
        int64_t square = tile[1] % 128 == 0 && !rowClass ? 4 : 1;
        return buildSimtProgram(fb, loc, params, matmul, config,
                                square * config.getWarps(), square * 32,
                                /*warpSize=*/32, acc, lhsParam, rhsParam, kParam,
                                tileEpilogue, split, square);
      };
      if (config.getProducerWarps() != 0) {
        // Two kernels: the warp-specialized one (which does nothing where
        // the tensor maps are invalid), then its SIMT companion (which
        // does nothing where they are valid).
        if (split.enabled())
          return kernel.emitOpError()
                 << "config " << config
                 << " sets producer_warps with split_k, which the "
                    "warp-specialized kernel does not do yet";
        if (failed(emitKernel(
                host, loc, "matmul_wgmma_ws", config, sig, {matmulGrid}, 0,
                [&](OpBuilder &b, ValueRange params) {
                  return wgmma.buildWarpSpecialized(b, loc, params,
                                                    tileEpilogue);
                })))
          return failure();
        return emitKernel(
            host, loc, "matmul", config, sig, {matmulGrid}, 0,
            [&](OpBuilder &b, ValueRange params) {
              Value invalid = arith::XOrIOp::create(
                  b, loc, wgmma.mapsValid(b, loc, params),
                  arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1));
              auto branch =
                  scf::IfOp::create(b, loc, invalid, /*withElseRegion=*/false);
              OpBuilder tb = OpBuilder::atBlockBegin(branch.thenBlock());
              return fallbackProgram(tb, params);
            });
      }
      return emitKernel(
          host, loc, "matmul_wgmma", config, sig, {matmulGrid}, 0,
          [&](OpBuilder &b, ValueRange params) {
            auto fallback = [&](OpBuilder &fb) {
              return fallbackProgram(fb, params);
            };
            return wgmma.build(b, loc, params, fallback, tileEpilogue, split);
          });
    }

    if (mmaKind == schedule::MmaKind::mfma) {
      int64_t waves = config.getThreads() / 64;
      int64_t waveRows = schedule::getWarpRows(std::max<int64_t>(waves, 1));
      if (config.getThreads() % 64 != 0 || waves == 0 ||
          tile[0] % (16 * waveRows) != 0 ||
          tile[1] % (16 * (waves / waveRows)) != 0 || tile[2] % 16 != 0)
        return kernel.emitOpError()
               << "config " << config
               << " is not an mfma schedule (tessera-schedule-check names the "
                  "rule it breaks)";
      auto mfma = tile::MmaAttr::get(host.module.getContext(),
                                     tile::MmaKind::mfma, 16, 16, 16);
      return emitKernel(
          host, loc, "matmul_mfma", config, sig, {matmulGrid}, 0,
          [&](OpBuilder &b, ValueRange params) {
            return buildTensorCoreProgram(b, loc, params, config, matmul, mfma,
                                          /*warpSize=*/64, lhsParam, rhsParam,
                                          kParam, tileEpilogue, split);
          });
    }

    if (mmaKind == schedule::MmaKind::mma_sync) {
      return emitKernel(
          host, loc, "matmul_mma", config, sig, {matmulGrid}, 0,
          [&](OpBuilder &b, ValueRange params) {
            return buildTensorCoreProgram(b, loc, params, config, matmul,
                                          mmaSync, /*warpSize=*/32, lhsParam,
                                          rhsParam, kParam, tileEpilogue, split);
          });
    }


    // SIMT: the block's program on register tiles (buildSimtProgram).
    int64_t warpSize = getWarpSize(host.module);
    int64_t bm = tile[0], bn = tile[1], threads = config.getThreads();
    // What tessera-schedule-check enforces, again: this pass may run alone.
    if (bm * bn != threads || threads % warpSize != 0)
      return kernel.emitOpError()
             << "config " << config
             << " is not a SIMT matmul schedule for warps of " << warpSize
             << " (tessera-schedule-check names the rule it breaks)";
    return emitKernel(
        host, loc, "matmul", config, sig, {matmulGrid}, 0,
        [&](OpBuilder &b, ValueRange params) -> LogicalResult {
          return buildSimtProgram(b, loc, params, matmul, config, bm, bn,
                                  warpSize, acc, lhsParam, rhsParam, kParam,
                                  tileEpilogue, split);
        });
  };

  for (const Variant &variant : variants)
    if (failed(emitConfig(variant, variant.splitUsed ? split : SplitK{1},
                          sig)))
      return failure();
  // After the kernels, a split's second kernel sums the slices (the
  // matmul's flops are its kernels').
  if (!split.enabled())
    return success();
  sig.flops = Value();
  return emitSplitKReduce(host, loc, sig, split, tileEpilogue, acc, m, n,
                          batch, splitUsed);
}

} // namespace mlir::tessera::schedule_to_tile
