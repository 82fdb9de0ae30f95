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
  let summary = "place every shared buffer of a kernel, record the total, "
                "and check the block's shared bytes and registers";
  let description = [{
    Runs on a `tessera_target.kernel` whose body is Tile IR. Every
    `tessera_tile.local_alloc`, `tessera_tile.mbarrier_alloc` and
    `tessera_tile.alloc_shared` gets a byte `offset` into the block's dynamic
    shared memory, aligned as its layout needs (`8 * swizzle` bytes for a
    swizzled buffer, 16 otherwise), and the total is written
    into the kernel's launch config
    (`#tessera_target.kernel_config<..., shared = N>`). Offsets already
    present are recomputed.

    Buffers whose live ranges do not overlap share bytes; where a
    `local_alloc` takes bytes that a buffer live before it used, the pass
    puts a `tessera_tile.barrier` after the allocation (allocation is the
    block's: every thread's accesses of the old buffer are done before the
    new one is written). A buffer is live
    from its allocation to its last use, following `tessera_tile.slot`
    and `tessera_tile.trans` views and the captures of
    `tessera_tile.warp_specialize`; a use inside a loop keeps it live for
    the whole loop. A buffer reaching any other op that forwards values (a
    loop's iter_args, a call) is live for the whole kernel. An `alloc_shared` buffer (a memref, which ops of any dialect
    use) is live to the end of its block, or for the whole kernel if it or
    a view of it leaves the block through a terminator.

    The layout is computed by `computeSharedLayout` (AllocateShared.h), so
    that other checks can use the same model. A kernel without a launch
    config (one whose grid the host computes) gets its offsets only; the
    lowering records the size at its launches. A kernel that needs more
    than `max-bytes` (default: the module chip's limit per block, or
    232448, Hopper's opt-in maximum, without a chip) is an error. Shared
    buffers that lowering creates later (a reduction's scratch) are placed
    after these.

    The pass is also where a block's registers are checked: an estimate
    of 32-bit registers per thread from the kernel's register tiles
    (`estimateRegisters`, the same header: at the busiest loop the tiles
    it carries, those it reads from outside, the largest it computes and
    its tensor-core dots' operand fragments, plus 40 for addresses and
    indices) above `max-registers` (default: the module chip's limit) is an
    error naming the kernel's config, with a note at the loop. The
    schedule check leaves both resources to this pass: one model of what a
    block needs, computed from the program that will run.
  }];
  let options = [
    Option<"maxBytes", "max-bytes", "int64_t", /*default=*/"0",
           "shared memory available to one block, in bytes (0: the "
           "module chip's limit)">,
    Option<"maxRegisters", "max-registers", "int64_t", /*default=*/"0",
           "registers available to one thread (0: the module chip's "
           "limit; no check without a chip)">];
}

def TesseraTilePipeline : Pass<"tessera-tile-pipeline"> {
  let summary = "software-pipeline the scf.for loops marked with "
                "tessera_tile.stages";
  let description = [{
    Expands every `scf.for` carrying `tessera_tile.stages = S` (S >= 1) into
    an S-stage software pipeline of its shared-memory copies, with upstream
    `scf::pipelineForLoop` as the engine:

    - each `tessera_tile.box_copy` at the top of the loop body whose
      destination is a `tessera_tile.local_alloc` of the body (a fresh
      single buffer per iteration) and whose completion is its token is a
      *pipelined copy*; its buffer becomes an `S`-deep ring allocated before
      the loop, iteration `i` using slot `i mod S`;
    - the copies and the index math feeding them form stage 0, everything
      else stage S-1: a prologue issues the copies of the first S-1
      iterations; the steady state first waits on iteration i's tokens
      (carried as loop values), then issues iteration i+S-1's copies into
      the slot iteration i-1 read (a wait is a barrier of the block, so
      every thread is done with it), then computes; the last S-1 iterations
      are drained by a peeled epilogue when the trip count is a constant
      larger than S-1, or, for other loops, by predicating the copies past
      the end (`box_copy ... if %p`);
    - every wait gets `pending`: the copies issued after the ones it awaits
      that may still be in flight (its iteration's later copies and those of
      the S-2 iterations after it; fewer in a peeled epilogue), which is
      what counted completion groups (cp.async) need;
    - copies that instead arrive on a `tessera_tile.mbarrier_alloc` of one
      barrier in the loop body (all of the loop's copies, then) get a ring
      of S barriers before the loop (even for S = 1: a barrier is
      initialized once): iteration i arrives on barrier `i mod S` and its
      `mbarrier_wait`s await phase `(i / S) mod 2`. Such a wait
      synchronizes only the copy, so the steady state runs iteration i in
      body order, then a `tessera_tile.barrier`, then iteration i+S-1's
      copies; a `dot` whose accumulator the loop carries is marked `async`
      (its instructions may run on; the previous one, which read the slot
      being refilled, is done at the barrier).

    The index arithmetic the pipeliner emits is folded (canonicalization
    patterns on the ops around each pipelined loop).

    The attribute is removed; `S = 1` only removes it. Loops the pass cannot
    pipeline are errors: a step that is not a constant, S < 1, no pipelined
    copy, a copy into anything but a loop-local `local_alloc`, a copy
    arriving on a barrier not allocated (one barrier) in the body, copies
    completing both ways, another use of a loop-body barrier, a copy
    depending on a loop-carried value or on an op with side effects, a
    loop-carried value not computed in the body.

    Ring slots are reused S iterations later; the block-level semantics of
    Tile IR make the reads of iteration i-1 complete before iteration i+S-1's
    copy overwrites them (the wait placed before the copies is the barrier).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // TESSERA_DIALECT_TILE_TRANSFORMS_PASSES_TD
