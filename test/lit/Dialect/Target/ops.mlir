// RUN: tessera-opt %s | tessera-opt | FileCheck %s
// RUN: tessera-opt %s -mlir-print-op-generic | tessera-opt | FileCheck %s

// CHECK-LABEL: tessera_target.kernel @optimized_flash_attention
// CHECK-SAME: (%{{.*}}: memref<?xf16>, %{{.*}}: i64)
// CHECK-SAME: config = #tessera_target.kernel_config<grid = [128, 64], block = [256, 1], shared = 49152, regs = 128>
// CHECK-NEXT: tessera_target.return
tessera_target.kernel @optimized_flash_attention(%q: memref<?xf16>, %n: i64)
    config = #tessera_target.kernel_config<grid = [128, 64], block = [256, 1], shared = 49152, regs = 128> {
  tessera_target.return
}

// Shared memory and registers default to 0 and are then not printed.
// CHECK-LABEL: tessera_target.kernel @defaults
// CHECK-SAME: config = #tessera_target.kernel_config<grid = [4], block = [128]> attributes {tessera.note = "x"}
tessera_target.kernel @defaults() config = #tessera_target.kernel_config<grid = [4], block = [128]> attributes {tessera.note = "x"} {
  tessera_target.return
}

// A kernel without a config takes its launch configuration from the plan.
// CHECK-LABEL: tessera_target.kernel @unconfigured
// CHECK-NOT: config
// CHECK: tessera_target.return
tessera_target.kernel @unconfigured(%x: memref<16xf32>) {
  tessera_target.return
}

// Entries may come in any order; they print in canonical order.
// CHECK-LABEL: tessera_target.kernel @reordered
// CHECK-SAME: config = #tessera_target.kernel_config<grid = [2, 2, 2], block = [32, 4, 2], regs = 64>
tessera_target.kernel @reordered() config = #tessera_target.kernel_config<regs = 64, block = [32, 4, 2], grid = [2, 2, 2]> {
  tessera_target.return
}

// A declaration (no body) is private, as for func.func.
// CHECK-LABEL: tessera_target.kernel private @external
// CHECK-SAME: (memref<16xf32>)
// CHECK-NOT: {
tessera_target.kernel private @external(memref<16xf32>)

// CHECK-LABEL: func.func @host
func.func @host(%a: memref<?x?xf32>, %n: index) -> memref<?x?xf32> {
  // CHECK: %[[T:.*]] = tessera_target.allocate(%{{.*}}, %{{.*}}) : memref<?x?xf32>
  %t = tessera_target.allocate(%n, %n) : memref<?x?xf32>
  // CHECK: tessera_target.allocate() zero_initialize : memref<64xf32>
  %z = tessera_target.allocate() zero_initialize : memref<64xf32>
  // CHECK: tessera_target.launch @scale grid(%{{.*}}) block = [256] args(%{{.*}}, %{{.*}} : memref<?x?xf32>, index)
  tessera_target.launch @scale grid(%n) block = [256] args(%a, %n : memref<?x?xf32>, index)
  // CHECK: tessera_target.launch @scale grid(%{{.*}}, %{{.*}}) block = [16, 16] shared = 1024 args(%{{.*}}, %{{.*}} : memref<?x?xf32>, index)
  tessera_target.launch @scale grid(%n, %n) block = [16, 16] shared = 1024 args(%t, %n : memref<?x?xf32>, index)
  return %t : memref<?x?xf32>
}

// CHECK-LABEL: tessera_target.kernel @scale
tessera_target.kernel @scale(%x: memref<?xf32>, %n: index) {
  tessera_target.return
}

// CHECK-LABEL: func.func @require
// CHECK: tessera_target.require_equal %{{.*}}, %{{.*}}, "'tessera_graph.matmul' contraction dimension of lhs and rhs"
func.func @require(%a: index, %b: index) {
  tessera_target.require_equal %a, %b, "'tessera_graph.matmul' contraction dimension of lhs and rhs"
  return
}
