//===- GraphDialect.cpp - Graph IR dialect --------------------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Graph/IR/GraphDialect.h"
#include "Tessera/Dialect/Graph/IR/GraphOps.h"

using namespace mlir;
using namespace mlir::tessera::graph;

#include "Tessera/Dialect/Graph/IR/GraphDialect.cpp.inc"

void GraphDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Tessera/Dialect/Graph/IR/GraphOps.cpp.inc"
      >();
}
