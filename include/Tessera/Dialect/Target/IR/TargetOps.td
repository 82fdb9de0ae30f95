//===- TargetOps.td - Target IR operations -----------------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TARGET_IR_TARGETOPS_TD
#define TESSERA_DIALECT_TARGET_IR_TARGETOPS_TD

include "Tessera/Dialect/Target/IR/TargetAttrs.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/CallInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/FunctionInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Target_KernelOp : Target_Op<"kernel", [
    FunctionOpInterface, IsolatedFromAbove, AutomaticAllocationScope]> {
  let summary = "a GPU kernel with its launch configuration";
  let description = [{
    A kernel takes its arguments by value (pointers as memrefs, sizes as
    integers) and returns nothing. `config`, when present, fixes the launch
    configuration; kernels without one get theirs from the launch plan.

    Example:

    ```mlir
    tessera_target.kernel @scale(%x: memref<?xf32>, %n: index)
        config = #tessera_target.kernel_config<grid = [4], block = [256]> {
      tessera_target.return
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       OptionalAttr<Target_KernelConfigAttr>:$config,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let regions = (region AnyRegion:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;

  let extraClassDeclaration = [{
    /// FunctionOpInterface / CallableOpInterface.
    ::mlir::Region *getCallableRegion() {
      return isExternal() ? nullptr : &getBody();
    }
    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() {
      return getFunctionType().getInputs();
    }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() {
      return getFunctionType().getResults();
    }
    bool isDeclaration() { return isExternal(); }
  }];
}

def Target_ReturnOp : Target_Op<"return", [
    Pure, Terminator, ReturnLike, HasParent<"KernelOp">]> {
  let summary = "ends a kernel";
  let description = [{
    Example:

    ```mlir
    tessera_target.return
    ```
  }];
  let assemblyFormat = "attr-dict";
}

#endif // TESSERA_DIALECT_TARGET_IR_TARGETOPS_TD
