"""The runtime-only package (scripts/build_runtime_wheel.py): a wheel that
pip installs offline, from which `import tessera.runtime` loads a saved
artifact and checks its arguments with no MLIR and no compiler; the
compiler's names say they are missing. (Launching needs CuPy and a GPU:
test/gpu/run_kernels.py runs artifacts on the H200 through the same
runtime.)"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

import tessera
from tessera import Tensor, f32

ROOT = Path(__file__).resolve().parents[2]


def test_runtime_wheel_installs_and_loads_artifacts_without_mlir(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_runtime_wheel
    finally:
        sys.path.pop(0)
    wheel = build_runtime_wheel.build(tmp_path / "dist")
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-index", "--disable-pip-version-check", "--target", str(site),
                    str(wheel)], check=True)
    installed = {p.name for p in (site / "tessera").iterdir()} - {"__pycache__"}
    assert installed == {"__init__.py", "runtime", "types.py"}
    # (the native launcher's source, compiled at first use on a GPU machine)
    assert (site / "tessera" / "runtime" / "_launch.c").is_file()

    @tessera.function
    def add(x: Tensor["N", f32], y: Tensor["N", f32]) -> Tensor["N", f32]:
        return x + y
    artifact = tmp_path / "add"
    tessera.compile(add, target="sm_90").save(artifact)

    script = textwrap.dedent(f"""
        import sys
        import numpy as np
        import tessera
        assert tessera.__file__.startswith({str(site)!r}), tessera.__file__
        import tessera.runtime as runtime
        program = runtime.load({str(artifact)!r})
        assert program.bind([np.ones(5, np.float32), np.ones(5, np.float32)])["N"] == 5
        try:
            program.bind([np.ones(5, np.float32), np.ones(4, np.float32)])
            raise AssertionError("a mismatch was accepted")
        except ValueError as e:
            print("checked:", e)
        try:
            import cupy  # noqa: F401
        except ImportError:
            try:
                program(np.ones(5, np.float32), np.ones(5, np.float32))
                raise AssertionError("launched without CuPy")
            except RuntimeError as e:
                assert "CuPy" in str(e), e
        try:
            tessera.function
            raise AssertionError("the compiler is there")
        except ImportError as e:
            assert "tessera-runtime runs saved artifacts" in str(e), e
        assert not any(m.startswith("tessera._mlir") or m == "tessera.ir"
                       for m in sys.modules), sorted(sys.modules)
        print("runtime-only install OK")
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("TESSERA_BUILD_DIR",)}
    env["PYTHONPATH"] = str(site)
    r = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "runtime-only install OK" in r.stdout
