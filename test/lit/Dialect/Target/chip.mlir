// RUN: tessera-opt %s | tessera-opt | FileCheck %s
// RUN: tessera-opt %s -mlir-print-op-generic | tessera-opt | FileCheck %s

// A module carries its chip as a #tessera_target.chip naming a row of the
// known-chips table.
// CHECK: module attributes {tessera_target.chip = #tessera_target.chip<"gfx942">}
module attributes {tessera_target.chip = #tessera_target.chip<"gfx942">} {
}
