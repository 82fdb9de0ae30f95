//===- Dialects.cpp - C API of Tessera's dialects -------------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/CAPI/Dialects.h"
#include "Tessera/Dialect/Graph/IR/GraphDialect.h"
#include "Tessera/Dialect/Schedule/IR/ScheduleDialect.h"
#include "Tessera/Dialect/Target/IR/TargetDialect.h"
#include "Tessera/Dialect/Tile/IR/TileDialect.h"
#include "Tessera/InitAll.h"
#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"
#include "llvm/Support/Threading.h"

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(TesseraGraph, tessera_graph,
                                      mlir::tessera::graph::GraphDialect)
MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(TesseraSchedule, tessera_schedule,
                                      mlir::tessera::schedule::ScheduleDialect)
MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(TesseraTile, tessera_tile,
                                      mlir::tessera::tile::TileDialect)
MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(TesseraTarget, tessera_target,
                                      mlir::tessera::target::TargetDialect)

void tesseraRegisterAllDialects(MlirDialectRegistry registry) {
  mlir::tessera::registerAllDialects(*unwrap(registry));
}

void tesseraRegisterAllPasses(void) {
  // The global pass registry rejects a second registration of a name.
  static llvm::once_flag once;
  llvm::call_once(once, [] { mlir::tessera::registerAllPasses(); });
}
