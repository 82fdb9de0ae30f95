//===- Scan.cpp - Running sums along a dim --------------------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// A kernel of one cumsum: the input seen as [outer, n, inner] (the dims
// before the scanned one, the scanned one, those after it); each block owns
// a box of (outer, inner) positions and walks the n slices in order, adding
// each into a running sum (in the op's accumulate type) and storing it,
// rounded once per element. The schedule's `tile` is the box's positions,
// `vector` the contiguous ones a thread holds along inner. Each slice of a box is a strided box of the
// buffers ([outer, inner] at k * inner, rows n * inner apart): boxes along
// `inner` are contiguous, and a scan along the last dim (inner = 1) walks
// one element of each of the block's rows per step.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

graph::CumsumOp getLoneCumsum(Block &body) {
  return getLoneOp<graph::CumsumOp>(body);
}

LogicalResult lowerCumsum(HostState &host, schedule::KernelOp kernel,
                          graph::CumsumOp cumsum) {
  Location loc = kernel.getLoc();
  MLIRContext *ctx = host.module.getContext();
  OpBuilder &hb = host.builder;
  auto type = cast<RankedTensorType>(cumsum.getType());
  Type element = type.getElementType();
  Type acc = getAccumulateType(cumsum, element);
  int64_t rank = type.getRank(), dim = cumsum.getDim();
  schedule::ConfigAttr config = kernel.getConfig();

  Value input = kernel.getInputs()[0];
  SmallVector<Value> sizes(host.sizesOf(input));
  Value out = allocate(host, loc, type, sizes);
  host.buffers.map(kernel.getResult(0), out);
  KernelSignature sig;
  unsigned inParam = sig.addBuffer(host.buffers.lookup(input));
  unsigned outParam = sig.addBuffer(out);
  SmallVector<int64_t> sizeParams = addSizeParams(sig, type, sizes);

  // The box: `tile` positions over (outer, inner): along inner (`vector`
  // contiguous elements a thread) where there are dims after the scanned
  // one, else one element of each of `tile` rows.
  int64_t warpSize = getWarpSize(host.module);
  int64_t warps = config.getThreads() / warpSize;
  int64_t vector = config.getVector(), tile = config.getTile()[0];
  bool lastDim = dim == rank - 1;
  if (lastDim && vector != 1)
    return kernel.emitOpError()
           << "has a cumsum schedule (" << config
           << ") with vector = " << vector
           << ", but a scan along the last dim takes one element of each row "
              "a step: use vector = 1";
  int64_t laneCols = lastDim ? 1 : warpSize;
  int64_t cols = laneCols * (lastDim ? 1 : vector);
  int64_t rows = tile / cols;
  int64_t footprint = warps * (warpSize / laneCols);
  if (rows < footprint || rows % footprint != 0)
    return kernel.emitOpError()
           << "has a cumsum schedule (" << config << ") whose tile of "
           << tile << " positions is not a multiple of the "
           << footprint * cols << " its threads hold";
  auto encoding = tile::BlockedEncodingAttr::get(
      ctx, {warps, 1}, {warpSize / laneCols, laneCols},
      {1, lastDim ? 1 : vector});
  auto boxType = RankedTensorType::get({rows, cols}, element, encoding);
  auto accType = RankedTensorType::get({rows, cols}, acc, encoding);

  auto split = [&](OpBuilder &b, ArrayRef<Value> s) {
    return std::make_tuple(product(b, loc, s.take_front(dim)), s[dim],
                           product(b, loc, s.drop_front(dim + 1)));
  };
  Value hostOuter, hostInner;
  std::tie(hostOuter, std::ignore, hostInner) = split(hb, sizes);
  SmallVector<Value> extents{
      arith::CeilDivUIOp::create(hb, loc, hostInner,
                                 indexConstant(hb, loc, cols)),
      arith::CeilDivUIOp::create(hb, loc, hostOuter,
                                 indexConstant(hb, loc, rows))};
  Value blocks = product(hb, loc, extents);

  return emitKernel(
      host, loc, "cumsum", config, sig, {blocks}, 0,
      [&](OpBuilder &b, ValueRange params) -> LogicalResult {
        SmallVector<Value> s =
            sizesFromParams(b, loc, type, params, sizeParams);
        Value outer, n, inner;
        std::tie(outer, n, inner) = split(b, s);
        SmallVector<Value> ids = flatBlockIds(
            b, loc,
            {arith::CeilDivUIOp::create(b, loc, inner,
                                        indexConstant(b, loc, cols))
                 .getResult(),
             Value()});
        Value c0 = arith::MulIOp::create(b, loc, ids[0],
                                         indexConstant(b, loc, cols));
        Value r0 = arith::MulIOp::create(b, loc, ids[1],
                                         indexConstant(b, loc, rows));
        Value rowStride = arith::MulIOp::create(b, loc, n, inner);
        Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(acc));
        Value start = tensor::SplatOp::create(b, loc, accType, zero);
        auto loop = scf::ForOp::create(b, loc, indexConstant(b, loc, 0), n,
                                       indexConstant(b, loc, 1),
                                       ValueRange{start});
        OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
        Value k = loop.getInductionVar();
        Value offset = arith::MulIOp::create(lb, loc, k, inner);
        auto slice = [&](unsigned param) {
          return stridedView(lb, loc, params[param], offset, {outer, inner},
                             {rowStride, indexConstant(lb, loc, 1)});
        };
        Value x = tile::LoadTileOp::create(lb, loc, boxType, slice(inParam),
                                           ValueRange{r0, c0});
        Value sum = mapTiles(
            lb, loc, accType, ValueRange{x, loop.getRegionIterArg(0)},
            [&](OpBuilder &mb, ValueRange e) -> Value {
              Value v = convertScalar(mb, loc, e[0], acc);
              return isa<FloatType>(acc)
                         ? arith::AddFOp::create(mb, loc, v, e[1]).getResult()
                         : arith::AddIOp::create(mb, loc, v, e[1]).getResult();
            });
        Value rounded = mapTiles(lb, loc, boxType, ValueRange{sum},
                                 [&](OpBuilder &mb, ValueRange e) -> Value {
                                   return buildStorageScalar(cumsum, mb, loc,
                                                             e[0], element);
                                 });
        tile::StoreTileOp::create(lb, loc, rounded, slice(outParam),
                                  ValueRange{r0, c0}, Value());
        scf::YieldOp::create(lb, loc, sum);
        return success();
      });
}

} // namespace mlir::tessera::schedule_to_tile
