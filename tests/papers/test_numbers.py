"""The document-number register: "{代字}〔{year}〕{n}号", gapless per 代字 and year, void numbers kept."""

import json
import threading
import time
from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import DocumentNumber
from tests.conftest import make_actor
from workflows.errors import Conflict
from workflows.errors import Forbidden
from workflows.errors import InvalidData
from workflows.papers import numbers
from workflows.record import audit

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def office(sessions):
    return make_actor(sessions, "organiser", "personnel_office")


def issue(sessions, actor, at=AT, prefix="青数", kind="appointment_notice", title="关于崔英同志任职的通知"):
    with sessions.begin() as session:
        number = numbers.issue(session, actor, at, prefix=prefix, kind=kind, title=title)
        return numbers.formatted(number)


def test_the_number_reads_as_the_document_prints_it():
    assert numbers.formatted(DocumentNumber(prefix="青数", year=2026, serial=18)) == "青数〔2026〕18号"


def test_each_prefix_and_each_year_counts_from_one(sessions, office):
    assert [issue(sessions, office) for _ in range(3)] == ["青数〔2026〕1号", "青数〔2026〕2号", "青数〔2026〕3号"]
    assert issue(sessions, office, prefix="青数任") == "青数任〔2026〕1号"
    # 2026-12-31 23:30 in Beijing is still 2026; 00:30 the next morning (16:30 UTC) is 2027.
    assert issue(sessions, office, at=datetime(2026, 12, 31, 15, 30, tzinfo=UTC)) == "青数〔2026〕4号"
    assert issue(sessions, office, at=datetime(2026, 12, 31, 16, 30, tzinfo=UTC)) == "青数〔2027〕1号"
    assert issue(sessions, office) == "青数〔2026〕5号"
    with sessions() as session:
        rows, total = numbers.register(session, prefix="青数", year=2026)
        assert total == 5 and [row.text for row in rows] == [f"青数〔2026〕{n}号" for n in range(1, 6)]
        assert rows[0].issued_by == "organiser"
        assert numbers.years(session) == [2027, 2026] and numbers.prefixes(session) == ["青数", "青数任"]


def test_a_void_number_stays_and_is_never_issued_again(sessions, office):
    issue(sessions, office)
    with sessions.begin() as session:
        number_id = session.scalar(select(DocumentNumber.id))
        numbers.void(session, office, AT, number_id, "  通知内容有误，重新发文  ")
    assert issue(sessions, office) == "青数〔2026〕2号"
    with sessions() as session:
        rows, _ = numbers.register(session)
        assert [(row.text, row.number.status, row.number.void_reason, row.voided_by) for row in rows] == [
            ("青数〔2026〕1号", "void", "通知内容有误，重新发文", "organiser"), ("青数〔2026〕2号", "issued", None, "")]
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert [event.type for event in events][-3:] == ["papers.number_issued", "papers.number_voided",
                                                          "papers.number_issued"]
        assert json.loads(events[-2].payload) == {"number": "青数〔2026〕1号", "number_id": number_id,
                                                  "kind": "appointment_notice", "reason": "通知内容有误，重新发文"}
        assert events[-1].role == "personnel_office"
        assert audit.verify_chain(session).ok
    with sessions.begin() as session, pytest.raises(Conflict, match="已于此前作废"):
        numbers.void(session, office, AT, number_id, "再次作废")


def test_voiding_needs_a_reason(sessions, office):
    issue(sessions, office)
    with sessions.begin() as session:
        number_id = session.scalar(select(DocumentNumber.id))
        for reason in ("", "   ", "长" * 201):
            with pytest.raises(InvalidData) as refused:
                numbers.void(session, office, AT, number_id, reason)
            assert "reason" in refused.value.errors
        assert session.get(DocumentNumber, number_id).status == "issued"


def test_only_the_office_and_admins_issue_and_void(sessions, office):
    issue(sessions, office)
    admin = make_actor(sessions, "admin", "admin")
    assert issue(sessions, admin) == "青数〔2026〕2号"
    for roles in (("party_secretary", "party_group"), ("auditor",), ("district_org_dept",)):
        someone = make_actor(sessions, f"user_{roles[0]}", *roles)
        with sessions.begin() as session:
            with pytest.raises(Forbidden):
                numbers.issue(session, someone, AT, prefix="青数", kind="k", title="t")
            with pytest.raises(Forbidden):
                numbers.void(session, someone, AT, 1, "作废")
    assert issue(sessions, office) == "青数〔2026〕3号"  # the refusals took no serial


@pytest.mark.parametrize(("field", "values"), [
    ("prefix", {"prefix": ""}), ("prefix", {"prefix": "青 数"}), ("prefix", {"prefix": "青〔数"}),
    ("prefix", {"prefix": "字" * 21}), ("title", {"title": " "}), ("kind", {"kind": "k" * 41})])
def test_a_bad_field_is_named_and_takes_no_serial(sessions, office, field, values):
    with sessions.begin() as session:
        with pytest.raises(InvalidData) as refused:
            numbers.issue(session, office, AT, **{"prefix": "青数", "kind": "k", "title": "标题", **values})
        assert field in refused.value.errors
    assert issue(sessions, office) == "青数〔2026〕1号"


def test_a_rolled_back_transaction_leaves_no_gap(sessions, office):
    issue(sessions, office)
    with sessions() as session:
        assert numbers.formatted(numbers.issue(session, office, AT, prefix="青数", kind="k", title="t")) == \
            "青数〔2026〕2号"
        session.rollback()  # the document failed after its number was taken: the counter goes back with it
    assert issue(sessions, office) == "青数〔2026〕2号"
    with sessions() as session:
        assert session.scalar(select(DocumentNumber.serial).order_by(DocumentNumber.serial.desc())) == 2


def test_eight_parallel_issuers_get_one_to_eight(sessions, office):
    """Eight transactions at once (and a ninth that fails after taking its number): serials 1..8, nothing lost."""
    start, taken, errors = threading.Barrier(9), [], []

    def issuer(index: int) -> None:
        try:
            start.wait(timeout=30)
            with sessions.begin() as session:
                number = numbers.issue(session, office, AT, prefix="青数", kind="k", title=f"文件 {index}")
                time.sleep(0.05)  # hold the counter's lock a while: the others must wait, not skip or repeat
                if index == 8:
                    raise RuntimeError("the document could not be made")
                taken.append(number.serial)
        except RuntimeError:
            pass
        except Exception as error:  # noqa: BLE001 - reported below, on the test's thread
            errors.append(error)

    threads = [threading.Thread(target=issuer, args=(index,)) for index in range(9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert sorted(taken) == list(range(1, 9))
    with sessions() as session:
        assert sorted(session.scalars(select(DocumentNumber.serial))) == list(range(1, 9))
        assert audit.verify_chain(session).ok
    assert issue(sessions, office) == "青数〔2026〕9号"
