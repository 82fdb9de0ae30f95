//===- TileAttrs.cpp - Tile IR attributes and types -----------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//
//
// The encodings of register tiles, the tensor-core instruction shape, and the
// shared-buffer types. Every layout rule the block's program depends on is
// checked here, once, so that ops and passes can rely on it.
//
//===----------------------------------------------------------------------===//

#include "Tessera/Dialect/Tile/IR/TileAttrs.h"
#include "Tessera/Dialect/Tile/IR/TileDialect.h"
#include "Tessera/Dialect/Tile/IR/TileTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tessera::tile;

#include "Tessera/Dialect/Tile/IR/TileEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "Tessera/Dialect/Tile/IR/TileAttrs.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "Tessera/Dialect/Tile/IR/TileTypes.cpp.inc"

void TileDialect::registerAttributesAndTypes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Tessera/Dialect/Tile/IR/TileAttrs.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "Tessera/Dialect/Tile/IR/TileTypes.cpp.inc"
      >();
}

FailureOr<SmallVector<int64_t>>
mlir::tessera::tile::parseIntArray(AsmParser &parser) {
  SmallVector<int64_t> values;
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&]() {
        return parser.parseInteger(values.emplace_back());
      }))
    return failure();
  return values;
}

void mlir::tessera::tile::printIntArray(AsmPrinter &printer,
                                        ArrayRef<int64_t> values) {
  printer << '[';
  llvm::interleaveComma(values, printer);
  printer << ']';
}

bool mlir::tessera::tile::isTileEncoding(Attribute encoding) {
  return isa_and_nonnull<BlockedEncodingAttr, MmaAccEncodingAttr,
                         DotOperandEncodingAttr, SliceEncodingAttr>(encoding);
}

bool mlir::tessera::tile::isRegisterTile(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() &&
         isTileEncoding(tensor.getEncoding());
}

/// `128x64` for diagnostics.
static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, "x");
  return text;
}

static int64_t product(ArrayRef<int64_t> values) {
  int64_t result = 1;
  for (int64_t value : values)
    result *= value;
  return result;
}

/// A block holds at most 1024 threads on every Tessera target: 32 warps of
/// 32 lanes (NVIDIA) or 16 wavefronts of 64 (AMD); the per-chip limit is
/// the legality check's business.
static constexpr int64_t kMaxWarpsPerBlock = 32;

/// Rank, positivity and block-size checks shared by the encodings' `warps`.
static LogicalResult verifyWarps(function_ref<InFlightDiagnostic()> emitError,
                                 ArrayRef<int64_t> warps) {
  if (warps.empty())
    return emitError() << "warps must have at least one entry";
  for (auto [dim, count] : llvm::enumerate(warps))
    if (count < 1)
      return emitError() << "warps[" << dim << "] (" << count
                         << ") must be at least 1";
  if (product(warps) > kMaxWarpsPerBlock)
    return emitError() << "warps [" << formatShape(warps) << "] hold "
                       << product(warps) << " warps, more than a block's "
                       << kMaxWarpsPerBlock;
  return success();
}

//===----------------------------------------------------------------------===//
// MmaAttr
//===----------------------------------------------------------------------===//

LogicalResult MmaAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                              MmaKind kind, int64_t m, int64_t n, int64_t k) {
  // Tile IR's dots take f16/bf16 operands into f32 (and f8 ones on wgmma),
  // so k is the 16-bit one (wgmma's k is 32 for 8-bit operands).
  switch (kind) {
  case MmaKind::mma_sync:
    if (m != 16 || n != 8 || k != 16)
      return emitError() << "mma_sync shape m" << m << "n" << n << "k" << k
                         << " is not supported: mma_sync on 16-bit operands "
                            "is m16n8k16";
    return success();
  case MmaKind::wgmma:
    if (m != 64)
      return emitError() << "wgmma m (" << m << ") must be 64";
    if (n < 8 || n > 256 || n % 8 != 0)
      return emitError() << "wgmma n (" << n
                         << ") must be a multiple of 8 in [8, 256]";
    if (k != 16 && k != 32)
      return emitError() << "wgmma k (" << k
                         << ") must be 16 (16-bit operands) or 32 (8-bit "
                            "operands)";
    return success();
  case MmaKind::mfma:
    if (!(m == 16 && n == 16 && k == 16) && !(m == 32 && n == 32 && k == 8))
      return emitError() << "mfma shape " << m << "x" << n << "x" << k
                         << " is not supported: mfma on 16-bit operands is "
                            "16x16x16 or 32x32x8";
    return success();
  case MmaKind::fma:
    if (m != 1 || n != 1 || k != 1)
      return emitError() << "fma shape " << m << "x" << n << "x" << k
                         << " is not supported: fma is one multiply-add per "
                            "element, 1x1x1";
    return success();
  }
  llvm_unreachable("unknown mma kind");
}

//===----------------------------------------------------------------------===//
// BlockedEncodingAttr
//===----------------------------------------------------------------------===//

LogicalResult
BlockedEncodingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                            ArrayRef<int64_t> warps, ArrayRef<int64_t> threads,
                            ArrayRef<int64_t> perThread) {
  if (failed(verifyWarps(emitError, warps)))
    return failure();
  for (auto [name, values] : {std::pair<StringRef, ArrayRef<int64_t>>{
                                  "threads", threads},
                              {"per_thread", perThread}}) {
    if (values.empty())
      continue;
    if (values.size() != warps.size())
      return emitError() << name << " has " << values.size()
                         << " entries but warps has " << warps.size();
    for (auto [dim, count] : llvm::enumerate(values))
      if (count < 1)
        return emitError() << name << "[" << dim << "] (" << count
                           << ") must be at least 1";
  }
  if (!threads.empty() && product(threads) != 32 && product(threads) != 64)
    return emitError() << "threads [" << formatShape(threads) << "] hold "
                       << product(threads)
                       << " lanes; a warp has 32 (NVIDIA) or 64 (AMD)";
  return success();
}

LogicalResult BlockedEncodingAttr::verifyEncoding(
    ArrayRef<int64_t> shape, Type elementType,
    function_ref<InFlightDiagnostic()> emitError) const {
  ArrayRef<int64_t> warps = getWarps();
  if (shape.size() != warps.size())
    return emitError() << "tile rank (" << shape.size()
                       << ") does not match the blocked encoding's rank ("
                       << warps.size() << ")";
  for (auto [dim, extent] : llvm::enumerate(shape)) {
    int64_t step = warps[dim];
    if (!getThreads().empty())
      step *= getThreads()[dim];
    if (!getPerThread().empty())
      step *= getPerThread()[dim];
    if (ShapedType::isDynamic(extent) || extent % step != 0)
      return emitError() << "tile dimension " << dim << " ("
                         << (ShapedType::isDynamic(extent) ? -1 : extent)
                         << ") is not a multiple of the " << step
                         << " elements the blocked encoding spreads it over";
  }
  return success();
}

int64_t BlockedEncodingAttr::getNumWarps() const {
  return product(getWarps());
}

//===----------------------------------------------------------------------===//
// MmaAccEncodingAttr
//===----------------------------------------------------------------------===//

LogicalResult
MmaAccEncodingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                           MmaAttr mma, ArrayRef<int64_t> warps) {
  if (!mma)
    return emitError() << "mma must be a #tessera_tile.mma";
  if (warps.size() != 2)
    return emitError() << "warps must have 2 entries (m, n), got "
                       << warps.size();
  if (failed(verifyWarps(emitError, warps)))
    return failure();
  if (mma.getKind() == MmaKind::fma)
    return emitError() << "an fma dot's accumulator is a #tessera_tile.blocked "
                          "tile, not a #tessera_tile.mma_acc";
  if (mma.getKind() == MmaKind::wgmma && warps[0] % 4 != 0)
    return emitError() << "warps along m (" << warps[0]
                       << ") must be a multiple of 4 for wgmma: a warpgroup "
                          "of 4 warps issues it";
  return success();
}

SmallVector<int64_t, 2> MmaAccEncodingAttr::getBlockShape() const {
  MmaAttr mma = getMma();
  // A wgmma covers m rows per warpgroup; the other kinds m rows per warp.
  int64_t rowGroups =
      mma.getKind() == MmaKind::wgmma ? getWarps()[0] / 4 : getWarps()[0];
  return {mma.getM() * rowGroups, mma.getN() * getWarps()[1]};
}

int64_t MmaAccEncodingAttr::getNumWarps() const {
  return product(getWarps());
}

BlockedEncodingAttr
MmaAccEncodingAttr::getThreadLayout(ArrayRef<int64_t> shape) const {
  MLIRContext *ctx = getContext();
  MmaAttr mma = getMma();
  ArrayRef<int64_t> warps = getWarps();
  switch (mma.getKind()) {
  case MmaKind::mma_sync:
    // m16n8: lane l holds rows l/4 and l/4 + 8, columns 2(l%4) and +1.
    return BlockedEncodingAttr::get(ctx, warps, {8, 4}, {1, 2});
  case MmaKind::wgmma:
    // Warp w of a warpgroup holds rows 16w..16w+15 of its 64, each in the
    // m16n8 pattern; that is a warp's contiguous share only when every
    // warpgroup covers one m of rows and the warps stack along m.
    if (warps[1] != 1 || shape.size() != 2 ||
        shape[0] != mma.getM() * (warps[0] / 4))
      return {};
    return BlockedEncodingAttr::get(ctx, warps, {8, 4}, {1, 2});
  case MmaKind::mfma:
    // 16x16: lane l holds rows 4(l/16)..+3 of column l%16; 32x32: rows
    // 4(l/32)..+3 of every 8, column l%32.
    if (mma.getM() == 16)
      return BlockedEncodingAttr::get(ctx, warps, {4, 16}, {4, 1});
    return BlockedEncodingAttr::get(ctx, warps, {2, 32}, {4, 1});
  case MmaKind::fma: // refused by the verifier
    return {};
  }
  llvm_unreachable("unknown mma kind");
}

LogicalResult MmaAccEncodingAttr::verifyEncoding(
    ArrayRef<int64_t> shape, Type elementType,
    function_ref<InFlightDiagnostic()> emitError) const {
  if (shape.size() != 2)
    return emitError() << "mma_acc tile must have rank 2, got rank "
                       << shape.size();
  // f32 for a dot's accumulator; other scalars for tiles computed from it
  // element by element (an epilogue's operands, coordinates, a result
  // converted in place).
  if (!elementType.isIntOrIndexOrFloat())
    return emitError() << "mma_acc tile element type " << elementType
                       << " must be an integer, index or float";
  SmallVector<int64_t, 2> block = getBlockShape();
  if (ShapedType::isDynamic(shape[0]) || ShapedType::isDynamic(shape[1]) ||
      shape[0] % block[0] != 0 || shape[1] % block[1] != 0)
    return emitError() << "mma_acc tile " << formatShape(shape)
                       << " is not a multiple of " << formatShape(block)
                       << ", the mma's m x n over the warp grid";
  return success();
}

//===----------------------------------------------------------------------===//
// DotOperandEncodingAttr
//===----------------------------------------------------------------------===//

LogicalResult
DotOperandEncodingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               int64_t index, MmaAccEncodingAttr parent) {
  if (index != 0 && index != 1)
    return emitError() << "index (" << index << ") must be 0 (a) or 1 (b)";
  if (!parent)
    return emitError() << "parent must be a #tessera_tile.mma_acc";
  return success();
}

BlockedEncodingAttr
DotOperandEncodingAttr::getThreadLayout(ArrayRef<int64_t> shape) const {
  MmaAccEncodingAttr parent = getParent();
  // `a` of mma_sync or wgmma: their accumulator's layout, whose 16 rows per
  // warp are the instruction's `a` fragment (two rows and a column pair per
  // 8 of K for each lane).
  MmaKind kind = parent.getMma().getKind();
  if (getIndex() != 0 ||
      (kind != MmaKind::mma_sync && kind != MmaKind::wgmma) ||
      parent.getWarps()[1] != 1 || shape.size() != 2)
    return {};
  return parent.getThreadLayout(shape);
}

LogicalResult DotOperandEncodingAttr::verifyEncoding(
    ArrayRef<int64_t> shape, Type elementType,
    function_ref<InFlightDiagnostic()> emitError) const {
  if (shape.size() != 2)
    return emitError() << "dot_operand tile must have rank 2, got rank "
                       << shape.size();
  if (!elementType.isF16() && !elementType.isBF16())
    return emitError() << "dot_operand tile element type " << elementType
                       << " must be f16 or bf16";
  // a is M x K, b is K x N: the dot's own dimension must be whole mma steps.
  MmaAttr mma = getParent().getMma();
  SmallVector<int64_t, 2> block = getParent().getBlockShape();
  SmallVector<int64_t, 2> step = getIndex() == 0
                                     ? SmallVector<int64_t, 2>{block[0], mma.getK()}
                                     : SmallVector<int64_t, 2>{mma.getK(), block[1]};
  if (ShapedType::isDynamic(shape[0]) || ShapedType::isDynamic(shape[1]) ||
      shape[0] % step[0] != 0 || shape[1] % step[1] != 0)
    return emitError() << "dot_operand " << getIndex() << " tile "
                       << formatShape(shape) << " is not a multiple of "
                       << formatShape(step)
                       << ", the mma's step over the warp grid";
  return success();
}

//===----------------------------------------------------------------------===//
// SliceEncodingAttr
//===----------------------------------------------------------------------===//

/// Rank of the tiles an encoding applies to, if it fixes one.
static std::optional<int64_t> getEncodingRank(Attribute encoding) {
  return llvm::TypeSwitch<Attribute, std::optional<int64_t>>(encoding)
      .Case([](BlockedEncodingAttr a) -> std::optional<int64_t> {
        return a.getWarps().size();
      })
      .Case([](MmaAccEncodingAttr) -> std::optional<int64_t> { return 2; })
      .Case([](SliceEncodingAttr a) -> std::optional<int64_t> {
        std::optional<int64_t> parent = getEncodingRank(a.getParent());
        if (!parent)
          return std::nullopt;
        return *parent - 1;
      })
      .Default([](Attribute) { return std::nullopt; });
}

LogicalResult
SliceEncodingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                          int64_t dim, Attribute parent) {
  if (!isa_and_nonnull<BlockedEncodingAttr, MmaAccEncodingAttr,
                       SliceEncodingAttr>(parent))
    return emitError() << "parent " << parent
                       << " must be a blocked, mma_acc or slice encoding";
  int64_t parentRank = *getEncodingRank(parent);
  if (dim < 0 || dim >= parentRank)
    return emitError() << "dim (" << dim << ") is out of range for a parent "
                       << "of rank " << parentRank;
  return success();
}

LogicalResult SliceEncodingAttr::verifyEncoding(
    ArrayRef<int64_t> shape, Type elementType,
    function_ref<InFlightDiagnostic()> emitError) const {
  int64_t rank = *getEncodingRank(*this);
  if (static_cast<int64_t>(shape.size()) != rank)
    return emitError() << "tile rank (" << shape.size()
                       << ") does not match the slice encoding's rank ("
                       << rank << ")";
  return success();
}

//===----------------------------------------------------------------------===//
// SmemLayoutAttr
//===----------------------------------------------------------------------===//

LogicalResult
SmemLayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       int64_t swizzle, int64_t pad, bool transposed) {
  if (swizzle != 0 && swizzle != 32 && swizzle != 64 && swizzle != 128)
    return emitError() << "swizzle (" << swizzle
                       << ") must be 0, 32, 64 or 128 bytes";
  if (pad < 0)
    return emitError() << "pad (" << pad << ") must not be negative";
  if (swizzle != 0 && pad != 0)
    return emitError() << "swizzle (" << swizzle << ") and pad (" << pad
                       << ") cannot both be set: they are alternative "
                          "layouts";
  return success();
}

//===----------------------------------------------------------------------===//
// SmemType
//===----------------------------------------------------------------------===//

LogicalResult SmemType::verify(function_ref<InFlightDiagnostic()> emitError,
                               ArrayRef<int64_t> shape, Type elementType,
                               SmemLayoutAttr layout) {
  if (shape.empty())
    return emitError() << "shared buffer must have rank 1 or more";
  for (auto [dim, extent] : llvm::enumerate(shape))
    if (extent < 1)
      return emitError() << "shared buffer dimension " << dim << " ("
                         << extent << ") must be static and positive";
  if (!elementType.isIntOrFloat() ||
      elementType.getIntOrFloatBitWidth() % 8 != 0)
    return emitError() << "shared buffer element type " << elementType
                       << " must be an integer or float of whole bytes";
  if (!layout)
    return emitError() << "shared buffer needs a #tessera_tile.smem_layout";
  if (layout.getTransposed() && shape.size() < 2)
    return emitError() << "a transposed shared buffer must have rank 2 or "
                          "more";
  // The stored row: the last dimension, or the one before when transposed.
  int64_t stored = layout.getTransposed() ? shape[shape.size() - 2]
                                          : shape.back();
  int64_t rowBytes = stored * elementType.getIntOrFloatBitWidth() / 8;
  if (layout.getSwizzle() != 0 && rowBytes % layout.getSwizzle() != 0)
    return emitError() << "row of " << rowBytes << " bytes (" << stored
                       << " x " << elementType << ") is not a multiple of the "
                       << layout.getSwizzle() << "-byte swizzle";
  return success();
}

int64_t SmemType::getRowBytes() const {
  return getShape().back() * getElementType().getIntOrFloatBitWidth() / 8;
}

int64_t SmemType::getSizeInBytes() const {
  SmallVector<int64_t> stored(getShape());
  if (getLayout().getTransposed())
    std::swap(stored[stored.size() - 2], stored.back());
  int64_t rows = product(ArrayRef<int64_t>(stored).drop_back());
  int64_t bytes = getElementType().getIntOrFloatBitWidth() / 8;
  return rows * (stored.back() + getLayout().getPad()) * bytes;
}

SmemType SmemType::getTransposedType() const {
  SmallVector<int64_t> shape(getShape());
  std::swap(shape[shape.size() - 2], shape.back());
  SmemLayoutAttr layout = getLayout();
  return SmemType::get(getContext(), shape, getElementType(),
                       SmemLayoutAttr::get(getContext(), layout.getSwizzle(),
                                           layout.getPad(),
                                           !layout.getTransposed()));
}

int64_t SmemType::getAlignment() const {
  // The XOR pattern of an S-byte swizzle repeats every 8 rows of S bytes; the
  // hardware (TMA, wgmma descriptors) assumes the buffer starts a period.
  return std::max<int64_t>(16, 8 * getLayout().getSwizzle());
}

SmemType SmemType::getSlotType() const {
  return SmemType::get(getContext(), getShape().drop_front(), getElementType(),
                       getLayout());
}

/// `<` dims `x` type (`,` layout)? `>`; a plain layout is not printed.
Type SmemType::parse(AsmParser &parser) {
  SmallVector<int64_t> shape;
  Type elementType;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess() ||
      parser.parseDimensionList(shape, /*allowDynamic=*/false) ||
      parser.parseType(elementType))
    return {};
  SmemLayoutAttr layout;
  if (succeeded(parser.parseOptionalComma())) {
    Attribute attr;
    SMLoc attrLoc = parser.getCurrentLocation();
    if (parser.parseAttribute(attr))
      return {};
    layout = dyn_cast<SmemLayoutAttr>(attr);
    if (!layout) {
      parser.emitError(attrLoc)
          << "expected a #tessera_tile.smem_layout, got " << attr;
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  if (!layout)
    layout = SmemLayoutAttr::get(parser.getContext(), 0, 0);
  return parser.getChecked<SmemType>(loc, parser.getContext(), shape,
                                     elementType, layout);
}

void SmemType::print(AsmPrinter &printer) const {
  printer << "<";
  printer.printDimensionList(getShape());
  printer << "x" << getElementType();
  SmemLayoutAttr layout = getLayout();
  if (!layout.isPlain())
    printer << ", " << layout;
  printer << ">";
}

//===----------------------------------------------------------------------===//
// MbarrierType
//===----------------------------------------------------------------------===//

LogicalResult MbarrierType::verify(function_ref<InFlightDiagnostic()> emitError,
                                   int64_t count) {
  if (count < 1)
    return emitError() << "mbarrier count (" << count
                       << ") must be at least 1";
  return success();
}
