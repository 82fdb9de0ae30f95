// RUN: tessera-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{unknown chip 'sm_91' (known chips: sm_60, sm_70, sm_75, sm_80, sm_86, sm_87, sm_89, sm_90, sm_90a, sm_100, sm_100a, sm_120, gfx908, gfx90a, gfx940, gfx941, gfx942, gfx950, gfx1030, gfx1100, gfx1101, gfx1200, gfx1201)}}
module attributes {tessera_target.chip = #tessera_target.chip<"sm_91">} {
}

// -----

// expected-error @+1 {{'tessera_target.chip' must be a #tessera_target.chip, not "sm_90"}}
module attributes {tessera_target.chip = "sm_90"} {
}

// -----

module {
  // expected-error @+1 {{'tessera_target.chip' belongs on a builtin.module, not on 'func.func'}}
  func.func @f() attributes {tessera_target.chip = #tessera_target.chip<"sm_90">} {
    return
  }
}

// -----

// expected-error @+1 {{unknown attribute 'tessera_target.arch' of the tessera_target dialect}}
module attributes {tessera_target.arch = #tessera_target.chip<"sm_90">} {
}
