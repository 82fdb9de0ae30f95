"""Tessera: an MLIR dialect suite for writing fast GPU kernels.

The package holds the upstream MLIR Python core under the prefix
``tessera.`` (``tessera.ir``, ``tessera.passmanager``,
``tessera.dialects.*``), generated op classes for Tessera's four dialects
(``tessera.dialects.tessera_graph``, ``tessera_schedule``, ``tessera_tile``,
``tessera_target``), and the compiler driver in :mod:`tessera.compiler`.

Importing ``tessera`` alone loads no MLIR: the native libraries load on the
first import of ``tessera.ir`` (or anything built on it).
"""

__version__ = "0.1.0"
