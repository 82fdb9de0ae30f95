//===- KernelKinds.h - What a kernel body computes --------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_SCHEDULE_TRANSFORMS_KERNELKINDS_H
#define TESSERA_DIALECT_SCHEDULE_TRANSFORMS_KERNELKINDS_H

#include "Tessera/Dialect/Schedule/IR/ScheduleAttrs.h"
#include "Tessera/Dialect/Target/IR/TargetInfo.h"
#include "mlir/IR/Block.h"
#include <optional>
#include "llvm/ADT/StringRef.h"

namespace mlir::tessera::schedule {

/// The kernel shapes the GPU lowering knows how to generate.
enum class KernelKind {
  /// Only elementwise ops, and ops that move elements (transpose, reshape,
  /// broadcast_to, slice, concat, take, dropout, argmax/argmin): a thread
  /// per output element.
  Elementwise,
  /// softmax, log_softmax, layer_norm, rms_norm, reduce over trailing dims:
  /// one block per row.
  Row,
  /// reduce over leading dims: one thread per output column.
  Column,
  /// matmul with an elementwise epilogue.
  Matmul,
  /// attention.
  Attention,
  /// anything else.
  Unsupported,
};

/// A kernel body's kind, its anchor (the one op that is not elementwise;
/// null for elementwise kernels but a lone transpose, whose kernel is its
/// own), and for unsupported bodies the op at fault.
struct KernelShape {
  KernelKind kind = KernelKind::Unsupported;
  Operation *anchor = nullptr;
  Operation *culprit = nullptr;
  std::string reason;
};

/// True for the ops an elementwise kernel computes at an output position by
/// reading their inputs at other positions: transpose, reshape,
/// broadcast_to, slice, concat, take, dropout (which hashes its position),
/// argmax/argmin and the reductions row and column kernels do not take
/// (integer ones, over middle dims; softmax and log_softmax over a dim
/// other than the last): loops along the reduced dims at each position.
bool isIndexedGraphOp(Operation *op);

/// True for a transpose swapping the middle dims of a rank-4 tensor that
/// is an attention's operand layout: of its query, key or value (read by
/// attentions as those only), or of its result (the result's only use).
/// The attention kernel reads and writes such [B, S, H, D] tensors through
/// strides (Attention.cpp).
bool isAttentionHeadSwap(Operation *op);

/// Classifies the ops of `body` (its terminator and constants aside).
KernelShape classifyKernelBody(Block &body);

/// Classifies `ops`, in block order, as the body of one kernel.
KernelShape classifyKernelOps(ArrayRef<Operation *> ops);

llvm::StringRef stringifyKernelKind(KernelKind kind);

/// The chip a schedule pass targets: its `chip` option when set, else the
/// module's #tessera_target.chip, else sm_90. Null (with an error on `op`)
/// when the chip is unknown.
const target::TargetInfo *getScheduleTarget(Operation *op,
                                            llvm::StringRef option);

/// The matrix instruction family a schedule's `mma` asks for (none: null).
std::optional<target::MatrixKind> getMatrixKind(MmaKind kind);

/// The default config of a kernel of `shape` on `chip`.
ConfigAttr getDefaultConfig(MLIRContext *ctx, const KernelShape &shape,
                            const target::TargetInfo &chip);

/// The default configs of a kernel of `shape` on `chip` for outputs of few
/// rows (decode shapes), chosen at launch; null where the default config
/// serves every shape.
RowClassesAttr getDefaultRowClasses(MLIRContext *ctx,
                                    const KernelShape &shape,
                                    const target::TargetInfo &chip);

/// Rows of the warp grid of an mma kernel with `warps` warps (the smallest
/// power of two whose square is at least `warps`); columns are the rest.
int64_t getWarpRows(int64_t warps);

/// True if the matmul `op` can run on mma.sync tensor cores: f16 or bf16
/// operands of one type, accumulating in f32.
bool isTensorCoreMatmul(Operation *op);

/// True if the attention `op` can run on mma.sync tensor cores: f16 or
/// bf16, with static head dims (query/key and value) that are multiples of
/// 16, at most 256.
bool isTensorCoreAttention(Operation *op);

/// True if the attention `op` can run on wgmma: a tensor-core attention
/// whose head dims (query/key and value) are multiples of 64 (128-byte
/// rows of f16/bf16: TMA boxes into 128-byte swizzled buffers).
bool isWgmmaAttention(Operation *op);

/// True if `op` is a matmul the wgmma lowering takes: an untransposed lhs
/// and a 2-d rhs (TMA boxes of [M, K] lhs rows and [K, N] or, transposed,
/// [N, K] rhs rows), accumulating in f32 from f16/bf16 operands or from f8
/// ones (e4m3 or e5m2) with the rhs transposed (8-bit wgmma reads both
/// operands K-major).
bool isWgmmaMatmul(Operation *op);

/// The most elements of a non-splat constant an elementwise kernel embeds
/// in its code (chosen by position); larger ones, and non-splat ones other
/// kernels read, are buffers the host function fills.
constexpr int64_t kMaxEmbeddedConstantElements = 64;

/// How a tensor-core matmul stages one operand's block tile in shared
/// memory: `rows` x `cols` elements as they lie in global memory (K rows if
/// the operand is K-major), each row padded to `ld` elements.

struct MmaOperandTile {
  bool kMajor;
  int64_t rows, cols;
};
MmaOperandTile getMmaOperandTile(ConfigAttr config, Operation *matmul,
                                 bool isLhs);

} // namespace mlir::tessera::schedule

#endif // TESSERA_DIALECT_SCHEDULE_TRANSFORMS_KERNELKINDS_H
