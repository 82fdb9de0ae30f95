//===- RowReduction.cpp - Row kernels: softmax, norms, row reductions -----===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Row kernels: one block per row of the trailing (reduced) dims: softmax and
// log_softmax, layer and RMS norm, and reductions over the trailing dims.
//
// The block's program walks its row in chunks of the config's tile[1]
// columns, each a [1, tile[1]] register tile spread over the block's warps
// (`vector` contiguous columns per thread). A row statistic (a max, a sum)
// is accumulated elementwise into a tile over the whole chunks, then the
// last one (see TileWalk), and reduced over the block with
// tessera_tile.reduce; tessera_tile.broadcast hands it to the chunks of the
// next pass. The last pass stores its chunks.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Tessera/Conversion/GraphToLinalg/GraphToLinalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include <limits>

using namespace mlir;
using namespace mlir::tessera;

namespace mlir::tessera::schedule_to_tile {

/// The block-level combiner of a graph reduction.
static tile::ReduceKind getTileReduceKind(graph::ReduceKind kind) {
  switch (kind) {
  case graph::ReduceKind::sum:
  case graph::ReduceKind::mean:
    return tile::ReduceKind::add;
  case graph::ReduceKind::max:
    return tile::ReduceKind::max;
  case graph::ReduceKind::min:
    return tile::ReduceKind::min;
  }
  llvm_unreachable("unknown reduce kind");
}

TileWalk::TileWalk(OpBuilder &b, Location loc, OutputTiles tiles,
                   int64_t axis, Value length, Value across,
                   bool acrossInBounds)
    : b(b), loc(loc), tiles(tiles), axis(axis), length(length),
      across(across), acrossInBounds(acrossInBounds) {
  zero = indexConstant(b, loc, 0);
  step = axis == 1 ? tiles.bn : tiles.bm;
  Value width = indexConstant(b, loc, step);
  whole = arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, length, width), width);
  // The last tile ends at `length` where the view is that long (its
  // elements before `whole` are counted already); else it starts at 0 and
  // passes `length`.
  last = arith::SelectOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, length, width),
      arith::SubIOp::create(b, loc, length, width), whole);
}

Value TileWalk::load(OpBuilder &lb, Value view, Value at, bool inBounds) {
  Type element = cast<MemRefType>(view.getType()).getElementType();
  SmallVector<Value> indices{across, at};
  if (axis == 0)
    std::swap(indices[0], indices[1]);
  auto load = tile::LoadTileOp::create(lb, loc, tiles.tile(element), view,
                                       indices);
  load.setInBounds(inBounds && acrossInBounds);
  return load;
}

Value TileWalk::isNew(OpBuilder &lb) {
  // Positions in the tile compared with those of `whole` and `length`
  // there (both within [0, step]: i32, and built here, so that nothing
  // per element lives through the walk).
  Type i32 = lb.getI32Type();
  RankedTensorType line = axis == 1 ? tiles.cols(i32) : tiles.rows(i32);
  RankedTensorType i32Tile = tiles.tile(i32);
  Value range = tile::RangeOp::create(lb, loc, line, lb.getI64IntegerAttr(0),
                                      lb.getI64IntegerAttr(step));
  Value positions = tile::BroadcastOp::create(lb, loc, i32Tile, range,
                                              lb.getI64IntegerAttr(1 - axis));
  auto relative = [&](Value v) -> Value {
    Value offset = arith::IndexCastOp::create(
        lb, loc, i32, arith::SubIOp::create(lb, loc, v, last));
    return tensor::SplatOp::create(lb, loc, i32Tile, offset);
  };
  return arith::AndIOp::create(
      lb, loc,
      arith::CmpIOp::create(lb, loc, arith::CmpIPredicate::uge, positions,
                            relative(whole)),
      arith::CmpIOp::create(lb, loc, arith::CmpIPredicate::ult, positions,
                            relative(length)));
}

SmallVector<Value> TileWalk::walk(ValueRange inits, Step body, Step lastBody) {
  auto loop = scf::ForOp::create(
      b, loc, zero, whole, indexConstant(b, loc, step), inits,
      [&](OpBuilder &lb, Location l, Value at, ValueRange carried) {
        scf::YieldOp::create(lb, l, body(lb, at, carried));
      });
  auto tail = scf::IfOp::create(
      b, loc, TypeRange(inits),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, whole, length),
      /*withElseRegion=*/true);
  // Without results the blocks come with their (empty) yields.
  auto fill = [&](Block *block, function_ref<SmallVector<Value>(OpBuilder &)>
                                    values) {
    OpBuilder bb = OpBuilder::atBlockBegin(block);
    if (inits.empty()) {
      bb.setInsertionPoint(block->getTerminator());
      values(bb);
      return;
    }
    scf::YieldOp::create(bb, loc, values(bb));
  };
  fill(tail.thenBlock(), [&](OpBuilder &tb) {
    return lastBody(tb, last, loop.getResults());
  });
  fill(tail.elseBlock(), [&](OpBuilder &) {
    return SmallVector<Value>(loop.getResults());
  });
  return SmallVector<Value>(tail.getResults());
}

Value TileWalk::statistic(graph::ReduceKind kind, Type compute, Value x,
                          ValueRange stats, Term term) {
  Value acc = partialStatistic(kind, compute, x, stats, term);
  RankedTensorType result =
      axis == 1 ? tiles.rows(compute) : tiles.cols(compute);
  return tile::ReduceOp::create(b, loc, result, getTileReduceKind(kind), acc,
                                axis);
}

Value TileWalk::partialStatistic(graph::ReduceKind kind, Type compute,
                                 Value x, ValueRange stats, Term term) {
  unsigned k = static_cast<unsigned>(kind);
  RankedTensorType accType = tiles.tile(compute);
  Value init = tensor::SplatOp::create(b, loc, accType,
                                       buildReductionInit(b, loc, k, compute));
  // One tile's terms combined into the accumulator; in the last tile, only
  // where `isNew`.
  auto accumulate = [&](OpBuilder &lb, Value at, ValueRange acc,
                        bool lastTile) {
    // Not declared in_bounds: with a bounds test per tile the loads of an
    // fp32 row sum ran 5% faster on the H200 than without
    // (bench/results/2026-11-30-h200-row-column-sweep.log); the stores'
    // passes declare it.
    SmallVector<Value> inputs{acc[0], load(lb, x, at, /*inBounds=*/false)};
    if (lastTile)
      inputs.push_back(isNew(lb));
    inputs.append(stats.begin(), stats.end());
    unsigned first = lastTile ? 3 : 2;
    return SmallVector<Value>{mapTiles(
        lb, loc, accType, inputs, [&](OpBuilder &mb, ValueRange e) {
          Value next = buildReductionCombine(
              mb, loc, k, e[0], term(mb, e[1], e.drop_front(first)));
          if (!lastTile)
            return next;
          return arith::SelectOp::create(mb, loc, e[2], next, e[0])
              .getResult();
        })};
  };
  return walk(
      init,
      [&](OpBuilder &lb, Value at, ValueRange acc) {
        return accumulate(lb, at, acc, false);
      },
      [&](OpBuilder &lb, Value at, ValueRange acc) {
        return accumulate(lb, at, acc, true);
      })[0];
}

Value TileWalk::broadcast(Value stat) {
  auto type = cast<RankedTensorType>(stat.getType());
  return tile::BroadcastOp::create(b, loc, tiles.tile(type.getElementType()),
                                   stat, b.getI64IntegerAttr(axis));
}

/// Chunks of a row that the register-resident row programs keep: rows of
/// up to this many chunks are read once.
static constexpr int64_t kResidentTiles = 4;
/// The shared buffer of each block of a row spread over a cluster.
static constexpr int64_t kSplitSharedBytes = 64 * 1024;
/// What a multiprocessor of the chips with clusters (sm_90) holds: shared
/// memory for blocks, 32-bit registers.
static constexpr int64_t kMultiprocessorSharedBytes = 227 * 1024;
static constexpr int64_t kMultiprocessorRegisters = 65536;

LogicalResult lowerRow(HostState &host, schedule::KernelOp kernel,
                              Operation *anchor) {
  Location loc = kernel.getLoc();
  schedule::ConfigAttr config = kernel.getConfig();
  OpBuilder &hb = host.builder;
  Value input = anchor->getOperand(0);
  auto inputType = cast<RankedTensorType>(input.getType());
  auto resultType = cast<RankedTensorType>(anchor->getResult(0).getType());
  int64_t rank = inputType.getRank();
  Type element = inputType.getElementType();
  Type compute = getAccumulateType(anchor, element);

  // Columns: the reduced trailing dims (the last dim for the others).
  int64_t firstReduced = rank - 1;
  auto reduce = dyn_cast<graph::ReduceOp>(anchor);
  if (reduce)
    firstReduced = rank - static_cast<int64_t>(reduce.getDims().size());

  auto hostValue = [&](Value v) {
    auto arg = cast<BlockArgument>(v);
    return kernel.getInputs()[arg.getArgNumber()];
  };
  Value hostInput = hostValue(input);
  ArrayRef<Value> inSizes = host.sizesOf(hostInput);
  Value rows = product(hb, loc, inSizes.take_front(firstReduced));
  Value cols = product(hb, loc, inSizes.drop_front(firstReduced));

  SmallVector<Value> outSizes;
  if (reduce) {
    for (int64_t d = 0; d < rank; ++d) {
      if (d < firstReduced)
        outSizes.push_back(inSizes[d]);
      else if (reduce.getKeepdim())
        outSizes.push_back(indexConstant(hb, loc, 1));
    }
  } else {
    outSizes.assign(inSizes.begin(), inSizes.end());
  }
  Value out = allocate(host, loc, resultType, outSizes);
  host.buffers.map(kernel.getResult(0), out);

  KernelSignature sig;
  unsigned xParam = sig.addBuffer(host.buffers.lookup(hostInput));
  int64_t wParam = -1, bParam = -1;
  double epsilon = 0;
  if (auto norm = dyn_cast<graph::LayerNormOp>(anchor)) {
    if (norm.getWeight())
      wParam = sig.addBuffer(host.buffers.lookup(hostValue(norm.getWeight())));
    if (norm.getBias())
      bParam = sig.addBuffer(host.buffers.lookup(hostValue(norm.getBias())));
    epsilon = norm.getEpsilon().convertToDouble();
  } else if (auto norm = dyn_cast<graph::RmsNormOp>(anchor)) {
    if (norm.getWeight())
      wParam = sig.addBuffer(host.buffers.lookup(hostValue(norm.getWeight())));
    epsilon = norm.getEpsilon().convertToDouble();
  }
  for (Value operand : anchor->getOperands().drop_front())
    requireBroadcastsTo(host, loc, hostValue(operand), inSizes,
                        "'" + anchor->getName().getStringRef().str() +
                            "' weight or bias against the input");
  unsigned outParam = sig.addBuffer(out);
  unsigned colsParam = sig.addSize(cols);
  // Stochastic rounding hashes each output element's indices, as the CPU
  // path does: the row's over the leading dims (the block's row split by
  // their sizes) and, but for reduce, the column's (a reduce's kept dims
  // are not hashed: the CPU path rounds before it inserts them).
  bool stochastic = usesStochasticRounding(anchor);
  SmallVector<unsigned> leadParams;
  if (stochastic)
    for (int64_t d = 0; d < firstReduced; ++d)
      leadParams.push_back(sig.addSize(inSizes[d]));
  int64_t threads = config.getThreads();

  MLIRContext *ctx = host.module.getContext();
  int64_t warpSize = getWarpSize(host.module);
  if (threads % warpSize != 0)
    return kernel.emitOpError()
           << "has " << threads << " threads per block, not whole warps of "
           << warpSize;
  // The block program of one row, on chunks of `chunk`'s layout.
  // `split` > 1: each row spread over a cluster of that many blocks (a
  // part of whole chunks each, statistics combined by cluster_reduce);
  // `resident`: the chunks a block keeps (in registers unsplit; split, in
  // a shared buffer).
  auto program = [&](const OutputTiles &chunk, int64_t vector, int64_t split,
                     int64_t resident, OpBuilder &b,
                     ValueRange params) -> LogicalResult {
        // The exponentials of the kernels of vectors allow approximate
        // functions (afn: on NVIDIA the hardware's exp2 with subnormal
        // results flushed to 0, one instruction instead of four; a
        // subnormal exp(x - max) is below the sum's and the output's
        // precision): softmax fp16 rows of 8192 ran 1.07x with it. The
        // kernels of single elements keep the exact range: the same change
        // ran their rows of 8189 at 0.955x on the H200, with fewer
        // instructions executed
        // (bench/results/2026-12-01-h200-row-vectors-sweep.log).
        arith::FastMathFlags expFlags = vector > 1
                                            ? arith::FastMathFlags::afn
                                            : arith::FastMathFlags::none;
        Value cols = params[colsParam];
        Value zero = indexConstant(b, loc, 0), one = indexConstant(b, loc, 1);
        // The block's row and its part of it: `length` columns from
        // `start` (the whole row unsplit; split, the row's chunks spread
        // evenly over the cluster's blocks, the last parts possibly
        // shorter or empty).
        Value id, rowId, start = zero, length = cols;
        if (split > 1) {
          id = programId(b, loc, 0);
          Value blocks = indexConstant(b, loc, split);
          Value width = indexConstant(b, loc, chunk.bn);
          rowId = arith::DivUIOp::create(b, loc, id, blocks);
          Value span = arith::MulIOp::create(
              b, loc,
              arith::CeilDivUIOp::create(
                  b, loc, arith::CeilDivUIOp::create(b, loc, cols, blocks),
                  width),
              width);
          start = arith::MulIOp::create(
              b, loc, arith::RemUIOp::create(b, loc, id, blocks), span);
          length = arith::MinUIOp::create(
              b, loc,
              arith::SubIOp::create(
                  b, loc, cols, arith::MinUIOp::create(b, loc, start, cols)),
              span);
        }
        // The columns of the row at `c0` of the part (stochastic rounding
        // hashes them).
        auto columnsAt = [&](OpBuilder &ob, Value c0) {
          if (split > 1)
            c0 = arith::AddIOp::create(ob, loc, c0, start);
          return chunk.coordinates(ob, loc, 0, c0);
        };
        TileWalk row(b, loc, chunk, /*axis=*/1, length, /*across=*/zero,
                     /*acrossInBounds=*/true);
        if (!id)
          rowId = id = programId(b, loc, 0);
        // The part's first element.
        auto rowStart = [&]() -> Value {
          Value first = arith::MulIOp::create(b, loc, rowId, cols);
          if (split > 1)
            first = arith::AddIOp::create(b, loc, first, start);
          return first;
        };
        // `buffer` from element `offset` seen as one row of `cols` elements
        // (its stride 0: the one row's stride is never taken, and a vector
        // access then tests only the row's first element's alignment; the
        // window attempt's v2, whose vector kernels differ from before by
        // this stride and a partial-store path their whole tiles never
        // take, ran them 1.00-1.04x:
        // bench/results/2026-12-02-h200-row-window-attempt.log).
        auto rowView = [&](Value buffer, Value offset) {
          return stridedView(b, loc, buffer, offset, {one, length},
                             {zero, one});
        };
        SmallVector<Value> lead(leadParams.size());
        Value rest = rowId;
        for (int64_t d = static_cast<int64_t>(lead.size()) - 1; d >= 0; --d) {
          Value size = params[leadParams[d]];
          lead[d] = arith::RemUIOp::create(b, loc, rest, size);
          rest = arith::DivUIOp::create(b, loc, rest, size);
        }
        Value x = rowView(params[xParam], rowStart());
        Value count = indexToFloat(b, loc, cols, compute);
        RankedTensorType outChunk = chunk.tile(element);
        auto toCompute = [&](OpBuilder &mb, Value v) {
          return convertScalar(mb, loc, v, compute);
        };
        // (`position`: the output element's indices, for stochastic
        // rounding)
        auto toStorage = [&](OpBuilder &mb, Value v,
                             ArrayRef<Value> position) {
          return buildStorageScalar(anchor, mb, loc, v, element, position);
        };
        // The last pass: each chunk of `inputs` (row views) mapped by `fn`
        // (on computed-type elements; `stats` broadcast) and stored.
        auto storeRow = [&](ValueRange views, ValueRange stats,
                            function_ref<Value(OpBuilder &, ValueRange,
                                               ValueRange)> fn) {
          Value y = rowView(params[outParam], rowStart());
          // The last tile may overlap the one before: its elements there
          // are stored again, with the same values.
          auto storeTile = [&](OpBuilder &lb, Value c0, bool whole) {
            SmallVector<Value> inputs;
            for (Value view : views)
              inputs.push_back(row.load(lb, view, c0, /*inBounds=*/whole));
            inputs.append(stats.begin(), stats.end());
            if (stochastic)
              inputs.push_back(columnsAt(lb, c0));
            Value value = mapTiles(
                lb, loc, outChunk, inputs, [&](OpBuilder &mb, ValueRange e) {
                  SmallVector<Value> loaded;
                  for (Value v : e.take_front(views.size()))
                    loaded.push_back(toCompute(mb, v));
                  SmallVector<Value> position(lead);
                  if (stochastic)
                    position.push_back(e.back());
                  return toStorage(
                      mb,
                      fn(mb, loaded,
                         e.slice(views.size(), stats.size())),
                      position);
                });
            auto store = tile::StoreTileOp::create(
                lb, loc, value, y, ValueRange{zero, c0}, Value());
            store.setInBounds(whole);
            return SmallVector<Value>{};
          };
          row.walk(
              {},
              [&](OpBuilder &lb, Value c0, ValueRange) {
                return storeTile(lb, c0, true);
              },
              [&](OpBuilder &lb, Value c0, ValueRange) {
                return storeTile(lb, c0, false);
              });
        };

        // The register-resident row programs (softmax, log_softmax,
        // layer_norm, rms_norm): rows of at most kResidentTiles chunks
        // are read once into registers; longer rows take passes over the
        // row. Each phase is a branch per version yielding the threads'
        // partial statistic; the block reductions stay outside the
        // branches (their shuffles and barriers are the block's).
        // Split rows are launched only where the block's part fits its
        // shared buffer (below).
        Value fits =
            split > 1
                ? arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1)
                      .getResult()
                : arith::CmpIOp::create(
                      b, loc, arith::CmpIPredicate::ule, length,
                      indexConstant(b, loc, resident * chunk.bn))
                      .getResult();
        RankedTensorType computeTile = chunk.tile(compute);
        // Split rows: the block's part is copied (asynchronously, the
        // whole part at once) into `resident` slots of a shared buffer and
        // read from there by each phase; the phases then yield no tiles.
        // (Kept in registers instead, 16 chunks of f16 a thread took 255
        // registers, each 16-bit element in a register of its own, one
        // block per multiprocessor: 0.70x on softmax rows of 262144;
        // passes over the part, 0.98-1.42x:
        // bench/results/2026-12-02-h200-row-cluster-attempts.log.)
        bool shared = split > 1;
        Value slots;
        if (shared) {
          slots = tile::LocalAllocOp::create(
              b, loc, tile::SmemType::get({resident, 1, chunk.bn}, element),
              IntegerAttr());
          SmallVector<Value> copies;
          for (int64_t t = 0; t < resident; ++t)
            copies.push_back(
                tile::BoxCopyOp::create(
                    b, loc, tile::AsyncTokenType::get(ctx), x,
                    ValueRange{zero, indexConstant(b, loc, t * chunk.bn)},
                    tile::SlotOp::create(b, loc, slots,
                                         indexConstant(b, loc, t)),
                    Value(), Value(), Value(), Value(),
                    /*aligned=*/vector > 1)
                    .getToken());
          tile::WaitOp::create(b, loc, copies, IntegerAttr());
        }
        // Resident tile `t` in the stored type where it is in the shared
        // buffer (0 past the row: the copies fill it so), else
        // `kept[t]`.
        auto residentAt = [&](OpBuilder &ob, int64_t t,
                              ValueRange kept) -> Value {
          if (!shared)
            return kept[t];
          return tile::LocalLoadOp::create(
              ob, loc, outChunk,
              tile::SlotOp::create(ob, loc, slots, indexConstant(ob, loc, t)));
        };
        // The tiles the phases yield.
        int64_t yielded = shared ? 0 : resident;
        SmallVector<Type> phaseTypes(yielded, computeTile);
        phaseTypes.push_back(computeTile);
        auto zeros = [&](OpBuilder &ob) {
          return tensor::SplatOp::create(ob, loc, computeTile,
                                         floatConstant(ob, loc, compute, 0.0))
              .getResult();
        };
        // A tile in the computed type.
        auto computed = [&](OpBuilder &ob, Value tile) -> Value {
          if (getElementTypeOrSelf(tile) == compute)
            return tile;
          return mapTiles(ob, loc, computeTile, {tile},
                          [&](OpBuilder &mb, ValueRange e) -> Value {
                            return toCompute(mb, e[0]);
                          });
        };
        // A phase: `kept` computes the `resident` tiles it keeps and its
        // partial statistic; `passes` the partial statistic of
        // the passes over the row (`partials` tiles: each version yields
        // as many after the resident tiles).
        auto phase =
            [&](function_ref<SmallVector<Value>(OpBuilder &)> kept,
                function_ref<SmallVector<Value>(OpBuilder &)> passes,
                unsigned partials = 1) {
              SmallVector<Type> types(phaseTypes);
              types.append(partials - 1, computeTile);
              auto versions = scf::IfOp::create(b, loc, types, fits,
                                                /*withElseRegion=*/true);
              OpBuilder::InsertionGuard guard(b);
              b.setInsertionPointToStart(versions.thenBlock());
              scf::YieldOp::create(b, loc, kept(b));
              b.setInsertionPointToStart(versions.elseBlock());
              SmallVector<Value> partial = passes(b);
              SmallVector<Value> results(yielded, zeros(b));
              results.append(partial);
              scf::YieldOp::create(b, loc, results);
              return versions;
            };
        // A row statistic from the threads' partials: over the block, and
        // split, over the cluster's blocks.
        auto reduced = [&](Value partial, tile::ReduceKind kind) {
          Value stat = tile::ReduceOp::create(b, loc, chunk.rows(compute),
                                              kind, partial, /*axis=*/1);
          if (split > 1)
            stat = tile::ClusterReduceOp::create(b, loc, kind, stat);
          return stat;
        };
        auto combine = [&](OpBuilder &ob, ValueRange tiles,
                           graph::ReduceKind kind) {
          Value acc = computed(ob, tiles.front());
          for (Value t : tiles.drop_front())
            acc = mapTiles(ob, loc, computeTile, {acc, t},
                           [&](OpBuilder &mb, ValueRange e) {
                             return buildReductionCombine(
                                 mb, loc, static_cast<unsigned>(kind), e[0],
                                 toCompute(mb, e[1]));
                           });
          return acc;
        };
        Value colsTile =
            tensor::SplatOp::create(b, loc, chunk.tile(b.getIndexType()), length);
        auto validAt = [&](OpBuilder &ob, int64_t t) {
          if (shared) {
            // The tile's positions compared with what is left of the part
            // there: one coordinate tile for every tile and a scalar per
            // tile (compared with the coordinates of each tile, which
            // CSE keeps through every phase, the 16 tiles' masks spilled
            // 272 bytes a thread under the register cap).
            Value at = indexConstant(ob, loc, t * chunk.bn);
            Value left = arith::SubIOp::create(
                ob, loc, length, arith::MinUIOp::create(ob, loc, length, at));
            return arith::CmpIOp::create(
                       ob, loc, arith::CmpIPredicate::ult,
                       chunk.coordinates(ob, loc, 0, zero),
                       tensor::SplatOp::create(
                           ob, loc, chunk.tile(ob.getIndexType()), left))
                .getResult();
          }
          return arith::CmpIOp::create(
                     ob, loc, arith::CmpIPredicate::ult,
                     chunk.coordinates(ob, loc, 0,
                                       indexConstant(ob, loc, t * chunk.bn)),
                     colsTile)
              .getResult();
        };
        if (isa<graph::SoftmaxOp, graph::LogSoftmaxOp>(anchor)) {
          // Rows of at most kResidentTiles chunks stay in registers: one
          // read of the row and one exponential per element (softmax keeps
          // them for its output). Longer rows take two reads: the maximum
          // and the sum of exponentials together (online: each position's
          // sum rescaled where its maximum grows), then the output. (Rows
          // in registers read once; the online statistics over 8192
          // columns ran 0.955x there, bound by their per-element work:
          // bench/results/2026-12-01-h200-row-one-read.log; rows of 262144
          // are bound by their reads.) Each phase is a branch per version
          // yielding the threads' partial statistics; the block reductions
          // stay outside the branches (their shuffles and barriers are the
          // block's).
          bool log = isa<graph::LogSoftmaxOp>(anchor);
          Value lowest = floatConstant(
              b, loc, compute, -std::numeric_limits<double>::infinity());
          // Resident tile `t` in the computed type, -inf past the row.
          auto masked = [&](OpBuilder &ob, int64_t t, Value tile) -> Value {
            return mapTiles(ob, loc, computeTile, {tile, validAt(ob, t)},
                            [&](OpBuilder &mb, ValueRange e) -> Value {
                              return arith::SelectOp::create(
                                  mb, loc, e[1], toCompute(mb, e[0]), lowest);
                            });
          };
          // One read of the row for each position's maximum m and sum s of
          // exp(x - m): for each element, with e = exp(min(x, m) - max(x,
          // m)) (0 where both are -inf), s becomes s e + 1 where x passes
          // m, else s + e (one exponential an element).
          auto onlineStatistics = [&](OpBuilder &ob) -> SmallVector<Value> {
            auto update = [&](OpBuilder &lb, Value at, ValueRange acc,
                              bool last) {
              SmallVector<Value> inputs{acc[0], acc[1],
                                        row.load(lb, x, at,
                                                 /*inBounds=*/false)};
              if (last)
                inputs.push_back(row.isNew(lb));
              Value m = mapTiles(
                  lb, loc, computeTile, inputs,
                  [&](OpBuilder &mb, ValueRange e) -> Value {
                    Value next = arith::MaximumFOp::create(
                        mb, loc, e[0], toCompute(mb, e[2]));
                    if (!last)
                      return next;
                    return arith::SelectOp::create(mb, loc, e[3], next, e[0]);
                  });
              Value s = mapTiles(
                  lb, loc, computeTile, inputs,
                  [&](OpBuilder &mb, ValueRange e) -> Value {
                    Value v = toCompute(mb, e[2]);
                    Value high = arith::MaximumFOp::create(mb, loc, v, e[0]);
                    Value low = arith::MinimumFOp::create(mb, loc, v, e[0]);
                    Value t = arith::SelectOp::create(
                        mb, loc,
                        arith::CmpFOp::create(mb, loc,
                                              arith::CmpFPredicate::OEQ, high,
                                              lowest),
                        floatConstant(mb, loc, compute, 0.0),
                        math::ExpOp::create(
                            mb, loc, arith::SubFOp::create(mb, loc, low, high),
                            expFlags));
                    Value grows = arith::CmpFOp::create(
                        mb, loc, arith::CmpFPredicate::OGT, v, e[0]);
                    Value next = arith::SelectOp::create(
                        mb, loc, grows,
                        arith::AddFOp::create(
                            mb, loc, arith::MulFOp::create(mb, loc, e[1], t),
                            floatConstant(mb, loc, compute, 1.0)),
                        arith::AddFOp::create(mb, loc, e[1], t));
                    if (!last)
                      return next;
                    return arith::SelectOp::create(mb, loc, e[3], next, e[1]);
                  });
              return SmallVector<Value>{m, s};
            };
            Value m0 = tensor::SplatOp::create(ob, loc, computeTile, lowest);
            return row.walk(
                {m0, zeros(ob)},
                [&](OpBuilder &lb, Value at, ValueRange acc) {
                  return update(lb, at, acc, false);
                },
                [&](OpBuilder &lb, Value at, ValueRange acc) {
                  return update(lb, at, acc, true);
                });
          };
          // The maximum: the resident version's tiles are the row's values
          // in the computed type, -inf past the row (a load there reads
          // nothing), its partials the maximum and zeros; the passes'
          // partials each position's maximum and its sum of exp(x - max).
          auto first = phase(
              [&](OpBuilder &ob) {
                SmallVector<Value> values;
                for (int64_t t = 0; t < resident; ++t) {
                  Value loaded =
                      shared ? residentAt(ob, t, {})
                             : row.load(ob, x,
                                        indexConstant(ob, loc, t * chunk.bn),
                                        /*inBounds=*/false);
                  values.push_back(masked(ob, t, loaded));
                }
                SmallVector<Value> results;
                if (!shared)
                  results.assign(values);
                results.push_back(
                    combine(ob, values, graph::ReduceKind::max));
                results.push_back(zeros(ob));
                return results;
              },
              [&](OpBuilder &ob) { return onlineStatistics(ob); },
              /*partials=*/2);
          ValueRange values = first.getResults().take_front(yielded);
          Value positionMax = first.getResult(yielded);
          Value positionSum = first.getResult(yielded + 1);
          Value maxB =
              row.broadcast(reduced(positionMax, tile::ReduceKind::max));
          // The sum of exponentials: the resident tiles are exp(x - max),
          // 0 past the row (exp(-inf)); from the shared buffer, the output
          // computes them again.
          auto exponential = [&](OpBuilder &mb, Value v, Value max) -> Value {
            return math::ExpOp::create(
                mb, loc, arith::SubFOp::create(mb, loc, toCompute(mb, v), max),
                expFlags);
          };
          auto second = phase(
              [&](OpBuilder &ob) {
                SmallVector<Value> exps;
                for (int64_t t = 0; t < resident; ++t)
                  exps.push_back(mapTiles(
                      ob, loc, computeTile,
                      {shared ? masked(ob, t, residentAt(ob, t, {}))
                              : values[t],
                       maxB},
                      [&](OpBuilder &mb, ValueRange e) -> Value {
                        return exponential(mb, e[0], e[1]);
                      }));
                SmallVector<Value> results;
                if (!shared)
                  results.assign(exps);
                results.push_back(combine(ob, exps, graph::ReduceKind::sum));
                return results;
              },
              [&](OpBuilder &ob) {
                // Each position's sum at the row's maximum: s exp(m - max)
                // (0 where the position saw no element: s is 0 there).
                return SmallVector<Value>{mapTiles(
                    ob, loc, computeTile, {positionSum, positionMax, maxB},
                    [&](OpBuilder &mb, ValueRange e) -> Value {
                      Value scale = math::ExpOp::create(
                          mb, loc, arith::SubFOp::create(mb, loc, e[1], e[2]),
                          expFlags);
                      return arith::SelectOp::create(
                          mb, loc,
                          arith::CmpFOp::create(mb, loc,
                                                arith::CmpFPredicate::OEQ,
                                                e[1], lowest),
                          e[0], arith::MulFOp::create(mb, loc, e[0], scale));
                    })};
              });
          ValueRange exps = second.getResults().take_front(yielded);
          // log_softmax subtracts log(sum); softmax multiplies by 1 / sum.
          Value scale = row.broadcast(mapTiles(
              b, loc, chunk.rows(compute),
              reduced(second.getResults().back(), tile::ReduceKind::add),
              [&](OpBuilder &mb, ValueRange s) -> Value {
                if (log)
                  return math::LogOp::create(mb, loc, s[0]);
                return arith::DivFOp::create(
                    mb, loc, floatConstant(mb, loc, compute, 1.0), s[0]);
              }));
          auto output = scf::IfOp::create(b, loc, TypeRange(), fits,
                                          /*withElseRegion=*/true);
          {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPoint(output.thenBlock()->getTerminator());
            Value y = rowView(params[outParam], rowStart());
            for (int64_t t = 0; t < resident; ++t) {
              SmallVector<Value> inputs =
                  log ? SmallVector<Value>{residentAt(b, t, values), maxB,
                                           scale}
                  : shared ? SmallVector<Value>{residentAt(b, t, {}), scale,
                                                maxB}
                           : SmallVector<Value>{exps[t], scale};
              if (stochastic)
                inputs.push_back(
                    columnsAt(b, indexConstant(b, loc, t * chunk.bn)));
              Value out = mapTiles(
                  b, loc, outChunk, inputs,
                  [&](OpBuilder &mb, ValueRange e) -> Value {
                    Value v =
                        log ? arith::SubFOp::create(
                                  mb, loc,
                                  arith::SubFOp::create(
                                      mb, loc, toCompute(mb, e[0]), e[1]),
                                  e[2])
                                  .getResult()
                            : arith::MulFOp::create(
                                  mb, loc,
                                  shared ? exponential(mb, e[0], e[2]) : e[0],
                                  e[1])
                                  .getResult();
                    SmallVector<Value> position(lead);
                    if (stochastic)
                      position.push_back(e.back());
                    return toStorage(mb, v, position);
                  });
              // (masked by the view's bounds past the row)
              tile::StoreTileOp::create(
                  b, loc, out, y,
                  ValueRange{zero, indexConstant(b, loc, t * chunk.bn)},
                  Value());
            }
            b.setInsertionPoint(output.elseBlock()->getTerminator());
            storeRow(x, {maxB, scale},
                     [&](OpBuilder &mb, ValueRange v, ValueRange st) -> Value {
                       Value shifted =
                           arith::SubFOp::create(mb, loc, v[0], st[0]);
                       if (log)
                         return arith::SubFOp::create(mb, loc, shifted, st[1]);
                       return arith::MulFOp::create(
                           mb, loc,
                           math::ExpOp::create(mb, loc, shifted, expFlags),
                           st[1]);
                     });
          }
          return success();
        }

        if (isa<graph::LayerNormOp, graph::RmsNormOp>(anchor)) {
          // Rows of at most kResidentTiles chunks are read once: the mean
          // and the centered sum of squares (exact two-pass statistics)
          // from registers, then the output. Longer rows read the row
          // three times (the mean, the centered sum of squares, the
          // output). (Held in registers with single elements a thread,
          // this ran 0.98-1.01x:
          // bench/results/2026-12-01-h200-resident-layer-norm-attempt.log;
          // one read of shifted sums (x - K) ran 1.00-1.07x, with K the
          // row's first element losing digits where that element is far
          // from the rest: bench/results/2026-12-01-h200-row-one-read.log;
          // the passes' statistics in one read by Welford's updates per
          // position, combined by Chan's formula, ran 0.85-0.88x, the
          // resident rows too: -row-passes-bench.log.)
          bool centered = isa<graph::LayerNormOp>(anchor);
          auto center = [&](OpBuilder &mb, Value v, ValueRange mean) {
            return centered ? arith::SubFOp::create(mb, loc, v, mean[0])
                                  .getResult()
                            : v;
          };
          auto square = [&](OpBuilder &mb, Value d) {
            return arith::MulFOp::create(mb, loc, d, d).getResult();
          };
          // The resident tiles: the row's values in the computed type, 0
          // past the row (a load there reads nothing); from the shared
          // buffer, each phase reads them there.
          SmallVector<Value> values;
          SmallVector<Value> meanB;
          Value squares;
          auto load = [&](OpBuilder &ob) {
            for (int64_t t = 0; t < resident; ++t)
              values.push_back(mapTiles(
                  ob, loc, computeTile,
                  {row.load(ob, x, indexConstant(ob, loc, t * chunk.bn),
                            /*inBounds=*/false)},
                  [&](OpBuilder &mb, ValueRange e) -> Value {
                    return toCompute(mb, e[0]);
                  }));
            return values;
          };
          if (!centered && !shared) {
            // RMS norm loads its resident tiles in a phase of their own, as
            // layer norm's mean phase does: loaded inside the squares'
            // phase, their loads and squares interleave and hold 71-80
            // registers (ptxas -v, fp16/bf16) where this holds 48.
            auto first = phase(
                [&](OpBuilder &ob) {
                  SmallVector<Value> results(load(ob));
                  results.push_back(zeros(ob));
                  return results;
                },
                [&](OpBuilder &ob) { return SmallVector<Value>{zeros(ob)}; });
            values.assign(first.getResults().begin(),
                          first.getResults().begin() + resident);
          } else if (centered) {
            // Layer norm centers on the mean first.
            auto first = phase(
                [&](OpBuilder &ob) {
                  if (shared) {
                    SmallVector<Value> tiles;
                    for (int64_t t = 0; t < resident; ++t)
                      tiles.push_back(computed(ob, residentAt(ob, t, {})));
                    return SmallVector<Value>{
                        combine(ob, tiles, graph::ReduceKind::sum)};
                  }
                  SmallVector<Value> results(load(ob));
                  results.push_back(combine(ob, values, graph::ReduceKind::sum));
                  return results;
                },
                [&](OpBuilder &) {
                  return SmallVector<Value>{row.partialStatistic(
                      graph::ReduceKind::sum, compute, x, {},
                      [&](OpBuilder &mb, Value e, ValueRange) {
                        return toCompute(mb, e);
                      })};
                });
            values.assign(first.getResults().begin(),
                          first.getResults().begin() + yielded);
            meanB.push_back(row.broadcast(mapTiles(
                b, loc, chunk.rows(compute),
                reduced(first.getResults().back(), tile::ReduceKind::add),
                [&](OpBuilder &mb, ValueRange s) -> Value {
                  return arith::DivFOp::create(mb, loc, s[0], count);
                })));
          }
          // The sum of squares (centered for layer norm): 0 past the row.
          auto second = phase(
              [&](OpBuilder &ob) {
                SmallVector<Value> terms;
                // (The shared buffer holds zeros past the row: RMS norm's
                // squares need no mask there.)
                bool unmasked = shared && !centered;
                for (int64_t t = 0; t < resident; ++t) {
                  SmallVector<Value> inputs{residentAt(ob, t, values)};
                  if (!unmasked)
                    inputs.push_back(validAt(ob, t));
                  inputs.append(meanB);
                  terms.push_back(mapTiles(
                      ob, loc, computeTile, inputs,
                      [&](OpBuilder &mb, ValueRange e) -> Value {
                        Value term = square(
                            mb, center(mb, toCompute(mb, e[0]),
                                       e.drop_front(unmasked ? 1 : 2)));
                        if (unmasked)
                          return term;
                        return arith::SelectOp::create(
                            mb, loc, e[1], term,
                            floatConstant(mb, loc, compute, 0.0));
                      }));
                }
                SmallVector<Value> results;
                if (!shared)
                  results.assign(values);
                results.push_back(combine(ob, terms, graph::ReduceKind::sum));
                return results;
              },
              [&](OpBuilder &) {
                return SmallVector<Value>{row.partialStatistic(
                    graph::ReduceKind::sum, compute, x, meanB,
                    [&](OpBuilder &mb, Value e, ValueRange mean) -> Value {
                      return square(mb, center(mb, toCompute(mb, e), mean));
                    })};
              });
          values.assign(second.getResults().begin(),
                        second.getResults().begin() + yielded);
          squares = reduced(second.getResults().back(), tile::ReduceKind::add);
          Value inv = row.broadcast(mapTiles(
              b, loc, chunk.rows(compute), squares,
              [&](OpBuilder &mb, ValueRange s) -> Value {
                return math::RsqrtOp::create(
                    mb, loc,
                    arith::AddFOp::create(
                        mb, loc, arith::DivFOp::create(mb, loc, s[0], count),
                        floatConstant(mb, loc, compute, epsilon)));
              }));
          // The weight and bias are rows of their own, the same for every
          // row of the input.
          SmallVector<Value> affine;
          if (wParam >= 0)
            affine.push_back(rowView(params[wParam], start));
          if (bParam >= 0)
            affine.push_back(rowView(params[bParam], start));
          // y = (x - mean) * inv (* weight) (+ bias), on computed-type
          // elements: the value, the affine rows' elements, inv, the mean.
          auto normalize = [&](OpBuilder &mb, Value v, ValueRange rows,
                               ValueRange st) -> Value {
            Value y = arith::MulFOp::create(
                mb, loc, center(mb, v, st.drop_front()), st[0]);
            unsigned next = 0;
            if (wParam >= 0)
              y = arith::MulFOp::create(mb, loc, y, rows[next++]);
            if (bParam >= 0)
              y = arith::AddFOp::create(mb, loc, y, rows[next++]);
            return y;
          };
          SmallVector<Value> stats{inv};
          stats.append(meanB);
          auto output = scf::IfOp::create(b, loc, TypeRange(), fits,
                                          /*withElseRegion=*/true);
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(output.thenBlock()->getTerminator());
          Value y = rowView(params[outParam], rowStart());
          for (int64_t t = 0; t < resident; ++t) {
            Value c0 = indexConstant(b, loc, t * chunk.bn);
            SmallVector<Value> inputs{residentAt(b, t, values)};
            for (Value view : affine)
              inputs.push_back(row.load(b, view, c0, /*inBounds=*/false));
            inputs.append(stats);
            if (stochastic)
              inputs.push_back(columnsAt(b, c0));
            Value out = mapTiles(
                b, loc, outChunk, inputs,
                [&](OpBuilder &mb, ValueRange e) -> Value {
                  SmallVector<Value> rows;
                  for (Value v : e.slice(1, affine.size()))
                    rows.push_back(toCompute(mb, v));
                  Value v = normalize(
                      mb, toCompute(mb, e[0]), rows,
                      e.slice(1 + affine.size(), stats.size()));
                  SmallVector<Value> position(lead);
                  if (stochastic)
                    position.push_back(e.back());
                  return toStorage(mb, v, position);
                });
            // (masked by the view's bounds past the row)
            tile::StoreTileOp::create(b, loc, out, y, ValueRange{zero, c0},
                                      Value());
          }
          b.setInsertionPoint(output.elseBlock()->getTerminator());
          SmallVector<Value> views{x};
          views.append(affine);
          storeRow(views, stats,
                   [&](OpBuilder &mb, ValueRange v, ValueRange st) -> Value {
                     return normalize(mb, v[0], v.drop_front(), st);
                   });
          return success();
        }

        // reduce over the trailing dims: one value per row.
        graph::ReduceKind kind = reduce.getKind();
        Value total = mapTiles(
            b, loc, chunk.rows(element),
            row.statistic(kind, compute, x, {},
                          [&](OpBuilder &mb, Value e, ValueRange) {
                            return toCompute(mb, e);
                          }),
            [&](OpBuilder &mb, ValueRange t) -> Value {
              Value v = t[0];
              if (kind == graph::ReduceKind::mean)
                v = arith::DivFOp::create(mb, loc, v, count);
              // (kept reduced dims are not hashed: the CPU path rounds
              // before it inserts them)
              return toStorage(mb, v, lead);
            });
        tile::StoreTileOp::create(
            b, loc, total,
            stridedView(b, loc, params[outParam], id, {one}, {one}),
            ValueRange{zero}, Value());
        return success();
  };

  // Each thread's `vector` elements of a chunk are contiguous: one access
  // where the rows are whole vectors. Elsewhere (rows of a size that is
  // not a multiple) such a layout could only load them one by one, a
  // lane's `vector` scalars apart from its neighbours', which ran at
  // 0.33-0.62x on the H200 (bench/results/2026-12-01-h200-row-vector-sweep.log):
  // those launches take a second kernel of single elements, consecutive
  // lanes on consecutive ones. The host gates the two grids by the
  // column count (the kernel still tests each chunk's alignment).
  int64_t vector = config.getVector();
  struct Variant {
    int64_t vector;
    Value gate; // 1 or 0 (null: always)
  };
  SmallVector<Variant> variants{{vector, Value()}};
  if (vector > 1) {
    Value ragged = notMultipleOf(hb, loc, cols, vector);
    variants = {{vector, arith::SubIOp::create(
                             hb, loc, indexConstant(hb, loc, 1), ragged)},
                {1, ragged}};
  }
  // Rows spread over clusters (split_k on the resident programs): each
  // row over split_k blocks (`auto`: the most a cluster of the chip
  // holds), each copying its part into a shared buffer of 64 KB (16
  // chunks of 2048 f16 columns; three blocks a multiprocessor) and reading
  // it there: the row is read from memory once (a row of 262144 f16
  // elements, 512 KB, is 8 blocks' 64 KB, where one block reads it two or
  // three times). Rows within kResidentTiles chunks, and rows past what
  // the cluster holds (one block's passes over the row), are not split.
  // The host gates the grids by the column count.
  int64_t bn = config.getTile()[1];
  bool residentProgram = !reduce;
  int64_t clusterBlocks = 0;
  if (target::ChipAttr chip = target::ChipAttr::lookup(host.module))
    clusterBlocks = chip.getInfo().getMaxClusterBlocks();
  int64_t splitK = config.getSplitK();
  if (splitK != 1 && (!residentProgram || (!config.isSplitKAuto() &&
                                           splitK > clusterBlocks)))
    return kernel.emitOpError()
           << "sets split_k = " << splitK << " on a row kernel, which "
           << (residentProgram
                   ? "spreads each row over a cluster of that many blocks; " +
                         (clusterBlocks == 0
                              ? std::string("the chip has no clusters")
                              : "the chip's clusters hold at most " +
                                    std::to_string(clusterBlocks))
                   : std::string("softmax, log_softmax, layer_norm and "
                                 "rms_norm rows have, not reductions"));
  int64_t bytes = std::max<int64_t>(1, element.getIntOrFloatBitWidth() / 8);
  int64_t splitResident =
      std::clamp<int64_t>(kSplitSharedBytes / (bn * bytes), 1, 32);
  struct Split {
    int64_t blocks;
    Value gate; // 1 or 0 (null: always)
  };
  SmallVector<Split> splits{{1, Value()}};
  // The cluster sizes: split_k's, or for `auto` 2, 4, ... up to the chip's
  // largest, each for the rows its blocks' buffers hold and the next
  // smaller one does not (a block's part at least half its buffer, but
  // past the registers: rows of 8193 to 65536 f16 columns over 2 blocks,
  // ... to 262144 over 8). Softmax and log_softmax split only over the
  // largest cluster, the rows its smaller half would not hold: over 2
  // blocks their rows of 32768 ran 0.71-0.79x the unsplit passes (each
  // element's exponential twice, two cluster reductions), over 8 0.16x
  // (8 blocks of 2 chunks: a cluster launched per row of 32768), where
  // the norms ran 1.05-1.31x over 2; rows of 262144 over 8 ran 1.24-2.23x
  // (bench/results/2026-12-02-h200-row-cluster-sizes.log).
  SmallVector<int64_t> sizes;
  int64_t from = kResidentTiles * bn;
  if (config.isSplitKAuto() && clusterBlocks > 1) {
    if (isa<graph::SoftmaxOp, graph::LogSoftmaxOp>(anchor)) {
      sizes.push_back(clusterBlocks);
      from = std::max(from, clusterBlocks / 2 * splitResident * bn);
    } else {
      for (int64_t n = 2; n <= clusterBlocks; n *= 2)
        sizes.push_back(n);
    }
  } else if (splitK > 1) {
    sizes.push_back(splitK);
  }
  if (!sizes.empty()) {
    Value one = indexConstant(hb, loc, 1);
    // 1 where the columns pass `n`, else 0.
    auto past = [&](int64_t n) -> Value {
      return arith::MinUIOp::create(
          hb, loc,
          arith::SubIOp::create(
              hb, loc, cols,
              arith::MinUIOp::create(hb, loc, cols, indexConstant(hb, loc, n))),
          one);
    };
    Value unsplit = one;
    for (int64_t n : sizes) {
      int64_t to = n * splitResident * bn;
      Value gate = arith::MulIOp::create(
          hb, loc, past(from), arith::SubIOp::create(hb, loc, one, past(to)));
      splits.push_back({n, gate});
      unsplit = arith::SubIOp::create(hb, loc, unsplit, gate);
      from = to;
    }
    splits.front().gate = unsplit;
  }
  for (const Variant &variant : variants) {
    // Split only where the rows are whole 16-byte chunks (the launch's
    // vectors): a ragged part's last chunk would be copied as 16 bytes
    // reaching past the tensor's end (compute-sanitizer: a read past the
    // allocation); ragged rows take the unsplit kernels.
    bool wholeChunks = variant.vector * bytes == 16;
    for (const Split &split : splits) {
      if (split.blocks > 1 && !wholeChunks)
        continue;
      Value splitGate = wholeChunks ? split.gate : Value();
      OutputTiles chunk{1, bn,
                        tile::BlockedEncodingAttr::get(
                            ctx, {1, threads / warpSize}, {1, warpSize},
                            {1, variant.vector})};
      schedule::ConfigAttr variantConfig = withVector(config, variant.vector);
      Value grid = rows;
      for (Value gate : {variant.gate, splitGate})
        if (gate)
          grid = arith::MulIOp::create(hb, loc, grid, gate);
      if (split.blocks > 1)
        grid = arith::MulIOp::create(hb, loc, grid,
                                     indexConstant(hb, loc, split.blocks));
      int64_t resident = split.blocks > 1 ? splitResident : kResidentTiles;
      // Split, the registers capped so that as many blocks fit a
      // multiprocessor as its shared memory holds buffers (uncapped, ptxas
      // issued the 16 chunks' loads from shared memory at once: up to 248
      // registers).
      int64_t cap = 0;
      if (split.blocks > 1) {
        int64_t blocksPerSM = std::max<int64_t>(
            1, kMultiprocessorSharedBytes / kSplitSharedBytes);
        cap = std::min<int64_t>(
            255, kMultiprocessorRegisters / (blocksPerSM * threads) / 8 * 8);
      }
      if (failed(emitKernel(
              host, loc, "row", variantConfig, sig, {grid},
              /*sharedBytes=*/0,
              [&](OpBuilder &b, ValueRange params) {
                return program(chunk, variant.vector, split.blocks, resident,
                               b, params);
              },
              split.blocks, cap)))
        return failure();
    }
  }
  return success();
}

} // namespace mlir::tessera::schedule_to_tile
