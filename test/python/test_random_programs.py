"""Issue 15's random-program generator as a test: 200 programs written
through the Python API (elementwise ops, broadcasting, Python scalars,
transposes, reshapes, slices and concats, take, comparisons, dropout,
cumsum, argmax, var/std, linear,
reductions, softmax, norms, where, matmul, f16 casts; ragged sizes; a
quarter of them in f64, an eighth in f16)
compile for the CPU path, sm_90 and gfx942, and on the CPU path give their
NumPy float64 reference's numbers. Two worker processes share the work
(the CPU path's JIT takes most of it)."""

import concurrent.futures
import multiprocessing

import random_programs

COUNT = 200


def test_generator_is_deterministic_and_varied():
    a, b = random_programs.generate(7), random_programs.generate(7)
    assert a.source == b.source and a.dims == b.dims
    sources = {random_programs.generate(s).source for s in range(COUNT)}
    assert len(sources) == COUNT
    steps = {step for s in range(COUNT) for step in random_programs.generate(s).steps}
    # every op family appears somewhere in the 200
    assert {"add", "mul", "softmax", "layer_norm", "sum", "where", "matmul", "f16",
            "transpose", "take", "roll", "flatten", "compare", "dropout", "cumsum",
            "argmax", "var", "std", "linear"} <= steps
    # a quarter in f64 (the GPU's f64 kernels), an eighth in f16
    sources = [random_programs.generate(s).source for s in range(COUNT)]
    assert sum("tessera.f64]" in source for source in sources) == COUNT // 4
    assert sum("tessera.f16]" in source.split("):")[0] for source in sources) == COUNT // 8


def test_random_programs_compile_everywhere_and_match_numpy():
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as pool:
        failures = [f for f in pool.map(random_programs.check, range(COUNT)) if f]
    assert not failures, f"{len(failures)} of {COUNT} programs failed; the first:\n{failures[0]}"
