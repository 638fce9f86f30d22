"""The moderators' side in a browser (blueprint `review`): sign-in, the queue, author pages, the audit log.

Comment text is untrusted: templates autoescape it, and evidence is highlighted
by escaping each segment and wrapping only the spans in <mark>.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, g, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from markupsafe import Markup, escape

from .accounts import sign_in as check_sign_in
from .clock import app_now
from .errors import CsrfError, FieldError
from .ingest import iso
from .review import PERIODS, period_start
from .review import review as decide

review = Blueprint("review", __name__, template_folder="templates")


def highlight(text: str, reasons: list) -> Markup:
    """The comment with each reason's evidence span marked, everything escaped."""
    spans = sorted(
        (r["start"], r["end"], r["rule"]) for r in reasons
        if isinstance(r.get("start"), int) and isinstance(r.get("end"), int) and 0 <= r["start"] < r["end"] <= len(text)
        and r["end"] - r["start"] < len(text)  # a span over the whole comment marks nothing
    )
    merged: list[list] = []
    for start, end, rule in spans:
        # Overlapping evidence becomes one mark naming every rule, never a mark inside a mark.
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2].append(rule)
        else:
            merged.append([start, end, [rule]])
    out, cursor = [], 0
    for start, end, rules in merged:
        out.append(escape(text[cursor:start]))
        out.append(Markup('<mark class="evidence" title="{}">{}</mark>').format(", ".join(dict.fromkeys(rules)), text[start:end]))
        cursor = end
    out.append(escape(text[cursor:]))
    return Markup("").join(out)


def _csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


@review.before_request
def protect():
    """Every page needs a signed-in moderator; every form post needs the session's CSRF token."""
    # Only the pages read the session: the platform's API never pays for opening one.
    g.signed_in = session.get("moderator")
    if request.endpoint in ("review.sign_in",):
        pass
    elif not g.signed_in:
        return redirect(url_for("review.sign_in", next=request.path))
    if request.method == "POST":
        sent = request.form.get("csrf", "")
        if not sent or not secrets.compare_digest(sent.encode(), session.get("csrf", "").encode()):
            raise CsrfError("the form's CSRF token is missing or stale; reload the page")


def _same_site(target: str | None, default: str) -> str:
    """A path on this site to go back to; anything else (another host, "//x", a backslash, a tab) goes to `default`."""
    # Browsers drop tabs and newlines from a URL and read "\\" as "/", so
    # "/\t/evil.example" arrives as "//evil.example" (issue #11): a target
    # with any control character, space or backslash is refused outright.
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if any(c <= " " or c in "\\\x7f" for c in target):
        return default
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else default


@review.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Sign in with a moderator's name and password; failed attempts are counted and throttled."""
    error, status, headers, name = None, 200, {}, ""
    if request.method == "POST":
        name = request.form.get("name", "")
        outcome = check_sign_in(current_app.extensions["moderation.moderators"], name, request.form.get("password", ""),
                                request.remote_addr or "", app_now())
        if outcome.moderator:
            # A new session on sign-in (no fixation), with a new CSRF token.
            session.clear()
            session["moderator"] = outcome.moderator
            return redirect(_same_site(request.args.get("next"), url_for("review.queue")))
        if outcome.retry_after:
            minutes = -(-outcome.retry_after // 60)
            error = f"Too many failed sign-ins. Try again in {minutes} minutes."
            status, headers = 429, {"Retry-After": str(outcome.retry_after)}
        else:
            error = "Wrong name or password."
            status = 401
    return render_template("sign_in.html", error=error, name=name, csrf=_csrf_token()), status, headers


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
    now = iso(app_now())
    for item in items:
        item["author"] = moderators.author_summary(item["author_id"], now)
        item["highlighted"] = highlight(item["body"], item["reasons"])
    facets = moderators.queue_facets()
    return render_template("queue.html", items=items, categories=facets["categories"], articles=facets["articles"],
                           category=category, article=article, csrf=_csrf_token())


@review.post("/decide")
def decide_selected():
    """Approve, reject or ban one comment or a selection (bulk)."""
    days = request.form.get("ban_days", "").strip()
    if days and (not days.isdigit() or not 1 <= int(days) <= 36_500):
        raise FieldError("must be a whole number of days, from 1 to 36500 (empty: until lifted)", field="ban_days")
    engine = current_app.extensions["moderation.engine"]
    # A selection is decided all or nothing, in one transaction.
    decide(current_app.extensions["moderation.moderators"], request.form.getlist("comment_id"), request.form.get("action", ""),
           g.signed_in, app_now(), request.form.get("note", "").strip()[:2_000], int(days) if days else engine.author_policy.ban_days,
           engine.rules_version)
    return redirect(_same_site(request.form.get("back"), url_for("review.queue")))


@review.get("/authors/<author_id>")
def author(author_id: str):
    """An author's history: counts, bans and every comment with its latest decision."""
    moderators = current_app.extensions["moderation.moderators"]
    summary = moderators.author_summary(author_id, iso(app_now()))
    comments = moderators.author_comments(author_id)
    for comment in comments:
        comment["highlighted"] = highlight(comment["body"], comment["reasons"])
    return render_template("author.html", summary=summary, comments=comments, csrf=_csrf_token())


@review.get("/numbers")
def numbers():
    """What the engine and the moderators decided over a period, rule by rule; the queue, bans and callbacks now."""
    now = app_now()
    days, since = period_start(request.args.get("days"), now)
    figures = current_app.extensions["moderation.moderators"].numbers(since, iso(now))
    return render_template("numbers.html", figures=figures, days=days, periods=PERIODS, csrf=_csrf_token())


@review.get("/audit")
def audit():
    """Every moderator action, newest first."""
    return render_template("audit.html", entries=current_app.extensions["moderation.moderators"].audit(), csrf=_csrf_token())


class PagesSessionInterface(SecureCookieSessionInterface):
    """Sessions for the moderators' pages only: the platform's API never opens one."""

    def open_session(self, app: Flask, request):
        """The signed-cookie session on review pages; under /v1/ a null one (opening costs ~30 us a request)."""
        # Flask opens the session before it matches the URL, so the path decides, not the blueprint.
        if request.path.startswith("/v1/"):
            return self.make_null_session(app)
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure whenever the moderator came over HTTPS (behind a proxy: with MODERATION_PROXY_HOPS set), or when configured."""
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_app(app: Flask) -> None:
    """Register the pages, a session secret and secure headers."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    # Flask defines these keys (SAMESITE as None), so setdefault would never
    # apply (issue #11): set them unless a deployment chose a value.
    if app.config.get("SESSION_COOKIE_HTTPONLY") is None:
        app.config["SESSION_COOKIE_HTTPONLY"] = True
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.session_interface = PagesSessionInterface()
    app.register_blueprint(review)

    @app.after_request
    def secure_headers(response):
        if request.blueprint == "api":
            # JSON for the platform, nosniff set where it is built: page headers mean nothing there.
            return response
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'")
        if request.blueprint == "review":
            # Pages show who said what to whom: never keep them in a shared cache.
            response.headers.setdefault("Cache-Control", "no-store")
        return response

