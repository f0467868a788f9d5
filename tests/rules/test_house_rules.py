"""The rule modules stay pure and small: standard library, chinese_calendar, workflows.text and each other only."""

import ast
import sys
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parents[2] / "workflows" / "rules"
MODULES = sorted(RULES.glob("*.py"))
ALLOWED_THIRD_PARTY = {"chinese_calendar"}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_rule_modules_import_only_the_standard_library_chinese_calendar_and_each_other(path):
    for name in imported_modules(path):
        root = name.split(".")[0]
        if root == "workflows":
            # workflows.text is a standard-library-only leaf: the rules' messages keep their template through it,
            # so that the web layer can show them in English; it pulls in nothing of the rest of workflows.
            allowed = name.startswith("workflows.rules.") or name == "workflows.text"
            assert allowed, f"{path.name} imports {name}"
        else:
            assert root in sys.stdlib_module_names or root in ALLOWED_THIRD_PARTY, f"{path.name} imports {name}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_rule_modules_are_short_and_start_with_a_one_line_docstring(path):
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) < 250
    docstring = ast.get_docstring(ast.parse(source))
    assert docstring and "\n" not in docstring.strip()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_public_functions_are_annotated(path):
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            assert node.returns is not None, f"{path.name}:{node.name} has no return annotation"
            assert all(arg.annotation is not None for arg in node.args.args), f"{path.name}:{node.name}"
