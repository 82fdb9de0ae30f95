//===- RowReduction.cpp - Row kernels: softmax, norms, row reductions -----===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Row kernels: one block per row of the trailing (reduced) dims, block-wide
// reductions with gpu.all_reduce: softmax and log_softmax, layer and RMS
// norm, and reductions over the trailing dims.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

//===----------------------------------------------------------------------===//
// Row kernels: one block per row, block-wide reductions
//===----------------------------------------------------------------------===//

/// Loops `c` over this thread's columns of a row (tid, tid + T, ...),
/// carrying `inits`; `step` returns the new values.
static SmallVector<Value>
rowLoop(OpBuilder &b, Location loc, Value tid, int64_t threads, Value cols,
        ValueRange inits,
        function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)> step) {
  auto loop = scf::ForOp::create(
      b, loc, tid, cols, indexConstant(b, loc, threads), inits,
      [&](OpBuilder &lb, Location l, Value c, ValueRange carried) {
        scf::YieldOp::create(lb, l, step(lb, c, carried));
      });
  return SmallVector<Value>(loop.getResults());
}

static Value allReduce(OpBuilder &b, Location loc, Value value,
                       gpu::AllReduceOperation kind) {
  return gpu::AllReduceOp::create(
      b, loc, value, gpu::AllReduceOperationAttr::get(b.getContext(), kind),
      /*uniform=*/true);
}

LogicalResult lowerRow(HostState &host, schedule::KernelOp kernel,
                              Operation *anchor) {
  Location loc = kernel.getLoc();
  schedule::ConfigAttr config = kernel.getConfig();
  OpBuilder &hb = host.builder;
  Value input = anchor->getOperand(0);
  auto inputType = cast<RankedTensorType>(input.getType());
  auto resultType = cast<RankedTensorType>(anchor->getResult(0).getType());
  int64_t rank = inputType.getRank();
  Type element = inputType.getElementType();
  Type compute = getAccumulateType(anchor, element);

  // Columns: the reduced trailing dims (the last dim for the others).
  int64_t firstReduced = rank - 1;
  auto reduce = dyn_cast<graph::ReduceOp>(anchor);
  if (reduce)
    firstReduced = rank - static_cast<int64_t>(reduce.getDims().size());

  auto hostValue = [&](Value v) {
    auto arg = cast<BlockArgument>(v);
    return kernel.getInputs()[arg.getArgNumber()];
  };
  Value hostInput = hostValue(input);
  ArrayRef<Value> inSizes = host.sizesOf(hostInput);
  Value rows = product(hb, loc, inSizes.take_front(firstReduced));
  Value cols = product(hb, loc, inSizes.drop_front(firstReduced));

  SmallVector<Value> outSizes;
  if (reduce) {
    for (int64_t d = 0; d < rank; ++d) {
      if (d < firstReduced)
        outSizes.push_back(inSizes[d]);
      else if (reduce.getKeepdim())
        outSizes.push_back(indexConstant(hb, loc, 1));
    }
  } else {
    outSizes.assign(inSizes.begin(), inSizes.end());
  }
  Value out = allocate(host, loc, resultType, outSizes);
  host.buffers.map(kernel.getResult(0), out);

  KernelSignature sig;
  unsigned xParam = sig.addBuffer(host.buffers.lookup(hostInput));
  int64_t wParam = -1, bParam = -1;
  double epsilon = 0;
  if (auto norm = dyn_cast<graph::LayerNormOp>(anchor)) {
    if (norm.getWeight())
      wParam = sig.addBuffer(host.buffers.lookup(hostValue(norm.getWeight())));
    if (norm.getBias())
      bParam = sig.addBuffer(host.buffers.lookup(hostValue(norm.getBias())));
    epsilon = norm.getEpsilon().convertToDouble();
  } else if (auto norm = dyn_cast<graph::RmsNormOp>(anchor)) {
    if (norm.getWeight())
      wParam = sig.addBuffer(host.buffers.lookup(hostValue(norm.getWeight())));
    epsilon = norm.getEpsilon().convertToDouble();
  }
  for (Value operand : anchor->getOperands().drop_front())
    requireBroadcastsTo(host, loc, hostValue(operand), inSizes,
                        "'" + anchor->getName().getStringRef().str() +
                            "' weight or bias against the input");
  unsigned outParam = sig.addBuffer(out);
  unsigned colsParam = sig.addSize(cols);
  int64_t threads = config.getThreads();

  return emitKernel(
      host, loc, "row", config, sig, {rows},
      /*sharedBytes=*/0,
      [&](OpBuilder &b, ValueRange params) -> LogicalResult {
        Value cols = params[colsParam];
        Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
        Value row = programId(b, loc, 0);
        Value base = arith::MulIOp::create(b, loc, row, cols);
        auto at = [&](OpBuilder &lb, Value c) {
          return arith::AddIOp::create(lb, loc, base, c).getResult();
        };
        auto loadX = [&](OpBuilder &lb, Value c) -> Value {
          Value x = tile::LoadOp::create(lb, loc, params[xParam], at(lb, c));
          return convertScalar(lb, loc, x, compute);
        };
        auto store = [&](OpBuilder &lb, Value c, Value y) {
          tile::StoreOp::create(lb, loc, buildStorageScalar(anchor, lb, loc, y, element),
                                params[outParam], at(lb, c), Value());
        };
        auto sumOf = [&](function_ref<Value(OpBuilder &, Value)> term) {
          Value partial =
              rowLoop(b, loc, tid, threads, cols, {zeroOf(b, loc, compute)},
                      [&](OpBuilder &lb, Value c, ValueRange acc) -> SmallVector<Value> {
                        return SmallVector<Value>{arith::AddFOp::create(
                            lb, loc, acc[0], term(lb, c))};
                      })[0];
          return allReduce(b, loc, partial, gpu::AllReduceOperation::ADD);
        };
        auto forEach = [&](function_ref<void(OpBuilder &, Value)> fn) {
          rowLoop(b, loc, tid, threads, cols, {},
                  [&](OpBuilder &lb, Value c, ValueRange) {
                    fn(lb, c);
                    return SmallVector<Value>{};
                  });
        };
        Value count = indexToFloat(b, loc, cols, compute);

        if (isa<graph::SoftmaxOp, graph::LogSoftmaxOp>(anchor)) {
          Value negInf = arith::ConstantOp::create(
              b, loc, compute,
              b.getFloatAttr(compute,
                             APFloat::getInf(cast<FloatType>(compute)
                                                 .getFloatSemantics(),
                                             /*Negative=*/true)));
          Value localMax =
              rowLoop(b, loc, tid, threads, cols, {negInf},
                      [&](OpBuilder &lb, Value c, ValueRange acc) -> SmallVector<Value> {
                        return SmallVector<Value>{arith::MaximumFOp::create(
                            lb, loc, acc[0], loadX(lb, c))};
                      })[0];
          Value max =
              allReduce(b, loc, localMax, gpu::AllReduceOperation::MAXIMUMF);
          Value sum = sumOf([&](OpBuilder &lb, Value c) -> Value {
            return math::ExpOp::create(
                lb, loc, arith::SubFOp::create(lb, loc, loadX(lb, c), max));
          });
          bool log = isa<graph::LogSoftmaxOp>(anchor);
          Value logSum = log ? Value(math::LogOp::create(b, loc, sum)) : Value();
          Value inv = log ? Value()
                          : Value(arith::DivFOp::create(
                                b, loc, floatConstant(b, loc, compute, 1.0),
                                sum));
          forEach([&](OpBuilder &lb, Value c) {
            Value shifted = arith::SubFOp::create(lb, loc, loadX(lb, c), max);
            Value y = log ? Value(arith::SubFOp::create(lb, loc, shifted,
                                                        logSum))
                          : Value(arith::MulFOp::create(
                                lb, loc, math::ExpOp::create(lb, loc, shifted),
                                inv));
            store(lb, c, y);
          });
          return success();
        }

        if (isa<graph::LayerNormOp, graph::RmsNormOp>(anchor)) {
          bool centered = isa<graph::LayerNormOp>(anchor);
          Value mean;
          if (centered)
            mean = arith::DivFOp::create(
                b, loc,
                sumOf([&](OpBuilder &lb, Value c) -> Value { return loadX(lb, c); }),
                count);
          auto centeredX = [&](OpBuilder &lb, Value c) -> Value {
            Value x = loadX(lb, c);
            return centered ? Value(arith::SubFOp::create(lb, loc, x, mean))
                            : x;
          };
          Value squares = sumOf([&](OpBuilder &lb, Value c) -> Value {
            Value x = centeredX(lb, c);
            return arith::MulFOp::create(lb, loc, x, x).getResult();
          });
          Value inv = math::RsqrtOp::create(
              b, loc,
              arith::AddFOp::create(
                  b, loc, arith::DivFOp::create(b, loc, squares, count),
                  floatConstant(b, loc, compute, epsilon)));
          forEach([&](OpBuilder &lb, Value c) {
            Value y = arith::MulFOp::create(lb, loc, centeredX(lb, c), inv);
            if (wParam >= 0)
              y = arith::MulFOp::create(
                  lb, loc, y,
                  convertScalar(lb, loc,
                                tile::LoadOp::create(lb, loc, params[wParam], c),
                                compute));
            if (bParam >= 0)
              y = arith::AddFOp::create(
                  lb, loc, y,
                  convertScalar(lb, loc,
                                tile::LoadOp::create(lb, loc, params[bParam], c),
                                compute));
            store(lb, c, y);
          });
          return success();
        }

        // reduce over the trailing dims.
        graph::ReduceKind kind = reduce.getKind();
        unsigned k = static_cast<unsigned>(kind);
        gpu::AllReduceOperation op =
            kind == graph::ReduceKind::max   ? gpu::AllReduceOperation::MAXIMUMF
            : kind == graph::ReduceKind::min ? gpu::AllReduceOperation::MINIMUMF
                                             : gpu::AllReduceOperation::ADD;
        Value partial =
            rowLoop(b, loc, tid, threads, cols,
                    {buildReductionInit(b, loc, k, compute)},
                    [&](OpBuilder &lb, Value c, ValueRange acc) -> SmallVector<Value> {
                      return {buildReductionCombine(lb, loc, k, acc[0],
                                                    loadX(lb, c))};
                    })[0];
        Value total = allReduce(b, loc, partial, op);
        if (kind == graph::ReduceKind::mean)
          total = arith::DivFOp::create(b, loc, total, count);
        Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                            tid, indexConstant(b, loc, 0));
        tile::StoreOp::create(b, loc, buildStorageScalar(anchor, b, loc, total, element),
                              params[outParam], row, first);
        return success();
      });
}

} // namespace mlir::tessera::schedule_to_tile
