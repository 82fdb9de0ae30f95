//===- WarpSpecialize.cpp - Warp groups of one block ----------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// `tessera_tile.warp_specialize` becomes warp groups: the kernel's block
// grows by the partitions' warps, and each region runs under a branch on the
// warp index (an `scf.if` tagged `tessera.warp_group`): the default region
// on the block's first warps, followed by the rest of the kernel (which only
// the main program runs), each partition on its own warps after them. A
// region with `registers(r)` starts with `setmaxnreg` (up or down from the
// kernel's cap, which the lowering sets so that the groups' budgets fit the
// register file: the launch config's `regs`, or `tessera.max_registers`
// on a kernel without one). This runs before the conversion of the regions' ops, so
// that they lower for their group's threads; after it, each group's thread
// ids count from its first thread and its block barriers become a named
// barrier of its threads (finishWarpGroups). Warp groups need named
// barriers (target info): NVIDIA only.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/KernelThreads.h"
#include "Tessera/Dialect/Target/IR/TargetAttrs.h"
#include "Tessera/Dialect/Target/IR/TargetInfo.h"
#include "Tessera/Dialect/Target/IR/TargetOps.h"
#include "Tessera/Dialect/Tile/IR/TileOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::tile_to_target {

/// On the `scf.if` of a warp group: [first thread, threads, named barrier].
static constexpr StringLiteral kWarpGroupAttrName = "tessera.warp_group";

std::optional<WarpGroup> getWarpGroup(Operation *op) {
  for (Operation *parent = op->getParentOp(); parent;
       parent = parent->getParentOp()) {
    if (auto group =
            parent->getAttrOfType<DenseI64ArrayAttr>(kWarpGroupAttrName))
      return WarpGroup{group[0], group[1], group[2]};
    if (isa<target::KernelOp>(parent))
      break;
  }
  return std::nullopt;
}

int64_t getLastWarpGroupBarrier(Operation *kernel) {
  int64_t last = 0;
  kernel->walk([&](scf::IfOp branch) {
    if (auto group =
            branch->getAttrOfType<DenseI64ArrayAttr>(kWarpGroupAttrName))
      last = std::max(last, group[2]);
  });
  return last;
}

/// True if `op` reads or writes a register tile.
static bool holdsRegisterTiles(Operation *op) {
  return llvm::any_of(op->getOperandTypes(), tile::isRegisterTile) ||
         llvm::any_of(op->getResultTypes(), tile::isRegisterTile);
}

/// A region of the op and the warps it runs on.
struct GroupPlan {
  Region *region;
  int64_t firstWarp, warps;
  int32_t registers; // 0: the kernel's
};

LogicalResult lowerWarpSpecialize(Operation *kernelOp) {
  auto kernel = cast<target::KernelOp>(kernelOp);
  SmallVector<tile::WarpSpecializeOp> found;
  kernel.walk([&](tile::WarpSpecializeOp op) { found.push_back(op); });
  if (found.empty())
    return success();
  if (found.size() > 1)
    return found[1].emitOpError()
           << "is the second warp_specialize of kernel @"
           << kernel.getSymName() << "; a kernel splits its warps once";
  tile::WarpSpecializeOp op = found.front();
  Block &body = kernel.getBody().front();
  if (op->getBlock() != &body)
    return op.emitOpError()
           << "is nested in " << op->getParentOp()->getName()
           << "; the lowering splits the block's warps in the kernel's body "
              "only (the regions may hold loops and branches)";
  FailureOr<const target::TargetInfo *> info =
      namedBarrierChip(op, "splits the block's warps");
  if (failed(info))
    return failure();
  std::optional<int64_t> threads = getKernelThreads(kernel);
  int64_t warpSize = (*info)->getWarpSize();
  if (!threads || *threads % warpSize != 0)
    return op.emitOpError()
           << "is in a kernel whose block is not a known number of whole "
              "warps (its launch config or schedule says how many)";
  for (Operation &before : body) {
    if (&before == op.getOperation())
      break;
    if (holdsRegisterTiles(&before))
      return before.emitOpError()
             << "holds register tiles before the kernel's "
                "tessera_tile.warp_specialize, which every warp of the block "
                "would run; compute them in the default region";
  }

  // The groups: the default region on the kernel's warps, then each
  // partition on its own.
  SmallVector<GroupPlan> plans;
  plans.push_back({&op.getDefaultRegion(), 0, *threads / warpSize,
                   static_cast<int32_t>(op.getDefaultRegisters().value_or(0))});
  std::optional<ArrayRef<int32_t>> partitionRegisters =
      op.getPartitionRegisters();
  int64_t nextWarp = *threads / warpSize;
  for (auto [i, region] : llvm::enumerate(op.getPartitionRegions())) {
    int64_t warps = op.getPartitionNumWarps()[i];
    plans.push_back({&region, nextWarp, warps,
                     partitionRegisters ? (*partitionRegisters)[i] : 0});
    nextWarp += warps;
  }
  int64_t total = nextWarp * warpSize;
  if (total > (*info)->getMaxThreadsPerBlock())
    return op.emitOpError() << "makes a block of " << total
                            << " threads, more than chip '"
                            << (*info)->getChip() << "' allows ("
                            << (*info)->getMaxThreadsPerBlock() << ")";
  // Named barrier 0 is the whole block's; groups take 1, 2, ...
  if (plans.size() > 15)
    return op.emitOpError() << "has " << plans.size() - 1
                            << " partitions; named barriers allow 14";

  // Register budgets: all regions or none; whole warpgroups; the kernel's
  // cap such that the groups' budgets fit the block's registers.
  target::KernelConfigAttr config = kernel.getConfigAttr();
  int64_t cap = 0;
  bool anyRegisters = llvm::any_of(
      plans, [](const GroupPlan &plan) { return plan.registers != 0; });
  if (anyRegisters) {
    int64_t file = (*info)->getReallocatableRegisters();
    if (file == 0)
      return op.emitOpError()
             << "asks for register budgets, which chip '"
             << (*info)->getChip()
             << "' cannot move between warps (setmaxnreg: sm_90a)";
    int64_t wanted = 0;
    for (auto [i, plan] : llvm::enumerate(plans)) {
      StringRef name = i == 0 ? "the default region" : "a partition";
      if (plan.registers == 0)
        return op.emitOpError()
               << "gives registers to some regions but not " << name
               << " (region " << i
               << "): setmaxnreg moves registers between all of them";
      if (plan.firstWarp % 4 != 0 || plan.warps % 4 != 0)
        return op.emitOpError()
               << "gives registers to region " << i << ", which runs on "
               << plan.warps << " warps from warp " << plan.firstWarp
               << "; setmaxnreg needs whole warpgroups (4 warps from a "
                  "multiple of 4)";
      wanted += plan.registers * plan.warps * warpSize;
    }
    // (Budgets and the cap in whole 8-register steps, as setmaxnreg's.)
    cap = std::min<int64_t>((*info)->getMaxRegisters() / 8 * 8,
                            file / total / 8 * 8);
    if (wanted > cap * total)
      return op.emitOpError()
             << "asks for " << wanted << " registers in all ("
             << "budget x threads per region), more than the block's "
             << cap * total << " (" << total << " threads at " << cap
             << ")";
  }

  // The groups' branches, in the op's place.
  MLIRContext *ctx = op.getContext();
  Location loc = op.getLoc();
  OpBuilder b(op);
  auto index = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value warp = arith::DivUIOp::create(b, loc, tid, index(warpSize));
  SmallVector<Block *> blocks;
  for (auto [i, plan] : llvm::enumerate(plans)) {
    Value inGroup = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                          warp,
                                          index(plan.firstWarp + plan.warps));
    if (plan.firstWarp != 0)
      inGroup = arith::AndIOp::create(
          b, loc, inGroup,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, warp,
                                index(plan.firstWarp)));
    auto branch = scf::IfOp::create(b, loc, inGroup, /*withElse=*/false);
    branch->setAttr(kWarpGroupAttrName,
                    b.getDenseI64ArrayAttr({plan.firstWarp * warpSize,
                                            plan.warps * warpSize,
                                            static_cast<int64_t>(i) + 1}));
    Block *group = branch.thenBlock();
    if (plan.registers != 0 && plan.registers != cap) {
      OpBuilder gb = OpBuilder::atBlockBegin(group);
      NVVM::SetMaxRegisterOp::create(
          gb, loc, plan.registers,
          plan.registers > cap ? NVVM::SetMaxRegisterAction::increase
                               : NVVM::SetMaxRegisterAction::decrease);
    }
    blocks.push_back(group);
  }

  // The default region, then the rest of the kernel, in the first group:
  // after warp_specialize only the main program runs.
  Block &defaultBlock = op.getDefaultRegion().front();
  auto yield = cast<tile::WarpYieldOp>(defaultBlock.getTerminator());
  for (auto [result, value] : llvm::zip(op.getResults(), yield.getValues()))
    result.replaceAllUsesWith(value);
  Block *main = blocks.front();
  main->getOperations().splice(main->getTerminator()->getIterator(),
                               defaultBlock.getOperations(),
                               defaultBlock.begin(), yield->getIterator());
  main->getOperations().splice(main->getTerminator()->getIterator(),
                               body.getOperations(),
                               std::next(op->getIterator()),
                               body.getTerminator()->getIterator());
  // Each partition, its block arguments the captures.
  for (auto [i, region] : llvm::enumerate(op.getPartitionRegions())) {
    Block &source = region.front();
    for (auto [arg, capture] :
         llvm::zip(source.getArguments(), op.getCaptures()))
      arg.replaceAllUsesWith(capture);
    Block *group = blocks[i + 1];
    group->getOperations().splice(group->getTerminator()->getIterator(),
                                  source.getOperations(), source.begin(),
                                  source.getTerminator()->getIterator());
  }
  op.erase();

  // The block grows by the partitions' warps, at the kernel and its
  // launches.
  kernel->setAttr(kBlockThreadsAttrName,
                  IntegerAttr::get(IndexType::get(ctx), total));
  if (config)
    kernel.setConfigAttr(target::KernelConfigAttr::get(
        ctx, config.getGrid(), {total}, config.getShared(),
        cap ? cap : config.getRegs()));
  else if (cap)
    kernel->setAttr("tessera.max_registers",
                    IntegerAttr::get(IntegerType::get(ctx, 32), cap));
  if (auto module = kernel->getParentOfType<ModuleOp>())
    module.walk([&](target::LaunchOp launch) {
      if (launch.getKernel() == kernel.getSymName())
        launch.setBlock({total});
    });
  return success();
}

LogicalResult finishWarpGroups(Operation *kernel) {
  LogicalResult result = success();
  kernel->walk([&](scf::IfOp branch) {
    std::optional<WarpGroup> group;
    if (auto attr = branch->getAttrOfType<DenseI64ArrayAttr>(
            kWarpGroupAttrName))
      group = WarpGroup{attr[0], attr[1], attr[2]};
    else
      return;
    Block *body = branch.thenBlock();
    SmallVector<gpu::ThreadIdOp> ids;
    SmallVector<gpu::BarrierOp> barriers;
    body->walk([&](Operation *op) {
      if (auto id = dyn_cast<gpu::ThreadIdOp>(op);
          id && id.getDimension() == gpu::Dimension::x)
        ids.push_back(id);
      else if (auto barrier = dyn_cast<gpu::BarrierOp>(op))
        barriers.push_back(barrier);
      else if (isa<gpu::AllReduceOp>(op)) {
        op->emitError()
            << "reduces over the whole block inside a warp group of "
               "tessera_tile.warp_specialize (a reduction along an axis "
               "that one warp holds stays within it)";
        result = failure();
      }
    });
    // (After the group's setmaxnreg, which comes first.)
    OpBuilder b = OpBuilder::atBlockBegin(body);
    if (isa<NVVM::SetMaxRegisterOp>(body->front()))
      b.setInsertionPointAfter(&body->front());
    Location loc = branch.getLoc();
    if (group->firstThread != 0 && !ids.empty()) {
      // The group's own thread numbers, from its first thread.
      Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
      Value local = arith::SubIOp::create(
          b, loc, tid,
          arith::ConstantIndexOp::create(b, loc, group->firstThread));
      for (gpu::ThreadIdOp id : ids) {
        id.replaceAllUsesWith(local);
        id.erase();
      }
    }
    for (gpu::BarrierOp barrier : barriers) {
      OpBuilder bb(barrier);
      auto i32 = [&](int64_t v) {
        return arith::ConstantIntOp::create(bb, barrier.getLoc(), v, 32)
            .getResult();
      };
      NVVM::BarrierOp::create(bb, barrier.getLoc(), TypeRange{},
                              i32(group->barrier), i32(group->threads),
                              NVVM::BarrierReductionAttr(), Value());
      barrier.erase();
    }
  });
  return result;
}

} // namespace mlir::tessera::tile_to_target
