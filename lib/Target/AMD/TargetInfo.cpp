//===- TargetInfo.cpp - AMD chips -----------------------------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// What differs in kind on AMD chips: HSACO as the binary format. LLVM's AMDGPU backend takes the chip's
// name as it is.
//
//===----------------------------------------------------------------------===//

#include "../TargetInfos.h"

using namespace mlir::tessera::target;

namespace {
class AMDTargetInfo final : public TargetInfo {
public:
  using TargetInfo::TargetInfo;

  std::string getLLVMChip() const override { return getChip().str(); }
  std::string getDefaultFeatures() const override { return ""; }
  llvm::StringRef getDefaultBinaryFormat() const override { return "bin"; }
  llvm::StringRef getBinaryExtension() const override { return "hsaco"; }
  // AMDGPU takes a VGPR budget ("amdgpu-num-vgpr") that counts registers
  // differently (wave64, AGPRs); not mapped yet.
  llvm::StringRef getRegisterCapAttrName() const override { return ""; }
  // s_barrier is the whole workgroup's.
  bool hasNamedBarriers() const override { return false; }
  int64_t getReallocatableRegisters() const override { return 0; }
  int64_t getMaxClusterBlocks() const override { return 0; }
  llvm::StringRef getClusterShapeAttrName() const override { return ""; }

};
} // namespace

std::unique_ptr<TargetInfo>
mlir::tessera::target::createAMDTargetInfo(const ChipDescription &chip) {
  return std::make_unique<AMDTargetInfo>(chip);
}
