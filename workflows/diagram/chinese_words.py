"""Where Chinese text has word boundaries: jieba's dictionary segmentation, loaded on the first label that needs it."""

import logging
import os
import tempfile
import threading
import warnings
from functools import lru_cache

log = logging.getLogger(__name__)

# Words of the cadre procedures that jieba's dictionary splits ("到/龄", "凡/提/四/必"): a line never ends inside them.
DOMAIN_WORDS = ("到龄", "试任", "应到会", "凡提四必", "正副科")

_loading = threading.Lock()
_tokenizer = None  # jieba's tokenizer once loaded; False when it could not be


def _cache_dir() -> str:
    """Where jieba keeps its dictionary, compiled (loading takes ~0.55 s from it, ~0.63 s without): the temp dir."""
    try:
        return tempfile.gettempdir()
    except OSError:  # no writable temp dir (a read-only container): jieba compiles its dictionary every time
        return os.devnull


def _load():
    """A tokenizer of jieba's own, so that the domain words stay out of any other use of jieba in the process."""
    with warnings.catch_warnings():  # jieba imports pkg_resources, deprecated in recent setuptools
        warnings.simplefilter("ignore")
        import jieba
    # jieba logs its progress on stderr, and an unwritable cache with a traceback: neither matters to a drawing.
    jieba.setLogLevel(logging.CRITICAL)
    tokenizer = jieba.Tokenizer()
    # One file per user: another user's file cannot be read (0600) nor replaced (the temp dir's sticky bit).
    tokenizer.tmp_dir = _cache_dir()
    tokenizer.cache_file = f"jieba.cadreflow-{os.getuid() if hasattr(os, 'getuid') else 0}.cache"
    tokenizer.initialize()
    for word in DOMAIN_WORDS:
        tokenizer.add_word(word)
    return tokenizer


def load() -> bool:
    """Load jieba's dictionary now (~0.6 s) rather than on the first label; whether it could be loaded."""
    return _tokenizer_or_none() is not None


def _tokenizer_or_none():
    global _tokenizer
    if _tokenizer is None:
        with _loading:
            if _tokenizer is None:
                try:
                    _tokenizer = _load()
                except Exception:  # a drawing with lines broken anywhere beats no drawing
                    log.warning("jieba could not be loaded: labels break between any two characters", exc_info=True)
                    _tokenizer = False
    return _tokenizer or None


@lru_cache(maxsize=4096)
def boundaries(text: str) -> frozenset[int] | None:
    """The positions between two words of ``text`` (as jieba's dictionary cuts it, without guessing unknown words
    by HMM, so the same text always breaks the same way), or None when there is no dictionary."""
    tokenizer = _tokenizer_or_none()
    if tokenizer is None:
        return None
    found, position = set(), 0
    for word in tokenizer.cut(text, HMM=False):
        position += len(word)
        found.add(position)
    return frozenset(found)
