//===- TargetToGPU.cpp - Target IR kernels to gpu.module/gpu.func ---------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Moves every tessera_target.kernel into one `gpu.module @tessera_kernels`
// as a `gpu.func ... kernel` with its known block size; shared-memory
// buffers (tessera_tile.alloc_shared) become views of the dynamic shared
// memory, whose size the kernel's launches then carry, and
// block-wide reductions (gpu.all_reduce) are expanded into shuffles and
// shared memory. Host functions keep their tessera_target.launch ops, which
// name the gpu.func; the launch plan is read from them.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Conversion/KernelThreads.h"
#include "Tessera/Conversion/Passes.h"
#include "Tessera/Dialect/Target/IR/TargetAttrs.h"
#include "Tessera/Dialect/Target/IR/TargetOps.h"
#include "Tessera/Dialect/Tile/IR/TileOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tessera {
#define GEN_PASS_DEF_CONVERTTESSERATARGETTOGPU
#include "Tessera/Conversion/Passes.h.inc"
} // namespace mlir::tessera

using namespace mlir;
using namespace mlir::tessera;

/// Replaces the kernel's shared buffers (tessera_tile.alloc_shared) by
/// views of its dynamic shared memory: those with an offset (placed by
/// tessera-tile-allocate-shared) there, the others 16-byte aligned after the
/// highest placed one. Returns the total size in bytes (0 without shared
/// buffers).
static int64_t carveDynamicShared(gpu::GPUFuncOp func) {
  SmallVector<tile::AllocSharedOp> buffers;
  func.walk([&](tile::AllocSharedOp op) { buffers.push_back(op); });
  if (buffers.empty())
    return 0;
  MLIRContext *ctx = func.getContext();
  OpBuilder b = OpBuilder::atBlockBegin(&func.getBody().front());
  Location loc = func.getLoc();
  auto workgroup =
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  auto bytesType = MemRefType::get({ShapedType::kDynamic},
                                   IntegerType::get(ctx, 8), nullptr,
                                   workgroup);
  Value base = gpu::DynamicSharedMemoryOp::create(b, loc, bytesType);
  // Buffers that need more than the window's 16-byte alignment (swizzled
  // ones): the window is viewed from its first address so aligned, within
  // the slack the allocator counted.
  int64_t align = 16;
  for (tile::AllocSharedOp buffer : buffers)
    align = std::max<int64_t>(align, buffer.getAlign().value_or(16));
  Value shift;
  if (align > 16) {
    Value alignment = arith::ConstantIndexOp::create(b, loc, align);
    Value address = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, base);
    shift = arith::RemUIOp::create(
        b, loc,
        arith::SubIOp::create(
            b, loc, alignment,
            arith::RemUIOp::create(b, loc, address, alignment)),
        alignment);
  }
  auto sizeOf = [](tile::AllocSharedOp buffer) {
    MemRefType type = buffer.getType();
    return type.getNumElements() *
           static_cast<int64_t>(
               llvm::divideCeil(type.getElementTypeBitWidth(), 8));
  };
  int64_t offset = 0;
  for (tile::AllocSharedOp buffer : buffers)
    if (std::optional<uint64_t> placed = buffer.getOffset())
      offset = std::max<int64_t>(
          offset, llvm::alignTo(*placed + sizeOf(buffer), 16));
  for (tile::AllocSharedOp buffer : buffers) {
    std::optional<uint64_t> placed = buffer.getOffset();
    Value at = arith::ConstantIndexOp::create(b, loc, placed ? *placed
                                                             : offset);
    if (shift)
      at = arith::AddIOp::create(b, loc, at, shift);
    Value view = memref::ViewOp::create(b, buffer.getLoc(), buffer.getType(),
                                        base, at, ValueRange());
    buffer.replaceAllUsesWith(view);
    if (!placed)
      offset += llvm::alignTo(sizeOf(buffer), 16);
  }
  // Erased last: `b` inserts before the block's first op, which may be one.
  for (tile::AllocSharedOp buffer : buffers)
    buffer.erase();
  return offset + (align - 16);
}

/// ptx_instr as LLVM inline assembly: the result (if not tied to an
/// operand) is $0, operands follow in order; a '+' operand is tied to the
/// result. Marked `tessera.ptx` so that non-NVIDIA targets can refuse it.
static void lowerPtxInstr(target::PtxInstrOp op) {
  OpBuilder b(op);
  Value result = op.getResult();
  SmallVector<std::string> constraints, refs;
  int64_t tied = -1;
  for (unsigned i = 0; i < op.getArgs().size(); ++i)
    if (op.getConstraint(i).second)
      tied = i;
  if (result && tied >= 0) {
    constraints.push_back("=" + op.getConstraint(tied).first);
  } else if (result) {
    // An untied result is the destination, written first; its class
    // follows its type.
    Type type = result.getType();
    std::string cls = type.isF32()   ? "f"
                      : type.isF64() ? "d"
                      : (type.isInteger(16) || type.isF16() || type.isBF16())
                          ? "h"
                      : type.isInteger(32) ? "r"
                                           : "l";
    constraints.push_back("=" + cls);
    refs.push_back("$0");
  }
  unsigned next = result ? 1 : 0;
  for (unsigned i = 0; i < op.getArgs().size(); ++i) {
    auto [cls, isTied] = op.getConstraint(i);
    constraints.push_back(isTied ? "0" : cls);
    refs.push_back(isTied ? "$0" : "$" + std::to_string(next));
    ++next;
  }
  std::string text = op.getOpcode().str();
  if (!refs.empty())
    text += " " + llvm::join(refs, ", ");
  text += ";";
  auto asmOp = LLVM::InlineAsmOp::create(
      b, op.getLoc(), result ? TypeRange{result.getType()} : TypeRange{},
      op.getArgs(), text, llvm::join(constraints, ","),
      /*has_side_effects=*/true, /*is_align_stack=*/false,
      LLVM::tailcallkind::TailCallKind::None,
      LLVM::AsmDialectAttr::get(b.getContext(), LLVM::AsmDialect::AD_ATT),
      /*operand_attrs=*/ArrayAttr());
  asmOp->setAttr("tessera.ptx", b.getStringAttr(op.getOpcode()));
  if (result)
    result.replaceAllUsesWith(asmOp.getResult(0));
  op.erase();
}

/// One wgmma (`tensor_core "wgmma"` on two shared-memory matrix descriptors
/// and the warpgroup's f32 accumulator fragment, N / 2 floats per thread) as
/// NVVM's wgmma.mma_async between a fence and a wait for its group: the op
/// is a value, so the instruction completes before its result is used.
/// Layouts name A then B, "n" for the instruction's native K-major form:
/// "nt" is A row-major and B column-major; a "t" for A or an "n" for B
/// transposes that operand, which wgmma does for f16/bf16 only.
static LogicalResult lowerWgmma(target::TensorCoreOp mma) {
  MLIRContext *ctx = mma.getContext();
  ArrayRef<int64_t> shape = mma.getShape();
  int64_t n = shape[1];
  StringRef precision = mma.getPrecision().value_or("");
  auto acc = mma.getArgs().size() == 3
                 ? dyn_cast<VectorType>(mma.getArgs()[2].getType())
                 : VectorType();
  if (!acc || acc.getRank() != 1 || acc.getNumElements() != n / 2 ||
      !acc.getElementType().isF32() || mma.getResult().getType() != acc ||
      !mma.getArgs()[0].getType().isInteger(64) ||
      !mma.getArgs()[1].getType().isInteger(64))
    return mma.emitOpError()
           << "of kind 'wgmma' lowers on (i64 descriptor of A, i64 descriptor "
              "of B, vector<"
           << n / 2 << "xf32> accumulator) -> vector<" << n / 2
           << "xf32>: each thread of the warpgroup holds N / 2 floats";
  std::optional<NVVM::WGMMATypes> type = NVVM::symbolizeWGMMATypes(precision);
  if (!type || precision == "s8")
    return mma.emitOpError() << "of kind 'wgmma' with " << precision
                             << " operands is not lowered yet (f16, bf16, "
                                "tf32, e4m3 and e5m2 are)";
  StringRef layout = mma.getLayout();
  bool transposeA = layout[0] == 't', transposeB = layout[1] == 'n';
  if ((transposeA || transposeB) && precision != "f16" && precision != "bf16")
    return mma.emitOpError() << "of kind 'wgmma' with " << precision
                             << " operands has only layout \"nt\" (wgmma "
                                "transposes f16 and bf16 operands only)";
  OpBuilder b(mma);
  Location loc = mma.getLoc();
  Type f32 = b.getF32Type();
  auto fragment =
      LLVM::LLVMStructType::getLiteral(ctx, SmallVector<Type>(n / 2, f32));
  Value in = LLVM::PoisonOp::create(b, loc, fragment);
  for (int64_t i = 0; i < n / 2; ++i)
    in = LLVM::InsertValueOp::create(
        b, loc, in,
        vector::ExtractOp::create(b, loc, mma.getArgs()[2],
                                  ArrayRef<int64_t>{i}),
        ArrayRef<int64_t>{i});
  // This thread's shared-memory writes, ordered for wgmma's async proxy.
  NVVM::FenceProxyOp::create(
      b, loc, NVVM::ProxyKindAttr::get(ctx, NVVM::ProxyKind::async_shared),
      NVVM::SharedSpaceAttr::get(ctx, NVVM::SharedSpace::shared_cta));
  NVVM::WgmmaFenceAlignedOp::create(b, loc);
  auto layoutOf = [&](bool rowMajor) {
    return NVVM::MMALayoutAttr::get(ctx, rowMajor ? NVVM::MMALayout::row
                                                  : NVVM::MMALayout::col);
  };
  auto typeAttr = NVVM::WGMMATypesAttr::get(ctx, *type);
  Value out = NVVM::WgmmaMmaAsyncOp::create(
      b, loc, fragment, in, mma.getArgs()[0], mma.getArgs()[1],
      NVVM::MMAShapeAttr::get(ctx, shape[0], shape[1], shape[2]), typeAttr,
      typeAttr, NVVM::WGMMATypesAttr::get(ctx, NVVM::WGMMATypes::f32),
      NVVM::WGMMAScaleOutAttr::get(ctx, NVVM::WGMMAScaleOut::one),
      NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one),
      NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one),
      layoutOf(!transposeA), layoutOf(transposeB),
      /*satfinite=*/NVVM::MMAIntOverflowAttr());
  NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
  Value result = arith::ConstantOp::create(
      b, loc, acc, DenseElementsAttr::get(acc, b.getF32FloatAttr(0.0f)));
  for (int64_t i = 0; i < n / 2; ++i)
    result = vector::InsertOp::create(
        b, loc, LLVM::ExtractValueOp::create(b, loc, out, ArrayRef<int64_t>{i}),
        result, ArrayRef<int64_t>{i});
  mma.getResult().replaceAllUsesWith(result);
  mma.erase();
  return success();
}

/// A copy inside a kernel (`global_to_shared` or `device_to_device`): the
/// block's `threads` threads copy it together, thread t the bytes (or, for
/// memrefs, the elements) t, t + threads, ...; then a barrier, unless the
/// copy is `async` (the kernel then orders it itself, with
/// tessera_tile.barrier). Host memory is out of a kernel's reach.
static LogicalResult lowerMemcpy(target::MemcpyOp op, int64_t threads,
                                 bool asyncProxyReads) {
  StringRef kind = op.getKind();
  if (kind == "host_to_device" || kind == "device_to_host")
    return op.emitOpError()
           << "of kind '" << kind
           << "' copies host memory, which a kernel cannot reach (the "
              "runtime moves host data; in a kernel copy global_to_shared or "
              "device_to_device)";
  Value dest = op.getDest(), src = op.getSrc();
  auto destMemRef = dyn_cast<MemRefType>(dest.getType());
  auto srcMemRef = dyn_cast<MemRefType>(src.getType());
  if (static_cast<bool>(destMemRef) != static_cast<bool>(srcMemRef) ||
      (destMemRef && (destMemRef.getRank() != 1 || srcMemRef.getRank() != 1 ||
                      !destMemRef.getLayout().isIdentity() ||
                      !srcMemRef.getLayout().isIdentity())))
    return op.emitOpError()
           << "copies between two !llvm.ptr values or two 1-d identity "
              "memrefs in a kernel, got "
           << dest.getType() << " and " << src.getType();
  OpBuilder b(op);
  Location loc = op.getLoc();
  Type index = b.getIndexType();
  Value size = op.getSize();
  if (!size.getType().isIndex())
    size = arith::IndexCastUIOp::create(b, loc, index, size);
  int64_t unit = 1;
  if (destMemRef)
    unit = llvm::divideCeil(destMemRef.getElementTypeBitWidth(), 8);
  Value count = arith::DivUIOp::create(
      b, loc, size, arith::ConstantIndexOp::create(b, loc, unit));
  // The linear thread index of a (possibly 2-d or 3-d) block.
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value dimX = gpu::BlockDimOp::create(b, loc, gpu::Dimension::x);
  Value dimY = gpu::BlockDimOp::create(b, loc, gpu::Dimension::y);
  tid = arith::AddIOp::create(
      b, loc, tid,
      arith::MulIOp::create(
          b, loc, dimX,
          arith::AddIOp::create(
              b, loc, gpu::ThreadIdOp::create(b, loc, gpu::Dimension::y),
              arith::MulIOp::create(
                  b, loc, dimY,
                  gpu::ThreadIdOp::create(b, loc, gpu::Dimension::z)))));
  scf::ForOp::create(
      b, loc, tid, count, arith::ConstantIndexOp::create(b, loc, threads),
      ValueRange(), [&](OpBuilder &lb, Location l, Value i, ValueRange) {
        if (destMemRef) {
          Value x = memref::LoadOp::create(lb, l, src, i);
          memref::StoreOp::create(lb, l, x, dest, i);
        } else {
          Type i8 = lb.getI8Type();
          Value offset = arith::IndexCastOp::create(lb, l, lb.getI64Type(), i);
          auto at = [&](Value base) {
            return LLVM::GEPOp::create(lb, l, base.getType(), i8, base,
                                       ValueRange{offset});
          };
          Value x = LLVM::LoadOp::create(lb, l, i8, at(src));
          LLVM::StoreOp::create(lb, l, x, at(dest));
        }
        scf::YieldOp::create(lb, l);
      });
  // In a kernel whose shared memory the async proxy also reads (wgmma),
  // each thread orders its ordinary stores for it.
  auto space = destMemRef
                   ? dyn_cast_or_null<gpu::AddressSpaceAttr>(
                         destMemRef.getMemorySpace())
                   : gpu::AddressSpaceAttr();
  auto pointer = dyn_cast<LLVM::LLVMPointerType>(dest.getType());
  if (asyncProxyReads &&
      ((space && space.getValue() == gpu::AddressSpace::Workgroup) ||
       (pointer && pointer.getAddressSpace() == 3)))
    NVVM::FenceProxyOp::create(
        b, loc,
        NVVM::ProxyKindAttr::get(b.getContext(), NVVM::ProxyKind::async_shared),
        NVVM::SharedSpaceAttr::get(b.getContext(),
                                   NVVM::SharedSpace::shared_cta));
  if (!op.getAsync())
    gpu::BarrierOp::create(b, loc);
  op.erase();
  return success();
}

/// Lowers the raw Target IR instructions of a kernel; fails on those with
/// no lowering yet.
static LogicalResult lowerTargetInstructions(gpu::GPUFuncOp func,
                                             int64_t threads) {
  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) {
    if (isa<target::PtxInstrOp, target::TensorCoreOp, target::MemcpyOp>(op))
      ops.push_back(op);
  });
  bool asyncProxyReads = llvm::any_of(ops, [](Operation *op) {
    auto mma = dyn_cast<target::TensorCoreOp>(op);
    return mma && mma.getKind() == "wgmma";
  });
  for (Operation *op : ops) {
    if (auto ptx = dyn_cast<target::PtxInstrOp>(op)) {
      lowerPtxInstr(ptx);
      continue;
    }
    if (auto mma = dyn_cast<target::TensorCoreOp>(op)) {
      bool fragments = mma.getArgs().size() == 3 &&
                       llvm::all_of(mma.getArgs().getTypes(),
                                    [](Type t) { return isa<VectorType>(t); });
      if (mma.getKind() == "mma_sync" && fragments) {
        OpBuilder b(mma);
        Value d = nvgpu::MmaSyncOp::create(
            b, mma.getLoc(), mma.getArgs()[0], mma.getArgs()[1],
            mma.getArgs()[2], mma.getShape(), mma.getPrecision().value_or("") == "tf32");
        mma.getResult().replaceAllUsesWith(d);
        mma.erase();
        continue;
      }
      if (mma.getKind() == "wgmma") {
        if (failed(lowerWgmma(mma)))
          return failure();
        continue;
      }
      return mma.emitOpError()
             << "of kind '" << mma.getKind()
             << "' is not lowered yet: mma_sync on register fragments "
                "(vectors) and wgmma on descriptors are; matrix-core kernels "
                "come from Tile IR (amdgpu.mfma under a 'mma = mfma' "
                "schedule)";
    }
    if (failed(lowerMemcpy(cast<target::MemcpyOp>(op), threads,
                           asyncProxyReads)))
      return failure();
  }
  return success();
}

namespace {
/// f64 math the vendor's library computes (see the pass): the
/// transcendentals upstream would expand in terms of exp and log.
static bool isLibraryMath(Operation *op) {
  return isa<math::SinhOp, math::CoshOp, math::TanOp, math::AsinhOp,
             math::AcoshOp, math::AtanhOp, math::PowFOp>(op) &&
         getElementTypeOrSelf(op->getResult(0).getType()).isF64();
}

/// f64 tanh(x) = copysign(t / (t + 2), x) with t = expm1(2 min(|x|, 20)):
/// expm1 from the vendor's library keeps the digits near 0 that
/// 1 - 2 / (exp(2x) + 1) loses, and past 20 the quotient rounds to 1. (The
/// ROCDL conversion has no f64 tanh: LLVM's AMDGPU backend aborts on it.)
struct ExpandTanhF64 : public OpRewritePattern<math::TanhOp> {
  ExpandTanhF64(MLIRContext *ctx)
      : OpRewritePattern(ctx, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(math::TanhOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!type.isF64())
      return rewriter.notifyMatchFailure(op, "only scalar f64");
    Location loc = op.getLoc();
    auto constant = [&](double value) {
      return arith::ConstantOp::create(rewriter, loc, type,
                                       rewriter.getF64FloatAttr(value));
    };
    Value x = op.getOperand();
    Value magnitude = arith::MinimumFOp::create(
        rewriter, loc, math::AbsFOp::create(rewriter, loc, x), constant(20.0));
    Value t = math::ExpM1Op::create(
        rewriter, loc, arith::MulFOp::create(rewriter, loc, magnitude,
                                             constant(2.0)));
    Value quotient = arith::DivFOp::create(
        rewriter, loc, t, arith::AddFOp::create(rewriter, loc, t, constant(2.0)));
    rewriter.replaceOpWithNewOp<math::CopySignOp>(op, quotient, x);
    return success();
  }
};

/// |x| of integers narrower than 32 bits as a select (NVVM's conversion
/// leaves their math.absi unconverted); -x of the most negative value wraps
/// to itself, as llvm.abs does.
struct ExpandNarrowAbsI : public OpRewritePattern<math::AbsIOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::AbsIOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<IntegerType>(op.getType());
    if (!type || type.getWidth() >= 32)
      return rewriter.notifyMatchFailure(op, "only scalar narrow integers");
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Value zero = arith::ConstantIntOp::create(rewriter, loc, type, 0);
    Value negative = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::slt, x, zero);
    rewriter.replaceOpWithNewOp<arith::SelectOp>(
        op, negative, arith::SubIOp::create(rewriter, loc, zero, x), x);
    return success();
  }
};

/// x^n of integers by squaring (the wrapping products, in any order, give
/// the same bits), with the CPU path's answers for n < 0 (its
/// convert-math-to-funcs): 1 for x = 1 and x = 0, +-1 for x = -1, else 0.
struct ExpandIPowI : public OpRewritePattern<math::IPowIOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::IPowIOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<IntegerType>(op.getType());
    if (!type)
      return rewriter.notifyMatchFailure(op, "only scalar integers");
    Location loc = op.getLoc();
    auto c = [&](int64_t v) {
      return arith::ConstantIntOp::create(rewriter, loc, type, v).getResult();
    };
    auto cmp = [&](arith::CmpIPredicate predicate, Value a, Value b) {
      return arith::CmpIOp::create(rewriter, loc, predicate, a, b).getResult();
    };
    Value x = op.getLhs(), n = op.getRhs();
    Value exponent = arith::MaxSIOp::create(rewriter, loc, n, c(0));
    SmallVector<Type> types(3, type);
    auto loop = scf::WhileOp::create(
        rewriter, loc, types, ValueRange{c(1), x, exponent},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value more = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne,
                                             args[2],
                                             arith::ConstantIntOp::create(
                                                 b, l, type, 0));
          scf::ConditionOp::create(b, l, more, args);
        },
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value one = arith::ConstantIntOp::create(b, l, type, 1);
          Value odd = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::ne,
              arith::AndIOp::create(b, l, args[2], one),
              arith::ConstantIntOp::create(b, l, type, 0));
          Value result = arith::SelectOp::create(
              b, l, odd, arith::MulIOp::create(b, l, args[0], args[1]),
              args[0]);
          Value base = arith::MulIOp::create(b, l, args[1], args[1]);
          Value rest = arith::ShRUIOp::create(b, l, args[2], one);
          scf::YieldOp::create(b, l, ValueRange{result, base, rest});
        });
    Value oddExponent =
        cmp(arith::CmpIPredicate::ne, arith::AndIOp::create(rewriter, loc, n, c(1)),
            c(0));
    Value unit = arith::OrIOp::create(rewriter, loc,
                                      cmp(arith::CmpIPredicate::eq, x, c(1)),
                                      cmp(arith::CmpIPredicate::eq, x, c(0)));
    Value negativePower = arith::SelectOp::create(
        rewriter, loc, cmp(arith::CmpIPredicate::eq, x, c(-1)),
        arith::SelectOp::create(rewriter, loc, oddExponent, c(-1), c(1)),
        arith::SelectOp::create(rewriter, loc, unit, c(1), c(0)));
    rewriter.replaceOpWithNewOp<arith::SelectOp>(
        op, cmp(arith::CmpIPredicate::slt, n, c(0)), negativePower,
        loop.getResult(0));
    return success();
  }
};

/// rsqrt(x) = 1 / sqrt(x): NVVM would otherwise call libdevice.
struct ExpandRsqrt : public OpRewritePattern<math::RsqrtOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::RsqrtOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    Value one = arith::ConstantOp::create(rewriter, op.getLoc(), type,
                                          rewriter.getFloatAttr(type, 1.0));
    Value root = math::SqrtOp::create(rewriter, op.getLoc(), op.getOperand());
    rewriter.replaceOpWithNewOp<arith::DivFOp>(op, one, root);
    return success();
  }
};

/// floor(x) through an integer round trip: t = trunc(x), minus one where
/// that rounded up; |x| >= 2^23 (and NaN, inf) is integral already. The
/// NVVM conversion would call libdevice's floorf.
struct ExpandFloor : public OpRewritePattern<math::FloorOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::FloorOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<FloatType>(op.getType());
    if (!type || !type.isF32())
      return rewriter.notifyMatchFailure(op, "only f32 is expanded");
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Type i32 = rewriter.getI32Type();
    Value truncated = arith::SIToFPOp::create(
        rewriter, loc, type, arith::FPToSIOp::create(rewriter, loc, i32, x));
    Value roundedUp = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::OGT, truncated, x);
    Value one = arith::ConstantOp::create(rewriter, loc, type,
                                          rewriter.getFloatAttr(type, 1.0));
    Value floor = arith::SelectOp::create(
        rewriter, loc, roundedUp,
        arith::SubFOp::create(rewriter, loc, truncated, one), truncated);
    Value small = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::OLT,
        math::AbsFOp::create(rewriter, loc, x),
        arith::ConstantOp::create(rewriter, loc, type,
                                  rewriter.getFloatAttr(type, 8388608.0)));
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, small, floor, x);
    return success();
  }
};

/// f32 erf without a division: erf(x) = x * P(x^2) for |x| < 0.921875,
/// else sign(x) * (1 - 2^Q(min(|x|, 4))) with Q(t) ~ log2(erfc(t)), both
/// minimax fits (scripts/fit_erf.py; at most 2.5 ulp from erf in f32 on
/// a grid of 4M points, with exp2 exact; the hardware's exp2 adds up to
/// about 0.7 ulp of erf where the tail branch starts). Upstream's rational
/// approximation costs a division (div.rn.f32: a reciprocal, its
/// refinement and a slow path) and 19 selects of coefficients per element,
/// which made the erf the bulk of a fused gelu epilogue. 2^Q is
/// `math.exp2 {afn}` (the hardware's exp2 where tessera-target-lower-exp
/// lowers it): erfc(4) rounds 1 - erfc to 1, so larger |x| clamp to 4,
/// and NaN stays NaN on either side.
struct ApproximateErf : public OpRewritePattern<math::ErfOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::ErfOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!getElementTypeOrSelf(type).isF32())
      return rewriter.notifyMatchFailure(op, "only f32 (narrower floats "
                                             "extend to it first)");
    Location loc = op.getLoc();
    auto constant = [&](double v) -> Value {
      Attribute value = rewriter.getF32FloatAttr(static_cast<float>(v));
      if (auto shaped = dyn_cast<ShapedType>(type))
        value = SplatElementsAttr::get(shaped, value);
      return arith::ConstantOp::create(rewriter, loc, type,
                                       cast<TypedAttr>(value));
    };
    auto horner = [&](ArrayRef<double> coefficients, Value x) {
      Value r = constant(coefficients.back());
      for (double c : llvm::reverse(coefficients.drop_back()))
        r = math::FmaOp::create(rewriter, loc, r, x, constant(c));
      return r;
    };
    static constexpr double kSmall[] = {
        1.1283791065216064,    -0.37612494826316833, 0.1128181591629982,
        -0.026766614988446236, 0.004993179347366095, -0.0005990851204842329};
    static constexpr double kLarge[] = {
        0.00042454159120097756, -1.6304351091384888,
        -0.911776602268219,     -0.1585884690284729,
        0.03799412399530411,    -0.006824343930929899,
        0.0008522197022102773,  -6.543256313307211e-05,
        2.311891194040072e-06};
    Value x = op.getOperand();
    Value t = math::AbsFOp::create(rewriter, loc, x);
    Value small = arith::MulFOp::create(
        rewriter, loc, x,
        horner(kSmall, arith::MulFOp::create(rewriter, loc, x, x)));
    Value clamped = arith::MinimumFOp::create(rewriter, loc, t, constant(4.0));
    Value tail = math::Exp2Op::create(rewriter, loc, horner(kLarge, clamped),
                                      arith::FastMathFlags::afn);
    Value large = math::CopySignOp::create(
        rewriter, loc, arith::SubFOp::create(rewriter, loc, constant(1.0), tail),
        x);
    Value inSmall = arith::CmpFOp::create(rewriter, loc,
                                          arith::CmpFPredicate::OLT, t,
                                          constant(0.921875));
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, inSmall, small, large);
    return success();
  }
};

struct ConvertTargetToGPUPass
    : public tessera::impl::ConvertTesseraTargetToGPUBase<ConvertTargetToGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<target::KernelOp> kernels(module.getOps<target::KernelOp>());
    if (kernels.empty())
      return;
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    UnitAttr::get(ctx));
    OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
    auto gpuModule = gpu::GPUModuleOp::create(mb, module.getLoc(),
                                              kernelModuleName);
    OpBuilder gb = OpBuilder::atBlockBegin(gpuModule.getBody());

    for (target::KernelOp kernel : kernels) {
      if (kernel.isExternal()) {
        kernel.emitOpError() << "has no body to compile";
        return signalPassFailure();
      }
      std::optional<int64_t> threads = getKernelThreads(kernel);
      if (!threads) {
        kernel.emitOpError()
            << "has neither a launch config nor a schedule: its block size "
               "is unknown";
        return signalPassFailure();
      }
      // TMA tensor maps arrive by value: the runtime's encoded CUtensorMap
      // (128 bytes, 64-byte aligned) is the parameter itself, a
      // `__grid_constant__` (byval, nvvm.grid_constant) that the copies read
      // through its generic address: no device copy before the launch, so
      // launches can be captured in CUDA graphs. The body sees it typed
      // again.
      SmallVector<Type> paramTypes;
      for (Type type : kernel.getArgumentTypes())
        paramTypes.push_back(isa<nvgpu::TensorMapDescriptorType>(type)
                                 ? LLVM::LLVMPointerType::get(ctx)
                                 : type);
      auto func = gpu::GPUFuncOp::create(
          gb, kernel.getLoc(), kernel.getSymName(),
          FunctionType::get(ctx, paramTypes, {}));
      // (tessera-target-bare-ptr makes them byval grid constants once the
      // kernel is an llvm.func, where NVVM accepts the attribute.)
      SmallVector<int64_t> tensorMapParams;
      for (auto [i, type] : llvm::enumerate(kernel.getArgumentTypes()))
        if (isa<nvgpu::TensorMapDescriptorType>(type))
          tensorMapParams.push_back(i);
      func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                    UnitAttr::get(ctx));
      func.setKnownBlockSizeAttr(DenseI32ArrayAttr::get(
          ctx, {static_cast<int32_t>(*threads), 1, 1}));
      // The register cap per thread (the launch config's, else the one the
      // warp-specialize lowering set), in the vendor's spelling (the chip's
      // target info).
      int64_t regs = 0;
      if (target::KernelConfigAttr config = kernel.getConfigAttr())
        regs = config.getRegs();
      if (auto capped = kernel->getAttrOfType<IntegerAttr>(
              "tessera.max_registers"); capped && regs == 0)
        regs = capped.getInt();
      if (regs != 0) {
        target::ChipAttr chip = target::ChipAttr::lookup(module);
        if (!chip) {
          kernel.emitOpError()
              << "caps registers (regs = " << regs
              << "), which needs the module's #tessera_target.chip "
                 "(tessera-target-set-chip): the cap is spelled per vendor";
          return signalPassFailure();
        }
        StringRef cap = chip.getInfo().getRegisterCapAttrName();
        if (cap.empty()) {
          kernel.emitOpError()
              << "caps registers (regs = " << regs
              << "), which Tessera does not implement for "
              << chip.getInfo().getVendorName() << " chips (" << chip.getName()
              << ") yet";
          return signalPassFailure();
        }
        func->setAttr(cap, IntegerAttr::get(IntegerType::get(ctx, 32), regs));
      }
      // Blocks launched in clusters of `tessera.cluster` along x (the
      // shape fixed in the kernel: a plain launch of it forms them).
      if (auto cluster =
              kernel->getAttrOfType<IntegerAttr>("tessera.cluster")) {
        target::ChipAttr chip = target::ChipAttr::lookup(module);
        int64_t blocks = cluster.getInt();
        if (!chip) {
          kernel.emitOpError()
              << "launches its blocks in clusters of " << blocks
              << ", which needs the module's #tessera_target.chip "
                 "(tessera-target-set-chip)";
          return signalPassFailure();
        }
        const target::TargetInfo &info = chip.getInfo();
        if (blocks < 1 || blocks > info.getMaxClusterBlocks()) {
          InFlightDiagnostic diag = kernel.emitOpError()
                                    << "launches its blocks in clusters of "
                                    << blocks << ", but ";
          if (info.getMaxClusterBlocks() == 0)
            diag << info.getVendorName() << " " << chip.getName()
                 << " has no clusters (NVIDIA sm_90 and later)";
          else
            diag << chip.getName() << " clusters hold 1 to "
                 << info.getMaxClusterBlocks() << " blocks";
          return signalPassFailure();
        }
        func->setAttr(info.getClusterShapeAttrName(),
                      DenseI32ArrayAttr::get(
                          ctx, {static_cast<int32_t>(blocks), 1, 1}));
      }
      // Flat buffer parameters can be passed as bare pointers once the
      // kernel is in the LLVM dialect (tessera-target-bare-ptr).
      SmallVector<int64_t> memrefParams;
      bool allFlat = true;
      for (auto [i, type] : llvm::enumerate(kernel.getArgumentTypes())) {
        auto memref = dyn_cast<MemRefType>(type);
        if (!memref)
          continue;
        allFlat &= memref.getRank() == 1 && memref.getLayout().isIdentity() &&
                   !memref.getMemorySpace();
        memrefParams.push_back(i);
      }
      if (allFlat && !memrefParams.empty())
        func->setAttr("tessera.memref_params",
                      DenseI64ArrayAttr::get(ctx, memrefParams));
      if (!tensorMapParams.empty()) {
        if (!allFlat || memrefParams.empty()) {
          kernel.emitOpError()
              << "takes tensor maps, which are passed by value in kernels "
                 "whose buffers are flat memrefs (bare pointers) only";
          return signalPassFailure();
        }
        func->setAttr("tessera.tensor_map_params",
                      DenseI64ArrayAttr::get(ctx, tensorMapParams));
      }
      Block &from = kernel.getBody().front();
      Block &to = func.getBody().front();
      OpBuilder cb = OpBuilder::atBlockBegin(&to);
      for (auto [oldArg, newArg] :
           llvm::zip(from.getArguments(), to.getArguments())) {
        Value replacement = newArg;
        if (oldArg.getType() != newArg.getType())
          replacement = UnrealizedConversionCastOp::create(
                            cb, oldArg.getLoc(), oldArg.getType(), newArg)
                            .getResult(0);
        oldArg.replaceAllUsesWith(replacement);
      }
      to.getOperations().splice(to.end(), from.getOperations());
      auto ret = cast<target::ReturnOp>(to.getTerminator());
      OpBuilder rb(ret);
      gpu::ReturnOp::create(rb, ret.getLoc());
      ret.erase();
      if (failed(lowerTargetInstructions(func, *threads)))
        return signalPassFailure();
      int64_t sharedBytes = carveDynamicShared(func);
      if (sharedBytes > 0)
        module.walk([&](target::LaunchOp launch) {
          if (launch.getKernel() == func.getName())
            launch.setShared(sharedBytes);
        });
      kernel.erase();
    }

    // gpu.all_reduce to shuffles and workgroup memory (in the gpu.funcs);
    // f32 (and narrower) transcendental math to polynomials, so that such
    // kernels need no device math library (libdevice, ocml) at link time.
    // f64 transcendentals stay math ops (tanh: ExpandTanhF64's expm1):
    // the NVVM and ROCDL conversions call the vendor's library (libdevice's
    // __nv_pow, ocml's __ocml_pow_f64), accurate to a few ulps where the
    // expansions lose digits (pow as exp(y log x), tanh near 0 as
    // 1 - 2 / (exp(2x) + 1)).
    RewritePatternSet patterns(ctx);
    populateGpuAllReducePatterns(patterns);
    // Every expansion but fma (an instruction on every target) and exp2
    // (lowered with exp by tessera-target-lower-exp).
    static constexpr StringRef kExpanded[] = {
        "ctlz", "sinh",  "cosh", "tan",   "tanh",      "asinh", "acosh",
        "atanh", "ceil", "powf", "fpowi", "round", "roundeven", "rsqrt",
        "clampf"};
    math::populateExpansionPatterns(patterns, kExpanded);
    // Narrow floats compute in f32; f32 transcendentals become polynomials,
    // except `math.exp`, which each binary pipeline lowers for its target
    // (tessera-target-lower-exp: the hardware's exp2 on NVIDIA).
    // math.erf is ApproximateErf's (f32, after the extension).
    static constexpr StringLiteral kApproximated[] = {
        "math.atan",  "math.atan2", "math.tanh", "math.log", "math.log2",
        "math.log1p", "math.erfc",  "math.asin", "math.acos", "math.expm1",
        "math.cbrt",  "math.sin",   "math.cos"};
    populateMathF32ExpansionPatterns(patterns, [](StringRef name) {
      return name == "math.exp" || name == "math.erf" ||
             llvm::is_contained(kApproximated, name);
    });
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      return llvm::is_contained(kApproximated, name);
    });
    patterns.add<ExpandRsqrt, ExpandFloor, ApproximateErf, ExpandTanhF64,
                 ExpandNarrowAbsI, ExpandIPowI>(ctx);
    SmallVector<Operation *> ops;
    gpuModule.walk([&](Operation *op) {
      if (!isLibraryMath(op))
        ops.push_back(op);
    });
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    if (failed(applyOpPatternsGreedily(ops, std::move(patterns), config)))
      return signalPassFailure();
  }
};
} // namespace
