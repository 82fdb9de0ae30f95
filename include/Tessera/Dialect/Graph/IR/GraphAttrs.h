//===- GraphAttrs.h - Graph IR attributes and enums -------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_GRAPH_IR_GRAPHATTRS_H
#define TESSERA_DIALECT_GRAPH_IR_GRAPHATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpDefinition.h"

#include "Tessera/Dialect/Graph/IR/GraphEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "Tessera/Dialect/Graph/IR/GraphAttrs.h.inc"

namespace mlir::tessera::graph {
/// The numerics policy in force for `op`: its own `tessera_graph.numerics`
/// attribute, else the nearest enclosing op's; null if there is none.
NumericsAttr getNumericsPolicy(Operation *op);
} // namespace mlir::tessera::graph

#endif // TESSERA_DIALECT_GRAPH_IR_GRAPHATTRS_H
