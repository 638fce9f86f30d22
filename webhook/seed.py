"""Load the demo data: the seed article and comments, moderated by the engine as if the platform posted them."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path

from moderation import Engine

from .ingest import ingest, iso
from .store import Store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ARTICLE_ID = "seed-article"


def read_seed_comments(path: Path) -> list[dict]:
    """The seed comments ({"id", "author", "text"} lines); none if the file is missing, bad lines skipped."""
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line) if line.strip() else None
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict) and isinstance(row.get("id"), str) and isinstance(row.get("text"), str) and row["text"].strip():
            rows.append(row)
    return rows


def load_seed(store: Store, engine: Engine, now: datetime, seeds: Path = SEEDS) -> int:
    """Register the seed article and ingest every seed comment not yet stored; returns how many were added."""
    article = seeds / "article.txt"
    if article.exists():
        title, _, text = article.read_text(encoding="utf-8").partition("\n")
    else:
        title, text = "Demo article", ""
    store.save_article(ARTICLE_ID, title.strip(), text.strip(), iso(now))
    rows = read_seed_comments(seeds / "comments.jsonl")
    added = 0
    for offset, row in enumerate(rows):
        if store.find_revision(row["id"], 1) is not None:
            continue
        author = str(row.get("author") or "anonymous")
        comment = {
            "id": row["id"],
            "revision": 1,
            "body": row["text"],
            "body_hash": hashlib.sha256(row["text"].encode("utf-8")).hexdigest(),
            "parent_id": None,
            "created_at": None,
            "article": {"id": ARTICLE_ID, "title": None, "text": None},
            "article_id": ARTICLE_ID,
            "author": {"id": author, "display_name": author, "email_hash": None, "ip": None},
        }
        # Spread the demo over the last hours so the queue has an order, oldest first.
        ingest(store, engine, comment, now - timedelta(minutes=5 * (len(rows) - offset)))
        added += 1
    return added
