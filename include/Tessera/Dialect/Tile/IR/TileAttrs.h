//===- TileAttrs.h - Tile IR attributes and enums ---------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TILE_IR_TILEATTRS_H
#define TESSERA_DIALECT_TILE_IR_TILEATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/TensorEncoding.h"

#include "Tessera/Dialect/Tile/IR/TileEnums.h.inc"

namespace mlir::tessera::tile {
/// `[` integer (`,` integer)* `]` or `[]`: the encodings' lists.
FailureOr<SmallVector<int64_t>> parseIntArray(AsmParser &parser);
void printIntArray(AsmPrinter &printer, ArrayRef<int64_t> values);
} // namespace mlir::tessera::tile

#define GET_ATTRDEF_CLASSES
#include "Tessera/Dialect/Tile/IR/TileAttrs.h.inc"

namespace mlir::tessera::tile {
/// True for the encodings that spread a tile over the block's warps:
/// blocked, mma_acc, dot_operand and slice.
bool isTileEncoding(Attribute encoding);

/// True for a statically shaped ranked tensor with a Tile IR encoding.
bool isRegisterTile(Type type);
} // namespace mlir::tessera::tile

#endif // TESSERA_DIALECT_TILE_IR_TILEATTRS_H
