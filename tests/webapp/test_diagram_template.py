"""The diagram viewer partial (templates/_diagram.html) with a Drawing and with plain SVG text: the SVG unescaped,
the legend in the renderer's colours, the warnings under the diagram, and links to the model's other diagrams."""

from types import SimpleNamespace

import pytest
from flask import render_template_string

from tests.procedures.driver import beijing
from tests.webapp.conftest import make_app
from webapp.diagram_legend import LEGEND
from workflows.diagram import BADGE
from workflows.diagram import COMPLETED
from workflows.diagram import OPEN
from workflows.diagram import TAKEN
from workflows.engine.clock import FixedClock

SVG = '<svg xmlns="http://www.w3.org/2000/svg" class="bpmn-diagram" viewBox="0 0 10 10" width="10" height="10"></svg>'
PAGE = '{% from "_diagram.html" import diagram_viewer with context %}{{ diagram_viewer(diagram, "the diagram") }}'


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The app on SQLite: rendering the partial reads no database, one leg is enough."""
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('diagram_template') / 'site.sqlite'}",
                   FixedClock(beijing("2026-09-01 09:00")))
    yield app
    app.extensions["cadreflow.engine"].dispose()


def rendered(app, diagram, path="/audit/cases/7?seq=3") -> str:
    with app.test_request_context(path):
        return render_template_string(PAGE, diagram=diagram)


def test_the_legend_takes_the_renderer_colours():
    assert (LEGEND["completed"].stroke, LEGEND["completed"].fill) == (COMPLETED.stroke, COMPLETED.fill)
    assert (LEGEND["open"].stroke, LEGEND["open"].fill, LEGEND["open"].width) == (OPEN.stroke, OPEN.fill, 3)
    assert (LEGEND["taken"].stroke, LEGEND["taken"].width) == (TAKEN.stroke, 3)
    assert LEGEND["repeated"].fill == BADGE


def test_plain_svg_text_is_shown_with_the_legend_and_nothing_else(app):
    html = rendered(app, SVG)
    assert SVG in html
    assert html.count("<li data-mark=") == 4 and f'fill="{BADGE}"' in html
    assert "diagram-warnings" not in html and "diagram-choices" not in html
    assert 'class="diagram-toolbar" role="toolbar"' in html and "hidden>" in html  # shown by the script only


def test_a_drawing_shows_its_warnings_and_its_other_diagrams(app):
    choices = (SimpleNamespace(id="main", title="主流程", shapes=40), SimpleNamespace(id="sub", title="", shapes=3))
    drawing = SimpleNamespace(svg=SVG, warnings=("跳过了 <图形> shape_9",), diagram_id="main", diagrams=choices)
    html = rendered(app, drawing)
    assert SVG in html
    assert '<ul class="diagram-warnings"' in html and "<li>跳过了 &lt;图形&gt; shape_9</li>" in html
    assert 'href="/audit/cases/7?seq=3&amp;diagram=main" aria-current="page">主流程</a>' in html
    assert 'href="/audit/cases/7?seq=3&amp;diagram=sub">sub</a>' in html  # no title: its id


def test_a_single_diagram_offers_no_choice(app):
    drawing = SimpleNamespace(svg=SVG, warnings=(), diagram_id="main",
                              diagrams=(SimpleNamespace(id="main", title="主流程", shapes=40),))
    html = rendered(app, drawing)
    assert "diagram-choices" not in html and "diagram-warnings" not in html
