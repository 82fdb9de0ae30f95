"""Issue 15, item 1: every Graph IR op, in every dtype the CPU path takes,
compiles for the GPU targets. Each (op, dtype) pair the CPU path compiles
is compiled for one of sm_90, sm_80 and gfx942 in turn (all three for every
pair: about 4 minutes; the turns keep CI at a third of that). The device
cases of test/gpu/cases.py run the pairs that needed code (f8 compares,
argmax, dropout and attention, integer pow, |x| of i8, f64)."""

import pytest

import tessera

DTYPES = ["f64", "f32", "f16", "bf16", "f8e4m3", "f8e5m2", "i32", "i8"]
TARGETS = ["sm_90", "sm_80", "gfx942"]

#: name -> expression over x and y, both Tensor[64, 64, dtype]
OPS = {
    "add": "x + y", "sub": "x - y", "mul": "x * y", "div": "x / y", "pow": "x ** y",
    "scalar": "x * 2 + 1", "neg": "-x", "abs": "tessera.abs(x)", "exp": "tessera.exp(x)",
    "log": "tessera.log(x)", "sqrt": "tessera.sqrt(x)", "rsqrt": "tessera.rsqrt(x)",
    "tanh": "tessera.tanh(x)", "sigmoid": "tessera.sigmoid(x)", "relu": "tessera.relu(x)",
    "silu": "tessera.silu(x)", "gelu": "tessera.gelu(x)", "maximum": "tessera.maximum(x, y)",
    "where": "tessera.where(x > y, x, y)",
    "equal": "tessera.cast(tessera.equal(x, y), tessera.f32)",
    "cast": "tessera.cast(x, tessera.f32)", "matmul": "x @ y",
    "sum": "tessera.sum(x, dim=-1)", "sum0": "tessera.sum(x, dim=0)",
    "mean": "tessera.mean(x, dim=-1)", "max": "tessera.max(x, dim=-1)",
    "max0": "tessera.max(x, dim=0)", "var": "tessera.var(x, dim=-1)",
    "softmax": "tessera.softmax(x)", "log_softmax": "tessera.log_softmax(x)",
    "layer_norm": "tessera.layer_norm(x)", "rms_norm": "tessera.rms_norm(x)",
    "transpose": "x.T + y", "reshape": "tessera.reshape(x, (-1,))",
    "dropout": "tessera.dropout(x, 0.5, 3)", "cumsum": "tessera.cumsum(x, -1)",
    "argmax": "tessera.argmax(x, -1)",
    "broadcast": "tessera.broadcast_to(tessera.sum(x, dim=-1, keepdim=True), (64, 64))",
    "concat": "tessera.concat([x, y], dim=0)", "slice": "x[1:, 3:]",
    "attention": "tessera.attention(tessera.reshape(x, (1, 64, 64)), "
                 "tessera.reshape(y, (1, 64, 64)), tessera.reshape(x, (1, 64, 64)))",
}


def _function(dtype, expr):
    namespace = {}
    source = (f"import tessera\nfrom tessera import Tensor\n\n@tessera.function\n"
              f"def f(x: Tensor[64, 64, tessera.{dtype}], y: Tensor[64, 64, tessera.{dtype}]):\n"
              f"    return {expr}\n")
    exec(compile(source, f"<{dtype}: {expr}>", "exec"), namespace)  # noqa: S102
    return namespace["f"]


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_op_the_cpu_path_compiles_compiles_for_gpus(dtype):
    failures, compiled = [], 0
    for index, (name, expr) in enumerate(OPS.items()):
        fn = _function(dtype, expr)
        try:
            tessera.compile(fn, target="cpu", use_cache=False)
        except Exception:  # noqa: BLE001 - the CPU path refuses it: not asked here
            continue
        target = TARGETS[(index + DTYPES.index(dtype)) % len(TARGETS)]
        try:
            tessera.compile(fn, target=target, use_cache=False)
            compiled += 1
        except Exception as e:  # noqa: BLE001 - collected, reported together
            failures.append(f"{name} ({expr}) for {target}: {str(e).splitlines()[:3]}")
    assert not failures, "\n".join(failures)
    assert compiled >= 20  # (the CPU path takes most ops in every dtype)
