/*===- Dialects.h - C API of Tessera's dialects -------------------*- C -*-===*\
|*                                                                            *|
|* Part of the Tessera project.                                               *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef TESSERA_CAPI_DIALECTS_H
#define TESSERA_CAPI_DIALECTS_H

#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(TesseraGraph, tessera_graph);
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(TesseraSchedule, tessera_schedule);
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(TesseraTile, tessera_tile);
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(TesseraTarget, tessera_target);

/// Inserts Tessera's dialects and the upstream dialects, extensions and LLVM
/// IR translations its pipelines use into `registry`.
MLIR_CAPI_EXPORTED void tesseraRegisterAllDialects(MlirDialectRegistry registry);

/// Registers Tessera's pipelines and the upstream passes they use in the
/// global pass registry. Idempotent.
MLIR_CAPI_EXPORTED void tesseraRegisterAllPasses(void);

#ifdef __cplusplus
}
#endif

#endif // TESSERA_CAPI_DIALECTS_H
