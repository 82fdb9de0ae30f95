// RUN: tessera-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_90}),convert-tessera-schedule-to-tile)' | FileCheck %s
// Reductions whose outputs round stochastically hash each output element's
// indices, as the CPU path does: the row kernel splits its row (the block)
// over the leading dims' sizes, which the kernel takes only for this, and
// gives the store's map the chunk's column indices; the column kernel
// splits each column over the trailing dims' sizes.

// CHECK-LABEL: func.func @softmax
// CHECK: tessera_target.launch @softmax_k0_row grid(%{{.*}}) block = [256] args(%{{.*}}, %{{.*}}, %{{.*}}, %[[B:.*]], %[[S:.*]] : memref<?x?x?xbf16>, memref<?x?x?xbf16>, index, index, index)
// CHECK-LABEL: tessera_target.kernel @softmax_k0_row(
// CHECK-SAME: %{{.*}}: index, %[[KB:.*]]: index, %[[KS:.*]]: index)
// CHECK: %[[ID:.*]] = tessera_tile.program_id 0
// CHECK: %[[LS:.*]] = arith.remui %[[ID]], %[[KS]] : index
// CHECK: %[[REST:.*]] = arith.divui %[[ID]], %[[KS]] : index
// CHECK: %[[LB:.*]] = arith.remui %[[REST]], %[[KB]] : index
// The last pass: the stored chunk's column indices are the map's last input.
// CHECK: tessera_tile.map ins({{.*}} : {{.*}}, tensor<1x2048xindex, #blocked>) {
// CHECK: ^bb0({{.*}}, %[[COL:.*]]: index):
// CHECK: arith.index_cast %[[LB]] : index to i32
// CHECK: arith.index_cast %[[LS]] : index to i32
// CHECK: arith.index_cast %[[COL]] : index to i32
// CHECK: tessera_tile.map_yield %{{.*}} : bf16
func.func @softmax(%x: tensor<?x?x?xbf16>) -> tensor<?x?x?xbf16> attributes {tessera_graph.numerics = #tessera_graph.numerics<storage = bf16, rounding = stochastic>} {
  %r = tessera_graph.softmax %x dim = 2 : tensor<?x?x?xbf16>
  return %r : tensor<?x?x?xbf16>
}

// -----

// A sum over the trailing dim with keepdim: the row's indices only (the
// CPU path rounds before it inserts the kept dim).
// CHECK-LABEL: tessera_target.kernel @sum_rows_k0_row(
// CHECK: arith.remui
// CHECK: tessera_tile.map ins(%{{.*}} : tensor<1xf32, {{.*}}>) {
// CHECK: arith.index_cast %{{.*}} : index to i32
// CHECK: arith.index_cast %{{.*}} : index to i32
// CHECK-NOT: arith.index_cast
// CHECK: tessera_tile.map_yield %{{.*}} : bf16
func.func @sum_rows(%x: tensor<?x?x?xbf16>) -> tensor<?x?x1xbf16> attributes {tessera_graph.numerics = #tessera_graph.numerics<storage = bf16, rounding = stochastic>} {
  %r = tessera_graph.reduce sum %x dims = [2] keepdim : tensor<?x?x?xbf16> -> tensor<?x?x1xbf16>
  return %r : tensor<?x?x1xbf16>
}

// -----

// A sum over the leading dim: the column kernel's map takes the columns'
// indices and splits them over the trailing dims.
// CHECK-LABEL: tessera_target.kernel @sum_columns_k0_column(
// CHECK-SAME: %{{.*}}: index, %[[A:.*]]: index, %[[C:.*]]: index)
// CHECK: tessera_tile.map ins(%{{.*}}, %{{.*}} : tensor<{{.*}}xf32, {{.*}}>, tensor<{{.*}}xindex, {{.*}}>) {
// CHECK: ^bb0(%{{.*}}: f32, %[[COL:.*]]: index):
// CHECK: %[[LC:.*]] = arith.remui %[[COL]], %[[C]] : index
// CHECK: %[[R:.*]] = arith.divui %[[COL]], %[[C]] : index
// CHECK: %[[LA:.*]] = arith.remui %[[R]], %[[A]] : index
// CHECK: arith.index_cast %[[LA]] : index to i32
// CHECK: arith.index_cast %[[LC]] : index to i32
// CHECK: tessera_tile.map_yield %{{.*}} : bf16
func.func @sum_columns(%x: tensor<?x?x?xbf16>) -> tensor<?x?xbf16> attributes {tessera_graph.numerics = #tessera_graph.numerics<storage = bf16, rounding = stochastic>} {
  %r = tessera_graph.reduce sum %x dims = [0] : tensor<?x?x?xbf16> -> tensor<?x?xbf16>
  return %r : tensor<?x?xbf16>
}
