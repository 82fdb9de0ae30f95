// RUN: tessera-opt %s --tessera-stage-linalg | FileCheck %s

// CPU path, Graph IR to linalg on tensors: convert-tessera-graph-to-linalg
// alone (tessera-lower-to-cpu's first stage), so no Graph IR is left and
// nothing is bufferized yet.
// CHECK-LABEL: func.func @f(
// CHECK-SAME: tensor<?x32xf32>
// CHECK-NOT: tessera_graph.
// CHECK: linalg.
// CHECK: return %{{.*}} : tensor<?x32xf32>
func.func @f(%x: tensor<?x32xf32>) -> tensor<?x32xf32> {
  %g = tessera_graph.gelu %x : tensor<?x32xf32>
  %s = tessera_graph.softmax %g dim = 1 : tensor<?x32xf32>
  return %s : tensor<?x32xf32>
}
