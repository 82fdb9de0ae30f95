//===- TargetOps.cpp - Target IR operations -------------------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Target/IR/TargetOps.h"
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
  if (static_cast<int64_t>(getSizes().size()) != type.getNumDynamicDims())
    return emitOpError() << "type " << type << " has "
                         << type.getNumDynamicDims()
                         << " dynamic dimensions, but " << getSizes().size()
                         << " sizes are given";
  return success();
}

#define GET_OP_CLASSES
#include "Tessera/Dialect/Target/IR/TargetOps.cpp.inc"
