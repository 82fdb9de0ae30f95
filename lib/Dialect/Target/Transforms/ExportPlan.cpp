//===- ExportPlan.cpp - The launch plan of host functions -----------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Target/IR/TargetAttrs.h"
#include "Tessera/Dialect/Target/IR/TargetDialect.h"
#include "Tessera/Dialect/Target/IR/TargetOps.h"
#include "Tessera/Dialect/Target/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/Base64.h"
#include "llvm/Support/JSON.h"

namespace mlir::tessera::target {
#define GEN_PASS_DEF_TESSERATARGETEXPORTPLAN
#include "Tessera/Dialect/Target/Transforms/Passes.h.inc"
} // namespace mlir::tessera::target

using namespace mlir;
using namespace mlir::tessera;
using namespace mlir::tessera::target;

/// The plan's name of an element type; empty if the runtime has none.
static std::string dtypeName(Type type) {
  if (type.isF32())
    return "f32";
  if (type.isF16())
    return "f16";
  if (type.isBF16())
    return "bf16";
  if (type.isF64())
    return "f64";
  if (isa<Float8E4M3FNType>(type))
    return "f8E4M3FN";
  if (isa<Float8E5M2Type>(type))
    return "f8E5M2";
  if (type.isInteger(1))
    return "i1";
  if (type.isInteger(8))
    return "i8";
  if (type.isInteger(32))
    return "i32";
  if (type.isInteger(64))
    return "i64";
  return "";
}

namespace {
/// Builds the plan of one host function.
class PlanBuilder {
public:
  explicit PlanBuilder(func::FuncOp func) : func(func) {}

  FailureOr<llvm::json::Object> build() {
    llvm::json::Array inputs, outputs, temporaries, constants, kernels,
        checks, tensorMaps;
    for (BlockArgument arg : func.getArguments()) {
      std::string name = argName(arg);
      names[arg] = name;
      // A runtime scalar: passed by value to the kernels that read it.
      if (arg.getType().isIntOrFloat()) {
        std::string dtype = dtypeName(arg.getType());
        if (dtype.empty())
          return func.emitOpError()
                 << "argument #" << arg.getArgNumber() << " is a scalar of type "
                 << arg.getType() << ", which the runtime cannot pass";
        inputs.push_back(llvm::json::Object{{"name", name},
                                            {"dims", llvm::json::Array{}},
                                            {"dtype", dtype},
                                            {"scalar", true}});
        continue;
      }
      auto type = dyn_cast<MemRefType>(arg.getType());
      if (!type)
        return func.emitOpError()
               << "argument #" << arg.getArgNumber() << " has type "
               << arg.getType()
               << "; host functions take memrefs and scalars only";
      llvm::json::Array dims;
      auto declared =
          func.getArgAttrOfType<ArrayAttr>(arg.getArgNumber(), "tessera.dims");
      for (auto [d, size] : llvm::enumerate(type.getShape())) {
        if (!ShapedType::isDynamic(size)) {
          dims.push_back(size);
          continue;
        }
        std::string symbol = name + "_" + std::to_string(d);
        if (declared && d < declared.size())
          if (auto s = dyn_cast<StringAttr>(declared[d]))
            symbol = s.str();
        symbols[{arg, d}] = symbol;
        dims.push_back(symbol);
      }
      FailureOr<llvm::json::Object> entry = describe(name, type, dims, arg);
      if (failed(entry))
        return failure();
      inputs.push_back(std::move(*entry));
    }

    auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
    for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
      if (names.count(value))
        continue; // the same buffer returned twice
      names[value] = "out" + std::to_string(i);
      auto alloc = value.getDefiningOp<AllocateOp>();
      if (!alloc)
        return ret.emitOpError() << "returns a buffer that is not allocated "
                                    "by tessera_target.allocate";
      FailureOr<llvm::json::Array> dims = allocDims(alloc);
      if (failed(dims))
        return failure();
      FailureOr<llvm::json::Object> entry =
          describe(names[value], alloc.getType(), *dims, value);
      if (failed(entry))
        return failure();
      outputs.push_back(std::move(*entry));
    }

    for (Operation &op : func.getBody().front()) {
      if (auto alloc = dyn_cast<AllocateOp>(op)) {
        if (names.count(alloc))
          continue;
        names[alloc] = "t" + std::to_string(temporaries.size());
        FailureOr<llvm::json::Array> dims = allocDims(alloc);
        if (failed(dims))
          return failure();
        FailureOr<llvm::json::Object> entry =
            describe(names[alloc], alloc.getType(), *dims, alloc);
        if (failed(entry))
          return failure();
        if (alloc.getZeroInitialize())
          (*entry)["zero"] = true;
        temporaries.push_back(std::move(*entry));
        continue;
      }
      if (auto constant = dyn_cast<ConstantOp>(op)) {
        std::string name = "c" + std::to_string(constants.size());
        names[constant] = name;
        MemRefType type = constant.getBuffer().getType();
        llvm::json::Array dims;
        for (int64_t size : type.getShape())
          dims.push_back(size);
        FailureOr<llvm::json::Object> entry =
            describe(name, type, dims, constant);
        if (failed(entry))
          return failure();
        FailureOr<std::string> data = constantBytes(constant);
        if (failed(data))
          return failure();
        (*entry)["data"] = llvm::encodeBase64(*data);
        constants.push_back(std::move(*entry));
        continue;
      }
      if (auto require = dyn_cast<RequireEqualOp>(op)) {
        FailureOr<std::string> lhs = expression(require.getLhs());
        FailureOr<std::string> rhs = expression(require.getRhs());
        if (failed(lhs) || failed(rhs))
          return failure();
        if (*lhs != *rhs)
          checks.push_back(llvm::json::Object{
              {"equal", llvm::json::Array{*lhs, *rhs}},
              {"reason", require.getReason().str()}});
        continue;
      }
      if (auto map = dyn_cast<TensorMapOp>(op)) {
        if (!names.count(map.getBuffer()))
          return map.emitOpError() << "maps a buffer the plan does not know";
        std::string name = "tm" + std::to_string(tensorMaps.size());
        names[map.getMap()] = name;
        names[map.getValid()] = name;
        llvm::json::Array dims, box;
        for (Value dim : map.getDims()) {
          FailureOr<std::string> e = expression(dim);
          if (failed(e))
            return failure();
          dims.push_back(*e);
        }
        nvgpu::TensorMapDescriptorType type = map.getMap().getType();
        for (int64_t size : type.getTensor().getShape())
          box.push_back(size);
        llvm::json::Array strides;
        for (Value stride : map.getStrides()) {
          FailureOr<std::string> e = expression(stride);
          if (failed(e))
            return failure();
          strides.push_back(*e);
        }
        llvm::json::Object entry{
            {"name", name},
            {"memref", names[map.getBuffer()]},
            {"dtype", dtypeName(type.getTensor().getElementType())},
            {"dims", std::move(dims)},
            {"box", std::move(box)},
            {"swizzle", map.getSwizzleBytes()},
            {"oob_zero",
             type.getOob() == nvgpu::TensorMapOOBKind::OOB_ZERO},
            {"l2promo", map.getL2PromotionBytes()},
            // Kernels take the 128-byte map itself (a __grid_constant__
            // parameter), not its address.
            {"by_value", true}};
        // (elements, outermost first: a strided view of the buffer)
        if (!strides.empty())
          entry["strides"] = std::move(strides);
        tensorMaps.push_back(std::move(entry));
        continue;
      }
      if (isa<MultiprocessorsOp>(op))
        continue;  // a symbol of the expressions that use it
      auto launch = dyn_cast<LaunchOp>(op);
      if (!launch) {
        // Host code the plan cannot carry is an error, not dropped.
        if (isa<MemcpyOp>(op))
          return op.emitOpError()
                 << "is a host-side copy, which the launch plan does not "
                    "carry yet: pass the data as an argument (the runtime "
                    "copies host arrays to the device)";
        if (isa<TargetDialect>(op.getDialect()))
          return op.emitOpError()
                 << "belongs in a kernel (tessera_target.kernel), not in a "
                    "host function";
        continue;
      }
      llvm::json::Array params, grid, block;
      for (Value arg : launch.getArgs()) {
        if (isa<MemRefType>(arg.getType())) {
          if (!names.count(arg))
            return launch.emitOpError()
                   << "passes a buffer the plan does not know";
          params.push_back(llvm::json::Object{{"memref", names[arg]}});
          continue;
        }
        if (arg.getType().isIntOrFloat()) {
          if (!names.count(arg))
            return launch.emitOpError()
                   << "passes a scalar that is not an argument of the host "
                      "function";
          params.push_back(llvm::json::Object{{"scalar", names[arg]}});
          continue;
        }
        if (auto map = arg.getDefiningOp<TensorMapOp>()) {
          StringRef key = arg == map.getMap() ? "tensor_map"
                                              : "tensor_map_valid";
          params.push_back(llvm::json::Object{{key, names[arg]}});
          continue;
        }
        FailureOr<std::string> size = expression(arg);
        if (failed(size))
          return failure();
        params.push_back(llvm::json::Object{{"size", *size}});
      }
      for (Value extent : launch.getGrid()) {
        FailureOr<std::string> e = expression(extent);
        if (failed(e))
          return failure();
        grid.push_back(*e);
      }
      for (int64_t extent : launch.getBlock())
        block.push_back(extent);
      while (grid.size() < 3)
        grid.push_back("1");
      while (block.size() < 3)
        block.push_back(1);
      llvm::json::Object entry{{"name", launch.getKernel().str()},
                               {"params", std::move(params)},
                               {"abi", abiOf(launch.getKernel())},
                               {"grid", std::move(grid)},
                               {"block", std::move(block)},
                               {"shared_bytes", launch.getShared()}};
      if (Value flops = launch.getFlops()) {
        FailureOr<std::string> e = expression(flops);
        if (failed(e))
          return failure();
        entry["flops"] = *e;
      }
      kernels.push_back(std::move(entry));
    }
    llvm::json::Object plan{{"format", 1},
                            {"entry", func.getName().str()},
                            {"inputs", std::move(inputs)},
                            {"outputs", std::move(outputs)},
                            {"temporaries", std::move(temporaries)},
                            {"checks", std::move(checks)},
                            {"tensor_maps", std::move(tensorMaps)},
                            {"kernels", std::move(kernels)}};
    // (only where there are any: plans without them stay as they were)
    if (!constants.empty())
      plan["constants"] = std::move(constants);
    return plan;
  }

private:
  /// "bare" for kernels whose buffers become bare pointers
  /// (tessera.memref_params), else "flat".
  std::string abiOf(StringRef kernel) {
    std::string abi = "flat";
    func->getParentOfType<ModuleOp>().walk([&](gpu::GPUFuncOp gpuFunc) {
      if (gpuFunc.getName() == kernel &&
          gpuFunc->hasAttr("tessera.memref_params"))
        abi = "bare";
    });
    return abi;
  }

  std::string argName(BlockArgument arg) {
    if (auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                      "tessera.name"))
      return name.str();
    return "arg" + std::to_string(arg.getArgNumber());
  }

  FailureOr<llvm::json::Object> describe(StringRef name, MemRefType type,
                                         llvm::json::Array &dims,
                                         Value where) {
    std::string dtype = dtypeName(type.getElementType());
    if (dtype.empty())
      return emitError(where.getLoc())
             << "buffer '" << name << "' has element type "
             << type.getElementType() << ", which the runtime cannot pass";
    return llvm::json::Object{
        {"name", name.str()}, {"dims", std::move(dims)}, {"dtype", dtype}};
  }

  /// The elements of a constant buffer as the runtime reads them: row-major
  /// little-endian bytes of the element type (a byte per i1).
  FailureOr<std::string> constantBytes(ConstantOp constant) {
    auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
    if (!dense)
      return constant.emitOpError()
             << "holds " << constant.getValue()
             << ", which the launch plan cannot carry (dense elements only)";
    Type element = dense.getElementType();
    unsigned width = element.getIntOrFloatBitWidth();
    unsigned bytes = std::max(1u, width / 8);
    std::string data;
    data.reserve(dense.getNumElements() * bytes);
    auto append = [&](const APInt &bits) {
      for (unsigned i = 0; i < bytes; ++i)
        data.push_back(static_cast<char>(
            bits.getBitWidth() <= 8 * i ? 0
                                        : bits.extractBitsAsZExtValue(
                                              std::min(8u, bits.getBitWidth() -
                                                               8 * i),
                                              8 * i)));
    };
    if (isa<FloatType>(element)) {
      for (const APFloat &value : dense.getValues<APFloat>())
        append(value.bitcastToAPInt());
    } else {
      for (const APInt &value : dense.getValues<APInt>())
        append(value);
    }
    return data;
  }

  FailureOr<llvm::json::Array> allocDims(AllocateOp alloc) {
    llvm::json::Array dims;
    unsigned next = 0;
    for (int64_t size : alloc.getType().getShape()) {
      if (!ShapedType::isDynamic(size)) {
        dims.push_back(size);
        continue;
      }
      FailureOr<std::string> e = expression(alloc.getSizes()[next++]);
      if (failed(e))
        return failure();
      dims.push_back(*e);
    }
    return dims;
  }

  /// An index value as an expression over the input symbols.
  FailureOr<std::string> expression(Value value) {
    if (auto arg = dyn_cast<BlockArgument>(value))
      return emitError(value.getLoc())
             << "size argument #" << arg.getArgNumber()
             << " cannot be expressed in the launch plan";
    Operation *op = value.getDefiningOp();
    if (auto constant = dyn_cast<arith::ConstantIndexOp>(op))
      return std::to_string(constant.value());
    if (isa<target::MultiprocessorsOp>(op))
      return std::string("multiprocessors");  // bound by the runtime
    if (auto dim = dyn_cast<memref::DimOp>(op)) {
      auto arg = dyn_cast<BlockArgument>(dim.getSource());
      std::optional<int64_t> index = dim.getConstantIndex();
      if (arg && index) {
        auto type = cast<MemRefType>(arg.getType());
        if (!type.isDynamicDim(*index))
          return std::to_string(type.getDimSize(*index));
        return symbols[{arg, *index}];
      }
    }
    auto binary = [&](StringRef format) -> FailureOr<std::string> {
      FailureOr<std::string> lhs = expression(op->getOperand(0));
      if (failed(lhs))
        return failure();
      FailureOr<std::string> rhs = expression(op->getOperand(1));
      if (failed(rhs))
        return failure();
      if (format == "ceil_div" || format == "min" || format == "max")
        return (format + "(" + *lhs + ", " + *rhs + ")").str();
      return "(" + *lhs + " " + format.str() + " " + *rhs + ")";
    };
    if (isa<arith::AddIOp>(op))
      return binary("+");
    if (isa<arith::SubIOp>(op))
      return binary("-");
    if (isa<arith::MulIOp>(op))
      return binary("*");
    if (isa<arith::DivUIOp, arith::DivSIOp, arith::FloorDivSIOp>(op))
      return binary("//");
    if (isa<arith::CeilDivUIOp, arith::CeilDivSIOp>(op))
      return binary("ceil_div");
    if (isa<arith::MinUIOp, arith::MinSIOp>(op))
      return binary("min");
    if (isa<arith::MaxUIOp, arith::MaxSIOp>(op))
      return binary("max");
    return op->emitOpError()
           << "computes a size the launch plan cannot express";
  }

  func::FuncOp func;
  llvm::DenseMap<Value, std::string> names;
  llvm::DenseMap<std::pair<Value, int64_t>, std::string> symbols;
};

struct ExportPlanPass
    : public target::impl::TesseraTargetExportPlanBase<ExportPlanPass> {
  using Base::Base;

  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (!func->hasAttr("tessera.host"))
        continue;
      FailureOr<llvm::json::Object> plan = PlanBuilder(func).build();
      if (failed(plan))
        return signalPassFailure();
      // The chip's vendor and binary, from the known-chips table, so that
      // neither the driver nor the runtime tells vendors apart by name.
      if (ChipAttr chip = ChipAttr::lookup(getOperation())) {
        const TargetInfo &info = chip.getInfo();
        (*plan)["target"] = chip.getName().str();
        (*plan)["vendor"] = info.getVendorName().lower();
        (*plan)["binary"] = ("kernels." + info.getBinaryExtension()).str();
      }
      std::string text;
      llvm::raw_string_ostream os(text);
      os << llvm::json::Value(std::move(*plan));
      func->setAttr("tessera.plan", StringAttr::get(&getContext(), text));
    }
  }
};
} // namespace
