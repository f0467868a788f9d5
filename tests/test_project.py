"""House rules of the code base: import direction, module size, packaging, translations."""

import ast
import tomllib
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
FLASK_MODULES = {"flask", "flask_login", "flask_wtf", "flask_babel", "werkzeug", "wtforms"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def import_graph() -> dict[str, set[str]]:
    """Each project module's project imports, by dotted name (``from a import b`` names ``a.b`` when it is a module)."""
    names = {module_name(path) for package in ("storage", "workflows", "webapp") for path in modules(package)}
    graph = {}
    for package in ("storage", "workflows", "webapp"):
        for path in modules(package):
            imported = set()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    imported |= {alias.name for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    imported |= {f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in names
                                 else node.module for alias in node.names}
            graph[module_name(path)] = (imported & names) - {module_name(path)}
    return graph


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def find_cycle(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """A path of imports from ``start`` back to itself, or None."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for nxt in graph.get(node, ()):
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_storage_imports_neither_flask_spiff_nor_upper_layers():
    for path in modules("storage"):
        bad = imported_roots(path) & (FLASK_MODULES | {"SpiffWorkflow", "workflows", "webapp"})
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_workflows_imports_no_flask_and_not_webapp():
    for path in modules("workflows"):
        bad = imported_roots(path) & (FLASK_MODULES | {"webapp"})
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_spiffworkflow_is_imported_only_in_the_engine_package():
    engine = ROOT / "workflows" / "engine"
    importers = {path.relative_to(ROOT).as_posix() for package in ("storage", "workflows", "webapp")
                 for path in modules(package) if "SpiffWorkflow" in imported_roots(path)}
    assert importers and all(path.startswith("workflows/engine/") for path in importers), importers
    assert {path.name for path in engine.glob("*.py")} >= {"__init__.py", "transitions.py", "parser.py"}


def test_flask_is_imported_only_in_webapp():
    for package in ("storage", "workflows", "bpmn"):
        for path in modules(package):
            assert not imported_roots(path) & FLASK_MODULES, path.relative_to(ROOT)


def test_no_module_imports_itself_back_through_a_cycle():
    graph = import_graph()
    cycles = [cycle for cycle in map(lambda start: find_cycle(graph, start), graph) if cycle]
    assert cycles == []


def test_modules_stay_under_300_lines():
    for package in ("storage", "workflows", "webapp", "bpmn"):
        for path in modules(package):
            if "migrations" in path.parts:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            assert lines <= 300, f"{path.relative_to(ROOT)} has {lines} lines"


def test_every_module_has_a_docstring():
    for package in ("storage", "workflows", "webapp", "bpmn"):
        for path in modules(package):
            if "versions" in path.parts:
                continue
            assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), path


def test_pyproject_is_only_a_build_stub():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "project" not in config
    assert "pytest" not in config.get("tool", {})


def test_compiled_translations_match_their_sources():
    for po_path in (ROOT / "webapp" / "translations").rglob("*.po"):
        with po_path.open("rb") as po_file, po_path.with_suffix(".mo").open("rb") as mo_file:
            source, compiled = read_po(po_file), read_mo(mo_file)
        expected = {m.id: m.string for m in source if m.id and m.string}
        assert {m.id: m.string for m in compiled if m.id} == expected, f"recompile {po_path}"


def test_every_page_text_has_its_chinese():
    from babel.messages.pofile import read_po

    catalog = Path(__file__).resolve().parents[1] / "webapp/translations/zh_Hans_CN/LC_MESSAGES/messages.po"
    with catalog.open("rb") as po:
        messages = [message for message in read_po(po) if message.id]
    assert [m.id for m in messages if not m.string or "fuzzy" in m.flags] == []


def test_every_text_the_sources_mark_for_translation_is_in_the_chinese_catalog():
    # The catalog holds what `make translations` extracted: lazy_gettext, a keyword pybabel was not told of, left
    # texts out of it, and they showed in English on the Chinese pages (the registry scan's buttons).
    from babel.messages.extract import DEFAULT_KEYWORDS
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    from babel.messages.pofile import read_po

    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, "lazy_gettext": None}
    marked = {message if isinstance(message, str) else message[0]
              for _file, _line, message, _comments, _context in extract_from_dir(ROOT, method_map, options_map,
                                                                                 keywords=keywords)}
    with (ROOT / "webapp/translations/zh_Hans_CN/LC_MESSAGES/messages.po").open("rb") as po:
        chinese = {message.id if isinstance(message.id, str) else message.id[0]: message.string
                   for message in read_po(po) if message.id}
    assert sorted(text for text in marked if not chinese.get(text)) == []
    assert "-k lazy_gettext" in (ROOT / "Makefile").read_text()  # so that `make translations` keeps them
