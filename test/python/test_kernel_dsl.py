"""@tessera.kernel: kernels written in Python, built into Tile IR, compiled
for sm_90 and gfx942, and run by the interpreter (this machine has no GPU;
test/gpu/run_dsl_kernels.py runs the compiled ones on the H200)."""

import re

import numpy as np
import pytest

import tessera
import tessera as ts
from tessera import Tensor, f16, f32


import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "gpu"))
from dsl_cases import (first_block_doubles, gelu_or_gather,  # noqa: E402
                       gelu_or_gather_reference, matmul, matmul_grid, vector_add)


@pytest.mark.parametrize("n", [1, 127, 128, 1000, 4097])
def test_vector_add_interpreted(n, monkeypatch):
    monkeypatch.setenv("TESSERA_INTERPRET", "1")
    rng = np.random.default_rng(n)
    a, b = (rng.standard_normal(n).astype(np.float32) for _ in range(2))
    c = np.full(n, np.nan, np.float32)
    vector_add(a, b, c)  # grid from the indexing: ceil(n / 128)
    np.testing.assert_allclose(c, a.astype(np.float64) + b, rtol=1e-6, atol=1e-6)


def test_explicit_grid_covers_only_its_blocks(monkeypatch):
    monkeypatch.setenv("TESSERA_INTERPRET", "1")
    a = np.ones(1000, np.float32)
    c = np.zeros(1000, np.float32)
    vector_add[(2,)](a, a, c)  # two blocks of 128
    assert np.all(c[:256] == 2) and np.all(c[256:] == 0)


@pytest.mark.parametrize("n", [1000, 3001])
def test_gelu_gather_interpreted(n, monkeypatch):
    monkeypatch.setenv("TESSERA_INTERPRET", "1")
    x = np.random.default_rng(0).standard_normal(n).astype(np.float16)
    y = np.full(n, np.nan, np.float16)
    gelu_or_gather(x, y)
    np.testing.assert_allclose(y.astype(np.float64),
                               gelu_or_gather_reference(x.astype(np.float64), None),
                               rtol=2e-2, atol=2e-2)  # f16 arithmetic throughout


def test_tile_ir_of_a_kernel():
    text = vector_add.mlir()
    assert "tessera_tile.program_id 0" in text
    assert re.search(r"tessera_tile.load_tile %a_view\[%v\d+\] : memref<\?xf32, strided<\[1\]>> "
                     r"-> tensor<128xf32, #tessera_tile.blocked<warps = \[4\], threads = \[32\], "
                     r"per_thread = \[1\]>>", text)
    assert "tessera_tile.store_tile" in text
    # The grid: one block per 128 elements of c.
    assert "%hg = arith.ceildivui %h_c_size, %hw : index" in text
    text = gelu_or_gather.mlir(BLOCK=2048)
    assert "tessera_tile.gather %x_view" in text and "math.tanh" in text
    assert "tensor<2048xf16" in text
    # AMD: wavefronts of 64.
    assert "threads = [64]" in vector_add.mlir(target="gfx942")


@pytest.mark.parametrize("target", ["sm_90", "gfx942"])
def test_kernels_compile(target):
    for kernel, constants in ((vector_add, {}), (gelu_or_gather, {"BLOCK": 1024})):
        artifact = kernel.compile(target, **constants)
        assert artifact.plan["kernels"][0]["grid"][0].startswith("ceil_div(")
        assert artifact.plan["outputs"] == []  # the kernel writes its arguments
        if target == "sm_90":
            assert ".entry" in artifact.ptx and "ld.global" in artifact.ptx
        else:
            assert artifact.binary[:4] == b"\x7fELF"


def _error(fn, match, **kwargs):
    with pytest.raises(tessera.KernelError, match=match):
        tessera.kernel(fn, **kwargs).mlir()


def test_unsupported_statement_names_the_line():
    def looping(x: Tensor["N", f32]):
        i = 0
        while i < 3:
            i = i + 1
    line = looping.__code__.co_firstlineno + 2
    _error(looping, rf"test_kernel_dsl.py:{line}: in kernel 'looping': While statements are "
                    r"not supported in a tessera.kernel yet")


def test_scatter_store_is_refused():
    def scatter(x: Tensor["N", f32]):
        offs = tessera.program_id(0) * 128 + tessera.arange(0, 128)
        x[offs * 2] = x[offs]
    _error(scatter, r"a store at computed offsets \(a scatter\) is not supported yet")


def test_only_tessera_functions():
    def calls_numpy(x: Tensor["N", f32]):
        offs = tessera.program_id(0) * 128 + tessera.arange(0, 128)
        x[offs] = np.exp(x[offs])
    _error(calls_numpy, r"only tessera.\* functions can be called on tiles and indices")


def test_grid_must_be_given_when_the_indexing_does_not_fix_it():
    def strided(x: Tensor["N", f32]):
        offs = tessera.program_id(0) * 256 + tessera.arange(0, 128)
        x[offs] = x[offs] + 1.0
    with pytest.raises(tessera.KernelError, match=r"its grid cannot be read from its indexing"):
        tessera.kernel(strided).mlir()
    assert "arith.constant 4 : index" in tessera.kernel(strided).mlir(grid=(4,))


def test_tile_widths_and_annotations():
    def narrow(x: Tensor["N", f32]):
        offs = tessera.program_id(0) * 16 + tessera.arange(0, 16)
        x[offs] = x[offs]
    _error(narrow, r"a tile of 16 elements does not split over the block's 128 threads")
    with pytest.raises(tessera.KernelError, match=r"kernels take tensors of rank 1 to 3 "
                                                  r"so far"):
        @tessera.kernel
        def batched(x: Tensor["A", "B", "M", "N", f32]):
            pass
    with pytest.raises(tessera.KernelError, match=r"needs a tessera.Tensor\[...\] or "
                                                  r"tessera.constexpr annotation"):
        @tessera.kernel
        def untyped(x):
            pass
    with pytest.raises(TypeError, match=r"constexpr 'BLOCK' has no value"):
        @tessera.kernel
        def needs_block(x: Tensor["N", f32], BLOCK: tessera.constexpr):
            pass
        needs_block.mlir()
    with pytest.raises(ValueError, match=r"num_warps must be a power of two up to 32"):
        tessera.kernel(num_warps=3)(vector_add.fn)


def test_kernel_functions_only_inside_kernels():
    with pytest.raises(AttributeError, match=r"tessera.program_id is used inside a "
                                             r"@tessera.kernel function"):
        tessera.program_id(0)


@pytest.mark.parametrize("m, n, k", [(128, 128, 32), (100, 72, 40), (257, 130, 264)])
def test_matmul_interpreted(m, n, k, monkeypatch):
    monkeypatch.setenv("TESSERA_INTERPRET", "1")
    rng = np.random.default_rng(m)
    a = rng.standard_normal((m, k)).astype(np.float16)
    b = rng.standard_normal((k, n)).astype(np.float16)
    c = np.full((m, n), np.nan, np.float16)
    matmul[matmul_grid(m, n)](a, b, c)
    np.testing.assert_allclose(c.astype(np.float64), a.astype(np.float64) @ b, atol=4e-2,
                               rtol=4e-3)


def test_matmul_tile_ir():
    text = matmul.mlir(grid=matmul_grid(1000, 520))
    # K in a pipelined loop carrying the accumulator: per step, the two
    # boxes into padded shared buffers and a dot on the tensor cores.
    assert re.search(r"scf.for %v\d+ = %v\d+ to %a_size1 step %v\d+ iter_args", text)
    assert "{tessera_tile.stages = 3 : i64}" in text
    assert text.count("tessera_tile.box_copy") == 2
    assert "#tessera_tile.smem_layout<pad = 8>" in text
    assert "tessera_tile.dot" in text and "kind = mma_sync, m = 16, n = 8, k = 16" in text
    assert "arith.truncf" in text  # the f32 accumulator stored into f16
    assert "kind = mfma, m = 16, n = 16, k = 16" in matmul.mlir(grid=(40,), target="gfx942")


@pytest.mark.parametrize("target", ["sm_90", "gfx942"])
def test_matmul_compiles(target):
    artifact = matmul.compile(target, grid=matmul_grid(1000, 520))
    assert artifact.plan["kernels"][0]["grid"] == ["40", "1", "1"]
    if target == "sm_90":
        assert "mma.sync.aligned.m16n8k16" in artifact.ptx and "cp.async" in artifact.ptx


def test_matrix_errors():
    def bad_box(a: Tensor["M", "K", f16], c: Tensor["M", "K", f16]):
        m0 = tessera.program_id(0) * 64
        c[m0:m0 + 64, 0:64] = a[m0:m0 + 64, m0:64]
    with pytest.raises(tessera.KernelError, match=r"a box's extent must be a positive constant"):
        tessera.kernel(bad_box).mlir(grid=(1,))

    def f32_dot(a: Tensor["M", "K", f32], c: Tensor["M", "K", f32]):
        acc = tessera.zeros((64, 64), tessera.f32)
        acc = tessera.dot(a[0:64, 0:16], a[0:16, 0:64], acc)
        c[0:64, 0:64] = acc
    with pytest.raises(tessera.KernelError, match=r"tessera.dot takes f16 or bf16 operands"):
        tessera.kernel(f32_dot).mlir(grid=(1,))

    def small(c: Tensor["M", "N", f16]):
        acc = tessera.zeros((32, 64), tessera.f32)
        c[0:32, 0:64] = acc
    with pytest.raises(tessera.KernelError, match=r"a 32x64 matrix tile does not split over the "
                                                  r"block's 4 warps: rows a multiple of 64"):
        tessera.kernel(small).mlir(grid=(1,))

    def bad_loop(x: Tensor["N", f32]):
        for i in range(4):
            pass
    with pytest.raises(tessera.KernelError, match=r"loops are `for name in "
                                                  r"tessera.range\(lo, hi\[, step\]\)`"):
        tessera.kernel(bad_loop).mlir(grid=(1,))


@tessera.kernel.autotune(space={"BM": [128, 64], "BN": [64], "num_warps": [4]},
                         key=["M", "N"])
def tuned_matmul(a: Tensor["M", "K", f16], b: Tensor["K", "N", f16], c: Tensor["M", "N", f16]):
    BM = tessera.autotune.get_param("BM")
    BN = tessera.autotune.get_param("BN")
    pid = tessera.program_id(0)
    n_tiles = (c.shape[1] + BN - 1) // BN
    m0 = (pid // n_tiles) * BM
    n0 = (pid % n_tiles) * BN
    acc = tessera.zeros((BM, BN), tessera.f32)
    for k in tessera.range(0, a.shape[1], 32):
        acc = tessera.dot(a[m0:m0 + BM, k:k + 32], b[k:k + 32, n0:n0 + BN], acc)
    c[m0:m0 + BM, n0:n0 + BN] = acc


def tuned_grid(p):
    return (-(-100 // p["BM"]) * -(-72 // p["BN"]),)


def test_autotuned_kernel_interpreted(monkeypatch):
    monkeypatch.setenv("TESSERA_INTERPRET", "1")
    rng = np.random.default_rng(1)
    a = rng.standard_normal((100, 40)).astype(np.float16)
    b = rng.standard_normal((40, 72)).astype(np.float16)
    c = np.full((100, 72), np.nan, np.float16)
    tuned_matmul[tuned_grid](a, b, c)
    np.testing.assert_allclose(c.astype(np.float64), a.astype(np.float64) @ b, atol=4e-2,
                               rtol=4e-3)
    # The interpreter does not time: the first configuration, per (M, N).
    assert tuned_matmul.best == {(100, 72): {"BM": 128, "BN": 64, "num_warps": 4}}
    assert "tensor<64x64xf32" in tuned_matmul.mlir(grid=(1,), BM=64, BN=64)
    with pytest.raises(tessera.KernelError, match=r"no autotuned parameter 'BK' \(the space "
                                                  r"has BM, BN\)"):
        @tessera.kernel.autotune(configs=[{"BM": 64, "BN": 64}], key=["N"])
        def wrong(c: Tensor["N", f32]):
            BK = tessera.autotune.get_param("BK")
        wrong.mlir(grid=(1,), BM=64, BN=64)


def test_autotune_times_every_configuration(monkeypatch, tmp_path, capsys):
    """The tuning loop with a stand-in GPU (the H200 has no compiler to
    run it): each configuration compiled and timed on copies of the
    arguments, one that does not compile pruned with its reason, the
    fastest kept per key, persisted for a later process (per key bucket),
    a progress line; budget_seconds stops the timing early."""
    monkeypatch.setenv("TESSERA_CACHE_DIR", str(tmp_path))
    import types as pytypes

    from tessera import dsl

    clock = {"ms": 0.0}

    class Event:
        def record(self):
            self.at = clock["ms"]

        def synchronize(self):
            pass

    cupy = pytypes.SimpleNamespace(
        array=lambda a: np.array(a), asarray=np.asarray, asnumpy=np.asarray,
        cuda=pytypes.SimpleNamespace(Event=Event,
                                     get_elapsed_time=lambda s, e: e.at - s.at))
    monkeypatch.setitem(__import__("sys").modules, "cupy", cupy)
    monkeypatch.setattr(dsl, "_has_gpu", lambda: True)
    monkeypatch.setattr("tessera.runtime.gpu.device_target", lambda: "sm_90")
    costs = {128: 2.0, 64: 1.0, 32: None}

    def compile_(self, target, grid, num_warps=None, **constants):
        cost = costs[constants["BM"]]
        if cost is None:
            raise tessera.KernelError("too much shared memory")

        def run(*arrays):
            clock["ms"] += cost
        return run

    monkeypatch.setattr(dsl.Kernel, "compile", compile_)
    kernel = tessera.kernel.autotune(configs=[{"BM": 128}, {"BM": 64}, {"BM": 32}],
                                     key=["N"])(vector_add.fn)
    a = np.zeros(256, np.float32)
    kernel[(1,)](a, a, a.copy())
    assert kernel.best == {(256,): {"BM": 64}}
    results = kernel.tuning[(256,)]
    assert [r for _, r in results][:2] == [2.0, 1.0]
    assert results[2][1] == "pruned: too much shared memory"
    assert "1 pruned, 0 failed of 3; best 1.0000 ms {'BM': 64}" in capsys.readouterr().err
    # A later process (a new kernel object) reads the choice from the
    # cache, for any N in the same bucket (129..256), without timing.
    before = clock["ms"]
    again = tessera.kernel.autotune(configs=[{"BM": 128}, {"BM": 64}, {"BM": 32}],
                                    key=["N"])(vector_add.fn)
    b = np.zeros(200, np.float32)
    again[(1,)](b, b, b.copy())
    assert again.best == {(200,): {"BM": 64}}
    assert again.tuning[(200,)] == [({"BM": 64}, "from the cache")]
    assert clock["ms"] - before == 1.0  # the launch itself, nothing timed
    # A budget: once one configuration ran and the time is spent, the rest
    # are skipped.
    costs.update({128: 2.0, 64: 1.0, 32: 0.5})
    monkeypatch.setattr("time.monotonic", iter(range(0, 1000, 10)).__next__)
    budgeted = tessera.kernel.autotune(configs=[{"BM": 128}, {"BM": 64}, {"BM": 32}],
                                       key=["N"], budget_seconds=5)(vector_add.fn)
    c = np.zeros(1000, np.float32)
    budgeted[(1,)](c, c, c.copy())
    assert budgeted.best == {(1000,): {"BM": 128}}
    assert [r for _, r in budgeted.tuning[(1000,)]][1:] == ["skipped: past budget_seconds"] * 2
    with pytest.raises(ValueError, match="budget_seconds must be positive"):
        tessera.kernel.autotune(configs=[{"BM": 1}], budget_seconds=0)


def test_kernel_artifacts_keep_stages_and_use_the_disk_cache(tmp_path, monkeypatch):
    from tessera.compiler import compile_kernel_for_gpu
    from tessera.cache import ArtifactCache

    text = vector_add.mlir()
    cache = ArtifactCache(tmp_path)
    first = compile_kernel_for_gpu(text, "vector_add", "sm_90", cache=cache)
    assert first.stages == ["kernel", "tile", "target", "gpu"]
    assert first.mlir("kernel") == text
    assert "gpu.func" in first.mlir("gpu") or "gpu.module" in first.mlir("gpu")
    again = compile_kernel_for_gpu(text, "vector_add", "sm_90", cache=cache)
    assert again._path == first._path  # loaded from the cache entry
    assert again.ptx == first.ptx


def test_if_on_a_scalar(monkeypatch):
    text = first_block_doubles.mlir()
    assert re.search(r"%v\d+ = scf.if %v\d+ -> \(tensor<128xf32", text)
    assert "} else {" in text
    monkeypatch.setenv("TESSERA_INTERPRET", "1")
    x = np.arange(300, dtype=np.float32)
    y = np.zeros(300, np.float32)
    first_block_doubles(x, y)
    np.testing.assert_allclose(y, np.where(np.arange(300) < 128, 2 * x, x + 1))
    assert first_block_doubles.compile("sm_90").ptx


def test_if_on_a_tile_is_refused():
    def tile_if(x: Tensor["N", f32]):
        offs = tessera.program_id(0) * 128 + tessera.arange(0, 128)
        if x[offs] > 0.0:
            x[offs] = x[offs]
    with pytest.raises(tessera.KernelError, match=r"an if takes a scalar condition .* choose "
                                                  r"between tiles with tessera.where"):
        tessera.kernel(tile_if).mlir()


def test_softmax_rows(monkeypatch):
    from dsl_cases import softmax_rows, softmax_rows_reference

    text = softmax_rows.mlir(grid=(16,))
    assert "tessera_tile.reduce max" in text and "tessera_tile.reduce add" in text
    assert "0xFF800000" in text  # -inf past the bounds
    monkeypatch.setenv("TESSERA_INTERPRET", "1")
    x = np.random.default_rng(3).standard_normal((1000, 100)).astype(np.float32)
    y = np.full_like(x, np.nan)
    softmax_rows[(16,)](x, y)
    np.testing.assert_allclose(y, softmax_rows_reference(x.astype(np.float64), None),
                               rtol=1e-5, atol=1e-6)
    for target in ("sm_90", "gfx942"):
        assert softmax_rows.compile(target, grid=(16,)).binary


def test_reduction_forms():
    def flat_sum(x: Tensor["M", "N", f32]):
        v = x[0:64, 0:128]
        x[0:64, 0:128] = tessera.sum(v, axis=0, keepdims=True)
    with pytest.raises(tessera.KernelError, match=r"tessera.sum\(x, axis=1, keepdims=True\) "
                                                  r"reduces a matrix tile's rows"):
        tessera.kernel(flat_sum).mlir(grid=(1,))


def test_explicit_shared_memory(monkeypatch):
    from dsl_cases import matmul_shared

    text = matmul_shared.mlir(grid=(20,))
    assert text.count("tessera_tile.local_alloc : !tessera_tile.smem<") == 2
    assert re.search(r"tessera_tile.wait %v\d+, %v\d+\n", text)
    assert text.count("tessera_tile.barrier") == 2
    monkeypatch.setenv("TESSERA_INTERPRET", "1")
    rng = np.random.default_rng(4)
    a = rng.standard_normal((300, 136)).astype(np.float16)
    b = rng.standard_normal((136, 200)).astype(np.float16)
    c = np.full((300, 200), np.nan, np.float16)
    matmul_shared[matmul_grid(300, 200, 64, 64)](a, b, c)
    np.testing.assert_allclose(c.astype(np.float64), a.astype(np.float64) @ b, atol=4e-2,
                               rtol=4e-3)
    for target in ("sm_90", "gfx942"):
        assert matmul_shared.compile(target, grid=(20,)).binary


def _shared_kernel(missing: str):
    """The shared-memory matmul without one of its synchronizations."""
    def kernel(a: Tensor["M", "K", f16], c: Tensor["M", "K", f16]):
        As = tessera.shared.alloc[tessera.f16](64, 32)
        Bs = tessera.shared.alloc[tessera.f16](32, 64)
        acc = tessera.zeros((64, 64), tessera.f32)
        for k in tessera.range(0, 64, 32):
            if missing != "first barrier":
                tessera.barrier()
            tessera.copy_async(a[0:64, k:k + 32], As)
            tessera.copy_async(a[k:k + 32, 0:64], Bs)
            if missing != "wait":
                tessera.wait_group(0)
            if missing != "barrier":
                tessera.barrier()
            acc = tessera.dot(As, Bs, acc)
    return kernel


@pytest.mark.parametrize("missing, message", [
    ("barrier", r"race: the shared buffer allocated at line \d+ is read before the "
                r"tessera.barrier\(\) that publishes its copy"),
    # (found by the builder, which the interpreter runs first)
    ("wait", r"in kernel 'kernel': a tessera.copy_async in the loop's body is not waited "
             r"for \(tessera.wait_group\) before the iteration ends"),
    ("first barrier", r"race: tessera.copy_async overwrites the shared buffer allocated at "
                      r"line \d+, which was read since the last tessera.barrier\(\)"),
])
def test_interpreter_reports_races(missing, message, monkeypatch):
    monkeypatch.setenv("TESSERA_INTERPRET", "1")
    kernel = tessera.kernel(_shared_kernel(missing))
    a = np.ones((64, 64), np.float16)
    with pytest.raises(tessera.KernelError, match=r"test_kernel_dsl.py:\d+: " + message):
        kernel[(1,)](a, a.copy())


def test_shared_memory_errors():
    def never_waited(a: Tensor["M", "K", f16]):
        As = tessera.shared.alloc[tessera.f16](64, 32)
        tessera.copy_async(a[0:64, 0:32], As)
    with pytest.raises(tessera.KernelError, match=r"a tessera.copy_async is never waited for"):
        tessera.kernel(never_waited).mlir(grid=(1,))

    def swizzled(a: Tensor["M", "K", f16]):
        As = tessera.shared.alloc[tessera.f16](64, 32, swizzle="xor")
    with pytest.raises(tessera.KernelError, match=r"explicit shared buffers are padded, not "
                                                  r"swizzled .*: leave swizzle out"):
        tessera.kernel(swizzled).mlir(grid=(1,))

    def wrong_shape(a: Tensor["M", "K", f16]):
        As = tessera.shared.alloc[tessera.f16](64, 32)
        tessera.copy_async(a[0:64, 0:64], As)
        tessera.wait_group(0)
    with pytest.raises(tessera.KernelError, match=r"copies a box of a tensor into a shared "
                                                  r"buffer of its shape and dtype"):
        tessera.kernel(wrong_shape).mlir(grid=(1,))


def test_autotuned_launch_gives_all_values_or_none(monkeypatch):
    monkeypatch.setenv("TESSERA_INTERPRET", "1")
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "kernels"))
    import matmul as example

    a = np.ones((64, 32), np.float16)
    b = np.ones((32, 64), np.float16)
    c = np.zeros((64, 64), np.float16)
    with pytest.raises(TypeError, match=r"the launch sets \['BLOCK_M'\] of the autotuned "
                                        r"parameters .*; give all of them"):
        example.matmul[(1,)](a, b, c, BLOCK_M=128)
    # All of them: that configuration, no tuning (nothing recorded).
    example.matmul[(1,)](a, b, c, BLOCK_M=128, BLOCK_N=128, BLOCK_K=32, num_stages=3,
                         GROUP_M=8)
    assert np.all(c == 32) and not example.matmul.tuning


@pytest.mark.parametrize("bm, bk, warps, wgmma", [
    (128, 64, 8, True),    # 64 rows per warpgroup, 128-byte K
    (128, 32, 8, False),   # K of 64 bytes: no 128-byte swizzle
    (128, 64, 4, False),   # 128 rows on one warpgroup
    (64, 64, 4, True),
])
def test_dots_fit_wgmma_on_hopper_only(bm, bk, warps, wgmma):
    @tessera.kernel(num_warps=warps)
    def mm(a: Tensor["M", "K", f16], b: Tensor["K", "N", f16], c: Tensor["M", "N", f16],
           BM: tessera.constexpr, BK: tessera.constexpr):
        m0 = tessera.program_id(0) * BM
        acc = tessera.zeros((BM, 128), tessera.f32)
        for k in tessera.range(0, a.shape[1], BK, stages=3):
            acc = tessera.dot(a[m0:m0 + BM, k:k + BK], b[k:k + BK, 0:128], acc)
        c[m0:m0 + BM, 0:128] = acc

    hopper = mm.mlir(grid=(2,), target="sm_90", BM=bm, BK=bk)
    assert ("kind = wgmma" in hopper) == wgmma
    assert ("tessera_target.tensor_map" in hopper) == wgmma
    assert "kind = mma_sync" in hopper  # the variant where the maps do not encode
    assert "wgmma" not in mm.mlir(grid=(2,), target="sm_80", BM=bm, BK=bk)

