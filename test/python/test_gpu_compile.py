"""Graph IR compiled for GPUs (no GPU needed): every correctness case of
test/gpu/cases.py compiles to PTX with a launch plan (with its schedule, as
the device run's artifacts are built), and to an AMDGPU ELF for gfx942 (with
the default schedules: the cases' schedules ask for NVIDIA's wgmma). The
GPU run itself is test/gpu/run_kernels.py on the device."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "gpu"))

from cases import CASES, SCHEDULES  # noqa: E402
from tessera import ir  # noqa: E402
from tessera.compiler import compile_graph_for_gpu, compile_target_ir_for_gpu  # noqa: E402
from tessera.runtime import gpu as runtime  # noqa: E402


def _compile(source, target, schedule=None):
    with ir.Context():
        module = ir.Module.parse(source)
        if schedule == "target-ir":
            return compile_target_ir_for_gpu(module, target)
        return compile_graph_for_gpu(module, target, schedule=schedule)


@pytest.mark.parametrize("name", sorted(CASES))
def test_ptx_and_plan(name, tmp_path):
    source, shapes, dtypes, _, out_dtype = CASES[name]
    art = _compile(source, "sm_90", SCHEDULES.get(name))
    ptx = art.binary.decode()
    # (no external functions left to link; the dynamic shared memory is
    # an extern array)
    assert ".target sm_90" in ptx and ".extern .func" not in ptx
    for kernel in art.plan["kernels"]:
        assert f".entry {kernel['name']}(" in ptx
    # The plan loads in the runtime and binds the case's shapes.
    program = runtime.load(art.save(tmp_path / name))
    import numpy as np

    arrays = [np.zeros(s, d) for s, d in zip(shapes, dtypes)]
    sizes = program.bind(arrays)
    for _, dims, dtype in program._outputs:
        assert all(n > 0 for n in program._shape(dims, sizes))
        assert dtype == np.dtype(out_dtype)


#: Cases written for NVIDIA's 32-lane warps: their tile encodings pin 32
#: lanes, which an AMD wave64 chip refuses by name.
WARP32_ONLY = {"tile_ir_column_sum_squares", "tile_ir_transpose"}
#: Cases that split a block's warps into groups, which needs NVIDIA's named
#: barriers: refused by name on AMD.
NVIDIA_ONLY = {"tile_ir_warp_specialized"}


@pytest.mark.parametrize("name", sorted(set(CASES) - WARP32_ONLY - NVIDIA_ONLY))
def test_hsaco_is_amdgpu_elf(name):
    schedule = SCHEDULES.get(name)
    art = _compile(CASES[name][0], "gfx942", schedule if schedule == "target-ir" else None)
    assert art.binary[:4] == b"\x7fELF"
    assert int.from_bytes(art.binary[18:20], "little") == 224  # EM_AMDGPU


@pytest.mark.parametrize("name", sorted(WARP32_ONLY))
def test_warp32_tiles_are_refused_on_wave64(name):
    with pytest.raises(Exception, match=r"whose threads hold 32 lanes, but a warp of the chip has 64"):
        _compile(CASES[name][0], "gfx942", SCHEDULES.get(name))


@pytest.mark.parametrize("name", sorted(NVIDIA_ONLY))
def test_warp_groups_are_refused_on_amd(name):
    with pytest.raises(Exception, match=r"needs named barriers .*chip 'gfx942' has only the whole block's"):
        _compile(CASES[name][0], "gfx942", SCHEDULES.get(name))


def test_unsupported_op_is_a_diagnostic():
    # (stochastic rounding in a reduction's prologue, the one place the GPU
    # lowering refuses it, is reachable only in kernels written by hand:
    # test/lit/Conversion/ScheduleToTile/unsupported.mlir)
    source = """
func.func @main(%a: tensor<8x16xf32>) -> tensor<8xbf16> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [1, 2048], warps = 8, stages = 1>(%a) : (tensor<8x16xf32>) -> tensor<8xbf16> {
  ^bb0(%x: tensor<8x16xf32>):
    %c = tessera_graph.cast %x rounding = stochastic : tensor<8x16xf32> -> tensor<8x16xbf16>
    %s = tessera_graph.reduce sum %c dims = [1] : tensor<8x16xbf16> -> tensor<8xbf16>
    tessera_schedule.yield %s : tensor<8xbf16>
  }
  return %r : tensor<8xbf16>
}"""
    with pytest.raises(Exception, match="'tessera_graph.cast' op rounds stochastically, which the "
                                        "GPU lowering supports only for elementwise ops outside "
                                        "reduction prologues"):
        _compile(source, "sm_90")


@pytest.mark.parametrize("chip", ["sm_90", "gfx942"])
def test_results_returned_as_they_are_get_buffers_of_their_own(chip):
    """An argument and a constant returned as they are, and a value returned
    twice: a copy kernel each, so every output of the plan is a buffer of
    its own (the device run: run_kernels.py's outputs_returned_as_is)."""
    source = """
func.func @main(%x: tensor<?x?xf32>) -> (tensor<?x?xf32>, tensor<2x3xf32>, tensor<?x?xf32>, tensor<?x?xf32>) {
  %c = tessera_graph.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %y = tessera_graph.exp %x : tensor<?x?xf32>
  return %x, %c, %y, %y : tensor<?x?xf32>, tensor<2x3xf32>, tensor<?x?xf32>, tensor<?x?xf32>
}"""
    plan = _compile(source, chip).plan
    assert [o["name"] for o in plan["outputs"]] == ["out0", "out1", "out2", "out3"]
    assert len(plan["kernels"]) == 4  # exp, and copies of x, c and the second y
    assert plan["outputs"][1]["dims"] == [2, 3]


@pytest.mark.parametrize("chip", ["sm_90", "sm_80", "gfx942"])
def test_stochastic_rounding_of_reductions_compiles_everywhere(chip):
    """Reductions whose outputs round stochastically (row kernels: softmax,
    the norms, reduce over trailing dims; column kernels: reduce over
    leading dims), and attention, hash each output element's indices (the device run
    compares the values with the CPU path's: test/gpu/f8_casts_gpu.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "f8_casts_gpu", Path(__file__).resolve().parents[1] / "gpu" / "f8_casts_gpu.py")
    f8 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(f8)
    for name, (body, _, _, result) in f8.SR_REDUCTIONS.items():
        artifact = _compile(f8._sr_reduction_source(body, result), chip)
        assert artifact.binary, name
    # and attention's output (wgmma, mma_sync or SIMT by chip)
    assert _compile(f8._sr_attention_source(), chip).binary


def test_stochastic_rounding_in_matmul_epilogues_compiles_everywhere():
    """A matmul whose result is rounded stochastically: the epilogue hashes
    each output element's indices (the device run compares the values with
    the CPU path's: test/gpu/f8_casts_gpu.py)."""
    source = """
func.func @main(%a: tensor<?x?xf16>, %b: tensor<?x?xf16>) -> tensor<?x?xbf16> {
  %m = tessera_graph.matmul %a, %b out = f32 : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf32>
  %c = tessera_graph.cast %m rounding = stochastic : tensor<?x?xf32> -> tensor<?x?xbf16>
  return %c : tensor<?x?xbf16>
}"""
    # (on sm_90 the default's row classes too: K split at launch there)
    hopper = ["main_k0_matmul_wgmma", "main_k1_matmul_wgmma", "main_k2_matmul_wgmma",
              "main_k3_matmul_splitk"]
    for chip, kernels in (("sm_90", hopper), ("sm_80", ["main_k0_matmul_mma"]),
                          ("gfx942", ["main_k0_matmul"])):
        art = _compile(source, chip)
        assert [k["name"] for k in art.plan["kernels"]] == kernels, chip


def test_matmul_and_attention_use_tensor_cores():
    """f16 matmul and attention on tensor cores: on sm_80 mma.sync with
    ldmatrix and cp.async in the PTX; on sm_90 wgmma, and no mma.sync."""
    for name in ("matmul_bias_gelu_f16_tc", "attention_f16_d64_causal",
                 "attention_f16_d128_cross"):
        for chip in ("sm_80", "sm_90"):
            ptx = _compile(CASES[name][0], chip).binary.decode()
            if chip == "sm_90":
                assert "wgmma.mma_async.sync.aligned" in ptx, name
                # (no mma.sync program without TMA: the GEMM's is SIMT, the
                # attention has none; the runtime copies inputs TMA cannot
                # address into aligned rows)
                assert "mma.sync" not in ptx, name
                continue
            assert "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32" in ptx, name
            assert "ldmatrix.sync.aligned.m8n8.x4" in ptx and "cp.async" in ptx, name


def test_illegal_schedule_fails_at_compile_time():
    source = """
func.func @main(%a: tensor<64xf32>) -> tensor<64xf32> {
  %r = tessera_schedule.kernel #tessera_schedule.config<tile = [4096], warps = 64, stages = 1>(%a) : (tensor<64xf32>) -> tensor<64xf32> {
  ^bb0(%x: tensor<64xf32>):
    %e = tessera_graph.exp %x : tensor<64xf32>
    tessera_schedule.yield %e : tensor<64xf32>
  }
  return %r : tensor<64xf32>
}"""
    with pytest.raises(Exception, match=r"warps \(64\) must be a power of two in \[1, 32\]"):
        _compile(source, "sm_90")


#: The cases of elementwise kernels that move elements (Indexed.cpp): their
#: programs and references are checked on the CPU path here, so that the
#: device run compares the GPU with references known to be right.
MOVING = ["transpose_bshd_f16", "transpose_2d_f16", "transpose_201_f32", "transpose_scale_f32", "slice_strided_f32",
          "reshape_heads_f16", "concat_f32", "embedding_take_f16", "take_columns_f32",
          "broadcast_to_f32", "where_compare_f16", "dropout_f32", "argmax_rows_f16",
          "argmin_scaled_keepdim_f32", "cumsum_rows_f16", "cumsum_middle_f32",
          "cumsum_leading_i32", "sum_middle_f32", "max_rows_i32",
          "mean_middle_keepdim_f16", "softmax_leading_f16", "log_softmax_scaled_leading_f32",
          "scalars_f16_f32", "dense_constant_f32", "concat_rows_f16", "concat_middle_f16",
          "concat_vectors_f16", "concat_exp_f32"]


@pytest.mark.parametrize("name", MOVING)
def test_moving_cases_on_the_cpu_path(name):
    import numpy as np
    from cases import random_input, tolerance
    from tessera.cpu import CPUModule

    source, shapes, dtypes, reference, out_dtype = CASES[name]
    rng = np.random.default_rng(len(name))
    host = [random_input(rng, s, d) for s, d in zip(shapes, dtypes)]
    with ir.Context():
        got = np.asarray(CPUModule(source)("main", *host), np.float64)
    ref = np.asarray(reference(*[h.astype(np.float64) for h in host]))
    atol, rtol = tolerance(name, out_dtype)
    assert got.shape == ref.shape
    assert np.all(np.abs(got - ref) <= atol + rtol * np.abs(ref))


@pytest.mark.parametrize("target", ["sm_90", "gfx942"])
def test_f8_casts_compile(target):
    """f8 casts (the software conversions of the CPU path, in integer
    arithmetic) compile for GPUs; the device run is
    test/gpu/f8_casts_gpu.py, value for value against the CPU path."""
    from f8_casts_gpu import CASTS, _source

    for name, (src, dst, attrs) in CASTS.items():
        art = _compile(_source(src, dst, attrs), target)
        dtypes = [art.plan["inputs"][0]["dtype"], art.plan["outputs"][0]["dtype"]]
        assert dtypes == [src, dst], name


@pytest.mark.parametrize("chip", ["sm_90", "sm_80", "gfx942"])
def test_attention_on_bshd_tensors_is_one_kernel(chip):
    """Attention written on [B, S, H, D] tensors with transposes of the
    middle dims around it (docs/python.md) compiles to one attention
    kernel on every target: the kernel reads and writes the buffers through
    strides (on sm_90, tensor maps with strides in the plan)."""
    import tessera as ts
    from tessera import Tensor, f16
    from tessera.compiler import compile as compile_fn

    @ts.function
    def bshd(q: Tensor["B", "S", "H", 64, f16], k: Tensor["B", "S", "H", 64, f16],
             v: Tensor["B", "S", "H", 64, f16]):
        return ts.attention(q.transpose(0, 2, 1, 3), k.transpose(0, 2, 1, 3),
                            v.transpose(0, 2, 1, 3), causal=True).transpose(0, 2, 1, 3)

    artifact = compile_fn(bshd, target=chip)
    (kernel,) = artifact.plan["kernels"]
    assert "attention" in kernel["name"]
    assert artifact.plan["outputs"][0]["dims"] == ["B", "S", "H", 64]
    if chip == "sm_90":
        assert [m.get("strides") for m in artifact.plan["tensor_maps"]] == [
            ["(S * (H * 64))", "64", "(H * 64)", "1"]] * 3
