"""@tessera.autotune: a compiled function's kernel schedules tuned per key
bucket. The candidates compile for real (sm_90); the GPU that times them is
a stand-in (this machine has none), as in test_kernel_dsl's kernel tuner."""

import sys
import types

import numpy as np
import pytest

import tessera
from tessera import Tensor, f16

MMA_SYNC = tessera.Schedule(tile=(64, 64, 32), warps=4, stages=2, mma="mma_sync")
WGMMA = tessera.Schedule(tile=(128, 256, 64), warps=8, stages=3, mma="wgmma")
# 8 stages of 256 x 256 x 64 tiles: far past the H100/H200's shared memory.
TOO_BIG = tessera.Schedule(tile=(256, 256, 64), warps=8, stages=8, mma="wgmma")


def gemm(a: Tensor["M", "K", f16], b: Tensor["K", "N", f16]) -> Tensor["M", "N", f16]:
    return a @ b


@pytest.fixture
def gpu(monkeypatch, tmp_path):
    """A stand-in GPU: CuPy's arrays and events on NumPy and a clock that
    each launch advances by its schedule's cost; artifacts' launches are
    recorded."""
    monkeypatch.setenv("TESSERA_CACHE_DIR", str(tmp_path))
    clock = {"ms": 0.0}
    launches = []

    class Event:
        def record(self):
            self.at = clock["ms"]

        def synchronize(self):
            pass

    cupy = types.SimpleNamespace(
        array=lambda a: np.array(a),
        cuda=types.SimpleNamespace(Event=Event, get_elapsed_time=lambda s, e: e.at - s.at))
    monkeypatch.setitem(sys.modules, "cupy", cupy)
    monkeypatch.setattr("tessera.frontend.device_target", lambda: "sm_90")
    costs = {str(MMA_SYNC): 3.0, str(WGMMA): 1.0}

    def launch(self, *arrays, **launch_options):
        config = self.plan["schedule"]["matmul"]
        clock["ms"] += costs[config]
        launches.append(config)
    monkeypatch.setattr("tessera.artifact.Artifact.__call__", launch)
    return types.SimpleNamespace(clock=clock, launches=launches, costs=costs)


def test_autotune_prunes_times_keeps_and_persists(gpu, capsys):
    tuned = tessera.autotune(space={"matmul": [MMA_SYNC, WGMMA, TOO_BIG]},
                             key=["M", "N", "K"])(tessera.jit(gemm))
    a = np.zeros((300, 136), np.float16)
    b = np.zeros((136, 200), np.float16)
    tuned(a, b)
    by_matmul = {c["matmul"]: r for c, r in tuned.tuning[(300, 200, 136)]}
    assert by_matmul[str(MMA_SYNC)] == 3.0 and by_matmul[str(WGMMA)] == 1.0
    # The compile-time legality check (tessera-schedule-check) refused it:
    # pruned, never launched.
    assert by_matmul[str(TOO_BIG)].startswith("pruned: ") and \
        "shared memory" in by_matmul[str(TOO_BIG)]
    assert str(TOO_BIG) not in gpu.launches
    assert tuned.best[(300, 200, 136)] == {"matmul": str(WGMMA)}
    assert gpu.launches[-1] == str(WGMMA)  # the call itself ran the winner
    assert "2 tried, 1 pruned, 0 failed of 3; best 1.0000 ms" in capsys.readouterr().err
    # A later process (a new object) takes the choice from the disk cache
    # for any size in the same bucket, without timing.
    again = tessera.autotune(space={"matmul": [MMA_SYNC, WGMMA, TOO_BIG]},
                             key=["M", "N", "K"])(tessera.jit(gemm))
    before = len(gpu.launches)
    again(np.zeros((290, 130), np.float16), np.zeros((130, 256), np.float16))
    assert again.tuning[(290, 256, 130)] == [({"matmul": str(WGMMA)}, "from the cache")]
    assert len(gpu.launches) == before + 1


def test_autotune_space_of_fields_and_budget(gpu, monkeypatch):
    # Every combination of the fields' values: 2 stages x 2 warps.
    tuned = tessera.autotune(space={"matmul": {"tile": [(64, 64, 32)], "warps": [4, 8],
                                               "stages": [2, 3], "mma": ["mma_sync"]}},
                             key="M", budget_seconds=5)(tessera.function(gemm))
    assert len(tuned.candidates) == 4
    for c in tuned.candidates:
        gpu.costs.setdefault(c["matmul"], 2.0)
    monkeypatch.setattr("time.monotonic", iter(range(0, 1000, 10)).__next__)
    tuned(np.zeros((64, 32), np.float16), np.zeros((32, 64), np.float16))
    reasons = [r for _, r in tuned.tuning[(64,)]]
    assert reasons[0] == 3.0 and reasons[1:] == ["skipped: past budget_seconds"] * 3


def test_autotune_without_a_gpu_runs_the_defaults(monkeypatch):
    monkeypatch.setattr("tessera.frontend.device_target", lambda: None)
    monkeypatch.delenv("TESSERA_TARGET", raising=False)
    tuned = tessera.autotune(space={"matmul": [MMA_SYNC]}, key=["M"])(tessera.jit(gemm))
    a = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float16)
    b = np.random.default_rng(1).standard_normal((3, 4)).astype(np.float16)
    with pytest.warns(UserWarning, match="runs on the CPU \\(no GPU\\): not tuned"):
        out = tuned(a, b)
    ref = a.astype(np.float64) @ b.astype(np.float64)
    assert np.allclose(np.asarray(out, np.float64), ref, atol=1e-2, rtol=1e-2)


@pytest.mark.parametrize("kwargs, error, match", [
    ({}, TypeError, "takes space= or configs="),
    ({"space": {"matmul": []}}, TypeError, r"space\['matmul'\] is a non-empty list"),
    ({"space": {"matmul": {"warps": [4]}}}, TypeError, r"space\['matmul'\] needs 'tile'"),
    ({"space": {"matmul": {"tile": [(64, 64)], "warps": [0]}}}, ValueError,
     "Schedule warps must be at least 1"),
    ({"configs": [{"matmul": MMA_SYNC}], "budget_seconds": 0}, ValueError,
     "budget_seconds must be positive"),
    ({"configs": [{"matmul": MMA_SYNC}], "key": ["Q"]}, ValueError,
     r"key \['Q'\] names no dim of gemm's arguments"),
])
def test_autotune_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        tessera.autotune(**kwargs)(tessera.jit(gemm))


def test_autotune_refuses_kernels_and_fixed_schedules():
    with pytest.raises(TypeError, match="@tessera.kernel.autotune"):
        tessera.autotune(configs=[{"matmul": MMA_SYNC}])(lambda x: x)
    with pytest.raises(ValueError, match="leave schedule= out"):
        tessera.autotune(configs=[{"matmul": MMA_SYNC}])(
            tessera.jit(gemm, schedule={"matmul": WGMMA}))
    with pytest.raises(AttributeError, match="get_param is used inside a @tessera.kernel"):
        tessera.autotune.get_param("BM")
