//===- RegisterTiles.cpp - Building blocks of block programs on tiles -----===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// What the kernel families that write block programs share: strided views
// of the flat kernel buffers, splat constants, scalar numerics
// (GraphToLinalg's conversions and rounding) applied to whole register
// tiles through tessera_tile.map, reductions' identities and combiners,
// chunk loops and the masking of padding.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

int64_t getVectorElements(Type element) {
  int64_t bits = std::max<int64_t>(8, element.getIntOrFloatBitWidth());
  return std::max<int64_t>(1, 128 / bits);
}

int64_t staticProduct(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t size : shape) {
    if (ShapedType::isDynamic(size))
      return ShapedType::kDynamic;
    n *= size;
  }
  return n;
}

RankedTensorType withElementType(RankedTensorType tile, Type element) {
  return RankedTensorType::get(tile.getShape(), element, tile.getEncoding());
}

Value viewOf(OpBuilder &b, Location loc, Value flat, Value offset,
             ArrayRef<Value> sizes) {
  // Row-major strides over the given sizes; the innermost is 1 so that the
  // lowering may vectorize along it.
  auto element = cast<MemRefType>(flat.getType()).getElementType();
  int64_t rank = sizes.size();
  SmallVector<OpFoldResult> strides(rank);
  strides[rank - 1] = b.getIndexAttr(1);
  Value stride;
  for (int64_t d = rank - 2; d >= 0; --d) {
    stride = stride ? arith::MulIOp::create(b, loc, stride, sizes[d + 1])
                          .getResult()
                    : sizes[d + 1];
    strides[d] = stride;
  }
  SmallVector<int64_t> dynamicStrides(rank, ShapedType::kDynamic);
  dynamicStrides.back() = 1;
  auto layout = StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic,
                                       dynamicStrides);
  auto type = MemRefType::get(SmallVector<int64_t>(rank, ShapedType::kDynamic),
                              element, layout);
  return memref::ReinterpretCastOp::create(
      b, loc, type, flat, OpFoldResult(offset),
      llvm::map_to_vector(sizes, [](Value v) { return OpFoldResult(v); }),
      strides);
}

Value tileConstant(OpBuilder &b, Location loc, RankedTensorType type,
                   TypedAttr scalar) {
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, scalar));
}

Value tileSplat(OpBuilder &b, Location loc, RankedTensorType type,
                Value scalar) {
  return tensor::SplatOp::create(b, loc, type, scalar);
}

Value mapToTiles(OpBuilder &b, Location loc, RankedTensorType result,
                 ValueRange tiles,
                 function_ref<Value(OpBuilder &, ValueRange)> scalarMath) {
  auto map = tile::MapOp::create(b, loc, result, tiles);
  Block &body = map.getBody().front();
  OpBuilder mb = OpBuilder::atBlockBegin(&body);
  Value element = scalarMath(mb, body.getArguments());
  // A conversion to the type a tile has already is no conversion.
  if (auto arg = dyn_cast<BlockArgument>(element);
      arg && arg.getOwner() == &body &&
      tiles[arg.getArgNumber()].getType() == result) {
    map.erase();
    return tiles[arg.getArgNumber()];
  }
  tile::MapYieldOp::create(mb, loc, element);
  return map.getResult();
}

RankedTensorType sliceOf(RankedTensorType tile, int64_t dim, Type element) {
  SmallVector<int64_t> shape(tile.getShape());
  shape.erase(shape.begin() + dim);
  return RankedTensorType::get(
      shape, element,
      tile::SliceEncodingAttr::get(tile.getContext(), dim, tile.getEncoding()));
}

tile::ReduceKind getTileReduceKind(graph::ReduceKind kind) {
  switch (kind) {
  case graph::ReduceKind::sum:
  case graph::ReduceKind::mean:
    return tile::ReduceKind::add;
  case graph::ReduceKind::max:
    return tile::ReduceKind::max;
  case graph::ReduceKind::min:
    return tile::ReduceKind::min;
  }
  llvm_unreachable("unknown reduction");
}

TypedAttr getReduceIdentity(tile::ReduceKind kind, FloatType type) {
  if (kind == tile::ReduceKind::add)
    return FloatAttr::get(type, 0.0);
  bool negative = kind == tile::ReduceKind::max;
  return FloatAttr::get(type,
                        APFloat::getInf(type.getFloatSemantics(), negative));
}

Value combineTiles(OpBuilder &b, Location loc, tile::ReduceKind kind, Value acc,
                   Value x) {
  switch (kind) {
  case tile::ReduceKind::add:
    return arith::AddFOp::create(b, loc, acc, x);
  case tile::ReduceKind::max:
    return arith::MaximumFOp::create(b, loc, acc, x);
  case tile::ReduceKind::min:
    return arith::MinimumFOp::create(b, loc, acc, x);
  }
  llvm_unreachable("unknown reduce kind");
}

Value chunkLoop(OpBuilder &b, Location loc, Value extent, int64_t step,
                Value init,
                function_ref<Value(OpBuilder &, Value, Value)> body) {
  auto loop = scf::ForOp::create(
      b, loc, indexConstant(b, loc, 0), extent, indexConstant(b, loc, step),
      init ? ValueRange{init} : ValueRange{});
  Block *block = loop.getBody();
  OpBuilder lb = OpBuilder::atBlockEnd(block);
  if (!init)
    lb.setInsertionPoint(block->getTerminator());
  Value next = body(lb, loop.getInductionVar(),
                    init ? loop.getRegionIterArgs().front() : Value());
  if (!init)
    return Value();
  scf::YieldOp::create(lb, loc, next);
  return loop.getResult(0);
}

Value maskPadding(OpBuilder &b, Location loc, Value tile, Value index,
                  Value valid, Value fill) {
  // In i32 like the index tile: `valid` is at most the tile's extent.
  auto indexType = cast<RankedTensorType>(index.getType());
  Value bound = tileSplat(
      b, loc, indexType,
      arith::IndexCastOp::create(b, loc, b.getI32Type(), valid));
  Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                       index, bound);
  return arith::SelectOp::create(b, loc, inside, tile, fill);
}

} // namespace mlir::tessera::schedule_to_tile
