"""The JSON API under /api/v1, authenticated by bearer tokens."""

from webapp.api.routes import bp  # importing the routes registers them on the blueprint

__all__ = ["bp"]
