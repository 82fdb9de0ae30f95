//===- TesseraGraphOps.td - Python bindings of tessera_graph -*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_PYTHON_TESSERAGRAPHOPS_TD
#define TESSERA_PYTHON_TESSERAGRAPHOPS_TD

include "Tessera/Dialect/Graph/IR/GraphOps.td"

#endif // TESSERA_PYTHON_TESSERAGRAPHOPS_TD
