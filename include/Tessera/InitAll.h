//===- InitAll.h - Register everything Tessera uses -------------*- C++ -*-===//
//
// Part of the Tessera project.
//
// One list for tessera-opt and the Python package, so both know the same
// dialects, passes and pipelines.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_INITALL_H
#define TESSERA_INITALL_H

namespace mlir {
class DialectRegistry;
namespace tessera {

/// Tessera's four dialects, the upstream dialects its pipelines use, their
/// interface extensions, and the translations to LLVM IR that serializing a
/// gpu.module needs.
void registerAllDialects(DialectRegistry &registry);

/// Tessera's pipelines and the upstream passes its pipelines use.
void registerAllPasses();

} // namespace tessera
} // namespace mlir

#endif // TESSERA_INITALL_H
