//===- ScheduleDialect.h - Schedule IR dialect ------------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEDIALECT_H
#define TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEDIALECT_H

#include "mlir/IR/Dialect.h"

#include "Tessera/Dialect/Schedule/IR/ScheduleDialect.h.inc"

#endif // TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEDIALECT_H
