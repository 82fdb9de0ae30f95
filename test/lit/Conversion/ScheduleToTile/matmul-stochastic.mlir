// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-graph-fuse,tessera-schedule-assign{chip=sm_90}),convert-tessera-schedule-to-tile)' | FileCheck %s

// Stochastic rounding in a matmul's epilogue hashes each output element's
// indices (as the CPU path does): the row and column index tiles go into
// the epilogue's map after its operands. On sm_90 the f16 matmul is the
// wgmma kernel; its epilogue runs a warp's row at a time.
// CHECK-LABEL: tessera_target.kernel @sr_k0_matmul_wgmma
// CHECK: tessera_tile.map ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<8x256xf32, #blocked>, tensor<8x256xindex, #blocked>, tensor<8x256xindex, #blocked>)
// CHECK: ^bb0(%{{.*}}: f32, %[[ROW:.*]]: index, %[[COL:.*]]: index):
// CHECK: arith.index_cast %[[ROW]]
// CHECK: tessera_tile.map_yield %{{.*}} : bf16
func.func @sr(%a: tensor<?x?xf16>, %b: tensor<?x?xf16>) -> tensor<?x?xbf16> {
  %m = tessera_graph.matmul %a, %b out = f32 : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf32>
  %c = tessera_graph.cast %m rounding = stochastic : tensor<?x?xf32> -> tensor<?x?xbf16>
  return %c : tensor<?x?xbf16>
}
