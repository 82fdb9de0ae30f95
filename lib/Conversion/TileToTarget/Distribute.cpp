//===- Distribute.cpp - Register tiles to per-thread values ---------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// A register tile with a #tessera_tile.blocked encoding (or a slice of one)
// is a value the whole block holds; each thread holds some of its elements.
// This file lowers the block-level ops on such tiles to what one thread
// does: a tile becomes its thread's elements as scalars (a 1:N type
// conversion), elementwise arith/math apply to each, load_tile, store_tile
// and gather become masked scalar accesses, and reduce combines a thread's
// elements and then the block's threads (gpu.all_reduce when the whole
// block reduces one row; lane shuffles with the target's warp width when a
// warp does).
//
// The distribution, along each dimension d of a blocked tile of extent S:
// warp coordinate w owns the contiguous share [w S/W, (w+1) S/W); inside it
// the lanes (coordinate l) own `per_thread` (P) contiguous elements each,
// side by side, and the pattern repeats (S/W)/(T P) times. Warp and lane
// coordinates are the warp id (tid / warp size) and lane (tid % warp size)
// decomposed row-major over `warps` and `threads`. A thread's elements are
// listed row-major over its per-dimension counts S/(W T).
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/KernelThreads.h"
#include "Tessera/Dialect/Target/IR/TargetAttrs.h"
#include "Tessera/Dialect/Target/IR/TargetOps.h"
#include "Tessera/Dialect/Tile/IR/TileOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::tile_to_target {

//===----------------------------------------------------------------------===//
// The distribution of a tile
//===----------------------------------------------------------------------===//

namespace {
/// How a blocked tile, or a slice of one, is spread over the block's
/// threads. Lists are per dimension of the tile (a slice's removed dimension
/// is left out, and remembered for reductions' partners).
struct Distribution {
  SmallVector<int64_t> shape, warps, threads, perThread;
  /// All dimensions of the blocked parent: its warps and threads, for the
  /// thread coordinates.
  SmallVector<int64_t> parentWarps, parentThreads;
  /// For each tile dimension, its dimension in the parent.
  SmallVector<int64_t> parentDim;
  /// For a slice, the parent dimension it removes: the threads along it
  /// hold the same elements.
  std::optional<int64_t> sliced;
  int64_t warpSize = 32;

  /// Elements of one thread along tile dimension `i`.
  int64_t count(unsigned i) const {
    return shape[i] / (warps[i] * threads[i]);
  }
  int64_t numElements() const {
    int64_t n = 1;
    for (unsigned i = 0; i < shape.size(); ++i)
      n *= count(i);
    return n;
  }
  /// The per-dimension index (row-major) of the thread's element `k`.
  SmallVector<int64_t> unflatten(int64_t k) const {
    SmallVector<int64_t> u(shape.size());
    for (int64_t i = shape.size() - 1; i >= 0; --i) {
      u[i] = k % count(i);
      k /= count(i);
    }
    return u;
  }
  int64_t flatten(ArrayRef<int64_t> u) const {
    int64_t k = 0;
    for (unsigned i = 0; i < shape.size(); ++i)
      k = k * count(i) + u[i];
    return k;
  }
  /// The offset along tile dimension `i` of the thread's `u`-th element
  /// there, from the thread's base coordinate.
  int64_t offset(unsigned i, int64_t u) const {
    int64_t p = perThread[i];
    return (u / p) * threads[i] * p + u % p;
  }
  /// The stride of parent dimension `d` in the lane (row-major over
  /// threads) and in the warp id (row-major over warps).
  static int64_t stride(ArrayRef<int64_t> extents, int64_t d) {
    int64_t s = 1;
    for (int64_t e = d + 1; e < static_cast<int64_t>(extents.size()); ++e)
      s *= extents[e];
    return s;
  }
};
} // namespace

/// The blocked distribution of a tile of `shape` with `encoding` (blocked,
/// or an mma accumulator in its instruction's fragment layout), or null.
/// For a slice, `shape` lacks the sliced dimension; the parent's extent
/// there matters only to a wgmma accumulator, whose warps must each hold
/// one contiguous band of rows.
static tile::BlockedEncodingAttr getBlockedLayout(Attribute encoding,
                                                  ArrayRef<int64_t> shape,
                                                  std::optional<int64_t>
                                                      sliced = std::nullopt) {
  if (auto blocked = dyn_cast_or_null<tile::BlockedEncodingAttr>(encoding))
    return blocked;
  if (auto operand = dyn_cast_or_null<tile::DotOperandEncodingAttr>(encoding))
    return sliced ? tile::BlockedEncodingAttr()
                  : operand.getThreadLayout(shape);
  auto acc = dyn_cast_or_null<tile::MmaAccEncodingAttr>(encoding);
  if (!acc)
    return {};
  SmallVector<int64_t> parentShape(shape);
  if (sliced)
    parentShape.insert(parentShape.begin() + *sliced,
                       *sliced == 0 ? acc.getBlockShape()[0]
                                    : acc.getBlockShape()[1]);
  return acc.getThreadLayout(parentShape);
}

/// The warp size of the chip the kernel holding `op` is compiled for.
static FailureOr<int64_t> warpSizeFor(Operation *op) {
  target::ChipAttr chip = target::ChipAttr::lookup(op);
  if (!chip)
    return op->emitOpError()
           << "works on register tiles, whose distribution over threads "
              "depends on the warp size: the module needs a "
              "#tessera_target.chip (tessera-target-set-chip)";
  return chip.getInfo().getWarpSize();
}

/// Threads per block of the kernel holding `op`, where it says.
static std::optional<int64_t> blockThreads(Operation *op) {
  return getThreadsRunning(op);
}

/// The distribution of `type` (a blocked tile or a slice of one), or an
/// error on `op`.
static FailureOr<Distribution> getDistribution(Operation *op,
                                               RankedTensorType type) {
  Distribution dist;
  dist.shape.assign(type.getShape().begin(), type.getShape().end());
  Attribute encoding = type.getEncoding();
  std::optional<int64_t> sliced;
  if (auto slice = dyn_cast<tile::SliceEncodingAttr>(encoding)) {
    sliced = slice.getDim();
    encoding = slice.getParent();
  }
  auto blocked = getBlockedLayout(encoding, type.getShape(), sliced);
  if (!blocked)
    return op->emitOpError() << "has a tile of encoding " << type.getEncoding()
                             << ", which the lowering does not distribute yet "
                                "(blocked tiles, mma accumulators and "
                                "mma_sync `a` operands in a blocked "
                                "fragment layout, and slices of them "
                                "only)";
  if (blocked.getThreads().empty() || blocked.getPerThread().empty())
    return op->emitOpError()
           << "has a tile of encoding " << blocked
           << " without threads and per_thread: the lowering does not "
              "choose a distribution yet";
  FailureOr<int64_t> warpSize = warpSizeFor(op);
  if (failed(warpSize))
    return failure();
  dist.warpSize = *warpSize;
  int64_t lanes = 1;
  for (int64_t t : blocked.getThreads())
    lanes *= t;
  if (lanes != dist.warpSize)
    return op->emitOpError() << "has a tile of encoding " << blocked
                             << " whose threads hold " << lanes
                             << " lanes, but a warp of the chip has "
                             << dist.warpSize;
  // The tile's warps are the block's: warp ids past them would hold no
  // element (or, past the first dimension's extent, the wrong ones).
  if (std::optional<int64_t> threads = blockThreads(op);
      threads && blocked.getNumWarps() * dist.warpSize != *threads)
    return op->emitOpError()
           << "has a tile of encoding " << blocked << " spread over "
           << blocked.getNumWarps() << " warps of " << dist.warpSize
           << " lanes, but the kernel's block has " << *threads << " threads";
  dist.sliced = sliced;
  dist.parentWarps.assign(blocked.getWarps().begin(), blocked.getWarps().end());
  dist.parentThreads.assign(blocked.getThreads().begin(),
                            blocked.getThreads().end());
  for (int64_t d = 0, e = blocked.getWarps().size(); d < e; ++d) {
    if (sliced && d == *sliced)
      continue;
    dist.parentDim.push_back(d);
    dist.warps.push_back(blocked.getWarps()[d]);
    dist.threads.push_back(blocked.getThreads()[d]);
    dist.perThread.push_back(blocked.getPerThread()[d]);
  }
  for (unsigned i = 0; i < dist.shape.size(); ++i)
    if (dist.shape[i] % (dist.warps[i] * dist.threads[i] * dist.perThread[i]))
      return op->emitOpError() << "has a tile " << type
                               << " that its encoding does not divide evenly";
  return dist;
}

/// The distributions of a reshaping op's input and result tiles.
static FailureOr<std::pair<Distribution, Distribution>>
getDistributions(Operation *op, Value input, Value result) {
  FailureOr<Distribution> from =
      getDistribution(op, cast<RankedTensorType>(input.getType()));
  FailureOr<Distribution> to =
      getDistribution(op, cast<RankedTensorType>(result.getType()));
  if (failed(from) || failed(to))
    return failure();
  return std::make_pair(*from, *to);
}

/// The coordinates of this thread in the parent's warp grid and lane grid.
static void threadCoordinates(OpBuilder &b, Location loc,
                              const Distribution &dist,
                              SmallVectorImpl<Value> &warpCoords,
                              SmallVectorImpl<Value> &laneCoords) {
  auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value lane = arith::RemUIOp::create(b, loc, tid, c(dist.warpSize));
  Value warp = arith::DivUIOp::create(b, loc, tid, c(dist.warpSize));
  for (int64_t d = 0, e = dist.parentWarps.size(); d < e; ++d) {
    // Row-major decompositions: coordinate = (id / stride) % extent.
    auto coord = [&](Value id, ArrayRef<int64_t> extents) -> Value {
      if (extents[d] == 1)
        return c(0);
      Value v = id;
      if (int64_t s = Distribution::stride(extents, d); s != 1)
        v = arith::DivUIOp::create(b, loc, v, c(s));
      if (d != 0)
        v = arith::RemUIOp::create(b, loc, v, c(extents[d]));
      return v;
    };
    warpCoords.push_back(coord(warp, dist.parentWarps));
    laneCoords.push_back(coord(lane, dist.parentThreads));
  }
}

/// This thread's base coordinate along each tile dimension: where its first
/// element there lies in the tile.
static SmallVector<Value> threadBase(OpBuilder &b, Location loc,
                                     const Distribution &dist) {
  SmallVector<Value> warpCoords, laneCoords;
  threadCoordinates(b, loc, dist, warpCoords, laneCoords);
  SmallVector<Value> base;
  for (unsigned i = 0; i < dist.shape.size(); ++i) {
    int64_t d = dist.parentDim[i];
    int64_t share = dist.shape[i] / dist.warps[i];
    Value w = arith::MulIOp::create(
        b, loc, warpCoords[d], arith::ConstantIndexOp::create(b, loc, share));
    Value l = arith::MulIOp::create(
        b, loc, laneCoords[d],
        arith::ConstantIndexOp::create(b, loc, dist.perThread[i]));
    base.push_back(arith::AddIOp::create(b, loc, w, l));
  }
  return base;
}

/// This thread's base coordinates in a box whose origin is `origin`.
static SmallVector<Value> threadBaseAt(OpBuilder &b, Location loc,
                                       const Distribution &dist,
                                       ValueRange origin) {
  SmallVector<Value> base = threadBase(b, loc, dist);
  for (auto [at, index] : llvm::zip(base, origin))
    at = arith::AddIOp::create(b, loc, at, index);
  return base;
}

/// The coordinates (in the tile) of the thread's element `k`.
static SmallVector<Value> elementCoordinates(OpBuilder &b, Location loc,
                                             const Distribution &dist,
                                             ArrayRef<Value> base, int64_t k) {
  SmallVector<int64_t> u = dist.unflatten(k);
  SmallVector<Value> coords;
  for (unsigned i = 0; i < dist.shape.size(); ++i) {
    int64_t off = dist.offset(i, u[i]);
    coords.push_back(off == 0 ? base[i]
                              : arith::AddIOp::create(
                                    b, loc, base[i],
                                    arith::ConstantIndexOp::create(b, loc, off))
                                    .getResult());
  }
  return coords;
}

/// The per-thread scalars of a tile type (the 1:N type conversion).
static void convertTile(RankedTensorType type,
                        SmallVectorImpl<Type> &results) {
  Attribute encoding = type.getEncoding();
  std::optional<int64_t> sliced;
  if (auto slice = dyn_cast<tile::SliceEncodingAttr>(encoding)) {
    sliced = slice.getDim();
    encoding = slice.getParent();
  }
  auto blocked = getBlockedLayout(encoding, type.getShape(), sliced);
  int64_t n = 1;
  for (int64_t d = 0, i = 0, e = blocked.getWarps().size(); d < e; ++d) {
    if (sliced && d == *sliced)
      continue;
    n *= type.getDimSize(i++) /
         (blocked.getWarps()[d] * blocked.getThreads()[d]);
  }
  results.append(n, type.getElementType());
}

/// True for the tiles this file distributes: blocked ones with a pinned
/// distribution, and slices of them.
static bool isDistributedTile(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tile::isRegisterTile(tensor))
    return false;
  Attribute encoding = tensor.getEncoding();
  std::optional<int64_t> sliced;
  if (auto slice = dyn_cast<tile::SliceEncodingAttr>(encoding)) {
    sliced = slice.getDim();
    encoding = slice.getParent();
  }
  auto blocked = getBlockedLayout(encoding, tensor.getShape(), sliced);
  return blocked && !blocked.getThreads().empty() &&
         !blocked.getPerThread().empty();
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {
/// Any arith or math op on tiles: the same op on each of the thread's
/// elements.
struct ElementwiseLowering : public ConversionPattern {
  ElementwiseLowering(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<ValueRange> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<arith::ArithDialect, math::MathDialect>(op->getDialect()) ||
        isa<arith::ConstantOp>(op) || op->getNumResults() != 1 ||
        op->getNumRegions() != 0)
      return rewriter.notifyMatchFailure(op, "not elementwise math");
    if (!isDistributedTile(op->getResult(0).getType()))
      return rewriter.notifyMatchFailure(op, "no tile result");
    SmallVector<Type> resultTypes;
    if (failed(typeConverter->convertType(op->getResult(0).getType(),
                                          resultTypes)))
      return failure();
    SmallVector<Value> results;
    for (auto [k, type] : llvm::enumerate(resultTypes)) {
      SmallVector<Value> scalars;
      for (ValueRange operand : operands) {
        // A scalar operand (arith.select's condition) goes to every element.
        if (operand.size() != 1 && operand.size() != resultTypes.size())
          return rewriter.notifyMatchFailure(op, "operands of other shapes");
        scalars.push_back(operand.size() == 1 ? operand[0] : operand[k]);
      }
      OperationState state(op->getLoc(), op->getName(), scalars, {type},
                           op->getAttrs());
      results.push_back(rewriter.create(state)->getResult(0));
    }
    rewriter.replaceOpWithMultiple(op, {results});
    return success();
  }
};

/// The body, once for each of the thread's elements.
struct MapLowering : public OpConversionPattern<tile::MapOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::MapOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<Distribution> dist = getDistribution(op, op.getType());
    if (failed(dist))
      return failure();
    Block &body = op.getBody().front();
    SmallVector<Value> results;
    for (int64_t k = 0, n = dist->numElements(); k < n; ++k) {
      IRMapping mapping;
      for (auto [arg, input] : llvm::zip(body.getArguments(),
                                         adaptor.getInputs()))
        mapping.map(arg, input[k]);
      for (Operation &inner : body.without_terminator())
        rewriter.clone(inner, mapping);
      results.push_back(
          mapping.lookupOrDefault(body.getTerminator()->getOperand(0)));
    }
    rewriter.replaceOpWithMultiple(op, {results});
    return success();
  }
};

/// A splat tile constant: the scalar, for each element.
struct ConstantLowering : public OpConversionPattern<arith::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(arith::ConstantOp op, OneToNOpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isDistributedTile(op.getType()))
      return rewriter.notifyMatchFailure(op, "no tile");
    auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!dense || !dense.isSplat())
      return op.emitOpError()
             << "is a tile constant that is not a splat; the lowering "
                "distributes splats only";
    SmallVector<Type> types;
    if (failed(typeConverter->convertType(op.getType(), types)))
      return failure();
    Value scalar = arith::ConstantOp::create(rewriter, op.getLoc(),
                                             dense.getSplatValue<TypedAttr>());
    rewriter.replaceOpWithMultiple(
        op, {SmallVector<Value>(types.size(), scalar)});
    return success();
  }
};

/// tensor.splat of a scalar: that scalar, for each element.
struct SplatLowering : public OpConversionPattern<tensor::SplatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tensor::SplatOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isDistributedTile(op.getType()))
      return rewriter.notifyMatchFailure(op, "no tile");
    SmallVector<Type> types;
    if (failed(typeConverter->convertType(op.getType(), types)))
      return failure();
    ValueRange input = adaptor.getInput();
    if (input.size() != 1)
      return rewriter.notifyMatchFailure(op, "splat of a non-scalar");
    rewriter.replaceOpWithMultiple(
        op, {SmallVector<Value>(types.size(), input.front())});
    return success();
  }
};

/// Bounds of a memref, once per op.
static SmallVector<Value> memrefSizes(OpBuilder &b, Location loc,
                                      Value memref) {
  SmallVector<Value> sizes;
  auto type = cast<MemRefType>(memref.getType());
  for (int64_t d = 0; d < type.getRank(); ++d)
    sizes.push_back(memref::DimOp::create(b, loc, memref, d));
  return sizes;
}

/// True (i1) where every coordinate is below its bound.
static Value inBounds(OpBuilder &b, Location loc, ArrayRef<Value> coords,
                      ArrayRef<Value> sizes) {
  Value all;
  for (auto [c, size] : llvm::zip(coords, sizes)) {
    Value ok =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, c, size);
    all = all ? arith::AndIOp::create(b, loc, all, ok).getResult() : ok;
  }
  return all;
}

/// memref[coords] where `mask` holds, else zero (no access).
static Value maskedLoadOrZero(OpBuilder &b, Location loc, Value memref,
                              ValueRange coords, Value mask) {
  Type element = cast<MemRefType>(memref.getType()).getElementType();
  return maskedLoad(b, loc, memref, coords, mask,
                    arith::ConstantOp::create(b, loc, element,
                                              b.getZeroAttr(element)));
}

/// How a tile's accesses to a memref go: in tiles that lie wholly in bounds
/// (and aligned, for vectors) without masks, element by element or in
/// groups of `per_thread` contiguous elements along the last dimension (a
/// vector access of up to 16 bytes); elsewhere masked, element by element.
struct Access {
  int64_t group = 1;       // elements per vector access (1: none)
  int64_t groupBytes = 0;  // its size, also its required alignment
  Value pointer, offset;   // the memref's aligned pointer and element offset
  SmallVector<Value> strides, sizes;

  Access(OpBuilder &b, Location loc, const Distribution &dist, Value memref) {
    auto type = cast<MemRefType>(memref.getType());
    sizes = memrefSizes(b, loc, memref);
    int64_t p = dist.perThread.back();
    SmallVector<int64_t> staticStrides;
    int64_t staticOffset;
    Type element = type.getElementType();
    if (p <= 1 || !element.isIntOrFloat() ||
        failed(type.getStridesAndOffset(staticStrides, staticOffset)) ||
        staticStrides.back() != 1)
      return;
    int64_t bytes = p * element.getIntOrFloatBitWidth() / 8;
    // The widest global access is 16 bytes.
    if (!llvm::isPowerOf2_64(bytes) || bytes > 16)
      return;
    group = p;
    groupBytes = bytes;
    pointer = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, memref);
    auto meta = memref::ExtractStridedMetadataOp::create(b, loc, memref);
    offset = meta.getOffset();
    strides.assign(meta.getStrides().begin(), meta.getStrides().end());
  }

  /// i1: the tile's whole box [indices, indices + shape) lies in bounds
  /// (unless `promised`: then only alignment is tested, so there must be
  /// groups) and every group in it is aligned to its size (the box's first
  /// element is, and so is every row stride). Decided once per tile,
  /// uniformly for its threads: an interior tile goes without masks (in
  /// vectors where groups are).
  Value wholeTile(OpBuilder &b, Location loc, ValueRange indices,
                  ArrayRef<int64_t> shape, bool promised = false) const {
    assert((!promised || group > 1) && "nothing to test in a promised box");
    auto c = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    auto isMultiple = [&](Value v, int64_t of) {
      return arith::CmpIOp::create(
                 b, loc, arith::CmpIPredicate::eq,
                 arith::RemUIOp::create(b, loc, v, c(of)), c(0))
          .getResult();
    };
    Value all;
    auto both = [&](Value cond) {
      all = all ? arith::AndIOp::create(b, loc, all, cond).getResult() : cond;
    };
    if (!promised) {
      for (auto [index, extent, size] : llvm::zip(indices, shape, sizes)) {
        Value end = arith::AddIOp::create(b, loc, index, c(extent));
        both(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, end,
                                   size));
      }
    }
    if (group == 1)
      return all;
    int64_t elementBytes = groupBytes / group;
    Value element = offset;
    for (auto [index, stride] : llvm::zip(indices, strides))
      element = arith::AddIOp::create(
          b, loc, element, arith::MulIOp::create(b, loc, index, stride));
    Value first = arith::AddIOp::create(
        b, loc, pointer,
        arith::MulIOp::create(b, loc, element, c(elementBytes)));
    both(isMultiple(first, groupBytes));
    for (Value stride : ArrayRef<Value>(strides).drop_back())
      both(isMultiple(arith::MulIOp::create(b, loc, stride, c(elementBytes)),
                      groupBytes));
    return all;
  }
};

/// The tile box at `indices`. An interior tile (aligned, with groups) loads
/// without masks, a vector per group where there are groups (contiguous
/// runs of a thread's elements that fit a vector), else a scalar per
/// element; other tiles a scalar per element from a clamped address, zero
/// selected past the bounds (uniform branches per tile, none per element).
struct LoadTileLowering : public OpConversionPattern<tile::LoadTileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::LoadTileOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<Distribution> dist = getDistribution(op, op.getType());
    if (failed(dist))
      return failure();
    Location loc = op.getLoc();
    Value source = adaptor.getSource().front();
    Type element = op.getType().getElementType();
    Access access(rewriter, loc, *dist, source);
    SmallVector<Value> indices;
    for (ValueRange index : adaptor.getIndices())
      indices.push_back(index.front());
    SmallVector<Value> base = threadBaseAt(rewriter, loc, *dist, indices);
    int64_t n = dist->numElements();
    // A tile in part out of bounds: where its first element is in bounds,
    // each element loads from its own address if that is in bounds, else
    // from the first element's (valid), and selects zero there: no branch
    // per element. A tile wholly out of bounds is zeros.
    auto masked = [&](OpBuilder &b) -> SmallVector<Value> {
      Value zero = arith::ConstantOp::create(b, loc, element,
                                             b.getZeroAttr(element));
      auto branch = scf::IfOp::create(
          b, loc, SmallVector<Type>(n, element),
          inBounds(b, loc, indices, access.sizes), /*withElseRegion=*/true);
      OpBuilder ib = OpBuilder::atBlockBegin(branch.thenBlock());
      SmallVector<Value> values;
      for (int64_t k = 0; k < n; ++k) {
        SmallVector<Value> coords = elementCoordinates(ib, loc, *dist, base, k);
        Value in = inBounds(ib, loc, coords, access.sizes);
        SmallVector<Value> safe;
        for (auto [coord, origin] : llvm::zip(coords, indices))
          safe.push_back(arith::SelectOp::create(ib, loc, in, coord, origin));
        values.push_back(arith::SelectOp::create(
            ib, loc, in, memref::LoadOp::create(ib, loc, source, safe), zero));
      }
      scf::YieldOp::create(ib, loc, values);
      OpBuilder eb = OpBuilder::atBlockBegin(branch.elseBlock());
      scf::YieldOp::create(eb, loc, SmallVector<Value>(n, zero));
      return SmallVector<Value>(branch.getResults());
    };
    // A box promised in bounds: scalars without masks where it has no
    // groups or they are not aligned.
    auto unmasked = [&](OpBuilder &b) {
      SmallVector<Value> values;
      for (int64_t k = 0; k < n; ++k)
        values.push_back(memref::LoadOp::create(
            b, loc, source, elementCoordinates(b, loc, *dist, base, k)));
      return values;
    };
    bool promised = op.getInBounds();
    if (promised && access.group == 1) {
      rewriter.replaceOpWithMultiple(op, {unmasked(rewriter)});
      return success();
    }
    auto branch = scf::IfOp::create(
        rewriter, loc, SmallVector<Type>(n, element),
        access.wholeTile(rewriter, loc, indices, op.getType().getShape(),
                         promised),
        /*withElseRegion=*/true);
    OpBuilder tb = rewriter;
    tb.setInsertionPointToStart(branch.thenBlock());
    SmallVector<Value> loaded;
    for (int64_t k = 0; k < n; k += access.group) {
      SmallVector<Value> coords = elementCoordinates(tb, loc, *dist, base, k);
      if (access.group == 1) {
        loaded.push_back(memref::LoadOp::create(tb, loc, source, coords));
        continue;
      }
      Value vector = vector::LoadOp::create(
          tb, loc, VectorType::get({access.group}, element), source, coords,
          /*nontemporal=*/false, llvm::MaybeAlign(access.groupBytes));
      for (int64_t i = 0; i < access.group; ++i)
        loaded.push_back(vector::ExtractOp::create(tb, loc, vector, i));
    }
    scf::YieldOp::create(tb, loc, loaded);
    OpBuilder eb = rewriter;
    eb.setInsertionPointToStart(branch.elseBlock());
    scf::YieldOp::create(eb, loc, promised ? unmasked(eb) : masked(eb));
    rewriter.replaceOpWithMultiple(op, {branch.getResults()});
    return success();
  }
};

/// As LoadTileLowering: in an interior (and, with groups, aligned) tile or
/// one declared `in_bounds`, stores without masks, a vector per group or a
/// scalar per element; elsewhere a scalar per element under its own
/// predicate (no clamping: a store past the bounds must not happen). A
/// slice's elements are stored by their first holders only.
struct StoreTileLowering : public OpConversionPattern<tile::StoreTileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::StoreTileOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.getStaging())
      return op.emitOpError()
             << "stores through shared memory, which the lowering of blocked "
                "tiles does not do yet";
    FailureOr<Distribution> dist = getDistribution(op, op.getValue().getType());
    if (failed(dist))
      return failure();
    Location loc = op.getLoc();
    Value dest = adaptor.getDest().front();
    ValueRange values = adaptor.getValue();
    Access access(rewriter, loc, *dist, dest);
    SmallVector<Value> indices;
    for (ValueRange index : adaptor.getIndices())
      indices.push_back(index.front());
    SmallVector<Value> base = threadBaseAt(rewriter, loc, *dist, indices);
    // A slice's elements are held by every thread along the removed
    // dimension; the first of them stores.
    Value owner;
    if (dist->sliced) {
      SmallVector<Value> warpCoords, laneCoords;
      threadCoordinates(rewriter, loc, *dist, warpCoords, laneCoords);
      Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
      auto isZero = [&](Value v) {
        return arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                     v, zero);
      };
      owner = arith::AndIOp::create(rewriter, loc,
                                    isZero(warpCoords[*dist->sliced]),
                                    isZero(laneCoords[*dist->sliced]));
    }
    auto owned = [&](OpBuilder &b, Value mask) -> Value {
      return owner ? arith::AndIOp::create(b, loc, owner, mask).getResult()
                   : mask;
    };
    int64_t n = dist->numElements();
    bool promised = op.getInBounds();
    // Element by element: masked at the bounds unless the box is promised
    // in bounds (a slice's elements still by their owners only).
    auto masked = [&](OpBuilder &b) {
      for (int64_t k = 0; k < n; ++k) {
        SmallVector<Value> coords = elementCoordinates(b, loc, *dist, base, k);
        Value mask =
            promised ? owner
                     : owned(b, inBounds(b, loc, coords, access.sizes));
        if (mask)
          maskedStore(b, loc, values[k], dest, coords, mask);
        else
          memref::StoreOp::create(b, loc, values[k], dest, coords);
      }
    };
    if (promised && access.group == 1) {
      masked(rewriter);
      rewriter.eraseOp(op);
      return success();
    }
    auto branch = scf::IfOp::create(
        rewriter, loc, TypeRange(),
        access.wholeTile(rewriter, loc, indices,
                         op.getValue().getType().getShape(), promised),
        /*withElseRegion=*/true);
    OpBuilder tb = rewriter;
    tb.setInsertionPointToStart(branch.thenBlock());
    auto vectorType = VectorType::get({access.group}, values[0].getType());
    for (int64_t k = 0; k < n; k += access.group) {
      SmallVector<Value> coords = elementCoordinates(tb, loc, *dist, base, k);
      auto store = [&](OpBuilder &sb) {
        if (access.group == 1) {
          memref::StoreOp::create(sb, loc, values[k], dest, coords);
          return;
        }
        Value vector = vector::FromElementsOp::create(
            sb, loc, vectorType, values.slice(k, access.group));
        vector::StoreOp::create(sb, loc, vector, dest, coords,
                                /*nontemporal=*/false,
                                llvm::MaybeAlign(access.groupBytes));
      };
      if (!owner) {
        store(tb);
        continue;
      }
      scf::IfOp::create(tb, loc, owner, [&](OpBuilder &ob, Location l) {
        store(ob);
        scf::YieldOp::create(ob, l);
      });
    }
    OpBuilder eb = rewriter;
    eb.setInsertionPointToStart(branch.elseBlock());
    masked(eb);
    rewriter.eraseOp(op);
    return success();
  }
};

/// Reads and writes of a shared buffer by a distributed tile: each thread
/// its elements, at the buffer's (padded, possibly transposed) addresses.
/// Block-collective semantics (every op as if the whole block ran it before
/// the next) need barriers: a store waits for earlier reads of the buffer
/// (before) and makes its data visible to later ones (after).
static LogicalResult checkSharedTile(Operation *op, tile::SmemType buffer) {
  if (buffer.getLayout().getSwizzle() != 0 && buffer.getRank() != 2)
    return op->emitOpError() << "accesses " << buffer
                             << ", a swizzled buffer of rank "
                             << buffer.getRank()
                             << "; a swizzle permutes the chunks of rows of "
                                "a rank-2 buffer";
  if (buffer.getRank() > 2)
    return op->emitOpError() << "accesses " << buffer << " of rank "
                             << buffer.getRank()
                             << "; the lowering addresses rank 1 and 2";
  return success();
}

/// The element offset of a tile element's `coords` in a shared buffer.
static Value sharedOffsetOf(OpBuilder &b, Location loc, tile::SmemType type,
                            Value base, ArrayRef<Value> coords) {
  if (coords.size() == 1)
    return arith::AddIOp::create(b, loc, base, coords[0]);
  return sharedElementOffset(b, loc, type, base, coords[0], coords[1]);
}

/// The distribution of a tile that `op` moves to or from the shared buffer
/// of `type` (`what`: "stores", "loads"), or an error: buffers it cannot
/// address and slice tiles are refused.
static FailureOr<Distribution> getSharedTileDistribution(
    Operation *op, tile::SmemType type, RankedTensorType tile, StringRef what) {
  if (failed(checkSharedTile(op, type)))
    return failure();
  FailureOr<Distribution> dist = getDistribution(op, tile);
  if (succeeded(dist) && dist->sliced)
    return op->emitOpError() << what << " a reduced (slice) tile, which the "
                                        "lowering does not do yet";
  return dist;
}

struct LocalStoreLowering : public OpConversionPattern<tile::LocalStoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::LocalStoreOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    tile::SmemType type = op.getBuffer().getType();
    FailureOr<Distribution> dist = getSharedTileDistribution(
        op, type, cast<RankedTensorType>(op.getValue().getType()), "stores");
    if (failed(dist))
      return failure();
    Location loc = op.getLoc();
    ValueRange buffer = adaptor.getBuffer(), values = adaptor.getValue();
    SmallVector<Value> base = threadBase(rewriter, loc, *dist);
    gpu::BarrierOp::create(rewriter, loc);
    for (int64_t k = 0, n = dist->numElements(); k < n; ++k) {
      SmallVector<Value> coords =
          elementCoordinates(rewriter, loc, *dist, base, k);
      memref::StoreOp::create(
          rewriter, loc, values[k], buffer[0],
          sharedOffsetOf(rewriter, loc, type, buffer[1], coords));
    }
    gpu::BarrierOp::create(rewriter, loc);
    rewriter.eraseOp(op);
    return success();
  }
};

struct LocalLoadLowering : public OpConversionPattern<tile::LocalLoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::LocalLoadOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    tile::SmemType type = op.getBuffer().getType();
    FailureOr<Distribution> dist =
        getSharedTileDistribution(op, type, op.getType(), "loads");
    if (failed(dist))
      return failure();
    Location loc = op.getLoc();
    ValueRange buffer = adaptor.getBuffer();
    // A box of the buffer: its origin moves every element.
    SmallVector<Value> origin;
    for (ValueRange index : adaptor.getIndices())
      origin.push_back(index.front());
    SmallVector<Value> base = threadBaseAt(rewriter, loc, *dist, origin);
    SmallVector<Value> values;
    for (int64_t k = 0, n = dist->numElements(); k < n; ++k) {
      SmallVector<Value> coords =
          elementCoordinates(rewriter, loc, *dist, base, k);
      values.push_back(memref::LoadOp::create(
          rewriter, loc, buffer[0],
          sharedOffsetOf(rewriter, loc, type, buffer[1], coords)));
    }
    rewriter.replaceOpWithMultiple(op, {values});
    return success();
  }
};

/// A dot on `fma` (no tensor cores): per step kk of K, each thread reads
/// its rows' elements of column kk of `a` and its columns' elements of row
/// kk of `b` from shared memory and adds their products into the
/// accumulator elements it holds (one fused multiply-add each, in the
/// accumulator's type: `llvm.intr.fma`, which the GPU lowerings keep fused,
/// where they would split `math.fma`); the steps run in a loop, up to 8 an
/// iteration. Reads that lanes share are broadcasts; the
/// program's buffer padding keeps the others in distinct banks.
struct FmaDotLowering : public OpConversionPattern<tile::DotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::DotOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.getMma().getKind() != tile::MmaKind::fma)
      return rewriter.notifyMatchFailure(op, "a tensor-core dot (Dot.cpp)");
    auto accType = cast<RankedTensorType>(op.getAcc().getType());
    auto aType = cast<tile::SmemType>(op.getA().getType());
    auto bType = cast<tile::SmemType>(op.getB().getType());
    if (failed(checkSharedTile(op, aType)) ||
        failed(checkSharedTile(op, bType)))
      return failure();
    FailureOr<Distribution> dist = getDistribution(op, accType);
    if (failed(dist))
      return failure();
    Location loc = op.getLoc();
    auto c = [&](int64_t v) {
      return arith::ConstantIndexOp::create(rewriter, loc, v).getResult();
    };
    Type accElement = accType.getElementType();
    // The thread's rows and columns of the tile.
    SmallVector<Value> base = threadBase(rewriter, loc, *dist);
    SmallVector<Value> rows, cols;
    for (int64_t u = 0; u < dist->count(0); ++u)
      rows.push_back(arith::AddIOp::create(rewriter, loc, base[0],
                                           c(dist->offset(0, u))));
    for (int64_t u = 0; u < dist->count(1); ++u)
      cols.push_back(arith::AddIOp::create(rewriter, loc, base[1],
                                           c(dist->offset(1, u))));
    ValueRange a = adaptor.getA(), b = adaptor.getB();
    SmallVector<Value> acc(adaptor.getAcc().begin(), adaptor.getAcc().end());
    // One step of K at `kk`: the products added into `sums`.
    auto step = [&](OpBuilder &sb, Value kk, MutableArrayRef<Value> sums) {
      auto widen = [&](Value x) -> Value {
        if (x.getType() == accElement)
          return x;
        return arith::ExtFOp::create(sb, loc, accElement, x);
      };
      SmallVector<Value> aValues, bValues;
      for (Value row : rows)
        aValues.push_back(widen(memref::LoadOp::create(
            sb, loc, a[0],
            sharedElementOffset(sb, loc, aType, a[1], row, kk))));
      for (Value col : cols)
        bValues.push_back(widen(memref::LoadOp::create(
            sb, loc, b[0],
            sharedElementOffset(sb, loc, bType, b[1], kk, col))));
      for (auto [i, x] : llvm::enumerate(aValues))
        for (auto [j, y] : llvm::enumerate(bValues)) {
          Value &sum = sums[dist->flatten(
              {static_cast<int64_t>(i), static_cast<int64_t>(j)})];
          sum = LLVM::FMAOp::create(sb, loc, x, y, sum);
        }
    };
    // K in a loop of `unroll` steps an iteration: code (and compile time)
    // that does not grow with K, and still long straight runs of loads and
    // multiply-adds.
    int64_t k = aType.getShape()[1], unroll = 1;
    while (unroll < 8 && k % (2 * unroll) == 0)
      unroll *= 2;
    auto loop = scf::ForOp::create(
        rewriter, loc, c(0), c(k), c(unroll), acc,
        [&](OpBuilder &lb, Location, Value kk, ValueRange carried) {
          SmallVector<Value> sums(carried.begin(), carried.end());
          for (int64_t u = 0; u < unroll; ++u)
            step(lb, u == 0 ? kk
                            : arith::AddIOp::create(
                                  lb, loc, kk,
                                  arith::ConstantIndexOp::create(lb, loc, u))
                                  .getResult(),
                 sums);
          scf::YieldOp::create(lb, loc, sums);
        });
    acc.assign(loop.getResults().begin(), loop.getResults().end());
    rewriter.replaceOpWithMultiple(op, {acc});
    return success();
  }
};

/// Through shared memory: the tile stored in its distribution, read back in
/// the result's (a scratch buffer of the tile's shape, between barriers).
struct ConvertLayoutLowering
    : public OpConversionPattern<tile::ConvertLayoutOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::ConvertLayoutOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto dists = getDistributions(op, op.getInput(), op.getResult());
    if (failed(dists))
      return failure();
    const Distribution *from = &dists->first, *to = &dists->second;
    // The same lanes hold the same elements (an f16 accumulator becoming
    // mma_sync's or wgmma's `a`; the row values of one accumulator used
    // with another of the same rows): nothing moves.
    if (from->sliced == to->sliced && from->warps == to->warps &&
        from->threads == to->threads && from->perThread == to->perThread &&
        from->parentWarps == to->parentWarps &&
        from->parentThreads == to->parentThreads &&
        from->parentDim == to->parentDim) {
      rewriter.replaceOpWithMultiple(op, {adaptor.getInput()});
      return success();
    }
    if (from->sliced || to->sliced)
      return op.emitOpError() << "converts a reduced (slice) tile between "
                                 "layouts that place its elements "
                                 "differently, which the lowering does not "
                                 "do yet";
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getInput().getType());
    // Rows padded by one element against bank conflicts of column walks.
    SmallVector<int64_t> padded(type.getShape());
    padded.back() += 1;
    int64_t elements = 1;
    for (int64_t extent : padded)
      elements *= extent;
    auto workgroup = gpu::AddressSpaceAttr::get(rewriter.getContext(),
                                                gpu::AddressSpace::Workgroup);
    Value scratch = tile::AllocSharedOp::create(
        rewriter, loc,
        MemRefType::get({elements}, type.getElementType(), nullptr,
                        workgroup));
    auto flat = [&](ArrayRef<Value> coords) {
      Value offset = coords[0];
      for (unsigned i = 1; i < coords.size(); ++i)
        offset = arith::AddIOp::create(
            rewriter, loc,
            arith::MulIOp::create(
                rewriter, loc, offset,
                arith::ConstantIndexOp::create(rewriter, loc, padded[i])),
            coords[i]);
      return offset;
    };
    ValueRange input = adaptor.getInput();
    SmallVector<Value> fromBase = threadBase(rewriter, loc, *from);
    gpu::BarrierOp::create(rewriter, loc);
    for (int64_t k = 0, n = from->numElements(); k < n; ++k)
      memref::StoreOp::create(
          rewriter, loc, input[k], scratch,
          flat(elementCoordinates(rewriter, loc, *from, fromBase, k)));
    gpu::BarrierOp::create(rewriter, loc);
    SmallVector<Value> toBase = threadBase(rewriter, loc, *to);
    SmallVector<Value> values;
    for (int64_t k = 0, n = to->numElements(); k < n; ++k)
      values.push_back(memref::LoadOp::create(
          rewriter, loc, scratch,
          flat(elementCoordinates(rewriter, loc, *to, toBase, k))));
    rewriter.replaceOpWithMultiple(op, {values});
    return success();
  }
};

/// Each element a masked scalar load at its offset.
struct GatherLowering : public OpConversionPattern<tile::GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::GatherOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(getDistribution(op, op.getType())))
      return failure();
    Location loc = op.getLoc();
    Value source = adaptor.getSource().front();
    Value size = memref::DimOp::create(rewriter, loc, source, 0);
    SmallVector<Value> values;
    for (Value offset : adaptor.getOffsets())
      values.push_back(maskedLoadOrZero(
          rewriter, loc, source, offset,
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult,
                                offset, size)));
    rewriter.replaceOpWithMultiple(op, {values});
    return success();
  }
};

/// Each element its coordinate plus `start`.
struct RangeLowering : public OpConversionPattern<tile::RangeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::RangeOp op, OneToNOpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<Distribution> dist = getDistribution(op, op.getType());
    if (failed(dist))
      return failure();
    Location loc = op.getLoc();
    Type element = op.getType().getElementType();
    SmallVector<Value> base = threadBase(rewriter, loc, *dist);
    Value start =
        arith::ConstantIndexOp::create(rewriter, loc, op.getStart());
    SmallVector<Value> values;
    for (int64_t k = 0, n = dist->numElements(); k < n; ++k) {
      Value v = arith::AddIOp::create(
          rewriter, loc, elementCoordinates(rewriter, loc, *dist, base, k)[0],
          start);
      if (!element.isIndex())
        v = arith::IndexCastOp::create(rewriter, loc, element, v);
      values.push_back(v);
    }
    rewriter.replaceOpWithMultiple(op, {values});
    return success();
  }
};

/// Each element of the parent tile takes its row's (or column's) value.
struct BroadcastLowering : public OpConversionPattern<tile::BroadcastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::BroadcastOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto dists = getDistributions(op, op.getInput(), op.getResult());
    if (failed(dists))
      return failure();
    const Distribution *from = &dists->first, *to = &dists->second;
    int64_t axis = op.getAxis();
    ValueRange input = adaptor.getInput();
    SmallVector<Value> values;
    for (int64_t k = 0, n = to->numElements(); k < n; ++k) {
      SmallVector<int64_t> u = to->unflatten(k);
      u.erase(u.begin() + axis);
      values.push_back(input[from->flatten(u)]);
    }
    rewriter.replaceOpWithMultiple(op, {values});
    return success();
  }
};

/// The combiner of a reduction, on scalars.
static Value combine(OpBuilder &b, Location loc, tile::ReduceKind kind,
                     Value x, Value y) {
  bool isFloat = isa<FloatType>(x.getType());
  switch (kind) {
  case tile::ReduceKind::add:
    return isFloat ? arith::AddFOp::create(b, loc, x, y).getResult()
                   : arith::AddIOp::create(b, loc, x, y).getResult();
  case tile::ReduceKind::max:
    return isFloat ? arith::MaximumFOp::create(b, loc, x, y).getResult()
                   : arith::MaxSIOp::create(b, loc, x, y).getResult();
  case tile::ReduceKind::min:
    return isFloat ? arith::MinimumFOp::create(b, loc, x, y).getResult()
                   : arith::MinSIOp::create(b, loc, x, y).getResult();
  }
  llvm_unreachable("unknown reduce kind");
}

static gpu::AllReduceOperation allReduceKind(tile::ReduceKind kind,
                                             bool isFloat) {
  switch (kind) {
  case tile::ReduceKind::add:
    return gpu::AllReduceOperation::ADD;
  case tile::ReduceKind::max:
    return isFloat ? gpu::AllReduceOperation::MAXIMUMF
                   : gpu::AllReduceOperation::MAXSI;
  case tile::ReduceKind::min:
    return isFloat ? gpu::AllReduceOperation::MINIMUMF
                   : gpu::AllReduceOperation::MINSI;
  }
  llvm_unreachable("unknown reduce kind");
}

/// Each of the thread's elements: its index in the tile (row-major).
static SmallVector<Value> flatElementIndices(OpBuilder &b, Location loc,
                                             const Distribution &dist) {
  auto c = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  SmallVector<Value> base = threadBase(b, loc, dist);
  SmallVector<Value> indices;
  for (int64_t k = 0, n = dist.numElements(); k < n; ++k) {
    SmallVector<Value> coords = elementCoordinates(b, loc, dist, base, k);
    Value flat = c(0);
    for (auto [i, coord] : llvm::enumerate(coords))
      flat = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, flat, c(dist.shape[i])),
          coord);
    indices.push_back(flat);
  }
  return indices;
}

/// Combines each row's partials of the `W` warps along `axis` (each warp's
/// lanes hold its partial already): the first lane along the axis writes it
/// to scratch[warp along the axis][row], and after a barrier every thread
/// combines the W partials of its rows; a second barrier lets the scratch be
/// written again (a reduce in a loop).
static void combineAcrossWarps(OpBuilder &b, Location loc,
                               const Distribution &from,
                               const Distribution &to, int64_t axis,
                               tile::ReduceKind kind,
                               MutableArrayRef<Value> partial) {
  auto c = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  int64_t warpsAlong = from.warps[axis];
  int64_t rows = 1;
  for (int64_t extent : to.shape)
    rows *= extent;
  Type element = partial.front().getType();
  auto workgroup = gpu::AddressSpaceAttr::get(b.getContext(),
                                              gpu::AddressSpace::Workgroup);
  Value scratch = tile::AllocSharedOp::create(
      b, loc,
      MemRefType::get({warpsAlong * rows}, element, nullptr, workgroup));
  SmallVector<Value> warpCoords, laneCoords;
  threadCoordinates(b, loc, from, warpCoords, laneCoords);
  int64_t d = from.parentDim[axis];
  Value slot = arith::MulIOp::create(b, loc, warpCoords[d], c(rows));
  Value firstLane = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                          laneCoords[d], c(0));
  // Each of the thread's rows: its index in the slice tile (row-major).
  SmallVector<Value> rowIndex = flatElementIndices(b, loc, to);
  for (auto [acc, row] : llvm::zip(partial, rowIndex))
    maskedStore(b, loc, acc, scratch,
                arith::AddIOp::create(b, loc, slot, row).getResult(),
                firstLane);
  gpu::BarrierOp::create(b, loc);
  for (auto [acc, row] : llvm::zip(partial, rowIndex)) {
    acc = memref::LoadOp::create(b, loc, scratch, row);
    for (int64_t w = 1; w < warpsAlong; ++w)
      acc = combine(b, loc, kind, acc,
                    memref::LoadOp::create(
                        b, loc, scratch,
                        arith::AddIOp::create(b, loc, row, c(w * rows))
                            .getResult()));
  }
  gpu::BarrierOp::create(b, loc);
}

/// A thread combines its elements of each row, then the threads holding a
/// row combine theirs: all of the block's (gpu.all_reduce) when it reduces
/// one row, the lanes of a warp (xor shuffles of the target's warp width)
/// when a warp holds the row.
struct ReduceLowering : public OpConversionPattern<tile::ReduceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::ReduceOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto dists = getDistributions(op, op.getInput(), op.getResult());
    if (failed(dists))
      return failure();
    const Distribution *from = &dists->first, *to = &dists->second;
    Location loc = op.getLoc();
    int64_t axis = op.getAxis();
    tile::ReduceKind kind = op.getKind();
    ValueRange input = adaptor.getInput();

    // In the thread.
    SmallVector<Value> partial(to->numElements());
    for (int64_t k = 0, n = from->numElements(); k < n; ++k) {
      SmallVector<int64_t> u = from->unflatten(k);
      u.erase(u.begin() + axis);
      Value &acc = partial[to->flatten(u)];
      acc = acc ? combine(rewriter, loc, kind, acc, input[k]) : input[k];
    }

    // Across threads.
    int64_t warpsAlong = from->warps[axis], lanesAlong = from->threads[axis];
    bool othersInOneThread = true;
    for (unsigned i = 0; i < from->shape.size(); ++i)
      if (static_cast<int64_t>(i) != axis &&
          from->warps[i] * from->threads[i] != 1)
        othersInOneThread = false;
    bool isFloat = isa<FloatType>(op.getType().getElementType());
    if (warpsAlong * lanesAlong == 1) {
      // The row is in one thread already.
    } else if (othersInOneThread) {
      // Every thread of the block holds part of every row: all-reduce.
      for (Value &acc : partial)
        acc = gpu::AllReduceOp::create(
            rewriter, loc, acc,
            gpu::AllReduceOperationAttr::get(rewriter.getContext(),
                                             allReduceKind(kind, isFloat)),
            /*uniform=*/true);
    } else {
      // The lanes of a warp that hold part of a row: a butterfly over their
      // lane bits.
      if (!llvm::isPowerOf2_64(lanesAlong))
        return op.emitOpError()
               << "reduces over " << lanesAlong
               << " lanes of a warp, which is not a power of two";
      int64_t stride =
          Distribution::stride(from->parentThreads, from->parentDim[axis]);
      for (Value &acc : partial)
        for (int64_t m = 1; m < lanesAlong; m *= 2) {
          Value other =
              gpu::ShuffleOp::create(rewriter, loc, acc,
                                     static_cast<int32_t>(m * stride),
                                     static_cast<int32_t>(from->warpSize),
                                     gpu::ShuffleMode::XOR)
                  .getShuffleResult();
          acc = combine(rewriter, loc, kind, acc, other);
        }
      // The warps that hold parts of a row: through shared memory.
      if (warpsAlong > 1)
        combineAcrossWarps(rewriter, loc, *from, *to, axis, kind, partial);
    }
    rewriter.replaceOpWithMultiple(op, {partial});
    return success();
  }
};

/// cluster_reduce: the threads write their elements to a shared buffer of
/// the tile's elements (replicas write the same values); after a cluster
/// barrier (arrive.release, wait.acquire) each thread reads every rank's
/// buffer through distributed shared memory (mapa to the rank's window,
/// ld.shared::cluster) and combines them from rank 0 up, the same order in
/// every block; a second barrier keeps each buffer until every rank has
/// read it (a reduce in a loop writes it again; a block's shared memory
/// goes when it exits).
struct ClusterReduceLowering
    : public OpConversionPattern<tile::ClusterReduceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::ClusterReduceOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<Distribution> dist = getDistribution(op, op.getType());
    if (failed(dist))
      return failure();
    Operation *kernel = op->getParentWithTrait<OpTrait::IsIsolatedFromAbove>();
    int64_t blocks =
        kernel->getAttrOfType<IntegerAttr>("tessera.cluster").getInt();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto c = [&](int64_t v) {
      return arith::ConstantIndexOp::create(rewriter, loc, v).getResult();
    };
    Type element = op.getType().getElementType();
    int64_t elements = op.getType().getNumElements();
    auto workgroup =
        gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    Value scratch = tile::AllocSharedOp::create(
        rewriter, loc, MemRefType::get({elements}, element, nullptr, workgroup));
    SmallVector<Value> flat = flatElementIndices(rewriter, loc, *dist);
    ValueRange input = adaptor.getInput();
    for (auto [value, index] : llvm::zip(input, flat))
      memref::StoreOp::create(rewriter, loc, value, scratch, index);
    auto clusterBarrier = [&] {
      NVVM::ClusterArriveOp::create(rewriter, loc, /*aligned=*/UnitAttr());
      NVVM::ClusterWaitOp::create(rewriter, loc, /*aligned=*/UnitAttr());
    };
    clusterBarrier();
    // Each element's address in the block's shared window, mapped to each
    // rank's.
    Type i64 = rewriter.getI64Type(), i32 = rewriter.getI32Type();
    auto shared = LLVM::LLVMPointerType::get(
        ctx, static_cast<unsigned>(NVVM::NVVMMemorySpace::Shared));
    auto cluster = LLVM::LLVMPointerType::get(
        ctx, static_cast<unsigned>(NVVM::NVVMMemorySpace::SharedCluster));
    Value start = arith::IndexCastUIOp::create(
        rewriter, loc, i64,
        memref::ExtractAlignedPointerAsIndexOp::create(rewriter, loc, scratch));
    int64_t bytes = element.getIntOrFloatBitWidth() / 8;
    SmallVector<Value> results;
    for (Value index : flat) {
      Value address = arith::AddIOp::create(
          rewriter, loc, start,
          arith::IndexCastUIOp::create(
              rewriter, loc, i64,
              arith::MulIOp::create(rewriter, loc, index, c(bytes))));
      Value local = LLVM::IntToPtrOp::create(rewriter, loc, shared, address);
      Value acc;
      for (int64_t r = 0; r < blocks; ++r) {
        Value remote = NVVM::MapaOp::create(
            rewriter, loc, cluster, local,
            arith::ConstantIntOp::create(rewriter, loc, i32, r));
        Value v = LLVM::LoadOp::create(rewriter, loc, element, remote);
        acc = acc ? combine(rewriter, loc, op.getKind(), acc, v) : v;
      }
      results.push_back(acc);
    }
    clusterBarrier();
    rewriter.replaceOpWithMultiple(op, {results});
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

void configureDistributionTypeConverter(TypeConverter &converter) {
  converter.addConversion([](Type type) { return type; });
  converter.addConversion(
      [](RankedTensorType type,
         SmallVectorImpl<Type> &results) -> std::optional<LogicalResult> {
        if (!isDistributedTile(type))
          return std::nullopt;
        convertTile(type, results);
        return success();
      });
}

bool hasDistributedTiles(Operation *op) {
  auto isTile = [](Type t) {
    return isDistributedTile(t) ||
           isa<tile::SmemType, tile::AsyncTokenType, tile::MbarrierType>(t);
  };
  return llvm::any_of(op->getOperandTypes(), isTile) ||
         llvm::any_of(op->getResultTypes(), isTile);
}

void populateDistributionPatterns(const TypeConverter &converter,
                                  RewritePatternSet &patterns,
                                  ConversionTarget &target) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ElementwiseLowering>(converter, ctx);
  patterns.add<MapLowering, ConstantLowering, SplatLowering, LoadTileLowering,
               StoreTileLowering, GatherLowering, RangeLowering,
               BroadcastLowering, ReduceLowering, ClusterReduceLowering,
               LocalStoreLowering,
               LocalLoadLowering, ConvertLayoutLowering, FmaDotLowering>(
      converter, ctx);
  scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                       target);
}

} // namespace mlir::tessera::tile_to_target
