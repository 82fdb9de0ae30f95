//===- TargetDialect.h - Target IR dialect ----------------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TARGET_IR_TARGETDIALECT_H
#define TESSERA_DIALECT_TARGET_IR_TARGETDIALECT_H

#include "mlir/IR/Dialect.h"

#include "Tessera/Dialect/Target/IR/TargetDialect.h.inc"

#endif // TESSERA_DIALECT_TARGET_IR_TARGETDIALECT_H
