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

def Tile_CopyAsyncOp : Tile_Op<"copy_async"> {
  let summary = "starts an asynchronous global-to-shared copy of a few elements";
  let description = [{
    Starts copying `count` consecutive elements from `source[source_index]`
    (global memory) to `dest[dest_index]` (shared memory) without waiting for
    them. Only the first `valid` elements are read; the rest of the `count`
    are written as zeros, which is how ragged tile edges are padded. The copy
    joins the thread's current group (see `tessera_tile.async_commit` and
    `tessera_tile.async_wait`). `count` times the element size must be 4, 8
    or 16 bytes and both addresses aligned to it. On NVIDIA this is
    `cp.async` (`nvgpu.device_async_copy`).

    Example:

    ```mlir
    tessera_tile.copy_async %a[%g], %smem[%s], 8 valid %n
        : memref<?xf16> to memref<5120xf16, #gpu.address_space<workgroup>>
    ```
  }];
  let arguments = (ins Arg<MemRefRankOf<[AnyType], [1]>, "global source",
                           [MemRead]>:$source,
                       Index:$source_index,
                       Arg<MemRefRankOf<[AnyType], [1]>, "shared destination",
                           [MemWrite<Tile_SharedMemory>]>:$dest,
                       Index:$dest_index, I64Attr:$count, Index:$valid);
  let assemblyFormat = [{
    $source `[` $source_index `]` `,` $dest `[` $dest_index `]` `,` $count
        `valid` $valid attr-dict `:` type($source) `to` qualified(type($dest))
  }];
  let hasVerifier = 1;
}

def Tile_AsyncCommitOp : Tile_Op<"async_commit"> {
  let summary = "closes the thread's current group of asynchronous copies";
  let description = [{
    Groups every `tessera_tile.copy_async` this thread started since the
    previous commit; `tessera_tile.async_wait` waits for groups in order.

    Example:

    ```mlir
    tessera_tile.async_commit
    ```
  }];
  let assemblyFormat = "attr-dict";
}

def Tile_AsyncWaitOp : Tile_Op<"async_wait", [
    MemoryEffects<[MemRead<Tile_SharedMemory>, MemWrite<Tile_SharedMemory>]>]> {
  let summary = "waits until at most `pending` copy groups are in flight";
  let description = [{
    Blocks the thread until at most `pending` of its committed groups of
    asynchronous copies are unfinished: with `pending = stages - 2` in a
    pipelined loop, the oldest stage has landed. The copies are visible to
    the thread itself; a `tessera_tile.barrier` after the wait makes the
    whole block's copies visible to every thread.

    Example:

    ```mlir
    tessera_tile.async_wait 1
    ```
  }];
  let arguments = (ins I64Attr:$pending);
  let assemblyFormat = "$pending attr-dict";
  let hasVerifier = 1;
}

def Tile_LoadMatrixOp : Tile_Op<"load_matrix"> {
  let summary = "loads 8x8 matrices of 16-bit elements from shared memory "
                "into a warp's mma fragments";
  let description = [{
    The warp loads one, two or four 8x8 matrices of 16-bit elements from
    shared memory, each lane giving the address of one matrix row (lanes
    8i..8i+7 the rows of matrix i) at `buffer[index]`; the result is this
    lane's part: `vector<Nx2xT>` for N matrices, in the register layout the
    `tessera_tile.mma` operands use. With `transpose`, each matrix is
    transposed on the way. On NVIDIA this is `ldmatrix` (`nvgpu.ldmatrix`).

    Example:

    ```mlir
    %a = tessera_tile.load_matrix %smem[%row] transpose
        : memref<5120xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
    ```
  }];
  let arguments = (ins Arg<MemRefRankOf<[F16, BF16], [1]>, "shared source",
                           [MemRead<Tile_SharedMemory>]>:$buffer,
                       Index:$index, UnitAttr:$transpose);
  let results = (outs VectorOfRankAndType<[2], [F16, BF16]>:$result);
  let assemblyFormat = [{
    $buffer `[` $index `]` (`transpose` $transpose^)? attr-dict `:`
        qualified(type($buffer)) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tile_MmaOp : Tile_Op<"mma", [Pure,
    AllTypesMatch<["acc", "result"]>,
    AllElementTypesMatch<["lhs", "rhs"]>]> {
  let summary = "warp-wide tensor-core multiply-accumulate on register "
                "fragments";
  let description = [{
    The warp multiplies a 16x16 `lhs` tile by a 16x8 `rhs` tile and adds the
    16x8 accumulator: `result = lhs * rhs + acc`. Each lane holds its part of
    every operand in the tensor-core register layout (m16n8k16): `lhs` as
    `vector<4x2xT>`, `rhs` as `vector<2x2xT>`, `acc` as `vector<2x2xf32>`,
    with T f16 or bf16. `tessera_tile.load_matrix` produces the operands'
    layout. On NVIDIA this is `mma.sync` (`nvgpu.mma.sync`).

    Example:

    ```mlir
    %d = tessera_tile.mma %a, %b, %c
        : vector<4x2xf16>, vector<2x2xf16> -> vector<2x2xf32>
    ```
  }];
  let arguments = (ins VectorOfRankAndType<[2], [F16, BF16]>:$lhs,
                       VectorOfRankAndType<[2], [F16, BF16]>:$rhs,
                       VectorOfRankAndType<[2], [F32]>:$acc);
  let results = (outs VectorOfRankAndType<[2], [F32]>:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs `,` $acc attr-dict `:` type($lhs) `,` type($rhs) `->`
        type($result)
  }];
  let hasVerifier = 1;
}

#endif // TESSERA_DIALECT_TILE_IR_TILEOPS_TD
