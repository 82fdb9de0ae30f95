// RUN: tessera-opt %s -split-input-file -tessera-tile-allocate-shared -verify-diagnostics | FileCheck %s
// RUN: tessera-opt %s -split-input-file -tessera-tile-allocate-shared="max-registers=1024" | FileCheck %s --check-prefix=OPTION

// The pass estimates a thread's registers from the kernel's float register
// tiles: at a loop, the tiles it carries (a 256x256 f32 accumulator over 128
// threads: 512), those it reads from outside (a 256x64 f16 operand: 64), the
// largest other tile it computes (a 256x64 f32 tile: 128), plus 40 for
// addresses and indices (index tiles are coordinates: not counted). Above
// the chip's limit (sm_90: 255) that is an error with a note at the loop; the
// max-registers option replaces the chip's limit.
#blocked = #tessera_tile.blocked<warps = [4, 1], threads = [8, 4], per_thread = [1, 1]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// OPTION-LABEL: tessera_target.kernel @carried
// expected-error @+1 {{kernel @carried needs about 744 registers per thread, more than the limit of 255 (chip 'sm_90')}}
tessera_target.kernel @carried(%n: index, %x: tensor<256x64xf16, #blocked>)
    config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant dense<0.0> : tensor<256x256xf32, #blocked>
  // expected-note @+1 {{the register tiles live here take 704 of them (40 more for addresses and indices)}}
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (tensor<256x256xf32, #blocked>) {
    %w = arith.extf %x : tensor<256x64xf16, #blocked> to tensor<256x64xf32, #blocked>
    %ids = tessera_tile.range 0 to 256 : tensor<256xi32, #tessera_tile.slice<dim = 1, parent = #blocked>>
    scf.yield %acc : tensor<256x256xf32, #blocked>
  }
  tessera_target.return
}
}

// -----

// The same loop with a 64x64 accumulator and operand: 32 carried, 16 read
// from outside, 32 computed, 40 more: 120 fits.
#blocked = #tessera_tile.blocked<warps = [4, 1], threads = [8, 4], per_thread = [1, 1]>
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
// CHECK-LABEL: tessera_target.kernel @fits
tessera_target.kernel @fits(%n: index, %x: tensor<64x64xf16, #blocked>)
    config = #tessera_target.kernel_config<grid = [1], block = [128]> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant dense<0.0> : tensor<64x64xf32, #blocked>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (tensor<64x64xf32, #blocked>) {
    %w = arith.extf %x : tensor<64x64xf16, #blocked> to tensor<64x64xf32, #blocked>
    %s = arith.addf %acc, %w : tensor<64x64xf32, #blocked>
    scf.yield %s : tensor<64x64xf32, #blocked>
  }
  tessera_target.return
}
}
