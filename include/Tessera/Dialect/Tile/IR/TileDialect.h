//===- TileDialect.h - Tile IR dialect --------------------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TILE_IR_TILEDIALECT_H
#define TESSERA_DIALECT_TILE_IR_TILEDIALECT_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Dialect.h"

#include "Tessera/Dialect/Tile/IR/TileDialect.h.inc"

#endif // TESSERA_DIALECT_TILE_IR_TILEDIALECT_H
