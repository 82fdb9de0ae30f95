//===- ColumnReduction.cpp - Column kernels: reductions over leading dims -===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Column kernels: reductions over the leading dims, one thread per column.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

//===----------------------------------------------------------------------===//
// Column kernels: reduce over leading dims, one thread per column
//===----------------------------------------------------------------------===//

LogicalResult lowerColumn(HostState &host, schedule::KernelOp kernel,
                                 graph::ReduceOp reduce) {
  Location loc = kernel.getLoc();
  schedule::ConfigAttr config = kernel.getConfig();
  OpBuilder &hb = host.builder;
  auto inputType = reduce.getInput().getType();
  auto resultType = cast<RankedTensorType>(reduce.getType());
  int64_t rank = inputType.getRank();
  int64_t reduced = reduce.getDims().size();
  Type element = inputType.getElementType();
  Type compute = getAccumulateType(reduce, element);

  Value hostInput =
      kernel.getInputs()[cast<BlockArgument>(reduce.getInput()).getArgNumber()];
  ArrayRef<Value> inSizes = host.sizesOf(hostInput);
  Value rows = product(hb, loc, inSizes.take_front(reduced));
  Value cols = product(hb, loc, inSizes.drop_front(reduced));
  SmallVector<Value> outSizes;
  for (int64_t d = 0; d < rank; ++d) {
    if (d >= reduced)
      outSizes.push_back(inSizes[d]);
    else if (reduce.getKeepdim())
      outSizes.push_back(indexConstant(hb, loc, 1));
  }
  Value out = allocate(host, loc, resultType, outSizes);
  host.buffers.map(kernel.getResult(0), out);

  KernelSignature sig;
  unsigned xParam = sig.addBuffer(host.buffers.lookup(hostInput));
  unsigned outParam = sig.addBuffer(out);
  unsigned rowsParam = sig.addSize(rows);
  unsigned colsParam = sig.addSize(cols);
  int64_t tile = config.getTile()[0], threads = config.getThreads();
  Value blocks = arith::CeilDivUIOp::create(hb, loc, cols,
                                            indexConstant(hb, loc, tile));
  graph::ReduceKind kind = reduce.getKind();

  return emitKernel(
      host, loc, "column", config, sig, {blocks}, 0,
      [&](OpBuilder &b, ValueRange params) -> LogicalResult {
        Value rows = params[rowsParam], cols = params[colsParam];
        Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
        Value pid = programId(b, loc, 0);
        Value base =
            arith::MulIOp::create(b, loc, pid, indexConstant(b, loc, tile));
        auto perThread = scf::ForOp::create(
            b, loc, indexConstant(b, loc, 0),
            indexConstant(b, loc, tile / threads), indexConstant(b, loc, 1));
        OpBuilder lb = OpBuilder::atBlockBegin(perThread.getBody());
        Value col = arith::AddIOp::create(
            lb, loc, base,
            arith::AddIOp::create(
                lb, loc,
                arith::MulIOp::create(lb, loc, perThread.getInductionVar(),
                                      indexConstant(lb, loc, threads)),
                tid));
        Value mask =
            arith::CmpIOp::create(lb, loc, arith::CmpIPredicate::ult, col, cols);
        unsigned k = static_cast<unsigned>(kind);
        Value init = buildReductionInit(lb, loc, k, compute);
        auto loop = scf::ForOp::create(
            lb, loc, indexConstant(lb, loc, 0), rows, indexConstant(lb, loc, 1),
            ValueRange{init},
            [&](OpBuilder &ib, Location l, Value r, ValueRange acc) {
              Value offset = arith::AddIOp::create(
                  ib, l, arith::MulIOp::create(ib, l, r, cols), col);
              Value x = convertScalar(
                  ib, l,
                  tile::LoadOp::create(ib, l, params[xParam], offset, mask,
                                       zeroOf(ib, l, element)),
                  compute);
              Value next = buildReductionCombine(ib, l, k, acc[0], x);
              scf::YieldOp::create(ib, l, next);
            });
        Value total = loop.getResult(0);
        if (kind == graph::ReduceKind::mean)
          total = arith::DivFOp::create(lb, loc, total,
                                        indexToFloat(lb, loc, rows, compute));
        tile::StoreOp::create(lb, loc,
                              buildStorageScalar(reduce, lb, loc, total, element),
                              params[outParam], col, mask);
        return success();
      });
}

} // namespace mlir::tessera::schedule_to_tile
