//===- ScheduleOps.h - Schedule IR operations -------------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEOPS_H
#define TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEOPS_H

#include "Tessera/Dialect/Schedule/IR/ScheduleAttrs.h"
#include "Tessera/Dialect/Schedule/IR/ScheduleDialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "Tessera/Dialect/Schedule/IR/ScheduleOps.h.inc"

#endif // TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEOPS_H
