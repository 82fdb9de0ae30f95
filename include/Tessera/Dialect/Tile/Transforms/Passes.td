//===- Passes.td - Tile IR passes --------------------------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TILE_TRANSFORMS_PASSES_TD
#define TESSERA_DIALECT_TILE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TesseraTileAllocateShared : Pass<"tessera-tile-allocate-shared",
                                     "::mlir::tessera::target::KernelOp"> {
  let summary = "place every shared buffer of a kernel and record the total";
  let description = [{
    Runs on a `tessera_target.kernel` whose body is Tile IR. Every
    `tessera_tile.local_alloc` and `tessera_tile.mbarrier_alloc` gets a byte
    `offset` into the block's dynamic shared memory, aligned as its layout
    needs (`8 * swizzle` bytes for a swizzled buffer, 16 otherwise, 8 for
    barriers), and the total is written into the kernel's launch config
    (`#tessera_target.kernel_config<..., shared = N>`). Offsets already
    present are recomputed.

    Buffers whose live ranges do not overlap share bytes. A buffer is live
    from its allocation to its last use, following `tessera_tile.slot`
    views and the captures of `tessera_tile.warp_specialize`; a use inside
    a loop keeps it live for the whole loop. A buffer reaching any other op
    that forwards values (a loop's iter_args, a call) is live for the whole
    kernel.

    The layout is computed by `computeSharedLayout` (AllocateShared.h), so
    that other checks can use the same model. A kernel that needs more than
    `max-bytes` (default 232448, Hopper's opt-in maximum per block) is an
    error, as is a kernel with buffers and no launch config, or one that
    mixes these buffers with the older `tessera_tile.alloc_shared`, which
    lowering places on its own.
  }];
  let options = [
    Option<"maxBytes", "max-bytes", "int64_t", /*default=*/"232448",
           "shared memory available to one block, in bytes">];
}

#endif // TESSERA_DIALECT_TILE_TRANSFORMS_PASSES_TD
