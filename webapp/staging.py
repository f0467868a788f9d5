"""Uploaded files kept between a preview and its confirmation, on disk in the instance folder.

The user's (signed) session holds only a random token and the digest of the files' manifest; each file is checked
against its sha256 when read back. A confirmation claims the files by renaming their folder, which only one
request can do: a second click finds them claimed or marked done. Nothing is kept longer than :data:`MAX_AGE`.
"""

import hashlib
import json
import os
import secrets
import shutil
import time
from pathlib import Path

from flask import current_app
from flask import session

MAX_AGE_SECONDS = 2 * 3600


def _root() -> Path:
    root = Path(current_app.config.get("STAGING_DIR") or Path(current_app.instance_path) / "upload-staging")
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _prune(root: Path) -> None:
    """Forget uploads nobody confirmed (and the marks of done ones) after :data:`MAX_AGE_SECONDS`."""
    limit = time.time() - MAX_AGE_SECONDS
    for entry in root.iterdir():
        try:
            if entry.stat().st_mtime < limit:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        except FileNotFoundError:  # another request pruned it first
            continue


def stage(kind: str, user_id: int, files: list[tuple[str, bytes]]) -> str:
    """Keep ``files`` (name, content) for ``user_id``; the session remembers them under ``kind``."""
    root = _root()
    _prune(root)
    token = secrets.token_urlsafe(24)
    folder = root / token
    folder.mkdir(mode=0o700)
    for index, (_name, data) in enumerate(files):
        (folder / f"{index}.bin").write_bytes(data)
    manifest = json.dumps({"user": user_id, "files": [[name, _digest(data)] for name, data in files]},
                          ensure_ascii=False).encode("utf-8")
    (folder / "manifest.json").write_bytes(manifest)
    session[f"staged.{kind}"] = {"token": token, "manifest": _digest(manifest)}
    return token


def current(kind: str) -> str | None:
    """The token of the files the session staged under ``kind``, if any."""
    staged = session.get(f"staged.{kind}")
    return staged["token"] if isinstance(staged, dict) else None


def _load(folder: Path, kind: str, user_id: int) -> list[tuple[str, bytes]] | None:
    staged = session.get(f"staged.{kind}")
    try:
        manifest = (folder / "manifest.json").read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not isinstance(staged, dict) or staged.get("manifest") != _digest(manifest):
        return None
    content = json.loads(manifest)
    if content["user"] != user_id:
        return None
    files = []
    for index, (name, digest) in enumerate(content["files"]):
        data = (folder / f"{index}.bin").read_bytes()
        if _digest(data) != digest:
            return None
        files.append((name, data))
    return files


def read(kind: str, token: str, user_id: int) -> list[tuple[str, bytes]] | None:
    """The staged files (for a preview), or None when they are gone or not this user's and session's."""
    if token != current(kind):
        return None
    return _load(_root() / token, kind, user_id)


def claim(kind: str, token: str, user_id: int) -> list[tuple[str, bytes]] | None:
    """Take the staged files for a confirmation: one request only; None when claimed, done or gone."""
    if token != current(kind):
        return None
    root = _root()
    try:
        os.rename(root / token, root / f"{token}.claimed")
    except OSError:  # gone, or claimed by the first of two clicks
        return None
    files = _load(root / f"{token}.claimed", kind, user_id)
    if files is None:
        release(token)
    return files


def release(token: str) -> None:
    """Give claimed files back (the confirmation was refused; the preview can show them again)."""
    root = _root()
    os.rename(root / f"{token}.claimed", root / token)


def finish(kind: str, token: str) -> None:
    """The confirmation was written: the files go, a mark stays so that a second click is told so."""
    root = _root()
    shutil.rmtree(root / f"{token}.claimed", ignore_errors=True)
    (root / f"{token}.done").touch()
    session.pop(f"staged.{kind}", None)


def state(token: str) -> str:
    """"done" when the files were confirmed, "claimed" while a confirmation runs, else "gone"."""
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return "gone"
    root = _root()
    if (root / f"{token}.done").exists():
        return "done"
    return "claimed" if (root / f"{token}.claimed").exists() else "gone"
