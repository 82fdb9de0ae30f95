"""tessera.compile artifacts, the disk cache (atomic under concurrency and
kills), TESSERA_DUMP_IR, and the tessera command line."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import tessera
from tessera import Tensor, f16, f32
from tessera.compiler import GPU_STAGES
from tessera.cache import ArtifactCache

PKG = os.path.dirname(os.path.dirname(tessera.__file__))


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TESSERA_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def make_fn():
    @tessera.function
    def mlp(x: Tensor["S", 8, f32], w: Tensor[8, 4, f32]) -> Tensor["S", 4, f32]:
        return tessera.relu(x @ w) + 1.0
    return mlp


def test_compile_inspect_save_load(tmp_path):
    art = tessera.compile(make_fn(), target="cpu")
    assert art.target == "cpu" and art.plan["entry"] == "mlp"
    assert [a["name"] for a in art.plan["inputs"]] == ["x", "w"]
    assert art.plan["inputs"][0]["dims"] == ["S", 8]
    assert "tessera_graph.matmul" in art.mlir("graph")
    assert "linalg.matmul" in art.mlir("linalg")
    assert "llvm.func @_mlir_ciface_mlp" in art.mlir("llvm")
    assert art.ptx is None
    with pytest.raises(KeyError, match="no stage 'ptx'"):
        art.mlir("ptx")
    x = np.random.default_rng().standard_normal((37, 8)).astype(np.float32)
    w = np.random.default_rng().standard_normal((8, 4)).astype(np.float32)
    want = np.maximum(x.astype(np.float64) @ w, 0) + 1
    np.testing.assert_allclose(art(x, w), want, rtol=1e-5, atol=1e-5)
    loaded = tessera.Artifact.load(art.save(tmp_path / "out"))
    np.testing.assert_array_equal(loaded(x, w), art(x, w))
    with pytest.raises(ValueError, match=r"argument 'x': dimension 1 must be 8, got 9"):
        loaded(np.ones((37, 9), np.float32), w)


def make_gpu_fn():
    @tessera.function
    def mlp(x: Tensor["S", 64, f16], w: Tensor[64, "F", f16],
            b: Tensor["F", f16]) -> Tensor["S", "F", f16]:
        return tessera.gelu(x @ w + b)
    return mlp


def test_compile_for_gpus(tmp_path):
    art = tessera.compile(make_gpu_fn(), target="sm_90")
    assert art.target == "sm_90" and art.plan["stages"] == list(GPU_STAGES)
    # Hopper: wgmma with TMA, a SIMT block program kept for buffers TMA
    # cannot address: both block programs in Tile IR (wgmma dots, copies
    # through the tensor maps arriving on barriers; no NVVM or nvgpu op),
    # the instructions in Target IR.
    assert ("tessera_schedule.kernel #tessera_schedule.config<tile = [128, 256, 64], "
            "warps = 8, stages = 3, swizzle = 16, mma = wgmma>") in art.mlir("schedule")
    tile = art.mlir("tile")
    assert "tessera_tile.dot" in tile and "kind = mma_sync" not in tile and "kind = wgmma" in tile
    assert "tessera_tile.mbarrier_wait" in tile and " desc %" in tile
    assert "nvgpu.warpgroup" not in tile and "nvvm." not in tile
    assert "nvvm.wgmma.mma_async" in art.mlir("target")
    assert "nvgpu.tma.async.load" in art.mlir("target")
    assert "nvgpu.mma.sync" not in art.mlir("target")
    assert "tessera_target.tensor_map" in art.mlir("target")
    assert "gpu.module @tessera_kernels" in art.mlir("gpu")
    assert ".target sm_90a" in art.ptx and art.binary == art.ptx.encode()
    for instruction in ("wgmma.mma_async.sync.aligned.m64n256k16.f32.f16.f16",
                        "cp.async.bulk.tensor.3d", "mbarrier.try_wait.parity"):
        assert instruction in art.ptx, instruction
    # (then the maps of the default's row classes, one warpgroup's 64 rows)
    assert [(t["memref"], t["dims"], t["box"]) for t in art.plan["tensor_maps"]] == [
        ("x", ["1", "S", "64"], [1, 128, 64]), ("w", ["64", "F"], [64, 64])] + [
        ("x", ["1", "S", "64"], [1, 64, 64]), ("w", ["64", "F"], [64, 64])] * 2
    ampere = tessera.compile(make_gpu_fn(), target="sm_80")
    assert "mma = mma_sync" in ampere.mlir("schedule") and "wgmma" not in ampere.ptx
    assert ampere.plan["tensor_maps"] == []
    # The plan names the user's arguments and symbolic dims.
    assert [(a["name"], a["dims"]) for a in art.plan["inputs"]] == [
        ("x", ["S", 64]), ("w", [64, "F"]), ("b", ["F"])]
    assert art.plan["outputs"][0]["dims"] == ["S", "F"]
    loaded = tessera.Artifact.load(art.save(tmp_path / "a"))
    assert loaded.ptx == art.ptx and loaded.plan == art.plan
    program = loaded._gpu_program()  # the runtime, without a GPU: binding only
    sizes = program.bind([np.zeros((37, 64), np.float16), np.zeros((64, 99), np.float16),
                          np.zeros(99, np.float16)])
    assert sizes == {"S": 37, "F": 99}
    with pytest.raises(ValueError, match=r"argument 'b': dimension 0 \(F\) is 98, but F "
                                         r"is 99 from argument 'w'"):
        program.bind([np.zeros((37, 64), np.float16), np.zeros((64, 99), np.float16),
                      np.zeros(98, np.float16)])
    amd = tessera.compile(make_gpu_fn(), target="gfx942")
    assert amd.ptx is None and amd.binary[:4] == b"\x7fELF"


def test_gpu_schedule_overrides():
    small = "tile = [64, 64, 32], warps = 4, stages = 2, mma = mma_sync"
    art = tessera.compile(make_gpu_fn(), target="sm_90", schedule={"matmul": small})
    assert f"#tessera_schedule.config<{small}>" in art.mlir("schedule")
    assert art.plan["kernels"][0]["block"][0] == 128
    with pytest.raises(Exception, match=r"must have at least 2 stages for mma_sync"):
        tessera.compile(make_gpu_fn(), target="sm_90",
                        schedule={"matmul": small.replace("stages = 2", "stages = 1")})
    with pytest.raises(ValueError, match=r"schedule= names \['softmax'\], but the "
                                         r"program's kernels are \['k0', 'matmul'\]"):
        tessera.compile(make_gpu_fn(), target="sm_90", schedule={"softmax": small})
    # AMD matrix cores when the schedule asks for them (SIMT by default).
    mfma = "tile = [64, 64, 32], warps = 8, stages = 1, mma = mfma"
    amd = tessera.compile(make_gpu_fn(), target="gfx942", schedule={"matmul": mfma})
    assert "kind = mfma" in amd.mlir("tile") and amd.binary[:4] == b"\x7fELF"
    assert "amdgpu.mfma 16x16x16" in amd.mlir("target")
    assert "mma = mfma" not in tessera.compile(make_gpu_fn(), target="gfx942").mlir("schedule")
    with pytest.raises(Exception, match=r"uses mfma, which sm_90 does not have"):
        tessera.compile(make_gpu_fn(), target="sm_90", schedule={"matmul": mfma})
    with pytest.raises(ValueError, match="schedule= applies to GPU targets"):
        tessera.compile(make_gpu_fn(), target="cpu", schedule={"matmul": small})
    with pytest.raises(ValueError, match="unknown target 'sm90': expected 'cpu'"):
        tessera.compile(make_gpu_fn(), target="sm90")


def test_jit_runs_where_it_can(monkeypatch):
    @tessera.jit
    def mlp(x: Tensor["S", 8, f32], w: Tensor[8, 4, f32]) -> Tensor["S", 4, f32]:
        return tessera.relu(x @ w)

    monkeypatch.delenv("TESSERA_TARGET", raising=False)
    import tessera.runtime.gpu as runtime

    if runtime.device_target() is None:  # no GPU here: the CPU path
        assert mlp.target == "cpu"
        x = np.random.default_rng().standard_normal((13, 8)).astype(np.float32)
        w = np.random.default_rng().standard_normal((8, 4)).astype(np.float32)
        np.testing.assert_allclose(mlp(x, w), np.maximum(x @ w, 0), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(mlp(x[:5], w), np.maximum(x[:5] @ w, 0), rtol=1e-5,
                                   atol=1e-5)
        assert len(mlp._artifacts) == 1  # new sizes reuse the artifact
    monkeypatch.setenv("TESSERA_TARGET", "sm_90")
    assert mlp.target == "sm_90"


def test_cache_hit_skips_compilation(tmp_path, monkeypatch, private_cache):
    dump = tmp_path / "dump"
    monkeypatch.setenv("TESSERA_DUMP_IR", str(dump))
    first = tessera.compile(make_fn())
    assert sorted(p.name for p in dump.iterdir()) == [
        "mlp.graph.mlir", "mlp.linalg.mlir", "mlp.llvm.mlir"]
    for p in dump.iterdir():
        p.unlink()
    second = tessera.compile(make_fn())  # a new Function, same IR
    assert list(dump.iterdir()) == []     # nothing lowered: a cache hit
    assert second.plan["key"] == first.plan["key"]
    assert ArtifactCache(private_cache).get(first.plan["key"]) is not None
    # A rebuilt compiler (another native library) misses the cache.
    import tessera.cache as cache_module
    assert "libTesseraPythonCAPI.so" in cache_module.compiler_id()
    monkeypatch.setattr(cache_module, "_COMPILER_ID", ["rebuilt"])
    third = tessera.compile(make_fn())
    assert third.plan["key"] != first.plan["key"] and list(dump.iterdir())


def test_cache_rejects_tampered_entries(private_cache):
    art = tessera.compile(make_fn())
    cache = ArtifactCache(private_cache)
    entry = cache.get(art.plan["key"])
    (entry / "llvm.mlir").write_text("garbage")
    assert cache.get(art.plan["key"]) is None


WRITER = textwrap.dedent("""
    import hashlib, sys
    from tessera.cache import ArtifactCache
    cache = ArtifactCache()
    for key in sys.argv[1:]:
        # Deterministic content per key, several files, so a mix is detectable.
        data = {f"f{i}": hashlib.sha256((key + str(i)).encode()).digest() * 4096
                for i in range(4)}
        cache.put(key, data)
    print("done", flush=True)
""")


def expected_files(key):
    import hashlib
    return {f"f{i}": hashlib.sha256((key + str(i)).encode()).digest() * 4096
            for i in range(4)}


def test_concurrent_writers_and_a_killed_writer(private_cache):
    env = dict(os.environ, PYTHONPATH=PKG)
    keys = [f"k{i}" for i in range(5)]
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, *keys[i % 3:i % 3 + 3]],
                              env=env, stdout=subprocess.PIPE, text=True)
             for i in range(6)]
    # One more writer, slowed down and killed half-way through an entry.
    victim = subprocess.Popen([sys.executable, "-c", WRITER, "victim"],
                              env=dict(env, _TESSERA_CACHE_TEST_PAUSE="0.5"),
                              stdout=subprocess.PIPE, text=True)
    time.sleep(1.2)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    for p in procs:
        assert p.wait(timeout=120) == 0
    cache = ArtifactCache(private_cache)
    names = sorted(e.name for e in cache.entries())
    assert names == keys  # no half-written "victim" entry
    for key in keys:
        entry = cache.get(key)
        assert entry is not None
        for name, data in expected_files(key).items():
            assert (entry / name).read_bytes() == data
        assert json.loads((entry / "manifest.json").read_text())["key"] == key
    leftovers = [p for p in private_cache.iterdir() if p.name.startswith(".tmp-")]
    assert leftovers  # the killed writer's temporary directory ...
    assert cache.clear() == len(keys)
    assert list(private_cache.iterdir()) == []  # ... which clear removes


def test_concurrent_compiles_of_real_kernels(tmp_path, private_cache):
    src = tmp_path / "kernels.py"
    src.write_text(textwrap.dedent("""
        import sys
        import numpy as np
        import tessera
        from tessera import Tensor, f32

        @tessera.function
        def a(x: Tensor["N", f32]) -> Tensor["N", f32]:
            return tessera.exp(x) + 1.0

        @tessera.function
        def b(x: Tensor["N", f32]) -> Tensor["N", f32]:
            return tessera.tanh(x) * 2.0

        fn = {"a": a, "b": b}[sys.argv[1]]
        x = np.linspace(-1, 1, 1001, dtype=np.float32)
        out = tessera.compile(fn)(x)
        ref = np.exp(x) + 1 if sys.argv[1] == "a" else np.tanh(x) * 2
        assert np.allclose(out, ref, rtol=1e-5), "wrong result"
        print("ok")
    """))
    env = dict(os.environ, PYTHONPATH=PKG)
    procs = [subprocess.Popen([sys.executable, str(src), which], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for which in "aabba"]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0 and out.strip() == "ok", err
    cache = ArtifactCache(private_cache)
    entries = list(cache.entries())
    assert len(entries) == 2 and all(cache.get(e.name) for e in entries)


def test_cli(tmp_path, private_cache):
    module = tmp_path / "m.py"
    module.write_text(textwrap.dedent("""
        import tessera
        from tessera import Tensor, f32

        @tessera.function
        def f(x: Tensor["S", 8, f32], w: Tensor[8, 4, f32]) -> Tensor["S", 4, f32]:
            return tessera.relu(x @ w)
    """))
    env = dict(os.environ, PYTHONPATH=PKG)

    def tessera_cli(*args):
        return subprocess.run([sys.executable, "-m", "tessera", *args], env=env,
                              capture_output=True, text=True, timeout=300)

    out = tmp_path / "art"
    r = tessera_cli("compile", f"{module}:f", "--target", "cpu", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "f: cpu artifact in" in r.stdout
    r = tessera_cli("run", str(out), "--dim", "S=37")
    assert r.returncode == 0, r.stderr
    assert "output shape (37, 4) dtype float32" in r.stdout and "finite True" in r.stdout
    r = tessera_cli("run", str(out))
    assert r.returncode != 0 and "give its size with --dim S=N" in r.stderr
    r = tessera_cli("compile", f"{module}:nope", "-o", str(out))
    assert r.returncode != 0 and "has no @tessera.function named 'nope'" in r.stderr
    # --timing: the seconds of each stage of a fresh compile (the cache is
    # not consulted, nor written); "passes" adds MLIR's per-pass report.
    r = tessera_cli("compile", f"{module}:f", "-o", str(tmp_path / "t"), "--timing")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[1].split() == ["stage", "seconds"]
    assert [line.split()[0] for line in lines[2:]] == ["linalg", "llvm", "total"]
    stages = [float(line.split()[1]) for line in lines[2:4]]
    assert abs(sum(stages) - float(lines[4].split()[1])) < 2e-3
    r = tessera_cli("compile", f"{module}:f", "-o", str(tmp_path / "t"), "--timing", "passes")
    assert r.returncode == 0 and "Execution time report" in r.stderr
    assert "ConvertTesseraGraphToLinalg" in r.stderr
    gpu_out = tmp_path / "gpu"
    r = tessera_cli("compile", f"{module}:f", "--target", "sm_90", "-o", str(gpu_out))
    assert r.returncode == 0, r.stderr
    assert "f: sm_90 artifact in" in r.stdout and (gpu_out / "kernels.ptx").exists()
    r = tessera_cli("run", str(gpu_out), "--dim", "S=37")
    try:
        import cupy  # noqa: F401
    except ImportError:  # no GPU runtime here: a clear refusal, no traceback
        assert r.returncode != 0 and "cannot run this sm_90 artifact here" in r.stderr
        assert "Traceback" not in r.stderr
    r = tessera_cli("cache", "list")
    assert "2 entries" in r.stdout and " ok" in r.stdout
    r = tessera_cli("cache", "clear")
    assert "removed 2 entries" in r.stdout
    r = tessera_cli("--help")
    assert r.returncode == 0 and "compile" in r.stdout and "tessera-opt" in r.stdout
