//===- TargetInfo.cpp - NVIDIA chips --------------------------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// What differs in kind on NVIDIA chips: LLVM's processor spelling for the
// architecture-specific Hopper target, the PTX version its TMA fences need,
// and PTX as the binary format.
//
//===----------------------------------------------------------------------===//

#include "../TargetInfos.h"

using namespace mlir::tessera::target;

namespace {
class NVIDIATargetInfo final : public TargetInfo {
public:
  using TargetInfo::TargetInfo;

  std::string getLLVMChip() const override {
    // Hopper's warpgroup instructions (wgmma, setmaxnreg) exist only in the
    // architecture-specific sm_90a; its PTX runs on sm_90 parts (H100,
    // H200), which is what a kernel compiled for sm_90 runs on.
    if (desc.wgmma && !getChip().ends_with("a"))
      return getChip().str() + "a";
    return getChip().str();
  }

  std::string getDefaultFeatures() const override {
    // PTX 8.3 (CUDA 12.3 drivers) for sm_90a: the TMA kernels acquire their
    // tensor maps with fence.proxy.tensormap, which PTX 8.0 lacks.
    return desc.wgmma ? "+ptx83" : "";
  }

  llvm::StringRef getDefaultBinaryFormat() const override { return "isa"; }
  llvm::StringRef getBinaryExtension() const override { return "ptx"; }
  llvm::StringRef getRegisterCapAttrName() const override {
    return "nvvm.maxnreg";
  }
  bool hasNamedBarriers() const override { return true; }
  // setmaxnreg is sm_90a's, as the warpgroup instructions; 64K 32-bit
  // registers per SM.
  int64_t getReallocatableRegisters() const override {
    return desc.wgmma ? 65536 : 0;
  }
  // Clusters are sm_90's, as TMA (8 blocks portably; 16 only with a
  // launch attribute the runtime does not set).
  int64_t getMaxClusterBlocks() const override { return desc.tma ? 8 : 0; }
  llvm::StringRef getClusterShapeAttrName() const override {
    return desc.tma ? "nvvm.cluster_dim" : "";
  }

};
} // namespace

std::unique_ptr<TargetInfo>
mlir::tessera::target::createNVIDIATargetInfo(const ChipDescription &chip) {
  return std::make_unique<NVIDIATargetInfo>(chip);
}
