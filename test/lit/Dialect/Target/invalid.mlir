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

// -----

tessera_target.kernel @k(%x: memref<?xf32>) {
  tessera_target.return
}
func.func @launch_arity(%a: memref<?xf32>, %n: index) {
  // expected-error @+1 {{'tessera_target.launch' op kernel @k takes 1 arguments, but 2 are passed}}
  tessera_target.launch @k grid(%n) block = [128] args(%a, %n : memref<?xf32>, index)
  return
}

// -----

tessera_target.kernel @k(%x: memref<?xf32>) {
  tessera_target.return
}
func.func @launch_types(%a: memref<?xf16>, %n: index) {
  // expected-error @+1 {{'tessera_target.launch' op argument 0 of type 'memref<?xf16>' does not match kernel parameter 'memref<?xf32>'}}
  tessera_target.launch @k grid(%n) block = [128] args(%a : memref<?xf16>)
  return
}

// -----

func.func @launch_grid_rank(%n: index) {
  // expected-error @+1 {{'tessera_target.launch' op grid has 4 extents; it must have one to three}}
  tessera_target.launch @k grid(%n, %n, %n, %n) block = [1, 1, 1, 1] args()
  return
}

// -----

func.func @launch_block_rank(%n: index) {
  // expected-error @+1 {{'tessera_target.launch' op block has 2 extents, but grid has 1}}
  tessera_target.launch @k grid(%n) block = [1, 1] args()
  return
}

// -----

func.func @launch_block_extent(%n: index) {
  // expected-error @+1 {{'tessera_target.launch' op block extent 0 must be positive}}
  tessera_target.launch @k grid(%n) block = [0] args()
  return
}

// -----

func.func @launch_threads(%n: index) {
  // expected-error @+1 {{'tessera_target.launch' op block of 2048 threads exceeds the limit of 1024}}
  tessera_target.launch @k grid(%n) block = [2048] args()
  return
}

// -----

func.func @launch_shared(%n: index) {
  // expected-error @+1 {{'tessera_target.launch' op shared memory size -1 must not be negative}}
  tessera_target.launch @k grid(%n) block = [32] shared = -1 args()
  return
}

// -----

func.func @allocate_sizes(%n: index) {
  // expected-error @+1 {{'tessera_target.allocate' op type 'memref<?x?xf32>' has 2 dynamic dimensions, but 1 sizes are given}}
  %t = tessera_target.allocate(%n) : memref<?x?xf32>
  return
}
