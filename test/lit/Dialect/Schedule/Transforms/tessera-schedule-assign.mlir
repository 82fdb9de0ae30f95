// RUN: tessera-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tessera-schedule-assign))' | FileCheck %s

// One kernel per op, with the default config of its kind; constants are
// cloned into the kernels that use them. A softmax row takes 16-byte
// accesses (4 f32) where the launch's rows are whole vectors, and long rows
// may spread over a cluster (split_k = auto; the default chip is sm_90).
// CHECK-LABEL: func.func @kinds
func.func @kinds(%x: tensor<?x?xf32>, %w: tensor<?x?xf32>) -> tensor<?xf32> {
  // CHECK: %[[E:.*]] = tessera_schedule.kernel #tessera_schedule.config<tile = [1024], warps = 4, stages = 1>(%{{.*}})
  // CHECK-NEXT: ^bb0
  // CHECK-NEXT: tessera_graph.constant dense<2.000000e+00>
  // CHECK-NEXT: tessera_graph.mul
  %c = tessera_graph.constant dense<2.0> : tensor<f32>
  %e = tessera_graph.mul %x, %c : tensor<?x?xf32>, tensor<f32> -> tensor<?x?xf32>
  // CHECK: %[[S:.*]] = tessera_schedule.kernel #tessera_schedule.config<tile = [1, 2048], warps = 8, stages = 1, vector = 4, split_k = auto>(%[[E]])
  // CHECK:   tessera_graph.softmax
  %s = tessera_graph.softmax %e dim = 1 : tensor<?x?xf32>
  // CHECK: %[[M:.*]] = tessera_schedule.kernel #tessera_schedule.config<tile = [16, 16, 16], warps = 8, stages = 1>(%[[S]], %{{.*}})
  // CHECK:   tessera_graph.matmul
  %m = tessera_graph.matmul %s, %w : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [64, 256], warps = 8, stages = 1, split_k = auto>(%[[M]])
  // CHECK:   tessera_graph.reduce sum
  %r = tessera_graph.reduce sum %m dims = [0] : tensor<?x?xf32> -> tensor<?xf32>
  // CHECK-NOT: tessera_graph.constant
  return %r : tensor<?xf32>
}

// -----

// A fused matmul epilogue is one kernel; its body is the group's body.
// CHECK-LABEL: func.func @epilogue
func.func @epilogue(%a: tensor<8x4xf32>, %w: tensor<4x16xf32>, %b: tensor<16xf32>) -> tensor<8x16xf32> {
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [16, 16, 16], warps = 8, stages = 1>(%{{.*}}, %{{.*}}, %{{.*}})
  // CHECK:   tessera_graph.matmul
  // CHECK:   tessera_graph.add
  // CHECK:   tessera_schedule.yield
  // CHECK-NOT: tessera_graph.fused
  %r = tessera_graph.fused matmul_epilogue (%a, %w, %b)
      : (tensor<8x4xf32>, tensor<4x16xf32>, tensor<16xf32>) -> tensor<8x16xf32> {
  ^bb0(%x: tensor<8x4xf32>, %y: tensor<4x16xf32>, %z: tensor<16xf32>):
    %m = tessera_graph.matmul %x, %y : tensor<8x4xf32>, tensor<4x16xf32> -> tensor<8x16xf32>
    %s = tessera_graph.add %m, %z : tensor<8x16xf32>, tensor<16xf32> -> tensor<8x16xf32>
    tessera_graph.yield %s : tensor<8x16xf32>
  }
  return %r : tensor<8x16xf32>
}

// -----

// A constant among a fused group's inputs moves into the kernel, like a
// single op's: splats, and small non-splat ones in elementwise kernels.
// CHECK-LABEL: func.func @fused_constant
func.func @fused_constant(%a: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // CHECK: %[[K:.*]] = tessera_schedule.kernel #tessera_schedule.config<tile = [1024], warps = 4, stages = 1>(%{{[^,)]*}}) : (tensor<8x16xf32>) -> tensor<8x16xf32> {
  // CHECK-NEXT: ^bb0(%[[X:.*]]: tensor<8x16xf32>):
  // CHECK-NEXT:   %[[C:.*]] = tessera_graph.constant dense<2.000000e+00> : tensor<f32>
  // CHECK-NEXT:   %[[M:.*]] = tessera_graph.mul %[[X]], %[[C]]
  // CHECK-NEXT:   %[[E:.*]] = tessera_graph.exp %[[M]]
  // CHECK-NEXT:   tessera_schedule.yield %[[E]]
  // CHECK-NOT: tessera_graph.constant
  %c = tessera_graph.constant dense<2.0> : tensor<f32>
  %r = tessera_graph.fused elementwise (%a, %c) : (tensor<8x16xf32>, tensor<f32>) -> tensor<8x16xf32> {
  ^bb0(%x: tensor<8x16xf32>, %k: tensor<f32>):
    %m = tessera_graph.mul %x, %k : tensor<8x16xf32>, tensor<f32> -> tensor<8x16xf32>
    %e = tessera_graph.exp %m : tensor<8x16xf32>
    tessera_graph.yield %e : tensor<8x16xf32>
  }
  return %r : tensor<8x16xf32>
}

// -----

// A prologue into a softmax has no single-kernel schedule yet: the group is
// split into one kernel per op.
// CHECK-LABEL: func.func @split
func.func @split(%a: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [1024], warps = 4, stages = 1>
  // CHECK:   tessera_graph.exp
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [1, 2048], warps = 8, stages = 1, vector = 4, split_k = auto>
  // CHECK:   tessera_graph.softmax
  %r = tessera_graph.fused reduction (%a) : (tensor<8x16xf32>) -> tensor<8x16xf32> {
  ^bb0(%x: tensor<8x16xf32>):
    %e = tessera_graph.exp %x : tensor<8x16xf32>
    %s = tessera_graph.softmax %e dim = 1 : tensor<8x16xf32>
    tessera_graph.yield %s : tensor<8x16xf32>
  }
  return %r : tensor<8x16xf32>
}

// -----

// Without a chip option the module's #tessera_target.chip decides: gfx942
// has no mma.sync, so an f16 matmul gets the SIMT config.
// CHECK-LABEL: func.func @module_chip
// CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [16, 16, 16], warps = 8, stages = 1>
module attributes {tessera_target.chip = #tessera_target.chip<"gfx942">} {
  func.func @module_chip(%a: tensor<64x64xf16>, %b: tensor<64x64xf16>) -> tensor<64x64xf16> {
    %m = tessera_graph.matmul %a, %b : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf16>
    return %m : tensor<64x64xf16>
  }
}

// -----

// Non-splat constants a kernel does not embed stay outside as its inputs
// (buffers the host function fills): one of more than 64 elements, and a
// matmul epilogue's.
// CHECK-LABEL: func.func @constant_inputs
// CHECK: %[[BIG:.*]] = tessera_graph.constant dense<{{.*}}> : tensor<65xf32>
// CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [1024], warps = 4, stages = 1>(%{{.*}}, %[[BIG]])
// CHECK: %[[BIAS:.*]] = tessera_graph.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [16, 16, 16], warps = 8, stages = 1>(%{{.*}}, %{{.*}}, %[[BIAS]])
func.func @constant_inputs(%a: tensor<65xf32>, %x: tensor<4x3xf32>, %w: tensor<3x2xf32>) -> (tensor<65xf32>, tensor<4x2xf32>) {
  %big = tessera_graph.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0, 49.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0, 56.0, 57.0, 58.0, 59.0, 60.0, 61.0, 62.0, 63.0, 64.0]> : tensor<65xf32>
  %s = tessera_graph.add %a, %big : tensor<65xf32>, tensor<65xf32> -> tensor<65xf32>
  %bias = tessera_graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %r = tessera_graph.fused matmul_epilogue (%x, %w, %bias) : (tensor<4x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<4x2xf32> {
  ^bb0(%p: tensor<4x3xf32>, %q: tensor<3x2xf32>, %b: tensor<2xf32>):
    %m = tessera_graph.matmul %p, %q : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
    %t = tessera_graph.add %m, %b : tensor<4x2xf32>, tensor<2xf32> -> tensor<4x2xf32>
    tessera_graph.yield %t : tensor<4x2xf32>
  }
  return %s, %r : tensor<65xf32>, tensor<4x2xf32>
}

