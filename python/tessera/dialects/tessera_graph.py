"""Generated op classes of the `tessera_graph` dialect."""

from ._tessera_graph_ops_gen import *  # noqa: F401,F403
from ._tessera_graph_ops_gen import _Dialect  # noqa: F401
