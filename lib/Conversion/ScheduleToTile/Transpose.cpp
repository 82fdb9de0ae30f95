//===- Transpose.cpp - Kernels that permute a tensor's dims ---------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
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
// both global accesses are coalesced.
//
// The elementwise schedule's threads are the block's; its `tile` is the
// box's element count (a square box of the largest power of two whose
// square fits it where the last dim moves; rows of 8 vectors where it
// stays); `vector` the elements a thread moves at once. The defaults
// (getDefaultConfig): 4096-element boxes, 4-byte accesses where the last
// dim moves, 16-byte ones where it stays.
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
  int64_t warpSize = getWarpSize(host.module);
  int64_t warps = config.getThreads() / warpSize;
  int64_t vector = config.getVector();
  int64_t tile = config.getTile()[0];
  int64_t rows, cols;
  if (moves) {
    rows = 1;
    while (4 * rows * rows <= tile)
      rows *= 2;
    cols = rows;
  } else {
    cols = std::min<int64_t>(8 * vector, warpSize * vector);
    rows = std::max<int64_t>(1, tile / cols);
  }
  int64_t laneCols = std::max<int64_t>(1, std::min(warpSize, cols / vector));
  if (cols % vector != 0 || warpSize % laneCols != 0 ||
      !llvm::isPowerOf2_64(rows) || rows < warps * (warpSize / laneCols))
    return kernel.emitOpError()
           << "has a transpose schedule (" << config
           << ") whose box of " << rows << "x" << cols
           << " elements does not give each of its " << warps * warpSize
           << " threads whole vectors of " << vector
           << ": use a larger tile or fewer warps";
  auto encoding = tile::BlockedEncodingAttr::get(
      ctx, {warps, 1}, {warpSize / laneCols, laneCols}, {1, vector});
  auto boxType = RankedTensorType::get({rows, cols}, element, encoding);

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
  return emitKernel(
      host, loc, "transpose", config, sig, {blocks}, 0,
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
              b, loc, outOffset, arith::MulIOp::create(b, loc, at, outStrides[d]));
        }
        Value outView =
            stridedView(b, loc, params[outParam], outOffset,
                        {outs[q], outs[last]}, {outStrides[q], outStrides[last]});
        Value box;
        if (!moves) {
          // Input dims (perm[q], last): the same box, strided rows.
          Value inView = stridedView(b, loc, params[inParam], inOffset,
                                     {in[perm[q]], in[last]},
                                     {inStrides[perm[q]], inStrides[last]});
          box = tile::LoadTileOp::create(b, loc, boxType, inView,
                                         ValueRange{r0, c0});
        } else {
          // Input dims (perm[last], last): the box read along the input's
          // rows, turned around in shared memory.
          Value inView = stridedView(b, loc, params[inParam], inOffset,
                                     {in[perm[last]], in[last]},
                                     {inStrides[perm[last]], inStrides[last]});
          Value read = tile::LoadTileOp::create(b, loc, boxType, inView,
                                                ValueRange{c0, r0});
          auto layout = tile::SmemLayoutAttr::get(ctx, /*swizzle=*/0,
                                                  /*pad=*/vector);
          Value buffer = tile::LocalAllocOp::create(
              b, loc, tile::SmemType::get({rows, cols}, element, layout),
              IntegerAttr());
          tile::LocalStoreOp::create(b, loc, read, buffer);
          box = tile::LocalLoadOp::create(
              b, loc, boxType, tile::TransOp::create(b, loc, buffer));
        }
        tile::StoreTileOp::create(b, loc, box, outView, ValueRange{r0, c0},
                                  Value());
        return success();
      });
}

} // namespace mlir::tessera::schedule_to_tile
