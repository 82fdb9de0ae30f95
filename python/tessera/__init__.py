"""Tessera: an MLIR dialect suite for writing fast GPU kernels.

The package holds the upstream MLIR Python core under the prefix
``tessera.`` (``tessera.ir``, ``tessera.passmanager``,
``tessera.dialects.*``), generated op classes for Tessera's four dialects
(``tessera.dialects.tessera_graph``, ``tessera_schedule``, ``tessera_tile``,
``tessera_target``), the tracing front end (``@tessera.function``,
``tessera.Tensor``, the ops), the compile driver (:mod:`tessera.compiler`),
the CPU path (:mod:`tessera.cpu`), artifacts (:mod:`tessera.artifact`) and
the runtime (:mod:`tessera.runtime`).

Importing ``tessera`` loads no MLIR: the native libraries load on first use
of a front-end function, of ``tessera.compile`` or of ``tessera.ir``. This
matters beyond start-up time: ``import tessera.runtime`` runs this file
first, and the runtime must import on a GPU machine that has no MLIR at all
(with only the source tree's ``python/`` on sys.path).
"""

from .types import (DType, Static, StaticSpec, Tensor, TensorSpec, bf16, bool_, f8e4m3,
                    f8e5m2, f16, f32, f64, i8, i32)

__version__ = "0.1.0"

# Front-end names resolve lazily (PEP 562) so that `import tessera` stays free
# of MLIR until they are used.
_FRONTEND = {
    "ShapeError", "TracedTensor", "Function", "function", "jit", "numerics", "Policy",
    "matmul", "softmax", "log_softmax", "layer_norm", "rms_norm", "attention",
    "relu", "gelu", "silu", "sigmoid", "tanh", "exp", "log", "sqrt", "rsqrt",
    "neg", "abs", "maximum", "minimum", "where", "cast", "sum", "mean", "max",
    "min", "transpose", "reshape", "broadcast_to", "concat", "var", "std", "linear",
    "take", "embedding", "argmax", "argmin", "cumsum", "dropout", "equal", "not_equal",
    "constant",
}


#: The kernel language (``@tessera.kernel``, tessera/dsl.py): no MLIR until a
#: kernel is compiled. The functions kernels call (program_id, arange, ...)
#: exist only inside kernels.
_DSL = {"kernel", "Kernel", "KernelError", "constexpr"}
_KERNEL_ONLY = {"program_id", "block_size", "thread_id", "arange", "load", "store",
                "zeros", "dot", "range"}


def _compiler_module(name: str):
    """The compiler-side module `name`; in a runtime-only install
    (scripts/build_runtime_wheel.py: tessera/__init__.py, types.py and
    runtime/ alone), an ImportError that says what is missing."""
    import importlib

    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{name}":
            raise
        raise ImportError(f"tessera.{name} is part of the compiler, which this install "
                          f"does not have (tessera-runtime runs saved artifacts: "
                          f"tessera.runtime.load); install the full tessera package to "
                          f"compile") from None


def __getattr__(name):
    if name in _DSL:
        return getattr(_compiler_module("dsl"), name)
    if name in _KERNEL_ONLY:
        raise AttributeError(f"tessera.{name} is used inside a @tessera.kernel function "
                             f"(where the kernel's builder reads it), not called directly")
    if name in _FRONTEND:
        return getattr(_compiler_module("frontend"), name)
    if name == "compile":
        return _compiler_module("compiler").compile
    if name == "Artifact":
        return _compiler_module("artifact").Artifact
    if name == "autotune":
        return _compiler_module("autotuning").autotune
    if name == "Schedule":
        return _compiler_module("schedule").Schedule
    if name == "profile":
        return _compiler_module("profiling").profile
    raise AttributeError(f"module 'tessera' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_FRONTEND) + list(_DSL)
                  + ["compile", "Artifact", "Schedule", "autotune", "profile"])
