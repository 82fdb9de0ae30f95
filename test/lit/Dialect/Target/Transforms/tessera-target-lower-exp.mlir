// RUN: tessera-opt %s --tessera-target-lower-exp="mode=ex2" | FileCheck %s --check-prefix=EX2
// RUN: tessera-opt %s --tessera-target-lower-exp | FileCheck %s --check-prefix=POLY
// RUN: not tessera-opt %s --tessera-target-lower-exp="mode=fast" 2>&1 | FileCheck %s --check-prefix=BAD

// mode=ex2: f32 exp is PTX's ex2.approx of x * log2(e) (.ftz with
// fastmath<afn>); an f16 exp computes in f32 the same way; a vector exp (no
// scalar instruction) is a polynomial.
// mode=polynomial (the default): every exp is a polynomial.
// EX2-LABEL: func.func @f
// EX2: %[[C:.*]] = arith.constant 1.44269502 : f32
// EX2: %[[X:.*]] = arith.mulf %{{.*}}, %[[C]] : f32
// EX2: llvm.inline_asm asm_dialect = att "ex2.approx.f32 $0, $1;", "=f,f" %[[X]] : (f32) -> f32
// EX2: arith.extf %{{.*}} : f16 to f32
// EX2: llvm.inline_asm asm_dialect = att "ex2.approx.f32 $0, $1;"
// EX2: arith.truncf
// EX2: llvm.inline_asm asm_dialect = att "ex2.approx.ftz.f32 $0, $1;"
// EX2-NOT: math.exp
// POLY-LABEL: func.func @f
// POLY-NOT: math.exp
// POLY-NOT: llvm.inline_asm
// BAD: tessera-target-lower-exp: mode 'fast' must be ex2 or polynomial
func.func @f(%x: f32, %h: f16, %v: vector<4xf32>) -> (f32, f16, vector<4xf32>, f32) {
  %0 = math.exp %x : f32
  %1 = math.exp %h : f16
  %2 = math.exp %v : vector<4xf32>
  %3 = math.exp %x fastmath<afn> : f32
  return %0, %1, %2, %3 : f32, f16, vector<4xf32>, f32
}

// exp2: with fastmath<afn> PTX's ex2.approx.ftz (subnormals flushed: one
// MUFU.EX2), without it ex2.approx; any other exp2 (here a vector) is
// exp(x * ln 2), then lowered as exp.
// EX2-LABEL: func.func @g
// EX2: llvm.inline_asm asm_dialect = att "ex2.approx.ftz.f32 $0, $1;", "=f,f" %arg0 : (f32) -> f32
// EX2: llvm.inline_asm asm_dialect = att "ex2.approx.f32 $0, $1;", "=f,f" %arg0 : (f32) -> f32
// EX2-NOT: math.exp2
// POLY-LABEL: func.func @g
// POLY-NOT: math.exp
// POLY-NOT: llvm.inline_asm
func.func @g(%x: f32, %v: vector<4xf32>) -> (f32, f32, vector<4xf32>) {
  %0 = math.exp2 %x fastmath<afn> : f32
  %1 = math.exp2 %x : f32
  %2 = math.exp2 %v : vector<4xf32>
  return %0, %1, %2 : f32, f32, vector<4xf32>
}
