//===- TargetAttrs.td - Target IR attributes ---------------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TARGET_IR_TARGETATTRS_TD
#define TESSERA_DIALECT_TARGET_IR_TARGETATTRS_TD

include "Tessera/Dialect/Target/IR/TargetBase.td"

def Target_KernelConfigAttr : Target_Attr<"KernelConfig", "kernel_config"> {
  let summary = "launch configuration of a kernel";
  let description = [{
    `grid` and `block` have one to three extents (x first); `shared` is the
    dynamic shared memory in bytes and `regs` the register cap per thread
    (0: none). Both may be omitted; the entries may come in any order.

    Example:

    ```mlir
    #tessera_target.kernel_config<grid = [128, 64], block = [256, 1],
                                  shared = 49152, regs = 128>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$grid,
                        ArrayRefParameter<"int64_t">:$block,
                        DefaultValuedParameter<"int64_t", "0">:$shared,
                        DefaultValuedParameter<"int64_t", "0">:$regs);
  // Keyed entries in any order, `shared` and `regs` optional: more than
  // the declarative format can say, so the parser is in C++.
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

def Target_ChipAttr : Target_Attr<"Chip", "chip"> {
  let summary = "the chip a module is compiled for";
  let description = [{
    Names a row of Tessera's table of known chips (as users spell the chip:
    `sm_90`, `sm_80`, `gfx942`, ...). A module carries it as its
    `tessera_target.chip` attribute; every pass that depends on the chip
    (schedules, legality checks, instruction choice, the binary pipeline)
    reads the answers from the chip's `TargetInfo` instead of parsing its
    name. An unknown chip is an error naming the known ones.

    Example:

    ```mlir
    module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {}
    ```
  }];
  let parameters = (ins StringRefParameter<"chip name">:$name);
  let assemblyFormat = "`<` $name `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The chip's row of the known-chips table (verified to exist).
    const ::mlir::tessera::target::TargetInfo &getInfo() const;
    /// The attribute under which a module carries its chip.
    static ::llvm::StringRef getModuleAttrName() {
      return "tessera_target.chip";
    }
    /// The chip of the module holding `op` (or `op` itself), null if none.
    static ChipAttr lookup(::mlir::Operation *op);
  }];
}

#endif // TESSERA_DIALECT_TARGET_IR_TARGETATTRS_TD
