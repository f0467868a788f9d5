"""The selection site and the journey helpers of the browser tests: a served app, people signing in, forms filled."""

import warnings
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import screenshot
from tests.browser.conftest import sign_in
from tests.procedures.driver import beijing
from tests.webapp.conftest import add_user
from tests.webapp.conftest import make_app
from tests.webapp.conftest import serving
from workflows.actors import SYSTEM
from workflows.engine.clock import FixedClock
from workflows.processes import deploy
from workflows.registry import cadre_records
from workflows.registry.demo import seed_registry

SELECTION = Path(__file__).resolve().parents[2] / "bpmn" / "cadre_selection.bpmn"
PEOPLE = {"organiser": ("personnel_office",), "secretary": ("party_secretary", "party_group"),
          **{f"member{n}": ("party_group",) for n in range(1, 7)}, "inspector": ("inspection_team",),
          "discipline": ("discipline",), "district": ("district_org_dept",)}


@contextmanager
def selection_site(folder: Path):
    """The app served on 127.0.0.1 with the demo registry, the selection model and the bureau's people."""
    clock = FixedClock(beijing("2026-09-01 09:00"))
    app = make_app(f"sqlite:///{folder / 'site.sqlite'}", clock)
    with app.extensions["cadreflow.sessions"].begin() as session:
        seed_registry(session, clock.now().date())
        deploy.deploy(session, deploy.bundle_from_paths([SELECTION]), SYSTEM, clock.now())
    for username, roles in PEOPLE.items():
        add_user(app, username, *roles)
    with serving(app) as base:
        yield base, app, clock
    app.extensions["cadreflow.engine"].dispose()


class Journey:
    """Signs people in and out and does their tasks through the pages, keeping a screenshot of each."""

    def __init__(self, page, base: str):
        self.page, self.base, self.shots, self.user = page, base, 0, None

    def as_(self, username: str) -> None:
        # Leave the page first: a response still on its way (a stylesheet of the last page) carries the session
        # cookie and, arriving after the cookies were cleared, would sign the last user in again.
        self.page.goto("about:blank")
        self.page.context.clear_cookies()
        sign_in(self.page, self.base, username)
        self.user = username

    def shot(self, name: str) -> None:
        self.shots += 1
        screenshot(self.page, f"journey_{self.shots:02d}_{name}")

    def task(self, username: str, name: str, fill, *, shot: str) -> None:
        """Open ``name`` from the inbox of ``username``, fill it in and submit it."""
        if username != self.user:  # a clerk doing the next task of theirs stays signed in
            self.as_(username)
        self.page.goto(f"{self.base}/inbox")
        self.page.click(f"table.tasks a:text-is('{name}')")
        fill(self.page)
        self.shot(shot)
        # A field the browser itself refuses (a number out of range, a required box) would keep the form from
        # being sent at all: name it instead of waiting for a navigation that cannot come.
        invalid = self.page.eval_on_selector(
            "section.form form.grid", "form => [...form.elements].filter(e => !e.checkValidity())"
                                      ".map(e => `${e.name}: ${e.validationMessage}`)")
        assert not invalid, f"{name}: the browser refuses {invalid}"
        self.submit(name)
        if self.page.url != f"{self.base}/inbox":  # refused: say which fields and why
            errors = self.page.locator(".field-error, .flash.error").all_inner_texts()
            pytest.fail(f"{name} was not accepted: {errors}")
        assert f"已办理「{name}」" in self.page.inner_text("main")

    def submit(self, name: str) -> None:
        """Click 提交 and wait for the next page.

        In three loaded CI runs the click on ⑥'s 提交 sent nothing, every field valid, and it never happened
        here: the page is kept as a screenshot and the form is sent as the button would send it, with a
        warning, so the journey goes on and the stuck page can be read.
        """
        button = "section.form form.grid button[type=submit]"
        try:
            with self.page.expect_navigation(timeout=30_000):
                self.page.click(button)
        except PlaywrightTimeout:
            screenshot(self.page, f"stuck_{self.shots:02d}")
            warnings.warn(f"「{name}」: the click on 提交 sent nothing in 30 s; sent by requestSubmit", stacklevel=2)
            with self.page.expect_navigation(timeout=90_000):
                self.page.eval_on_selector(button, "button => button.form.requestSubmit(button)")


def texts(**values):
    """A fill step typing ``values`` into the fields of those names."""
    def fill(page):
        for name, value in values.items():
            page.fill(f"#{name}", value)
    return fill


def picks(**values):
    """A fill step picking people by their value: a box ticked for each of a list, or one chosen in a picker."""
    def fill(page):
        for name, chosen in values.items():
            if isinstance(chosen, str):
                page.select_option(f"#{name}", chosen)
            else:
                for value in chosen:
                    page.check(f"input[name={name}][value={value}]")
    return fill


def per_candidate(field: str, rows: dict[str, dict]):
    """A fill step for a table with a row per candidate: ``rows`` = {staff number: {column: value}}."""
    def fill(page):
        for staff_no, values in rows.items():
            name = page.locator(f"input[type=hidden][name^='{field}.'][value='{staff_no}']").get_attribute("name")
            index = name.split(".")[1]
            for column, value in values.items():
                target = f"[name='{field}.{index}.{column}']"
                element = page.locator(target).first
                if element.get_attribute("type") == "radio":
                    page.check(f"{target}[value='{value}']")
                elif element.evaluate("node => node.tagName") == "SELECT":
                    page.select_option(target, value)
                else:
                    page.fill(target, value)
    return fill


def dossier_rows(app, staff_nos) -> dict[str, dict]:
    """⑩ as the dossier reads: the 三龄二历一身份 the registry holds (so "审核无问题" is consistent)."""
    rows = {}
    with app.extensions["cadreflow.sessions"]() as session:
        for staff_no in staff_nos:
            record = cadre_records.record_of(session, cadre_records.find_cadre(session, staff_no))
            rows[staff_no] = {"birth_date": record["birth_date"], "work_start_date": record["work_start_date"],
                              "education": record["ft_education_level"] or "bachelor", "work_history": "consistent",
                              "cadre_identity": "consistent", "dossier_result": "ok"}
            if record["party_join_date"]:
                rows[staff_no]["party_join_date"] = record["party_join_date"]
    return rows


def both(*fills):
    def fill(page):
        for step in fills:
            step(page)
    return fill


def run_timers(app, clock, at) -> None:
    clock.at = at + timedelta(minutes=1)
    result = app.test_cli_runner().invoke(args=["run-timers"])
    assert "已触发 1 个案件" in result.output, result.output


def start_to_work_plan(journey: Journey, prefix: str = "") -> None:
    """The organiser starts a selection; analysis, motion, the secretary's consent and the work plan."""
    page = journey.page
    journey.as_("organiser")
    page.click("nav >> text=发起案件")
    page.click("text=科级干部选拔任用（十六步工作法）")
    page.select_option("#post_section_code", "SJZY")
    page.fill("#post_title", "科长")
    page.select_option("#post_level", "section_chief")
    page.check("#confirm")
    journey.shot(f"{prefix}start")
    page.once("dialog", lambda dialog: dialog.accept())  # the start button asks "确定发起该案件？"
    page.click("form.grid button[type=submit]")
    assert "已发起案件" in page.inner_text("main")

    def analysis(page):
        page.check("input[name=vacancy_exists][value=true]")
        texts(headcount_note="核定正科 1 名，空缺 1 名", analysis="原科长交流轮岗后空缺，需从副科级干部中选拔")(page)
    journey.task("organiser", "①分析研判", analysis, shot=f"{prefix}analysis")

    def motion(page):
        texts(position_conditions="副科级满两年，近三年考核称职以上", recommendation_scope="局机关全体干部",
              procedure_plan="按十六步工作法办理")(page)
        page.check("input[name=method][value=democratic_recommendation]")
        page.check("input[name=needs_upper_report][value=false]")
    journey.task("organiser", "②提出动议", motion, shot=f"{prefix}motion")

    def consent(page):
        page.check("input[name=motion_agreed][value=true]")
        page.fill("#secretary_opinion_on_motion", "同意启动")
    journey.task("secretary", "②书记同意动议", consent, shot=f"{prefix}consent")
    journey.task("secretary", "③酝酿形成工作方案",
                 texts(plan="民主推荐后进行差额考察，九月完成", deliberation="听取分管领导意见"),
                 shot=f"{prefix}work_plan")


# Three recommended for one post: 崔英 leaves at 考察 (不建议任用), 严桂秀 is not chosen, 孔浩俊 is appointed.
THREE = ("QP0003", "QP0010", "QP0018")
VOTES = {"QP0003": ("3", "8", "12"), "QP0010": ("0", "2", "8"), "QP0018": ("0", "0", "6")}
FEWER_VOTES = {"QP0003": ("2", "4", "5"), "QP0010": ("0", "1", "3"), "QP0018": ("0", "0", "2")}
