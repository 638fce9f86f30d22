"""Spam: adverts, scams and link farms; unvetted links and self-promotion in on-topic comments.

Spam is scored from several weak signals, because no single one decides:
commercial or scam vocabulary in any language, money offered at a rate,
calls to action, links to unknown sites (several of them: a link farm) and
text pasted over and over. Past the threshold it is spam. Below it, a
shortened or unknown link still goes to a moderator, and so does promoting
one's own blog or podcast.
"""

from __future__ import annotations

import re

import ahocorasick_rs

from .normalize import Text
from .settings import number, strings
from .signal import Signal

_LINK = re.compile(
    r"(?:https?://|www\.)[^\s<>\"')]+|\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|net|org|biz|info|ru|xyz|co|io|us|uk|de|top|club|online|site|live|ly|gl|me|tv|cc|su|pw|win|bid|shop|store|pro|app)\b(?:/[^\s<>\"')]*)?"
)
_LINK_HINTS = ("http", "www.", ".com", ".net", ".org", ".biz", ".info", ".ru", ".xyz", ".co", ".io", ".ly", ".gl", ".us", ".uk", ".de", ".top", ".club", ".online", ".site", ".live", ".me", ".tv", ".cc", ".su", ".pw", ".win", ".bid", ".shop", ".store", ".pro", ".app")
# Money offered at a rate, or multiplied: "$87/hour", "$500 a day", "turn $200 into $5,000".
_MONEY = re.compile(
    r"[$€£]\s?\d[\d,.]*\s*(?:k\b)?\s*(?:/|per|an?|every)\s*(?:hour|hr|day|week|month|night)\b"
    r"|\bturn\s+[$€£]?\d[\d,.]*\s+into\s+[$€£]?\d|\b\d[\d ]*\s*(?:рублей|руб)\b"
    r"|\bmakes?\s+[$€£]\d[\d,.]*"
)
_REPEATED_WORD = re.compile(r"\b(\w+)(?:\W+\1\b){9,}")
_SENTENCE = re.compile(r"[^.!?\n]{20,}")


class SpamDetector:
    """Scores a comment for spam; below the threshold, flags unvetted links and self-promotion."""

    rule_ids = ("spam", "unvetted-link", "self-promotion")

    def __init__(self, config: dict, source: str):
        self.threshold = number(config, "spam", "threshold", source)
        self.phrase_weight = number(config, "spam", "phrase_weight", source)
        self.link_weight = number(config, "spam", "unknown_link_weight", source)
        self.link_farm_links = int(number(config, "spam", "link_farm_links", source))
        self.link_farm_weight = number(config, "spam", "link_farm_weight", source)
        self.money_weight = number(config, "spam", "money_weight", source)
        self.repeat_weight = number(config, "spam", "repeated_text_weight", source)
        self.trusted = strings(config, "spam", "trusted_domains", source)
        self.shorteners = frozenset(strings(config, "spam", "shorteners", source))
        phrases = strings(config, "spam", "phrases", source)
        promotion = strings(config, "spam", "self_promotion", source)
        # One Aho-Corasick pass finds spam phrases, self-promotion and link hints together.
        self._words = list(phrases) + list(promotion) + list(_LINK_HINTS)
        self._kinds = ["phrase"] * len(phrases) + ["promotion"] * len(promotion) + ["link"] * len(_LINK_HINTS)
        self._automaton = ahocorasick_rs.AhoCorasick(self._words)

    def detect(self, text: Text) -> list[Signal]:
        """A spam signal past the threshold; otherwise unvetted-link and self-promotion signals."""
        folded = text.folded
        score = 0.0
        evidence: list[tuple[float, int, int, str]] = []
        found_kinds = self._scan(folded)
        # Folding reads Cyrillic look-alikes as Latin letters; spam in Russian
        # is matched on the original text, lowercased.
        lowered = text.original.lower()
        if not lowered.isascii() and len(lowered) == len(text.original) and text.offsets is None:
            for kind, start, end in self._scan(lowered):
                if kind == "phrase" and not lowered[start:end].isascii():
                    found_kinds.append((kind, start, end))
        promotion = None
        has_link_hint = False
        seen_phrases: set[str] = set()
        for kind, start, end in found_kinds:
            if kind == "phrase":
                # Each phrase counts once: "the casino … their casino" is one signal.
                phrase = (lowered if not folded[start:end].isascii() else folded)[start:end]
                if phrase in seen_phrases:
                    continue
                seen_phrases.add(phrase)
                score += self.phrase_weight
                evidence.append((self.phrase_weight, start, end, "spam phrase"))
            elif kind == "promotion":
                promotion = promotion or (start, end)
            else:
                has_link_hint = True
        money = _MONEY.search(folded) if ("$" in folded or "€" in folded or "£" in folded or "turn" in folded or "руб" in folded) else None
        if money:
            # Once: a wage discussed twice is not two offers.
            score += self.money_weight
            evidence.append((self.money_weight, money.start(), money.end(), "money offered"))
        links = self._links(folded) if has_link_hint else []
        unknown = [link for link in links if not self._is_trusted(link[2])]
        if unknown:
            score += self.link_weight * len(unknown)
            for start, end, domain in unknown:
                evidence.append((self.link_weight, start, end, f"link to {domain}"))
        if len({domain for _, _, domain in unknown}) >= self.link_farm_links:
            score += self.link_farm_weight
        repeated = self._repeated(folded)
        if repeated:
            score += self.repeat_weight
            evidence.append((self.repeat_weight, repeated[0], repeated[1], "repeated text"))
        if score >= self.threshold:
            evidence.sort(key=lambda e: (-e[0], e[1]))
            _, start, end, what = evidence[0]
            first, last, shown = text.evidence(start, end)
            kinds = ", ".join(dict.fromkeys(e[3].split(" to ")[0] for e in evidence))
            return [Signal("spam", first, last, shown, f"spam score {score:g} (threshold {self.threshold:g}): {kinds}")]
        signals = []
        for start, end, domain in unknown:
            first, last, shown = text.evidence(start, end)
            why = "a shortened link that hides where it goes" if self._base(domain) in self.shorteners else f"a link to {domain}, not a known news, NGO or government site"
            signals.append(Signal("unvetted-link", first, last, shown, why))
            break
        if promotion:
            first, last, shown = text.evidence(*promotion)
            signals.append(Signal("self-promotion", first, last, shown, "promotes the commenter's own channel"))
        return signals

    def _scan(self, text: str) -> list[tuple[str, int, int]]:
        found = []
        for index, start, end in self._automaton.find_matches_as_indexes(text, overlapping=True):
            kind = self._kinds[index]
            # Phrases are whole words ("casino", not "casinos" inside another word is fine either way).
            if kind != "link" and ((start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum())):
                continue
            found.append((kind, start, end))
        return found

    def _links(self, folded: str) -> list[tuple[int, int, str]]:
        links = []
        for found in _LINK.finditer(folded):
            url = found.group().rstrip(".,;:!?")
            domain = re.sub(r"^(?:https?://)?(?:www\.)?", "", url).split("/")[0]
            if "." in domain and not re.fullmatch(r"[\d.]+", domain):
                links.append((found.start(), found.start() + len(url), domain))
        return links

    @staticmethod
    def _base(domain: str) -> str:
        return domain.lower().removeprefix("www.")

    def _is_trusted(self, domain: str) -> bool:
        domain = self._base(domain)
        if domain in self.shorteners:
            return False
        return any(domain == t or domain.endswith("." + t) or (t.startswith(".") and domain.endswith(t)) for t in self.trusted)

    @staticmethod
    def _repeated(folded: str) -> tuple[int, int] | None:
        words = folded.split()
        # Repetition shows as few distinct words; most comments skip the search.
        if len(words) < 20 or len(set(words)) > len(words) / 2:
            return None
        if len(set(words)) * 4 <= len(words):
            return 0, len(folded)  # a few words pasted over and over
        word = _REPEATED_WORD.search(folded)
        if word:
            return word.start(), word.end()
        seen: dict[str, int] = {}
        for sentence in _SENTENCE.finditer(folded):
            key = sentence.group().strip()
            seen[key] = seen.get(key, 0) + 1
            if seen[key] >= 3:
                return sentence.start(), sentence.end()
        return None

