//===- ScheduleDialect.cpp - Schedule IR dialect and attributes -----------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Schedule/IR/ScheduleDialect.h"
#include "Tessera/Dialect/Schedule/IR/ScheduleAttrs.h"
#include "Tessera/Dialect/Schedule/IR/ScheduleOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tessera::schedule;

#include "Tessera/Dialect/Schedule/IR/ScheduleDialect.cpp.inc"
#include "Tessera/Dialect/Schedule/IR/ScheduleEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "Tessera/Dialect/Schedule/IR/ScheduleAttrs.cpp.inc"

void ScheduleDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Tessera/Dialect/Schedule/IR/ScheduleAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "Tessera/Dialect/Schedule/IR/ScheduleOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// ConfigAttr
//===----------------------------------------------------------------------===//

LogicalResult
ConfigAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                   ArrayRef<int64_t> tile, int64_t warps, int64_t stages,
                   int64_t vector, int64_t swizzle, MmaKind mma,
                   int64_t splitK) {
  if (tile.empty() || tile.size() > 3)
    return emitError() << "tile must have 1 to 3 sizes, got " << tile.size();
  for (auto [i, size] : llvm::enumerate(tile))
    if (size <= 0)
      return emitError() << "tile size " << i << " (" << size
                         << ") must be positive";
  // Hardware limit: 1024 threads per block, 32 warps.
  if (warps <= 0 || warps > 32 || !llvm::isPowerOf2_64(warps))
    return emitError() << "warps (" << warps
                       << ") must be a power of two in [1, 32]";
  if (stages <= 0)
    return emitError() << "stages (" << stages << ") must be positive";
  if (vector <= 0 || vector > 16 || !llvm::isPowerOf2_64(vector))
    return emitError() << "vector (" << vector
                       << ") must be a power of two in [1, 16]";
  if (swizzle <= 0)
    return emitError() << "swizzle (" << swizzle << ") must be positive";
  if (splitK <= 0)
    return emitError() << "split_k (" << splitK << ") must be positive";
  if (mma != MmaKind::none && tile.size() != 3)
    return emitError() << "mma = " << stringifyMmaKind(mma)
                       << " needs a [M, N, K] tile, got " << tile.size()
                       << " sizes";
  return success();
}
