"""The benchmark harness without a GPU: every benchmark program compiles
(the same command the device run's artifacts come from), and the device
scripts skip cleanly where there is no GPU, torch or CuPy."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join(
    [str(ROOT / "build" / "python_packages"), os.environ.get("PYTHONPATH", "")]))


def test_build_compiles_every_benchmark_program(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "bench" / "build.py"), "-o", str(tmp_path)],
                       env=ENV, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    index = json.loads((tmp_path / "index.json").read_text())
    assert {"gemm_f16", "gemm_bf16", "gemm_bias_gelu_f16", "softmax_f16", "layer_norm_f16",
            "attention_d128_causal_f16", "attention_d64_f16", "add_f32"} <= set(index)
    assert not any("wgmma_" in name for name in index)  # the sweep needs --sweep
    assert index["gemm_bf16"]["kernels"] == ["main_k0_matmul_wgmma"]
    assert index["attention_d128_f16"]["kernels"] == ["main_k0_attention_mma"]
    ptx = (tmp_path / "gemm_bf16" / "kernels.ptx").read_text()
    assert "wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16" in ptx
    assert "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32" in ptx  # without TMA
    plan = json.loads((tmp_path / "gemm_bf16" / "plan.json").read_text())
    assert plan["kernels"][0]["abi"] == "bare"
    assert [t["memref"] for t in plan["tensor_maps"]] == ["arg0", "arg1"]


def test_device_scripts_skip_without_a_gpu():
    try:
        import cupy  # noqa: F401
        has_gpu = True
    except ImportError:
        has_gpu = False
    if has_gpu:
        return  # they run for real on the device machine
    for script in ("run.py", "launch_overhead.py", "sweep_gemm.py"):
        r = subprocess.run([sys.executable, str(ROOT / "bench" / script)], env=ENV,
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0 and r.stdout.startswith("SKIP"), (script, r.stdout, r.stderr)
