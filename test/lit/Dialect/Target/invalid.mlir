// RUN: tessera-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{grid must have 1 to 3 extents, got 4}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [1, 1, 1, 1], block = [32]> {
  tessera_target.return
}

// -----

// expected-error @+1 {{block must have 1 to 3 extents, got 4}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [1], block = [1, 1, 1, 1]> {
  tessera_target.return
}

// -----

// expected-error @+1 {{grid extent 1 (0) must be positive}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [4, 0], block = [32]> {
  tessera_target.return
}

// -----

// expected-error @+1 {{block extent 0 (-32) must be positive}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [4], block = [-32]> {
  tessera_target.return
}

// -----

// expected-error @+1 {{block has 2048 threads, more than the limit of 1024}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [4], block = [256, 8]> {
  tessera_target.return
}

// -----

// expected-error @+1 {{shared (-1) must not be negative}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [4], block = [32], shared = -1> {
  tessera_target.return
}

// -----

// expected-error @+1 {{regs (256) must be in [0, 255]}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [4], block = [32], regs = 256> {
  tessera_target.return
}

// -----

// expected-error @+1 {{kernels return no values}}
tessera_target.kernel @k() -> i32 {
  tessera_target.return
}

// -----

// expected-error @+1 {{'tessera_target.kernel' op kernels return no values, but the signature has 1 results}}
"tessera_target.kernel"() ({
  "tessera_target.return"() : () -> ()
}) {sym_name = "k", function_type = () -> i32} : () -> ()

// -----

// expected-error @+1 {{'tessera_target.kernel' op type of entry block argument #0('f32') must match the type of the corresponding argument in function signature('i32')}}
"tessera_target.kernel"() ({
^bb0(%x: f32):
  "tessera_target.return"() : () -> ()
}) {sym_name = "k", function_type = (i32) -> ()} : () -> ()

// -----

func.func @return_outside() {
  // expected-error @+1 {{'tessera_target.return' op expects parent op 'tessera_target.kernel'}}
  tessera_target.return
}

// -----

// expected-error @+1 {{unknown key 'threads' in kernel_config, expected grid, block, shared or regs}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [1], threads = [32]> {
  tessera_target.return
}

// -----

// expected-error @+1 {{kernel_config needs 'block'}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [1]> {
  tessera_target.return
}

// -----

// expected-error @+1 {{'grid' given twice}}
tessera_target.kernel @k() config = #tessera_target.kernel_config<grid = [1], block = [32], grid = [2]> {
  tessera_target.return
}

// -----

// expected-error @+1 {{'tessera_target.kernel' op symbol declaration cannot have public visibility}}
tessera_target.kernel @declaration(memref<16xf32>)
