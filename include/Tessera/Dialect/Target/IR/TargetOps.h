//===- TargetOps.h - Target IR operations -----------------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TARGET_IR_TARGETOPS_H
#define TESSERA_DIALECT_TARGET_IR_TARGETOPS_H

#include "Tessera/Dialect/Target/IR/TargetAttrs.h"
#include "Tessera/Dialect/Target/IR/TargetDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "Tessera/Dialect/Target/IR/TargetOps.h.inc"

#endif // TESSERA_DIALECT_TARGET_IR_TARGETOPS_H
