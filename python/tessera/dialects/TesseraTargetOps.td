//===- TesseraTargetOps.td - Python bindings of tessera_target -*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_PYTHON_TESSERATARGETOPS_TD
#define TESSERA_PYTHON_TESSERATARGETOPS_TD

include "Tessera/Dialect/Target/IR/TargetOps.td"

#endif // TESSERA_PYTHON_TESSERATARGETOPS_TD
