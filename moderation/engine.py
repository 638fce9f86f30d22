"""The engine: one comment in, one decision with reasons out. Pure: no I/O, clock or globals."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from .detectors.incivility import IncivilityDetector
from .detectors.language import LanguageDetector
from .detectors.phrases import PhraseDetector
from .detectors.relevance import RelevanceDetector
from .detectors.shouting import ShoutingDetector
from .detectors.signal import Signal
from .detectors.spam import SpamDetector
from .detectors.vulgarity import VulgarityDetector
from .errors import InputError, RuleFileError
from .model import VERDICT_ORDER, Article, Comment, Decision, Reason
from .normalization import normalize
from .rules import RuleSet, load_rules

_PROFILE_CACHE_SIZE = 256
# A moderator reads a few pieces of evidence per rule, not 20,000: a comment of
# one masked word pasted over and over kept every one, and its decision was
# megabytes of JSON to store and send (issue #11). The verdict is unchanged.
MAX_REASONS_PER_RULE = 10


class Engine:
    """Built once from a rule set; `evaluate` turns a `Comment` into a `Decision`."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        self.rules_version = rules.version
        self.author_policy = rules.author_policy
        vulgarity, vulgarity_source = rules.section("vulgarity")
        shouting, shouting_source = rules.section("shouting")
        civility, civility_source = rules.section("civility")
        spam, spam_source = rules.section("spam")
        language, language_source = rules.section("language")
        relevance, relevance_source = rules.section("relevance")
        incivility, incivility_source = rules.section("incivility")
        language_detector = LanguageDetector(language, language_source)
        phrase_rules = [(rule.id, rule.detect) for rule in rules.rules.values() if rule.detect]
        # The pipeline, read in order (STYLE example 4). Every detector reads the
        # same folded text, so normalising comes first and happens once.
        # Vulgarity is the notice's first concern and the cheapest test; civility
        # phrases next; shouting reads the original case; spam before relevance,
        # because an advert is spam whether or not it opens on topic.
        self._detectors = (
            VulgarityDetector(rules.terms, vulgarity, vulgarity_source),
            PhraseDetector(civility.get("words", {}), phrase_rules, civility_source),
            # The learned layer reads what the phrase rules may have missed; its reject
            # conditions may name the civility word lists ({group}).
            IncivilityDetector(incivility, incivility_source, word_lists=civility.get("words", {})),
            ShoutingDetector(shouting, shouting_source),
            SpamDetector(spam, spam_source, not_english=lambda text: bool(language_detector.detect(text))),
            language_detector,
        )
        # Relevance needs the article and says nothing about spam, so it runs last.
        self._relevance = RelevanceDetector(relevance, relevance_source)
        # Rules whose signal settles a comment before relevance is judged: spam, and every rule that rejects.
        self._settled = frozenset(rule.id for rule in rules.rules.values() if rule.category == "spam" or rule.action == "reject")
        self._phrase_rules = frozenset(rule_id for rule_id, _ in phrase_rules)
        # Rules whose signal says a comment bears on the discussion (talk about the comment policy itself).
        self._on_topic_rules = frozenset(rule.id for rule in rules.rules.values() if rule.category in self._relevance.on_topic_categories)
        self._profiles: OrderedDict[tuple[str, str], object] = OrderedDict()
        self._check_rule_ids()

    @property
    def notes_on_rules(self) -> tuple[str, ...]:
        """Remarks on the rules that are no error but cost or surprise (an alternative woken by every trigger)."""
        return tuple(note for detector in self._detectors for note in getattr(detector, "notes", ()))

    @classmethod
    def from_directory(cls, directory: str | Path | None = None) -> Engine:
        """An engine for the rules folder at `directory` (default: the project's rules/)."""
        return cls(load_rules(directory))

    def evaluate(self, comment: Comment) -> Decision:
        """The verdict on one comment with every reason behind it."""
        if not isinstance(comment.text, str):
            raise InputError("comment text must be a string")
        text = normalize(comment.text)
        signals: list[Signal] = []
        for detector in self._detectors:
            signals.extend(detector.detect(text))
        if any(s.rule in self._phrase_rules for s in signals):
            # The learned layer holds what the phrase rules missed: where one of them already
            # spoke, the model's hold adds a second reason for the same words. Its rejects stay.
            signals = [s for s in signals if s.rule != "incivility-model"]
        if (
            comment.article is not None
            and comment.parent_id is None
            and not any(s.rule in self._settled or s.rule in self._on_topic_rules for s in signals)
        ):
            # Off topic is only worth saying of a comment nothing else settled:
            # a reply answers the thread, and spam or a comment rejected for
            # another reason does not also list it (issue #10).
            signals.extend(self._relevance.detect(text, self._profile(comment.article)))
        signals, notes = _capped(signals)
        reasons = tuple(self._reason(signal) for signal in signals)
        action = max((r.action for r in reasons), key=VERDICT_ORDER.__getitem__, default="approve")
        return Decision(action, reasons, self.rules_version, comment.id, notes)

    def _reason(self, signal: Signal) -> Reason:
        rule = self.rules.rules[signal.rule]
        explanation = rule.explain + (f" Found: {signal.detail}." if signal.detail else "")
        return Reason(
            rule=rule.id,
            category=rule.category,
            severity=rule.severity,
            action=rule.action,
            explanation=explanation,
            clause=rule.clause,
            start=signal.start,
            end=signal.end,
            evidence=signal.evidence,
            ban=rule.ban,
            strike=rule.strike,
        )

    def _profile(self, article: Article):
        # Comments arrive in bursts under one article: profile it once.
        key = (article.title, article.text)
        profile = self._profiles.get(key)
        if profile is None:
            profile = self._relevance.profile(article)
            self._profiles[key] = profile
            if len(self._profiles) > _PROFILE_CACHE_SIZE:
                self._profiles.popitem(last=False)
        else:
            self._profiles.move_to_end(key)
        return profile

    def _check_rule_ids(self) -> None:
        emitted = {rule_id for d in (*self._detectors, self._relevance) for rule_id in d.rule_ids}
        for rule_id in sorted(emitted - set(self.rules.rules)):
            raise RuleFileError(self.rules.directory, "a detector reports this rule, but no rules file defines it", rule=rule_id)


def _capped(signals: list[Signal]) -> tuple[list[Signal], tuple[str, ...]]:
    """At most MAX_REASONS_PER_RULE signals of each rule, and a note of how many more each had."""
    counts: dict[str, int] = {}
    kept = []
    for signal in signals:
        seen = counts[signal.rule] = counts.get(signal.rule, 0) + 1
        if seen <= MAX_REASONS_PER_RULE:
            kept.append(signal)
    notes = tuple(
        f"{rule}: {count - MAX_REASONS_PER_RULE} more like these not listed"
        for rule, count in counts.items()
        if count > MAX_REASONS_PER_RULE
    )
    return kept, notes
