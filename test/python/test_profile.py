"""tessera.profile without a GPU: the CPU path (one row, the wall clock),
the roofline arithmetic against given ceilings, the plan's per-kernel FLOPs
and minimum bytes (a GPU program's costs need no GPU), and the `tessera
profile` command. The device check is bench/profile_check.py (against
bench/run.py's own figures, in one device call)."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tessera
from tessera import Tensor, f32
from tessera.profiling import KernelProfile, Profile
from tessera.runtime import gpu


@tessera.function
def mlp(x: Tensor["N", "D", f32], w: Tensor["D", "H", f32]) -> Tensor["N", "H", f32]:
    return tessera.relu(x @ w)


def test_cpu_path_is_one_timed_row():
    x = np.ones((64, 32), np.float32)
    w = np.ones((32, 16), np.float32)
    report = tessera.profile(mlp, x, w, repeats=3, warmup=1, target="cpu")
    (row,) = report.kernels
    assert report.device == "cpu" and row.name == "mlp" and row.ms > 0
    assert row.bytes == x.nbytes + w.nbytes + 64 * 16 * 4  # inputs and the output
    assert row.flops is None and report.peak_tflops is None
    text = str(report)
    assert "tessera.profile on cpu" in text and "CPU path" in text
    with pytest.raises(ValueError, match="a roofline needs the GPU's ceilings"):
        report.plot("/tmp/never.png")


def test_roofline_sides_and_fractions():
    # Ceilings of 1000 TFLOP/s and 4000 GB/s: the ridge at 250 FLOP/byte.
    gemm = KernelProfile("gemm", ms=1.0, flops=int(600e9), bytes=int(0.1e9))   # 6000 FLOP/B
    norm = KernelProfile("norm", ms=1.0, flops=None, bytes=int(3.2e9))
    report = Profile("H200", [gemm, norm], peak_tflops=1000.0, peak_gbps=4000.0)
    assert gemm.tflops == pytest.approx(600.0) and gemm.gbps == pytest.approx(100.0)
    assert report.bound(gemm) == "compute" and report.fraction(gemm) == pytest.approx(0.6)
    assert report.bound(norm) == "memory" and report.fraction(norm) == pytest.approx(0.8)
    text = str(report)
    assert "ceilings: 1000.0 TFLOP/s (f16 GEMM), 4000 GB/s (copy)" in text
    assert "compute     60%" in text and " memory     80%" in text


def test_kernel_costs_from_the_plan(tmp_path):
    """Each kernel's FLOPs evaluate the plan's expression at the call's
    sizes; its bytes count each buffer it takes once (a split-K temporary
    included), sizes and maps nothing."""
    plan = {"format": 1, "entry": "main", "vendor": "nvidia", "binary": "kernels.ptx",
            "inputs": [{"name": "a", "dims": ["M", "K"], "dtype": "f16"},
                       {"name": "b", "dims": ["K", "N"], "dtype": "f16"}],
            "outputs": [{"name": "c", "dims": ["M", "N"], "dtype": "f16"}],
            "temporaries": [{"name": "t", "dims": [4, "M", "N"], "dtype": "f32"}],
            "kernels": [{"name": "k0", "abi": "bare", "grid": ["1"], "block": [128],
                         "params": [{"memref": "a"}, {"memref": "b"}, {"memref": "t"},
                                    {"memref": "a"}, {"size": "M"}],
                         "flops": "((2 * M) * N) * K"},
                        {"name": "k1", "abi": "bare", "grid": ["1"], "block": [128],
                         "params": [{"memref": "t"}, {"memref": "c"}]}]}
    program = gpu.GPUProgram(plan, tmp_path / "kernels.ptx")
    a = np.zeros((3, 5), np.float16)
    b = np.zeros((5, 7), np.float16)
    k0, k1 = program.kernel_costs([a, b])
    assert k0 == {"name": "k0", "flops": 2 * 3 * 7 * 5,
                  "bytes": a.nbytes + b.nbytes + 4 * 3 * 7 * 4}
    assert k1 == {"name": "k1", "flops": None, "bytes": 4 * 3 * 7 * 4 + 3 * 7 * 2}


def test_compiled_plans_record_flops():
    """The compiler records a matmul's 2·M·N·K (and an attention's two
    products) on the launch: the plan's `flops`."""
    from tessera.compiler import compile as compile_fn

    artifact = compile_fn(mlp, target="sm_90")
    matmul = next(k for k in artifact.plan["kernels"] if "matmul" in k["name"])
    flops = gpu.compile_extent(matmul["flops"])
    assert flops({"N": 64, "D": 32, "H": 16}) == 2 * 64 * 16 * 32


def test_command_line_profile(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(Path(__file__).read_text().split("\n\n\ndef test_")[0])
    env = dict(__import__("os").environ)
    r = subprocess.run([sys.executable, "-m", "tessera", "profile", f"{module}:mlp",
                        "--target", "cpu", "--dim", "N=8", "--dim", "D=4", "--dim", "H=2",
                        "--repeats", "2"], env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert "tessera.profile on cpu" in r.stdout and "\nmlp " in r.stdout
    r = subprocess.run([sys.executable, "-m", "tessera", "profile", f"{module}:mlp",
                        "--target", "cpu"], env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode != 0
    assert "has dimension N: give its size with --dim N=N" in r.stderr
