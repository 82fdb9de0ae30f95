"""tessera.runtime without a GPU: plans, size expressions and argument
checking are pure Python and must not need MLIR or CuPy. (The launches run
on the device: test/gpu/run_kernels.py, bench/launch_overhead.py;
without a GPU: test_runtime_launch.py.)"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tessera
import tessera.runtime as runtime
from tessera.runtime import gpu

#: The source tree's python/ directory: what a GPU machine without MLIR has.
SOURCE_PYTHON = Path(__file__).resolve().parents[2] / "python"

PLAN = {
    "format": 1, "target": "sm_90", "vendor": "nvidia", "binary": "kernels.ptx",
    "inputs": [{"name": "x", "dims": ["B", "N"], "dtype": "f32"},
               {"name": "w", "dims": ["N", 16], "dtype": "f32"}],
    "outputs": [{"name": "y", "dims": ["B", 16], "dtype": "f32"}],
    "kernels": [{"name": "k", "params": [{"memref": "x"}, {"size": "N"}],
                 "grid": ["ceil_div(B * N, 256)", "min(B, 4)", "1"],
                 "block": [256, 1, 1]}],
}

#: Modules the runtime must never load: MLIR's native libraries and the
#: modules built on them; CuPy only when launching.
_FORBIDDEN = ("tessera.ir", "tessera.passmanager", "tessera.dialects", "cupy")


def _runtime_import_problem(python_dir: Path, cwd: Path):
    """Imports tessera.runtime in a fresh interpreter with only `python_dir`
    as PYTHONPATH; returns what went wrong (None if nothing did)."""
    code = ("import sys, tessera.runtime; print('\\n'.join(sorted(m for m in sys.modules "
            f"if '_mlir_libs' in m or m.split('.')[0] == 'cupy' or m in {_FORBIDDEN!r} "
            f"or m.startswith(tuple(p + '.' for p in {_FORBIDDEN!r})))))")
    env = dict(os.environ, PYTHONPATH=str(python_dir))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, cwd=cwd)
    if out.returncode != 0:
        return f"import tessera.runtime failed with only {python_dir} on the path:\n{out.stderr}"
    if out.stdout.strip():
        return f"import tessera.runtime loaded {out.stdout.split()}"
    return None


def test_runtime_imports_without_mlir(tmp_path):
    # The GPU machine: the source tree's python/, numpy, no MLIR anywhere.
    assert _runtime_import_problem(SOURCE_PYTHON, tmp_path) is None
    # Here, where MLIR is importable, it must not be imported either.
    built = Path(tessera.__file__).resolve().parent.parent
    assert _runtime_import_problem(built, tmp_path) is None


@pytest.mark.parametrize("line", ["import tessera.dialects",  # imports: a namespace package
                                  "from tessera import ir"])  # fails without MLIR
def test_an_mlir_import_in_the_runtime_is_caught(tmp_path, line):
    python = tmp_path / "python"
    shutil.copytree(SOURCE_PYTHON / "tessera", python / "tessera",
                    ignore=shutil.ignore_patterns("__pycache__"))
    with open(python / "tessera" / "runtime" / "__init__.py", "a") as f:
        f.write(f"\n{line}\n")
    problem = _runtime_import_problem(python, tmp_path)
    assert problem is not None and ("tessera.dialects" in problem or "failed" in problem)


def test_grid_expressions():
    sizes = {"B": 3, "N": 1000}
    assert runtime.eval_extent("ceil_div(B * N, 256)", sizes) == 12
    assert runtime.eval_extent("min(B, 4) + 1", sizes) == 4
    assert runtime.eval_extent("N // 7 - 2", sizes) == 140
    with pytest.raises(ValueError, match="unknown symbol 'M'"):
        runtime.eval_extent("M + 1", sizes)
    for evil in ("__import__('os').system('true')", "B.bit_length()", "2 ** 8"):
        with pytest.raises(ValueError, match="unsupported syntax"):
            runtime.eval_extent(evil, sizes)


def test_load_and_bind(tmp_path):
    (tmp_path / "plan.json").write_text(json.dumps(PLAN))
    program = gpu.load(tmp_path)
    x, w = np.zeros((3, 1000), np.float32), np.zeros((1000, 16), np.float32)
    assert program.bind([x, w]) == {"B": 3, "N": 1000}
    with pytest.raises(TypeError, match="argument 'w': expected dtype f32, got float64"):
        program.bind([x, np.zeros((1000, 16))])
    with pytest.raises(ValueError, match=r"argument 'w': dimension 0 \(N\) is 999, but N "
                       r"is 1000 from argument 'x'"):
        program.bind([x, np.zeros((999, 16), np.float32)])
    with pytest.raises(ValueError, match="argument 'w': dimension 1 must be 16, got 8"):
        program.bind([x, np.zeros((1000, 8), np.float32)])
    with pytest.raises(ValueError, match=r"argument 'x': expected rank 2, got shape \(3,\)"):
        program.bind([np.zeros(3, np.float32), w])
    with pytest.raises(TypeError, match="takes 2 arguments, got 1"):
        program.bind([x])


def test_bad_artifacts(tmp_path):
    with pytest.raises(FileNotFoundError, match="is not a Tessera artifact"):
        gpu.load(tmp_path)
    (tmp_path / "plan.json").write_text(json.dumps({**PLAN, "format": 7}))
    with pytest.raises(ValueError, match="plan format 7 is not supported"):
        gpu.load(tmp_path)
    (tmp_path / "plan.json").write_text(json.dumps({**PLAN, "vendor": None}))
    with pytest.raises(ValueError, match="the plan's vendor is None, expected one of "
                                         "nvidia, amd: rebuild the artifact"):
        gpu.load(tmp_path)
    (tmp_path / "plan.json").write_text(json.dumps({"format": 1, "target": "cpu"}))
    with pytest.raises(ValueError, match="a cpu artifact, not a GPU one"):
        gpu.load(tmp_path)
