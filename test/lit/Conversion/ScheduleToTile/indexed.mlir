// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-graph-fuse,tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s
// Indexed.cpp: elementwise kernels whose ops read their inputs at other
// positions (transpose, reshape, broadcast_to, slice, concat, take,
// dropout). The block's output positions become index tuples, pulled back
// through the ops to gathers from the inputs' flat buffers.

// A transpose with math after it (one kernel of one transpose is
// Transpose.cpp's): the host allocates the permuted shape; the kernel takes
// the input's dynamic sizes (each distinct host size once), splits each
// position into (row, column) of the output and gathers the input at
// column * rows + row.
// CHECK-LABEL: func.func @transpose(
// CHECK-SAME: %[[A:.*]]: memref<?x?xf32>) -> memref<?x?xf32>
// CHECK-DAG: %[[D0:.*]] = memref.dim %[[A]], %c0
// CHECK-DAG: %[[D1:.*]] = memref.dim %[[A]], %c1
// CHECK: %[[OUT:.*]] = tessera_target.allocate(%[[D1]], %[[D0]]) : memref<?x?xf32>
// CHECK: tessera_target.launch @transpose_k0_elementwise grid(%{{.*}}) block = [128] args(%[[A]], %[[OUT]], %[[D0]], %[[D1]] : memref<?x?xf32>, memref<?x?xf32>, index, index)
// CHECK-LABEL: tessera_target.kernel @transpose_k0_elementwise(
// CHECK-SAME: %[[X:.*]]: memref<?xf32>, %[[O:.*]]: memref<?xf32>, %[[S0:.*]]: index, %[[S1:.*]]: index)
// CHECK: %[[POS:.*]] = arith.addi %{{.*}}, %{{.*}} : tensor<1024xindex, #{{.*}}>
// CHECK: %[[COL:.*]] = arith.remui %[[POS]], %{{.*}} : tensor<1024xindex
// CHECK: %[[ROW:.*]] = arith.divui %[[POS]], %{{.*}} : tensor<1024xindex
// CHECK: %[[SCALED:.*]] = arith.muli %[[COL]], %{{.*}} : tensor<1024xindex
// CHECK: %[[OFF:.*]] = arith.addi %[[SCALED]], %[[ROW]] : tensor<1024xindex
// CHECK: %[[V:.*]] = tessera_tile.gather %{{.*}}[%[[OFF]]] : memref<?xf32, strided<[1]>>, tensor<1024xindex, #{{.*}}> -> tensor<1024xf32, #{{.*}}>
// CHECK: %[[E:.*]] = tessera_tile.map ins(%[[V]] : tensor<1024xf32, #{{.*}}>) {
// CHECK: math.exp
// CHECK: tessera_tile.store_tile %[[E]], %{{.*}}[%{{.*}}]
func.func @transpose(%a: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %t = tessera_graph.transpose %a permutation = [1, 0] : tensor<?x?xf32> -> tensor<?x?xf32>
  %e = tessera_graph.exp %t : tensor<?x?xf32>
  return %e : tensor<?x?xf32>
}

// -----

// take: the indices gathered at the output's leading position, made
// in-range (negative from the end once, then clamped) in a map, then the
// table gathered at index * 64 + column.
// CHECK-LABEL: tessera_target.kernel @take_k0_elementwise(
// CHECK: %[[IDS:.*]] = tessera_tile.gather %{{.*}} : memref<?xi32, strided<[1]>>, tensor<1024xindex, #{{.*}}> -> tensor<1024xi32, #{{.*}}>
// CHECK: %[[AT:.*]] = tessera_tile.map ins(%[[IDS]] : tensor<1024xi32, #{{.*}}>) {
// CHECK: arith.index_cast %{{.*}} : i32 to index
// CHECK: arith.cmpi slt
// CHECK: arith.select
// CHECK: arith.minsi
// CHECK: arith.maxsi
// CHECK: } -> tensor<1024xindex, #{{.*}}>
// CHECK: %[[ROWOFF:.*]] = arith.muli %[[AT]], %{{.*}} : tensor<1024xindex
// CHECK: %[[OFF:.*]] = arith.addi %[[ROWOFF]], %{{.*}} : tensor<1024xindex
// CHECK: tessera_tile.gather %{{.*}}[%[[OFF]]] : memref<?xf16, strided<[1]>>
func.func @take(%t: tensor<?x64xf16>, %ids: tensor<?xi32>) -> tensor<?x64xf16> {
  %e = tessera_graph.take %t, %ids dim = 0 : tensor<?x64xf16>, tensor<?xi32> -> tensor<?x64xf16>
  return %e : tensor<?x64xf16>
}

// -----

// concat with other ops in its kernel (a concat of arguments alone is
// copies, transpose.mlir): the launch requires the pieces to agree off the
// concatenation dim; each piece is read at the position clamped into it,
// and a map chooses the piece the position lies in.
// CHECK-LABEL: func.func @concat(
// CHECK: tessera_target.require_equal %{{.*}}, %{{.*}}, "concatenated tensors agree off the concatenation dimension (dimension 0)"
// CHECK-LABEL: tessera_target.kernel @concat_k0_elementwise(
// CHECK: %[[FIRST:.*]] = tessera_tile.gather %{{.*}} : memref<?xf32, strided<[1]>>
// CHECK: %[[SECOND:.*]] = tessera_tile.gather %{{.*}} : memref<?xf32, strided<[1]>>
// CHECK: tessera_tile.map ins(%{{.*}}, %[[SECOND]], %[[FIRST]] : tensor<1024xindex, #{{.*}}>, tensor<1024xf32, #{{.*}}>, tensor<1024xf32, #{{.*}}>) {
// CHECK: ^bb0(%[[I:.*]]: index, %[[B:.*]]: f32, %[[A:.*]]: f32):
// CHECK: %[[IN:.*]] = arith.cmpi uge, %[[I]], %{{.*}} : index
// CHECK: arith.select %[[IN]], %[[B]], %[[A]] : f32
func.func @concat(%a: tensor<?x3xf32>, %b: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %c = tessera_graph.concat %a, %b dim = 1 : tensor<?x3xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
  %e = tessera_graph.exp %c : tensor<?x?xf32>
  return %e : tensor<?x?xf32>
}

// -----

// dropout: the input at the output's own positions is a box; the
// row-major position (i64) goes into the map with it, which hashes it with
// the seed.
// CHECK-LABEL: tessera_target.kernel @dropout_k0_elementwise(
// CHECK: %[[X:.*]] = tessera_tile.load_tile %{{.*}}[%{{.*}}] : memref<?xf32, strided<[1]>> -> tensor<1024xf32, #{{.*}}>
// CHECK: %[[LIN:.*]] = arith.index_cast %{{.*}} : tensor<1024xindex, #{{.*}}> to tensor<1024xi64, #{{.*}}>
// CHECK: tessera_tile.map ins(%[[X]], %[[LIN]] : tensor<1024xf32, #{{.*}}>, tensor<1024xi64, #{{.*}}>) {
// CHECK: arith.trunci %{{.*}} : i64 to i32
// CHECK: arith.cmpi uge
// CHECK: arith.select
func.func @dropout(%x: tensor<?xf32>) -> tensor<?xf32> {
  %d = tessera_graph.dropout %x p = 5.0e-01 seed = 3 : tensor<?xf32>
  return %d : tensor<?xf32>
}

// -----

// A slice then math, one kernel (tessera-graph-fuse groups them): the
// slice's position is offset + stride * position; the exp is a map of the
// gathered elements.
// CHECK-LABEL: tessera_target.kernel @slice_exp_k0_elementwise(
// CHECK: %[[G:.*]] = tessera_tile.gather
// CHECK: tessera_tile.map ins(%[[G]] : tensor<1024xf32, #{{.*}}>) {
// CHECK: math.exp
func.func @slice_exp(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %s = tessera_graph.slice %x offsets = [1, 2] sizes = [-1, -1] strides = [2, 3] : tensor<?x?xf32> -> tensor<?x?xf32>
  %e = tessera_graph.exp %s : tensor<?x?xf32>
  return %e : tensor<?x?xf32>
}

// -----

// argmax (fused with the scaling before it): a loop along the reduced dim
// carrying the best value and its i32 index; the scaled input is evaluated
// inside the loop at each position of the dim.
// CHECK-LABEL: tessera_target.kernel @argmax_k0_elementwise(
// CHECK: %[[R:.*]]:2 = scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[BEST:.*]] = %{{.*}}, %[[AT:.*]] = %{{.*}}) -> (tensor<1024xf32, #{{.*}}>, tensor<1024xi32, #{{.*}}>) {
// CHECK: tessera_tile.gather
// CHECK: %[[X:.*]] = tessera_tile.map {{.*}} {
// CHECK: arith.mulf
// CHECK: tessera_tile.map ins(%[[X]], %[[BEST]]
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf uno
// CHECK: tessera_tile.map ins(%[[X]], %[[BEST]], %{{.*}}, %[[AT]]
// CHECK: scf.yield
// CHECK: tessera_tile.store_tile %[[R]]#1
func.func @argmax(%x: tensor<?x?xf32>) -> tensor<?xi32> {
  %two = tessera_graph.constant dense<2.0> : tensor<f32>
  %s = tessera_graph.mul %x, %two : tensor<?x?xf32>, tensor<f32> -> tensor<?x?xf32>
  %i = tessera_graph.argmax %s dim = 1 : tensor<?x?xf32> -> tensor<?xi32>
  return %i : tensor<?xi32>
}

// -----

// A reduction the row and column kernels do not take (over a middle dim):
// a loop along the dim at each output position, the accumulator carried;
// a mean divides by the count after the loops.
// CHECK-LABEL: tessera_target.kernel @mean_middle_k0_elementwise(
// CHECK: %[[SUM:.*]] = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<1024xf32, #{{.*}}>) {
// CHECK: %[[X:.*]] = tessera_tile.gather
// CHECK: tessera_tile.map ins(%[[X]], %[[ACC]]
// CHECK: arith.extf
// CHECK: arith.addf
// CHECK: scf.yield
// CHECK: tessera_tile.map ins(%[[SUM]]
// CHECK: arith.divf
// CHECK: arith.truncf
func.func @mean_middle(%x: tensor<?x?x?xf16>) -> tensor<?x?xf16> {
  %m = tessera_graph.reduce mean %x dims = [1] : tensor<?x?x?xf16> -> tensor<?x?xf16>
  return %m : tensor<?x?xf16>
}

// -----

// Stochastic rounding in an elementwise kernel: the element's indices go
// into the map with the value, the random draw a hash of them (as on the
// CPU path, where they are the linalg.generic's loop indices).
// CHECK-LABEL: tessera_target.kernel @stochastic_k0_elementwise(
// CHECK: %[[ROW:.*]] = arith.divui
// CHECK: %[[X:.*]] = tessera_tile.load_tile
// CHECK: tessera_tile.map ins(%[[X]], %[[ROW]], %{{.*}} : tensor<1024xf32, #{{.*}}>, tensor<1024xindex, #{{.*}}>, tensor<1024xindex, #{{.*}}>) {
// CHECK: ^bb0(%{{.*}}: f32, %[[I:.*]]: index, %[[J:.*]]: index):
// CHECK-DAG: arith.index_cast %[[I]] : index to i32
// CHECK-DAG: arith.index_cast %[[J]] : index to i32
// CHECK: arith.truncf {{.*}} : f32 to f16
func.func @stochastic(%x: tensor<?x?xf32>) -> tensor<?x?xf16> {
  %c = tessera_graph.cast %x rounding = stochastic : tensor<?x?xf32> -> tensor<?x?xf16>
  return %c : tensor<?x?xf16>
}

// -----

// A small non-splat constant: its elements chosen by their row-major
// position, a chain of selects in a map.
// CHECK-LABEL: tessera_target.kernel @dense_k0_elementwise(
// CHECK: tessera_tile.map ins(%{{.*}} : tensor<1024xindex, #{{.*}}>) {
// CHECK: arith.cmpi eq
// CHECK: arith.select
// CHECK: arith.cmpi eq
// CHECK: arith.select
// CHECK: } -> tensor<1024xf32, #{{.*}}>
func.func @dense(%a: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %c = tessera_graph.constant dense<[1.0, 2.0, -3.5]> : tensor<3xf32>
  %s = tessera_graph.mul %a, %c : tensor<?x3xf32>, tensor<3xf32> -> tensor<?x3xf32>
  return %s : tensor<?x3xf32>
}
