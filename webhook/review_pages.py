"""The moderators' side in a browser (blueprint `review`): sign-in, the queue, author pages, the audit log.

Comment text is untrusted: templates autoescape it, and evidence is highlighted
by escaping each segment and wrapping only the spans in <mark>.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone

from flask import (Blueprint, Flask, abort, current_app, g, redirect, render_template, request, session, url_for)
from markupsafe import Markup, escape
from werkzeug.security import check_password_hash

from .ingest import iso
from .review import review as decide

review = Blueprint("review", __name__, template_folder="templates")


def highlight(text: str, reasons: list) -> Markup:
    """The comment with each reason's evidence span marked, everything escaped."""
    spans = sorted(
        (r["start"], r["end"], r["rule"]) for r in reasons
        if r.get("start") is not None and r.get("end") is not None and 0 <= r["start"] < r["end"] <= len(text) and r["end"] - r["start"] < len(text)
    )
    out, cursor = [], 0
    for start, end, rule in spans:
        if start < cursor:
            continue
        out.append(escape(text[cursor:start]))
        out.append(Markup('<mark class="evidence" title="{}">{}</mark>').format(rule, text[start:end]))
        cursor = end
    out.append(escape(text[cursor:]))
    return Markup("").join(out)


def _now() -> datetime:
    return datetime.fromtimestamp(current_app.config["MODERATION_CLOCK"](), tz=timezone.utc)


def _csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


@review.before_app_request
def load_moderator():
    """Who is signed in, if anyone."""
    g.signed_in = session.get("moderator")


@review.before_request
def protect():
    """Every page needs a signed-in moderator; every form post needs the session's CSRF token."""
    if request.endpoint in ("review.sign_in",):
        pass
    elif not g.signed_in:
        return redirect(url_for("review.sign_in", next=request.path))
    if request.method == "POST":
        sent = request.form.get("csrf", "")
        if not sent or not secrets.compare_digest(sent, session.get("csrf", "")):
            abort(400, "the form's CSRF token is missing or stale; reload the page")


@review.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Sign in with a moderator's name and password."""
    error = None
    if request.method == "POST":
        moderator = current_app.extensions["moderation.moderators"].moderator(request.form.get("name", ""))
        if moderator and check_password_hash(moderator["password_hash"], request.form.get("password", "")):
            session.clear()
            session["moderator"] = moderator["name"]
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("review.queue"))
        error = "Wrong name or password."
    return render_template("sign_in.html", error=error, csrf=_csrf_token())


@review.post("/sign-out")
def sign_out():
    """End the session."""
    session.clear()
    return redirect(url_for("review.sign_in"))


@review.get("/")
def queue():
    """Held comments, oldest first, with reasons, evidence and each author's history."""
    moderators = current_app.extensions["moderation.moderators"]
    category = request.args.get("category") or None
    article = request.args.get("article") or None
    items = moderators.queue(category, article)
    now = iso(_now())
    for item in items:
        item["author"] = moderators.author_summary(item["author_id"], now)
        item["highlighted"] = highlight(item["body"], item["reasons"])
    categories = sorted({r["category"] for item in moderators.queue() for r in item["reasons"]})
    return render_template("queue.html", items=items, categories=categories, category=category, article=article, csrf=_csrf_token())


@review.post("/decide")
def decide_selected():
    """Approve, reject or ban one comment or a selection (bulk)."""
    action = request.form.get("action", "")
    ids = request.form.getlist("comment_id")
    if not ids:
        abort(400, "select at least one comment")
    moderators = current_app.extensions["moderation.moderators"]
    version = current_app.extensions["moderation.engine"].rules_version
    for comment_id in ids:
        decide(moderators, comment_id, action, g.signed_in, _now(), request.form.get("note", ""), None, version)
    return redirect(request.form.get("back") or url_for("review.queue"))


@review.get("/authors/<author_id>")
def author(author_id: str):
    """An author's history: counts, bans and every comment with its latest decision."""
    moderators = current_app.extensions["moderation.moderators"]
    summary = moderators.author_summary(author_id, iso(_now()))
    comments = moderators.author_comments(author_id)
    for comment in comments:
        comment["highlighted"] = highlight(comment["body"], comment["reasons"])
    return render_template("author.html", summary=summary, comments=comments, csrf=_csrf_token())


@review.get("/audit")
def audit():
    """Every moderator action, newest first."""
    return render_template("audit.html", entries=current_app.extensions["moderation.moderators"].audit(), csrf=_csrf_token())


def init_app(app: Flask) -> None:
    """Register the pages, a session secret and secure headers."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.register_blueprint(review)

    @app.after_request
    def secure_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'")
        return response

