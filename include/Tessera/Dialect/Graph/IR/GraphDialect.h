//===- GraphDialect.h - Graph IR dialect ------------------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_GRAPH_IR_GRAPHDIALECT_H
#define TESSERA_DIALECT_GRAPH_IR_GRAPHDIALECT_H

#include "mlir/IR/Dialect.h"

#include "Tessera/Dialect/Graph/IR/GraphDialect.h.inc"

#endif // TESSERA_DIALECT_GRAPH_IR_GRAPHDIALECT_H
