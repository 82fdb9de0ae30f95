//===- TesseraTileOps.td - Python bindings of tessera_tile -*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_PYTHON_TESSERATILEOPS_TD
#define TESSERA_PYTHON_TESSERATILEOPS_TD

include "Tessera/Dialect/Tile/IR/TileOps.td"

#endif // TESSERA_PYTHON_TESSERATILEOPS_TD
