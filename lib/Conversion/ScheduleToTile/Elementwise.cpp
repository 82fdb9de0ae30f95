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

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

//===----------------------------------------------------------------------===//
// Elementwise math at one output position
//===----------------------------------------------------------------------===//

FailureOr<Value> PointEvaluator::evaluate(OpBuilder &b, Value result) {
  IRMapping values;
  for (Operation &op : body.without_terminator()) {
    if (&op == anchor) {
      values.map(op.getResult(0), anchorValue);
      continue;
    }
    if (auto constant = dyn_cast<graph::ConstantOp>(op)) {
      auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
      if (!dense || !dense.isSplat())
        return constant.emitOpError()
               << "is not a splat: the GPU lowering supports only splat "
                  "constants inside kernels yet";
      values.map(op.getResult(0),
                 arith::ConstantOp::create(b, op.getLoc(),
                                           dense.getSplatValue<TypedAttr>()));
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
    values.map(op.getResult(0),
               buildElementwiseScalar(b, op.getLoc(), &op, operands));
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

  return emitKernel(
      host, loc, "elementwise", config, sig, {blocks}, 0,
      [&](OpBuilder &b, ValueRange params) -> LogicalResult {
        SmallVector<Value> sizes;
        for (auto [d, size] : llvm::enumerate(resultType.getShape()))
          sizes.push_back(sizeParams[d] < 0 ? indexConstant(b, loc, size)
                                            : params[sizeParams[d]]);
        Value n = product(b, loc, sizes);
        Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
        Value pid = programId(b, loc, 0);
        Value base = arith::MulIOp::create(b, loc, pid,
                                           indexConstant(b, loc, tile));
        auto loop = scf::ForOp::create(b, loc, indexConstant(b, loc, 0),
                                       indexConstant(b, loc, tile / threads),
                                       indexConstant(b, loc, 1));
        OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
        Value j = loop.getInductionVar();
        Value i = arith::AddIOp::create(
            lb, loc, base,
            arith::AddIOp::create(
                lb, loc,
                arith::MulIOp::create(lb, loc, j,
                                      indexConstant(lb, loc, threads)),
                tid));
        Value mask = arith::CmpIOp::create(lb, loc, arith::CmpIPredicate::ult,
                                           i, n);
        SmallVector<Value> index;
        auto load = [&](BlockArgument arg) -> Value {
          auto type = cast<RankedTensorType>(arg.getType());
          Value offset = i;
          if (!sameShape(type.getShape(), resultType.getShape())) {
            if (index.empty())
              index = unflatten(lb, loc, i, sizes);
            offset = broadcastOffset(lb, loc, type.getShape(), sizes, index);
          }
          Value buffer = params[arg.getArgNumber()];
          return tile::LoadOp::create(
              lb, loc, buffer, offset, mask,
              zeroOf(lb, loc, type.getElementType()));
        };
        PointEvaluator eval{body, load, nullptr, Value()};
        FailureOr<Value> value = eval.evaluate(lb, result);
        if (failed(value))
          return failure();
        tile::StoreOp::create(lb, loc, *value, params[outParam], i, mask);
        return success();
      });
}

} // namespace mlir::tessera::schedule_to_tile
