// RUN: tessera-opt %s --tessera-stage-tile | FileCheck %s

// Schedule IR to Tile IR: the host function allocates and launches, each
// scheduled kernel becomes a tessera_target.kernel written in Tile IR.
// CHECK-LABEL: func.func @f(
// CHECK-SAME: memref<?xf32>) -> memref<?xf32> attributes {tessera.host}
// CHECK: tessera_target.allocate
// CHECK: tessera_target.launch @f_k0_elementwise
// CHECK-LABEL: tessera_target.kernel @f_k0_elementwise(
// CHECK: tessera_tile.program_id 0
// CHECK: tessera_tile.load
// CHECK: math.exp
// CHECK: tessera_tile.store
func.func @f(%x: tensor<?xf32>) -> tensor<?xf32> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1024], warps = 4, stages = 1>(%x) : (tensor<?xf32>) -> tensor<?xf32> {
  ^bb0(%a: tensor<?xf32>):
    %e = tessera_graph.exp %a : tensor<?xf32>
    tessera_schedule.yield %e : tensor<?xf32>
  }
  return %r : tensor<?xf32>
}
