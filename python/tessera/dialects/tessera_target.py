"""Generated op classes of the `tessera_target` dialect."""

from ._tessera_target_ops_gen import *  # noqa: F401,F403
from ._tessera_target_ops_gen import _Dialect  # noqa: F401
