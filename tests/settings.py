"""The settings pytest runs with: the app's own settings, in the embedded mode.

outreach/config/settings.py refuses to start without SECRET_KEY unless TUNGNHA_EMBEDDED=1
(a server must never fall back to DEBUG and a published key). `make test` sets it; this
module sets it for a bare `python -m pytest` too, and for the processes the tests start
(they inherit the environment). It cannot live in tests/conftest.py: pytest-django imports
the settings while pytest parses its options, before any conftest.py is read.
"""

import os

os.environ.setdefault("TUNGNHA_EMBEDDED", "1")

from outreach.config.settings import *  # noqa: E402, F403
