//===- TileBase.td - Tile IR dialect definition ------------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TILE_IR_TILEBASE_TD
#define TESSERA_DIALECT_TILE_IR_TILEBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Tile_Dialect : Dialect {
  let name = "tessera_tile";
  let cppNamespace = "::mlir::tessera::tile";
  let summary = "Tessera Tile IR: what one thread block does";
  let description = [{
    Tile IR is SPMD code for one thread block on memrefs: program ids,
    shared-memory buffers, barriers, and (in later revisions) masked tile
    loads/stores, async copies, tensor-core mma and reductions. It lowers into
    upstream `gpu`, `vector`, `memref`, `scf`, `arith`, `nvgpu` and `amdgpu`
    and re-creates nothing those dialects already model: shared memory is a
    memref in `#gpu.address_space<workgroup>`.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

/// Shared memory of the thread block, as a named side-effect resource, so
/// that ordering against global memory traffic is not over-constrained.
def Tile_SharedMemory : Resource<"::mlir::tessera::tile::SharedMemoryResource">;

class Tile_Op<string mnemonic, list<Trait> traits = []>
    : Op<Tile_Dialect, mnemonic, traits>;

#endif // TESSERA_DIALECT_TILE_IR_TILEBASE_TD
