"""Shared fixtures: one engine over the project's own rules, built once per test session."""

from __future__ import annotations

from pathlib import Path

import socket

import pytest

from moderation import Article, Engine

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.from_directory()


@pytest.fixture(scope="session")
def seed_article() -> Article:
    title, _, body = (PROJECT / "seeds" / "article.txt").read_text(encoding="utf-8").partition("\n")
    return Article(title=title.strip(), text=body.strip())


@pytest.fixture
def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
