"""TMA tensor maps in the GPU runtime, without a GPU: how the plan's maps
are checked and parsed, which buffers TMA cannot address (the kernels then
take their path without TMA), and the arguments passed to the driver's
cuTensorMapEncodeTiled (a stand-in records them). The device run is
test/gpu/run_kernels.py (the wgmma cases check that TMA ran, or did not)."""

import ctypes

import numpy as np
import pytest

from tessera.runtime import gpu

MAP = {"name": "tm0", "memref": "a", "dtype": "f16", "dims": ["1", "M", "K"],
       "box": [1, 128, 64], "swizzle": 128, "oob_zero": True}


def plan(maps=(MAP,), params=({"memref": "a"}, {"tensor_map": "tm0"},
                              {"tensor_map_valid": "tm0"})):
    return {"format": 1, "entry": "main", "vendor": "nvidia", "binary": "kernels.ptx",
            "inputs": [{"name": "a", "dims": ["M", "K"], "dtype": "f16"}],
            "outputs": [], "tensor_maps": list(maps),
            "kernels": [{"name": "k", "params": list(params), "abi": "bare",
                         "grid": ["1", "1", "1"], "block": [128, 1, 1]}]}


@pytest.fixture
def encoder(monkeypatch):
    """Records the driver calls; fills the map with a recognisable pattern."""
    calls = []

    def encode(out, dtype, rank, address, dims, strides, box, element_strides,
               interleave, swizzle, l2, oob):
        calls.append(dict(dtype=dtype, rank=rank, address=address,
                          dims=list(dims[:rank]), strides=list(strides[:max(rank - 1, 1)]),
                          box=list(box[:rank]), element_strides=list(element_strides[:rank]),
                          interleave=interleave, swizzle=swizzle, l2=l2, oob=oob))
        ctypes.memset(out, 0xAB, 128)
        return 0

    monkeypatch.setattr(gpu, "_TMA_ENCODE", [encode])
    return calls


def test_encodes_row_major_maps_innermost_first(encoder):
    host = gpu.encode_tensor_map(0x7F0000001000, "f16", (3, 1000, 776), (1, 128, 64))
    assert host.dtype == np.uint8 and host.shape == (128,) and (host == 0xAB).all()
    (call,) = encoder
    # CUDA counts dims innermost first; strides are bytes of dims 1.. .
    assert call["dims"] == [776, 1000, 3] and call["strides"] == [776 * 2, 776 * 1000 * 2]
    assert call["box"] == [64, 128, 1] and call["element_strides"] == [1, 1, 1]
    assert (call["dtype"], call["rank"], call["swizzle"], call["interleave"],
            call["oob"]) == (6, 3, 3, 0, 0)  # FLOAT16, 128B swizzle, zero fill
    gpu.encode_tensor_map(0x1000, "bf16", (64, 8), (64, 64), swizzle=0, oob_zero=False,
                          l2promo=128)
    assert (encoder[-1]["dtype"], encoder[-1]["swizzle"], encoder[-1]["oob"],
            encoder[-1]["l2"]) == (9, 0, 1, 2)


@pytest.mark.parametrize("address, dims, why", [
    (0x1002, (1000, 776), "address not 16-byte aligned"),
    (0x1000, (1000, 777), "rows of 1554 bytes"),
    (0x1000, (0, 776), "an empty dim"),
    (0x1000, (2**31, 64), "a dim of 2^31: coordinates are signed 32-bit"),
])
def test_refuses_what_tma_cannot_address(encoder, address, dims, why):
    assert gpu.encode_tensor_map(address, "f16", dims, (1,) * (len(dims) - 1) + (64,)) is None, why
    assert encoder == []  # refused before the driver is asked


def test_driver_errors_are_reported(monkeypatch):
    monkeypatch.setattr(gpu, "_TMA_ENCODE", [lambda *args: 1])  # CUDA_ERROR_INVALID_VALUE
    with pytest.raises(RuntimeError, match=r"cuTensorMapEncodeTiled failed \(CUresult 1\) "
                                           r"for a f16 tensor of dims \(64, 64\)"):
        gpu.encode_tensor_map(0x1000, "f16", (64, 64), (64, 64))


def test_plan_maps_and_parameters(tmp_path):
    program = gpu.GPUProgram(plan(), tmp_path / "kernels.ptx")
    params = program._kernels[0][0]
    assert params[1:] == [("tensor_map", 0), ("tensor_map_valid", 0)]
    assert program._maps.dims(0, {"M": 1000, "K": 776}) == (1, 1000, 776)
    assert program.tensor_map_counts() == {"encoded": 0, "pitched": 0, "refused": 0}
    assert program.pitched_copies
    program.pitched_copies = False
    assert not program._maps.pitched
    # A plan without "by_value" (an older compiler's): device copies, their
    # address or 0 where the map could not be encoded.
    maps = program._maps
    assert maps.argument(0, None, 2) == 0 and maps.argument(0, None, 3) == 0
    assert maps.argument(0, "device map", 2) == "device map"
    assert maps.argument(0, "m", 3) == 1


def test_maps_by_value(encoder, tmp_path, monkeypatch):
    """The current compiler's plans pass each map by value (a
    __grid_constant__ parameter): the 128 bytes as a one-element array that
    CuPy passes by value; nothing is copied to the device (no CuPy call at
    all), so a launch can be captured in a CUDA graph."""
    import sys

    monkeypatch.setitem(sys.modules, "cupy", None)  # any use of it fails
    program = gpu.GPUProgram(plan(maps=(dict(MAP, by_value=True),)), tmp_path / "k.ptx")
    maps = program._maps
    encoded = maps.encode(0, 0x7F0000001000, (1, 1000, 776))
    # (Without CuPy's CPointer, the one-element array itself.)
    arg = maps.argument(0, encoded, 2)
    assert arg is encoded.bytes and arg.shape == (1,) and arg.dtype.itemsize == 128
    assert bytes(arg.tobytes()) == b"\xab" * 128 and maps.argument(0, encoded, 3) == 1
    # Cached by address and dims: the same bytes, not encoded again.
    assert maps.encode(0, 0x7F0000001000, (1, 1000, 776)) is encoded and len(encoder) == 1
    # Not encodable (an output TMA cannot address): zeros, valid 0.
    outputs = gpu._TensorMaps([dict(MAP, memref="c", by_value=True)], {"a"})
    assert outputs.encode(0, 0x7F0000001001, (1, 1000, 776)) is None
    none = outputs.argument(0, None, 2)
    assert none.dtype.itemsize == 128 and not any(none.tobytes())
    assert outputs.argument(0, None, 3) == 0


def test_plan_errors(tmp_path):
    with pytest.raises(ValueError, match=r"kernel k: parameter names tensor map 'tm9', "
                                         r"which the plan does not list"):
        gpu.GPUProgram(plan(params=({"tensor_map": "tm9"},)), tmp_path / "k.ptx")
    with pytest.raises(ValueError, match=r"tensor map tm0: cannot encode dtype 'c64' "
                                         r"with swizzle 128"):
        gpu.GPUProgram(plan(maps=(dict(MAP, dtype="c64"),)), tmp_path / "k.ptx")
    with pytest.raises(ValueError, match=r"kernel k: unknown parameter \{'texture': 'x'\}"):
        gpu.GPUProgram(plan(params=({"texture": "x"},)), tmp_path / "k.ptx")


def test_strided_maps_view_a_permutation(encoder, cupy):
    """A map with strides (a [B, S, H, D] buffer read as [B, H, S, D], as the
    attention kernel reads head-swapped operands): the driver gets the
    dims and byte strides innermost first; such a map has no pitched copy,
    and one TMA cannot address is refused with the strides named."""
    spec = dict(MAP, dims=["B", "H", "S", "128"], box=[1, 1, 128, 64],
                strides=["S * (H * 128)", "128", "H * 128", "1"], by_value=True)
    maps = gpu._TensorMaps([spec], {"a"}, checked=set())
    dims = maps.dims(0, {"B": 2, "H": 3, "S": 100})
    assert dims == (2, 3, 100, 128, 38400, 128, 384, 1)  # the dims, then the strides
    assert maps.encode(0, 0x1000, dims) is not None
    assert encoder[-1]["dims"] == [128, 100, 3, 2] and encoder[-1]["box"] == [64, 128, 1, 1]
    assert encoder[-1]["strides"] == [768, 256, 76800]
    assert not maps._copyable[0]
    with pytest.raises(ValueError, match=r"'a' is read through TMA .* \(its address 0x1008 is "
                                         r"not a multiple of 16 bytes\): pass a contiguous, "
                                         r"16-byte aligned array"):
        maps.encode(0, 0x1008, dims)
    odd = maps.dims(0, {"B": 2, "H": 3, "S": 100})[:4] + (38400, 129, 384, 1)
    with pytest.raises(ValueError, match=r"strides \(38400, 129, 384, 1\) of f16 elements"):
        maps.encode(0, 0x1000, odd)
    assert not cupy.copies


def test_pitch_sets_the_row_stride(encoder):
    gpu.encode_tensor_map(0x1000, "f16", (2, 1000, 777), (1, 128, 64), pitch=1568)
    assert encoder[-1]["dims"] == [777, 1000, 2]
    assert encoder[-1]["strides"] == [1568, 1568 * 1000]


@pytest.fixture
def cupy(monkeypatch):
    """A stand-in CuPy: scratch buffers at fake addresses, copies recorded."""
    import sys
    import types

    copies, buffers = [], []

    class Buffer:
        def __init__(self, n):
            self.data = types.SimpleNamespace(ptr=0x10000 * (len(buffers) + 1))
            self.n = n
            buffers.append(self)

    stream = types.SimpleNamespace(ptr=7, synchronize=lambda: None)
    fake = types.SimpleNamespace(
        empty=lambda n, dtype: Buffer(n), asarray=lambda host: ("device map", host[0]),
        cuda=types.SimpleNamespace(
            get_current_stream=lambda: stream,
            runtime=types.SimpleNamespace(
                memcpyDeviceToDevice=3,
                memcpy2DAsync=lambda *args: copies.append(args))))
    monkeypatch.setitem(sys.modules, "cupy", fake)
    return types.SimpleNamespace(copies=copies, buffers=buffers, stream=stream)


def test_inputs_tma_cannot_address_get_a_pitched_copy(encoder, cupy):
    maps = gpu._TensorMaps([MAP], {"a"})  # (maps by address: device copies)
    # K = 777 halves: rows of 1554 bytes; the copy's rows are 1568.
    device = maps.encode(0, 0x1000, (1, 1000, 777))
    assert device == ("device map", 0xAB)
    (scratch,) = cupy.buffers
    assert scratch.n == 1000 * 1568
    assert encoder[-1]["address"] == scratch.data.ptr
    assert encoder[-1]["dims"] == [777, 1000, 1] and encoder[-1]["strides"] == [1568, 1568000]
    assert cupy.copies == [(scratch.data.ptr, 1568, 0x1000, 1554, 1554, 1000, 3, 7)]
    # Every call copies again (the data may have changed); the map is kept.
    assert maps.encode(0, 0x1000, (1, 1000, 777)) == device
    assert len(cupy.copies) == 2 and len(encoder) == 1 and len(cupy.buffers) == 1
    assert maps.counts == {"encoded": 1, "pitched": 1, "refused": 0}
    # Turned off: the kernels' path without TMA (and no copy), counted as
    # refused; a map never copied is refused too.
    maps.pitched = False
    assert maps.encode(0, 0x1000, (1, 1000, 777)) is None and len(cupy.copies) == 2
    assert maps.encode(0, 0x2000, (1, 1000, 777)) is None
    assert maps.encode(0, 0x2000, (1, 1000, 777)) is None  # counted once
    assert maps.counts == {"encoded": 1, "pitched": 1, "refused": 2}
    maps.pitched = True
    assert maps.encode(0, 0x2000, (1, 1000, 777)) == device and len(cupy.copies) == 3


def test_outputs_are_never_copied(encoder, cupy):
    # (a map over an output: kernels write it, none reads it through TMA)
    maps = gpu._TensorMaps([dict(MAP, memref="c")], {"a"})
    assert maps.encode(0, 0x1000, (1, 1000, 777)) is None
    assert maps.counts == {"encoded": 0, "pitched": 0, "refused": 1} and not cupy.copies



def test_temporaries_get_their_pitched_copy_when_a_reader_launches(encoder, cupy):
    """A temporary (written by an earlier kernel of the same call) TMA
    cannot address: the map is over a pitched copy made right before the
    first kernel that reads the map launches, not when the maps are
    encoded (before any kernel has run)."""
    maps = gpu._TensorMaps([dict(MAP, memref="t")], {"a"}, {"t"})
    device = maps.encode(0, 0x1000, (1, 1000, 777))
    assert device == ("device map", 0xAB) and not cupy.copies
    (scratch,) = cupy.buffers
    maps.copy_before([])  # a kernel that does not read it
    assert not cupy.copies
    maps.copy_before([0])
    assert cupy.copies == [(scratch.data.ptr, 1568, 0x1000, 1554, 1554, 1000, 3, 7)]
    maps.copy_before([0])  # a second reader: copied once per call
    assert len(cupy.copies) == 1
    assert maps.encode(0, 0x1000, (1, 1000, 777)) == device and len(cupy.copies) == 1
    maps.copy_before([0])
    assert len(cupy.copies) == 2
    assert maps.counts == {"encoded": 1, "pitched": 1, "refused": 0}


def test_pitched_copies_pass_their_map_by_value(encoder, cupy):
    maps = gpu._TensorMaps([dict(MAP, by_value=True)], {"a"})
    encoded = maps.encode(0, 0x1000, (1, 1000, 777))
    (scratch,) = cupy.buffers
    assert encoded.bytes.dtype.itemsize == 128 and encoder[-1]["address"] == scratch.data.ptr
    assert len(cupy.copies) == 1  # the input into the padded rows, per call
    assert maps.encode(0, 0x1000, (1, 1000, 777)) is encoded and len(cupy.copies) == 2


def test_maps_of_kernels_without_a_path_without_tma_must_encode(encoder, cupy):
    """A map no kernel checks the validity of (the plan has no
    `tensor_map_valid` parameter for it: the wgmma attention kernel) must
    be encoded: where TMA cannot address the buffer, the call is refused by
    name with what to do, instead of launching a kernel on a null map."""
    maps = gpu._TensorMaps([dict(MAP, by_value=True)], {"a"}, checked=set())
    maps.pitched = False
    with pytest.raises(ValueError, match=r"'a' is read through TMA \(tensor map tm0\) by a "
                                         r"kernel with no path without it, and TMA cannot "
                                         r"address it as it is \(its rows of 777 f16 elements "
                                         r"are not a multiple of 16 bytes\): turn pitched "
                                         r"copies back on"):
        maps.encode(0, 0x1000, (1, 1000, 777))
    with pytest.raises(ValueError, match=r"its address 0x1002 is not a multiple of 16 bytes"):
        maps.encode(0, 0x1002, (1, 1000, 768))
    with pytest.raises(ValueError, match=r"'a' is read through TMA \(tensor map tm0\) by a "
                                         r"kernel with no path without it, and it is empty "
                                         r"\(dims \(1, 0, 768\)\): the kernel cannot run on it"):
        maps.encode(0, 0x1000, (1, 0, 768))
    maps.pitched = True  # the default: the input is copied into aligned rows
    assert maps.encode(0, 0x1000, (1, 1000, 777)) is not None and len(cupy.copies) == 1
    outputs = gpu._TensorMaps([dict(MAP, memref="c", by_value=True)], {"a"}, checked=set())
    with pytest.raises(ValueError, match=r"'c' is read .* pass a contiguous, 16-byte aligned "
                                         r"array"):
        outputs.encode(0, 0x1000, (1, 1000, 777))
    # the plan says which maps kernels check: here every one
    assert not gpu.GPUProgram(plan(), gpu.Path("k.ptx"))._maps._required[0]
    unchecked = plan(params=({"memref": "a"}, {"tensor_map": "tm0"}))
    assert gpu.GPUProgram(unchecked, gpu.Path("k.ptx"))._maps._required[0]
