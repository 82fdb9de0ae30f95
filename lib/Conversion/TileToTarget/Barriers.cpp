//===- Barriers.cpp - mbarriers and copies through tensor descriptors -----===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// The block-level ops that complete on shared-memory transaction barriers,
// lowered for chips with TMA (the target info's `tma`):
//
// - an `mbarrier` group becomes a workgroup memref of one i64 per barrier
//   at the offset tessera-tile-allocate-shared placed it; thread 0
//   initializes each barrier and makes the initialization visible to the
//   async proxy, then the block synchronizes;
// - `mbarrier_wait` is a parity wait, `mbarrier_arrive` an arrival;
// - a `box_copy ... desc %d arrive %bars[%i]` is issued by thread 0: one
//   arrival that expects the box's bytes, then one TMA load per box of the
//   descriptor that tiles the destination (a box `swizzle` bytes wide, the
//   destination's column blocks one after another).
//
// nvgpu's ops take barrier groups of their own type: the memref is cast to
// it where an op needs one (the casts fold away when both become LLVM).
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/KernelThreads.h"
#include "Tessera/Dialect/Target/IR/TargetInfo.h"
#include "Tessera/Dialect/Target/IR/TargetOps.h"
#include "Tessera/Dialect/Tile/IR/TileOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "llvm/ADT/MapVector.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::tile_to_target {

/// The memref an mbarrier group of `count` barriers lowers to.
static MemRefType barrierMemRefType(MLIRContext *ctx, int64_t count) {
  return MemRefType::get(
      {count}, IntegerType::get(ctx, 64), nullptr,
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup));
}

/// The lowered group as nvgpu's barrier group type.
static Value asBarrierGroup(OpBuilder &b, Location loc, Value memref) {
  MLIRContext *ctx = b.getContext();
  auto type = nvgpu::MBarrierGroupType::get(
      ctx, gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup),
      cast<MemRefType>(memref.getType()).getNumElements());
  return UnrealizedConversionCastOp::create(b, loc, type, memref).getResult(0);
}

/// The chip's target info if it has transaction barriers (TMA's), else an
/// error on `op`.
static FailureOr<const target::TargetInfo *> barrierChip(Operation *op) {
  FailureOr<const target::TargetInfo *> info =
      chipInfoFor(op, "an mbarrier's instructions");
  if (failed(info))
    return failure();
  if (!(*info)->hasTma())
    return op->emitOpError()
           << "uses transaction barriers, which chip '" << (*info)->getChip()
           << "' does not have (TMA chips only); complete copies with tokens";
  return info;
}

static Value isThreadZero(OpBuilder &b, Location loc) {
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid,
                               arith::ConstantIndexOp::create(b, loc, 0));
}

namespace {
/// Placed barriers, initialized by thread 0 before any thread uses them.
struct MbarrierAllocLowering
    : public OpConversionPattern<tile::MbarrierAllocOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::MbarrierAllocOp op, OneToNOpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(barrierChip(op)))
      return failure();
    std::optional<int64_t> offset = op.getOffset();
    if (!offset)
      return op.emitOpError()
             << "has no offset: run tessera-tile-allocate-shared before "
                "lowering, so that every shared buffer has its place";
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    int64_t count = op.getBarriers().getType().getCount();
    Value memref = tile::AllocSharedOp::create(
        rewriter, loc, barrierMemRefType(ctx, count),
        rewriter.getI64IntegerAttr(*offset));
    Value group = asBarrierGroup(rewriter, loc, memref);
    int64_t arrivals = op.getArrivals();
    scf::IfOp::create(
        rewriter, loc, isThreadZero(rewriter, loc),
        [&](OpBuilder &b, Location l) {
          Value expected = arith::ConstantIndexOp::create(b, l, arrivals);
          for (int64_t i = 0; i < count; ++i)
            nvgpu::MBarrierInitOp::create(
                b, l, group, expected, arith::ConstantIndexOp::create(b, l, i),
                Value());
          // Visible to the async proxy (TMA's complete_tx) as well.
          NVVM::FenceProxyOp::create(
              b, l, NVVM::ProxyKindAttr::get(ctx, NVVM::ProxyKind::async_shared),
              NVVM::SharedSpaceAttr::get(ctx, NVVM::SharedSpace::shared_cta));
          scf::YieldOp::create(b, l);
        });
    gpu::BarrierOp::create(rewriter, loc);
    rewriter.replaceOpWithMultiple(op, {{memref}});
    return success();
  }
};

struct MbarrierWaitLowering
    : public OpConversionPattern<tile::MbarrierWaitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::MbarrierWaitOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(barrierChip(op)))
      return failure();
    Location loc = op.getLoc();
    Value group = asBarrierGroup(rewriter, loc, adaptor.getBarriers().front());
    // try_wait in a loop; the tick count only bounds each try.
    nvgpu::MBarrierTryWaitParityOp::create(
        rewriter, loc, group, adaptor.getPhase().front(),
        arith::ConstantIndexOp::create(rewriter, loc, 10000000),
        adaptor.getIndex().front());
    rewriter.eraseOp(op);
    return success();
  }
};

struct MbarrierArriveLowering
    : public OpConversionPattern<tile::MbarrierArriveOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::MbarrierArriveOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<const target::TargetInfo *> info = barrierChip(op);
    if (failed(info))
      return failure();
    Location loc = op.getLoc();
    Value group = asBarrierGroup(rewriter, loc, adaptor.getBarriers().front());
    Value index = adaptor.getIndex().front();
    auto arrive = [&](OpBuilder &b, Location l) {
      nvgpu::MBarrierArriveOp::create(
          b, l, nvgpu::MBarrierTokenType::get(b.getContext()), group, index);
    };
    if (!op.getPerWarp()) {
      arrive(rewriter, loc);
      rewriter.eraseOp(op);
      return success();
    }
    // Per warp: the warp's lanes meet (bar.warp.sync orders their memory
    // accesses before lane 0's), then lane 0 arrives.
    NVVM::SyncWarpOp::create(
        rewriter, loc, arith::ConstantIntOp::create(rewriter, loc, -1, 32));
    Value tid = gpu::ThreadIdOp::create(rewriter, loc, gpu::Dimension::x);
    Value lane = arith::RemUIOp::create(
        rewriter, loc, tid,
        arith::ConstantIndexOp::create(rewriter, loc, (*info)->getWarpSize()));
    scf::IfOp::create(rewriter, loc,
                      arith::CmpIOp::create(
                          rewriter, loc, arith::CmpIPredicate::eq, lane,
                          arith::ConstantIndexOp::create(rewriter, loc, 0)),
                      [&](OpBuilder &b, Location l) {
                        arrive(b, l);
                        scf::YieldOp::create(b, l);
                      });
    rewriter.eraseOp(op);
    return success();
  }
};

/// Turns among warpgroups (`turns_init`, `turn_wait`, `turn_pass`):
/// warpgroup w of the running threads waits at named barrier 15 - w with
/// the 128 threads of the warpgroup before it, which arrive there to pass
/// the turn on.
template <typename OpTy>
struct TurnLowering : public OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<const target::TargetInfo *> info =
        namedBarrierChip(op, "takes turns among warpgroups");
    if (failed(info))
      return failure();
    std::optional<int64_t> threads = getThreadsRunning(op);
    if (!threads || *threads % 128 != 0)
      return op.emitOpError()
             << "takes turns among warpgroups, but runs on "
             << (threads ? std::to_string(*threads) : std::string("an unknown number of"))
             << " threads, not whole warpgroups of 128";
    int64_t groups = *threads / 128;
    if (groups == 1) {
      rewriter.eraseOp(op);
      return success();
    }
    auto kernel = op->template getParentOfType<target::KernelOp>();
    int64_t taken = kernel ? getLastWarpGroupBarrier(kernel) : 0;
    if (taken >= 16 - groups)
      return op.emitOpError()
             << "takes turns among " << groups
             << " warpgroups at named barriers " << 16 - groups
             << " to 15, but warp_specialize's groups use barriers up to "
             << taken;
    Location loc = op.getLoc();
    auto index = [&](int64_t v) {
      return arith::ConstantIndexOp::create(rewriter, loc, v).getResult();
    };
    auto i32 = [&](Value v) {
      return arith::IndexCastOp::create(rewriter, loc, rewriter.getI32Type(),
                                        v)
          .getResult();
    };
    Value tid = gpu::ThreadIdOp::create(rewriter, loc, gpu::Dimension::x);
    Value group = arith::DivUIOp::create(rewriter, loc, tid, index(128));
    // Barrier 15 - w for warpgroup w.
    auto barrierOf = [&](Value w) {
      return i32(arith::SubIOp::create(rewriter, loc, index(15), w));
    };
    Value pair = arith::ConstantIntOp::create(rewriter, loc, 256, 32);
    if constexpr (std::is_same_v<OpTy, tile::TurnWaitOp>) {
      NVVM::BarrierOp::create(rewriter, loc, TypeRange{}, barrierOf(group),
                              pair, NVVM::BarrierReductionAttr(), Value());
    } else if constexpr (std::is_same_v<OpTy, tile::TurnPassOp>) {
      Value next = arith::RemUIOp::create(
          rewriter, loc, arith::AddIOp::create(rewriter, loc, group, index(1)),
          index(groups));
      NVVM::BarrierArriveOp::create(rewriter, loc, barrierOf(next), pair);
    } else {
      // The last warpgroup hands the first its first turn.
      Value last = arith::CmpIOp::create(rewriter, loc,
                                         arith::CmpIPredicate::eq, group,
                                         index(groups - 1));
      scf::IfOp::create(rewriter, loc, last, [&](OpBuilder &b, Location l) {
        NVVM::BarrierArriveOp::create(
            b, l, arith::ConstantIntOp::create(b, l, 15, 32), pair);
        scf::YieldOp::create(b, l);
      });
    }
    rewriter.eraseOp(op);
    return success();
  }
};
} // namespace

LogicalResult lowerDescriptorCopy(tile::BoxCopyOp op,
                                  ArrayRef<ValueRange> operands,
                                  ConversionPatternRewriter &rewriter) {
  FailureOr<const target::TargetInfo *> info = barrierChip(op);
  if (failed(info))
    return failure();
  auto descType =
      dyn_cast<nvgpu::TensorMapDescriptorType>(op.getDesc().getType());
  if (!descType)
    return op.emitOpError() << "copies through " << op.getDesc().getType()
                            << ", which is not a tensor map descriptor "
                               "(!nvgpu.tensormap.descriptor)";
  tile::SmemType dest = op.getDest().getType();
  MemRefType box = descType.getTensor();
  ArrayRef<int64_t> boxShape = box.getShape();
  int64_t rank = op.getSource().getType().getRank();
  int64_t elementBytes = dest.getElementType().getIntOrFloatBitWidth() / 8;
  int64_t swizzle = dest.getLayout().getSwizzle();
  int64_t descSwizzle = 0;
  switch (descType.getSwizzle()) {
  case nvgpu::TensorMapSwizzleKind::SWIZZLE_32B:
    descSwizzle = 32;
    break;
  case nvgpu::TensorMapSwizzleKind::SWIZZLE_64B:
    descSwizzle = 64;
    break;
  case nvgpu::TensorMapSwizzleKind::SWIZZLE_128B:
    descSwizzle = 128;
    break;
  default:
    break;
  }
  // The descriptor's box: [1..., rows, swizzle bytes of columns], tiling
  // the destination's column blocks.
  bool tiles = box.getRank() == rank && dest.getRank() == 2 &&
               box.getElementType() == dest.getElementType() &&
               descSwizzle == swizzle &&
               boxShape.back() * elementBytes == swizzle &&
               boxShape[rank - 2] == dest.getShape()[0] &&
               dest.getShape()[1] % boxShape.back() == 0 &&
               !dest.getLayout().getTransposed() &&
               llvm::all_of(boxShape.drop_back(2),
                            [](int64_t d) { return d == 1; });
  if (!tiles)
    return op.emitOpError()
           << "copies into " << dest << " through a descriptor of box "
           << box << " and swizzle " << descSwizzle
           << "; the box must be the destination's rows by one "
              "swizzle-wide column block, with the destination's swizzle";

  Location loc = op.getLoc();
  auto c = [&](OpBuilder &b, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  Value desc = operands[op.getDescMutable()[0].getOperandNumber()].front();
  ValueRange shared = operands[op.getDestMutable().getOperandNumber()];
  Value group = asBarrierGroup(
      rewriter, loc,
      operands[op.getBarriersMutable()[0].getOperandNumber()].front());
  Value index =
      operands[op.getBarrierIndexMutable()[0].getOperandNumber()].front();
  SmallVector<Value> indices;
  for (OpOperand &operand : op.getIndicesMutable())
    indices.push_back(operands[operand.getOperandNumber()].front());
  Value issue = isThreadZero(rewriter, loc);
  if (!op.getPredMutable().empty())
    issue = arith::AndIOp::create(
        rewriter, loc, issue,
        operands[op.getPredMutable()[0].getOperandNumber()].front());

  int64_t rows = dest.getShape()[0], cols = dest.getShape()[1];
  int64_t blockCols = boxShape.back();
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * boxShape[d + 1];
  auto viewType = MemRefType::get(
      boxShape, dest.getElementType(),
      StridedLayoutAttr::get(rewriter.getContext(), ShapedType::kDynamic,
                             strides),
      cast<MemRefType>(shared[0].getType()).getMemorySpace());
  scf::IfOp::create(rewriter, loc, issue, [&](OpBuilder &b, Location l) {
    // One arrival, expecting all the blocks' bytes.
    nvgpu::MBarrierArriveExpectTxOp::create(
        b, l, group, c(b, rows * cols * elementBytes), index, Value());
    for (int64_t block = 0; block < cols / blockCols; ++block) {
      Value at = arith::AddIOp::create(b, l, shared[1],
                                       c(b, block * rows * blockCols));
      SmallVector<OpFoldResult> sizes, strideFolds;
      for (int64_t d = 0; d < rank; ++d) {
        sizes.push_back(b.getIndexAttr(boxShape[d]));
        strideFolds.push_back(b.getIndexAttr(strides[d]));
      }
      Value view = memref::ReinterpretCastOp::create(
          b, l, viewType, shared[0], OpFoldResult(at), sizes, strideFolds);
      // Coordinates innermost first.
      SmallVector<Value> coords(llvm::reverse(indices));
      coords[0] = arith::AddIOp::create(b, l, coords[0],
                                        c(b, block * blockCols));
      nvgpu::TmaAsyncLoadOp::create(b, l, view, group, desc, coords, index,
                                    Value(), Value());
    }
    scf::YieldOp::create(b, l);
  });
  rewriter.replaceOpWithMultiple(op, {ValueRange()});
  return success();
}

void prepareDescriptorCopies(Operation *kernel) {
  // Each descriptor the kernel's copies read is prefetched by the thread
  // that issues the copies, before the first copy through it, outside the
  // loops around that copy. (No proxy fence: descriptors are kernel
  // parameters passed by value, `__grid_constant__`, which nothing writes
  // through the generic proxy.) Not at the kernel's start: a program may read a descriptor
  // only where the host could encode it (a branch on its `valid` flag).
  llvm::MapVector<Operation *, SmallVector<Value>> before;
  llvm::DenseSet<Value> seen;
  kernel->walk<WalkOrder::PreOrder>([&](tile::BoxCopyOp copy) {
    Value desc = copy.getDesc();
    if (!desc || !isa<nvgpu::TensorMapDescriptorType>(desc.getType()) ||
        !seen.insert(desc).second)
      return;
    Operation *at = copy;
    Operation *definedIn = desc.getParentBlock()->getParentOp();
    while (isa<LoopLikeOpInterface>(at->getParentOp()) &&
           !at->getParentOp()->isAncestor(definedIn))
      at = at->getParentOp();
    before[at].push_back(desc);
  });
  for (auto &[at, descs] : before) {
    OpBuilder b(at);
    Location loc = at->getLoc();
    scf::IfOp::create(b, loc, isThreadZero(b, loc),
                      [&](OpBuilder &ib, Location l) {
                        for (Value desc : descs)
                          nvgpu::TmaPrefetchOp::create(ib, l, desc, Value());
                        scf::YieldOp::create(ib, l);
                      });
  }
}

void configureBarrierTypeConverter(TypeConverter &converter) {
  converter.addConversion([](tile::MbarrierType type) -> Type {
    return barrierMemRefType(type.getContext(), type.getCount());
  });
}

void populateBarrierPatterns(const TypeConverter &converter,
                             RewritePatternSet &patterns) {
  patterns.add<MbarrierAllocLowering, MbarrierWaitLowering,
               MbarrierArriveLowering, TurnLowering<tile::TurnsInitOp>,
               TurnLowering<tile::TurnWaitOp>, TurnLowering<tile::TurnPassOp>>(
      converter, patterns.getContext());
}

} // namespace mlir::tessera::tile_to_target
