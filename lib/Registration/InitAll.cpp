//===- InitAll.cpp - Register everything Tessera uses ---------------------===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#include "Tessera/InitAll.h"
#include "Tessera/Conversion/Passes.h"
#include "Tessera/Dialect/Graph/IR/GraphDialect.h"
#include "Tessera/Dialect/Graph/Transforms/Passes.h"
#include "Tessera/Dialect/Schedule/IR/ScheduleDialect.h"
#include "Tessera/Dialect/Schedule/Transforms/Passes.h"
#include "Tessera/Dialect/Target/IR/TargetDialect.h"
#include "Tessera/Dialect/Target/Transforms/Passes.h"
#include "Tessera/Dialect/Tile/IR/TileDialect.h"
#include "Tessera/Dialect/Tile/Transforms/Passes.h"
#include "Tessera/Pipelines/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/Affine/Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "mlir/Dialect/LLVMIR/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/NVGPU/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Transforms/Passes.h"

void mlir::tessera::registerAllDialects(DialectRegistry &registry) {
  registry.insert<graph::GraphDialect, schedule::ScheduleDialect,
                  tile::TileDialect, target::TargetDialect>();
  // All upstream dialects, with the interface implementations (bufferization,
  // tiling, value bounds, ...) that upstream attaches in the same call:
  // Tessera's pipelines need those of linalg, tensor, arith, scf, memref and
  // bufferization, and lowering through upstream passes may load any of the
  // dialects they depend on.
  mlir::registerAllDialects(registry);
  // External models (bufferization, convert-to-LLVM, NVVM/ROCDL target
  // serialization, inlining, ...) attach only to dialects that are loaded,
  // so registering all of them costs nothing for the others.
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
}

void mlir::tessera::registerAllPasses() {
  registerTransformsPasses();
  registerConversionPasses();
  arith::registerArithPasses();
  affine::registerAffinePasses();
  bufferization::registerBufferizationPasses();
  bufferization::registerBufferizationPipelines();
  registerGPUPasses();
  LLVM::registerLLVMPasses();
  registerLinalgPasses();
  math::registerMathPasses();
  memref::registerMemRefPasses();
  registerNVGPUPasses();
  registerSCFPasses();
  tensor::registerTensorPasses();
  vector::registerVectorPasses();
  graph::registerTesseraGraphPasses();
  schedule::registerTesseraSchedulePasses();
  tile::registerTesseraTilePasses();
  target::registerTesseraTargetPasses();
  registerTesseraConversionPasses();
  registerPipelines();
}
