//===- TileBase.td - Tile IR dialect definition ------------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TILE_IR_TILEBASE_TD
#define TESSERA_DIALECT_TILE_IR_TILEBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Tile_Dialect : Dialect {
  let name = "tessera_tile";
  let cppNamespace = "::mlir::tessera::tile";
  let summary = "Tessera Tile IR: what one thread block does";
  let description = [{
    Tile IR states what one thread block does. Its block-level ops work on
    register tiles (builtin `tensor` types whose encoding says how the tile
    is spread over the block's warps, e.g. `#tessera_tile.blocked`),
    shared buffers (`!tessera_tile.smem` with a swizzle/padding layout),
    cooperative box copies with explicit completion, block-level `dot` with a
    typed `#tessera_tile.mma` instruction shape, reductions, pipelined
    `scf.for` loops (`tessera_tile.stages`) and warp-specialized partitions.
    Elementwise math on tiles is upstream `arith` / `math`.

    The older per-thread ops (`load`, `store`, `copy_async`, `load_matrix`,
    `mma`, `alloc_shared` on `#gpu.address_space<workgroup>` memrefs) remain
    for the existing generators until each kernel family moves to the
    block-level ops.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Name of the discardable attribute on `scf.for` that asks
    /// `tessera-tile-pipeline` for a pipeline of that many stages.
    static constexpr ::llvm::StringLiteral getStagesAttrName() {
      return ::llvm::StringLiteral("tessera_tile.stages");
    }

  private:
    /// Defined next to the attributes and types (TileAttrs.cpp).
    void registerAttributesAndTypes();

  public:
  }];
}

/// Shared memory of the thread block, as a named side-effect resource, so
/// that ordering against global memory traffic is not over-constrained.
def Tile_SharedMemory : Resource<"::mlir::tessera::tile::SharedMemoryResource">;

class Tile_Op<string mnemonic, list<Trait> traits = []>
    : Op<Tile_Dialect, mnemonic, traits>;

class Tile_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Tile_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

class Tile_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<Tile_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

#endif // TESSERA_DIALECT_TILE_IR_TILEBASE_TD
