"""Errors caused by the user's code show the user's code.

An exception that leaves Tessera through a public entry point (calling a
``@tessera.function`` or ``@tessera.jit`` function, tracing it,
``tessera.compile``, calling an artifact) loses the frames of Tessera's own
modules from its traceback, as JAX filters its own: what remains is the
user's code, down to the line that caused the error (``x @ w`` with
mismatched shapes), and one frame of this module where the exception was
re-raised. ``TESSERA_TRACEBACK=full`` keeps every frame.

Pure Python: the runtime imports it on machines without MLIR.
"""

from __future__ import annotations

import functools
import os
import types

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_NOTE = ("(Tessera's own frames are hidden from this traceback; "
         "TESSERA_TRACEBACK=full shows them)")


def _is_tessera(tb: types.TracebackType) -> bool:
    return os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(_PACKAGE)


def without_tessera_frames(tb):
    """The traceback `tb` without the frames of Tessera's modules."""
    kept = []
    while tb is not None:
        if not _is_tessera(tb):
            kept.append(tb)
        tb = tb.tb_next
    filtered = None
    for t in reversed(kept):
        filtered = types.TracebackType(filtered, t.tb_frame, t.tb_lasti, t.tb_lineno)
    return filtered


def user_frames(fn):
    """Decorator for public entry points: exceptions leave with the user's
    frames only (unless TESSERA_TRACEBACK=full)."""
    @functools.wraps(fn)
    def entry_point(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as error:
            if os.environ.get("TESSERA_TRACEBACK") == "full":
                raise
            # (add_note is Python 3.11's; on 3.10 the frames still go.)
            if hasattr(error, "add_note") and _NOTE not in getattr(error, "__notes__", ()):
                error.add_note(_NOTE)
            raise error.with_traceback(without_tessera_frames(error.__traceback__))

    return entry_point
