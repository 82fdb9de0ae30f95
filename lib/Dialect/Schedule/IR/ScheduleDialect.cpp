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
#include "llvm/ADT/StringSet.h"
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

/// `<tile = [M, N, K], warps = W, stages = S (, knob = value)*>`: tile,
/// warps and stages first, then any of vector, swizzle, mma, split_k,
/// producer_warps.
Attribute ConfigAttr::parse(AsmParser &parser, Type) {
  SmallVector<int64_t> tile;
  int64_t warps = 0, stages = 0, vector = 1, swizzle = 1, splitK = 1,
          producerWarps = 0;
  MmaKind mma = MmaKind::none;
  llvm::StringSet<> seen;
  SMLoc loc = parser.getCurrentLocation();
  auto parseEntry = [&]() -> ParseResult {
    StringRef key;
    SMLoc keyLoc = parser.getCurrentLocation();
    if (parser.parseKeyword(&key) || parser.parseEqual())
      return failure();
    if (!seen.insert(key).second)
      return parser.emitError(keyLoc) << "'" << key << "' is given twice";
    if (key == "tile")
      return parser.parseCommaSeparatedList(
          AsmParser::Delimiter::Square,
          [&]() { return parser.parseInteger(tile.emplace_back()); });
    if (key == "warps")
      return parser.parseInteger(warps);
    if (key == "stages")
      return parser.parseInteger(stages);
    if (key == "vector")
      return parser.parseInteger(vector);
    if (key == "swizzle")
      return parser.parseInteger(swizzle);
    if (key == "split_k") {
      // `auto`: the slices are chosen at launch (kSplitKAuto).
      if (succeeded(parser.parseOptionalKeyword("auto"))) {
        splitK = ConfigAttr::kSplitKAuto;
        return success();
      }
      SMLoc valueLoc = parser.getCurrentLocation();
      if (parser.parseInteger(splitK))
        return failure();
      if (splitK <= 0)  // (0 is how `auto` is stored, not a value to write)
        return parser.emitError(valueLoc)
               << "split_k (" << splitK << ") must be positive, or auto";
      return success();
    }
    if (key == "producer_warps")
      return parser.parseInteger(producerWarps);
    if (key == "mma") {
      StringRef name;
      SMLoc nameLoc = parser.getCurrentLocation();
      if (parser.parseKeyword(&name))
        return failure();
      std::optional<MmaKind> kind = symbolizeMmaKind(name);
      if (!kind)
        return parser.emitError(nameLoc)
               << "unknown mma kind '" << name
               << "' (expected none, mma_sync, wgmma or mfma)";
      mma = *kind;
      return success();
    }
    return parser.emitError(keyLoc)
           << "unknown schedule knob '" << key
           << "' (expected tile, warps, stages, vector, swizzle, mma, "
              "split_k, producer_warps)";
  };
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::LessGreater,
                                     parseEntry))
    return {};
  for (StringRef required : {"tile", "warps", "stages"})
    if (!seen.contains(required)) {
      parser.emitError(loc) << "schedule config needs '" << required << "'";
      return {};
    }
  return getChecked([&] { return parser.emitError(loc); },
                    parser.getContext(), tile, warps, stages, vector, swizzle,
                    mma, splitK, producerWarps);
}

void ConfigAttr::print(AsmPrinter &printer) const {
  printer << "<tile = [";
  llvm::interleaveComma(getTile(), printer);
  printer << "], warps = " << getWarps() << ", stages = " << getStages();
  if (getVector() != 1)
    printer << ", vector = " << getVector();
  if (getSwizzle() != 1)
    printer << ", swizzle = " << getSwizzle();
  if (getMma() != MmaKind::none)
    printer << ", mma = " << stringifyMmaKind(getMma());
  if (getSplitK() == kSplitKAuto)
    printer << ", split_k = auto";
  else if (getSplitK() != 1)
    printer << ", split_k = " << getSplitK();
  if (getProducerWarps() != 0)
    printer << ", producer_warps = " << getProducerWarps();
  printer << ">";
}

LogicalResult
ConfigAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                   ArrayRef<int64_t> tile, int64_t warps, int64_t stages,
                   int64_t vector, int64_t swizzle, MmaKind mma,
                   int64_t splitK, int64_t producerWarps) {
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
  if (splitK <= 0 && splitK != kSplitKAuto)
    return emitError() << "split_k (" << splitK
                       << ") must be positive, or auto";
  // A producer is one warpgroup: setmaxnreg trades registers by warpgroup.
  if (producerWarps != 0 && producerWarps != 4)
    return emitError() << "producer_warps (" << producerWarps
                       << ") must be 0 (no producer) or 4 (a warpgroup)";
  if (mma != MmaKind::none && tile.size() != 2 && tile.size() != 3)
    return emitError() << "mma = " << stringifyMmaKind(mma)
                       << " needs an [M, N, K] (matmul) or [M, N] (attention: "
                          "query rows, key rows) tile, got "
                       << tile.size() << " sizes";
  return success();
}

LogicalResult
RowClassesAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       ArrayRef<int64_t> maxRows, ArrayRef<ConfigAttr> configs) {
  if (maxRows.empty())
    return emitError() << "row_classes needs at least one class";
  if (maxRows.size() != configs.size())
    return emitError() << "row_classes has " << maxRows.size()
                       << " bounds (max_rows) but " << configs.size()
                       << " configs";
  for (auto [i, bound] : llvm::enumerate(maxRows)) {
    if (bound <= 0)
      return emitError() << "row_classes bound " << i << " (" << bound
                         << ") must be positive";
    if (i > 0 && bound <= maxRows[i - 1])
      return emitError() << "row_classes bounds must ascend, got " << bound
                         << " after " << maxRows[i - 1];
  }
  return success();
}
