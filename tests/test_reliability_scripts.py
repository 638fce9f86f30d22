"""The fault scripts of benchmarks/reliability/ at a small size, so CI keeps their promises (issue #11)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "benchmarks" / "reliability"


def script(name: str):
    spec = importlib.util.spec_from_file_location(f"reliability_{name}", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sigkilled_server_loses_no_acknowledged_comment_and_stores_none_twice():
    figures = script("crash").run(clients=2, threads=2, kills=2, interval=1.0, say=lambda *a: None)
    assert figures["acknowledged"] > 0 and figures["lost"] == 0 and figures["duplicated"] == 0
    assert figures["integrity_check"] == "ok" and figures["ok"], figures


def test_one_delivery_sent_many_times_at_once_is_one_decision_and_one_strike():
    figures = script("retries").run(rounds=3, parallel=8, workers=2, say=print)
    assert figures["decisions_per_comment_max"] == 1 and figures["strikes_per_author_max"] == 1 and figures["authors_banned"] == 0
    assert figures["ok"], figures


def test_every_moderator_decision_reaches_a_misbehaving_platform_once_by_webhook_id():
    # Generous times: on a loaded machine a 0.5 s timeout made an ordinary answer "slow".
    figures = script("outbox").run(decisions=2, deliverers=2, timeout=2.0, backoff=0.5, phase_seconds=3.0, say=lambda *a: None)
    assert figures["missing"] == 0 and figures["processed_twice"] == 0 and figures["needless_duplicates"] == 0
    assert figures["ok"], figures


def test_a_full_disk_and_a_read_only_database_answer_503_and_recover():
    storage = script("storage")
    why = storage.available()
    if why:
        pytest.skip(why)
    try:
        figures = storage.run(posts=30, size_mb=8, say=lambda *a: None)
    except storage.Unavailable as error:
        pytest.skip(str(error))
    assert figures["disk full: 503"] > 0 and figures["read-only: 503"] > 0 and figures["ok"], figures
