"""Articles that comments are written under, registered by the platform and cached decoded per worker."""

from __future__ import annotations

import sqlite3
from collections import OrderedDict

# Articles a worker keeps decoded (a registered article is read on every comment under it).
ARTICLE_CACHE_SIZE = 256


class ArticleRecords:
    """The articles table (part of `Store`)."""

    _articles: OrderedDict[str, tuple[int, str, str]]

    def save_article(self, article_id: str, title: str, text: str, now: str, webhook_id: str | None = None,
                     body_hash: str = "", forget_before: str = "") -> bool:
        """Register or update an article comments can refer to by id; False (nothing saved) for a replayed webhook-id."""
        with self.transaction() as db:
            if webhook_id is not None and not self.record_delivery(db, webhook_id, body_hash, now, forget_before):
                return False
            db.execute(
                "INSERT INTO articles (id, title, text, registered_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET title = excluded.title, text = excluded.text, registered_at = excluded.registered_at, "
                "version = version + 1 WHERE title IS NOT excluded.title OR text IS NOT excluded.text",
                (article_id, title, text, now),
            )
        return True

    def save_article_if_changed(self, db: sqlite3.Connection, article: dict, now: str) -> None:
        """Register an article a comment carried in full (inside the caller's transaction); no write when unchanged."""
        db.execute(
            "INSERT INTO articles (id, title, text, registered_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET title = excluded.title, text = excluded.text, registered_at = excluded.registered_at, "
            "version = version + 1 WHERE title IS NOT excluded.title OR text IS NOT excluded.text",
            (article["id"], article["title"] or "", article["text"], now),
        )

    def get_article(self, article_id: str, version: int | None = None) -> tuple[str, str] | None:
        """A registered article's (title, text), or None; `version` (from `recall`) lets a worker reuse its copy."""
        cached = self._articles.get(article_id)
        if cached is not None and version is not None and cached[0] == version:
            self._articles.move_to_end(article_id)
            return cached[1], cached[2]
        row = self.connection.execute("SELECT version, title, text FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        # Keyed by version: a change through another worker raises it, and this copy is dropped.
        self._articles[article_id] = (row["version"], row["title"], row["text"])
        if len(self._articles) > ARTICLE_CACHE_SIZE:
            self._articles.popitem(last=False)
        return row["title"], row["text"]

    # -- comments and decisions --------------------------------------------------
