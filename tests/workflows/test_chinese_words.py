"""The word dictionary behind the diagram's line breaks: loaded only when a label needs a break, silent, and never
fatal (an unwritable cache or a missing jieba still draws the labels)."""

import logging
import os
import subprocess
import sys
from pathlib import Path

from workflows.diagram import chinese_words
from workflows.diagram import text_layout
from workflows.diagram.text_layout import wrap

REPO = Path(__file__).resolve().parents[2]

# Lays out a name that fits (no dictionary needed) and one that needs a break, printing only the lines.
SCRIPT = """
import sys, tempfile
if "--unwritable" in sys.argv:
    def refuse(*args, **kwargs):
        raise PermissionError("the temp dir is read-only")
    tempfile.mkstemp = refuse
from workflows.diagram import render_svg
from workflows.diagram.text_layout import wrap
wrap("⑥会议推荐", 84, 12)
assert "jieba" not in sys.modules, "jieba loaded for a name that fits on one line"
print("/".join(wrap("⑤酝酿形成工作方案", 84, 12)))
"""


def run(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONWARNINGS": "default"}
    return subprocess.run([sys.executable, "-c", SCRIPT, *arguments], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_dictionary_loads_on_the_first_break_silently_and_caches_itself_in_the_temp_dir(tmp_path):
    for _ in range(2):  # built from jieba's dictionary file, then read from the cache
        done = run(tmp_path)
        assert (done.returncode, done.stdout, done.stderr) == (0, "⑤酝酿形成/工作方案\n", "")
        assert [path.name for path in tmp_path.iterdir()] == [f"jieba.cadreflow-{os.getuid()}.cache"]


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path):
    done = run(tmp_path, "--unwritable")
    assert (done.returncode, done.stdout, done.stderr) == (0, "⑤酝酿形成/工作方案\n", "")
    assert list(tmp_path.iterdir()) == []


def test_without_the_dictionary_labels_still_break_between_any_two_characters(monkeypatch, caplog):
    def broken():
        raise ImportError("No module named 'jieba'")

    monkeypatch.setattr(chinese_words, "_load", broken)
    monkeypatch.setattr(chinese_words, "_tokenizer", None)
    chinese_words.boundaries.cache_clear()
    text_layout._wrapped.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger=chinese_words.__name__):
            assert wrap("报区委组织部备案", 84, 12) == ["报区委组", "织部备案"]
        assert "jieba could not be loaded" in caplog.text
    finally:
        chinese_words.boundaries.cache_clear()
        text_layout._wrapped.cache_clear()


def test_the_segmentation_is_the_dictionarys_with_the_procedures_own_words():
    assert sorted(chinese_words.boundaries("⑤报区委组织部备案")) == [1, 2, 4, 7, 9]
    assert sorted(chinese_words.boundaries("考察与凡提四必并行")) == [2, 3, 7, 9]  # 凡提四必 whole
    assert sorted(chinese_words.boundaries("到龄退出领导岗位提示")) == [2, 4, 8, 10]  # 到龄 whole
