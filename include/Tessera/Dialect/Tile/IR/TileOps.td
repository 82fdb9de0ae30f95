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

#endif // TESSERA_DIALECT_TILE_IR_TILEOPS_TD
