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

#endif // TESSERA_DIALECT_TARGET_IR_TARGETATTRS_TD
