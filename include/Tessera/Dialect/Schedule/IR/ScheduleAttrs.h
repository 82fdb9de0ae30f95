//===- ScheduleAttrs.h - Schedule IR attributes -----------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEATTRS_H
#define TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#include "Tessera/Dialect/Schedule/IR/ScheduleEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "Tessera/Dialect/Schedule/IR/ScheduleAttrs.h.inc"

#endif // TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEATTRS_H
