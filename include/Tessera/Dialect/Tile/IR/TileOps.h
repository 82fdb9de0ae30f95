//===- TileOps.h - Tile IR operations ---------------------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TILE_IR_TILEOPS_H
#define TESSERA_DIALECT_TILE_IR_TILEOPS_H

#include "Tessera/Dialect/Tile/IR/TileAttrs.h"
#include "Tessera/Dialect/Tile/IR/TileDialect.h"
#include "Tessera/Dialect/Tile/IR/TileTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::tessera::tile {
/// The thread block's shared memory.
struct SharedMemoryResource
    : public SideEffects::Resource::Base<SharedMemoryResource> {
  StringRef getName() final { return "SharedMemory"; }
};

class WarpPartitionsOp;
} // namespace mlir::tessera::tile

#define GET_OP_CLASSES
#include "Tessera/Dialect/Tile/IR/TileOps.h.inc"

#endif // TESSERA_DIALECT_TILE_IR_TILEOPS_H
