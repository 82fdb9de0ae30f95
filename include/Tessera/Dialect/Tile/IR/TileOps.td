//===- TileOps.td - Tile IR operations ---------------------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TILE_IR_TILEOPS_TD
#define TESSERA_DIALECT_TILE_IR_TILEOPS_TD

include "Tessera/Dialect/Tile/IR/TileBase.td"

def Tile_ProgramIdOp : Tile_Op<"program_id", [Pure]> {
  let summary = "index of this thread block along a grid axis";
  let description = [{
    Returns the block's index along grid axis `axis` (0, 1 or 2), as
    Triton's `tl.program_id(axis)`.

    Example:

    ```mlir
    %pid = tessera_tile.program_id 0
    ```
  }];
  let arguments = (ins I64Attr:$axis);
  let results = (outs Index:$result);
  let assemblyFormat = "$axis attr-dict";
  let hasVerifier = 1;
}

def Tile_AllocSharedOp : Tile_Op<"alloc_shared"> {
  let summary = "a statically sized shared-memory buffer of the block";
  let description = [{
    Allocates a buffer in the block's shared memory for the lifetime of the
    kernel. The result is a statically shaped memref in
    `#gpu.address_space<workgroup>`; its size counts against the target's
    shared memory per block.

    Example:

    ```mlir
    %smem = tessera_tile.alloc_shared
        : memref<128x32xf16, #gpu.address_space<workgroup>>
    ```
  }];
  let results = (outs Res<AnyMemRef, "shared-memory buffer",
                          [MemAlloc<Tile_SharedMemory>]>:$buffer);
  let assemblyFormat = "attr-dict `:` qualified(type($buffer))";
  let hasVerifier = 1;
}

def Tile_BarrierOp : Tile_Op<"barrier", [
    MemoryEffects<[MemRead<Tile_SharedMemory>, MemWrite<Tile_SharedMemory>]>]> {
  let summary = "synchronizes the threads of the block";
  let description = [{
    No thread proceeds past the barrier until every thread of the block has
    reached it; shared-memory writes before it are visible after it.

    Example:

    ```mlir
    tessera_tile.barrier
    ```
  }];
  let assemblyFormat = "attr-dict";
}


def Tile_LoadOp : Tile_Op<"load", [
    TypesMatchWith<"result is the buffer's element type", "buffer", "result",
                   "::llvm::cast<::mlir::MemRefType>($_self).getElementType()">,
    OptionalTypesMatchWith<"other is the buffer's element type", "buffer",
                   "other",
                   "::llvm::cast<::mlir::MemRefType>($_self).getElementType()">,
    AttrSizedOperandSegments]> {
  let summary = "loads one element of a tile, masked for ragged edges";
  let description = [{
    Loads `buffer[index]` (a flat, contiguous buffer) where `mask` holds, and
    yields `other` where it does not, without touching memory: the block's
    threads that fall past a ragged edge read nothing. Without a mask the
    load is unconditional.

    Example:

    ```mlir
    %x = tessera_tile.load %a[%i] mask %in, %zero : memref<?xf32>
    %y = tessera_tile.load %a[%i] : memref<?xf32>
    ```
  }];
  let arguments = (ins Arg<MemRefRankOf<[AnyType], [1]>, "source",
                           [MemRead]>:$buffer,
                       Index:$index, Optional<I1>:$mask,
                       Optional<AnyType>:$other);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $buffer `[` $index `]` (`mask` $mask^ `,` $other)? attr-dict `:`
        type($buffer)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$buffer, "::mlir::Value":$index), [{
      build($_builder, $_state,
            ::llvm::cast<::mlir::MemRefType>(buffer.getType()).getElementType(),
            buffer, index, ::mlir::Value(), ::mlir::Value());
    }]>,
    OpBuilder<(ins "::mlir::Value":$buffer, "::mlir::Value":$index,
                   "::mlir::Value":$mask, "::mlir::Value":$other), [{
      build($_builder, $_state,
            ::llvm::cast<::mlir::MemRefType>(buffer.getType()).getElementType(),
            buffer, index, mask, other);
    }]>];
  let hasVerifier = 1;
}

def Tile_StoreOp : Tile_Op<"store", [
    TypesMatchWith<"value is the buffer's element type", "buffer", "value",
                   "::llvm::cast<::mlir::MemRefType>($_self).getElementType()">]> {
  let summary = "stores one element of a tile, masked for ragged edges";
  let description = [{
    Stores `value` to `buffer[index]` where `mask` holds; threads whose mask
    is false store nothing.

    Example:

    ```mlir
    tessera_tile.store %y, %out[%i] mask %in : memref<?xf32>
    ```
  }];
  let arguments = (ins AnyType:$value,
                       Arg<MemRefRankOf<[AnyType], [1]>, "destination",
                           [MemWrite]>:$buffer,
                       Index:$index, Optional<I1>:$mask);
  let assemblyFormat = [{
    $value `,` $buffer `[` $index `]` (`mask` $mask^)? attr-dict `:`
        type($buffer)
  }];
}

#endif // TESSERA_DIALECT_TILE_IR_TILEOPS_TD
