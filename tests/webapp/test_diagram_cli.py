"""``cadreflow diagram``: BPMN files drawn to SVG with their warnings; exit 1 naming a file that cannot be drawn."""

from pathlib import Path

from click.testing import CliRunner

from tests.workflows.test_diagram_leniency import TASK
from tests.workflows.test_diagram_leniency import model
from webapp.cli.diagram import diagram

MIWG = Path(__file__).resolve().parents[1] / "data" / "bpmn-miwg"


def run(*args):
    return CliRunner().invoke(diagram, [str(arg) for arg in args])


def test_one_file_is_drawn_to_the_svg_file_named(tmp_path):
    result = run(MIWG / "A.1.0.bpmn", "--out", tmp_path / "a.svg")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.svg").read_text(encoding="utf-8").startswith("<svg")
    assert "A.1.0.bpmn" in result.output and "5" in result.output and "4" in result.output


def test_several_files_go_to_a_folder_with_a_line_each_and_their_warnings(tmp_path):
    (tmp_path / "dangling.bpmn").write_bytes(model(task=TASK.replace('bpmnElement="task"', 'bpmnElement="ghost"')))
    result = run(MIWG / "C.4.0.bpmn", tmp_path / "dangling.bpmn", "--out", tmp_path / "svg")
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (tmp_path / "svg").iterdir()) == ["C.4.0.svg", "dangling.svg"]
    lines = result.output.splitlines()
    assert lines[0].startswith("C.4.0.bpmn") and "--diagram" in lines[1]  # C.4.0 offers its other diagrams
    (summary,) = [index for index, line in enumerate(lines) if line.startswith("dangling.bpmn")]
    assert "task_di" in lines[summary + 1] and "ghost" in lines[summary + 1]


def test_a_file_that_cannot_be_drawn_is_named_with_its_reason_and_exits_1(tmp_path):
    (tmp_path / "bare.bpmn").write_bytes(model().split(b"<bpmndi:BPMNDiagram")[0] + b"</bpmn:definitions>")
    (tmp_path / "broken.bpmn").write_bytes(b"<definitions")
    result = run(MIWG / "A.1.0.bpmn", tmp_path / "bare.bpmn", tmp_path / "broken.bpmn", "--out", tmp_path / "svg")
    assert result.exit_code == 1
    assert "bare.bpmn" in result.output and "BPMNDiagram" in result.output
    assert "broken.bpmn" in result.output and "XML" in result.output
    assert (tmp_path / "svg" / "A.1.0.svg").is_file() and not (tmp_path / "svg" / "bare.svg").exists()


def test_a_diagram_asked_for_by_id_is_drawn(tmp_path):
    it_diagram = "_2197e5f3-4fb0-4665-aeb8-338e750d4939"  # C.4.0's second diagram, the IT pool's
    result = run(MIWG / "C.4.0.bpmn", "--out", tmp_path / "it.svg", "--diagram", it_diagram)
    assert result.exit_code == 0, result.output
    assert "<title>IT</title>" in (tmp_path / "it.svg").read_text(encoding="utf-8")
    assert run(MIWG / "C.4.0.bpmn", "--out", tmp_path / "x.svg", "--diagram", "nope").exit_code == 1


def test_bad_arguments_exit_2_with_a_message(tmp_path):
    assert run(MIWG / "A.1.0.bpmn").exit_code == 2  # no --out
    assert run("--out", tmp_path / "a.svg").exit_code == 2  # no file
    missing = run(tmp_path / "missing.bpmn", "--out", tmp_path / "a.svg")
    assert missing.exit_code == 2 and "missing.bpmn" in missing.output
    (tmp_path / "taken").write_text("")
    assert run(MIWG / "A.1.0.bpmn", MIWG / "A.2.0.bpmn", "--out", tmp_path / "taken").exit_code == 2
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "A.1.0.bpmn").write_bytes((MIWG / "A.1.0.bpmn").read_bytes())
    clash = run(MIWG / "A.1.0.bpmn", tmp_path / "other" / "A.1.0.bpmn", "--out", tmp_path / "svg")
    assert clash.exit_code == 2 and "A.1.0.svg" in clash.output
