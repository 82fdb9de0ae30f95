//===- Pipeline.cpp - Software-pipeline loops of box copies ---------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Expands scf.for loops marked `tessera_tile.stages = S`: the loop-local
// buffers its box copies fill become S-deep rings (multibuffering), the
// copies and their index math become stage 0 and the rest stage S-1, and
// upstream scf::pipelineForLoop emits the prologue, the steady state and the
// epilogue (peeled, or predicated copies when the trip count is unknown).
// Copies that complete on a barrier of the loop body get a ring of barriers
// (slot i mod S, phase (i / S) mod 2); their refill follows a block barrier
// after the iteration's dot, which the pass marks async where it
// accumulates (a GEMM's k-loop); without such a dot the refill comes first
// in the iteration, behind the previous iteration's block barrier.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Tile/IR/TileOps.h"
#include "Tessera/Dialect/Tile/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::tessera::tile {
#define GEN_PASS_DEF_TESSERATILEPIPELINE
#include "Tessera/Dialect/Tile/Transforms/Passes.h.inc"
} // namespace mlir::tessera::tile

using namespace mlir;
using namespace mlir::tessera::tile;

/// The top-level op of `body` that holds `op`, or null if `op` is outside.
static Operation *getBodyOp(Block *body, Operation *op) {
  return op ? body->findAncestorOpInBlock(*op) : nullptr;
}

/// Adds to `slice` the ops of `body` that `op`'s operands come from,
/// transitively. Fails (with an error on `copy`) if a loop-carried value
/// feeds it: that value does not exist yet S-1 iterations early.
static LogicalResult collectStageZero(scf::ForOp forOp, Operation *op,
                                      BoxCopyOp copy,
                                      llvm::SetVector<Operation *> &slice) {
  Block *body = forOp.getBody();
  if (!slice.insert(op))
    return success();
  for (Value operand : op->getOperands()) {
    if (auto arg = dyn_cast<BlockArgument>(operand)) {
      if (arg.getOwner() == body && arg != forOp.getInductionVar())
        return copy.emitOpError()
               << "depends on loop-carried value #"
               << arg.getArgNumber() - 1
               << ", so it cannot be issued stages - 1 iterations early";
      continue;
    }
    if (Operation *def = getBodyOp(body, operand.getDefiningOp()))
      if (failed(collectStageZero(forOp, def, copy, slice)))
        return failure();
  }
  return success();
}

/// `(iv - lb) / step`, the number of the current iteration.
static Value createIteration(RewriterBase &rewriter, scf::ForOp forOp) {
  Location loc = forOp.getLoc();
  Value offset = arith::SubIOp::create(rewriter, loc, forOp.getInductionVar(),
                                       forOp.getLowerBound());
  return arith::DivUIOp::create(rewriter, loc, offset, forOp.getStep());
}

/// `((iv - lb) / step) mod stages`, the ring slot of the current iteration.
static Value createSlotIndex(RewriterBase &rewriter, scf::ForOp forOp,
                             int64_t stages) {
  Location loc = forOp.getLoc();
  Value ring = arith::ConstantIndexOp::create(rewriter, loc, stages);
  return arith::RemUIOp::create(rewriter, loc, createIteration(rewriter, forOp),
                                ring);
}

/// Turns the loop body's barrier allocations into rings of `stages`
/// barriers before the loop: the copies of iteration i arrive on barrier
/// `i mod S` and its waits await that barrier's phase `i / S` (mod 2,
/// flipped where the program awaited the odd phase of its fresh barrier).
static LogicalResult
multibufferBarriers(RewriterBase &rewriter, scf::ForOp forOp, int64_t stages,
                    ArrayRef<MbarrierAllocOp> barriers) {
  Block *body = forOp.getBody();
  for (MbarrierAllocOp alloc : barriers)
    for (OpOperand &use : alloc.getBarriers().getUses()) {
      Operation *user = use.getOwner();
      if (user->getBlock() != body || !isa<BoxCopyOp, MbarrierWaitOp>(user))
        return user->emitOpError()
               << "uses a barrier allocated in a pipelined loop; only the "
                  "loop's box copies (arrive) and waits may, as the pass "
                  "turns it into a ring of stages";
    }
  for (MbarrierAllocOp alloc : barriers) {
    rewriter.setInsertionPoint(forOp);
    auto ring = MbarrierAllocOp::create(
        rewriter, alloc.getLoc(),
        MbarrierType::get(rewriter.getContext(), stages), alloc.getArrivals(),
        IntegerAttr());
    for (OpOperand &use :
         llvm::make_early_inc_range(alloc.getBarriers().getUses())) {
      Operation *user = use.getOwner();
      rewriter.setInsertionPoint(user);
      Location loc = user->getLoc();
      Value slot = createSlotIndex(rewriter, forOp, stages);
      if (auto copy = dyn_cast<BoxCopyOp>(user)) {
        rewriter.modifyOpInPlace(copy, [&] {
          copy.getBarriersMutable().assign(ring);
          copy.getBarrierIndexMutable().assign(slot);
        });
        continue;
      }
      auto wait = cast<MbarrierWaitOp>(user);
      Value round = arith::DivUIOp::create(
          rewriter, loc, createIteration(rewriter, forOp),
          arith::ConstantIndexOp::create(rewriter, loc, stages));
      Value odd = arith::IndexCastOp::create(
          rewriter, loc, rewriter.getI1Type(),
          arith::RemUIOp::create(
              rewriter, loc, round,
              arith::ConstantIndexOp::create(rewriter, loc, 2)));
      Value phase = arith::XOrIOp::create(rewriter, loc, odd, wait.getPhase());
      rewriter.modifyOpInPlace(wait, [&] {
        wait.getBarriersMutable().assign(ring);
        wait.getIndexMutable().assign(slot);
        wait.getPhaseMutable().assign(phase);
      });
    }
    rewriter.eraseOp(alloc);
  }
  return success();
}

/// Pipelines `forOp` over `stages` stages, or explains why not.
static LogicalResult pipelineLoop(RewriterBase &rewriter, scf::ForOp forOp,
                                  int64_t stages) {
  StringRef attrName = TileDialect::getStagesAttrName();
  if (stages < 1)
    return forOp.emitError() << "'" << attrName << "' (" << stages
                             << ") must be at least 1";
  std::optional<int64_t> step = getConstantIntValue(forOp.getStep());
  if (!step || *step <= 0)
    return forOp.emitError() << "cannot pipeline a loop whose step is not a "
                                "positive constant";
  if (!forOp.getInductionVar().getType().isIndex())
    return forOp.emitError() << "cannot pipeline a loop whose induction "
                                "variable is not an index";
  Block *body = forOp.getBody();

  // The pipelined copies and the buffers they fill, in body order. They
  // complete all through tokens, or all on barriers of the loop body.
  SmallVector<BoxCopyOp> copies;
  llvm::SetVector<LocalAllocOp> buffers;
  llvm::SetVector<MbarrierAllocOp> barriers;
  for (auto copy : body->getOps<BoxCopyOp>()) {
    if (Value group = copy.getBarriers()) {
      auto alloc = group.getDefiningOp<MbarrierAllocOp>();
      if (!alloc || alloc->getBlock() != body ||
          alloc.getBarriers().getType().getCount() != 1)
        return copy.emitOpError()
               << "in a pipelined loop must arrive on a "
                  "tessera_tile.mbarrier_alloc of one barrier in the loop "
                  "body, which the pass turns into a ring of stages";
      barriers.insert(alloc);
    }
    if (!copies.empty() &&
        static_cast<bool>(copies.front().getToken()) !=
            static_cast<bool>(copy.getToken()))
      return copy.emitOpError()
             << "completes another way than the loop's first copy; a "
                "pipelined loop's copies complete all through tokens or all "
                "on barriers";
    auto alloc = copy.getDest().getDefiningOp<LocalAllocOp>();
    if (!alloc || alloc->getBlock() != body)
      return copy.emitOpError()
             << "in a pipelined loop must copy into a "
                "tessera_tile.local_alloc of the loop body, which the pass "
                "turns into a ring of stages";
    copies.push_back(copy);
    buffers.insert(alloc);
  }
  if (copies.empty())
    return forOp.emitError()
           << "has " << attrName << " = " << stages
           << " but no tessera_tile.box_copy into a buffer allocated in the "
              "loop body: nothing to pipeline";
  for (Value yielded : body->getTerminator()->getOperands())
    if (!getBodyOp(body, yielded.getDefiningOp()))
      return forOp.emitError() << "yields a value not computed in its body; "
                                  "the pipeliner needs every loop-carried "
                                  "value defined in the loop";
  // Check stage 0 before touching the IR: only the copies themselves (and
  // the buffers, which become ring slots) may have side effects there.
  {
    llvm::SetVector<Operation *> slice;
    for (BoxCopyOp copy : copies)
      if (failed(collectStageZero(forOp, copy, copy, slice)))
        return failure();
    for (Operation *op : slice)
      if (!isa<BoxCopyOp, LocalAllocOp, MbarrierAllocOp>(op) &&
          !isMemoryEffectFree(op))
        return op->emitOpError()
               << "feeds a pipelined copy but has side effects, so it cannot "
                  "be issued early";
  }
  // Barriers are rings even of one stage: a barrier is initialized once,
  // before the loop, and reused phase after phase.
  bool onBarriers = !barriers.empty();
  if (onBarriers &&
      failed(multibufferBarriers(rewriter, forOp, stages,
                                 barriers.getArrayRef())))
    return failure();
  if (stages == 1) {
    forOp->removeAttr(attrName);
    return success();
  }

  // Multibuffering: each buffer becomes a ring before the loop. The copies
  // write slot `i mod S` through one view; the other users read it through
  // another, with its own index math, so that the two land in their stages
  // without a shared-memory view crossing stages.
  rewriter.setInsertionPointToStart(body);
  Value writeIndex = createSlotIndex(rewriter, forOp, stages);
  Value readIndex = createSlotIndex(rewriter, forOp, stages);
  for (LocalAllocOp alloc : buffers) {
    SmemType single = alloc.getBuffer().getType();
    SmallVector<int64_t> shape{stages};
    llvm::append_range(shape, single.getShape());
    rewriter.setInsertionPoint(forOp);
    auto ring = LocalAllocOp::create(
        rewriter, alloc.getLoc(),
        SmemType::get(rewriter.getContext(), shape, single.getElementType(),
                      single.getLayout()),
        IntegerAttr());
    rewriter.setInsertionPoint(alloc);
    Value write = SlotOp::create(rewriter, alloc.getLoc(), ring, writeIndex);
    Value read = SlotOp::create(rewriter, alloc.getLoc(), ring, readIndex);
    rewriter.replaceUsesWithIf(alloc.getBuffer(), write, [](OpOperand &use) {
      return isa<BoxCopyOp>(use.getOwner());
    });
    rewriter.replaceAllUsesWith(alloc.getBuffer(), read);
    rewriter.eraseOp(alloc);
  }

  // Token loops: iteration i's waits first, then stage 0 (iteration
  // i+S-1's copies and what feeds them), then the rest of iteration i in
  // body order. A wait is a barrier of the block, so the copies that refill
  // the slot iteration i-1 read are issued after every thread is done
  // reading it.
  // Barrier loops: iteration i in body order, then a barrier of the block,
  // then stage 0. A barrier wait synchronizes nothing but the copy, so the
  // block barrier orders the refill of iteration i-1's slot after every
  // thread's reads of it; coming after iteration i's dot, it also lets that
  // dot run asynchronously (its instructions still reading its own slot)
  // while the previous one, which read the slot being refilled, is done.
  // Barrier loops without async dots refill first: the slot iteration i
  // refills is the one iteration i-1 read, done with at the block barrier
  // that ended it, so its copies are issued when iteration i starts, a
  // whole iteration before they are awaited (with 2 stages, after the
  // iteration instead, they would be awaited at once).
  bool refillFirst = false;
  if (onBarriers) {
    rewriter.setInsertionPoint(body->getTerminator());
    BarrierOp::create(rewriter, forOp.getLoc());
    SmallVector<Value> carriedOut;
    for (auto dot : body->getOps<DotOp>()) {
      auto carried = dyn_cast<BlockArgument>(dot.getAcc());
      if (carried && carried.getOwner() == body &&
          carried != forOp.getInductionVar() && dot.getResult().hasOneUse() &&
          dot.getResult().getUses().begin()->getOwner() ==
              body->getTerminator() &&
          dot.getResult().getUses().begin()->getOperandNumber() ==
              carried.getArgNumber() - 1) {
        rewriter.modifyOpInPlace(dot, [&] { dot.setAsync(true); });
        carriedOut.push_back(forOp.getResult(carried.getArgNumber() - 1));
      }
    }
    refillFirst = carriedOut.empty();
    // What reads the async dots' accumulators after the loop reads them
    // through a wait for the last chain.
    if (!carriedOut.empty()) {
      rewriter.setInsertionPointAfter(forOp);
      auto wait = DotWaitOp::create(rewriter, forOp.getLoc(), carriedOut,
                                    /*pending=*/0);
      for (auto [out, done] : llvm::zip(carriedOut, wait.getResults()))
        rewriter.replaceAllUsesExcept(out, done, wait);
    }
  }
  llvm::SetVector<Operation *> slice;
  for (BoxCopyOp copy : copies)
    (void)collectStageZero(forOp, copy, copy, slice);
  std::vector<std::pair<Operation *, unsigned>> schedule;
  if (refillFirst)
    for (Operation &op : body->without_terminator())
      if (slice.contains(&op))
        schedule.emplace_back(&op, 0);
  if (!onBarriers) {
    for (auto wait : body->getOps<WaitOp>())
      schedule.emplace_back(wait, stages - 1);
    for (Operation &op : body->without_terminator())
      if (slice.contains(&op))
        schedule.emplace_back(&op, 0);
  }
  for (Operation &op : body->without_terminator())
    if (!slice.contains(&op) && (onBarriers || !isa<WaitOp>(op)))
      schedule.emplace_back(&op, stages - 1);
  if (onBarriers && !refillFirst)
    for (Operation &op : body->without_terminator())
      if (slice.contains(&op))
        schedule.emplace_back(&op, 0);

  // How many copies each wait may leave in flight: those issued after the
  // last one it awaits. In the steady state these are the later copies of
  // its own iteration and all C copies of the S-2 iterations after it; in
  // the e-th iteration of a peeled epilogue, of the S-2-e after it. A wait
  // on tokens from elsewhere awaits everything (no `pending`).
  // The count within the iteration rides on the waits as a temporary
  // attribute, which the pipeliner's clones carry into the annotation.
  static constexpr StringLiteral kLater = "tessera_tile.later_copies";
  int64_t perIteration = copies.size();
  for (auto wait : body->getOps<WaitOp>()) {
    int64_t last = -1;
    for (Value token : wait.getTokens()) {
      auto copy = token.getDefiningOp<BoxCopyOp>();
      auto it = copy ? llvm::find(copies, copy) : copies.end();
      if (it == copies.end()) {
        last = -1;
        break;
      }
      last = std::max<int64_t>(last, it - copies.begin());
    }
    if (last >= 0)
      wait->setAttr(kLater,
                    rewriter.getI64IntegerAttr(perIteration - 1 - last));
  }

  scf::PipeliningOption options;
  options.getScheduleFn =
      [&](scf::ForOp, std::vector<std::pair<Operation *, unsigned>> &result) {
        result = schedule;
      };
  options.annotateFn = [&](Operation *op,
                           scf::PipeliningOption::PipelinerPart part,
                           unsigned iteration) {
    // A peeled epilogue's dots are outside the loop that carried them.
    if (auto dot = dyn_cast<DotOp>(op);
        dot && part == scf::PipeliningOption::PipelinerPart::Epilogue)
      dot.setAsync(false);
    auto wait = dyn_cast<WaitOp>(op);
    auto later = wait ? wait->getAttrOfType<IntegerAttr>(kLater) : nullptr;
    if (!later)
      return;
    wait->removeAttr(kLater);
    int64_t iterationsAfter =
        part == scf::PipeliningOption::PipelinerPart::Epilogue
            ? stages - 2 - static_cast<int64_t>(iteration)
            : stages - 2;
    wait.setPending(later.getInt() + iterationsAfter * perIteration);
  };
  // A constant trip count above S-1 gets a peeled epilogue; other loops
  // (unknown or short trip counts) predicate the copies past the end.
  std::optional<int64_t> lb = getConstantIntValue(forOp.getLowerBound());
  std::optional<int64_t> ub = getConstantIntValue(forOp.getUpperBound());
  bool peel = lb && ub && (*ub - *lb + *step - 1) / *step > stages - 1;
  options.peelEpilogue = peel;
  options.supportDynamicLoops = !peel;
  options.predicateFn = [](RewriterBase &rewriter, Operation *op,
                           Value predicate) -> Operation * {
    auto copy = dyn_cast<BoxCopyOp>(op);
    if (!copy)
      return isMemoryEffectFree(op) ? op : nullptr;
    rewriter.setInsertionPoint(copy);
    if (Value existing = copy.getPred())
      predicate =
          arith::AndIOp::create(rewriter, copy.getLoc(), existing, predicate);
    rewriter.modifyOpInPlace(
        copy, [&] { copy.getPredMutable().assign(predicate); });
    return copy;
  };
  // The pipeliner emits the prologue at the insertion point.
  rewriter.setInsertionPoint(forOp);
  bool modified = false;
  if (failed(scf::pipelineForLoop(rewriter, forOp, options, &modified)))
    return forOp.emitError() << "scf::pipelineForLoop could not pipeline this "
                                "loop";
  return success();
}

namespace {
struct PipelinePass
    : public mlir::tessera::tile::impl::TesseraTilePipelineBase<PipelinePass> {
  using Base::Base;

  void runOnOperation() override {
    StringRef attrName = TileDialect::getStagesAttrName();
    // Innermost loops first: pipelining replaces the loop op.
    SmallVector<scf::ForOp> loops;
    getOperation()->walk([&](scf::ForOp forOp) {
      if (forOp->hasAttr(attrName))
        loops.push_back(forOp);
    });
    IRRewriter rewriter(&getContext());
    llvm::SetVector<Operation *> parents;
    for (scf::ForOp forOp : loops) {
      auto stages = forOp->getAttrOfType<IntegerAttr>(attrName);
      if (!stages) {
        forOp.emitError() << "'" << attrName << "' must be an integer";
        return signalPassFailure();
      }
      parents.insert(forOp->getParentOp());
      if (failed(pipelineLoop(rewriter, forOp, stages.getInt())))
        return signalPassFailure();
    }
    if (parents.empty())
      return;
    // The pipeliner's index arithmetic (iteration numbers, slots, the
    // predicates) folded where it was emitted: the Tile IR is read by people,
    // and a module-wide canonicalization would cost every kernel.
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    for (Dialect *dialect : ctx->getLoadedDialects())
      dialect->getCanonicalizationPatterns(patterns);
    for (RegisteredOperationName op : ctx->getRegisteredOperations())
      op.getCanonicalizationPatterns(patterns, ctx);
    FrozenRewritePatternSet frozen(std::move(patterns));
    for (Operation *parent : parents)
      (void)applyPatternsGreedily(parent, frozen);
  }
};
} // namespace
