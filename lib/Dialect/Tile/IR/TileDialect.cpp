//===- TileDialect.cpp - Tile IR dialect and operations -------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Tile/IR/TileDialect.h"
#include "Tessera/Dialect/Tile/IR/TileOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::tessera::tile;

#include "Tessera/Dialect/Tile/IR/TileDialect.cpp.inc"

void TileDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Tessera/Dialect/Tile/IR/TileOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// ProgramIdOp
//===----------------------------------------------------------------------===//

LogicalResult ProgramIdOp::verify() {
  int64_t axis = getAxis();
  if (axis < 0 || axis > 2)
    return emitOpError() << "axis (" << axis << ") must be 0, 1 or 2";
  return success();
}

//===----------------------------------------------------------------------===//
// AllocSharedOp
//===----------------------------------------------------------------------===//

LogicalResult AllocSharedOp::verify() {
  MemRefType type = getBuffer().getType();
  if (!type.hasStaticShape())
    return emitOpError() << "result " << type
                         << " must have a static shape: shared memory is "
                            "sized at compile time";
  auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(type.getMemorySpace());
  if (!space || space.getValue() != gpu::AddressSpace::Workgroup)
    return emitOpError() << "result " << type
                         << " must be in #gpu.address_space<workgroup>";
  return success();
}

//===----------------------------------------------------------------------===//
// LoadOp
//===----------------------------------------------------------------------===//

LogicalResult LoadOp::verify() {
  if (static_cast<bool>(getMask()) != static_cast<bool>(getOther()))
    return emitOpError() << "mask and other value must be given together";
  return success();
}

#define GET_OP_CLASSES
#include "Tessera/Dialect/Tile/IR/TileOps.cpp.inc"
