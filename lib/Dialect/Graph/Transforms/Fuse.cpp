//===- Fuse.cpp - Group Graph IR ops that belong in one kernel ------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Graph/IR/GraphOps.h"
#include "Tessera/Dialect/Graph/Transforms/Passes.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::tessera::graph {
#define GEN_PASS_DEF_TESSERAGRAPHFUSE
#include "Tessera/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace mlir::tessera::graph

using namespace mlir;
using namespace mlir::tessera::graph;

/// Elementwise ops: they compute each element from the same position of
/// their (broadcast) operands, so a chain of them is one loop nest.
static bool isElementwise(Operation *op) {
  return isa<AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, PowOp, NegOp, AbsOp,
             ExpOp, LogOp, SqrtOp, RsqrtOp, TanhOp, SigmoidOp, ReluOp, GeluOp,
             SiluOp, CastOp, SelectOp, CompareOp>(op);
}

/// Ops that reduce along dimensions and can take an elementwise prologue
/// through their first operand.
/// Ops that read their operands at other positions than their own (or hash
/// their position, or walk a dim: argmax/argmin): elementwise groups take
/// them, with their shape changes.
static bool movesElements(Operation *op) {
  return isa<TransposeOp, ReshapeOp, BroadcastToOp, SliceOp, ConcatOp, TakeOp,
             DropoutOp, ArgmaxOp, ArgminOp>(op);
}

static bool isReduction(Operation *op) {
  return isa<ReduceOp, SoftmaxOp, LogSoftmaxOp, LayerNormOp, RmsNormOp>(op);
}

static ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

/// The one op using `value` (possibly through several operands, as in
/// `x * x`), if there is exactly one and it is in `block`.
static Operation *soleUser(Value value, Block *block) {
  if (value.use_empty())
    return nullptr;
  Operation *user = *value.getUsers().begin();
  for (Operation *other : value.getUsers())
    if (other != user)
      return nullptr;
  return user->getBlock() == block ? user : nullptr;
}

/// Wraps `group` (in block order, the last op's result the only one used
/// outside) in a tessera_graph.fused op placed at the last op.
static void outline(ArrayRef<Operation *> group, FusionKind kind) {
  Operation *last = group.back();
  llvm::SmallPtrSet<Operation *, 8> members(group.begin(), group.end());
  llvm::SetVector<Value> inputs;
  for (Operation *op : group)
    for (Value operand : op->getOperands())
      if (!members.contains(operand.getDefiningOp()))
        inputs.insert(operand);

  OpBuilder builder(last);
  auto fused = FusedOp::create(builder, last->getLoc(), last->getResultTypes(),
                               kind, inputs.getArrayRef());
  Block *body = builder.createBlock(&fused.getBody());
  IRMapping mapping;
  for (Value input : inputs)
    mapping.map(input, body->addArgument(input.getType(), input.getLoc()));
  for (Operation *op : group)
    builder.clone(*op, mapping);
  YieldOp::create(builder, last->getLoc(),
                  llvm::to_vector(llvm::map_range(last->getResults(), [&](Value v) {
                    return mapping.lookup(v);
                  })));
  last->replaceAllUsesWith(fused->getResults());
  for (Operation *op : llvm::reverse(group))
    op->erase();
}

/// Grows a group from `root` through single-use, same-shape elementwise
/// consumers, then (for elementwise roots) into a reduction consumer.
static SmallVector<Operation *>
growGroup(Operation *root, const llvm::SmallPtrSetImpl<Operation *> &taken,
          FusionKind &kind) {
  Block *block = root->getBlock();
  SmallVector<Operation *> group{root};
  bool matmul = isa<MatmulOp>(root), moves = movesElements(root);
  Operation *tail = root;
  while (Operation *user = soleUser(tail->getResult(0), block)) {
    if (taken.contains(user))
      break;
    // Elementwise ops keep the chain's shape; ops that move elements change
    // it, and only elementwise groups take them.
    if (movesElements(user) && !matmul) {
      moves = true;
    } else if (!isElementwise(user) ||
               shapeOf(user->getResult(0)) != shapeOf(tail->getResult(0))) {
      break;
    }
    group.push_back(user);
    tail = user;
  }
  if (isa<MatmulOp>(root)) {
    kind = FusionKind::matmul_epilogue;
    return group;
  }
  kind = FusionKind::elementwise;
  Operation *user = soleUser(tail->getResult(0), block);
  if (!moves && user && !taken.contains(user) && isReduction(user) &&
      user->getOperand(0) == tail->getResult(0)) {
    group.push_back(user);
    kind = FusionKind::reduction;
  }
  return group;
}

/// Grows the elementwise and reduction groups (those without ops that move
/// elements) through the producers of their members' operands: an
/// elementwise op computing an operand at the member's shape whose every
/// use is in the group joins it, and so does a whole group whose output is
/// such an operand. Chains meet this way: `t = abs(x); log(t) + t * y` is
/// one group, where following single users alone gives three kernels. A
/// matmul whose result only an elementwise group reads (`h * sigmoid(h)`:
/// not a chain, h has two uses) becomes its root, the group its epilogue.
/// Groups merged into others are left empty.
static void absorbProducers(
    Block *block,
    MutableArrayRef<std::pair<SmallVector<Operation *>, FusionKind>> groups,
    const llvm::SmallPtrSetImpl<Operation *> &taken) {
  DenseMap<Operation *, unsigned> groupOf;
  for (unsigned index = 0; index < groups.size(); ++index)
    for (Operation *op : groups[index].first)
      groupOf[op] = index;
  auto absorbable = [&](ArrayRef<Operation *> group, FusionKind kind) {
    return (kind == FusionKind::elementwise ||
            kind == FusionKind::reduction) &&
           llvm::none_of(group, movesElements);
  };
  for (unsigned index = 0; index < groups.size(); ++index) {
    SmallVector<Operation *> &group = groups[index].first;
    FusionKind kind = groups[index].second;
    if (group.empty() || !absorbable(group, kind))
      continue;
    // The matmul once one is the root: an epilogue takes no ops before it
    // (they would be a prologue, which no matmul kernel takes).
    Operation *root = nullptr;
    auto afterRoot = [&](Operation *op) {
      return !root || root->isBeforeInBlock(op);
    };
    llvm::SmallPtrSet<Operation *, 16> members(group.begin(), group.end());
    auto onlyMembersUse = [&](Value value) {
      return llvm::all_of(value.getUsers(), [&](Operation *user) {
        return members.contains(user);
      });
    };
    // Matmuls first (phase 0): an elementwise op before one, once in the
    // group, would keep it out.
    for (int phase = 0; phase < 2; ++phase) {
      bool changed = true;
      while (changed) {
        changed = false;
        for (unsigned m = 0; m < group.size(); ++m) {
          Operation *member = group[m];
          if (!isElementwise(member))
            continue;
          for (Value operand : member->getOperands()) {
            Operation *producer = operand.getDefiningOp();
            if (phase == 0 && !isa_and_present<MatmulOp>(producer))
              continue;
            // A matmul whose result only this elementwise group uses (several
            // times: `h * sigmoid(h)`) becomes the group's root: its epilogue.
            if (auto matmul = dyn_cast_if_present<MatmulOp>(producer)) {
              if (kind != FusionKind::elementwise || taken.contains(matmul) ||
                  matmul->getBlock() != block ||
                  shapeOf(operand) != shapeOf(member->getResult(0)) ||
                  !llvm::all_of(group,
                                [&](Operation *op) {
                                  return matmul->isBeforeInBlock(op);
                                }) ||
                  !onlyMembersUse(operand))
                continue;
              members.insert(matmul);
              group.push_back(matmul);
              groupOf[matmul] = index;
              root = matmul;
              kind = FusionKind::matmul_epilogue;
              groups[index].second = kind;
              changed = true;
              continue;
            }
            if (!producer || producer->getBlock() != block ||
                members.contains(producer) || !isElementwise(producer) ||
                !afterRoot(producer) || producer->getNumResults() != 1 ||
                shapeOf(operand) != shapeOf(member->getResult(0)) ||
                !onlyMembersUse(operand))
              continue;
            SmallVector<Operation *> joining{producer};
            auto other = groupOf.find(producer);
            if (other != groupOf.end()) {
              // A whole group whose output (its last op) this is.
              auto &[otherGroup, otherKind] = groups[other->second];
              if (otherGroup.empty() || otherGroup.back() != producer ||
                  otherKind != FusionKind::elementwise ||
                  !absorbable(otherGroup, otherKind) ||
                  !llvm::all_of(otherGroup, afterRoot))
                continue;
              joining = std::move(otherGroup);
              otherGroup.clear();
            } else if (taken.contains(producer)) {
              continue;
            }
            for (Operation *op : joining) {
              members.insert(op);
              group.push_back(op);
              groupOf[op] = index;
            }
            changed = true;
          }
        }
      }
    }
    llvm::sort(group, [](Operation *a, Operation *b) {
      return a->isBeforeInBlock(b);
    });
  }
}

/// A transpose swapping the middle dims of a rank-4 tensor: [B, S, H, D]
/// to [B, H, S, D] and back, the layouts attention reads and writes.
static bool isHeadSwap(Operation *op) {
  auto transpose = dyn_cast<TransposeOp>(op);
  return transpose &&
         transpose.getPermutation() == ArrayRef<int64_t>{0, 2, 1, 3};
}

/// An attention with the head swaps of its query, key and value that only
/// it reads, and of its result where that is its only use: the kernel
/// reads and writes [B, S, H, D] tensors through strides instead.
static SmallVector<Operation *>
attentionGroup(AttentionOp attention,
               const llvm::SmallPtrSetImpl<Operation *> &taken) {
  Block *block = attention->getBlock();
  SmallVector<Operation *> group;
  for (Value operand : {attention.getQuery(), attention.getKey(),
                        attention.getValue()}) {
    Operation *def = operand.getDefiningOp();
    // (read as the query, key or value only: not as the mask)
    if (def && isHeadSwap(def) && !taken.contains(def) &&
        !llvm::is_contained(group, def) &&
        soleUser(def->getResult(0), block) == attention.getOperation() &&
        llvm::all_of(def->getUses(), [](OpOperand &use) {
          return use.getOperandNumber() < 3;
        }))
      group.push_back(def);
  }
  group.push_back(attention);
  Operation *user = soleUser(attention.getResult(), block);
  if (user && isHeadSwap(user) && !taken.contains(user))
    group.push_back(user);
  llvm::sort(group, [](Operation *a, Operation *b) {
    return a->isBeforeInBlock(b);
  });
  return group;
}

namespace {
struct FusePass : public tessera::graph::impl::TesseraGraphFuseBase<FusePass> {
  using Base::Base;

  void runOnOperation() override {
    // The function's blocks (and those of its control flow), not the bodies
    // of groups already made: fused ops, and kernels (tessera_schedule.kernel)
    // whose body is the program of one kernel as written.
    SmallVector<Block *> blocks;
    getOperation()->walk([&](Block *block) {
      Operation *parent = block->getParentOp();
      if (isa<FunctionOpInterface>(parent) ||
          !parent->hasTrait<OpTrait::IsIsolatedFromAbove>())
        blocks.push_back(block);
    });
    for (Block *block : blocks)
      fuseBlock(block);
  }

  void fuseBlock(Block *block) {
    llvm::SmallPtrSet<Operation *, 16> taken;
    SmallVector<std::pair<SmallVector<Operation *>, FusionKind>> groups;
    for (Operation &op : *block) {
      auto attention = dyn_cast<AttentionOp>(&op);
      if (!attention)
        continue;
      SmallVector<Operation *> group = attentionGroup(attention, taken);
      if (group.size() < 2)
        continue;
      taken.insert(group.begin(), group.end());
      groups.emplace_back(std::move(group), FusionKind::attention);
    }
    for (Operation &op : *block) {
      if (taken.contains(&op) || op.getNumResults() != 1 ||
          !(isElementwise(&op) || movesElements(&op) || isa<MatmulOp>(&op)))
        continue;
      FusionKind kind;
      SmallVector<Operation *> group = growGroup(&op, taken, kind);
      if (group.size() < 2)
        continue;
      taken.insert(group.begin(), group.end());
      groups.emplace_back(std::move(group), kind);
    }
    absorbProducers(block, groups, taken);
    for (auto &[group, kind] : groups)
      if (group.size() >= 2)
        outline(group, kind);
  }
};
} // namespace
