"""The numbered page links of a long list: the first and last pages and those near the current one, not all."""

import re

from flask import render_template_string
from werkzeug.datastructures import MultiDict

LINKS = "{% from '_pagination.html' import pagination %}{{ pagination('audit_pages.index', args, page, pages) }}"


def _numbers(app, page: int, pages: int) -> list[str]:
    with app.test_request_context("/audit"):
        html = render_template_string(LINKS, args=MultiDict({"status": "running"}), page=page, pages=pages)
    return re.findall(r'>(\d+|…)<', html)


def test_a_short_list_links_every_page(app):
    assert _numbers(app, 1, 5) == ["1", "2", "3", "4", "5"]
    assert _numbers(app, 1, 1) == []


def test_a_long_list_links_its_ends_and_the_pages_near_this_one(app):
    assert _numbers(app, 1000, 2000) == ["1", "2", "…", *map(str, range(995, 1006)), "…", "1999", "2000"]
    assert _numbers(app, 1, 2000) == [*map(str, range(1, 7)), "…", "1999", "2000"]
    with app.test_request_context("/audit"):
        html = render_template_string(LINKS, args=MultiDict({"status": "running"}), page=3, pages=2000)
    assert 'href="/audit?status=running&amp;page=3" aria-current=page' in html
