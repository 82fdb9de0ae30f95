// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_90}),convert-tessera-schedule-to-tile)' | FileCheck %s
// Scan.cpp: a kernel of one cumsum walks the scanned dim, a box of
// (outer, inner) positions per block.

// Along the last dim: a box of 1024 rows (one element of each a step),
// the slice k of the input a strided view [rows, 1] at offset k with rows
// n apart; the running sum in f32, rounded to f16 once per element.
// CHECK-LABEL: tessera_target.kernel @rows_k0_cumsum(
// CHECK: %[[LOOP:.*]] = scf.for %[[K:.*]] = %{{.*}} to %[[N:.*]] step %{{.*}} iter_args(%[[SUM:.*]] = %{{.*}}) -> (tensor<1024x1xf32, #{{.*}}>) {
// CHECK: %[[OFF:.*]] = arith.muli %[[K]], %{{.*}} : index
// CHECK: %[[IN:.*]] = memref.reinterpret_cast %{{.*}} to offset: [%[[OFF]]], sizes: [%{{.*}}, %c1{{.*}}], strides: [%{{.*}}, 1]
// CHECK: %[[X:.*]] = tessera_tile.load_tile %[[IN]]
// CHECK: %[[NEW:.*]] = tessera_tile.map ins(%[[X]], %[[SUM]] : tensor<1024x1xf16, #{{.*}}>, tensor<1024x1xf32, #{{.*}}>) {
// CHECK: arith.extf
// CHECK: arith.addf
// CHECK: %[[ROUND:.*]] = tessera_tile.map ins(%[[NEW]]
// CHECK: arith.truncf
// CHECK: tessera_tile.store_tile %[[ROUND]]
// CHECK: scf.yield %[[NEW]]
func.func @rows(%x: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %c = tessera_graph.cumsum %x dim = 1 : tensor<?x?xf16>
  return %c : tensor<?x?xf16>
}

// -----

// Along a middle dim: boxes of 32 outer x 32 inner positions, contiguous
// along inner.
// CHECK-LABEL: tessera_target.kernel @middle_k0_cumsum(
// CHECK: scf.for {{.*}} -> (tensor<32x32xf32, #{{.*}}>) {
// CHECK: tessera_tile.load_tile {{.*}} -> tensor<32x32xf32
func.func @middle(%x: tensor<?x?x?xf32>) -> tensor<?x?x?xf32> {
  %c = tessera_graph.cumsum %x dim = 1 : tensor<?x?x?xf32>
  return %c : tensor<?x?x?xf32>
}

// -----

func.func @vector_rows(%a: tensor<?x?xf32>) -> tensor<?x?xf32> {
  // expected-error @+1 {{'tessera_schedule.kernel' op has a cumsum schedule (#tessera_schedule.config<tile = [1024], warps = 4, stages = 1, vector = 4>) with vector = 4, but a scan along the last dim takes one element of each row a step: use vector = 1}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1024], warps = 4, stages = 1, vector = 4>(%a) : (tensor<?x?xf32>) -> tensor<?x?xf32> {
  ^bb0(%x: tensor<?x?xf32>):
    %c = tessera_graph.cumsum %x dim = 1 : tensor<?x?xf32>
    tessera_schedule.yield %c : tensor<?x?xf32>
  }
  return %r : tensor<?x?xf32>
}

// -----

func.func @small_tile(%a: tensor<?x?x?xf32>) -> tensor<?x?x?xf32> {
  // expected-error @+1 {{'tessera_schedule.kernel' op has a cumsum schedule (#tessera_schedule.config<tile = [64], warps = 4, stages = 1>) whose tile of 64 positions is not a multiple of the 128 its threads hold}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [64], warps = 4, stages = 1>(%a) : (tensor<?x?x?xf32>) -> tensor<?x?x?xf32> {
  ^bb0(%x: tensor<?x?x?xf32>):
    %c = tessera_graph.cumsum %x dim = 1 : tensor<?x?x?xf32>
    tessera_schedule.yield %c : tensor<?x?x?xf32>
  }
  return %r : tensor<?x?x?xf32>
}
