//===- GraphAttrs.td - Graph IR attributes and enums -------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_GRAPH_IR_GRAPHATTRS_TD
#define TESSERA_DIALECT_GRAPH_IR_GRAPHATTRS_TD

include "Tessera/Dialect/Graph/IR/GraphBase.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Graph_RoundingMode : I32EnumAttr<"RoundingMode", "rounding mode", [
    I32EnumAttrCase<"nearest", 0>,
    I32EnumAttrCase<"stochastic", 1>,
    I32EnumAttrCase<"toward_zero", 2>]> {
  let cppNamespace = "::mlir::tessera::graph";
  let genSpecializedAttr = 0;
}
def Graph_RoundingModeAttr : EnumAttr<Graph_Dialect, Graph_RoundingMode,
                                      "rounding">;

def Graph_DenormalMode : I32EnumAttr<"DenormalMode", "denormal handling", [
    I32EnumAttrCase<"preserve", 0>,
    I32EnumAttrCase<"flush", 1>]> {
  let cppNamespace = "::mlir::tessera::graph";
  let genSpecializedAttr = 0;
}

def Graph_ReduceKind : I32EnumAttr<"ReduceKind", "reduction", [
    I32EnumAttrCase<"sum", 0>,
    I32EnumAttrCase<"max", 1>,
    I32EnumAttrCase<"min", 2>,
    I32EnumAttrCase<"mean", 3>]> {
  let cppNamespace = "::mlir::tessera::graph";
  let genSpecializedAttr = 0;
}
def Graph_ReduceKindAttr : EnumAttr<Graph_Dialect, Graph_ReduceKind, "reduce">;

def Graph_ComparePredicate : I32EnumAttr<"ComparePredicate",
    "elementwise comparison", [
    I32EnumAttrCase<"eq", 0>,
    I32EnumAttrCase<"ne", 1>,
    I32EnumAttrCase<"lt", 2>,
    I32EnumAttrCase<"le", 3>,
    I32EnumAttrCase<"gt", 4>,
    I32EnumAttrCase<"ge", 5>]> {
  let cppNamespace = "::mlir::tessera::graph";
  let genSpecializedAttr = 0;
}
def Graph_ComparePredicateAttr : EnumAttr<Graph_Dialect, Graph_ComparePredicate,
                                          "compare">;

def Graph_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "GELU formula", [
    I32EnumAttrCase<"erf", 0>,
    I32EnumAttrCase<"tanh", 1>]> {
  let cppNamespace = "::mlir::tessera::graph";
  let genSpecializedAttr = 0;
}
def Graph_GeluApproximationAttr : EnumAttr<Graph_Dialect,
    Graph_GeluApproximation, "gelu_approximation">;

def Graph_FusionKind : I32EnumAttr<"FusionKind", "what a fused group is", [
    I32EnumAttrCase<"elementwise", 0>,
    I32EnumAttrCase<"matmul_epilogue", 1>,
    I32EnumAttrCase<"reduction", 2>,
    I32EnumAttrCase<"attention", 3>]> {
  let cppNamespace = "::mlir::tessera::graph";
  let genSpecializedAttr = 0;
}
def Graph_FusionKindAttr : EnumAttr<Graph_Dialect, Graph_FusionKind, "fusion">;

//===----------------------------------------------------------------------===//
// Numerics policy
//===----------------------------------------------------------------------===//

def Graph_NumericsAttr : Graph_Attr<"Numerics", "numerics"> {
  let summary = "numerics policy: storage, compute and accumulate types";
  let description = [{
    How an op (or every op of a function) treats numbers:

    - `storage`: the element type tensors are kept in between ops;
    - `compute`: the type elementwise math is done in (inputs are converted
      to it, results back to the storage type);
    - `accumulate`: the type reductions and contractions accumulate in;
    - `rounding`: `nearest` (to nearest even, the default), `stochastic` or
      `toward_zero`, for every narrowing conversion;
    - `saturate`: clamp to the finite range of the narrower type instead of
      overflowing to infinity;
    - `denormals`: `preserve` (default) or `flush`.

    Every entry is optional. A policy also permits what it names: an
    elementwise op whose policy has a `compute` type may mix operand element
    types, and a cast to a type the policy does not name is an error.

    Example:

    ```mlir
    #tessera_graph.numerics<storage = bf16, accumulate = f32>
    #tessera_graph.numerics<storage = f8E4M3FN, compute = bf16,
                            accumulate = f32, rounding = stochastic,
                            saturate = true>
    ```
  }];
  let parameters = (ins
    OptionalParameter<"::mlir::Type">:$storage,
    OptionalParameter<"::mlir::Type">:$compute,
    OptionalParameter<"::mlir::Type">:$accumulate,
    DefaultValuedParameter<"::mlir::tessera::graph::RoundingMode",
        "::mlir::tessera::graph::RoundingMode::nearest">:$rounding,
    DefaultValuedParameter<"bool", "false">:$saturate,
    DefaultValuedParameter<"::mlir::tessera::graph::DenormalMode",
        "::mlir::tessera::graph::DenormalMode::preserve">:$denormals);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// True if `type` is one of the element types the policy names.
    bool names(::mlir::Type type) const;
  }];
}

#endif // TESSERA_DIALECT_GRAPH_IR_GRAPHATTRS_TD
