//===- TargetAttrs.h - Target IR attributes ---------------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TARGET_IR_TARGETATTRS_H
#define TESSERA_DIALECT_TARGET_IR_TARGETATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "Tessera/Dialect/Target/IR/TargetInfo.h"

#define GET_ATTRDEF_CLASSES
#include "Tessera/Dialect/Target/IR/TargetAttrs.h.inc"

#endif // TESSERA_DIALECT_TARGET_IR_TARGETATTRS_H
