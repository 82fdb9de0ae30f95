//===- Passes.h - Graph IR passes ------------------------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_GRAPH_TRANSFORMS_PASSES_H
#define TESSERA_DIALECT_GRAPH_TRANSFORMS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tessera::graph {

#define GEN_PASS_DECL
#include "Tessera/Dialect/Graph/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Tessera/Dialect/Graph/Transforms/Passes.h.inc"

} // namespace mlir::tessera::graph

#endif // TESSERA_DIALECT_GRAPH_TRANSFORMS_PASSES_H
