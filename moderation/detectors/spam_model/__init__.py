"""The learned spam layer: a linear model over the words, word pairs and contact signs of a comment (issue #9, item 2).

Trained by `train.py` beside this file (scikit-learn, at training time only) and
shipped as `model.bin.gz`: for every feature of a fixed vocabulary its idf and
its weight (float32). Scoring is pure Python, as in the incivility layer: the
comment's distinct features are looked up, their tf-idf vector is L2-normalised
as scikit-learn's `TfidfVectorizer(binary=True)` does, and a logistic function
of the dot product is the probability that the comment is spam.

What generalises in spam is less its words than its shape: a way to be reached
(a link, a phone number, an e-mail address, a handle) beside an offer. So before
the words are read, `mark` puts a sign word in place of each link, address,
handle, phone number and sum of money ("zzlink", "zzphone", ...): the model then
learns "call zzphone", "zzmoney a day" and "telegram zzhandle" once, for every
number, site and handle it will ever see. The same `features` function is used
here and in training, so what the model learnt is what it reads.
"""

from __future__ import annotations

import itertools
import math
import re
from array import array
from dataclasses import dataclass
from importlib import resources

from ...normalization import Text
from ..model_file import read_model_file, write_model_file

MODEL_FILE = "model.bin.gz"
# A words-only model the engine runs first: it clears most comments at half the cost.
GATE_FILE = "gate.bin.gz"

# Sign words: what `mark` writes in place of each way to be reached or paid, and
# how a moderator reads it in the reason.
SIGNS = {
    "zzlink": "a link",
    "zznews": "a link to a known news or public site",
    "zzemail": "an e-mail address",
    "zzhandle": "a handle",
    "zzphone": "a phone number",
    "zzmoney": "a sum of money",
    "zzcode": "a text-message short code",
}
_TLDS = (
    "com net org info biz edu gov io co ly me us uk ru de in cc tv ws xyz top club online site live shop store pro app win"
    " bid loan click vip icu buzz pw news blog tech space website link today money cash bet casino"
).split()
# Folding lowercases and turns look-alikes into letters; "€" and "£" become
# letters too, so money is read from "$" and currency words.
_EMAIL = re.compile(r"[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,4}")
_HANDLE = re.compile(r"(?<![\w@])@[a-z0-9_.]{2,40}")
_TLD_HINT = re.compile(r"\.(?:" + "|".join(_TLDS) + r")\b")
_LINK = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'()\[\]{}|]+"
    r"|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,6}(?:" + "|".join(_TLDS) + r")\b(?:/[^\s<>\"'()\[\]{}|]*)?"
)
_MONEY = re.compile(
    r"\$\s?\d[\d,.]{0,20}(?:\s?(?:k|m|million|billion|bn)\b)?|\b\d[\d,.]{0,20}\s?(?:usd|dollars?|bucks|euros?)\b"
)
# Eight to fifteen digits in a row, with spaces, dots, dashes or brackets between
# groups: "1-800-555-0199", "+44 7911 123456", "(646) 555-0100"; not "$12 million" nor "2004".
_PHONE = re.compile(r"(?<![\w$])\+?\(?\d(?:[\s().-]{0,2}\d){7,14}(?!\w)")
# "Text WIN to 80086": a short code to text a word to.
_CODE = re.compile(r"\b(?:to|on)\s+\d{5,6}\b(?![\d,.]\d)")
_DIGITS = b"0123456789"

# The same patterns over the ASCII bytes that words are read from ("?" for any
# other character): the fast path reads bytes, `locate` the folded text.
_B = {name: re.compile(pattern.pattern.encode()) for name, pattern in (("email", _EMAIL), ("handle", _HANDLE), ("tld", _TLD_HINT), ("link", _LINK), ("money", _MONEY), ("phone", _PHONE), ("code", _CODE))}
# A letter right after a dot: rare in prose ("u.s." aside), in every bare domain.
_B["dot_letter"] = re.compile(rb"\.[a-z]")

# A word is a run of letters and digits; apostrophes are dropped; every other
# character separates words (one encode, one translate, one split, all in C).
_SEPARATORS = bytes(c if (48 <= c <= 57 or 97 <= c <= 122) else 32 for c in range(256))
_WORD = re.compile(r"[a-z0-9']+")
# Past this many words the rest of a comment is not read ...
MAX_WORDS = 1_000
# ... nor past this many characters.
MAX_CHARS = 20_000


def mark(folded: str, trusted: Trusted | None = None) -> bytes:
    """The folded text as ASCII bytes, each e-mail address, handle, link, sum of money and phone number replaced by its sign word.

    A link to a site of `trusted` (news, reference, public bodies) is "zznews", any other "zzlink".
    """
    # Past MAX_CHARS nothing is read: the words past MAX_WORDS are cut anyway, and every
    # pattern below is bounded, so a megabyte comment costs what its first pages cost (issue #11).
    text = (folded[:MAX_CHARS] if len(folded) > MAX_CHARS else folded).encode("ascii", "replace")
    # Each pattern runs only where a cheap test says it may match: most comments
    # hold no "@", no link, no "$" and fewer than eight digits, and are read by
    # byte tests alone (one regular expression over every comment cost 15 us).
    if b"@" in text:
        text = _B["handle"].sub(b" zzhandle ", _B["email"].sub(b" zzemail ", text))
    if b"://" in text or b"www." in text or (_B["dot_letter"].search(text) and _B["tld"].search(text)):
        text = _B["link"].sub((trusted or _NO_SITES).sign, text)
    digits = len(text) - len(text.translate(None, _DIGITS))
    if digits:
        if b"$" in text or b"dollar" in text or b"usd" in text or b"euro" in text:
            text = _B["money"].sub(b" zzmoney ", text)
        if digits >= 8:
            text = _B["phone"].sub(b" zzphone ", text)
        if digits >= 5 and (b"text" in text or b"txt" in text or b"reply" in text or b"send" in text):
            text = _B["code"].sub(b" to zzcode ", text)
    return text


class Trusted:
    """Sites whose links are read as "zznews": each entry covers the site and everything under it."""

    def __init__(self, domains=()):
        self.domains = tuple(sorted({d.lower().removeprefix("*.").removeprefix("www.").strip("./") for d in domains}))
        self._exact = frozenset(self.domains)

    def __contains__(self, domain: str) -> bool:
        parts = domain.split(".")
        return any(".".join(parts[i:]) in self._exact for i in range(len(parts)))

    def sign(self, found: re.Match) -> bytes:
        url = found.group().decode()
        domain = re.sub(r"^(?:https?://)?(?:www\d?\.)?", "", url).split("/", 1)[0].split("?", 1)[0].split(":", 1)[0].rstrip(".,;:!?")
        return b" zznews " if domain in self else b" zzlink "


_NO_SITES = Trusted()


def read(folded: str, trusted: Trusted | None = None) -> tuple[list[bytes], bytes]:
    """The words of a folded text after `mark`, in order (at most MAX_WORDS), and the marked text itself."""
    marked = mark(folded, trusted)
    found = marked.translate(_SEPARATORS, b"'").split()
    return (found[:MAX_WORDS] if len(found) > MAX_WORDS else found), marked


def words(folded: str, trusted: Trusted | None = None) -> list[bytes]:
    """The words of a folded text after `mark`, in order (at most MAX_WORDS)."""
    return read(folded, trusted)[0]


def features(folded: str, trusted: Trusted | None = None) -> list[str]:
    """The model's features of a folded text: every word, and every pair of neighbouring words joined by a space."""
    tokens = [w.decode() for w in words(folded, trusted)]
    return tokens + list(map(" ".join, zip(tokens, tokens[1:])))


def write_model(path, header: dict, vocabulary: list[str], rows: list[tuple[float, float]]) -> None:
    """The model file: gzip of a JSON header line, the vocabulary one feature a line, then per feature
    two little-endian float32 (idf squared, and idf times the weight)."""
    write_model_file(path, header, vocabulary, rows)


def read_model(raw: bytes) -> tuple[dict, list[bytes], array]:
    """The header, the vocabulary and the flat float32 values of a model file's bytes."""
    return read_model_file(raw, 2, "spam")


@dataclass(frozen=True, slots=True)
class Weighed:
    """One feature's pull towards spam: the feature as a moderator reads it, and its contribution to the log-odds."""

    feature: str
    weight: float


class SpamModel:
    """The shipped model: `probability` of spam, and `explain`, the features that weighed most."""

    def __init__(self, header: dict, vocabulary: list[bytes], values: array):
        self.version: str = header.get("version", "")
        self.sources_sha256: str = header.get("sources_sha256", "")
        self.suggested_thresholds: dict[str, float] = dict(header.get("thresholds", {}))
        self.bias: float = float(header["bias"])
        # Whether the model reads pairs of neighbouring words as well as words.
        self.pairs: bool = bool(header.get("pairs", True))
        # The trusted sites the model was trained with: part of its features.
        self.trusted = Trusted(header.get("trusted_domains", ()))
        # feature -> idf^2 + i * idf * weight: one sum of complex numbers gives the
        # squared norm and the dot product at once.
        # A model over raw counts (the gate) is a plain sum of weights, one per word read.
        self.counts: bool = bool(header.get("counts", False))
        it = iter(values)
        if self.counts:
            self._weights: dict[bytes, float] = {feature: pull for feature, _, pull in zip(vocabulary, it, it)}
            self._table: dict[bytes, complex] = {feature: complex(1.0, pull) for feature, pull in self._weights.items()}
        else:
            self._table = {feature: complex(squared, pull) for feature, squared, pull in zip(vocabulary, it, it)}
        self.size = len(vocabulary)

    @classmethod
    def from_bytes(cls, raw: bytes) -> SpamModel:
        """A model from the bytes of a model file."""
        return cls(*read_model(raw))

    @classmethod
    def load(cls, name: str = MODEL_FILE) -> SpamModel:
        """A model shipped inside the package (read once; see `shipped_model`)."""
        return cls.from_bytes(resources.files(__name__).joinpath(name).read_bytes())

    def words(self, folded: str) -> list[bytes]:
        """The words the model reads in a folded text, sign words included."""
        return words(folded, self.trusted)

    def read(self, folded: str) -> tuple[list[bytes], bytes]:
        """The words the model reads in a folded text, and the marked text they come from."""
        return read(folded, self.trusted)

    def logit(self, folded: str, tokens: list[bytes] | None = None) -> float:
        """The log-odds that a folded text (or its `words`, when given) is spam."""
        if tokens is None:
            tokens = words(folded, self.trusted)
        if self.counts:
            return self.bias + sum(map(self._weights.get, tokens, _ZEROS))
        present = set(tokens)
        if self.pairs:
            present.update(map(b" ".join, zip(tokens, tokens[1:])))
        get = self._table.get
        total = sum(filter(None, map(get, present)), 0j)
        if not total:
            return self.bias
        return self.bias + total.imag / math.sqrt(total.real)

    def probability(self, text: Text | str, tokens: list[bytes] | None = None) -> float:
        """The probability that a `Text` (or an already folded string) is spam."""
        return _sigmoid(self.logit(text.folded if isinstance(text, Text) else text, tokens))

    def explain(self, text: Text | str, top: int = 3) -> list[Weighed]:
        """The features that pushed towards spam most, strongest first, sign words read as what they stand for."""
        folded = text.folded if isinstance(text, Text) else text
        tokens = words(folded, self.trusted)
        present = set(tokens)
        if self.pairs:
            present.update(map(b" ".join, zip(tokens, tokens[1:])))
        found = [(f, self._table[f]) for f in present if f in self._table]
        if not found:
            return []
        norm = math.sqrt(sum(row.real for _, row in found))
        pulls = sorted(((row.imag / norm, f) for f, row in found if row.imag > 0), reverse=True)[:top]
        return [Weighed(_readable(f.decode()), round(weight, 2)) for weight, f in pulls]


_ZEROS = itertools.repeat(0.0)


def prose_words(tokens: list[bytes], marked: bytes | None = None) -> int:
    """How many of a comment's words are its own: links do not count (counted in `marked`, when given, for speed)."""
    if marked is not None:
        return len(tokens) - (marked.count(b" zzlink ") + marked.count(b" zznews ") if b" zz" in marked else 0)
    return len(tokens) - tokens.count(b"zzlink") - tokens.count(b"zznews")


def locate(folded: str, feature: str) -> tuple[int, int] | None:
    """Where a feature (as `explain` shows it) first stands in the folded text, if it can be found."""
    for sign, shown in SIGNS.items():
        feature = feature.replace(shown, sign)
    first = feature.split(" ", 1)[0]
    pattern = {"zzlink": _LINK, "zznews": _LINK, "zzemail": _EMAIL, "zzhandle": _HANDLE, "zzphone": _PHONE, "zzmoney": _MONEY, "zzcode": _CODE}.get(first)
    found = pattern.search(folded) if pattern else re.search(rf"(?<![a-z0-9]){re.escape(first)}(?![a-z0-9])", folded)
    return found.span() if found else None


def _readable(feature: str) -> str:
    return " ".join(SIGNS.get(word, word) for word in feature.split(" "))


def _sigmoid(z: float) -> float:
    if z < -40:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


_SHIPPED: dict[str, SpamModel] = {}


def shipped_model(name: str = MODEL_FILE) -> SpamModel:
    """A packaged model (MODEL_FILE, or GATE_FILE), loaded on first use and shared by every detector in the process."""
    if name not in _SHIPPED:
        _SHIPPED[name] = SpamModel.load(name)
    return _SHIPPED[name]


__all__ = ["GATE_FILE", "MODEL_FILE", "SIGNS", "SpamModel", "Trusted", "Weighed", "features", "locate", "mark", "prose_words", "read", "read_model", "shipped_model", "words", "write_model"]
