"""The GPU runtime's launch path without a GPU: a stand-in `cupy` module
runs the compiled add kernel from the arguments the runtime passes (bare
ABI: one pointer per buffer, then the sizes), so
the parameter layout, the prepared-launch fast path, `out=` handling and the
argument checks are all exercised. The device run of the same code is
test/gpu/run_kernels.py and bench/launch_overhead.py."""

import sys
import types

import numpy as np
import pytest

from tessera import ir
from tessera.compiler import compile_graph_for_gpu

ADD = """
func.func @main(%x: tensor<?xf32>, %y: tensor<?xf32>) -> tensor<?xf32> {
  %z = tessera_graph.add %x, %y : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  return %z : tensor<?xf32>
}"""


class _Flags:
    def __init__(self, contiguous):
        self.c_contiguous = contiguous


class PooledMemory:
    """Stand-in for cupy.cuda.memory.PooledMemory (a MemoryPool's block)."""


class FakeArray:
    """Device array stand-in: a numpy array on "device 0" (its address is
    the host array's: a stand-in driver reads and writes it)."""

    def __init__(self, host, dtype=None):
        if dtype is not None:  # cupy.ndarray(shape, dtype): uninitialized
            host = np.full(host, np.nan, dtype)
        self.host = host
        self.data = types.SimpleNamespace(device_id=0, ptr=host.ctypes.data,
                                          mem=PooledMemory())

    def item(self):  # (a device array's value, read back)
        return self.host.item()

    shape = property(lambda self: self.host.shape)
    dtype = property(lambda self: self.host.dtype)
    size = property(lambda self: self.host.size)
    itemsize = property(lambda self: self.host.itemsize)
    nbytes = property(lambda self: self.host.nbytes)
    strides = property(lambda self: self.host.strides)
    flags = property(lambda self: _Flags(self.host.flags.c_contiguous))
    _c_contiguous = property(lambda self: self.host.flags.c_contiguous)
    device = types.SimpleNamespace(id=0)


class FakeKernel:
    def __init__(self, launches):
        self.launches = launches

    def __call__(self, grid, block, args, shared_mem=0):
        self.launches.append((grid, block, args, shared_mem))
        # bare ABI: x, y, z, then the size
        assert len(args) == 4
        x, y, z = args[:3]
        assert args[3] == x.size == y.size == z.size
        z.host[...] = x.host + y.host


@pytest.fixture
def fake_cupy(monkeypatch):
    launches = []
    cp = types.ModuleType("cupy")
    cp.ndarray = FakeArray
    cp.empty = lambda shape, dtype: FakeArray(np.full(shape, np.nan, dtype))
    cp.zeros = lambda shape, dtype: FakeArray(np.zeros(shape, dtype))
    cp.asarray = lambda a: FakeArray(np.array(a))
    cp.asnumpy = lambda a: a.host.copy()

    class Stream:
        ptr = 0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def synchronize(self):
            pass

    cp.cuda = types.SimpleNamespace(
        Stream=Stream, ExternalStream=lambda handle: Stream(),
        Device=lambda *a: types.SimpleNamespace(id=0),
        get_current_stream=Stream,
        runtime=types.SimpleNamespace(getDeviceCount=lambda: 1,
                                      streamIsCapturing=lambda handle: 0),
        memory=types.SimpleNamespace(PooledMemory=PooledMemory))
    cp.RawModule = lambda path: types.SimpleNamespace(
        get_function=lambda name: FakeKernel(launches))
    monkeypatch.setitem(sys.modules, "cupy", cp)
    # (no native launcher with the real driver's cuLaunchKernel: the
    # stand-in functions are not CUfunctions; test_native_launcher's own)
    from tessera.runtime import gpu

    monkeypatch.setattr(gpu, "_NATIVE", [False, "stand-in driver"])
    return cp, launches


@pytest.fixture(scope="module")
def add_artifact(tmp_path_factory):
    with ir.Context():
        art = compile_graph_for_gpu(ir.Module.parse(ADD), "sm_90")
    return art.save(tmp_path_factory.mktemp("add"))


def test_launch_layout_fast_path_and_outputs(fake_cupy, add_artifact):
    from tessera.runtime import gpu as runtime

    cp, launches = fake_cupy
    program = runtime.load(add_artifact)
    rng = np.random.default_rng()
    x, y = (rng.standard_normal(1001).astype(np.float32) for _ in range(2))
    # numpy in, numpy out (copied to the device and back)
    np.testing.assert_array_equal(program(x, y), x + y)
    # device arrays: the first call prepares, the second takes the fast path
    dx, dy = cp.asarray(x), cp.asarray(y)
    for _ in range(2):
        z = program(dx, dy)
        np.testing.assert_array_equal(z.host, x + y)
    assert len(program._prepared) == 1
    (grid, block, args, _), = launches[-1:]
    assert grid[0] == -(-1001 // 1024) and block[0] == 128
    assert args[-1] == 1001  # the size parameter
    # out= on the fast path writes the given array
    dz = cp.empty((1001,), np.float32)
    assert program(dx, dy, out=[dz]) is dz
    np.testing.assert_array_equal(dz.host, x + y)
    # out= numpy is written back
    hz = np.zeros(1001, np.float32)
    assert program(x, y, out=[hz]) is hz
    np.testing.assert_array_equal(hz, x + y)
    # a new size is prepared separately and computed right
    x2, y2 = x[:7].copy(), y[:7].copy()
    np.testing.assert_array_equal(program(cp.asarray(x2), cp.asarray(y2)).host, x2 + y2)
    assert len(program._prepared) == 3  # with and without out=, and size 7


def _words(params: int, count: int) -> list:
    """The `count` parameters of a launch as the driver reads them:
    `params` is an array of addresses, each of the parameter's bytes."""
    import ctypes

    return [ctypes.c_uint64.from_address(ctypes.c_uint64.from_address(params + 8 * j).value).value
            for j in range(count)]


def _host(address: int, count: int, dtype) -> np.ndarray:
    import ctypes

    return np.frombuffer((ctypes.c_char * (count * np.dtype(dtype).itemsize)).from_address(address),
                         dtype)


def test_prepared_launches_go_through_the_driver(fake_cupy, add_artifact):
    """With CuPy's cuLaunchKernel binding and loaded functions (handles),
    prepared launches skip CuPy's kernel call: the parameter block is built
    once and a call writes the buffers' addresses into it. A stand-in
    driver reads it as the driver does and runs the add."""
    from tessera.runtime import gpu as runtime

    cp, launches = fake_cupy
    driver_calls = []

    def launch_kernel(f, gx, gy, gz, bx, by, bz, shared, stream, params, extra):
        assert (f, extra) == (0xABC, 0)
        x, y, z, n = _words(params, 4)
        _host(z, n, np.float32)[...] = _host(x, n, np.float32) + _host(y, n, np.float32)
        driver_calls.append(((gx, gy, gz), (bx, by, bz), shared, stream, n))

    class Kernel(FakeKernel):
        ptr = 0xABC  # the function's handle

    cp.cuda.driver = types.SimpleNamespace(launchKernel=launch_kernel)
    cp.RawModule = lambda path: types.SimpleNamespace(get_function=lambda name: Kernel(launches))
    program = runtime.load(add_artifact)
    rng = np.random.default_rng()
    x, y = (rng.standard_normal(1001).astype(np.float32) for _ in range(2))
    dx, dy, dz = cp.asarray(x), cp.asarray(y), cp.empty((1001,), np.float32)
    assert program(dx, dy, out=[dz]) is dz  # the first call: CuPy's kernel call, prepares
    assert len(launches) == 1 and not driver_calls
    for _ in range(2):
        dz.host[...] = 0
        assert program(dx, dy, out=[dz]) is dz
        np.testing.assert_array_equal(dz.host, x + y)
    (prepared,) = program._prepared.values()
    assert prepared[4] is not None and len(driver_calls) == 2 and len(launches) == 1
    assert driver_calls[-1] == ((1, 1, 1), (128, 1, 1), 0, 0, 1001)
    # without out=: the output is allocated, then its address passed
    program(dx, dy)
    z = program(dx, dy)
    np.testing.assert_array_equal(z.host, x + y)
    assert len(driver_calls) == 3
    # other arguments reuse the block: their addresses are written per call
    x2, y2 = cp.asarray(-x), cp.asarray(2 * y)
    program(x2, y2, out=[dz])
    np.testing.assert_array_equal(dz.host, 2 * y - x)
    # a call with an input too few (one moved into out=) is not the
    # prepared launch of the call before: the slow path's error
    with pytest.raises(TypeError, match="takes 2 arguments, got 1"):
        program(dx, out=[dy, dz])
    # a non-contiguous argument still gets the slow path's error
    strided = cp.asarray(np.ones(2002, np.float32))
    strided.host = strided.host[::2]
    with pytest.raises(ValueError, match="argument 'arg1': must be C-contiguous"):
        program(dx, strided, out=[dz])


def _stand_in_driver(cp, launches) -> list:
    """A stand-in cuLaunchKernel running the add (and Kernels with
    handles): returns the list of its calls."""
    driver_calls = []

    def launch_kernel(f, gx, gy, gz, bx, by, bz, shared, stream, params, extra):
        x, y, z, n = _words(params, 4)
        _host(z, n, np.float32)[...] = _host(x, n, np.float32) + _host(y, n, np.float32)
        driver_calls.append(stream)

    class Kernel(FakeKernel):
        ptr = 0xABC

    cp.cuda.driver = types.SimpleNamespace(launchKernel=launch_kernel)
    cp.RawModule = lambda path: types.SimpleNamespace(get_function=lambda name: Kernel(launches))
    return driver_calls


def test_dropped_outputs_are_handed_out_again(fake_cupy, add_artifact):
    """A direct launch that allocates its output hands out again an earlier
    output nothing holds any more (on the stream that wrote it); one held
    (a variable, its memory pointer or memory), one written on another
    stream or during a stream capture is not, and nothing made during a
    capture is kept. The device run is test/gpu/reuse_outputs.py."""
    from tessera.runtime import gpu as runtime

    cp, launches = fake_cupy
    driver_calls = _stand_in_driver(cp, launches)
    cp.cuda.runtime.streamIsCapturing = lambda handle: int(handle == 0x5)
    program = runtime.load(add_artifact)
    rng = np.random.default_rng()
    host = [rng.standard_normal(777).astype(np.float32) for _ in range(4)]
    x, y, x2, y2 = (cp.asarray(h) for h in host)
    program(x, y)  # prepares
    a = program(x, y)
    address, first = a.data.ptr, id(a)
    del a
    b = program(x2, y2)
    assert b.data.ptr == address and id(b) == first and program._kept.entries[-1][0] is b
    np.testing.assert_array_equal(b.host, host[2] + host[3])
    c = program(x, y)  # b is held: a new array
    assert c is not b
    np.testing.assert_array_equal(b.host, host[2] + host[3])
    np.testing.assert_array_equal(c.host, host[0] + host[1])
    for hold in (lambda a: a.data, lambda a: a.data.mem):
        kept, old = hold(c), id(c)  # (the program keeps that array: its id stays its)
        del c
        c = program(x2, y2)
        assert id(c) != old, "an output whose memory is held was handed out"
        np.testing.assert_array_equal(c.host, host[2] + host[3])
        del kept
    # Another stream, and a stream being captured: new arrays, not kept.
    class Capturing(cp.cuda.Stream):
        ptr = 0x5

    del b, c
    kept = [e[0] for e in program._kept.entries]
    d = program(x, y, stream=Capturing())
    assert all(d is not k for k in kept)
    assert all(e[0] is not d for e in program._kept.entries)
    del kept, d

    class Other(cp.cuda.Stream):
        ptr = 0x7

    kept = [e[0] for e in program._kept.entries]  # (free, on stream 0)
    e = program(x, y, stream=Other())
    assert all(e is not k for k in kept) and program._kept.entries[-1][1] == 0x7
    np.testing.assert_array_equal(e.host, host[0] + host[1])
    del kept, e
    assert len(driver_calls) == 7 and driver_calls[-2:] == [0x5, 0x7]
    # Turned off: nothing is kept.
    program.reuse_outputs = False
    program(x, y)
    assert not program._kept.entries
    assert not program.reuse_outputs


def _native_driver(monkeypatch, tmp_path, launch):
    """Builds the native launcher (into tmp_path) with a stand-in
    cuLaunchKernel: `launch(f, gx, gy, gz, bx, by, bz, shared, stream,
    params, extra)` as a C callback (returned: hold it while it is used)."""
    import ctypes

    from tessera.runtime import gpu as runtime

    callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, *[ctypes.c_uint] * 7,
                                ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)(launch)
    monkeypatch.setenv("TESSERA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(runtime, "_NATIVE", [None, ""])
    monkeypatch.setattr(runtime, "_cuda_driver_addresses",
                        lambda: (ctypes.cast(callback, ctypes.c_void_p).value, 0))
    return callback


def test_native_launcher(fake_cupy, add_artifact, monkeypatch, tmp_path):
    """The prepared launch in C (_launch.c, compiled at first use with the
    machine's compiler): a stand-in cuLaunchKernel (a ctypes callback) reads
    the parameters as the driver does. Calls it cannot take (a
    non-contiguous argument) take the Python path, which
    raises the errors; a failed launch raises the driver's code."""
    from tessera.runtime import gpu as runtime

    cp, launches = fake_cupy
    python_calls = _stand_in_driver(cp, launches)
    native_calls, status = [], [0]

    def launch_kernel(f, gx, gy, gz, bx, by, bz, shared, stream, params, extra):
        x, y, z, n = _words(params, 4)
        _host(z, n, np.float32)[...] = _host(x, n, np.float32) + _host(y, n, np.float32)
        native_calls.append((f, (gx, gy, gz), (bx, by, bz), shared, stream or 0, n))
        return status[0]

    callback = _native_driver(monkeypatch, tmp_path, launch_kernel)  # noqa: F841
    program = runtime.load(add_artifact)
    rng = np.random.default_rng()
    host = [rng.standard_normal(999).astype(np.float32) for _ in range(4)]
    x, y, x2, y2 = (cp.asarray(h) for h in host)
    z = cp.empty((999,), np.float32)
    program(x, y, out=[z])  # prepares; built
    assert runtime.native_launcher_status() == "built" and program._native is not None
    assert program(x2, y2, out=[z]) is z and not python_calls
    np.testing.assert_array_equal(z.host, host[2] + host[3])
    assert native_calls[-1] == (0xABC, (1, 1, 1), (128, 1, 1), 0, 0, 999)
    # allocating: the first such call prepares, then C calls the entry's
    # allocation (dropped outputs handed out again)
    program(x, y)
    a = program(x, y)
    np.testing.assert_array_equal(a.host, host[0] + host[1])
    address = a.data.ptr
    del a
    b = program(x2, y2)
    assert b.data.ptr == address and len(native_calls) == 3 and not python_calls
    np.testing.assert_array_equal(b.host, host[2] + host[3])
    # not the native launcher's: the Python path, its errors
    strided = cp.asarray(np.ones(1998, np.float32))
    strided.host = strided.host[::2]
    with pytest.raises(ValueError, match="argument 'arg1': must be C-contiguous"):
        program(x, strided, out=[z])
    assert program(x, y, out=(z,)) is z and not python_calls  # (a tuple: the same)
    status[0] = 700
    with pytest.raises(RuntimeError, match=r"cuLaunchKernel failed: unknown error \(CUresult 700\)"):
        program(x, y, out=[z])
    # profile()'s hook: the Python path
    status[0] = 0
    program._before_launch = lambda function: None
    program(x, y, out=[z])
    assert len(python_calls) == 1 and len(native_calls) == 5
    # A program no one holds is freed (its native entries hold no cycle)
    import gc
    import weakref

    gone = weakref.ref(program)
    del program
    gc.collect()
    assert gone() is None
    runtime._NATIVE[0].driver(0, 0)  # (the callback is freed after the test)


def test_descriptor_abi_calls_take_the_slow_path(fake_cupy, add_artifact, tmp_path):
    """Kernels taking MLIR's expanded descriptors have no prepared launch:
    every call takes the slow path (and must not fail after launching)."""
    import json
    import shutil

    from tessera.runtime import gpu as runtime

    cp, launches = fake_cupy
    _stand_in_driver(cp, launches)

    class DescriptorKernel(FakeKernel):
        ptr = 0xABC

        def __call__(self, grid, block, args, shared_mem=0):
            assert len(args) == 16  # 3 x (ptr, ptr, offset, size, stride), n
            x, y, z = args[0:15:5]
            z.host[...] = x.host + y.host
            self.launches.append(grid)

    cp.RawModule = lambda path: types.SimpleNamespace(
        get_function=lambda name: DescriptorKernel(launches))
    artifact = tmp_path / "add"
    shutil.copytree(add_artifact, artifact)
    plan = json.loads((artifact / "plan.json").read_text())
    for kernel in plan["kernels"]:
        del kernel["abi"]  # (the default: descriptors)
    (artifact / "plan.json").write_text(json.dumps(plan))
    program = runtime.load(artifact)
    x = cp.asarray(np.arange(5, dtype=np.float32))
    for _ in range(3):
        np.testing.assert_array_equal(program(x, x).host, 2 * np.arange(5, dtype=np.float32))
    assert len(launches) == 3 and not any(program._prepared.values())


def test_native_launcher_off(fake_cupy, add_artifact, monkeypatch):
    from tessera.runtime import gpu as runtime

    monkeypatch.setenv("TESSERA_NATIVE_LAUNCH", "0")
    monkeypatch.setattr(runtime, "_NATIVE", [None, ""])
    monkeypatch.setattr(runtime, "_cuda_driver_addresses", lambda: (1, 0))
    cp, launches = fake_cupy
    _stand_in_driver(cp, launches)
    program = runtime.load(add_artifact)
    x = cp.asarray(np.ones(5, np.float32))
    program(x, x)
    assert program._native is None
    assert runtime.native_launcher_status() == "off: TESSERA_NATIVE_LAUNCH=0"


def test_launch_argument_errors(fake_cupy, add_artifact):
    from tessera.runtime import gpu as runtime

    cp, _ = fake_cupy
    program = runtime.load(add_artifact)
    x = cp.asarray(np.ones(8, np.float32))
    program(x, x)  # prepared: the checks must still run on the fast path
    with pytest.raises(ValueError, match=r"argument .arg1. dimension 0 \(arg1_0\) is 9, but argument .arg0. dimension 0 \(arg0_0\) is 8: they must be equal \(operands broadcast together \(dimension 0\)\)"):
        program(x, cp.asarray(np.ones(9, np.float32)))
    with pytest.raises(TypeError, match="expected dtype f32, got float64"):
        program(x, cp.asarray(np.ones(8, np.float64)))
    strided = cp.asarray(np.ones(16, np.float32))
    strided.host = strided.host[::2]
    with pytest.raises(ValueError, match="argument 'arg1': must be C-contiguous"):
        program(x, strided)
    with pytest.raises(TypeError, match="out= has 2 arrays; the program has 1 outputs"):
        program(x, x, out=[x, x])
    with pytest.raises(TypeError, match="takes 2 arguments, got 1"):
        program(x)
    with pytest.raises(ValueError, match=r"output 'out0': expected a contiguous float32 "
                                         r"array of shape \(8,\), got float64 \(8,\)"):
        program(x, x, out=[cp.asarray(np.ones(8, np.float64))])
    with pytest.raises(TypeError, match="stream=: expected a cupy or torch CUDA stream, got int"):
        program(x, x, stream=7)
    elsewhere = cp.asarray(np.ones(8, np.float32))
    elsewhere.data = types.SimpleNamespace(device_id=1)
    elsewhere.device = types.SimpleNamespace(id=1)
    with pytest.raises(ValueError, match="argument 'arg1': is on device 1, the program "
                                         "runs on device 0"):
        program(x, elsewhere)


def test_vendor_comes_from_the_plan(fake_cupy, add_artifact):
    from tessera.runtime import gpu as runtime

    cp, _ = fake_cupy
    program = runtime.load(add_artifact)
    assert program.plan["vendor"] == "nvidia"
    cp.cuda.runtime.is_hip = True  # CuPy built for ROCm
    with pytest.raises(RuntimeError, match=r"this artifact is for nvidia GPUs \(sm_90\), "
                                           r"but CuPy runs on amd GPUs"):
        program(cp.asarray(np.ones(8, np.float32)), cp.asarray(np.ones(8, np.float32)))


SCALE = """
func.func @main(%x: tensor<?xf16>, %h: tensor<f16> {tessera.scalar}, %s: tensor<f32> {tessera.scalar}) -> tensor<?xf32> {
  %a = tessera_graph.mul %x, %h : tensor<?xf16>, tensor<f16> -> tensor<?xf16>
  %c = tessera_graph.cast %a : tensor<?xf16> -> tensor<?xf32>
  %b = tessera_graph.mul %c, %s : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
  return %b : tensor<?xf32>
}"""


class ScaleKernel:
    """(x * h) * s from the parameters the runtime passes: runtime scalars
    by value (f32 as a NumPy float32, f16 as its 16 bits)."""

    def __init__(self, launches):
        self.launches = launches

    def __call__(self, grid, block, args, shared_mem=0):
        self.launches.append(args)
        x, h, s, out, n = args
        assert isinstance(s, np.float32) and isinstance(h, np.uint16)
        assert n == x.size == out.size
        h = np.array(h).view(np.float16)
        out.host[...] = (x.host * h).astype(np.float32) * s


def _run_scale(params: int, seen: list) -> None:
    """The SCALE kernel from its parameter block (x, h's 16 bits, s's 32
    bits, out, n), as the driver reads it; records (h, s)'s bits."""
    x_at, h, s, out_at, n = _words(params, 5)
    seen.append((h, s))
    h = np.array(h, np.uint64).astype(np.uint16).view(np.float16)
    s = np.array(s, np.uint64).astype(np.uint32).view(np.float32)
    _host(out_at, n, np.float32)[...] = (_host(x_at, n, np.float16) * h).astype(np.float32) * s


def test_runtime_scalars_are_kernel_parameters(fake_cupy, tmp_path):
    from tessera.runtime import gpu as runtime

    cp, launches = fake_cupy
    with ir.Context():
        art = compile_graph_for_gpu(ir.Module.parse(SCALE), "sm_90")
    assert [i.get("scalar", False) for i in art.plan["inputs"]] == [False, True, True]
    assert art.plan["kernels"][0]["params"][1:3] == [{"scalar": "arg1"}, {"scalar": "arg2"}]
    cp.RawModule = lambda path: types.SimpleNamespace(
        get_function=lambda name: ScaleKernel(launches))
    program = runtime.load(art.save(tmp_path / "scale"))
    x = np.arange(10, dtype=np.float16)
    dx = cp.asarray(x)
    # Python numbers, NumPy scalars and 0-d arrays; new values reuse the
    # prepared launch (the fast path after the first call)
    for h, s in ((0.5, 2.5), (-1.0, 3), (np.array(2.0, np.float16), np.float32(0.25))):
        np.testing.assert_array_equal(program(dx, h, s).host,
                                      (x * np.float16(h)).astype(np.float32) * np.float32(s))
    assert len(program._prepared) == 1
    with pytest.raises(TypeError, match=r"argument 'arg2': a runtime scalar of type f32, "
                                        r"got a bool"):
        program(dx, 1.0, True)
    # through the driver: each scalar's bits in the low bytes of its word
    seen = []

    def launch_kernel(f, gx, gy, gz, bx, by, bz, shared, stream, params, extra):
        _run_scale(params, seen)

    class Kernel(ScaleKernel):
        ptr = 7

    cp.cuda.driver = types.SimpleNamespace(launchKernel=launch_kernel)
    cp.RawModule = lambda path: types.SimpleNamespace(get_function=lambda name: Kernel(launches))
    program = runtime.load(art.save(tmp_path / "scale2"))
    for h, s in ((0.5, 2.5), (-1.0, 3), (np.array(2.0, np.float16), np.float32(-0.25))):
        np.testing.assert_array_equal(program(dx, h, s).host,
                                      (x * np.float16(h)).astype(np.float32) * np.float32(s))
    assert seen[-1] == (0x4000, 0xBE800000) and len(seen) == 2  # 2.0 (f16), -0.25 (f32)
    # a 0-d device array for a runtime scalar: its value, on every call (the
    # slow path reads it; its address is not the scalar's bits)
    for h in (2.0, -3.0):
        np.testing.assert_array_equal(
            program(dx, cp.asarray(np.array(h, np.float16)), 1.5).host,
            (x * np.float16(h)).astype(np.float32) * np.float32(1.5))
    with pytest.raises(TypeError, match=r"argument 'arg1': expected a f16 number \(a runtime "
                                        r"scalar\), got str"):
        program(dx, "2", 1.0)


def test_native_launcher_passes_runtime_scalars_by_value(fake_cupy, tmp_path, monkeypatch):
    """Runtime scalars given as Python numbers go through the native
    launcher, their bits in the low bytes of their words as the Python path
    makes them; NumPy scalars, device arrays and values the dtype cannot
    hold take the Python path."""
    from tessera.runtime import gpu as runtime

    cp, launches = fake_cupy
    python_seen, native_seen = [], []
    run = _run_scale

    cp.cuda.driver = types.SimpleNamespace(
        launchKernel=lambda f, gx, gy, gz, bx, by, bz, shared, stream, params, extra:
        run(params, python_seen))

    def launch_kernel(f, gx, gy, gz, bx, by, bz, shared, stream, params, extra):
        run(params, native_seen)
        return 0

    class Kernel(ScaleKernel):
        ptr = 7

    cp.RawModule = lambda path: types.SimpleNamespace(get_function=lambda name: Kernel(launches))
    callback = _native_driver(monkeypatch, tmp_path, launch_kernel)  # noqa: F841
    with ir.Context():
        art = compile_graph_for_gpu(ir.Module.parse(SCALE), "sm_90")
    program = runtime.load(art.save(tmp_path / "scale"))
    x = np.arange(10, dtype=np.float16)
    dx = cp.asarray(x)
    expect = lambda h, s: (x * np.float16(h)).astype(np.float32) * np.float32(s)  # noqa: E731
    program(dx, 0.5, 2.5)  # prepares; the native entry is built
    assert program._native is not None and not native_seen
    for h, s in ((2.0, -0.25), (-3, 1), (0.1, 1e-3)):  # Python floats and ints
        np.testing.assert_array_equal(program(dx, h, s).host, expect(h, s))
    assert len(native_seen) == 3 and native_seen[0] == (0x4000, 0xBE800000)
    assert native_seen[2] == (int(np.array(0.1, np.float16).view(np.uint16)),
                              int(np.array(1e-3, np.float32).view(np.uint32)))
    # the Python path's: NumPy scalars, 0-d device arrays, a value f16
    # cannot hold (inf there), and a bool (its error)
    for h, s in ((np.float16(2.0), 1.0), (cp.asarray(np.array(2.0, np.float16)), 1.0),
                 (70000.0, 1.0)):
        with np.errstate(over="ignore"):
            np.testing.assert_array_equal(program(dx, h, s).host, expect(h.item() if hasattr(
                h, "item") else h, s))
    # (the 0-d device array: the slow path, CuPy's kernel call)
    assert len(native_seen) == 3 and len(python_seen) == 2
    # NaN, inf and -0.0: NumPy's bits
    for h in (float("nan"), float("inf"), -0.0):
        program(dx, h, 1.0)
        assert native_seen[-1][0] == int(np.array(h, np.float16).view(np.uint16))
    # a number in out= where the plan has a scalar: not a launch, an error
    with pytest.raises(TypeError):
        program(dx, 0.5, out=[1.0])
    with pytest.raises(TypeError, match="got a bool"):
        program(dx, 1.0, True)
    runtime._NATIVE[0].driver(0, 0)  # (the callback is freed after the test)


ADD_I32_SCALAR = """
func.func @main(%x: tensor<?xi32>, %k: tensor<i32> {tessera.scalar}) -> tensor<?xi32> {
  %y = tessera_graph.add %x, %k : tensor<?xi32>, tensor<i32> -> tensor<?xi32>
  return %y : tensor<?xi32>
}"""


def test_native_launcher_integer_scalars(fake_cupy, tmp_path, monkeypatch):
    """An i32 runtime scalar from a Python int: its 32 bits (two's
    complement) in the low half of its word; an int i32 cannot hold, or a
    float, is the Python path's error."""
    from tessera.runtime import gpu as runtime

    cp, launches = fake_cupy
    seen = []

    def launch_kernel(f, gx, gy, gz, bx, by, bz, shared, stream, params, extra):
        x_at, k, out_at, n = _words(params, 4)
        seen.append(k)
        k = np.array(k, np.uint64).astype(np.uint32).view(np.int32)
        _host(out_at, n, np.int32)[...] = _host(x_at, n, np.int32) + k
        return 0

    class Kernel(FakeKernel):
        ptr = 7

        def __call__(self, grid, block, args, shared_mem=0):  # (the first call's)
            x, k, out, n = args
            out.host[...] = x.host + k

    cp.RawModule = lambda path: types.SimpleNamespace(get_function=lambda name: Kernel(launches))
    python_seen = []
    cp.cuda.driver = types.SimpleNamespace(  # (the Python path's driver)
        launchKernel=lambda *args: python_seen.append(args))
    callback = _native_driver(monkeypatch, tmp_path, launch_kernel)  # noqa: F841
    with ir.Context():
        art = compile_graph_for_gpu(ir.Module.parse(ADD_I32_SCALAR), "sm_90")
    program = runtime.load(art.save(tmp_path / "add_i32"))
    x = np.arange(-4, 7, dtype=np.int32)
    dx = cp.asarray(x)
    program(dx, 1)  # prepares
    for k in (-5, 2**31 - 1, -(2**31)):
        np.testing.assert_array_equal(program(dx, k).host, x + np.int32(k))
    assert seen == [0xFFFFFFFB, 0x7FFFFFFF, 0x80000000]
    with pytest.raises(ValueError, match=r"argument 'arg1': 2147483648 does not fit a "
                                         r"runtime scalar of type i32"):
        program(dx, 2**31)
    with pytest.raises(TypeError, match="expected a i32 number"):
        program(dx, 1.5)
    assert len(seen) == 3 and not python_seen
    runtime._NATIVE[0].driver(0, 0)  # (the callback is freed after the test)


F8_KN = """
func.func @main(%a: tensor<?x?xf8E4M3FN>, %b: tensor<?x?xf8E4M3FN>) -> tensor<?x?xbf16> {
  %m = tessera_graph.matmul %a, %b out = bf16 : tensor<?x?xf8E4M3FN>, tensor<?x?xf8E4M3FN> -> tensor<?x?xbf16>
  return %m : tensor<?x?xbf16>
}"""


def test_bf16_and_f8_buffers_cupy_cannot_allocate(fake_cupy, tmp_path):
    """CuPy has no bf16 or f8 dtypes: temporaries of those types (here the
    transposed f8 rhs between the transpose and wgmma kernels) are
    allocated as unsigned integers of their width; an output of such a type
    without out= is a clear error."""
    ml_dtypes = pytest.importorskip("ml_dtypes")
    import tessera.runtime as runtime
    from tessera.runtime import gpu

    assert gpu._storage_dtype(np.dtype(ml_dtypes.bfloat16)) == np.uint16
    assert gpu._storage_dtype(np.dtype(ml_dtypes.float8_e4m3fn)) == np.uint8
    assert gpu._storage_dtype(np.dtype(np.float32)) == np.float32
    with ir.Context():
        art = compile_graph_for_gpu(ir.Module.parse(F8_KN), "sm_90")
    program = runtime.load(art.save(tmp_path / "f8kn"))
    # (the transpose's vectors' kernel and its kernel of single elements)
    assert [k["name"] for k in program.plan["kernels"]][:3] == [
        "main_k0_transpose", "main_k1_transpose", "main_k2_matmul_wgmma"]
    transposed = [t for t in program._temporaries if t[2].itemsize == 1]
    assert transposed and all(t[2] == np.uint8 for t in transposed)
    cp, _ = fake_cupy
    with pytest.raises(TypeError, match="output 'out' is bfloat16, which CuPy cannot allocate: "
                                        "pass it with out="):
        gpu._allocate_output(cp, "out", (4, 4), np.dtype(ml_dtypes.bfloat16))


def test_constants_are_uploaded_once_and_passed_as_buffers(fake_cupy, tmp_path):
    """A constant too large to embed in a kernel (100 elements) is in the
    plan as data; the runtime uploads it once per device and passes it to
    the kernel like an input."""
    values = ", ".join(f"{0.5 * i}" for i in range(100))
    source = f"""
func.func @main(%x: tensor<100xf32>) -> tensor<100xf32> {{
  %c = tessera_graph.constant dense<[{values}]> : tensor<100xf32>
  %z = tessera_graph.add %x, %c : tensor<100xf32>, tensor<100xf32> -> tensor<100xf32>
  return %z : tensor<100xf32>
}}"""
    import tessera.runtime as runtime
    from tessera.runtime import gpu

    with ir.Context():
        art = compile_graph_for_gpu(ir.Module.parse(source), "sm_90")
    (constant,) = art.plan["constants"]
    assert constant["dims"] == [100] and constant["dtype"] == "f32"
    np.testing.assert_array_equal(gpu._constant_array(constant),
                                  0.5 * np.arange(100, dtype=np.float32))
    program = runtime.load(art.save(tmp_path / "const"))
    cp, _ = fake_cupy
    launches = []

    def kernel(grid, block, args, shared_mem=0):  # x, c, z (static sizes)
        launches.append((grid, block, args))
        args[2].host[...] = args[0].host + args[1].host

    cp.RawModule = lambda path: types.SimpleNamespace(get_function=lambda name: kernel)
    x = np.arange(100, dtype=np.float32)
    for _ in range(2):
        out = program(cp.asarray(x))
        np.testing.assert_array_equal(cp.asnumpy(out), x + 0.5 * np.arange(100))
    uploaded = program._constants[0]
    assert len(program._constants) == 1 and launches[0][2][1] is launches[1][2][1] is uploaded[0]


def test_constant_data_decodes_in_every_dtype():
    from tessera.runtime import gpu
    ml_dtypes = pytest.importorskip("ml_dtypes")
    import base64

    for dtype, values in (("f16", np.array([1.0, -2.5], np.float16)),
                          ("bf16", np.array([1.0, 3.0], ml_dtypes.bfloat16)),
                          ("i1", np.array([True, False, True])),
                          ("i32", np.array([7, -1], np.int32))):
        spec = {"name": "c0", "dtype": dtype, "dims": [len(values)],
                "data": base64.b64encode(values.astype(values.dtype.newbyteorder("<"))
                                         .tobytes()).decode()}
        got = gpu._constant_array(spec)
        assert got.view(values.dtype).tolist() == values.tolist(), dtype
    with pytest.raises(ValueError, match="constant c0: 2 elements of data for dims"):
        gpu._constant_array(dict(spec, dims=[3]))
