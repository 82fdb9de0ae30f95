//===- Passes.h - Target IR passes ------------------------------*- C++ -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TARGET_TRANSFORMS_PASSES_H
#define TESSERA_DIALECT_TARGET_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tessera::target {

#define GEN_PASS_DECL
#include "Tessera/Dialect/Target/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Tessera/Dialect/Target/Transforms/Passes.h.inc"

} // namespace mlir::tessera::target

#endif // TESSERA_DIALECT_TARGET_TRANSFORMS_PASSES_H
