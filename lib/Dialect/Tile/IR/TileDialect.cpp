//===- TileDialect.cpp - Tile IR dialect and operations -------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Tile/IR/TileDialect.h"
#include "Tessera/Dialect/Tile/IR/TileOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tessera::tile;

#include "Tessera/Dialect/Tile/IR/TileDialect.cpp.inc"

namespace {
/// Short aliases for the encodings and layouts, which would otherwise be
/// repeated in full in every tile type of a printed kernel.
struct TileOpAsmInterface : public OpAsmDialectInterface {
  using OpAsmDialectInterface::OpAsmDialectInterface;

  AliasResult getAlias(Attribute attr, raw_ostream &os) const override {
    StringRef name = llvm::TypeSwitch<Attribute, StringRef>(attr)
                         .Case([](BlockedEncodingAttr) { return "blocked"; })
                         .Case([](MmaAccEncodingAttr) { return "acc"; })
                         .Case([](DotOperandEncodingAttr) { return "opnd"; })
                         .Case([](SliceEncodingAttr) { return "slice"; })
                         .Case([](MmaAttr) { return "mma"; })
                         .Case([](SmemLayoutAttr) { return "smem_layout"; })
                         .Default([](Attribute) { return ""; });
    if (name.empty())
      return AliasResult::NoAlias;
    os << name;
    return AliasResult::OverridableAlias;
  }
};
} // namespace

void TileDialect::initialize() {
  registerAttributesAndTypes();
  addOperations<
#define GET_OP_LIST
#include "Tessera/Dialect/Tile/IR/TileOps.cpp.inc"
      >();
  addInterfaces<TileOpAsmInterface>();
}

/// The one discardable attribute of the dialect: a pipeline request on a
/// loop. Its value is checked by `tessera-tile-pipeline`, which refuses what
/// it cannot expand; here only its place and kind.
LogicalResult TileDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attr) {
  if (attr.getName() != getStagesAttrName())
    return op->emitError() << "unknown Tessera Tile IR attribute '"
                           << attr.getName().getValue() << "'";
  if (!isa<scf::ForOp>(op))
    return op->emitError() << "'" << getStagesAttrName()
                           << "' must be on an scf.for, not on '"
                           << op->getName() << "'";
  if (!isa<IntegerAttr>(attr.getValue()))
    return op->emitError() << "'" << getStagesAttrName()
                           << "' must be an integer, got " << attr.getValue();
  return success();
}

//===----------------------------------------------------------------------===//
// ProgramIdOp
//===----------------------------------------------------------------------===//

LogicalResult ProgramIdOp::verify() {
  int64_t axis = getAxis();
  if (axis < 0 || axis > 2)
    return emitOpError() << "axis (" << axis << ") must be 0, 1 or 2";
  return success();
}

//===----------------------------------------------------------------------===//
// AllocSharedOp
//===----------------------------------------------------------------------===//

LogicalResult AllocSharedOp::verify() {
  MemRefType type = getBuffer().getType();
  if (!type.hasStaticShape())
    return emitOpError() << "result " << type
                         << " must have a static shape: shared memory is "
                            "sized at compile time";
  auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(type.getMemorySpace());
  if (!space || space.getValue() != gpu::AddressSpace::Workgroup)
    return emitOpError() << "result " << type
                         << " must be in #gpu.address_space<workgroup>";
  if (!type.getElementType().isIntOrFloat() || !type.getLayout().isIdentity())
    return emitOpError() << "result " << type
                         << " must hold integers or floats in the identity "
                            "layout";
  if (std::optional<int64_t> offset = getOffset();
      offset && (*offset < 0 || *offset % 16 != 0))
    return emitOpError() << "offset (" << *offset
                         << ") must be a non-negative multiple of 16";
  if (std::optional<int64_t> align = getAlign()) {
    if (*align < 16 || !llvm::isPowerOf2_64(*align))
      return emitOpError() << "align (" << *align
                           << ") must be a power of 2, at least 16";
    if (!getOffset() || *getOffset() % *align != 0)
      return emitOpError() << "align (" << *align
                           << ") needs an offset that is a multiple of it";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// LoadOp
//===----------------------------------------------------------------------===//

LogicalResult LoadOp::verify() {
  if (static_cast<bool>(getMask()) != static_cast<bool>(getOther()))
    return emitOpError() << "mask and other value must be given together";
  return success();
}

//===----------------------------------------------------------------------===//
// Asynchronous copies, matrix loads and mma
//===----------------------------------------------------------------------===//

static bool isShared(MemRefType type) {
  auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(type.getMemorySpace());
  return space && space.getValue() == gpu::AddressSpace::Workgroup;
}

LogicalResult CopyAsyncOp::verify() {
  MemRefType source = getSource().getType(), dest = getDest().getType();
  if (!isShared(dest))
    return emitOpError() << "destination " << dest
                         << " must be in #gpu.address_space<workgroup>";
  if (isShared(source))
    return emitOpError() << "source " << source
                         << " must be in global memory, not shared memory";
  if (source.getElementType() != dest.getElementType())
    return emitOpError() << "source element type "
                         << source.getElementType()
                         << " does not match destination element type "
                         << dest.getElementType();
  unsigned bits = source.getElementType().getIntOrFloatBitWidth();
  int64_t bytes = getCount() * bits / 8;
  if (getCount() <= 0 || (bytes != 4 && bytes != 8 && bytes != 16))
    return emitOpError() << "copies " << getCount() << " elements of "
                         << bits << " bits (" << bytes
                         << " bytes); a copy must be 4, 8 or 16 bytes";
  return success();
}

LogicalResult AsyncWaitOp::verify() {
  if (getPending() < 0 || getPending() > 7)
    return emitOpError() << "pending (" << getPending()
                         << ") must be between 0 and 7";
  return success();
}

LogicalResult LoadMatrixOp::verify() {
  MemRefType buffer = getBuffer().getType();
  if (!isShared(buffer))
    return emitOpError() << "buffer " << buffer
                         << " must be in #gpu.address_space<workgroup>";
  VectorType result = getResult().getType();
  if (result.getElementType() != buffer.getElementType())
    return emitOpError() << "result element type " << result.getElementType()
                         << " does not match the buffer's "
                         << buffer.getElementType();
  int64_t tiles = result.getDimSize(0);
  if ((tiles != 1 && tiles != 2 && tiles != 4) || result.getDimSize(1) != 2)
    return emitOpError() << "result " << result
                         << " must be vector<Nx2xT> with N = 1, 2 or 4 "
                            "(one row of two elements per 8x8 matrix)";
  return success();
}

LogicalResult MmaOp::verify() {
  auto expect = [&](VectorType type, int64_t rows, StringRef name)
      -> LogicalResult {
    if (type.getDimSize(0) != rows || type.getDimSize(1) != 2)
      return emitOpError() << name << " " << type << " must be "
                           << VectorType::get({rows, 2},
                                              type.getElementType())
                           << " (the m16n8k16 fragment of one lane)";
    return success();
  };
  if (failed(expect(getLhs().getType(), 4, "lhs")) ||
      failed(expect(getRhs().getType(), 2, "rhs")) ||
      failed(expect(getAcc().getType(), 2, "acc")))
    return failure();
  return success();
}

#define GET_OP_CLASSES
#include "Tessera/Dialect/Tile/IR/TileOps.cpp.inc"
