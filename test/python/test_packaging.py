"""One copy of MLIR in the process: everything links libMLIR.so (dylib mode)."""

import glob
import os
import subprocess

import tessera
from tessera import ir
from tessera.dialects import tessera_graph  # noqa: F401  (loads the extension)

_LIBS = os.path.join(os.path.dirname(tessera.__file__), "_mlir_libs")


def _ldd(path):
    return subprocess.run(["ldd", path], check=True, capture_output=True,
                          text=True).stdout


def test_native_modules_link_the_mlir_dylib():
    modules = glob.glob(os.path.join(_LIBS, "*.so"))
    names = {os.path.basename(m).split(".")[0] for m in modules}
    assert {"_mlir", "_site_initialize_0", "libTesseraPythonCAPI"} <= names
    capi = os.path.join(_LIBS, "libTesseraPythonCAPI.so")
    deps = _ldd(capi)
    assert "libMLIR.so.22.1 => /usr/lib/llvm-22/lib/libMLIR.so.22.1" in deps
    assert "libLLVM.so.22.1" in deps
    for module in modules:
        assert "not found" not in _ldd(module), module


def test_one_mlir_loaded_in_process():
    with ir.Context() as ctx:
        ctx.dialects["tessera_graph"]
    with open("/proc/self/maps") as f:
        mapped = {line.split()[-1] for line in f if ".so" in line}
    mlir = [m for m in mapped if os.path.basename(m).startswith("libMLIR.so")]
    llvm = [m for m in mapped if os.path.basename(m).startswith("libLLVM.so")]
    assert len(mlir) == 1, mlir
    assert len(llvm) == 1, llvm
    # The C API and dialect code live once, in the common CAPI library.
    assert any(m.endswith("libTesseraPythonCAPI.so.22.1") for m in mapped)


def test_package_prefix_is_tessera():
    # The upstream core is embedded under `tessera.`, not `mlir.`.
    assert ir.__name__ == "tessera.ir"
    assert ir.Context.__module__.startswith("tessera.")


def test_venv_imports_tessera_without_pythonpath(tmp_path):
    """After `make build` the project's venv finds the built package by
    itself (scripts/link_venv.py writes a .pth file): no PYTHONPATH, from
    any directory, and it can compile."""
    import sys
    import pytest

    if sys.prefix == sys.base_prefix:
        pytest.skip("not running in the project's venv")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "TESSERA_BUILD_DIR")}
    code = ("import tessera, tessera.compiler, tessera.ir as ir\n"
            "from tessera.compiler import run_pipeline\n"
            "with ir.Context():\n"
            "    m = ir.Module.parse('func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {"
            " %y = tessera_graph.exp %x : tensor<4xf32> return %y : tensor<4xf32> }')\n"
            "    run_pipeline(m, 'tessera-lower-to-cpu')\n"
            "print(tessera.__file__)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                         check=True, capture_output=True, text=True).stdout
    assert out.strip() == tessera.__file__
