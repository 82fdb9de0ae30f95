//===- GraphToLinalg.h - Graph IR to linalg ---------------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_CONVERSION_GRAPHTOLINALG_GRAPHTOLINALG_H
#define TESSERA_CONVERSION_GRAPHTOLINALG_GRAPHTOLINALG_H

namespace mlir {
class ConversionTarget;
class RewritePatternSet;
namespace tessera {

/// Patterns lowering every tessera_graph op to linalg/tensor/arith/math.
void populateTesseraGraphToLinalgConversionPatterns(RewritePatternSet &patterns);

/// tessera_graph illegal; linalg, tensor, arith, math legal.
void configureTesseraGraphToLinalgConversionLegality(ConversionTarget &target);

} // namespace tessera
} // namespace mlir

#endif // TESSERA_CONVERSION_GRAPHTOLINALG_GRAPHTOLINALG_H
