// Bad input to tessera-opt is a located diagnostic and a non-zero exit, never
// a crash. The inputs are in Inputs/ so that the line numbers are theirs.
// RUN: not tessera-opt %S/Inputs/syntax-error.mlir 2>&1 | FileCheck %s --check-prefix=SYNTAX
// RUN: not tessera-opt %S/Inputs/unknown-op.mlir 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not tessera-opt %S/Inputs/bad-attr.mlir 2>&1 | FileCheck %s --check-prefix=ATTR
// RUN: not tessera-opt %S/Inputs/syntax-error.mlir --no-such-pass 2>&1 | FileCheck %s --check-prefix=FLAG
// RUN: not tessera-opt %S/Inputs/does-not-exist.mlir 2>&1 | FileCheck %s --check-prefix=MISSING

// SYNTAX: syntax-error.mlir:3:29: error: expected SSA operand
// SYNTAX-NOT: Stack dump
// UNKNOWN: unknown-op.mlir:3:8: error: custom op 'tessera_graph.frobnicate' is unknown
// ATTR: bad-attr.mlir:2:{{[0-9]+}}: error: warps (5) must be a power of two in [1, 32]
// FLAG: Unknown command line argument '--no-such-pass'
// MISSING: cannot open input file {{.*}}does-not-exist.mlir{{.*}}: No such file or directory
