"""Every shipped MIWG file and tool export draws (its skips named in warnings) or is refused naming the file.

``pytest -s`` prints the counts: drawn, drawn with warnings, refused.
"""

from collections import Counter
from pathlib import Path

from lxml import etree

from workflows import diagram
from workflows.errors import DeployError

DATA = Path(__file__).resolve().parents[1] / "data"
FOLDERS = [DATA / "bpmn-miwg", DATA / "bpmn-miwg-tools"]
SVG = "{http://www.w3.org/2000/svg}"
BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"


def shipped() -> list[Path]:
    return sorted(path for folder in FOLDERS for path in folder.rglob("*.bpmn"))


def unaccounted(data: bytes, drawing: diagram.Drawing) -> list[str]:
    """The shapes and edges of every plane of the drawn diagram that are neither drawn nor named in a warning."""
    svg = etree.fromstring(drawing.svg.encode("utf-8"))
    groups = Counter(group.get("data-element") for group in svg.iter(f"{SVG}g") if group.get("data-kind"))
    warnings = "\n".join(drawing.warnings)
    chosen = next(found for found in etree.fromstring(data).iter(f"{BPMNDI}BPMNDiagram")
                  if (found.get("id") or "") == drawing.diagram_id)  # iGrafx leaves the id out
    missing = []
    for plane in chosen.iterfind(f"{BPMNDI}BPMNPlane"):
        for node in plane:
            if node.tag not in (f"{BPMNDI}BPMNShape", f"{BPMNDI}BPMNEdge"):
                continue
            reference = (node.get("bpmnElement") or "").strip() or node.get("id")
            for drawn_as in (reference, reference.split(":")[-1]):
                if groups[drawn_as] > 0:
                    groups[drawn_as] -= 1
                    break
            else:
                if (node.get("id") or reference) not in warnings:
                    missing.append(node.get("id") or reference)
    extra = [element for element, count in groups.items() if count > 0]  # drawn twice or drawn from nowhere
    return missing + [f"extra group {element}" for element in extra]


def test_every_shipped_bpmn_file_draws_or_is_refused_naming_it_and_nothing_is_dropped_silently():
    files = shipped()
    assert len(files) >= 38, f"expected the MIWG files and tool exports under {FOLDERS}, found {len(files)}"
    counts, problems = Counter(), []
    for path in files:
        name = str(path.relative_to(DATA))
        data = path.read_bytes()
        try:
            drawing = diagram.draw({name: data})
        except DeployError as refused:
            counts["refused"] += 1
            if refused.file != name or not refused.reason:
                problems.append(f"{name}: refused without naming the file: {refused}")
            continue
        except Exception as error:  # the point of the test: nothing but a refusal may escape
            problems.append(f"{name}: {type(error).__name__}: {error}")
            continue
        counts["drawn with warnings" if drawing.warnings else "drawn"] += 1
        if missing := unaccounted(data, drawing):
            problems.append(f"{name}: dropped silently: {missing[:5]}")
    print(f"\n{len(files)} files: {counts['drawn']} drawn, {counts['drawn with warnings']} drawn with warnings, "
          f"{counts['refused']} refused")
    assert problems == []
