"""The @tessera.kernel programs of the GPU cases (test/gpu/dsl_cases.py,
which include examples/kernels/) in the interpreter against float64, and
the examples compiled for Hopper, Ampere and CDNA3; and the errors of the
constructs the examples use."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import tessera
from tessera import Tensor, constexpr, f16, f32

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "test" / "gpu"))
sys.path.insert(0, str(ROOT / "examples" / "kernels"))

from dsl_cases import DSL_CASES  # noqa: E402


@pytest.mark.parametrize("name", sorted(DSL_CASES))
def test_case_in_the_interpreter(name, monkeypatch):
    monkeypatch.setenv("TESSERA_INTERPRET", "1")
    kernel, constants, shapes, dtypes, written, reference, (atol, rtol) = DSL_CASES[name]
    constants = dict(constants)
    grid = constants.pop("grid", None)
    rng = np.random.default_rng(1)
    host = [rng.standard_normal(s).astype(d) for s, d in zip(shapes, dtypes)]
    host[written][...] = np.nan
    ref = np.asarray(reference(*[h.astype(np.float64) for h in host]))
    if grid is None:
        kernel(*host, **constants)
    else:
        kernel[grid](*host, **constants)
    got = host[written].astype(np.float64)
    assert np.all(np.abs(got - ref) <= atol + rtol * np.abs(ref)), name


@pytest.mark.parametrize("module", ["vector_add", "softmax", "layer_norm", "matmul",
                                    "attention"])
def test_examples_run(module, monkeypatch, capsys):
    monkeypatch.setenv("TESSERA_INTERPRET", "1")
    __import__(module).main()
    assert "error" in capsys.readouterr().out


@pytest.mark.parametrize("target", ["sm_90a", "sm_80", "gfx942"])
def test_examples_compile(target):
    import attention
    import layer_norm
    import matmul
    import softmax
    import vector_add

    amd = target.startswith("gfx")
    assert vector_add.vector_add.compile(target).binary
    assert softmax.softmax.compile(target, grid=(4,), BN=128).binary
    assert layer_norm.layer_norm.compile(target, grid=(4,), BN=128).binary
    assert matmul.matmul.compile(target, grid=(4,), BLOCK_M=128, BLOCK_N=128, BLOCK_K=32,
                                 num_stages=3, GROUP_M=8).binary
    # Hopper: a configuration that fits wgmma is built twice, TMA copies
    # and wgmma under the tensor maps' valid flags, else mma.sync.
    # (Elsewhere it is mma.sync or mfma alone; 128 x 128 on CDNA3's 64 KiB.)
    hopper = matmul.matmul.compile(target, grid=(4,), BLOCK_M=128, BLOCK_N=128 if amd else 256,
                                   BLOCK_K=64, num_stages=4 if target == "sm_90a" else 1,
                                   GROUP_M=8, num_warps=8)
    kernel = hopper.mlir("kernel")
    if target == "sm_90a":
        assert kernel.count("tessera_target.tensor_map") == 2
        assert "kind = wgmma, m = 64, n = 256" in kernel and "kind = mma_sync" in kernel
        assert "wgmma.mma_async" in hopper.ptx and "cp.async.bulk.tensor" in hopper.ptx
    else:
        assert "tensor_map" not in kernel and "wgmma" not in kernel
    # (CDNA3's 64 KiB of shared memory: smaller key blocks, one stage)
    extra = {"BN": 32, "STAGES": 1} if amd else {}
    art = attention.attention.compile(target, grid=(2, 3), D=64, causal=True, **extra)
    assert art.binary
    if not amd:
        # P from registers: the accumulator's layout is mma.sync's a.
        assert "tessera_tile.convert_layout" in art.mlir("kernel")
        assert "tessera_tile.trans" in art.mlir("kernel")


def _error(fn, match, grid=(1,), **constants):
    with pytest.raises(tessera.KernelError, match=match):
        tessera.kernel(fn).mlir(grid=grid, **constants)


def test_vector_and_broadcast_errors():
    def bad_broadcast(x: Tensor["M", "N", f32]):
        t = tessera.load(x[0:64, 0:64])
        x[0:64, 0:64] = t + tessera.arange(0, 64)[1:2, None]
    _error(bad_broadcast, r"an arange is made a column with r\[:, None\] and a row with "
                          r"r\[None, :\]")

    def reduce_vector(x: Tensor["M", "N", f32]):
        t = tessera.sum(tessera.load(x[0:64, 0:64]), axis=1, keepdims=True)
        x[0:64, 0:64] = tessera.sum(t, axis=1, keepdims=True)
    _error(reduce_vector, r"tessera.sum reduces an \(R, C\) matrix tile, not a 64x1 vector")

    def mismatch(x: Tensor["M", "N", f32]):
        t = tessera.load(x[0:64, 0:64])
        x[0:64, 0:64] = t + tessera.load(x[0:64, 0:32])
    _error(mismatch, r"tiles of shapes 64x64 and 64x32 do not broadcast")


def test_cast_trans_dot_errors():
    def f16_to_bf16(x: Tensor["M", "N", f16]):
        x[0:64, 0:64] = tessera.cast(tessera.cast(tessera.load(x[0:64, 0:64]), tessera.bf16),
                                     tessera.f16)
    _error(f16_to_bf16, r"tessera.cast from f16 to bf16: go through tessera.f32")

    def trans_tile(x: Tensor["M", "N", f16]):
        t = tessera.load(x[0:64, 0:64])
        x[0:64, 0:64] = tessera.dot(t, tessera.trans(t), tessera.zeros((64, 64), tessera.f32))
    _error(trans_tile, r"tessera.trans takes a box of a tensor or a shared buffer")

    def f32_operand(x: Tensor["M", "N", f16]):
        s = tessera.dot(x[0:64, 0:64], x[0:64, 0:64], tessera.zeros((64, 64), tessera.f32))
        x[0:64, 0:64] = tessera.dot(s, x[0:64, 0:64], s)
    _error(f32_operand, r"tessera.dot takes f16 or bf16 operands of one type, got f32 and "
                        r"f16 \(tessera.cast first\)")


def test_grid_and_bounds_errors():
    def needs_grid(x: Tensor["N", f32]):
        offs = tessera.program_id(1) * 128 + tessera.arange(0, 128)
        x[offs] = x[offs]
    with pytest.raises(tessera.KernelError, match=r"reads program_id\(1\) or \(2\): launch it "
                                                  r"on an explicit grid"):
        tessera.kernel(needs_grid).mlir()
    _error(needs_grid, r"program_id\(1\) in a launch on the 1-d grid \(1,\)")

    def other_store(a: Tensor["N", f32], b: Tensor["M", f32]):
        idx = tessera.program_id(0) * tessera.block_size(0) + tessera.thread_id(0)
        if idx < a.shape[0]:
            b[idx] = a[idx]
    _error(other_store, r"under `if offs < t.shape\[0\]:` \(a dim 'N'\) the stores are at "
                        r"offs into tensors of that dim")

    def tile_if(a: Tensor["N", f32]):
        idx = tessera.program_id(0) * 128 + tessera.arange(0, 128)
        if a[idx] > 0.0:
            a[idx] = a[idx]
    _error(tile_if, r"an if takes a scalar condition .* or the bounds check")
    with pytest.raises(ValueError, match=r"a grid is one to three positive sizes"):
        tessera.kernel(tile_if).mlir(grid=(1, 1, 1, 1))


def test_static_dims_and_symbols_are_checked_at_launch(monkeypatch):
    monkeypatch.setenv("TESSERA_INTERPRET", "1")

    @tessera.kernel
    def copy(x: Tensor["M", "D", f32], y: Tensor["M", "D", f32], D: constexpr):
        r0 = tessera.program_id(0) * 64
        y[r0:r0 + 64, 0:D] = tessera.load(x[r0:r0 + 64, 0:D])
    x = np.ones((64, 32), np.float32)
    with pytest.raises(ValueError, match=r"argument 'x' has shape \(64, 32\); its dim 1 is "
                                         r"D = 16"):
        copy[(1,)](x, x.copy(), D=16)
    with pytest.raises(ValueError, match=r"dim 'M' is 64 in 'x' but 32 in 'y'"):
        copy[(1,)](x, np.ones((32, 32), np.float32), D=32)
    # D fixed at compile time: the views' strides are constants.
    assert "strided<[32, 1]>" in copy.mlir(grid=(1,), D=32)


def test_tessera_compile_takes_kernels():
    import softmax

    art = tessera.compile(softmax.softmax, target="sm_90", grid=(4,), BN=128)
    assert art.stages == ["kernel", "tile", "target", "gpu"]
    assert "tessera_tile.reduce" in art.mlir("kernel")
    with pytest.raises(ValueError, match=r"on the CPU it runs in the interpreter"):
        tessera.compile(softmax.softmax, BN=128)
    with pytest.raises(ValueError, match=r"schedule= applies to @tessera.function programs"):
        tessera.compile(softmax.softmax, target="sm_90", schedule={"matmul": "x"}, BN=128)
