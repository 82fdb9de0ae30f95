//===- AllocateShared.cpp - Place a block's shared buffers ----------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Gives every shared allocation of a kernel (local_alloc, mbarrier_alloc,
// and the per-thread programs' alloc_shared) a byte offset and records the
// block's total in the launch config. Buffers whose live ranges are
// disjoint share bytes: a first-fit placement over intervals of a pre-order
// numbering of the kernel's ops. The same pass checks the block against the
// chip: its shared bytes, and an estimate of its registers per thread.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Tile/Transforms/AllocateShared.h"
#include "Tessera/Dialect/Target/IR/TargetAttrs.h"
#include "Tessera/Dialect/Target/IR/TargetInfo.h"
#include "Tessera/Dialect/Target/IR/TargetOps.h"
#include "Tessera/Dialect/Tile/IR/TileOps.h"
#include "Tessera/Dialect/Tile/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::tessera::tile {
#define GEN_PASS_DEF_TESSERATILEALLOCATESHARED
#include "Tessera/Dialect/Tile/Transforms/Passes.h.inc"
} // namespace mlir::tessera::tile

using namespace mlir;
using namespace mlir::tessera;
using namespace mlir::tessera::tile;

namespace {
/// Program points of a kernel: every op's pre-order position, and the last
/// position inside it (its own for ops without regions).
struct ProgramPoints {
  explicit ProgramPoints(Operation *root) {
    int64_t next = 0;
    root->walk<WalkOrder::PreOrder>([&](Operation *op) { begin[op] = next++; });
    root->walk<WalkOrder::PostOrder>([&](Operation *op) {
      int64_t last = begin[op];
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (Operation &nested : block)
            last = std::max(last, end[&nested]);
      end[op] = last;
    });
  }
  DenseMap<Operation *, int64_t> begin, end;
};

/// A shared allocation and the interval of program points it is live in.
struct Interval {
  Operation *alloc;
  int64_t size, alignment;
  int64_t first, last;
};
} // namespace

/// `value` and the values that stand for it across a warp_specialize: the
/// capture and each partition's block argument for it.
static SmallVector<Value> acrossWarpGroups(Value value) {
  if (auto arg = dyn_cast<BlockArgument>(value))
    if (isa_and_nonnull<WarpPartitionsOp>(arg.getOwner()->getParentOp()))
      value = arg.getOwner()
                  ->getParentOp()
                  ->getParentOfType<WarpSpecializeOp>()
                  .getCaptures()[arg.getArgNumber()];
  SmallVector<Value> values{value};
  for (OpOperand &use : value.getUses())
    if (auto ws = dyn_cast<WarpSpecializeOp>(use.getOwner()))
      for (Region &partition : ws.getPartitionRegions())
        values.push_back(partition.getArgument(use.getOperandNumber()));
  return values;
}

/// Live range of the allocation `alloc` (result `buffer`) in `root`.
static std::pair<int64_t, int64_t>
computeLiveRange(Operation *root, Operation *alloc, Value buffer,
                 const ProgramPoints &points) {
  int64_t first = points.begin.lookup(alloc);
  int64_t last = first;
  // Warp-specialized regions run concurrently: a buffer of any of them is
  // live for the whole op.
  for (Operation *parent = alloc->getParentOp(); parent && parent != root;
       parent = parent->getParentOp())
    if (isa<WarpSpecializeOp>(parent)) {
      first = std::min(first, points.begin.lookup(parent));
      last = std::max(last, points.end.lookup(parent));
    }

  // A use at `user` keeps the buffer live to the end of the outermost loop
  // around the use that does not also hold the allocation (the next
  // iteration uses it again), else to the end of `user` itself.
  auto extendTo = [&](Operation *user) {
    int64_t end = points.end.lookup(user);
    for (Operation *parent = user->getParentOp(); parent && parent != root;
         parent = parent->getParentOp()) {
      if (parent->isAncestor(alloc))
        break;
      if (isa<LoopLikeOpInterface>(parent))
        end = std::max(end, points.end.lookup(parent));
    }
    last = std::max(last, end);
  };

  SmallVector<Value> worklist{buffer};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      extendTo(user);
      if (isa<SlotOp, TransOp>(user)) {
        worklist.push_back(user->getResult(0));
      } else if (auto ws = dyn_cast<WarpSpecializeOp>(user)) {
        for (Region &partition : ws.getPartitionRegions())
          worklist.push_back(partition.getArgument(use.getOperandNumber()));
      } else if (auto copy = dyn_cast<BoxCopyOp>(user)) {
        // The copy writes until it completes: until its token is waited
        // for, or (barrier completion) until the last wait on its
        // barriers; without such a wait, for as long as the allocation's
        // scope lasts.
        if (Value token = copy.getToken()) {
          for (Operation *waiter : token.getUsers())
            extendTo(waiter);
        } else if (use.get() == copy.getDest()) {
          // (The wait may be another warp group's, on the same barriers.)
          bool awaited = false;
          for (Value barriers : acrossWarpGroups(copy.getBarriers()))
            for (Operation *waiter : barriers.getUsers())
              if (isa<MbarrierWaitOp>(waiter)) {
                extendTo(waiter);
                awaited = true;
              }
          if (!awaited)
            last = std::max(last, points.end.lookup(alloc->getParentOp()));
        }
      } else if (user->getDialect() != alloc->getDialect()) {
        // Forwarded somewhere this analysis does not follow (iter_args, a
        // call): keep it for the whole kernel.
        first = 0;
        last = std::max(last, points.end.lookup(root));
      }
    }
  }
  return {first, last};
}

/// Live range of an alloc_shared buffer (a memref, used by ops of any
/// dialect): from the allocation to the end of its block, or the whole of
/// `root` when the buffer, or a view of it, leaves the block through a
/// terminator.
static std::pair<int64_t, int64_t>
computeMemRefLiveRange(Operation *root, AllocSharedOp alloc,
                       const ProgramPoints &points) {
  SmallVector<Value> worklist{alloc.getBuffer()};
  DenseSet<Value> seen;
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    if (!seen.insert(value).second)
      continue;
    for (Operation *user : value.getUsers()) {
      if (user->hasTrait<OpTrait::IsTerminator>())
        return {0, points.end.lookup(root)};
      for (Value result : user->getResults())
        if (isa<MemRefType>(result.getType()))
          worklist.push_back(result);
    }
  }
  return {points.begin.lookup(alloc),
          points.end.lookup(&alloc->getBlock()->back())};
}

/// True if `a` and `b` are in different branches of one scf.if: at most
/// one of them runs.
static bool inExclusiveBranches(Operation *a, Operation *b) {
  for (Operation *parent = a->getParentOp(); parent;
       parent = parent->getParentOp()) {
    if (!parent->isAncestor(b))
      continue;
    if (!isa<scf::IfOp>(parent))
      return false;
    Region *ra = a->getParentRegion(), *rb = b->getParentRegion();
    while (ra->getParentOp() != parent)
      ra = ra->getParentOp()->getParentRegion();
    while (rb->getParentOp() != parent)
      rb = rb->getParentOp()->getParentRegion();
    return ra != rb;
  }
  return false;
}

SharedLayout mlir::tessera::tile::computeSharedLayout(Operation *root) {
  ProgramPoints points(root);
  SmallVector<Interval> intervals;
  root->walk([&](Operation *op) {
    Value buffer;
    int64_t size = 0, alignment = 0;
    if (auto alloc = dyn_cast<LocalAllocOp>(op)) {
      SmemType type = alloc.getBuffer().getType();
      buffer = alloc.getBuffer();
      size = type.getSizeInBytes();
      alignment = type.getAlignment();
    } else if (auto alloc = dyn_cast<MbarrierAllocOp>(op)) {
      // An mbarrier is one 8-byte word; a group starts 16-byte aligned, as
      // every shared buffer the lowering addresses does.
      buffer = alloc.getBarriers();
      size = 8 * alloc.getBarriers().getType().getCount();
      alignment = 16;
    } else if (auto alloc = dyn_cast<AllocSharedOp>(op)) {
      // A per-thread program's buffer (a memref).
      MemRefType type = alloc.getBuffer().getType();
      size = type.getNumElements() *
             static_cast<int64_t>(
                 llvm::divideCeil(type.getElementTypeBitWidth(), 8));
      auto [first, last] = computeMemRefLiveRange(root, alloc, points);
      intervals.push_back({op, size, /*alignment=*/16, first, last});
      return;
    } else {
      return;
    }
    auto [first, last] = computeLiveRange(root, op, buffer, points);
    // A barrier's bytes are never reused: an mbarrier's memory may be
    // written by other code only after it is invalidated.
    if (isa<MbarrierAllocOp>(op))
      last = points.end.lookup(root);
    intervals.push_back({op, size, alignment, first, last});
  });

  // First fit: the lowest aligned offset clear of every placed buffer that
  // is live at the same time.
  SharedLayout layout;
  for (const Interval &interval : intervals) {
    SmallVector<std::pair<int64_t, int64_t>> busy, before;
    for (auto [placed, buffer] : llvm::zip(intervals, layout.buffers)) {
      if (placed.first <= interval.last && interval.first <= placed.last)
        busy.push_back({buffer.offset, buffer.offset + buffer.size});
      else if (placed.last < interval.first &&
               !inExclusiveBranches(placed.alloc, interval.alloc))
        before.push_back({buffer.offset, buffer.offset + buffer.size});
    }
    llvm::sort(busy);
    auto align = [&](int64_t offset) {
      return static_cast<int64_t>(llvm::alignTo(offset, interval.alignment));
    };
    int64_t offset = 0;
    for (auto [begin, end] : busy)
      if (align(offset) + interval.size > begin)
        offset = std::max(offset, end);
    offset = align(offset);
    bool reuses = llvm::any_of(before, [&](auto range) {
      return range.first < offset + interval.size && offset < range.second;
    });
    layout.buffers.push_back(
        {interval.alloc, offset, interval.size, interval.alignment, reuses});
    layout.totalBytes = std::max(layout.totalBytes, offset + interval.size);
    layout.alignment = std::max(layout.alignment, interval.alignment);
  }
  // Whole 16-byte units (buffers that lowering places after these, such
  // as a reduction's scratch, start 16-byte aligned). The shared window
  // itself is 16-byte aligned; the lowering aligns a block's buffers
  // further at run time, within this slack.
  layout.totalBytes = llvm::alignTo(layout.totalBytes, 16);
  if (!layout.buffers.empty())
    layout.totalBytes += layout.alignment - 16;
  return layout;
}

//===----------------------------------------------------------------------===//
// Registers
//===----------------------------------------------------------------------===//

/// 32-bit registers per thread that a register tile of `type` takes on
/// average over `threads` threads; 0 for other types. Only float tiles
/// count: index and integer tiles are coordinates and masks, which lowering
/// computes element by element where they are used.
static int64_t tileRegisters(Type type, int64_t threads) {
  auto tile = dyn_cast<RankedTensorType>(type);
  if (!tile || !isRegisterTile(tile) || !tile.hasStaticShape() ||
      !isa<FloatType>(tile.getElementType()))
    return 0;
  return llvm::divideCeil(
      tile.getNumElements() * tile.getElementTypeBitWidth(), 32 * threads);
}

/// Operand registers one k-step of a tensor-core dot loads from shared
/// memory (wgmma reads its operands there; fma streams them a value at a
/// time).
static int64_t fragmentRegisters(DotOp dot, int64_t threads) {
  MmaKind kind = dot.getMma().getKind();
  if (kind != MmaKind::mma_sync && kind != MmaKind::mfma)
    return 0;
  int64_t k = dot.getMma().getK(), elements = 0, bits = 16;
  auto acc = cast<RankedTensorType>(dot.getAcc().getType());
  if (auto a = dyn_cast<SmemType>(dot.getA().getType())) {
    elements += acc.getDimSize(0) * k;
    bits = a.getElementType().getIntOrFloatBitWidth();
  }
  if (auto b = dyn_cast<SmemType>(dot.getB().getType())) {
    elements += acc.getDimSize(1) * k;
    bits = b.getElementType().getIntOrFloatBitWidth();
  }
  return llvm::divideCeil(elements * bits, 32 * threads);
}

RegisterEstimate tile::estimateRegisters(Operation *kernel, int64_t threads) {
  RegisterEstimate estimate;
  auto consider = [&](int64_t registers, Operation *where) {
    if (RegisterEstimate::kOverhead + registers > estimate.registers) {
      estimate.registers = RegisterEstimate::kOverhead + registers;
      estimate.peak = where;
    }
  };
  // Straight-line code: the largest tile an op reads or writes (ops with
  // regions are counted by what runs inside them; a result may take its
  // operands' registers, as a dot's does its accumulator's).
  kernel->walk([&](Operation *op) {
    if (op->getNumRegions() != 0)
      return;
    int64_t registers = 0;
    for (Type type : llvm::concat<const Type>(op->getOperandTypes(),
                                              op->getResultTypes()))
      registers = std::max(registers, tileRegisters(type, threads));
    consider(registers, op);
  });
  // Loops: what lives across every iteration, plus the peak inside.
  kernel->walk([&](scf::ForOp loop) {
    int64_t carried = 0, liveIn = 0, largest = 0, fragments = 0;
    for (Value arg : loop.getRegionIterArgs())
      carried += tileRegisters(arg.getType(), threads);
    llvm::SmallPtrSet<Value, 16> seen;
    // The next iteration's carried tiles take the registers counted above.
    Operation *yield = loop.getBody()->getTerminator();
    llvm::SmallPtrSet<Value, 8> next(yield->operand_begin(),
                                     yield->operand_end());
    loop.getBody()->walk([&](Operation *op) {
      // (A constant tile, such as a dot's zero accumulator hoisted out of
      // the loop, is rematerialized where it is used.)
      for (Value operand : op->getOperands())
        if (!loop->isAncestor(operand.getParentRegion()->getParentOp()) &&
            !matchPattern(operand, m_Constant()) &&
            seen.insert(operand).second)
          liveIn += tileRegisters(operand.getType(), threads);
      for (Value result : op->getResults())
        if (!next.contains(result))
          largest = std::max(largest, tileRegisters(result.getType(), threads));
      if (auto dot = dyn_cast<DotOp>(op))
        fragments += fragmentRegisters(dot, threads);
    });
    consider(carried + liveIn + largest + fragments, loop);
  });
  return estimate;
}

/// Threads per block of `kernel`: its launch config's, else the most that
/// its register tiles spread over (warps of the chip's size); 0 if neither
/// says.
static int64_t blockThreads(target::KernelOp kernel,
                            const target::TargetInfo *chip) {
  if (target::KernelConfigAttr config = kernel.getConfigAttr()) {
    int64_t threads = 1;
    for (int64_t extent : config.getBlock())
      threads *= extent;
    return threads;
  }
  if (!chip)
    return 0;
  int64_t warps = 0;
  kernel->walk([&](Operation *op) {
    for (Type type : llvm::concat<const Type>(op->getOperandTypes(),
                                              op->getResultTypes()))
      if (auto tile = dyn_cast<RankedTensorType>(type)) {
        if (auto blocked =
                dyn_cast_or_null<BlockedEncodingAttr>(tile.getEncoding()))
          warps = std::max(warps, blocked.getNumWarps());
        else if (auto acc = dyn_cast_or_null<MmaAccEncodingAttr>(
                     tile.getEncoding()))
          warps = std::max(warps, acc.getNumWarps());
      }
  });
  return warps * chip->getWarpSize();
}

namespace {
struct AllocateSharedPass
    : public tile::impl::TesseraTileAllocateSharedBase<AllocateSharedPass> {
  using Base::Base;

  void runOnOperation() override {
    target::KernelOp kernel = getOperation();
    StringRef name = kernel.getSymName();
    target::ChipAttr chipAttr = target::ChipAttr::lookup(kernel);
    const target::TargetInfo *chip = chipAttr ? &chipAttr.getInfo() : nullptr;
    // A generated kernel names the schedule that sized it.
    auto describe = [&](InFlightDiagnostic &diag) {
      diag << "kernel @" << name;
      if (Attribute schedule = kernel->getAttr("tessera.schedule"))
        diag << " (config " << schedule << ")";
    };

    SharedLayout layout = computeSharedLayout(kernel);
    // The limit: the option, else the module's chip, else Hopper's.
    int64_t limit = maxBytes;
    std::string limitSource = "the max-bytes option";
    if (limit == 0) {
      limit = 232448;
      limitSource = "the default without a chip";
      if (chip) {
        limit = chip->getMaxSharedBytes();
        limitSource = ("chip '" + chipAttr.getName() + "'").str();
      }
    }
    if (!layout.buffers.empty() && layout.totalBytes > limit) {
      InFlightDiagnostic diag = kernel.emitError();
      describe(diag);
      diag << " needs " << layout.totalBytes
           << " bytes of shared memory, more than the limit of " << limit
           << " bytes (" << limitSource << ")";
      return signalPassFailure();
    }


    // Registers: the estimate against the option, else the chip's limit.
    int64_t registerLimit = maxRegisters;
    std::string registerSource = "the max-registers option";
    if (registerLimit == 0 && chip) {
      registerLimit = chip->getMaxRegisters();
      registerSource = ("chip '" + chipAttr.getName() + "'").str();
    }
    if (int64_t threads = blockThreads(kernel, chip);
        registerLimit > 0 && threads > 0) {
      RegisterEstimate estimate = estimateRegisters(kernel, threads);
      if (estimate.registers > registerLimit) {
        InFlightDiagnostic diag = kernel.emitError();
        describe(diag);
        diag << " needs about " << estimate.registers
             << " registers per thread, more than the limit of "
             << registerLimit << " (" << registerSource << ")";
        diag.attachNote(estimate.peak->getLoc())
            << "the register tiles live here take "
            << estimate.registers - RegisterEstimate::kOverhead
            << " of them (" << RegisterEstimate::kOverhead
            << " more for addresses and indices)";
        return signalPassFailure();
      }
    }

    if (layout.buffers.empty())
      return;
    OpBuilder b(kernel.getContext());
    for (const SharedLayout::Buffer &buffer : layout.buffers) {
      IntegerAttr offset = b.getI64IntegerAttr(buffer.offset);
      // Allocation is the block's: where a buffer takes bytes an earlier
      // one used, every thread is done with that one first.
      if (buffer.reuses && isa<LocalAllocOp>(buffer.alloc)) {
        b.setInsertionPointAfter(buffer.alloc);
        BarrierOp::create(b, buffer.alloc->getLoc());
      }
      if (auto alloc = dyn_cast<LocalAllocOp>(buffer.alloc))
        alloc.setOffsetAttr(offset);
      else if (auto alloc = dyn_cast<AllocSharedOp>(buffer.alloc))
        alloc.setOffsetAttr(offset);
      else
        cast<MbarrierAllocOp>(buffer.alloc).setOffsetAttr(offset);
    }
    // A kernel launched with a computed grid has no launch config: its
    // launches get the size when it becomes a gpu.func (the placed buffers'
    // end).
    if (target::KernelConfigAttr config = kernel.getConfigAttr())
      kernel.setConfigAttr(target::KernelConfigAttr::get(
          kernel.getContext(), config.getGrid(), config.getBlock(),
          layout.totalBytes, config.getRegs()));
  }
};
} // namespace
