"""Op classes of the `tessera_graph` dialect, its enums, and helpers."""

from ._tessera_graph_ops_gen import *  # noqa: F401,F403
from ._tessera_graph_ops_gen import _Dialect  # noqa: F401
from ._tessera_graph_enum_gen import *  # noqa: F401,F403
