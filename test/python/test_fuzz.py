"""A short, deterministic run of the tessera-opt mutation fuzzer.

Longer campaigns: python test/python/fuzz_tessera_opt.py --count 20000
"""

import os

import pytest

import fuzz_tessera_opt

_TOOL = os.path.join(os.environ.get("TESSERA_BUILD_DIR", "build"), "bin", "tessera-opt")


@pytest.mark.skipif(not os.path.exists(_TOOL),
                    reason="tessera-opt is not built (a pip install has no tools)")
def test_mutated_lit_inputs_never_crash_tessera_opt():
    tool = _TOOL
    inputs, crashes = fuzz_tessera_opt.fuzz(tool, count=300, seed=2026)
    assert len(inputs) == 300
    assert not crashes, "tessera-opt crashed on:\n" + crashes[0][0] + "\n" + crashes[0][2]
