// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s
// RowReduction.cpp: row kernels (softmax, norms, trailing-dim reductions).

// A row kernel: one block per row, block-wide reductions.
// CHECK-LABEL: func.func @softmax
// CHECK: tessera_target.launch @softmax_k0_row grid(%{{.*}}) block = [256]
// CHECK-LABEL: tessera_target.kernel @softmax_k0_row
// CHECK: gpu.all_reduce maximumf
// CHECK: math.exp
// CHECK: gpu.all_reduce add
// CHECK: tessera_tile.store
func.func @softmax(%a: tensor<8x?xf16>) -> tensor<8x?xf16> {
  %s = tessera_graph.softmax %a dim = 1 : tensor<8x?xf16>
  return %s : tensor<8x?xf16>
}
