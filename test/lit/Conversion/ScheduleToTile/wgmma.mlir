// RUN: tessera-opt %s --pass-pipeline='builtin.module(func.func(tessera-schedule-assign{chip=sm_90}),convert-tessera-schedule-to-tile)' | FileCheck %s

// On Hopper the default matmul schedule is wgmma with TMA (128x256x64
// tiles, two warpgroups, three stages).
//
// Host: a tensor map for each operand (the lhs as [batch, M, K] in
// 1x128x64 boxes, the rhs as [K, N] in 64x64 boxes, 128-byte swizzle), each
// passed with its `valid` flag.
// CHECK-LABEL: func.func @gemm
// One flat grid: tiles of N, tiles of M, batch entries (no 65535 limit).
// CHECK: %[[NT:.*]] = arith.ceildivui %{{.*}}, %c256
// CHECK: %[[MT:.*]] = arith.ceildivui %{{.*}}, %c128
// CHECK: %[[NM:.*]] = arith.muli %[[NT]], %[[MT]]
// CHECK: %[[G:.*]] = arith.muli %[[NM]], %{{.*}}
// CHECK: %[[A:.*]], %[[AV:.*]] = tessera_target.tensor_map %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] : memref<?x?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<1x128x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
// CHECK: %[[B:.*]], %[[BV:.*]] = tessera_target.tensor_map %{{.*}}[%{{.*}}, %{{.*}}] : memref<?x?xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<64x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
// CHECK: tessera_target.launch @gemm_k0_matmul_wgmma grid(%[[G]]) block = [256] args({{.*}}, %[[A]], %[[AV]], %[[B]], %[[BV]] :
//
// Kernel: the TMA pipeline when both maps are valid, in one shared byte
// buffer (the 3-stage ring or the f32 tile, and 1024 bytes to align it at
// run time), else the mma_sync block program (box copies and a dot; the
// allocator puts its buffers over the same bytes).
// CHECK-LABEL: tessera_target.kernel @gemm_k0_matmul_wgmma
// CHECK: scf.if
// CHECK: tessera_tile.alloc_shared : memref<148480xi8, #gpu.address_space<workgroup>>
// CHECK: memref.extract_aligned_pointer_as_index
// The block's (n, m, batch) tile from the flat program id (in 32 bits).
// CHECK: %[[PID:.*]] = tessera_tile.program_id 0
// CHECK: %[[P32:.*]] = arith.index_castui %[[PID]] : index to i32
// CHECK: arith.remui %[[P32]], %{{.*}} : i32
// CHECK: %[[R:.*]] = arith.divui %[[P32]], %{{.*}} : i32
// CHECK: arith.remui %[[R]], %{{.*}} : i32
// CHECK: arith.divui %[[R]], %{{.*}} : i32
// One thread initialises an mbarrier per stage and prefetches the maps.
// CHECK: nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>, num_barriers = 3>
// CHECK-COUNT-3: nvgpu.mbarrier.init
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: nvgpu.tma.fence.descriptor
// CHECK: nvgpu.tma.prefetch.descriptor
// CHECK: nvgpu.tma.fence.descriptor
// CHECK: nvgpu.tma.prefetch.descriptor
// CHECK: tessera_tile.barrier
// The prologue fills stages - 1 slots: per slot, the expected bytes (one
// 128x64 lhs box and four 64x64 rhs boxes, 49152 bytes) and the copies.
// CHECK: nvgpu.mbarrier.arrive.expect_tx %{{.*}}[%{{.*}}], %{{.*}}
// CHECK: nvgpu.tma.async.load %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}], %{{.*}}[%{{.*}}] to %{{.*}} : {{.*}} -> memref<1x128x64xf16, #gpu.address_space<workgroup>>
// CHECK-COUNT-4: nvgpu.tma.async.load %{{.*}}[%{{.*}}, %{{.*}}], %{{.*}}[%{{.*}}] to %{{.*}} : {{.*}} -> memref<64x64xf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.warpgroup.mma.init.accumulator -> <fragmented = vector<64x256xf32>>
// The k-loop: wait for the slot's mbarrier phase, wgmma on descriptors of
// this warpgroup's 64 lhs rows and the rhs slice (the rhs is N-major:
// transposeB), a barrier once every warpgroup's previous wgmma retired,
// then the refill of the freed slot.
// CHECK: scf.for {{.*}} -> (!nvgpu.warpgroup.accumulator<fragmented = vector<64x256xf32>>)
// CHECK: nvgpu.mbarrier.try_wait.parity
// CHECK: nvgpu.warpgroup.generate.descriptor {{.*}} -> <tensor = memref<64x64xf16, #gpu.address_space<workgroup>>>
// CHECK: nvgpu.warpgroup.generate.descriptor {{.*}} -> <tensor = memref<64x256xf16, #gpu.address_space<workgroup>>>
// CHECK: nvgpu.warpgroup.mma {{.*}} {transposeB}
// CHECK: tessera_tile.barrier
// CHECK: nvgpu.mbarrier.arrive.expect_tx
// CHECK: scf.yield
// Epilogue: registers (in wgmma's fragment layout) to the idle ring, rows
// padded to 264 floats, then the masked stores, one column per thread.
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: builtin.unrealized_conversion_cast {{.*}} : !nvgpu.warpgroup.accumulator<fragmented = vector<64x256xf32>> to !llvm.struct<(struct<(f32,
// CHECK: llvm.extractvalue %{{.*}}[0, 0]
// CHECK: tessera_tile.store %{{.*}}, %{{.*}}[%{{.*}}] : memref<33792xf32, #gpu.address_space<workgroup>>
// CHECK: scf.for
// CHECK: tessera_tile.load %{{.*}}[%{{.*}}] : memref<33792xf32, #gpu.address_space<workgroup>>
// CHECK: tessera_tile.store %{{.*}} mask
// The fallback: the mma_sync block program (a 3-stage loop of box copies
// and a dot, then the tile epilogue).
// CHECK: } else {
// CHECK: tessera_tile.local_alloc : !tessera_tile.smem<128x64xf16, #smem_layout>
// CHECK: tessera_tile.box_copy
// CHECK: tessera_tile.dot
// CHECK: {tessera_tile.stages = 3 : i64}
// CHECK: tessera_tile.store_tile
func.func @gemm(%a: tensor<?x?xf16>, %w: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %m = tessera_graph.matmul %a, %w : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  return %m : tensor<?x?xf16>
}
