"""Every setting with its default; ``CADREFLOW_*`` environment variables override them."""

import os
import secrets
from pathlib import Path

# name: (default, what it is). Defaults that depend on the instance folder are filled in load().
SETTINGS = {
    "DATABASE_URL": (None, "SQLAlchemy URL; default sqlite:///<instance>/cadreflow.sqlite"),
    "SECRET_KEY": (None, "session signing key, ≥ 32 characters; default: generated once into <instance>/secret_key"),
    "COOKIE_SECURE": (True, "send the session cookie over HTTPS only (make demo turns it off for http://127.0.0.1)"),
    "PASSWORD_PROFILE": ("standard", "argon2id cost profile: standard (64 MiB, t=3, p=4) or fast (tests only)"),
    "DEFAULT_LOCALE": ("zh_CN", "language of the pages when the user has not chosen one"),
    "SESSION_HOURS": (12, "absolute lifetime of a sign-in, in hours"),
    "IDLE_MINUTES": (30, "a sign-in ends after this many minutes without a request"),
    "TWO_FACTOR_ROLES": ("admin,auditor,party_secretary",
                         "roles that must sign in with a second factor (TOTP); empty: optional for everyone"),
    "TIMER_INTERVAL": (30, "seconds between two passes of run-timers --loop"),
    "POLICY_FILE": (None, "JSON file with the local rule parameters (publicity days, quorum, windows…)"),
    "SIGNING_KEY": (None, "Ed25519 private key file that signs checkpoints; kept outside the database"),
    "CHECKPOINT_EVERY": (100, "sign a checkpoint after this many events (and at every case closure)"),
    "CHECKPOINT_MINUTES": (15, "sign a checkpoint when the last one is this old and events came since"),
    "DB_APP_ROLE": (None, "PostgreSQL role the app connects as: init-db grants it INSERT/SELECT only on the record"),
    "STAGING_DIR": (None, "folder for uploads awaiting their confirmation (.lrmx import); default "
                          "<instance>/upload-staging"),
    # The bureau on its papers (workflows/papers/bureau.py); unset: the demo bureau's made-up details.
    "BUREAU_NAME": (None, "the bureau's name on its notices (default 上海市青浦区数据局)"),
    "BUREAU_PREFIX": (None, "机关代字 of its document numbers, 青数〔2026〕5号 (default 青数)"),
    "BUREAU_PHONE": (None, "telephone the 任前公示 and 考察预告 give for reports"),
    "BUREAU_ADDRESS": (None, "postal address the notices give for letters"),
    "BUREAU_EMAIL": (None, "e-mail address the notices give for reports"),
    "PAPER_FONT": (None, "TrueType Chinese font file the PDF papers embed (workflows/papers/fonts.py reads it)"),
    "PAPER_TEMPLATES": (None, "folder of the bureau's own notice templates (<kind>.j2), used before the packaged ones"),
    "TRUSTED_PROXIES": (0, "how many proxies in front (nginx: 1) whose X-Forwarded-For/Proto/Host are believed; "
                           "0: none, the headers are ignored"),
    "LOG_FORMAT": ("text", "text: a readable line per request; json: one JSON line per request and per command "
                           "(the shipped gunicorn.conf.py sets it)"),
}
MIN_SECRET_LENGTH = 32


def _from_env(name: str, default):
    raw = os.environ.get(f"CADREFLOW_{name}")
    if raw is None:
        return default
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    return raw


def load(instance_path: str, test_config: dict | None = None) -> dict:
    """The configuration: defaults, then the environment, then ``test_config``."""
    config = {name: _from_env(name, default) for name, (default, _) in SETTINGS.items()}
    config.update(test_config or {})
    instance = Path(instance_path)
    if not config["DATABASE_URL"]:
        instance.mkdir(parents=True, exist_ok=True)
        config["DATABASE_URL"] = f"sqlite:///{instance / 'cadreflow.sqlite'}"
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _instance_secret(instance)
    if len(config["SECRET_KEY"]) < MIN_SECRET_LENGTH:
        raise RuntimeError(f"CADREFLOW_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters")
    if config["LOG_FORMAT"] not in ("text", "json"):
        raise RuntimeError(f"CADREFLOW_LOG_FORMAT must be text or json, not {config['LOG_FORMAT']!r}")
    if config["TRUSTED_PROXIES"] < 0:
        raise RuntimeError("CADREFLOW_TRUSTED_PROXIES must be 0 (no proxy) or the number of proxies in front")
    return config


def _instance_secret(instance: Path) -> str:
    """A random key kept in the instance folder, so that sign-ins survive a restart."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
