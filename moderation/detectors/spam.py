"""Spam, unvetted links and self-promotion: comments that sell, farm links or point off-site.

No single sign makes a comment spam: "bitcoin", a link or a dollar figure each
turn up in honest comments. So spam is scored: each sign adds the weight the
rules give it (advertising and scam vocabulary in any language, money offered
at a rate, calls to action, links to unknown sites, several of them, text
pasted over and over), and past the threshold the comment is spam, with one
reason naming its strongest evidence. Below the threshold, a shortened link or
a link to an unknown site still goes to a moderator, and so does promoting
one's own blog, podcast or book.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

import ahocorasick_rs

from ..errors import RuleFileError
from ..normalization import Text, normalize
from ..rules.settings import number, strings, word_list
from .signal import Signal
from .spam_model import GATE_FILE, SIGNS, SpamModel, locate, prose_words, shipped_model

_SPAM_RULES = ("spam-advert", "spam-scam", "spam-link-farm", "spam-repeated-text")
# The learned layer's rule: named when the model carried a comment that no sign of a kind of spam names.
_MODEL_RULE = "spam-model"
# Ways to reach the writer that the model's reading of the text marks (see spam_model.mark).
# A handle is not one: "@name" mostly answers another commenter.
_CONTACT_SIGNS = (b" zzphone ", b" zzemail ", b" zzcode ")
# A way to reach the writer on a messaging app: the app's name, then an ID that no
# ordinary word is (an @handle, a number, digits or an underscore in it):
# "Telegram @badrcoin_official", "加微信 money888", "WhatsApp +44 7700 900123".
_MESSAGING_APPS = ("telegram", "whatsapp", "wechat", "weixin", "微信", "viber", "kik", "skype", "snapchat", "signal", "line id", "qq")


def _app_name(app: str) -> str:
    """A messaging app's name as a pattern: whole words ("line id" with any spacing); 微信 as written, as CJK has no word boundaries."""
    return r"\b" + r"\s+".join(map(re.escape, app.split())) + r"\b" if app.isascii() else re.escape(app)


_MESSAGING_HANDLE = re.compile(
    "(?:" + "|".join(map(_app_name, _MESSAGING_APPS)) + ")"
    r"\s*(?:id|me|us)?\s*[:：]?\s*"
    r"(?:@[\w.]{3,}|\+?\d[\d\s-]{6,}\d|(?=[\w.]{3,})(?=[\w.]*[a-z_])[a-z]*\d[\w.]*|[a-z]+_[\w.]+)"
)
# "35% off", "70 % off": a discount, whatever the figure.
_DISCOUNT = re.compile(r"\b\d{1,2}\s?% off\b")
# Praise counts towards a plug only where a comment opens with it.
_PRAISE_WINDOW = 80

# Top-level domains a bare "name.tld" (no http, no www) is read as a link for.
# Those that are also short English words ("in", "it", "me", "us", "is", "to")
# are left out: "...in Iraq.It was" is a missing space, not a link.
_TLDS = (
    "com net org info biz edu gov mil int co io ly gl ru su uk de fr es nl pl ca au cn jp eu ch se"
    " xyz top club online site live shop store pro app win bid loan click vip icu buzz cc pw tv ws news"
    " blog tech space website link today money cash bet casino pharmacy"
    # shorteners' and free registrars' domains (rb.gy, is.gd, dot.tk)
    " gy gd tk ml ga cf gq ai gg nu"
).split()
_LINK = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'()\[\]{}|]+"
    r"|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + "|".join(_TLDS) + r")\b(?:/[^\s<>\"'()\[\]{}|]*)?"
)
# Cheap signs that a comment may hold a link: only the words holding them are read.
_LINK_HINTS = ["://", "www."] + [f".{tld}" for tld in _TLDS]
_SCHEME = re.compile(r"^(?:https?://)?(?:www\d?\.)?")
# A page cited by its address reads as one: a path of two or more parts
# ("/2014/07/defence-..."), or one part with a number ("/story/24361" has two;
# "/page_id__888.aspx") or three or more words ("/why-the-air-war-will-fail").
# A home page or one short name ("/", "/offer", "/amiri.html") is a site pointed at.
_NUMBER_IN_PATH = re.compile(r"\d{3,}")
_SLUG_WORDS = re.compile(r"[a-z]{2,}")

# Money offered at a rate or multiplied ("$87/hour", "$500 a day", "turn $200
# into $5,000", "3000 рублей в день"); read on the original text because
# folding turns "€" and "£" into letters.
_AMOUNT = r"(?:[$€£]\s?\d[\d,.]*\s?k?|\d[\d,.]*\s?k?\s?(?:\$|€|£|usd|eur|gbp|dollars?|euros?|pounds|рублей|руб\.?|rubles?))"
_MONEY = re.compile(
    rf"{_AMOUNT}\s*(?:/|per\b|an?\b|each\b|every\b|в|за|in\s+(?:a|one|\d+)|por|pro|par|al|a\s+la)\s*"
    r"(?:hours?|hr|h|days?|daily|weeks?|months?|день|неделю|месяц|час|d[ií]a|semana|m[eê]s|tag|woche|monat|jour|mois)\b"
    rf"|\bturn\w*\s+(?:your\s+)?{_AMOUNT}\s+into\s+{_AMOUNT}"
    rf"|\b(?:make|makes|made|making|earn|earns|earned|earning|get|paid|заработ\w*)\s+(?:up\s+to\s+|over\s+|from\s+|от\s+)?{_AMOUNT}",
    re.IGNORECASE,
)
_MONEY_CONTEXT = 40
# Amounts without a currency sign ("5000 рублей", "500 dollars") are found by these
# words in the phrase scan; amounts with one by looking for the sign.
_MONEY_HINTS = ["usd", "eur", "dollars", "euros", "рублей", "руб", "rubles"]

# Pasted text covering `repeated_phrase_share` (0.4) of a comment always holds
# one of five evenly spaced samples.
_REPEAT_SAMPLES = 5
_REPEAT_SAMPLE_CHARS = 12
_REPEAT_WORDS_READ = 5_000
_TOKEN = re.compile(r"\w+(?:'\w+)?")
_FUNCTION_WORDS = word_list("function_words")


@dataclass(frozen=True)
class _Evidence:
    """One sign of spam: its weight, the rule it speaks for, and where it is in the original text."""

    weight: float
    rule: str | None
    start: int
    end: int
    what: str


class SpamDetector:
    """Scores a comment for spam; below the threshold, flags unvetted links and self-promotion."""

    rule_ids = _SPAM_RULES + (_MODEL_RULE, "unvetted-link", "self-promotion")

    def __init__(
        self, config: dict, source: str, model: SpamModel | None = None, gate: SpamModel | None = None,
        not_english: Callable[[Text], bool] | None = None,
    ):
        self.threshold = number(config, "spam", "threshold", source, low=0.1)
        # A plug (a link to an unknown site, a way to reach the writer) in a comment not
        # written in English adds this much: on an English blog such comments are spam
        # far more often than readers citing a source (0, or absent: no such sign).
        self.foreign_plug_weight = number(config, "spam", "foreign_plug_weight", source) if "foreign_plug_weight" in config else 0.0
        self._not_english = not_english
        self.link_weight = number(config, "spam", "unknown_link_weight", source)
        self.suspicious_tld_weight = number(config, "spam", "suspicious_tld_weight", source)
        self.link_farm_sites = int(number(config, "spam", "link_farm_sites", source, low=2))
        self.link_farm_weight = number(config, "spam", "link_farm_weight", source)
        self.money_weight = number(config, "spam", "money_weight", source)
        self.repeated_weight = number(config, "spam", "repeated_text_weight", source)
        self.repeated_word_copies = int(number(config, "spam", "repeated_word_copies", source, low=2))
        self.repeated_word_share = number(config, "spam", "repeated_word_share", source, high=1)
        self.repeated_phrase_copies = int(number(config, "spam", "repeated_phrase_copies", source, low=2))
        self.repeated_phrase_words = int(number(config, "spam", "repeated_phrase_words", source, low=2))
        self.repeated_phrase_share = number(config, "spam", "repeated_phrase_share", source, high=1)
        self.trusted = _domains(strings(config, "spam", "trusted_domains", source))
        # The learned layer (spam_model/): past `model_alone` its probability alone
        # makes a comment spam; past `model_support` it adds `model_support_weight`.
        self.model = model or shipped_model()
        # The cheap test first (issue #9, item 3): a words-only model; a comment it
        # gives less than `model_gate` is not read by the full model.
        self.gate = gate or shipped_model(GATE_FILE)
        self.model_gate = number(config, "spam", "model_gate", source, 0.0, 1.0)
        self.model_alone = number(config, "spam", "model_alone", source, 0.0, 1.0)
        self.model_support = number(config, "spam", "model_support", source, 0.0, 1.0)
        self.model_support_weight = number(config, "spam", "model_support_weight", source)
        self.model_min_words = int(number(config, "spam", "model_min_words", source, low=1))
        self.contact_weight = number(config, "spam", "contact_weight", source)
        self.discount_weight = number(config, "spam", "discount_weight", source)
        self.praise_weight = number(config, "spam", "praise_then_plug_weight", source)
        self.shorteners = frozenset(_domains(strings(config, "spam", "shorteners", source)))
        self.platforms = _domains(strings(config, "spam", "platform_domains", source))
        # A link to a page cited by its address on a site that is not a blog host is
        # evidence, not promotion: not held for the link alone (issue #9). It still
        # counts as a sign of spam.
        self.cited_pages_pass = bool(config.get("cited_pages_pass", False))
        self.personal_hosts = _domains(strings(config, "spam", "personal_hosts", source)) if "personal_hosts" in config else ()
        self.suspicious_tlds = frozenset(tld.lstrip(".") for tld in strings(config, "spam", "suspicious_tlds", source))
        # One Aho-Corasick pass over the folded text finds every phrase of every
        # kind, and the hints that a link may be present.
        patterns: list[str] = []
        self._meaning: list[tuple[str, float, str | None, str]] = []  # kind, weight, rule, label
        for group in _groups(config, source):
            for phrase in group["phrases"]:
                patterns.append(normalize(phrase).folded)
                self._meaning.append(("spam", group["weight"], group["rule"], group["what"]))
        for key, kind in (("own_channel", "promotion"), ("authoring", "authoring"), ("not_promotion", "ignore"), ("praise", "praise")):
            for phrase in strings(config, "spam", key, source):
                patterns.append(normalize(phrase).folded)
                self._meaning.append((kind, 0.0, None, key))
        self._phrase_count = len(patterns)
        patterns.extend(_LINK_HINTS)
        self._money_hint_from = len(patterns)
        patterns.extend(normalize(hint).folded for hint in _MONEY_HINTS)
        # Leftmost-longest: "online casino" is read as one phrase, not also as "casino".
        self._automaton = ahocorasick_rs.AhoCorasick(
            patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest, implementation=ahocorasick_rs.Implementation.DFA
        )

    def detect(self, text: Text) -> list[Signal]:
        """One spam signal past the threshold; otherwise unvetted-link and self-promotion signals."""
        folded = text.folded
        evidence: list[_Evidence] = []
        promotion: tuple[int, int] | None = None
        authoring: tuple[int, int] | None = None
        praise: tuple[int, int] | None = None
        link_hints: list[int] = []
        money_hints: list[int] = []
        seen: set[str] = set()
        for index, start, end in self._automaton.find_matches_as_indexes(folded):
            if index >= self._money_hint_from:
                money_hints.append(text.span(start, end)[0])
                continue
            if index >= self._phrase_count:
                link_hints.append(start)
                continue
            if _inside_word(folded, start, end):
                continue  # phrases are whole words: "casino", not the start of "casinos"
            kind, weight, rule, what = self._meaning[index]
            phrase = folded[start:end]
            if kind == "spam" and phrase not in seen:
                seen.add(phrase)  # "casino ... casino" is one sign, not two
                first, last, shown = text.evidence(start, end)
                evidence.append(_Evidence(weight, rule, first, last, f"{what} '{shown}'"))
            elif kind == "promotion":
                promotion = promotion or (start, end)
            elif kind == "authoring":
                authoring = authoring or (start, end)
            elif kind == "praise" and start < _PRAISE_WINDOW:
                praise = praise or (start, end)
        links = self._links(folded, link_hints) if link_hints else []
        unknown = [link for link in links if not self._is_trusted(link[2])]
        evidence.extend(self._link_evidence(text, unknown))
        original = text.original
        for sign in "$€£":
            if sign in original:
                money_hints.extend(i for i, char in enumerate(original) if char == sign)
        if money_hints:
            evidence.extend(self._money(original, money_hints))
        repeated = self._repetition(text)
        if repeated:
            evidence.append(repeated)
        tokens, marked = self.model.read(folded)
        contacts = self._contact_evidence(text, marked) if b" zz" in marked else []
        # Substring tests first: a regular expression of alternatives would try each at every character.
        messaging = _MESSAGING_HANDLE.search(folded) if any(app in folded for app in _MESSAGING_APPS) else None
        if messaging:
            first, last, shown = text.evidence(*messaging.span())
            contacts.append(_Evidence(self.contact_weight, None, first, last, f"a handle on a messaging app '{shown}'"))
        evidence.extend(contacts)
        if "% off" in folded and (found := _DISCOUNT.search(folded)):
            first, last, shown = text.evidence(*found.span())
            evidence.append(_Evidence(self.discount_weight, "spam-advert", first, last, f"a discount '{shown}'"))
        plugs = [e for e in evidence if e.what.startswith(("a link to an unknown site", "a shortened link"))] + contacts
        if praise is not None and plugs and promotion is None and authoring is None:
            # ("Great post! I wrote more on this: <link>" promotes the commenter's own work: held, not spam.)
            first, last, shown = text.evidence(*praise)
            evidence.append(_Evidence(self.praise_weight, None, first, last, f"praise and then a plug '{shown}'"))
        if self.foreign_plug_weight and self._not_english is not None and (unknown or contacts):
            # A page cited by its address is a reader's source, in any language; a bare site is a pitch.
            pitched = self._unvetted(folded, unknown, cited_pages_pass=True)
            if (pitched or contacts) and self._not_english(text):
                first, last = text.span(*pitched[0][:2]) if pitched else (contacts[0].start, contacts[0].end)
                evidence.append(_Evidence(self.foreign_plug_weight, "spam-advert", first, last, "a plug in a comment not written in English"))
        model = self._model_evidence(text, tokens, marked, promotion is not None)
        if model:
            evidence.append(model)
        score = sum(e.weight for e in evidence)
        if score >= self.threshold:
            return [self._spam_signal(text, evidence, score)]
        signals = []
        # A video or a post on a big platform is not an unknown personal site: no hold
        # for the link alone (promotion of one's own channel is still self-promotion).
        unvetted = self._unvetted(folded, unknown, self.cited_pages_pass and promotion is None and authoring is None)
        if unvetted:
            start, end, domain = unvetted[0]
            first, last, shown = text.evidence(start, end)
            if domain in self.shorteners:
                why = f"a shortened link ({domain}) that hides where it goes"
            else:
                why = f"a link to {domain}, not a known news, NGO or government site"
            if len(unvetted) > 1:
                why += f", and {len(unvetted) - 1} more unvetted link{'s' if len(unvetted) > 2 else ''}"
            signals.append(Signal("unvetted-link", first, last, shown, why))
        if promotion is None and authoring is not None and unknown:
            promotion = authoring  # "I wrote a longer breakdown here: <link>"
        if promotion:
            first, last, shown = text.evidence(*promotion)
            signals.append(Signal("self-promotion", first, last, shown, f"promotes the commenter's own work: '{shown}'"))
        return signals

    def _unvetted(self, folded: str, unknown: list[tuple[int, int, str]], cited_pages_pass: bool) -> list[tuple[int, int, str]]:
        """The links to unknown sites that are not a big platform's, less (if `cited_pages_pass`) pages cited by their address."""
        unvetted = [link for link in unknown if not self._is_platform(link[2])]
        if cited_pages_pass:
            unvetted = [link for link in unvetted if not self._is_cited_page(folded[link[0]:link[1]], link[2])]
        return unvetted

    def _spam_signal(self, text: Text, evidence: list[_Evidence], score: float) -> Signal:
        # The rule is the kind of spam with the most weight behind it; the
        # evidence shown is that kind's strongest sign.
        by_rule: dict[str, float] = {}
        for e in evidence:
            if e.rule and e.rule != _MODEL_RULE:
                by_rule[e.rule] = by_rule.get(e.rule, 0) + e.weight
        if by_rule:
            rule = max(_SPAM_RULES, key=lambda r: by_rule.get(r, 0))
        else:
            rule = _MODEL_RULE if any(e.rule == _MODEL_RULE for e in evidence) else "spam-advert"
        ranked = sorted(evidence, key=lambda e: (e.rule != rule, -e.weight, e.start))
        strongest = ranked[0]
        signs = "; ".join(dict.fromkeys(e.what for e in ranked))
        shown = text.original[strongest.start:strongest.end]
        return Signal(rule, strongest.start, strongest.end, shown, f"spam score {score:g} of {self.threshold:g}: {signs}")

    def _contact_evidence(self, text: Text, marked: bytes) -> list[_Evidence]:
        """A phone number, an e-mail address, a short code to text: each kind found adds `contact_weight` once."""
        evidence = []
        for sign in _CONTACT_SIGNS:
            if sign in marked:
                shown = SIGNS[sign.decode().strip()]
                span = locate(text.folded, shown)
                start, end = text.span(*span) if span else (0, len(text.original))
                evidence.append(_Evidence(self.contact_weight, None, start, end, shown))
        return evidence

    def _model_evidence(self, text: Text, tokens: list[bytes], marked: bytes, promotes_own_work: bool) -> _Evidence | None:
        """The learned layer's weight, with the features that weighed most, when its probability is high enough.

        From `model_support` to `model_alone` the weight grows from `model_support_weight`
        to the threshold. A comment that promotes the commenter's own blog or channel
        gets no more than `model_support_weight`: the policy sends that to a moderator,
        and the model, trained on YouTube channel plugs, reads it as spam.
        """
        if prose_words(tokens, marked) < self.model_min_words:
            return None  # a link with a caption, or a few words: too little for the model to read
        if self.gate.probability(text, tokens) < self.model_gate:
            return None
        probability = self.model.probability(text, tokens)
        if probability < self.model_support:
            return None
        if probability >= self.model_alone:
            weight = self.threshold
        else:
            share = (probability - self.model_support) / (self.model_alone - self.model_support)
            weight = self.model_support_weight + share * (self.threshold - self.model_support_weight)
        if promotes_own_work:
            weight = min(weight, self.model_support_weight)
        weight = round(weight, 1)
        weighed = self.model.explain(text)
        what = f"spam model {probability:.2f}"
        if weighed:
            what += " (weighed most: " + ", ".join(f"'{w.feature}'" for w in weighed) + ")"
        span = next(filter(None, (locate(text.folded, w.feature) for w in weighed)), None)
        start, end = text.span(*span) if span else (0, len(text.original))
        return _Evidence(weight, _MODEL_RULE, start, end, what)

    def _links(self, folded: str, hints: list[int]) -> list[tuple[int, int, str]]:
        """Each link or bare domain as (start, end, domain) in the folded text, read where a hint was found."""
        links = []
        # Only the word holding each hint ("://", "www.", ".com") is read, not the whole comment.
        words: list[tuple[int, int]] = []
        for hint in sorted(hints):
            # Each word once: a megabyte word with a hint every few characters
            # was walked from every hint (issue #11).
            if not words or hint >= words[-1][1]:
                words.append(_word_around(folded, hint))
        for found in (link for start, end in words for link in _LINK.finditer(folded, start, end)):
            url = found.group().rstrip(".,;:!?")
            domain = _SCHEME.sub("", url).split("/", 1)[0].split("?", 1)[0].split(":", 1)[0]
            if "." in domain and not domain.replace(".", "").isdigit():
                links.append((found.start(), found.start() + len(url), domain))
        return links

    def _is_platform(self, domain: str) -> bool:
        return any(domain == site or domain.endswith("." + site) for site in self.platforms)

    def _is_cited_page(self, url: str, domain: str) -> bool:
        """Whether a link to an unknown site points at a page cited by its address, on a site that is not a blog host."""
        if domain in self.shorteners or domain.rsplit(".", 1)[-1] in self.suspicious_tlds:
            return False
        if any(domain == host or domain.endswith("." + host) for host in self.personal_hosts):
            return False
        path = _SCHEME.sub("", url).partition("/")[2].partition("?")[0].partition("#")[0]
        parts = [part for part in path.split("/") if part]
        if len(parts) >= 2:
            return True
        return bool(parts) and (_NUMBER_IN_PATH.search(parts[0]) is not None or len(_SLUG_WORDS.findall(parts[0].rsplit(".", 1)[0])) >= 3)

    def _is_trusted(self, domain: str) -> bool:
        if domain in self.shorteners:
            return False
        return any(domain == trusted or domain.endswith("." + trusted) for trusted in self.trusted)

    def _link_evidence(self, text: Text, unknown: list[tuple[int, int, str]]) -> list[_Evidence]:
        evidence = []
        sites: dict[str, tuple[int, int]] = {}
        for start, end, domain in unknown:
            sites.setdefault(domain, text.span(start, end))
        farm = len(sites) >= self.link_farm_sites
        rule = "spam-link-farm" if farm else None
        for domain, (start, end) in sites.items():
            if not farm and self._is_platform(domain):
                continue  # a video or a post shared from a big platform: no sign of spam
            what = "a shortened link" if domain in self.shorteners else "a link to an unknown site"
            evidence.append(_Evidence(self.link_weight, rule, start, end, f"{what} {domain}"))
            if domain.rsplit(".", 1)[-1] in self.suspicious_tlds:
                evidence.append(_Evidence(self.suspicious_tld_weight, rule, start, end, f"a site under .{domain.rsplit('.', 1)[-1]}"))
        if farm:
            start, end = min(sites.values())
            evidence.append(_Evidence(self.link_farm_weight, rule, start, end, f"links to {len(sites)} different unknown sites"))
        return evidence

    def _money(self, original: str, hints: list[int]) -> list[_Evidence]:
        # Read only around each currency sign or word: the expression is slow over
        # a whole comment. Windows that overlap are read as one, so a comment
        # of 300,000 dollar signs is read once, not once a sign (issue #11).
        found = None
        start = end = -1
        for hint in sorted(hints):
            if hint - _MONEY_CONTEXT > end:
                if end >= 0 and (found := _MONEY.search(original, start, end)):
                    break
                start = max(0, hint - _MONEY_CONTEXT)
            end = hint + _MONEY_CONTEXT
        else:
            found = _MONEY.search(original, start, end) if end >= 0 else None
        if not found:
            return []
        return [_Evidence(self.money_weight, "spam-scam", found.start(), found.end(), f"money offered '{found.group()}'")]

    def _repetition(self, text: Text) -> _Evidence | None:
        """Text pasted over and over: one word, or a run of words, making up much of the comment."""
        folded = text.folded
        if not self._may_repeat(folded):
            return None
        # The first few thousand words show pasted text as well as all of them,
        # and keep a megabyte comment from costing a second here.
        tokens = list(islice(_TOKEN.finditer(folded), _REPEAT_WORDS_READ))
        words = [token.group() for token in tokens]
        for word, copies in Counter(words).most_common(3):
            if copies >= self.repeated_word_copies and copies >= self.repeated_word_share * len(words) and word not in _FUNCTION_WORDS:
                first, last = text.span(*tokens[words.index(word)].span())
                return _Evidence(self.repeated_weight, "spam-repeated-text", first, last, f"'{word}' written {copies} times")
        size = self.repeated_phrase_words
        runs = [tuple(words[i : i + size]) for i in range(len(words) - size + 1)]
        run_copies = Counter(runs)
        # Words covered by repeated runs, counted as runs overlap in order (no set of positions).
        covered, reach = 0, 0
        first_index: int | None = None
        for index, run in enumerate(runs):
            if run_copies[run] >= self.repeated_phrase_copies:
                covered += index + size - max(reach, index)
                reach = index + size
                first_index = index if first_index is None else first_index
        if first_index is not None and covered >= self.repeated_phrase_share * len(words):
            index = first_index
            first, last = text.span(tokens[index].start(), tokens[index + size - 1].end())
            run = runs[index]
            return _Evidence(self.repeated_weight, "spam-repeated-text", first, last, f"'{' '.join(run)}' pasted {run_copies[run]} times")
        return None

    def _may_repeat(self, folded: str) -> bool:
        """A cheap look for pasted text: does a piece taken here and there recur in the comment?"""
        # Text pasted over and over covers a good share of the comment, so one of
        # a few evenly spaced samples lands in it; ordinary prose is never hit.
        if len(folded) < _REPEAT_SAMPLE_CHARS * self.repeated_phrase_copies:
            return False
        step = max(len(folded) // _REPEAT_SAMPLES, 1)
        for start in range(0, len(folded) - _REPEAT_SAMPLE_CHARS, step):
            if folded.count(folded[start : start + _REPEAT_SAMPLE_CHARS]) >= self.repeated_phrase_copies:
                return True
        return False


def _word_around(text: str, index: int) -> tuple[int, int]:
    """The (start, end) of the run of non-space characters holding text[index]."""
    start = max(text.rfind(" ", 0, index), text.rfind("\n", 0, index)) + 1
    ends = [end for end in (text.find(" ", index), text.find("\n", index)) if end != -1]
    return start, min(ends) if ends else len(text)


def _inside_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] begins or ends in the middle of a word."""
    return (start > 0 and text[start].isalnum() and text[start - 1].isalnum()) or (
        end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    )


def _domains(entries: tuple[str, ...]) -> tuple[str, ...]:
    # "*.gov" and "gov" both mean every site under .gov; "www." adds nothing.
    return tuple(_SCHEME.sub("", entry.removeprefix("*.").strip("./")) for entry in entries)


def _groups(config: dict, source: str) -> list[dict]:
    """The [[spam.vocabulary]] groups, checked: each a rule, a weight, a label and its phrases."""
    groups = config.get("vocabulary")
    if not isinstance(groups, list) or not groups:
        raise RuleFileError(source, "must be a list of [[spam.vocabulary]] tables", field="spam.vocabulary")
    checked = []
    for index, group in enumerate(groups):
        where = f"spam.vocabulary[{index}]"
        if not isinstance(group, dict):
            raise RuleFileError(source, "must be a table", field=where)
        rule = group.get("rule")
        if rule is not None and rule not in _SPAM_RULES:
            raise RuleFileError(source, f"must be one of {', '.join(_SPAM_RULES)} (or left out)", field=f"{where}.rule")
        what = group.get("what")
        if not isinstance(what, str) or not what:
            raise RuleFileError(source, "must say in a few words what the phrases are", field=f"{where}.what")
        weight = number(group, where, "weight", source)
        phrases = strings(group, where, "phrases", source)
        if not phrases:
            raise RuleFileError(source, "must list at least one phrase", field=f"{where}.phrases")
        checked.append({"rule": rule, "what": what, "weight": weight, "phrases": phrases})
    return checked
