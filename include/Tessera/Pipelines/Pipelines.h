//===- Pipelines.h - Tessera's registered pass pipelines --------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_PIPELINES_PIPELINES_H
#define TESSERA_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
namespace tessera {

/// Options of the pipelines that take `gpu.module`s to a `gpu.binary`.
struct GPUBinaryPipelineOptions
    : public PassPipelineOptions<GPUBinaryPipelineOptions> {
  PassOptions::Option<std::string> chip{*this, "chip",
                                        llvm::cl::desc("Target chip")};
  PassOptions::Option<std::string> features{
      *this, "features", llvm::cl::desc("Target features (e.g. +ptx80)"),
      llvm::cl::init("")};
  PassOptions::Option<std::string> format{
      *this, "format",
      llvm::cl::desc("Binary format: isa (PTX / GCN assembly), bin (cubin / "
                     "HSACO), llvm (LLVM IR) or offload (bitcode)"),
      llvm::cl::init("")};
  PassOptions::Option<unsigned> optLevel{
      *this, "opt-level", llvm::cl::desc("LLVM optimization level"),
      llvm::cl::init(3)};
  PassOptions::Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("Toolkit root (ROCm: the directory holding "
                     "amdgcn/bitcode; default: $ROCM_PATH, /opt/rocm, then "
                     "Debian's rocm-device-libs)"),
      llvm::cl::init("")};
  PassOptions::Option<bool> barePtrCallConv{
      *this, "bare-ptr-call-conv",
      llvm::cl::desc("Pass statically shaped memrefs as bare pointers"),
      llvm::cl::init(false)};
};

/// gpu.module -> nvvm -> gpu.binary: attaches an #nvvm.target, converts the
/// kernels' gpu/arith/math/memref/scf/cf ops to the NVVM and LLVM dialects
/// and serializes them (format defaults to `isa`, i.e. PTX).
void buildGPUToNVVMBinaryPipeline(OpPassManager &pm,
                                  const GPUBinaryPipelineOptions &options);

/// gpu.module -> rocdl -> gpu.binary, the same for AMD GPUs (format defaults
/// to `bin`, i.e. an HSACO ELF).
void buildGPUToROCDLBinaryPipeline(OpPassManager &pm,
                                   const GPUBinaryPipelineOptions &options);

/// Graph IR -> LLVM dialect for the CPU path, the linalg and llvm stages
/// below: convert-tessera-graph-to-linalg, decomposition of aggregated linalg
/// ops, one-shot bufferization (function boundaries included), buffer
/// deallocation, linalg to loops, and lowering of everything to the LLVM
/// dialect. Public functions get `llvm.emit_c_interface` so the
/// ExecutionEngine can call them.
void buildLowerToCPUPipeline(OpPassManager &pm);

/// Graph IR to a gpu.binary plus host functions with their launch plans:
/// fuse, schedule, check the schedule, generate Tile IR, lower it, move the
/// kernels into a gpu.module, export the plan, then the binary pipeline
/// (kernels take bare pointers).
void buildLowerToNVVMPipeline(OpPassManager &pm,
                              const GPUBinaryPipelineOptions &options);
void buildLowerToROCDLPipeline(OpPassManager &pm,
                               const GPUBinaryPipelineOptions &options);

/// tessera-lower-to-nvvm or tessera-lower-to-rocdl, as the known-chips
/// table says the chip's vendor is (`tessera-lower-to-gpu`); fails with an
/// error naming the known chips for an unknown one.
LogicalResult
buildLowerToGPUPipeline(OpPassManager &pm,
                        const GPUBinaryPipelineOptions &options,
                        function_ref<LogicalResult(const Twine &)> errorHandler);

/// The vendor's gpu.module-to-binary pipeline for the chip
/// (`tessera-gpu-to-binary`).
LogicalResult
buildGPUToBinaryPipeline(OpPassManager &pm,
                         const GPUBinaryPipelineOptions &options,
                         function_ref<LogicalResult(const Twine &)> errorHandler);

/// The Graph IR to gpu.module part of the two pipelines above: the four GPU
/// stages below in order.
void buildGraphToGPUKernelsPipeline(OpPassManager &pm, llvm::StringRef chip);

//===----------------------------------------------------------------------===//
// Stages: one IR level each. The full pipelines are built from these, and
// each is registered (`tessera-stage-<level>`) so that Python can run them
// one by one and keep the IR of every level.
//===----------------------------------------------------------------------===//

/// Options of the stages that depend on the target chip.
struct StagePipelineOptions : public PassPipelineOptions<StagePipelineOptions> {
  PassOptions::Option<std::string> chip{*this, "chip",
                                        llvm::cl::desc("Target chip"),
                                        llvm::cl::init("sm_90")};
};

/// Graph IR -> Schedule IR: tessera-graph-fuse, tessera-schedule-assign and
/// tessera-schedule-check for `chip` (`tessera-stage-schedule`).
void buildGraphToScheduleStage(OpPassManager &pm, llvm::StringRef chip);
/// Schedule IR -> Tile IR (`tessera-stage-tile`).
void buildScheduleToTileStage(OpPassManager &pm);
/// Tile IR -> Target IR (`tessera-stage-target`).
void buildTileToTargetStage(OpPassManager &pm);
/// Target IR -> gpu.modules plus host functions carrying their launch plans
/// (`tessera-stage-gpu`).
void buildTargetToGPUStage(OpPassManager &pm);
/// CPU path, Graph IR -> linalg on tensors (`tessera-stage-linalg`).
void buildGraphToLinalgStage(OpPassManager &pm);
/// CPU path, linalg on tensors -> LLVM dialect (`tessera-stage-llvm`).
void buildLinalgToLLVMStage(OpPassManager &pm);

/// Registers the pipelines above: `tessera-lower-to-{nvvm,rocdl,cpu}`,
/// `tessera-gpu-to-{nvvm,rocdl}-binary` and the `tessera-stage-*` stages.
void registerPipelines();

} // namespace tessera
} // namespace mlir

#endif // TESSERA_PIPELINES_PIPELINES_H
