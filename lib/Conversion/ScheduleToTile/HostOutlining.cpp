//===- HostOutlining.cpp - The host function and kernel outlining ---------===//
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
// tessera_target.launch, the grid a function of the input sizes. This file
// owns that host side and the pass; each kernel family has a file of its
// own (Patterns.h).
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Dialect/Target/IR/TargetAttrs.h"
#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "Tessera/Conversion/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace mlir::tessera {
#define GEN_PASS_DEF_CONVERTTESSERASCHEDULETOTILE
#include "Tessera/Conversion/Passes.h.inc"
} // namespace mlir::tessera

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value product(OpBuilder &b, Location loc, ArrayRef<Value> values) {
  Value result = indexConstant(b, loc, 1);
  for (Value v : values)
    result = arith::MulIOp::create(b, loc, result, v);
  return result;
}

Value notMultipleOf(OpBuilder &b, Location loc, Value size, int64_t of) {
  Value v = indexConstant(b, loc, of);
  Value rest = arith::SubIOp::create(
      b, loc, size,
      arith::MulIOp::create(b, loc, arith::DivUIOp::create(b, loc, size, v),
                            v));
  return arith::MinUIOp::create(b, loc, rest, indexConstant(b, loc, 1));
}

schedule::ConfigAttr withVector(schedule::ConfigAttr config, int64_t vector) {
  return schedule::ConfigAttr::get(
      config.getContext(), config.getTile(), config.getWarps(),
      config.getStages(), vector, config.getSwizzle(), config.getMma(),
      config.getSplitK(), config.getProducerWarps());
}

Value zeroOf(OpBuilder &b, Location loc, Type type) {
  return arith::ConstantOp::create(b, loc, type, b.getZeroAttr(type));
}

Value floatConstant(OpBuilder &b, Location loc, Type type, double v) {
  return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, v));
}

Value indexToFloat(OpBuilder &b, Location loc, Value index, Type type) {
  Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
  return arith::SIToFPOp::create(b, loc, type, i64);
}

Value programId(OpBuilder &b, Location loc, int64_t axis) {
  return tile::ProgramIdOp::create(b, loc, b.getIndexType(),
                                   b.getI64IntegerAttr(axis));
}

Value mapTiles(OpBuilder &b, Location loc, RankedTensorType type,
               ValueRange inputs,
               function_ref<Value(OpBuilder &, ValueRange)> element) {
  auto map = tile::MapOp::create(b, loc, type, inputs);
  Block &body = map.getBody().front();
  OpBuilder mb = OpBuilder::atBlockBegin(&body);
  tile::MapYieldOp::create(mb, loc,
                           element(mb, ValueRange(body.getArguments())));
  return map.getResult();
}

/// Coordinates of this block in a flat grid over `extents` (the first
/// fastest), as a grid of those extents would number them; a flat grid has
/// no 65535 limit on its y and z extents.
/// Block indices are computed in 32 bits (a block index is below 2^31):
/// 64-bit division is a long instruction sequence on GPUs.
static Value narrow(OpBuilder &b, Location loc, Value v) {
  return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), v).getResult();
}
static Value widen(OpBuilder &b, Location loc, Value v) {
  return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), v)
      .getResult();
}

SmallVector<Value> flatBlockIds(OpBuilder &b, Location loc,
                                       ArrayRef<Value> extents) {
  Type i32 = b.getI32Type();
  auto narrow = [&](Value v) { return schedule_to_tile::narrow(b, loc, v); };
  auto widen = [&](Value v) { return schedule_to_tile::widen(b, loc, v); };
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

SmallVector<Value> matmulBlockIds(OpBuilder &b, Location loc, Value m,
                                  Value n, int64_t bm, int64_t bn,
                                  int64_t swizzle) {
  Value nTiles = arith::CeilDivUIOp::create(b, loc, n, indexConstant(b, loc, bn));
  Value mTiles = arith::CeilDivUIOp::create(b, loc, m, indexConstant(b, loc, bm));
  if (swizzle <= 1)
    return flatBlockIds(b, loc, {nTiles, mTiles, Value()});
  // Groups of `swizzle` rows of tiles: within a group the blocks go down
  // its rows first, then across N, so that consecutive blocks share rows
  // of the lhs and columns of the rhs in L2. The last group may have fewer
  // rows. In 32 bits, as flatBlockIds.
  SmallVector<Value> ids = flatBlockIds(
      b, loc, {arith::MulIOp::create(b, loc, nTiles, mTiles).getResult(),
               Value()});
  Type i32 = b.getI32Type();
  auto narrow = [&](Value v) { return schedule_to_tile::narrow(b, loc, v); };
  auto widen = [&](Value v) { return schedule_to_tile::widen(b, loc, v); };
  Value one = arith::ConstantIntOp::create(b, loc, i32, 1);
  Value group = arith::ConstantIntOp::create(b, loc, i32, swizzle);
  Value t = narrow(ids[0]);
  Value perGroup = arith::MaxUIOp::create(
      b, loc, arith::MulIOp::create(b, loc, group, narrow(nTiles)), one);
  Value firstRow = arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, t, perGroup), group);
  Value rows = arith::MaxUIOp::create(
      b, loc,
      arith::MinUIOp::create(
          b, loc, arith::SubIOp::create(b, loc, narrow(mTiles), firstRow),
          group),
      one);
  Value within = arith::RemUIOp::create(b, loc, t, perGroup);
  Value mIdx = arith::AddIOp::create(
      b, loc, firstRow, arith::RemUIOp::create(b, loc, within, rows));
  Value nIdx = arith::DivUIOp::create(b, loc, within, rows);
  return {widen(nIdx), widen(mIdx), ids[1]};
}

int64_t getWarpSize(ModuleOp module) {
  if (target::ChipAttr chip = target::ChipAttr::lookup(module))
    return chip.getInfo().getWarpSize();
  return 32;
}

MemRefType flatBufferType(Type element) {
  return MemRefType::get({ShapedType::kDynamic}, element);
}


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

Value flatView(OpBuilder &b, Location loc, Value buffer, Value count) {
  Type element = cast<MemRefType>(buffer.getType()).getElementType();
  auto type = MemRefType::get(
      {ShapedType::kDynamic}, element,
      StridedLayoutAttr::get(b.getContext(), /*offset=*/0, /*strides=*/{1}));
  return memref::ReinterpretCastOp::create(
      b, loc, type, buffer, /*offset=*/b.getIndexAttr(0),
      /*sizes=*/ArrayRef<OpFoldResult>{count},
      /*strides=*/ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
}

SmallVector<int64_t> addSizeParams(KernelSignature &sig, RankedTensorType type,
                                   ArrayRef<Value> sizes) {
  SmallVector<int64_t> which;
  for (int64_t d = 0; d < type.getRank(); ++d)
    which.push_back(type.isDynamicDim(d) ? int64_t(sig.addSize(sizes[d])) : -1);
  return which;
}

SmallVector<Value> sizesFromParams(OpBuilder &b, Location loc,
                                   RankedTensorType type, ValueRange params,
                                   ArrayRef<int64_t> which) {
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    sizes.push_back(which[d] < 0 ? indexConstant(b, loc, type.getDimSize(d))
                                 : params[which[d]]);
  return sizes;
}

/// Allocates a host buffer of tensor type `type` with `sizes`.
Value allocate(HostState &host, Location loc, RankedTensorType type,
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
LogicalResult
emitKernel(HostState &host, Location loc, StringRef kind,
           schedule::ConfigAttr config, KernelSignature &sig,
           ArrayRef<Value> grid, int64_t sharedBytes,
           function_ref<LogicalResult(OpBuilder &, ValueRange)> body,
           int64_t cluster, int64_t maxRegisters) {
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
  if (cluster > 1)
    kernel->setAttr("tessera.cluster",
                    IntegerAttr::get(IntegerType::get(ctx, 64), cluster));
  if (maxRegisters > 0)
    kernel->setAttr("tessera.max_registers",
                    IntegerAttr::get(IntegerType::get(ctx, 64), maxRegisters));
  Block *entry = new Block();
  kernel.getBody().push_back(entry);
  for (Type type : sig.types)
    entry->addArgument(type, loc);
  OpBuilder kb = OpBuilder::atBlockBegin(entry);
  // Runtime scalars come by value; the kernel families read every input as
  // a flat buffer, so each scalar is stored into a one-element buffer of
  // the thread's own (LLVM promotes it back to a register).
  SmallVector<Value> params(entry->getArguments());
  for (auto [i, param] : llvm::enumerate(params)) {
    if (!sig.scalars.contains(i))
      continue;
    Value local = memref::AllocaOp::create(
        kb, loc, MemRefType::get({1}, param.getType()));
    memref::StoreOp::create(kb, loc, param, local,
                            ValueRange{indexConstant(kb, loc, 0)});
    param = memref::CastOp::create(kb, loc, flatBufferType(param.getType()),
                                   local);
  }
  if (failed(body(kb, params)))
    return failure();
  target::ReturnOp::create(kb, loc);

  SmallVector<int64_t> block{config.getThreads()};
  block.resize(grid.size(), 1);
  target::LaunchOp::create(host.builder, loc, FlatSymbolRefAttr::get(kernel),
                           grid, host.builder.getDenseI64ArrayAttr(block),
                           host.builder.getI64IntegerAttr(sharedBytes),
                           sig.hostArgs, sig.flops);
  sig.flops = Value(); // (this launch's: a later kernel of sig does other work)
  return success();
}

/// Makes `a == b` a launch condition (tessera_target.require_equal) unless
/// it holds by construction: the kernels index by the sizes the Graph IR
/// verifier assumed equal, and the runtime must refuse arguments where they
/// differ instead of reading out of bounds.
void requireEqual(HostState &host, Location loc, Value a, Value b,
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
void requireBroadcastsTo(HostState &host, Location loc, Value input,
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
SmallVector<Value> broadcastSizes(HostState &host, Location loc,
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
// The pass
//===----------------------------------------------------------------------===//

static LogicalResult lowerKernel(HostState &host, schedule::KernelOp kernel) {
  Block &body = kernel.getBody().front();
  KernelShape shape = schedule::classifyKernelBody(body);
  for (Operation &op : body.without_terminator()) {
    // Stochastic rounding draws on each element's position: elementwise
    // kernels have it (Indexed.cpp), matmul epilogues (the output's
    // indices: TileEpilogue), and the row and column reductions and
    // attention their outputs' (RowReduction.cpp, ColumnReduction.cpp,
    // Attention.cpp); a reduction's elementwise prologue does not yet.
    bool positioned = ((shape.kind == KernelKind::Elementwise ||
                        shape.kind == KernelKind::Matmul) &&
                       isElementwiseGraphOp(&op)) ||
                      ((shape.kind == KernelKind::Row ||
                        shape.kind == KernelKind::Column ||
                        shape.kind == KernelKind::Attention) &&
                       &op == shape.anchor);
    if (usesStochasticRounding(&op) && !positioned)
      return op.emitOpError()
             << "rounds stochastically, which the GPU lowering supports "
                "only for elementwise ops outside reduction prologues, and "
                "for reductions' and attention's outputs, yet";
  }
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
  for (auto [i, t] : llvm::enumerate(type.getInputs())) {
    // A runtime scalar (a rank-0 argument marked tessera.scalar): the host
    // function takes its value, and kernels take it as a parameter.
    if (func.getArgAttr(i, kScalarAttr)) {
      auto tensor = cast<RankedTensorType>(t);
      if (tensor.getRank() != 0 || !tensor.getElementType().isIntOrFloat())
        return func.emitOpError()
               << "argument #" << i << " is marked " << kScalarAttr
               << " but has type " << t
               << "; runtime scalars are rank-0 tensors of ints or floats";
      inputs.push_back(tensor.getElementType());
      continue;
    }
    inputs.push_back(memrefFor(t));
  }
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
    state.sizes[to] = isa<MemRefType>(to.getType())
                          ? hostSizes(state.builder, func.getLoc(), to)
                          : SmallVector<Value>();
  }
  for (Operation &op : old) {
    if (auto kernel = dyn_cast<schedule::KernelOp>(op)) {
      if (failed(lowerKernel(state, kernel)))
        return failure();
      continue;
    }
    // A constant kernels read as an input (tessera-schedule-assign keeps
    // out of kernels those they do not embed): a buffer of its data.
    if (auto constant = dyn_cast<graph::ConstantOp>(op)) {
      auto type = cast<RankedTensorType>(constant.getType());
      auto memref = MemRefType::get(type.getShape(), type.getElementType());
      Value buffer = target::ConstantOp::create(state.builder, op.getLoc(),
                                                memref, constant.getValue());
      state.buffers.map(constant.getResult(), buffer);
      state.sizes[buffer] = hostSizes(state.builder, op.getLoc(), buffer);
      continue;
    }
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      SmallVector<Value> values;
      for (Value v : ret.getOperands()) {
        Value buffer = state.buffers.lookupOrNull(v);
        if (!buffer || isa<BlockArgument>(buffer))
          return ret.emitOpError()
                 << "returns a value no kernel computes (an argument or a "
                    "constant): give it a kernel that copies it (a "
                    "tessera_schedule.kernel yielding its argument; "
                    "tessera-schedule-assign adds one)";
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
    // Every function with a body: one without kernels computes nothing on
    // the GPU, which its return then says (an argument returned as it is).
    module.walk([&](func::FuncOp func) {
      if (!func.getBody().empty() && !func->hasAttr("tessera.host"))
        funcs.push_back(func);
    });
    for (func::FuncOp func : funcs)
      if (failed(convertFunction(module, func)))
        return signalPassFailure();
  }
};
} // namespace

} // namespace mlir::tessera::schedule_to_tile
