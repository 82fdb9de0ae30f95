// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s
// HostOutlining.cpp: the host function, temporaries between kernels.

// Two kernels: the intermediate is a temporary (and so is the column
// kernel's workspace of partial sums, read by its second kernel).
// CHECK-LABEL: func.func @chain
// CHECK: %[[T:.*]] = tessera_target.allocate
// CHECK: %[[W:.*]] = tessera_target.allocate
// CHECK: tessera_target.launch @chain_k0_column {{.*}} args(%{{.*}}, %[[T]], %[[W]],
// CHECK: tessera_target.launch @chain_k1_column_slices {{.*}} args(%[[W]], %[[T]],
// CHECK: %[[R:.*]] = tessera_target.allocate
// CHECK: tessera_target.launch @chain_k2_row {{.*}} args(%[[T]], %[[R]],
// CHECK: return %[[R]]
func.func @chain(%a: tensor<?x?x?xf32>) -> tensor<?xf32> {
  %m = tessera_graph.reduce max %a dims = [0] : tensor<?x?x?xf32> -> tensor<?x?xf32>
  %s = tessera_graph.reduce sum %m dims = [1] : tensor<?x?xf32> -> tensor<?xf32>
  return %s : tensor<?xf32>
}

// -----

// A constant that kernels read as an input: a tessera_target.constant
// buffer in the host function, passed to the kernel like an argument.
// CHECK-LABEL: func.func @big_constant
// CHECK: %[[C:.*]] = tessera_target.constant dense<{{.*}}> : tensor<65xf32> -> memref<65xf32>
// CHECK: tessera_target.launch @big_constant_k0_elementwise {{.*}} args(%{{.*}}, %[[C]], %{{.*}} :
func.func @big_constant(%a: tensor<65xf32>) -> tensor<65xf32> {
  %big = tessera_graph.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0, 49.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0, 56.0, 57.0, 58.0, 59.0, 60.0, 61.0, 62.0, 63.0, 64.0]> : tensor<65xf32>
  %s = tessera_graph.add %a, %big : tensor<65xf32>, tensor<65xf32> -> tensor<65xf32>
  return %s : tensor<65xf32>
}


// -----

// Every result a buffer of its own: tessera-schedule-assign gives arguments
// and constants returned as they are, and values returned a second time, a
// copy kernel each; a splat constant is written from the kernel's code, a
// large one read from its host buffer.
// CHECK-LABEL: func.func @returned_as_is
// CHECK: %[[C:.*]] = tessera_target.constant dense<{{.*}}> : tensor<65xf32> -> memref<65xf32>
// CHECK: %[[E:.*]] = tessera_target.allocate
// CHECK: tessera_target.launch @returned_as_is_k0_elementwise {{.*}} args(%arg0, %[[E]],
// CHECK: %[[A:.*]] = tessera_target.allocate
// CHECK: tessera_target.launch @returned_as_is_k1_elementwise {{.*}} args(%arg0, %[[A]],
// CHECK: %[[S:.*]] = tessera_target.allocate
// CHECK: tessera_target.launch @returned_as_is_k2_elementwise {{.*}} args(%[[S]] :
// CHECK: %[[A2:.*]] = tessera_target.allocate
// CHECK: tessera_target.launch @returned_as_is_k3_elementwise {{.*}} args(%arg0, %[[A2]],
// CHECK: %[[B:.*]] = tessera_target.allocate
// CHECK: tessera_target.launch @returned_as_is_k4_elementwise {{.*}} args(%[[C]], %[[B]] :
// CHECK: %[[E2:.*]] = tessera_target.allocate
// CHECK: tessera_target.launch @returned_as_is_k5_elementwise {{.*}} args(%[[E]], %[[E2]],
// CHECK: return %[[A]], %[[S]], %[[A2]], %[[B]], %[[E]], %[[E2]]
func.func @returned_as_is(%a: tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<2x3xf32>, tensor<?x3xf32>, tensor<65xf32>, tensor<?x3xf32>, tensor<?x3xf32>) {
  %splat = tessera_graph.constant dense<1.5> : tensor<2x3xf32>
  %big = tessera_graph.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0, 49.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0, 56.0, 57.0, 58.0, 59.0, 60.0, 61.0, 62.0, 63.0, 64.0]> : tensor<65xf32>
  %e = tessera_graph.exp %a : tensor<?x3xf32>
  return %a, %splat, %a, %big, %e, %e : tensor<?x3xf32>, tensor<2x3xf32>, tensor<?x3xf32>, tensor<65xf32>, tensor<?x3xf32>, tensor<?x3xf32>
}
