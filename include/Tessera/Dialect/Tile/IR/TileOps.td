//===- TileOps.td - Tile IR operations ---------------------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TILE_IR_TILEOPS_TD
#define TESSERA_DIALECT_TILE_IR_TILEOPS_TD

include "Tessera/Dialect/Tile/IR/TileBase.td"
include "Tessera/Dialect/Tile/IR/TileTypes.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

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
    shared memory per block. With `offset`, the buffer starts at that byte
    of the block's shared memory (a `tessera_tile.local_alloc` placed by
    `tessera-tile-allocate-shared`, lowered); buffers without one are placed
    after the highest placed one. `align` (bytes, over 16) asks that the
    buffer start at that alignment of the shared window, as swizzled
    buffers need: the block's shared memory is then aligned at run time,
    with that much slack in its size.

    Example:

    ```mlir
    %smem = tessera_tile.alloc_shared
        : memref<128x32xf16, #gpu.address_space<workgroup>>
    %ring = tessera_tile.alloc_shared offset 1024
        : memref<9216xf16, #gpu.address_space<workgroup>>
    %tma = tessera_tile.alloc_shared offset 0 align 1024
        : memref<8192xf16, #gpu.address_space<workgroup>>
    ```
  }];
  let arguments = (ins OptionalAttr<I64Attr>:$offset,
                       OptionalAttr<I64Attr>:$align);
  let results = (outs Res<AnyMemRef, "shared-memory buffer",
                          [MemAlloc<Tile_SharedMemory>]>:$buffer);
  let assemblyFormat = [{
    (`offset` $offset^)? (`align` $align^)? attr-dict `:`
        qualified(type($buffer))
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Type":$type), [{
      build($_builder, $_state, type, ::mlir::IntegerAttr(),
            ::mlir::IntegerAttr());
    }]>,
    OpBuilder<(ins "::mlir::Type":$type, "::mlir::IntegerAttr":$offset), [{
      build($_builder, $_state, type, offset, ::mlir::IntegerAttr());
    }]>];
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

//===----------------------------------------------------------------------===//
// Block-level ops: what one thread block does
//===----------------------------------------------------------------------===//
//
// The ops below state a block's program on register tiles (tensors with a
// #tessera_tile encoding) and shared buffers (!tessera_tile.smem). Lowering
// chooses the instructions (cp.async / TMA / LDS staging, mma.sync / wgmma /
// mfma, shuffles); the ops fix only what the block's program depends on.

def Tile_RegisterTile : Type<
    CPred<"::mlir::tessera::tile::isRegisterTile($_self)">,
    "register tile (a static tensor with a #tessera_tile encoding)",
    "::mlir::RankedTensorType">;

def Tile_LocalAllocOp : Tile_Op<"local_alloc"> {
  let summary = "a buffer in the block's shared memory";
  let description = [{
    Allocates a shared buffer of the block. Where it lives is not stated by
    the program: `tessera-tile-allocate-shared` assigns the byte `offset`
    (aligned as the buffer's layout needs) and records the block's total in
    the kernel's launch configuration. A buffer allocated inside an
    `scf.for` body is a fresh buffer per iteration (what
    `tessera-tile-pipeline` turns into a ring of stages).

    Example:

    ```mlir
    %ring = tessera_tile.local_alloc
        : !tessera_tile.smem<3x128x64xf16, #tessera_tile.smem_layout<swizzle = 128>>
    %buf = tessera_tile.local_alloc offset 49152 : !tessera_tile.smem<64x64xf32>
    ```
  }];
  let arguments = (ins OptionalAttr<I64Attr>:$offset);
  let results = (outs Res<Tile_SmemType, "shared buffer",
                          [MemAlloc<Tile_SharedMemory>]>:$buffer);
  let assemblyFormat = [{
    (`offset` $offset^)? attr-dict `:` qualified(type($buffer))
  }];
  let hasVerifier = 1;
}

def Tile_SlotOp : Tile_Op<"slot", [Pure]> {
  let summary = "one slot of a ring of shared buffers";
  let description = [{
    A view of `ring[index]`: the buffer without its leading (stage)
    dimension, with the same layout. No data moves.

    Example:

    ```mlir
    %s = tessera_tile.slot %ring[%i]
        : !tessera_tile.smem<3x128x64xf16> -> !tessera_tile.smem<128x64xf16>
    ```
  }];
  let arguments = (ins Tile_SmemType:$ring, Index:$index);
  let results = (outs Tile_SmemType:$result);
  let assemblyFormat = [{
    $ring `[` $index `]` attr-dict `:` qualified(type($ring)) `->`
        qualified(type($result))
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$ring, "::mlir::Value":$index), [{
      build($_builder, $_state,
            ::llvm::cast<SmemType>(ring.getType()).getSlotType(), ring, index);
    }]>];
  let hasVerifier = 1;
}

def Tile_TransOp : Tile_Op<"trans", [Pure]> {
  let summary = "a shared buffer seen as its transpose";
  let description = [{
    A view of `buffer` with its last two dimensions swapped and its layout's
    `transposed` flipped: the same bytes, read as the transposed matrix. No
    data moves. A copy fills a buffer in the order of the global tensor's
    rows; `trans` gives a dot the K-major operand it multiplies (`a @ b.T`).

    Example:

    ```mlir
    %bt = tessera_tile.trans %b : !tessera_tile.smem<128x64xf16>
        -> !tessera_tile.smem<64x128xf16, #tessera_tile.smem_layout<transposed = true>>
    ```
  }];
  let arguments = (ins Tile_SmemType:$buffer);
  let results = (outs Tile_SmemType:$result);
  let assemblyFormat = [{
    $buffer attr-dict `:` qualified(type($buffer)) `->` qualified(type($result))
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$buffer), [{
      build($_builder, $_state,
            ::llvm::cast<SmemType>(buffer.getType()).getTransposedType(),
            buffer);
    }]>];
  let hasVerifier = 1;
}

def Tile_LocalLoadOp : Tile_Op<"local_load"> {
  let summary = "reads a shared buffer into a register tile";
  let description = [{
    The block reads the whole buffer into a register tile of the same shape
    and element type; the result's encoding says which warp and lane holds
    which element (lowering picks ldmatrix, vector loads or LDS reads).
    With `[indices]`, it reads the box of the result's shape that starts
    there (the box lies within the buffer), e.g. one band of rows per
    iteration of an epilogue loop.

    Example:

    ```mlir
    %t = tessera_tile.local_load %s : !tessera_tile.smem<128x64xf16>
        -> tensor<128x64xf16, #tessera_tile.blocked<warps = [4, 1]>>
    %band = tessera_tile.local_load %s[%r, %c0] : !tessera_tile.smem<128x64xf16>
        -> tensor<8x64xf16, #tessera_tile.blocked<warps = [8, 1]>>
    ```
  }];
  let arguments = (ins Arg<Tile_SmemType, "shared source",
                           [MemRead<Tile_SharedMemory>]>:$buffer,
                       Variadic<Index>:$indices);
  let results = (outs Tile_RegisterTile:$result);
  let assemblyFormat = [{
    $buffer (`[` $indices^ `]`)? attr-dict `:` qualified(type($buffer)) `->`
        type($result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::Value":$buffer), [{
      build($_builder, $_state, result, buffer, ::mlir::ValueRange());
    }]>];
  let hasVerifier = 1;
}

def Tile_LocalStoreOp : Tile_Op<"local_store"> {
  let summary = "writes a register tile into a shared buffer";
  let description = [{
    The block writes the tile into the buffer, which has the tile's shape
    and element type.

    Example:

    ```mlir
    tessera_tile.local_store %t, %s
        : tensor<128x64xf16, #tessera_tile.blocked<warps = [4, 1]>>,
          !tessera_tile.smem<128x64xf16>
    ```
  }];
  let arguments = (ins Tile_RegisterTile:$value,
                       Arg<Tile_SmemType, "shared destination",
                           [MemWrite<Tile_SharedMemory>]>:$buffer);
  let assemblyFormat = [{
    $value `,` $buffer attr-dict `:` type($value) `,` qualified(type($buffer))
  }];
  let hasVerifier = 1;
}

def Tile_BoxCopyOp : Tile_Op<"box_copy", [AttrSizedOperandSegments]> {
  let summary = "the block copies a box of a global tensor into shared memory";
  let description = [{
    Starts an asynchronous, cooperative copy of the box of `source` whose
    first element is at `indices` and whose shape is `dest`'s into `dest`
    (typically a ring slot). Elements past `source`'s dims (a ragged edge)
    are written as zeros. With `if %pred` false, nothing is copied and the
    copy completes at once.

    Completion is explicit, one of:
    - the `!tessera_tile.async_token` result, awaited by `tessera_tile.wait`;
    - `arrive %barriers[%i]`: the copy counts one arrival on that barrier,
      and its phase completes only once the copy's bytes have landed
      (`tessera_tile.mbarrier_wait` awaits it). A barrier that two copies
      arrive on per phase is allocated with `arrivals 2`.

    `source` may have more dimensions than `dest`: the box is then `dest`'s
    shape with leading 1s (one batch entry of a `[batch, M, K]` tensor).

    `desc %d` names a tensor descriptor of `source` that the host encoded
    (`tessera_target.tensor_map`): its box tiles `dest`, and the lowering
    issues the copy through it (TMA on Hopper) where the chip can. Such a
    copy completes on an mbarrier, and `dest` has the descriptor's swizzle.

    `source` is a strided memref in global memory whose innermost stride is
    1, usually made from a kernel's flat buffer with
    `memref.reinterpret_cast`. Lowering picks TMA, cp.async or LDS staging.
    `aligned` states that every row of the box starts at a 16-byte aligned
    address (the program checked, typically by versioning the loop on it):
    the copy then moves whole 16-byte chunks. Without it the lowering checks
    the source's alignment at run time and copies element by element where
    rows are not aligned.

    Example:

    ```mlir
    %tok = tessera_tile.box_copy %a[%m, %k], %slot
        : memref<?x?xf16, strided<[?, 1], offset: ?>>,
          !tessera_tile.smem<128x64xf16> -> !tessera_tile.async_token
    tessera_tile.box_copy %a[%m, %k], %slot arrive %bars[%i]
        : memref<?x?xf16, strided<[?, 1], offset: ?>>,
          !tessera_tile.smem<128x64xf16>, !tessera_tile.mbarrier<3>
    tessera_tile.box_copy %a3[%b, %m, %k], %slot desc %map arrive %bars[%i]
        : memref<?x?x?xf16, strided<[?, ?, 1], offset: ?>>,
          !tessera_tile.smem<128x64xf16, #tessera_tile.smem_layout<swizzle = 128>>,
          !tessera_tile.mbarrier<3>
          desc !nvgpu.tensormap.descriptor<tensor = memref<1x128x64xf16, 3>,
              swizzle = swizzle_128b, l2promo = none, oob = zero,
              interleave = none>
    ```
  }];
  let arguments = (ins Arg<AnyMemRef, "global source", [MemRead]>:$source,
                       Variadic<Index>:$indices,
                       Arg<Tile_SmemType, "shared destination",
                           [MemWrite<Tile_SharedMemory>]>:$dest,
                       Optional<AnyType>:$desc,
                       Optional<Tile_MbarrierType>:$barriers,
                       Optional<Index>:$barrier_index,
                       Optional<I1>:$pred, UnitAttr:$aligned);
  let results = (outs Optional<Tile_AsyncTokenType>:$token);
  let assemblyFormat = [{
    $source `[` $indices `]` `,` $dest (`desc` $desc^)?
        (`arrive` $barriers^ `[` $barrier_index `]`)? (`if` $pred^)?
        (`aligned` $aligned^)?
        attr-dict `:` type($source) `,` qualified(type($dest))
        (`,` qualified(type($barriers))^)?
        (`desc` qualified(type($desc))^)?
        (`->` qualified(type($token))^)?
  }];
  let hasVerifier = 1;
}

def Tile_WaitOp : Tile_Op<"wait", [
    MemoryEffects<[MemRead<Tile_SharedMemory>, MemWrite<Tile_SharedMemory>]>]> {
  let summary = "waits for asynchronous copies to land";
  let description = [{
    Blocks until every copy whose token is given has completed and its data
    is visible to every thread of the block. The wait is also a barrier of
    the block: every thread's earlier reads of shared memory are done when
    any thread passes it (what lets a pipelined loop refill the slot the
    previous iteration read).

    `pending`, set by `tessera-tile-pipeline`, is how many copies issued
    after the awaited ones may still be in flight: lowering to counted
    completion groups (cp.async) waits for all but that many. Without it,
    every earlier copy is awaited.

    Example:

    ```mlir
    tessera_tile.wait %tok_a, %tok_b
    tessera_tile.wait %tok_c pending 2
    ```
  }];
  let arguments = (ins Variadic<Tile_AsyncTokenType>:$tokens,
                       OptionalAttr<I64Attr>:$pending);
  let assemblyFormat = "$tokens (`pending` $pending^)? attr-dict";
  let hasVerifier = 1;
}

def Tile_MbarrierAllocOp : Tile_Op<"mbarrier_alloc"> {
  let summary = "a group of initialized shared-memory barriers";
  let description = [{
    Allocates the group's barriers in shared memory (an `offset` is
    assigned by `tessera-tile-allocate-shared`) and initializes each to
    expect `arrivals` arrivals per phase, visible to the whole block before
    any use.

    Example:

    ```mlir
    %bars = tessera_tile.mbarrier_alloc arrivals 1 : !tessera_tile.mbarrier<3>
    ```
  }];
  let arguments = (ins I64Attr:$arrivals, OptionalAttr<I64Attr>:$offset);
  let results = (outs Res<Tile_MbarrierType, "barriers",
                          [MemAlloc<Tile_SharedMemory>]>:$barriers);
  let assemblyFormat = [{
    `arrivals` $arrivals (`offset` $offset^)? attr-dict `:`
        qualified(type($barriers))
  }];
  let hasVerifier = 1;
}

def Tile_MbarrierArriveOp : Tile_Op<"mbarrier_arrive"> {
  let summary = "the calling warps arrive on one barrier of a group";
  let description = [{
    Counts one arrival per calling thread on `barriers[index]`, e.g. a
    consumer partition telling the producer that a ring slot is free again.
    With `per_warp`, one arrival per calling warp instead, once all its
    lanes have reached the op (their earlier shared-memory reads and
    writes ordered before the arrival): a barrier waiting for W warps
    expects W arrivals, not W x 32 atomic updates of one shared word.

    Example:

    ```mlir
    tessera_tile.mbarrier_arrive %bars[%i] : !tessera_tile.mbarrier<3>
    tessera_tile.mbarrier_arrive %bars[%i] per_warp : !tessera_tile.mbarrier<3>
    ```
  }];
  let arguments = (ins Arg<Tile_MbarrierType, "barriers",
                           [MemRead<Tile_SharedMemory>,
                            MemWrite<Tile_SharedMemory>]>:$barriers,
                       Index:$index, UnitAttr:$per_warp);
  let assemblyFormat = [{
    $barriers `[` $index `]` (`per_warp` $per_warp^)? attr-dict `:`
        qualified(type($barriers))
  }];
}

def Tile_MbarrierWaitOp : Tile_Op<"mbarrier_wait"> {
  let summary = "waits until one barrier of a group completes a phase";
  let description = [{
    Blocks until `barriers[index]` has completed the phase whose parity is
    `phase`; shared-memory writes and copies counted toward that phase are
    visible afterwards.

    Example:

    ```mlir
    tessera_tile.mbarrier_wait %bars[%i], %phase : !tessera_tile.mbarrier<3>
    ```
  }];
  let arguments = (ins Arg<Tile_MbarrierType, "barriers",
                           [MemRead<Tile_SharedMemory>,
                            MemWrite<Tile_SharedMemory>]>:$barriers,
                       Index:$index, I1:$phase);
  let assemblyFormat = [{
    $barriers `[` $index `]` `,` $phase attr-dict `:`
        qualified(type($barriers))
  }];
}

def Tile_LoadTileOp : Tile_Op<"load_tile"> {
  let summary = "the block loads a register tile from global memory, masked "
                "at the bounds";
  let description = [{
    Loads the box of `source` at `indices` (non-negative) with the result's
    shape; elements past `source`'s dims read as zero (no memory is touched
    there).
    `in_bounds` states that the whole box lies within `source`'s dims (the
    program knows, e.g. a loop over whole tiles): the lowering then loads
    without masks or a run-time bounds test. The verifier checks the
    promise where the dims and indices are constants.

    Example:

    ```mlir
    %x = tessera_tile.load_tile %a[%m, %n]
        : memref<?x?xf32, strided<[?, 1], offset: ?>>
          -> tensor<64x64xf32, #tessera_tile.blocked<warps = [4, 1]>>
    %y = tessera_tile.load_tile %a[%m, %k] in_bounds
        : memref<?x?xf32, strided<[?, 1], offset: ?>>
          -> tensor<64x64xf32, #tessera_tile.blocked<warps = [4, 1]>>
    ```
  }];
  let arguments = (ins Arg<AnyMemRef, "global source", [MemRead]>:$source,
                       Variadic<Index>:$indices, UnitAttr:$in_bounds);
  let results = (outs Tile_RegisterTile:$result);
  let assemblyFormat = [{
    $source `[` $indices `]` (`in_bounds` $in_bounds^)? attr-dict `:`
        type($source) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tile_GatherOp : Tile_Op<"gather"> {
  let summary = "the block loads a register tile of elements at computed "
                "offsets, masked at the bounds";
  let description = [{
    Loads `source[offsets[i]]` for every element `i` of the `offsets` tile
    (index values, with the result's shape and encoding); an offset at or
    past `source`'s size reads zero and touches no memory. It is the load of
    elements that lie in no box: NumPy-broadcast operands of an elementwise
    kernel, whose offsets the block computes from `tessera_tile.range`.

    Example:

    ```mlir
    %x = tessera_tile.gather %b[%offsets]
        : memref<?xf32>, tensor<1024xindex, #blocked> -> tensor<1024xf32, #blocked>
    ```
  }];
  let arguments = (ins Arg<MemRefRankOf<[AnyType], [1]>, "flat source",
                           [MemRead]>:$source,
                       Tile_RegisterTile:$offsets);
  let results = (outs Tile_RegisterTile:$result);
  let assemblyFormat = [{
    $source `[` $offsets `]` attr-dict `:` type($source) `,` type($offsets)
        `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tile_MapOp : Tile_Op<"map", [Pure, SingleBlock]> {
  let summary = "applies a scalar computation to every element of register "
                "tiles";
  let description = [{
    The body computes one element of the result from one element of each
    input (tiles of one shape and encoding; the result has that shape and
    encoding too). It is how a block states elementwise math that is
    written for scalars (a fused epilogue, a numerics policy's rounding)
    without spelling it again for tiles; upstream `arith` and `math` on
    tiles say the same for single ops. Lowering evaluates the body on each
    element a thread holds.

    Example:

    ```mlir
    %y = tessera_tile.map ins(%x, %b : tensor<1024xf32, #blocked>,
                                       tensor<1024xf32, #blocked>) {
    ^bb0(%xe: f32, %be: f32):
      %s = arith.addf %xe, %be : f32
      tessera_tile.map_yield %s : f32
    } -> tensor<1024xf32, #blocked>
    ```
  }];
  let arguments = (ins Variadic<Tile_RegisterTile>:$inputs);
  let results = (outs Tile_RegisterTile:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `ins` `(` $inputs `:` type($inputs) `)` $body attr-dict `->` type($result)
  }];
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::ValueRange":$inputs)>];
}

def Tile_MapYieldOp : Tile_Op<"map_yield", [
    Pure, Terminator, ReturnLike, HasParent<"MapOp">]> {
  let summary = "the element a tessera_tile.map body computes";
  let description = [{
    Example:

    ```mlir
    tessera_tile.map_yield %s : f32
    ```
  }];
  let arguments = (ins AnyType:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

def Tile_StoreTileOp : Tile_Op<"store_tile", [AttrSizedOperandSegments]> {
  let summary = "the block stores a register tile to global memory, masked "
                "at the bounds";
  let description = [{
    Stores `value` to the box of `dest` at `indices`; elements past `dest`'s
    dims are not written. With `through %buf` the tile is first written to
    the shared buffer `buf` (of the tile's shape) and copied out from there,
    so that global writes are wide and coalesced whatever the register
    layout (lowering may use a TMA store). `in_bounds` states that the
    whole box lies within `dest`'s dims, as for `load_tile`.

    Example:

    ```mlir
    tessera_tile.store_tile %c, %out[%m, %n]
        : tensor<128x256xf32, #tessera_tile.blocked<warps = [8, 1]>>,
          memref<?x?xf32, strided<[?, 1], offset: ?>>
    tessera_tile.store_tile %c16, %out16[%m, %n] through %stage
        : tensor<128x256xf16, #tessera_tile.blocked<warps = [8, 1]>>,
          memref<?x?xf16, strided<[?, 1], offset: ?>>,
          !tessera_tile.smem<128x256xf16>
    ```
  }];
  let arguments = (ins Tile_RegisterTile:$value,
                       Arg<AnyMemRef, "global destination", [MemWrite]>:$dest,
                       Variadic<Index>:$indices,
                       Arg<Optional<Tile_SmemType>, "shared staging buffer",
                           [MemRead<Tile_SharedMemory>,
                            MemWrite<Tile_SharedMemory>]>:$staging,
                       UnitAttr:$in_bounds);
  let assemblyFormat = [{
    $value `,` $dest `[` $indices `]` (`in_bounds` $in_bounds^)?
        (`through` $staging^)? attr-dict `:`
        type($value) `,` type($dest) (`,` qualified(type($staging))^)?
  }];
  let hasVerifier = 1;
}

def Tile_DotOp : Tile_Op<"dot", [
    AllTypesMatch<["acc", "result"]>,
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "block-level matrix multiply-accumulate on tiles";
  let description = [{
    `result = a * b + acc` for the whole block: `a` is MxK, `b` KxN, `acc`
    and `result` MxN f32 tiles whose encoding is
    `#tessera_tile.mma_acc` of the same `mma` instruction. `a` and `b`
    (f16 or bf16, the same type) are each either a shared buffer or a
    register tile in `#tessera_tile.dot_operand` encoding; `wgmma` reads `b`
    from shared memory. The tile is a whole number of the `mma` shape;
    lowering issues the instructions over the warps of the accumulator's
    encoding.

    With `#tessera_tile.mma<kind = fma, m = 1, n = 1, k = 1>` (no tensor
    cores) the accumulator is a `#tessera_tile.blocked` tile, f32 (f64 for
    f64 operands), and `a` and `b` are shared buffers of one float type:
    each thread multiplies and adds, per step of K, the elements of its
    rows of `a` and columns of `b` into the elements it holds.

    `async` (set by `tessera-tile-pipeline` on the dot of a pipelined loop
    whose accumulator the loop carries) lets the instructions still run
    when the dot returns: the next dot of the chain waits for them (wgmma's
    wait groups), the dot's shared operands stay untouched until the next
    iteration's dot returns, and the loop's result is read only through a
    `tessera_tile.dot_wait` (or a later, synchronous dot). An `async` dot
    may also be one whose result is read only through
    `tessera_tile.dot_wait`: issued early so that its instructions run
    while the block does other work (FlashAttention-3's next scores,
    multiplied while the softmax of the current ones runs); its shared
    operands stay untouched until that wait. Instructions that are
    synchronous anyway ignore it. An async dot returns once at most
    `in_flight` async dots (itself included; default 1) may still run:
    `in_flight 2` issues it behind an earlier async dot without waiting for
    that one (the scores and the `P V` dot of FlashAttention-3's loop, both
    in flight while a `dot_wait ... pending 1` awaits the scores).

    Example:

    ```mlir
    %d = tessera_tile.dot %sa, %sb, %acc
        {mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 256, k = 16>}
        : !tessera_tile.smem<128x64xf16>, !tessera_tile.smem<64x256xf16>
          -> tensor<128x256xf32, #acc>
    %s = tessera_tile.dot %q, %kt, %zero
        {mma = #tessera_tile.mma<kind = fma, m = 1, n = 1, k = 1>}
        : !tessera_tile.smem<64x32xf32>, !tessera_tile.smem<32x64xf32>
          -> tensor<64x64xf32, #tessera_tile.blocked<warps = [4, 1],
                                threads = [8, 4], per_thread = [1, 1]>>
    ```
  }];
  let arguments = (ins AnyTypeOf<[Tile_RegisterTile, Tile_SmemType]>:$a,
                       AnyTypeOf<[Tile_RegisterTile, Tile_SmemType]>:$b,
                       Tile_RegisterTile:$acc, Tile_MmaAttr:$mma,
                       UnitAttr:$async,
                       DefaultValuedAttr<I64Attr, "1">:$in_flight);
  let results = (outs Tile_RegisterTile:$result);
  let assemblyFormat = [{
    $a `,` $b `,` $acc (`async` $async^)? (`in_flight` $in_flight^)? attr-dict
        `:` qualified(type($a)) `,` qualified(type($b)) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tile_DotWaitOp : Tile_Op<"dot_wait", [
    DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "waits for the block's asynchronous dots and passes their "
                "accumulators on";
  let description = [{
    Waits until every `async` dot this thread issued has finished (wgmma's
    `wait_group 0`), then returns `accs` unchanged: reads of the
    accumulators after it use its results, so none of them can move above
    the wait (the instructions' registers are written until it). Also after
    it, the shared buffers those dots read may be overwritten.
    `tessera-tile-pipeline` puts one after each loop whose dots it makes
    `async`, on the accumulators the loop carries out. Operands are
    accumulators (`#tessera_tile.mma_acc`); on instructions that are
    synchronous anyway it passes them on and waits for nothing.

    `pending N` waits only until at most the N dots issued last may still
    run (wgmma's `wait_group N`): `accs` must be those of earlier dots, e.g.
    the scores of a dot issued before the `P V` dot that may go on running
    while the softmax of the scores does (FlashAttention-3's intra-warpgroup
    overlap). The shared buffers of the earlier dots may be overwritten
    after it, not those of the last N.

    Example:

    ```mlir
    %acc = scf.for ... iter_args(%c = %zero) -> (tensor<128x256xf32, #acc>) {
      %d = tessera_tile.dot %a, %b, %c async {mma = #wgmma} : ...
      scf.yield %d : tensor<128x256xf32, #acc>
    }
    %done = tessera_tile.dot_wait %acc : tensor<128x256xf32, #acc>
    %s = tessera_tile.dot %q, %kt, %zero async {mma = #wgmma} : ...
    %o = tessera_tile.dot %p, %v, %acc async {mma = #wgmma} : ...
    %scores = tessera_tile.dot_wait %s pending 1 : tensor<128x128xf32, #acc>
    ```
  }];
  let arguments = (ins Variadic<Tile_RegisterTile>:$accs,
                       DefaultValuedAttr<I64Attr, "0">:$pending);
  let results = (outs Variadic<Tile_RegisterTile>:$results);
  let assemblyFormat = [{
    $accs (`pending` $pending^)? attr-dict `:` type($accs)
  }];
  let hasVerifier = 1;
}

def Tile_ReduceOp : Tile_Op<"reduce", [Pure,
    SameOperandsAndResultElementType]> {
  let summary = "reduces a register tile along one axis";
  let description = [{
    Combines the elements of `input` along `axis` with `kind` (`add`,
    `max`, `min`; floats, or signed integers). The result has that
    dimension removed and encoding `#tessera_tile.slice<dim = axis,
    parent = input's encoding>`. Lowering uses lane shuffles
    (`gpu.subgroup_reduce` where it fits) and shared memory across warps.

    Example:

    ```mlir
    %m = tessera_tile.reduce max %s axis 1
        : tensor<128x64xf32, #blocked> -> tensor<128xf32, #tessera_tile.slice<dim = 1, parent = #blocked>>
    ```
  }];
  let arguments = (ins Tile_ReduceKind:$kind, Tile_RegisterTile:$input,
                       I64Attr:$axis);
  let results = (outs Tile_RegisterTile:$result);
  let assemblyFormat = [{
    $kind $input `axis` $axis attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tile_ClusterReduceOp : Tile_Op<"cluster_reduce", [
    SameOperandsAndResultType]> {
  let summary = "combines a register tile over the blocks of a cluster";
  let description = [{
    Each element of the result is `kind` (`add`, `max`, `min`) over the
    same element of `input` in every block of the block's cluster (the
    blocks a kernel with `tessera.cluster = N` is launched in groups of,
    consecutive along x), combined in the order of the blocks' ranks, so
    every block gets the same bits. Every thread of every block of the
    cluster must reach it (its lowering synchronizes the cluster).

    A row that does not fit one block's registers spreads over a cluster:
    each block reduces its part with `reduce`, then `cluster_reduce`
    combines the parts. Lowering (NVIDIA sm_90+): the block's values to a
    shared buffer, `barrier.cluster` arrive/wait, each block reads every
    rank's buffer through distributed shared memory (`mapa`), a second
    cluster barrier before the buffer can be written again or the block
    exits.

    Example:

    ```mlir
    %r = tessera_tile.cluster_reduce add %partial
        : tensor<1xf32, #tessera_tile.slice<dim = 1, parent = #blocked>>
    ```
  }];
  let arguments = (ins Tile_ReduceKind:$kind, Tile_RegisterTile:$input);
  let results = (outs Tile_RegisterTile:$result);
  let assemblyFormat = [{
    $kind $input attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

def Tile_BroadcastOp : Tile_Op<"broadcast", [Pure,
    SameOperandsAndResultElementType]> {
  let summary = "repeats a reduced tile along the axis it was reduced over";
  let description = [{
    The inverse shape change of `tessera_tile.reduce`: inserts dimension
    `axis` into `input` (encoding `#tessera_tile.slice<dim = axis, parent =
    P>`) and repeats it, giving a tile of encoding `P`, so that a row
    statistic can be combined with the tile it came from using `arith`.

    Example:

    ```mlir
    %mb = tessera_tile.broadcast %m axis 1
        : tensor<128xf32, #tessera_tile.slice<dim = 1, parent = #blocked>>
          -> tensor<128x64xf32, #blocked>
    %d = arith.subf %s, %mb : tensor<128x64xf32, #blocked>
    ```
  }];
  let arguments = (ins Tile_RegisterTile:$input, I64Attr:$axis);
  let results = (outs Tile_RegisterTile:$result);
  let assemblyFormat = [{
    $input `axis` $axis attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tile_RangeOp : Tile_Op<"range", [Pure]> {
  let summary = "a rank-1 tile holding start, start + 1, ..., end - 1";
  let description = [{
    The row or column indices of a tile, for index math such as causal
    masks or per-element bounds: combined with a scalar offset via
    `tensor.splat` and `arith`, and with `tessera_tile.broadcast` into 2-d.

    Example:

    ```mlir
    %rows = tessera_tile.range 0 to 128
        : tensor<128xi32, #tessera_tile.slice<dim = 1, parent = #blocked>>
    ```
  }];
  let arguments = (ins I64Attr:$start, I64Attr:$end);
  let results = (outs Tile_RegisterTile:$result);
  let assemblyFormat = "$start `to` $end attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Tile_ConvertLayoutOp : Tile_Op<"convert_layout", [Pure,
    SameOperandsAndResultShape, SameOperandsAndResultElementType]> {
  let summary = "moves a register tile to another distribution over the "
                "block";
  let description = [{
    The same values, held by other warps and lanes: e.g. an attention
    score tile in accumulator encoding becoming the `a` operand of the
    next dot. Lowering uses shuffles or a trip through shared memory.

    Example:

    ```mlir
    %p16 = tessera_tile.convert_layout %p
        : tensor<128x64xf16, #acc> -> tensor<128x64xf16, #opA>
    ```
  }];
  let arguments = (ins Tile_RegisterTile:$input);
  let results = (outs Tile_RegisterTile:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Warp specialization
//===----------------------------------------------------------------------===//

def Tile_TurnsInitOp : Tile_Op<"turns_init", [
    MemoryEffects<[MemRead<Tile_SharedMemory>, MemWrite<Tile_SharedMemory>]>]> {
  let summary = "starts turns among the warpgroups of the calling warps";
  let description = [{
    The warpgroups of the calling warps (the kernel's block, or the default
    region of a `warp_specialize`: its threads / 128) take turns from here:
    each `turn_wait` returns when it is the calling warpgroup's turn, the
    first warpgroup's first, and `turn_pass` hands the turn to the next
    warpgroup (the last hands it back to the first). Every warpgroup then
    runs `turn_wait` and `turn_pass` alternately, as often as the others.
    FlashAttention-3's ping-pong: one warpgroup issues its dots while the
    other runs its softmax. With one warpgroup the three ops do nothing.

    Lowering (NVIDIA; named barriers): warpgroup w waits at barrier 15 - w
    for its own 128 threads and the 128 of the warpgroup before it, which
    arrive there when they pass the turn (`turns_init`: the last
    warpgroup's arrival for the first). The barriers of `warp_specialize`'s
    groups count from 1 and must stay below them.

    Example:

    ```mlir
    tessera_tile.turns_init
    scf.for ... {
      tessera_tile.turn_wait
      %s = tessera_tile.dot %q, %kt, %zero async {mma = #wgmma} : ...
      tessera_tile.turn_pass
      ...
    }
    ```
  }];
  let assemblyFormat = "attr-dict";
}

def Tile_TurnWaitOp : Tile_Op<"turn_wait", [
    MemoryEffects<[MemRead<Tile_SharedMemory>, MemWrite<Tile_SharedMemory>]>]> {
  let summary = "waits for the calling warpgroup's turn";
  let description = [{
    Returns when the calling warpgroup has the turn (see
    `tessera_tile.turns_init`).

    Example:

    ```mlir
    tessera_tile.turn_wait
    ```
  }];
  let assemblyFormat = "attr-dict";
}

def Tile_TurnPassOp : Tile_Op<"turn_pass", [
    MemoryEffects<[MemRead<Tile_SharedMemory>, MemWrite<Tile_SharedMemory>]>]> {
  let summary = "hands the turn to the next warpgroup";
  let description = [{
    The calling warpgroup's turn ends; the next warpgroup's `turn_wait`
    returns (see `tessera_tile.turns_init`). It does not wait.

    Example:

    ```mlir
    tessera_tile.turn_pass
    ```
  }];
  let assemblyFormat = "attr-dict";
}

def Tile_WarpSpecializeOp : Tile_Op<"warp_specialize", [
    RecursiveMemoryEffects]> {
  let summary = "runs different programs on different warps of the block";
  let description = [{
    The block's warps split into the `default` region (the warps the
    kernel was launched with for its main program) and `partitionN`
    regions, each run by `num_warps(n)` additional warps, all concurrently.
    They communicate only through shared buffers and barriers.

    The default region sees values defined above it and yields the op's
    results with `tessera_tile.warp_yield`. Partitions are isolated from
    above: every value they use is an explicit capture, an operand of the
    op passed to each partition as its block arguments; they end with
    `tessera_tile.warp_return`. `registers(r)` asks for a per-thread
    register budget (`setmaxnreg`), which applies to whole warpgroups: the
    region's warps must be a multiple of 4 and `r` a multiple of 8 in
    [24, 256].

    Example:

    ```mlir
    %acc = tessera_tile.warp_specialize(%a, %ring, %full, %empty)
    default registers(232) {
      ...
      tessera_tile.warp_yield %d : tensor<128x256xf32, #acc>
    }
    partition0(%pa: memref<?x?xf16, strided<[?, 1], offset: ?>>,
               %pr: !tessera_tile.smem<3x128x64xf16>,
               %pf: !tessera_tile.mbarrier<3>, %pe: !tessera_tile.mbarrier<3>)
        num_warps(4) registers(40) {
      ...
      tessera_tile.warp_return
    } : (memref<?x?xf16, strided<[?, 1], offset: ?>>,
         !tessera_tile.smem<3x128x64xf16>, !tessera_tile.mbarrier<3>,
         !tessera_tile.mbarrier<3>) -> tensor<128x256xf32, #acc>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$captures,
                       DenseI32ArrayAttr:$partition_num_warps,
                       OptionalAttr<DenseI32ArrayAttr>:$partition_registers,
                       OptionalAttr<I32Attr>:$default_registers);
  let results = (outs Variadic<AnyType>:$results);
  let regions = (region SizedRegion<1>:$default_region,
                        SizedRegion<1>:$partition_op_holder);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The isolated op holding the partition regions.
    WarpPartitionsOp getPartitionOp();
    /// The regions run by the extra warps, in order.
    ::mlir::MutableArrayRef<::mlir::Region> getPartitionRegions();
  }];
}

def Tile_WarpPartitionsOp : Tile_Op<"warp_partitions", [
    IsolatedFromAbove, RecursiveMemoryEffects, Terminator,
    HasParent<"WarpSpecializeOp">]> {
  let summary = "the partitions of a tessera_tile.warp_specialize";
  let description = [{
    Holds the partition regions of its parent, isolated from above so that
    each partition's inputs are exactly the captures. It is printed as part
    of `tessera_tile.warp_specialize` and never written on its own.

    Example (generic form):

    ```mlir
    "tessera_tile.warp_partitions"() ({
      tessera_tile.warp_return
    }) : () -> ()
    ```
  }];
  let regions = (region VariadicRegion<SizedRegion<1>>:$partition_regions);
  let assemblyFormat = "regions attr-dict";
}

def Tile_WarpYieldOp : Tile_Op<"warp_yield", [
    Pure, Terminator, ReturnLike, HasParent<"WarpSpecializeOp">]> {
  let summary = "ends the default region, yielding the op's results";
  let description = [{
    Example:

    ```mlir
    tessera_tile.warp_yield %d : tensor<128x256xf32, #acc>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let builders = [OpBuilder<(ins), [{ build($_builder, $_state, {}); }]>];
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

def Tile_WarpReturnOp : Tile_Op<"warp_return", [
    Pure, Terminator, ReturnLike, HasParent<"WarpPartitionsOp">]> {
  let summary = "ends a partition region";
  let description = [{
    Example:

    ```mlir
    tessera_tile.warp_return
    ```
  }];
  let assemblyFormat = "attr-dict";
}

#endif // TESSERA_DIALECT_TILE_IR_TILEOPS_TD
