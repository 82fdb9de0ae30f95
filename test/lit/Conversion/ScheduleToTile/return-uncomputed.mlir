// RUN: tessera-opt %s -split-input-file -verify-diagnostics --convert-tessera-schedule-to-tile

// Schedule IR written by hand that returns an argument as it is: GPU
// outputs are buffers kernels write, so it needs a copy kernel
// (tessera-schedule-assign adds one: host-outlining.mlir).
func.func @identity(%a: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'func.return' op returns a value no kernel computes (an argument or a constant): give it a kernel that copies it (a tessera_schedule.kernel yielding its argument; tessera-schedule-assign adds one)}}
  return %a : tensor<8xf32>
}
