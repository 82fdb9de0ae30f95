//===- GraphOps.td - Graph IR operations -------------------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_GRAPH_IR_GRAPHOPS_TD
#define TESSERA_DIALECT_GRAPH_IR_GRAPHOPS_TD

include "Tessera/Dialect/Graph/IR/GraphBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

def Graph_AddOp : Graph_Op<"add", [SameOperandsAndResultType]> {
  let summary = "elementwise addition";
  let description = [{
    Adds two tensors of the same type element by element.

    Example:

    ```mlir
    %0 = tessera_graph.add %a, %b : tensor<4x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($result)";
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

def Graph_MatmulOp : Graph_Op<"matmul",
    [DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "matrix product of two rank-2 tensors";
  let description = [{
    Computes `result[m, n] = sum_k lhs[m, k] * rhs[k, n]`. Both operands are
    rank-2 tensors of the same element type; the result type `[M, N]` is
    inferred. A dynamic (`?`) dimension matches any size; the check then
    happens when the program is specialised to concrete shapes.

    Example:

    ```mlir
    %c = tessera_graph.matmul %a, %b
        : tensor<128x768xf16>, tensor<768x512xf16> -> tensor<128x512xf16>
    ```
  }];
  let arguments = (ins TensorRankOf<[AnyType], [2]>:$lhs,
                       TensorRankOf<[AnyType], [2]>:$rhs);
  let results = (outs TensorRankOf<[AnyType], [2]>:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // TESSERA_DIALECT_GRAPH_IR_GRAPHOPS_TD
