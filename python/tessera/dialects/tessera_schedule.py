"""Generated op classes of the `tessera_schedule` dialect."""

from ._tessera_schedule_ops_gen import *  # noqa: F401,F403
from ._tessera_schedule_ops_gen import _Dialect  # noqa: F401
