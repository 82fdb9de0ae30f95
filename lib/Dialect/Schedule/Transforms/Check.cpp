//===- Check.cpp - Reject schedules the target cannot run -----------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Graph/IR/GraphOps.h"
#include "Tessera/Dialect/Schedule/IR/ScheduleOps.h"
#include "Tessera/Dialect/Schedule/Transforms/KernelKinds.h"
#include "Tessera/Dialect/Schedule/Transforms/Passes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

namespace mlir::tessera::schedule {
#define GEN_PASS_DEF_TESSERASCHEDULECHECK
#include "Tessera/Dialect/Schedule/Transforms/Passes.h.inc"
} // namespace mlir::tessera::schedule

using namespace mlir;
using namespace mlir::tessera;
using namespace mlir::tessera::schedule;

int64_t mlir::tessera::schedule::getWarpRows(int64_t warps) {
  int64_t rows = 1;
  while (rows * rows < warps)
    rows *= 2;
  return rows;
}

/// Checks one config of a kernel of `shape`; reports the first violation.
static LogicalResult checkConfig(KernelOp kernel, ConfigAttr config,
                                 const KernelShape &shape,
                                 const target::TargetInfo &chip) {
  StringRef chipName = chip.getChip();
  auto error = [&]() {
    return kernel.emitOpError() << "config " << config << " ";
  };
  int64_t threads = config.getThreads();
  // Register tiles are spread over whole warps of the chip.
  auto notWholeWarps = [&](StringRef what) {
    return error() << "has " << threads
                   << " threads per block, not whole warps of "
                   << chip.getWarpSize() << " on " << chipName << ": " << what
                   << " spread over whole warps";
  };
  if (threads > chip.getMaxThreadsPerBlock())
    return error() << "has " << threads << " threads per block, but "
                   << chipName << " allows " << chip.getMaxThreadsPerBlock();
  // Shared memory and registers are not estimated here:
  // tessera-tile-allocate-shared places the buffers of the kernel the
  // generator writes and estimates its registers from its register tiles,
  // and checks both against the chip (one model of what a block needs).

  ArrayRef<int64_t> tile = config.getTile();
  MmaKind mma = config.getMma();
  if (std::optional<target::MatrixKind> kind = getMatrixKind(mma))
    if (!chip.hasMatrixKind(*kind))
      return error() << "uses " << stringifyMmaKind(mma) << ", which "
                     << chipName << " does not have (it is on "
                     << target::TargetInfo::describeChipsWith(*kind) << ")";

  // Knobs the GPU lowering does not read are refused, not ignored.
  if (config.getSwizzle() != 1 && shape.kind != KernelKind::Matmul)
    return error() << "sets swizzle = " << config.getSwizzle()
                   << ", which orders the blocks of matmul kernels only";
  std::string splitK = config.isSplitKAuto()
                           ? std::string("auto")
                           : std::to_string(config.getSplitK());
  if (config.getSplitK() != 1 && shape.kind != KernelKind::Matmul &&
      shape.kind != KernelKind::Column && shape.kind != KernelKind::Row)
    return error() << "sets split_k = " << splitK
                   << ", which splits the K loop of matmul kernels, the rows "
                      "of column kernels and the rows of row kernels only";
  if (config.getProducerWarps() != 0 &&
      ((shape.kind != KernelKind::Matmul &&
        shape.kind != KernelKind::Attention) ||
       mma != MmaKind::wgmma))
    return error() << "sets producer_warps = " << config.getProducerWarps()
                   << ", which only wgmma matmul and attention kernels have "
                      "(a warpgroup issuing their TMA copies)";
  if (config.getProducerWarps() != 0 && config.getSplitK() != 1)
    return error() << "sets producer_warps with split_k; the "
                      "warp-specialized kernel does not split K yet";
  if (config.getWarps() + config.getProducerWarps() > 32)
    return error() << "has " << config.getWarps() << " warps and "
                   << config.getProducerWarps()
                   << " producer warps; a block has at most 32";
  if (config.getSplitK() > 64)
    return error() << "sets split_k = " << config.getSplitK()
                   << "; at most 64 slices (each is a partial output "
                      "tile in global memory)";
  int64_t vector = config.getVector();
  if (vector != 1 && shape.kind != KernelKind::Elementwise &&
      shape.kind != KernelKind::Row && shape.kind != KernelKind::Column)
    return error() << "sets vector = " << vector
                   << ", which only elementwise, row and column kernels use "
                      "so far";

  switch (shape.kind) {
  case KernelKind::Elementwise:
    // Each thread accesses `vector` contiguous elements at a time.
    if (tile.size() != 1 || tile[0] % (threads * vector) != 0)
      return error() << "must have one tile size that is a multiple of the "
                     << threads << " threads per block times vector ("
                     << vector << ")";
    break;
  case KernelKind::Column:
    // A block walks its columns down the rows in register tiles of [rows,
    // columns], `vector` contiguous columns per thread.
    if (threads % chip.getWarpSize() != 0)
      return notWholeWarps("a column kernel's tiles are");
    if (tile.size() != 2)
      return error() << "must have a [rows, columns] tile: column kernels "
                        "walk a block's columns down the rows that many at "
                        "a time";
    if (tile[1] % (threads * vector) != 0)
      return error() << "must have columns (" << tile[1]
                     << ") a multiple of the " << threads
                     << " threads per block times vector (" << vector
                     << ")";
    break;
  case KernelKind::Row:
    // The row is walked in register tiles of `columns`, `vector`
    // contiguous ones per thread.
    if (threads % chip.getWarpSize() != 0)
      return notWholeWarps("a row kernel's tiles are");
    if (tile.size() != 2 || tile[0] != 1)
      return error() << "must have a [1, columns] tile: row kernels process "
                        "one row per block";
    if (tile[1] % (threads * vector) != 0)
      return error() << "must have columns (" << tile[1]
                     << ") a multiple of the " << threads
                     << " threads per block times vector (" << vector
                     << "): the row is walked in register tiles of that "
                        "many columns";
    // split_k spreads each row over a cluster of blocks (their statistics
    // combined through distributed shared memory).
    if (config.getSplitK() != 1) {
      if (!isa_and_present<graph::SoftmaxOp, graph::LogSoftmaxOp,
                           graph::LayerNormOp, graph::RmsNormOp>(shape.anchor))
        return error() << "sets split_k = " << splitK
                       << " on a row reduction; rows spread over clusters "
                          "are softmax, log_softmax, layer_norm and rms_norm "
                          "rows";
      if (!config.isSplitKAuto() &&
          config.getSplitK() > chip.getMaxClusterBlocks())
        return error() << "sets split_k = " << splitK
                       << ", which spreads each row over a cluster of that "
                          "many blocks, but "
                       << (chip.getMaxClusterBlocks() == 0
                               ? chipName.str() + " has no clusters"
                               : chipName.str() + " clusters hold at most " +
                                     std::to_string(
                                         chip.getMaxClusterBlocks()) +
                                     " blocks");
    }
    break;
  case KernelKind::Matmul: {
    if (tile.size() != 3)
      return error() << "must have an [M, N, K] tile for a matmul";
    if (mma == MmaKind::none) {
      if (tile[0] * tile[1] != threads)
        return error() << "must have M * N (" << tile[0] * tile[1]
                       << ") equal to the " << threads
                       << " threads per block: without tensor cores each "
                          "thread computes one element";
      // The output tile is a register tile spread over whole warps (its
      // encoding's lanes make one warp of the chip).
      if (threads % chip.getWarpSize() != 0)
        return notWholeWarps("the SIMT matmul's output tile is");
      break;
    }
    if (mma != MmaKind::mma_sync && mma != MmaKind::wgmma &&
        mma != MmaKind::mfma)
      return error() << "uses " << stringifyMmaKind(mma)
                     << ", which the GPU lowering does not generate yet";
    Type element = getElementTypeOrSelf(shape.anchor->getOperand(0));
    bool isF8 = isa<Float8E4M3FNType, Float8E5M2Type>(element);
    // wgmma's block tiles: a slice of K is one 128-byte box row (64 of
    // f16/bf16, 128 of f8); one warpgroup (4 warps) per BM / warpgroups
    // rows.
    auto checkWgmmaTile = [&](int64_t sliceK,
                              StringRef operands) -> LogicalResult {
      int64_t groups = config.getWarps() / 4;
      if (config.getWarps() % 4 != 0 || tile[2] != sliceK ||
          tile[1] % 64 != 0 || tile[1] > 256 || tile[0] > 256 ||
          tile[0] % (64 * std::max<int64_t>(groups, 1)) != 0)
        return error() << "must have K = " << sliceK
                       << ", N a multiple of 64 up to 256, warps a multiple "
                          "of 4 and M a multiple of 64 per warpgroup (up to "
                          "256) for wgmma"
                       << operands;
      return success();
    };
    if (mma == MmaKind::wgmma && isF8) {
      // 8-bit wgmma: both operands K-major, so the rhs is [N, K] in
      // memory; 128-deep slices; where the tensor maps are invalid the SIMT
      // program runs.
      if (!isWgmmaMatmul(shape.anchor))
        return error() << "uses wgmma on " << element
                       << " operands, which needs the rhs [N, K] in memory "
                          "(`x @ w.T`, transpose_rhs) and f32 accumulation: "
                          "8-bit wgmma reads both operands with K "
                          "contiguous";
      if (failed(checkWgmmaTile(128, " on 8-bit operands")))
        return failure();
      if (config.getStages() < 2)
        return error() << "must have at least 2 stages for wgmma (the "
                          "k-loop is a ring of stages)";
      break;
    }
    if (!isTensorCoreMatmul(shape.anchor))
      return error() << "uses " << stringifyMmaKind(mma)
                     << ", which needs f16 or bf16 operands of "
                        "one type accumulating in f32"
                     << (mma == MmaKind::wgmma
                             ? " (or f8 ones with the rhs [N, K] in memory)"
                             : "")
                     << "; this matmul has "
                     << getElementTypeOrSelf(shape.anchor->getOperand(0))
                     << " x "
                     << getElementTypeOrSelf(shape.anchor->getOperand(1))
                     << " operands";
    if (mma == MmaKind::mfma) {
      // Wavefronts of 64 threads, each a grid of 16x16x16 mfma tiles.
      int64_t waves = threads / 64;
      int64_t waveRows = getWarpRows(std::max<int64_t>(waves, 1));
      int64_t waveCols = std::max<int64_t>(waves, 1) / waveRows;
      if (threads % 64 != 0 || tile[0] % (16 * waveRows) != 0 ||
          tile[1] % (16 * waveCols) != 0 || tile[2] % 16 != 0)
        return error() << "must have whole 64-thread wavefronts, M a multiple "
                          "of "
                       << 16 * waveRows << ", N a multiple of "
                       << 16 * waveCols
                       << " and K a multiple of 16 for mfma with " << waves
                       << " wavefronts (" << waveRows << "x" << waveCols
                       << ")";
      break;
    }
    if (mma == MmaKind::wgmma) {
      // TMA boxes of 64-element (128-byte, swizzled) rows: the lhs as
      // [M, K] rows, the rhs as [K, N] rows in 64-column boxes (or [N, K]
      // rows, transposed); one warpgroup (4 warps) per BM / warpgroups rows.
      if (!isWgmmaMatmul(shape.anchor))
        return error() << "uses wgmma, which the GPU lowering generates only "
                          "for an untransposed lhs ([M, K] x [K, N] or "
                          "[N, K]^T) and a 2-d rhs; use mma_sync for others";
      if (failed(checkWgmmaTile(64, "")))
        return failure();
    }
    int64_t warpRows = getWarpRows(config.getWarps());
    int64_t warpCols = config.getWarps() / warpRows;
    if (tile[0] % (16 * warpRows) != 0 || tile[1] % (16 * warpCols) != 0 ||
        tile[2] % 16 != 0)
      return error() << "must have M a multiple of " << 16 * warpRows
                     << ", N a multiple of " << 16 * warpCols
                     << " and K a multiple of 16 for mma_sync with "
                     << config.getWarps() << " warps (" << warpRows << "x"
                     << warpCols << ")";
    if (config.getStages() < 2)
      return error() << "must have at least 2 stages for "
                     << stringifyMmaKind(mma)
                     << " (the k-loop double-buffers its shared tiles)";
    for (bool isLhs : {true, false}) {
      MmaOperandTile operand = getMmaOperandTile(config, shape.anchor, isLhs);
      int64_t chunks = operand.rows * operand.cols / 8;
      if (operand.cols % 8 != 0 || chunks % threads != 0)
        return error() << "must split the " << operand.rows << "x"
                       << operand.cols << " " << (isLhs ? "lhs" : "rhs")
                       << " tile into 8-element copies that the " << threads
                       << " threads share evenly";
    }
    break;
  }
  case KernelKind::Attention: {
    if (mma == MmaKind::none) {
      // fma dots on blocked tiles: a warp's lanes [warp / 4, 4] over
      // [query rows, keys], so a block covers threads / 4 rows at a time.
      if (threads % chip.getWarpSize() != 0)
        return notWholeWarps("an attention's score tiles are");
      if (tile.size() != 2 || tile[0] % (threads / 4) != 0 ||
          tile[1] % 4 != 0)
        return error() << "must have a [query rows, keys] tile with rows a "
                          "multiple of "
                       << threads / 4 << " (four lanes share a row of the "
                       << threads
                       << " threads' scores) and keys a multiple of 4 for "
                          "attention without tensor cores";
      break;
    }
    if (mma == MmaKind::wgmma) {
      // Two programs: wgmma (TMA boxes of 64 columns, one m64 per
      // warpgroup) and, where the tensor maps cannot be encoded, the
      // mma_sync one of the same tile.
      if (!isWgmmaAttention(shape.anchor))
        return error() << "uses wgmma, which needs f16 or bf16 attention "
                          "with static head dims that are multiples of 64 "
                          "(at most 256)";
      if (config.getWarps() % 4 != 0 || tile.size() != 2 ||
          tile[0] != 16 * config.getWarps() || tile[1] % 64 != 0 ||
          tile[1] > 256)
        return error() << "must have a [16 * warps, N] tile for wgmma "
                          "attention (64 query rows per warpgroup of 4 "
                          "warps) with N a multiple of 64, at most 256";
      break;
    }
    if (mma != MmaKind::mma_sync)
      return error() << "uses " << stringifyMmaKind(mma)
                     << " for attention, which the GPU lowering does not "
                        "generate yet";
    if (!isTensorCoreAttention(shape.anchor))
      return error() << "uses mma_sync, which needs f16 or bf16 attention "
                        "with static head dims that are multiples of 16 "
                        "(at most 256)";
    if (tile.size() != 2 || tile[0] != 16 * config.getWarps() ||
        tile[1] % 16 != 0)
      return error() << "must have a [16 * warps, N] tile for attention ("
                     << 16 * config.getWarps()
                     << " query rows, one warp per 16) and N a multiple of 16";
    // Any number of stages: the key/value loop is pipelined by
    // tessera-tile-pipeline; copies of any box are shared among the
    // block's threads (tessera-tile-allocate-shared checks the bytes).
    break;
  }
  default:
    break;
  }
  return success();
}

namespace {
struct CheckPass : public schedule::impl::TesseraScheduleCheckBase<CheckPass> {
  using Base::Base;

  void runOnOperation() override {
    const target::TargetInfo *limits =
        getScheduleTarget(getOperation(), chip);
    if (!limits)
      return signalPassFailure();
    bool failed = false;
    getOperation().walk([&](KernelOp kernel) {
      KernelShape shape = classifyKernelBody(kernel.getBody().front());
      if (mlir::failed(
              checkConfig(kernel, kernel.getConfig(), shape, *limits))) {
        failed = true;
        return;
      }
      if (KnobSpaceAttr knobs = kernel.getKnobsAttr())
        for (ConfigAttr candidate : knobs.getCandidates())
          if (mlir::failed(
                  checkConfig(kernel, candidate, shape, *limits))) {
            failed = true;
            return;
          }
      if (RowClassesAttr classes = kernel.getRowClassesAttr()) {
        // Launch-time classes by the output's rows: matmul kernels only,
        // and not with an autotuner's candidates (which would time the
        // kernel's config while another ran).
        if (shape.kind != KernelKind::Matmul) {
          kernel.emitOpError()
              << "has row_classes, which only matmul kernels take (this kernel is "
              << stringifyKernelKind(shape.kind) << ")";
          failed = true;
          return;
        }
        if (kernel.getKnobsAttr()) {
          kernel.emitOpError() << "has both row_classes and knobs: an "
                                  "autotuner's candidates replace the config "
                                  "at every number of rows";
          failed = true;
          return;
        }
        for (ConfigAttr config : classes.getConfigs())
          if (mlir::failed(checkConfig(kernel, config, shape, *limits))) {
            failed = true;
            return;
          }
      }
    });
    if (failed)
      signalPassFailure();
  }
};
} // namespace
