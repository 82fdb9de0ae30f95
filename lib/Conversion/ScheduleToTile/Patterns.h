//===- Patterns.h - Schedule IR to Tile IR, shared pieces ----*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Private to the Schedule->Tile conversion: what its files share. The host
// side and the pass (HostOutlining.cpp) call one lowering per kernel family
// (Elementwise.cpp, RowReduction.cpp, ColumnReduction.cpp, Matmul*.cpp,
// Attention.cpp); each family builds the kernel body through emitKernel.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_LIB_CONVERSION_SCHEDULETOTILE_PATTERNS_H
#define TESSERA_LIB_CONVERSION_SCHEDULETOTILE_PATTERNS_H

#include "Tessera/Dialect/Graph/IR/GraphOps.h"
#include "Tessera/Dialect/Schedule/IR/ScheduleOps.h"
#include "Tessera/Dialect/Schedule/Transforms/KernelKinds.h"
#include "Tessera/Dialect/Target/IR/TargetOps.h"
#include "Tessera/Dialect/Tile/IR/TileOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::tessera::schedule_to_tile {

/// The argument attribute that marks a rank-0 argument of a Graph IR
/// function as a runtime scalar (a Python number in the call): GPU kernels
/// take its value as a parameter.
inline constexpr llvm::StringLiteral kScalarAttr = "tessera.scalar";

using schedule::KernelKind;
using schedule::KernelShape;

//===----------------------------------------------------------------------===//
// Small builders (HostOutlining.cpp)
//===----------------------------------------------------------------------===//

Value indexConstant(OpBuilder &b, Location loc, int64_t v);
/// The product of index values (1 for none).
Value product(OpBuilder &b, Location loc, ArrayRef<Value> values);
/// 1 where the index `size` is not a multiple of `of`, else 0, in the
/// launch plan's arithmetic (which has no remainder or comparison): the
/// gate of a host's choice between a kernel of `of`-element vectors and one
/// of single elements.
Value notMultipleOf(OpBuilder &b, Location loc, Value size, int64_t of);
/// `config` with `vector` elements a thread (a variant's kernel config).
schedule::ConfigAttr withVector(schedule::ConfigAttr config, int64_t vector);
Value zeroOf(OpBuilder &b, Location loc, Type type);
Value floatConstant(OpBuilder &b, Location loc, Type type, double v);
Value indexToFloat(OpBuilder &b, Location loc, Value index, Type type);
Value programId(OpBuilder &b, Location loc, int64_t axis);
/// A tessera_tile.map of `inputs` to a tile of `type` whose body is built
/// by `element` from the inputs' elements.
Value mapTiles(OpBuilder &b, Location loc, RankedTensorType type,
               ValueRange inputs,
               function_ref<Value(OpBuilder &, ValueRange)> element);
/// Coordinates of this block in a flat grid over `extents` (the first
/// fastest; the last extent may be null: it is never divided by).
SmallVector<Value> flatBlockIds(OpBuilder &b, Location loc,
                                ArrayRef<Value> extents);
/// Blocks of a matmul kernel: (tile of N, tile of M, batch entry). Row-major
/// (tiles of N fastest) for `swizzle` 1; else in groups of `swizzle` rows of
/// tiles, down a group's rows first (the schedule's tile-order swizzle).
SmallVector<Value> matmulBlockIds(OpBuilder &b, Location loc, Value m, Value n,
                                  int64_t bm, int64_t bn, int64_t swizzle);
MemRefType flatBufferType(Type element);
/// A flat kernel buffer as a view of `count` elements (the bound of the
/// tile loads, gathers and stores that read or write it).
Value flatView(OpBuilder &b, Location loc, Value buffer, Value count);
/// The one op of a kernel body, if it is an `OpT` whose first operand is an
/// argument of the kernel, else null (the kernels of one transpose or one
/// cumsum).
template <typename OpT>
OpT getLoneOp(Block &body) {
  auto ops = body.without_terminator();
  if (std::distance(ops.begin(), ops.end()) != 1)
    return nullptr;
  auto op = dyn_cast<OpT>(*ops.begin());
  if (!op || !isa<BlockArgument>(op->getOperand(0)))
    return nullptr;
  return op;
}

/// The warp size of the chip `module` is compiled for (its
/// #tessera_target.chip; 32 without one).
int64_t getWarpSize(ModuleOp module);

//===----------------------------------------------------------------------===//
// The host function and kernel outlining (HostOutlining.cpp)
//===----------------------------------------------------------------------===//

/// The parameters of a kernel being built, with the host values the launch
/// passes for them: flat buffers (bare pointers) first-come, then sizes.
struct KernelSignature {
  SmallVector<Value> hostArgs;
  SmallVector<Type> types;
  /// The launch's arithmetic (a host index value), where the family knows
  /// it: the `flops` of the next launch emitKernel creates (which consumes
  /// it).
  Value flops;

  /// Parameters that are runtime scalars (by value; the kernel body sees
  /// each as a one-element buffer, like the tensors it reads).
  llvm::SmallDenseSet<unsigned> scalars;
  /// A buffer parameter: a flat buffer of `hostMemRef`'s elements, or for a
  /// runtime scalar (a host value that is not a memref) its value.
  unsigned addBuffer(Value hostMemRef) {
    hostArgs.push_back(hostMemRef);
    if (!isa<MemRefType>(hostMemRef.getType())) {
      types.push_back(hostMemRef.getType());
      scalars.insert(types.size() - 1);
      return types.size() - 1;
    }
    types.push_back(flatBufferType(
        cast<MemRefType>(hostMemRef.getType()).getElementType()));
    return types.size() - 1;
  }
  unsigned addValue(Value hostValue) {
    hostArgs.push_back(hostValue);
    types.push_back(hostValue.getType());
    return types.size() - 1;
  }
  unsigned addSize(Value hostIndex) {
    hostArgs.push_back(hostIndex);
    types.push_back(IndexType::get(hostIndex.getContext()));
    return types.size() - 1;
  }
};

/// State of the host function being built.
struct HostState {
  ModuleOp module;
  OpBuilder builder;            // in the host function
  IRMapping buffers;            // graph tensor -> host memref
  DenseMap<Value, SmallVector<Value>> sizes; // host memref -> its sizes
  std::string name;
  unsigned kernels = 0;

  ArrayRef<Value> sizesOf(Value tensor) { return sizes[buffers.lookup(tensor)]; }
};

/// Kernel parameters for the dynamic sizes of a tensor of `type` with host
/// sizes `sizes`: dim -> parameter, -1 where the dim is static.
SmallVector<int64_t> addSizeParams(KernelSignature &sig, RankedTensorType type,
                                   ArrayRef<Value> sizes);
/// The sizes of a tensor of `type` in the kernel: constants, or the
/// parameters `which` gives (from addSizeParams).
SmallVector<Value> sizesFromParams(OpBuilder &b, Location loc,
                                   RankedTensorType type, ValueRange params,
                                   ArrayRef<int64_t> which);
/// Allocates a host buffer of tensor type `type` with `sizes`.
Value allocate(HostState &host, Location loc, RankedTensorType type,
               ArrayRef<Value> sizes);

/// Creates the kernel function and the launch; `body` fills the kernel.
/// With `cluster` > 1 the launch groups its blocks in clusters of that many
/// consecutive blocks along x (`tessera.cluster` on the kernel; the grid's
/// x extent must be a multiple); `maxRegisters` > 0 caps the registers per
/// thread (`tessera.max_registers`).
LogicalResult
emitKernel(HostState &host, Location loc, StringRef kind,
           schedule::ConfigAttr config, KernelSignature &sig,
           ArrayRef<Value> grid, int64_t sharedBytes,
           function_ref<LogicalResult(OpBuilder &, ValueRange)> body,
           int64_t cluster = 1, int64_t maxRegisters = 0);

/// Makes `a == b` a launch condition unless it holds by construction.
void requireEqual(HostState &host, Location loc, Value a, Value b,
                  const Twine &reason);
/// Requires the dynamic dims of `input` (a host-level graph value) to equal
/// the sizes they broadcast to (aligned at the trailing dims).
void requireBroadcastsTo(HostState &host, Location loc, Value input,
                         ArrayRef<Value> target, StringRef reason);
/// Host sizes of the broadcast of `inputs` to `resultType`.
SmallVector<Value> broadcastSizes(HostState &host, Location loc,
                                  RankedTensorType resultType,
                                  ValueRange inputs);

//===----------------------------------------------------------------------===//
// Elementwise math at one output position (Elementwise.cpp)
//===----------------------------------------------------------------------===//

/// Evaluates the elementwise ops of a kernel body at one output position:
/// block arguments are loaded through `load`, the anchor's value (if any)
/// is given.
struct PointEvaluator {
  Block &body;
  function_ref<Value(BlockArgument)> load;
  Operation *anchor = nullptr;
  Value anchorValue;
  /// The element's indices in `positionType` (index scalars), for ops that
  /// round stochastically: those of that shape hash them, as the CPU path
  /// does; others are refused.
  ArrayRef<Value> position = {};
  RankedTensorType positionType = {};

  FailureOr<Value> evaluate(OpBuilder &b, Value result);
};

/// The scalar of a splat constant (arith.constant), or the error that
/// non-splat constants are not supported inside kernels.
FailureOr<Value> splatConstant(OpBuilder &b, graph::ConstantOp constant);
/// Offset into a row-major input of shape `inputShape` at the output
/// multi-index `index`, with NumPy broadcasting.
Value broadcastOffset(OpBuilder &b, Location loc, ArrayRef<int64_t> inputShape,
                      ArrayRef<Value> outSizes, ArrayRef<Value> index);
/// True if an input of `inputShape` needs no broadcasting for `outShape`.
bool sameShape(ArrayRef<int64_t> inputShape, ArrayRef<int64_t> outShape);
/// The multi-index of flat position `flat` in an output with `sizes`.
SmallVector<Value> unflatten(OpBuilder &b, Location loc, Value flat,
                             ArrayRef<Value> sizes);

//===----------------------------------------------------------------------===//
// Block programs of matmul kernels (Matmul.cpp, MatmulMma.cpp)
//===----------------------------------------------------------------------===//

/// A view of the flat `buffer` with `sizes` and `strides` from `offset`
/// (constant offsets and strides are static in its type): the bounds that
/// tile loads and stores are masked at.
Value stridedView(OpBuilder &b, Location loc, Value buffer, Value offset,
                  ArrayRef<Value> sizes, ArrayRef<Value> strides);

/// The register tile types of a BM x BN output tile in one encoding: the
/// tile, its rows (a value per row: dim 1 removed) and its columns.
struct OutputTiles {
  int64_t bm, bn;
  Attribute encoding;

  RankedTensorType tile(Type element) const {
    return RankedTensorType::get({bm, bn}, element, encoding);
  }
  RankedTensorType rows(Type element) const {
    return RankedTensorType::get(
        {bm}, element,
        tile::SliceEncodingAttr::get(encoding.getContext(), 1, encoding));
  }
  RankedTensorType cols(Type element) const {
    return RankedTensorType::get(
        {bn}, element,
        tile::SliceEncodingAttr::get(encoding.getContext(), 0, encoding));
  }
  /// An index tile of the elements' coordinates along `axis` (1: rows, a
  /// value per row; 0: columns) from `origin`: a range along the slice,
  /// broadcast to the tile.
  Value coordinates(OpBuilder &b, Location loc, int64_t axis,
                    Value origin) const;
  /// The same coordinates on the slice along `axis` (`rows` or `cols`),
  /// before the broadcast: one per row (axis 1) or column (axis 0).
  Value sliceCoordinates(OpBuilder &b, Location loc, int64_t axis,
                         Value origin) const;
};

/// A block program's walk along one axis of a 2-d view in register tiles
/// of `tiles` (row kernels walk the columns of their row, axis 1; column
/// kernels the rows of their columns, axis 0), `across` the fixed
/// coordinate on the other axis (RowReduction.cpp). The whole tiles come
/// first, then a last one for the rest: where the view is at least a tile
/// long, the tile ending at `length`, which lies in bounds (loads and
/// stores without masks) and overlaps the whole tiles before; else the
/// tile at 0, past `length` (masked).
struct TileWalk {
  using Step =
      function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)>;
  /// One element's term of a statistic, from the element loaded and those
  /// of the statistic's other inputs.
  using Term = function_ref<Value(OpBuilder &, Value, ValueRange)>;

  OpBuilder &b;
  Location loc;
  OutputTiles tiles;
  int64_t axis;
  Value length, across;  // the view's extent along the axis; the other index
  bool acrossInBounds;   // the tiles' extent across lies within the view
  int64_t step;          // the tiles' extent along the axis
  Value zero;
  Value whole;           // `length` rounded down to whole tiles
  Value last;            // where the last tile starts

  TileWalk(OpBuilder &b, Location loc, OutputTiles tiles, int64_t axis,
           Value length, Value across, bool acrossInBounds);

  /// The tile of `view` at position `at` along the axis, declared
  /// `in_bounds` where the caller knows it lies in bounds along the axis
  /// and the extent across does too.
  Value load(OpBuilder &lb, Value view, Value at, bool inBounds);
  /// True (an i1 tile) at the elements of the last tile that no whole tile
  /// has: from `whole` to `length`.
  Value isNew(OpBuilder &lb);
  /// `body` over the whole tiles, then (where `length` is not a whole
  /// number of tiles) `lastBody` at `last`, carrying `inits`.
  SmallVector<Value> walk(ValueRange inits, Step body, Step lastBody);
  /// Reduces `term` of each element of the view `x` (terms in `compute`)
  /// along the axis with `kind`: a tile without the axis. `stats` are
  /// tiles that `term` reads too (earlier statistics, broadcast). The last
  /// tile counts only its new elements (a select).
  Value statistic(graph::ReduceKind kind, Type compute, Value x,
                  ValueRange stats, Term term);
  /// The same statistic before its reduction over the block: the tile
  /// each thread accumulated (statistic reduces it along the axis).
  Value partialStatistic(graph::ReduceKind kind, Type compute, Value x,
                         ValueRange stats, Term term);
  /// A statistic repeated along the axis.
  Value broadcast(Value stat);
};

/// The end of a matmul block program: the fused elementwise ops after the
/// matmul applied to the accumulator tile and the result stored, masked at
/// M and N. Operands of the output's shape are loaded as boxes like it,
/// broadcast ones gathered at offsets computed from the output's
/// coordinates; all in the accumulator's encoding.
struct TileEpilogue {
  Block &body;
  graph::MatmulOp matmul;
  Value result; // what the schedule kernel yields
  RankedTensorType outType;
  SmallVector<BlockArgument> epilogueArgs; // what the fused ops read
  SmallVector<unsigned> batchParams;
  unsigned outParam, mParam, nParam;
  Type resultElement;

  /// `acc` is the BMxBN tile of batch entry `bz` at [row0, col0].
  /// `preloaded`, where given, holds an operand tile per epilogue argument
  /// (null: load it here), as loadRowInvariant returns them.
  LogicalResult emit(OpBuilder &b, Location loc, ValueRange params, Value acc,
                     Value bz, Value row0, Value col0,
                     ArrayRef<Value> preloaded = {}) const;

  /// Whether the fused ops read `arg` as one row for every output row:
  /// NumPy-broadcast along M (a bias, a column scale).
  bool rowInvariant(BlockArgument arg) const;

  /// The tiles of type `tile`'s shape and encoding of the row-invariant
  /// operands at batch entry `bz` and columns from `col0`, null for the
  /// others: an epilogue that walks the block's rows loads them once,
  /// outside its loop, and hands them to emit (they are the same for every
  /// row of a tile whose rows lie in one dimension of the encoding).
  SmallVector<Value> loadRowInvariant(OpBuilder &b, Location loc,
                                      ValueRange params,
                                      RankedTensorType tile, Value bz,
                                      Value col0) const;
  /// The others': the tiles of type `tile`'s shape and encoding of the
  /// operands that vary by row, at batch entry `bz` and [row0, col0], null
  /// for the row-invariant ones (an epilogue that walks its rows loads
  /// them a step ahead).
  SmallVector<Value> loadRowVarying(OpBuilder &b, Location loc,
                                    ValueRange params, RankedTensorType tile,
                                    Value bz, Value row0, Value col0) const;

private:
  /// The operand tiles of the epilogue arguments that `wanted` selects
  /// (null for the others) for the output tile of `tiles` at batch entry
  /// `bz` and [row0, col0].
  SmallVector<Value> loadOperands(OpBuilder &b, Location loc,
                                  ValueRange params, const OutputTiles &tiles,
                                  Value bz, Value row0, Value col0,
                                  function_ref<bool(unsigned)> wanted) const;
};

/// A matmul split along K into `factor` slices (the schedule's split_k):
/// the flat grid's last index z is batch entry z mod batch of slice
/// z / batch; each block sums its slice of K and stores the partial tile
/// (in the accumulator's type) to `workspace` [factor * batch, M, N]; a
/// second kernel (emitSplitKReduce) adds the slices and runs the epilogue.
struct SplitK {
  int64_t factor = 1;
  unsigned workspaceParam = 0;
  /// `split_k = auto`: the factor is the kernel parameter `factorParam`,
  /// chosen by the host at launch (1: no split, and no second kernel).
  bool automatic = false;
  unsigned factorParam = 0;

  bool enabled() const { return factor > 1 || automatic; }
  /// The number of slices, in a kernel.
  Value factorIn(OpBuilder &b, Location loc, ValueRange params) const;
  /// The block's batch entry and slice from the grid's last index `z`.
  std::pair<Value, Value> split(OpBuilder &b, Location loc, Value z,
                                Value batch) const;
  /// The slice's steps [first, end) of `count` steps of K.
  std::pair<Value, Value> steps(OpBuilder &b, Location loc, ValueRange params,
                                Value slice, Value count) const;
  /// Stores the partial tile `acc` of grid index `z` at [row0, col0].
  void store(OpBuilder &b, Location loc, ValueRange params, Value acc,
             Value z, Value m, Value n, Value row0, Value col0) const;
  /// What a block does with its tile `acc` at [row0, col0]: the epilogue
  /// unsplit, the partial store split; with an automatic factor, the
  /// epilogue where it is 1 at launch, else the store.
  LogicalResult finish(OpBuilder &b, Location loc, ValueRange params,
                       Value acc, Value z, Value m, Value n, Value row0,
                       Value col0,
                       function_ref<LogicalResult(OpBuilder &)> epilogue) const;
};

/// This block's place in a matmul's grid (matmulBlockIds, in the
/// schedule's swizzled order): its output tile's origin, its batch entry,
/// the grid's last index (`gridZ`) and, split along K, its slice.
struct MatmulBlock {
  Value row0, col0, batchEntry, gridZ, slice;

  MatmulBlock(OpBuilder &b, Location loc, Value m, Value n, int64_t bm,
              int64_t bn, schedule::ConfigAttr config, const SplitK &split,
              ValueRange params, ArrayRef<unsigned> batchParams);
};

/// Batch entries of a matmul kernel: the product of its batch sizes.
Value matmulBatch(OpBuilder &b, Location loc, ValueRange params,
                  ArrayRef<unsigned> batchParams);

/// The block program of a tensor-core matmul kernel with instruction `mma`
/// (mma_sync or mfma): per BK slice of K, box copies of the lhs and rhs
/// tiles into padded shared buffers (transposed operands copied in their
/// stored order and viewed through tessera_tile.trans) and a dot, the
/// block's warps of `warpSize` lanes in a grid of schedule::getWarpRows
/// rows, in a loop of `stages` stages; then the epilogue. The loop is built
/// twice under a uniform branch: where both operands' rows are 16-byte
/// aligned its copies are declared `aligned`.
LogicalResult buildTensorCoreProgram(OpBuilder &b, Location loc,
                                    ValueRange params,
                                    schedule::ConfigAttr config,
                                    graph::MatmulOp matmul, tile::MmaAttr mma,
                                    int64_t warpSize, unsigned lhsParam,
                                    unsigned rhsParam, unsigned kParam,
                                    const TileEpilogue &epilogue,
                                    const SplitK &split);

//===----------------------------------------------------------------------===//
// Tensor-core matmul bodies (MatmulMma.cpp, MatmulWgmma.cpp)
//===----------------------------------------------------------------------===//

/// The block program of a wgmma matmul kernel (sm_90a). Each block
/// computes a BMxBN tile of one batch entry; its warps / 4 warpgroups take
/// 64 rows each. Per 64-deep slice of K, box copies through the host's
/// tensor maps (TMA) fill 128-byte swizzled buffers (the lhs box [BM, 64]
/// of the [batch, M, K] lhs, the rhs box [64, BN] of the [K, N] rhs, in
/// 64-column blocks) and arrive on the slice's mbarrier; the block waits
/// on it and issues a wgmma dot; tessera-tile-pipeline makes the loop a
/// `stages`-deep ring. The accumulator goes through shared memory to a
/// row-major tile (consecutive threads, consecutive columns) for the
/// epilogue.
///
/// TMA needs 16-byte aligned buffers with rows of 16-byte multiples; when
/// the runtime could not encode the tensor maps (their `valid` parameters
/// are 0) the kernel runs the SIMT block program instead, whose buffers
/// share bytes with the TMA path's (the branches exclude each other).
struct WgmmaMatmul {
  schedule::ConfigAttr config;
  graph::MatmulOp matmul;
  unsigned lhsParam, rhsParam, kParam, lhsMapParam, lhsValidParam,
      rhsMapParam, rhsValidParam;

  /// The K of a box row: 128 bytes (one swizzled row) of `element`: 64 of
  /// f16/bf16, 128 of f8.
  static int64_t boxK(Type element) {
    return 1024 / element.getIntOrFloatBitWidth();
  }
  /// The k of one wgmma on `element`: 32 bytes (16 of f16/bf16, 32 of f8).
  static int64_t mmaK(Type element) {
    return 256 / element.getIntOrFloatBitWidth();
  }

  static nvgpu::TensorMapDescriptorType mapType(MLIRContext *ctx,
                                                ArrayRef<int64_t> box,
                                                Type element);
  static nvgpu::TensorMapDescriptorType lhsMapType(schedule::ConfigAttr config,
                                                   Type element);
  static nvgpu::TensorMapDescriptorType
  rhsMapType(schedule::ConfigAttr config, Type element, bool transposed);

  /// The kernel: the TMA program where both tensor maps are valid, else
  /// `fallback` (the SIMT block program).
  LogicalResult build(OpBuilder &b, Location loc, ValueRange params,
                      function_ref<LogicalResult(OpBuilder &)> fallback,
                      const TileEpilogue &epilogue, const SplitK &split);

  LogicalResult buildTma(OpBuilder &b, Location loc, ValueRange params,
                         const TileEpilogue &epilogue, const SplitK &split);

  /// True (i1) where both tensor maps could be encoded.
  Value mapsValid(OpBuilder &b, Location loc, ValueRange params) const;
  /// True for a batched ([batch, M, K]) lhs.
  bool isBatched() const;
  /// True for `a @ b^T`: the rhs is [N, K] in memory.
  bool transposedRhs() const;
  /// A shared box of B for one slice of K: [64, BN], or [BN, 64] where the
  /// rhs is transposed ([N, K] in memory: a K-major operand).
  tile::SmemType rhsBoxType(int64_t bn, Type element) const;
  /// The box's coordinates in the rhs's tensor map.
  SmallVector<Value> rhsAt(Value k0, Value n0) const;
  /// What the dot reads: the box, or its `trans` view (K-major).
  Value rhsOperand(OpBuilder &b, Location loc, Value box) const;
  /// The lhs as [batch, M, K] (a batch of one for a 2-d lhs) and the rhs
  /// as [K, N]: the operands as the tensor maps see them.
  std::pair<Value, Value> operandViews(OpBuilder &b, Location loc,
                                       ValueRange params,
                                       const TileEpilogue &epilogue) const;

  /// The warp-specialized kernel (`producer_warps`): a producer warpgroup
  /// fills a ring of `stages` slots by TMA, the `warps` consumer warps wait
  /// on each slot's barrier, run the wgmma dots and free it; then the
  /// epilogue. Where the maps are invalid it does nothing (the kernel's
  /// SIMT companion runs).
  LogicalResult buildWarpSpecialized(OpBuilder &b, Location loc,
                                     ValueRange params,
                                     const TileEpilogue &epilogue);
};

/// A `tessera_tile.warp_specialize` with `captures`, a default region whose
/// results are `results`, and one partition of `producerWarps` warps whose
/// block arguments are the captures (a producer filling rings of shared
/// buffers by TMA, as the warp-specialized matmul and attention have).
/// Register budgets: `consumerRegisters` for the default region,
/// `producerRegisters` for the partition.
tile::WarpSpecializeOp createWarpSpecialize(OpBuilder &b, Location loc,
                                            TypeRange results,
                                            ValueRange captures,
                                            int32_t producerWarps,
                                            int32_t consumerRegisters,
                                            int32_t producerRegisters);

//===----------------------------------------------------------------------===//
// One lowering per kernel family
//===----------------------------------------------------------------------===//

LogicalResult lowerElementwise(HostState &host, schedule::KernelOp kernel);
/// True if `body` has ops that read their inputs at other positions
/// (schedule::isIndexedGraphOp): its kernel is built by lowerIndexed
/// (Indexed.cpp).
bool hasIndexedOps(Block &body);
LogicalResult lowerIndexed(HostState &host, schedule::KernelOp kernel);
/// The transpose a kernel body is made of (one transpose of an argument of
/// rank 2 or more, yielded), else null: its kernel is built by
/// lowerTranspose (Transpose.cpp).
graph::TransposeOp getPureTranspose(Block &body);
LogicalResult lowerTranspose(HostState &host, schedule::KernelOp kernel,
                             graph::TransposeOp transpose);
/// The concat a kernel body is made of (one concat of arguments, yielded),
/// else null: its kernel is built by lowerConcat (Transpose.cpp).
graph::ConcatOp getPureConcat(Block &body);
LogicalResult lowerConcat(HostState &host, schedule::KernelOp kernel,
                          graph::ConcatOp concat);
/// The cumsum a kernel body is made of (one cumsum of an argument), else
/// null: its kernel is built by lowerCumsum (Scan.cpp).
graph::CumsumOp getLoneCumsum(Block &body);
LogicalResult lowerCumsum(HostState &host, schedule::KernelOp kernel,
                          graph::CumsumOp cumsum);
LogicalResult lowerRow(HostState &host, schedule::KernelOp kernel,
                       Operation *anchor);
LogicalResult lowerColumn(HostState &host, schedule::KernelOp kernel,
                          graph::ReduceOp reduce);
LogicalResult lowerMatmul(HostState &host, schedule::KernelOp kernel,
                          graph::MatmulOp matmul);
LogicalResult lowerAttention(HostState &host, schedule::KernelOp kernel,
                             graph::AttentionOp op);

} // namespace mlir::tessera::schedule_to_tile

#endif // TESSERA_LIB_CONVERSION_SCHEDULETOTILE_PATTERNS_H
