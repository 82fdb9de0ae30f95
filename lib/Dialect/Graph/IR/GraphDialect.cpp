//===- GraphDialect.cpp - Graph IR dialect and attributes -----------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Graph/IR/GraphDialect.h"
#include "Tessera/Dialect/Graph/IR/GraphAttrs.h"
#include "Tessera/Dialect/Graph/IR/GraphOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tessera::graph;

#include "Tessera/Dialect/Graph/IR/GraphDialect.cpp.inc"
#include "Tessera/Dialect/Graph/IR/GraphEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "Tessera/Dialect/Graph/IR/GraphAttrs.cpp.inc"

void GraphDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Tessera/Dialect/Graph/IR/GraphAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "Tessera/Dialect/Graph/IR/GraphOps.cpp.inc"
      >();
}

Operation *GraphDialect::materializeConstant(OpBuilder &builder,
                                             Attribute value, Type type,
                                             Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, type, elements);
}

LogicalResult GraphDialect::verifyOperationAttribute(Operation *op,
                                                     NamedAttribute attr) {
  if (attr.getName() != getNumericsAttrName())
    return op->emitError() << "unknown Tessera Graph IR attribute '"
                           << attr.getName().getValue() << "'";
  if (!isa<NumericsAttr>(attr.getValue()))
    return op->emitError() << "'" << getNumericsAttrName()
                           << "' must be a #tessera_graph.numerics policy, got "
                           << attr.getValue();
  return success();
}

//===----------------------------------------------------------------------===//
// NumericsAttr
//===----------------------------------------------------------------------===//

static bool isNumericType(Type type) {
  return isa<FloatType>(type) || isa<IntegerType>(type);
}

LogicalResult
NumericsAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                     Type storage, Type compute, Type accumulate,
                     RoundingMode rounding, bool saturate,
                     DenormalMode denormals) {
  for (auto [name, type] : {std::pair<StringRef, Type>{"storage", storage},
                            {"compute", compute},
                            {"accumulate", accumulate}})
    if (type && !isNumericType(type))
      return emitError() << name << " type " << type
                         << " is not a float or integer type";
  if (storage && compute && isa<FloatType>(storage) != isa<FloatType>(compute))
    return emitError() << "compute type " << compute
                       << " and storage type " << storage
                       << " must both be floats or both integers";
  return success();
}

bool NumericsAttr::names(Type type) const {
  return type == getStorage() || type == getCompute() ||
         type == getAccumulate();
}

NumericsAttr mlir::tessera::graph::getNumericsPolicy(Operation *op) {
  for (; op; op = op->getParentOp())
    if (auto policy = op->getAttrOfType<NumericsAttr>(
            GraphDialect::getNumericsAttrName()))
      return policy;
  return {};
}
