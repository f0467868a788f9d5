"""cadreflow web application: the app factory."""

from datetime import timedelta

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

__version__ = "0.1.0"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application; nothing happens at import time."""
    from webapp import api
    from webapp import bounded
    from webapp import checkpointing
    from webapp import config
    from webapp import db
    from webapp import errors
    from webapp import health
    from webapp import structured_log
    from webapp import templating
    from webapp import text_input
    from webapp.cli import commands
    from webapp.extensions import babel
    from webapp.extensions import csrf
    from webapp.extensions import login_manager
    from webapp.i18n import printed
    from webapp.i18n import select_locale
    from webapp.pages import account
    from webapp.pages import admin
    from webapp.pages import approval_form
    from webapp.pages import audit
    from webapp.pages import auth
    from webapp.pages import case_papers
    from webapp.pages import case_start
    from webapp.pages import cases
    from webapp.pages import headcount
    from webapp.pages import home
    from webapp.pages import registry as registry_pages
    from webapp.pages import registry_lrmx
    from webapp.pages import registry_tools
    from webapp.pages import tasks
    from webapp.security import install_response_hooks
    from workflows.engine.clock import SystemClock
    from workflows.processes.local_rules import load_policy

    app = Flask(__name__, instance_relative_config=True)
    # Every <int:…> id of a route stops at the database's INTEGER range (before any route is added).
    app.url_map.converters["int"] = bounded.BoundedIntConverter
    settings = config.load(app.instance_path, test_config)
    secure = bool(settings["COOKIE_SECURE"])
    app.config.update(
        settings,
        BABEL_DEFAULT_LOCALE=settings["DEFAULT_LOCALE"],
        SESSION_COOKIE_NAME="__Host-cadreflow" if secure else "cadreflow_session",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings["SESSION_HOURS"]),
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,
        # A whole request: a task's files (10 MiB each, checked one by one) or a registry workbook.
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
    )
    app.extensions["cadreflow.clock"] = settings.get("CLOCK") or SystemClock()
    app.extensions["cadreflow.policy"] = load_policy(settings["POLICY_FILE"])
    if settings["TRUSTED_PROXIES"]:
        # Behind nginx: the client's address, the scheme (https) and the host are those its X-Forwarded-* headers
        # name, believed from that many proxies only; without the setting a client could claim any of them.
        hops = settings["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    structured_log.init_app(app)  # first: its timer starts before, and its line is written after, every other hook
    checkpointing.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    # A domain message printed by a template ({{ error }}, a code's label) speaks the page's language.
    app.jinja_env.finalize = printed
    templating.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(registry_pages.bp)
    app.register_blueprint(registry_tools.bp)
    app.register_blueprint(registry_lrmx.bp)
    app.register_blueprint(approval_form.bp)
    app.register_blueprint(headcount.bp)
    app.register_blueprint(case_start.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(case_papers.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(tasks.bp)
    app.register_blueprint(audit.bp)
    # Bearer tokens are not sent by browsers on their own, so the API needs no CSRF token.
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
    errors.register(app)
    text_input.init_app(app)  # before any view reads a NUL byte into a query
    install_response_hooks(app)
    # After the security headers' hook: Flask runs after-request hooks last registered first, so the request's
    # commit decides the answer (a lost race turns it into a 409) before the headers go on it.
    db.init_app(app)
    commands.register(app)
    return app
