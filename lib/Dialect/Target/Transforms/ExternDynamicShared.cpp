//===- ExternDynamicShared.cpp - Dynamic shared memory as extern ----------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// The zero-sized shared globals that `gpu.dynamic_shared_memory` lowers to
// become external declarations where the module has other shared variables:
// NVPTX then prints the dynamic shared memory (`.extern .shared ... []`),
// which follows every static shared variable, instead of a one-byte static
// variable that ptxas may place before others.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Target/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::tessera::target {
#define GEN_PASS_DEF_TESSERATARGETEXTERNDYNAMICSHARED
#include "Tessera/Dialect/Target/Transforms/Passes.h.inc"
} // namespace mlir::tessera::target

using namespace mlir;

namespace {
/// Shared memory's address space in the NVVM and ROCDL conversions.
constexpr unsigned kSharedAddressSpace = 3;
/// The alignment of the dynamic shared memory's start.
constexpr uint64_t kDynamicSharedAlignment = 1024;

struct ExternDynamicSharedPass
    : public tessera::target::impl::TesseraTargetExternDynamicSharedBase<
          ExternDynamicSharedPass> {
  using Base::Base;

  void runOnOperation() override {
    auto isDynamic = [](LLVM::GlobalOp global) {
      auto array = dyn_cast<LLVM::LLVMArrayType>(global.getGlobalType());
      return array && array.getNumElements() == 0 &&
             !global.getValueOrNull() && global.getInitializerRegion().empty();
    };
    SmallVector<LLVM::GlobalOp> dynamic;
    bool otherShared = false;
    getOperation()->walk([&](LLVM::GlobalOp global) {
      if (global.getAddrSpace() != kSharedAddressSpace)
        return;
      if (isDynamic(global))
        dynamic.push_back(global);
      else
        otherShared = true;
    });
    // The one-byte stand-in is safe where it is the only shared variable
    // (it sits at offset 0 and the kernel addresses the dynamic bytes from
    // there); only then is it left alone, since an extern symbol changes
    // how LLVM materializes its address in every kernel (the GEMM and
    // attention kernels' code, measured with the stand-in).
    if (!otherShared)
      return;
    for (LLVM::GlobalOp global : dynamic) {
      global.setLinkage(LLVM::Linkage::External);
      // The buffers tessera-tile-allocate-shared places are aligned from a
      // base it takes as aligned to the most any layout needs (1024 bytes:
      // 128-byte swizzles); the dynamic region follows the static
      // variables, so its start is aligned so.
      if (global.getAlignment().value_or(0) < kDynamicSharedAlignment)
        global.setAlignment(kDynamicSharedAlignment);
    }
  }
};
} // namespace
