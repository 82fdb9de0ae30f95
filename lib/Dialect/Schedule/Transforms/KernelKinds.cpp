//===- KernelKinds.cpp - What a kernel body computes ----------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Schedule/Transforms/KernelKinds.h"
#include "Tessera/Dialect/Target/IR/TargetAttrs.h"
#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "Tessera/Dialect/Graph/IR/GraphOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::tessera;
using namespace mlir::tessera::schedule;

/// The reduced dims of a reduce op form a suffix (row) or a prefix (column)
/// of the input's dims.
static KernelKind classifyReduce(graph::ReduceOp op) {
  int64_t rank = op.getInput().getType().getRank();
  SmallVector<int64_t> dims(op.getDims());
  llvm::sort(dims);
  bool suffix = true, prefix = true;
  for (auto [i, d] : llvm::enumerate(dims)) {
    suffix &= d == rank - static_cast<int64_t>(dims.size()) +
                       static_cast<int64_t>(i);
    prefix &= d == static_cast<int64_t>(i);
  }
  if (suffix)
    return KernelKind::Row;
  if (prefix)
    return KernelKind::Column;
  return KernelKind::Unsupported;
}

static bool isLastDim(Operation *op, int64_t dim) {
  return dim == cast<RankedTensorType>(op->getOperand(0).getType()).getRank() - 1;
}

bool mlir::tessera::schedule::isIndexedGraphOp(Operation *op) {
  // Reductions of integers or over middle dims: loops at each position.
  if (auto reduce = dyn_cast<graph::ReduceOp>(op))
    return !isa<FloatType>(reduce.getInput().getType().getElementType()) ||
           classifyReduce(reduce) == KernelKind::Unsupported;
  // softmax along a dim other than the last: loops too.
  if (isa<graph::SoftmaxOp, graph::LogSoftmaxOp>(op))
    return !isLastDim(op, cast<IntegerAttr>(op->getAttr("dim")).getInt());
  return isa<graph::TransposeOp, graph::ReshapeOp, graph::BroadcastToOp,
             graph::SliceOp, graph::ConcatOp, graph::TakeOp,
             graph::DropoutOp, graph::ArgmaxOp, graph::ArgminOp>(op);
}

KernelShape mlir::tessera::schedule::classifyKernelBody(Block &body) {
  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator())
    ops.push_back(&op);
  return classifyKernelOps(ops);
}

bool mlir::tessera::schedule::isAttentionHeadSwap(Operation *op) {
  auto transpose = dyn_cast<graph::TransposeOp>(op);
  if (!transpose ||
      transpose.getPermutation() != ArrayRef<int64_t>{0, 2, 1, 3})
    return false;
  // Of the query, key or value (read by an attention as those only), or of
  // an attention's result (its only use).
  if (!transpose->use_empty() &&
      llvm::all_of(transpose->getUses(), [](OpOperand &use) {
        return isa<graph::AttentionOp>(use.getOwner()) &&
               use.getOperandNumber() < 3;
      }))
    return true;
  Operation *def = transpose.getInput().getDefiningOp();
  return isa_and_nonnull<graph::AttentionOp>(def) && def->hasOneUse();
}

KernelShape
mlir::tessera::schedule::classifyKernelOps(ArrayRef<Operation *> ops) {
  KernelShape shape;
  SmallVector<Operation *> anchors;
  Operation *indexed = nullptr;
  // (an attention's head swaps are its operands' and result's layouts)
  auto layout = [](Operation *op) { return isAttentionHeadSwap(op); };
  for (Operation *op : ops) {
    if (isa<graph::ConstantOp>(op) || isElementwiseGraphOp(op) || layout(op))
      continue;
    if (isIndexedGraphOp(op)) {
      indexed = indexed ? indexed : op;
      continue;
    }
    anchors.push_back(op);
  }
  if (anchors.empty()) {
    shape.kind = KernelKind::Elementwise;
    // A transpose or a concat on its own has a kernel of its own (and
    // defaults).
    if (ops.size() == 1 && isa<graph::TransposeOp, graph::ConcatOp>(ops.front()))
      shape.anchor = ops.front();
    return shape;
  }
  // A cumsum on its own: an elementwise kernel that walks the dim.
  if (ops.size() == 1 && isa<graph::CumsumOp>(ops.front())) {
    shape.kind = KernelKind::Elementwise;
    return shape;
  }
  if (indexed) {
    shape.culprit = indexed;
    shape.reason = "an op that moves elements in a kernel with a matmul, "
                   "reduction or attention";
    return shape;
  }
  if (anchors.size() > 1) {
    shape.culprit = anchors[1];
    shape.reason = "a kernel with more than one non-elementwise op";
    return shape;
  }
  Operation *anchor = shape.anchor = anchors.front();
  // Elementwise ops before the anchor would be a prologue; only matmul takes
  // an epilogue after it.
  bool others = false, prologue = false;
  for (Operation *op : ops) {
    if (op == anchor || isa<graph::ConstantOp>(op) ||
        (isa<graph::AttentionOp>(anchor) && layout(op)))
      continue;
    others = true;
    prologue |= op->isBeforeInBlock(anchor);
  }
  auto unsupported = [&](StringRef reason) {
    shape.kind = KernelKind::Unsupported;
    shape.culprit = anchor;
    shape.reason = reason.str();
    return shape;
  };
  if (auto matmul = dyn_cast<graph::MatmulOp>(anchor)) {
    if (prologue)
      return unsupported("an elementwise prologue into a matmul");
    shape.kind = KernelKind::Matmul;
    return shape;
  }
  if (others)
    return unsupported("elementwise ops fused around this op");
  if (auto reduce = dyn_cast<graph::ReduceOp>(anchor)) {
    // (float reductions over leading or trailing dims: the others are
    // indexed ops, above)
    shape.kind = classifyReduce(reduce);
    return shape;
  }
  // (softmax over the last dim: the others are indexed ops, above)
  if (isa<graph::SoftmaxOp, graph::LogSoftmaxOp>(anchor)) {
    shape.kind = KernelKind::Row;
    return shape;
  }
  if (isa<graph::LayerNormOp, graph::RmsNormOp>(anchor)) {
    shape.kind = KernelKind::Row;
    return shape;
  }
  if (isa<graph::AttentionOp>(anchor)) {
    shape.kind = KernelKind::Attention;
    return shape;
  }
  return unsupported("no GPU kernel for this op yet");
}

StringRef mlir::tessera::schedule::stringifyKernelKind(KernelKind kind) {
  switch (kind) {
  case KernelKind::Elementwise:
    return "elementwise";
  case KernelKind::Row:
    return "row";
  case KernelKind::Column:
    return "column";
  case KernelKind::Matmul:
    return "matmul";
  case KernelKind::Attention:
    return "attention";
  case KernelKind::Unsupported:
    return "unsupported";
  }
  llvm_unreachable("unknown kernel kind");
}

const target::TargetInfo *
mlir::tessera::schedule::getScheduleTarget(Operation *op, StringRef option) {
  StringRef chip = option;
  if (chip.empty())
    if (target::ChipAttr attr = target::ChipAttr::lookup(op))
      return &attr.getInfo();
  if (chip.empty())
    chip = "sm_90";
  const target::TargetInfo *info = target::lookupTargetInfo(chip);
  if (!info)
    op->emitError() << target::describeUnknownChip(chip);
  return info;
}

std::optional<target::MatrixKind>
mlir::tessera::schedule::getMatrixKind(MmaKind kind) {
  switch (kind) {
  case MmaKind::none:
    return std::nullopt;
  case MmaKind::mma_sync:
    return target::MatrixKind::MmaSync;
  case MmaKind::wgmma:
    return target::MatrixKind::Wgmma;
  case MmaKind::mfma:
    return target::MatrixKind::Mfma;
  }
  llvm_unreachable("unknown mma kind");
}

ConfigAttr mlir::tessera::schedule::getDefaultConfig(MLIRContext *ctx,
                                                     const KernelShape &shape,
                                                     const target::TargetInfo &chip) {
  switch (shape.kind) {
  case KernelKind::Elementwise:
    // A transpose on its own: boxes of 4096 elements, 4-byte accesses
    // where the last dim moves (the box turns around in shared memory),
    // 16-byte ones where it stays (the best of tile 1024/4096, 4/8 warps,
    // 2/4/8 f16 a thread on the H200:
    // bench/results/2026-12-01-h200-transpose-sweep.log).
    if (auto transpose = dyn_cast_if_present<graph::TransposeOp>(shape.anchor)) {
      ArrayRef<int64_t> perm = transpose.getPermutation();
      int64_t bytes = std::max<int64_t>(
          1, transpose.getType().getElementTypeBitWidth() / 8);
      bool moves = !perm.empty() && perm.back() != int64_t(perm.size()) - 1;
      int64_t vector = std::clamp<int64_t>((moves ? 4 : 16) / bytes, 1, 8);
      return ConfigAttr::get(ctx, {4096}, 4, 1, vector, 1, MmaKind::none, 1, 0);
    }
    // A concat on its own: copies in boxes of 4096 elements, 16-byte
    // accesses.
    if (auto concat = dyn_cast_if_present<graph::ConcatOp>(shape.anchor)) {
      int64_t bytes = std::max<int64_t>(
          1, concat.getType().getElementTypeBitWidth() / 8);
      return ConfigAttr::get(ctx, {4096}, 4, 1,
                             std::clamp<int64_t>(16 / bytes, 1, 8), 1,
                             MmaKind::none, 1, 0);
    }
    return ConfigAttr::get(ctx, {1024}, 4, 1);
  // Row and column kernels: the best of 1024/2048/4096 columns a step
  // (rows) and 8/16/32 rows a step (columns) on the H200
  // (bench/results/2026-11-30-h200-row-column-sweep.log): each thread 8
  // elements of a row a step (256 apart); 32 independent loads in flight
  // per thread down the columns.
  case KernelKind::Row: {
    // Softmax, log_softmax, layer_norm and rms_norm rows whose sizes are
    // whole vectors (the launch chooses, see lowerRow) take 16-byte
    // accesses per thread (softmax fp16 1.23x at 8 f16 against 1; layer
    // norm, read once from registers, 1.135x at 2, 1.142x at 4, 1.152x at
    // 8, on the H200: bench/results/2026-12-01-h200-row-vectors-sweep.log
    // and -resident-layer-norm-sweep.log). Reductions keep single elements
    // (their rows already run at the copy bandwidth).
    // Rows past what a block keeps in registers spread over a cluster
    // (split_k = auto, on chips with clusters; lowerRow picks the rows and
    // cluster sizes: bench/results/2026-12-02-h200-row-cluster-sizes.log).
    int64_t vector = 1, splitK = 1;
    if (isa_and_present<graph::SoftmaxOp, graph::LogSoftmaxOp,
                        graph::LayerNormOp, graph::RmsNormOp>(shape.anchor)) {
      int64_t width = std::max<int64_t>(
          1, getElementTypeOrSelf(shape.anchor->getOperand(0))
                     .getIntOrFloatBitWidth() /
                 8);
      vector = std::clamp<int64_t>(16 / width, 1, 8);
      if (chip.getMaxClusterBlocks() > 1)
        splitK = ConfigAttr::kSplitKAuto;
    }
    return ConfigAttr::get(ctx, {1, 2048}, 8, 1, vector, 1, MmaKind::none,
                           splitK, 0);
  }
  case KernelKind::Column:
    // The rows split at launch where the columns give fewer blocks than
    // the device has multiprocessors (see lowerColumn); 64 rows a step
    // (64 loads in flight per thread). The best of bench/sweep_columns.py
    // on the H200 over seven shapes from 512x65536 to 262144x256 (f32 sums:
    // 93-95% of copy bandwidth on the large ones, 1.75x torch.sum at 256
    // columns; bench/results/2026-12-02-h200-column-sweep.log).
    // f64 takes 32 rows a step: 64 would need about 296 registers.
    return ConfigAttr::get(
        ctx,
        {getElementTypeOrSelf(shape.anchor->getOperand(0)).isF64() ? 32 : 64,
         256},
        8, 1, 1, 1, MmaKind::none, ConfigAttr::kSplitKAuto, 0);
  case KernelKind::Matmul:
    // f16/bf16 with f32 accumulation on tensor cores (mma.sync, sm_80+):
    // 128x128 block tiles, 4 warps of 64x64, 64-deep k-steps in a
    // three-stage cp.async pipeline (the best of a sweep of tile shapes,
    // warps and stages on the H200; bench/results). Anything else is SIMT,
    // one output element per thread.
    // On Hopper (sm_90), matmuls wgmma takes ([M, K] x [K, N]) run on
    // wgmma with TMA: 128x256 block tiles, two warpgroups of 64x256,
    // 64-deep k-slices in a three-stage ring, blocks in groups of 16 rows
    // of tiles for L2 reuse (the best of sweeps on the H200:
    // bench/sweep_gemm.py, bench/results). A matmul without an epilogue
    // has K split at launch where the output has fewer tiles than the
    // device has multiprocessors (decode shapes: M = 1 to 64 against
    // 8192 x 8192, 1.7-1.9x on the H200); with an epilogue the kernel's
    // second copy of it cost the fused 8192x8192x1024 row 5%, so those
    // stay unsplit (split_k = auto by hand).
    // f8 takes 128-deep slices (the same 128-byte box rows) in a 4-stage
    // ring, K split at launch even with an epilogue (its scales): at M = 64
    // against 8192 x 8192 181 -> 230 TFLOP/s, the large shapes within 1%
    // (the best of a sweep on the H200: bench/sweep_fp8.py,
    // bench/results/2026-12-01-h200-fp8-sweep.log).
    if (chip.hasMatrixKind(target::MatrixKind::Wgmma) &&
        isWgmmaMatmul(shape.anchor)) {
      bool plain = llvm::all_of(shape.anchor->getUsers(), [](Operation *user) {
        return user->hasTrait<OpTrait::IsTerminator>();
      });
      int64_t bits = getElementTypeOrSelf(shape.anchor->getOperand(0))
                         .getIntOrFloatBitWidth();
      return ConfigAttr::get(ctx, {128, 256, 1024 / bits}, 8,
                             bits == 8 ? 4 : 3, 1, 16, MmaKind::wgmma,
                             plain || bits == 8 ? ConfigAttr::kSplitKAuto : 1,
                             0);
    }
    if (chip.hasMatrixKind(target::MatrixKind::MmaSync) &&
        isTensorCoreMatmul(shape.anchor))
      return ConfigAttr::get(ctx, {128, 128, 64}, 4, 3, 1, 1,
                             MmaKind::mma_sync, 1, 0);
    return ConfigAttr::get(ctx, {16, 16, 16}, 8, 1);
  case KernelKind::Attention:
    // FlashAttention-2 on tensor cores: 128 query rows per block (16 per
    // warp), key blocks double-buffered through shared memory: 64 keys for
    // head dims up to 64, 128 for larger ones (the best of a sweep of
    // tiles, warps and stages on the H200: bench/sweep_attention.py,
    // bench/results).
    // On Hopper, head dims of 64 and 128 run on wgmma: two warpgroups of
    // 64 query rows; 64 keys a step in a 3-stage TMA ring for head dims of
    // 64, 128 keys in a 2-stage one for 128 (the best of a sweep on the
    // H200: bench/results/2026-11-30-h200-attention-wgmma-sweep.log).
    // Head dims of 128 are warp-specialized: a producer warpgroup fills the
    // rings, the two consumer warpgroups run FlashAttention-3's loop in
    // turns (1.08-1.17x on every D128 row of bench/run.py:
    // bench/results/2026-12-02-h200-attention-pingpong-bench.log). Head
    // dims of 64 are not (at 64 keys a step 0.68-0.85x, at 128 keys
    // 0.86-1.03x of this default, slower at S = 1000:
    // -attention-pingpong-d64-sweep.log): the block of 384 threads at the
    // 168-register cap that 240-register consumers need leaves one block
    // per SM, where the 97-register kernel has two.
    if (chip.hasMatrixKind(target::MatrixKind::Wgmma) &&
        isWgmmaAttention(shape.anchor)) {
      auto attention = cast<graph::AttentionOp>(shape.anchor);
      int64_t d = cast<RankedTensorType>(attention.getQuery().getType())
                      .getShape()
                      .back();
      int64_t dv = cast<RankedTensorType>(attention.getValue().getType())
                       .getShape()
                       .back();
      if (d <= 64 && dv <= 64)
        return ConfigAttr::get(ctx, {128, 64}, 8, 3, 1, 1, MmaKind::wgmma, 1,
                               0);
      if (d <= 128 && dv <= 128)
        return ConfigAttr::get(ctx, {128, 128}, 8, 2, 1, 1, MmaKind::wgmma, 1,
                               4);
    }
    if (chip.hasMatrixKind(target::MatrixKind::MmaSync) &&
        isTensorCoreAttention(shape.anchor)) {
      int64_t headDim = cast<ShapedType>(shape.anchor->getOperand(0).getType())
                            .getShape()
                            .back();
      return ConfigAttr::get(ctx, {128, headDim > 64 ? 128 : 64}, 8, 2, 1, 1,
                             MmaKind::mma_sync, 1, 0);
    }
    // Without tensor cores, the same program on fma dots: 64 query rows
    // per block (two per thread, four lanes a row), 32 keys a step,
    // double-buffered (the best of a sweep on the H200:
    // bench/results/2026-11-30-h200-simt-attention-fma-sweep.log); where
    // its buffers would not fit the chip's shared memory (f64, wide heads,
    // AMD's 64 KB), single-buffered, then 32 query rows.
    {
      auto attention = cast<graph::AttentionOp>(shape.anchor);
      auto query = cast<RankedTensorType>(attention.getQuery().getType());
      auto value = cast<RankedTensorType>(attention.getValue().getType());
      int64_t bytes = std::max<int64_t>(
          1, query.getElementType().getIntOrFloatBitWidth() / 8);
      // Head dims padded to whole 32-byte rows (dynamic ones: 256, the
      // largest the program takes).
      int64_t headDim = 0;
      for (int64_t d : {query.getShape().back(), value.getShape().back()})
        headDim = std::max(headDim, ShapedType::isDynamic(d) ? 256 : d);
      headDim = llvm::alignTo(headDim * bytes, 32) / bytes;
      // Q, K and V per stage, the scores, and the row statistics' scratch.
      auto sharedBytes = [&](int64_t rows, int64_t keys, int64_t stages) {
        return bytes * (rows * headDim + 2 * stages * keys * headDim +
                        rows * keys) +
               4096;
      };
      int64_t rows = 64, stages = 2;
      if (sharedBytes(rows, 32, stages) > chip.getMaxSharedBytes())
        stages = 1;
      if (sharedBytes(rows, 32, stages) > chip.getMaxSharedBytes())
        rows = 32;
      return ConfigAttr::get(ctx, {rows, 32}, 4, stages);
    }
  case KernelKind::Unsupported:
    return ConfigAttr::get(ctx, {1024}, 4, 1);
  }
  llvm_unreachable("unknown kernel kind");
}

RowClassesAttr mlir::tessera::schedule::getDefaultRowClasses(
    MLIRContext *ctx, const KernelShape &shape,
    const target::TargetInfo &chip) {
  // Hopper wgmma matmuls whose output has few rows (decode: M of 1 to 64
  // against large weights) are bound by reading the weights. The default's
  // 128x256 tiles give them few blocks, and K split over a second kernel;
  // one warpgroup's 64-row tiles give more blocks and split less or not at
  // all. The best of a sweep of M = 1-256 against 8192 x 8192 on the H200
  // (bench/results/2026-12-01-h200-decode-sweep.log): f16/bf16 64x256
  // tiles for M <= 16 (0.95/0.89x cuBLAS at M = 1, default 0.90/0.78),
  // 64x64 in a 6-stage ring for M <= 64 (0.95x, default 0.79); f8
  // (128-deep slices) 64x256 for M <= 16 and 64x64 for M <= 128 (1.27x the
  // default at 64, 1.41x at 128). 64x128 tiles also beat the default at
  // M = 128-256 (0.97/0.87x cuBLAS at 256, default 0.75/0.70), but every
  // class is a kernel more to compile (each with its SIMT fallback: a
  // class costs the GEMM's compile about 0.1 s), so the classes stop at
  // decode shapes.
  if (shape.kind != KernelKind::Matmul ||
      !chip.hasMatrixKind(target::MatrixKind::Wgmma) ||
      !isWgmmaMatmul(shape.anchor))
    return {};
  int64_t bits =
      getElementTypeOrSelf(shape.anchor->getOperand(0)).getIntOrFloatBitWidth();
  int64_t k = 1024 / bits;
  auto config = [&](int64_t bn, int64_t stages) {
    return ConfigAttr::get(ctx, {64, bn, k}, 4, stages, 1, 16, MmaKind::wgmma,
                           ConfigAttr::kSplitKAuto, 0);
  };
  if (bits == 8)
    return RowClassesAttr::get(ctx, {16, 128}, {config(256, 4), config(64, 6)});
  return RowClassesAttr::get(ctx, {16, 64}, {config(256, 4), config(64, 6)});
}

bool mlir::tessera::schedule::isTensorCoreMatmul(Operation *op) {
  auto matmul = dyn_cast_or_null<graph::MatmulOp>(op);
  if (!matmul)
    return false;
  Type lhs = getElementTypeOrSelf(matmul.getLhs().getType());
  Type rhs = getElementTypeOrSelf(matmul.getRhs().getType());
  if (lhs != rhs || !(lhs.isF16() || lhs.isBF16()))
    return false;
  Type acc = getMatmulAccumulateType(matmul);
  return acc.isF32();
}

bool mlir::tessera::schedule::isWgmmaMatmul(Operation *op) {
  auto matmul = dyn_cast_or_null<graph::MatmulOp>(op);
  if (!matmul || matmul.getTransposeLhs() ||
      cast<RankedTensorType>(matmul.getRhs().getType()).getRank() != 2)
    return false;
  // (a transposed rhs is K-major in its boxes: the dot reads them through
  // a `trans` view)
  if (isTensorCoreMatmul(op))
    return true;
  // f8 (one of e4m3 and e5m2) into f32: 8-bit wgmma reads both operands
  // K-major, so the rhs must be [N, K] in memory (`x @ w.T`).
  Type lhs = getElementTypeOrSelf(matmul.getLhs().getType());
  Type rhs = getElementTypeOrSelf(matmul.getRhs().getType());
  return lhs == rhs && isa<Float8E4M3FNType, Float8E5M2Type>(lhs) &&
         matmul.getTransposeRhs() && getMatmulAccumulateType(matmul).isF32();
}

MmaOperandTile mlir::tessera::schedule::getMmaOperandTile(ConfigAttr config,
                                                          Operation *op,
                                                          bool isLhs) {
  ArrayRef<int64_t> tile = config.getTile();
  auto matmul = cast<graph::MatmulOp>(op);
  // The block tile as it lies in global memory (K rows when the operand is
  // K-major): the box the kernel copies.
  bool kMajor = isLhs ? matmul.getTransposeLhs() : !matmul.getTransposeRhs();
  int64_t other = isLhs ? tile[0] : tile[1];
  MmaOperandTile result;
  result.kMajor = kMajor;
  result.rows = kMajor ? tile[2] : other;
  result.cols = kMajor ? other : tile[2];
  return result;
}

bool mlir::tessera::schedule::isTensorCoreAttention(Operation *op) {
  auto attention = dyn_cast_or_null<graph::AttentionOp>(op);
  if (!attention)
    return false;
  auto q = cast<RankedTensorType>(attention.getQuery().getType());
  auto v = cast<RankedTensorType>(attention.getValue().getType());
  Type element = q.getElementType();
  if (!(element.isF16() || element.isBF16()))
    return false;
  for (int64_t dim : {q.getShape().back(), v.getShape().back()})
    if (ShapedType::isDynamic(dim) || dim % 16 != 0 || dim > 256)
      return false;
  return true;
}

bool mlir::tessera::schedule::isWgmmaAttention(Operation *op) {
  if (!isTensorCoreAttention(op))
    return false;
  auto attention = cast<graph::AttentionOp>(op);
  for (Value operand : {attention.getQuery(), attention.getValue()})
    if (cast<RankedTensorType>(operand.getType()).getShape().back() % 64 != 0)
      return false;
  return true;
}
