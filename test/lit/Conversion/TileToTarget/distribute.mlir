// RUN: tessera-opt %s -split-input-file -verify-diagnostics --convert-tessera-tile-to-target | FileCheck %s

// Register tiles are distributed over the block's threads: each thread
// holds its elements as scalars. 4 warps x 32 lanes x 1 element spread a
// 256-element tile: thread t (warp w = t / 32, lane l = t % 32) holds
// elements 64 w + l and 64 w + l + 32. A tile that lies wholly in bounds
// (one uniform test) loads and stores without masks; another masks each
// element.
#b = #tessera_tile.blocked<warps = [4], threads = [32], per_thread = [1]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @copy_scale(
// CHECK-SAME: %[[X:.*]]: memref<?xf32, strided<[1]>>, %[[Y:.*]]: memref<?xf32, strided<[1]>>, %[[I:.*]]: index)
// CHECK: %[[N:.*]] = memref.dim %[[X]], %c0
// CHECK: %[[TID:.*]] = gpu.thread_id x
// CHECK: %[[LANE:.*]] = arith.remui %[[TID]], %c32
// CHECK: %[[WARP:.*]] = arith.divui %[[TID]], %c32
// CHECK: %[[WBASE:.*]] = arith.muli %[[WARP]], %c64
// CHECK: %[[T:.*]] = arith.addi %[[WBASE]], %{{.*}}
// CHECK: %[[E0:.*]] = arith.addi %[[T]], %[[I]]
// CHECK: %[[END:.*]] = arith.addi %[[I]], %c256
// CHECK: %[[WHOLE:.*]] = arith.cmpi ule, %[[END]], %[[N]]
// CHECK: %[[V:.*]]:2 = scf.if %[[WHOLE]] -> (f32, f32) {
// CHECK:   %[[U0:.*]] = memref.load %[[X]][%[[E0]]]
// CHECK:   %[[U1:.*]] = memref.load %[[X]][%{{.*}}]
// CHECK:   scf.yield %[[U0]], %[[U1]]
// Else, where the tile's first element is in bounds, an element past the
// bounds loads the first element's address and selects zero.
// CHECK: } else {
// CHECK:   %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:   %[[FIRST:.*]] = arith.cmpi ult, %[[I]], %[[N]]
// CHECK:   %[[M:.*]]:2 = scf.if %[[FIRST]] -> (f32, f32) {
// CHECK:     %[[IN0:.*]] = arith.cmpi ult, %[[E0]], %[[N]]
// CHECK:     %[[A0:.*]] = arith.select %[[IN0]], %[[E0]], %[[I]] : index
// CHECK:     %[[L0:.*]] = memref.load %[[X]][%[[A0]]]
// CHECK:     %[[M0:.*]] = arith.select %[[IN0]], %[[L0]], %[[ZERO]] : f32
// CHECK:     %[[E1:.*]] = arith.addi %[[E0]], %c32
// CHECK:     %[[IN1:.*]] = arith.cmpi ult, %[[E1]], %[[N]]
// CHECK:     %[[A1:.*]] = arith.select %[[IN1]], %[[E1]], %[[I]] : index
// CHECK:     %[[L1:.*]] = memref.load %[[X]][%[[A1]]]
// CHECK:     %[[M1:.*]] = arith.select %[[IN1]], %[[L1]], %[[ZERO]] : f32
// CHECK:     scf.yield %[[M0]], %[[M1]]
// CHECK:   } else {
// CHECK:     scf.yield %[[ZERO]], %[[ZERO]]
// CHECK:   scf.yield %[[M]]#0, %[[M]]#1
// The map's body, once per element.
// CHECK: %[[W0:.*]] = arith.mulf %[[V]]#0, %[[V]]#0 : f32
// CHECK: %[[W1:.*]] = arith.mulf %[[V]]#1, %[[V]]#1 : f32
// Stores: unmasked in a whole tile, masked in another.
// CHECK: scf.if %{{.*}} {
// CHECK:   memref.store %[[W0]], %[[Y]][%{{.*}}]
// CHECK:   memref.store %[[W1]], %[[Y]][%{{.*}}]
// CHECK: } else {
// CHECK:   scf.if %{{.*}} {
// CHECK:     memref.store %[[W0]], %[[Y]][%{{.*}}]
// CHECK:   scf.if %{{.*}} {
// CHECK:     memref.store %[[W1]], %[[Y]][%{{.*}}]
// CHECK-NOT: tessera_tile
tessera_target.kernel @copy_scale(%x: memref<?xf32, strided<[1]>>, %y: memref<?xf32, strided<[1]>>, %i: index) {
  %t = tessera_tile.load_tile %x[%i] : memref<?xf32, strided<[1]>> -> tensor<256xf32, #b>
  %s = tessera_tile.map ins(%t : tensor<256xf32, #b>) {
  ^bb0(%e: f32):
    %m = arith.mulf %e, %e : f32
    tessera_tile.map_yield %m : f32
  } -> tensor<256xf32, #b>
  tessera_tile.store_tile %s, %y[%i] : tensor<256xf32, #b>, memref<?xf32, strided<[1]>>
  tessera_target.return
}
}

// -----

// A box declared in_bounds loads and stores without masks or a bounds test.
#b = #tessera_tile.blocked<warps = [4], threads = [32], per_thread = [1]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @in_bounds(
// CHECK-SAME: %[[X:.*]]: memref<?xf32, strided<[1]>>, %[[Y:.*]]: memref<?xf32, strided<[1]>>, %[[I:.*]]: index)
// CHECK-NOT: scf.if
// CHECK: %[[V0:.*]] = memref.load %[[X]][%[[E0:.*]]]
// CHECK: %[[V1:.*]] = memref.load %[[X]][%{{.*}}]
// CHECK-NOT: scf.if
// CHECK: memref.store %[[V0]], %[[Y]][%{{.*}}]
// CHECK: memref.store %[[V1]], %[[Y]][%{{.*}}]
// CHECK-NOT: scf.if
tessera_target.kernel @in_bounds(%x: memref<?xf32, strided<[1]>>, %y: memref<?xf32, strided<[1]>>, %i: index) {
  %t = tessera_tile.load_tile %x[%i] in_bounds : memref<?xf32, strided<[1]>> -> tensor<256xf32, #b>
  tessera_tile.store_tile %t, %y[%i] in_bounds : tensor<256xf32, #b>, memref<?xf32, strided<[1]>>
  tessera_target.return
}
}

// -----

// in_bounds with vector groups: only the alignment is tested; an unaligned
// box loads scalars, still without masks.
#v = #tessera_tile.blocked<warps = [4], threads = [32], per_thread = [4]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @in_bounds_vector(
// CHECK-NOT: arith.cmpi ule
// CHECK: %[[REM:.*]] = arith.remui %{{.*}}, %c16
// CHECK: %[[ALIGNED:.*]] = arith.cmpi eq, %[[REM]]
// CHECK: scf.if %[[ALIGNED]] -> (f32, f32, f32, f32) {
// CHECK:   vector.load
// CHECK: } else {
// CHECK-COUNT-4: memref.load
// CHECK-NOT: scf.if
// CHECK: tessera_target.return
tessera_target.kernel @in_bounds_vector(%x: memref<?xf32, strided<[1]>>, %i: index) {
  %t = tessera_tile.load_tile %x[%i] in_bounds : memref<?xf32, strided<[1]>> -> tensor<512xf32, #v>
  tessera_target.return
}
}

// -----

// A slice stored in_bounds is still stored by its first holder only.
#b = #tessera_tile.blocked<warps = [1, 4], threads = [1, 32], per_thread = [1, 1]>
#row = #tessera_tile.slice<dim = 1, parent = #b>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @in_bounds_slice(
// CHECK: %[[SUM:.*]] = gpu.all_reduce add
// CHECK: %[[W0:.*]] = arith.cmpi eq, %{{.*}}, %c0
// CHECK: %[[L0:.*]] = arith.cmpi eq, %{{.*}}, %c0
// CHECK: %[[OWNER:.*]] = arith.andi %[[W0]], %[[L0]]
// CHECK: scf.if %[[OWNER]] {
// CHECK:   memref.store %[[SUM]]
tessera_target.kernel @in_bounds_slice(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %y: memref<?xf32, strided<[1]>>, %i: index) {
  %c0 = arith.constant 0 : index
  %a = tessera_tile.load_tile %x[%i, %c0] in_bounds : memref<?x?xf32, strided<[?, 1], offset: ?>> -> tensor<1x128xf32, #b>
  %t = tessera_tile.reduce add %a axis 1 : tensor<1x128xf32, #b> -> tensor<1xf32, #row>
  tessera_tile.store_tile %t, %y[%i] in_bounds : tensor<1xf32, #row>, memref<?xf32, strided<[1]>>
  tessera_target.return
}
}

// -----

// A 2-d box across an edge: where its first element is in bounds in both
// dims, each element clamps each coordinate to the first element's.
#m = #tessera_tile.blocked<warps = [2, 1], threads = [4, 8], per_thread = [1, 1]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @masked_2d(
// CHECK-SAME: %[[X:.*]]: memref<?x?xf32, strided<[?, 1], offset: ?>>, %[[I:.*]]: index, %[[J:.*]]: index)
// CHECK: } else {
// CHECK:   %[[FI:.*]] = arith.cmpi ult, %[[I]], %{{.*}}
// CHECK:   %[[FJ:.*]] = arith.cmpi ult, %[[J]], %{{.*}}
// CHECK:   %[[FIRST:.*]] = arith.andi %[[FI]], %[[FJ]]
// CHECK:   scf.if %[[FIRST]] -> (f32) {
// CHECK:     %[[IN:.*]] = arith.andi
// CHECK:     %[[R:.*]] = arith.select %[[IN]], %{{.*}}, %[[I]] : index
// CHECK:     %[[C:.*]] = arith.select %[[IN]], %{{.*}}, %[[J]] : index
// CHECK:     %[[V:.*]] = memref.load %[[X]][%[[R]], %[[C]]]
// CHECK:     arith.select %[[IN]], %[[V]], %{{.*}} : f32
tessera_target.kernel @masked_2d(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index, %j: index) {
  %t = tessera_tile.load_tile %x[%i, %j] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> tensor<8x8xf32, #m>
  tessera_target.return
}
}

// -----

// Gathers are masked at the source's size; arith on tiles and splats apply
// per element.
#b = #tessera_tile.blocked<warps = [2], threads = [32], per_thread = [1]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @gather(
// CHECK-SAME: %[[S:.*]]: memref<?xf16, strided<[1]>>, %[[K:.*]]: index)
// CHECK: %[[P0:.*]] = arith.index_cast %{{.*}} : i32 to index
// CHECK: %[[O0:.*]] = arith.muli %[[P0]], %[[K]] : index
// CHECK: %[[N:.*]] = memref.dim %[[S]], %c0
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[O0]], %[[N]]
// CHECK: scf.if %[[IN]] -> (f16) {
// CHECK:   memref.load %[[S]][%[[O0]]]
tessera_target.kernel @gather(%s: memref<?xf16, strided<[1]>>, %k: index) {
  %r = tessera_tile.range 0 to 64 : tensor<64xi32, #b>
  %p = arith.index_cast %r : tensor<64xi32, #b> to tensor<64xindex, #b>
  %ks = tensor.splat %k : tensor<64xindex, #b>
  %o = arith.muli %p, %ks : tensor<64xindex, #b>
  %g = tessera_tile.gather %s[%o] : memref<?xf16, strided<[1]>>, tensor<64xindex, #b> -> tensor<64xf16, #b>
  tessera_target.return
}
}

// -----

// A row held by the whole block reduces with gpu.all_reduce (after each
// thread combines its elements); broadcast gives each element its row's
// value back.
#b = #tessera_tile.blocked<warps = [1, 4], threads = [1, 32], per_thread = [1, 2]>
#row = #tessera_tile.slice<dim = 1, parent = #b>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @row_max(
// CHECK-COUNT-2: vector.load
// CHECK-COUNT-4: memref.load
// CHECK: %[[M01:.*]] = arith.maximumf %{{.*}}, %{{.*}} : f32
// CHECK: %[[M012:.*]] = arith.maximumf %[[M01]], %{{.*}} : f32
// CHECK: %[[MT:.*]] = arith.maximumf %[[M012]], %{{.*}} : f32
// CHECK: %[[M:.*]] = gpu.all_reduce maximumf %[[MT]] uniform {
// CHECK-COUNT-4: arith.subf %{{.*}}, %[[M]] : f32
tessera_target.kernel @row_max(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %r: index) {
  %c0 = arith.constant 0 : index
  %t = tessera_tile.load_tile %x[%r, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> tensor<1x512xf32, #b>
  %m = tessera_tile.reduce max %t axis 1 : tensor<1x512xf32, #b> -> tensor<1xf32, #row>
  %mb = tessera_tile.broadcast %m axis 1 : tensor<1xf32, #row> -> tensor<1x512xf32, #b>
  %d = arith.subf %t, %mb : tensor<1x512xf32, #b>
  tessera_target.return
}
}

// -----

// Rows held by a warp's lanes reduce with xor shuffles of the chip's warp
// width: here each row is spread over 8 lanes (lane stride 1), 4 rows per
// warp; a row held by one thread needs no shuffle.
#b = #tessera_tile.blocked<warps = [2, 1], threads = [4, 8], per_thread = [1, 1]>
#row = #tessera_tile.slice<dim = 1, parent = #b>
#col = #tessera_tile.slice<dim = 0, parent = #b>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @lanes(
// CHECK: gpu.shuffle xor %{{.*}}, %c1_i32, %c32_i32
// CHECK: gpu.shuffle xor %{{.*}}, %c2_i32, %c32_i32
// CHECK: gpu.shuffle xor %{{.*}}, %c4_i32, %c32_i32
// CHECK-NOT: gpu.shuffle
tessera_target.kernel @lanes(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>) {
  %c0 = arith.constant 0 : index
  %t = tessera_tile.load_tile %x[%c0, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> tensor<8x8xf32, #b>
  %s = tessera_tile.reduce add %t axis 1 : tensor<8x8xf32, #b> -> tensor<8xf32, #row>
  tessera_target.return
}
}

// -----

#b = #tessera_tile.blocked<warps = [4], threads = [32], per_thread = [1]>
tessera_target.kernel @no_chip(%x: memref<?xf32>, %i: index) {
  // expected-error @+1 {{works on register tiles, whose distribution over threads depends on the warp size: the module needs a #tessera_target.chip (tessera-target-set-chip)}}
  %t = tessera_tile.load_tile %x[%i] : memref<?xf32> -> tensor<128xf32, #b>
  tessera_target.return
}

// -----

#b = #tessera_tile.blocked<warps = [4]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @unpinned(%x: memref<?xf32>, %i: index) {
  // expected-error @+1 {{has a tile of encoding #tessera_tile.blocked<warps = [4]> without threads and per_thread: the lowering does not choose a distribution yet}}
  %t = tessera_tile.load_tile %x[%i] : memref<?xf32> -> tensor<128xf32, #b>
  tessera_target.return
}
}

// -----

#b = #tessera_tile.blocked<warps = [2], threads = [32], per_thread = [1]>
module attributes {tessera_target.chip = #tessera_target.chip<"gfx942">} {
tessera_target.kernel @wave64(%x: memref<?xf32>, %i: index) {
  // expected-error @+1 {{has a tile of encoding #tessera_tile.blocked<warps = [2], threads = [32], per_thread = [1]> whose threads hold 32 lanes, but a warp of the chip has 64}}
  %t = tessera_tile.load_tile %x[%i] : memref<?xf32> -> tensor<128xf32, #b>
  tessera_target.return
}
}

// -----

// Rows split over warps as well as lanes (other warps split the columns):
// lanes combine by xor shuffles, then the first lane of each warp along the
// row writes its partial to shared memory, and after a barrier every thread
// combines the warps' partials of its rows.
#b = #tessera_tile.blocked<warps = [2, 2], threads = [4, 8], per_thread = [1, 1]>
#row = #tessera_tile.slice<dim = 1, parent = #b>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @across_warps(
// CHECK: gpu.shuffle xor %{{.*}}, %c1_i32, %c32_i32
// CHECK: gpu.shuffle xor %{{.*}}, %c2_i32, %c32_i32
// CHECK: gpu.shuffle xor %{{.*}}, %c4_i32, %c32_i32
// CHECK: %[[SCRATCH:.*]] = tessera_tile.alloc_shared : memref<16xf32, #gpu.address_space<workgroup>>
// CHECK: scf.if %{{.*}} {
// CHECK:   memref.store %{{.*}}, %[[SCRATCH]][%{{.*}}]
// CHECK: gpu.barrier
// CHECK: %[[P0:.*]] = memref.load %[[SCRATCH]][%[[R:.*]]]
// CHECK: %[[R1:.*]] = arith.addi %[[R]], %c8
// CHECK: %[[P1:.*]] = memref.load %[[SCRATCH]][%[[R1]]]
// CHECK: arith.addf %[[P0]], %[[P1]]
// CHECK: gpu.barrier
tessera_target.kernel @across_warps(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>) {
  %c0 = arith.constant 0 : index
  %t = tessera_tile.load_tile %x[%c0, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> tensor<8x16xf32, #b>
  %s = tessera_tile.reduce add %t axis 1 : tensor<8x16xf32, #b> -> tensor<8xf32, #row>
  tessera_target.return
}
}

// -----

#b = #tessera_tile.blocked<warps = [4], threads = [32], per_thread = [1]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @through(%x: memref<?xf16>, %i: index, %t: tensor<128xf16, #b>, %s: !tessera_tile.smem<128xf16>) {
  // expected-error @+1 {{stores through shared memory, which the lowering of blocked tiles does not do yet}}
  tessera_tile.store_tile %t, %x[%i] through %s : tensor<128xf16, #b>, memref<?xf16>, !tessera_tile.smem<128xf16>
  tessera_target.return
}
}

// -----

// per_thread = 4 contiguous f32 along a unit-stride dimension: one uniform
// choice per tile. Where the tile's whole box [i, i + 256) is in bounds and
// its first element 16-byte aligned, one 16-byte vector access per group,
// without masks; elsewhere every element masked.
#b = #tessera_tile.blocked<warps = [1], threads = [32], per_thread = [4]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @vector4(
// CHECK-SAME: %[[X:.*]]: memref<?xf32, strided<[1], offset: ?>>, %[[I:.*]]: index)
// CHECK: %[[N:.*]] = memref.dim %[[X]], %c0
// CHECK: %[[PTR:.*]] = memref.extract_aligned_pointer_as_index %[[X]]
// CHECK: %{{.*}}, %[[OFF:.*]], %{{.*}}, %{{.*}} = memref.extract_strided_metadata %[[X]]
// CHECK: %[[END:.*]] = arith.addi %[[I]], %c256
// CHECK: %[[IN:.*]] = arith.cmpi ule, %[[END]], %[[N]]
// CHECK: %[[ADDR:.*]] = arith.addi %[[PTR]], %{{.*}}
// CHECK: %[[MIS:.*]] = arith.remui %[[ADDR]], %c16
// CHECK: %[[AL:.*]] = arith.cmpi eq, %[[MIS]], %c0
// CHECK: %[[WHOLE:.*]] = arith.andi %[[IN]], %[[AL]]
// CHECK: %{{.*}}:8 = scf.if %[[WHOLE]] -> (f32, f32, f32, f32, f32, f32, f32, f32) {
// CHECK-COUNT-2: vector.load %[[X]][%{{.*}}] {alignment = 16 : i64} : memref<?xf32, strided<[1], offset: ?>>, vector<4xf32>
// CHECK: } else {
// CHECK-COUNT-8: memref.load
// CHECK: scf.if %{{.*}} {
// CHECK-COUNT-2: vector.store %{{.*}}, %[[X]][%{{.*}}] {alignment = 16 : i64}
// CHECK: } else {
// CHECK-COUNT-8: memref.store
tessera_target.kernel @vector4(%x: memref<?xf32, strided<[1], offset: ?>>, %i: index) {
  %t = tessera_tile.load_tile %x[%i] : memref<?xf32, strided<[1], offset: ?>> -> tensor<256xf32, #b>
  tessera_tile.store_tile %t, %x[%i] : tensor<256xf32, #b>, memref<?xf32, strided<[1], offset: ?>>
  tessera_target.return
}
}

// -----

// A reduced row is held by every thread that held part of it; only the
// first of them (warp and lane coordinate 0 along the removed dimension)
// stores it.
#b = #tessera_tile.blocked<warps = [1, 4], threads = [1, 32], per_thread = [1, 1]>
#row = #tessera_tile.slice<dim = 1, parent = #b>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @store_row(
// CHECK: %[[S:.*]] = gpu.all_reduce add
// CHECK: gpu.thread_id x
// CHECK: %[[TID:.*]] = gpu.thread_id x
// CHECK: %[[LANE:.*]] = arith.remui %[[TID]], %c32
// CHECK: %[[WARP:.*]] = arith.divui %[[TID]], %c32
// CHECK: %[[WC:.*]] = arith.remui %[[WARP]], %c4
// CHECK: %[[LC:.*]] = arith.remui %[[LANE]], %c32
// CHECK: %[[W0:.*]] = arith.cmpi eq, %[[WC]], %{{.*}}
// CHECK: %[[L0:.*]] = arith.cmpi eq, %[[LC]], %{{.*}}
// CHECK: %[[OWNER:.*]] = arith.andi %[[W0]], %[[L0]]
// CHECK: %[[IN:.*]] = arith.cmpi ult
// CHECK: %[[MASK:.*]] = arith.andi %[[OWNER]], %[[IN]]
// CHECK: scf.if %[[MASK]] {
// CHECK:   memref.store %[[S]]
tessera_target.kernel @store_row(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %y: memref<?xf32, strided<[1], offset: ?>>, %r: index) {
  %c0 = arith.constant 0 : index
  %t = tessera_tile.load_tile %x[%r, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> tensor<1x128xf32, #b>
  %s = tessera_tile.reduce add %t axis 1 : tensor<1x128xf32, #b> -> tensor<1xf32, #row>
  tessera_tile.store_tile %s, %y[%r] : tensor<1xf32, #row>, memref<?xf32, strided<[1], offset: ?>>
  tessera_target.return
}
}

// -----

// A tile's warps are the block's.
#b = #tessera_tile.blocked<warps = [2], threads = [32], per_thread = [1]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @too_few_warps(%x: memref<?xf32>, %i: index) config = #tessera_target.kernel_config<grid = [1], block = [256]> {
  // expected-error @+1 {{has a tile of encoding #tessera_tile.blocked<warps = [2], threads = [32], per_thread = [1]> spread over 2 warps of 32 lanes, but the kernel's block has 256 threads}}
  %t = tessera_tile.load_tile %x[%i] : memref<?xf32> -> tensor<128xf32, #b>
  tessera_target.return
}
}

// -----

// A tile through shared memory: the store writes each thread's elements at
// the padded buffer's addresses between two barriers (earlier reads done,
// data visible); the load through a transposed view reads element [i, j] at
// j * (32 + 4) + i. convert_layout goes through a scratch buffer (rows padded
// by one element) the same way.
#rows = #tessera_tile.blocked<warps = [4, 1], threads = [4, 8], per_thread = [1, 4]>
#cols = #tessera_tile.blocked<warps = [1, 4], threads = [32, 1], per_thread = [1, 1]>
#pad = #tessera_tile.smem_layout<pad = 4>
#padt = #tessera_tile.smem_layout<pad = 4, transposed = true>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @through_shared
// CHECK: scf.if
// CHECK: gpu.barrier
// CHECK-COUNT-8: memref.store
// CHECK: gpu.barrier
// CHECK: arith.constant 36 : index
// CHECK-COUNT-8: memref.load
// CHECK: tessera_tile.alloc_shared : memref<1056xf32, #gpu.address_space<workgroup>>
// CHECK: gpu.barrier
// CHECK-COUNT-8: memref.store
// CHECK: gpu.barrier
// CHECK-COUNT-8: memref.load
// CHECK-NOT: tessera_tile.{{(local|convert|trans)}}
tessera_target.kernel @through_shared(%x: memref<?x?xf32, strided<[?, 1]>>, %i: index)
    config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  %t = tessera_tile.load_tile %x[%i, %i] : memref<?x?xf32, strided<[?, 1]>> -> tensor<32x32xf32, #rows>
  %s = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<32x32xf32, #pad>
  tessera_tile.local_store %t, %s : tensor<32x32xf32, #rows>, !tessera_tile.smem<32x32xf32, #pad>
  %st = tessera_tile.trans %s : !tessera_tile.smem<32x32xf32, #pad> -> !tessera_tile.smem<32x32xf32, #padt>
  %u = tessera_tile.local_load %st : !tessera_tile.smem<32x32xf32, #padt> -> tensor<32x32xf32, #rows>
  %v = tessera_tile.convert_layout %u : tensor<32x32xf32, #rows> -> tensor<32x32xf32, #cols>
  tessera_tile.store_tile %v, %x[%i, %i] : tensor<32x32xf32, #cols>, memref<?x?xf32, strided<[?, 1]>>
  tessera_target.return
}
}


// -----

// A box of a shared buffer: the box's origin moves every element's row and
// column (here rows %r + warp, columns lane and lane + 32 of rows padded to
// 72 floats).
// CHECK-LABEL: tessera_target.kernel @band
// CHECK: %[[ROW:.*]] = arith.addi %{{.*}}, %arg0 : index
// CHECK: %[[COL:.*]] = arith.addi %{{.*}}, %c0 : index
// CHECK: arith.muli %[[ROW]], %c72
// CHECK-COUNT-2: memref.load
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
tessera_target.kernel @band(%r: index) config = #tessera_target.kernel_config<grid = [1], block = [256]> {
  %c0 = arith.constant 0 : index
  %s = tessera_tile.local_alloc offset 0 : !tessera_tile.smem<64x64xf32, #tessera_tile.smem_layout<pad = 8>>
  %t = tessera_tile.local_load %s[%r, %c0] : !tessera_tile.smem<64x64xf32, #tessera_tile.smem_layout<pad = 8>> -> tensor<8x64xf32, #tessera_tile.blocked<warps = [8, 1], threads = [1, 32], per_thread = [1, 1]>>
  tessera_target.return
}
}

// -----

// cluster_reduce: the block's value to a shared buffer, a cluster barrier,
// every rank's buffer read through distributed shared memory (mapa) and
// combined from rank 0 up, a second barrier before the buffer is reused.
#b = #tessera_tile.blocked<warps = [1, 4], threads = [1, 32], per_thread = [1, 2]>
#row = #tessera_tile.slice<dim = 1, parent = #b>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @cluster_sum(
// CHECK: %[[M:.*]] = gpu.all_reduce add
// CHECK: %[[BUF:.*]] = tessera_tile.alloc_shared : memref<1xf32, #gpu.address_space<workgroup>>
// CHECK: memref.store %[[M]], %[[BUF]]
// CHECK-NEXT: nvvm.cluster.arrive
// CHECK-NEXT: nvvm.cluster.wait
// CHECK: memref.extract_aligned_pointer_as_index %[[BUF]]
// CHECK: %[[P:.*]] = llvm.inttoptr %{{.*}} : i64 to !llvm.ptr<3>
// CHECK: %[[R0:.*]] = nvvm.mapa %[[P]], %{{.*}} : !llvm.ptr<3> -> !llvm.ptr<7>
// CHECK: %[[V0:.*]] = llvm.load %[[R0]] : !llvm.ptr<7> -> f32
// CHECK: %[[R1:.*]] = nvvm.mapa %[[P]], %{{.*}} : !llvm.ptr<3> -> !llvm.ptr<7>
// CHECK: %[[V1:.*]] = llvm.load %[[R1]] : !llvm.ptr<7> -> f32
// CHECK: %[[S:.*]] = arith.addf %[[V0]], %[[V1]] : f32
// CHECK-NEXT: nvvm.cluster.arrive
// CHECK-NEXT: nvvm.cluster.wait
// CHECK: memref.store %[[S]]
tessera_target.kernel @cluster_sum(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %y: memref<?xf32, strided<[1]>>, %r: index) attributes {tessera.cluster = 2 : i64} {
  %c0 = arith.constant 0 : index
  %t = tessera_tile.load_tile %x[%r, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> tensor<1x256xf32, #b>
  %m = tessera_tile.reduce add %t axis 1 : tensor<1x256xf32, #b> -> tensor<1xf32, #row>
  %s = tessera_tile.cluster_reduce add %m : tensor<1xf32, #row>
  tessera_tile.store_tile %s, %y[%r] in_bounds : tensor<1xf32, #row>, memref<?xf32, strided<[1]>>
  tessera_target.return
}
}
