// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s --implicit-check-not=gpu. --implicit-check-not='tessera_tile.load %' --implicit-check-not='tessera_tile.store %'
// RowReduction.cpp: row kernels (softmax, norms, trailing-dim reductions) as
// block programs on register tiles: one block per row, the row walked in
// [1, C] chunks spread over the block's 8 warps, statistics reduced once per
// pass with tessera_tile.reduce; no per-thread code.

// Softmax, f16: 16-byte runs (8 halves) a lane, 4 runs a thread: C = 8192.
// Three passes: the max (padding masked with -inf), the sum of exp (padding
// masked with 0), the write.
// CHECK: #[[B:.+]] = #tessera_tile.blocked<warps = [1, 8], threads = [1, 32], per_thread = [1, 8]>
// CHECK-DAG: #[[COLS:.+]] = #tessera_tile.slice<dim = 0, parent = #[[B]]>
// CHECK-DAG: #[[ROW:.+]] = #tessera_tile.slice<dim = 1, parent = #[[B]]>
// CHECK-LABEL: func.func @softmax
// CHECK: tessera_target.launch @softmax_k0_row grid(%{{.*}}) block = [256]
// CHECK-LABEL: tessera_target.kernel @softmax_k0_row(
// CHECK-SAME: %[[X:[^:]*]]: memref<?xf16>, %[[Y:[^:]*]]: memref<?xf16>, %[[N:[^:]*]]: index)
// CHECK: %[[PID:.*]] = tessera_tile.program_id 0
// CHECK: %[[START:.*]] = arith.muli %[[PID]], %[[N]]
// CHECK: %[[XV:.*]] = memref.reinterpret_cast %[[X]] to offset: [%[[START]]], sizes: [%{{.*}}, %[[N]]], strides: [%[[N]], 1] : memref<?xf16> to memref<?x?xf16, strided<[?, 1], offset: ?>>
// CHECK: %[[NEGINF:.*]] = arith.constant dense<0xFF800000> : tensor<1x8192xf32, #[[B]]>
// CHECK: %[[IDX0:.*]] = tessera_tile.range 0 to 8192 : tensor<8192xi32, #[[COLS]]>
// CHECK: %[[IDX:.*]] = tessera_tile.broadcast %[[IDX0]] axis 0 : tensor<8192xi32, #[[COLS]]> -> tensor<1x8192xi32, #[[B]]>
// CHECK: %[[MAXP:.*]] = scf.for %[[C:.*]] = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[NEGINF]]) -> (tensor<1x8192xf32, #[[B]]>)
// CHECK:   %[[T:.*]] = tessera_tile.load_tile %[[XV]][%{{.*}}, %[[C]]] : memref<?x?xf16, strided<[?, 1], offset: ?>> -> tensor<1x8192xf16, #[[B]]>
// CHECK:   %[[T32:.*]] = tessera_tile.map ins(%[[T]] : tensor<1x8192xf16, #[[B]]>) {
// CHECK:     arith.extf %{{.*}} : f16 to f32
// CHECK:   } -> tensor<1x8192xf32, #[[B]]>
// CHECK:   %[[LEFT:.*]] = arith.subi %[[N]], %[[C]]
// CHECK:   %[[VALID:.*]] = arith.minui %[[LEFT]], %{{.*}}
// CHECK:   %[[V32:.*]] = arith.index_cast %[[VALID]] : index to i32
// CHECK:   %[[VS:.*]] = tensor.splat %[[V32]] : tensor<1x8192xi32, #[[B]]>
// CHECK:   %[[IN:.*]] = arith.cmpi slt, %[[IDX]], %[[VS]]
// CHECK:   %[[M:.*]] = arith.select %[[IN]], %[[T32]], %[[NEGINF]]
// CHECK:   %[[NEXT:.*]] = arith.maximumf %[[ACC]], %[[M]]
// CHECK:   scf.yield %[[NEXT]]
// CHECK: %[[MAX:.*]] = tessera_tile.reduce max %[[MAXP]] axis 1 : tensor<1x8192xf32, #[[B]]> -> tensor<1xf32, #[[ROW]]>
// CHECK: %[[MAXB:.*]] = tessera_tile.broadcast %[[MAX]] axis 1 : tensor<1xf32, #[[ROW]]> -> tensor<1x8192xf32, #[[B]]>
// CHECK: %[[SUMP:.*]] = scf.for
// CHECK:   tessera_tile.load_tile %[[XV]]
// CHECK:   %[[D:.*]] = arith.subf %{{.*}}, %[[MAXB]]
// CHECK:   %[[E:.*]] = math.exp %[[D]]
// CHECK:   arith.select %{{.*}}, %[[E]], %{{.*}}
// CHECK:   arith.addf
// CHECK: %[[SUM:.*]] = tessera_tile.reduce add %[[SUMP]] axis 1
// CHECK: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<1xf32, #[[ROW]]>
// CHECK: %[[INV:.*]] = arith.divf %[[ONE]], %[[SUM]] : tensor<1xf32, #[[ROW]]>
// CHECK: %[[INVB:.*]] = tessera_tile.broadcast %[[INV]] axis 1
// CHECK: %[[YV:.*]] = memref.reinterpret_cast %[[Y]] to offset: [%[[START]]]
// CHECK: scf.for %[[C3:.*]] = %{{.*}} to %[[N]]
// CHECK:   tessera_tile.load_tile %[[XV]][%{{.*}}, %[[C3]]]
// CHECK:   math.exp
// CHECK:   %[[P:.*]] = arith.mulf %{{.*}}, %[[INVB]]
// CHECK:   %[[P16:.*]] = tessera_tile.map ins(%[[P]] : tensor<1x8192xf32, #[[B]]>) {
// CHECK:     arith.truncf %{{.*}} : f32 to f16
// CHECK:   } -> tensor<1x8192xf16, #[[B]]>
// CHECK:   tessera_tile.store_tile %[[P16]], %[[YV]][%{{.*}}, %[[C3]]] : tensor<1x8192xf16, #[[B]]>, memref<?x?xf16, strided<[?, 1], offset: ?>>
// CHECK: tessera_target.return
func.func @softmax(%a: tensor<8x?xf16>) -> tensor<8x?xf16> {
  %s = tessera_graph.softmax %a dim = 1 : tensor<8x?xf16>
  return %s : tensor<8x?xf16>
}

// -----

// log_softmax, f32: 4 floats a run, C = 4096, nothing to convert; the
// write pass subtracts the max and log(sum).
// CHECK: #[[B:.+]] = #tessera_tile.blocked<warps = [1, 8], threads = [1, 32], per_thread = [1, 4]>
// CHECK-LABEL: tessera_target.kernel @log_softmax_k0_row(
// CHECK-NOT: tessera_tile.map
// CHECK: tessera_tile.range 0 to 4096
// CHECK: %[[MAX:.*]] = tessera_tile.reduce max %{{.*}} axis 1 : tensor<1x4096xf32, #[[B]]>
// CHECK: %[[MAXB:.*]] = tessera_tile.broadcast %[[MAX]] axis 1
// CHECK: %[[SUM:.*]] = tessera_tile.reduce add
// CHECK: %[[LOG:.*]] = math.log %[[SUM]]
// CHECK: %[[LOGB:.*]] = tessera_tile.broadcast %[[LOG]] axis 1
// CHECK: scf.for
// CHECK:   %[[T:.*]] = tessera_tile.load_tile
// CHECK:   %[[S:.*]] = arith.subf %[[T]], %[[MAXB]]
// CHECK:   %[[Z:.*]] = arith.subf %[[S]], %[[LOGB]]
// CHECK:   tessera_tile.store_tile %[[Z]]
func.func @log_softmax(%a: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %s = tessera_graph.log_softmax %a dim = 1 : tensor<?x?xf32>
  return %s : tensor<?x?xf32>
}

// -----

// layer_norm with weight and bias: the mean (zero padding is harmless), the
// variance of centered values (padding masked: it would add mean^2), the
// write reading weight and bias as one row of the columns.
// CHECK: #[[B:.+]] = #tessera_tile.blocked<warps = [1, 8], threads = [1, 32], per_thread = [1, 8]>
// CHECK: #[[ROW:.+]] = #tessera_tile.slice<dim = 1, parent = #[[B]]>
// CHECK-LABEL: tessera_target.kernel @layer_norm_k0_row(
// CHECK-SAME: %[[X:[^:]*]]: memref<?xf16>, %[[W:[^:]*]]: memref<?xf16>, %[[BIAS:[^:]*]]: memref<?xf16>, %[[Y:[^:]*]]: memref<?xf16>, %[[N:[^:]*]]: index)
// CHECK: %[[NF:.*]] = arith.sitofp
// CHECK: %[[COUNT:.*]] = tensor.splat %[[NF]] : tensor<1xf32, #[[ROW]]>
// CHECK: %[[SUMP:.*]] = scf.for
// CHECK-NOT: arith.select
// CHECK:   arith.addf
// CHECK: %[[SUM:.*]] = tessera_tile.reduce add %[[SUMP]] axis 1
// CHECK: %[[MEAN:.*]] = arith.divf %[[SUM]], %[[COUNT]]
// CHECK: %[[MEANB:.*]] = tessera_tile.broadcast %[[MEAN]] axis 1
// CHECK: tessera_tile.range 0 to 8192
// CHECK: %[[SQP:.*]] = scf.for
// CHECK:   %[[CX:.*]] = arith.subf %{{.*}}, %[[MEANB]]
// CHECK:   %[[SQ:.*]] = arith.mulf %[[CX]], %[[CX]]
// CHECK:   arith.select %{{.*}}, %[[SQ]], %{{.*}}
// CHECK: %[[SQS:.*]] = tessera_tile.reduce add %[[SQP]] axis 1
// CHECK: %[[VAR:.*]] = arith.divf %[[SQS]], %[[COUNT]]
// CHECK: %[[EPS:.*]] = arith.constant dense<9.99999974E-6> : tensor<1xf32, #[[ROW]]>
// CHECK: %[[VE:.*]] = arith.addf %[[VAR]], %[[EPS]]
// CHECK: %[[INV:.*]] = math.rsqrt %[[VE]]
// CHECK: %[[INVB:.*]] = tessera_tile.broadcast %[[INV]] axis 1
// CHECK: %[[WV:.*]] = memref.reinterpret_cast %[[W]] to offset: [%{{.*}}], sizes: [%{{.*}}, %[[N]]]
// CHECK: %[[BV:.*]] = memref.reinterpret_cast %[[BIAS]] to offset: [%{{.*}}], sizes: [%{{.*}}, %[[N]]]
// CHECK: %[[YV:.*]] = memref.reinterpret_cast %[[Y]]
// CHECK: scf.for %[[C:.*]] =
// CHECK:   %[[NX:.*]] = arith.mulf %{{.*}}, %[[INVB]]
// CHECK:   %[[WT:.*]] = tessera_tile.load_tile %[[WV]][%{{.*}}, %[[C]]]
// CHECK:   %[[W32:.*]] = tessera_tile.map ins(%[[WT]]
// CHECK:   %[[SCALED:.*]] = arith.mulf %[[NX]], %[[W32]]
// CHECK:   %[[BT:.*]] = tessera_tile.load_tile %[[BV]][%{{.*}}, %[[C]]]
// CHECK:   %[[B32:.*]] = tessera_tile.map ins(%[[BT]]
// CHECK:   %[[OUT:.*]] = arith.addf %[[SCALED]], %[[B32]]
// CHECK:   %[[OUT16:.*]] = tessera_tile.map ins(%[[OUT]]
// CHECK:   tessera_tile.store_tile %[[OUT16]], %[[YV]][%{{.*}}, %[[C]]]
func.func @layer_norm(%x: tensor<?x?xf16>, %w: tensor<?xf16>, %b: tensor<?xf16>) -> tensor<?x?xf16> {
  %y = tessera_graph.layer_norm %x weight(%w : tensor<?xf16>) bias(%b : tensor<?xf16>) epsilon = 1.0e-05 : tensor<?x?xf16>
  return %y : tensor<?x?xf16>
}

// -----

// rms_norm over 64 known columns: one chunk of 1024 (the smallest the block
// spreads evenly) rather than 4096; nothing to mask (zero squares add
// nothing); two passes.
// CHECK-LABEL: tessera_target.kernel @rms_norm_k0_row(
// CHECK-NOT: tessera_tile.range
// CHECK: %[[SQP:.*]] = scf.for {{.*}} -> (tensor<1x1024xf32, #{{.*}}>)
// CHECK:   %[[T:.*]] = tessera_tile.load_tile
// CHECK:   %[[SQ:.*]] = arith.mulf %[[T]], %[[T]]
// CHECK:   arith.addf %{{.*}}, %[[SQ]]
// CHECK: tessera_tile.reduce add %[[SQP]] axis 1
// CHECK: math.rsqrt
// CHECK: scf.for
// CHECK:   tessera_tile.store_tile
// CHECK-NOT: scf.for
// CHECK: tessera_target.return
func.func @rms_norm(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %y = tessera_graph.rms_norm %x epsilon = 1.0e-05 : tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}

// -----

// A max over the two trailing dims (columns = their product): padding masked
// with -inf; the block's [1] result goes to element `pid` of the output
// through a one-element view.
// CHECK: #[[B:.+]] = #tessera_tile.blocked<warps = [1, 8], threads = [1, 32], per_thread = [1, 8]>
// CHECK: #[[ROW:.+]] = #tessera_tile.slice<dim = 1, parent = #[[B]]>
// CHECK-LABEL: func.func @max_rows
// CHECK: %[[D1:.*]] = memref.dim %{{.*}}, %c1
// CHECK: %[[D2:.*]] = memref.dim %{{.*}}, %c2
// CHECK: %[[P:.*]] = arith.muli %{{.*}}, %[[D1]]
// CHECK: %[[COLS:.*]] = arith.muli %[[P]], %[[D2]]
// CHECK: tessera_target.launch @max_rows_k0_row grid(%{{.*}}) block = [256] args(%{{.*}}, %{{.*}}, %[[COLS]] :
// CHECK-LABEL: tessera_target.kernel @max_rows_k0_row(
// CHECK-SAME: %[[X:[^:]*]]: memref<?xbf16>, %[[Y:[^:]*]]: memref<?xbf16>, %[[N:[^:]*]]: index)
// CHECK: %[[PID:.*]] = tessera_tile.program_id 0
// CHECK: %[[NEGINF:.*]] = arith.constant dense<0xFF800000> : tensor<1x8192xf32, #[[B]]>
// CHECK: scf.for
// CHECK:   arith.select %{{.*}}, %{{.*}}, %[[NEGINF]]
// CHECK:   arith.maximumf
// CHECK: %[[MAX:.*]] = tessera_tile.reduce max %{{.*}} axis 1 : tensor<1x8192xf32, #[[B]]> -> tensor<1xf32, #[[ROW]]>
// CHECK: %[[M16:.*]] = tessera_tile.map ins(%[[MAX]] : tensor<1xf32, #[[ROW]]>) {
// CHECK:   arith.truncf %{{.*}} : f32 to bf16
// CHECK: } -> tensor<1xbf16, #[[ROW]]>
// CHECK: %[[YV:.*]] = memref.reinterpret_cast %[[Y]] to offset: [%[[PID]]], sizes: [%{{.*}}], strides: [1] : memref<?xbf16> to memref<?xbf16, strided<[1], offset: ?>>
// CHECK: tessera_tile.store_tile %[[M16]], %[[YV]][%{{.*}}] : tensor<1xbf16, #[[ROW]]>, memref<?xbf16, strided<[1], offset: ?>>
func.func @max_rows(%x: tensor<?x?x?xbf16>) -> tensor<?xbf16> {
  %s = tessera_graph.reduce max %x dims = [1, 2] : tensor<?x?x?xbf16> -> tensor<?xbf16>
  return %s : tensor<?xbf16>
}

// -----

// A mean over the last dim: zero padding is harmless to the sum, so no
// mask; the sum is divided by the column count before rounding.
// CHECK-LABEL: tessera_target.kernel @mean_last_k0_row(
// CHECK-NOT: tessera_tile.range
// CHECK: %[[SUM:.*]] = tessera_tile.reduce add
// CHECK: %[[MEAN:.*]] = arith.divf %[[SUM]], %{{.*}}
// CHECK: %[[M16:.*]] = tessera_tile.map ins(%[[MEAN]]
// CHECK: tessera_tile.store_tile %[[M16]]
func.func @mean_last(%x: tensor<?x?xf16>) -> tensor<?x1xf16> {
  %s = tessera_graph.reduce mean %x dims = [1] keepdim : tensor<?x?xf16> -> tensor<?x1xf16>
  return %s : tensor<?x1xf16>
}

// -----

// The numerics policy's conversion to storage (saturate, round toward zero,
// flush denormals) is GraphToLinalg's scalar code in a tessera_tile.map.
// CHECK-LABEL: tessera_target.kernel @policy_k0_row(
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK:   %[[Y:.*]] = tessera_tile.map ins(%{{.*}} : tensor<1x8192xf32, #{{.*}}>) {
// CHECK:   ^bb0(%[[E:.*]]: f32):
// CHECK:     %[[SAT:.*]] = arith.minimumf %[[E]], %{{.*}} : f32
// CHECK:     %[[SAT2:.*]] = arith.maximumf %[[SAT]], %{{.*}} : f32
// CHECK:     %[[NEAR:.*]] = arith.truncf %[[SAT2]] : f32 to f16
// CHECK:     arith.bitcast %[[NEAR]] : f16 to i16
// CHECK:     %[[TZ:.*]] = arith.select
// CHECK:     math.copysign %{{.*}}, %[[TZ]]
// CHECK:     %[[FLUSHED:.*]] = arith.select
// CHECK:     tessera_tile.map_yield %[[FLUSHED]] : f16
// CHECK:   } -> tensor<1x8192xf16, #{{.*}}>
// CHECK:   tessera_tile.store_tile %[[Y]]
func.func @policy(%a: tensor<?x?xf16>) -> tensor<?x?xf16> attributes {tessera_graph.numerics = #tessera_graph.numerics<storage = f16, compute = f32, accumulate = f32, rounding = toward_zero, saturate = true, denormals = flush>} {
  %s = tessera_graph.softmax %a dim = 1 : tensor<?x?xf16>
  return %s : tensor<?x?xf16>
}
