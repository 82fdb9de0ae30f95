//===- Attention.cpp - Attention kernels ----------------------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Attention kernels: one FlashAttention-2 block program, its dots on tensor
// cores (wgmma, warp-specialized or not; mma.sync) or, for everything else,
// on fma.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

//===----------------------------------------------------------------------===//
// Attention kernels
//===----------------------------------------------------------------------===//

/// An attention operand as its kernel reads it: the kernel input (a host
/// value) and its sizes in the attention's [..., S, D] order. `swapped`:
/// a head swap (a Graph IR transpose of the middle dims, in the kernel:
/// schedule::isAttentionHeadSwap) stands between, so the input is stored
/// [B, S, H, D] and read through strides.
struct AttentionOperand {
  Value input;
  SmallVector<Value> sizes;
  bool swapped = false;
};

static AttentionOperand attentionOperand(HostState &host,
                                         schedule::KernelOp kernel,
                                         Value value) {
  AttentionOperand operand;
  if (auto swap = value.getDefiningOp<graph::TransposeOp>()) {
    value = swap.getInput();
    operand.swapped = true;
  }
  operand.input =
      kernel.getInputs()[cast<BlockArgument>(value).getArgNumber()];
  ArrayRef<Value> sizes = host.sizesOf(operand.input);
  operand.sizes.assign(sizes.begin(), sizes.end());
  if (operand.swapped)
    std::swap(operand.sizes[1], operand.sizes[2]);
  return operand;
}

/// The head swap of `op`'s result in its kernel (its only use), if any.
static Operation *outputHeadSwap(graph::AttentionOp op) {
  if (!op->hasOneUse())
    return nullptr;
  Operation *user = *op->user_begin();
  return schedule::isAttentionHeadSwap(user) ? user : nullptr;
}

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
  SmallVector<Value> q = attentionOperand(host, kernel, op.getQuery()).sizes;
  SmallVector<Value> k = attentionOperand(host, kernel, op.getKey()).sizes;
  SmallVector<Value> v = attentionOperand(host, kernel, op.getValue()).sizes;
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
/// sequence lengths, and the batch sizes when the mask needs them to index.
struct AttentionHost {
  KernelSignature sig;
  unsigned q, k, v, out, sq, sk;
  /// The number of batch entries (wgmma kernels: the tensor maps' views).
  unsigned batch = 0;
  int64_t mask = -1;
  RankedTensorType maskType;
  SmallVector<unsigned> batchSizes;
  Value hostSq, hostBatch;
  /// The query, key and value as the kernel reads them, and whether the
  /// output is stored [B, S, H, D] (its head swap in the kernel).
  AttentionOperand query, key, value;
  bool outSwapped = false;
  /// The heads (the attention's dim 1): where an operand or the output is
  /// stored [B, S, H, D], views split batch entries by it.
  unsigned heads = 0;

  bool anySwapped() const {
    return query.swapped || key.swapped || value.swapped || outSwapped;
  }

  AttentionHost(HostState &host, schedule::KernelOp kernel,
                graph::AttentionOp op) {
    Location loc = kernel.getLoc();
    int64_t rank = cast<RankedTensorType>(op.getQuery().getType()).getRank();
    int64_t dv =
        cast<RankedTensorType>(op.getValue().getType()).getShape().back();
    auto hostOf = [&](Value value) {
      return kernel.getInputs()[cast<BlockArgument>(value).getArgNumber()];
    };
    query = attentionOperand(host, kernel, op.getQuery());
    key = attentionOperand(host, kernel, op.getKey());
    value = attentionOperand(host, kernel, op.getValue());
    ArrayRef<Value> qSizes = query.sizes;
    ArrayRef<Value> kSizes = key.sizes;
    hostSq = qSizes[rank - 2];
    SmallVector<Value> outSizes(qSizes.begin(), qSizes.end());
    outSizes.back() = indexConstant(host.builder, loc, dv);
    hostBatch = product(host.builder, loc, qSizes.take_front(rank - 2));
    auto outType = cast<RankedTensorType>(op.getType());
    if (Operation *swap = outputHeadSwap(op)) {
      outSwapped = true;
      outType = cast<RankedTensorType>(swap->getResult(0).getType());
      std::swap(outSizes[1], outSizes[2]);
    }
    Value output = allocate(host, loc, outType, outSizes);
    host.buffers.map(kernel.getResult(0), output);
    q = sig.addBuffer(host.buffers.lookup(query.input));
    k = sig.addBuffer(host.buffers.lookup(key.input));
    v = sig.addBuffer(host.buffers.lookup(value.input));
    if (Value m = op.getMask()) {
      maskType = cast<RankedTensorType>(m.getType());
      mask = sig.addBuffer(host.buffers.lookup(hostOf(m)));
    }
    out = sig.addBuffer(output);
    sq = sig.addSize(hostSq);
    sk = sig.addSize(kSizes[rank - 2]);
    if (anySwapped())
      heads = sig.addSize(qSizes[1]);
    // Q K^T and P V: 2 (d + dv) per query-key pair, per batch entry; with
    // the causal mask only the pairs of keys up to the query's row (query
    // i sees min(i + 1, Sk) keys).
    int64_t dq = cast<RankedTensorType>(op.getQuery().getType())
                     .getShape()
                     .back();
    if (!ShapedType::isDynamic(dq) && !ShapedType::isDynamic(dv)) {
      OpBuilder &hb = host.builder;
      auto c = [&](int64_t v) { return indexConstant(hb, loc, v); };
      Value hostSk = kSizes[rank - 2];
      Value pairs = arith::MulIOp::create(hb, loc, hostSq, hostSk);
      if (op.getCausal()) {
        Value p = arith::MinUIOp::create(hb, loc, hostSq, hostSk);
        Value triangle = arith::DivUIOp::create(
            hb, loc,
            arith::MulIOp::create(hb, loc, p,
                                  arith::AddIOp::create(hb, loc, p, c(1))),
            c(2));
        pairs = arith::AddIOp::create(
            hb, loc, triangle,
            arith::MulIOp::create(
                hb, loc, arith::SubIOp::create(hb, loc, hostSq, p), hostSk));
      }
      sig.flops = product(hb, loc, {c(2 * (dq + dv)), hostBatch, pairs});
    }
    // The batch entry's indices: the mask's offset, and the output
    // element's indices stochastic rounding hashes.
    if (mask >= 0 || usesStochasticRounding(op))
      for (int64_t i = 0; i < rank - 2; ++i)
        batchSizes.push_back(sig.addSize(qSizes[i]));
  }
};

/// How an attention block program multiplies.
enum class AttentionDots { fma, mmaSync, wgmma };

/// The tensor maps of a wgmma attention's query, key and value (kernel
/// parameters).
struct AttentionMaps {
  unsigned q, k, v;
};

/// An attention kernel (FlashAttention-2) as a block program: each block
/// takes `BM` query rows of one batch entry. On tensor cores its warps hold
/// 16 rows each (accumulators over warps [BM / 16, 1]: mma_sync's, or
/// wgmma's, where a warpgroup's four warps hold its 64 rows); without them
/// (`fma` dots) the score and output tiles are blocked tiles, a warp's
/// lanes [warp / 4, 4] over [rows, columns], cyclic along the columns. The
/// block's Q tile is copied to shared memory once (with mma_sync read into
/// registers as the first dot's `a`; wgmma reads it there, a TMA copy into
/// a 128-byte swizzled buffer); per `BN` keys, box copies of K and V (TMA
/// with wgmma, both completing on one barrier; a loop of `stages` stages:
/// the next blocks' copies fly while this one computes), S = Q K^T (K
/// through a transposed view: K-major for wgmma), scaled and masked (the
/// ragged end of the keys, causal, the additive mask: only in blocks that
/// need it, a branch), folded into a running row max and sum (online
/// softmax: `reduce` over the rows' lanes, `map`s, `broadcast`); the
/// probabilities, rounded to the input type, are the second dot's `a`: on
/// tensor cores from registers as they are (their accumulator layout is
/// mma_sync's and wgmma's `a` layout: `convert_layout` moves nothing), else
/// through a shared buffer; O = O * alpha + P V (V N-major for wgmma).
/// Without tensor cores the boxes' rows are whole 32-byte multiples plus a
/// 16-byte pad, so that the eight rows a warp's lanes read at once start in
/// distinct banks. The end: O over the row sums, stored masked at the
/// query rows' end. Causal blocks skip the key blocks past their last row,
/// and the longest run first. With wgmma and `producer_warps` the program
/// is warp-specialized: a producer warpgroup fills rings of K and V slots
/// and the block's warps free each slot on its barrier (no block barrier
/// per key block); with the overlap, FlashAttention-3's loop in turns of
/// the two warpgroups, and, not causal, persistent (a block per
/// multiprocessor walking the tiles, Q in a ring of two slots too).
struct AttentionProgram {
  graph::AttentionOp attention;
  const AttentionHost &setup;
  Location loc;
  AttentionDots dots;
  int64_t d, dv, dBox, dvBox, bm, bn, stages;
  double scale;
  bool causal;
  Type element, f32, index;
  /// The two dots' mma and the tiles of their accumulators (one encoding
  /// but for wgmma, whose n is each dot's columns).
  tile::MmaAttr mmaScores, mmaOutputs;
  OutputTiles scores, outputs;
  /// Q, K and V's shared buffers.
  tile::SmemLayoutAttr layout;
  std::optional<AttentionMaps> maps;
  /// wgmma: the next key block's scores multiply while the current
  /// block's softmax runs.
  bool overlap = false;
  /// wgmma with `producer_warps`: a producer warpgroup of that many warps
  /// fills rings of K and V slots, the `consumerThreads` of the default
  /// region free each slot on its barrier (0: the block's loop, pipelined
  /// by tessera-tile-pipeline).
  int64_t producerWarps = 0, consumerThreads = 0;
  /// Warp-specialized with the overlap: a persistent kernel whose grid
  /// (this kernel parameter, at most the device's multiprocessors) walks
  /// the tiles; -1: a block per tile.
  int64_t gridParam = -1;

  bool tensorCores() const { return dots != AttentionDots::fma; }
  /// Row values of the scores as row values of the outputs (the same lanes
  /// hold them).
  Value outputRows(OpBuilder &b, Value rows) const {
    if (scores.encoding == outputs.encoding)
      return rows;
    return tile::ConvertLayoutOp::create(b, loc, outputs.rows(f32), rows);
  }
  LogicalResult build(OpBuilder &b, ValueRange params) const;
};

/// The program for `dots` under `config`.
static AttentionProgram makeAttentionProgram(graph::AttentionOp op,
                                             Location loc,
                                             const AttentionHost &setup,
                                             schedule::ConfigAttr config,
                                             int64_t warpSize,
                                             AttentionDots dots) {
  MLIRContext *ctx = op.getContext();
  auto qType = cast<RankedTensorType>(op.getQuery().getType());
  auto vType = cast<RankedTensorType>(op.getValue().getType());
  int64_t rank = qType.getRank();
  int64_t d = qType.getDimSize(rank - 1), dv = vType.getDimSize(rank - 1);
  Type element = qType.getElementType();
  Builder builder(ctx);
  Type f32 = element.isF64() ? element : builder.getF32Type();
  ArrayRef<int64_t> tile = config.getTile();
  int64_t bm = tile[0], bn = tile[1], warps = config.getThreads() / warpSize;
  int64_t bytes = element.getIntOrFloatBitWidth() / 8;
  double scale = op.getScale() ? op.getScale()->convertToDouble()
                               : 1.0 / std::sqrt(static_cast<double>(d));
  int64_t dBox = d, dvBox = dv;
  tile::MmaAttr mmaScores, mmaOutputs;
  Attribute scoresEncoding, outputsEncoding;
  auto layout = tile::SmemLayoutAttr::get(ctx, /*swizzle=*/0, /*pad=*/16 / bytes);
  switch (dots) {
  case AttentionDots::wgmma:
    mmaScores = tile::MmaAttr::get(ctx, tile::MmaKind::wgmma, 64, bn, 16);
    mmaOutputs = tile::MmaAttr::get(ctx, tile::MmaKind::wgmma, 64, dv, 16);
    scoresEncoding = tile::MmaAccEncodingAttr::get(ctx, mmaScores, {warps, 1});
    outputsEncoding =
        tile::MmaAccEncodingAttr::get(ctx, mmaOutputs, {warps, 1});
    layout = tile::SmemLayoutAttr::get(ctx, /*swizzle=*/128, /*pad=*/0);
    break;
  case AttentionDots::mmaSync:
    mmaScores = mmaOutputs =
        tile::MmaAttr::get(ctx, tile::MmaKind::mma_sync, 16, 8, 16);
    scoresEncoding = outputsEncoding =
        tile::MmaAccEncodingAttr::get(ctx, mmaScores, {warps, 1});
    break;
  case AttentionDots::fma:
    mmaScores = mmaOutputs = tile::MmaAttr::get(ctx, tile::MmaKind::fma, 1, 1, 1);
    scoresEncoding = outputsEncoding = tile::BlockedEncodingAttr::get(
        ctx, {warps, 1}, {warpSize / 4, 4}, {1, 1});
    // Past the head dims the boxes read zeros: they add nothing to Q K^T,
    // and the output's extra columns are not stored.
    dBox = llvm::alignTo(d, 32 / bytes);
    dvBox = llvm::alignTo(dv, 32 / bytes);
    break;
  }
  return AttentionProgram{op,
                          setup,
                          loc,
                          dots,
                          d,
                          dv,
                          dBox,
                          dvBox,
                          bm,
                          bn,
                          config.getStages(),
                          scale,
                          op.getCausal(),
                          element,
                          f32,
                          builder.getIndexType(),
                          mmaScores,
                          mmaOutputs,
                          OutputTiles{bm, bn, scoresEncoding},
                          OutputTiles{bm, dvBox, outputsEncoding},
                          layout,
                          std::nullopt};
}

/// Where the attention tile of query block `block` and batch entry `entry`
/// reads: its first query row (causal: the query blocks in reverse, the
/// longest rows first) and, with `heads` (operands stored [B, S, H, D]),
/// the entry's batch element and head.
struct AttentionTile {
  Value q0, entry, batchOf, headOf;
};
static AttentionTile locateTile(OpBuilder &b, Location loc, Value block,
                                Value entry, Value queryBlocks, Value heads,
                                int64_t bm, bool causal) {
  auto c = [&](int64_t v) { return indexConstant(b, loc, v); };
  if (causal)
    block = arith::SubIOp::create(
        b, loc, arith::SubIOp::create(b, loc, queryBlocks, c(1)), block);
  AttentionTile at{arith::MulIOp::create(b, loc, block, c(bm)), entry,
                   Value(), Value()};
  if (heads) {
    at.batchOf = arith::DivUIOp::create(b, loc, entry, heads);
    at.headOf = arith::RemUIOp::create(b, loc, entry, heads);
  }
  return at;
}

/// The key blocks of `bn` keys the query rows from `q0` need: with a
/// causal mask, none past their last row; `atLeastOne`: one where there
/// are none (its scores are masked, its P 0).
static Value keyBlocksOf(OpBuilder &b, Location loc, Value sq, Value sk,
                         Value q0, int64_t bm, int64_t bn, bool causal,
                         bool atLeastOne) {
  auto c = [&](int64_t v) { return indexConstant(b, loc, v); };
  Value blocks = arith::CeilDivUIOp::create(b, loc, sk, c(bn));
  if (causal) {
    Value lastRow = arith::MinUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, q0, c(bm)), sq);
    blocks = arith::MinUIOp::create(
        b, loc, blocks, arith::CeilDivUIOp::create(b, loc, lastRow, c(bn)));
  }
  if (atLeastOne)
    blocks = arith::MaxUIOp::create(b, loc, blocks, c(1));
  return blocks;
}

LogicalResult AttentionProgram::build(OpBuilder &b, ValueRange params) const {
  MLIRContext *ctx = b.getContext();
  bool wgmma = dots == AttentionDots::wgmma;
  bool overlap = wgmma && this->overlap;
  auto c = [&](OpBuilder &ob, int64_t v) { return indexConstant(ob, loc, v); };
  auto mul = [&](OpBuilder &ob, Value x, Value y) {
    return arith::MulIOp::create(ob, loc, x, y).getResult();
  };
  int64_t maskParam = setup.mask;
  RankedTensorType maskType = setup.maskType;
  Value sq = params[setup.sq], sk = params[setup.sk];
  bool specialized = wgmma && producerWarps != 0;
  // Persistent (the warp-specialized program with the overlap): each block
  // takes tiles program_id, program_id + grid, ... (its producer and its
  // consumers alike), so that one tile's copies fly under the last one's
  // end.
  bool persistent = specialized && overlap && gridParam >= 0;
  // The tiles: query blocks (fastest) by batch entries; the one being
  // built (`locate`): its first query row, its batch entry and, stored
  // [B, S, H, D], the entry's batch element and head.
  Value queryBlocks = arith::CeilDivUIOp::create(b, loc, sq, c(b, bm));
  Value heads;
  if (setup.anySwapped())
    heads = params[setup.heads];
  Value q0, bh, batchOf, headOf;
  auto locate = [&](OpBuilder &ob, Value block, Value entry) {
    AttentionTile at =
        locateTile(ob, loc, block, entry, queryBlocks, heads, bm, causal);
    q0 = at.q0;
    bh = at.entry;
    batchOf = at.batchOf;
    headOf = at.headOf;
  };
  if (!persistent) {
    SmallVector<Value> blockIds =
        flatBlockIds(b, loc, {queryBlocks, Value()});
    locate(b, blockIds[0], blockIds[1]);
  }
  // A batch entry's [rows, cols] of a buffer: consecutive, or, stored
  // [B, S, H, D] (`swapped`), its head's columns of every row of its batch
  // element (rows H * cols apart).
  auto entryView = [&](OpBuilder &ob, unsigned param, bool swapped,
                       Value rows, int64_t cols) {
    if (!swapped)
      return stridedView(ob, loc, params[param],
                         mul(ob, bh, mul(ob, rows, c(ob, cols))),
                         {rows, c(ob, cols)}, {c(ob, cols), c(ob, 1)});
    Value rowStride = mul(ob, heads, c(ob, cols));
    Value offset = arith::AddIOp::create(
        ob, loc, mul(ob, batchOf, mul(ob, rows, rowStride)),
        mul(ob, headOf, c(ob, cols)));
    return stridedView(ob, loc, params[param], offset, {rows, c(ob, cols)},
                       {rowStride, c(ob, 1)});
  };
  Value qView, kView, vView, outView;
  if (!persistent) {
    qView = entryView(b, setup.q, setup.query.swapped, sq, d);
    kView = entryView(b, setup.k, setup.key.swapped, sk, d);
    vView = entryView(b, setup.v, setup.value.swapped, sk, dv);
    outView = entryView(b, setup.out, setup.outSwapped, sq, dv);
  }

  // wgmma: the operands as the tensor maps see them, [batch entries,
  // rows, head dim], or, stored [B, S, H, D], [B, H, rows, head dim]
  // through strides; and a batch entry's coordinates in them.
  Value qMapView, kMapView, vMapView;
  auto mapAt = [&](bool swapped, Value row, OpBuilder &ob) {
    return swapped ? SmallVector<Value>{batchOf, headOf, row, c(ob, 0)}
                   : SmallVector<Value>{bh, row, c(ob, 0)};
  };
  if (wgmma) {
    Value batch = params[setup.batch];
    auto mapView = [&](unsigned param, bool swapped, Value rows,
                       int64_t cols) {
      if (!swapped)
        return stridedView(b, loc, params[param], c(b, 0),
                           {batch, rows, c(b, cols)},
                           {mul(b, rows, c(b, cols)), c(b, cols), c(b, 1)});
      Value rowStride = mul(b, heads, c(b, cols));
      return stridedView(
          b, loc, params[param], c(b, 0),
          {arith::DivUIOp::create(b, loc, batch, heads).getResult(), heads,
           rows, c(b, cols)},
          {mul(b, rows, rowStride), c(b, cols), rowStride, c(b, 1)});
    };
    qMapView = mapView(setup.q, setup.query.swapped, sq, d);
    kMapView = mapView(setup.k, setup.key.swapped, sk, d);
    vMapView = mapView(setup.v, setup.value.swapped, sk, dv);
  }

  // The block's queries, once: wgmma reads them from their swizzled
  // buffer (a TMA copy completing on a barrier); mma_sync into registers
  // as the first dot's a.
  // (Persistent: a ring of two Q slots that the producer fills.)
  Value qs, qRing, fullQ, emptyQ;
  if (persistent) {
    qRing = tile::LocalAllocOp::create(
        b, loc, tile::SmemType::get({2, bm, dBox}, element, layout),
        IntegerAttr());
    auto pair = tile::MbarrierType::get(ctx, 2);
    fullQ = tile::MbarrierAllocOp::create(b, loc, pair, 1, IntegerAttr());
    emptyQ = tile::MbarrierAllocOp::create(b, loc, pair, consumerThreads / 32,
                                           IntegerAttr());
  } else {
    qs = tile::LocalAllocOp::create(
        b, loc, tile::SmemType::get({bm, dBox}, element, layout),
        IntegerAttr());
  }
  // (Persistent: the producer copies each tile's Q.)
  if (wgmma && !persistent) {
    Value landed = tile::MbarrierAllocOp::create(
        b, loc, tile::MbarrierType::get(ctx, 1), /*arrivals=*/1,
        IntegerAttr());
    tile::BoxCopyOp::create(b, loc, Type(), qMapView,
                            mapAt(setup.query.swapped, q0, b), qs,
                            params[maps->q], landed, c(b, 0), Value(), false);
    tile::MbarrierWaitOp::create(
        b, loc, landed, c(b, 0),
        arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0));
  } else if (!wgmma) {
    auto qCopy = tile::BoxCopyOp::create(
        b, loc, tile::AsyncTokenType::get(ctx), qView,
        ValueRange{q0, c(b, 0)}, qs, Value(), Value(), Value(), Value(),
        false);
    tile::WaitOp::create(b, loc, ValueRange{qCopy.getToken()},
                         IntegerAttr());
  }
  Value qa = qs;
  if (dots == AttentionDots::mmaSync)
    qa = tile::LocalLoadOp::create(
        b, loc,
        RankedTensorType::get(
            {bm, d}, element,
            tile::DotOperandEncodingAttr::get(
                ctx, 0, cast<tile::MmaAccEncodingAttr>(scores.encoding))),
        qs);
  // Without tensor cores the probabilities go through shared memory.
  Value ps;
  if (!tensorCores())
    ps = tile::LocalAllocOp::create(
        b, loc,
        tile::SmemType::get({bm, bn}, element, layout),
        IntegerAttr());

  // Key blocks this query block needs (warp-specialized with the overlap,
  // FlashAttention-3's consumer: at least one, whose scores come before
  // its loop).
  auto keyBlocks = [&](OpBuilder &ob) {
    return keyBlocksOf(ob, loc, sq, sk, q0, bm, bn, causal,
                       specialized && overlap);
  };
  Value numKV;
  if (!persistent)
    numKV = keyBlocks(b);

  // Index tiles: the block's query rows (a value per row) and a key
  // block's offsets (a value per column), broadcast to the scores.
  auto indices = [&](OpBuilder &ob, int64_t axis, Value origin) {
    return scores.coordinates(ob, loc, axis, origin);
  };
  // The additive mask at [batch entry, row, key]: a scalar offset for
  // the batch entry plus the row's and the key's (NumPy
  // broadcasting), gathered from a flat view.
  Value maskView, maskBatchOffset, maskRowStride;
  bool maskKeys = false;
  // The batch entry's offset (per tile).
  auto maskEntry = [&](OpBuilder &ob) {
    SmallVector<Value> sizes;
    for (unsigned p : setup.batchSizes)
      sizes.push_back(params[p]);
    SmallVector<Value> at = unflatten(ob, loc, bh, sizes);
    sizes.push_back(sq);
    sizes.push_back(sk);
    at.push_back(c(ob, 0));
    at.push_back(c(ob, 0));
    maskBatchOffset =
        broadcastOffset(ob, loc, maskType.getShape(), sizes, at);
  };
  if (maskParam >= 0) {
    SmallVector<Value> sizes;
    for (unsigned p : setup.batchSizes)
      sizes.push_back(params[p]);
    sizes.push_back(sq);
    sizes.push_back(sk);
    ArrayRef<int64_t> shape = maskType.getShape();
    if (!persistent)
      maskEntry(b);
    Value count = c(b, 1);
    for (auto [extent, size] : llvm::zip(
             shape, ArrayRef<Value>(sizes).take_back(shape.size())))
      if (extent != 1)
        count = mul(b, count, size);
    maskView = stridedView(b, loc, params[maskParam], c(b, 0), {count},
                           {c(b, 1)});
    maskKeys = shape.back() != 1;
    if (shape[shape.size() - 2] != 1)
      maskRowStride = maskKeys ? sk : c(b, 1);
  }

  // The running max is kept on the scores as the first dot gives them
  // where the scale is positive and there is no additive mask (`raw`: the
  // scale moves into the exponent's fma); else on the scaled (and masked)
  // scores. Either way the exponentials are base 2, their factor `c2`
  // including log2(e); ex2 may flush subnormal probabilities to 0 (afn):
  // they are below 2^-126 of the row's largest.
  bool raw = scale > 0 && !maskView;
  double c2 = (raw ? scale : 1.0) * llvm::numbers::log2e;
  auto exp2 = [&](OpBuilder &mb, Value x) -> Value {
    return math::Exp2Op::create(mb, loc, x, arith::FastMathFlags::afn);
  };
  Value negInf = arith::ConstantOp::create(
      b, loc, f32,
      b.getFloatAttr(f32, APFloat::getInf(
                              cast<FloatType>(f32).getFloatSemantics(),
                              /*Negative=*/true)));
  Value zeroF = floatConstant(b, loc, f32, 0.0);
  auto rows = scores.rows(f32);

  // Warp-specialized: the producer warpgroup fills rings of `stages` K
  // and V slots by TMA, each slot with a `full` barrier (its copy landed:
  // one arrival and the bytes) and an `empty` one (every consumer warp is
  // done with it). The consumers (the default region, the block's
  // warps) run the loop below with per-slot waits and no block barrier,
  // so that one warpgroup's softmax runs under the other's dots.

  auto slotOf = [&](OpBuilder &ob, Value use) {
    return arith::RemUIOp::create(ob, loc, use, c(ob, stages)).getResult();
  };
  // The parity of use `use`'s phase of its slot's barrier.
  auto parityOf = [&](OpBuilder &ob, Value use) {
    Value phase = arith::DivUIOp::create(ob, loc, use, c(ob, stages));
    return arith::IndexCastOp::create(
               ob, loc, ob.getI1Type(),
               arith::RemUIOp::create(ob, loc, phase, c(ob, 2)))
        .getResult();
  };
  Value kRing, vRing, fullK, fullV, emptyK, emptyV;
  tile::WarpSpecializeOp groups;
  if (specialized) {
    kRing = tile::LocalAllocOp::create(
        b, loc, tile::SmemType::get({stages, bn, dBox}, element, layout),
        IntegerAttr());
    vRing = tile::LocalAllocOp::create(
        b, loc, tile::SmemType::get({stages, bn, dvBox}, element, layout),
        IntegerAttr());
    auto ringBarriers = tile::MbarrierType::get(ctx, stages);
    fullK = tile::MbarrierAllocOp::create(b, loc, ringBarriers, 1,
                                          IntegerAttr());
    fullV = tile::MbarrierAllocOp::create(b, loc, ringBarriers, 1,
                                          IntegerAttr());
    // (One arrival per consumer warp: `per_warp`.)
    emptyK = tile::MbarrierAllocOp::create(b, loc, ringBarriers,
                                           consumerThreads / 32, IntegerAttr());
    emptyV = tile::MbarrierAllocOp::create(b, loc, ringBarriers,
                                           consumerThreads / 32, IntegerAttr());
    // Captures: the producer's inputs, in this order. A block per tile:
    // its key blocks and coordinates; persistent: what locates each tile,
    // and the Q ring.
    SmallVector<Value> captures{kMapView, vMapView, params[maps->k],
                                params[maps->v], kRing, vRing,
                                fullK,    fullV,    emptyK,
                                emptyV};
    if (persistent)
      captures.append({qMapView, params[maps->q], qRing, fullQ, emptyQ, sq,
                       sk, queryBlocks, params[setup.batch],
                       params[gridParam]});
    else
      captures.append({numKV, q0, bh});
    if (setup.anySwapped())
      captures.push_back(persistent ? heads : batchOf);
    if (setup.anySwapped() && !persistent)
      captures.push_back(headOf);
    // Budgets: the producer 24 registers a thread, the consumers what the
    // block's register file leaves (240 for two warpgroups, as
    // FlashAttention-3's).
    int64_t producerThreads = producerWarps * 32;
    int64_t total = consumerThreads + producerThreads;
    int64_t cap = std::min<int64_t>(248, 65536 / total / 8 * 8);
    int64_t consumerRegisters = std::min<int64_t>(
        240, (cap * total - 24 * producerThreads) / consumerThreads / 8 * 8);
    TypeRange results;
    SmallVector<Type> perBlock{rows, outputs.tile(f32)};
    if (!persistent)
      results = perBlock;
    groups = createWarpSpecialize(b, loc, results, captures, producerWarps,
                                  consumerRegisters, 24);

    Block &pb = groups.getPartitionRegions()[0].front();
    OpBuilder pbld = OpBuilder::atBlockBegin(&pb);
    ValueRange in = pb.getArguments();
    Value pK = in[0], pV = in[1], pKMap = in[2], pVMap = in[3],
          pKRing = in[4], pVRing = in[5], pFullK = in[6], pFullV = in[7],
          pEmptyK = in[8], pEmptyV = in[9];
    // Use `use` of ring slot `slot` (of `slots`): from the second round
    // on, wait until the consumers freed it.
    auto awaitFree = [&](OpBuilder &ob, Location l, Value empty, Value use,
                         Value slot, int64_t slots) {
      Value reused =
          arith::CmpIOp::create(ob, l, arith::CmpIPredicate::uge, use,
                                c(ob, slots));
      auto wait = scf::IfOp::create(ob, l, reused, /*withElse=*/false);
      OpBuilder wb = OpBuilder::atBlockBegin(wait.thenBlock());
      Value round = arith::SubIOp::create(
          wb, l, arith::DivUIOp::create(wb, l, use, c(wb, slots)), c(wb, 1));
      tile::MbarrierWaitOp::create(
          wb, l, empty, slot,
          arith::IndexCastOp::create(
              wb, l, wb.getI1Type(),
              arith::RemUIOp::create(wb, l, round, c(wb, 2))));
    };
    // K, then V, of the `blocks` key blocks of the tile at `at`, their
    // ring uses from `base`.
    auto copyKeys = [&](OpBuilder &ob, Value base, Value blocks,
                        const AttentionTile &at) {
      auto coords = [&](OpBuilder &cb, bool swapped, Value row) {
        return swapped ? SmallVector<Value>{at.batchOf, at.headOf, row,
                                            c(cb, 0)}
                       : SmallVector<Value>{at.entry, row, c(cb, 0)};
      };
      scf::ForOp::create(
          ob, loc, c(ob, 0), blocks, c(ob, 1), ValueRange(),
          [&](OpBuilder &fb, Location l, Value i, ValueRange) {
            Value use = arith::AddIOp::create(fb, l, base, i);
            Value slot = slotOf(fb, use);
            Value row = mul(fb, i, c(fb, bn));
            awaitFree(fb, l, pEmptyK, use, slot, stages);
            tile::BoxCopyOp::create(
                fb, l, Type(), pK, coords(fb, setup.key.swapped, row),
                tile::SlotOp::create(fb, l, pKRing, slot), pKMap, pFullK,
                slot, Value(), false);
            awaitFree(fb, l, pEmptyV, use, slot, stages);
            tile::BoxCopyOp::create(
                fb, l, Type(), pV, coords(fb, setup.value.swapped, row),
                tile::SlotOp::create(fb, l, pVRing, slot), pVMap, pFullV,
                slot, Value(), false);
            scf::YieldOp::create(fb, l);
          });
    };
    if (!persistent) {
      AttentionTile at{in[11], in[12], Value(), Value()};
      if (setup.anySwapped()) {
        at.batchOf = in[13];
        at.headOf = in[14];
      }
      copyKeys(pbld, c(pbld, 0), in[10], at);
    } else {
      // Per tile of the block: Q into its slot of the pair (after the
      // consumers freed it), then its key blocks; the ring uses count on
      // across tiles.
      Value pQ = in[10], pQMap = in[11], pQRing = in[12], pFullQ = in[13],
            pEmptyQ = in[14], pSq = in[15], pSk = in[16], pBlocks = in[17],
            pBatch = in[18], pGrid = in[19];
      Value pHeads = setup.anySwapped() ? in[20] : Value();
      Value tiles = mul(pbld, pBlocks, pBatch);
      Value first = tile::ProgramIdOp::create(pbld, loc, 0);
      scf::ForOp::create(
          pbld, loc, first, tiles, pGrid,
          ValueRange{c(pbld, 0), c(pbld, 0)},
          [&](OpBuilder &fb, Location l, Value t, ValueRange carried) {
            Value uses = carried[0], count = carried[1];
            AttentionTile at = locateTile(
                fb, l, arith::RemUIOp::create(fb, l, t, pBlocks),
                arith::DivUIOp::create(fb, l, t, pBlocks), pBlocks, pHeads,
                bm, causal);
            Value qSlot = arith::RemUIOp::create(fb, l, count, c(fb, 2));
            awaitFree(fb, l, pEmptyQ, count, qSlot, 2);
            tile::BoxCopyOp::create(
                fb, l, Type(), pQ,
                setup.query.swapped
                    ? SmallVector<Value>{at.batchOf, at.headOf, at.q0,
                                         c(fb, 0)}
                    : SmallVector<Value>{at.entry, at.q0, c(fb, 0)},
                tile::SlotOp::create(fb, l, pQRing, qSlot), pQMap, pFullQ,
                qSlot, Value(), false);
            Value blocks =
                keyBlocksOf(fb, l, pSq, pSk, at.q0, bm, bn, causal, true);
            copyKeys(fb, uses, blocks, at);
            scf::YieldOp::create(
                fb, l,
                ValueRange{arith::AddIOp::create(fb, l, uses, blocks),
                           arith::AddIOp::create(fb, l, count, c(fb, 1))});
          });
    }
    tile::WarpReturnOp::create(pbld, loc);
    // The consumers: from here to the loop's end, in the default region.
    b.setInsertionPointToStart(&groups.getDefaultRegion().front());
  }

  SmallVector<Value> inits{
      tensor::SplatOp::create(b, loc, rows, negInf),
      tensor::SplatOp::create(b, loc, rows, zeroF),
      zeroOf(b, loc, outputs.tile(f32))};
  // S = Q K^T for the key block at `k0` of the buffer `ks` (K's stored
  // rows are the keys, seen transposed).
  auto scoresOf = [&](OpBuilder &sb, Value ks) {
    return tile::DotOp::create(
        sb, loc, scores.tile(f32), qa, tile::TransOp::create(sb, loc, ks),
        zeroOf(sb, loc, scores.tile(f32)), mmaScores);
  };
  // The online softmax of the scores `s` of the key block at `k0` against
  // the running row max and sum: the new ones, the old terms' factor
  // alpha, and P rounded to the input type as the second dot's `a`.
  struct SoftmaxStep {
    Value m, l, alpha, pa;
  };
  auto softmaxStep = [&](OpBuilder &lb, Location l, Value s, Value k0,
                         Value mPrev, Value lPrev) -> SoftmaxStep {
    // Scaled; masked only where needed: the additive mask in
    // every block, the ragged end of the keys and the causal
    // diagonal in the blocks that reach them (a branch).
    // (Index tiles are built where they are used: held across
    // the loop they would take registers in every iteration.)
    auto scaled = [&](OpBuilder &sb, bool masked) -> Value {
      if (raw && !masked)
        return s;
      SmallVector<Value> inputs{s};
      Value rowIds;
      if (masked || maskRowStride)
        rowIds = indices(sb, 1, q0);
      if (masked) {
        inputs.push_back(rowIds);
        inputs.push_back(indices(sb, 0, k0));
      }
      if (maskView) {
        Value offsets = tensor::SplatOp::create(
            sb, l, scores.tile(index), maskBatchOffset);
        if (maskKeys)
          offsets = arith::AddIOp::create(sb, l, offsets,
                                          indices(sb, 0, k0));
        if (maskRowStride)
          offsets = arith::AddIOp::create(
              sb, l, offsets,
              arith::MulIOp::create(
                  sb, l, rowIds,
                  tensor::SplatOp::create(sb, l, scores.tile(index),
                                          maskRowStride)));
        inputs.push_back(tile::GatherOp::create(
            sb, l, scores.tile(maskType.getElementType()),
            maskView, offsets));
      }
      return mapTiles(
          sb, l, scores.tile(f32), inputs,
          [&](OpBuilder &mb, ValueRange x) -> Value {
            Value v = x[0];
            if (!raw)
              v = arith::MulFOp::create(mb, l, v,
                                        floatConstant(mb, l, f32, scale));
            if (maskView)
              v = arith::AddFOp::create(
                  mb, l, v, convertScalar(mb, l, x.back(), f32));
            if (!masked)
              return v;
            Value out = arith::CmpIOp::create(
                mb, l, arith::CmpIPredicate::uge, x[2], sk);
            if (causal)
              out = arith::OrIOp::create(
                  mb, l, out,
                  arith::CmpIOp::create(
                      mb, l, arith::CmpIPredicate::ugt, x[2], x[1]));
            return arith::SelectOp::create(mb, l, out, negInf, v);
          });
    };
    Value end = arith::AddIOp::create(lb, l, k0, c(lb, bn));
    Value edge = arith::CmpIOp::create(
        lb, l, arith::CmpIPredicate::ugt, end, sk);
    if (causal)
      edge = arith::OrIOp::create(
          lb, l, edge,
          arith::CmpIOp::create(
              lb, l, arith::CmpIPredicate::ugt, end,
              arith::AddIOp::create(lb, l, q0, c(lb, 1))));
    auto branch = scf::IfOp::create(lb, l, TypeRange{scores.tile(f32)},
                                    edge, /*withElseRegion=*/true);
    for (bool masked : {true, false}) {
      Block &block = masked ? branch.getThenRegion().front()
                            : branch.getElseRegion().front();
      OpBuilder bb = OpBuilder::atBlockEnd(&block);
      scf::YieldOp::create(bb, l, scaled(bb, masked));
    }
    s = branch.getResult(0);

    // Online softmax: the new row max (0 where every key so far
    // is masked, so that exp gives 0, not NaN), the old terms'
    // factor, the probabilities, the new row sum.
    Value blockMax = tile::ReduceOp::create(
        lb, l, rows, tile::ReduceKind::max, s, 1);
    Value mNew = mapTiles(lb, l, rows, {mPrev, blockMax},
                          [&](OpBuilder &mb, ValueRange x) -> Value {
                            return arith::MaximumFOp::create(
                                mb, l, x[0], x[1]);
                          });
    Value mUse = mapTiles(
        lb, l, rows, {mNew}, [&](OpBuilder &mb, ValueRange x) {
          Value none = arith::CmpFOp::create(
              mb, l, arith::CmpFPredicate::OEQ, x[0], negInf);
          return arith::SelectOp::create(mb, l, none, zeroF, x[0])
              .getResult();
        });
    // In base 2: p = 2^(v * c - m * c), one fma and one ex2 per score.
    Value mc = mapTiles(lb, l, rows, {mUse},
                        [&](OpBuilder &mb, ValueRange x) -> Value {
                          return arith::MulFOp::create(
                              mb, l, x[0], floatConstant(mb, l, f32, -c2));
                        });
    Value alpha = mapTiles(
        lb, l, rows, {mPrev, mc},
        [&](OpBuilder &mb, ValueRange x) -> Value {
          return exp2(mb, math::FmaOp::create(
                              mb, l, x[0], floatConstant(mb, l, f32, c2),
                              x[1]));
        });
    Value p = mapTiles(
        lb, l, scores.tile(f32),
        {s, tile::BroadcastOp::create(lb, l, scores.tile(f32), mc,
                                      lb.getI64IntegerAttr(1))},
        [&](OpBuilder &mb, ValueRange x) -> Value {
          return exp2(mb, math::FmaOp::create(
                              mb, l, x[0], floatConstant(mb, l, f32, c2),
                              x[1]));
        });
    Value blockSum = tile::ReduceOp::create(
        lb, l, rows, tile::ReduceKind::add, p, 1);
    Value lNew = mapTiles(
        lb, l, rows, {lPrev, alpha, blockSum},
        [&](OpBuilder &mb, ValueRange x) -> Value {
          return arith::AddFOp::create(
              mb, l, arith::MulFOp::create(mb, l, x[0], x[1]), x[2]);
        });
    Value pa = ps;
    Value p16 = p;
    if (element != f32)
      p16 = mapTiles(lb, l, scores.tile(element), {p},
                     [&](OpBuilder &mb, ValueRange x) {
                       return convertScalar(mb, l, x[0], element);
                     });
    if (tensorCores()) {
      pa = tile::ConvertLayoutOp::create(
          lb, l,
          RankedTensorType::get(
              {bm, bn}, element,
              tile::DotOperandEncodingAttr::get(
                  ctx, 0,
                  cast<tile::MmaAccEncodingAttr>(outputs.encoding))),
          p16);
    } else {
      tile::LocalStoreOp::create(lb, l, p16, ps);
    }
    return SoftmaxStep{mNew, lNew, alpha, pa};
  };
  // Overlapped (FlashAttention-3's intra-warpgroup overlap): the loop
  // carries the scores of its key block, computed one iteration early;
  // iteration j copies K of block j + 1 (the last block again in the last
  // iteration, whose early scores go unused) and V of block j, issues the
  // next scores `async`, runs the softmax of its own while they multiply,
  // and awaits them after P V. The first block's scores come before the
  // loop.
  // FlashAttention-3's consumer, the ring uses of its key blocks from
  // `base`: the first key block's scores and softmax before the loop;
  // iteration j (from 1), in the warpgroup's turn, issues the scores of
  // block j and O += P V of block j - 1 (P of the iteration before), both
  // `async`, and passes the turn; then awaits the scores (the P V dot
  // still running), frees the K slot, runs their softmax (while the other
  // warpgroup takes its turn at the tensor cores), awaits P V, frees the
  // V slot and rescales O. After the loop, the last block's P V. Returns
  // the row sums and O.
  auto pingPong = [&](OpBuilder &ob, Value base) -> std::pair<Value, Value> {
    auto useOf = [&](OpBuilder &ub, Value j) {
      return arith::AddIOp::create(ub, loc, base, j).getResult();
    };
    Value zero = c(ob, 0), firstUse = useOf(ob, zero);
    Value firstSlot = slotOf(ob, firstUse);
    tile::MbarrierWaitOp::create(ob, loc, fullK, firstSlot,
                                 parityOf(ob, firstUse));
    Value s0 = scoresOf(ob, tile::SlotOp::create(ob, loc, kRing, firstSlot));
    tile::MbarrierArriveOp::create(ob, loc, emptyK, firstSlot,
                                   /*per_warp=*/true);
    SoftmaxStep first =
        softmaxStep(ob, loc, s0, zero, tensor::SplatOp::create(ob, loc, rows, negInf),
                    tensor::SplatOp::create(ob, loc, rows, zeroF));
    auto loop = scf::ForOp::create(
        ob, loc, c(ob, 1), numKV, c(ob, 1),
        ValueRange{first.m, first.l, zeroOf(ob, loc, outputs.tile(f32)),
                   first.pa},
        [&](OpBuilder &lb, Location l, Value j, ValueRange carried) {
          Value kUse = useOf(lb, j);
          Value vUse = arith::SubIOp::create(lb, l, kUse, c(lb, 1));
          Value kSlot = slotOf(lb, kUse), vSlot = slotOf(lb, vUse);
          Value ks = tile::SlotOp::create(lb, l, kRing, kSlot);
          Value vs = tile::SlotOp::create(lb, l, vRing, vSlot);
          tile::MbarrierWaitOp::create(lb, l, fullK, kSlot,
                                       parityOf(lb, kUse));
          tile::MbarrierWaitOp::create(lb, l, fullV, vSlot,
                                       parityOf(lb, vUse));
          tile::TurnWaitOp::create(lb, l);
          auto sDot = scoresOf(lb, ks);
          sDot.setAsync(true);
          auto oDot = tile::DotOp::create(lb, l, outputs.tile(f32),
                                          carried[3], vs, carried[2],
                                          mmaOutputs);
          oDot.setAsync(true);
          oDot.setInFlight(2);
          tile::TurnPassOp::create(lb, l);
          Value s = tile::DotWaitOp::create(lb, l, ValueRange{sDot},
                                            /*pending=*/1)
                        .getResult(0);
          tile::MbarrierArriveOp::create(lb, l, emptyK, kSlot,
                                         /*per_warp=*/true);
          SoftmaxStep step = softmaxStep(lb, l, s, mul(lb, j, c(lb, bn)),
                                         carried[0], carried[1]);
          Value o = tile::DotWaitOp::create(lb, l, ValueRange{oDot},
                                            /*pending=*/0)
                        .getResult(0);
          tile::MbarrierArriveOp::create(lb, l, emptyV, vSlot,
                                         /*per_warp=*/true);
          o = mapTiles(lb, l, outputs.tile(f32),
                       {o, tile::BroadcastOp::create(
                               lb, l, outputs.tile(f32),
                               outputRows(lb, step.alpha),
                               lb.getI64IntegerAttr(1))},
                       [&](OpBuilder &mb, ValueRange x) -> Value {
                         return arith::MulFOp::create(mb, l, x[0], x[1]);
                       });
          scf::YieldOp::create(lb, l, ValueRange{step.m, step.l, o, step.pa});
        });
    Value lastUse =
        useOf(ob, arith::SubIOp::create(ob, loc, numKV, c(ob, 1)));
    Value vSlot = slotOf(ob, lastUse);
    tile::MbarrierWaitOp::create(ob, loc, fullV, vSlot,
                                 parityOf(ob, lastUse));
    Value out = tile::DotOp::create(ob, loc, outputs.tile(f32),
                                    loop.getResult(3),
                                    tile::SlotOp::create(ob, loc, vRing, vSlot),
                                    loop.getResult(2), mmaOutputs);
    tile::MbarrierArriveOp::create(ob, loc, emptyV, vSlot, /*per_warp=*/true);
    return {loop.getResult(1), out};
  };

  // O over the row sums (0 for a row with no key), stored masked at the
  // query rows' end.
  auto storeOutput = [&](OpBuilder &ob, Value sums, Value acc) {
    Value inverse = mapTiles(
        ob, loc, rows, {sums},
        [&](OpBuilder &mb, ValueRange x) -> Value {
          Value positive = arith::CmpFOp::create(
              mb, loc, arith::CmpFPredicate::OGT, x[0], zeroF);
          return arith::SelectOp::create(
              mb, loc, positive,
              arith::DivFOp::create(mb, loc,
                                    floatConstant(mb, loc, f32, 1.0), x[0]),
              zeroF);
        });
    // Stochastic rounding hashes each output element's indices, as the
    // CPU path does: the batch entry's, the query row's and the column's.
    SmallVector<Value> inputs{
        acc,
        tile::BroadcastOp::create(ob, loc, outputs.tile(f32),
                                  outputRows(ob, inverse),
                                  ob.getI64IntegerAttr(1))};
    SmallVector<Value> entry;
    bool stochastic = usesStochasticRounding(attention);
    if (stochastic) {
      SmallVector<Value> sizes;
      for (unsigned p : setup.batchSizes)
        sizes.push_back(params[p]);
      entry = unflatten(ob, loc, bh, sizes);
      inputs.push_back(outputs.coordinates(ob, loc, 1, q0));
      inputs.push_back(outputs.coordinates(ob, loc, 0, c(ob, 0)));
    }
    Value out = mapTiles(
        ob, loc, outputs.tile(element), inputs,
        [&](OpBuilder &mb, ValueRange x) {
          SmallVector<Value> position(entry);
          if (stochastic)
            position.append({x[2], x[3]});
          return buildStorageScalar(
              attention, mb, loc, arith::MulFOp::create(mb, loc, x[0], x[1]),
              element, position);
        });
    tile::StoreTileOp::create(ob, loc, out, outView,
                              ValueRange{q0, c(ob, 0)}, Value());
  };

  Value rowSums, acc;
  if (persistent) {
    // Per tile of the block: its coordinates, its Q slot (the pair's
    // `count mod 2`) awaited, the loop, the Q slot freed, its output.
    tile::TurnsInitOp::create(b, loc);
    Value tiles = mul(b, queryBlocks, params[setup.batch]);
    scf::ForOp::create(
        b, loc, tile::ProgramIdOp::create(b, loc, 0), tiles,
        params[gridParam], ValueRange{c(b, 0), c(b, 0)},
        [&](OpBuilder &tb, Location l, Value t, ValueRange carried) {
          Value uses = carried[0], count = carried[1];
          locate(tb, arith::RemUIOp::create(tb, l, t, queryBlocks),
                 arith::DivUIOp::create(tb, l, t, queryBlocks));
          outView = entryView(tb, setup.out, setup.outSwapped, sq, dv);
          if (maskParam >= 0)
            maskEntry(tb);
          numKV = keyBlocks(tb);
          Value qSlot = arith::RemUIOp::create(tb, l, count, c(tb, 2));
          Value qRound = arith::DivUIOp::create(tb, l, count, c(tb, 2));
          tile::MbarrierWaitOp::create(
              tb, l, fullQ, qSlot,
              arith::IndexCastOp::create(
                  tb, l, tb.getI1Type(),
                  arith::RemUIOp::create(tb, l, qRound, c(tb, 2))));
          qa = tile::SlotOp::create(tb, l, qRing, qSlot);
          auto [sums, out] = pingPong(tb, uses);
          tile::MbarrierArriveOp::create(tb, l, emptyQ, qSlot,
                                         /*per_warp=*/true);
          storeOutput(tb, sums, out);
          scf::YieldOp::create(
              tb, l,
              ValueRange{arith::AddIOp::create(tb, l, uses, numKV),
                         arith::AddIOp::create(tb, l, count, c(tb, 1))});
        });
    tile::WarpYieldOp::create(b, loc, ValueRange());
    b.setInsertionPointAfter(groups);
    return success();
  }
  if (specialized && overlap) {
    tile::TurnsInitOp::create(b, loc);
    std::tie(rowSums, acc) = pingPong(b, c(b, 0));
  } else {
  if (overlap) {
    Value ks = tile::LocalAllocOp::create(
        b, loc, tile::SmemType::get({bn, dBox}, element, layout),
        IntegerAttr());
    Value landed = tile::MbarrierAllocOp::create(
        b, loc, tile::MbarrierType::get(ctx, 1), /*arrivals=*/1,
        IntegerAttr());
    tile::BoxCopyOp::create(b, loc, Type(), kMapView,
                            mapAt(setup.key.swapped, c(b, 0), b), ks,
                            params[maps->k], landed, c(b, 0), Value(), false);
    tile::MbarrierWaitOp::create(
        b, loc, landed, c(b, 0),
        arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0));
    inits.push_back(scoresOf(b, ks));
  }
  auto loop = scf::ForOp::create(
      b, loc, c(b, 0), numKV, c(b, 1), inits,
      [&](OpBuilder &lb, Location l, Value j, ValueRange carried) {
        Value k0 = mul(lb, j, c(lb, bn));
        Value kRow = k0;
        if (overlap && !specialized)
          kRow = mul(lb,
                     arith::MinUIOp::create(
                         lb, l, arith::AddIOp::create(lb, l, j, c(lb, 1)),
                         arith::SubIOp::create(lb, l, numKV, c(lb, 1))),
                     c(lb, bn));
        // Warp-specialized (no overlap): the slots of key block j, K
        // awaited here, V before the second dot.
        Value ks, vs, kSlot, vSlot;
        if (specialized) {
          kSlot = vSlot = slotOf(lb, j);
          ks = tile::SlotOp::create(lb, l, kRing, kSlot);
          vs = tile::SlotOp::create(lb, l, vRing, vSlot);
          tile::MbarrierWaitOp::create(lb, l, fullK, kSlot, parityOf(lb, j));
        }
        // wgmma: both copies (TMA) arrive on one barrier of the
        // iteration (tessera-tile-pipeline makes it a ring).
        Value landed;
        if (wgmma && !specialized)
          landed = tile::MbarrierAllocOp::create(
              lb, l, tile::MbarrierType::get(ctx, 1), /*arrivals=*/2,
              IntegerAttr());
        auto copy = [&](Value view, Value mapView, unsigned map,
                        int64_t cols, Value row, bool swapped) {
          Value buffer = tile::LocalAllocOp::create(
              lb, l, tile::SmemType::get({bn, cols}, element, layout),
              IntegerAttr());
          if (wgmma) {
            tile::BoxCopyOp::create(lb, l, Type(), mapView,
                                    mapAt(swapped, row, lb), buffer,
                                    params[map], landed, c(lb, 0), Value(),
                                    false);
            return std::make_pair(buffer, Value());
          }
          auto op = tile::BoxCopyOp::create(
              lb, l, tile::AsyncTokenType::get(ctx), view,
              ValueRange{k0, c(lb, 0)}, buffer, Value(), Value(),
              Value(), Value(), false);
          return std::make_pair(buffer, Value(op.getToken()));
        };
        if (!specialized) {
          Value kDone, vDone;
          std::tie(ks, kDone) = copy(kView, kMapView, wgmma ? maps->k : 0,
                                     dBox, kRow, setup.key.swapped);
          std::tie(vs, vDone) = copy(vView, vMapView, wgmma ? maps->v : 0,
                                     dvBox, k0, setup.value.swapped);
          if (wgmma)
            tile::MbarrierWaitOp::create(
                lb, l, landed, c(lb, 0),
                arith::ConstantIntOp::create(lb, l, lb.getI1Type(), 0));
          else
            tile::WaitOp::create(lb, l, ValueRange{kDone, vDone},
                                 IntegerAttr());
        }
        Value s, next;
        if (overlap) {
          s = carried[3];
          auto early = scoresOf(lb, ks);
          early.setAsync(true);
          next = early;
        } else {
          s = scoresOf(lb, ks);
          // (A synchronous dot: its K slot is free once it returns.)
          if (specialized)
            tile::MbarrierArriveOp::create(lb, l, emptyK, kSlot,
                                           /*per_warp=*/true);
        }

        SoftmaxStep step = softmaxStep(lb, l, s, k0, carried[0], carried[1]);
        Value mNew = step.m, lNew = step.l, pa = step.pa;
        // O = O * alpha + P V, P rounded to the input type.
        Value o = mapTiles(
            lb, l, outputs.tile(f32),
            {carried[2],
             tile::BroadcastOp::create(lb, l, outputs.tile(f32),
                                       outputRows(lb, step.alpha),
                                       lb.getI64IntegerAttr(1))},
            [&](OpBuilder &mb, ValueRange x) -> Value {
              return arith::MulFOp::create(mb, l, x[0], x[1]);
            });
        if (specialized)
          tile::MbarrierWaitOp::create(lb, l, fullV, vSlot, parityOf(lb, j));
        o = tile::DotOp::create(lb, l, outputs.tile(f32), pa, vs, o,
                                mmaOutputs);
        // (Synchronous: it returns when every dot of the thread is done,
        // the early scores' included.)
        if (specialized)
          tile::MbarrierArriveOp::create(lb, l, emptyV, vSlot,
                                         /*per_warp=*/true);
        SmallVector<Value> yielded{mNew, lNew, o};
        if (overlap)
          yielded.push_back(
              tile::DotWaitOp::create(lb, l, ValueRange{next}, /*pending=*/0)
                  .getResult(0));
        scf::YieldOp::create(lb, l, yielded);
      });
  rowSums = loop.getResult(1);
  acc = loop.getResult(2);
  if (!specialized)
    loop->setAttr(tile::TileDialect::getStagesAttrName(),
                  b.getI64IntegerAttr(stages));
  }
  if (specialized) {
    tile::WarpYieldOp::create(b, loc, ValueRange{rowSums, acc});
    b.setInsertionPointAfter(groups);
    rowSums = groups.getResult(0);
    acc = groups.getResult(1);
  }

  storeOutput(b, rowSums, acc);
  return success();
}

/// An attention kernel of one program (fma or mma_sync dots).
static LogicalResult lowerAttentionBlock(HostState &host,
                                         schedule::KernelOp kernel,
                                         graph::AttentionOp op,
                                         AttentionDots dots) {
  Location loc = kernel.getLoc();
  schedule::ConfigAttr config = kernel.getConfig();
  OpBuilder &hb = host.builder;
  auto qType = cast<RankedTensorType>(op.getQuery().getType());
  auto vType = cast<RankedTensorType>(op.getValue().getType());
  int64_t rank = qType.getRank();
  int64_t d = qType.getDimSize(rank - 1), dv = vType.getDimSize(rank - 1);
  bool tensorCores = dots != AttentionDots::fma;
  if (!tensorCores)
    for (auto [name, dim] :
         {std::pair<StringRef, int64_t>{"query", d}, {"value", dv}})
      if (ShapedType::isDynamic(dim) || dim > 256)
        return op.emitOpError()
               << "has " << name << " head dim "
               << (ShapedType::isDynamic(dim) ? std::string("?")
                                              : std::to_string(dim))
               << "; the GPU lowering without tensor cores needs static "
                  "head dims of at most 256";

  AttentionHost setup(host, kernel, op);
  ArrayRef<int64_t> tile = config.getTile();
  int64_t warpSize = getWarpSize(host.module);
  int64_t bm = tile[0], bn = tile[1],
          warps = config.getThreads() / warpSize;
  // What tessera-schedule-check enforces, again: this pass may run alone.
  if (!tensorCores &&
      (config.getThreads() % warpSize != 0 || tile.size() != 2 ||
       bm % (warps * warpSize / 4) != 0 || bn % 4 != 0))
    return kernel.emitOpError()
           << "config " << config
           << " is not a SIMT attention schedule for warps of " << warpSize
           << " (tessera-schedule-check names the rule it breaks)";
  Value gridX = arith::CeilDivUIOp::create(hb, loc, setup.hostSq,
                                           indexConstant(hb, loc, bm));
  AttentionProgram program =
      makeAttentionProgram(op, loc, setup, config, warpSize, dots);
  return emitKernel(
      host, loc, tensorCores ? "attention_mma" : "attention", config,
      setup.sig,
      {arith::MulIOp::create(hb, loc, gridX, setup.hostBatch).getResult()}, 0,
      [&](OpBuilder &b, ValueRange params) {
        return program.build(b, params);
      });
}

/// A Hopper attention kernel: the wgmma program (TMA copies into swizzled
/// buffers, both dots on wgmma, P from registers). It has no path without
/// TMA: the maps' valid flags are not kernel parameters, which tells the
/// runtime that the maps must be encoded (it copies inputs TMA cannot
/// address as they are into aligned rows first, and refuses the launch with
/// pitched copies off). A fallback program in the kernel, as the GEMMs
/// carry, was four fifths of the kernel's compile time (0.9 s of the D128
/// kernel's; docs/benchmarks.md).
static LogicalResult lowerAttentionWgmma(HostState &host,
                                         schedule::KernelOp kernel,
                                         graph::AttentionOp op) {
  Location loc = kernel.getLoc();
  schedule::ConfigAttr config = kernel.getConfig();
  OpBuilder &hb = host.builder;
  ArrayRef<int64_t> tile = config.getTile();
  int64_t bm = tile[0], bn = tile[1];
  // What tessera-schedule-check enforces, again: this pass may run alone.
  if (config.getWarps() % 4 != 0 || tile.size() != 2 ||
      bm != 16 * config.getWarps() || bn % 64 != 0 || bn > 256)
    return kernel.emitOpError()
           << "config " << config
           << " is not a wgmma attention schedule (tessera-schedule-check "
              "names the rule it breaks)";
  AttentionHost setup(host, kernel, op);
  auto qType = cast<RankedTensorType>(op.getQuery().getType());
  auto vType = cast<RankedTensorType>(op.getValue().getType());
  int64_t rank = qType.getRank();
  int64_t d = qType.getDimSize(rank - 1), dv = vType.getDimSize(rank - 1);
  Type element = qType.getElementType();
  MLIRContext *ctx = hb.getContext();
  Value sk = setup.key.sizes[rank - 2];
  // The operands as [batch entries, rows, head dim] for TMA: boxes of the
  // block's query rows or a key block's rows by 64 columns (128 bytes);
  // stored [B, S, H, D], as [B, H, rows, head dim] through strides.
  auto map = [&](const AttentionOperand &operand, Value rows, int64_t boxRows,
                 int64_t cols) {
    Value buffer = host.buffers.lookup(operand.input);
    Value width = indexConstant(hb, loc, cols);
    int64_t boxK = WgmmaMatmul::boxK(element);
    if (!operand.swapped)
      return target::TensorMapOp::create(
          hb, loc, WgmmaMatmul::mapType(ctx, {1, boxRows, boxK}, element),
          hb.getIndexType(), buffer, ValueRange{setup.hostBatch, rows, width},
          ValueRange());
    Value heads = operand.sizes[1];
    Value rowStride = arith::MulIOp::create(hb, loc, heads, width);
    return target::TensorMapOp::create(
        hb, loc, WgmmaMatmul::mapType(ctx, {1, 1, boxRows, boxK}, element),
        hb.getIndexType(), buffer,
        ValueRange{operand.sizes[0], heads, rows, width},
        ValueRange{arith::MulIOp::create(hb, loc, rows, rowStride).getResult(),
                   width, rowStride, indexConstant(hb, loc, 1)});
  };
  auto qMap = map(setup.query, setup.hostSq, bm, d);
  auto kMap = map(setup.key, sk, bn, d);
  auto vMap = map(setup.value, sk, bn, dv);
  KernelSignature &sig = setup.sig;
  setup.batch = sig.addSize(setup.hostBatch);
  AttentionMaps maps{sig.addValue(qMap.getMap()), sig.addValue(kMap.getMap()),
                     sig.addValue(vMap.getMap())};
  int64_t warpSize = getWarpSize(host.module);
  AttentionProgram tma =
      makeAttentionProgram(op, loc, setup, config, warpSize, AttentionDots::wgmma);
  tma.maps = maps;
  // The overlap pays where the scores' dot is long against the softmax:
  // head dims of 128 (D128 1.03-1.08x on the H200; D64 0.72-0.95x:
  // bench/results/2026-11-30-h200-attention-overlap-bench.log and the
  // wgmma sweeps). Wider value heads keep their registers for the output
  // (the early scores take another bn / 2 a thread).
  tma.overlap = d >= 128 && dv <= 128;
  tma.producerWarps = config.getProducerWarps();
  tma.consumerThreads = config.getThreads();
  Value gridX = arith::CeilDivUIOp::create(hb, loc, setup.hostSq,
                                           indexConstant(hb, loc, bm));
  Value grid = arith::MulIOp::create(hb, loc, gridX, setup.hostBatch);
  // Warp-specialized with the overlap, not causal: persistent, a block per
  // multiprocessor at most. (Causal tiles differ in length: a block per
  // tile lets the hardware balance them, where a static round of tiles per
  // block was 0.89-0.98x: bench/results/
  // 2026-12-02-h200-attention-persistent-bench.log.)
  if (tma.overlap && tma.producerWarps != 0 && !tma.causal) {
    grid = arith::MinUIOp::create(hb, loc, grid,
                                  target::MultiprocessorsOp::create(hb, loc));
    tma.gridParam = sig.addSize(grid);
  }
  return emitKernel(
      host, loc, "attention_wgmma", config, sig, {grid}, 0,
      [&](OpBuilder &b, ValueRange params) {
        return tma.build(b, params);
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
    return lowerAttentionBlock(host, kernel, op, AttentionDots::mmaSync);
  }
  if (kernel.getConfig().getMma() == schedule::MmaKind::wgmma) {
    if (!schedule::isWgmmaAttention(op))
      return op.emitOpError()
             << "asks for wgmma, which needs f16 or bf16 operands with "
                "static head dims that are multiples of 64 (at most 256)";
    return lowerAttentionWgmma(host, kernel, op);
  }
  if (kernel.getConfig().getMma() != schedule::MmaKind::none)
    return op.emitOpError() << "asks for "
                            << schedule::stringifyMmaKind(
                                   kernel.getConfig().getMma())
                            << ", which the GPU lowering does not generate "
                               "for attention yet";
  return lowerAttentionBlock(host, kernel, op, AttentionDots::fma);
}

} // namespace mlir::tessera::schedule_to_tile
