//===- TargetDialect.cpp - Target IR dialect and attributes ---------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Target/IR/TargetDialect.h"
#include "Tessera/Dialect/Target/IR/TargetAttrs.h"
#include "Tessera/Dialect/Target/IR/TargetOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tessera::target;

#include "Tessera/Dialect/Target/IR/TargetDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "Tessera/Dialect/Target/IR/TargetAttrs.cpp.inc"

void TargetDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Tessera/Dialect/Target/IR/TargetAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "Tessera/Dialect/Target/IR/TargetOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// KernelConfigAttr
//===----------------------------------------------------------------------===//

/// `<` key `=` value (`,` key `=` value)* `>` with keys grid and block (lists
/// of integers, required) and shared and regs (integers, default 0).
Attribute KernelConfigAttr::parse(AsmParser &parser, Type) {
  SmallVector<int64_t> grid, block;
  int64_t shared = 0, regs = 0;
  llvm::StringSet<> seen;
  auto parseEntry = [&]() -> ParseResult {
    SMLoc loc = parser.getCurrentLocation();
    StringRef key;
    if (parser.parseKeyword(&key) || parser.parseEqual())
      return failure();
    if (!seen.insert(key).second)
      return parser.emitError(loc) << "'" << key << "' given twice";
    auto parseList = [&](SmallVectorImpl<int64_t> &into) {
      return parser.parseCommaSeparatedList(
          AsmParser::Delimiter::Square,
          [&]() { return parser.parseInteger(into.emplace_back()); });
    };
    if (key == "grid")
      return parseList(grid);
    if (key == "block")
      return parseList(block);
    if (key == "shared")
      return parser.parseInteger(shared);
    if (key == "regs")
      return parser.parseInteger(regs);
    return parser.emitError(loc)
           << "unknown key '" << key
           << "' in kernel_config, expected grid, block, shared or regs";
  };
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::LessGreater,
                                     parseEntry))
    return {};
  for (StringRef required : {"grid", "block"})
    if (!seen.contains(required)) {
      parser.emitError(loc) << "kernel_config needs '" << required << "'";
      return {};
    }
  return parser.getChecked<KernelConfigAttr>(loc, parser.getContext(), grid,
                                             block, shared, regs);
}

void KernelConfigAttr::print(AsmPrinter &printer) const {
  printer << "<grid = [";
  llvm::interleaveComma(getGrid(), printer);
  printer << "], block = [";
  llvm::interleaveComma(getBlock(), printer);
  printer << "]";
  if (getShared() != 0)
    printer << ", shared = " << getShared();
  if (getRegs() != 0)
    printer << ", regs = " << getRegs();
  printer << ">";
}

/// Limits common to every GPU Tessera targets (CUDA and HIP both cap a block
/// at 1024 threads); per-chip limits are checked by the schedule legality pass.
static constexpr int64_t kMaxThreadsPerBlock = 1024;
static constexpr int64_t kMaxRegsPerThread = 255;

static LogicalResult verifyExtents(function_ref<InFlightDiagnostic()> emitError,
                                   StringRef name, ArrayRef<int64_t> extents) {
  if (extents.empty() || extents.size() > 3)
    return emitError() << name << " must have 1 to 3 extents, got "
                       << extents.size();
  for (auto [i, extent] : llvm::enumerate(extents))
    if (extent <= 0)
      return emitError() << name << " extent " << i << " (" << extent
                         << ") must be positive";
  return success();
}

LogicalResult
KernelConfigAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         ArrayRef<int64_t> grid, ArrayRef<int64_t> block,
                         int64_t shared, int64_t regs) {
  if (failed(verifyExtents(emitError, "grid", grid)) ||
      failed(verifyExtents(emitError, "block", block)))
    return failure();
  int64_t threads = 1;
  for (int64_t extent : block)
    threads *= extent;
  if (threads > kMaxThreadsPerBlock)
    return emitError() << "block has " << threads
                       << " threads, more than the limit of "
                       << kMaxThreadsPerBlock;
  if (shared < 0)
    return emitError() << "shared (" << shared << ") must not be negative";
  if (regs < 0 || regs > kMaxRegsPerThread)
    return emitError() << "regs (" << regs << ") must be in [0, "
                       << kMaxRegsPerThread << "]";
  return success();
}

//===----------------------------------------------------------------------===//
// ChipAttr
//===----------------------------------------------------------------------===//

LogicalResult ChipAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               StringRef name) {
  if (!lookupTargetInfo(name))
    return emitError() << describeUnknownChip(name);
  return success();
}

const TargetInfo &ChipAttr::getInfo() const {
  return *lookupTargetInfo(getName());
}

ChipAttr ChipAttr::lookup(Operation *op) {
  for (; op; op = op->getParentOp())
    if (auto chip = op->getAttrOfType<ChipAttr>(getModuleAttrName()))
      return chip;
  return {};
}

LogicalResult TargetDialect::verifyOperationAttribute(Operation *op,
                                                      NamedAttribute attr) {
  if (attr.getName() != ChipAttr::getModuleAttrName())
    return op->emitError() << "unknown attribute '"
                           << attr.getName().getValue()
                           << "' of the tessera_target dialect";
  if (!isa<ModuleOp>(op))
    return op->emitError() << "'" << attr.getName().getValue()
                           << "' belongs on a builtin.module, not on '"
                           << op->getName() << "'";
  if (!isa<ChipAttr>(attr.getValue()))
    return op->emitError() << "'" << attr.getName().getValue()
                           << "' must be a #tessera_target.chip, not "
                           << attr.getValue();
  return success();
}
