// RUN: tessera-opt %s --tessera-stage-llvm | FileCheck %s

// CPU path, linalg on tensors to the LLVM dialect (tessera-lower-to-cpu
// after its first stage): bufferized, lowered to loops and then to LLVM,
// with a C interface for the ExecutionEngine.
// CHECK-NOT: linalg.
// CHECK-NOT: tensor<
// CHECK-LABEL: llvm.func @f(
// CHECK: llvm.call @malloc
// CHECK: llvm.intr.exp
// CHECK-LABEL: llvm.func @_mlir_ciface_f(
func.func @f(%x: tensor<?x32xf32>) -> tensor<?x32xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x32xf32>
  %init = tensor.empty(%n) : tensor<?x32xf32>
  %e = linalg.exp ins(%x : tensor<?x32xf32>) outs(%init : tensor<?x32xf32>) -> tensor<?x32xf32>
  return %e : tensor<?x32xf32>
}
