//===- TileToTarget.cpp - Tile IR to upstream gpu/scf/memref --------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Inside tessera_target.kernel bodies, Tile IR becomes upstream ops:
// program ids are gpu.block_id, masked loads and stores are memref
// accesses under scf.if, barriers are gpu.barrier; asynchronous copies,
// matrix loads and mma become nvgpu (cp.async, ldmatrix, mma.sync) with
// nvvm's wait_group. Shared-memory buffers
// stay until the kernel becomes a gpu.func (their workgroup attributions).
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/KernelThreads.h"
#include "Tessera/Conversion/Passes.h"
#include "Tessera/Dialect/Schedule/IR/ScheduleAttrs.h"
#include "Tessera/Dialect/Target/IR/TargetOps.h"
#include "Tessera/Dialect/Tile/IR/TileOps.h"
#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::tessera {
#define GEN_PASS_DEF_CONVERTTESSERATILETOTARGET
#include "Tessera/Conversion/Passes.h.inc"
} // namespace mlir::tessera

using namespace mlir;
using namespace mlir::tessera;

Value tile_to_target::maskedLoad(OpBuilder &b, Location loc, Value memref,
                                 ValueRange indices, Value mask, Value other) {
  auto branch = scf::IfOp::create(
      b, loc, mask,
      [&](OpBuilder &tb, Location l) {
        scf::YieldOp::create(
            tb, l, memref::LoadOp::create(tb, l, memref, indices).getResult());
      },
      [&](OpBuilder &eb, Location l) { scf::YieldOp::create(eb, l, other); });
  return branch.getResult(0);
}

void tile_to_target::maskedStore(OpBuilder &b, Location loc, Value value,
                                 Value memref, ValueRange indices, Value mask) {
  scf::IfOp::create(b, loc, mask, [&](OpBuilder &tb, Location l) {
    memref::StoreOp::create(tb, l, value, memref, indices);
    scf::YieldOp::create(tb, l);
  });
}

std::optional<int64_t>
mlir::tessera::getKernelThreads(target::KernelOp kernel) {
  if (auto threads = kernel->getAttrOfType<IntegerAttr>(
          tile_to_target::kBlockThreadsAttrName))
    return threads.getInt();
  if (target::KernelConfigAttr config = kernel.getConfigAttr()) {
    int64_t threads = 1;
    for (int64_t extent : config.getBlock())
      threads *= extent;
    return threads;
  }
  if (auto schedule =
          kernel->getAttrOfType<schedule::ConfigAttr>("tessera.schedule"))
    return schedule.getThreads();
  return std::nullopt;
}

std::optional<int64_t> mlir::tessera::getThreadsRunning(Operation *op) {
  if (std::optional<tile_to_target::WarpGroup> group =
          tile_to_target::getWarpGroup(op))
    return group->threads;
  if (auto kernel = op->getParentOfType<target::KernelOp>())
    return getKernelThreads(kernel);
  return std::nullopt;
}

namespace {
struct ProgramIdLowering : public OpConversionPattern<tile::ProgramIdOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::ProgramIdOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    static constexpr gpu::Dimension dims[] = {
        gpu::Dimension::x, gpu::Dimension::y, gpu::Dimension::z};
    rewriter.replaceOpWithNewOp<gpu::BlockIdOp>(op, dims[op.getAxis()]);
    return success();
  }
};

struct LoadLowering : public OpConversionPattern<tile::LoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::LoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (!adaptor.getMask()) {
      rewriter.replaceOpWithNewOp<memref::LoadOp>(op, adaptor.getBuffer(),
                                                  adaptor.getIndex());
      return success();
    }
    rewriter.replaceOp(op, tile_to_target::maskedLoad(
                               rewriter, loc, adaptor.getBuffer(),
                               adaptor.getIndex(), adaptor.getMask(),
                               adaptor.getOther()));
    return success();
  }
};

struct StoreLowering : public OpConversionPattern<tile::StoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (!adaptor.getMask()) {
      rewriter.replaceOpWithNewOp<memref::StoreOp>(
          op, adaptor.getValue(), adaptor.getBuffer(), adaptor.getIndex());
      return success();
    }
    tile_to_target::maskedStore(rewriter, loc, adaptor.getValue(),
                                adaptor.getBuffer(), adaptor.getIndex(),
                                adaptor.getMask());
    rewriter.eraseOp(op);
    return success();
  }
};

struct BarrierLowering : public OpConversionPattern<tile::BarrierOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::BarrierOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<gpu::BarrierOp>(op);
    return success();
  }
};

struct CopyAsyncLowering : public OpConversionPattern<tile::CopyAsyncOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::CopyAsyncOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    unsigned bits =
        op.getSource().getType().getElementType().getIntOrFloatBitWidth();
    bool whole16 = op.getCount() * bits == 128;
    nvgpu::DeviceAsyncCopyOp::create(
        rewriter, op.getLoc(), adaptor.getDest(), adaptor.getDestIndex(),
        adaptor.getSource(), adaptor.getSourceIndex(),
        rewriter.getIndexAttr(op.getCount()), adaptor.getValid(),
        whole16 ? rewriter.getUnitAttr() : UnitAttr());
    rewriter.eraseOp(op);
    return success();
  }
};

struct AsyncCommitLowering : public OpConversionPattern<tile::AsyncCommitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::AsyncCommitOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // nvvm's commit (nvgpu's create_group without tokens prints IR that
    // does not parse back: its empty operand list swallows the next line).
    rewriter.replaceOpWithNewOp<NVVM::CpAsyncCommitGroupOp>(op);
    return success();
  }
};

/// The wait is by count, not by token: nvvm's cp.async.wait_group.
struct AsyncWaitLowering : public OpConversionPattern<tile::AsyncWaitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::AsyncWaitOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<NVVM::CpAsyncWaitGroupOp>(op, op.getPending());
    return success();
  }
};

struct LoadMatrixLowering : public OpConversionPattern<tile::LoadMatrixOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::LoadMatrixOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    VectorType type = op.getType();
    rewriter.replaceOpWithNewOp<nvgpu::LdMatrixOp>(
        op, type, adaptor.getBuffer(), ValueRange{adaptor.getIndex()},
        op.getTranspose(), type.getDimSize(0));
    return success();
  }
};

struct MmaLowering : public OpConversionPattern<tile::MmaOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tile::MmaOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.getLhs().getType().getElementType().isBF16())
      return lowerBF16(op, adaptor, rewriter);
    rewriter.replaceOpWithNewOp<nvgpu::MmaSyncOp>(
        op, adaptor.getLhs(), adaptor.getRhs(), adaptor.getAcc(),
        ArrayRef<int64_t>{16, 8, 16});
    return success();
  }

  /// nvgpu.mma.sync cannot type bf16 operands (LLVM 22): build nvvm.mma.sync
  /// on the packed registers (pairs of bf16 as i32) with explicit PTX types.
  static LogicalResult lowerBF16(tile::MmaOp op, OpAdaptor adaptor,
                                 ConversionPatternRewriter &rewriter) {
    Location loc = op.getLoc();
    Type i32 = rewriter.getI32Type(), f32 = rewriter.getF32Type();
    auto packed = [&](Value fragment) {
      SmallVector<Value> registers;
      auto type = cast<VectorType>(fragment.getType());
      for (int64_t i = 0; i < type.getDimSize(0); ++i) {
        Value pair = vector::ExtractOp::create(rewriter, loc, fragment,
                                               ArrayRef<int64_t>{i});
        Value word = vector::BitCastOp::create(
            rewriter, loc, VectorType::get({1}, i32), pair);
        registers.push_back(vector::ExtractOp::create(rewriter, loc, word,
                                                      ArrayRef<int64_t>{0}));
      }
      return registers;
    };
    SmallVector<Value> a = packed(adaptor.getLhs()), b = packed(adaptor.getRhs());
    SmallVector<Value> c;
    for (int64_t h = 0; h < 2; ++h)
      for (int64_t e = 0; e < 2; ++e)
        c.push_back(vector::ExtractOp::create(rewriter, loc, adaptor.getAcc(),
                                              ArrayRef<int64_t>{h, e}));
    auto resultType = LLVM::LLVMStructType::getLiteral(
        rewriter.getContext(), {f32, f32, f32, f32});
    Value mma = NVVM::MmaOp::create(
        rewriter, loc, resultType, a, b, c, ArrayRef<int64_t>{16, 8, 16},
        std::nullopt, std::nullopt,
        std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16,
                                      NVVM::MMATypes::bf16},
        std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                       NVVM::MMALayout::col});
    SmallVector<Value> d;
    for (int64_t i = 0; i < 4; ++i)
      d.push_back(LLVM::ExtractValueOp::create(rewriter, loc, mma, i));
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(op, op.getType(), d);
    return success();
  }
};

/// Tile ops no pattern lowers (the block-level ops not implemented yet) are
/// refused by name rather than by the driver's "failed to legalize".
struct NotLoweredYet : public ConversionPattern {
  NotLoweredYet(MLIRContext *ctx)
      : ConversionPattern(MatchAnyOpTypeTag(), /*benefit=*/0, ctx) {}
  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value>,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<tile::TileDialect>(op->getDialect()))
      return rewriter.notifyMatchFailure(op, "not a Tile op");
    return op->emitOpError()
           << "is not lowered to Target IR yet (the block-level ops lowered "
              "are load_tile, store_tile, gather, map, reduce, broadcast, "
              "range, convert_layout, local_alloc, slot, trans, local_load, "
              "local_store, box_copy, wait, mbarrier_alloc, mbarrier_wait, "
              "mbarrier_arrive, dot and warp_specialize)";
  }
};

struct ConvertTileToTargetPass
    : public tessera::impl::ConvertTesseraTileToTargetBase<ConvertTileToTargetPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    populateTesseraTileToTargetConversionPatterns(patterns);
    ConversionTarget target(*ctx);
    // Register tiles: each thread's elements, as scalars.
    TypeConverter tiles;
    tile_to_target::configureDistributionTypeConverter(tiles);
    tile_to_target::configureSharedMemoryTypeConverter(tiles);
    tile_to_target::populateDistributionPatterns(tiles, patterns, target);
    tile_to_target::configureBarrierTypeConverter(tiles);
    tile_to_target::populateSharedMemoryPatterns(tiles, patterns);
    tile_to_target::populateBarrierPatterns(tiles, patterns);
    tile_to_target::populateDotPatterns(tiles, patterns);
    patterns.add<NotLoweredYet>(ctx);
    target.addLegalDialect<gpu::GPUDialect, memref::MemRefDialect,
                           scf::SCFDialect, nvgpu::NVGPUDialect,
                           NVVM::NVVMDialect, LLVM::LLVMDialect,
                           vector::VectorDialect, amdgpu::AMDGPUDialect>();
    target.addIllegalDialect<tile::TileDialect>();
    // Shared buffers become workgroup attributions with the gpu.func.
    target.addLegalOp<tile::AllocSharedOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *op) {
      return !tile_to_target::hasDistributedTiles(op);
    });
    target.addIllegalOp<tile::ProgramIdOp, tile::LoadOp, tile::StoreOp,
                        tile::BarrierOp, tile::CopyAsyncOp,
                        tile::AsyncCommitOp, tile::AsyncWaitOp,
                        tile::LoadMatrixOp, tile::MmaOp>();
    FrozenRewritePatternSet frozen(std::move(patterns));
    // A pattern that refuses an op says why; the driver's generic "failed to
    // legalize" that follows would only repeat it.
    bool explained = false;
    // Likewise the catch-all NotLoweredYet after an op's own pattern has
    // refused it.
    DenseSet<Location> refused;
    ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &diag) {
      if (diag.getSeverity() != DiagnosticSeverity::Error)
        return failure();
      std::string text = diag.str();
      if (explained && StringRef(text).starts_with("failed to legalize"))
        return success();
      if (StringRef(text).contains("is not lowered to Target IR yet") &&
          refused.contains(diag.getLocation()))
        return success();
      refused.insert(diag.getLocation());
      explained = true;
      return failure();
    });
    for (auto kernel : getOperation().getOps<target::KernelOp>()) {
      // Warp groups first: the ops in their regions then lower for the
      // group's warps, and the group's threads are renumbered after.
      if (failed(tile_to_target::lowerWarpSpecialize(kernel)))
        return signalPassFailure();
      tile_to_target::prepareDescriptorCopies(kernel);
      if (failed(applyPartialConversion(kernel, target, frozen)) ||
          failed(tile_to_target::finishWarpGroups(kernel)))
        return signalPassFailure();
    }
  }
};
} // namespace

void mlir::tessera::populateTesseraTileToTargetConversionPatterns(
    RewritePatternSet &patterns) {
  patterns.add<ProgramIdLowering, LoadLowering, StoreLowering,
               BarrierLowering, CopyAsyncLowering, AsyncCommitLowering,
               AsyncWaitLowering, LoadMatrixLowering, MmaLowering>(
      patterns.getContext());
}
