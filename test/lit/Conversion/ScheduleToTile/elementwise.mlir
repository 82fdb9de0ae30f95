// RUN: tessera-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_80}),convert-tessera-schedule-to-tile)' | FileCheck %s
// Elementwise.cpp: elementwise kernels with NumPy broadcasting.

// An elementwise kernel: the host function allocates the result and
// launches ceil(numel / tile) blocks. The kernel is a block program on
// register tiles of the block's `tile` output positions: the operand of the
// output's shape is a box of its flat buffer, the broadcast operand is
// gathered at offsets computed from the positions, the body is evaluated per
// element (map), and the result is stored as a box; loads and stores are
// masked at the element count.
// The distribution: 4 warps of 32 lanes, `vector` (1) element per access.
// CHECK: #[[BLOCKED:.*]] = #tessera_tile.blocked<warps = [4], threads = [32], per_thread = [1]>
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
// CHECK-SAME: %[[X:.*]]: memref<?xf32>, %[[Y:.*]]: memref<?xf32>, %[[O:.*]]: memref<?xf32>, %[[S0:.*]]: index, %[[S1:.*]]: index)
// CHECK-SAME: tessera.schedule = #tessera_schedule.config<tile = [1024], warps = 4, stages = 1>
// CHECK-NOT: gpu.thread_id
// CHECK: %[[N:.*]] = arith.muli %{{.*}}, %[[S1]] : index
// CHECK: %[[PID:.*]] = tessera_tile.program_id 0
// CHECK: %[[BASE:.*]] = arith.muli %[[PID]], %c1024
// CHECK: %[[XV:.*]] = memref.reinterpret_cast %[[X]] to offset: [0], sizes: [%[[N]]], strides: [1]
// CHECK: %[[XT:.*]] = tessera_tile.load_tile %[[XV]][%[[BASE]]] : memref<?xf32, strided<[1]>> -> tensor<1024xf32, #[[BLOCKED]]>
// CHECK: %[[POS:.*]] = tessera_tile.range 0 to 1024 : tensor<1024xi32, #[[BLOCKED]]>
// CHECK: %[[YV:.*]] = memref.reinterpret_cast %[[Y]] to offset: [0], sizes: [%{{.*}}], strides: [1]
// CHECK: %[[YT:.*]] = tessera_tile.gather %[[YV]][%{{.*}}] : memref<?xf32, strided<[1]>>, tensor<1024xindex, #[[BLOCKED]]> -> tensor<1024xf32, #[[BLOCKED]]>
// CHECK: %[[R:.*]] = tessera_tile.map ins(%[[XT]], %[[YT]] : tensor<1024xf32, #[[BLOCKED]]>, tensor<1024xf32, #[[BLOCKED]]>) {
// CHECK: ^bb0(%[[XE:.*]]: f32, %[[YE:.*]]: f32):
// CHECK:   %[[SUM:.*]] = arith.addf %[[XE]], %[[YE]] : f32
// CHECK:   tessera_tile.map_yield %[[SUM]] : f32
// CHECK: %[[OV:.*]] = memref.reinterpret_cast %[[O]] to offset: [0], sizes: [%[[N]]], strides: [1]
// CHECK: tessera_tile.store_tile %[[R]], %[[OV]][%[[BASE]]]
func.func @add(%a: tensor<?x?xf32>, %b: tensor<?xf32>) -> tensor<?x?xf32> {
  %c = tessera_graph.add %a, %b : tensor<?x?xf32>, tensor<?xf32> -> tensor<?x?xf32>
  return %c : tensor<?x?xf32>
}
