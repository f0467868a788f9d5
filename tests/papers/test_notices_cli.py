"""``cadreflow notice CASE_ID KIND``: a draft notice written to a file with the bureau's settings; exit 1 on errors."""

import pytest

from tests.papers import paper_text
from tests.papers.notice_case import driven  # noqa: F401 - fixture
from tests.webapp.conftest import make_app
from workflows.engine.clock import local_date


@pytest.fixture(scope="module")
def app(driven):  # noqa: F811
    app = make_app(driven.url, driven.clock, BUREAU_PHONE="021-69990002", BUREAU_NAME="上海市青浦区测试局",
                   BUREAU_PREFIX="青测")
    yield app
    app.extensions["cadreflow.engine"].dispose()


def notice(app, *args):
    return app.test_cli_runner().invoke(args=["notice", *args])


def test_a_draft_is_written_in_the_format_of_its_suffix_with_the_bureau_of_the_settings(app, driven, tmp_path):  # noqa: F811
    pdf, docx = tmp_path / "公示.pdf", tmp_path / "公示.docx"
    done = notice(app, str(driven.case_id), "publicity", "--out", str(pdf))
    assert done.exit_code == 0, done.output
    assert "任前公示" in done.output and str(pdf) in done.output
    text = paper_text.pdf_text(pdf.read_bytes())
    year = local_date(driven.clock.now()).year  # a draft leaves the number of the year it is made in to fill
    assert "上海市青浦区测试局干部任前公示" in text and "联系电话：021-69990002" in text and f"青测〔{year}〕号" in text
    assert notice(app, str(driven.case_id), "publicity", "--out", str(docx)).exit_code == 0
    assert docx.read_bytes().startswith(b"PK") and "021-69990002" in paper_text.docx_text(docx.read_bytes())
    forced = tmp_path / "材料.bin"
    done = notice(app, str(driven.case_id), "inspection_material", "--staff-no", "QP0010", "--format", "docx",
                  "--out", str(forced))
    assert done.exit_code == 0, done.output
    assert "关于严桂秀同志的考察材料" in paper_text.docx_text(forced.read_bytes())


@pytest.mark.parametrize(("args", "said"), [
    (("999", "publicity"), "案件 999 不存在"),
    (("{case}", "pamphlet"), "没有这种文书：pamphlet"),
    (("{started}", "publicity"), "尚未办理到出具任前公示的环节"),
    (("{case}", "inspection_material"), "考察材料须指明考察对象"),
    (("{case}", "discipline_letter", "--staff-no", "QP0018"), "QP0018 不是本案件征求党风廉政意见函的考察对象"),
])
def test_errors_exit_1_saying_what_is_wrong_and_write_nothing(app, driven, tmp_path, args, said):  # noqa: F811
    out = tmp_path / "x.pdf"
    filled = [arg.format(case=driven.case_id, started=driven.started_id) for arg in args]
    done = notice(app, *filled, "--out", str(out))
    assert done.exit_code == 1 and said in done.output, done.output
    assert not out.exists()


def test_an_unwritable_file_exits_1(app, driven, tmp_path):  # noqa: F811
    done = notice(app, str(driven.case_id), "publicity", "--out", str(tmp_path / "missing" / "x.pdf"))
    assert done.exit_code == 1 and "x.pdf" in done.output
