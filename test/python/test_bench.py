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
    # (the second kernel sums slices of K where a launch splits it: decode shapes)
    # (the default, its two row classes: decode shapes, chosen at launch; the
    # split's sum)
    assert index["gemm_bf16"]["kernels"] == [
        "main_k0_matmul_wgmma", "main_k1_matmul_wgmma", "main_k2_matmul_wgmma",
        "main_k3_matmul_splitk"]
    assert index["attention_d128_f16"]["kernels"] == ["main_k0_attention_wgmma"]
    attention = (tmp_path / "attention_d128_f16" / "kernels.ptx").read_text()
    # S = Q K^T from shared memory (K-major b), O = P V with P from registers
    assert "wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16" in attention
    assert "}, {%r" in attention  # the register `a` of P V
    # no program without TMA (the runtime copies what TMA cannot address)
    assert "mma.sync" not in attention
    plan = json.loads((tmp_path / "attention_d128_f16" / "plan.json").read_text())
    assert [t["memref"] for t in plan["tensor_maps"]] == ["arg0", "arg1", "arg2"]
    ptx = (tmp_path / "gemm_bf16" / "kernels.ptx").read_text()
    assert "wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16" in ptx
    assert "mma.sync" not in ptx  # (without TMA: the SIMT program)
    plan = json.loads((tmp_path / "gemm_bf16" / "plan.json").read_text())
    assert plan["kernels"][0]["abi"] == "bare"
    # (a pair of maps for the default and each of its two row classes)
    assert [t["memref"] for t in plan["tensor_maps"]] == ["arg0", "arg1"] * 3
    # FP8: k32 e4m3 wgmma over 128-deep TMA boxes, the SIMT program without TMA
    ptx = (tmp_path / "gemm_e4m3_row" / "kernels.ptx").read_text()
    assert "wgmma.mma_async.sync.aligned.m64n256k32.f32.e4m3.e4m3" in ptx
    plan = json.loads((tmp_path / "gemm_e4m3_row" / "plan.json").read_text())
    assert [t["box"] for t in plan["tensor_maps"]] == [
        [1, 128, 128], [256, 128],  # the default's 128x256 tiles
        [1, 64, 128], [256, 128],   # M <= 16: 64x256
        [1, 64, 128], [64, 128]]    # M <= 128: 64x64


def test_device_scripts_skip_without_a_gpu():
    try:
        import cupy  # noqa: F401
        has_gpu = True
    except ImportError:
        has_gpu = False
    if has_gpu:
        return  # they run for real on the device machine
    for script in ("run.py", "launch_overhead.py", "sweep_gemm.py", "sweep_fp8.py"):
        r = subprocess.run([sys.executable, str(ROOT / "bench" / script)], env=ENV,
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0 and r.stdout.startswith("SKIP"), (script, r.stdout, r.stderr)


# --- before/after mode (bench/run.py --baseline), without a GPU -------------

def _bench_module(name):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compare_flags_only_rows_still_slower_after_retiming():
    compare = _bench_module("compare")
    # Alternation: old new, new old, old new, ...
    order = []
    compare.alternate(lambda w: order.append(w) or 1.0, 3)
    assert order == ["old", "new", "new", "old", "old", "new"]
    # The same speed: no retime, not slower.
    r = compare.compare_row(lambda w: 1.0)
    assert r["new_over_old"] == 1.0 and not r["retimed"] and not r["slower"]
    assert len(r["old_samples"]) == len(r["new_samples"]) == compare.ROUNDS
    # 5% slower throughout: retimed, still slower.
    r = compare.compare_row(lambda w: 1.05 if w == "new" else 1.0)
    assert r["retimed"] and r["slower"] and abs(r["new_over_old"] - 1 / 1.05) < 1e-12
    assert len(r["new_samples"]) == compare.ROUNDS + compare.RETIME_ROUNDS
    # Noise: one slow first sample, fast afterwards: retimed, not slower.
    calls = {"new": 0}

    def noisy(w):
        if w == "old":
            return 1.0
        calls["new"] += 1
        return 1.2 if calls["new"] <= 2 else 0.99
    r = compare.compare_row(noisy)
    assert r["retimed"] and not r["slower"]
    # Faster is never flagged; 2% slower is within the threshold.
    assert not compare.compare_row(lambda w: 0.5 if w == "new" else 1.0)["retimed"]
    assert not compare.compare_row(lambda w: 1.02 if w == "new" else 1.0)["retimed"]
    assert compare.speed(None, 1.0) is None and compare.speed(2.0, 1.0) == 2.0


def test_baseline_plan_fills_only_a_missing_vendor():
    compare = _bench_module("compare")
    old = {"format": 1, "target": "sm_90", "binary": "kernels.ptx"}
    assert compare.baseline_plan(old)["vendor"] == "nvidia"
    assert "vendor" not in old  # not modified in place
    amd = {"format": 1, "binary": "kernels.hsaco", "vendor": "amd"}
    assert compare.baseline_plan(amd) == amd
    assert "vendor" not in compare.baseline_plan({"format": 1, "binary": "kernels.hsaco"})


def test_compile_times_side_by_side(tmp_path):
    compare = _bench_module("compare")
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "old" / "index.json").write_text(json.dumps(
        {"gemm_f16": {"compile_s": 2.0}, "gone": {"compile_s": 1.0}}))
    (tmp_path / "new" / "index.json").write_text(json.dumps(
        {"gemm_f16": {"compile_s": 3.0}, "added": {"compile_s": 0.5}}))
    rows = {r["program"]: r for r in compare.compile_times(tmp_path / "old", tmp_path / "new")}
    assert rows["gemm_f16"]["new_over_old"] == 1.5
    assert rows["gone"]["new_s"] is None and rows["added"]["old_s"] is None
    lines = compare.format_compile_times(list(rows.values()))
    assert lines[-1].split()[-3:] == ["2.000", "3.000", "1.50"]  # total over both
    assert compare.compile_times(tmp_path / "none", tmp_path / "new")[0]["old_s"] is None


class _FakeTorch:
    """torch.cuda's events over a virtual clock that programs advance."""

    def __init__(self):
        self.now = 0.0
        torch = self

        class Event:
            def __init__(self, enable_timing=True):
                self.t = 0.0

            def record(self):
                self.t = torch.now

            def synchronize(self):
                pass

            def elapsed_time(self, other):
                return other.t - self.t

        class Cuda:
            @staticmethod
            def synchronize():
                pass

        Cuda.Event = Event
        self.cuda = Cuda


def test_baseline_mode_times_both_and_flags_a_slower_row(tmp_path):
    run = _bench_module("run")
    torch = _FakeTorch()

    class Program:
        def __init__(self, plan, cost):
            self.plan, self.cost = plan, cost

        def __call__(self, x, out):
            torch.now += self.cost
            out[0][...] = x

    class Runtime:  # what run.py uses of tessera.runtime
        @staticmethod
        def read_plan(path):
            return json.loads((Path(path) / "plan.json").read_text())

        @staticmethod
        def GPUProgram(plan, binary):
            assert plan["vendor"] == "nvidia"  # filled in for the old plan
            return Program(plan, cost=1.0)

        @staticmethod
        def load(path):
            return Program({}, cost=COST_NEW)

    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "plan.json").write_text(json.dumps({"format": 1, "binary": "kernels.ptx"}))
    import numpy as np

    x, y = np.ones(4), np.zeros(4)
    rows = []
    for name, COST_NEW in (("same", 1.0), ("slow", 1.1), ("fast", 0.8)):
        bench = run.Bench(torch, Runtime, tmp_path / "new", baseline=tmp_path, rounds=3)

        def check(program):
            y[...] = np.nan
            program(x, out=[y])
            return float(np.abs(y - x).max())
        t = bench.tessera("p", lambda program, i: program(x, out=[y]), check, 1e-3, 1)
        bench.add("g", name, 1e9, "GB/s", t, {"peer": (2.0, 0.0, True)})
        rows += bench.rows
    by = {r["name"]: r for r in rows}
    approx = lambda v: round(v, 9)
    assert approx(by["same"]["baseline"]["new_over_old"]) == 1.0
    assert not by["same"]["baseline"]["slower"]
    assert by["slow"]["baseline"]["slower"] and by["slow"]["baseline"]["retimed"]
    assert approx(by["fast"]["baseline"]["new_over_old"]) == 1.25
    assert approx(by["fast"]["ratio_to_best"]) == 2.5  # the peer ratio is the new side's
    assert all(r["baseline"]["pass"] and r["tessera"]["pass"] for r in rows)
    table = "\n".join(run.compare.format_compare_table(rows))
    assert table.count("SLOWER") == 1 and "0.909" in table


def test_gpu_check_skips_without_a_gpu():
    try:
        import cupy  # noqa: F401
        return  # it runs for real on the device machine
    except ImportError:
        pass
    r = subprocess.run(["bash", str(ROOT / "scripts" / "gpu-check.sh")],
                       env=dict(ENV, PYTHON=sys.executable), capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0 and r.stdout.startswith("SKIP"), (r.stdout, r.stderr)


def test_registers_reads_ptxas_reports(tmp_path):
    """bench/registers.py: ptxas -v's report per kernel (registers, spills,
    shared memory), a baseline side by side, and a failure where a kernel
    spills in the new build only."""
    sys.path.insert(0, str(ROOT / "bench"))
    import registers

    report = (
        "ptxas info    : Compiling entry function 'main_k1_row' for 'sm_90a'\n"
        "ptxas info    : Function properties for main_k1_row\n"
        "    8 bytes stack frame, 8 bytes spill stores, 4 bytes spill loads\n"
        "ptxas info    : Used 64 registers, used 1 barriers, 256 bytes smem\n"
        "ptxas info    : Compiling entry function 'main_k0_row' for 'sm_90a'\n"
        "ptxas info    : Function properties for main_k0_row\n"
        "    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\n"
        "ptxas info    : Used 62 registers, used 1 barriers\n")
    assert registers.parse_ptxas(report) == {"main_k1_row": (64, 8, 4, 256),
                                            "main_k0_row": (62, 0, 0, 0)}
    ptxas = registers.find_ptxas()  # (the build machine has CUDA 13's)
    # Two builds of one program: the new one's kernel holds more live values.
    def program(directory, live):
        (directory / "p").mkdir(parents=True)
        adds = "".join(f"  add.f32 %f{i + 1}, %f{i}, %f0;\n" for i in range(1, live))
        stores = "".join(f"  st.global.f32 [%rd1+{4 * i}], %f{i};\n" for i in range(1, live + 1))
        (directory / "p" / "kernels.ptx").write_text(
            ".version 8.3\n.target sm_90\n.address_size 64\n"
            ".visible .entry k(.param .u64 p) {\n"
            f"  .reg .b64 %rd<2>;\n  .reg .f32 %f<{live + 2}>;\n"
            "  ld.param.u64 %rd1, [p];\n  ld.global.f32 %f0, [%rd1];\n"
            "  add.f32 %f1, %f0, %f0;\n" + adds + stores + "  ret;\n}\n")
    program(tmp_path / "old", 2)
    program(tmp_path / "new", 40)
    old = registers.directory_resources(ptxas, tmp_path / "old", None)
    new = registers.directory_resources(ptxas, tmp_path / "new", None)
    assert set(old) == set(new) == {("p", "k")}
    assert new[("p", "k")][0] > old[("p", "k")][0]
    r = subprocess.run([sys.executable, str(ROOT / "bench" / "registers.py"),
                        str(tmp_path / "new"), "--baseline", str(tmp_path / "old")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "p " in r.stdout and " k " in r.stdout and " regs" in r.stdout
