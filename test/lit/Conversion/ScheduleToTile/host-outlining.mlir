// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s
// HostOutlining.cpp: the host function, temporaries between kernels.

// Two kernels: the intermediate is a temporary.
// CHECK-LABEL: func.func @chain
// CHECK: %[[T:.*]] = tessera_target.allocate
// CHECK: tessera_target.launch @chain_k0_column {{.*}} args(%{{.*}}, %[[T]],
// CHECK: %[[R:.*]] = tessera_target.allocate
// CHECK: tessera_target.launch @chain_k1_row {{.*}} args(%[[T]], %[[R]],
// CHECK: return %[[R]]
func.func @chain(%a: tensor<?x?x?xf32>) -> tensor<?xf32> {
  %m = tessera_graph.reduce max %a dims = [0] : tensor<?x?x?xf32> -> tensor<?x?xf32>
  %s = tessera_graph.reduce sum %m dims = [1] : tensor<?x?xf32> -> tensor<?xf32>
  return %s : tensor<?xf32>
}
