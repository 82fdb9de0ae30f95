//===- KnownChips.cpp - The one table of chips Tessera knows --------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Every chip-dependent number in the compiler comes from this table: a pass
// asks lookupTargetInfo(chip) and never parses a chip's name itself. Adding a
// chip is adding a row (and, for a new vendor, a TargetInfo subclass).
//
// Sources: the CUDA C++ Programming Guide's table of compute capabilities
// (shared memory per block is the opt-in maximum; cp.async from sm_80, TMA
// and wgmma on sm_90/sm_90a only, tcgen05 replacing wgmma from sm_100), the
// PTX ISA (mma.sync m16n8k16 for f16/bf16 from sm_80), and AMD's CDNA2/CDNA3
// ISA guides (mfma 16x16x16 f16/bf16 with bf16_1k from gfx90a; LDS 64 KiB,
// 160 KiB on gfx950; 512 VGPRs + AGPRs; wave64) and RDNA (wave32, no mfma).
//
//===----------------------------------------------------------------------===//

#include "TargetInfos.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ErrorHandling.h"
#include <memory>

using namespace mlir::tessera;
using namespace mlir::tessera::target;

namespace {
constexpr int64_t KiB = 1024;
constexpr Vendor NV = Vendor::NVIDIA, AMD = Vendor::AMD;

// clang-format off
const ChipDescription kChips[] = {
  // name       vendor warp thr   shared     regs async  tma    mma    wgmma  mfma
  {"sm_60",     NV,    32, 1024,  48 * KiB,  255, false, false, false, false, false},
  {"sm_70",     NV,    32, 1024,  96 * KiB,  255, false, false, false, false, false},
  {"sm_75",     NV,    32, 1024,  64 * KiB,  255, false, false, false, false, false},
  {"sm_80",     NV,    32, 1024, 163 * KiB,  255, true,  false, true,  false, false},
  {"sm_86",     NV,    32, 1024,  99 * KiB,  255, true,  false, true,  false, false},
  {"sm_87",     NV,    32, 1024, 163 * KiB,  255, true,  false, true,  false, false},
  {"sm_89",     NV,    32, 1024,  99 * KiB,  255, true,  false, true,  false, false},
  {"sm_90",     NV,    32, 1024, 227 * KiB,  255, true,  true,  true,  true,  false},
  {"sm_90a",    NV,    32, 1024, 227 * KiB,  255, true,  true,  true,  true,  false},
  {"sm_100",    NV,   32, 1024, 227 * KiB,  255, true,  true,  true,  false, false},
  {"sm_100a",   NV,   32, 1024, 227 * KiB,  255, true,  true,  true,  false, false},
  {"sm_120",    NV,   32, 1024,  99 * KiB,  255, true,  true,  true,  false, false},
  {"gfx908",    AMD,  64, 1024,  64 * KiB,  512, false, false, false, false, false},
  {"gfx90a",    AMD,  64, 1024,  64 * KiB,  512, false, false, false, false, true},
  {"gfx940",    AMD,  64, 1024,  64 * KiB,  512, false, false, false, false, true},
  {"gfx941",    AMD,  64, 1024,  64 * KiB,  512, false, false, false, false, true},
  {"gfx942",    AMD,  64, 1024,  64 * KiB,  512, false, false, false, false, true},
  {"gfx950",    AMD,  64, 1024, 160 * KiB,  512, false, false, false, false, true},
  {"gfx1030",   AMD, 32, 1024,  64 * KiB,  256, false, false, false, false, false},
  {"gfx1100",   AMD, 32, 1024,  64 * KiB,  256, false, false, false, false, false},
  {"gfx1101",   AMD, 32, 1024,  64 * KiB,  256, false, false, false, false, false},
  {"gfx1200",   AMD, 32, 1024,  64 * KiB,  256, false, false, false, false, false},
  {"gfx1201",   AMD, 32, 1024,  64 * KiB,  256, false, false, false, false, false},
};
// clang-format on

/// One TargetInfo per row, built on first use.
const llvm::SmallVector<std::unique_ptr<TargetInfo>> &infos() {
  static const auto all = [] {
    llvm::SmallVector<std::unique_ptr<TargetInfo>> result;
    for (const ChipDescription &chip : kChips)
      result.push_back(chip.vendor == Vendor::NVIDIA ? createNVIDIATargetInfo(chip)
                                                     : createAMDTargetInfo(chip));
    return result;
  }();
  return all;
}
} // namespace

TargetInfo::~TargetInfo() = default;

llvm::StringRef mlir::tessera::target::getVendorName(Vendor vendor) {
  switch (vendor) {
  case Vendor::NVIDIA:
    return "NVIDIA";
  case Vendor::AMD:
    return "AMD";
  }
  llvm_unreachable("unknown vendor");
}

llvm::StringRef TargetInfo::getVendorName() const {
  return target::getVendorName(desc.vendor);
}

std::optional<Vendor>
mlir::tessera::target::getInstructionVendor(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<Vendor>>(name)
      .Cases({"nvvm", "nvgpu"}, Vendor::NVIDIA)
      .Cases({"rocdl", "amdgpu"}, Vendor::AMD)
      .Default(std::nullopt);
}

bool TargetInfo::hasMatrixKind(MatrixKind kind) const {
  switch (kind) {
  case MatrixKind::MmaSync:
    return desc.mmaSync;
  case MatrixKind::Wgmma:
    return desc.wgmma;
  case MatrixKind::Mfma:
    return desc.mfma;
  }
  llvm_unreachable("unknown matrix kind");
}

llvm::ArrayRef<MatrixShape> TargetInfo::getMatrixShapes(MatrixKind kind) const {
  // The shapes Tessera's kernels use for f16/bf16 into f32.
  static const MatrixShape mmaSync[] = {{16, 8, 16}};
  static const MatrixShape wgmma[] = {{64, 256, 16}, {64, 128, 16},
                                      {64, 64, 16}};
  static const MatrixShape mfma[] = {{16, 16, 16}, {32, 32, 8}};
  if (!hasMatrixKind(kind))
    return {};
  switch (kind) {
  case MatrixKind::MmaSync:
    return mmaSync;
  case MatrixKind::Wgmma:
    return wgmma;
  case MatrixKind::Mfma:
    return mfma;
  }
  llvm_unreachable("unknown matrix kind");
}

llvm::StringRef mlir::tessera::target::stringifyMatrixKind(MatrixKind kind) {
  switch (kind) {
  case MatrixKind::MmaSync:
    return "mma_sync";
  case MatrixKind::Wgmma:
    return "wgmma";
  case MatrixKind::Mfma:
    return "mfma";
  }
  llvm_unreachable("unknown matrix kind");
}

std::string TargetInfo::describeChipsWith(MatrixKind kind) {
  std::string result;
  std::optional<Vendor> vendor;
  for (const std::unique_ptr<TargetInfo> &info : infos()) {
    if (!info->hasMatrixKind(kind))
      continue;
    if (vendor != info->getVendor()) {
      if (vendor)
        result += "; ";
      result += info->getVendorName().str() + " ";
      vendor = info->getVendor();
    } else {
      result += ", ";
    }
    result += info->getChip().str();
  }
  return result;
}

const TargetInfo *mlir::tessera::target::lookupTargetInfo(llvm::StringRef chip) {
  for (const std::unique_ptr<TargetInfo> &info : infos())
    if (info->getChip() == chip)
      return info.get();
  return nullptr;
}

std::string mlir::tessera::target::getKnownChips() {
  return llvm::join(llvm::map_range(kChips,
                                    [](const ChipDescription &chip) {
                                      return chip.name.str();
                                    }),
                    ", ");
}

std::string mlir::tessera::target::describeUnknownChip(llvm::StringRef chip) {
  return "unknown chip '" + chip.str() + "' (known chips: " + getKnownChips() +
         ")";
}
