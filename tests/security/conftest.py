"""The web layer's fixtures (an app on each backend, a client, a real HTTP server) for the attack suite."""

from tests.webapp.conftest import app  # noqa: F401  (fixture)
from tests.webapp.conftest import client  # noqa: F401  (fixture)
from tests.webapp.conftest import live_server  # noqa: F401  (fixture)
