//===- Attention.cpp - Attention kernels ----------------------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Attention kernels: FlashAttention-2 on tensor cores (mma.sync) and a SIMT
// kernel with an online softmax for everything else.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

//===----------------------------------------------------------------------===//
// Attention kernels: FlashAttention-2 on tensor cores
//===----------------------------------------------------------------------===//

namespace {
/// Lane-dependent parts of the ldmatrix row addresses for the m16n8k16
/// fragments (PTX ISA: mma.m16n8k16 and ldmatrix .x4 layouts).
struct FragmentLanes {
  Value lane16, lane8, half, quarter;

  FragmentLanes(OpBuilder &b, Location loc, Value lane) {
    auto c = [&](int64_t v) { return indexConstant(b, loc, v); };
    lane16 = arith::RemUIOp::create(b, loc, lane, c(16));
    lane8 = arith::RemUIOp::create(b, loc, lane, c(8));
    half = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, lane, c(16)), c(8));
    quarter = arith::MulIOp::create(
        b, loc,
        arith::RemUIOp::create(
            b, loc, arith::DivUIOp::create(b, loc, lane, c(8)), c(2)),
        c(8));
  }
};

/// Loads two n8 B fragments with one ldmatrix .x4 at `offset` (see
/// FragmentLanes) and accumulates `a` times each into `acc0` and `acc1`.
void mmaPair(OpBuilder &b, Location loc, Value shared, Value offset,
             bool transpose, Value a, Value &acc0, Value &acc1) {
  auto fragType = VectorType::get(
      {4, 2}, cast<MemRefType>(shared.getType()).getElementType());
  Value pair =
      tile::LoadMatrixOp::create(b, loc, fragType, shared, offset, transpose);
  Value *accs[2] = {&acc0, &acc1};
  for (int64_t h = 0; h < 2; ++h) {
    Value bFrag = vector::ShuffleOp::create(
        b, loc, pair, pair, ArrayRef<int64_t>{2 * h, 2 * h + 1});
    *accs[h] = tile::MmaOp::create(b, loc, accs[h]->getType(), a, bFrag,
                                   *accs[h]);
  }
}

Value shuffleXor(OpBuilder &b, Location loc, Value v, int32_t mask) {
  return gpu::ShuffleOp::create(b, loc, v, mask, 32, gpu::ShuffleMode::XOR)
      .getShuffleResult();
}

/// Combines `v` over the four lanes of a quad (the lanes holding one row of
/// an mma accumulator).
Value quadReduce(OpBuilder &b, Location loc, Value v, bool max) {
  for (int32_t mask : {1, 2}) {
    Value other = shuffleXor(b, loc, v, mask);
    v = max ? Value(arith::MaximumFOp::create(b, loc, v, other))
            : Value(arith::AddFOp::create(b, loc, v, other));
  }
  return v;
}
} // namespace

/// The shape relations of an attention the kernels rely on, as launch
/// conditions: head dims of query and key, key and value lengths, batch
/// dims, and the mask against the scores.
static void requireAttentionShapes(HostState &host, Location loc,
                                   schedule::KernelOp kernel,
                                   graph::AttentionOp op) {
  auto hostOf = [&](Value v) {
    return kernel.getInputs()[cast<BlockArgument>(v).getArgNumber()];
  };
  int64_t rank = cast<RankedTensorType>(op.getQuery().getType()).getRank();
  ArrayRef<Value> q = host.sizesOf(hostOf(op.getQuery()));
  ArrayRef<Value> k = host.sizesOf(hostOf(op.getKey()));
  ArrayRef<Value> v = host.sizesOf(hostOf(op.getValue()));
  requireEqual(host, loc, q[rank - 1], k[rank - 1],
               "'tessera_graph.attention' head dimension of query and key");
  requireEqual(host, loc, k[rank - 2], v[rank - 2],
               "'tessera_graph.attention' sequence length of key and value");
  for (int64_t d = 0; d < rank - 2; ++d) {
    requireEqual(host, loc, q[d], k[d],
                 "'tessera_graph.attention' batch dimension " + Twine(d) +
                     " of query and key");
    requireEqual(host, loc, q[d], v[d],
                 "'tessera_graph.attention' batch dimension " + Twine(d) +
                     " of query and value");
  }
  if (Value mask = op.getMask()) {
    SmallVector<Value> scores(q.begin(), q.end());
    scores.back() = k[rank - 2];
    requireBroadcastsTo(host, loc, hostOf(mask), scores,
                        "'tessera_graph.attention' mask broadcast to the scores");
  }
}

/// The host side of an attention kernel: its output allocated and the
/// kernel's parameters: query, key, value, the mask if any, the output, the
/// sequence lengths, the head dim (`passHeadDim`), and the batch sizes when
/// the mask needs them to index.
struct AttentionHost {
  KernelSignature sig;
  unsigned q, k, v, out, sq, sk, d = 0;
  int64_t mask = -1;
  RankedTensorType maskType;
  SmallVector<unsigned> batchSizes;
  Value hostSq, hostBatch;

  AttentionHost(HostState &host, schedule::KernelOp kernel,
                graph::AttentionOp op, bool passHeadDim) {
    Location loc = kernel.getLoc();
    int64_t rank = cast<RankedTensorType>(op.getQuery().getType()).getRank();
    int64_t dv =
        cast<RankedTensorType>(op.getValue().getType()).getShape().back();
    auto hostOf = [&](Value value) {
      return kernel.getInputs()[cast<BlockArgument>(value).getArgNumber()];
    };
    ArrayRef<Value> qSizes = host.sizesOf(hostOf(op.getQuery()));
    ArrayRef<Value> kSizes = host.sizesOf(hostOf(op.getKey()));
    hostSq = qSizes[rank - 2];
    SmallVector<Value> outSizes(qSizes.begin(), qSizes.end());
    outSizes.back() = indexConstant(host.builder, loc, dv);
    hostBatch = product(host.builder, loc, qSizes.take_front(rank - 2));
    Value output = allocate(host, loc, cast<RankedTensorType>(op.getType()),
                            outSizes);
    host.buffers.map(kernel.getResult(0), output);
    q = sig.addBuffer(host.buffers.lookup(hostOf(op.getQuery())));
    k = sig.addBuffer(host.buffers.lookup(hostOf(op.getKey())));
    v = sig.addBuffer(host.buffers.lookup(hostOf(op.getValue())));
    if (Value m = op.getMask()) {
      maskType = cast<RankedTensorType>(m.getType());
      mask = sig.addBuffer(host.buffers.lookup(hostOf(m)));
    }
    out = sig.addBuffer(output);
    sq = sig.addSize(hostSq);
    sk = sig.addSize(kSizes[rank - 2]);
    if (passHeadDim)
      d = sig.addSize(qSizes[rank - 1]);
    if (mask >= 0)
      for (int64_t i = 0; i < rank - 2; ++i)
        batchSizes.push_back(sig.addSize(qSizes[i]));
  }
};

/// A tensor-core attention kernel (FlashAttention-2): each block takes
/// `BM` query rows of one batch entry, each warp 16 of them; the keys and
/// values stream through shared memory in `BN`-row blocks, double-buffered
/// with cp.async. Scores S = Q K^T (mma.sync) are scaled, masked (causal,
/// ragged ends, the additive mask) and folded into a running row max and
/// sum in registers (online softmax); the probabilities, rounded to the
/// input type, multiply V straight from the accumulator registers.
static LogicalResult lowerAttentionMma(HostState &host,
                                       schedule::KernelOp kernel,
                                       graph::AttentionOp op) {
  Location loc = kernel.getLoc();
  schedule::ConfigAttr config = kernel.getConfig();
  OpBuilder &hb = host.builder;
  auto qType = cast<RankedTensorType>(op.getQuery().getType());
  auto vType = cast<RankedTensorType>(op.getValue().getType());
  int64_t rank = qType.getRank();
  int64_t d = qType.getDimSize(rank - 1), dv = vType.getDimSize(rank - 1);
  Type element = qType.getElementType();

  AttentionHost setup(host, kernel, op, /*passHeadDim=*/false);
  KernelSignature &sig = setup.sig;
  unsigned qParam = setup.q, kParam = setup.k, vParam = setup.v,
           outParam = setup.out, sqParam = setup.sq, skParam = setup.sk;
  int64_t maskParam = setup.mask;
  RankedTensorType maskType = setup.maskType;
  ArrayRef<unsigned> batchParams = setup.batchSizes;
  Value sq = setup.hostSq, batch = setup.hostBatch;

  ArrayRef<int64_t> tile = config.getTile();
  int64_t bm = tile[0], bn = tile[1], threads = config.getThreads();
  Value gridX = arith::CeilDivUIOp::create(hb, loc, sq,
                                           indexConstant(hb, loc, bm));
  double scale = op.getScale() ? op.getScale()->convertToDouble()
                               : 1.0 / std::sqrt(static_cast<double>(d));
  bool causal = op.getCausal();

  return emitKernel(
      host, loc, "attention_mma", config, sig,
      {arith::MulIOp::create(hb, loc, gridX, batch).getResult()}, 0,
      [&](OpBuilder &b, ValueRange params) -> LogicalResult {
        auto c = [&](int64_t v) { return indexConstant(b, loc, v); };
        Type f32 = b.getF32Type();
        Value sq = params[sqParam], sk = params[skParam];
        Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
        Value lane = arith::RemUIOp::create(b, loc, tid, c(32));
        Value warp = arith::DivUIOp::create(b, loc, tid, c(32));
        FragmentLanes lanes(b, loc, lane);
        // A flat grid of query blocks (fastest) by batch entries.
        SmallVector<Value> blockIds = flatBlockIds(
            b, loc,
            {arith::CeilDivUIOp::create(b, loc, sq, c(bm)).getResult(),
             Value()});
        Value qb = blockIds[0], bh = blockIds[1];
        Value q0 = arith::MulIOp::create(b, loc, qb, c(bm));
        Value qBase = arith::MulIOp::create(
            b, loc, bh, arith::MulIOp::create(b, loc, sq, c(d)));
        Value kBase = arith::MulIOp::create(
            b, loc, bh, arith::MulIOp::create(b, loc, sk, c(d)));
        Value vBase = arith::MulIOp::create(
            b, loc, bh, arith::MulIOp::create(b, loc, sk, c(dv)));
        auto workgroup = gpu::AddressSpaceAttr::get(
            b.getContext(), gpu::AddressSpace::Workgroup);
        auto sharedOf = [&](int64_t elements) {
          return tile::AllocSharedOp::create(
              b, loc, MemRefType::get({elements}, element, nullptr, workgroup));
        };
        int64_t ldK = d + 8, ldV = dv + 8;
        Value qShared = sharedOf(bm * ldK);
        Value kShared = sharedOf(2 * bn * ldK);
        Value vShared = sharedOf(2 * bn * ldV);
        // Head dims are static multiples of 16, so rows are 16-byte aligned
        // when the buffer is; a misaligned view is copied element by element.
        SharedTileCopy qCopy{params[qParam], qBase, sq,  c(d),
                             pointerIs16ByteAligned(b, loc, params[qParam]),
                             qShared,        bm,    d,   ldK};
        SharedTileCopy kCopy{params[kParam], kBase, sk,  c(d),
                             pointerIs16ByteAligned(b, loc, params[kParam]),
                             kShared,        bn,    d,   ldK};
        SharedTileCopy vCopy{params[vParam], vBase, sk,  c(dv),
                             pointerIs16ByteAligned(b, loc, params[vParam]),
                             vShared,        bn,    dv,  ldV};
        Value zero = c(0);
        qCopy.emit(b, loc, tid, threads, q0, zero, zero);
        tile::AsyncCommitOp::create(b, loc);

        // Key blocks this query block needs: with a causal mask, none past
        // its last query row.
        Value numKV = arith::CeilDivUIOp::create(b, loc, sk, c(bn));
        if (causal) {
          Value lastRow = arith::MinUIOp::create(
              b, loc, arith::AddIOp::create(b, loc, q0, c(bm)), sq);
          numKV = arith::MinUIOp::create(
              b, loc, numKV, arith::CeilDivUIOp::create(b, loc, lastRow, c(bn)));
        }
        auto copyKV = [&](OpBuilder &cb, Value j) {
          Value inRange = arith::CmpIOp::create(
              cb, loc, arith::CmpIPredicate::ult, j, numKV);
          scf::IfOp::create(cb, loc, inRange, [&](OpBuilder &tb, Location l) {
            Value k0 = arith::MulIOp::create(tb, l, j, indexConstant(tb, l, bn));
            Value stage = arith::RemUIOp::create(tb, l, j, indexConstant(tb, l, 2));
            Value z = indexConstant(tb, l, 0);
            kCopy.emit(tb, l, tid, threads, k0, z,
                       arith::MulIOp::create(tb, l, stage,
                                             indexConstant(tb, l, bn * ldK)));
            vCopy.emit(tb, l, tid, threads, k0, z,
                       arith::MulIOp::create(tb, l, stage,
                                             indexConstant(tb, l, bn * ldV)));
            scf::YieldOp::create(tb, l);
          });
          tile::AsyncCommitOp::create(cb, loc);
        };
        copyKV(b, zero);

        // This warp's query fragments stay in registers.
        tile::AsyncWaitOp::create(b, loc, 1);
        tile::BarrierOp::create(b, loc);
        auto fragType = VectorType::get({4, 2}, element);
        Value warpRow0 = arith::MulIOp::create(b, loc, warp, c(16));
        SmallVector<Value> qFrags;
        for (int64_t kk = 0; kk < d / 16; ++kk) {
          Value row = arith::AddIOp::create(b, loc, warpRow0, lanes.lane16);
          Value col = arith::AddIOp::create(b, loc, c(kk * 16), lanes.half);
          Value offset = arith::AddIOp::create(
              b, loc, arith::MulIOp::create(b, loc, row, c(ldK)), col);
          qFrags.push_back(tile::LoadMatrixOp::create(b, loc, fragType,
                                                      qShared, offset, false));
        }

        // Rows of this lane: lane/4 and lane/4 + 8 of the warp's 16.
        Value rowInWarp = arith::DivUIOp::create(b, loc, lane, c(4));
        Value rows[2];
        for (int64_t h = 0; h < 2; ++h)
          rows[h] = arith::AddIOp::create(
              b, loc, q0,
              arith::AddIOp::create(
                  b, loc, warpRow0,
                  arith::AddIOp::create(b, loc, rowInWarp, c(8 * h))));
        Value colInFrag = arith::MulIOp::create(
            b, loc, arith::RemUIOp::create(b, loc, lane, c(4)), c(2));

        auto accType = VectorType::get({2, 2}, f32);
        Value negInf = arith::ConstantOp::create(
            b, loc, f32,
            b.getFloatAttr(f32, APFloat::getInf(APFloat::IEEEsingle(), true)));
        Value zeroF = floatConstant(b, loc, f32, 0.0);
        int64_t oFrags = dv / 8, sFrags = bn / 8;
        // Carried: row max (2), row sum (2), output accumulators.
        SmallVector<Value> inits{negInf, negInf, zeroF, zeroF};
        for (int64_t t = 0; t < oFrags; ++t)
          inits.push_back(zeroOf(b, loc, accType));

        auto loop = scf::ForOp::create(
            b, loc, zero, numKV, c(1), inits,
            [&](OpBuilder &lb, Location l, Value j, ValueRange carried) {
              auto lc = [&](int64_t v) { return indexConstant(lb, l, v); };
              auto ladd = [&](Value x, Value y) {
                return arith::AddIOp::create(lb, l, x, y).getResult();
              };
              tile::AsyncWaitOp::create(lb, l, 0);
              tile::BarrierOp::create(lb, l);
              copyKV(lb, ladd(j, lc(1)));
              Value stage = arith::RemUIOp::create(lb, l, j, lc(2));
              Value kStage = arith::MulIOp::create(lb, l, stage, lc(bn * ldK));
              Value vStage = arith::MulIOp::create(lb, l, stage, lc(bn * ldV));

              // S = Q K^T: K rows are the n dim, stored n-major.
              SmallVector<Value> sAcc(sFrags, zeroOf(lb, l, accType));
              for (int64_t kk = 0; kk < d / 16; ++kk)
                for (int64_t t = 0; t < bn / 16; ++t) {
                  Value key = ladd(lc(t * 16), ladd(lanes.lane8, lanes.half));
                  Value col = ladd(lc(kk * 16), lanes.quarter);
                  Value offset = ladd(
                      kStage,
                      ladd(arith::MulIOp::create(lb, l, key, lc(ldK)), col));
                  mmaPair(lb, l, kShared, offset, /*transpose=*/false,
                          qFrags[kk], sAcc[2 * t], sAcc[2 * t + 1]);
                }

              // Scale and mask the scores; row max over the quad.
              Value k0 = arith::MulIOp::create(lb, l, j, lc(bn));
              auto scores = [&](OpBuilder &sb, bool applyMask) {
                Value scaleV = floatConstant(sb, l, f32, scale);
                SmallVector<Value> out;
                for (int64_t n = 0; n < sFrags; ++n)
                  for (int64_t h = 0; h < 2; ++h)
                    for (int64_t e = 0; e < 2; ++e) {
                      Value sij = vector::ExtractOp::create(
                          sb, l, sAcc[n], ArrayRef<int64_t>{h, e});
                      sij = arith::MulFOp::create(sb, l, sij, scaleV);
                      if (!applyMask) {
                        out.push_back(sij);
                        continue;
                      }
                      Value key = arith::AddIOp::create(
                          sb, l, k0,
                          arith::AddIOp::create(
                              sb, l, indexConstant(sb, l, n * 8 + e),
                              colInFrag));
                      Value masked = arith::CmpIOp::create(
                          sb, l, arith::CmpIPredicate::uge, key, sk);
                      if (causal)
                        masked = arith::OrIOp::create(
                            sb, l, masked,
                            arith::CmpIOp::create(sb, l,
                                                  arith::CmpIPredicate::ugt,
                                                  key, rows[h]));
                      if (maskParam >= 0) {
                        SmallVector<Value> sizes, index;
                        for (unsigned p : batchParams)
                          sizes.push_back(params[p]);
                        index = unflatten(sb, l, bh, sizes);
                        sizes.push_back(sq);
                        sizes.push_back(sk);
                        index.push_back(rows[h]);
                        index.push_back(key);
                        Value inside = arith::AndIOp::create(
                            sb, l,
                            arith::CmpIOp::create(
                                sb, l, arith::CmpIPredicate::ult, rows[h], sq),
                            arith::CmpIOp::create(
                                sb, l, arith::CmpIPredicate::ult, key, sk));
                        Value add = tile::LoadOp::create(
                            sb, l, params[maskParam],
                            broadcastOffset(sb, l, maskType.getShape(), sizes,
                                            index),
                            inside, zeroOf(sb, l, element));
                        sij = arith::AddFOp::create(
                            sb, l, sij, convertScalar(sb, l, add, f32));
                      }
                      out.push_back(
                          arith::SelectOp::create(sb, l, masked, negInf, sij));
                    }
                return out;
              };
              SmallVector<Value> flat;
              if (maskParam >= 0) {
                flat = scores(lb, /*applyMask=*/true);
              } else {
                // Only key blocks past the end of the keys, or (causal)
                // reaching past this warp's first row, need masking; the
                // branch is uniform across the warp.
                Value end = ladd(k0, lc(bn));
                Value edge = arith::CmpIOp::create(
                    lb, l, arith::CmpIPredicate::ugt, end, sk);
                if (causal)
                  edge = arith::OrIOp::create(
                      lb, l, edge,
                      arith::CmpIOp::create(
                          lb, l, arith::CmpIPredicate::ugt, end,
                          ladd(q0, ladd(warpRow0, lc(1)))));
                SmallVector<Type> types(sFrags * 4, f32);
                auto branch = scf::IfOp::create(lb, l, types, edge,
                                                /*withElseRegion=*/true);
                for (bool masked : {true, false}) {
                  Block &block = masked ? branch.getThenRegion().front()
                                        : branch.getElseRegion().front();
                  OpBuilder bb = OpBuilder::atBlockEnd(&block);
                  scf::YieldOp::create(bb, l, scores(bb, masked));
                }
                flat.assign(branch.getResults().begin(),
                            branch.getResults().end());
              }
              SmallVector<SmallVector<Value>> sv(sFrags);
              Value rowMax[2] = {negInf, negInf};
              for (int64_t n = 0; n < sFrags; ++n)
                for (int64_t h = 0; h < 2; ++h)
                  for (int64_t e = 0; e < 2; ++e) {
                    Value sij = flat[n * 4 + h * 2 + e];
                    sv[n].push_back(sij);
                    rowMax[h] = arith::MaximumFOp::create(lb, l, rowMax[h], sij);
                  }

              // Online softmax: new max, rescale factor, probabilities.
              Value mNew[2], alpha[2], mUse[2], rowSum[2];
              for (int64_t h = 0; h < 2; ++h) {
                mNew[h] = arith::MaximumFOp::create(
                    lb, l, carried[h], quadReduce(lb, l, rowMax[h], true));
                // A row with every score masked so far has max -inf: shift
                // by 0 instead, so exp gives 0 rather than NaN.
                Value allMasked = arith::CmpFOp::create(
                    lb, l, arith::CmpFPredicate::OEQ, mNew[h], negInf);
                mUse[h] = arith::SelectOp::create(lb, l, allMasked, zeroF,
                                                  mNew[h]);
                alpha[h] = math::ExpOp::create(
                    lb, l, arith::SubFOp::create(lb, l, carried[h], mUse[h]));
                rowSum[h] = zeroF;
              }
              SmallVector<Value> p(sFrags * 4);
              for (int64_t n = 0; n < sFrags; ++n)
                for (int64_t h = 0; h < 2; ++h)
                  for (int64_t e = 0; e < 2; ++e) {
                    Value pij = math::ExpOp::create(
                        lb, l,
                        arith::SubFOp::create(lb, l, sv[n][h * 2 + e], mUse[h]));
                    p[n * 4 + h * 2 + e] = pij;
                    rowSum[h] = arith::AddFOp::create(lb, l, rowSum[h], pij);
                  }
              SmallVector<Value> next;
              for (int64_t h = 0; h < 2; ++h)
                next.push_back(mNew[h]);
              for (int64_t h = 0; h < 2; ++h)
                next.push_back(arith::AddFOp::create(
                    lb, l, arith::MulFOp::create(lb, l, carried[2 + h], alpha[h]),
                    quadReduce(lb, l, rowSum[h], false)));

              // O = O * alpha + P V: P's accumulator layout is the A
              // operand's register layout; V rows are k, stored k-major.
              Value alphaVec = vector::FromElementsOp::create(
                  lb, l, accType,
                  ValueRange{alpha[0], alpha[0], alpha[1], alpha[1]});
              SmallVector<Value> oAcc;
              for (int64_t t = 0; t < oFrags; ++t)
                oAcc.push_back(
                    arith::MulFOp::create(lb, l, carried[4 + t], alphaVec));
              for (int64_t kt = 0; kt < bn / 16; ++kt) {
                SmallVector<Value> pa;
                for (int64_t half = 0; half < 2; ++half)
                  for (int64_t h = 0; h < 2; ++h)
                    for (int64_t e = 0; e < 2; ++e)
                      pa.push_back(convertScalar(
                          lb, l, p[(2 * kt + half) * 4 + h * 2 + e], element));
                // a0 = rows 0-7 keys 0-7 (frag 2kt row half 0), a1 = rows
                // 8-15 keys 0-7, a2/a3 the same for keys 8-15 (frag 2kt+1).
                Value aFrag =
                    vector::FromElementsOp::create(lb, l, fragType, pa);
                for (int64_t t = 0; t < dv / 16; ++t) {
                  Value key = ladd(lc(kt * 16), lanes.lane16);
                  Value col = ladd(lc(t * 16), lanes.half);
                  Value offset = ladd(
                      vStage,
                      ladd(arith::MulIOp::create(lb, l, key, lc(ldV)), col));
                  mmaPair(lb, l, vShared, offset, /*transpose=*/true, aFrag,
                          oAcc[2 * t], oAcc[2 * t + 1]);
                }
              }
              next.append(oAcc.begin(), oAcc.end());
              scf::YieldOp::create(lb, l, next);
            });
        tile::AsyncWaitOp::create(b, loc, 0);

        // O / row sum, stored under the row mask.
        Value oBase = arith::MulIOp::create(
            b, loc, bh, arith::MulIOp::create(b, loc, sq, c(dv)));
        Value inv[2], inside[2];
        for (int64_t h = 0; h < 2; ++h) {
          Value sum = loop.getResult(2 + h);
          Value positive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                                 sum, zeroF);
          inv[h] = arith::SelectOp::create(
              b, loc, positive,
              arith::DivFOp::create(b, loc, floatConstant(b, loc, f32, 1.0), sum),
              zeroF);
          inside[h] = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                            rows[h], sq);
        }
        for (int64_t t = 0; t < oFrags; ++t)
          for (int64_t h = 0; h < 2; ++h)
            for (int64_t e = 0; e < 2; ++e) {
              Value o = vector::ExtractOp::create(b, loc, loop.getResult(4 + t),
                                                  ArrayRef<int64_t>{h, e});
              o = arith::MulFOp::create(b, loc, o, inv[h]);
              Value col = arith::AddIOp::create(b, loc, colInFrag, c(t * 8 + e));
              Value offset = arith::AddIOp::create(
                  b, loc, oBase,
                  arith::AddIOp::create(
                      b, loc, arith::MulIOp::create(b, loc, rows[h], c(dv)), col));
              tile::StoreOp::create(b, loc, buildStorageScalar(op, b, loc, o, element),
                                    params[outParam], offset, inside[h]);
            }
        return success();
      });
}

/// A SIMT attention kernel (no tensor cores: f32, AMD, older chips): one
/// thread per query row streams over the keys with an online softmax, its
/// output row (`Dv` values, static) in registers. Correct everywhere, slow.
static LogicalResult lowerAttentionSimt(HostState &host,
                                        schedule::KernelOp kernel,
                                        graph::AttentionOp op) {
  Location loc = kernel.getLoc();
  schedule::ConfigAttr config = kernel.getConfig();
  OpBuilder &hb = host.builder;
  auto qType = cast<RankedTensorType>(op.getQuery().getType());
  auto vType = cast<RankedTensorType>(op.getValue().getType());
  int64_t dv = vType.getShape().back();
  if (ShapedType::isDynamic(dv) || dv > 256)
    return op.emitOpError()
           << "has value head dim "
           << (ShapedType::isDynamic(dv) ? std::string("?") : std::to_string(dv))
           << "; the GPU lowering without tensor cores needs a static value "
              "head dim of at most 256";
  Type element = qType.getElementType();
  Type f32 = hb.getF32Type();
  Type compute = element.isF64() ? element : f32;

  AttentionHost setup(host, kernel, op, /*passHeadDim=*/true);
  KernelSignature &sig = setup.sig;
  unsigned qParam = setup.q, kParam = setup.k, vParam = setup.v,
           outParam = setup.out, sqParam = setup.sq, skParam = setup.sk,
           dParam = setup.d;
  int64_t maskParam = setup.mask;
  RankedTensorType maskType = setup.maskType;
  ArrayRef<unsigned> batchParams = setup.batchSizes;
  Value sq = setup.hostSq, batch = setup.hostBatch;

  int64_t threads = config.getThreads();
  Value gridX = arith::CeilDivUIOp::create(hb, loc, sq,
                                           indexConstant(hb, loc, threads));
  std::optional<double> scaleAttr;
  if (op.getScale())
    scaleAttr = op.getScale()->convertToDouble();
  bool causal = op.getCausal();

  return emitKernel(
      host, loc, "attention", config, sig,
      {arith::MulIOp::create(hb, loc, gridX, batch).getResult()}, 0,
      [&](OpBuilder &b, ValueRange params) -> LogicalResult {
        auto c = [&](int64_t v) { return indexConstant(b, loc, v); };
        Value sq = params[sqParam], sk = params[skParam], d = params[dParam];
        Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
        // A flat grid of row blocks (fastest) by batch entries.
        SmallVector<Value> blockIds = flatBlockIds(
            b, loc,
            {arith::CeilDivUIOp::create(b, loc, sq, c(threads)).getResult(),
             Value()});
        Value bh = blockIds[1];
        Value row = arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, blockIds[0], c(threads)),
            tid);
        Value inside =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, sq);
        // Rows past the end read row 0 (in bounds) and store nothing.
        Value safeRow = arith::SelectOp::create(b, loc, inside, row, c(0));
        Value qRow = arith::MulIOp::create(
            b, loc, d,
            arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, bh, sq),
                                  safeRow));
        Value kBase = arith::MulIOp::create(
            b, loc, bh, arith::MulIOp::create(b, loc, sk, d));
        Value vBase = arith::MulIOp::create(
            b, loc, bh, arith::MulIOp::create(b, loc, sk, c(dv)));
        Value scale = scaleAttr
                          ? floatConstant(b, loc, compute, *scaleAttr)
                          : Value(math::RsqrtOp::create(
                                b, loc, indexToFloat(b, loc, d, compute)));
        Value keys = sk;
        if (causal)
          keys = arith::MinUIOp::create(
              b, loc, sk, arith::AddIOp::create(b, loc, safeRow, c(1)));
        Value negInf = arith::ConstantOp::create(
            b, loc, compute,
            b.getFloatAttr(compute,
                           APFloat::getInf(
                               cast<FloatType>(compute).getFloatSemantics(),
                               /*Negative=*/true)));
        Value zero = floatConstant(b, loc, compute, 0.0);
        SmallVector<Value> inits{negInf, zero};
        inits.append(dv, zero);
        auto loop = scf::ForOp::create(
            b, loc, c(0), keys, c(1), inits,
            [&](OpBuilder &lb, Location l, Value j, ValueRange carried) {
              auto load = [&](unsigned param, Value offset) {
                return convertScalar(
                    lb, l, tile::LoadOp::create(lb, l, params[param], offset),
                    compute);
              };
              Value kRow = arith::AddIOp::create(
                  lb, l, kBase, arith::MulIOp::create(lb, l, j, d));
              auto dot = scf::ForOp::create(
                  lb, l, indexConstant(lb, l, 0), d, indexConstant(lb, l, 1),
                  ValueRange{zero},
                  [&](OpBuilder &db, Location dl, Value e, ValueRange acc) {
                    Value qe = convertScalar(
                        db, dl,
                        tile::LoadOp::create(
                            db, dl, params[qParam],
                            arith::AddIOp::create(db, dl, qRow, e)),
                        compute);
                    Value ke = convertScalar(
                        db, dl,
                        tile::LoadOp::create(
                            db, dl, params[kParam],
                            arith::AddIOp::create(db, dl, kRow, e)),
                        compute);
                    scf::YieldOp::create(
                        db, dl,
                        ValueRange{arith::AddFOp::create(
                            db, dl, acc[0],
                            arith::MulFOp::create(db, dl, qe, ke))});
                  });
              Value sij = arith::MulFOp::create(lb, l, dot.getResult(0), scale);
              if (maskParam >= 0) {
                SmallVector<Value> sizes, index;
                for (unsigned p : batchParams)
                  sizes.push_back(params[p]);
                index = unflatten(lb, l, bh, sizes);
                sizes.push_back(sq);
                sizes.push_back(sk);
                index.push_back(safeRow);
                index.push_back(j);
                sij = arith::AddFOp::create(
                    lb, l, sij,
                    load(maskParam, broadcastOffset(lb, l, maskType.getShape(),
                                                    sizes, index)));
              }
              Value mNew = arith::MaximumFOp::create(lb, l, carried[0], sij);
              Value allMasked = arith::CmpFOp::create(
                  lb, l, arith::CmpFPredicate::OEQ, mNew, negInf);
              Value mUse = arith::SelectOp::create(lb, l, allMasked, zero, mNew);
              Value alpha = math::ExpOp::create(
                  lb, l, arith::SubFOp::create(lb, l, carried[0], mUse));
              Value p = math::ExpOp::create(
                  lb, l, arith::SubFOp::create(lb, l, sij, mUse));
              SmallVector<Value> next{
                  mNew, arith::AddFOp::create(
                            lb, l, arith::MulFOp::create(lb, l, carried[1], alpha),
                            p)};
              Value vRow = arith::AddIOp::create(
                  lb, l, vBase,
                  arith::MulIOp::create(lb, l, j, indexConstant(lb, l, dv)));
              for (int64_t e = 0; e < dv; ++e) {
                Value ve = load(vParam, arith::AddIOp::create(
                                            lb, l, vRow, indexConstant(lb, l, e)));
                next.push_back(arith::AddFOp::create(
                    lb, l, arith::MulFOp::create(lb, l, carried[2 + e], alpha),
                    arith::MulFOp::create(lb, l, p, ve)));
              }
              scf::YieldOp::create(lb, l, next);
            });
        Value sum = loop.getResult(1);
        Value inv = arith::SelectOp::create(
            b, loc,
            arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, sum, zero),
            arith::DivFOp::create(b, loc, floatConstant(b, loc, compute, 1.0),
                                  sum),
            zero);
        Value oRow = arith::MulIOp::create(
            b, loc, c(dv),
            arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, bh, sq),
                                  safeRow));
        for (int64_t e = 0; e < dv; ++e) {
          Value o = arith::MulFOp::create(b, loc, loop.getResult(2 + e), inv);
          tile::StoreOp::create(b, loc, buildStorageScalar(op, b, loc, o, element),
                                params[outParam],
                                arith::AddIOp::create(b, loc, oRow, c(e)),
                                inside);
        }
        return success();
      });
}

LogicalResult lowerAttention(HostState &host, schedule::KernelOp kernel,
                                    graph::AttentionOp op) {
  // (classifyKernelBody refuses attention kernels with fused ops.)
  requireAttentionShapes(host, kernel.getLoc(), kernel, op);
  if (kernel.getConfig().getMma() == schedule::MmaKind::mma_sync) {
    if (!schedule::isTensorCoreAttention(op))
      return op.emitOpError()
             << "asks for mma_sync, which needs f16 or bf16 operands with "
                "static head dims that are multiples of 16";
    return lowerAttentionMma(host, kernel, op);
  }
  if (kernel.getConfig().getMma() != schedule::MmaKind::none)
    return op.emitOpError() << "asks for "
                            << schedule::stringifyMmaKind(
                                   kernel.getConfig().getMma())
                            << ", which the GPU lowering does not generate "
                               "for attention yet";
  return lowerAttentionSimt(host, kernel, op);
}

} // namespace mlir::tessera::schedule_to_tile
