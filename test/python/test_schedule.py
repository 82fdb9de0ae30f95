"""tessera.Schedule: fields checked when built, the config text, schedule=
by kernel kind and by kernel name."""

import pytest

import tessera
from tessera import Tensor, f16, f32
from tessera.schedule import Schedule


def test_config_text():
    s = Schedule(tile=(128, 256, 64), warps=8, stages=3, swizzle=16, mma="wgmma", split_k=4)
    assert s.config() == ("tile = [128, 256, 64], warps = 8, stages = 3, swizzle = 16, "
                          "mma = wgmma, split_k = 4")
    assert str(Schedule(tile=[1024])) == "tile = [1024], warps = 4, stages = 1"
    assert Schedule(tile=(128, 256, 64), warps=8, stages=3, mma="wgmma",
                    producer_warps=4).config() == (
        "tile = [128, 256, 64], warps = 8, stages = 3, mma = wgmma, producer_warps = 4")
    assert Schedule(tile=[1, 2]).tile == (1, 2)
    assert Schedule(tile=(128, 256, 64), mma="wgmma", split_k="auto").config().endswith(
        "mma = wgmma, split_k = auto")


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(tile=64), TypeError, r"tile must be a tuple of ints, got 64"),
    (dict(tile=()), ValueError, r"tile must be positive ints, got \(\)"),
    (dict(tile=(64, 0)), ValueError, r"tile must be positive ints, got \(64, 0\)"),
    (dict(tile=(64, True)), ValueError, r"tile must be positive ints"),
    (dict(tile=(64,), warps=2.0), TypeError, r"warps must be an int, got 2.0"),
    (dict(tile=(64,), stages=0), ValueError, r"stages must be at least 1, got 0"),
    (dict(tile=(64,), split_k=-1), ValueError, r"split_k must be at least 1, got -1"),
    (dict(tile=(64,), split_k="many"), TypeError, r"split_k must be an int or 'auto', "
                                                  r"got 'many'"),
    (dict(tile=(64,), producer_warps=2), ValueError,
     r"producer_warps must be 0 \(no producer\) or 4 \(a warpgroup\), got 2"),
    (dict(tile=(64,), mma="tensor"), ValueError,
     r"mma must be one of none, mma_sync, wgmma, mfma; got 'tensor'"),
])
def test_fields_checked(kwargs, error, match):
    with pytest.raises(error, match=match):
        Schedule(**kwargs)


def mlp():
    @tessera.function
    def f(x: Tensor["S", 64, f16], w: Tensor[64, "F", f16]) -> Tensor["S", "F", f16]:
        return tessera.softmax(x @ w, dim=1)
    return f


def test_by_kind_and_name():
    art = tessera.compile(mlp(), target="sm_90", use_cache=False, schedule={
        "matmul": tessera.Schedule(tile=(128, 128, 64), warps=4, stages=3, mma="mma_sync",
                                   split_k=2, swizzle=4),
        "k1": tessera.Schedule(tile=(1, 1024), warps=4),
    })
    text = art.mlir("schedule")
    assert ("#tessera_schedule.config<tile = [128, 128, 64], warps = 4, stages = 3, "
            "swizzle = 4, mma = mma_sync, split_k = 2>") in text
    assert "#tessera_schedule.config<tile = [1, 1024], warps = 4, stages = 1>" in text
    # The split matmul: its kernel, the slices' sum, then the softmax.
    kernels = [k["name"] for k in art.plan["kernels"]]
    assert [k.split("_", 2)[-1] for k in kernels] == ["matmul_mma", "matmul_splitk", "row"]


def test_name_wins_over_kind_and_strings_accepted():
    art = tessera.compile(mlp(), target="sm_90", use_cache=False, schedule={
        "softmax": "tile = [1, 512], warps = 2, stages = 1",
        "k1": tessera.Schedule(tile=(1, 256), warps=8),
    })
    assert "#tessera_schedule.config<tile = [1, 256], warps = 8, stages = 1>" in \
        art.mlir("schedule")


def test_unknown_keys_and_bad_values():
    with pytest.raises(ValueError, match=r"schedule= names \['k7', 'layer_norm'\], but the "
                                         r"program's kernels are \['k0', 'k1', 'matmul', "
                                         r"'softmax'\]"):
        tessera.compile(mlp(), target="sm_90", use_cache=False,
                        schedule={"layer_norm": Schedule(tile=(1, 64)),
                                  "k7": Schedule(tile=(1, 64))})
    with pytest.raises(TypeError, match=r"schedule\['matmul'\] must be a tessera.Schedule or "
                                        r"a config string, got tuple"):
        tessera.compile(mlp(), target="sm_90", use_cache=False, schedule={"matmul": (1, 2)})
    with pytest.raises(TypeError, match=r"schedule= must be a dict"):
        tessera.compile(mlp(), target="sm_90", use_cache=False, schedule=[1])


def test_split_k_refused_where_it_does_not_apply():
    # softmax rows spread over clusters (sm_90), not on a chip without them
    with pytest.raises(Exception, match=r"split_k = 2, which spreads each row over a cluster of "
                                        r"that many blocks, but sm_80 has no clusters"):
        tessera.compile(mlp(), target="sm_80", use_cache=False,
                        schedule={"softmax": Schedule(tile=(1, 512), warps=2, split_k=2)})

    @tessera.function
    def scaled(x: Tensor["S", 64, f32]) -> Tensor["S", 64, f32]:
        return tessera.exp(x)

    with pytest.raises(Exception, match=r"split_k = 2, which splits the K loop of matmul kernels, "
                                        r"the rows of column kernels and the rows of row kernels only"):
        tessera.compile(scaled, target="sm_90", use_cache=False,
                        schedule={"elementwise": Schedule(tile=(1024,), warps=4, split_k=2)})


def test_row_classes_launch_one_config_per_number_of_rows():
    """The Hopper default of a matmul has row classes (decode shapes): each
    class's kernels launch only for the rows M of its class, the default's
    above the last bound; a split's second kernel only where its class runs
    and splits. One artifact, every M."""
    @tessera.function
    def gemm(a: Tensor["M", "K", f16], b: Tensor["K", "N", f16]) -> Tensor["M", "N", f16]:
        return a @ b

    art = tessera.compile(gemm, target="sm_90", use_cache=False)
    assert ("row_classes = #tessera_schedule.row_classes<max_rows = [16, 64]"
            in art.mlir("schedule"))
    kernels = art.plan["kernels"]
    assert [k["name"] for k in kernels] == [
        "gemm_k0_matmul_wgmma", "gemm_k1_matmul_wgmma", "gemm_k2_matmul_wgmma",
        "gemm_k3_matmul_splitk"]
    from tessera.runtime.plan import compile_extent

    def launched(m, n=8192, k=8192):
        sizes = {"M": m, "K": k, "N": n, "multiprocessors": 132}
        return [kk["name"].split("_k", 1)[1] for kk in kernels
                if compile_extent(kk["grid"][0])(sizes) > 0]
    # (kernel k0 the default, 128x256 tiles; k1 M <= 16, 64x256; k2 M <= 64,
    # 64x64; k3 the sum of the slices of whichever split)
    assert launched(1) == ["1_matmul_wgmma", "3_matmul_splitk"]  # 32 tiles: K in 4
    assert launched(16) == ["1_matmul_wgmma", "3_matmul_splitk"]
    assert launched(17) == ["2_matmul_wgmma"]  # 128 tiles of 64x64: no split
    assert launched(64) == ["2_matmul_wgmma"]
    assert launched(65) == ["0_matmul_wgmma", "3_matmul_splitk"]  # 32 tiles: K in 4
    assert launched(256) == ["0_matmul_wgmma", "3_matmul_splitk"]  # 64 tiles: in 2
    assert launched(257) == ["0_matmul_wgmma"]  # 96 tiles
    assert launched(4096) == ["0_matmul_wgmma"]
    assert launched(0) == []  # nothing to launch
    # The matmul's flops are the launched config's kernel's alone.
    for m in (1, 17, 4096):
        sizes = {"M": m, "K": 8192, "N": 8192, "multiprocessors": 132}
        flops = [compile_extent(kk["flops"])(sizes) if kk.get("flops") else 0
                 for kk in kernels]
        assert sum(flops) == 2 * m * 8192 * 8192 and flops.count(0) == 3, (m, flops)
    # A schedule given by hand holds at every M.
    art = tessera.compile(gemm, target="sm_90", use_cache=False,
                          schedule={"matmul": Schedule(tile=(128, 128, 64), warps=8, stages=3,
                                                       mma="wgmma")})
    assert "row_classes" not in art.mlir("schedule")
    assert [k["name"] for k in art.plan["kernels"]] == ["gemm_k0_matmul_wgmma"]


def test_split_k_auto_is_chosen_at_launch():
    """The Hopper default: the slices of K are the plan's expression over
    the device's multiprocessors; the sum's kernel has an empty grid where
    the launch does not split."""
    @tessera.function
    def gemm(a: Tensor["M", "K", f16], b: Tensor["K", "N", f16]) -> Tensor["M", "N", f16]:
        return a @ b

    # The default's config alone (a schedule given by hand: no row classes).
    default = Schedule(tile=(128, 256, 64), warps=8, stages=3, swizzle=16, mma="wgmma",
                       split_k="auto")
    art = tessera.compile(gemm, target="sm_90", use_cache=False,
                          schedule={"matmul": default})
    assert "split_k = auto" in art.mlir("schedule")
    assert "row_classes" not in art.mlir("schedule")
    main, reduce = art.plan["kernels"]
    assert reduce["name"].endswith("matmul_splitk")
    from tessera.runtime.plan import compile_extent

    def launch(m, n, k, sms=132):
        sizes = {"M": m, "K": k, "N": n, "multiprocessors": sms}
        slices = compile_extent(main["grid"][0])(sizes) // (-(-m // 128) * -(-n // 256))
        return slices, compile_extent(reduce["grid"][0])(sizes)
    # Decode (M = 16, 32 tiles of 128 x 256): 4 slices of K, summed.
    assert launch(16, 8192, 8192) == (4, 8192 // 128 * 2)
    # Enough tiles for every multiprocessor: one slice, no second kernel.
    assert launch(4096, 4096, 4096) == (1, 0)
    # Short K: at least 16 steps of 64 per slice (777: 13 steps, no split).
    assert launch(1000, 999, 777) == (1, 0)
    assert launch(64, 8192, 2048) == (2, 8192 // 128 * 8)  # 32 steps: 2 slices
    sizes = {"M": 0, "K": 777, "N": 999, "multiprocessors": 132}
    assert compile_extent(main["grid"][0])(sizes) == 0  # nothing to launch
    assert compile_extent(reduce["grid"][0])(sizes) == 0

