// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s
// Elementwise.cpp: elementwise kernels with NumPy broadcasting.

// An elementwise kernel: the host function allocates the result and
// launches ceil(numel / tile) blocks; each thread handles tile / threads
// elements with masked loads and stores, the broadcast operand read at its
// broadcast position.
// CHECK-LABEL: func.func @add(
// CHECK-SAME: %[[A:.*]]: memref<?x?xf32>, %[[B:.*]]: memref<?xf32>) -> memref<?x?xf32> attributes {tessera.host}
// CHECK-DAG: %[[D0:.*]] = memref.dim %[[A]], %c0
// CHECK-DAG: %[[D1:.*]] = memref.dim %[[A]], %c1
// CHECK-DAG: %[[E0:.*]] = memref.dim %[[B]], %c0
// The broadcast operand's ? dim must equal the result's at launch.
// CHECK: tessera_target.require_equal %[[D1]], %[[E0]], "operands broadcast together (dimension 1)"
// CHECK: %[[OUT:.*]] = tessera_target.allocate(%[[D0]], %[[D1]]) : memref<?x?xf32>
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui %{{.*}}, %c1024
// CHECK: tessera_target.launch @add_k0_elementwise grid(%[[BLOCKS]]) block = [128] args(%[[A]], %[[B]], %[[OUT]], %[[D0]], %[[D1]] : memref<?x?xf32>, memref<?xf32>, memref<?x?xf32>, index, index)
// CHECK: return %[[OUT]]
// CHECK-LABEL: tessera_target.kernel @add_k0_elementwise(
// CHECK-SAME: %[[X:.*]]: memref<?xf32>, %[[Y:.*]]: memref<?xf32>, %[[O:.*]]: memref<?xf32>, %{{.*}}: index, %{{.*}}: index)
// CHECK-SAME: tessera.schedule = #tessera_schedule.config<tile = [1024], warps = 4, stages = 1>
// CHECK: gpu.thread_id x
// CHECK: tessera_tile.program_id 0
// CHECK: scf.for
// CHECK:   %[[MASK:.*]] = arith.cmpi ult
// CHECK:   tessera_tile.load %[[X]][%{{.*}}] mask %[[MASK]]
// CHECK:   arith.remui
// CHECK:   tessera_tile.load %[[Y]][%{{.*}}] mask %[[MASK]]
// CHECK:   arith.addf
// CHECK:   tessera_tile.store %{{.*}}, %[[O]][%{{.*}}] mask %[[MASK]]
func.func @add(%a: tensor<?x?xf32>, %b: tensor<?xf32>) -> tensor<?x?xf32> {
  %c = tessera_graph.add %a, %b : tensor<?x?xf32>, tensor<?xf32> -> tensor<?x?xf32>
  return %c : tensor<?x?xf32>
}
