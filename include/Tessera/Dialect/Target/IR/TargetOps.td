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


def Target_LaunchOp : Target_Op<"launch", [AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "host side: launch a kernel over a grid";
  let description = [{
    Launches `kernel` with `grid` blocks (one to three extents, computed on
    the host from the program's sizes) of `block` threads and `shared`
    bytes of dynamic shared memory. Arguments are passed by the bare-pointer
    ABI: a memref as one pointer to its first element, an index as an i64.
    Launches of one host function run in order on one stream.

    Example:

    ```mlir
    tessera_target.launch @add_kernel grid(%blocks) block = [256]
        args(%a, %b, %n : memref<?xf32>, memref<?xf32>, index)
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$kernel, Variadic<Index>:$grid,
                       DenseI64ArrayAttr:$block,
                       DefaultValuedAttr<I64Attr, "0">:$shared,
                       Variadic<AnyType>:$args);
  let assemblyFormat = [{
    $kernel `grid` `(` $grid `)` `block` `=` $block
        (`shared` `=` $shared^)? `args` `(` ($args^ `:` type($args))? `)`
        attr-dict
  }];
  let hasVerifier = 1;
}

def Target_AllocateOp : Target_Op<"allocate"> {
  let summary = "host side: allocate a device buffer";
  let description = [{
    Allocates device memory for a memref whose dynamic sizes are the
    operands, one per `?` in the type. The buffer lives until the host
    function returns; the runtime allocates it from its memory pool.
    `zero_initialize` asks for the buffer to be cleared first.

    Example:

    ```mlir
    %t = tessera_target.allocate(%n, %d) : memref<?x?xf16>
    %acc = tessera_target.allocate() zero_initialize : memref<64xf32>
    ```
  }];
  let arguments = (ins Variadic<Index>:$sizes, UnitAttr:$zero_initialize);
  let results = (outs Res<AnyMemRef, "device buffer", [MemAlloc]>:$buffer);
  let assemblyFormat = [{
    `(` $sizes `)` (`zero_initialize` $zero_initialize^)? attr-dict `:`
        type($buffer)
  }];
  let hasVerifier = 1;
}

def Target_RequireEqualOp : Target_Op<"require_equal"> {
  let summary = "host side: two sizes must be equal at launch";
  let description = [{
    A launch condition: the program is only correct when `lhs` and `rhs`
    (sizes the host computes from its arguments) are equal, as the Graph IR
    verifier assumed of two `?` dims. The launch plan carries it as a check
    that the runtime makes before launching; a violation is an error that
    gives `reason` and both sizes, never a kernel reading out of bounds.

    Example:

    ```mlir
    tessera_target.require_equal %k0, %k1, "'tessera_graph.matmul' contraction dims"
    ```
  }];
  let arguments = (ins Index:$lhs, Index:$rhs, StrAttr:$reason);
  let assemblyFormat = "$lhs `,` $rhs `,` $reason attr-dict";
}

#endif // TESSERA_DIALECT_TARGET_IR_TARGETOPS_TD
