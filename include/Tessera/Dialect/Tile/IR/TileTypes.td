//===- TileTypes.td - Tile IR types ------------------------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TILE_IR_TILETYPES_TD
#define TESSERA_DIALECT_TILE_IR_TILETYPES_TD

include "Tessera/Dialect/Tile/IR/TileAttrs.td"

def Tile_SmemType : Tile_Type<"Smem", "smem"> {
  let summary = "a buffer in the block's shared memory";
  let description = [{
    A statically shaped buffer of the block's shared memory with a
    `#tessera_tile.smem_layout` (swizzle or padding; omitted when plain).
    A leading dimension may be a ring of pipeline stages, viewed one slot at
    a time with `tessera_tile.slot`. Its size in bytes is the product of the
    dimensions, each row padded by `pad` elements.

    The layout is checked against the rows: a swizzled row must be a whole
    number of swizzle spans, and rows of 1-byte-unaligned element types are
    not allowed.

    Example:

    ```mlir
    !tessera_tile.smem<3x128x64xf16, #tessera_tile.smem_layout<swizzle = 128>>
    !tessera_tile.smem<64x64xbf16>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$shape,
                        "::mlir::Type":$elementType,
                        "::mlir::tessera::tile::SmemLayoutAttr":$layout);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let builders = [
    TypeBuilderWithInferredContext<(ins
        "::llvm::ArrayRef<int64_t>":$shape, "::mlir::Type":$elementType,
        CArg<"::mlir::tessera::tile::SmemLayoutAttr", "{}">:$layout), [{
      // A null layout is the plain one: one spelling per buffer type.
      if (!layout)
        layout = SmemLayoutAttr::get(elementType.getContext(), 0, 0);
      return $_get(elementType.getContext(), shape, elementType, layout);
    }]>];
  let extraClassDeclaration = [{
    int64_t getRank() const { return getShape().size(); }
    /// Bytes the buffer occupies, padding included.
    int64_t getSizeInBytes() const;
    /// Alignment its base address needs: the swizzle pattern's period for a
    /// swizzled buffer (8 rows of `swizzle` bytes), else 16 bytes.
    int64_t getAlignment() const;
    /// One slot of a ring: the same buffer without its leading dimension.
    SmemType getSlotType() const;
    /// Bytes of one row (the last dimension), without padding.
    int64_t getRowBytes() const;
    /// The same bytes as the transposed buffer (last two dimensions
    /// swapped, `transposed` flipped): what `tessera_tile.trans` gives.
    SmemType getTransposedType() const;
  }];
}

def Tile_AsyncTokenType : Tile_Type<"AsyncToken", "async_token"> {
  let summary = "completion of an asynchronous copy";
  let description = [{
    Returned by `tessera_tile.box_copy`; `tessera_tile.wait` on it blocks
    until the copy has landed in shared memory.

    Example:

    ```mlir
    !tessera_tile.async_token
    ```
  }];
}

def Tile_MbarrierType : Tile_Type<"Mbarrier", "mbarrier"> {
  let summary = "a group of shared-memory barriers that count arrivals";
  let description = [{
    `count` barriers in shared memory (8 bytes each), typically one per ring
    slot. Each completes a phase when its expected number of arrivals (and,
    for copies that arrive on it, bytes) has come in; waiting is on the
    phase's parity.

    Example:

    ```mlir
    !tessera_tile.mbarrier<3>
    ```
  }];
  let parameters = (ins "int64_t":$count);
  let assemblyFormat = "`<` $count `>`";
  let genVerifyDecl = 1;
}

#endif // TESSERA_DIALECT_TILE_IR_TILETYPES_TD
