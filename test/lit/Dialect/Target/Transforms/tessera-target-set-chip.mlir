// RUN: tessera-opt %s -split-input-file --tessera-target-set-chip="chip=gfx942" | FileCheck %s
// RUN: tessera-opt %s -split-input-file --tessera-target-set-chip | FileCheck %s --check-prefix=DEFAULT
// RUN: not tessera-opt %s -split-input-file --tessera-target-set-chip="chip=sm_9" 2>&1 | FileCheck %s --check-prefix=UNKNOWN

// The chip goes on the module; later passes read it from there.
// CHECK: module attributes {tessera_target.chip = #tessera_target.chip<"gfx942">}
// DEFAULT: module attributes {tessera_target.chip = #tessera_target.chip<"sm_90">}
// UNKNOWN: error: unknown chip 'sm_9' (known chips: sm_60,
module {
}
