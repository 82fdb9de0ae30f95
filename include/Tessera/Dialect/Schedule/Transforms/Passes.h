//===- Passes.h - Schedule IR passes ----------------------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_SCHEDULE_TRANSFORMS_PASSES_H
#define TESSERA_DIALECT_SCHEDULE_TRANSFORMS_PASSES_H

#include "Tessera/Dialect/Graph/IR/GraphDialect.h"
#include "Tessera/Dialect/Schedule/IR/ScheduleDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tessera::schedule {

#define GEN_PASS_DECL
#include "Tessera/Dialect/Schedule/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Tessera/Dialect/Schedule/Transforms/Passes.h.inc"

} // namespace mlir::tessera::schedule

#endif // TESSERA_DIALECT_SCHEDULE_TRANSFORMS_PASSES_H
