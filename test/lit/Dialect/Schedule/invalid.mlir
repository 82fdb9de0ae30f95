// RUN: tessera-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{tile must have 1 to 3 sizes, got 4}}
func.func @f() attributes {c = #tessera_schedule.config<tile = [1, 2, 3, 4], warps = 4, stages = 1>} { return }

// -----

// expected-error @+1 {{tile size 1 (0) must be positive}}
func.func @f() attributes {c = #tessera_schedule.config<tile = [64, 0], warps = 4, stages = 1>} { return }

// -----

// expected-error @+1 {{warps (3) must be a power of two in [1, 32]}}
func.func @f() attributes {c = #tessera_schedule.config<tile = [64], warps = 3, stages = 1>} { return }

// -----

// expected-error @+1 {{warps (64) must be a power of two in [1, 32]}}
func.func @f() attributes {c = #tessera_schedule.config<tile = [64], warps = 64, stages = 1>} { return }

// -----

// expected-error @+1 {{stages (0) must be positive}}
func.func @f() attributes {c = #tessera_schedule.config<tile = [64], warps = 4, stages = 0>} { return }

// -----

func.func @arg_count(%a: tensor<4xf32>) {
  // expected-error @+1 {{'tessera_schedule.kernel' op body has 0 arguments but the kernel has 1 inputs}}
  tessera_schedule.kernel #tessera_schedule.config<tile = [64], warps = 4, stages = 1>(%a) : (tensor<4xf32>) -> () {
    tessera_schedule.yield
  }
  return
}

// -----

func.func @arg_type(%a: tensor<4xf32>) {
  // expected-error @+1 {{'tessera_schedule.kernel' op body argument 0 has type 'tensor<4xf16>' but input 0 has type 'tensor<4xf32>'}}
  tessera_schedule.kernel #tessera_schedule.config<tile = [64], warps = 4, stages = 1>(%a) : (tensor<4xf32>) -> () {
  ^bb0(%x: tensor<4xf16>):
    tessera_schedule.yield
  }
  return
}

// -----

func.func @yield_count(%a: tensor<4xf32>) {
  // expected-error @+1 {{'tessera_schedule.kernel' op yields 0 values but the kernel has 1 results}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [64], warps = 4, stages = 1>(%a) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    tessera_schedule.yield
  }
  return
}

// -----

func.func @yield_type(%a: tensor<4xf32>) {
  // expected-error @+1 {{'tessera_schedule.kernel' op yielded value 0 has type 'tensor<4xf32>' but result 0 has type 'tensor<8xf32>'}}
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [64], warps = 4, stages = 1>(%a) : (tensor<4xf32>) -> tensor<8xf32> {
  ^bb0(%x: tensor<4xf32>):
    tessera_schedule.yield %x : tensor<4xf32>
  }
  return
}

// -----

func.func @no_terminator(%a: tensor<4xf32>) {
  // expected-error @+1 {{'tessera_schedule.kernel' op body must end with 'tessera_schedule.yield'}}
  "tessera_schedule.kernel"(%a) ({
  ^bb0(%x: tensor<4xf32>):
    "llvm.unreachable"() : () -> ()
  }) {config = #tessera_schedule.config<tile = [64], warps = 4, stages = 1>} : (tensor<4xf32>) -> ()
  return
}

// -----

func.func @yield_outside() {
  // expected-error @+1 {{'tessera_schedule.yield' op expects parent op 'tessera_schedule.kernel'}}
  tessera_schedule.yield
}

// -----

// expected-error @+1 {{vector (3) must be a power of two in [1, 16]}}
func.func @f() attributes {c = #tessera_schedule.config<tile = [64], warps = 4, stages = 1, vector = 3>} { return }

// -----

// expected-error @+1 {{swizzle (0) must be positive}}
func.func @f() attributes {c = #tessera_schedule.config<tile = [64], warps = 4, stages = 1, swizzle = 0>} { return }

// -----

// expected-error @+1 {{split_k (0) must be positive}}
func.func @f() attributes {c = #tessera_schedule.config<tile = [64], warps = 4, stages = 1, split_k = 0>} { return }

// -----

// expected-error @+1 {{producer_warps (2) must be 0 (no producer) or 4 (a warpgroup)}}
func.func @f() attributes {c = #tessera_schedule.config<tile = [64], warps = 4, stages = 1, producer_warps = 2>} { return }

// -----

// expected-error @+1 {{mma = wgmma needs an [M, N, K] (matmul) or [M, N] (attention: query rows, key rows) tile, got 1 sizes}}
func.func @f() attributes {c = #tessera_schedule.config<tile = [64], warps = 4, stages = 1, mma = wgmma>} { return }

// -----

// expected-error @+1 {{unknown schedule knob 'unroll' (expected tile, warps, stages, vector, swizzle, mma, split_k, producer_warps)}}
func.func @f() attributes {c = #tessera_schedule.config<tile = [64], warps = 4, stages = 1, unroll = 2>} { return }

// -----

// expected-error @+1 {{unknown mma kind 'tcgen05' (expected none, mma_sync, wgmma or mfma)}}
func.func @f() attributes {c = #tessera_schedule.config<tile = [64, 64, 16], warps = 4, stages = 1, mma = tcgen05>} { return }

// -----

// expected-error @+1 {{'warps' is given twice}}
func.func @f() attributes {c = #tessera_schedule.config<tile = [64], warps = 4, warps = 8, stages = 1>} { return }

// -----

// expected-error @+1 {{schedule config needs 'stages'}}
func.func @f() attributes {c = #tessera_schedule.config<tile = [64], warps = 4>} { return }

// -----

// expected-error @+1 {{row_classes has 2 bounds (max_rows) but 1 configs}}
func.func @f() attributes {c = #tessera_schedule.row_classes<max_rows = [16, 64], configs = [<tile = [64, 64, 64], warps = 4, stages = 4>]>} { return }

// -----

// expected-error @+1 {{row_classes bound 0 (0) must be positive}}
func.func @f() attributes {c = #tessera_schedule.row_classes<max_rows = [0], configs = [<tile = [64, 64, 64], warps = 4, stages = 4>]>} { return }

// -----

// expected-error @+1 {{row_classes bounds must ascend, got 16 after 64}}
func.func @f() attributes {c = #tessera_schedule.row_classes<max_rows = [64, 16], configs = [<tile = [64, 64, 64], warps = 4, stages = 4>, <tile = [64, 64, 64], warps = 4, stages = 4>]>} { return }
