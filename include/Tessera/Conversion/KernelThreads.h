//===- KernelThreads.h - Threads per block of a Target IR kernel -*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_CONVERSION_KERNELTHREADS_H
#define TESSERA_CONVERSION_KERNELTHREADS_H

#include "Tessera/Dialect/Target/IR/TargetOps.h"
#include <optional>

namespace mlir::tessera {

/// Threads per block of `kernel`, where it says: its launch config's block,
/// else the threads recorded by the warp-specialize lowering
/// (`tessera.block_threads`), else its schedule's threads
/// (`tessera.schedule`). Shared by the Tile IR distribution (a tile's warps
/// are the block's) and the move into gpu.funcs (the known block size).
std::optional<int64_t> getKernelThreads(target::KernelOp kernel);

/// The threads that run `op` together: those of the warp group of a lowered
/// `tessera_tile.warp_specialize` region around it, else the kernel's.
std::optional<int64_t> getThreadsRunning(Operation *op);

} // namespace mlir::tessera

#endif // TESSERA_CONVERSION_KERNELTHREADS_H
