//===- Assign.cpp - Group Graph IR into scheduled kernels -----------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Graph/IR/GraphOps.h"
#include "Tessera/Dialect/Schedule/IR/ScheduleOps.h"
#include "Tessera/Dialect/Schedule/Transforms/KernelKinds.h"
#include "Tessera/Dialect/Schedule/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::tessera::schedule {
#define GEN_PASS_DEF_TESSERASCHEDULEASSIGN
#include "Tessera/Dialect/Schedule/Transforms/Passes.h.inc"
} // namespace mlir::tessera::schedule

using namespace mlir;
using namespace mlir::tessera;
using namespace mlir::tessera::schedule;

/// Moves the ops of a fused group out into its parent block, in place of
/// the group.
static void inlineFused(graph::FusedOp fused) {
  Block &body = fused.getBody().front();
  auto yield = cast<graph::YieldOp>(body.getTerminator());
  IRMapping mapping;
  mapping.map(body.getArguments(), fused.getInputs());
  OpBuilder builder(fused);
  for (Operation &op : body.without_terminator())
    builder.clone(op, mapping);
  SmallVector<Value> results;
  for (Value v : yield.getValues())
    results.push_back(mapping.lookup(v));
  fused->replaceAllUsesWith(results);
  fused->erase();
}

/// True if a kernel of `kind` takes constant `op` into its code: splats
/// (a scalar), and in elementwise kernels small non-splat ones (chosen by
/// position). Others stay outside as the kernel's inputs: buffers the host
/// function fills with the data (tessera_target.constant).
static bool embedsConstant(Operation *op, KernelKind kind) {
  auto value = dyn_cast<DenseElementsAttr>(cast<graph::ConstantOp>(op).getValue());
  if (!value || value.isSplat())
    return true;
  return kind == KernelKind::Elementwise &&
         value.getNumElements() <= kMaxEmbeddedConstantElements;
}

/// Wraps `ops` (consecutive in their block; for a fused group, its body
/// ops) in a tessera_schedule.kernel placed at `anchor`, replacing `results`.
static void wrap(Operation *at, ArrayRef<Operation *> ops,
                 ValueRange results, ConfigAttr config,
                 RowClassesAttr rowClasses, KernelKind kind) {
  llvm::SmallPtrSet<Operation *, 8> members(ops.begin(), ops.end());
  llvm::SetVector<Value> inputs;
  SmallVector<Operation *> constants;
  for (Operation *op : ops)
    for (Value operand : op->getOperands()) {
      Operation *def = operand.getDefiningOp();
      if (members.contains(def))
        continue;
      if (def && isa<graph::ConstantOp>(def) && embedsConstant(def, kind)) {
        if (!llvm::is_contained(constants, def))
          constants.push_back(def);
        continue;
      }
      inputs.insert(operand);
    }

  OpBuilder builder(at);
  auto kernel = KernelOp::create(builder, at->getLoc(), results.getTypes(),
                                 inputs.getArrayRef(), config,
                                 /*knobs=*/KnobSpaceAttr(), rowClasses);
  Block *body = builder.createBlock(&kernel.getBody());
  IRMapping mapping;
  for (Value input : inputs)
    mapping.map(input, body->addArgument(input.getType(), input.getLoc()));
  for (Operation *constant : constants)
    builder.clone(*constant, mapping);
  for (Operation *op : ops)
    builder.clone(*op, mapping);
  YieldOp::create(builder, at->getLoc(),
                  llvm::to_vector(llvm::map_range(
                      results, [&](Value v) { return mapping.lookup(v); })));
  for (auto [from, to] : llvm::zip(results, kernel.getResults()))
    from.replaceAllUsesWith(to);
}

/// A kernel copying `value`, an argument or a constant that the function
/// returns as it is: GPU outputs are buffers that kernels write (a
/// constant a kernel embeds is written from its code, others are read from
/// the buffer the host fills).
static Value copyKernel(OpBuilder &builder, Location loc, Value value,
                        ConfigAttr config) {
  OpBuilder::InsertionGuard guard(builder);
  auto constant = value.getDefiningOp<graph::ConstantOp>();
  bool embedded =
      constant && embedsConstant(constant, KernelKind::Elementwise);
  SmallVector<Value> inputs;
  if (!embedded)
    inputs.push_back(value);
  auto kernel = KernelOp::create(builder, loc, TypeRange{value.getType()},
                                 inputs, config, KnobSpaceAttr(),
                                 RowClassesAttr());
  Block *body = builder.createBlock(&kernel.getBody());
  Value result = embedded ? builder.clone(*constant)->getResult(0)
                          : Value(body->addArgument(value.getType(), loc));
  YieldOp::create(builder, loc, result);
  return kernel.getResult(0);
}

namespace {
struct AssignPass
    : public schedule::impl::TesseraScheduleAssignBase<AssignPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    const target::TargetInfo *limits = getScheduleTarget(func, chip);
    if (!limits)
      return signalPassFailure();
    MLIRContext *ctx = &getContext();
    for (Block &block : func.getBody()) {
      // Fused groups that have no single-kernel schedule are split first.
      for (Operation &op : llvm::make_early_inc_range(block))
        if (auto fused = dyn_cast<graph::FusedOp>(op))
          if (classifyKernelBody(fused.getBody().front()).kind ==
              KernelKind::Unsupported)
            inlineFused(fused);

      for (Operation &op : llvm::make_early_inc_range(block)) {
        if (auto fused = dyn_cast<graph::FusedOp>(op)) {
          Block &body = fused.getBody().front();
          KernelShape shape = classifyKernelBody(body);
          ConfigAttr config = getDefaultConfig(ctx, shape, *limits);
          // Wrap the group's body ops directly, with the group's inputs;
          // constants among them move into the kernel (as `wrap` does).
          OpBuilder builder(fused);
          auto embedded = [&](Value input) {
            Operation *def = input.getDefiningOp<graph::ConstantOp>();
            return def && embedsConstant(def, shape.kind);
          };
          SmallVector<Value> inputs;
          for (Value input : fused.getInputs())
            if (!embedded(input))
              inputs.push_back(input);
          auto kernel = KernelOp::create(
              builder, fused.getLoc(), fused.getResultTypes(), inputs, config,
              KnobSpaceAttr(), getDefaultRowClasses(ctx, shape, *limits));
          kernel.getBody().takeBody(fused.getBody());
          Block &moved = kernel.getBody().front();
          OpBuilder inside = OpBuilder::atBlockBegin(&moved);
          for (int64_t i = fused.getInputs().size() - 1; i >= 0; --i) {
            if (!embedded(fused.getInputs()[i]))
              continue;
            auto constant =
                fused.getInputs()[i].getDefiningOp<graph::ConstantOp>();
            moved.getArgument(i).replaceAllUsesWith(
                inside.clone(*constant)->getResult(0));
            moved.eraseArgument(i);
          }
          auto yield = cast<graph::YieldOp>(moved.getTerminator());
          builder.setInsertionPoint(yield);
          YieldOp::create(builder, yield.getLoc(), yield.getValues());
          yield.erase();
          fused->replaceAllUsesWith(kernel.getResults());
          fused->erase();
          continue;
        }
        if (op.getDialect() !=
                ctx->getLoadedDialect<graph::GraphDialect>() ||
            isa<graph::ConstantOp>(op))
          continue;
        KernelShape shape = classifyKernelOps({&op});
        wrap(&op, {&op}, op.getResults(),
             getDefaultConfig(ctx, shape, *limits),
             getDefaultRowClasses(ctx, shape, *limits), shape.kind);
        op.erase();
      }
      // Every result a buffer of its own: arguments and constants returned
      // as they are, and values returned a second time, get a copy kernel
      // each.
      if (auto ret = dyn_cast<func::ReturnOp>(block.getTerminator())) {
        OpBuilder builder(ret);
        KernelShape copy;
        copy.kind = KernelKind::Elementwise;
        ConfigAttr config = getDefaultConfig(ctx, copy, *limits);
        llvm::SmallPtrSet<Value, 4> returned;
        for (OpOperand &operand : ret->getOpOperands()) {
          Value value = operand.get();
          if (!isa<RankedTensorType>(value.getType()))
            continue;
          if (returned.insert(value).second &&
              !isa<BlockArgument>(value) &&
              !value.getDefiningOp<graph::ConstantOp>())
            continue;
          operand.set(copyKernel(builder, ret.getLoc(), value, config));
        }
      }
      // Constants now used only inside kernels are dead.
      for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
        if (isa<graph::ConstantOp>(op) && op.use_empty())
          op.erase();
    }
  }
};
} // namespace
