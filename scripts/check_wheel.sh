#!/usr/bin/env bash
# `pip install .` as a user would: builds the tessera wheel (scikit-build-core,
# CMake + Ninja into build/pip/, ccache), installs it into a fresh venv with
# nothing else of the project's, and there compiles and runs a kernel: a
# Graph IR function on the CPU path against NumPy, and the same function to
# PTX for sm_90 and to HSACO for gfx942.
#
#     bash scripts/check_wheel.sh        # after `bash scripts/setup.sh`
#
# Needs network access for the build's Python requirements (pip's build
# isolation) and numpy/ml_dtypes in the fresh venv. Exit status 0 when the
# wheel works.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== building the wheel"
start=$(date +%s)
.venv/bin/python -m pip wheel . --no-deps -w "$work/dist" --quiet
wheel=$(ls "$work"/dist/tessera-*.whl)
echo "   $(basename "$wheel") ($(du -h "$wheel" | cut -f1)) in $(( $(date +%s) - start )) s"

echo "== a fresh venv"
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$wheel"

echo "== compiling and running a kernel from it (outside the source tree)"
cd "$work"
"$work/venv/bin/python" - <<'PY'
import numpy as np
import tessera
from tessera import Tensor, f32

assert "site-packages" in tessera.__file__, tessera.__file__

@tessera.function
def block(x: Tensor["B", "D", f32], w: Tensor["D", "H", f32]) -> Tensor["B", "H", f32]:
    return tessera.gelu(x @ w) * 2.0

rng = np.random.default_rng(0)
x = rng.standard_normal((37, 64)).astype(np.float32)
w = rng.standard_normal((64, 48)).astype(np.float32)
y = block(x, w)
ref = (x.astype(np.float64) @ w.astype(np.float64))
from math import erf, sqrt
ref = 2.0 * 0.5 * ref * (1.0 + np.vectorize(erf)(ref / sqrt(2.0)))
np.testing.assert_allclose(y, ref, rtol=1e-4, atol=1e-4)
for target in ("sm_90", "gfx942"):
    art = tessera.compile(block, target=target, use_cache=False)
    assert art.binary and art.plan["kernels"], target
import pathlib
import tessera.runtime.gpu as gpu
assert (pathlib.Path(gpu.__file__).parent / "_launch.c").is_file()  # the native launcher's source
print(f"tessera {tessera.__file__}: the CPU path matches NumPy; sm_90 and gfx942 compile")
PY
echo "== the wheel works"
