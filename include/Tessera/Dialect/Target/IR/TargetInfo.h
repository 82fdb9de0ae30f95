//===- TargetInfo.h - What the compiler knows of a chip ---------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// One interface answers every question a pass asks about the chip it compiles
// for: warp width, block and memory limits, which async-copy and matrix
// instructions exist (and in which shapes), how LLVM spells the processor.
// The answers come from one table of known chips (lib/Target/KnownChips.cpp);
// the vendors' classes (lib/Target/{NVIDIA,AMD}/TargetInfo.cpp) add what
// differs in kind rather than in number. A pass that would otherwise test a
// chip's name asks this interface instead, as Triton's TargetInfoBase and
// IREE's KnownTargets table are used.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TARGET_IR_TARGETINFO_H
#define TESSERA_DIALECT_TARGET_IR_TARGETINFO_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace mlir::tessera::target {

enum class Vendor { NVIDIA, AMD };

/// Families of matrix (tensor-core) instructions.
enum class MatrixKind { MmaSync, Wgmma, Mfma };

/// The spelling of `kind` in schedules and diagnostics ("mma_sync", ...).
llvm::StringRef stringifyMatrixKind(MatrixKind kind);

/// One matrix instruction shape (M x N x K per instruction).
struct MatrixShape {
  int64_t m, n, k;
};

/// A row of the known-chips table: the numbers.
struct ChipDescription {
  llvm::StringLiteral name;  // as users spell it: sm_90, gfx942
  Vendor vendor;
  int64_t warpSize;          // threads per warp / wavefront
  int64_t maxThreadsPerBlock;
  int64_t maxSharedBytes;    // per block, the opt-in maximum
  int64_t maxRegisters;      // per thread
  bool asyncCopy;            // cp.async (global -> shared, bypassing registers)
  bool tma;                  // the tensor memory accelerator and mbarriers
  bool mmaSync, wgmma, mfma; // matrix instruction families
};

/// What the compiler knows of one chip. Instances are immutable singletons
/// (one per row of the known-chips table): compare and keep pointers freely.
class TargetInfo {
public:
  explicit TargetInfo(const ChipDescription &desc) : desc(desc) {}
  virtual ~TargetInfo();

  llvm::StringRef getChip() const { return desc.name; }
  Vendor getVendor() const { return desc.vendor; }
  /// "NVIDIA" or "AMD".
  llvm::StringRef getVendorName() const;
  int64_t getWarpSize() const { return desc.warpSize; }
  int64_t getMaxThreadsPerBlock() const { return desc.maxThreadsPerBlock; }
  int64_t getMaxSharedBytes() const { return desc.maxSharedBytes; }
  int64_t getMaxRegisters() const { return desc.maxRegisters; }
  bool hasAsyncCopy() const { return desc.asyncCopy; }
  bool hasTma() const { return desc.tma; }
  bool hasMatrixKind(MatrixKind kind) const;
  /// The shapes of `kind` on this chip, for f16/bf16 operands into f32 (the
  /// shapes Tessera generates); empty when the chip lacks `kind`.
  llvm::ArrayRef<MatrixShape> getMatrixShapes(MatrixKind kind) const;

  /// The processor name LLVM's backend takes (sm_90 becomes sm_90a: the
  /// warpgroup instructions exist only in the architecture-specific target).
  virtual std::string getLLVMChip() const = 0;
  /// Backend features the chip needs when the user gives none.
  virtual std::string getDefaultFeatures() const = 0;
  /// The default format of gpu-module-to-binary ("isa" for PTX, "bin" for
  /// HSACO).
  virtual llvm::StringRef getDefaultBinaryFormat() const = 0;
  /// The file extension of that binary in an artifact ("ptx", "hsaco").
  virtual llvm::StringRef getBinaryExtension() const = 0;
  /// The name of the kernel attribute that caps registers per thread
  /// (`nvvm.maxnreg`), empty where Tessera cannot cap them yet.
  virtual llvm::StringRef getRegisterCapAttrName() const = 0;
  /// Named barriers: a barrier among a subset of the block's warps (what
  /// warp specialization synchronizes its warp groups with).
  virtual bool hasNamedBarriers() const = 0;
  /// Registers per SM that the warps of a block share when they trade
  /// registers among warp groups (`setmaxnreg`), or 0 where a chip cannot.
  virtual int64_t getReallocatableRegisters() const = 0;
  /// The most blocks a cluster of the chip may hold (blocks that share
  /// distributed shared memory and a cluster barrier; the portable limit),
  /// or 0 where the chip has no clusters.
  virtual int64_t getMaxClusterBlocks() const = 0;
  /// The name of the kernel attribute that fixes its cluster shape at
  /// compile time (`nvvm.cluster_dim`), empty where there are no clusters.
  virtual llvm::StringRef getClusterShapeAttrName() const = 0;

  /// The chips of the table that have `kind`, for diagnostics
  /// ("NVIDIA sm_80, sm_86, ...").
  static std::string describeChipsWith(MatrixKind kind);

protected:
  const ChipDescription &desc;
};

/// "NVIDIA" or "AMD".
llvm::StringRef getVendorName(Vendor vendor);

/// The vendor whose chips alone run the ops of the dialect `name` (nvvm and
/// nvgpu: NVIDIA; rocdl and amdgpu: AMD), if any.
std::optional<Vendor> getInstructionVendor(llvm::StringRef name);

/// The known chip `chip` (as users spell it), or null.
const TargetInfo *lookupTargetInfo(llvm::StringRef chip);

/// The known chips, comma-separated, for diagnostics.
std::string getKnownChips();

/// The message for an unknown chip, shared by every pass that takes one.
std::string describeUnknownChip(llvm::StringRef chip);

} // namespace mlir::tessera::target

#endif // TESSERA_DIALECT_TARGET_IR_TARGETINFO_H
