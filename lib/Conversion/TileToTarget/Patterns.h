//===- Patterns.h - Tile IR to Target IR, shared pieces ---------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Private to the Tile->Target conversion: the lowering of register tiles
// (Distribute.cpp) that the pass (TileToTarget.cpp) runs next to the
// patterns of the per-thread ops.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_LIB_CONVERSION_TILETOTARGET_PATTERNS_H
#define TESSERA_LIB_CONVERSION_TILETOTARGET_PATTERNS_H

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::tessera::target {
class TargetInfo;
} // namespace mlir::tessera::target

namespace mlir::tessera::tile {
class SmemType;
class BoxCopyOp;
} // namespace mlir::tessera::tile

namespace mlir::tessera::tile_to_target {

/// The target info of the chip the module holding `op` is compiled for, or
/// an error on `op` saying that `what` needs one.
FailureOr<const target::TargetInfo *> chipInfoFor(Operation *op,
                                                  StringRef what);
/// The chip's target info where it has named barriers (a barrier among
/// some warps), else an error on `op`: "<doing>, which needs named
/// barriers ...".
FailureOr<const target::TargetInfo *> namedBarrierChip(Operation *op,
                                                       StringRef doing);

/// memref[indices] where `mask` holds, else `other`: a masked-off thread
/// touches no memory.
Value maskedLoad(OpBuilder &b, Location loc, Value memref, ValueRange indices,
                 Value mask, Value other);
/// Stores `value` to memref[indices] where `mask` holds.
void maskedStore(OpBuilder &b, Location loc, Value value, Value memref,
                 ValueRange indices, Value mask);

/// Register tiles (blocked, and slices of blocked) become the scalars one
/// thread holds (a 1:N conversion); other types stay.
void configureDistributionTypeConverter(TypeConverter &converter);

/// Shared buffers become a flat workgroup memref and an element offset;
/// async tokens become nothing (SharedMemory.cpp).
void configureSharedMemoryTypeConverter(TypeConverter &converter);

/// The element offset of (row, col) in a shared buffer of `type` that
/// starts at element `base` of its flat memref.
Value sharedElementOffset(OpBuilder &b, Location loc, tile::SmemType type,
                          Value base, Value row, Value col);

/// local_alloc, slot, box_copy and wait (SharedMemory.cpp).
void populateSharedMemoryPatterns(const TypeConverter &converter,
                                  RewritePatternSet &patterns);

/// mbarrier groups become workgroup memrefs of i64 (Barriers.cpp).
void configureBarrierTypeConverter(TypeConverter &converter);

/// mbarrier_alloc, mbarrier_wait and mbarrier_arrive (Barriers.cpp).
void populateBarrierPatterns(const TypeConverter &converter,
                             RewritePatternSet &patterns);

/// A box copy through a tensor descriptor (TMA), completing on an mbarrier;
/// `operands` are the copy's converted operands (Barriers.cpp).
LogicalResult lowerDescriptorCopy(tile::BoxCopyOp op,
                                  ArrayRef<ValueRange> operands,
                                  ConversionPatternRewriter &rewriter);

/// Fences and prefetches the tensor descriptors that box copies in `kernel`
/// read, once each, before the first copy through it (Barriers.cpp).
void prepareDescriptorCopies(Operation *kernel);

/// The kernel attribute recording threads per block once
/// `tessera_tile.warp_specialize` has added its partitions' warps.
inline constexpr llvm::StringLiteral kBlockThreadsAttrName =
    "tessera.block_threads";

/// A lowered `tessera_tile.warp_specialize` region: the `scf.if` branch its
/// warps run, the first of its threads, how many, and the named barrier
/// (1-15) that stands for a block barrier inside it.
struct WarpGroup {
  int64_t firstThread, threads, barrier;
};

/// The warp group of the lowered warp_specialize region around `op`, if any.
std::optional<WarpGroup> getWarpGroup(Operation *op);
/// The highest named barrier the lowered warp_specialize of `kernel` gives
/// its groups (0: none).
int64_t getLastWarpGroupBarrier(Operation *kernel);

/// Turns each `tessera_tile.warp_specialize` of `kernel` into branches on
/// the warp index, one warp group each (the kernel's block grows by the
/// partitions' warps; `setmaxnreg` where regions ask for registers), and
/// moves the ops after it into the default group (WarpSpecialize.cpp).
LogicalResult lowerWarpSpecialize(Operation *kernel);

/// After the conversion: in each warp group, thread ids count from the
/// group's first thread and block barriers become the group's named
/// barrier; a block-wide reduction inside a group is an error.
LogicalResult finishWarpGroups(Operation *kernel);

/// dot (Dot.cpp).
void populateDotPatterns(const TypeConverter &converter,
                         RewritePatternSet &patterns);

/// True if `op` has a register tile, a shared buffer or an async token
/// among its operand or result types.
bool hasDistributedTiles(Operation *op);

/// The patterns that distribute block-level ops on register tiles over the
/// block's threads, and the structural scf conversions for tiles carried
/// by loops and branches (which also set their legality in `target`).
void populateDistributionPatterns(const TypeConverter &converter,
                                  RewritePatternSet &patterns,
                                  ConversionTarget &target);

} // namespace mlir::tessera::tile_to_target

#endif // TESSERA_LIB_CONVERSION_TILETOTARGET_PATTERNS_H
