//===- AllocateShared.h - Shared-memory layout of a block -------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// The one model of where a block's shared buffers live: used by
// tessera-tile-allocate-shared and available to legality checks, so that the
// shared-memory size of a kernel is computed in one place, from its IR.
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

} // namespace mlir::tessera::tile

#endif // TESSERA_DIALECT_TILE_TRANSFORMS_ALLOCATESHARED_H
