"""The deployment files: the systemd unit passes systemd-analyze, the Dockerfile has the basics, the nginx block of the docs works."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import started_service

from webhook.signing import sign

PROJECT = Path(__file__).resolve().parent.parent
UNIT = PROJECT / "deploy" / "moderation.service"
DOCKERFILE = PROJECT / "Dockerfile"
DEPLOYMENT = PROJECT / "docs" / "deployment.md"
VENV_MODERATION = str(Path(sys.executable).with_name("moderation"))
SECRET = "whsec_bmdpbngtdGVzdC1zZWNyZXQ="


def unit_settings() -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def test_the_unit_runs_as_a_dedicated_user_restarts_on_failure_and_reloads_with_hup():
    settings = unit_settings()
    assert settings["User"] == ["moderation"] and settings["Group"] == ["moderation"]
    assert settings["Restart"] == ["on-failure"]
    assert settings["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    assert settings["EnvironmentFile"][0].lstrip("-").startswith("/etc/moderation/")
    assert " serve " in settings["ExecStart"][0] and "--demo" not in settings["ExecStart"][0]
    assert settings["StateDirectoryMode"] == ["0700"] and settings["UMask"] == ["0077"]
    for hardening in ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices", "RestrictAddressFamilies",
                      "CapabilityBoundingSet", "SystemCallFilter", "MemoryDenyWriteExecute"):
        assert hardening in settings, f"{hardening} is missing"
    assert settings["ProtectSystem"] == ["strict"] and settings["NoNewPrivileges"] == ["yes"]


def test_the_unit_passes_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed (make test installs Debian's systemd package when apt has it)")
    # The unit names /opt/moderation, where a deployment puts the code; here it is this checkout.
    text = UNIT.read_text(encoding="utf-8").replace("/opt/moderation/.venv/bin/moderation", VENV_MODERATION)
    text = text.replace("WorkingDirectory=/opt/moderation", f"WorkingDirectory={PROJECT}")
    unit = tmp_path / "moderation.service"
    unit.write_text(text, encoding="utf-8")
    done = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "moderation.service" not in done.stderr, done.stderr


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            rows.append((keyword.upper(), rest.strip()))
    return rows


def test_the_dockerfile_runs_as_a_user_that_is_not_root():
    users = [rest for keyword, rest in dockerfile_instructions() if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    keywords = [keyword for keyword, _ in dockerfile_instructions()]
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k == "RUN")  # nothing runs as root after it


def test_the_dockerfile_checks_healthz_on_the_port_it_exposes_and_serves():
    rows = dict(dockerfile_instructions())
    exposed = rows["EXPOSE"].split()
    assert "/healthz" in rows["HEALTHCHECK"] and f":{exposed[0]}/healthz" in rows["HEALTHCHECK"]
    command = json.loads(rows["CMD"])
    assert command[:2] == ["moderation", "serve"] and "--demo" not in command
    assert command[command.index("--port") + 1] == exposed[0] and command[command.index("--host") + 1] == "0.0.0.0"
    assert "/data" in rows["VOLUME"] and command[command.index("--db") + 1].startswith("/data/")


def test_no_secret_is_baked_into_the_image():
    for keyword, rest in dockerfile_instructions():
        if keyword in ("ENV", "ARG", "LABEL"):
            assert not re.search(r"SECRET|KEY|PASSWORD|TOKEN|whsec_", rest, re.IGNORECASE), f"{keyword} {rest}"
        if keyword in ("COPY", "ADD"):
            sources = rest.split()[:-1]
            assert not any(s in (".", "./", "instance", "instance/") or s.endswith((".db", ".env", ".json")) for s in sources), rest
            for source in sources:
                if not source.startswith("--"):
                    assert (PROJECT / source).exists(), f"COPY of {source}, which the project does not have"
    ignored = {line.strip() for line in (PROJECT / ".dockerignore").read_text().splitlines() if line.strip() and not line.startswith("#")}
    assert {"instance", "*.db", ".venv", ".git", "*.env", "webhook-secrets.json", "session-key"} <= ignored
    copied = {rest.split()[0] for keyword, rest in dockerfile_instructions() if keyword == "COPY"}
    assert not copied & ignored  # what the image needs is not kept out of the build context


def test_the_image_builds_and_answers_healthz(tmp_path):
    docker = shutil.which("docker")
    if not docker or subprocess.run([docker, "info"], capture_output=True, timeout=30).returncode != 0:
        pytest.skip("no Docker engine on this machine: the Dockerfile is checked by the tests above instead")
    tag = "moderation-test:latest"
    subprocess.run([docker, "build", "-t", tag, str(PROJECT)], check=True, capture_output=True, timeout=900)
    volume = f"moderation-test-{os.getpid()}"
    subprocess.run([docker, "run", "--rm", "-v", f"{volume}:/data", tag, "moderation", "init", "--db", "/data/moderation.db"], check=True,
                   capture_output=True, timeout=120)
    container = subprocess.run([docker, "run", "-d", "--init", "-p", "127.0.0.1::8080", "-v", f"{volume}:/data", tag], check=True,
                               capture_output=True, text=True, timeout=120).stdout.strip()
    try:
        port = subprocess.run([docker, "port", container, "8080"], check=True, capture_output=True, text=True).stdout.split(":")[-1].strip()
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                    assert answer.status == 200 and json.loads(answer.read())["status"] == "ok"
                    break
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)
    finally:
        subprocess.run([docker, "rm", "-f", container], capture_output=True)
        subprocess.run([docker, "volume", "rm", volume], capture_output=True)


def nginx_block() -> str:
    blocks = re.findall(r"```nginx\n(.*?)```", DEPLOYMENT.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1
    return blocks[0]


def test_the_nginx_block_sets_what_the_service_needs():
    block = nginx_block()
    for needed in ("proxy_set_header X-Forwarded-For $remote_addr;", "proxy_set_header X-Forwarded-Proto $scheme;", "proxy_set_header Host $host;",
                   "client_max_body_size", "large_client_header_buffers", "ssl_certificate ", "listen 443 ssl", "return 301 https://"):
        assert needed in block
    assert "MODERATION_PROXY_HOPS=1" in DEPLOYMENT.read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_nginx_block_of_the_docs_proxies_to_the_service_over_tls(tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if not nginx:
        pytest.skip("nginx is not installed (`apt-get install nginx-light`); make test does not install it, as Debian starts it on port 80")
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=moderation.example.org",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    block = nginx_block()
    block = block.replace("127.0.0.1:8080", f"127.0.0.1:{app_port}")
    block = block.replace("listen [::]:80;", "").replace("listen [::]:443 ssl;", "")
    block = block.replace("listen 80;", f"listen 127.0.0.1:{http_port};").replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    block = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {tmp_path / 'cert.pem'};", block)
    block = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {tmp_path / 'key.pem'};", block)
    temp = "".join(f"{name}_temp_path {tmp_path / name};\n" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    config = tmp_path / "nginx.conf"
    config.write_text(f"{'user root root;' if os.geteuid() == 0 else ''}\nworker_processes 1;\npid {tmp_path / 'nginx.pid'};\n"
                      f"error_log {tmp_path / 'error.log'};\ndaemon off;\nevents {{}}\n"
                      f"http {{\naccess_log {tmp_path / 'access.log'};\n{temp}{block}\n}}\n", encoding="utf-8")
    check = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(config)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    env = {"MODERATION_WEBHOOK_SECRET": SECRET, "MODERATION_PROXY_HOPS": "1"}
    with started_service(tmp_path, app_port, tmp_path / "m.db", env, demo=False) as service:
        service.wait_for_output("serving ")
        proxy = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(config)], stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", https_port), timeout=0.5).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline and proxy.poll() is None, "nginx did not start"
                    time.sleep(0.1)
            context = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
            context.check_hostname = False
            base = f"https://127.0.0.1:{https_port}"

            def call(path, data=None, headers=None, method=None):
                request = urllib.request.Request(base + path, data=data, method=method,
                                                 headers={"Host": "moderation.example.org", **(headers or {})})
                try:
                    with urllib.request.urlopen(request, context=context, timeout=10) as answer:
                        return answer.status, answer.headers, answer.read()
                except urllib.error.HTTPError as error:
                    return error.code, error.headers, error.read()

            status, _, body = call("/healthz")
            assert status == 200 and json.loads(body)["status"] == "ok"
            raw = json.dumps({"id": "via-nginx", "body": "A fair point about Diyala.", "author": {"id": "u"},
                              "article": {"id": "a", "title": "Iraq", "text": "Diyala"}}).encode()
            stamp = int(time.time())
            signed = {"Content-Type": "application/json", "webhook-id": "msg_via_nginx", "webhook-timestamp": str(stamp),
                      "webhook-signature": sign(SECRET, "msg_via_nginx", stamp, raw)}
            status, _, body = call("/v1/comments", raw, signed, "POST")
            assert status == 200 and json.loads(body)["action"] == "approve"
            # A header past the app's 8 KiB reaches the app (nginx's default buffers would refuse it with its own 400 page).
            status, headers, body = call("/healthz", headers={"X-Long": "x" * 9000})
            assert status == 431 and headers["Content-Type"] == "application/problem+json"
            # A body past the app's 256 KiB reaches the app too, and gets its 413 in the service's error shape.
            big = json.dumps({"id": "big", "body": "x" * 300_000}).encode()
            status, headers, body = call("/v1/comments", big, {**signed, "webhook-id": "msg_big"}, "POST")
            assert status == 413 and headers["Content-Type"] == "application/problem+json"
            # Plain HTTP is sent to HTTPS.
            plain = urllib.request.Request(f"http://127.0.0.1:{http_port}/", headers={"Host": "moderation.example.org"})
            opener = urllib.request.build_opener(type("NoRedirect", (urllib.request.HTTPRedirectHandler,), {"redirect_request": lambda *a: None}))
            with pytest.raises(urllib.error.HTTPError) as redirect:
                opener.open(plain, timeout=10)
            assert redirect.value.code == 301 and redirect.value.headers["Location"].startswith("https://moderation.example.org/")
        finally:
            proxy.terminate()
            proxy.wait(timeout=10)


def test_the_deployment_page_names_every_operational_command():
    text = DEPLOYMENT.read_text(encoding="utf-8")
    for command in ("moderation init --db", "moderation secret rotate", "moderation secret show", "moderation backup --db", "moderation rules check",
                    "systemctl reload moderation", "/healthz", "journalctl -u moderation", "Migrations run at start", "VACUUM INTO"):
        assert command in text, command
    # Every `moderation …` command the page shows exists, with the options it uses.
    from moderation.cli import build_parser

    parser = build_parser()
    for line in re.findall(r"^(?:docker run[^\n]* )?moderation ([a-z][^\n#`]*)", text, re.MULTILINE):
        argv = shlex.split(line.replace("$(date +%F)", "today").replace("-i moderation ", ""))
        if argv and argv[0] in ("serve", "init", "secret", "backup", "rules", "user"):
            try:
                parser.parse_known_args(argv)
            except SystemExit as error:
                pytest.fail(f"`moderation {line}` does not parse ({error})")
