//===- SiteInitialize.cpp - Register Tessera in every Python Context ------===//
//
// Part of the Tessera project.
//
// Picked up by tessera._mlir_libs as `_site_initialize_0`: every Context made
// through `tessera.ir` knows Tessera's dialects and the upstream ones its
// pipelines use, and the pass registry knows Tessera's pipelines, without any
// call by the user.
//
//===----------------------------------------------------------------------===//

#include "Tessera/CAPI/Dialects.h"
#include "mlir/Bindings/Python/Nanobind.h"
#include "mlir/Bindings/Python/NanobindAdaptors.h"

NB_MODULE(_site_initialize_0, m) {
  m.doc() = "Registers Tessera's dialects, passes and pipelines";
  m.def("register_dialects", [](MlirDialectRegistry registry) {
    tesseraRegisterAllDialects(registry);
  });
  tesseraRegisterAllPasses();
}
