//===- GraphBase.td - Graph IR dialect definition ----------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_GRAPH_IR_GRAPHBASE_TD
#define TESSERA_DIALECT_GRAPH_IR_GRAPHBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Graph_Dialect : Dialect {
  let name = "tessera_graph";
  let cppNamespace = "::mlir::tessera::graph";
  let summary = "Tessera Graph IR: tensor math with shape and numerics checks";
  let description = [{
    Graph IR is where users' programs land. Its ops have value semantics on
    builtin ranked `tensor` types (static or `?` dims); functions are upstream
    `func.func`. Verifiers reject ill-formed shapes and dtypes with messages
    that name the op, the operands and the dimensions involved; result types
    are inferred wherever they can be.

    Graph IR says *what* is computed, never *how*: tiling, thread mapping and
    memory placement belong to Schedule and Tile IR.

    A numerics policy (`#tessera_graph.numerics<...>`) can be attached to any
    op or to a function as the discardable attribute
    `tessera_graph.numerics`; an op's own policy wins over its function's.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let hasConstantMaterializer = 1;
  let extraClassDeclaration = [{
    /// Name of the discardable attribute that carries a numerics policy.
    static constexpr ::llvm::StringLiteral getNumericsAttrName() {
      return ::llvm::StringLiteral("tessera_graph.numerics");
    }
  }];
}

class Graph_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Graph_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

/// Base class of Graph IR ops. Every Graph op is side-effect free: tensors
/// are values.
class Graph_Op<string mnemonic, list<Trait> traits = []>
    : Op<Graph_Dialect, mnemonic, !listconcat(traits, [Pure])>;

/// Graph ops whose result type is inferred. Inference and verification share
/// one C++ routine per op (`inferResultType`), so every shape error is
/// reported once, by verify(), with its exact message: the interface's own
/// check (`refineReturnTypes`) is made a no-op to avoid a second, vaguer
/// "failed to infer returned types" error.
class Graph_InferredOp<string mnemonic, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits,
        [DeclareOpInterfaceMethods<InferTypeOpInterface>])> {
  let hasVerifier = 1;
  code inferredOpDecls = [{
    static ::llvm::LogicalResult refineReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location>,
        ::mlir::ValueRange, ::mlir::DictionaryAttr, ::mlir::OpaqueProperties,
        ::mlir::RegionRange, ::llvm::SmallVectorImpl<::mlir::Type> &) {
      return ::mlir::success();
    }
  }];
  let extraClassDeclaration = inferredOpDecls;
}

#endif // TESSERA_DIALECT_GRAPH_IR_GRAPHBASE_TD
