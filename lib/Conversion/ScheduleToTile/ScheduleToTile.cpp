//===- ScheduleToTile.cpp - Schedule IR kernels to Tile IR ----------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Each tessera_schedule.kernel becomes a tessera_target.kernel whose body is
// Tile IR: the code one thread block runs, on flat buffers passed by bare
// pointer plus index sizes. The function holding the kernels becomes a host
// function on memrefs: it computes sizes, allocates results and
// temporaries with tessera_target.allocate and launches the kernels with
// tessera_target.launch, the grid a function of the input sizes.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "Tessera/Conversion/Passes.h"
#include "Tessera/Dialect/Graph/IR/GraphOps.h"
#include "Tessera/Dialect/Schedule/IR/ScheduleOps.h"
#include "Tessera/Dialect/Schedule/Transforms/KernelKinds.h"
#include "Tessera/Dialect/Target/IR/TargetOps.h"
#include "Tessera/Dialect/Tile/IR/TileOps.h"
#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/TypeUtilities.h"

namespace mlir::tessera {
#define GEN_PASS_DEF_CONVERTTESSERASCHEDULETOTILE
#include "Tessera/Conversion/Passes.h.inc"
} // namespace mlir::tessera

using namespace mlir;
using namespace mlir::tessera;
using schedule::KernelKind;
using schedule::KernelShape;

//===----------------------------------------------------------------------===//
// Small builders
//===----------------------------------------------------------------------===//

static Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

static Value product(OpBuilder &b, Location loc, ArrayRef<Value> values) {
  Value result = indexConstant(b, loc, 1);
  for (Value v : values)
    result = arith::MulIOp::create(b, loc, result, v);
  return result;
}

static Value zeroOf(OpBuilder &b, Location loc, Type type) {
  return arith::ConstantOp::create(b, loc, type, b.getZeroAttr(type));
}

static Value floatConstant(OpBuilder &b, Location loc, Type type, double v) {
  return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, v));
}

static Value indexToFloat(OpBuilder &b, Location loc, Value index, Type type) {
  Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
  return arith::SIToFPOp::create(b, loc, type, i64);
}

static Value programId(OpBuilder &b, Location loc, int64_t axis) {
  return tile::ProgramIdOp::create(b, loc, b.getIndexType(),
                                   b.getI64IntegerAttr(axis));
}

/// Coordinates of this block in a flat grid over `extents` (the first
/// fastest), as a grid of those extents would number them; a flat grid has
/// no 65535 limit on its y and z extents.
static SmallVector<Value> flatBlockIds(OpBuilder &b, Location loc,
                                       ArrayRef<Value> extents) {
  // In 32 bits (a block index is below 2^31): 64-bit division is a long
  // instruction sequence on GPUs.
  Type i32 = b.getI32Type();
  auto narrow = [&](Value v) {
    return arith::IndexCastUIOp::create(b, loc, i32, v).getResult();
  };
  auto widen = [&](Value v) {
    return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), v)
        .getResult();
  };
  SmallVector<Value> ids;
  Value rest = narrow(programId(b, loc, 0));
  for (auto [i, extent] : llvm::enumerate(extents)) {
    if (i + 1 == extents.size()) {
      ids.push_back(widen(rest));
      break;
    }
    // An empty extent launches no blocks; max(extent, 1) keeps the
    // division defined.
    Value e = arith::MaxUIOp::create(b, loc, narrow(extent),
                                     arith::ConstantIntOp::create(b, loc, i32, 1));
    ids.push_back(widen(arith::RemUIOp::create(b, loc, rest, e)));
    rest = arith::DivUIOp::create(b, loc, rest, e);
  }
  return ids;
}

/// Blocks of a matmul kernel: tiles of N fastest, then tiles of M, then
/// batch entries.
static SmallVector<Value> matmulBlockIds(OpBuilder &b, Location loc, Value m,
                                         Value n, int64_t bm, int64_t bn) {
  Value nTiles = arith::CeilDivUIOp::create(b, loc, n, indexConstant(b, loc, bn));
  Value mTiles = arith::CeilDivUIOp::create(b, loc, m, indexConstant(b, loc, bm));
  return flatBlockIds(b, loc, {nTiles, mTiles, Value()});
}

static MemRefType flatBufferType(Type element) {
  return MemRefType::get({ShapedType::kDynamic}, element);
}

//===----------------------------------------------------------------------===//
// Kernel signatures
//===----------------------------------------------------------------------===//

namespace {
/// The parameters of a kernel being built, with the host values the launch
/// passes for them: flat buffers (bare pointers) first-come, then sizes.
struct KernelSignature {
  SmallVector<Value> hostArgs;
  SmallVector<Type> types;

  unsigned addBuffer(Value hostMemRef) {
    hostArgs.push_back(hostMemRef);
    types.push_back(flatBufferType(
        cast<MemRefType>(hostMemRef.getType()).getElementType()));
    return types.size() - 1;
  }
  unsigned addValue(Value hostValue) {
    hostArgs.push_back(hostValue);
    types.push_back(hostValue.getType());
    return types.size() - 1;
  }
  unsigned addSize(Value hostIndex) {
    hostArgs.push_back(hostIndex);
    types.push_back(IndexType::get(hostIndex.getContext()));
    return types.size() - 1;
  }
};

/// State of the host function being built.
struct HostState {
  ModuleOp module;
  OpBuilder builder;            // in the host function
  IRMapping buffers;            // graph tensor -> host memref
  DenseMap<Value, SmallVector<Value>> sizes; // host memref -> its sizes
  std::string name;
  unsigned kernels = 0;

  ArrayRef<Value> sizesOf(Value tensor) { return sizes[buffers.lookup(tensor)]; }
};
} // namespace

/// Sizes of a host memref: constants for static dims, memref.dim otherwise.
static SmallVector<Value> hostSizes(OpBuilder &b, Location loc, Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  SmallVector<Value> sizes;
  for (auto [d, size] : llvm::enumerate(type.getShape()))
    sizes.push_back(ShapedType::isDynamic(size)
                        ? Value(memref::DimOp::create(b, loc, memref, d))
                        : indexConstant(b, loc, size));
  return sizes;
}

/// Allocates a host buffer of tensor type `type` with `sizes`.
static Value allocate(HostState &host, Location loc, RankedTensorType type,
                      ArrayRef<Value> sizes) {
  SmallVector<Value> dynamic;
  for (auto [d, size] : llvm::enumerate(type.getShape()))
    if (ShapedType::isDynamic(size))
      dynamic.push_back(sizes[d]);
  auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
  Value buffer =
      target::AllocateOp::create(host.builder, loc, memrefType, dynamic);
  host.sizes[buffer] = llvm::to_vector(sizes);
  return buffer;
}

/// Creates the kernel function and the launch; `body` fills the kernel.
static LogicalResult
emitKernel(HostState &host, Location loc, StringRef kind,
           schedule::ConfigAttr config, KernelSignature &sig,
           ArrayRef<Value> grid, int64_t sharedBytes,
           function_ref<LogicalResult(OpBuilder &, ValueRange)> body) {
  MLIRContext *ctx = host.module.getContext();
  std::string name =
      (host.name + "_k" + Twine(host.kernels++) + "_" + kind).str();
  OpBuilder mb = OpBuilder::atBlockEnd(host.module.getBody());
  auto kernel = target::KernelOp::create(
      mb, loc, StringAttr::get(ctx, name),
      TypeAttr::get(FunctionType::get(ctx, sig.types, {})),
      /*config=*/target::KernelConfigAttr(), /*arg_attrs=*/nullptr,
      /*res_attrs=*/nullptr);
  kernel->setAttr("tessera.schedule", config);
  Block *entry = new Block();
  kernel.getBody().push_back(entry);
  for (Type type : sig.types)
    entry->addArgument(type, loc);
  OpBuilder kb = OpBuilder::atBlockBegin(entry);
  if (failed(body(kb, entry->getArguments())))
    return failure();
  target::ReturnOp::create(kb, loc);

  SmallVector<int64_t> block{config.getThreads()};
  block.resize(grid.size(), 1);
  target::LaunchOp::create(host.builder, loc, FlatSymbolRefAttr::get(kernel),
                           grid, host.builder.getDenseI64ArrayAttr(block),
                           host.builder.getI64IntegerAttr(sharedBytes),
                           sig.hostArgs);
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise math at one output position
//===----------------------------------------------------------------------===//

namespace {
/// Evaluates the elementwise ops of a kernel body at one output position:
/// block arguments are loaded through `load`, the anchor's value (if any)
/// is given.
struct PointEvaluator {
  Block &body;
  function_ref<Value(BlockArgument)> load;
  Operation *anchor = nullptr;
  Value anchorValue;

  FailureOr<Value> evaluate(OpBuilder &b, Value result) {
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
};
} // namespace

/// Offset into a (row-major, contiguous) input of shape `inputShape` at the
/// output multi-index `index` (of an output with sizes `outSizes`), with
/// NumPy broadcasting: the input's dims align to the output's trailing dims
/// and its static-1 dims are broadcast.
static Value broadcastOffset(OpBuilder &b, Location loc,
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
static bool sameShape(ArrayRef<int64_t> inputShape, ArrayRef<int64_t> outShape) {
  if (inputShape.size() != outShape.size())
    return false;
  for (auto [i, o] : llvm::zip(inputShape, outShape))
    if ((i == 1) != (o == 1))
      return false;
  return true;
}

/// The multi-index of flat position `flat` in an output with `sizes`.
static SmallVector<Value> unflatten(OpBuilder &b, Location loc, Value flat,
                                   ArrayRef<Value> sizes) {
  SmallVector<Value> index(sizes.size());
  Value rest = flat;
  for (int64_t d = sizes.size() - 1; d >= 0; --d) {
    index[d] = arith::RemUIOp::create(b, loc, rest, sizes[d]);
    rest = arith::DivUIOp::create(b, loc, rest, sizes[d]);
  }
  return index;
}

/// Makes `a == b` a launch condition (tessera_target.require_equal) unless
/// it holds by construction: the kernels index by the sizes the Graph IR
/// verifier assumed equal, and the runtime must refuse arguments where they
/// differ instead of reading out of bounds.
static void requireEqual(HostState &host, Location loc, Value a, Value b,
                         const Twine &reason) {
  if (a == b)
    return;
  std::optional<int64_t> ca = getConstantIntValue(a), cb = getConstantIntValue(b);
  if (ca && cb && *ca == *cb)
    return;
  target::RequireEqualOp::create(host.builder, loc, a, b,
                                 host.builder.getStringAttr(reason.str()));
}

/// Requires the dynamic dims of `input` (a host-level graph value) to equal
/// the sizes they broadcast to (aligned at the trailing dims).
static void requireBroadcastsTo(HostState &host, Location loc, Value input,
                                ArrayRef<Value> target, StringRef reason) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t offset = static_cast<int64_t>(target.size()) - type.getRank();
  ArrayRef<Value> sizes = host.sizesOf(input);
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (ShapedType::isDynamic(type.getDimSize(d)) && d + offset >= 0)
      requireEqual(host, loc, target[d + offset], sizes[d],
                   reason + " (dimension " + Twine(d + offset) + ")");
}

/// Host sizes of the broadcast of `inputs` to `resultType`.
static SmallVector<Value> broadcastSizes(HostState &host, Location loc,
                                         RankedTensorType resultType,
                                         ValueRange inputs) {
  SmallVector<Value> sizes;
  int64_t rank = resultType.getRank();
  for (int64_t d = 0; d < rank; ++d) {
    int64_t size = resultType.getDimSize(d);
    if (!ShapedType::isDynamic(size)) {
      sizes.push_back(indexConstant(host.builder, loc, size));
      continue;
    }
    Value found;
    for (Value input : inputs) {
      auto type = cast<RankedTensorType>(input.getType());
      int64_t id = d - (rank - type.getRank());
      if (id >= 0 && ShapedType::isDynamic(type.getDimSize(id))) {
        found = host.sizesOf(input)[id];
        break;
      }
    }
    sizes.push_back(found);
  }
  for (Value input : inputs)
    requireBroadcastsTo(host, loc, input, sizes,
                        "operands broadcast together");
  return sizes;
}

//===----------------------------------------------------------------------===//
// Elementwise kernels: each thread computes tile/threads elements
//===----------------------------------------------------------------------===//

static LogicalResult lowerElementwise(HostState &host,
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

static LogicalResult lowerRow(HostState &host, schedule::KernelOp kernel,
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

//===----------------------------------------------------------------------===//
// Column kernels: reduce over leading dims, one thread per column
//===----------------------------------------------------------------------===//

static LogicalResult lowerColumn(HostState &host, schedule::KernelOp kernel,
                                 graph::ReduceOp reduce) {
  Location loc = kernel.getLoc();
  schedule::ConfigAttr config = kernel.getConfig();
  OpBuilder &hb = host.builder;
  auto inputType = reduce.getInput().getType();
  auto resultType = cast<RankedTensorType>(reduce.getType());
  int64_t rank = inputType.getRank();
  int64_t reduced = reduce.getDims().size();
  Type element = inputType.getElementType();
  Type compute = getAccumulateType(reduce, element);

  Value hostInput =
      kernel.getInputs()[cast<BlockArgument>(reduce.getInput()).getArgNumber()];
  ArrayRef<Value> inSizes = host.sizesOf(hostInput);
  Value rows = product(hb, loc, inSizes.take_front(reduced));
  Value cols = product(hb, loc, inSizes.drop_front(reduced));
  SmallVector<Value> outSizes;
  for (int64_t d = 0; d < rank; ++d) {
    if (d >= reduced)
      outSizes.push_back(inSizes[d]);
    else if (reduce.getKeepdim())
      outSizes.push_back(indexConstant(hb, loc, 1));
  }
  Value out = allocate(host, loc, resultType, outSizes);
  host.buffers.map(kernel.getResult(0), out);

  KernelSignature sig;
  unsigned xParam = sig.addBuffer(host.buffers.lookup(hostInput));
  unsigned outParam = sig.addBuffer(out);
  unsigned rowsParam = sig.addSize(rows);
  unsigned colsParam = sig.addSize(cols);
  int64_t tile = config.getTile()[0], threads = config.getThreads();
  Value blocks = arith::CeilDivUIOp::create(hb, loc, cols,
                                            indexConstant(hb, loc, tile));
  graph::ReduceKind kind = reduce.getKind();

  return emitKernel(
      host, loc, "column", config, sig, {blocks}, 0,
      [&](OpBuilder &b, ValueRange params) -> LogicalResult {
        Value rows = params[rowsParam], cols = params[colsParam];
        Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
        Value pid = programId(b, loc, 0);
        Value base =
            arith::MulIOp::create(b, loc, pid, indexConstant(b, loc, tile));
        auto perThread = scf::ForOp::create(
            b, loc, indexConstant(b, loc, 0),
            indexConstant(b, loc, tile / threads), indexConstant(b, loc, 1));
        OpBuilder lb = OpBuilder::atBlockBegin(perThread.getBody());
        Value col = arith::AddIOp::create(
            lb, loc, base,
            arith::AddIOp::create(
                lb, loc,
                arith::MulIOp::create(lb, loc, perThread.getInductionVar(),
                                      indexConstant(lb, loc, threads)),
                tid));
        Value mask =
            arith::CmpIOp::create(lb, loc, arith::CmpIPredicate::ult, col, cols);
        unsigned k = static_cast<unsigned>(kind);
        Value init = buildReductionInit(lb, loc, k, compute);
        auto loop = scf::ForOp::create(
            lb, loc, indexConstant(lb, loc, 0), rows, indexConstant(lb, loc, 1),
            ValueRange{init},
            [&](OpBuilder &ib, Location l, Value r, ValueRange acc) {
              Value offset = arith::AddIOp::create(
                  ib, l, arith::MulIOp::create(ib, l, r, cols), col);
              Value x = convertScalar(
                  ib, l,
                  tile::LoadOp::create(ib, l, params[xParam], offset, mask,
                                       zeroOf(ib, l, element)),
                  compute);
              Value next = buildReductionCombine(ib, l, k, acc[0], x);
              scf::YieldOp::create(ib, l, next);
            });
        Value total = loop.getResult(0);
        if (kind == graph::ReduceKind::mean)
          total = arith::DivFOp::create(lb, loc, total,
                                        indexToFloat(lb, loc, rows, compute));
        tile::StoreOp::create(lb, loc,
                              buildStorageScalar(reduce, lb, loc, total, element),
                              params[outParam], col, mask);
        return success();
      });
}

//===----------------------------------------------------------------------===//
// Matmul kernels with an elementwise epilogue
//===----------------------------------------------------------------------===//

/// True (i1) where `buffer`'s data pointer is 16-byte aligned: cp.async
/// copies 16 bytes at a time from 16-byte aligned addresses; a buffer that
/// is a view into another (an offset slice) may not be.
static Value pointerIs16ByteAligned(OpBuilder &b, Location loc, Value buffer) {
  Value address =
      memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer);
  return arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq,
      arith::RemUIOp::create(b, loc, address, indexConstant(b, loc, 16)),
      indexConstant(b, loc, 0));
}

//===----------------------------------------------------------------------===//
// Tensor-core kernels: staging tiles in shared memory
//===----------------------------------------------------------------------===//

namespace {
/// Copies a `rows` x `cols` tile of a row-major `matrixRows` x `matrixCols`
/// matrix (at `base` in the flat `global` buffer) into shared memory, row
/// `r` of the tile at `r * ld` (the padding keeps ldmatrix conflict-free).
/// Each thread copies `rows * cols / 8 / threads` chunks of 8 elements with
/// cp.async, zero-filled past the matrix edges; when matrix rows are not a
/// multiple of 8 elements (`aligned` is false at run time, a uniform
/// branch), element by element instead.
struct SharedTileCopy {
  Value global, base, matrixRows, matrixCols, aligned, shared;
  int64_t rows, cols, ld;

  void emit(OpBuilder &b, Location loc, Value tid, int64_t threads,
            Value rowOrigin, Value colOrigin, Value sharedBase) const {
    int64_t chunksPerRow = cols / 8;
    int64_t perThread = rows * cols / 8 / threads;
    Value zero = indexConstant(b, loc, 0), eight = indexConstant(b, loc, 8);
    Type element = cast<MemRefType>(global.getType()).getElementType();
    for (int64_t i = 0; i < perThread; ++i) {
      Value chunk = arith::AddIOp::create(b, loc, tid,
                                          indexConstant(b, loc, i * threads));
      Value r = arith::DivUIOp::create(b, loc, chunk,
                                       indexConstant(b, loc, chunksPerRow));
      Value c = arith::MulIOp::create(
          b, loc,
          arith::RemUIOp::create(b, loc, chunk,
                                 indexConstant(b, loc, chunksPerRow)),
          eight);
      Value row = arith::AddIOp::create(b, loc, rowOrigin, r);
      Value col = arith::AddIOp::create(b, loc, colOrigin, c);
      Value rowOk = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                          row, matrixRows);
      Value colOk = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                          col, matrixCols);
      Value globalOffset = arith::AddIOp::create(
          b, loc, base,
          arith::AddIOp::create(
              b, loc, arith::MulIOp::create(b, loc, row, matrixCols), col));
      Value sharedOffset = arith::AddIOp::create(
          b, loc, sharedBase,
          arith::AddIOp::create(
              b, loc, arith::MulIOp::create(b, loc, r, indexConstant(b, loc, ld)),
              c));
      auto async = [&](OpBuilder &tb, Location l) {
        // Elements of this chunk inside the matrix: 0 past an edge.
        Value inBounds = arith::AndIOp::create(tb, l, rowOk, colOk);
        Value left = arith::SelectOp::create(
            tb, l, inBounds, arith::SubIOp::create(tb, l, matrixCols, col),
            zero);
        Value valid = arith::MinUIOp::create(tb, l, left, eight);
        Value source =
            arith::SelectOp::create(tb, l, inBounds, globalOffset, base);
        tile::CopyAsyncOp::create(tb, l, global, source, shared, sharedOffset,
                                  tb.getI64IntegerAttr(8), valid);
      };
      if (!aligned) { // rows known to be 16-byte multiples
        async(b, loc);
        continue;
      }
      scf::IfOp::create(
          b, loc, aligned,
          [&](OpBuilder &tb, Location l) {
            async(tb, l);
            scf::YieldOp::create(tb, l);
          },
          [&](OpBuilder &eb, Location l) {
            for (int64_t e = 0; e < 8; ++e) {
              Value ce =
                  arith::AddIOp::create(eb, l, col, indexConstant(eb, l, e));
              Value mask = arith::AndIOp::create(
                  eb, l, rowOk,
                  arith::CmpIOp::create(eb, l, arith::CmpIPredicate::ult, ce,
                                        matrixCols));
              Value x = tile::LoadOp::create(
                  eb, l, global,
                  arith::AddIOp::create(eb, l, globalOffset,
                                        indexConstant(eb, l, e)),
                  mask, zeroOf(eb, l, element));
              tile::StoreOp::create(
                  eb, l, x, shared,
                  arith::AddIOp::create(eb, l, sharedOffset,
                                        indexConstant(eb, l, e)),
                  Value());
            }
            scf::YieldOp::create(eb, l);
          });
    }
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Tensor-core matmul kernels (mma.sync m16n8k16)
//===----------------------------------------------------------------------===//

namespace {
/// The body of a tensor-core matmul kernel. Each block computes a BMxBN
/// tile of one batch entry; its warps form a grid (schedule::getWarpRows)
/// of WMxWN warp tiles, each a grid of 16x8 mma accumulators. The k-loop
/// runs over BK-deep slices staged in shared memory through a `stages`-deep
/// ring: cp.async copies (zero-filled past ragged edges) are issued
/// `stages - 1` slices ahead, so copies overlap the mma of earlier slices.
/// Operands whose rows are not a multiple of 8 elements (16 bytes) cannot
/// use cp.async; a uniform branch copies them element by element instead.
struct MmaMatmul {
  schedule::ConfigAttr config;
  graph::MatmulOp matmul;
  unsigned lhsParam, rhsParam, mParam, nParam, kParam;

  using Epilogue = function_ref<LogicalResult(OpBuilder &, ValueRange, Value,
                                              Value, Value, Value)>;

  /// One operand as staged: its shared ring, its global buffer, and where
  /// its block tile starts.
  struct Operand {
    schedule::MmaOperandTile layout;
    Value shared, global, base, rows, cols, aligned;
    // Origin of the block tile (row, col) in global memory as a function of
    // k0: the k coordinate is the row if the operand is K-major.
    Value outerOrigin;
    int64_t stageElements;
  };

  /// Where the operands' shared rings live: null to allocate them, else a
  /// shared byte buffer and the byte offset in it where they start (the
  /// wgmma kernel shares its buffer with this fallback).
  Value sharedBytes, sharedBytesBase;

  Operand makeOperand(OpBuilder &b, Location loc, bool isLhs, Value global,
                      Value base, Value outerSize, Value k,
                      Value outerOrigin, int64_t byteOffset) {
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

  /// Copies the block tile of `op` at k offset `k0` into ring slot `stage`.
  void copyStage(OpBuilder &b, Location loc, const Operand &op, Value tid,
                 Value stage, Value k0, bool assumeAligned) {
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

  LogicalResult build(OpBuilder &b, Location loc, ValueRange params,
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
};
} // namespace

//===----------------------------------------------------------------------===//
// Hopper matmul kernels: TMA, mbarriers and wgmma
//===----------------------------------------------------------------------===//

namespace {
/// The body of a wgmma matmul kernel (sm_90a). Each block computes a BMxBN
/// tile of one batch entry with `warps / 4` warpgroups of BM / warpgroups
/// rows each. The k-loop runs over 64-deep slices: one thread issues TMA
/// copies of the lhs box ([1, BM, 64] of the [batch, M, K] lhs) and of BN /
/// 64 rhs boxes ([64, 64] of the [K, N] rhs) into a `stages`-deep ring of
/// 128-byte swizzled shared tiles, completing on one mbarrier per stage;
/// TMA fills zeros past the ragged edges. The warpgroups wait on the
/// stage's mbarrier and issue asynchronous wgmma on it; a stage is refilled
/// once every warpgroup's wgmma of it has retired. The accumulators go
/// through shared memory (the ring, reused) to the elementwise epilogue.
///
/// TMA needs 16-byte aligned buffers with rows of 16-byte multiples; when
/// the runtime could not encode the tensor maps (their `valid` parameters
/// are 0) the kernel runs the mma_sync pipeline instead, in the same shared
/// memory.
struct WgmmaMatmul {
  schedule::ConfigAttr config;
  graph::MatmulOp matmul;
  unsigned mParam, nParam, kParam, lhsMapParam, lhsValidParam, rhsMapParam,
      rhsValidParam;
  int64_t sharedBytes;

  static constexpr int64_t kBoxK = 64;       // 128 bytes of f16/bf16
  static constexpr int64_t kSwizzleAlign = 1024; // 8 rows of 128 bytes

  static nvgpu::TensorMapDescriptorType mapType(MLIRContext *ctx,
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
  static nvgpu::TensorMapDescriptorType lhsMapType(schedule::ConfigAttr config,
                                                   Type element) {
    return mapType(element.getContext(), {1, config.getTile()[0], kBoxK},
                   element);
  }
  static nvgpu::TensorMapDescriptorType rhsMapType(Type element) {
    return mapType(element.getContext(), {kBoxK, kBoxK}, element);
  }

  LogicalResult build(OpBuilder &b, Location loc, ValueRange params,
                      Type resultElement, MmaMatmul fallback,
                      MmaMatmul::Epilogue epilogue) {
    MLIRContext *ctx = b.getContext();
    auto workgroup =
        gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    auto c = [&](OpBuilder &ob, int64_t v) { return indexConstant(ob, loc, v); };

    // One shared buffer for either pipeline, aligned at run time to the
    // swizzle's 1024-byte period (the buffer has that much slack).
    Value smem = tile::AllocSharedOp::create(
        b, loc,
        MemRefType::get({sharedBytes}, b.getI8Type(), nullptr, workgroup));
    Value address =
        memref::ExtractAlignedPointerAsIndexOp::create(b, loc, smem);
    Value base = arith::RemUIOp::create(
        b, loc,
        arith::SubIOp::create(
            b, loc, c(b, kSwizzleAlign),
            arith::RemUIOp::create(b, loc, address, c(b, kSwizzleAlign))),
        c(b, kSwizzleAlign));
    auto isSet = [&](unsigned param) {
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                   params[param], c(b, 0))
          .getResult();
    };
    Value useTma = arith::AndIOp::create(b, loc, isSet(lhsValidParam),
                                         isSet(rhsValidParam));
    auto branches = scf::IfOp::create(b, loc, TypeRange(), useTma,
                                      /*withElseRegion=*/true);
    OpBuilder eb = OpBuilder::atBlockBegin(&branches.getElseRegion().front());
    fallback.sharedBytes = smem;
    fallback.sharedBytesBase = base;
    if (failed(fallback.build(eb, loc, params, resultElement, epilogue)))
      return failure();
    OpBuilder tb = OpBuilder::atBlockBegin(&branches.getThenRegion().front());
    return buildTma(tb, loc, params, resultElement, epilogue, smem, base);
  }

  LogicalResult buildTma(OpBuilder &b, Location loc, ValueRange params,
                         Type resultElement, MmaMatmul::Epilogue epilogue,
                         Value smem, Value base) {
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
};
} // namespace

//===----------------------------------------------------------------------===//
// AMD matrix cores: mfma matmul kernels (CDNA2/CDNA3)
//===----------------------------------------------------------------------===//

namespace {
/// The body of an mfma matmul kernel. The block's `threads / 64`
/// wavefronts form a grid (schedule::getWarpRows) of WMxWN wave tiles, each
/// a grid of 16x16 accumulators (`amdgpu.mfma` 16x16x16, f16/bf16 into f32).
/// The k-loop stages BMxBK and BKxBN tiles in shared memory (LDS): every
/// thread copies `tile / threads` elements, masked at the ragged edges, then
/// each lane gathers its fragments: for 16x16x16, lane l holds A[l % 16][4
/// (l / 16) + t], B[4 (l / 16) + t][l % 16] and D[4 (l / 16) + t][l % 16],
/// t = 0..3 (the CDNA3 ISA's matrix layouts).
struct MfmaMatmul {
  schedule::ConfigAttr config;
  graph::MatmulOp matmul;
  unsigned lhsParam, rhsParam, mParam, nParam, kParam;

  static constexpr int64_t kPad = 4; // elements per LDS row against conflicts

  LogicalResult build(OpBuilder &b, Location loc, ValueRange params,
                      Type resultElement, MmaMatmul::Epilogue epilogue) {
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
};
} // namespace

static LogicalResult lowerMatmul(HostState &host, schedule::KernelOp kernel,
                                 graph::MatmulOp matmul) {
  Location loc = kernel.getLoc();
  Block &body = kernel.getBody().front();
  schedule::ConfigAttr config = kernel.getConfig();
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
  unsigned mParam = sig.addSize(m), nParam = sig.addSize(n),
           kParam = sig.addSize(k);
  SmallVector<unsigned> batchParams;
  for (int64_t d = 0; d < rank - 2; ++d)
    batchParams.push_back(sig.addSize(outSizes[d]));

  ArrayRef<int64_t> tile = config.getTile();
  Value gridX = arith::CeilDivUIOp::create(hb, loc, n,
                                           indexConstant(hb, loc, tile[1]));
  Value gridY = arith::CeilDivUIOp::create(hb, loc, m,
                                           indexConstant(hb, loc, tile[0]));
  // One flat grid (see matmulBlockIds): tiles of N, of M, batch entries.
  Value matmulGrid = arith::MulIOp::create(
      hb, loc, arith::MulIOp::create(hb, loc, gridX, gridY), batch);
  Type lhsElement = lhsType.getElementType();
  Type acc = matmul.getAcc().value_or(getAccumulateType(matmul, lhsElement));
  Type resultElement = resultType.getElementType();
  auto yield = cast<schedule::YieldOp>(body.getTerminator());
  Value result = yield.getValues()[0];
  unsigned lhsParam = cast<BlockArgument>(matmul.getLhs()).getArgNumber();
  unsigned rhsParam = cast<BlockArgument>(matmul.getRhs()).getArgNumber();

  // The epilogue at [batch..., row, col] of the matmul's `value` (in the
  // result's element type): fused elementwise ops, then the masked store.
  auto epilogue = [&](OpBuilder &b, ValueRange params, Value bz, Value row,
                      Value col, Value value) -> LogicalResult {
    Value m = params[mParam], n = params[nParam];
    Value mask = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, m),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col, n));
    SmallVector<Value> sizes;
    for (unsigned p : batchParams)
      sizes.push_back(params[p]);
    sizes.push_back(m);
    sizes.push_back(n);
    SmallVector<Value> index =
        unflatten(b, loc, bz, ArrayRef<Value>(sizes).drop_back(2));
    index.push_back(row);
    index.push_back(col);
    auto load = [&](BlockArgument arg) -> Value {
      auto type = cast<RankedTensorType>(arg.getType());
      Value offset = broadcastOffset(b, loc, type.getShape(), sizes, index);
      return tile::LoadOp::create(b, loc, params[arg.getArgNumber()], offset,
                                  mask, zeroOf(b, loc, type.getElementType()));
    };
    PointEvaluator eval{body, load, matmul, value};
    FailureOr<Value> final = eval.evaluate(b, result);
    if (failed(final))
      return failure();
    Value flat = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, arith::MulIOp::create(b, loc, bz, m), n),
        arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, row, n),
                              col));
    tile::StoreOp::create(b, loc, *final, params[outParam], flat, mask);
    return success();
  };

  // Tensor-core kernels: f16/bf16 operands into f32, shared memory as the
  // schedule's legality check estimated it.
  schedule::MmaKind mmaKind = config.getMma();
  if (mmaKind != schedule::MmaKind::none &&
      !schedule::isTensorCoreMatmul(matmul))
    return matmul.emitOpError()
           << "asks for " << schedule::stringifyMmaKind(mmaKind)
           << ", which needs f16 or bf16 operands accumulating in f32";
  int64_t shared = schedule::estimateSharedBytes(
      config, KernelShape{KernelKind::Matmul, matmul, nullptr, ""});

  if (mmaKind == schedule::MmaKind::wgmma) {
    if (tl || tr || rhsType.getRank() != 2)
      return matmul.emitOpError()
             << "asks for wgmma, which the GPU lowering generates only for "
                "untransposed operands and a 2-d rhs";
    // What tessera-schedule-check enforces, again: this pass may run alone.
    int64_t groups = config.getWarps() / 4;
    if (config.getWarps() % 4 != 0 || groups == 0 || tile[2] != 64 ||
        tile[1] % 64 != 0 || tile[1] > 256 || tile[0] > 256 ||
        tile[0] % (64 * groups) != 0 || config.getStages() < 2)
      return kernel.emitOpError()
             << "config " << config
             << " is not a wgmma schedule (tessera-schedule-check names the "
                "rule it breaks)";
    // The lhs as [batch, M, K] and the rhs as [K, N] for TMA.
    Value lhsBatch = lhsType.getRank() > 2 ? batch : indexConstant(hb, loc, 1);
    auto lhsMap = target::TensorMapOp::create(
        hb, loc, WgmmaMatmul::lhsMapType(config, lhsElement),
        hb.getIndexType(), host.buffers.lookup(hostLhs),
        ValueRange{lhsBatch, m, k});
    auto rhsMap = target::TensorMapOp::create(
        hb, loc, WgmmaMatmul::rhsMapType(lhsElement), hb.getIndexType(),
        host.buffers.lookup(hostRhs), ValueRange{k, n});
    unsigned lhsMapParam = sig.addValue(lhsMap.getMap());
    unsigned lhsValidParam = sig.addSize(lhsMap.getValid());
    unsigned rhsMapParam = sig.addValue(rhsMap.getMap());
    unsigned rhsValidParam = sig.addSize(rhsMap.getValid());
    MmaMatmul fallback{config, matmul, lhsParam, rhsParam, mParam,
                       nParam, kParam, /*sharedBytes=*/{}, /*base=*/{}};
    WgmmaMatmul wgmma{config,      matmul,        mParam,      nParam,
                      kParam,      lhsMapParam,   lhsValidParam,
                      rhsMapParam, rhsValidParam, shared};
    return emitKernel(host, loc, "matmul_wgmma", config, sig,
                      {matmulGrid}, shared,
                      [&](OpBuilder &b, ValueRange params) {
                        return wgmma.build(b, loc, params, resultElement,
                                           fallback, epilogue);
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
    MfmaMatmul mfma{config, matmul, lhsParam, rhsParam, mParam, nParam, kParam};
    return emitKernel(host, loc, "matmul_mfma", config, sig,
                      {matmulGrid}, shared,
                      [&](OpBuilder &b, ValueRange params) {
                        return mfma.build(b, loc, params, resultElement,
                                          epilogue);
                      });
  }

  if (mmaKind == schedule::MmaKind::mma_sync) {
    MmaMatmul mma{config, matmul, lhsParam, rhsParam,      mParam,
                  nParam, kParam, /*sharedBytes=*/{}, /*base=*/{}};
    return emitKernel(host, loc, "matmul_mma", config, sig,
                      {matmulGrid}, shared,
                      [&](OpBuilder &b, ValueRange params) {
                        return mma.build(b, loc, params, resultElement,
                                         epilogue);
                      });
  }

  return emitKernel(
      host, loc, "matmul", config, sig, {matmulGrid}, 0,
      [&](OpBuilder &b, ValueRange params) -> LogicalResult {
        Value m = params[mParam], n = params[nParam], k = params[kParam];
        Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
        SmallVector<Value> blockIds =
            matmulBlockIds(b, loc, m, n, tile[0], tile[1]);
        Value bx = blockIds[0], by = blockIds[1], bz = blockIds[2];
        Value tileN = indexConstant(b, loc, tile[1]);
        Value row = arith::AddIOp::create(
            b, loc,
            arith::MulIOp::create(b, loc, by, indexConstant(b, loc, tile[0])),
            arith::DivUIOp::create(b, loc, tid, tileN));
        Value col = arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, bx, tileN),
            arith::RemUIOp::create(b, loc, tid, tileN));
        Value mask = arith::AndIOp::create(
            b, loc,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, m),
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col, n));
        Value mk = arith::MulIOp::create(b, loc, m, k);
        Value kn = arith::MulIOp::create(b, loc, k, n);
        Value lhsBase = lhsType.getRank() > 2
                            ? Value(arith::MulIOp::create(b, loc, bz, mk))
                            : indexConstant(b, loc, 0);
        Value rhsBase = rhsType.getRank() > 2
                            ? Value(arith::MulIOp::create(b, loc, bz, kn))
                            : indexConstant(b, loc, 0);
        auto loop = scf::ForOp::create(
            b, loc, indexConstant(b, loc, 0), k, indexConstant(b, loc, 1),
            ValueRange{zeroOf(b, loc, acc)},
            [&](OpBuilder &lb, Location l, Value kk, ValueRange carried) {
              // lhs[row, kk] (or lhs[kk, row]), rhs[kk, col] (or [col, kk]).
              Value lhsOffset =
                  tl ? arith::AddIOp::create(
                           lb, l, arith::MulIOp::create(lb, l, kk, m), row)
                     : arith::AddIOp::create(
                           lb, l, arith::MulIOp::create(lb, l, row, k), kk);
              Value rhsOffset =
                  tr ? arith::AddIOp::create(
                           lb, l, arith::MulIOp::create(lb, l, col, k), kk)
                     : arith::AddIOp::create(
                           lb, l, arith::MulIOp::create(lb, l, kk, n), col);
              Value a = tile::LoadOp::create(
                  lb, l, params[lhsParam],
                  arith::AddIOp::create(lb, l, lhsBase, lhsOffset), mask,
                  zeroOf(lb, l, lhsElement));
              Value bv = tile::LoadOp::create(
                  lb, l, params[rhsParam],
                  arith::AddIOp::create(lb, l, rhsBase, rhsOffset), mask,
                  zeroOf(lb, l, rhsType.getElementType()));
              a = convertScalar(lb, l, a, acc);
              bv = convertScalar(lb, l, bv, acc);
              Value prod = isa<FloatType>(acc)
                               ? Value(arith::MulFOp::create(lb, l, a, bv))
                               : Value(arith::MulIOp::create(lb, l, a, bv));
              Value sum =
                  isa<FloatType>(acc)
                      ? Value(arith::AddFOp::create(lb, l, carried[0], prod))
                      : Value(arith::AddIOp::create(lb, l, carried[0], prod));
              scf::YieldOp::create(lb, l, sum);
            });
        Value value = buildStorageScalar(matmul, b, loc, loop.getResult(0), resultElement);
        return epilogue(b, params, bz, row, col, value);
      });
}

//===----------------------------------------------------------------------===//
// Attention kernels: FlashAttention-2 on tensor cores
//===----------------------------------------------------------------------===//

namespace {
/// Lane-dependent parts of the ldmatrix row addresses for the m16n8k16
/// fragments (PTX ISA: mma.m16n8k16 and ldmatrix .x4 layouts).
struct FragmentLanes {
  Value lane16, lane8, half, quarter;

  FragmentLanes(OpBuilder &b, Location loc, Value lane) {
    auto c = [&](int64_t v) { return indexConstant(b, loc, v); };
    lane16 = arith::RemUIOp::create(b, loc, lane, c(16));
    lane8 = arith::RemUIOp::create(b, loc, lane, c(8));
    half = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, lane, c(16)), c(8));
    quarter = arith::MulIOp::create(
        b, loc,
        arith::RemUIOp::create(
            b, loc, arith::DivUIOp::create(b, loc, lane, c(8)), c(2)),
        c(8));
  }
};

/// Loads two n8 B fragments with one ldmatrix .x4 at `offset` (see
/// FragmentLanes) and accumulates `a` times each into `acc0` and `acc1`.
void mmaPair(OpBuilder &b, Location loc, Value shared, Value offset,
             bool transpose, Value a, Value &acc0, Value &acc1) {
  auto fragType = VectorType::get(
      {4, 2}, cast<MemRefType>(shared.getType()).getElementType());
  Value pair =
      tile::LoadMatrixOp::create(b, loc, fragType, shared, offset, transpose);
  Value *accs[2] = {&acc0, &acc1};
  for (int64_t h = 0; h < 2; ++h) {
    Value bFrag = vector::ShuffleOp::create(
        b, loc, pair, pair, ArrayRef<int64_t>{2 * h, 2 * h + 1});
    *accs[h] = tile::MmaOp::create(b, loc, accs[h]->getType(), a, bFrag,
                                   *accs[h]);
  }
}

Value shuffleXor(OpBuilder &b, Location loc, Value v, int32_t mask) {
  return gpu::ShuffleOp::create(b, loc, v, mask, 32, gpu::ShuffleMode::XOR)
      .getShuffleResult();
}

/// Combines `v` over the four lanes of a quad (the lanes holding one row of
/// an mma accumulator).
Value quadReduce(OpBuilder &b, Location loc, Value v, bool max) {
  for (int32_t mask : {1, 2}) {
    Value other = shuffleXor(b, loc, v, mask);
    v = max ? Value(arith::MaximumFOp::create(b, loc, v, other))
            : Value(arith::AddFOp::create(b, loc, v, other));
  }
  return v;
}
} // namespace

/// The shape relations of an attention the kernels rely on, as launch
/// conditions: head dims of query and key, key and value lengths, batch
/// dims, and the mask against the scores.
static void requireAttentionShapes(HostState &host, Location loc,
                                   schedule::KernelOp kernel,
                                   graph::AttentionOp op) {
  auto hostOf = [&](Value v) {
    return kernel.getInputs()[cast<BlockArgument>(v).getArgNumber()];
  };
  int64_t rank = cast<RankedTensorType>(op.getQuery().getType()).getRank();
  ArrayRef<Value> q = host.sizesOf(hostOf(op.getQuery()));
  ArrayRef<Value> k = host.sizesOf(hostOf(op.getKey()));
  ArrayRef<Value> v = host.sizesOf(hostOf(op.getValue()));
  requireEqual(host, loc, q[rank - 1], k[rank - 1],
               "'tessera_graph.attention' head dimension of query and key");
  requireEqual(host, loc, k[rank - 2], v[rank - 2],
               "'tessera_graph.attention' sequence length of key and value");
  for (int64_t d = 0; d < rank - 2; ++d) {
    requireEqual(host, loc, q[d], k[d],
                 "'tessera_graph.attention' batch dimension " + Twine(d) +
                     " of query and key");
    requireEqual(host, loc, q[d], v[d],
                 "'tessera_graph.attention' batch dimension " + Twine(d) +
                     " of query and value");
  }
  if (Value mask = op.getMask()) {
    SmallVector<Value> scores(q.begin(), q.end());
    scores.back() = k[rank - 2];
    requireBroadcastsTo(host, loc, hostOf(mask), scores,
                        "'tessera_graph.attention' mask broadcast to the scores");
  }
}

/// The host side of an attention kernel: its output allocated and the
/// kernel's parameters: query, key, value, the mask if any, the output, the
/// sequence lengths, the head dim (`passHeadDim`), and the batch sizes when
/// the mask needs them to index.
struct AttentionHost {
  KernelSignature sig;
  unsigned q, k, v, out, sq, sk, d = 0;
  int64_t mask = -1;
  RankedTensorType maskType;
  SmallVector<unsigned> batchSizes;
  Value hostSq, hostBatch;

  AttentionHost(HostState &host, schedule::KernelOp kernel,
                graph::AttentionOp op, bool passHeadDim) {
    Location loc = kernel.getLoc();
    int64_t rank = cast<RankedTensorType>(op.getQuery().getType()).getRank();
    int64_t dv =
        cast<RankedTensorType>(op.getValue().getType()).getShape().back();
    auto hostOf = [&](Value value) {
      return kernel.getInputs()[cast<BlockArgument>(value).getArgNumber()];
    };
    ArrayRef<Value> qSizes = host.sizesOf(hostOf(op.getQuery()));
    ArrayRef<Value> kSizes = host.sizesOf(hostOf(op.getKey()));
    hostSq = qSizes[rank - 2];
    SmallVector<Value> outSizes(qSizes.begin(), qSizes.end());
    outSizes.back() = indexConstant(host.builder, loc, dv);
    hostBatch = product(host.builder, loc, qSizes.take_front(rank - 2));
    Value output = allocate(host, loc, cast<RankedTensorType>(op.getType()),
                            outSizes);
    host.buffers.map(kernel.getResult(0), output);
    q = sig.addBuffer(host.buffers.lookup(hostOf(op.getQuery())));
    k = sig.addBuffer(host.buffers.lookup(hostOf(op.getKey())));
    v = sig.addBuffer(host.buffers.lookup(hostOf(op.getValue())));
    if (Value m = op.getMask()) {
      maskType = cast<RankedTensorType>(m.getType());
      mask = sig.addBuffer(host.buffers.lookup(hostOf(m)));
    }
    out = sig.addBuffer(output);
    sq = sig.addSize(hostSq);
    sk = sig.addSize(kSizes[rank - 2]);
    if (passHeadDim)
      d = sig.addSize(qSizes[rank - 1]);
    if (mask >= 0)
      for (int64_t i = 0; i < rank - 2; ++i)
        batchSizes.push_back(sig.addSize(qSizes[i]));
  }
};

/// A tensor-core attention kernel (FlashAttention-2): each block takes
/// `BM` query rows of one batch entry, each warp 16 of them; the keys and
/// values stream through shared memory in `BN`-row blocks, double-buffered
/// with cp.async. Scores S = Q K^T (mma.sync) are scaled, masked (causal,
/// ragged ends, the additive mask) and folded into a running row max and
/// sum in registers (online softmax); the probabilities, rounded to the
/// input type, multiply V straight from the accumulator registers.
static LogicalResult lowerAttentionMma(HostState &host,
                                       schedule::KernelOp kernel,
                                       graph::AttentionOp op) {
  Location loc = kernel.getLoc();
  schedule::ConfigAttr config = kernel.getConfig();
  OpBuilder &hb = host.builder;
  auto qType = cast<RankedTensorType>(op.getQuery().getType());
  auto vType = cast<RankedTensorType>(op.getValue().getType());
  int64_t rank = qType.getRank();
  int64_t d = qType.getDimSize(rank - 1), dv = vType.getDimSize(rank - 1);
  Type element = qType.getElementType();

  AttentionHost setup(host, kernel, op, /*passHeadDim=*/false);
  KernelSignature &sig = setup.sig;
  unsigned qParam = setup.q, kParam = setup.k, vParam = setup.v,
           outParam = setup.out, sqParam = setup.sq, skParam = setup.sk;
  int64_t maskParam = setup.mask;
  RankedTensorType maskType = setup.maskType;
  ArrayRef<unsigned> batchParams = setup.batchSizes;
  Value sq = setup.hostSq, batch = setup.hostBatch;

  ArrayRef<int64_t> tile = config.getTile();
  int64_t bm = tile[0], bn = tile[1], threads = config.getThreads();
  Value gridX = arith::CeilDivUIOp::create(hb, loc, sq,
                                           indexConstant(hb, loc, bm));
  int64_t shared = schedule::estimateSharedBytes(
      config, KernelShape{KernelKind::Attention, op, nullptr, ""});
  double scale = op.getScale() ? op.getScale()->convertToDouble()
                               : 1.0 / std::sqrt(static_cast<double>(d));
  bool causal = op.getCausal();

  return emitKernel(
      host, loc, "attention_mma", config, sig,
      {arith::MulIOp::create(hb, loc, gridX, batch).getResult()}, shared,
      [&](OpBuilder &b, ValueRange params) -> LogicalResult {
        auto c = [&](int64_t v) { return indexConstant(b, loc, v); };
        Type f32 = b.getF32Type();
        Value sq = params[sqParam], sk = params[skParam];
        Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
        Value lane = arith::RemUIOp::create(b, loc, tid, c(32));
        Value warp = arith::DivUIOp::create(b, loc, tid, c(32));
        FragmentLanes lanes(b, loc, lane);
        // A flat grid of query blocks (fastest) by batch entries.
        SmallVector<Value> blockIds = flatBlockIds(
            b, loc,
            {arith::CeilDivUIOp::create(b, loc, sq, c(bm)).getResult(),
             Value()});
        Value qb = blockIds[0], bh = blockIds[1];
        Value q0 = arith::MulIOp::create(b, loc, qb, c(bm));
        Value qBase = arith::MulIOp::create(
            b, loc, bh, arith::MulIOp::create(b, loc, sq, c(d)));
        Value kBase = arith::MulIOp::create(
            b, loc, bh, arith::MulIOp::create(b, loc, sk, c(d)));
        Value vBase = arith::MulIOp::create(
            b, loc, bh, arith::MulIOp::create(b, loc, sk, c(dv)));
        auto workgroup = gpu::AddressSpaceAttr::get(
            b.getContext(), gpu::AddressSpace::Workgroup);
        auto sharedOf = [&](int64_t elements) {
          return tile::AllocSharedOp::create(
              b, loc, MemRefType::get({elements}, element, nullptr, workgroup));
        };
        int64_t ldK = d + 8, ldV = dv + 8;
        Value qShared = sharedOf(bm * ldK);
        Value kShared = sharedOf(2 * bn * ldK);
        Value vShared = sharedOf(2 * bn * ldV);
        // Head dims are static multiples of 16, so rows are 16-byte aligned
        // when the buffer is; a misaligned view is copied element by element.
        SharedTileCopy qCopy{params[qParam], qBase, sq,  c(d),
                             pointerIs16ByteAligned(b, loc, params[qParam]),
                             qShared,        bm,    d,   ldK};
        SharedTileCopy kCopy{params[kParam], kBase, sk,  c(d),
                             pointerIs16ByteAligned(b, loc, params[kParam]),
                             kShared,        bn,    d,   ldK};
        SharedTileCopy vCopy{params[vParam], vBase, sk,  c(dv),
                             pointerIs16ByteAligned(b, loc, params[vParam]),
                             vShared,        bn,    dv,  ldV};
        Value zero = c(0);
        qCopy.emit(b, loc, tid, threads, q0, zero, zero);
        tile::AsyncCommitOp::create(b, loc);

        // Key blocks this query block needs: with a causal mask, none past
        // its last query row.
        Value numKV = arith::CeilDivUIOp::create(b, loc, sk, c(bn));
        if (causal) {
          Value lastRow = arith::MinUIOp::create(
              b, loc, arith::AddIOp::create(b, loc, q0, c(bm)), sq);
          numKV = arith::MinUIOp::create(
              b, loc, numKV, arith::CeilDivUIOp::create(b, loc, lastRow, c(bn)));
        }
        auto copyKV = [&](OpBuilder &cb, Value j) {
          Value inRange = arith::CmpIOp::create(
              cb, loc, arith::CmpIPredicate::ult, j, numKV);
          scf::IfOp::create(cb, loc, inRange, [&](OpBuilder &tb, Location l) {
            Value k0 = arith::MulIOp::create(tb, l, j, indexConstant(tb, l, bn));
            Value stage = arith::RemUIOp::create(tb, l, j, indexConstant(tb, l, 2));
            Value z = indexConstant(tb, l, 0);
            kCopy.emit(tb, l, tid, threads, k0, z,
                       arith::MulIOp::create(tb, l, stage,
                                             indexConstant(tb, l, bn * ldK)));
            vCopy.emit(tb, l, tid, threads, k0, z,
                       arith::MulIOp::create(tb, l, stage,
                                             indexConstant(tb, l, bn * ldV)));
            scf::YieldOp::create(tb, l);
          });
          tile::AsyncCommitOp::create(cb, loc);
        };
        copyKV(b, zero);

        // This warp's query fragments stay in registers.
        tile::AsyncWaitOp::create(b, loc, 1);
        tile::BarrierOp::create(b, loc);
        auto fragType = VectorType::get({4, 2}, element);
        Value warpRow0 = arith::MulIOp::create(b, loc, warp, c(16));
        SmallVector<Value> qFrags;
        for (int64_t kk = 0; kk < d / 16; ++kk) {
          Value row = arith::AddIOp::create(b, loc, warpRow0, lanes.lane16);
          Value col = arith::AddIOp::create(b, loc, c(kk * 16), lanes.half);
          Value offset = arith::AddIOp::create(
              b, loc, arith::MulIOp::create(b, loc, row, c(ldK)), col);
          qFrags.push_back(tile::LoadMatrixOp::create(b, loc, fragType,
                                                      qShared, offset, false));
        }

        // Rows of this lane: lane/4 and lane/4 + 8 of the warp's 16.
        Value rowInWarp = arith::DivUIOp::create(b, loc, lane, c(4));
        Value rows[2];
        for (int64_t h = 0; h < 2; ++h)
          rows[h] = arith::AddIOp::create(
              b, loc, q0,
              arith::AddIOp::create(
                  b, loc, warpRow0,
                  arith::AddIOp::create(b, loc, rowInWarp, c(8 * h))));
        Value colInFrag = arith::MulIOp::create(
            b, loc, arith::RemUIOp::create(b, loc, lane, c(4)), c(2));

        auto accType = VectorType::get({2, 2}, f32);
        Value negInf = arith::ConstantOp::create(
            b, loc, f32,
            b.getFloatAttr(f32, APFloat::getInf(APFloat::IEEEsingle(), true)));
        Value zeroF = floatConstant(b, loc, f32, 0.0);
        int64_t oFrags = dv / 8, sFrags = bn / 8;
        // Carried: row max (2), row sum (2), output accumulators.
        SmallVector<Value> inits{negInf, negInf, zeroF, zeroF};
        for (int64_t t = 0; t < oFrags; ++t)
          inits.push_back(zeroOf(b, loc, accType));

        auto loop = scf::ForOp::create(
            b, loc, zero, numKV, c(1), inits,
            [&](OpBuilder &lb, Location l, Value j, ValueRange carried) {
              auto lc = [&](int64_t v) { return indexConstant(lb, l, v); };
              auto ladd = [&](Value x, Value y) {
                return arith::AddIOp::create(lb, l, x, y).getResult();
              };
              tile::AsyncWaitOp::create(lb, l, 0);
              tile::BarrierOp::create(lb, l);
              copyKV(lb, ladd(j, lc(1)));
              Value stage = arith::RemUIOp::create(lb, l, j, lc(2));
              Value kStage = arith::MulIOp::create(lb, l, stage, lc(bn * ldK));
              Value vStage = arith::MulIOp::create(lb, l, stage, lc(bn * ldV));

              // S = Q K^T: K rows are the n dim, stored n-major.
              SmallVector<Value> sAcc(sFrags, zeroOf(lb, l, accType));
              for (int64_t kk = 0; kk < d / 16; ++kk)
                for (int64_t t = 0; t < bn / 16; ++t) {
                  Value key = ladd(lc(t * 16), ladd(lanes.lane8, lanes.half));
                  Value col = ladd(lc(kk * 16), lanes.quarter);
                  Value offset = ladd(
                      kStage,
                      ladd(arith::MulIOp::create(lb, l, key, lc(ldK)), col));
                  mmaPair(lb, l, kShared, offset, /*transpose=*/false,
                          qFrags[kk], sAcc[2 * t], sAcc[2 * t + 1]);
                }

              // Scale and mask the scores; row max over the quad.
              Value k0 = arith::MulIOp::create(lb, l, j, lc(bn));
              auto scores = [&](OpBuilder &sb, bool applyMask) {
                Value scaleV = floatConstant(sb, l, f32, scale);
                SmallVector<Value> out;
                for (int64_t n = 0; n < sFrags; ++n)
                  for (int64_t h = 0; h < 2; ++h)
                    for (int64_t e = 0; e < 2; ++e) {
                      Value sij = vector::ExtractOp::create(
                          sb, l, sAcc[n], ArrayRef<int64_t>{h, e});
                      sij = arith::MulFOp::create(sb, l, sij, scaleV);
                      if (!applyMask) {
                        out.push_back(sij);
                        continue;
                      }
                      Value key = arith::AddIOp::create(
                          sb, l, k0,
                          arith::AddIOp::create(
                              sb, l, indexConstant(sb, l, n * 8 + e),
                              colInFrag));
                      Value masked = arith::CmpIOp::create(
                          sb, l, arith::CmpIPredicate::uge, key, sk);
                      if (causal)
                        masked = arith::OrIOp::create(
                            sb, l, masked,
                            arith::CmpIOp::create(sb, l,
                                                  arith::CmpIPredicate::ugt,
                                                  key, rows[h]));
                      if (maskParam >= 0) {
                        SmallVector<Value> sizes, index;
                        for (unsigned p : batchParams)
                          sizes.push_back(params[p]);
                        index = unflatten(sb, l, bh, sizes);
                        sizes.push_back(sq);
                        sizes.push_back(sk);
                        index.push_back(rows[h]);
                        index.push_back(key);
                        Value inside = arith::AndIOp::create(
                            sb, l,
                            arith::CmpIOp::create(
                                sb, l, arith::CmpIPredicate::ult, rows[h], sq),
                            arith::CmpIOp::create(
                                sb, l, arith::CmpIPredicate::ult, key, sk));
                        Value add = tile::LoadOp::create(
                            sb, l, params[maskParam],
                            broadcastOffset(sb, l, maskType.getShape(), sizes,
                                            index),
                            inside, zeroOf(sb, l, element));
                        sij = arith::AddFOp::create(
                            sb, l, sij, convertScalar(sb, l, add, f32));
                      }
                      out.push_back(
                          arith::SelectOp::create(sb, l, masked, negInf, sij));
                    }
                return out;
              };
              SmallVector<Value> flat;
              if (maskParam >= 0) {
                flat = scores(lb, /*applyMask=*/true);
              } else {
                // Only key blocks past the end of the keys, or (causal)
                // reaching past this warp's first row, need masking; the
                // branch is uniform across the warp.
                Value end = ladd(k0, lc(bn));
                Value edge = arith::CmpIOp::create(
                    lb, l, arith::CmpIPredicate::ugt, end, sk);
                if (causal)
                  edge = arith::OrIOp::create(
                      lb, l, edge,
                      arith::CmpIOp::create(
                          lb, l, arith::CmpIPredicate::ugt, end,
                          ladd(q0, ladd(warpRow0, lc(1)))));
                SmallVector<Type> types(sFrags * 4, f32);
                auto branch = scf::IfOp::create(lb, l, types, edge,
                                                /*withElseRegion=*/true);
                for (bool masked : {true, false}) {
                  Block &block = masked ? branch.getThenRegion().front()
                                        : branch.getElseRegion().front();
                  OpBuilder bb = OpBuilder::atBlockEnd(&block);
                  scf::YieldOp::create(bb, l, scores(bb, masked));
                }
                flat.assign(branch.getResults().begin(),
                            branch.getResults().end());
              }
              SmallVector<SmallVector<Value>> sv(sFrags);
              Value rowMax[2] = {negInf, negInf};
              for (int64_t n = 0; n < sFrags; ++n)
                for (int64_t h = 0; h < 2; ++h)
                  for (int64_t e = 0; e < 2; ++e) {
                    Value sij = flat[n * 4 + h * 2 + e];
                    sv[n].push_back(sij);
                    rowMax[h] = arith::MaximumFOp::create(lb, l, rowMax[h], sij);
                  }

              // Online softmax: new max, rescale factor, probabilities.
              Value mNew[2], alpha[2], mUse[2], rowSum[2];
              for (int64_t h = 0; h < 2; ++h) {
                mNew[h] = arith::MaximumFOp::create(
                    lb, l, carried[h], quadReduce(lb, l, rowMax[h], true));
                // A row with every score masked so far has max -inf: shift
                // by 0 instead, so exp gives 0 rather than NaN.
                Value allMasked = arith::CmpFOp::create(
                    lb, l, arith::CmpFPredicate::OEQ, mNew[h], negInf);
                mUse[h] = arith::SelectOp::create(lb, l, allMasked, zeroF,
                                                  mNew[h]);
                alpha[h] = math::ExpOp::create(
                    lb, l, arith::SubFOp::create(lb, l, carried[h], mUse[h]));
                rowSum[h] = zeroF;
              }
              SmallVector<Value> p(sFrags * 4);
              for (int64_t n = 0; n < sFrags; ++n)
                for (int64_t h = 0; h < 2; ++h)
                  for (int64_t e = 0; e < 2; ++e) {
                    Value pij = math::ExpOp::create(
                        lb, l,
                        arith::SubFOp::create(lb, l, sv[n][h * 2 + e], mUse[h]));
                    p[n * 4 + h * 2 + e] = pij;
                    rowSum[h] = arith::AddFOp::create(lb, l, rowSum[h], pij);
                  }
              SmallVector<Value> next;
              for (int64_t h = 0; h < 2; ++h)
                next.push_back(mNew[h]);
              for (int64_t h = 0; h < 2; ++h)
                next.push_back(arith::AddFOp::create(
                    lb, l, arith::MulFOp::create(lb, l, carried[2 + h], alpha[h]),
                    quadReduce(lb, l, rowSum[h], false)));

              // O = O * alpha + P V: P's accumulator layout is the A
              // operand's register layout; V rows are k, stored k-major.
              Value alphaVec = vector::FromElementsOp::create(
                  lb, l, accType,
                  ValueRange{alpha[0], alpha[0], alpha[1], alpha[1]});
              SmallVector<Value> oAcc;
              for (int64_t t = 0; t < oFrags; ++t)
                oAcc.push_back(
                    arith::MulFOp::create(lb, l, carried[4 + t], alphaVec));
              for (int64_t kt = 0; kt < bn / 16; ++kt) {
                SmallVector<Value> pa;
                for (int64_t half = 0; half < 2; ++half)
                  for (int64_t h = 0; h < 2; ++h)
                    for (int64_t e = 0; e < 2; ++e)
                      pa.push_back(convertScalar(
                          lb, l, p[(2 * kt + half) * 4 + h * 2 + e], element));
                // a0 = rows 0-7 keys 0-7 (frag 2kt row half 0), a1 = rows
                // 8-15 keys 0-7, a2/a3 the same for keys 8-15 (frag 2kt+1).
                Value aFrag =
                    vector::FromElementsOp::create(lb, l, fragType, pa);
                for (int64_t t = 0; t < dv / 16; ++t) {
                  Value key = ladd(lc(kt * 16), lanes.lane16);
                  Value col = ladd(lc(t * 16), lanes.half);
                  Value offset = ladd(
                      vStage,
                      ladd(arith::MulIOp::create(lb, l, key, lc(ldV)), col));
                  mmaPair(lb, l, vShared, offset, /*transpose=*/true, aFrag,
                          oAcc[2 * t], oAcc[2 * t + 1]);
                }
              }
              next.append(oAcc.begin(), oAcc.end());
              scf::YieldOp::create(lb, l, next);
            });
        tile::AsyncWaitOp::create(b, loc, 0);

        // O / row sum, stored under the row mask.
        Value oBase = arith::MulIOp::create(
            b, loc, bh, arith::MulIOp::create(b, loc, sq, c(dv)));
        Value inv[2], inside[2];
        for (int64_t h = 0; h < 2; ++h) {
          Value sum = loop.getResult(2 + h);
          Value positive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                                 sum, zeroF);
          inv[h] = arith::SelectOp::create(
              b, loc, positive,
              arith::DivFOp::create(b, loc, floatConstant(b, loc, f32, 1.0), sum),
              zeroF);
          inside[h] = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                            rows[h], sq);
        }
        for (int64_t t = 0; t < oFrags; ++t)
          for (int64_t h = 0; h < 2; ++h)
            for (int64_t e = 0; e < 2; ++e) {
              Value o = vector::ExtractOp::create(b, loc, loop.getResult(4 + t),
                                                  ArrayRef<int64_t>{h, e});
              o = arith::MulFOp::create(b, loc, o, inv[h]);
              Value col = arith::AddIOp::create(b, loc, colInFrag, c(t * 8 + e));
              Value offset = arith::AddIOp::create(
                  b, loc, oBase,
                  arith::AddIOp::create(
                      b, loc, arith::MulIOp::create(b, loc, rows[h], c(dv)), col));
              tile::StoreOp::create(b, loc, buildStorageScalar(op, b, loc, o, element),
                                    params[outParam], offset, inside[h]);
            }
        return success();
      });
}

/// A SIMT attention kernel (no tensor cores: f32, AMD, older chips): one
/// thread per query row streams over the keys with an online softmax, its
/// output row (`Dv` values, static) in registers. Correct everywhere, slow.
static LogicalResult lowerAttentionSimt(HostState &host,
                                        schedule::KernelOp kernel,
                                        graph::AttentionOp op) {
  Location loc = kernel.getLoc();
  schedule::ConfigAttr config = kernel.getConfig();
  OpBuilder &hb = host.builder;
  auto qType = cast<RankedTensorType>(op.getQuery().getType());
  auto vType = cast<RankedTensorType>(op.getValue().getType());
  int64_t dv = vType.getShape().back();
  if (ShapedType::isDynamic(dv) || dv > 256)
    return op.emitOpError()
           << "has value head dim "
           << (ShapedType::isDynamic(dv) ? std::string("?") : std::to_string(dv))
           << "; the GPU lowering without tensor cores needs a static value "
              "head dim of at most 256";
  Type element = qType.getElementType();
  Type f32 = hb.getF32Type();
  Type compute = element.isF64() ? element : f32;

  AttentionHost setup(host, kernel, op, /*passHeadDim=*/true);
  KernelSignature &sig = setup.sig;
  unsigned qParam = setup.q, kParam = setup.k, vParam = setup.v,
           outParam = setup.out, sqParam = setup.sq, skParam = setup.sk,
           dParam = setup.d;
  int64_t maskParam = setup.mask;
  RankedTensorType maskType = setup.maskType;
  ArrayRef<unsigned> batchParams = setup.batchSizes;
  Value sq = setup.hostSq, batch = setup.hostBatch;

  int64_t threads = config.getThreads();
  Value gridX = arith::CeilDivUIOp::create(hb, loc, sq,
                                           indexConstant(hb, loc, threads));
  std::optional<double> scaleAttr;
  if (op.getScale())
    scaleAttr = op.getScale()->convertToDouble();
  bool causal = op.getCausal();

  return emitKernel(
      host, loc, "attention", config, sig,
      {arith::MulIOp::create(hb, loc, gridX, batch).getResult()}, 0,
      [&](OpBuilder &b, ValueRange params) -> LogicalResult {
        auto c = [&](int64_t v) { return indexConstant(b, loc, v); };
        Value sq = params[sqParam], sk = params[skParam], d = params[dParam];
        Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
        // A flat grid of row blocks (fastest) by batch entries.
        SmallVector<Value> blockIds = flatBlockIds(
            b, loc,
            {arith::CeilDivUIOp::create(b, loc, sq, c(threads)).getResult(),
             Value()});
        Value bh = blockIds[1];
        Value row = arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, blockIds[0], c(threads)),
            tid);
        Value inside =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, sq);
        // Rows past the end read row 0 (in bounds) and store nothing.
        Value safeRow = arith::SelectOp::create(b, loc, inside, row, c(0));
        Value qRow = arith::MulIOp::create(
            b, loc, d,
            arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, bh, sq),
                                  safeRow));
        Value kBase = arith::MulIOp::create(
            b, loc, bh, arith::MulIOp::create(b, loc, sk, d));
        Value vBase = arith::MulIOp::create(
            b, loc, bh, arith::MulIOp::create(b, loc, sk, c(dv)));
        Value scale = scaleAttr
                          ? floatConstant(b, loc, compute, *scaleAttr)
                          : Value(math::RsqrtOp::create(
                                b, loc, indexToFloat(b, loc, d, compute)));
        Value keys = sk;
        if (causal)
          keys = arith::MinUIOp::create(
              b, loc, sk, arith::AddIOp::create(b, loc, safeRow, c(1)));
        Value negInf = arith::ConstantOp::create(
            b, loc, compute,
            b.getFloatAttr(compute,
                           APFloat::getInf(
                               cast<FloatType>(compute).getFloatSemantics(),
                               /*Negative=*/true)));
        Value zero = floatConstant(b, loc, compute, 0.0);
        SmallVector<Value> inits{negInf, zero};
        inits.append(dv, zero);
        auto loop = scf::ForOp::create(
            b, loc, c(0), keys, c(1), inits,
            [&](OpBuilder &lb, Location l, Value j, ValueRange carried) {
              auto load = [&](unsigned param, Value offset) {
                return convertScalar(
                    lb, l, tile::LoadOp::create(lb, l, params[param], offset),
                    compute);
              };
              Value kRow = arith::AddIOp::create(
                  lb, l, kBase, arith::MulIOp::create(lb, l, j, d));
              auto dot = scf::ForOp::create(
                  lb, l, indexConstant(lb, l, 0), d, indexConstant(lb, l, 1),
                  ValueRange{zero},
                  [&](OpBuilder &db, Location dl, Value e, ValueRange acc) {
                    Value qe = convertScalar(
                        db, dl,
                        tile::LoadOp::create(
                            db, dl, params[qParam],
                            arith::AddIOp::create(db, dl, qRow, e)),
                        compute);
                    Value ke = convertScalar(
                        db, dl,
                        tile::LoadOp::create(
                            db, dl, params[kParam],
                            arith::AddIOp::create(db, dl, kRow, e)),
                        compute);
                    scf::YieldOp::create(
                        db, dl,
                        ValueRange{arith::AddFOp::create(
                            db, dl, acc[0],
                            arith::MulFOp::create(db, dl, qe, ke))});
                  });
              Value sij = arith::MulFOp::create(lb, l, dot.getResult(0), scale);
              if (maskParam >= 0) {
                SmallVector<Value> sizes, index;
                for (unsigned p : batchParams)
                  sizes.push_back(params[p]);
                index = unflatten(lb, l, bh, sizes);
                sizes.push_back(sq);
                sizes.push_back(sk);
                index.push_back(safeRow);
                index.push_back(j);
                sij = arith::AddFOp::create(
                    lb, l, sij,
                    load(maskParam, broadcastOffset(lb, l, maskType.getShape(),
                                                    sizes, index)));
              }
              Value mNew = arith::MaximumFOp::create(lb, l, carried[0], sij);
              Value allMasked = arith::CmpFOp::create(
                  lb, l, arith::CmpFPredicate::OEQ, mNew, negInf);
              Value mUse = arith::SelectOp::create(lb, l, allMasked, zero, mNew);
              Value alpha = math::ExpOp::create(
                  lb, l, arith::SubFOp::create(lb, l, carried[0], mUse));
              Value p = math::ExpOp::create(
                  lb, l, arith::SubFOp::create(lb, l, sij, mUse));
              SmallVector<Value> next{
                  mNew, arith::AddFOp::create(
                            lb, l, arith::MulFOp::create(lb, l, carried[1], alpha),
                            p)};
              Value vRow = arith::AddIOp::create(
                  lb, l, vBase,
                  arith::MulIOp::create(lb, l, j, indexConstant(lb, l, dv)));
              for (int64_t e = 0; e < dv; ++e) {
                Value ve = load(vParam, arith::AddIOp::create(
                                            lb, l, vRow, indexConstant(lb, l, e)));
                next.push_back(arith::AddFOp::create(
                    lb, l, arith::MulFOp::create(lb, l, carried[2 + e], alpha),
                    arith::MulFOp::create(lb, l, p, ve)));
              }
              scf::YieldOp::create(lb, l, next);
            });
        Value sum = loop.getResult(1);
        Value inv = arith::SelectOp::create(
            b, loc,
            arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, sum, zero),
            arith::DivFOp::create(b, loc, floatConstant(b, loc, compute, 1.0),
                                  sum),
            zero);
        Value oRow = arith::MulIOp::create(
            b, loc, c(dv),
            arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, bh, sq),
                                  safeRow));
        for (int64_t e = 0; e < dv; ++e) {
          Value o = arith::MulFOp::create(b, loc, loop.getResult(2 + e), inv);
          tile::StoreOp::create(b, loc, buildStorageScalar(op, b, loc, o, element),
                                params[outParam],
                                arith::AddIOp::create(b, loc, oRow, c(e)),
                                inside);
        }
        return success();
      });
}

static LogicalResult lowerAttention(HostState &host, schedule::KernelOp kernel,
                                    graph::AttentionOp op) {
  // (classifyKernelBody refuses attention kernels with fused ops.)
  requireAttentionShapes(host, kernel.getLoc(), kernel, op);
  if (kernel.getConfig().getMma() == schedule::MmaKind::mma_sync) {
    if (!schedule::isTensorCoreAttention(op))
      return op.emitOpError()
             << "asks for mma_sync, which needs f16 or bf16 operands with "
                "static head dims that are multiples of 16";
    return lowerAttentionMma(host, kernel, op);
  }
  if (kernel.getConfig().getMma() != schedule::MmaKind::none)
    return op.emitOpError() << "asks for "
                            << schedule::stringifyMmaKind(
                                   kernel.getConfig().getMma())
                            << ", which the GPU lowering does not generate "
                               "for attention yet";
  return lowerAttentionSimt(host, kernel, op);
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

static LogicalResult lowerKernel(HostState &host, schedule::KernelOp kernel) {
  Block &body = kernel.getBody().front();
  for (Operation &op : body.without_terminator()) {
    if (usesStochasticRounding(&op))
      return op.emitOpError()
             << "rounds stochastically, which the GPU lowering does not "
                "support yet";
    for (Type type : op.getResultTypes())
      if (isa<Float8E4M3FNType, Float8E5M2Type>(getElementTypeOrSelf(type)))
        return op.emitOpError()
               << "produces f8 values, which the GPU lowering does not "
                  "support yet";
  }
  KernelShape shape = schedule::classifyKernelBody(body);
  switch (shape.kind) {
  case KernelKind::Elementwise:
    return lowerElementwise(host, kernel);
  case KernelKind::Row:
    return lowerRow(host, kernel, shape.anchor);
  case KernelKind::Column:
    return lowerColumn(host, kernel, cast<graph::ReduceOp>(shape.anchor));
  case KernelKind::Matmul:
    return lowerMatmul(host, kernel, cast<graph::MatmulOp>(shape.anchor));
  case KernelKind::Attention:
    return lowerAttention(host, kernel, cast<graph::AttentionOp>(shape.anchor));
  case KernelKind::Unsupported:
    return shape.culprit->emitOpError()
           << "is not supported by the GPU lowering yet ("
           << shape.reason << ")";
  }
  llvm_unreachable("unknown kernel kind");
}

static MemRefType memrefFor(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  return MemRefType::get(tensor.getShape(), tensor.getElementType());
}

static LogicalResult convertFunction(ModuleOp module, func::FuncOp func) {
  if (!func.getBody().hasOneBlock())
    return func.emitOpError()
           << "has more than one block; the GPU lowering takes one";
  FunctionType type = func.getFunctionType();
  for (Type t : llvm::concat<const Type>(type.getInputs(), type.getResults()))
    if (!isa<RankedTensorType>(t))
      return func.emitOpError() << "has a " << t
                                << " in its signature; GPU programs take "
                                   "and return ranked tensors only";
  SmallVector<Type> inputs, results;
  for (Type t : type.getInputs())
    inputs.push_back(memrefFor(t));
  for (Type t : type.getResults())
    results.push_back(memrefFor(t));

  OpBuilder mb(func);
  auto host = func::FuncOp::create(mb, func.getLoc(), func.getName(),
                                   mb.getFunctionType(inputs, results));
  host->setAttrs(func->getAttrs());
  host.setFunctionType(mb.getFunctionType(inputs, results));
  host->setAttr("tessera.host", mb.getUnitAttr());
  Block *entry = host.addEntryBlock();
  HostState state{module, OpBuilder::atBlockBegin(entry), IRMapping(),
                  DenseMap<Value, SmallVector<Value>>(), func.getName().str()};
  Block &old = func.getBody().front();
  for (auto [from, to] : llvm::zip(old.getArguments(), entry->getArguments())) {
    state.buffers.map(from, to);
    state.sizes[to] = hostSizes(state.builder, func.getLoc(), to);
  }
  for (Operation &op : old) {
    if (auto kernel = dyn_cast<schedule::KernelOp>(op)) {
      if (failed(lowerKernel(state, kernel)))
        return failure();
      continue;
    }
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      SmallVector<Value> values;
      for (Value v : ret.getOperands()) {
        Value buffer = state.buffers.lookupOrNull(v);
        if (!buffer || isa<BlockArgument>(buffer))
          return ret.emitOpError()
                 << "returns a value no kernel computes (an argument or a "
                    "constant); the GPU lowering does not support that yet";
        values.push_back(buffer);
      }
      func::ReturnOp::create(state.builder, ret.getLoc(), values);
      continue;
    }
    return op.emitOpError() << "is not supported by the GPU lowering yet "
                               "(run tessera-schedule-assign first)";
  }
  func.erase();
  return success();
}

namespace {
struct ConvertScheduleToTilePass
    : public tessera::impl::ConvertTesseraScheduleToTileBase<ConvertScheduleToTilePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> funcs;
    module.walk([&](func::FuncOp func) {
      if (!func.getBody().empty() &&
          !func.getBody().front().getOps<schedule::KernelOp>().empty())
        funcs.push_back(func);
    });
    for (func::FuncOp func : funcs)
      if (failed(convertFunction(module, func)))
        return signalPassFailure();
  }
};
} // namespace
