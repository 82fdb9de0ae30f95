//===- TileAttrs.td - Tile IR attributes and enums ---------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TILE_IR_TILEATTRS_TD
#define TESSERA_DIALECT_TILE_IR_TILEATTRS_TD

include "Tessera/Dialect/Tile/IR/TileBase.td"
include "mlir/IR/TensorEncoding.td"

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

/// An integer list written in brackets (`[4, 1]`), as the encodings read.
class Tile_IntArrayParameter<string desc = "">
    : ArrayRefParameter<"int64_t", desc> {
  let parser = [{ ::mlir::tessera::tile::parseIntArray($_parser) }];
  let printer = [{ ::mlir::tessera::tile::printIntArray($_printer, $_self) }];
}
/// A nested Tile IR attribute, printed in full (`#tessera_tile.mma<...>`)
/// rather than stripped, so that diagnostics read as the source does.
class Tile_AttrParameter<string cppType, string desc = "">
    : AttrParameter<cppType, desc> {
  let printer = [{ $_printer.printAttribute($_self) }];
}

class Tile_OptionalIntArrayParameter<string desc = "">
    : OptionalArrayRefParameter<"int64_t", desc> {
  let parser = [{ ::mlir::tessera::tile::parseIntArray($_parser) }];
  let printer = [{ ::mlir::tessera::tile::printIntArray($_printer, $_self) }];
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Tile_MmaKind : I32EnumAttr<"MmaKind", "tensor-core instruction family", [
    I32EnumAttrCase<"mma_sync", 0>,
    I32EnumAttrCase<"wgmma", 1>,
    I32EnumAttrCase<"mfma", 2>,
    I32EnumAttrCase<"fma", 3>]> {
  let cppNamespace = "::mlir::tessera::tile";
  let genSpecializedAttr = 0;
}

def Tile_ReduceKind : I32EnumAttr<"ReduceKind", "reduction combiner", [
    I32EnumAttrCase<"add", 0>,
    I32EnumAttrCase<"max", 1>,
    I32EnumAttrCase<"min", 2>]> {
  let cppNamespace = "::mlir::tessera::tile";
}

//===----------------------------------------------------------------------===//
// Tensor-core instruction shape
//===----------------------------------------------------------------------===//

def Tile_MmaAttr : Tile_Attr<"Mma", "mma"> {
  let summary = "a tensor-core instruction family and its m x n x k shape";
  let description = [{
    Names the instruction a block-level `tessera_tile.dot` is built from, so
    that the block's tile must be a whole number of them. Legal shapes, for
    f16/bf16 operands accumulating into f32:

    - `mma_sync` (NVIDIA, one warp): m16n8k16;
    - `wgmma` (Hopper, one warpgroup of four warps): m = 64, n a multiple of
      8 in [8, 256], k = 16;
    - `mfma` (AMD CDNA, one wavefront): 16x16x16 or 32x32x8;
    - `fma` (every chip, no tensor cores): 1x1x1, one fused multiply-add
      per thread and element of its `#tessera_tile.blocked` accumulator
      (f16, bf16 or f32 operands into f32, f64 into f64).

    Lowering chooses the fragments and the instruction spelling; the
    attribute fixes only what the block's program depends on: the shape.

    Example:

    ```mlir
    #tessera_tile.mma<kind = wgmma, m = 64, n = 256, k = 16>
    #tessera_tile.mma<kind = mfma, m = 32, n = 32, k = 8>
    ```
  }];
  let parameters = (ins EnumParameter<Tile_MmaKind>:$kind,
                        "int64_t":$m, "int64_t":$n, "int64_t":$k);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// Register-tile encodings
//===----------------------------------------------------------------------===//

def Tile_BlockedEncodingAttr : Tile_Attr<"BlockedEncoding", "blocked",
    [DeclareAttrInterfaceMethods<VerifiableTensorEncoding>]> {
  let summary = "a register tile spread over the block's warps";
  let description = [{
    The encoding of a register tile (a builtin `tensor`) that the block's
    warps hold together: `warps[d]` warps along dimension `d`, each owning
    an equal, contiguous share of that dimension (row-major: the last
    dimension varies fastest). Optionally `threads` (lanes of a warp along
    each dimension; their product is the warp size, 32 or 64) and
    `per_thread` (contiguous elements a lane owns, the vector width) pin
    down the distribution inside a warp; without them lowering picks it
    from the target's warp size and vector width.

    Each tile dimension must be a multiple of its `warps` entry (times
    `threads` and `per_thread` when given).

    Example:

    ```mlir
    tensor<128x64xf32, #tessera_tile.blocked<warps = [4, 2]>>
    tensor<128x64xf16, #tessera_tile.blocked<warps = [4, 1], threads = [4, 8],
                                             per_thread = [1, 8]>>
    ```
  }];
  let parameters = (ins Tile_IntArrayParameter<>:$warps,
                        Tile_OptionalIntArrayParameter<>:$threads,
                        Tile_OptionalIntArrayParameter<>:$per_thread);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Warps of the block that hold the tile (the product of `warps`).
    int64_t getNumWarps() const;
  }];
}

def Tile_MmaAccEncodingAttr : Tile_Attr<"MmaAccEncoding", "mma_acc",
    [DeclareAttrInterfaceMethods<VerifiableTensorEncoding>]> {
  let summary = "a dot accumulator tile in the fragments of an mma instruction";
  let description = [{
    The encoding of the f32 accumulator of a `tessera_tile.dot`: the tile
    is held as fragments of the `mma` instruction, `warps = [wm, wn]` warps
    along m and n. For `wgmma` the warps come in warpgroups of four along
    m (`wm` a multiple of 4) and each warpgroup covers `m` rows; for the
    other kinds each warp covers m rows. The tile's rows must be a multiple
    of m times the warp (group) rows, its columns of n times `wn`.

    Which lane holds which element is the instruction's fragment layout,
    which is a `#tessera_tile.blocked` distribution: for mma_sync (and
    wgmma with one m per warpgroup) `threads = [8, 4], per_thread = [1, 2]`
    (lane l holds rows l/4 + 8i and columns 2(l%4) + {0, 1} + 8j); for
    mfma 16x16 `threads = [4, 16], per_thread = [4, 1]`, for 32x32
    `threads = [2, 32], per_thread = [4, 1]`. So elementwise math,
    reductions, loads and stores treat an accumulator like that blocked
    tile, and the element type may be any scalar (f32 for a dot's
    accumulator).

    Example:

    ```mlir
    tensor<128x256xf32, #tessera_tile.mma_acc<
        mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 256, k = 16>,
        warps = [8, 1]>>
    ```
  }];
  let parameters = (ins Tile_AttrParameter<"::mlir::tessera::tile::MmaAttr">:$mma,
                        Tile_IntArrayParameter<>:$warps);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Warps of the block that hold the tile (the product of `warps`).
    int64_t getNumWarps() const;
    /// Rows and columns covered by one step of the warp grid.
    ::llvm::SmallVector<int64_t, 2> getBlockShape() const;
    /// The same distribution of a tile of `shape` as a blocked encoding
    /// (which lane holds which element), or null where it is not one.
    BlockedEncodingAttr getThreadLayout(::llvm::ArrayRef<int64_t> shape) const;
  }];
}

def Tile_DotOperandEncodingAttr : Tile_Attr<"DotOperandEncoding",
    "dot_operand", [DeclareAttrInterfaceMethods<VerifiableTensorEncoding>]> {
  let summary = "a dot operand tile in the registers an mma instruction reads";
  let description = [{
    The encoding of a register operand of `tessera_tile.dot`: operand
    `index` (0: a, 1: b) of the dot whose accumulator has encoding
    `parent`. `tessera_tile.local_load` produces it from shared memory;
    lowering picks the instruction (ldmatrix, LDS reads).

    Example:

    ```mlir
    tensor<128x32xf16, #tessera_tile.dot_operand<index = 0, parent =
        #tessera_tile.mma_acc<mma = #tessera_tile.mma<kind = mma_sync,
                              m = 16, n = 8, k = 16>, warps = [4, 2]>>>
    ```
  }];
  let parameters = (ins "int64_t":$index,
                        Tile_AttrParameter<
                            "::mlir::tessera::tile::MmaAccEncodingAttr">:$parent);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Which lane holds which element of an operand tile of `shape`, as a
    /// blocked encoding, or null where it is not one. mma_sync's `a`
    /// (m16n8k16) over warps that each hold whole rows (`[w, 1]`): its
    /// registers are the accumulator's layout over the [M, K] tile (lane l
    /// holds rows l/4 + 8i and columns 2(l%4) + {0, 1} + 8j), so an
    /// accumulator converted to f16 is the next dot's `a` as it is.
    BlockedEncodingAttr getThreadLayout(::llvm::ArrayRef<int64_t> shape) const;
  }];
}

def Tile_SliceEncodingAttr : Tile_Attr<"SliceEncoding", "slice",
    [DeclareAttrInterfaceMethods<VerifiableTensorEncoding>]> {
  let summary = "a tile with one dimension of its parent's distribution "
                "removed";
  let description = [{
    The encoding of a `tessera_tile.reduce` result: the parent's
    distribution with dimension `dim` reduced away, each remaining element
    held by the warps that held its row (or column) of the parent.
    `tessera_tile.broadcast` goes back to the parent.

    Example:

    ```mlir
    tensor<128xf32, #tessera_tile.slice<dim = 1,
                                        parent = #tessera_tile.blocked<warps = [4, 2]>>>
    ```
  }];
  let parameters = (ins "int64_t":$dim,
                        Tile_AttrParameter<"::mlir::Attribute">:$parent);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// Shared-memory layout
//===----------------------------------------------------------------------===//

def Tile_SmemLayoutAttr : Tile_Attr<"SmemLayout", "smem_layout"> {
  let summary = "how a shared buffer's rows are laid out: swizzle or padding, "
                "and which way round";
  let description = [{
    `swizzle` (bytes: 0, 32, 64 or 128) XORs each 16-byte chunk's position
    within a `swizzle`-byte span with the row index, the layout TMA and
    wgmma read without bank conflicts; `pad` appends that many elements to
    every row (ldmatrix / LDS reads without conflicts, no XOR). At most one
    of the two is set; both default to 0 (a plain row-major buffer).

    `transposed` stores the last two dimensions the other way round: element
    [i, j] of an M x N buffer is at j * (M + pad) + i, so the stored rows
    are the columns. It is what `tessera_tile.trans` gives: the same bytes
    seen as the transposed matrix (a K-major operand of a dot).

    Example:

    ```mlir
    #tessera_tile.smem_layout<swizzle = 128>
    #tessera_tile.smem_layout<pad = 8>
    #tessera_tile.smem_layout<pad = 8, transposed = true>
    ```
  }];
  let parameters = (ins DefaultValuedParameter<"int64_t", "0">:$swizzle,
                        DefaultValuedParameter<"int64_t", "0">:$pad,
                        DefaultValuedParameter<"bool", "false">:$transposed);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let builders = [
    AttrBuilder<(ins CArg<"int64_t", "0">:$swizzle, CArg<"int64_t", "0">:$pad),
    [{
      return $_get($_ctxt, swizzle, pad, false);
    }]>];
  let extraClassDeclaration = [{
    /// True for the plain row-major layout (printed by omission).
    bool isPlain() const {
      return getSwizzle() == 0 && getPad() == 0 && !getTransposed();
    }
  }];
}

#endif // TESSERA_DIALECT_TILE_IR_TILEATTRS_TD
