"""The C runtime (runtime/c) reads the plans the compiler writes as the
Python runtime does: for every GPU case (test/gpu/cases.py: scalars,
constants, temporaries, tensor maps with and without strides, multiple
kernels) compiled for sm_90, `tessera-run-artifact` (the C API from the
command line) lists the same inputs and computes the same output shapes
as tessera.runtime's argument binding; a wrong shape is refused by both.
No GPU: the device run of the C runtime is examples/c/run_kernels.c."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "gpu"))
from cases import CASES  # noqa: E402
from tessera import ir  # noqa: E402
from tessera.compiler import compile_graph_for_gpu  # noqa: E402
from tessera.runtime import gpu as runtime  # noqa: E402

BUILD = Path(os.environ.get("TESSERA_BUILD_DIR",
                            Path(__file__).resolve().parents[2] / "build"))
TOOL = BUILD / "bin" / "tessera-run-artifact"

pytestmark = pytest.mark.skipif(not TOOL.exists(), reason="tessera-run-artifact not built")


def _run(*args):
    return subprocess.run([str(TOOL), *map(str, args)], capture_output=True, text=True)


@pytest.mark.parametrize("name", sorted(CASES))
def test_c_runtime_reads_every_plan(name, tmp_path):
    source, shapes, dtypes, _, _ = CASES[name]
    with ir.Context():
        artifact = compile_graph_for_gpu(ir.Module.parse(source), "sm_90")
    directory = artifact.save(tmp_path / name)
    program = runtime.load(directory)
    arrays = [np.zeros(shape, dtype) if shape != () else np.zeros((), dtype).item()
              for shape, dtype in zip(shapes, dtypes)]
    sizes = program.bind(arrays)
    args = ["-" if shape == () else "x".join(map(str, shape)) for shape in shapes]
    result = _run(directory, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    inputs = [l for l in lines if l.startswith("input ")]
    assert [l.split()[2] for l in inputs] == [a["name"] for a in program.plan["inputs"]]
    assert [l.split()[3] for l in inputs] == [a["dtype"] for a in program.plan["inputs"]]
    outputs = [l for l in lines if l.startswith("output ")]
    assert len(outputs) == len(program._outputs), result.stdout
    for line, (_, dims, _) in zip(outputs, program._outputs):
        want = ", ".join(str(d) for d in program._shape(dims, sizes))
        assert line.endswith(f"[{want}]"), (line, want)
    # one input a size too long: both refuse it
    wrong = next((i for i, s in enumerate(shapes) if s != () and len(s) > 0), None)
    if wrong is None:
        return
    bad = list(args)
    bad[wrong] = "x".join(str(d + 1) if k == 0 else str(d)
                          for k, d in enumerate(shapes[wrong]))
    refused = _run(directory, *bad)
    bad_arrays = list(arrays)
    bad_arrays[wrong] = np.zeros((shapes[wrong][0] + 1,) + tuple(shapes[wrong][1:]),
                                 dtypes[wrong])
    try:
        program.bind(bad_arrays)
        python_refuses = False
    except (TypeError, ValueError):
        python_refuses = True
    assert (refused.returncode != 0) == python_refuses, refused.stdout
    if python_refuses:
        assert refused.stdout.splitlines()[-1].startswith("error: ")
