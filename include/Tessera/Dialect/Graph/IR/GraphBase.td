//===- GraphBase.td - Graph IR dialect definition ----------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_GRAPH_IR_GRAPHBASE_TD
#define TESSERA_DIALECT_GRAPH_IR_GRAPHBASE_TD

include "mlir/IR/OpBase.td"
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
  }];
}

/// Base class of Graph IR ops. Every Graph op is side-effect free: tensors
/// are values.
class Graph_Op<string mnemonic, list<Trait> traits = []>
    : Op<Graph_Dialect, mnemonic, !listconcat(traits, [Pure])>;

#endif // TESSERA_DIALECT_GRAPH_IR_GRAPHBASE_TD
