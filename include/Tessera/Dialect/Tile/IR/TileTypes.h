//===- TileTypes.h - Tile IR types ------------------------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TILE_IR_TILETYPES_H
#define TESSERA_DIALECT_TILE_IR_TILETYPES_H

#include "Tessera/Dialect/Tile/IR/TileAttrs.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Types.h"

#define GET_TYPEDEF_CLASSES
#include "Tessera/Dialect/Tile/IR/TileTypes.h.inc"

#endif // TESSERA_DIALECT_TILE_IR_TILETYPES_H
