//===- SetChip.cpp - Attach the target chip to a module -------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// The chip travels with the module as #tessera_target.chip, so each later
// pass asks the chip's TargetInfo instead of taking a chip option of its own.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Target/IR/TargetAttrs.h"
#include "Tessera/Dialect/Target/IR/TargetDialect.h"
#include "Tessera/Dialect/Target/Transforms/Passes.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::tessera::target {
#define GEN_PASS_DEF_TESSERATARGETSETCHIP
#include "Tessera/Dialect/Target/Transforms/Passes.h.inc"
} // namespace mlir::tessera::target

using namespace mlir;
using namespace mlir::tessera::target;

namespace {
struct SetChipPass
    : public tessera::target::impl::TesseraTargetSetChipBase<SetChipPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (!lookupTargetInfo(chip)) {
      module.emitError() << describeUnknownChip(chip);
      return signalPassFailure();
    }
    auto attr = ChipAttr::get(&getContext(), chip);
    if (auto existing =
            module->getAttrOfType<ChipAttr>(ChipAttr::getModuleAttrName());
        existing && existing != attr) {
      module.emitError() << "is compiled for " << existing.getName()
                         << " already; refusing to retarget it to " << chip;
      return signalPassFailure();
    }
    module->setAttr(ChipAttr::getModuleAttrName(), attr);
  }
};
} // namespace
