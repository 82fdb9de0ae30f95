//===- AllocateShared.h - Shared-memory layout of a block -------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// The one model of what a block needs: where its shared buffers live and
// about how many registers a thread holds. tessera-tile-allocate-shared
// places the buffers and checks both against the chip; other checks use the
// same functions, so that a kernel's resources are computed in one place,
// from its IR.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TILE_TRANSFORMS_ALLOCATESHARED_H
#define TESSERA_DIALECT_TILE_TRANSFORMS_ALLOCATESHARED_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir::tessera::tile {

/// Where each shared allocation of a block lives.
struct SharedLayout {
  struct Buffer {
    /// A tessera_tile.local_alloc or tessera_tile.mbarrier_alloc.
    Operation *alloc;
    int64_t offset;
    int64_t size;
    int64_t alignment;
    /// True if the buffer takes bytes that a buffer live before it used:
    /// the threads' accesses of that one must be done before this one is
    /// written (a barrier at the allocation).
    bool reuses = false;
  };
  /// In the order the allocations appear in the IR.
  SmallVector<Buffer> buffers;
  /// Bytes the block needs: the end of the highest buffer, plus the slack
  /// to align the block's shared memory at run time where a buffer needs
  /// more than 16 bytes of alignment (see `alignment`).
  int64_t totalBytes = 0;
  /// The largest alignment any buffer needs (16 at least).
  int64_t alignment = 16;
};

/// Places every local_alloc and mbarrier_alloc nested in `root` (aligned as
/// each needs; buffers with disjoint live ranges may share bytes). Does not
/// modify the IR.
SharedLayout computeSharedLayout(Operation *root);

/// About how many 32-bit registers one thread of a block needs, from the
/// float register tiles of its program: at the busiest loop, the tiles the
/// loop carries, those it reads from outside, the largest other one it
/// computes and the operand fragments of its tensor-core dots (one k-step
/// of each shared operand); outside loops, the largest tile of an op; plus
/// `kOverhead` for addresses, indices and counters. A tile's share is its
/// bits over the block's threads (tiles of some of the warps, such as a
/// warpgroup's band, count at their average). Index and integer tiles are
/// coordinates and masks that lowering computes per element: not counted.
struct RegisterEstimate {
  static constexpr int64_t kOverhead = 40;
  int64_t registers = kOverhead;
  /// The loop (or op, without loops) where the estimate peaks.
  Operation *peak = nullptr;
};

/// The estimate for a kernel of `threads` threads per block.
RegisterEstimate estimateRegisters(Operation *kernel, int64_t threads);

} // namespace mlir::tessera::tile

#endif // TESSERA_DIALECT_TILE_TRANSFORMS_ALLOCATESHARED_H
