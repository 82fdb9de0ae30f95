//===- Transpose.cpp - Kernels that permute a tensor's dims ---------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Kernels that move boxes of elements: a transpose, and a concat, of the
// kernel's arguments.
//
// A kernel whose body is one transpose of an argument: 2-d boxes of the
// output, one per block, over two of its dims (`q` and the last), the
// others batch dims of the grid. Where the permutation keeps the last dim
// in place (a [B, S, H, D] -> [B, H, S, D] permutation), the box is a
// strided box of the input too: rows of contiguous elements loaded as
// 16-byte vectors and stored again. Where it moves the last dim (a 2-d
// transpose), `q` is the dim the input's last dim goes to: the box is read
// from the input along its own rows, written into shared memory, read back
// through a transposed view and stored along the output's rows, so that
// both global accesses are coalesced; where its accesses are vectors, a
// second kernel moves the same box as single elements for the launches
// whose rows are not whole vectors (the host gates the two grids).
//
// A kernel whose body is one concat of arguments along `dim`: every piece
// is a matrix of [dims before `dim`] rows and [its `dim` and the dims after]
// columns, and so is the output, in which the piece's columns start at the
// pieces' before it. Each piece is copied by a kernel of its own in boxes of
// rows, as the transpose that keeps the last dim does (one row where the
// rows are statically one: a concat along the first dim).
//
// The elementwise schedule's threads are the block's; its `tile` is the
// box's element count (a square box of the largest power of two whose
// square fits it where the last dim moves; rows of 8 vectors where it
// stays); `vector` the elements a thread moves at once. The defaults
// (getDefaultConfig): 4096-element boxes, 4-byte accesses where the last
// dim moves, 16-byte ones where it stays and for a concat.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

graph::TransposeOp getPureTranspose(Block &body) {
  auto transpose = getLoneOp<graph::TransposeOp>(body);
  if (!transpose || transpose.getType().getRank() < 2)
    return nullptr;
  return transpose;
}

/// Row-major strides of `sizes`.
static SmallVector<Value> stridesOf(OpBuilder &b, Location loc,
                                    ArrayRef<Value> sizes) {
  SmallVector<Value> strides(sizes.size());
  Value stride = indexConstant(b, loc, 1);
  for (int64_t d = sizes.size() - 1; d >= 0; --d) {
    strides[d] = stride;
    stride = arith::MulIOp::create(b, loc, stride, sizes[d]);
  }
  return strides;
}

/// How a block's box of elements is shaped.
enum class BoxShape {
  Square, // the largest power of two whose square fits the tile
  Rows,   // rows of 8 vectors (at least a warp's elements), as many as fit
  Row,    // one row of the tile's elements
};

/// The register tile a block moves under an elementwise schedule: `tile`
/// elements, `vector` contiguous ones per thread along the rows, the warps
/// down the rows (or, for one row, along it).
static FailureOr<RankedTensorType>
boxType(schedule::KernelOp kernel, schedule::ConfigAttr config, StringRef kind,
        int64_t warpSize, Type element, BoxShape shape) {
  MLIRContext *ctx = kernel.getContext();
  int64_t warps = config.getThreads() / warpSize;
  int64_t vector = config.getVector();
  int64_t tile = config.getTile()[0];
  int64_t rows = 1, cols;
  switch (shape) {
  case BoxShape::Square:
    while (4 * rows * rows <= tile)
      rows *= 2;
    cols = rows;
    break;
  case BoxShape::Rows:
    // 8 vectors, or a warp's lanes where the vectors are narrow.
    cols = std::max<int64_t>(8 * vector, warpSize);
    rows = std::max<int64_t>(1, tile / cols);
    break;
  case BoxShape::Row:
    cols = tile;
    break;
  }
  int64_t laneCols = std::max<int64_t>(1, std::min(warpSize, cols / vector));
  int64_t warpRows = shape == BoxShape::Row ? 1 : warps;
  int64_t warpCols = warps / warpRows;
  if (cols % vector != 0 || warpSize % laneCols != 0 ||
      !llvm::isPowerOf2_64(rows) ||
      rows < warpRows * (warpSize / laneCols) ||
      cols % (warpCols * laneCols * vector) != 0)
    return kernel.emitOpError()
           << "has a " << kind << " schedule (" << config << ") whose box of " << rows
           << "x" << cols << " elements does not give each of its "
           << warps * warpSize << " threads whole vectors of " << vector
           << ": use a larger tile or fewer warps";
  auto encoding = tile::BlockedEncodingAttr::get(
      ctx, {warpRows, warpCols}, {warpSize / laneCols, laneCols}, {1, vector});
  return RankedTensorType::get({rows, cols}, element, encoding);
}

/// The box of `vectors` (a boxType) as single elements: the same warps,
/// consecutive lanes on consecutive elements of a row.
static RankedTensorType singleElements(RankedTensorType vectors,
                                       int64_t warpSize) {
  auto encoding = cast<tile::BlockedEncodingAttr>(vectors.getEncoding());
  int64_t laneCols = std::min(warpSize, vectors.getDimSize(1));
  return RankedTensorType::get(
      vectors.getShape(), vectors.getElementType(),
      tile::BlockedEncodingAttr::get(
          vectors.getContext(), encoding.getWarps(),
          {warpSize / laneCols, laneCols}, {1, 1}));
}

LogicalResult lowerTranspose(HostState &host, schedule::KernelOp kernel,
                             graph::TransposeOp transpose) {
  Location loc = kernel.getLoc();
  MLIRContext *ctx = host.module.getContext();
  OpBuilder &hb = host.builder;
  auto inType = transpose.getInput().getType();
  auto outType = cast<RankedTensorType>(kernel.getResult(0).getType());
  Type element = inType.getElementType();
  ArrayRef<int64_t> perm = transpose.getPermutation();
  int64_t rank = inType.getRank(), last = rank - 1;
  schedule::ConfigAttr config = kernel.getConfig();

  // The output's sizes: the input's, permuted.
  Value input = kernel.getInputs()[0];
  ArrayRef<Value> inSizes = host.sizesOf(input);
  SmallVector<Value> outSizes;
  for (int64_t d = 0; d < rank; ++d)
    outSizes.push_back(inSizes[perm[d]]);
  Value out = allocate(host, loc, outType, outSizes);
  host.buffers.map(kernel.getResult(0), out);

  KernelSignature sig;
  unsigned inParam = sig.addBuffer(host.buffers.lookup(input));
  unsigned outParam = sig.addBuffer(out);
  SmallVector<int64_t> sizeParams = addSizeParams(sig, inType, inSizes);

  // The box: output dims (q, last).
  bool moves = perm[last] != last;
  int64_t q = rank - 2;
  if (moves)
    q = llvm::find(perm, last) - perm.begin();
  // Where the last dim moves and the schedule's accesses are vectors, two
  // kernels: the vectors' where the input's and the output's rows are
  // whole vectors, the launch's grid gated by that, and the same box of
  // single elements (consecutive lanes along the rows) for the others:
  // rows that are not whole vectors would take the vectors' masked path,
  // element by element from clamped coordinates (8191x8189 f16: 3.4x the
  // instructions, bench/results/2026-12-02-h200-row-kernels-ncu.log; the
  // single-element kernel ran it 1.083x, -transpose-single-kernel-bench.log).
  int64_t vector = config.getVector();
  Value gate;
  if (moves && vector > 1) {
    auto whole = [&](Value size) { // 1 where `size` is whole vectors
      return arith::SubIOp::create(hb, loc, indexConstant(hb, loc, 1),
                                   notMultipleOf(hb, loc, size, vector));
    };
    gate = arith::MulIOp::create(hb, loc, whole(inSizes[last]),
                                 whole(inSizes[perm[last]]));
  }
  auto emitVariant = [&](schedule::ConfigAttr variant,
                         Value launches) -> LogicalResult {
    FailureOr<RankedTensorType> shaped =
        boxType(kernel, variant, "transpose", getWarpSize(host.module), element,
                moves ? BoxShape::Square : BoxShape::Rows);
    if (failed(shaped))
      return failure();
    RankedTensorType tileType = *shaped;
    int64_t rows = tileType.getDimSize(0), cols = tileType.getDimSize(1);

    // The grid: boxes along the last dim (fastest), along q, then the batch
    // dims from the innermost.
    SmallVector<int64_t> batchDims;
    for (int64_t d = 0; d < rank; ++d)
      if (d != q && d != last)
        batchDims.push_back(d);
    auto gridExtents = [&](OpBuilder &b, ArrayRef<Value> sizes) {
      SmallVector<Value> extents{
          arith::CeilDivUIOp::create(b, loc, sizes[last],
                                     indexConstant(b, loc, cols)),
          arith::CeilDivUIOp::create(b, loc, sizes[q],
                                     indexConstant(b, loc, rows))};
      for (int64_t d : llvm::reverse(batchDims))
        extents.push_back(sizes[d]);
      return extents;
    };
    Value blocks = product(hb, loc, gridExtents(hb, outSizes));
    if (launches)
      blocks = arith::MulIOp::create(hb, loc, blocks, launches);
    KernelSignature variantSig = sig;
    return emitKernel(
        host, loc, "transpose", variant, variantSig, {blocks}, 0,
        [&](OpBuilder &b, ValueRange params) -> LogicalResult {
          SmallVector<Value> in =
              sizesFromParams(b, loc, inType, params, sizeParams);
          SmallVector<Value> outs;
          for (int64_t d = 0; d < rank; ++d)
            outs.push_back(in[perm[d]]);
          SmallVector<Value> inStrides = stridesOf(b, loc, in);
          SmallVector<Value> outStrides = stridesOf(b, loc, outs);
          SmallVector<Value> extents = gridExtents(b, outs);
          extents.back() = Value(); // never divided by
          SmallVector<Value> ids = flatBlockIds(b, loc, extents);
          Value c0 = arith::MulIOp::create(b, loc, ids[0],
                                           indexConstant(b, loc, cols));
          Value r0 = arith::MulIOp::create(b, loc, ids[1],
                                           indexConstant(b, loc, rows));
          // The batch entry's first element in each buffer.
          Value inOffset = indexConstant(b, loc, 0);
          Value outOffset = indexConstant(b, loc, 0);
          for (auto [i, d] : llvm::enumerate(llvm::reverse(batchDims))) {
            Value at = ids[2 + i];
            inOffset = arith::AddIOp::create(
                b, loc, inOffset,
                arith::MulIOp::create(b, loc, at, inStrides[perm[d]]));
            outOffset = arith::AddIOp::create(
                b, loc, outOffset,
                arith::MulIOp::create(b, loc, at, outStrides[d]));
          }
          Value outView =
              stridedView(b, loc, params[outParam], outOffset,
                          {outs[q], outs[last]},
                          {outStrides[q], outStrides[last]});
          Value box;
          if (!moves) {
            // Input dims (perm[q], last): the same box, strided rows.
            Value inView = stridedView(b, loc, params[inParam], inOffset,
                                       {in[perm[q]], in[last]},
                                       {inStrides[perm[q]], inStrides[last]});
            box = tile::LoadTileOp::create(b, loc, tileType, inView,
                                           ValueRange{r0, c0});
          } else {
            // Input dims (perm[last], last): the box read along the input's
            // rows, turned around in shared memory.
            Value inView = stridedView(b, loc, params[inParam], inOffset,
                                       {in[perm[last]], in[last]},
                                       {inStrides[perm[last]],
                                        inStrides[last]});
            Value read = tile::LoadTileOp::create(b, loc, tileType, inView,
                                                  ValueRange{c0, r0});
            auto layout = tile::SmemLayoutAttr::get(
                ctx, /*swizzle=*/0, /*pad=*/variant.getVector());
            Value buffer = tile::LocalAllocOp::create(
                b, loc, tile::SmemType::get({rows, cols}, element, layout),
                IntegerAttr());
            tile::LocalStoreOp::create(b, loc, read, buffer);
            box = tile::LocalLoadOp::create(
                b, loc, tileType, tile::TransOp::create(b, loc, buffer));
          }
          tile::StoreTileOp::create(b, loc, box, outView, ValueRange{r0, c0},
                                    Value());
          return success();
        });
  };
  if (!gate)
    return emitVariant(config, Value());
  if (failed(emitVariant(config, gate)))
    return failure();
  return emitVariant(withVector(config, 1),
                     arith::SubIOp::create(hb, loc, indexConstant(hb, loc, 1),
                                           gate));
}

graph::ConcatOp getPureConcat(Block &body) {
  auto concat = getLoneOp<graph::ConcatOp>(body);
  if (!concat || !llvm::all_of(concat.getInputs(), [](Value input) {
        return isa<BlockArgument>(input);
      }))
    return nullptr;
  return concat;
}

LogicalResult lowerConcat(HostState &host, schedule::KernelOp kernel,
                          graph::ConcatOp concat) {
  Location loc = kernel.getLoc();
  OpBuilder &hb = host.builder;
  auto outType = cast<RankedTensorType>(kernel.getResult(0).getType());
  Type element = outType.getElementType();
  int64_t rank = outType.getRank(), dim = concat.getDim();
  schedule::ConfigAttr config = kernel.getConfig();
  auto c = [&](OpBuilder &b, int64_t v) { return indexConstant(b, loc, v); };

  // The pieces' host buffers and sizes; they agree off `dim`, and the
  // output's `dim` is their sum.
  SmallVector<Value> pieces;
  for (Value input : concat.getInputs())
    pieces.push_back(
        kernel.getInputs()[cast<BlockArgument>(input).getArgNumber()]);
  ArrayRef<Value> first = host.sizesOf(pieces.front());
  SmallVector<Value> outSizes(first);
  for (Value piece : ArrayRef(pieces).drop_front()) {
    ArrayRef<Value> sizes = host.sizesOf(piece);
    for (int64_t d = 0; d < rank; ++d)
      if (d != dim)
        requireEqual(host, loc, sizes[d], first[d],
                     "concatenated tensors agree off the concatenation "
                     "dimension (dimension " +
                         Twine(d) + ")");
    outSizes[dim] = arith::AddIOp::create(hb, loc, outSizes[dim], sizes[dim]);
  }
  Value out = allocate(host, loc, outType, outSizes);
  host.buffers.map(kernel.getResult(0), out);

  // Each piece and the output as matrices: the dims before `dim` are the
  // rows, the others the columns.
  ArrayRef<int64_t> shape = outType.getShape();
  bool oneRow = llvm::all_of(shape.take_front(dim),
                             [](int64_t size) { return size == 1; });
  BoxShape boxShape = oneRow ? BoxShape::Row : BoxShape::Rows;
  int64_t warpSize = getWarpSize(host.module);
  int64_t vector = config.getVector();
  FailureOr<RankedTensorType> shaped =
      boxType(kernel, config, "concat", warpSize, element, boxShape);
  if (failed(shaped))
    return failure();
  RankedTensorType tileType = *shaped;
  int64_t rows = tileType.getDimSize(0), cols = tileType.getDimSize(1);
  // Where a launch's rows or columns are not whole vectors, the same box
  // as single elements (scalar accesses that coalesce).
  RankedTensorType scalarType;
  if (vector > 1)
    scalarType = singleElements(tileType, warpSize);
  Value outer = product(hb, loc, ArrayRef<Value>(outSizes).take_front(dim));
  Value inner = product(hb, loc, ArrayRef<Value>(outSizes).drop_front(dim + 1));
  Value outCols = arith::MulIOp::create(hb, loc, outSizes[dim], inner);
  Value start = c(hb, 0);
  for (Value piece : pieces) {
    Value pieceCols =
        arith::MulIOp::create(hb, loc, host.sizesOf(piece)[dim], inner);
    KernelSignature sig;
    unsigned inParam = sig.addBuffer(host.buffers.lookup(piece));
    unsigned outParam = sig.addBuffer(out);
    unsigned rowsParam = sig.addSize(outer);
    unsigned colsParam = sig.addSize(pieceCols);
    unsigned outColsParam = sig.addSize(outCols);
    unsigned startParam = sig.addSize(start);
    auto colBoxes = [&](OpBuilder &b, Value n) {
      return arith::CeilDivUIOp::create(b, loc, n, c(b, cols)).getResult();
    };
    Value blocks = arith::MulIOp::create(
        hb, loc, colBoxes(hb, pieceCols),
        arith::CeilDivUIOp::create(hb, loc, outer, c(hb, rows)));
    if (failed(emitKernel(
            host, loc, "concat", config, sig, {blocks}, 0,
            [&](OpBuilder &b, ValueRange params) -> LogicalResult {
              Value n = params[colsParam];
              SmallVector<Value> ids =
                  flatBlockIds(b, loc, {colBoxes(b, n), Value()});
              Value c0 = arith::MulIOp::create(b, loc, ids[0], c(b, cols));
              Value r0 = arith::MulIOp::create(b, loc, ids[1], c(b, rows));
              Value m = params[rowsParam];
              Value in = stridedView(b, loc, params[inParam], c(b, 0), {m, n},
                                     {n, c(b, 1)});
              Value to = stridedView(b, loc, params[outParam],
                                     params[startParam], {m, n},
                                     {params[outColsParam], c(b, 1)});
              auto copy = [&](OpBuilder &cb, RankedTensorType type) {
                Value box = tile::LoadTileOp::create(cb, loc, type, in,
                                                     ValueRange{r0, c0});
                tile::StoreTileOp::create(cb, loc, box, to,
                                          ValueRange{r0, c0}, Value());
              };
              if (!scalarType) {
                copy(b, tileType);
                return success();
              }
              // Whole vectors: the piece's rows, the output's, and the
              // piece's first column in them (a uniform branch: the
              // launch's sizes).
              auto whole = [&](Value v) {
                return arith::CmpIOp::create(
                    b, loc, arith::CmpIPredicate::eq,
                    arith::RemUIOp::create(b, loc, v, c(b, vector)), c(b, 0));
              };
              Value vectors = arith::AndIOp::create(
                  b, loc,
                  arith::AndIOp::create(b, loc, whole(n),
                                        whole(params[outColsParam])),
                  whole(params[startParam]));
              scf::IfOp::create(
                  b, loc, vectors,
                  [&](OpBuilder &tb, Location) {
                    copy(tb, tileType);
                    scf::YieldOp::create(tb, loc);
                  },
                  [&](OpBuilder &eb, Location) {
                    copy(eb, scalarType);
                    scf::YieldOp::create(eb, loc);
                  });
              return success();
            })))
      return failure();
    start = arith::AddIOp::create(hb, loc, start, pieceCols);
  }
  return success();
}

} // namespace mlir::tessera::schedule_to_tile
