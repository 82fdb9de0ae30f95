//===- TileBlockOps.cpp - Block-level Tile IR operations ------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// Verifiers of the ops that state what one thread block does (register
// tiles, shared buffers, box copies, dot, reductions, warp specialization),
// and the custom syntax of tessera_tile.warp_specialize.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Tile/IR/TileOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::tessera::tile;

/// `128x64` for diagnostics.
static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, "x");
  return text;
}

static bool isSharedMemRef(MemRefType type) {
  auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(type.getMemorySpace());
  return space && space.getValue() == gpu::AddressSpace::Workgroup;
}

/// Checks the global side of a box transfer: `memory` is a global memref of
/// the box's rank and element type, addressed by one index per dimension.
static LogicalResult verifyGlobalBox(Operation *op, StringRef memoryName,
                                     MemRefType memory, size_t numIndices,
                                     StringRef boxName, ArrayRef<int64_t> box,
                                     Type boxElementType) {
  if (isSharedMemRef(memory))
    return op->emitOpError() << memoryName << " " << memory
                             << " must be in global memory, not shared memory";
  if (memory.getElementType() != boxElementType)
    return op->emitOpError()
           << boxName << " element type " << boxElementType << " does not match "
           << memoryName << " element type " << memory.getElementType();
  if (static_cast<int64_t>(box.size()) != memory.getRank())
    return op->emitOpError() << boxName << " rank (" << box.size()
                             << ") does not match " << memoryName << " rank ("
                             << memory.getRank() << ")";
  if (static_cast<int64_t>(numIndices) != memory.getRank())
    return op->emitOpError() << "has " << numIndices << " indices for a "
                             << memoryName << " of rank " << memory.getRank();
  return success();
}

/// Checks an `in_bounds` promise where it can: along dims of static size at
/// constant indices, the box must end within the dim.
static LogicalResult verifyInBounds(Operation *op, StringRef memoryName,
                                    MemRefType memory, ValueRange indices,
                                    ArrayRef<int64_t> box) {
  for (auto [d, index] : llvm::enumerate(indices)) {
    std::optional<int64_t> at = getConstantIntValue(index);
    int64_t size = memory.getDimSize(d);
    if (!at || (*at >= 0 && (ShapedType::isDynamic(size) ||
                             *at + box[d] <= size)))
      continue;
    return op->emitOpError()
           << "is declared in_bounds, but its box [" << *at << ", "
           << *at + box[d] << ") along dim " << d << " passes the "
           << memoryName << "'s size " << size;
  }
  return success();
}

/// Checks that a register tile and a shared buffer hold the same elements.
static LogicalResult verifyTileMatchesBuffer(Operation *op, StringRef tileName,
                                             RankedTensorType tile,
                                             StringRef bufferName,
                                             SmemType buffer) {
  if (tile.getShape() != buffer.getShape())
    return op->emitOpError()
           << tileName << " shape " << formatShape(tile.getShape())
           << " does not match the " << bufferName << "'s "
           << formatShape(buffer.getShape());
  if (tile.getElementType() != buffer.getElementType())
    return op->emitOpError()
           << tileName << " element type " << tile.getElementType()
           << " does not match the " << bufferName << "'s "
           << buffer.getElementType();
  return success();
}

static LogicalResult verifyOffset(Operation *op, std::optional<int64_t> offset,
                                  int64_t alignment, StringRef what) {
  if (!offset)
    return success();
  if (*offset < 0)
    return op->emitOpError() << "offset (" << *offset
                             << ") must not be negative";
  if (*offset % alignment != 0)
    return op->emitOpError() << "offset (" << *offset
                             << ") is not a multiple of " << what << " ("
                             << alignment << ")";
  return success();
}

//===----------------------------------------------------------------------===//
// Shared buffers
//===----------------------------------------------------------------------===//

LogicalResult LocalAllocOp::verify() {
  return verifyOffset(*this, getOffset(), getBuffer().getType().getAlignment(),
                      "the buffer's alignment");
}

LogicalResult SlotOp::verify() {
  SmemType ring = getRing().getType();
  if (ring.getRank() < 2)
    return emitOpError() << "ring " << ring << " has rank " << ring.getRank()
                         << "; a slot drops the leading dimension of a buffer "
                            "of rank 2 or more";
  if (getResult().getType() != ring.getSlotType())
    return emitOpError() << "result " << getResult().getType()
                         << " does not match " << ring.getSlotType()
                         << ", the ring's slot type";
  APInt index;
  if (matchPattern(getIndex(), m_ConstantInt(&index)) &&
      (index.isNegative() || index.getSExtValue() >= ring.getShape()[0]))
    return emitOpError() << "slot index (" << index.getSExtValue()
                         << ") is out of range for a ring of "
                         << ring.getShape()[0];
  return success();
}

LogicalResult TransOp::verify() {
  SmemType buffer = getBuffer().getType();
  if (buffer.getRank() < 2)
    return emitOpError() << "buffer " << buffer << " has rank "
                         << buffer.getRank()
                         << "; a transpose swaps the last two dimensions";
  if (getResult().getType() != buffer.getTransposedType())
    return emitOpError() << "result " << getResult().getType()
                         << " is not " << buffer.getTransposedType()
                         << ", the buffer's transpose";
  return success();
}

LogicalResult LocalLoadOp::verify() {
  RankedTensorType result = getResult().getType();
  SmemType buffer = getBuffer().getType();
  if (getIndices().empty())
    return verifyTileMatchesBuffer(*this, "result", result, "buffer", buffer);
  if (static_cast<int64_t>(getIndices().size()) != buffer.getRank())
    return emitOpError() << "has " << getIndices().size()
                         << " indices for a buffer of rank "
                         << buffer.getRank();
  if (result.getElementType() != buffer.getElementType())
    return emitOpError() << "result element type " << result.getElementType()
                         << " does not match the buffer's "
                         << buffer.getElementType();
  if (result.getRank() != buffer.getRank())
    return emitOpError() << "result rank (" << result.getRank()
                         << ") does not match the buffer's ("
                         << buffer.getRank() << ")";
  for (auto [d, index] : llvm::enumerate(getIndices())) {
    int64_t extent = result.getDimSize(d), size = buffer.getShape()[d];
    if (extent > size)
      return emitOpError() << "result shape " << formatShape(result.getShape())
                           << " does not fit in the buffer's "
                           << formatShape(buffer.getShape());
    std::optional<int64_t> at = getConstantIntValue(index);
    if (at && (*at < 0 || *at + extent > size))
      return emitOpError() << "box [" << *at << ", " << *at + extent
                           << ") along dim " << d
                           << " is outside the buffer's size " << size;
  }
  return success();
}

LogicalResult LocalStoreOp::verify() {
  return verifyTileMatchesBuffer(*this, "value", getValue().getType(),
                                 "buffer", getBuffer().getType());
}

//===----------------------------------------------------------------------===//
// Box copies and barriers
//===----------------------------------------------------------------------===//

/// Both TMA and cp.async move at least 16 bytes per row chunk.
static constexpr int64_t kCopyGranuleBytes = 16;

LogicalResult BoxCopyOp::verify() {
  SmemType dest = getDest().getType();
  MemRefType source = getSource().getType();
  // A source of higher rank: the box is dest's shape with leading 1s.
  SmallVector<int64_t> box(
      std::max<int64_t>(source.getRank() - dest.getRank(), 0), 1);
  llvm::append_range(box, dest.getShape());
  if (failed(verifyGlobalBox(*this, "source", source, getIndices().size(),
                             "box", box, dest.getElementType())))
    return failure();
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(source.getStridesAndOffset(strides, offset)) ||
      strides.back() != 1)
    return emitOpError() << "source " << source
                         << " must have an innermost stride of 1";
  if (dest.getLayout().getTransposed())
    return emitOpError() << "copies into " << dest
                         << ", a transposed view; copy into the buffer in "
                            "the source's order and transpose it with "
                            "tessera_tile.trans";
  if (dest.getRowBytes() < kCopyGranuleBytes)
    return emitOpError() << "box row of " << dest.getRowBytes() << " bytes ("
                         << dest.getShape().back() << " x "
                         << dest.getElementType()
                         << ") is narrower than the " << kCopyGranuleBytes
                         << "-byte copy granule";
  if (static_cast<bool>(getBarriers()) != static_cast<bool>(getBarrierIndex()))
    return emitOpError() << "barrier group and barrier index must be given "
                            "together";
  if (getBarriers() && getToken())
    return emitOpError() << "has both a token result and an 'arrive' "
                            "barrier; completion is one or the other";
  if (!getBarriers() && !getToken())
    return emitOpError() << "needs a completion: a token result or an "
                            "'arrive' barrier";
  if (getDesc()) {
    if (!getBarriers())
      return emitOpError() << "copies through a tensor descriptor, which "
                              "completes on an mbarrier: give it 'arrive'";
    if (dest.getLayout().getSwizzle() == 0)
      return emitOpError() << "copies through a tensor descriptor into "
                           << dest
                           << ", which has no swizzle; the descriptor "
                              "writes its swizzled layout";
  }
  return success();
}

LogicalResult WaitOp::verify() {
  if (std::optional<int64_t> pending = getPending(); pending && *pending < 0)
    return emitOpError() << "pending (" << *pending
                         << ") must not be negative";
  return success();
}

LogicalResult MbarrierAllocOp::verify() {
  if (getArrivals() < 1)
    return emitOpError() << "arrivals (" << getArrivals()
                         << ") must be at least 1";
  return verifyOffset(*this, getOffset(), 8, "an mbarrier's alignment");
}

//===----------------------------------------------------------------------===//
// Global tiles
//===----------------------------------------------------------------------===//

LogicalResult LoadTileOp::verify() {
  RankedTensorType result = getResult().getType();
  if (failed(verifyGlobalBox(*this, "source", getSource().getType(),
                             getIndices().size(), "result", result.getShape(),
                             result.getElementType())))
    return failure();
  if (getInBounds())
    return verifyInBounds(*this, "source", getSource().getType(),
                          getIndices(), result.getShape());
  return success();
}

void MapOp::build(OpBuilder &builder, OperationState &state, Type result,
                  ValueRange inputs) {
  state.addOperands(inputs);
  state.addTypes(result);
  Region *body = state.addRegion();
  Block *block = new Block();
  body->push_back(block);
  for (Value input : inputs)
    block->addArgument(cast<RankedTensorType>(input.getType()).getElementType(),
                       state.location);
}

LogicalResult MapOp::verify() {
  RankedTensorType result = getResult().getType();
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError() << "body has " << body.getNumArguments()
                         << " arguments for " << getInputs().size()
                         << " inputs";
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    auto type = cast<RankedTensorType>(input.getType());
    if (type.getShape() != result.getShape() ||
        type.getEncoding() != result.getEncoding())
      return emitOpError() << "input " << i << " " << type
                           << " does not have the result's shape and "
                              "encoding ("
                           << result << ")";
    if (body.getArgument(i).getType() != type.getElementType())
      return emitOpError() << "body argument " << i << " has type "
                           << body.getArgument(i).getType()
                           << ", not input " << i << "'s element type "
                           << type.getElementType();
  }
  Type yielded = body.getTerminator()->getOperand(0).getType();
  if (yielded != result.getElementType())
    return emitOpError() << "body yields " << yielded
                         << ", not the result's element type "
                         << result.getElementType();
  return success();
}

LogicalResult GatherOp::verify() {
  RankedTensorType offsets = getOffsets().getType();
  RankedTensorType result = getResult().getType();
  if (isSharedMemRef(getSource().getType()))
    return emitOpError() << "source " << getSource().getType()
                         << " must be in global memory, not shared memory";
  if (!offsets.getElementType().isIndex())
    return emitOpError() << "offsets must be a tile of index, not of "
                         << offsets.getElementType();
  if (offsets.getShape() != result.getShape() ||
      offsets.getEncoding() != result.getEncoding())
    return emitOpError() << "offsets " << offsets
                         << " and result must have one shape and encoding, "
                            "but the result is "
                         << result;
  if (result.getElementType() != getSource().getType().getElementType())
    return emitOpError() << "result element type " << result.getElementType()
                         << " does not match source element type "
                         << getSource().getType().getElementType();
  return success();
}

LogicalResult StoreTileOp::verify() {
  RankedTensorType value = getValue().getType();
  if (failed(verifyGlobalBox(*this, "destination", getDest().getType(),
                             getIndices().size(), "value", value.getShape(),
                             value.getElementType())))
    return failure();
  if (getInBounds() &&
      failed(verifyInBounds(*this, "destination", getDest().getType(),
                            getIndices(), value.getShape())))
    return failure();
  if (Value staging = getStaging())
    return verifyTileMatchesBuffer(*this, "value", value, "staging buffer",
                                   cast<SmemType>(staging.getType()));
  return success();
}

//===----------------------------------------------------------------------===//
// DotOp
//===----------------------------------------------------------------------===//

static ArrayRef<int64_t> getOperandShape(Type type) {
  if (auto smem = dyn_cast<SmemType>(type))
    return smem.getShape();
  return cast<RankedTensorType>(type).getShape();
}

static Type getOperandElementType(Type type) {
  if (auto smem = dyn_cast<SmemType>(type))
    return smem.getElementType();
  return cast<RankedTensorType>(type).getElementType();
}

/// The element types of an fma dot: operands of one float type, the
/// accumulator f64 for f64 operands and f32 for the others.
static LogicalResult verifyFmaDotTypes(DotOp op, RankedTensorType acc,
                                       Type aType, Type bType) {
  if (!isa<BlockedEncodingAttr>(acc.getEncoding()))
    return op.emitOpError()
           << "accumulator encoding " << acc.getEncoding()
           << " must be a #tessera_tile.blocked for an fma dot";
  for (auto [name, type] : {std::pair<StringRef, Type>{"a", aType},
                            {"b", bType}})
    if (!isa<SmemType>(type))
      return op.emitOpError() << "fma reads " << name
                              << " from shared memory, got " << type;
  Type aElement = getOperandElementType(aType);
  Type bElement = getOperandElementType(bType);
  if (!aElement.isF16() && !aElement.isBF16() && !aElement.isF32() &&
      !aElement.isF64())
    return op.emitOpError() << "a element type " << aElement
                            << " must be f16, bf16, f32 or f64 for fma";
  if (aElement != bElement)
    return op.emitOpError() << "a element type " << aElement
                            << " does not match b element type " << bElement;
  Type expected = aElement.isF64() ? aElement
                                   : Float32Type::get(op.getContext());
  if (acc.getElementType() != expected)
    return op.emitOpError() << "accumulator element type "
                            << acc.getElementType() << " must be " << expected
                            << " for " << aElement << " operands";
  return success();
}

//===----------------------------------------------------------------------===//
// DotWaitOp
//===----------------------------------------------------------------------===//

LogicalResult DotWaitOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                          ValueRange operands, DictionaryAttr,
                                          OpaqueProperties, RegionRange,
                                          SmallVectorImpl<Type> &inferred) {
  llvm::append_range(inferred, operands.getTypes());
  return success();
}

LogicalResult DotWaitOp::verify() {
  if (getAccs().empty())
    return emitOpError() << "needs at least one accumulator";
  for (auto [index, acc] : llvm::enumerate(getAccs()))
    if (!isa<MmaAccEncodingAttr>(
            cast<RankedTensorType>(acc.getType()).getEncoding()))
      return emitOpError() << "operand " << index << " is " << acc.getType()
                           << "; dot_wait passes on dot accumulators "
                              "(#tessera_tile.mma_acc encoding)";
  if (getPending() < 0 || getPending() > 7)
    return emitOpError() << "leaves " << getPending()
                         << " dots pending; wgmma's wait_group allows 0 to 7";
  return success();
}

LogicalResult DotOp::verify() {
  if (getInFlight() != 1 && !getAsync())
    return emitOpError() << "sets in_flight = " << getInFlight()
                         << " on a synchronous dot; only async dots stay in "
                            "flight";
  if (getInFlight() < 1 || getInFlight() > 7)
    return emitOpError() << "sets in_flight = " << getInFlight()
                         << "; wgmma's wait_group leaves 1 to 7 dots (this "
                            "one included) in flight";
  MmaAttr mma = getMma();
  auto acc = cast<RankedTensorType>(getAcc().getType());
  Type aType = getA().getType(), bType = getB().getType();
  MmaAccEncodingAttr accEncoding;
  if (mma.getKind() == MmaKind::fma) {
    if (failed(verifyFmaDotTypes(*this, acc, aType, bType)))
      return failure();
  } else {
    accEncoding = dyn_cast<MmaAccEncodingAttr>(acc.getEncoding());
    if (!accEncoding)
      return emitOpError() << "accumulator encoding " << acc.getEncoding()
                           << " must be a #tessera_tile.mma_acc";
    if (!acc.getElementType().isF32())
      return emitOpError() << "accumulator element type "
                           << acc.getElementType() << " must be f32";
    if (accEncoding.getMma() != mma)
      return emitOpError() << "mma " << mma << " does not match the "
                           << "accumulator's " << accEncoding.getMma();
    Type aElement = getOperandElementType(aType);
    Type bElement = getOperandElementType(bType);
    bool isF8 = isa<Float8E4M3FNType, Float8E5M2Type>(aElement);
    if (mma.getKind() == MmaKind::wgmma) {
      if (!aElement.isF16() && !aElement.isBF16() && !isF8)
        return emitOpError() << "a element type " << aElement
                             << " must be f16, bf16, f8E4M3FN or f8E5M2 for "
                                "wgmma";
    } else if (!aElement.isF16() && !aElement.isBF16()) {
      return emitOpError() << "a element type " << aElement
                           << " must be f16 or bf16";
    }
    if (aElement != bElement)
      return emitOpError() << "a element type " << aElement
                           << " does not match b element type " << bElement;
    if (mma.getKind() == MmaKind::wgmma && mma.getK() != (isF8 ? 32 : 16))
      return emitOpError() << "mma k (" << mma.getK()
                           << ") does not fit the element type " << aElement
                           << ": wgmma's k is 16 for 16-bit operands and 32 "
                              "for 8-bit ones";
    // 8-bit wgmma reads both operands K-major from shared memory (the
    // instruction cannot transpose them).
    auto bSmem = dyn_cast<SmemType>(bType);
    if (isF8 && (!isa<SmemType>(aType) ||
                 cast<SmemType>(aType).getLayout().getTransposed() ||
                 !bSmem || !bSmem.getLayout().getTransposed()))
      return emitOpError() << "reads " << aElement
                           << " operands; 8-bit wgmma reads a and b from "
                              "shared memory with K contiguous: a as stored, "
                              "b through a trans view";
  }

  ArrayRef<int64_t> a = getOperandShape(aType), b = getOperandShape(bType);
  if (a.size() != 2 || b.size() != 2)
    return emitOpError() << "a (" << formatShape(a) << ") and b ("
                         << formatShape(b)
                         << ") must be rank 2 (M x K and K x N)";
  if (a[1] != b[0])
    return emitOpError() << "a dimension 1 (" << a[1]
                         << ") does not match b dimension 0 (" << b[0] << ")";
  if (a[0] != acc.getDimSize(0))
    return emitOpError() << "a dimension 0 (" << a[0]
                         << ") does not match the accumulator's dimension 0 ("
                         << acc.getDimSize(0) << ")";
  if (b[1] != acc.getDimSize(1))
    return emitOpError() << "b dimension 1 (" << b[1]
                         << ") does not match the accumulator's dimension 1 ("
                         << acc.getDimSize(1) << ")";
  if (a[0] % mma.getM() != 0 || b[1] % mma.getN() != 0 ||
      a[1] % mma.getK() != 0)
    return emitOpError() << "block tile " << a[0] << "x" << b[1] << "x" << a[1]
                         << " (MxNxK) is not a multiple of the mma shape "
                         << mma.getM() << "x" << mma.getN() << "x"
                         << mma.getK();

  // An async dot read only through dot_waits (issued early, awaited
  // later) needs nothing more.
  bool awaited =
      !getResult().use_empty() &&
      llvm::all_of(getResult().getUsers(),
                   [](Operation *user) { return isa<DotWaitOp>(user); });
  if (getAsync() && !awaited) {
    auto loop = dyn_cast<scf::ForOp>((*this)->getParentOp());
    auto carried = dyn_cast<BlockArgument>(getAcc());
    if (!loop || !carried || carried.getOwner() != loop.getBody() ||
        carried == loop.getInductionVar() || !getResult().hasOneUse() ||
        *getResult().getUsers().begin() != loop.getBody()->getTerminator() ||
        getResult().getUses().begin()->getOperandNumber() !=
            carried.getArgNumber() - 1)
      return emitOpError() << "is async, so its result must be read only "
                              "through tessera_tile.dot_wait, or its "
                              "accumulator carried by the scf.for around "
                              "it: the loop's iteration argument in, "
                              "yielded at the same position and used "
                              "nowhere else";
    // The instructions may still write the accumulator's registers when
    // the loop ends: what reads it there must wait first.
    Value out = loop.getResult(carried.getArgNumber() - 1);
    for (Operation *user : out.getUsers())
      if (!isa<DotWaitOp, DotOp>(user))
        return emitOpError()
               << "is async, so the loop's result it carries must be read "
                  "through a tessera_tile.dot_wait (or a later dot), not by '"
               << user->getName() << "'";
  }
  if (mma.getKind() == MmaKind::wgmma && !isa<SmemType>(bType))
    return emitOpError() << "wgmma reads b from shared memory, got " << bType;
  for (auto [index, name, type] :
       {std::tuple<int64_t, StringRef, Type>{0, "a", aType}, {1, "b", bType}}) {
    auto tile = dyn_cast<RankedTensorType>(type);
    if (!tile || !accEncoding)
      continue;
    auto expected =
        DotOperandEncodingAttr::get(getContext(), index, accEncoding);
    if (tile.getEncoding() != expected)
      return emitOpError() << name << " encoding " << tile.getEncoding()
                           << " must be " << expected
                           << " (operand " << index
                           << " of the accumulator's encoding)";
  }
  return success();
}

void DotOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  // Only operands in shared memory are read from memory; register tiles are
  // values.
  for (OpOperand *operand : {&getAMutable(), &getBMutable()})
    if (isa<SmemType>(operand->get().getType()))
      effects.emplace_back(MemoryEffects::Read::get(), operand,
                           SharedMemoryResource::get());
}

//===----------------------------------------------------------------------===//
// Reductions and shape changes
//===----------------------------------------------------------------------===//

/// `shape` without dimension `axis`.
static SmallVector<int64_t> dropAxis(ArrayRef<int64_t> shape, int64_t axis) {
  SmallVector<int64_t> result(shape);
  result.erase(result.begin() + axis);
  return result;
}

LogicalResult ClusterReduceOp::verify() {
  Type element = getInput().getType().getElementType();
  if (!isa<FloatType, IntegerType>(element))
    return emitOpError() << "element type " << element
                         << " must be a float or an integer";
  // The cluster is the kernel's: its launch groups blocks by
  // `tessera.cluster` (the function the op is in).
  Operation *kernel =
      getOperation()->getParentWithTrait<OpTrait::IsIsolatedFromAbove>();
  auto blocks =
      kernel ? kernel->getAttrOfType<IntegerAttr>("tessera.cluster") : nullptr;
  if (!blocks || blocks.getInt() < 2)
    return emitOpError()
           << "combines the blocks of a cluster, but its kernel has no "
              "'tessera.cluster' of 2 or more blocks";
  return success();
}

LogicalResult ReduceOp::verify() {
  RankedTensorType input = getInput().getType(), result = getResult().getType();
  int64_t axis = getAxis();
  if (input.getRank() < 2)
    return emitOpError() << "input must have rank 2 or more, got rank "
                         << input.getRank();
  if (axis < 0 || axis >= input.getRank())
    return emitOpError() << "axis (" << axis
                         << ") is out of range for an input of rank "
                         << input.getRank();
  if (!isa<FloatType, IntegerType>(input.getElementType()))
    return emitOpError() << "element type " << input.getElementType()
                         << " must be a float or an integer";
  SmallVector<int64_t> expected = dropAxis(input.getShape(), axis);
  if (result.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError() << "result shape " << formatShape(result.getShape())
                         << " does not match " << formatShape(expected)
                         << ", the input's shape without axis " << axis;
  auto encoding =
      SliceEncodingAttr::get(getContext(), axis, input.getEncoding());
  if (result.getEncoding() != encoding)
    return emitOpError() << "result encoding " << result.getEncoding()
                         << " must be " << encoding;
  return success();
}

LogicalResult BroadcastOp::verify() {
  RankedTensorType input = getInput().getType(), result = getResult().getType();
  int64_t axis = getAxis();
  if (result.getRank() != input.getRank() + 1)
    return emitOpError() << "result rank (" << result.getRank()
                         << ") must be the input's rank (" << input.getRank()
                         << ") plus one";
  if (axis < 0 || axis >= result.getRank())
    return emitOpError() << "axis (" << axis
                         << ") is out of range for a result of rank "
                         << result.getRank();
  SmallVector<int64_t> expected = dropAxis(result.getShape(), axis);
  if (input.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError() << "input shape " << formatShape(input.getShape())
                         << " does not match " << formatShape(expected)
                         << ", the result's shape without axis " << axis;
  auto encoding =
      SliceEncodingAttr::get(getContext(), axis, result.getEncoding());
  if (input.getEncoding() != encoding)
    return emitOpError() << "input encoding " << input.getEncoding()
                         << " must be " << encoding;
  return success();
}

LogicalResult RangeOp::verify() {
  RankedTensorType result = getResult().getType();
  if (result.getRank() != 1)
    return emitOpError() << "result must have rank 1, got rank "
                         << result.getRank();
  if (!result.getElementType().isInteger(32))
    return emitOpError() << "result element type " << result.getElementType()
                         << " must be i32";
  int64_t start = getStart(), end = getEnd();
  if (end - start != result.getDimSize(0))
    return emitOpError() << "range [" << start << ", " << end << ") has "
                         << end - start
                         << " elements but the result has "
                         << result.getDimSize(0);
  return success();
}

OpFoldResult ConvertLayoutOp::fold(FoldAdaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// WarpSpecializeOp
//===----------------------------------------------------------------------===//

WarpPartitionsOp WarpSpecializeOp::getPartitionOp() {
  return cast<WarpPartitionsOp>(getPartitionOpHolder().front().front());
}

MutableArrayRef<Region> WarpSpecializeOp::getPartitionRegions() {
  return getPartitionOp().getPartitionRegions();
}

/// `registers(r)`, if present.
static ParseResult parseOptionalRegisters(OpAsmParser &parser,
                                          int32_t &registers) {
  registers = 0;
  if (failed(parser.parseOptionalKeyword("registers")))
    return success();
  return failure(parser.parseLParen() || parser.parseInteger(registers) ||
                 parser.parseRParen());
}

/// `(` captures `)` attr-dict? `default` registers? region
/// (`partitionN` `(` args `)` `num_warps` `(` n `)` registers? region)*
/// `:` functional-type
ParseResult WarpSpecializeOp::parse(OpAsmParser &parser,
                                    OperationState &result) {
  SmallVector<OpAsmParser::UnresolvedOperand> captures;
  SMLoc capturesLoc = parser.getCurrentLocation();
  int32_t defaultRegisters;
  if (parser.parseOperandList(captures, AsmParser::Delimiter::Paren) ||
      parser.parseOptionalAttrDictWithKeyword(result.attributes) ||
      parser.parseKeyword("default") ||
      parseOptionalRegisters(parser, defaultRegisters) ||
      parser.parseRegion(*result.addRegion()))
    return failure();
  Builder &b = parser.getBuilder();
  if (defaultRegisters != 0)
    result.addAttribute(getDefaultRegistersAttrName(result.name),
                        b.getI32IntegerAttr(defaultRegisters));

  // The partitions go into the isolated holder op.
  OperationState partitions(result.location,
                            WarpPartitionsOp::getOperationName());
  SmallVector<int32_t> numWarps, registers;
  StringRef keyword;
  SMLoc keywordLoc = parser.getCurrentLocation();
  while (succeeded(parser.parseOptionalKeyword(&keyword))) {
    std::string expected = "partition" + std::to_string(numWarps.size());
    if (keyword != expected)
      return parser.emitError(keywordLoc)
             << "expected '" << expected << "', got '" << keyword << "'";
    SmallVector<OpAsmParser::Argument> args;
    if (parser.parseArgumentList(args, AsmParser::Delimiter::Paren,
                                 /*allowType=*/true) ||
        parser.parseKeyword("num_warps") || parser.parseLParen() ||
        parser.parseInteger(numWarps.emplace_back()) ||
        parser.parseRParen() ||
        parseOptionalRegisters(parser, registers.emplace_back()) ||
        parser.parseRegion(*partitions.addRegion(), args))
      return failure();
    keywordLoc = parser.getCurrentLocation();
  }
  result.addAttribute(getPartitionNumWarpsAttrName(result.name),
                      b.getDenseI32ArrayAttr(numWarps));
  if (llvm::any_of(registers, [](int32_t r) { return r != 0; }))
    result.addAttribute(getPartitionRegistersAttrName(result.name),
                        b.getDenseI32ArrayAttr(registers));

  FunctionType type;
  if (parser.parseColonType(type) ||
      parser.resolveOperands(captures, type.getInputs(), capturesLoc,
                             result.operands))
    return failure();
  result.addTypes(type.getResults());

  Region *holder = result.addRegion();
  holder->push_back(new Block);
  holder->front().push_back(Operation::create(partitions));
  return success();
}

void WarpSpecializeOp::print(OpAsmPrinter &p) {
  p << '(' << getCaptures() << ')';
  p.printOptionalAttrDictWithKeyword(
      (*this)->getAttrs(),
      {getPartitionNumWarpsAttrName(), getPartitionRegistersAttrName(),
       getDefaultRegistersAttrName()});
  p.printNewline();
  p << "default";
  if (std::optional<int32_t> registers = getDefaultRegisters())
    p << " registers(" << *registers << ')';
  p << ' ';
  p.printRegion(getDefaultRegion(), /*printEntryBlockArgs=*/false);
  std::optional<ArrayRef<int32_t>> registers = getPartitionRegisters();
  for (auto [i, region] : llvm::enumerate(getPartitionRegions())) {
    p.printNewline();
    p << "partition" << i << '(';
    llvm::interleaveComma(region.getArguments(), p, [&](BlockArgument arg) {
      p.printRegionArgument(arg);
    });
    p << ") num_warps(" << getPartitionNumWarps()[i] << ')';
    if (registers && i < registers->size() && (*registers)[i] != 0)
      p << " registers(" << (*registers)[i] << ')';
    p << ' ';
    p.printRegion(region, /*printEntryBlockArgs=*/false);
  }
  p << " : ";
  p.printFunctionalType(getCaptures().getTypes(), getResultTypes());
}

/// setmaxnreg's range and granularity.
static bool isLegalRegisterBudget(int32_t registers) {
  return registers >= 24 && registers <= 256 && registers % 8 == 0;
}

LogicalResult WarpSpecializeOp::verify() {
  ArrayRef<int32_t> numWarps = getPartitionNumWarps();
  std::optional<ArrayRef<int32_t>> registers = getPartitionRegisters();
  if (registers && registers->size() != numWarps.size())
    return emitOpError() << "partition_registers has " << registers->size()
                         << " entries but partition_num_warps has "
                         << numWarps.size();
  int64_t total = 0;
  for (auto [i, warps] : llvm::enumerate(numWarps)) {
    if (warps < 1)
      return emitOpError() << "partition " << i << " has " << warps
                           << " warps; it needs at least 1";
    total += warps;
    int32_t budget = registers ? (*registers)[i] : 0;
    if (budget == 0)
      continue;
    if (!isLegalRegisterBudget(budget))
      return emitOpError() << "partition " << i << " registers (" << budget
                           << ") must be a multiple of 8 in [24, 256]";
    if (warps % 4 != 0)
      return emitOpError() << "partition " << i << " asks for registers("
                           << budget << ") with " << warps
                           << " warps; setmaxnreg needs whole warpgroups (a "
                              "multiple of 4 warps)";
  }
  if (std::optional<int32_t> budget = getDefaultRegisters())
    if (!isLegalRegisterBudget(*budget))
      return emitOpError() << "default registers (" << *budget
                           << ") must be a multiple of 8 in [24, 256]";
  // The default region keeps at least one warp of the block's at most 32.
  if (total >= 32)
    return emitOpError() << "partitions hold " << total
                         << " warps; with the default region's that exceeds "
                            "a block's 32";
  return success();
}

LogicalResult WarpSpecializeOp::verifyRegions() {
  Block &defaultBlock = getDefaultRegion().front();
  if (defaultBlock.getNumArguments() != 0)
    return emitOpError() << "default region must have no arguments, got "
                         << defaultBlock.getNumArguments();
  auto yield = dyn_cast<WarpYieldOp>(defaultBlock.getTerminator());
  if (!yield)
    return emitOpError() << "default region must end with "
                            "tessera_tile.warp_yield";
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError() << "default region yields ("
                         << yield.getValues().getTypes()
                         << ") but the op's results are (" << getResultTypes()
                         << ")";

  Block &holder = getPartitionOpHolder().front();
  if (holder.getOperations().size() != 1 ||
      !isa<WarpPartitionsOp>(holder.front()))
    return emitOpError() << "partition holder must hold only a "
                            "tessera_tile.warp_partitions";
  MutableArrayRef<Region> partitions = getPartitionRegions();
  if (partitions.size() != getPartitionNumWarps().size())
    return emitOpError() << "has " << partitions.size()
                         << " partitions but partition_num_warps has "
                         << getPartitionNumWarps().size() << " entries";
  for (auto [i, region] : llvm::enumerate(partitions))
    if (region.getArgumentTypes() != getCaptures().getTypes())
      return emitOpError() << "partition " << i << " takes ("
                           << region.getArgumentTypes()
                           << ") but the captures are ("
                           << getCaptures().getTypes() << ")";
  return success();
}
