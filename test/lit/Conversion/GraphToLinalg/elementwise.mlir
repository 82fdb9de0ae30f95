// RUN: tessera-opt %s -split-input-file -convert-tessera-graph-to-linalg | FileCheck %s

// NumPy broadcasting becomes the indexing maps of one linalg.generic: a
// stretched size-1 dimension reads index 0, a missing one is dropped.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2) -> (d0, 0, d2)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-LABEL: func.func @broadcast_add
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<4x3x8xf32>
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<4x1x8xf32>, tensor<3x1xf32>) outs(%[[INIT]] : tensor<4x3x8xf32>)
// CHECK: arith.addf
func.func @broadcast_add(%a: tensor<4x1x8xf32>, %b: tensor<3x1xf32>) -> tensor<4x3x8xf32> {
  %0 = tessera_graph.add %a, %b : tensor<4x1x8xf32>, tensor<3x1xf32> -> tensor<4x3x8xf32>
  return %0 : tensor<4x3x8xf32>
}

// -----

// Dynamic sizes come from the operand that is dynamic there.
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: (%[[A:.*]]: tensor<?x8xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<?x8xf32>
// CHECK: tensor.empty(%[[D]]) : tensor<?x8xf32>
func.func @dynamic(%a: tensor<?x8xf32>, %b: tensor<1x8xf32>) -> tensor<?x8xf32> {
  %0 = tessera_graph.mul %a, %b : tensor<?x8xf32>, tensor<1x8xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// Math on bf16 runs in f32 and is rounded once to bf16.
// CHECK-LABEL: func.func @bf16_exp
// CHECK: ^bb0(%[[IN:.*]]: bf16, %{{.*}}: bf16):
// CHECK-NEXT: %[[X:.*]] = arith.extf %[[IN]] : bf16 to f32
// CHECK-NEXT: %[[E:.*]] = math.exp %[[X]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.truncf %[[E]] : f32 to bf16
// CHECK-NEXT: linalg.yield %[[R]] : bf16
func.func @bf16_exp(%a: tensor<8xbf16>) -> tensor<8xbf16> {
  %0 = tessera_graph.exp %a : tensor<8xbf16>
  return %0 : tensor<8xbf16>
}

// -----

// A policy's compute type decides the type of the math.
// CHECK-LABEL: func.func @policy_compute
// CHECK: ^bb0(%[[X:.*]]: bf16, %[[Y:.*]]: f32, %{{.*}}: bf16):
// CHECK-NEXT: %[[XE:.*]] = arith.extf %[[X]] : bf16 to f32
// CHECK-NEXT: %[[M:.*]] = arith.mulf %[[XE]], %[[Y]] : f32
// CHECK-NEXT: arith.truncf %[[M]] : f32 to bf16
func.func @policy_compute(%a: tensor<8xbf16>, %b: tensor<8xf32>) -> tensor<8xbf16> {
  %0 = tessera_graph.mul %a, %b {tessera_graph.numerics = #tessera_graph.numerics<storage = bf16, compute = f32>} : tensor<8xbf16>, tensor<8xf32> -> tensor<8xbf16>
  return %0 : tensor<8xbf16>
}

// -----

// Comparisons: one linalg.generic of arith.cmpf (ordered, but `ne`
// unordered: NumPy's NaN rules) or arith.cmpi (signed), into i1.
// CHECK-LABEL: func.func @compare
// CHECK: linalg.generic
// CHECK: arith.cmpf ogt
// CHECK: linalg.yield %{{.*}} : i1
// CHECK: linalg.generic
// CHECK: arith.cmpf une
// CHECK: linalg.generic
// CHECK: arith.cmpi sle
func.func @compare(%x: tensor<8xf32>, %y: tensor<4x8xf32>, %i: tensor<8xi32>) -> (tensor<4x8xi1>, tensor<8xi1>, tensor<8xi1>) {
  %0 = tessera_graph.compare gt %x, %y : tensor<8xf32>, tensor<4x8xf32> -> tensor<4x8xi1>
  %1 = tessera_graph.compare ne %x, %x : tensor<8xf32>, tensor<8xf32> -> tensor<8xi1>
  %2 = tessera_graph.compare le %i, %i : tensor<8xi32>, tensor<8xi32> -> tensor<8xi1>
  return %0, %1, %2 : tensor<4x8xi1>, tensor<8xi1>, tensor<8xi1>
}

// -----

// GELU (erf form) and select.
// CHECK-LABEL: func.func @gelu_select
// CHECK: math.erf
// CHECK: arith.select
func.func @gelu_select(%x: tensor<8xf32>, %c: tensor<8xi1>) -> tensor<8xf32> {
  %0 = tessera_graph.gelu %x : tensor<8xf32>
  %1 = tessera_graph.select %c, %0, %x : tensor<8xi1>, tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  return %1 : tensor<8xf32>
}

// -----

// Casts: saturation clamps before rounding; toward-zero steps back one ulp
// where nearest rounded away from zero; float -> int rounds to nearest even.
// CHECK-LABEL: func.func @casts
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: arith.cmpf ogt
// CHECK: arith.subi
// CHECK: arith.select
// CHECK: math.roundeven
// CHECK: arith.fptosi %{{.*}} : f32 to i8
func.func @casts(%x: tensor<8xf32>) -> (tensor<8xf16>, tensor<8xbf16>, tensor<8xi8>) {
  %0 = tessera_graph.cast %x saturate : tensor<8xf32> -> tensor<8xf16>
  %1 = tessera_graph.cast %x rounding = toward_zero : tensor<8xf32> -> tensor<8xbf16>
  %2 = tessera_graph.cast %x saturate : tensor<8xf32> -> tensor<8xi8>
  return %0, %1, %2 : tensor<8xf16>, tensor<8xbf16>, tensor<8xi8>
}

// -----

// Stochastic rounding: toward zero, the next value away from zero, and a
// per-element pseudo-random draw from a hash of the loop indices.
// CHECK-LABEL: func.func @stochastic
// CHECK: linalg.generic
// CHECK: linalg.index 0
// CHECK: arith.uitofp
// CHECK: arith.cmpf olt
// CHECK: arith.select
func.func @stochastic(%x: tensor<8xf32>) -> tensor<8xbf16> {
  %0 = tessera_graph.cast %x rounding = stochastic : tensor<8xf32> -> tensor<8xbf16>
  return %0 : tensor<8xbf16>
}

// -----

// Two dynamic sizes broadcast together are checked equal at run time.
// CHECK-LABEL: func.func @dynamic_pair
// CHECK: %[[A:.*]] = tensor.dim %arg0
// CHECK: %[[B:.*]] = tensor.dim %arg1
// CHECK: %[[EQ:.*]] = arith.cmpi eq, %[[A]], %[[B]] : index
// CHECK: cf.assert %[[EQ]], "broadcast: dynamic dimensions 0 of the operands differ"
func.func @dynamic_pair(%a: tensor<?xf32>, %b: tensor<?xf32>) -> tensor<?xf32> {
  %0 = tessera_graph.add %a, %b : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// f8 has no LLVM type: conversions are integer and f32 arithmetic on the
// bits (scale to the ulp, round, encode; decode exactly).
// CHECK-LABEL: func.func @f8
// CHECK: math.roundeven
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: arith.bitcast %{{.*}} : i8 to f8E4M3FN
// CHECK: arith.bitcast %{{.*}} : f8E4M3FN to i8
// CHECK: arith.uitofp
func.func @f8(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = tessera_graph.cast %x : tensor<8xf32> -> tensor<8xf8E4M3FN>
  %1 = tessera_graph.cast %0 : tensor<8xf8E4M3FN> -> tensor<8xf32>
  return %1 : tensor<8xf32>
}

// -----

// f8 comparisons (no compare instruction, no LLVM type) on the values
// decoded to f32, exactly.
// CHECK-LABEL: func.func @compare_f8
// CHECK: linalg.generic
// CHECK: arith.cmpf ogt, %{{.*}}, %{{.*}} : f32
// CHECK-NOT: arith.cmpf {{.*}} : f8E5M2
func.func @compare_f8(%a: tensor<4xf8E5M2>, %b: tensor<4xf8E5M2>) -> tensor<4xi1> {
  %c = tessera_graph.compare gt %a, %b : tensor<4xf8E5M2>, tensor<4xf8E5M2> -> tensor<4xi1>
  return %c : tensor<4xi1>
}
