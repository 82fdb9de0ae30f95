// RUN: tessera-opt %s --tessera-lower-to-cpu | FileCheck %s
// RUN: tessera-opt %s --tessera-lower-to-cpu | mlir-opt | FileCheck %s --check-prefix=UPSTREAM
// RUN: tessera-opt %S/Inputs/f8.mlir --tessera-lower-to-cpu | FileCheck %s --check-prefix=F8
// The pipeline is its two stages in sequence (what tessera.compile runs one
// by one).
// RUN: tessera-opt %s --tessera-lower-to-cpu -o %t.full
// RUN: tessera-opt %s --tessera-stage-linalg --tessera-stage-llvm -o %t.stages
// RUN: diff %t.full %t.stages

// Graph IR to the LLVM dialect: nothing of Tessera, tensors, linalg or
// memrefs is left, and the public function has a C interface for the
// ExecutionEngine.

// CHECK-NOT: tessera_graph
// CHECK-NOT: linalg.
// CHECK-NOT: tensor<
// CHECK: llvm.func @block(
// CHECK: llvm.call @malloc
// CHECK: llvm.intr.exp
// CHECK: llvm.func @_mlir_ciface_block(

// The output is upstream IR that stock mlir-opt parses.
// UPSTREAM: llvm.func @_mlir_ciface_block

// f8 values live as i8 in LLVM; no cast is left unresolved.
// F8: llvm.func @f(
// F8-NOT: unrealized_conversion_cast
// F8-NOT: f8E4M3FN

func.func @block(%x: tensor<?x64xf32>, %w: tensor<64x32xf32>, %b: tensor<32xf32>) -> tensor<?x32xf32> {
  %n = tessera_graph.layer_norm %x : tensor<?x64xf32>
  %m = tessera_graph.matmul %n, %w : tensor<?x64xf32>, tensor<64x32xf32> -> tensor<?x32xf32>
  %a = tessera_graph.add %m, %b : tensor<?x32xf32>, tensor<32xf32> -> tensor<?x32xf32>
  %g = tessera_graph.gelu %a approximate = tanh : tensor<?x32xf32>
  %s = tessera_graph.softmax %g dim = 1 : tensor<?x32xf32>
  return %s : tensor<?x32xf32>
}
