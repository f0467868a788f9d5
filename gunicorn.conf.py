"""gunicorn settings for cadreflow in production: ``gunicorn -c gunicorn.conf.py`` (deploy/ runs it so).

The app's own settings are ``CADREFLOW_*`` variables (README, "Configuration"); these few shape the server:
``CADREFLOW_BIND`` (default 127.0.0.1:8000, where nginx sends the requests), ``CADREFLOW_WEB_WORKERS`` (a fixed
number of workers) or ``CADREFLOW_WEB_WORKERS_MAX`` (the cap on 2 × cores + 1, default 8) and
``CADREFLOW_WEB_TIMEOUT`` (seconds a request may take, default 60). A gunicorn option given on the command line
wins over this file.
"""

import gc
import os

wsgi_app = "webapp:create_app()"
bind = os.environ.get("CADREFLOW_BIND", "127.0.0.1:8000")


def _cores() -> int:
    """The cores this process may run on (a container's or a systemd CPUAffinity's, not the host's)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# Sync workers, one request each at a time: the requests are short and nginx buffers slow clients in front.
# 2 × cores + 1 keeps the cores busy while some workers wait on PostgreSQL; each sign-in's argon2id hash takes
# 64 MiB for a moment, so the cap also bounds the memory.
workers = int(os.environ.get("CADREFLOW_WEB_WORKERS")
              or min(2 * _cores() + 1, int(os.environ.get("CADREFLOW_WEB_WORKERS_MAX", "8"))))
worker_class = "sync"
timeout = int(os.environ.get("CADREFLOW_WEB_TIMEOUT", "60"))  # a record PDF or a filing package of a big case
graceful_timeout = 30  # on HUP or TERM a worker finishes its request within this, then is stopped
keepalive = 5
# A worker is replaced after this many requests (the jitter keeps them from all restarting at once): whatever a
# long-lived process accumulates is let go without anyone noticing.
max_requests = 2000
max_requests_jitter = 200
# The heartbeat file of each worker lives in memory: on a slow or full disk a worker would look stuck.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# The app is loaded once in the master and shared by the forked workers (copy on write): the start takes one
# load, not one per worker, and a broken setting stops the master with its message before any worker starts.
# Code changes then need a restart (systemctl restart), not a HUP (which reloads this file and the workers).
preload_app = True

# The app writes one JSON line per request (method, path, endpoint, status, duration, user, case) on stderr:
# gunicorn's own access log would only repeat it without the user and the case. Its error log goes to stderr too.
os.environ.setdefault("CADREFLOW_LOG_FORMAT", "json")
accesslog = None
errorlog = "-"
loglevel = "info"
proc_name = "cadreflow"

# Whom to believe about the scheme and the client is the app's to decide (CADREFLOW_TRUSTED_PROXIES, werkzeug's
# ProxyFix): gunicorn's own X-Forwarded-Proto handling from 127.0.0.1 would make it https behind the app's back.
secure_scheme_headers = {}
forwarder_headers = ""
# No control socket: systemd and signals (HUP, TERM) manage the processes, and several instances on one
# machine would otherwise share its default path.
control_socket_disable = True


def on_starting(server):
    """The app is loaded (preload) and no socket is bound yet: what its first requests would load is loaded here,
    once, for every worker to share (a worker's first diagram waited ~1 s for it, make load). Before the bind, a
    health check meanwhile finds the port closed, not a server that does not answer."""
    from webapp.warm import warm_up

    app = server.app.wsgi()
    if hasattr(app, "jinja_env"):  # a cadreflow app (gunicorn may be pointed at another)
        warm_up(app)


def when_ready(server):
    """The app is loaded and nothing is forked yet: what it built (specs, templates, the ORM's classes) leaves the
    collector's scans, in the master and so in every worker (the full collections would otherwise pause requests
    now and then for ~90 ms, benchmarks/bench_pages.py --gc-freeze; frozen objects also stay unwritten, so shared)."""
    gc.freeze()


def post_fork(server, worker):
    """A worker's first step: it must not reuse database connections the master opened while loading the app
    (two processes on one socket); ``close=False`` leaves them to the master instead of closing them under it."""
    app = server.app.wsgi()
    engine = getattr(app, "extensions", {}).get("cadreflow.engine")
    if engine is not None:
        engine.dispose(close=False)
