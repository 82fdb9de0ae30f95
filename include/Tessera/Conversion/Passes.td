//===- Passes.td - Tessera conversion passes ---------------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_CONVERSION_PASSES_TD
#define TESSERA_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertTesseraGraphToLinalg : Pass<"convert-tessera-graph-to-linalg"> {
  let summary = "lower Graph IR to linalg, tensor, arith and math";
  let description = [{
    Accepts Graph IR on tensors (any op may hold it; run it on a module or a
    function) and produces upstream tensor code: named linalg ops where they
    exist (`linalg.matmul`, `linalg.batch_matmul`, `linalg.softmax`,
    `linalg.reduce`, `linalg.transpose`, `linalg.fill`), `linalg.generic`
    for the rest, `tensor.*` for shape manipulation, `arith`/`math` for the
    scalar math. Every `tessera_graph` op is converted or the pass fails with
    a diagnostic naming it. Sizes the verifier could only assume equal (two
    `?` dims broadcast together, the contraction dims of a matmul) are
    checked at run time with `cf.assert`.

    Numerics: math on f16/bf16/f8 values is computed in f32 unless a numerics
    policy names a `compute` type; reductions and contractions accumulate in
    the op's `acc`, else the policy's `accumulate` type, else f32 for
    narrow floats, and the result is converted back to the op's type with
    the policy's rounding, saturation and denormal mode. Casts honour
    `rounding` (nearest, toward_zero, stochastic: unbiased, drawing on a hash
    of the element's position) and `saturate`. f8 values (f8E4M3FN, f8E5M2)
    have no LLVM type: their conversions are built from integer and f32
    arithmetic on the bits, matching ml_dtypes bit for bit.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::cf::ControlFlowDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"];
}

def TesseraDecomposeLinalgAggregates
    : Pass<"tessera-decompose-linalg-aggregates"> {
  let summary = "decompose aggregated linalg ops (linalg.softmax) into "
                "generics";
  let description = [{
    Replaces every op implementing `linalg::AggregatedOpInterface` (for
    example `linalg.softmax`) by the ops of its `decomposeOperation`: a max
    reduction, an exp, a sum reduction and a division as `linalg.generic`s
    and `linalg.fill`s. Upstream has the interface but no pass for it; the
    CPU pipeline needs one before bufferization and loop lowering.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}


def ConvertTesseraScheduleToTile
    : Pass<"convert-tessera-schedule-to-tile", "::mlir::ModuleOp"> {
  let summary = "generate Tile IR kernels and a host function from Schedule "
                "IR";
  let description = [{
    Every `tessera_schedule.kernel` becomes a `tessera_target.kernel` whose
    body is Tile IR: the SPMD code of one thread block, on flat buffers
    (one bare pointer each) plus `index` sizes. The code follows the kernel
    kind and its config:

    - elementwise: each block computes `tile` elements, each thread
      `tile / threads` of them at stride `threads`; inputs are read at their
      NumPy-broadcast positions with masked `tessera_tile.load`s.
    - row (softmax, log_softmax, layer_norm, rms_norm, reduce over trailing
      dims): one block per row; threads stride over the columns and combine
      with block-wide `gpu.all_reduce`; statistics in f32 for narrow floats.
    - column (reduce over leading dims): one thread per output column.
    - matmul with `mma = mma_sync` (f16/bf16, f32 accumulation): a
      tensor-core kernel. Block tiles of `tile = [BM, BN, BK]` are staged
      in a `stages`-deep shared-memory ring by `tessera_tile.copy_async`
      (zero-filled at ragged edges; element copies when a row is not a
      multiple of 16 bytes), read with `tessera_tile.load_matrix` and
      multiplied with `tessera_tile.mma` by a grid of warps.
    - matmul otherwise (SIMT): a block program on register tiles, one
      output element per thread: a k-loop adds the outer product of an lhs
      column and an rhs row (slice tiles, `tessera_tile.load_tile` from
      strided views) to the accumulator tile in the op's accumulate type;
      the epilogue is a `tessera_tile.map`, the store a masked
      `tessera_tile.store_tile`.
    Matmuls apply their elementwise epilogue (bias, activation, residual)
    before the only store.

    The function holding the kernels becomes a host function (`tessera.host`)
    on memrefs that computes sizes, allocates results and temporaries with
    `tessera_target.allocate` and launches each kernel with
    `tessera_target.launch`; its grid is computed from the input sizes.

    Anything the GPU lowering cannot generate yet (attention, shape ops,
    stochastic rounding, f8, non-splat constants in kernels) is an error
    naming the op.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::nvgpu::NVGPUDialect", "::mlir::NVVM::NVVMDialect",
    "::mlir::tessera::tile::TileDialect",
    "::mlir::tessera::target::TargetDialect"];
}

def ConvertTesseraTileToTarget
    : Pass<"convert-tessera-tile-to-target", "::mlir::ModuleOp"> {
  let summary = "lower Tile IR in Target IR kernels to upstream gpu, scf and "
                "memref";
  let description = [{
    In every `tessera_target.kernel`: `tessera_tile.program_id` becomes
    `gpu.block_id`, masked `tessera_tile.load`/`store` become `memref`
    accesses under `scf.if` (a masked-off thread touches no memory), and
    `tessera_tile.barrier` becomes `gpu.barrier`. The tensor-core ops go to
    `nvgpu`: `tessera_tile.copy_async` to `nvgpu.device_async_copy`
    (cp.async, zero-filling past `valid`), `tessera_tile.async_commit` to
    `nvgpu.device_async_create_group`, `tessera_tile.load_matrix` to
    `nvgpu.ldmatrix` and `tessera_tile.mma` to `nvgpu.mma.sync` (m16n8k16;
    bf16 directly to `nvvm.mma.sync` on packed registers, which
    `nvgpu.mma.sync` cannot type);
    `tessera_tile.async_wait` becomes `nvvm.cp.async.wait.group`.
    `tessera_tile.alloc_shared` is kept: it becomes a slice of the kernel's
    dynamic shared memory in `convert-tessera-target-to-gpu`.

    Register tiles (`#tessera_tile.blocked` tensors and slices of them) are
    distributed over the block's threads: each becomes the scalars one
    thread holds (docs/dialects/tile.md says which), `arith`/`math` on tiles
    apply per element, `tessera_tile.load_tile`/`store_tile`/`gather` become
    masked scalar accesses, `range` and `broadcast` per-thread values, and
    `reduce` a per-thread combine followed by `gpu.all_reduce` (a row held by
    the whole block), or `gpu.shuffle xor` of the chip's warp width (a row
    held by a warp's lanes) and, where several warps hold a row, their
    partials through shared memory between two barriers. Tiles need the module's `#tessera_target.chip`;
    a distribution the lowering does not do yet is an error naming it.
    A `tessera_tile.dot` becomes the instructions of its `#mma` (mma.sync,
    wgmma, mfma, or fma per element: docs/dialects/tile.md).

    `tessera_tile.warp_specialize` (first, before the ops in its regions)
    becomes warp groups: the block grows by the partitions' warps (the
    kernel's config and launches, `tessera.block_threads`), each region
    runs under an `scf.if` on the warp index tagged `tessera.warp_group`
    (the default region, then the rest of the kernel, on the first warps),
    register budgets become `nvvm.setmaxregister` around the kernel's
    register cap; after the conversion each group's thread ids count from
    its first thread and its block barriers become `nvvm.barrier` with the
    group's id and thread count. It needs named barriers (NVIDIA) and, for
    budgets, setmaxnreg (sm_90a).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::gpu::GPUDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::nvgpu::NVGPUDialect",
    "::mlir::NVVM::NVVMDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::vector::VectorDialect", "::mlir::amdgpu::AMDGPUDialect"];
}

def ConvertTesseraTargetToGPU
    : Pass<"convert-tessera-target-to-gpu", "::mlir::ModuleOp"> {
  let summary = "move Target IR kernels into a gpu.module as gpu.funcs";
  let description = [{
    Moves every `tessera_target.kernel` into one `gpu.module` (named by
    `module-name`) as a `gpu.func` marked `kernel`, with its known block
    size (from its launch config, else its schedule). Shared-memory buffers
    (`tessera_tile.alloc_shared`) become 16-byte aligned views of the
    kernel's dynamic shared memory (`gpu.dynamic_shared_memory`), so a
    block may use more than the 48 KiB static limit; every
    `tessera_target.launch` of the kernel gets their total as its dynamic
    shared memory size. Raw instructions: `tessera_target.ptx_instr` becomes
    `llvm.inline_asm` (marked `tessera.ptx`), `tessera_target.tensor_core
    "mma_sync"` on register fragments `nvgpu.mma.sync`; other tensor-core
    families and `tessera_target.memcpy` are errors (not lowered yet).
    `gpu.all_reduce` is expanded into
    shuffles and workgroup memory. Transcendental `math` ops are expanded
    into polynomial approximations (f32, within a few ulp) so that the
    kernels link against no device math library. The module is marked
    `gpu.container_module`; host functions keep their
    `tessera_target.launch` ops.
  }];
  let options = [
    Option<"kernelModuleName", "module-name", "std::string",
           /*default=*/"\"tessera_kernels\"", "name of the gpu.module">];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::NVVM::NVVMDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::nvgpu::NVGPUDialect"];
}

#endif // TESSERA_CONVERSION_PASSES_TD
