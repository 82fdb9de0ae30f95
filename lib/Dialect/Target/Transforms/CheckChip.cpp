//===- CheckChip.cpp - Reject GPU targets with unknown chips --------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Target/IR/TargetInfo.h"
#include "Tessera/Dialect/Target/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Triple.h"

namespace mlir::tessera::target {
#define GEN_PASS_DEF_TESSERATARGETCHECKCHIP
#include "Tessera/Dialect/Target/Transforms/Passes.h.inc"
} // namespace mlir::tessera::target

using namespace mlir;
using namespace mlir::tessera::target;

/// Empty if `chip` is a processor of `triple`, else why not.
static std::string checkProcessor(StringRef triple, StringRef chip) {
  static const bool initialized = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargetMCs();
    return true;
  }();
  (void)initialized;
  std::string error;
  llvm::Triple parsed(triple);
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(parsed, error);
  if (!target)
    return "LLVM has no target for triple '" + triple.str() + "': " + error;
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target->createMCSubtargetInfo(parsed, "", ""));
  if (!info || !info->isCPUStringValid(chip))
    return "'" + chip.str() + "' is not a processor of LLVM's " +
           target->getName() + " target";
  return "";
}

namespace {
struct CheckChipPass
    : public tessera::target::impl::TesseraTargetCheckChipBase<CheckChipPass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation()->walk([&](gpu::GPUModuleOp module) {
      ArrayAttr targets = module.getTargetsAttr();
      if (!targets)
        return;
      for (Attribute target : targets) {
        StringRef triple, chip;
        if (auto nvvm = dyn_cast<NVVM::NVVMTargetAttr>(target)) {
          triple = nvvm.getTriple();
          chip = nvvm.getChip();
        } else if (auto rocdl = dyn_cast<ROCDL::ROCDLTargetAttr>(target)) {
          triple = rocdl.getTriple();
          chip = rocdl.getChip();
        } else {
          continue;
        }
        std::string error = checkProcessor(triple, chip);
        if (!error.empty()) {
          module.emitError() << "unknown target chip: " << error;
          signalPassFailure();
          continue;
        }
        // Raw PTX (tessera_target.ptx_instr), nvgpu and NVVM ops run on
        // NVIDIA chips only, amdgpu and ROCDL ops on AMD chips only; the
        // chip's row of the known-chips table says whose chip it is.
        const TargetInfo *info = lookupTargetInfo(chip);
        if (!info) {
          module.emitError() << describeUnknownChip(chip);
          signalPassFailure();
          continue;
        }
        // The first such op of the module is the error (a kernel of them
        // would otherwise give hundreds).
        module.walk([&](Operation *op) {
          if (auto ptx = op->getAttrOfType<StringAttr>("tessera.ptx")) {
            if (info->getVendor() == Vendor::NVIDIA)
              return WalkResult::advance();
            op->emitError() << "is the PTX instruction '" << ptx.getValue()
                            << "' (tessera_target.ptx_instr), but the module "
                               "is compiled for "
                            << chip;
            signalPassFailure();
            return WalkResult::interrupt();
          }
          std::optional<Vendor> vendor =
              getInstructionVendor(op->getName().getDialectNamespace());
          if (!vendor || *vendor == info->getVendor())
            return WalkResult::advance();
          op->emitError() << "is an " << getVendorName(*vendor)
                          << " instruction ('" << op->getName()
                          << "'), but the module is compiled for " << chip;
          signalPassFailure();
          return WalkResult::interrupt();
        });
      }
    });
  }
};
} // namespace
