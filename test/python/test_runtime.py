"""tessera.runtime.gpu without a GPU: plans, grid expressions and argument
checking are pure Python and must not need MLIR or CuPy. (The launches run
on the device: test/gpu/run_kernels.py, bench/launch_overhead.py;
without a GPU: test_runtime_launch.py.)"""

import json
import subprocess
import sys

import numpy as np
import pytest

from tessera.runtime import gpu

PLAN = {
    "format": 1, "target": "sm_90", "binary": "kernels.ptx",
    "inputs": [{"name": "x", "dims": ["B", "N"], "dtype": "f32"},
               {"name": "w", "dims": ["N", 16], "dtype": "f32"}],
    "outputs": [{"name": "y", "dims": ["B", 16], "dtype": "f32"}],
    "kernels": [{"name": "k", "params": [{"memref": "x"}, {"size": "N"}],
                 "grid": ["ceil_div(B * N, 256)", "min(B, 4)", "1"],
                 "block": [256, 1, 1]}],
}


def test_runtime_imports_neither_mlir_nor_cupy():
    code = ("import sys; import tessera.runtime.gpu; "
            "print(sorted(m for m in sys.modules if m.startswith(('tessera._mlir', 'cupy'))))")
    import os

    import tessera

    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(tessera.__file__)))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "[]", out.stderr


def test_grid_expressions():
    sizes = {"B": 3, "N": 1000}
    assert gpu.eval_extent("ceil_div(B * N, 256)", sizes) == 12
    assert gpu.eval_extent("min(B, 4) + 1", sizes) == 4
    assert gpu.eval_extent("N // 7 - 2", sizes) == 140
    with pytest.raises(ValueError, match="unknown symbol 'M'"):
        gpu.eval_extent("M + 1", sizes)
    for evil in ("__import__('os').system('true')", "B.bit_length()", "2 ** 8"):
        with pytest.raises(ValueError, match="unsupported syntax"):
            gpu.eval_extent(evil, sizes)


def test_load_and_bind(tmp_path):
    (tmp_path / "plan.json").write_text(json.dumps(PLAN))
    program = gpu.load(tmp_path)
    x, w = np.zeros((3, 1000), np.float32), np.zeros((1000, 16), np.float32)
    assert program.bind([x, w]) == {"B": 3, "N": 1000}
    with pytest.raises(TypeError, match="argument 'w': expected dtype float32, got float64"):
        program.bind([x, np.zeros((1000, 16))])
    with pytest.raises(ValueError, match=r"argument 'w': dimension 0 \(N\) is 999, but N "
                       r"is 1000 from argument 'x'"):
        program.bind([x, np.zeros((999, 16), np.float32)])
    with pytest.raises(ValueError, match="argument 'w': dimension 1 must be 16, got 8"):
        program.bind([x, np.zeros((1000, 8), np.float32)])
    with pytest.raises(ValueError, match=r"argument 'x': expected rank 2, got shape \(3,\)"):
        program.bind([np.zeros(3, np.float32), w])
    with pytest.raises(TypeError, match="takes 2 inputs, got 1"):
        program.bind([x])


def test_bad_artifacts(tmp_path):
    with pytest.raises(FileNotFoundError, match="is not a Tessera artifact"):
        gpu.load(tmp_path)
    (tmp_path / "plan.json").write_text(json.dumps({**PLAN, "format": 7}))
    with pytest.raises(ValueError, match="plan format 7 is not supported"):
        gpu.load(tmp_path)
