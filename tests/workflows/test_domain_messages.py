"""Domain messages: every Chinese message a command raises keeps its template, and the template has its English."""

import ast
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_every_domain_message_has_its_english():
    marked = {message for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT / "workflows", method_map=[("**.py", "python")], keywords={"t": None})}
    with (ROOT / "webapp/translations/en/LC_MESSAGES/domain.po").open("rb") as po:
        english = {message.id: message.string for message in read_po(po) if message.id}
    assert marked, "no message is marked with t(…)"
    assert sorted(message for message in marked if not english.get(message)) == []


def test_no_error_is_raised_with_bare_chinese_text():
    """A Chinese literal in a raise must go through t(…), or the English pages would show it untranslated."""
    bare = []
    for path in sorted((ROOT / "workflows").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                for argument in [*node.exc.args, *(keyword.value for keyword in node.exc.keywords)]:
                    if isinstance(argument, ast.Constant | ast.JoinedStr) and CHINESE.search(ast.unparse(argument)):
                        bare.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert bare == []
