//===- GraphOps.cpp - Graph IR operations ---------------------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Graph/IR/GraphOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::tessera::graph;

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

/// Inference only needs the ranks (checked by ODS) to name the result shape
/// `[M, N]`; contraction and element-type mismatches are left to verify(), so
/// that each error is reported once, by the verifier, with its exact message.
LogicalResult MatmulOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> location, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties properties, RegionRange regions,
    SmallVectorImpl<Type> &inferredReturnTypes) {
  auto lhsType = dyn_cast<RankedTensorType>(operands[0].getType());
  auto rhsType = dyn_cast<RankedTensorType>(operands[1].getType());
  if (!lhsType || !rhsType || lhsType.getRank() != 2 || rhsType.getRank() != 2)
    return emitOptionalError(location, "'", getOperationName(),
                             "' op operands must be rank-2 tensors");
  inferredReturnTypes.push_back(RankedTensorType::get(
      {lhsType.getDimSize(0), rhsType.getDimSize(1)},
      lhsType.getElementType()));
  return success();
}

LogicalResult MatmulOp::verify() {
  RankedTensorType lhsType = getLhs().getType(), rhsType = getRhs().getType();
  if (lhsType.getElementType() != rhsType.getElementType())
    return emitOpError() << "lhs element type " << lhsType.getElementType()
                         << " does not match rhs element type "
                         << rhsType.getElementType();
  int64_t k1 = lhsType.getDimSize(1), k2 = rhsType.getDimSize(0);
  if (!ShapedType::isDynamic(k1) && !ShapedType::isDynamic(k2) && k1 != k2)
    return emitOpError() << "lhs dimension 1 (" << k1
                         << ") does not match rhs dimension 0 (" << k2 << ")";
  return success();
}

#define GET_OP_CLASSES
#include "Tessera/Dialect/Graph/IR/GraphOps.cpp.inc"
