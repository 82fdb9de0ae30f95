//===- BarePtr.cpp - Kernel buffers as bare pointers ----------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Upstream's bare-pointer calling convention covers only statically shaped
// memrefs; Tessera's kernels take flat `memref<?xT>` buffers with explicit
// size parameters. After the conversion to the LLVM dialect, each such
// buffer is five arguments (allocated and aligned pointer, offset, size,
// stride); this pass folds them into one pointer. TMA tensor maps among the
// parameters become byval `__grid_constant__` parameters (the runtime
// passes the 128-byte CUtensorMap itself).
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Target/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::tessera::target {
#define GEN_PASS_DEF_TESSERATARGETBAREPTR
#include "Tessera/Dialect/Target/Transforms/Passes.h.inc"
} // namespace mlir::tessera::target

using namespace mlir;

static constexpr StringLiteral kMemRefParams = "tessera.memref_params";
static constexpr StringLiteral kTensorMapParams = "tessera.tensor_map_params";

/// The TMA tensor maps among the (bare) parameters become 128-byte, 64-byte
/// aligned byval parameters that NVVM reads in place (`__grid_constant__`):
/// the runtime passes the encoded CUtensorMap itself.
static LogicalResult markTensorMaps(LLVM::LLVMFuncOp func) {
  auto params = func->getAttrOfType<DenseI64ArrayAttr>(kTensorMapParams);
  if (!params)
    return success();
  MLIRContext *ctx = func.getContext();
  for (int64_t p : params.asArrayRef()) {
    if (p < 0 || p >= static_cast<int64_t>(func.getNumArguments()) ||
        !isa<LLVM::LLVMPointerType>(func.getArgument(p).getType()))
      return func.emitOpError() << kTensorMapParams << " names parameter "
                                << p << ", which is not a pointer parameter";
    func.setArgAttr(p, LLVM::LLVMDialect::getByValAttrName(),
                    TypeAttr::get(LLVM::LLVMArrayType::get(
                        IntegerType::get(ctx, 8), 128)));
    func.setArgAttr(p, LLVM::LLVMDialect::getAlignAttrName(),
                    IntegerAttr::get(IntegerType::get(ctx, 64), 64));
    func.setArgAttr(p, "nvvm.grid_constant", UnitAttr::get(ctx));
  }
  func->removeAttr(kTensorMapParams);
  return success();
}

static LogicalResult rewriteKernel(LLVM::LLVMFuncOp func,
                                   DenseI64ArrayAttr memrefParams) {
  Block &entry = func.getBody().front();
  unsigned numMemRefs = memrefParams.size();
  unsigned numArgs = entry.getNumArguments();
  if (numArgs < 5 * numMemRefs)
    return func.emitOpError() << "has " << numArgs
                              << " arguments, too few for " << numMemRefs
                              << " memref descriptors";
  unsigned numParams = numArgs - 4 * numMemRefs;
  // The first argument of each original parameter.
  SmallVector<unsigned> starts;
  SmallVector<bool> isMemRef(numParams, false);
  for (int64_t p : memrefParams.asArrayRef()) {
    if (p < 0 || p >= numParams || isMemRef[p])
      return func.emitOpError() << kMemRefParams << " names parameter " << p
                                << " of " << numParams << " (or names it twice)";
    isMemRef[p] = true;
  }
  for (unsigned p = 0, arg = 0; p < numParams; ++p) {
    if (isMemRef[p]) {
      auto ptr = [&](unsigned i) {
        return isa<LLVM::LLVMPointerType>(entry.getArgument(arg + i).getType());
      };
      auto i64 = [&](unsigned i) {
        return entry.getArgument(arg + i).getType().isInteger(64);
      };
      if (!ptr(0) || !ptr(1) || !i64(2) || !i64(3) || !i64(4))
        return func.emitOpError()
               << "parameter " << p
               << " is not a flat memref descriptor (ptr, ptr, i64, i64, i64)";
    }
    arg += isMemRef[p] ? 5 : 1;
  }
  for (unsigned p = 0, arg = 0; p < numParams; ++p) {
    starts.push_back(arg);
    arg += isMemRef[p] ? 5 : 1;
  }
  OpBuilder b = OpBuilder::atBlockBegin(&entry);
  Location loc = func.getLoc();
  // Back to front, so that earlier argument positions stay valid.
  for (int64_t p = numParams - 1; p >= 0; --p) {
    if (!isMemRef[p])
      continue;
    unsigned k = starts[p];
    BlockArgument size = entry.getArgument(k + 3);
    if (!size.use_empty())
      return func.emitOpError()
             << "reads the size of buffer parameter " << p
             << " from its descriptor; it cannot take a bare pointer";
    Type i64 = entry.getArgument(k + 2).getType();
    BlockArgument pointer =
        entry.insertArgument(k, entry.getArgument(k).getType(), loc);
    entry.getArgument(k + 1).replaceAllUsesWith(pointer);
    entry.getArgument(k + 2).replaceAllUsesWith(pointer);
    Value zero = LLVM::ConstantOp::create(b, loc, i64, b.getIntegerAttr(i64, 0));
    Value one = LLVM::ConstantOp::create(b, loc, i64, b.getIntegerAttr(i64, 1));
    entry.getArgument(k + 3).replaceAllUsesWith(zero);
    entry.getArgument(k + 5).replaceAllUsesWith(one);
    entry.eraseArguments(k + 1, 5);
  }
  auto type = func.getFunctionType();
  func.setFunctionType(LLVM::LLVMFunctionType::get(
      type.getReturnType(), llvm::to_vector(entry.getArgumentTypes()),
      type.isVarArg()));
  func.setArgAttrsAttr(nullptr);
  func->removeAttr(kMemRefParams);
  return success();
}

namespace {
struct BarePtrPass
    : public tessera::target::impl::TesseraTargetBarePtrBase<BarePtrPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<LLVM::LLVMFuncOp> kernels;
    getOperation()->walk([&](LLVM::LLVMFuncOp func) {
      if (func->hasAttr(kMemRefParams) && !func.getBody().empty())
        kernels.push_back(func);
    });
    for (LLVM::LLVMFuncOp func : kernels) {
      auto params = func->getAttrOfType<DenseI64ArrayAttr>(kMemRefParams);
      if (!params) {
        func.emitOpError() << kMemRefParams
                           << " must be an array<i64> of parameter indices";
        return signalPassFailure();
      }
      if (failed(rewriteKernel(func, params)) || failed(markTensorMaps(func)))
        return signalPassFailure();
    }
  }
};
} // namespace
