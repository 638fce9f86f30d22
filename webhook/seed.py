"""Load the demo data: the seed article and comments, moderated by the engine as if the platform posted them."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path

from moderation import Engine

from .ingest import ingest
from .store import Store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ARTICLE_ID = "seed-article"


def load_seed(store: Store, engine: Engine, now: datetime, seeds: Path = SEEDS) -> int:
    """Register the seed article and ingest every seed comment not yet stored; returns how many were added."""
    title, _, text = (seeds / "article.txt").read_text(encoding="utf-8").partition("\n")
    store.save_article(ARTICLE_ID, title.strip(), text.strip(), now.isoformat())
    added = 0
    lines = (seeds / "comments.jsonl").read_text(encoding="utf-8").splitlines()
    for offset, line in enumerate(line for line in lines if line.strip()):
        row = json.loads(line)
        if store.find_revision(row["id"], 1) is not None:
            continue
        comment = {
            "id": row["id"],
            "revision": 1,
            "body": row["text"],
            "body_hash": hashlib.sha256(row["text"].encode("utf-8")).hexdigest(),
            "parent_id": None,
            "created_at": None,
            "article": {"id": ARTICLE_ID, "title": None, "text": None},
            "article_id": ARTICLE_ID,
            "author": {"id": row.get("author", "anonymous"), "display_name": row.get("author", "anonymous")},
        }
        # Spread the demo over the last hours so the queue has an order.
        ingest(store, engine, comment, now - timedelta(minutes=5 * (len(lines) - offset)))
        added += 1
    return added
