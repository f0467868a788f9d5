"""What the first requests would otherwise load, loaded once before a server forks its workers or starts serving."""

from flask import Flask

from workflows.diagram import chinese_words


def warm_up(app: Flask) -> None:
    """Load jieba's dictionary (~0.6 s: the first diagram with Chinese labels waited for it) and compile every page
    template (~0.15 s for the first page of a kind): a worker forked after this starts with both, shared."""
    chinese_words.load()
    for name in app.jinja_env.list_templates(extensions=("html",)):
        app.jinja_env.get_template(name)
