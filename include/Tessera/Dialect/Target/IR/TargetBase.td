//===- TargetBase.td - Target IR dialect definition --------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TARGET_IR_TARGETBASE_TD
#define TESSERA_DIALECT_TARGET_IR_TARGETBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Target_Dialect : Dialect {
  let name = "tessera_target";
  let cppNamespace = "::mlir::tessera::target";
  let summary = "Tessera Target IR: kernels with launch configs and platform "
                "instructions";
  let description = [{
    Target IR is thin and platform specific: a `tessera_target.kernel` with
    its launch configuration (grid, block, shared memory, register cap),
    tensor-core instructions by name, raw PTX/GCN escape hatches, and
    host-side allocation and copies. It lowers to `gpu.module`/`gpu.func`
    plus `nvvm` or `rocdl`.
  }];
  let useDefaultAttributePrinterParser = 1;
  // `tessera_target.chip` on a module: a known #tessera_target.chip.
  let hasOperationAttrVerify = 1;
}

class Target_Op<string mnemonic, list<Trait> traits = []>
    : Op<Target_Dialect, mnemonic, traits>;

class Target_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Target_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

#endif // TESSERA_DIALECT_TARGET_IR_TARGETBASE_TD
