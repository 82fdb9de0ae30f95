//===- Elementwise.cpp - Elementwise kernels ------------------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Elementwise kernels: each thread computes tile/threads elements of the
// output, evaluating the kernel body at one position (PointEvaluator, which
// the matmul epilogue uses too), with NumPy broadcasting of the inputs.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

//===----------------------------------------------------------------------===//
// Elementwise math at one output position
//===----------------------------------------------------------------------===//

FailureOr<Value> splatConstant(OpBuilder &b, graph::ConstantOp constant) {
  auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
  if (!dense || !dense.isSplat())
    return constant.emitOpError()
           << "is not a splat: the GPU lowering embeds only splat "
              "constants in this kernel; pass it as an input of the kernel "
              "(tessera-schedule-assign does)";
  return arith::ConstantOp::create(b, constant.getLoc(),
                                   dense.getSplatValue<TypedAttr>())
      .getResult();
}

FailureOr<Value> PointEvaluator::evaluate(OpBuilder &b, Value result) {
  IRMapping values;
  for (Operation &op : body.without_terminator()) {
    if (&op == anchor) {
      values.map(op.getResult(0), anchorValue);
      continue;
    }
    if (auto constant = dyn_cast<graph::ConstantOp>(op)) {
      FailureOr<Value> scalar = splatConstant(b, constant);
      if (failed(scalar))
        return failure();
      values.map(op.getResult(0), *scalar);
      continue;
    }
    if (anchor && op.isBeforeInBlock(anchor))
      continue; // the anchor's own inputs: computed by the caller
    SmallVector<Value> operands;
    for (Value operand : op.getOperands()) {
      if (Value known = values.lookupOrNull(operand)) {
        operands.push_back(known);
        continue;
      }
      auto arg = dyn_cast<BlockArgument>(operand);
      if (!arg)
        return op.emitOpError() << "operand is not computable at a point";
      Value loaded = load(arg);
      values.map(operand, loaded);
      operands.push_back(loaded);
    }
    ElementPosition at;
    if (usesStochasticRounding(&op)) {
      // (the element's indices are the output's: an op of another shape
      // would hash its own)
      auto type = cast<RankedTensorType>(op.getResult(0).getType());
      if (position.empty() || !positionType ||
          type.getShape() != positionType.getShape())
        return op.emitOpError()
               << "rounds stochastically in a kernel that knows only the "
                  "output's element indices, and its result "
               << type << " is not the output's shape";
      at = ElementPosition(position);
    }
    values.map(op.getResult(0),
               buildElementwiseScalar(b, op.getLoc(), &op, operands, at));
  }
  if (Value known = values.lookupOrNull(result))
    return known;
  if (auto arg = dyn_cast<BlockArgument>(result))
    return load(arg);
  return failure();
}


/// Offset into a (row-major, contiguous) input of shape `inputShape` at the
/// output multi-index `index` (of an output with sizes `outSizes`), with
/// NumPy broadcasting: the input's dims align to the output's trailing dims
/// and its static-1 dims are broadcast.
Value broadcastOffset(OpBuilder &b, Location loc,
                             ArrayRef<int64_t> inputShape,
                             ArrayRef<Value> outSizes, ArrayRef<Value> index) {
  int64_t rank = inputShape.size(), outRank = outSizes.size();
  Value offset = indexConstant(b, loc, 0);
  Value stride = indexConstant(b, loc, 1);
  for (int64_t d = rank - 1; d >= 0; --d) {
    if (inputShape[d] == 1)
      continue;
    int64_t od = d + outRank - rank;
    offset = arith::AddIOp::create(
        b, loc, offset, arith::MulIOp::create(b, loc, index[od], stride));
    stride = arith::MulIOp::create(b, loc, stride, outSizes[od]);
  }
  return offset;
}

/// True if an input of `inputShape` needs no broadcasting for an output of
/// `outShape`.
bool sameShape(ArrayRef<int64_t> inputShape, ArrayRef<int64_t> outShape) {
  if (inputShape.size() != outShape.size())
    return false;
  for (auto [i, o] : llvm::zip(inputShape, outShape))
    if ((i == 1) != (o == 1))
      return false;
  return true;
}

/// The multi-index of flat position `flat` in an output with `sizes`.
SmallVector<Value> unflatten(OpBuilder &b, Location loc, Value flat,
                                   ArrayRef<Value> sizes) {
  SmallVector<Value> index(sizes.size());
  Value rest = flat;
  for (int64_t d = sizes.size() - 1; d >= 0; --d) {
    index[d] = arith::RemUIOp::create(b, loc, rest, sizes[d]);
    rest = arith::DivUIOp::create(b, loc, rest, sizes[d]);
  }
  return index;
}

//===----------------------------------------------------------------------===//
// Elementwise kernels: each thread computes tile/threads elements
//===----------------------------------------------------------------------===//

LogicalResult lowerElementwise(HostState &host,
                                      schedule::KernelOp kernel) {
  Location loc = kernel.getLoc();
  Block &body = kernel.getBody().front();
  if (graph::TransposeOp transpose = getPureTranspose(body))
    return lowerTranspose(host, kernel, transpose);
  if (graph::ConcatOp concat = getPureConcat(body))
    return lowerConcat(host, kernel, concat);
  if (graph::CumsumOp cumsum = getLoneCumsum(body))
    return lowerCumsum(host, kernel, cumsum);
  if (hasIndexedOps(body)) // (and stochastic rounding: positions)
    return lowerIndexed(host, kernel);
  if (kernel.getNumResults() != 1)
    return kernel.emitOpError()
           << "has " << kernel.getNumResults()
           << " results; the GPU lowering of elementwise kernels takes one";
  auto resultType = cast<RankedTensorType>(kernel.getResult(0).getType());
  schedule::ConfigAttr config = kernel.getConfig();
  OpBuilder &hb = host.builder;

  SmallVector<Value> outSizes =
      broadcastSizes(host, loc, resultType, kernel.getInputs());
  Value out = allocate(host, loc, resultType, outSizes);
  host.buffers.map(kernel.getResult(0), out);

  KernelSignature sig;
  for (Value input : kernel.getInputs())
    sig.addBuffer(host.buffers.lookup(input));
  unsigned outParam = sig.addBuffer(out);
  SmallVector<int64_t> sizeParams; // output dim -> param, or -1 if static
  for (auto [d, size] : llvm::enumerate(resultType.getShape()))
    sizeParams.push_back(ShapedType::isDynamic(size)
                             ? int64_t(sig.addSize(outSizes[d]))
                             : -1);

  int64_t tile = config.getTile()[0], threads = config.getThreads();
  Value numel = product(hb, loc, outSizes);
  Value blocks = arith::CeilDivUIOp::create(hb, loc, numel,
                                            indexConstant(hb, loc, tile));
  auto yield = cast<schedule::YieldOp>(body.getTerminator());
  Value result = yield.getValues()[0];

  // The block's program: the `tile` output positions from pid * tile, as
  // register tiles spread over the block's warps, `vector` contiguous
  // elements per thread. Inputs of the output's shape are boxes of their
  // flat buffers; broadcast inputs are gathered at offsets computed from
  // the positions. The kernel body is evaluated per element (map), and the
  // result stored as a box; loads and stores are masked at the element
  // count.
  MLIRContext *ctx = host.module.getContext();
  int64_t warpSize = getWarpSize(host.module);
  int64_t vectorWidth = config.getVector();
  if (threads % warpSize != 0)
    return kernel.emitOpError()
           << "has " << threads << " threads per block, not whole warps of "
           << warpSize;
  auto encoding = tile::BlockedEncodingAttr::get(
      ctx, {threads / warpSize}, {warpSize}, {vectorWidth});
  auto tileOf = [&](Type element) {
    return RankedTensorType::get({tile}, element, encoding);
  };
  SmallVector<BlockArgument> used;
  for (BlockArgument arg : body.getArguments())
    if (!arg.use_empty())
      used.push_back(arg);

  return emitKernel(
      host, loc, "elementwise", config, sig, {blocks}, 0,
      [&](OpBuilder &b, ValueRange params) -> LogicalResult {
        SmallVector<Value> sizes;
        for (auto [d, size] : llvm::enumerate(resultType.getShape()))
          sizes.push_back(sizeParams[d] < 0 ? indexConstant(b, loc, size)
                                            : params[sizeParams[d]]);
        Value n = product(b, loc, sizes);
        Value base = arith::MulIOp::create(b, loc, programId(b, loc, 0),
                                           indexConstant(b, loc, tile));
        // Broadcast inputs: the multi-index of each position, once.
        Type indexTile = tileOf(b.getIndexType());
        auto splat = [&](Value v) -> Value {
          return tensor::SplatOp::create(b, loc, indexTile, v);
        };
        SmallVector<Value> index;
        auto positionIndex = [&]() -> ArrayRef<Value> {
          if (!index.empty())
            return index;
          Value range = tile::RangeOp::create(
              b, loc, tileOf(b.getI32Type()), b.getI64IntegerAttr(0),
              b.getI64IntegerAttr(tile));
          Value rest = arith::AddIOp::create(
              b, loc, arith::IndexCastOp::create(b, loc, indexTile, range),
              splat(base));
          index.resize(sizes.size());
          for (int64_t d = sizes.size() - 1; d >= 0; --d) {
            index[d] = arith::RemUIOp::create(b, loc, rest, splat(sizes[d]));
            rest = arith::DivUIOp::create(b, loc, rest, splat(sizes[d]));
          }
          return index;
        };
        SmallVector<Value> inputs;
        for (BlockArgument arg : used) {
          auto type = cast<RankedTensorType>(arg.getType());
          Value buffer = params[arg.getArgNumber()];
          if (sameShape(type.getShape(), resultType.getShape())) {
            inputs.push_back(tile::LoadTileOp::create(
                b, loc, tileOf(type.getElementType()), flatView(b, loc, buffer, n),
                ValueRange{base}));
            continue;
          }
          // NumPy broadcasting: the input's offset at each position.
          ArrayRef<Value> idx = positionIndex();
          int64_t rank = type.getRank(), outRank = sizes.size();
          Value offset = splat(indexConstant(b, loc, 0));
          Value stride = indexConstant(b, loc, 1);
          for (int64_t d = rank - 1; d >= 0; --d) {
            if (type.getDimSize(d) == 1)
              continue;
            int64_t od = d + outRank - rank;
            offset = arith::AddIOp::create(
                b, loc, offset,
                arith::MulIOp::create(b, loc, idx[od], splat(stride)));
            stride = arith::MulIOp::create(b, loc, stride, sizes[od]);
          }
          // `stride` is now the input's element count.
          inputs.push_back(tile::GatherOp::create(
              b, loc, tileOf(type.getElementType()), flatView(b, loc, buffer, stride),
              offset));
        }
        Type element = getElementTypeOrSelf(result.getType());
        auto map = tile::MapOp::create(b, loc, tileOf(element), inputs);
        OpBuilder mb = OpBuilder::atBlockBegin(&map.getBody().front());
        auto load = [&](BlockArgument arg) -> Value {
          return map.getBody().getArgument(llvm::find(used, arg) -
                                           used.begin());
        };
        PointEvaluator eval{body, load, nullptr, Value()};
        FailureOr<Value> value = eval.evaluate(mb, result);
        if (failed(value))
          return failure();
        tile::MapYieldOp::create(mb, loc, *value);
        tile::StoreTileOp::create(b, loc, map.getResult(),
                                  flatView(b, loc, params[outParam], n),
                                  ValueRange{base}, Value());
        return success();
      });
}
} // namespace mlir::tessera::schedule_to_tile
