"""Build tests/corpus/disguises.jsonl: strong words in every disguise, and hard clean cases.

Run: python tests/corpus/make_disguises.py  (deterministic; the JSONL is committed)

Each vulgar case puts a strong word, written in one disguise, into one of many
sentence frames on everyday subjects (school boards, sport, software, food,
traffic, films); each clean case does the same with innocent words that
contain or resemble strong ones, in the same disguises where they make sense,
and with the clean uses of asterisks, digits and spacing. The frames and words
were written for this file, not taken from any evaluation set.
"""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

OUT = Path(__file__).with_name("disguises.jsonl")

# Frames by the part a word plays: a thing said, a person, a modifier, an exclamation.
FRAMES = {
    "thing": [
        "The school board's new budget is {w} and everyone at the meeting knew it.",
        "Honestly the latest update to this app is pure {w}.",
        "That film was two hours of {w}, I want my money back.",
        "Read the fine print, the warranty is {w}.",
        "Stop posting {w} about the library closing, it isn't closing.",
        "The new tax on groceries is {w}, plain and simple.",
    ],
    "person": [
        "My landlord is a total {w} about the deposit.",
        "Our coach is a {w} and the whole team knows it.",
        "The referee was a {w} all night.",
        "Only a {w} would park across two spaces at the clinic.",
        "The guy who reviewed my code is a real {w}.",
    ],
    "modifier": [
        "Who approved this {w} parking plan for Main Street?",
        "The bus was forty minutes late again, what a {w} service.",
        "Another {w} decision from the planning office.",
        "Nobody cares about your {w} opinion on pineapple pizza.",
        "This {w} weather, third storm this week.",
    ],
    "exclamation": [
        "{W}, the referee missed that handball in the ninetieth minute.",
        "I cooked for six hours and the oven died, {w}!",
        "Oh {w}, I left my keys at the gym again.",
        "{W}! The printer ate my tax forms.",
    ],
}

STRONG = {
    "thing": ["shit", "bullshit", "bollocks", "horseshit"],
    "person": ["asshole", "bitch", "bastard", "dumbass", "cunt", "twat", "wanker", "motherfucker", "dickhead", "douchebag", "jackass", "prick"],
    "modifier": ["fucking", "shitty", "bullshit", "motherfucking"],
    "exclamation": ["shit", "fuck", "bollocks", "bullshit"],
}

CYRILLIC = {"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "s": "ѕ", "i": "і", "h": "һ", "k": "к", "d": "ԁ"}
GREEK = {"a": "α", "o": "ο", "u": "υ", "i": "ι", "k": "κ", "t": "τ", "n": "η"}
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
SYMBOL = {"a": "@", "s": "$", "i": "!"}
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad"]
RESPELLINGS = {"fuck": ["phuck", "fuk", "fck", "fvck"], "fucking": ["effing", "fcking", "phucking"], "shit": ["sheeit", "shyt"], "bitch": ["biatch", "beyotch"], "motherfucker": ["muthafucka", "mofo"], "asshole": ["azzhole"], "dumbass": ["dumbazz"]}


def fullwidth(word: str) -> str:
    return "".join(chr(ord(c) - 0x61 + 0xFF41) if c.isalpha() else c for c in word)


def math_bold(word: str) -> str:
    return "".join(chr(ord(c) - 0x61 + 0x1D41A) if c.isalpha() else c for c in word)


def disguise(word: str, kind: str, rng: random.Random) -> str | None:
    letters = list(word)
    if kind == "plain":
        return word
    if kind == "asterisk_mask":
        keep = rng.choice([1, 2])
        if len(word) <= 4:
            return word[0] + "*" * (len(word) - 1) if rng.random() < 0.5 else word[0] + "*" * (len(word) - 2) + word[-1]
        middle = rng.choice(["head", "tail"])
        return word[:keep] + "*" * (len(word) - keep) if middle == "tail" else word[0] + "*" * (len(word) - 2) + word[-1]
    if kind == "symbol_mask":
        out = [SYMBOL.get(c, c) if rng.random() < 0.7 else c for c in letters]
        if out == letters:
            index = rng.randrange(1, len(word) - 1)
            out[index] = rng.choice(["#", "%", "*"])
        return "".join(out)
    if kind == "leetspeak":
        candidates = [i for i, c in enumerate(letters) if c in LEET]
        if not candidates:
            return None
        for i in rng.sample(candidates, k=min(len(candidates), rng.choice([1, 2]))):
            letters[i] = LEET[letters[i]]
        if not any(c.isalpha() for c in letters):
            return None
        return "".join(letters)
    if kind == "spaced":
        return rng.choice([" ", ".", "-", "_", " . "]).join(letters)
    if kind == "partial_split":
        cut = rng.randrange(2, len(word) - 1)
        return word[:cut] + rng.choice([" ", ".", "-"]) + word[cut:]
    if kind == "stretched":
        vowels = [i for i, c in enumerate(letters) if c in "aeiou"]
        index = rng.choice(vowels) if vowels else 1
        letters[index] = letters[index] * rng.choice([3, 4, 6])
        return "".join(letters)
    if kind == "homoglyph":
        table = CYRILLIC if rng.random() < 0.6 else GREEK
        out = [table.get(c, c) if rng.random() < 0.6 else c for c in letters]
        if out == letters:
            out = [table.get(c, c) for c in letters]
        return "".join(out) if out != letters else None
    if kind == "invisible":
        index = rng.randrange(1, len(word))
        return word[:index] + rng.choice(INVISIBLE) + word[index:]
    if kind == "accent":
        vowels = [i for i, c in enumerate(letters) if c in "aeiou"]
        if not vowels:
            return None
        index = rng.choice(vowels)
        mark = rng.choice(["\u0301", "\u0308", "\u0300", "\u0302"])
        combined = letters[index] + mark
        letters[index] = unicodedata.normalize("NFC", combined) if rng.random() < 0.5 else combined
        return "".join(letters)
    if kind == "fullwidth":
        return fullwidth(word) if rng.random() < 0.5 else math_bold(word)
    if kind == "respelling":
        return rng.choice(RESPELLINGS[word]) if word in RESPELLINGS else None
    raise ValueError(kind)


VULGAR_KINDS = ["plain", "asterisk_mask", "symbol_mask", "leetspeak", "spaced", "partial_split", "stretched", "homoglyph", "invisible", "accent", "fullwidth", "respelling"]

ACRONYMS = [
    "WTF is the council doing with our money?",
    "wtf, the game got cancelled again",
    "STFU about the parking, nobody asked.",
    "@dan_r stfu and read the minutes.",
    "GTFO with that excuse.",
    "FFS, the trains are late again.",
    "F.F.S. how hard is it to fix a pothole?",
    "W.T.F. happened to the budget?",
    "That story was total BS from the start.",
    "The whole refund policy is BS.",
    "It's cold af out there this morning.",
    "lmfao at the new logo",
]

CLEAN = [
    ("scunthorpe", "The assassination of the archduke is a classic exam question."),
    ("scunthorpe", "Our class passed the assessment with a massive margin."),
    ("scunthorpe", "The ambassador left the embassy after the analysis was published."),
    ("scunthorpe", "Order a cocktail and watch the peacock at the Hancock estate."),
    ("scunthorpe", "The grasshopper is in my scrapbook next to the titular hero."),
    ("scunthorpe", "Please sign the petition to document the circumstances."),
    ("scunthorpe", "Shiite and Sunni leaders met in Baghdad."),
    ("scunthorpe", "Add the shiitake mushrooms and a pinch of cumin."),
    ("scunthorpe", "The bass player passed the harassment training."),
    ("scunthorpe", "My therapist says the assumption is cumulative."),
    ("scunthorpe", "She is sassy and her cockatoo is cocky."),
    ("scunthorpe", "A hitch in the shuttle schedule delayed the launch."),
    ("scunthorpe", "The fuchsia petals look great against the shutters."),
    ("scunthorpe", "We stayed at a swanky hotel with a cocktail bar."),
    ("scunthorpe", "Kick the ball past the wicket, said the coach."),
    ("place_name", "Greetings from Scunthorpe, Penistone and Cumbria."),
    ("place_name", "We drove through Essex, Sussex and Middlesex."),
    ("place_name", "The Cumberland sausage is from Cumbria."),
    ("place_name", "The flight from Fukuoka to Osaka was smooth."),
    ("surname", "Patrick Cockburn and Charles Dickens both wrote about war."),
    ("surname", "Emily Dickinson and Francis Fukuyama are on the reading list."),
    ("surname", "Herbie Hancock played the closing set."),
    ("surname", "Dick Cheney testified before the committee."),
    ("surname", "Philip K. Dick wrote the novel."),
    ("animal_sense", "The bitch had a litter of six puppies at the kennel."),
    ("animal_sense", "The cock crowed at dawn and the hens followed."),
    ("animal_sense", "Blue tits and great tits visit our bird feeder."),
    ("animal_sense", "The farmer rode a donkey; the wild ass is rarer."),
    ("animal_sense", "We planted a pussy willow by the pond."),
    ("mild", "Damn, the game went to overtime again."),
    ("mild", "What the hell happened to the bus schedule?"),
    ("mild", "That movie was crap, honestly."),
    ("mild", "Bloody hell, the rain never stops."),
    ("mild", "Heck, I'd vote for the library levy."),
    ("mild", "This freaking printer jams every day."),
    ("mild", "The new layout sucks on mobile."),
    ("mild", "I was pissed off about the parking ticket."),
    ("masked_mild", "What the h*** is the council thinking?"),
    ("masked_mild", "The food was cr*p but the service was fine."),
    ("masked_mild", "Oh h*ll, the road is closed again."),
    ("arithmetic", "The area is 4 * 2,500 = 10,000 square feet."),
    ("arithmetic", "Solve 3*x + 2 = 11 for x."),
    ("arithmetic", "2**10 is 1024, as every programmer knows."),
    ("footnote_markdown", "That matters most.* \n\n*Source: the city audit."),
    ("footnote_markdown", "The key word is *voluntary* and **not** mandatory."),
    ("footnote_markdown", "* item one\n* item two\n* item three"),
    ("footnote_markdown", "She wrote _really_ well about the _local_ elections."),
    ("redacted", "Mr. J*** Smith was named in the filing."),
    ("redacted", "My password was ******** until I changed it."),
    ("redacted", "Card ending ****1234 was charged twice."),
    ("redacted", "Officer D*** declined to comment."),
    ("mention", "Does quoting \"s***\" from the notice count against me under the rules?"),
    ("mention", "The notice lists \"f***\" and \"a*******\" as examples; I think the rule is fair."),
    ("leet_innocent", "I read it on my iPhone 11 on a Boeing 737."),
    ("leet_innocent", "The A380 and the B52 were at the air show."),
    ("leet_innocent", "Windows 95 ran on a 486 with 4 MB of RAM."),
    ("leet_innocent", "COVID-19 cases fell 35% in 2021."),
    ("leet_innocent", "Route 66 and the I-5 were both closed."),
    ("spaced_innocent", "Our a.s.s.e.t.s are listed in the appendix."),
    ("spaced_innocent", "The U.S.A. and the U.K. signed the deal."),
    ("spaced_innocent", "Reply A S A P please."),
    ("spaced_innocent", "It's hit the market, as soon as Monday."),
    ("spaced_innocent", "He was shot in the arm, as shown in the report."),
    ("spaced_innocent", "c.l.a.s.s was cancelled today"),
    ("acronym_innocent", "Retired AF, flew C-130s for twenty years."),
    ("acronym_innocent", "She has a BS in biology and an MS in chemistry."),
    ("acronym_innocent", "The B.S. in Nursing takes four years."),
    ("acronym_innocent", "STFC funds the telescope."),
    ("homoglyph_innocent", "Zoë and Gödel met at the Ångström lab."),
    ("homoglyph_innocent", "Москва и Санкт-Петербург."),
    ("homoglyph_innocent", "Αθήνα is the Greek spelling of Athens."),
    ("homoglyph_innocent", "Ｔｈｅ ｆｕｌｌｗｉｄｔｈ ｔｅｘｔ ｉｓ ｆｉｎｅ．"),
    ("near_miss", "The duck and the puck and the buck."),
    ("near_miss", "Pass the fork and grab my shirt."),
    ("near_miss", "The shift starts at six; bring a shot of espresso."),
    ("near_miss", "A bit of bitcoin and a ditch by the pitch."),
    ("near_miss", "The fuchsia shirt was a hit."),
    ("near_miss", "The dock workers took the deck chairs."),
]

CLEAN_WORDS = ["assassin", "classic", "passage", "embassy", "cocktail", "Scunthorpe", "analysis", "therapist", "grasshopper", "titular", "Dickens", "Shiite", "Cockburn", "Cumbria", "assets", "bass"]
CLEAN_KINDS = ["homoglyph", "invisible", "accent", "fullwidth", "stretched"]


def main() -> None:
    rng = random.Random(20261123)
    rows: list[dict] = []

    def add(text: str, expected: str, cls: str, word: str = "") -> None:
        rows.append({"id": f"dv-{len(rows) + 1:04d}", "text": text, "expected": expected, "class": cls, "word": word})

    for kind in VULGAR_KINDS:
        made = 0
        attempts = 0
        while made < 36 and attempts < 400:
            attempts += 1
            part = rng.choice(list(FRAMES))
            word = rng.choice(STRONG[part])
            written = disguise(word, kind, rng)
            if not written:
                continue
            frame = rng.choice(FRAMES[part])
            text = frame.replace("{W}", written[0].upper() + written[1:] if kind in ("plain", "asterisk_mask") else written).replace("{w}", written)
            add(text, "vulgar", kind, word)
            made += 1
    for text in ACRONYMS:
        add(text, "vulgar", "acronym", "acronym")
    for cls, text in CLEAN:
        add(text, "clean", cls)
    for kind in CLEAN_KINDS:
        for word in CLEAN_WORDS:
            written = disguise(word.lower(), kind, rng) if kind != "fullwidth" else fullwidth(word.lower())
            if not written:
                continue
            add(f"We talked about {written} at the book club last night.", "clean", f"{kind}_innocent")
    civil = {"thing": ["nonsense", "rubbish", "a mess"], "person": ["menace", "pain", "nuisance"], "modifier": ["terrible", "useless", "ridiculous"], "exclamation": ["damn", "oh no", "blast"]}
    for part, frames in FRAMES.items():
        for frame in frames:
            for word in civil[part]:
                add(frame.replace("{W}", word.capitalize()).replace("{w}", word), "clean", "civil_frame")
    OUT.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["expected"] + ":" + row["class"]] = counts.get(row["expected"] + ":" + row["class"], 0) + 1
    print(len(rows), counts)


if __name__ == "__main__":
    main()
