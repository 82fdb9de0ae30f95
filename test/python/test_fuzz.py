"""A short, deterministic run of the tessera-opt mutation fuzzer.

Longer campaigns: python test/python/fuzz_tessera_opt.py --count 20000
"""

import os

import fuzz_tessera_opt


def test_mutated_lit_inputs_never_crash_tessera_opt():
    tool = os.path.join(os.environ.get("TESSERA_BUILD_DIR", "build"), "bin", "tessera-opt")
    inputs, crashes = fuzz_tessera_opt.fuzz(tool, count=300, seed=2026)
    assert len(inputs) == 300
    assert not crashes, "tessera-opt crashed on:\n" + crashes[0][0] + "\n" + crashes[0][2]
