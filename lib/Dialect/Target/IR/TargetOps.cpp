//===- TargetOps.cpp - Target IR operations -------------------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Target/IR/TargetOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/FunctionImplementation.h"

using namespace mlir;
using namespace mlir::tessera::target;

//===----------------------------------------------------------------------===//
// KernelOp
//===----------------------------------------------------------------------===//

/// Syntax, following the Target IR guide:
///   tessera_target.kernel @name(%arg: type, ...)
///       (`config` `=` #tessera_target.kernel_config<...>)?
///       (`attributes` attr-dict)? region
ParseResult KernelOp::parse(OpAsmParser &parser, OperationState &result) {
  // An external kernel (a declaration) must be private, as for func.func.
  (void)impl::parseOptionalVisibilityKeyword(parser, result.attributes);
  StringAttr name;
  if (parser.parseSymbolName(name, getSymNameAttrName(result.name),
                             result.attributes))
    return failure();

  SmallVector<OpAsmParser::Argument> args;
  SmallVector<Type> resultTypes;
  SmallVector<DictionaryAttr> resultAttrs;
  bool isVariadic = false;
  SMLoc signatureLoc = parser.getCurrentLocation();
  if (function_interface_impl::parseFunctionSignatureWithArguments(
          parser, /*allowVariadic=*/false, args, isVariadic, resultTypes,
          resultAttrs))
    return failure();
  if (!resultTypes.empty())
    return parser.emitError(signatureLoc, "kernels return no values");

  SmallVector<Type> argTypes;
  for (OpAsmParser::Argument &arg : args)
    argTypes.push_back(arg.type);
  Builder &builder = parser.getBuilder();
  result.addAttribute(getFunctionTypeAttrName(result.name),
                      TypeAttr::get(builder.getFunctionType(argTypes, {})));
  call_interface_impl::addArgAndResultAttrs(
      builder, result, args, resultAttrs, getArgAttrsAttrName(result.name),
      getResAttrsAttrName(result.name));

  if (succeeded(parser.parseOptionalKeyword("config"))) {
    KernelConfigAttr config;
    if (parser.parseEqual() || parser.parseAttribute(config))
      return failure();
    result.addAttribute(getConfigAttrName(result.name), config);
  }
  if (parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();

  Region *body = result.addRegion();
  OptionalParseResult parsed = parser.parseOptionalRegion(*body, args);
  if (parsed.has_value() && failed(*parsed))
    return failure();
  return success();
}

void KernelOp::print(OpAsmPrinter &p) {
  p << ' ';
  if (auto visibility = (*this)->getAttrOfType<StringAttr>(
          SymbolTable::getVisibilityAttrName()))
    p << visibility.getValue() << ' ';
  p.printSymbolName(getSymName());
  function_interface_impl::printFunctionSignature(
      p, *this, getArgumentTypes(), /*isVariadic=*/false, getResultTypes());
  if (KernelConfigAttr config = getConfigAttr()) {
    p << " config = ";
    p.printAttribute(config);
  }
  function_interface_impl::printFunctionAttributes(
      p, *this,
      {getFunctionTypeAttrName(), getConfigAttrName(), getArgAttrsAttrName(),
       getResAttrsAttrName(), SymbolTable::getVisibilityAttrName()});
  if (!getBody().empty()) {
    p << ' ';
    p.printRegion(getBody(), /*printEntryBlockArgs=*/false,
                  /*printBlockTerminators=*/true);
  }
}

LogicalResult KernelOp::verify() {
  if (!getFunctionType().getResults().empty())
    return emitOpError() << "kernels return no values, but the signature has "
                         << getFunctionType().getNumResults() << " results";
  // FunctionOpInterface verifies the entry block against the signature.
  return success();
}

//===----------------------------------------------------------------------===//
// LaunchOp
//===----------------------------------------------------------------------===//

LogicalResult LaunchOp::verify() {
  size_t rank = getGrid().size();
  if (rank < 1 || rank > 3)
    return emitOpError() << "grid has " << rank
                         << " extents; it must have one to three";
  if (getBlock().size() != rank)
    return emitOpError() << "block has " << getBlock().size()
                         << " extents, but grid has " << rank;
  int64_t threads = 1;
  for (int64_t extent : getBlock()) {
    if (extent <= 0)
      return emitOpError() << "block extent " << extent << " must be positive";
    threads *= extent;
  }
  if (threads > 1024)
    return emitOpError() << "block of " << threads
                         << " threads exceeds the limit of 1024";
  if (static_cast<int64_t>(getShared()) < 0)
    return emitOpError() << "shared memory size "
                         << static_cast<int64_t>(getShared())
                         << " must not be negative";
  return success();
}

LogicalResult
LaunchOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  // After serialization the kernels live in a gpu.binary; only a kernel
  // still in Target IR can be checked.
  auto kernel = symbolTable.lookupNearestSymbolFrom<KernelOp>(
      *this, getKernelAttr());
  if (!kernel)
    return success();
  ArrayRef<Type> params = kernel.getArgumentTypes();
  if (params.size() != getArgs().size())
    return emitOpError() << "kernel @" << getKernel() << " takes "
                         << params.size() << " arguments, but "
                         << getArgs().size() << " are passed";
  for (auto [i, param, arg] :
       llvm::enumerate(params, getArgs().getTypes())) {
    auto paramMemRef = dyn_cast<MemRefType>(param);
    auto argMemRef = dyn_cast<MemRefType>(arg);
    bool compatible =
        paramMemRef && argMemRef
            ? paramMemRef.getElementType() == argMemRef.getElementType()
            : param == arg;
    if (!compatible)
      return emitOpError() << "argument " << i << " of type " << arg
                           << " does not match kernel parameter " << param;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// AllocateOp
//===----------------------------------------------------------------------===//

LogicalResult AllocateOp::verify() {
  MemRefType type = getBuffer().getType();
  if (getSizes().size() != static_cast<size_t>(type.getNumDynamicDims()))
    return emitOpError() << "type " << type << " has "
                         << type.getNumDynamicDims()
                         << " dynamic dimensions, but " << getSizes().size()
                         << " sizes are given";
  return success();
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  MemRefType type = getBuffer().getType();
  auto valueType = cast<ShapedType>(getValue().getType());
  if (valueType.getShape() != type.getShape() ||
      valueType.getElementType() != type.getElementType())
    return emitOpError() << "value of type " << valueType
                         << " does not fill the buffer " << type;
  if (!type.getLayout().isIdentity())
    return emitOpError() << "buffer " << type
                         << " must be in the identity (row-major) layout";
  return success();
}

//===----------------------------------------------------------------------===//
// PtxInstrOp
//===----------------------------------------------------------------------===//

/// The register class of a PTX operand of `type`, or "" if PTX has none.
static StringRef defaultPtxClass(Type type) {
  if (isa<LLVM::LLVMPointerType>(type))
    return "l";
  if (type.isF32())
    return "f";
  if (type.isF64())
    return "d";
  if (type.isF16() || type.isBF16())
    return "h";
  if (auto integer = dyn_cast<IntegerType>(type)) {
    switch (integer.getWidth()) {
    case 16:
      return "h";
    case 32:
      return "r";
    case 64:
      return "l";
    default:
      return "";
    }
  }
  return "";
}

/// True if an operand of `type` fits register class `cls`.
static bool fitsPtxClass(StringRef cls, Type type) {
  if (cls == "n")
    return isa<IntegerType>(type);
  return cls == defaultPtxClass(type) ||
         (cls == "l" && type.isInteger(64)) || (cls == "r" && type.isF32());
}

std::pair<std::string, bool> PtxInstrOp::getConstraint(unsigned i) {
  if (DictionaryAttr constraints = getConstraintsAttr())
    if (auto c = constraints.getAs<StringAttr>(("operand" + Twine(i)).str())) {
      StringRef text = c.getValue();
      bool tied = text.consume_front("+");
      return {text.str(), tied};
    }
  return {defaultPtxClass(getArgs()[i].getType()).str(), false};
}

LogicalResult PtxInstrOp::verify() {
  StringRef opcode = getOpcode();
  if (opcode.empty() || opcode.find_first_of(";{}$\n") != StringRef::npos)
    return emitOpError() << "opcode '" << opcode
                         << "' must be one PTX instruction (no ';', '$', braces "
                            "or newlines)";
  for (auto [i, type] : llvm::enumerate(getArgs().getTypes()))
    if (defaultPtxClass(type).empty())
      return emitOpError() << "operand #" << i << " has type " << type
                           << "; PTX operands are 16, 32 or 64-bit integers, "
                              "f16, bf16, f32, f64 or !llvm.ptr";
  if (getResult() && defaultPtxClass(getResult().getType()).empty())
    return emitOpError() << "result has type " << getResult().getType()
                         << "; PTX results are 16, 32 or 64-bit integers, "
                            "f16, bf16, f32, f64 or !llvm.ptr";
  int64_t tied = -1;
  if (DictionaryAttr constraints = getConstraintsAttr()) {
    unsigned count = getArgs().size();
    for (NamedAttribute entry : constraints) {
      StringRef key = entry.getName().getValue();
      unsigned index;
      if (!key.consume_front("operand") || key.getAsInteger(10, index) ||
          index >= count)
        return emitOpError() << "constraint key '" << entry.getName().getValue()
                             << "' names no operand (operand0 to operand"
                             << count << " excluded)";
      auto value = dyn_cast<StringAttr>(entry.getValue());
      StringRef text = value ? value.getValue() : "";
      bool plus = text.consume_front("+");
      if (text.size() != 1 || StringRef("rlhfdn").find(text) == StringRef::npos)
        return emitOpError() << "constraint " << entry.getValue() << " of "
                             << entry.getName().getValue()
                             << " must be one of r, l, h, f, d, n, optionally "
                                "after a '+'";
      Type type = getArgs()[index].getType();
      if (!fitsPtxClass(text, type))
        return emitOpError() << "constraint '" << text << "' of "
                             << entry.getName().getValue()
                             << " does not fit its type " << type
                             << " (r: 32-bit, l: 64-bit or pointer, h: 16-bit, "
                                "f: f32, d: f64, n: immediate)";
      if (plus && text == "n")
        return emitOpError() << entry.getName().getValue()
                             << " is marked '+n': an immediate cannot be "
                                "overwritten by the result";
      if (plus) {
        if (tied >= 0)
          return emitOpError() << "marks two operands '+'; the result "
                                  "overwrites at most one";
        tied = index;
      }
    }
  }
  if (tied >= 0) {
    if (!getResult())
      return emitOpError() << "operand" << tied
                           << " is marked '+' (the result overwrites it), but "
                              "the instruction has no result";
    if (getResult().getType() != getArgs()[tied].getType())
      return emitOpError() << "result type " << getResult().getType()
                           << " differs from operand" << tied << "'s type "
                           << getArgs()[tied].getType() << ", which it overwrites";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// TensorCoreOp
//===----------------------------------------------------------------------===//

namespace {
struct MmaShape {
  int64_t m, n, k;
};
} // namespace

/// The shapes family `kind` has for `precision` (empty: none).
static SmallVector<MmaShape> tensorCoreShapes(StringRef kind,
                                              StringRef precision) {
  bool half = precision == "f16" || precision == "bf16";
  bool byte = precision == "e4m3" || precision == "e5m2" || precision == "s8";
  if (kind == "mma_sync") {
    if (half)
      return {{16, 8, 16}, {16, 8, 8}};
    if (precision == "tf32")
      return {{16, 8, 8}, {16, 8, 4}};
    if (byte)
      return {{16, 8, 32}};
  } else if (kind == "mfma") { // CDNA3 (gfx942)
    if (half)
      return {{32, 32, 8}, {16, 16, 16}};
    if (precision == "tf32")
      return {{32, 32, 4}, {16, 16, 8}};
    if (byte)
      return {{32, 32, 16}, {16, 16, 32}};
  } else if (kind == "wmma") { // RDNA3
    if (half || precision == "s8")
      return {{16, 16, 16}};
  }
  return {};
}

LogicalResult TensorCoreOp::verify() {
  StringRef kind = getKind();
  if (!llvm::is_contained({"mma_sync", "wgmma", "mfma", "wmma"}, kind))
    return emitOpError() << "kind '" << kind
                         << "' must be mma_sync, wgmma, mfma or wmma";
  if (!getPrecision())
    return emitOpError() << "needs the operands' precision (precision = "
                            "\"f16\", \"bf16\", \"tf32\", ...)";
  StringRef precision = *getPrecision();
  if (!llvm::is_contained({"f16", "bf16", "tf32", "e4m3", "e5m2", "s8"},
                          precision))
    return emitOpError() << "precision '" << precision
                         << "' must be f16, bf16, tf32, e4m3, e5m2 or s8";
  if (!llvm::is_contained({"nn", "nt", "tn", "tt"}, getLayout()))
    return emitOpError() << "layout '" << getLayout()
                         << "' must be nn, nt, tn or tt";
  ArrayRef<int64_t> shape = getShape();
  if (shape.size() != 3)
    return emitOpError() << "shape must be [M, N, K], got " << shape.size()
                         << " sizes";
  int64_t m = shape[0], n = shape[1], k = shape[2];
  auto shapeText = [&] {
    return "[" + std::to_string(m) + ", " + std::to_string(n) + ", " +
           std::to_string(k) + "]";
  };
  if (kind == "wgmma") {
    int64_t wantK = precision == "tf32" ? 8
                    : (precision == "f16" || precision == "bf16") ? 16
                                                                   : 32;
    if (m != 64)
      return emitOpError() << "wgmma has M = 64, got " << m;
    if (n < 8 || n > 256 || n % 8 != 0)
      return emitOpError() << "wgmma has N a multiple of 8 from 8 to 256, got "
                           << n;
    if (k != wantK)
      return emitOpError() << "wgmma with " << precision << " operands has K = "
                           << wantK << ", got " << k;
    return success();
  }
  SmallVector<MmaShape> shapes = tensorCoreShapes(kind, precision);
  if (shapes.empty())
    return emitOpError() << kind << " has no " << precision << " form";
  if (llvm::none_of(shapes, [&](MmaShape s) {
        return s.m == m && s.n == n && s.k == k;
      })) {
    InFlightDiagnostic diag = emitOpError()
                              << kind << " with " << precision
                              << " operands has shape";
    for (auto [i, s] : llvm::enumerate(shapes))
      diag << (i ? " or " : " ") << "[" << s.m << ", " << s.n << ", " << s.k
           << "]";
    return diag << ", got " << shapeText();
  }
  if (kind == "mma_sync" && getLayout() != "nt")
    return emitOpError() << "mma_sync has only layout \"nt\" (A row-major, B "
                            "column-major), got \""
                         << getLayout() << "\"";
  return success();
}

//===----------------------------------------------------------------------===//
// MemcpyOp
//===----------------------------------------------------------------------===//

/// "shared", "global" or "" (not a buffer) for a memcpy operand type.
static StringRef bufferSpace(Type type) {
  if (auto pointer = dyn_cast<LLVM::LLVMPointerType>(type))
    return pointer.getAddressSpace() == 3 ? "shared" : "global";
  if (auto memref = dyn_cast<MemRefType>(type)) {
    auto space =
        dyn_cast_or_null<gpu::AddressSpaceAttr>(memref.getMemorySpace());
    if (space && space.getValue() == gpu::AddressSpace::Workgroup)
      return "shared";
    return space && space.getValue() == gpu::AddressSpace::Private ? ""
                                                                   : "global";
  }
  return "";
}

LogicalResult MemcpyOp::verify() {
  StringRef kind = getKind();
  if (!llvm::is_contained({"host_to_device", "device_to_host",
                           "device_to_device", "global_to_shared"},
                          kind))
    return emitOpError() << "kind '" << kind
                         << "' must be host_to_device, device_to_host, "
                            "device_to_device or global_to_shared";
  StringRef dest = bufferSpace(getDest().getType());
  StringRef src = bufferSpace(getSrc().getType());
  if (dest.empty() || src.empty())
    return emitOpError() << "copies between memrefs or !llvm.ptr values, got "
                         << getDest().getType() << " and "
                         << getSrc().getType();
  bool toShared = kind == "global_to_shared";
  if (toShared && (dest != "shared" || src != "global"))
    return emitOpError() << "kind 'global_to_shared' needs a shared-memory "
                            "destination and a global source, got a "
                         << dest << " destination and a " << src << " source";
  if (!toShared && (dest == "shared" || src == "shared"))
    return emitOpError() << "kind '" << kind
                         << "' copies between global buffers, but the "
                         << (dest == "shared" ? "destination" : "source")
                         << " is in shared memory";
  auto destMemRef = dyn_cast<MemRefType>(getDest().getType());
  auto srcMemRef = dyn_cast<MemRefType>(getSrc().getType());
  if (destMemRef && srcMemRef &&
      destMemRef.getElementType() != srcMemRef.getElementType())
    return emitOpError() << "element types " << destMemRef.getElementType()
                         << " and " << srcMemRef.getElementType() << " differ";
  if (getStream() && !getAsync())
    return emitOpError() << "has a stream but is not async (async = true)";
  return success();
}

#define GET_OP_CLASSES
//===----------------------------------------------------------------------===//
// TensorMapOp
//===----------------------------------------------------------------------===//

int64_t TensorMapOp::getSwizzleBytes() {
  switch (getMap().getType().getSwizzle()) {
  case nvgpu::TensorMapSwizzleKind::SWIZZLE_NONE:
    return 0;
  case nvgpu::TensorMapSwizzleKind::SWIZZLE_32B:
    return 32;
  case nvgpu::TensorMapSwizzleKind::SWIZZLE_64B:
    return 64;
  case nvgpu::TensorMapSwizzleKind::SWIZZLE_128B:
    return 128;
  }
  llvm_unreachable("unknown swizzle");
}

int64_t TensorMapOp::getL2PromotionBytes() {
  switch (getMap().getType().getL2promo()) {
  case nvgpu::TensorMapL2PromoKind::L2PROMO_NONE:
    return 0;
  case nvgpu::TensorMapL2PromoKind::L2PROMO_64B:
    return 64;
  case nvgpu::TensorMapL2PromoKind::L2PROMO_128B:
    return 128;
  case nvgpu::TensorMapL2PromoKind::L2PROMO_256B:
    return 256;
  }
  llvm_unreachable("unknown L2 promotion");
}

LogicalResult TensorMapOp::verify() {
  auto buffer = cast<MemRefType>(getBuffer().getType());
  nvgpu::TensorMapDescriptorType mapType = getMap().getType();
  MemRefType box = mapType.getTensor();
  if (buffer.getElementType() != box.getElementType())
    return emitOpError() << "maps a buffer of " << buffer.getElementType()
                         << " with a box of " << box.getElementType();
  Type element = box.getElementType();
  if (!(element.isF16() || element.isBF16() || element.isF32() ||
        element.isF64() || element.isInteger(8) || element.isInteger(32) ||
        element.isInteger(64) ||
        isa<Float8E4M3FNType, Float8E5M2Type>(element)))
    return emitOpError() << "maps elements of " << element
                         << ", which the runtime does not encode (f16, bf16, "
                            "f32, f64, i8, i32, i64, f8E4M3FN, f8E5M2)";
  if (!buffer.getLayout().isIdentity())
    return emitOpError() << "buffer " << buffer
                         << " must be in the identity (row-major) layout";
  if (static_cast<int64_t>(getDims().size()) != box.getRank())
    return emitOpError() << "has " << getDims().size()
                         << " dims, but its box has rank " << box.getRank();
  if (!getStrides().empty()) {
    if (getStrides().size() != getDims().size())
      return emitOpError() << "has " << getStrides().size()
                           << " strides for " << getDims().size()
                           << " dims; give one per dim, or none";
    std::optional<int64_t> inner = getConstantIntValue(getStrides().back());
    if (!inner || *inner != 1)
      return emitOpError() << "innermost stride must be the constant 1 "
                              "(TMA reads rows of contiguous elements)";
  }
  if (box.getRank() > 5)
    return emitOpError() << "box has rank " << box.getRank()
                         << "; TMA maps tensors of rank 1 to 5";
  if (!box.hasStaticShape() ||
      llvm::any_of(box.getShape(),
                   [](int64_t size) { return size < 1 || size > 256; }))
    return emitOpError() << "box " << box
                         << " must have static sizes from 1 to 256";
  auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(box.getMemorySpace());
  auto spaceInt = dyn_cast_or_null<IntegerAttr>(box.getMemorySpace());
  if (!(space && space.getValue() == gpu::AddressSpace::Workgroup) &&
      !(spaceInt && spaceInt.getInt() == 3))
    return emitOpError() << "box " << box
                         << " must be in shared memory (address space 3)";
  int64_t innerBytes =
      box.getShape().back() * box.getElementTypeBitWidth() / 8;
  if (innerBytes % 16 != 0)
    return emitOpError() << "box rows are " << innerBytes
                         << " bytes; TMA copies multiples of 16 bytes";
  int64_t swizzleBytes = getSwizzleBytes();
  if (swizzleBytes && innerBytes > swizzleBytes)
    return emitOpError() << "box rows are " << innerBytes
                         << " bytes, more than its " << swizzleBytes
                         << "-byte swizzle";
  if (mapType.getInterleave() != nvgpu::TensorMapInterleaveKind::INTERLEAVE_NONE)
    return emitOpError() << "uses interleave, which the runtime does not "
                            "encode (only interleave = none)";
  return success();
}

#include "Tessera/Dialect/Target/IR/TargetOps.cpp.inc"
