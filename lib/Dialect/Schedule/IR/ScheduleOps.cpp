//===- ScheduleOps.cpp - Schedule IR operations ---------------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Schedule/IR/ScheduleOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::tessera::schedule;

//===----------------------------------------------------------------------===//
// KernelOp
//===----------------------------------------------------------------------===//

LogicalResult KernelOp::verifyRegions() {
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError() << "body has " << body.getNumArguments()
                         << " arguments but the kernel has "
                         << getInputs().size() << " inputs";
  for (auto [i, input, arg] :
       llvm::enumerate(getInputs().getTypes(), body.getArgumentTypes()))
    if (input != arg)
      return emitOpError() << "body argument " << i << " has type " << arg
                           << " but input " << i << " has type " << input;

  auto yield = body.empty() ? YieldOp() : dyn_cast<YieldOp>(body.back());
  if (!yield)
    return emitOpError() << "body must end with 'tessera_schedule.yield'";
  if (yield.getValues().size() != getNumResults())
    return emitOpError() << "yields " << yield.getValues().size()
                         << " values but the kernel has " << getNumResults()
                         << " results";
  for (auto [i, yielded, result] :
       llvm::enumerate(yield.getValues().getTypes(), getResultTypes()))
    if (yielded != result)
      return emitOpError() << "yielded value " << i << " has type " << yielded
                           << " but result " << i << " has type " << result;
  return success();
}

#define GET_OP_CLASSES
#include "Tessera/Dialect/Schedule/IR/ScheduleOps.cpp.inc"
