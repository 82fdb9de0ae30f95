//===- GraphOps.h - Graph IR operations -------------------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_GRAPH_IR_GRAPHOPS_H
#define TESSERA_DIALECT_GRAPH_IR_GRAPHOPS_H

#include "Tessera/Dialect/Graph/IR/GraphAttrs.h"
#include "Tessera/Dialect/Graph/IR/GraphDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "Tessera/Dialect/Graph/IR/GraphOps.h.inc"

#endif // TESSERA_DIALECT_GRAPH_IR_GRAPHOPS_H
