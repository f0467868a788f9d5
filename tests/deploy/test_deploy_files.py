"""deploy/ holds together: the nginx site passes ``nginx -t`` (where nginx is installed) and takes the app's largest
upload, the compose file passes ``docker compose config`` (where Compose is installed), the environment example
names every setting, and the units run what the README says."""

import configparser
import re
import shutil
import subprocess
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.deploy.conftest import ROOT
from webapp import create_app
from webapp.config import SETTINGS

DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx" / "cadreflow.conf"
# The server's own settings, read by gunicorn.conf.py (the rest are the app's: webapp/config.py).
GUNICORN_SETTINGS = set(re.findall(r"CADREFLOW_(\w+)", (ROOT / "gunicorn.conf.py").read_text())) - set(SETTINGS)


def names_in(text: str) -> set[str]:
    return set(re.findall(r"\bCADREFLOW_([A-Z_]+[A-Z])\b", text))


def test_the_gunicorn_settings_are_few_and_named():
    assert GUNICORN_SETTINGS == {"BIND", "WEB_WORKERS", "WEB_WORKERS_MAX", "WEB_TIMEOUT"}


def test_the_environment_example_names_every_setting_and_no_unknown_one():
    example = (DEPLOY / "cadreflow.env.example").read_text()
    named = names_in(example)
    assert set(SETTINGS) | GUNICORN_SETTINGS <= named, sorted(set(SETTINGS) | GUNICORN_SETTINGS - named)
    assert named <= set(SETTINGS) | GUNICORN_SETTINGS, sorted(named - set(SETTINGS) - GUNICORN_SETTINGS)
    values = dict(line.split("=", 1) for line in example.splitlines() if line and not line.startswith("#"))
    assert values["CADREFLOW_COOKIE_SECURE"] == "true" and values["CADREFLOW_TRUSTED_PROXIES"] == "1"
    assert values["CADREFLOW_LOG_FORMAT"] == "json" and values["CADREFLOW_PASSWORD_PROFILE"] == "standard"


def test_every_setting_the_deploy_files_name_exists():
    known = set(SETTINGS) | GUNICORN_SETTINGS | {"DB_OWNER_PASSWORD", "DB_APP_PASSWORD"}  # compose's passwords
    for path in [*DEPLOY.rglob("*"), ROOT / "gunicorn.conf.py"]:
        if path.is_file():
            unknown = names_in(path.read_text()) - known
            assert not unknown, f"{path.relative_to(ROOT)} names unknown settings {sorted(unknown)}"


def test_the_production_extra_has_gunicorn_and_psycopg():
    extras = configparser.ConfigParser()
    extras.read(ROOT / "setup.cfg")
    production = extras["options.extras_require"]["production"].split()
    assert any(line.startswith("gunicorn>=") for line in production)
    assert any(line.startswith("psycopg[binary]>=") for line in production)


def test_the_units_run_gunicorn_with_the_shipped_config_and_the_timer_loop():
    web = (DEPLOY / "systemd" / "cadreflow-web.service").read_text()
    timers = (DEPLOY / "systemd" / "cadreflow-timers.service").read_text()
    assert re.search(r"^ExecStart=\S+/gunicorn -c \S+/gunicorn\.conf\.py$", web, re.M)
    assert "ExecReload=/bin/kill -HUP $MAINPID" in web and "Type=notify" in web
    assert re.search(r"^ExecStart=\S+/cadreflow run-timers --loop$", timers, re.M)
    for unit in (web, timers):
        assert "EnvironmentFile=/etc/cadreflow/cadreflow.env" in unit and "User=cadreflow" in unit


def test_the_nginx_site_takes_the_apps_largest_request_and_serves_its_static_files():
    site = SITE.read_text()
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "n" * 40})
    (size,) = re.findall(r"client_max_body_size (\d+)m;", site)
    assert int(size) * 1024 * 1024 == app.config["MAX_CONTENT_LENGTH"]
    (static,) = re.findall(r"location (\S+) \{\s*alias (\S+);", site)
    assert static == (f"{app.static_url_path}/", "/opt/cadreflow/webapp/static/")
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert f"proxy_set_header {header} " in site


def self_signed(folder) -> tuple:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cadre.example.gov.cn")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + timedelta(days=1)).sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed: its syntax check is skipped")
def test_the_nginx_site_passes_nginx_t(tmp_path):
    cert, key = self_signed(tmp_path)
    site = (SITE.read_text().replace("/etc/ssl/cadreflow/fullchain.pem", str(cert))
            .replace("/etc/ssl/cadreflow/privkey.pem", str(key)))
    (tmp_path / "site.conf").write_text(site)
    temp = " ".join(f"{kind}_temp_path {tmp_path / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                         "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\n"
        f"events {{}}\nhttp {{ access_log off; {temp} include {tmp_path}/site.conf; }}\n")
    done = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def compose_available() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=60).returncode == 0


def test_the_compose_file_has_the_database_init_web_and_timers():
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "migrate", "web", "timers"}
    assert services["web"]["command"] == ["gunicorn", "-c", "/app/gunicorn.conf.py"]
    assert services["timers"]["command"] == ["cadreflow", "run-timers", "--loop"]
    assert services["migrate"]["command"] == ["cadreflow", "init-db"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]  # for nginx on the host, not the world
    for name in ("web", "timers"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert "cadreflow_app:" in services[name]["environment"]["CADREFLOW_DATABASE_URL"]
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim\n" in dockerfile
    assert '"/src[production]"' in dockerfile
    passwords = set(re.findall(r"\$\{(\w+):\?", (DEPLOY / "compose.yaml").read_text()))
    assert passwords == set(re.findall(r"^(\w+)=", (DEPLOY / "compose.env.example").read_text(), re.M))


@pytest.mark.skipif(not compose_available(), reason="docker compose is not installed: its check is skipped")
def test_the_compose_file_passes_docker_compose_config(tmp_path):
    folder = tmp_path / "deploy"
    shutil.copytree(DEPLOY, folder)
    shutil.copy(folder / "cadreflow.env.example", folder / "cadreflow.env")
    shutil.copy(folder / "compose.env.example", folder / ".env")
    (folder / "secrets").mkdir()
    # `config` checks that the secret's file exists, not what it holds: an empty file stands for the key.
    (folder / "secrets" / "signing-key.pem").touch()
    done = subprocess.run(["docker", "compose", "-f", str(folder / "compose.yaml"), "config", "--quiet"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
