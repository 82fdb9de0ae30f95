//===- Pipelines.cpp - Tessera's registered pass pipelines ----------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Pipelines/Pipelines.h"
#include "Tessera/Conversion/Passes.h"
#include "Tessera/Dialect/Graph/Transforms/Passes.h"
#include "Tessera/Dialect/Schedule/Transforms/Passes.h"
#include "Tessera/Dialect/Target/IR/TargetInfo.h"
#include "Tessera/Dialect/Target/IR/TargetOps.h"
#include "Tessera/Dialect/Target/Transforms/Passes.h"
#include "Tessera/Dialect/Tile/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/AMDGPUToROCDL/AMDGPUToROCDL.h"
#include "mlir/Conversion/GPUToROCDL/GPUToROCDLPass.h"
#include "mlir/Conversion/NVGPUToNVVM/NVGPUToNVVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstdlib>

using namespace mlir;
using namespace mlir::tessera;

/// Passes on the kernels shared by both targets before their conversion.
static OpPassManager &nestKernels(OpPassManager &pm) {
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createSCFToControlFlowPass());

  return kernels;
}

/// Cleans up the converted kernels, then folds their flat buffer
/// descriptors into bare pointers (once the descriptors' unused fields are
/// gone) and folds the constant offsets and strides that leaves.
static void addCleanup(OpPassManager &kernels) {
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  kernels.addPass(target::createTesseraTargetBarePtr());
  kernels.addPass(target::createTesseraTargetExternDynamicShared());
  kernels.addPass(createCanonicalizerPass());
}

/// The CUDA root whose libdevice the NVVM serialization links (the math the
/// NVVM conversion leaves as libdevice calls: fabsf, floorf, ...): the
/// option, else $CUDA_HOME, $CUDA_PATH, /usr/local/cuda, /usr/lib/cuda.
/// Empty if none has libdevice; kernels calling it then fail to link.
static std::string findCUDAToolkit(StringRef option) {
  if (!option.empty())
    return option.str();
  SmallVector<std::string> candidates;
  for (const char *var : {"CUDA_HOME", "CUDA_PATH", "CUDA_ROOT"})
    if (const char *env = std::getenv(var))
      candidates.push_back(env);
  candidates.push_back("/usr/local/cuda");
  candidates.push_back("/usr/lib/cuda");
  for (const std::string &root : candidates) {
    SmallString<128> libdevice(root);
    llvm::sys::path::append(libdevice, "nvvm", "libdevice", "libdevice.10.bc");
    if (llvm::sys::fs::exists(libdevice))
      return root;
  }
  return "";
}

void mlir::tessera::buildGPUToNVVMBinaryPipeline(
    OpPassManager &pm, const GPUBinaryPipelineOptions &options) {
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip.empty() ? "sm_90" : options.chip.getValue();
  target.features = options.features;
  // The known chip's LLVM spelling (sm_90 -> sm_90a) and default features;
  // a chip the table lacks goes to LLVM as given, and check-chip reports it.
  if (const target::TargetInfo *info = target::lookupTargetInfo(target.chip)) {
    target.chip = info->getLLVMChip();
    if (target.features.empty())
      target.features = info->getDefaultFeatures();
  }
  target.optLevel = options.optLevel;
  pm.addPass(createGpuNVVMAttachTarget(target));
  pm.addPass(target::createTesseraTargetCheckChip());

  // Tensor-core Tile IR arrives as nvgpu (cp.async, ldmatrix, mma.sync;
  // TMA, mbarriers and wgmma), lowered while loops are still structured:
  // wgmma accumulators are loop-carried values of nvgpu types.
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createConvertNVGPUToNVVMPass());
  kernels.addPass(createSCFToControlFlowPass());
  target::TesseraTargetLowerExpOptions exp;
  exp.mode = "ex2";
  kernels.addPass(target::createTesseraTargetLowerExp(exp));
  ConvertGpuOpsToNVVMOpsOptions convert;
  convert.useBarePtrCallConv = options.barePtrCallConv;
  kernels.addPass(createConvertGpuOpsToNVVMOps(convert));
  // NVVM ops that are PTX without an LLVM intrinsic (mbarrier waits) as
  // inline assembly.
  kernels.addPass(createConvertNVVMToLLVMPass());
  addCleanup(kernels);

  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget =
      options.format.empty() ? "isa" : options.format.getValue();
  binary.toolkitPath = findCUDAToolkit(options.toolkit);
  pm.addPass(createGpuModuleToBinaryPass(binary));
}

/// True if `root` is a usable ROCm toolkit for gpu-module-to-binary: it
/// links with `<root>/llvm/bin/ld.lld` against `<root>/amdgcn/bitcode`.
static bool isROCmToolkit(StringRef root) {
  SmallString<128> bitcode(root), lld(root);
  llvm::sys::path::append(bitcode, "amdgcn", "bitcode");
  llvm::sys::path::append(lld, "llvm", "bin", "ld.lld");
  return llvm::sys::fs::is_directory(bitcode) && llvm::sys::fs::exists(lld);
}

/// Debian ships the device libraries (rocm-device-libs) and ld.lld (lld-22)
/// but no ROCm tree that has both. Assemble one from symlinks in the user's
/// cache, once; concurrent builders race benignly (same links, same targets).
static std::string assembleDebianROCmToolkit() {
  StringRef debianBitcode = "/usr/lib/x86_64-linux-gnu/amdgcn";
  SmallString<128> lld(TESSERA_LLVM_TOOLS_DIR);
  llvm::sys::path::append(lld, "ld.lld");
  if (!llvm::sys::fs::is_directory(debianBitcode) ||
      !llvm::sys::fs::exists(lld))
    return "";
  SmallString<128> root;
  if (const char *cache = std::getenv("TESSERA_CACHE_ROOT")) {
    root = cache;
  } else if (!llvm::sys::path::cache_directory(root)) {
    return "";
  } else {
    llvm::sys::path::append(root, "tessera");
  }
  llvm::sys::path::append(root, "rocm-toolkit");
  if (isROCmToolkit(root))
    return std::string(root);
  SmallString<128> bin(root), amdgcn(root), link(root);
  llvm::sys::path::append(bin, "llvm", "bin");
  llvm::sys::path::append(amdgcn, "amdgcn");
  llvm::sys::path::append(link, "llvm", "bin", "ld.lld");
  (void)llvm::sys::fs::create_directories(bin);
  (void)llvm::sys::fs::create_link(debianBitcode, amdgcn);
  (void)llvm::sys::fs::create_link(lld, link);
  return isROCmToolkit(root) ? std::string(root) : "";
}

/// The ROCm root for serialization: the option, else $ROCM_PATH, /opt/rocm,
/// or one assembled from Debian's packages. Empty if there is none;
/// gpu-module-to-binary then reports the missing bitcode path.
static std::string findROCmToolkit(StringRef option) {
  if (!option.empty())
    return option.str();
  SmallVector<std::string> candidates;
  if (const char *env = std::getenv("ROCM_PATH"))
    candidates.push_back(env);
  candidates.push_back("/opt/rocm");
  for (const std::string &root : candidates)
    if (isROCmToolkit(root))
      return root;
  return assembleDebianROCmToolkit();
}

void mlir::tessera::buildGPUToROCDLBinaryPipeline(
    OpPassManager &pm, const GPUBinaryPipelineOptions &options) {
  std::string chip = options.chip.empty() ? "gfx942" : options.chip.getValue();
  GpuROCDLAttachTargetOptions target;
  target.chip = chip;
  target.features = options.features;
  target.optLevel = options.optLevel;
  pm.addPass(createGpuROCDLAttachTarget(target));
  pm.addPass(target::createTesseraTargetCheckChip());

  OpPassManager &kernels = nestKernels(pm);
  ConvertGpuOpsToROCDLOpsOptions convert;
  convert.chipset = chip;
  convert.useBarePtrCallConv = options.barePtrCallConv;
  convert.runtime = gpu::amd::Runtime::HIP;
  kernels.addPass(target::createTesseraTargetLowerExp());
  // Matrix-core Tile IR arrives as amdgpu.mfma.
  ConvertAMDGPUToROCDLPassOptions amdgpu;
  amdgpu.chipset = chip;
  kernels.addPass(createConvertAMDGPUToROCDLPass(amdgpu));
  kernels.addPass(createConvertGpuOpsToROCDLOps(convert));
  addCleanup(kernels);

  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget =
      options.format.empty() ? "bin" : options.format.getValue();
  binary.toolkitPath = findROCmToolkit(options.toolkit);
  pm.addPass(createGpuModuleToBinaryPass(binary));
}

//===----------------------------------------------------------------------===//
// Stages
//===----------------------------------------------------------------------===//
//
// Each stage lowers one IR level. The full pipelines below are these stages
// in sequence; the stages are registered too, so that Python runs them by
// name one after the other and keeps the IR between them (an artifact holds
// the IR of every stage) without spelling a pass list of its own.

void mlir::tessera::buildGraphToScheduleStage(OpPassManager &pm,
                                              StringRef chip) {
  // The chip is stated once, on the module; the schedule passes read it.
  target::TesseraTargetSetChipOptions setChip;
  setChip.chip = chip.str();
  pm.addPass(target::createTesseraTargetSetChip(setChip));
  OpPassManager &funcs = pm.nest<func::FuncOp>();
  // Graph IR's canonical form first: transposes fold into the matmuls that
  // read them (`x @ w.T` is a matmul with transpose_rhs, which the GPU
  // kernels read directly), identity reshapes and casts go away.
  funcs.addPass(createCanonicalizerPass());
  // Then the operand layouts the chip's kernels read (an f8 rhs [N, K] for
  // wgmma), after the canonicalizer, which would fold them back.
  funcs.addPass(schedule::createTesseraScheduleLayout());
  funcs.addPass(graph::createTesseraGraphFuse());
  funcs.addPass(schedule::createTesseraScheduleAssign());
  pm.addPass(schedule::createTesseraScheduleCheck());
}

void mlir::tessera::buildScheduleToTileStage(OpPassManager &pm) {
  pm.addPass(createConvertTesseraScheduleToTile());
  // The block programs' loops become software pipelines, then every shared
  // buffer gets its place (and the kernel its shared-memory size).
  pm.addPass(tile::createTesseraTilePipeline());
  pm.nest<target::KernelOp>().addPass(tile::createTesseraTileAllocateShared());
}

void mlir::tessera::buildTileToTargetStage(OpPassManager &pm) {
  pm.addPass(createConvertTesseraTileToTarget());
}

void mlir::tessera::buildTargetToGPUStage(OpPassManager &pm) {
  pm.addPass(createConvertTesseraTargetToGPU());
  pm.addPass(target::createTesseraTargetExportPlan());
}

void mlir::tessera::buildGraphToLinalgStage(OpPassManager &pm) {
  pm.addPass(createConvertTesseraGraphToLinalg());
}

void mlir::tessera::buildLinalgToLLVMStage(OpPassManager &pm) {
  // Spelled as text: each entry is a registered pass, so the pipeline reads
  // as a user would write it for tessera-opt.
  static constexpr StringLiteral kPipeline =
      "canonicalize,"
      "tessera-decompose-linalg-aggregates,"
      "func.func(llvm-request-c-wrappers),"
      "one-shot-bufferize{bufferize-function-boundaries "
      "function-boundary-type-conversion=identity-layout-map},"
      "buffer-deallocation-pipeline,"
      "convert-bufferization-to-memref,"
      "convert-linalg-to-loops,"
      "expand-strided-metadata,"
      "lower-affine,"
      "convert-scf-to-cf,"
      "arith-expand,"
      "convert-math-to-funcs,"
      "convert-math-to-llvm,"
      "convert-math-to-libm,"
      "convert-to-llvm,"
      "reconcile-unrealized-casts";
  if (failed(parsePassPipeline(kPipeline, pm)))
    llvm::report_fatal_error("tessera-stage-llvm: invalid pipeline text");
}

//===----------------------------------------------------------------------===//
// Full pipelines
//===----------------------------------------------------------------------===//

void mlir::tessera::buildLowerToCPUPipeline(OpPassManager &pm) {
  buildGraphToLinalgStage(pm);
  buildLinalgToLLVMStage(pm);
}

void mlir::tessera::buildGraphToGPUKernelsPipeline(OpPassManager &pm,
                                                   StringRef chip) {
  buildGraphToScheduleStage(pm, chip);
  buildScheduleToTileStage(pm);
  buildTileToTargetStage(pm);
  buildTargetToGPUStage(pm);
}

/// Graph IR to kernels, then the vendor's binary pipeline with `options`
/// (the chip defaulting to `defaultChip`).
static void buildLowerToBinaryPipeline(
    OpPassManager &pm, const GPUBinaryPipelineOptions &options,
    StringRef defaultChip,
    void (*buildBinary)(OpPassManager &, const GPUBinaryPipelineOptions &)) {
  std::string chip =
      options.chip.empty() ? defaultChip.str() : options.chip.getValue();
  buildGraphToGPUKernelsPipeline(pm, chip);
  GPUBinaryPipelineOptions binary;
  binary.chip = chip;
  binary.features = options.features;
  binary.format = options.format;
  binary.optLevel = options.optLevel;
  binary.toolkit = options.toolkit;
  // Kernels take each buffer as the descriptor of a flat memref<?xT>.
  binary.barePtrCallConv = false;
  buildBinary(pm, binary);
}

void mlir::tessera::buildLowerToNVVMPipeline(
    OpPassManager &pm, const GPUBinaryPipelineOptions &options) {
  buildLowerToBinaryPipeline(pm, options, "sm_90",
                             buildGPUToNVVMBinaryPipeline);
}

void mlir::tessera::buildLowerToROCDLPipeline(
    OpPassManager &pm, const GPUBinaryPipelineOptions &options) {
  buildLowerToBinaryPipeline(pm, options, "gfx942",
                             buildGPUToROCDLBinaryPipeline);
}

using BinaryPipelineBuilder = void (*)(OpPassManager &,
                                       const GPUBinaryPipelineOptions &);

/// The chip of `options` (sm_90 when unset) and its vendor's binary
/// pipeline: the one place a vendor picks a lowering. An unknown chip goes
/// to `errorHandler`.
static FailureOr<std::pair<std::string, BinaryPipelineBuilder>>
vendorPipeline(const GPUBinaryPipelineOptions &options,
               function_ref<LogicalResult(const Twine &)> errorHandler) {
  std::string chip = options.chip.empty() ? "sm_90" : options.chip.getValue();
  const target::TargetInfo *info = target::lookupTargetInfo(chip);
  if (!info) {
    (void)errorHandler(target::describeUnknownChip(chip));
    return failure();
  }
  switch (info->getVendor()) {
  case target::Vendor::NVIDIA:
    return std::make_pair(chip, &buildGPUToNVVMBinaryPipeline);
  case target::Vendor::AMD:
    return std::make_pair(chip, &buildGPUToROCDLBinaryPipeline);
  }
  llvm_unreachable("unknown vendor");
}

LogicalResult mlir::tessera::buildGPUToBinaryPipeline(
    OpPassManager &pm, const GPUBinaryPipelineOptions &options,
    function_ref<LogicalResult(const Twine &)> errorHandler) {
  auto vendor = vendorPipeline(options, errorHandler);
  if (failed(vendor))
    return failure();
  vendor->second(pm, options);
  return success();
}

LogicalResult mlir::tessera::buildLowerToGPUPipeline(
    OpPassManager &pm, const GPUBinaryPipelineOptions &options,
    function_ref<LogicalResult(const Twine &)> errorHandler) {
  auto vendor = vendorPipeline(options, errorHandler);
  if (failed(vendor))
    return failure();
  buildLowerToBinaryPipeline(pm, options, vendor->first, vendor->second);
  return success();
}

/// Registers a pipeline whose builder can refuse its options (an unknown
/// chip): PassPipelineRegistration's builders cannot fail.
static void registerFallibleGPUPipeline(
    StringRef arg, StringRef description,
    LogicalResult (*build)(OpPassManager &, const GPUBinaryPipelineOptions &,
                           function_ref<LogicalResult(const Twine &)>)) {
  registerPassPipeline(
      arg, description,
      [build](OpPassManager &pm, StringRef text,
              function_ref<LogicalResult(const Twine &)> errorHandler) {
        GPUBinaryPipelineOptions options;
        if (failed(options.parseFromString(text)))
          return failure();
        return build(pm, options, errorHandler);
      },
      [](function_ref<void(const detail::PassOptions &)> handler) {
        handler(GPUBinaryPipelineOptions());
      });
}

void mlir::tessera::registerPipelines() {
  registerFallibleGPUPipeline(
      "tessera-lower-to-gpu",
      "Compile Graph IR for the chip's vendor (PTX for NVIDIA, HSACO for "
      "AMD): tessera-lower-to-nvvm or tessera-lower-to-rocdl, chosen by the "
      "known-chips table",
      buildLowerToGPUPipeline);
  registerFallibleGPUPipeline(
      "tessera-gpu-to-binary",
      "Lower gpu.modules for the chip's vendor to a gpu.binary: "
      "tessera-gpu-to-nvvm-binary or tessera-gpu-to-rocdl-binary, chosen by "
      "the known-chips table",
      buildGPUToBinaryPipeline);
  PassPipelineRegistration<GPUBinaryPipelineOptions>(
      "tessera-lower-to-nvvm",
      "Compile Graph IR to PTX (a gpu.binary) with host functions and "
      "their launch plans",
      buildLowerToNVVMPipeline);
  PassPipelineRegistration<GPUBinaryPipelineOptions>(
      "tessera-lower-to-rocdl",
      "Compile Graph IR to HSACO (a gpu.binary) with host functions and "
      "their launch plans",
      buildLowerToROCDLPipeline);
  PassPipelineRegistration<>(
      "tessera-lower-to-cpu",
      "Lower Graph IR to the LLVM dialect for the CPU (ExecutionEngine)",
      buildLowerToCPUPipeline);
  PassPipelineRegistration<GPUBinaryPipelineOptions>(
      "tessera-gpu-to-nvvm-binary",
      "Lower gpu.modules through NVVM to a gpu.binary (PTX by default)",
      buildGPUToNVVMBinaryPipeline);
  PassPipelineRegistration<GPUBinaryPipelineOptions>(
      "tessera-gpu-to-rocdl-binary",
      "Lower gpu.modules through ROCDL to a gpu.binary (HSACO by default)",
      buildGPUToROCDLBinaryPipeline);

  // The stages of the pipelines above, one IR level each.
  PassPipelineRegistration<StagePipelineOptions>(
      "tessera-stage-schedule",
      "Graph IR to Schedule IR: fuse, assign schedules for the chip, check "
      "them",
      [](OpPassManager &pm, const StagePipelineOptions &options) {
        buildGraphToScheduleStage(pm, options.chip);
      });
  PassPipelineRegistration<>("tessera-stage-tile", "Schedule IR to Tile IR",
                             buildScheduleToTileStage);
  PassPipelineRegistration<>("tessera-stage-target", "Tile IR to Target IR",
                             buildTileToTargetStage);
  PassPipelineRegistration<>(
      "tessera-stage-gpu",
      "Target IR to gpu.modules and host functions with their launch plans",
      buildTargetToGPUStage);
  PassPipelineRegistration<>("tessera-stage-linalg",
                             "Graph IR to linalg on tensors (CPU path)",
                             buildGraphToLinalgStage);
  PassPipelineRegistration<>(
      "tessera-stage-llvm",
      "linalg on tensors to the LLVM dialect for the CPU (ExecutionEngine)",
      buildLinalgToLLVMStage);
}
