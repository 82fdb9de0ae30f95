// A complete matmul block program in the block-level ops: C = A * B for
// one 64x128 tile of C per block, with a row maximum of the tile as a second
// output. It round-trips, and the two Tile IR passes turn its K loop into a
// 3-stage pipeline and place its shared buffers.
//
// RUN: tessera-opt %s | tessera-opt | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: tessera-opt %s -tessera-tile-pipeline -canonicalize -cse -tessera-tile-allocate-shared | FileCheck %s

#swz = #tessera_tile.smem_layout<swizzle = 128>
#mma = #tessera_tile.mma<kind = wgmma, m = 64, n = 128, k = 16>
// One warpgroup holds the 64x128 f32 accumulator in wgmma's fragments.
#acc = #tessera_tile.mma_acc<mma = #mma, warps = [4, 1]>
#row = #tessera_tile.slice<dim = 1, parent = #acc>
!a_box = !tessera_tile.smem<64x64xf16, #swz>
!b_box = !tessera_tile.smem<64x128xf16, #swz>

// ROUNDTRIP-LABEL: tessera_target.kernel @matmul
// ROUNDTRIP: scf.for
// ROUNDTRIP: tessera_tile.box_copy
// ROUNDTRIP: tessera_tile.dot
// ROUNDTRIP: {tessera_tile.stages = 3 : i64}
// ROUNDTRIP: tessera_tile.reduce max
// ROUNDTRIP: tessera_tile.store_tile {{.*}} through

// The allocator reuses the rings' bytes for the epilogue's staging buffer:
// A's ring (24 KiB) and B's ring (48 KiB) are live in the loop, the staging
// buffer (32 KiB) only after it.
// CHECK-LABEL: tessera_target.kernel @matmul
// CHECK-SAME: config = #tessera_target.kernel_config<grid = [16, 8], block = [128], shared = 74736>
// CHECK: %[[RA:.*]] = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<3x64x64xf16, #smem_layout>
// CHECK: %[[RB:.*]] = tessera_tile.local_alloc offset 24576 : !tessera_tile.smem<3x64x128xf16, #smem_layout>
// CHECK-COUNT-4: tessera_tile.box_copy
// CHECK: scf.for
// CHECK: tessera_tile.wait %{{.*}}, %{{.*}} pending 2
// CHECK: tessera_tile.box_copy
// CHECK: tessera_tile.box_copy
// CHECK: tessera_tile.dot %{{.*}}, %{{.*}}, %{{.*}} {mma = #mma}
// CHECK: scf.yield
// CHECK: tessera_tile.reduce max
// CHECK: %[[STAGE:.*]] = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<64x128xf32>
// CHECK: tessera_tile.store_tile %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] through %[[STAGE]]
tessera_target.kernel @matmul(%a: memref<?xf16>, %b: memref<?xf16>,
                              %c: memref<?xf32>, %rowmax: memref<?xf32>,
                              %m: index, %n: index, %k: index)
    config = #tessera_target.kernel_config<grid = [16, 8], block = [128]> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  // The flat buffers as 2-d tensors; their dims bound the ragged edges.
  %A = memref.reinterpret_cast %a to offset: [0], sizes: [%m, %k], strides: [%k, 1]
      : memref<?xf16> to memref<?x?xf16, strided<[?, 1]>>
  %B = memref.reinterpret_cast %b to offset: [0], sizes: [%k, %n], strides: [%n, 1]
      : memref<?xf16> to memref<?x?xf16, strided<[?, 1]>>
  %C = memref.reinterpret_cast %c to offset: [0], sizes: [%m, %n], strides: [%n, 1]
      : memref<?xf32> to memref<?x?xf32, strided<[?, 1]>>
  %pm = tessera_tile.program_id 0
  %pn = tessera_tile.program_id 1
  %row0 = arith.muli %pm, %c64 : index
  %col0 = arith.muli %pn, %c128 : index

  // K loop: copy a 64x64 box of A and a 64x128 box of B (zero-filled past
  // K), wait, multiply-accumulate. The pass expands it into 3 stages.
  %kt = arith.ceildivui %k, %c64 : index
  %zero = arith.constant dense<0.0> : tensor<64x128xf32, #acc>
  %d = scf.for %kb = %c0 to %kt step %c1 iter_args(%sum = %zero) -> tensor<64x128xf32, #acc> {
    %k0 = arith.muli %kb, %c64 : index
    %sa = tessera_tile.local_alloc : !a_box
    %ta = tessera_tile.box_copy %A[%row0, %k0], %sa
        : memref<?x?xf16, strided<[?, 1]>>, !a_box -> !tessera_tile.async_token
    %sb = tessera_tile.local_alloc : !b_box
    %tb = tessera_tile.box_copy %B[%k0, %col0], %sb
        : memref<?x?xf16, strided<[?, 1]>>, !b_box -> !tessera_tile.async_token
    tessera_tile.wait %ta, %tb
    %next = tessera_tile.dot %sa, %sb, %sum {mma = #mma}
        : !a_box, !b_box -> tensor<64x128xf32, #acc>
    scf.yield %next : tensor<64x128xf32, #acc>
  } {tessera_tile.stages = 3}

  // Epilogue: the row maximum, and the tile itself, stored through shared
  // memory; both masked at M and N.
  %mx = tessera_tile.reduce max %d axis 1
      : tensor<64x128xf32, #acc> -> tensor<64xf32, #row>
  %RM = memref.reinterpret_cast %rowmax to offset: [0], sizes: [%m], strides: [1]
      : memref<?xf32> to memref<?xf32, strided<[1]>>
  tessera_tile.store_tile %mx, %RM[%row0]
      : tensor<64xf32, #row>, memref<?xf32, strided<[1]>>
  %stage = tessera_tile.local_alloc : !tessera_tile.smem<64x128xf32>
  tessera_tile.store_tile %d, %C[%row0, %col0] through %stage
      : tensor<64x128xf32, #acc>, memref<?x?xf32, strided<[?, 1]>>,
        !tessera_tile.smem<64x128xf32>
  tessera_target.return
}
