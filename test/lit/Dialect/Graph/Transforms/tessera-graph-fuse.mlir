// RUN: tessera-opt %s -split-input-file -tessera-graph-fuse | FileCheck %s

// matmul + bias + activation + residual: one matmul_epilogue group whose
// inputs are the operands from outside.
// CHECK-LABEL: func.func @matmul_epilogue
// CHECK-SAME: (%[[A:.*]]: tensor<64x32xf32>, %[[W:.*]]: tensor<32x16xf32>, %[[B:.*]]: tensor<16xf32>, %[[R:.*]]: tensor<64x16xf32>)
// CHECK: %[[F:.*]] = tessera_graph.fused matmul_epilogue(%[[A]], %[[W]], %[[B]], %[[R]]) : (tensor<64x32xf32>, tensor<32x16xf32>, tensor<16xf32>, tensor<64x16xf32>) -> tensor<64x16xf32> {
// CHECK-NEXT: ^bb0(%[[X:.*]]: tensor<64x32xf32>, %[[Y:.*]]: tensor<32x16xf32>, %[[Z:.*]]: tensor<16xf32>, %[[Q:.*]]: tensor<64x16xf32>):
// CHECK-NEXT:   %[[M:.*]] = tessera_graph.matmul %[[X]], %[[Y]]
// CHECK-NEXT:   %[[S:.*]] = tessera_graph.add %[[M]], %[[Z]]
// CHECK-NEXT:   %[[G:.*]] = tessera_graph.gelu %[[S]]
// CHECK-NEXT:   %[[O:.*]] = tessera_graph.add %[[G]], %[[Q]]
// CHECK-NEXT:   tessera_graph.yield %[[O]] : tensor<64x16xf32>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[F]]
func.func @matmul_epilogue(%a: tensor<64x32xf32>, %w: tensor<32x16xf32>, %b: tensor<16xf32>, %r: tensor<64x16xf32>) -> tensor<64x16xf32> {
  %m = tessera_graph.matmul %a, %w : tensor<64x32xf32>, tensor<32x16xf32> -> tensor<64x16xf32>
  %s = tessera_graph.add %m, %b : tensor<64x16xf32>, tensor<16xf32> -> tensor<64x16xf32>
  %g = tessera_graph.gelu %s : tensor<64x16xf32>
  %o = tessera_graph.add %g, %r : tensor<64x16xf32>, tensor<64x16xf32> -> tensor<64x16xf32>
  return %o : tensor<64x16xf32>
}

// -----

// An elementwise chain.
// CHECK-LABEL: func.func @elementwise_chain
// CHECK: tessera_graph.fused elementwise
// CHECK: tessera_graph.mul
// CHECK: tessera_graph.exp
// CHECK: tessera_graph.cast
// CHECK: tessera_graph.yield
func.func @elementwise_chain(%x: tensor<8x8xf32>, %y: tensor<8x8xf32>) -> tensor<8x8xbf16> {
  %0 = tessera_graph.mul %x, %y : tensor<8x8xf32>, tensor<8x8xf32> -> tensor<8x8xf32>
  %1 = tessera_graph.exp %0 : tensor<8x8xf32>
  %2 = tessera_graph.cast %1 : tensor<8x8xf32> -> tensor<8x8xbf16>
  return %2 : tensor<8x8xbf16>
}

// -----

// An elementwise prologue fuses into the softmax (and a reduce) after it.
// CHECK-LABEL: func.func @prologue
// CHECK: tessera_graph.fused reduction
// CHECK: tessera_graph.mul
// CHECK: tessera_graph.softmax
// CHECK: tessera_graph.fused reduction
// CHECK: tessera_graph.exp
// CHECK: tessera_graph.reduce sum
func.func @prologue(%x: tensor<8x128xf32>, %s: tensor<f32>) -> (tensor<8x128xf32>, tensor<8xf32>) {
  %0 = tessera_graph.mul %x, %s : tensor<8x128xf32>, tensor<f32> -> tensor<8x128xf32>
  %1 = tessera_graph.softmax %0 dim = 1 : tensor<8x128xf32>
  %2 = tessera_graph.exp %x : tensor<8x128xf32>
  %3 = tessera_graph.reduce sum %2 dims = [1] : tensor<8x128xf32> -> tensor<8xf32>
  return %1, %3 : tensor<8x128xf32>, tensor<8xf32>
}

// -----

// Refused: the matmul's result is also returned, so the epilogue cannot
// take it (it would be needed outside the group); the add and relu after it
// still form an elementwise group.
// CHECK-LABEL: func.func @used_outside
// CHECK: %[[M:.*]] = tessera_graph.matmul
// CHECK-NEXT: %[[F:.*]] = tessera_graph.fused elementwise(%[[M]], %{{.*}})
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tessera_graph.add
// CHECK-NEXT: tessera_graph.relu
// CHECK-NEXT: tessera_graph.yield
// CHECK-NEXT: }
// CHECK-NEXT: return %[[M]], %[[F]]
func.func @used_outside(%a: tensor<4x4xf32>, %b: tensor<4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %m = tessera_graph.matmul %a, %a : tensor<4x4xf32>, tensor<4x4xf32> -> tensor<4x4xf32>
  %s = tessera_graph.add %m, %b : tensor<4x4xf32>, tensor<4xf32> -> tensor<4x4xf32>
  %r = tessera_graph.relu %s : tensor<4x4xf32>
  return %m, %r : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// A broadcast that grows the tensor ends a chain (a transpose between two
// elementwise ops does not).
// CHECK-LABEL: func.func @shape_change
// CHECK: tessera_graph.fused elementwise
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tessera_graph.exp
// CHECK-NEXT: tessera_graph.transpose
// CHECK-NEXT: tessera_graph.tanh
// CHECK-NEXT: tessera_graph.yield
// CHECK: tessera_graph.add
func.func @shape_change(%x: tensor<4x8xf32>, %y: tensor<3x1x4xf32>) -> tensor<3x8x4xf32> {
  %0 = tessera_graph.exp %x : tensor<4x8xf32>
  %1 = tessera_graph.transpose %0 permutation = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  %2 = tessera_graph.tanh %1 : tensor<8x4xf32>
  %3 = tessera_graph.add %2, %y : tensor<8x4xf32>, tensor<3x1x4xf32> -> tensor<3x8x4xf32>
  return %3 : tensor<3x8x4xf32>
}

// -----

// A single elementwise op is not worth a group; neither is a matmul alone.
// CHECK-LABEL: func.func @singletons
// CHECK-NOT: tessera_graph.fused
func.func @singletons(%x: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %0 = tessera_graph.exp %x : tensor<4x4xf32>
  %1 = tessera_graph.matmul %x, %x : tensor<4x4xf32>, tensor<4x4xf32> -> tensor<4x4xf32>
  return %0, %1 : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// Ops that move elements join elementwise chains, with their shape
// changes: a transpose, a bias, a slice and a concat with another input
// are one group (one GPU kernel). A matmul's epilogue stops at a move, and
// a chain with a move takes no reduction after it.
// CHECK-LABEL: func.func @moves
// CHECK: %[[F:.*]] = tessera_graph.fused elementwise(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<8x16xf32>, tensor<8xf32>, tensor<16x3xf32>) -> tensor<16x7xf32> {
// CHECK: tessera_graph.transpose
// CHECK: tessera_graph.add
// CHECK: tessera_graph.slice
// CHECK: tessera_graph.concat
// CHECK: tessera_graph.yield
// CHECK: tessera_graph.fused matmul_epilogue
// CHECK: tessera_graph.matmul
// CHECK: tessera_graph.relu
// CHECK: tessera_graph.yield
// CHECK: tessera_graph.transpose
// CHECK: tessera_graph.fused elementwise
// CHECK: tessera_graph.reshape
// CHECK: tessera_graph.exp
// CHECK: tessera_graph.yield
// CHECK: tessera_graph.reduce
func.func @moves(%x: tensor<8x16xf32>, %b: tensor<8xf32>, %c: tensor<16x3xf32>, %a: tensor<4x8xf32>, %w: tensor<8x8xf32>, %r: tensor<2x16xf32>) -> (tensor<16x7xf32>, tensor<8x4xf32>, tensor<32xf32>) {
  %t = tessera_graph.transpose %x permutation = [1, 0] : tensor<8x16xf32> -> tensor<16x8xf32>
  %s = tessera_graph.add %t, %b : tensor<16x8xf32>, tensor<8xf32> -> tensor<16x8xf32>
  %l = tessera_graph.slice %s offsets = [0, 0] sizes = [16, 4] strides = [1, 2] : tensor<16x8xf32> -> tensor<16x4xf32>
  %j = tessera_graph.concat %l, %c dim = 1 : tensor<16x4xf32>, tensor<16x3xf32> -> tensor<16x7xf32>
  %m = tessera_graph.matmul %a, %w : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  %g = tessera_graph.relu %m : tensor<4x8xf32>
  %mt = tessera_graph.transpose %g permutation = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  %f = tessera_graph.reshape %r : tensor<2x16xf32> -> tensor<32xf32>
  %e = tessera_graph.exp %f : tensor<32xf32>
  %sum = tessera_graph.reduce sum %e dims = [0] : tensor<32xf32> -> tensor<f32>
  %bs = tessera_graph.broadcast_to %sum : tensor<f32> -> tensor<32xf32>
  return %j, %mt, %bs : tensor<16x7xf32>, tensor<8x4xf32>, tensor<32xf32>
}

// -----

// Attention takes the head swaps (transposes of the middle dims) of the
// query, key and value that only it reads, and of its result where that is
// the result's only use: its kernel reads and writes [B, S, H, D] tensors
// through strides. A swapped tensor something else also reads (%v2: the
// exp) stays out of the group.
// CHECK-LABEL: func.func @attention_head_swaps
// CHECK: %[[VT:.*]] = tessera_graph.transpose %{{.*}} permutation = [0, 2, 1, 3]
// CHECK: tessera_graph.exp %[[VT]]
// CHECK: tessera_graph.fused attention(%{{.*}}, %{{.*}}, %[[VT]]) : (tensor<2x8x4x64xf16>, tensor<2x8x4x64xf16>, tensor<2x4x8x64xf16>) -> tensor<2x8x4x64xf16> {
// CHECK-NEXT: ^bb0(
// CHECK-NEXT:   %[[Q:.*]] = tessera_graph.transpose %{{.*}} permutation = [0, 2, 1, 3]
// CHECK-NEXT:   %[[K:.*]] = tessera_graph.transpose %{{.*}} permutation = [0, 2, 1, 3]
// CHECK-NEXT:   %[[O:.*]] = tessera_graph.attention %[[Q]], %[[K]], %{{.*}}
// CHECK-NEXT:   %[[OT:.*]] = tessera_graph.transpose %[[O]] permutation = [0, 2, 1, 3]
// CHECK-NEXT:   tessera_graph.yield %[[OT]]
func.func @attention_head_swaps(%q: tensor<2x8x4x64xf16>, %k: tensor<2x8x4x64xf16>, %v: tensor<2x8x4x64xf16>) -> (tensor<2x8x4x64xf16>, tensor<2x4x8x64xf16>) {
  %qt = tessera_graph.transpose %q permutation = [0, 2, 1, 3] : tensor<2x8x4x64xf16> -> tensor<2x4x8x64xf16>
  %kt = tessera_graph.transpose %k permutation = [0, 2, 1, 3] : tensor<2x8x4x64xf16> -> tensor<2x4x8x64xf16>
  %vt = tessera_graph.transpose %v permutation = [0, 2, 1, 3] : tensor<2x8x4x64xf16> -> tensor<2x4x8x64xf16>
  %e = tessera_graph.exp %vt : tensor<2x4x8x64xf16>
  %o = tessera_graph.attention %qt, %kt, %vt : tensor<2x4x8x64xf16>, tensor<2x4x8x64xf16>, tensor<2x4x8x64xf16> -> tensor<2x4x8x64xf16>
  %ot = tessera_graph.transpose %o permutation = [0, 2, 1, 3] : tensor<2x4x8x64xf16> -> tensor<2x8x4x64xf16>
  return %ot, %e : tensor<2x8x4x64xf16>, tensor<2x4x8x64xf16>
}

// -----

// A kernel written by hand (tessera_schedule.kernel) is one kernel's
// program as written: its body is not grouped again.
// CHECK-LABEL: func.func @written_kernel
// CHECK: tessera_schedule.kernel
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tessera_graph.exp
// CHECK-NEXT: tessera_graph.reduce
// CHECK-NOT: tessera_graph.fused
func.func @written_kernel(%a: tensor<8x16xf32>) -> tensor<8xf32> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1, 2048], warps = 8, stages = 1>(%a) : (tensor<8x16xf32>) -> tensor<8xf32> {
  ^bb0(%x: tensor<8x16xf32>):
    %e = tessera_graph.exp %x : tensor<8x16xf32>
    %s = tessera_graph.reduce sum %e dims = [1] : tensor<8x16xf32> -> tensor<8xf32>
    tessera_schedule.yield %s : tensor<8xf32>
  }
  return %r : tensor<8xf32>
}

// -----

// Chains meet: an elementwise value whose every use is in a group joins it
// (here |x|, used by the log and the product of one sum), and so do the
// single ops and whole groups computing the group's other operands.
// CHECK-LABEL: func.func @dag
// CHECK: %[[F:.*]] = tessera_graph.fused elementwise(%arg0, %arg1)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tessera_graph.abs
// CHECK-NEXT: tessera_graph.log
// CHECK-NEXT: tessera_graph.mul
// CHECK-NEXT: tessera_graph.exp
// CHECK-NEXT: tessera_graph.neg
// CHECK-NEXT: tessera_graph.add
// CHECK-NEXT: tessera_graph.add
// CHECK-NEXT: tessera_graph.yield
// CHECK-NOT: tessera_graph.fused
// CHECK: return %[[F]]
func.func @dag(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %t = tessera_graph.abs %x : tensor<4x8xf32>
  %l = tessera_graph.log %t : tensor<4x8xf32>
  %m = tessera_graph.mul %t, %y : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %e = tessera_graph.exp %y : tensor<4x8xf32>
  %n = tessera_graph.neg %e : tensor<4x8xf32>
  %s = tessera_graph.add %l, %m : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %r = tessera_graph.add %s, %n : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// A value also used outside stays outside (its own kernel, the group's
// input); so does one of another shape (a broadcast operand).
// CHECK-LABEL: func.func @shared
// CHECK: %[[T:.*]] = tessera_graph.abs %arg0
// CHECK: %[[B:.*]] = tessera_graph.exp %arg2
// CHECK: %[[F:.*]] = tessera_graph.fused elementwise(%[[T]], %[[B]], %arg1)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tessera_graph.log
// CHECK-NEXT: tessera_graph.add
// CHECK-NEXT: tessera_graph.mul
// CHECK-NEXT: tessera_graph.yield
// CHECK: return %[[F]], %[[T]]
func.func @shared(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>, %z: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %t = tessera_graph.abs %x : tensor<4x8xf32>
  %b = tessera_graph.exp %z : tensor<8xf32>
  %l = tessera_graph.log %t : tensor<4x8xf32>
  %s = tessera_graph.add %l, %b : tensor<4x8xf32>, tensor<8xf32> -> tensor<4x8xf32>
  %m = tessera_graph.mul %s, %y : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  return %m, %t : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// A matmul whose result only an elementwise group reads, several times
// (SiLU written out: h * sigmoid(h)), becomes that group's root: one
// matmul_epilogue. The bias's exp has another shape: an input.
// CHECK-LABEL: func.func @matmul_dag
// CHECK: %[[E:.*]] = tessera_graph.exp %arg2
// CHECK: %[[F:.*]] = tessera_graph.fused matmul_epilogue(%arg0, %arg1, %[[E]])
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tessera_graph.matmul
// CHECK-NEXT: tessera_graph.sigmoid
// CHECK-NEXT: tessera_graph.mul
// CHECK-NEXT: tessera_graph.add
// CHECK-NEXT: tessera_graph.yield
// CHECK: return %[[F]]
func.func @matmul_dag(%x: tensor<8x16xf32>, %w: tensor<16x32xf32>, %b: tensor<32xf32>) -> tensor<8x32xf32> {
  %e = tessera_graph.exp %b : tensor<32xf32>
  %h = tessera_graph.matmul %x, %w : tensor<8x16xf32>, tensor<16x32xf32> -> tensor<8x32xf32>
  %s = tessera_graph.sigmoid %h : tensor<8x32xf32>
  %m = tessera_graph.mul %h, %s : tensor<8x32xf32>, tensor<8x32xf32> -> tensor<8x32xf32>
  %r = tessera_graph.add %m, %e : tensor<8x32xf32>, tensor<32xf32> -> tensor<8x32xf32>
  return %r : tensor<8x32xf32>
}

// -----

// An elementwise op before the matmul already in the group (a chain from
// the residual's exp) keeps the matmul out: in its epilogue it would be a
// prologue, which no matmul kernel takes.
// CHECK-LABEL: func.func @matmul_after_group_op
// CHECK: %[[H:.*]] = tessera_graph.matmul
// CHECK: tessera_graph.fused elementwise(%arg2, %[[H]])
func.func @matmul_after_group_op(%x: tensor<8x16xf32>, %w: tensor<16x32xf32>, %b: tensor<8x32xf32>) -> tensor<8x32xf32> {
  %e = tessera_graph.exp %b : tensor<8x32xf32>
  %h = tessera_graph.matmul %x, %w : tensor<8x16xf32>, tensor<16x32xf32> -> tensor<8x32xf32>
  %s = tessera_graph.sigmoid %h : tensor<8x32xf32>
  %m = tessera_graph.mul %h, %s : tensor<8x32xf32>, tensor<8x32xf32> -> tensor<8x32xf32>
  %r = tessera_graph.add %m, %e : tensor<8x32xf32>, tensor<8x32xf32> -> tensor<8x32xf32>
  return %r : tensor<8x32xf32>
}
