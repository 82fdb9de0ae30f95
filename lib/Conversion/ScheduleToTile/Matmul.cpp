//===- Matmul.cpp - Matmul kernels with an elementwise epilogue -----------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Matmul kernels: the host side (sizes, launch conditions, tensor maps),
// the fused elementwise epilogue, the SIMT kernel, and the choice among the
// tensor-core kernels (MatmulMma.cpp, MatmulWgmma.cpp, MatmulMfma.cpp).
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

LogicalResult lowerMatmul(HostState &host, schedule::KernelOp kernel,
                                 graph::MatmulOp matmul) {
  Location loc = kernel.getLoc();
  Block &body = kernel.getBody().front();
  schedule::ConfigAttr config = kernel.getConfig();
  OpBuilder &hb = host.builder;
  auto lhsType = cast<RankedTensorType>(matmul.getLhs().getType());
  auto rhsType = cast<RankedTensorType>(matmul.getRhs().getType());
  auto resultType = cast<RankedTensorType>(matmul.getType());
  if (kernel.getNumResults() != 1)
    return kernel.emitOpError() << "has " << kernel.getNumResults()
                                << " results; matmul kernels take one";
  auto outType = cast<RankedTensorType>(kernel.getResult(0).getType());
  if (outType.getShape() != resultType.getShape())
    return kernel.emitOpError()
           << "epilogue changes the matmul's shape " << resultType << " to "
           << outType << "; the GPU lowering does not support that yet";
  int64_t rank = resultType.getRank();
  for (RankedTensorType type : {lhsType, rhsType})
    if (type.getRank() != 2 && type.getRank() != rank)
      return matmul.emitOpError()
             << "broadcasts batch dims of different ranks; the GPU lowering "
                "does not support that yet";
  for (RankedTensorType type : {lhsType, rhsType})
    if (type.getRank() > 2)
      for (int64_t d = 0; d < rank - 2; ++d)
        if (type.getDimSize(d) == 1 && resultType.getDimSize(d) != 1)
          return matmul.emitOpError()
                 << "broadcasts a batch dim of size 1; the GPU lowering does "
                    "not support that yet";

  auto hostOf = [&](Value v) {
    return kernel.getInputs()[cast<BlockArgument>(v).getArgNumber()];
  };
  Value hostLhs = hostOf(matmul.getLhs()), hostRhs = hostOf(matmul.getRhs());
  ArrayRef<Value> lhsSizes = host.sizesOf(hostLhs);
  ArrayRef<Value> rhsSizes = host.sizesOf(hostRhs);
  bool tl = matmul.getTransposeLhs(), tr = matmul.getTransposeRhs();
  Value m = lhsSizes[lhsType.getRank() - (tl ? 1 : 2)];
  Value k = lhsSizes[lhsType.getRank() - (tl ? 2 : 1)];
  Value n = rhsSizes[rhsType.getRank() - (tr ? 2 : 1)];
  SmallVector<Value> outSizes;
  ArrayRef<Value> batchSource = lhsType.getRank() == rank ? lhsSizes : rhsSizes;
  for (int64_t d = 0; d < rank - 2; ++d)
    outSizes.push_back(batchSource[d]);
  outSizes.push_back(m);
  outSizes.push_back(n);
  Value batch = product(hb, loc, ArrayRef<Value>(outSizes).drop_back(2));
  requireEqual(host, loc, k, rhsSizes[rhsType.getRank() - (tr ? 1 : 2)],
               "'tessera_graph.matmul' contraction dimension of lhs and rhs");
  if (lhsType.getRank() == rank && rhsType.getRank() == rank)
    for (int64_t d = 0; d < rank - 2; ++d)
      requireEqual(host, loc, lhsSizes[d], rhsSizes[d],
                   "'tessera_graph.matmul' batch dimension " + Twine(d) +
                       " of lhs and rhs");
  for (BlockArgument arg : body.getArguments())
    if (llvm::any_of(arg.getUsers(),
                     [&](Operation *user) { return user != matmul; }))
      requireBroadcastsTo(host, loc, kernel.getInputs()[arg.getArgNumber()],
                          outSizes,
                          "matmul epilogue operand broadcast to the result");
  Value out = allocate(host, loc, outType, outSizes);
  host.buffers.map(kernel.getResult(0), out);

  KernelSignature sig;
  for (Value input : kernel.getInputs())
    sig.addBuffer(host.buffers.lookup(input));
  unsigned outParam = sig.addBuffer(out);
  unsigned mParam = sig.addSize(m), nParam = sig.addSize(n),
           kParam = sig.addSize(k);
  SmallVector<unsigned> batchParams;
  for (int64_t d = 0; d < rank - 2; ++d)
    batchParams.push_back(sig.addSize(outSizes[d]));

  ArrayRef<int64_t> tile = config.getTile();
  Value gridX = arith::CeilDivUIOp::create(hb, loc, n,
                                           indexConstant(hb, loc, tile[1]));
  Value gridY = arith::CeilDivUIOp::create(hb, loc, m,
                                           indexConstant(hb, loc, tile[0]));
  // One flat grid (see matmulBlockIds): tiles of N, of M, batch entries.
  Value matmulGrid = arith::MulIOp::create(
      hb, loc, arith::MulIOp::create(hb, loc, gridX, gridY), batch);
  Type lhsElement = lhsType.getElementType();
  Type acc = matmul.getAcc().value_or(getAccumulateType(matmul, lhsElement));
  Type resultElement = resultType.getElementType();
  auto yield = cast<schedule::YieldOp>(body.getTerminator());
  Value result = yield.getValues()[0];
  unsigned lhsParam = cast<BlockArgument>(matmul.getLhs()).getArgNumber();
  unsigned rhsParam = cast<BlockArgument>(matmul.getRhs()).getArgNumber();

  // The epilogue at [batch..., row, col] of the matmul's `value` (in the
  // result's element type): fused elementwise ops, then the masked store.
  auto epilogue = [&](OpBuilder &b, ValueRange params, Value bz, Value row,
                      Value col, Value value) -> LogicalResult {
    Value m = params[mParam], n = params[nParam];
    Value mask = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, m),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col, n));
    SmallVector<Value> sizes;
    for (unsigned p : batchParams)
      sizes.push_back(params[p]);
    sizes.push_back(m);
    sizes.push_back(n);
    SmallVector<Value> index =
        unflatten(b, loc, bz, ArrayRef<Value>(sizes).drop_back(2));
    index.push_back(row);
    index.push_back(col);
    auto load = [&](BlockArgument arg) -> Value {
      auto type = cast<RankedTensorType>(arg.getType());
      Value offset = broadcastOffset(b, loc, type.getShape(), sizes, index);
      return tile::LoadOp::create(b, loc, params[arg.getArgNumber()], offset,
                                  mask, zeroOf(b, loc, type.getElementType()));
    };
    PointEvaluator eval{body, load, matmul, value};
    FailureOr<Value> final = eval.evaluate(b, result);
    if (failed(final))
      return failure();
    Value flat = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, arith::MulIOp::create(b, loc, bz, m), n),
        arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, row, n),
                              col));
    tile::StoreOp::create(b, loc, *final, params[outParam], flat, mask);
    return success();
  };

  // Tensor-core kernels: f16/bf16 operands into f32, shared memory as the
  // schedule's legality check estimated it.
  schedule::MmaKind mmaKind = config.getMma();
  if (mmaKind != schedule::MmaKind::none &&
      !schedule::isTensorCoreMatmul(matmul))
    return matmul.emitOpError()
           << "asks for " << schedule::stringifyMmaKind(mmaKind)
           << ", which needs f16 or bf16 operands accumulating in f32";
  int64_t shared = schedule::estimateSharedBytes(
      config, KernelShape{KernelKind::Matmul, matmul, nullptr, ""});

  if (mmaKind == schedule::MmaKind::wgmma) {
    if (tl || tr || rhsType.getRank() != 2)
      return matmul.emitOpError()
             << "asks for wgmma, which the GPU lowering generates only for "
                "untransposed operands and a 2-d rhs";
    // What tessera-schedule-check enforces, again: this pass may run alone.
    int64_t groups = config.getWarps() / 4;
    if (config.getWarps() % 4 != 0 || groups == 0 || tile[2] != 64 ||
        tile[1] % 64 != 0 || tile[1] > 256 || tile[0] > 256 ||
        tile[0] % (64 * groups) != 0 || config.getStages() < 2)
      return kernel.emitOpError()
             << "config " << config
             << " is not a wgmma schedule (tessera-schedule-check names the "
                "rule it breaks)";
    // The lhs as [batch, M, K] and the rhs as [K, N] for TMA.
    Value lhsBatch = lhsType.getRank() > 2 ? batch : indexConstant(hb, loc, 1);
    auto lhsMap = target::TensorMapOp::create(
        hb, loc, WgmmaMatmul::lhsMapType(config, lhsElement),
        hb.getIndexType(), host.buffers.lookup(hostLhs),
        ValueRange{lhsBatch, m, k});
    auto rhsMap = target::TensorMapOp::create(
        hb, loc, WgmmaMatmul::rhsMapType(lhsElement), hb.getIndexType(),
        host.buffers.lookup(hostRhs), ValueRange{k, n});
    unsigned lhsMapParam = sig.addValue(lhsMap.getMap());
    unsigned lhsValidParam = sig.addSize(lhsMap.getValid());
    unsigned rhsMapParam = sig.addValue(rhsMap.getMap());
    unsigned rhsValidParam = sig.addSize(rhsMap.getValid());
    MmaMatmul fallback{config, matmul, lhsParam, rhsParam, mParam,
                       nParam, kParam, /*sharedBytes=*/{}, /*base=*/{}};
    WgmmaMatmul wgmma{config,      matmul,        mParam,      nParam,
                      kParam,      lhsMapParam,   lhsValidParam,
                      rhsMapParam, rhsValidParam, shared};
    return emitKernel(host, loc, "matmul_wgmma", config, sig,
                      {matmulGrid}, shared,
                      [&](OpBuilder &b, ValueRange params) {
                        return wgmma.build(b, loc, params, resultElement,
                                           fallback, epilogue);
                      });
  }

  if (mmaKind == schedule::MmaKind::mfma) {
    int64_t waves = config.getThreads() / 64;
    int64_t waveRows = schedule::getWarpRows(std::max<int64_t>(waves, 1));
    if (config.getThreads() % 64 != 0 || waves == 0 ||
        tile[0] % (16 * waveRows) != 0 ||
        tile[1] % (16 * (waves / waveRows)) != 0 || tile[2] % 16 != 0)
      return kernel.emitOpError()
             << "config " << config
             << " is not an mfma schedule (tessera-schedule-check names the "
                "rule it breaks)";
    MfmaMatmul mfma{config, matmul, lhsParam, rhsParam, mParam, nParam, kParam};
    return emitKernel(host, loc, "matmul_mfma", config, sig,
                      {matmulGrid}, shared,
                      [&](OpBuilder &b, ValueRange params) {
                        return mfma.build(b, loc, params, resultElement,
                                          epilogue);
                      });
  }

  if (mmaKind == schedule::MmaKind::mma_sync) {
    MmaMatmul mma{config, matmul, lhsParam, rhsParam,      mParam,
                  nParam, kParam, /*sharedBytes=*/{}, /*base=*/{}};
    return emitKernel(host, loc, "matmul_mma", config, sig,
                      {matmulGrid}, shared,
                      [&](OpBuilder &b, ValueRange params) {
                        return mma.build(b, loc, params, resultElement,
                                         epilogue);
                      });
  }

  return emitKernel(
      host, loc, "matmul", config, sig, {matmulGrid}, 0,
      [&](OpBuilder &b, ValueRange params) -> LogicalResult {
        Value m = params[mParam], n = params[nParam], k = params[kParam];
        Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
        SmallVector<Value> blockIds =
            matmulBlockIds(b, loc, m, n, tile[0], tile[1]);
        Value bx = blockIds[0], by = blockIds[1], bz = blockIds[2];
        Value tileN = indexConstant(b, loc, tile[1]);
        Value row = arith::AddIOp::create(
            b, loc,
            arith::MulIOp::create(b, loc, by, indexConstant(b, loc, tile[0])),
            arith::DivUIOp::create(b, loc, tid, tileN));
        Value col = arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, bx, tileN),
            arith::RemUIOp::create(b, loc, tid, tileN));
        Value mask = arith::AndIOp::create(
            b, loc,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, m),
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col, n));
        Value mk = arith::MulIOp::create(b, loc, m, k);
        Value kn = arith::MulIOp::create(b, loc, k, n);
        Value lhsBase = lhsType.getRank() > 2
                            ? Value(arith::MulIOp::create(b, loc, bz, mk))
                            : indexConstant(b, loc, 0);
        Value rhsBase = rhsType.getRank() > 2
                            ? Value(arith::MulIOp::create(b, loc, bz, kn))
                            : indexConstant(b, loc, 0);
        auto loop = scf::ForOp::create(
            b, loc, indexConstant(b, loc, 0), k, indexConstant(b, loc, 1),
            ValueRange{zeroOf(b, loc, acc)},
            [&](OpBuilder &lb, Location l, Value kk, ValueRange carried) {
              // lhs[row, kk] (or lhs[kk, row]), rhs[kk, col] (or [col, kk]).
              Value lhsOffset =
                  tl ? arith::AddIOp::create(
                           lb, l, arith::MulIOp::create(lb, l, kk, m), row)
                     : arith::AddIOp::create(
                           lb, l, arith::MulIOp::create(lb, l, row, k), kk);
              Value rhsOffset =
                  tr ? arith::AddIOp::create(
                           lb, l, arith::MulIOp::create(lb, l, col, k), kk)
                     : arith::AddIOp::create(
                           lb, l, arith::MulIOp::create(lb, l, kk, n), col);
              Value a = tile::LoadOp::create(
                  lb, l, params[lhsParam],
                  arith::AddIOp::create(lb, l, lhsBase, lhsOffset), mask,
                  zeroOf(lb, l, lhsElement));
              Value bv = tile::LoadOp::create(
                  lb, l, params[rhsParam],
                  arith::AddIOp::create(lb, l, rhsBase, rhsOffset), mask,
                  zeroOf(lb, l, rhsType.getElementType()));
              a = convertScalar(lb, l, a, acc);
              bv = convertScalar(lb, l, bv, acc);
              Value prod = isa<FloatType>(acc)
                               ? Value(arith::MulFOp::create(lb, l, a, bv))
                               : Value(arith::MulIOp::create(lb, l, a, bv));
              Value sum =
                  isa<FloatType>(acc)
                      ? Value(arith::AddFOp::create(lb, l, carried[0], prod))
                      : Value(arith::AddIOp::create(lb, l, carried[0], prod));
              scf::YieldOp::create(lb, l, sum);
            });
        Value value = buildStorageScalar(matmul, b, loc, loop.getResult(0), resultElement);
        return epilogue(b, params, bz, row, col, value);
      });
}

} // namespace mlir::tessera::schedule_to_tile
