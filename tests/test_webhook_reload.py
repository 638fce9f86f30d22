"""Rules reloaded on SIGHUP: no request dropped under load, new decisions record the new version, a bad folder keeps the old rules."""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest
from conftest import get_json, signed_post, started_service

from moderation.rules import default_rules_dir
from webhook.store import Store

SECRET = "whsec_cmVsb2FkLXRlc3Qtc2VjcmV0"


def set_version(rules: Path, version: str) -> None:
    policy = rules / "policy.toml"
    lines = policy.read_text(encoding="utf-8").splitlines()
    policy.write_text("\n".join(f'version = "{version}"' if line.startswith("version") else line for line in lines) + "\n", encoding="utf-8")


class Load:
    """A few clients posting signed comments without pause, recording every answer (or the error instead of one)."""

    def __init__(self, base: str, clients: int = 3):
        self.base = base
        self.answers: list[tuple[int, str | None]] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(clients)]
        for thread in self.threads:
            thread.start()

    def _run(self, client: int) -> None:
        number = 0
        while not self.stop.is_set():
            number += 1
            try:
                status, body = signed_post(self.base, SECRET, f"load-{client}-{number}")
                self.answers.append((status, body.get("rules_version")))
            except Exception as error:  # noqa: BLE001 (a dropped request is what this test looks for)
                self.errors.append(f"{type(error).__name__}: {error}")

    def versions_since(self, start: int) -> set:
        return {version for _, version in self.answers[start:]}

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


def wait_for(condition, timeout: float = 20, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def rules(tmp_path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), folder)
    set_version(folder, "before-reload")
    return folder


def test_sighup_reloads_the_rules_without_dropping_a_request(tmp_path, free_port, rules):
    db = tmp_path / "reload.db"
    with started_service(tmp_path, free_port, db, {"MODERATION_WEBHOOK_SECRET": SECRET}, demo=False, args=("--rules", str(rules))) as service:
        service.wait_for_output("serving ")
        load = Load(service.url)
        try:
            wait_for(lambda: len(load.answers) > 30, what="the load to start")
            set_version(rules, "after-reload")
            os.kill(service.process.pid, signal.SIGHUP)
            service.wait_for_output("rules reloaded")
            # Old workers finish what they hold; then every answer comes from the new rules.
            wait_for(lambda: load.versions_since(len(load.answers) - 20) == {"after-reload"} and len(load.answers) > 60, what="the new rules")
            settled = len(load.answers)
            wait_for(lambda: len(load.answers) > settled + 30, what="more answers")
            assert load.versions_since(settled) == {"after-reload"}
        finally:
            load.finish()
        assert load.errors == [], "a request was dropped during the reload"
        statuses = {status for status, _ in load.answers}
        assert statuses == {200}, f"answers other than 200: {statuses}"
        assert {version for _, version in load.answers} == {"before-reload", "after-reload"}
        assert get_json(service.url + "/healthz")[1]["rules"] == {"version": "after-reload"}
    # Each stored decision keeps the version it was made under, and the newest were made under the new rules.
    rows = Store(str(db)).connection.execute("SELECT rules_version FROM decisions ORDER BY id").fetchall()
    versions = [row[0] for row in rows]
    assert versions[0] == "before-reload" and versions[-1] == "after-reload" and set(versions) == {"before-reload", "after-reload"}
    assert len(versions) == len(load.answers)


def test_a_bad_rules_folder_at_reload_keeps_the_old_rules_serving_and_says_why(tmp_path, free_port, rules):
    db = tmp_path / "bad-reload.db"
    with started_service(tmp_path, free_port, db, {"MODERATION_WEBHOOK_SECRET": SECRET}, demo=False, args=("--rules", str(rules))) as service:
        service.wait_for_output("serving ")
        (rules / "civility.toml").write_text((rules / "civility.toml").read_text() + '\n[[rule]]\nid = "Not Kebab"\n', encoding="utf-8")
        set_version(rules, "never-served")
        os.kill(service.process.pid, signal.SIGHUP)
        printed = service.wait_for_output("rules reload refused")
        assert "still serving version before-reload" in printed and "civility.toml" in printed and "Not Kebab" in printed
        assert signed_post(service.url, SECRET, "after-refusal")[1]["rules_version"] == "before-reload"
        # A HUP straight to gunicorn (past `moderation serve`'s check) boots workers on the broken folder: they serve the last good copy.
        gunicorn = int(Path(f"/proc/{service.process.pid}/task/{service.process.pid}/children").read_text().split()[0])
        os.kill(gunicorn, signal.SIGHUP)
        service.wait_for_output("still serving the last rules that loaded (version before-reload)")
        time.sleep(1)  # the old workers hand over
        assert service.process.poll() is None, "gunicorn stopped on the broken folder"
        answers = [signed_post(service.url, SECRET, f"after-direct-hup-{n}") for n in range(6)]
        assert {status for status, _ in answers} == {200} and {body["rules_version"] for _, body in answers} == {"before-reload"}
        health = get_json(service.url + "/healthz")
        assert health[0] == 200 and "Not Kebab" in health[1]["rules"]["problem"]
