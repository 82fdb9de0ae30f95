//===- tessera-opt.cpp - Tessera's optimizer driver -----------------------===//
//
// Part of the Tessera project.
//
// mlir-opt with Tessera's dialects, passes and pipelines registered, plus the
// upstream ones its pipelines use.
//
//===----------------------------------------------------------------------===//

#include "Tessera/InitAll.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::tessera::registerAllPasses();
  mlir::DialectRegistry registry;
  mlir::tessera::registerAllDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Tessera optimizer driver\n", registry));
}
