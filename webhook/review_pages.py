"""The moderators' side in a browser (blueprint `review`): sign-in, the queue, author and comment pages, the audit log.

Comment text is untrusted: templates autoescape it, and evidence is highlighted
by escaping each segment and wrapping only the spans in <mark>. Names and ids
are shown in <bdi>, so a right-to-left override cannot turn the page around.
After a decision the page says what was done, with an undo, and goes back to
where the moderator was: the next comment, by an anchor (issue #10).
"""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, g, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from markupsafe import Markup, escape

from .accounts import sign_in as check_sign_in
from .clock import app_now
from .errors import CsrfError, FieldError, NotFoundError
from .ingest import iso
from .review import PERIODS, UNDOABLE, period_start, undo
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


# Reasons the service gives itself (not rules in rules/), by the name a moderator reads.
SERVICE_REASONS = {
    "moderator-approve": "Approved by a moderator",
    "moderator-reject": "Rejected by a moderator",
    "moderator-ban": "Rejected and banned by a moderator",
    "moderator-undo": "Undone by a moderator",
    "author_banned": "Author banned",
    "new-author": "New author",
}
# What each verdict and action reads as, after a name: "maria approved", "held by the engine".
VERDICT_WORDS = {"approve": "approved", "hold": "held", "reject": "rejected"}
ACTION_WORDS = {"approve": "approved", "reject": "rejected", "ban": "rejected and banned", "unban": "lifted the ban on", "undo": "undid a decision on"}
# Authors named in a confirmation before "and N others".
NAMES_SHOWN = 3
AUDIT_PAGE = 100


@review.app_template_filter("rule_name")
def rule_name(rule_id: str) -> str:
    """A rule's readable name ("name-calling" reads "Name calling"); the id stays in the page as a data attribute."""
    if rule_id in SERVICE_REASONS:
        return SERVICE_REASONS[rule_id]
    words = str(rule_id).replace("-", " ").replace("_", " ").strip()
    return (words[:1].upper() + words[1:]) or str(rule_id)


@review.app_template_filter("anchor")
def anchor(comment_id: str) -> str:
    """The element id of a comment on a page: from a hash, since platform ids may hold any character."""
    return "c-" + hashlib.sha256(str(comment_id).encode()).hexdigest()[:12]


@review.app_template_filter("decider")
def decider(decided_by: str) -> str:
    """Who decided, as a moderator reads it: "the engine", or the moderator's name."""
    return "the engine" if decided_by == "engine" else str(decided_by).removeprefix("moderator:")


@review.app_template_filter("when")
def when(stamp: str | None) -> str:
    """A stored UTC time to the minute, as "2026-11-23 12:00"."""
    return (stamp or "")[:16].replace("T", " ")


@review.app_template_filter("moderator_note")
def moderator_note(decision: dict) -> str:
    """What a moderator wrote with a decision (or what an undo did); empty for the default words and the engine."""
    if decision.get("decided_by") == "engine":
        return ""
    for reason in decision.get("reasons") or []:
        if reason.get("rule") in UNDOABLE:
            default = f"A moderator chose to {UNDOABLE[reason['rule']]}."
            return "" if reason.get("explanation") == default else reason.get("explanation", "")
        if reason.get("rule") == "moderator-undo":
            return reason.get("explanation", "")
    return ""


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


@review.context_processor
def page_context() -> dict:
    """Every page's CSRF token, and the confirmation of the last decision, shown once."""
    return {"csrf": _csrf_token(), "done": session.pop("done", None)}


def _names(author_ids: list[str]) -> list[tuple[str, str]]:
    """Authors as confirmation parts: up to three names (each shown in <bdi>), then how many more."""
    ids = list(dict.fromkeys(author_ids))
    names = current_app.extensions["moderation.moderators"].display_names(ids[:NAMES_SHOWN])
    parts: list[tuple[str, str]] = []
    for i, author_id in enumerate(ids[:NAMES_SHOWN]):
        if i:
            parts.append(("text", " and " if i == len(ids) - 1 else ", "))
        parts.append(("name", names[author_id] or author_id))
    if len(ids) > NAMES_SHOWN:
        more = len(ids) - NAMES_SHOWN
        parts.append(("text", f" and {more} other{'s' if more > 1 else ''}"))
    return parts


def _whole(value: str) -> bool:
    """Whether a form value is a whole number in ASCII digits ("²" is a digit to str.isdigit, not to int)."""
    return value.isascii() and value.isdigit()


def _comments(count: int) -> str:
    return f"{count} comment{'s' if count != 1 else ''}"


def _confirm_decision(action: str, decisions: list, comment_ids: list[str]) -> None:
    """Remember what a decision did, for the next page to say once, with the decision ids an undo reverses."""
    moderators = current_app.extensions["moderation.moderators"]
    authors = [moderators.comment(d.comment_id)["author_id"] for d in decisions]
    if action == "unban":
        parts = [("text", "Lifted the ban on ")] + _names([moderators.comment(c)["author_id"] for c in dict.fromkeys(comment_ids)])
    elif action == "ban":
        banned = [a for a, d in zip(authors, decisions) if d.reasons[0].get("ban_id") is not None]
        already = [a for a in authors if a not in banned]
        parts = [("text", f"Rejected {_comments(len(decisions))}")]
        if banned:
            parts += [("text", " and banned ")] + _names(banned)
        if already:
            parts += [("text", " by " if not banned else "; already banned: ")] + _names(already) + ([("text", " (already banned)")] if not banned else [])
    else:
        parts = [("text", f"{VERDICT_WORDS[action].capitalize()} {_comments(len(decisions))} by ")] + _names(authors)
    session["done"] = {"parts": parts, "undo": [d.id for d in decisions] if action in ("approve", "reject", "ban") else []}


def _following(shown: list[str], decided: list[str]) -> str | None:
    """The comment to go on with after deciding some of those shown: the next one below the last decided, else the nearest above."""
    gone = set(decided)
    positions = [i for i, comment_id in enumerate(shown) if comment_id in gone]
    if not positions:
        return None
    below = [c for c in shown[positions[-1] + 1:] if c not in gone]
    above = [c for c in shown[:positions[-1]] if c not in gone]
    return below[0] if below else (above[-1] if above else None)


def _back_to(target: str | None, comment_id: str | None) -> str:
    """The same-site page to go back to, at the comment the moderator goes on with (an anchor works without JavaScript)."""
    back = _same_site(target, url_for("review.queue")).partition("#")[0]
    return back + "#" + anchor(comment_id) if comment_id else back


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
    """Approve, reject or ban one comment or a selection (bulk); back to the page, at the comment that follows."""
    days = request.form.get("ban_days", "").strip()
    if days and (not _whole(days) or not 1 <= int(days) <= 36_500):
        raise FieldError("must be a whole number of days, from 1 to 36500 (empty: until lifted)", field="ban_days")
    engine = current_app.extensions["moderation.engine"]
    comment_ids, action = request.form.getlist("comment_id"), request.form.get("action", "")
    # A selection is decided all or nothing, in one transaction.
    decisions = decide(current_app.extensions["moderation.moderators"], comment_ids, action,
                       g.signed_in, app_now(), request.form.get("note", "").strip()[:2_000], int(days) if days else engine.author_policy.ban_days,
                       engine.rules_version)
    _confirm_decision(action, decisions, comment_ids)
    # One comment's form names the comment after it; the bulk form lists every comment shown, in order.
    following = _following(request.form.getlist("shown"), comment_ids) or request.form.get("next") or None
    return redirect(_back_to(request.form.get("back"), following))


@review.post("/undo")
def undo_decisions():
    """Undo the decisions just made: a new decision restores each comment, a ban they made is lifted; back at the first comment."""
    sent = request.form.getlist("decision_id")
    if not sent or not all(_whole(value) and len(value) < 19 for value in sent):
        raise FieldError("must name the decisions to undo by their numbers", field="decision_id")
    undone = undo(current_app.extensions["moderation.moderators"], [int(value) for value in sent], g.signed_in, app_now())
    states = sorted({VERDICT_WORDS[u.decision.action] for u in undone})
    parts = [("text", f"Undone: {_comments(len(undone))} by ")] + _names([u.author_id for u in undone])
    parts.append(("text", f" {'is' if len(undone) == 1 else 'are'} {' or '.join(states)} again"))
    lifted = [u.author_id for u in undone if u.ban_lifted]
    if lifted:
        parts += [("text", "; lifted the ban on ")] + _names(lifted)
    session["done"] = {"parts": parts, "undo": []}
    return redirect(_back_to(request.form.get("back"), undone[0].decision.comment_id))


@review.get("/authors/<path:author_id>")
def author(author_id: str):
    """An author's history: counts, bans and every comment with why it was held or rejected and who decided."""
    moderators = current_app.extensions["moderation.moderators"]
    summary = moderators.author_summary(author_id, iso(app_now()))
    comments = moderators.author_comments(author_id)
    for comment in comments:
        comment["highlighted"] = highlight(comment["body"], comment["engine_reasons"])
    return render_template("author.html", summary=summary, comments=comments)


@review.get("/comments/<path:comment_id>")
def comment(comment_id: str):
    """One comment: every revision with its evidence, each decision with who made it and why, the bans it led to."""
    moderators = current_app.extensions["moderation.moderators"]
    record = moderators.comment_record(comment_id)
    if record is None:
        raise NotFoundError(f"no comment {comment_id}")
    for revision in record["revisions"]:
        revision["highlighted"] = highlight(revision["body"], revision["engine_reasons"])
    latest = record["revisions"][0]
    author = moderators.author_summary(latest["author_id"], iso(app_now()))
    return render_template("comment.html", comment=latest, revisions=record["revisions"], bans=record["bans"], author=author)


@review.get("/numbers")
def numbers():
    """What the engine and the moderators decided over a period, rule by rule; the queue, bans and callbacks now."""
    now = app_now()
    days, since = period_start(request.args.get("days"), now)
    figures = current_app.extensions["moderation.moderators"].numbers(since, iso(now))
    return render_template("numbers.html", figures=figures, days=days, periods=PERIODS, csrf=_csrf_token())


@review.get("/audit")
def audit():
    """Every moderator action and every ban the engine made, newest first, each with its comment, author and rules."""
    before = None
    if request.args.get("before"):
        at, _, rest = request.args["before"].partition("|")
        kind, _, entry_id = rest.partition("|")
        if not at or kind not in ("engine", "moderator") or not _whole(entry_id) or len(entry_id) > 18:
            raise FieldError("must be an entry's time|kind|id, as the page's link gives it", field="before")
        before = (at, kind, int(entry_id))
    entries = current_app.extensions["moderation.moderators"].audit_timeline(AUDIT_PAGE, before)
    for entry in entries:
        entry["highlighted"] = highlight(entry["body"], entry["engine_reasons"]) if entry["body"] is not None else None
    older = None
    if len(entries) == AUDIT_PAGE:
        last = entries[-1]
        older = url_for("review.audit", before=f"{last['created_at']}|{last['kind']}|{last['id']}")
    return render_template("audit.html", entries=entries, older=older, action_words=ACTION_WORDS)


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

