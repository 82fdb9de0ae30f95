// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s
// RowReduction.cpp: row kernels (softmax, norms, trailing-dim reductions).
// One block per row; the block walks its row in [1, 2048] register tiles
// (the config's columns) over its 8 warps: the whole tiles (declared
// in_bounds in the last pass), then the last one, which ends at the row's
// end where the row is at least a tile long (in bounds, overlapping the
// whole tiles) and else starts at 0. A statistic is accumulated
// elementwise, in the last tile only at columns from the whole tiles' end
// to the row's end (a select), and reduced over the block; the last pass
// stores every tile (the overlap again, with the same values).

// CHECK-DAG: #[[BLOCKED:.*]] = #tessera_tile.blocked<warps = [1, 8], threads = [1, 32], per_thread = [1, 1]>
// CHECK-DAG: #[[COLS:.*]] = #tessera_tile.slice<dim = 0, parent = #[[BLOCKED]]>
// CHECK-DAG: #[[ROW:.*]] = #tessera_tile.slice<dim = 1, parent = #[[BLOCKED]]>
// CHECK-LABEL: func.func @softmax
// CHECK: tessera_target.launch @softmax_k0_row grid(%{{.*}}) block = [256]
// CHECK-LABEL: tessera_target.kernel @softmax_k0_row(
// CHECK-SAME: %[[X:.*]]: memref<?xf16>, %[[Y:.*]]: memref<?xf16>, %[[N:.*]]: index)
// The whole tiles' end and the last tile's start.
// CHECK: %[[TILES:.*]] = arith.divui %[[N]], %c2048
// CHECK: %[[WHOLE:.*]] = arith.muli %[[TILES]], %c2048
// CHECK: %[[LONG:.*]] = arith.cmpi uge, %[[N]], %c2048
// CHECK: %[[END:.*]] = arith.subi %[[N]], %c2048
// CHECK: %[[LAST:.*]] = arith.select %[[LONG]], %[[END]], %[[WHOLE]]
// CHECK: %[[ROWID:.*]] = tessera_tile.program_id 0
// CHECK: %[[OFF:.*]] = arith.muli %[[ROWID]], %[[N]]
// (the one row's stride is 0: never taken, nothing to test for alignment)
// CHECK: %[[XV:.*]] = memref.reinterpret_cast %[[X]] to offset: [%[[OFF]]], sizes: [%{{.*}}, %[[N]]], strides: [0, 1]
// Rows of up to 4 tiles (8192 columns) stay in registers: each phase is a
// branch, the resident version yielding its 4 tiles and its partial
// statistic, the passes' version zeros and theirs; the block reductions
// are outside the branches.
// CHECK: %[[FITS:.*]] = arith.cmpi ule, %[[N]], %c8192
// CHECK: %[[NS:.*]] = tensor.splat %[[N]] : tensor<1x2048xindex, #[[BLOCKED]]>
// The max. Resident: the 4 tiles loaded once (masked past the row by the
// view), -inf past the row's end, combined with maximumf.
// CHECK: %[[P1:.*]]:6 = scf.if %[[FITS]] -> (tensor<1x2048xf32, #[[BLOCKED]]>,
// CHECK:   %[[T0:.*]] = tessera_tile.load_tile %[[XV]][%{{.*}}, %{{.*}}] : {{.*}} -> tensor<1x2048xf16, #[[BLOCKED]]>
// CHECK:   %[[IN0:.*]] = arith.cmpi ult, %{{.*}}, %[[NS]] : tensor<1x2048xindex, #[[BLOCKED]]>
// CHECK:   tessera_tile.map ins(%[[T0]], %[[IN0]] :
// CHECK:     arith.select
// CHECK:   tessera_tile.load_tile %[[XV]][%{{.*}}, %c2048
// CHECK:   tessera_tile.load_tile %[[XV]][%{{.*}}, %c4096
// CHECK:   tessera_tile.load_tile %[[XV]][%{{.*}}, %c6144
// CHECK:     arith.maximumf
// CHECK:   scf.yield
// Passes: one read for each position's maximum and its sum of exp(x - max)
// (online: the sum is rescaled where the maximum grows, one exponential an
// element), the whole tiles, then the last tile's new columns.
// CHECK: } else {
// CHECK: %[[NEGINF:.*]] = tensor.splat %{{.*}} : tensor<1x2048xf32, #[[BLOCKED]]>
// CHECK: %[[ZERO:.*]] = tensor.splat %{{.*}} : tensor<1x2048xf32, #[[BLOCKED]]>
// CHECK: %[[STATS:.*]]:2 = scf.for %[[C0:.*]] = %{{.*}} to %[[WHOLE]] step %{{.*}} iter_args(%[[M:.*]] = %[[NEGINF]], %[[S:.*]] = %[[ZERO]])
// CHECK:   %[[CHUNK:.*]] = tessera_tile.load_tile %[[XV]][%{{.*}}, %[[C0]]] : {{.*}} -> tensor<1x2048xf16, #[[BLOCKED]]>
// CHECK:   tessera_tile.map ins(%[[M]], %[[S]], %[[CHUNK]] :
// CHECK:     arith.maximumf
// CHECK-NOT: arith.select
// CHECK:   tessera_tile.map ins(%[[M]], %[[S]], %[[CHUNK]] :
// CHECK:     %[[HIGH:.*]] = arith.maximumf
// CHECK:     %[[LOW:.*]] = arith.minimumf
// CHECK:     %[[NOTHING:.*]] = arith.cmpf oeq, %[[HIGH]]
// CHECK:     %[[D:.*]] = arith.subf %[[LOW]], %[[HIGH]]
// CHECK:     %[[E:.*]] = math.exp %[[D]]
// CHECK:     %[[T:.*]] = arith.select %[[NOTHING]], %{{.*}}, %[[E]]
// CHECK:     %[[GROWS:.*]] = arith.cmpf ogt
// CHECK:     %[[RESCALED:.*]] = arith.mulf %{{.*}}, %[[T]]
// CHECK:     %[[ONE:.*]] = arith.addf %[[RESCALED]]
// CHECK:     %[[ADDED:.*]] = arith.addf %{{.*}}, %[[T]]
// CHECK:     arith.select %[[GROWS]], %[[ONE]], %[[ADDED]]
// CHECK: %[[PARTIAL:.*]] = arith.cmpi ult, %[[WHOLE]], %[[N]]
// CHECK: %[[ALL:.*]]:2 = scf.if %[[PARTIAL]]
// CHECK:   %[[TAIL:.*]] = tessera_tile.load_tile %[[XV]][%{{.*}}, %[[LAST]]] :
// Each element's column in the tile against the whole tiles' end and the
// row's end there.
// CHECK:   %[[RANGE:.*]] = tessera_tile.range 0 to 2048 : tensor<2048xi32, #[[COLS]]>
// CHECK:   %[[COLUMNS:.*]] = tessera_tile.broadcast %[[RANGE]] axis 0 : tensor<2048xi32, #[[COLS]]> -> tensor<1x2048xi32, #[[BLOCKED]]>
// CHECK:   %[[FROM:.*]] = arith.subi %[[WHOLE]], %[[LAST]]
// CHECK:   %[[FROM32:.*]] = arith.index_cast %[[FROM]] : index to i32
// CHECK:   %[[FROMS:.*]] = tensor.splat %[[FROM32]]
// CHECK:   %[[AFTER:.*]] = arith.cmpi uge, %[[COLUMNS]], %[[FROMS]]
// CHECK:   %[[TO:.*]] = arith.subi %[[N]], %[[LAST]]
// CHECK:   %[[TO32:.*]] = arith.index_cast %[[TO]] : index to i32
// CHECK:   %[[TOS:.*]] = tensor.splat %[[TO32]]
// CHECK:   %[[BEFORE:.*]] = arith.cmpi ult, %[[COLUMNS]], %[[TOS]]
// CHECK:   %[[NEW:.*]] = arith.andi %[[AFTER]], %[[BEFORE]]
// CHECK:   tessera_tile.map ins(%[[STATS]]#0, %[[STATS]]#1, %[[TAIL]], %[[NEW]] :
// CHECK:     arith.maximumf
// CHECK:     arith.select
// CHECK: } else {
// CHECK:   scf.yield %[[STATS]]#0, %[[STATS]]#1
// CHECK: scf.yield %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[ALL]]#0, %[[ALL]]#1
// CHECK: %[[MAX:.*]] = tessera_tile.reduce max %[[P1]]#4 axis 1 : tensor<1x2048xf32, #[[BLOCKED]]> -> tensor<1xf32, #[[ROW]]>
// CHECK: %[[MAXB:.*]] = tessera_tile.broadcast %[[MAX]] axis 1
// The sum of exp(x - max): resident, the exponentials of the kept tiles
// (kept for the output); passes, no read: each position's sum at the
// row's maximum, s exp(m - max) (s where m is -inf: 0).
// CHECK: %[[P2:.*]]:5 = scf.if %[[FITS]]
// CHECK:   tessera_tile.map ins(%[[P1]]#0, %[[MAXB]] :
// CHECK:     math.exp
// CHECK:     arith.addf
// CHECK: } else {
// CHECK-NOT: tessera_tile.load_tile
// CHECK:   tessera_tile.map ins(%[[P1]]#5, %[[P1]]#4, %[[MAXB]] :
// CHECK:     math.exp
// CHECK:     arith.cmpf oeq
// CHECK:     arith.mulf
// CHECK:     arith.select
// CHECK: %[[SUM:.*]] = tessera_tile.reduce add %[[P2]]#4
// CHECK: %[[INV:.*]] = tessera_tile.map ins(%[[SUM]] : tensor<1xf32, #[[ROW]]>)
// CHECK:   arith.divf
// CHECK: %[[INVB:.*]] = tessera_tile.broadcast %[[INV]] axis 1
// The output: resident, each kept exponential times 1 / sum, stored
// (masked past the row); passes, tile by tile, the last one too.
// CHECK: scf.if %[[FITS]] {
// CHECK:   %[[YR:.*]] = memref.reinterpret_cast %[[Y]]
// CHECK:   tessera_tile.map ins(%[[P2]]#0, %[[INVB]] :
// CHECK:     arith.mulf
// CHECK:     arith.truncf
// CHECK:   tessera_tile.store_tile %{{.*}}, %[[YR]][%{{.*}}, %{{.*}}] : tensor<1x2048xf16, #[[BLOCKED]]>
// CHECK: } else {
// CHECK: %[[YV:.*]] = memref.reinterpret_cast %[[Y]]
// CHECK: scf.for %[[C1:.*]] = %{{.*}} to %[[WHOLE]]
// CHECK:   %[[X1:.*]] = tessera_tile.load_tile %[[XV]][%{{.*}}, %[[C1]]] in_bounds
// CHECK:   %[[OUT:.*]] = tessera_tile.map ins(%[[X1]], %[[MAXB]], %[[INVB]] :
// CHECK:     math.exp
// CHECK:     arith.truncf
// CHECK:   tessera_tile.store_tile %[[OUT]], %[[YV]][%{{.*}}, %[[C1]]] in_bounds : tensor<1x2048xf16, #[[BLOCKED]]>
// CHECK: scf.if
// CHECK:   tessera_tile.load_tile %[[XV]][%{{.*}}, %[[LAST]]] :
// CHECK:   tessera_tile.store_tile %{{.*}}, %[[YV]][%{{.*}}, %[[LAST]]] :
func.func @softmax(%a: tensor<8x?xf16>) -> tensor<8x?xf16> {
  %s = tessera_graph.softmax %a dim = 1 : tensor<8x?xf16>
  return %s : tensor<8x?xf16>
}

// -----

// Layer norm: the mean, the centered sum of squares, then the scaled,
// shifted output; the weight and bias are rows read from column 0. Rows of
// up to 4 tiles are read once: each statistic is a branch whose resident
// version yields the 4 tiles (loaded, then as they were) and its partial
// sum, the passes' version zeros and theirs; the block reductions follow
// the branches; the output stores the resident tiles, or passes over the
// row.
// CHECK-LABEL: tessera_target.kernel @layer_norm_k0_row(
// CHECK-SAME: %[[X:.*]]: memref<?xf32>, %[[W:.*]]: memref<?xf32>, %[[B:.*]]: memref<?xf32>, %[[Y:.*]]: memref<?xf32>, %[[N:.*]]: index)
// CHECK: %[[FITS:.*]] = arith.cmpi ule, %[[N]], %c8192
// CHECK: %[[SUMS:.*]]:5 = scf.if %[[FITS]]
// CHECK-COUNT-4: tessera_tile.load_tile
// CHECK: scf.yield
// CHECK: } else {
// CHECK: scf.for
// CHECK: tessera_tile.reduce add %[[SUMS]]#4 axis 1
// CHECK: %[[MEAN:.*]] = tessera_tile.map
// CHECK:   arith.divf
// CHECK: %[[MEANB:.*]] = tessera_tile.broadcast %[[MEAN]] axis 1
// CHECK: %[[SQUARES:.*]]:5 = scf.if %[[FITS]]
// CHECK-NOT: tessera_tile.load_tile
// CHECK: tessera_tile.map ins(%[[SUMS]]#0, %{{.*}}, %[[MEANB]] :
// CHECK:   arith.subf
// CHECK:   arith.mulf
// CHECK:   arith.select
// CHECK: scf.yield %[[SUMS]]#0, %[[SUMS]]#1, %[[SUMS]]#2, %[[SUMS]]#3,
// CHECK: } else {
// CHECK: scf.for
// CHECK:   tessera_tile.map ins(%{{.*}}, %{{.*}}, %{{.*}}, %[[MEANB]] :
// CHECK:     arith.subf
// CHECK:     arith.mulf
// CHECK: tessera_tile.reduce add %[[SQUARES]]#4 axis 1
// CHECK: math.rsqrt
// CHECK: %[[WV:.*]] = memref.reinterpret_cast %[[W]] to offset: [0]
// CHECK: %[[BV:.*]] = memref.reinterpret_cast %[[B]] to offset: [0]
// CHECK: scf.if %[[FITS]] {
// CHECK:   tessera_tile.load_tile %[[WV]]
// CHECK:   tessera_tile.load_tile %[[BV]]
// CHECK:   tessera_tile.map ins(%[[SQUARES]]#0,
// CHECK:   tessera_tile.store_tile
// CHECK: } else {
// CHECK: scf.for %[[C:.*]] =
// CHECK:   tessera_tile.load_tile %[[WV]][%{{.*}}, %[[C]]]
// CHECK:   tessera_tile.load_tile %[[BV]][%{{.*}}, %[[C]]]
// CHECK:   tessera_tile.store_tile
func.func @layer_norm(%a: tensor<?x?xf32>, %w: tensor<?xf32>, %b: tensor<?xf32>) -> tensor<?x?xf32> {
  %y = tessera_graph.layer_norm %a weight(%w : tensor<?xf32>) bias(%b : tensor<?xf32>) epsilon = 1.0e-05 : tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

// A reduction over the trailing dims: one value per row, stored by the
// block's first thread from the [1] tile the block reduced.
// CHECK-LABEL: tessera_target.kernel @sum_k0_row(
// CHECK-SAME: %[[X:.*]]: memref<?xf32>, %[[Y:.*]]: memref<?xf32>, %[[N:.*]]: index)
// CHECK: %[[ROWID:.*]] = tessera_tile.program_id 0
// CHECK: %[[T:.*]] = tessera_tile.reduce add %{{.*}} axis 1
// CHECK: %[[V:.*]] = tessera_tile.map ins(%[[T]]
// CHECK: %[[YV:.*]] = memref.reinterpret_cast %[[Y]] to offset: [%[[ROWID]]], sizes: [%{{.*}}], strides: [1]
// CHECK: tessera_tile.store_tile %[[V]], %[[YV]][%{{.*}}] : tensor<1xf32, #{{.*}}>, memref<?xf32, strided<[1], offset: ?>>
func.func @sum(%a: tensor<?x?x?xf32>) -> tensor<?xf32> {
  %s = tessera_graph.reduce sum %a dims = [1, 2] : tensor<?x?x?xf32> -> tensor<?xf32>
  return %s : tensor<?xf32>
}

// -----

// `vector` is the contiguous columns per thread (of 16 bytes here, loads
// the lowering makes vectors in chunks that lie in the row and aligned), in
// launches whose rows are whole vectors; the others launch a second kernel
// of single elements (the host gates the grids by the column count). The
// vectors' kernel's exponentials allow approximation (afn), the single
// elements' do not.
// CHECK-DAG: #[[VEC:.*]] = #tessera_tile.blocked<warps = [1, 4], threads = [1, 32], per_thread = [1, 4]>
// CHECK-DAG: #[[ONE:.*]] = #tessera_tile.blocked<warps = [1, 4], threads = [1, 32], per_thread = [1, 1]>
// CHECK-LABEL: func.func @vector
// CHECK: %[[N:.*]] = arith.muli %{{.*}}, %dim_0
// CHECK: %[[Q:.*]] = arith.divui %[[N]], %c4
// CHECK: %[[W:.*]] = arith.muli %[[Q]], %c4
// CHECK: %[[REM:.*]] = arith.subi %[[N]], %[[W]]
// CHECK: %[[RAGGED:.*]] = arith.minui %[[REM]], %c1
// CHECK: %[[WHOLE:.*]] = arith.subi %c1{{.*}}, %[[RAGGED]]
// CHECK: %[[G0:.*]] = arith.muli %[[ROWS:.*]], %[[WHOLE]]
// CHECK: tessera_target.launch @vector_k0_row grid(%[[G0]])
// CHECK: %[[G1:.*]] = arith.muli %[[ROWS]], %[[RAGGED]]
// CHECK: tessera_target.launch @vector_k1_row grid(%[[G1]])
// CHECK-LABEL: tessera_target.kernel @vector_k0_row
// CHECK-SAME: #tessera_schedule.config<tile = [1, 512], warps = 4, stages = 1, vector = 4>
// CHECK: tessera_tile.load_tile {{.*}} -> tensor<1x512xf32, #[[VEC]]>
// CHECK: math.exp %{{.*}} fastmath<afn>
// CHECK-LABEL: tessera_target.kernel @vector_k1_row
// CHECK-SAME: #tessera_schedule.config<tile = [1, 512], warps = 4, stages = 1>
// CHECK: tessera_tile.load_tile {{.*}} -> tensor<1x512xf32, #[[ONE]]>
// CHECK-NOT: fastmath<afn>
func.func @vector(%a: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1, 512], warps = 4, stages = 1, vector = 4>(%a) : (tensor<?x?xf32>) -> tensor<?x?xf32> {
  ^bb0(%x: tensor<?x?xf32>):
    %e = tessera_graph.softmax %x dim = 1 : tensor<?x?xf32>
    tessera_schedule.yield %e : tensor<?x?xf32>
  }
  return %r : tensor<?x?xf32>
}
