// RUN: tessera-opt %s -split-input-file -verify-diagnostics --tessera-target-set-chip="chip=gfx942" | FileCheck %s

// Setting the chip a module already carries changes nothing.
// CHECK: module attributes {tessera_target.chip = #tessera_target.chip<"gfx942">}
module attributes {tessera_target.chip = #tessera_target.chip<"gfx942">} {
}

// -----

// A module compiled for one chip is not silently retargeted.
// expected-error @+1 {{is compiled for sm_90 already; refusing to retarget it to gfx942}}
module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
}
