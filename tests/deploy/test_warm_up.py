"""Before gunicorn binds its socket and forks (and before `cadreflow serve` answers), jieba's dictionary and every
page template are loaded: under load a worker's first replay page took ~2 s for them (make load); warm, 61 ms."""

import runpy
from types import SimpleNamespace

from tests.deploy.conftest import ROOT
from tests.webapp.conftest import make_app
from workflows.diagram import chinese_words


def test_the_master_loads_what_the_first_requests_would_before_it_forks(db_url, clock, monkeypatch):
    monkeypatch.setattr(chinese_words, "_tokenizer", None)  # as in a new process
    app = make_app(db_url, clock)
    try:
        templates = app.jinja_env.list_templates(extensions=("html",))
        assert templates and len(app.jinja_env.cache) < len(templates)
        config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        config["on_starting"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app)))
        assert chinese_words._tokenizer  # loaded, not failed
        assert len(app.jinja_env.cache) >= len(templates)
    finally:
        app.extensions["cadreflow.engine"].dispose()
