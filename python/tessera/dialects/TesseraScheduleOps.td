//===- TesseraScheduleOps.td - Python bindings of tessera_schedule -*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_PYTHON_TESSERASCHEDULEOPS_TD
#define TESSERA_PYTHON_TESSERASCHEDULEOPS_TD

include "Tessera/Dialect/Schedule/IR/ScheduleOps.td"

#endif // TESSERA_PYTHON_TESSERASCHEDULEOPS_TD
