// RUN: tessera-opt %s | tessera-opt | FileCheck %s
// RUN: tessera-opt %s -mlir-print-op-generic | tessera-opt | FileCheck %s

// CHECK-LABEL: func.func @kernel
func.func @kernel(%a: tensor<128x64xf16>, %b: tensor<64x256xf16>) -> tensor<128x256xf16> {
  // CHECK: %[[R:.*]] = tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128, 32], warps = 8, stages = 3>(%{{.*}}, %{{.*}}) : (tensor<128x64xf16>, tensor<64x256xf16>) -> tensor<128x256xf16> {
  // CHECK-NEXT: ^bb0(%[[X:.*]]: tensor<128x64xf16>, %[[Y:.*]]: tensor<64x256xf16>):
  // CHECK-NEXT:   %[[M:.*]] = tessera_graph.matmul %[[X]], %[[Y]]
  // CHECK-NEXT:   tessera_schedule.yield %[[M]] : tensor<128x256xf16>
  %r = tessera_schedule.kernel
      #tessera_schedule.config<tile = [128, 128, 32], warps = 8, stages = 3>
      (%a, %b) : (tensor<128x64xf16>, tensor<64x256xf16>) -> tensor<128x256xf16> {
  ^bb0(%x: tensor<128x64xf16>, %y: tensor<64x256xf16>):
    %m = tessera_graph.matmul %x, %y : tensor<128x64xf16>, tensor<64x256xf16> -> tensor<128x256xf16>
    tessera_schedule.yield %m : tensor<128x256xf16>
  }
  // CHECK: return %[[R]]
  return %r : tensor<128x256xf16>
}

// A kernel without inputs or results, and a one-dimensional tile.
// CHECK-LABEL: func.func @empty
func.func @empty() {
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [1024], warps = 4, stages = 1>() : () -> () {
  // CHECK-NEXT: tessera_schedule.yield
  tessera_schedule.kernel #tessera_schedule.config<tile = [1024], warps = 4, stages = 1>() : () -> () {
    tessera_schedule.yield
  }
  return
}

// Optional knobs print only when set; a knob space lists candidates.
// CHECK-LABEL: func.func @knobs
func.func @knobs(%a: tensor<64xf32>) -> tensor<64xf32> {
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [128, 128, 32], warps = 8, stages = 3, vector = 8, swizzle = 4, mma = mma_sync, split_k = 2, producer_warps = 4>(%{{.*}}) {knobs = #tessera_schedule.knobs<[<tile = [1024], warps = 4, stages = 1>, <tile = [2048], warps = 8, stages = 1, vector = 4>]>}
  %r = tessera_schedule.kernel
      #tessera_schedule.config<tile = [128, 128, 32], warps = 8, stages = 3, vector = 8, swizzle = 4, mma = mma_sync, split_k = 2, producer_warps = 4>
      (%a) {knobs = #tessera_schedule.knobs<[#tessera_schedule.config<tile = [1024], warps = 4, stages = 1>, #tessera_schedule.config<tile = [2048], warps = 8, stages = 1, vector = 4>]>}
      : (tensor<64xf32>) -> tensor<64xf32> {
  ^bb0(%x: tensor<64xf32>):
    tessera_schedule.yield %x : tensor<64xf32>
  }
  return %r : tensor<64xf32>
}

// Row classes: configs for outputs of few rows, chosen at launch.
// CHECK-LABEL: func.func @row_classes
func.func @row_classes(%a: tensor<?x?xf16>) -> tensor<?x?xf16> {
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [128, 256, 64], warps = 8, stages = 3, mma = wgmma>(%{{.*}}) {row_classes = #tessera_schedule.row_classes<max_rows = [16, 64], configs = [<tile = [64, 256, 64], warps = 4, stages = 4, mma = wgmma, split_k = auto>, <tile = [64, 64, 64], warps = 4, stages = 6, mma = wgmma>]>}
  %r = tessera_schedule.kernel
      #tessera_schedule.config<tile = [128, 256, 64], warps = 8, stages = 3, mma = wgmma>
      (%a) {row_classes = #tessera_schedule.row_classes<max_rows = [16, 64], configs = [<tile = [64, 256, 64], warps = 4, stages = 4, mma = wgmma, split_k = auto>, <tile = [64, 64, 64], warps = 4, stages = 6, mma = wgmma>]>}
      : (tensor<?x?xf16>) -> tensor<?x?xf16> {
  ^bb0(%x: tensor<?x?xf16>):
    %m = tessera_graph.matmul %x, %x : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
    tessera_schedule.yield %m : tensor<?x?xf16>
  }
  return %r : tensor<?x?xf16>
}

// split_k = auto: the slices of K chosen at launch.
// CHECK-LABEL: func.func @split_auto
func.func @split_auto(%a: tensor<64xf32>) -> tensor<64xf32> {
  // CHECK: tessera_schedule.kernel #tessera_schedule.config<tile = [128, 256, 64], warps = 8, stages = 3, mma = wgmma, split_k = auto>
  %r = tessera_schedule.kernel
      #tessera_schedule.config<tile = [128, 256, 64], warps = 8, stages = 3, mma = wgmma, split_k = auto>
      (%a) : (tensor<64xf32>) -> tensor<64xf32> {
  ^bb0(%x: tensor<64xf32>):
    tessera_schedule.yield %x : tensor<64xf32>
  }
  return %r : tensor<64xf32>
}
