//===- TargetInfos.h - The vendors' TargetInfo factories --------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Private to lib/Target: the known-chips table builds one TargetInfo per row
// through its vendor's factory.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_LIB_TARGET_TARGETINFOS_H
#define TESSERA_LIB_TARGET_TARGETINFOS_H

#include "Tessera/Dialect/Target/IR/TargetInfo.h"
#include <memory>

namespace mlir::tessera::target {
std::unique_ptr<TargetInfo> createNVIDIATargetInfo(const ChipDescription &chip);
std::unique_ptr<TargetInfo> createAMDTargetInfo(const ChipDescription &chip);
} // namespace mlir::tessera::target

#endif // TESSERA_LIB_TARGET_TARGETINFOS_H
