"""The learned civility layer: the shipped model loads, matches its manifest, holds clear incivility, passes civil talk, never raises."""

from __future__ import annotations

import hashlib
from pathlib import Path
from importlib import resources

import pytest

from moderation.detectors.incivility import (
    GRAM_PREFIX,
    LABELS,
    MODEL_FILE,
    Conjunction,
    IncivilityDetector,
    IncivilityModel,
    Reading,
    entries,
    feature_word_spans,
    feature_words,
    features,
    grams,
    read_model,
    shipped_model,
    word_spans,
    words,
    write_model,
)
from moderation.errors import RuleFileError
from moderation.normalization import normalize

PACKAGE = resources.files("moderation.detectors.incivility")


@pytest.fixture(scope="module")
def model() -> IncivilityModel:
    return shipped_model()


@pytest.fixture(scope="module")
def detector(model) -> IncivilityDetector:
    # The thresholds the training run chose on dev, as proposed for rules/ in the README.
    return IncivilityDetector(dict(model.suggested_thresholds), "test")


def test_shipped_model_loads_once_with_every_label(model):
    assert model.labels == LABELS
    assert shipped_model() is model
    assert 1_000 < model.size <= 150_000
    assert set(model.suggested_thresholds) == set(LABELS)


def test_shipped_model_was_trained_on_the_manifest_as_committed(model):
    assert model.sources_sha256 == hashlib.sha256(PACKAGE.joinpath("sources.toml").read_bytes()).hexdigest()


def test_shipped_model_was_trained_on_our_own_data_as_committed(model):
    from moderation.detectors.incivility.train import own_digest

    assert model.data_sha256 == own_digest()


def test_shipped_model_stays_small():
    assert len(PACKAGE.joinpath(MODEL_FILE).read_bytes()) < 3_000_000


# Version 1 missed seven of these (its insult examples were tweets whose "offensive language" is
# mostly slurs and profanity); they were marked strictly as expected failures, and version 2,
# trained on our own comments too, reaches the threshold on every one, so the marks are gone.
INCIVIL = [
    # (comment, the label that must reach its threshold)
    ("You are a pathetic idiot and everyone here knows it.", "insult"),
    ("Shut up, you stupid moron.", "insult"),
    ("@GaryT you are a complete loser, as usual.", "insult"),
    ("Go back to school, you ignorant fool.", "insult"),
    ("What a worthless piece of garbage you are.", "insult"),
    ("All Muslims are terrorists and should be thrown out of the country.", "identity_attack"),
    ("Black people are animals.", "identity_attack"),
    ("Women are too stupid to vote.", "identity_attack"),
    ("Jews are parasites who control the banks.", "identity_attack"),
    ("Gay people are disgusting perverts.", "identity_attack"),
]


@pytest.mark.parametrize("comment,label", INCIVIL)
def test_clear_incivility_reaches_the_hold_threshold(model, detector, comment, label):
    scores = model.score(normalize(comment))
    assert scores[label] >= model.suggested_thresholds[label], scores
    signals = detector.detect(normalize(comment))
    assert any(signal.detail.startswith(label.replace("_", " ")) for signal in signals)


CIVIL = [
    "The minister's plan is naive about the budget and the numbers do not add up.",
    "This idea is stupid, and here is why: the depot was never funded.",
    "Kill the bill in committee and start again next session.",
    "Shoot me an email with the figures and I will check them.",
    "I strongly disagree with the author; the tram line serves the east side well.",
    "The council has wasted millions on this project and should be ashamed.",
    "Thanks for the thoughtful article, it changed my mind about the fare hike.",
    "Muslims, Christians and Jews in this town worked together on the food bank.",
    "My wife and I moved here from Mexico twenty years ago and love the library.",
    "The governor's record on schools is a disaster, and voters will remember it.",
    "Can anyone explain why the bus lanes end at Main Street?",
    "We're gonna kill them on Sunday, the Celtics have no defence.",
    # Version 1's known false positives (a group named in a neutral sentence, 'stupid' at an idea,
    # 'identity_attack 0.85' and 'insult 0.83'); version 2 passes them, so their marks are gone.
    "Gay people have the right to marry.",
    "Women are running for council this year.",
    "What a stupid idea.",
]


@pytest.mark.parametrize("comment", CIVIL)
def test_civil_comments_and_sharp_criticism_stay_below_the_threshold(detector, comment):
    assert detector.detect(normalize(comment)) == []


# Version 2's own cases, written before the version 2 model was first run on them (README,
# "New cases: the first reading"). None is in the training data (a test below checks).
# Missed at the first reading (README, "New cases: the first reading"): marked strictly, so a
# better model must unmark them.
_FIRST_MISS = pytest.mark.xfail(strict=True, reason="missed at the first reading of version 2 (README)")
NEW_INCIVIL = [
    pytest.param("Honestly @DaveP you are the dimmest bulb on this whole comment board.", "insult", marks=_FIRST_MISS),
    ("Nobody asked for your opinion, you smug little weasel.", "insult"),
    ("What a spineless, gutless excuse for a journalist you are.", "insult"),
    pytest.param("The author is a half-witted hack and should be fired.", "insult", marks=_FIRST_MISS),
    ("Are you really this thick, or do you practise?", "insult"),
    pytest.param("People like you are the reason this town is a joke, you absolute muppet.", "insult", marks=_FIRST_MISS),
    pytest.param("Every one of you commenters is a brainwashed sheep.", "insult", marks=_FIRST_MISS),
    ("Shut your mouth, numpty.", "insult"),
    pytest.param("You utter plonker, read the timetable before you post.", "insult", marks=_FIRST_MISS),
    ("Go away, troll, you worthless waste of oxygen.", "insult"),
    ("you are such an idoit its unreal", "insult"),
    ("Someone should put the mayor in a ditch and leave him there.", "threat"),
    ("Keep talking and I will break your jaw.", "threat"),
    ("Round up the councillors and hang them from the town hall.", "threat"),
    ("Anyone who voted for this deserves a bullet.", "threat"),
    ("I hope someone burns that referee's house down with him in it.", "threat"),
    ("Deport every last one of those filthy Gypsies.", "identity_attack"),
    ("Mexicans are rapists and drug dealers, every one.", "identity_attack"),
    ("Women belong in the kitchen, not in parliament.", "identity_attack"),
    ("Homosexuals are sick in the head and should be kept away from children.", "identity_attack"),
    ("Jews are greedy vermin.", "identity_attack"),
    ("Those Polish scroungers breed like rats.", "identity_attack"),
]
NEW_CIVIL = [
    "The new bus timetable is a stupid mess, and the council should fix it.",
    "This is the worst budget in a decade and the treasurer should resign.",
    "I'd kill for a seat on the 8:15 train.",
    "Our striker needs to shoot from range more often.",
    "The death penalty debate deserves better than slogans on both sides.",
    "Gay couples have adopted children in this county for twenty years.",
    "Muslim and Hindu families both run shops on Station Road.",
    "Mexican restaurants are the best thing about the new food hall.",
    "Women now make up half of the police recruits this year.",
    "Calling a teenager an idiot on the radio was cruel, and the host should apologise.",
    "He called her a moron in the meeting, which is why he was suspended.",
    "The senator's argument is weak, but he is no fool.",
    "You make a good point about the parking charges.",
    "Shoot me a message when the agenda is posted.",
    "The strike will go ahead on Monday unless the union gets an offer.",
    "That film absolutely killed at the box office.",
    "Black history month events start at the library next week.",
    "Jewish and Christian groups held a joint vigil downtown.",
]


@pytest.mark.parametrize("comment,label", NEW_INCIVIL)
def test_new_cases_of_incivility_reach_the_hold_threshold(model, comment, label):
    assert model.score(normalize(comment))[label] >= model.suggested_thresholds[label]


@pytest.mark.parametrize("comment", NEW_CIVIL)
def test_new_civil_cases_stay_below_every_hold_threshold(detector, comment):
    assert detector.detect(normalize(comment)) == []


def test_the_detail_names_the_label_score_and_words_that_weighed_most(detector):
    text = normalize("Shut up, you stupid moron.")
    signal = next(s for s in detector.detect(text) if s.detail.startswith("insult"))
    assert signal.rule == "incivility-model"
    assert "weighed most: '" in signal.detail
    assert signal.evidence == text.original[signal.start:signal.end]
    assert signal.evidence.lower() in signal.detail


@pytest.mark.parametrize("comment", [
    "You are a pathetic idiot.",
    "Ｙｏｕ ａｒｅ ａ ｐａｔｈｅｔｉｃ ｉｄｉｏｔ.",  # fullwidth: spans differ between folded and original
    "Y\u200bou are a p\u00e1thetic id\u0131ot, don't you think?",
    "WOMEN ARE TOO STUPID TO VOTE!!!",
    "@GaryT you are a stoopid idoit",  # a handle and two words the model has only in pieces
])
def test_explanations_lie_inside_the_text(model, comment):
    text = normalize(comment)
    for label in LABELS:
        for weighed in model.explain(text, label):
            assert 0 <= weighed.start < weighed.end <= len(text.folded)
            found = text.folded[weighed.start:weighed.end].replace("'", "").replace(" ", "")
            if weighed.feature == "@":
                assert found.startswith("@")
            elif "\u2026" in weighed.feature:  # a conjunction: "you \u2026 idiot" spans both words
                first, last = weighed.feature.split(" \u2026 ")
                assert found.startswith(first) and found.endswith(last)
            else:
                assert found == weighed.feature.replace(" ", "")
            start, end = text.span(weighed.start, weighed.end)
            assert 0 <= start < end <= len(text.original)


@pytest.mark.parametrize("odd", [
    "", " ", "\n\n", "'''", "!!!???", "a", "\u200b\u200b", "日本語のコメント", "🙂" * 50, "\x00\x01", "a'b'c", "''a''",
    "x" * 100_000, "word " * 5_000, "\u202ekcuf uoy", "ÀÉÎÕÜ" * 10, "you\tare\ran\x0bidiot",
])
def test_the_scorer_never_raises_on_odd_strings(model, detector, odd):
    text = normalize(odd)
    scores = model.score(text)
    assert set(scores) == set(LABELS) and all(0.0 <= p <= 1.0 for p in scores.values())
    for label in LABELS:
        model.explain(text, label)
    detector.detect(text)


def test_words_and_their_spans_agree_on_every_kind_of_text():
    for comment in ["You're a 'real' idiot, don't.", "naïve 日本 test", "rock 'n' roll ''", "a-b_c.d/e", "@jo_k, mail a@b.com @ @@x"]:
        folded = normalize(comment).folded
        assert words(folded) == [w for w, _, _ in word_spans(folded)]
        assert feature_words(folded) == [w for w, _, _ in feature_word_spans(folded)]
    assert features("you are dumb") == ["you", "are", "dumb", "you are", "are dumb"]
    assert feature_words("@jo_k you") == [b"@", b"k", b"you"]
    assert feature_words("mail a@b.com") == [b"mail", b"ab", b"com"]


def test_letter_ngrams_of_a_word_are_marked_at_both_ends_and_capped():
    assert grams(b"idiot", 3, 3) == (b"<id", b"idi", b"dio", b"iot", b"ot>")
    assert grams(b"ab", 3, 5) == (b"<ab", b"ab>", b"<ab>")
    assert len(grams(b"antidisestablishmentarianism")) == 24


def _tiny_model(tmp_path, reading: Reading, idf: dict, weights: dict, bias=(-1.0, -2.0, -3.0), listed=("idiot", "you")):
    """A model written the way `train.export` writes one: listed words with their n-grams summed, pairs, n-grams, conjunctions."""
    def row(items):
        return (sum(v * v for _, v in items), *(sum(v * weights[f][k] for f, v in items) for k in range(3)))

    vocabulary, rows = [], []
    for word in listed:
        vocabulary.append(word)
        rows.append(row(entries(word, Reading(False, reading.gram_range), idf.get)))
    for key, value in idf.items():
        if b" " in key or key[:1] == GRAM_PREFIX or key.startswith(b"~"):
            vocabulary.append(key.decode())
            rows.append(row([(key, value)]))
    header = {
        "labels": list(LABELS), "bias": list(bias), "thresholds": {}, "pairs": reading.pairs, "grams": list(reading.gram_range),
        "conjunctions": [
            {"key": c.key.decode(), "left": sorted(w.decode() for w in c.left), "right": sorted(w.decode() for w in c.right), "window": c.window, "value": c.value}
            for c in reading.conjunctions
        ],
    }
    path = tmp_path / "tiny.bin.gz"
    write_model(path, header, vocabulary, rows)
    return IncivilityModel.from_bytes(path.read_bytes())


def test_the_scorer_sums_exactly_the_entries_training_reads(tmp_path):
    # Words the file lists, words it knows only in pieces, pairs (once per occurrence) and a conjunction:
    # the scorer's shortcut (a listed word's entries stored summed) gives the same log-odds as `entries`.
    conjunction = Conjunction(b"~addressed", frozenset({b"you", b"@"}), frozenset({b"idiot", b"idoit"}), 2, 3.0)
    reading = Reading(True, (3, 4), (conjunction,))
    idf = {b"idiot": 4.0, b"you": 1.5, b"you are": 2.0, b"#idi": 2.5, b"#<idi": 3.0, b"#iot>": 1.0, b"#ot>": 0.5, b"#<id": 1.2, b"~addressed": 3.0}
    weights = {f: (0.1 * len(f), -0.05 * (i % 3), 0.02 * i) for i, f in enumerate(idf)}
    model = _tiny_model(tmp_path, reading, idf, weights)
    for text in ["you are an idiot", "you are an idoit you are", "idiots and idiotic people", "@ann you idiot", "nothing known here", ""]:
        found = entries(text, reading, idf.get)
        if found:
            norm = sum(v * v for _, v in found) ** 0.5
            expected = [model.bias[k] + sum(v * weights[f][k] for f, v in found) / norm for k in range(3)]
        else:
            expected = list(model.bias)
        assert list(model.logits(text)) == pytest.approx(expected, rel=1e-5, abs=1e-6), text
    assert [w.feature for w in model.explain("you are an idiot", "insult")][:1] == ["idiot"]


def test_a_written_model_reads_back_and_a_truncated_one_is_refused(tmp_path):
    path = tmp_path / "model.bin.gz"
    header = {"labels": list(LABELS), "bias": [-1.0, -2.0, -3.0], "thresholds": {"insult": 0.5}}
    write_model(path, header, ["idiot", "you idiot"], [(4.0, 2.0, 0.0, 0.0), (1.0, 1.0, 0.0, 0.5)])
    model = IncivilityModel.from_bytes(path.read_bytes())
    assert model.size == 2 and model.suggested_thresholds == {"insult": 0.5}
    assert model.logits("you idiot")[0] == pytest.approx(-1.0 + 3.0 / 5 ** 0.5)
    assert [w.feature for w in model.explain("you idiot", "insult")] == ["idiot", "you idiot"]
    import gzip

    broken = gzip.compress(gzip.decompress(path.read_bytes())[:-4])
    with pytest.raises(ValueError, match="truncated"):
        IncivilityModel.from_bytes(broken)


def test_detector_takes_thresholds_from_its_rules_section(model):
    assert IncivilityDetector({}, "rules/civility.toml").detect(normalize("You are a pathetic idiot.")) == []
    only_threat = IncivilityDetector({"threat": 0.5}, "rules/civility.toml")
    assert only_threat.thresholds == {"threat": 0.5}
    with pytest.raises(RuleFileError, match="incivility.insult"):
        IncivilityDetector({"insult": 1.5}, "rules/civility.toml")
    assert IncivilityDetector.rule_ids == ("incivility-model",)


def test_the_model_alone_does_not_hold_a_comment_of_fewer_words_than_min_words(model):
    text = normalize("You are a pathetic idiot.")  # five words
    assert IncivilityDetector({"insult": 0.5}, "test").detect(text)
    assert IncivilityDetector({"insult": 0.5, "min_words": 5}, "test").detect(text)
    assert IncivilityDetector({"insult": 0.5, "min_words": 6}, "test").detect(text) == []
    with pytest.raises(RuleFileError, match="incivility.min_words"):
        IncivilityDetector({"insult": 0.5, "min_words": -1}, "test")


def test_training_splits_are_deterministic_and_keep_duplicates_together():
    from moderation.detectors.incivility.train import key_of, split_of

    a = key_of(normalize("You are an IDIOT!!").folded)
    b = key_of(normalize("you are an idiot").folded)
    assert a == b
    assert split_of(a, "train") == split_of(b, "train") in ("train", "dev", "test")
    assert split_of(a, "eval") in ("dev", "test")
    counts = {"train": 0, "dev": 0, "test": 0}
    for n in range(2_000):
        counts[split_of(key_of(f"comment number {n}"), "train")] += 1
    assert 1_450 < counts["train"] < 1_750 and 120 < counts["dev"] < 280 and 120 < counts["test"] < 280


def test_training_refuses_a_file_whose_hash_differs(tmp_path):
    import subprocess

    from moderation.detectors.incivility.train import SourceError, read_pinned

    repo = tmp_path / "someone+data" / "repo"
    subprocess.run(["git", "init", "-q", "--bare", str(repo)], check=True)
    blob = subprocess.run(["git", "--git-dir", str(repo), "hash-object", "-w", "--stdin"], input=b"text,label\nhi,0\n", capture_output=True, check=True).stdout.decode().strip()
    tree = subprocess.run(["git", "--git-dir", str(repo), "mktree"], input=f"100644 blob {blob}\tdata.csv\n".encode(), capture_output=True, check=True).stdout.decode().strip()
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin"}
    commit = subprocess.run(["git", "--git-dir", str(repo), "commit-tree", tree, "-m", "data"], capture_output=True, check=True, env=env).stdout.decode().strip()
    source = {"repo": "someone/data"}
    good = {"path": "data.csv", "commit": commit, "sha256": hashlib.sha256(b"text,label\nhi,0\n").hexdigest()}
    assert read_pinned(tmp_path, source, good) == b"text,label\nhi,0\n"
    with pytest.raises(SourceError, match="sha256"):
        read_pinned(tmp_path, source, {**good, "sha256": "0" * 64})
    with pytest.raises(SourceError, match="no snapshot"):
        read_pinned(tmp_path, {"repo": "someone/else"}, good)


# ---------------------------------------------------------------- reject only where rules agree


def _insult_model(tmp_path):
    """A tiny model to which 'idiot' is a sure insult and 'fool' a likely one."""
    reading = Reading(True, None, ())
    idf = {b"idiot": 4.0, b"fool": 2.0, b"the": 1.0, b"you": 1.0}
    weights = {b"idiot": (6.0, 0.0, 0.0), b"fool": (3.0, 0.0, 0.0), b"the": (0.0, 0.0, 0.0), b"you": (0.0, 0.0, 0.0)}
    path = tmp_path / "insult.bin.gz"
    vocabulary = [f.decode() for f in idf]
    rows = [(v * v, *(v * w for w in weights[f])) for f, v in idf.items()]
    write_model(path, {"labels": list(LABELS), "bias": [-2.0, -5.0, -5.0], "thresholds": {}, "pairs": reading.pairs, "grams": None}, vocabulary, rows)
    return IncivilityModel.from_bytes(path.read_bytes())


REJECT_CONFIG = {
    "insult": 0.5,
    "reject": {"insult": {"rule": "incivility-insult-addressed", "threshold": 0.95, "window": 30, "says": "it is addressed to", "pattern": "\\b(?:{addressee})\\b"}},
    "words": {"addressee": ["you", "your"]},
}


@pytest.mark.parametrize("comment,rule", [
    ("you idiot", "incivility-insult-addressed"),              # sure, and addressed: reject
    ("the idiot", "incivility-model"),                         # sure, but at no one taking part: hold
    ("you fool", "incivility-model"),                          # addressed, but not sure enough: hold
    ("you idiot " + "and the rest " * 12 + "you", "incivility-insult-addressed"),
])
def test_a_sure_score_rejects_only_where_the_rule_side_condition_agrees(tmp_path, comment, rule):
    detector = IncivilityDetector(REJECT_CONFIG, "rules/incivility.toml", model=_insult_model(tmp_path))
    assert detector.rule_ids == ("incivility-model", "incivility-insult-addressed")
    signals = detector.detect(normalize(comment))
    assert [s.rule for s in signals] == [rule]


def test_the_condition_must_stand_near_the_words_that_weighed_most(tmp_path):
    detector = IncivilityDetector(REJECT_CONFIG, "rules/incivility.toml", model=_insult_model(tmp_path))
    far = "the idiot " + "said the rest of the town for a long while " * 3 + "and you know it"
    assert [s.rule for s in detector.detect(normalize(far))] == ["incivility-model"]


def test_a_reject_reason_names_the_score_the_rule_side_evidence_and_the_words(tmp_path):
    detector = IncivilityDetector(REJECT_CONFIG, "rules/incivility.toml", model=_insult_model(tmp_path))
    text = normalize("You IDIOT.")
    [signal] = detector.detect(text)
    assert signal.detail.startswith("insult 0.9")
    assert "(reject from 0.95) and it is addressed to 'you'" in signal.detail
    assert "weighed most: 'idiot'" in signal.detail
    assert signal.evidence == "IDIOT"


@pytest.mark.parametrize("change,field", [
    (lambda c: c["reject"]["insult"].update(pattern="\\b{nowhere}\\b"), "incivility.reject.insult.pattern"),
    (lambda c: c["reject"]["insult"].update(pattern="(unclosed"), "incivility.reject.insult.pattern"),
    (lambda c: c["reject"]["insult"].update(threshold=2), "incivility.reject.insult.threshold"),
    (lambda c: c["reject"]["insult"].pop("rule"), "incivility.reject.insult.rule"),
    (lambda c: c["reject"].update(rudeness={"rule": "x", "threshold": 0.9, "pattern": "x"}), "incivility.reject.rudeness"),
    (lambda c: c.update(words={"addressee": "you"}), "incivility.words"),
])
def test_reject_settings_are_checked_and_errors_name_the_field(tmp_path, change, field):
    import copy

    config = copy.deepcopy(REJECT_CONFIG)
    change(config)
    with pytest.raises(RuleFileError, match=field.replace(".", "\\.")):
        IncivilityDetector(config, "rules/incivility.toml", model=_insult_model(tmp_path))


def test_the_reject_patterns_may_name_the_civility_word_lists(tmp_path):
    config = {"identity_attack": 0.5, "reject": {"identity_attack": {"rule": "incivility-identity-attack-group", "threshold": 0.9, "pattern": "\\b(?:{group})\\b"}}}
    detector = IncivilityDetector(config, "rules/incivility.toml", model=_insult_model(tmp_path), word_lists={"group": ["kurds"]})
    assert detector.rejects["identity_attack"].pattern.search("the kurds")


# ---------------------------------------------------------------- our own data


def test_our_own_data_parses_and_holds_several_thousand_comments_both_ways():
    from collections import Counter

    from moderation.detectors.incivility.train import own_files, read_own

    counts = Counter()
    for path in own_files():
        for labels, text, _ in read_own(path):
            counts["clean" if labels == ("clean",) else "uncivil"] += 1
            assert text == text.strip() and text
    assert counts["uncivil"] > 2_000 and counts["clean"] >= counts["uncivil"]


def test_no_case_of_these_tables_or_of_the_rules_examples_is_in_our_own_training_data():
    import sys

    from moderation import load_rules
    from moderation.detectors.incivility.train import key_of, own_files, read_own

    module = sys.modules[__name__]
    cases = [c for name in ("INCIVIL", "CIVIL", "NEW_INCIVIL", "NEW_CIVIL") for c in getattr(module, name, [])]
    cases = [c.values[0] if hasattr(c, "values") else c for c in cases]
    cases = [c[0] if isinstance(c, tuple) else c for c in cases]
    rules = load_rules()
    cases += [e for rule in rules.rules.values() for e in (*rule.examples_match, *rule.examples_no_match)]
    keys = {key_of(normalize(c).folded) for c in cases}
    seen = [text for path in own_files() for _, text, _ in read_own(path) if key_of(normalize(text).folded) in keys]
    assert seen == []


def test_no_line_of_our_own_training_data_is_near_a_comment_of_the_civility_corpora():
    # The blind civility corpora measure the engine on comments it was never built
    # from: a training line that shares most of its words with one of them would
    # carry the answer in (issue #9). Near = word overlap (Jaccard) of 0.7 or more.
    import collections
    import json
    import re

    from moderation.detectors.incivility.train import own_files, read_own

    def words_of(text):
        return frozenset(re.findall(r"[a-z0-9']+", text.lower()))

    folder = Path(__file__).parent
    corpora = [folder / "seed_civility" / "comments.jsonl", *sorted(folder.glob("heldout*/seed_civility.jsonl"))]
    comments = [words_of(json.loads(line)["text"]) for path in corpora for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_word = collections.defaultdict(list)
    for index, comment in enumerate(comments):
        for word in comment:
            by_word[word].append(index)
    near = []
    for path in own_files():
        for _, text, number in read_own(path):
            line = words_of(text)
            for index in {i for word in line for i in by_word[word]}:
                other = comments[index]
                if len(line & other) >= 0.7 * len(line | other):
                    near.append((path.name, number, text))
    assert near == []
