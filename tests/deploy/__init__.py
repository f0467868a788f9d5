"""Tests of the production deployment: gunicorn with the shipped config, /healthz, the logs, deploy/."""
