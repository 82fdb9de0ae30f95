// RUN: tessera-opt %s | tessera-opt | FileCheck %s
// RUN: tessera-opt %s -mlir-print-op-generic | tessera-opt | FileCheck %s

// CHECK-LABEL: func.func @block
func.func @block() -> index {
  // CHECK: %[[PID:.*]] = tessera_tile.program_id 0
  %pid = tessera_tile.program_id 0
  // CHECK: tessera_tile.program_id 2
  %pid2 = tessera_tile.program_id 2
  // CHECK: tessera_tile.alloc_shared : memref<128x32xf16, #gpu.address_space<workgroup>>
  %smem = tessera_tile.alloc_shared : memref<128x32xf16, #gpu.address_space<workgroup>>
  // CHECK: tessera_tile.barrier
  tessera_tile.barrier
  // CHECK: return %[[PID]]
  return %pid : index
}
