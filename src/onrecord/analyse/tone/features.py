"""Target-masked features of one mention in one sentence, for the tone model (``analyse.tone.model``).

News signals how it portrays a person mostly with the words around the mention, in the same clause: "X, who
has no idea what he is doing", "a safe pair of hands like X". The mention itself is replaced by ``<t>`` so
that the model learns the context, not the name. Features: the sentence's words and word pairs (its overall
tone), the words at each distance band left and right of the mention, the words of the mention's own clause,
whether the mention stands inside a quotation, and where the words of a general sentiment lexicon
(``data/tone_lexicon.tsv``: "coward", "brilliant") stand relative to it: the 8,739 training targets cannot
teach every word of praise or abuse, the lexicon's classes generalise beyond them. Tokenising is a regular
expression: no parse is needed, so the model is as fast standalone as inside the pipeline.
"""
from __future__ import annotations

import re

from onrecord import data

TARGET = "<t>"
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+|[^\w\s]")
_OPEN_QUOTES = "\"“‘"
_CLAUSE_BREAKS = {",", ";", ":", "—", "–", "-", "(", ")", "but", "while", "although", "though", "whereas",
                  "however", "yet", "said", "says", "say", "told", "according", "."}
_BANDS = ((1, "1"), (2, "2"), (4, "3"), (8, "5"), (16, "9"))  # (upper distance, band name)
_NEGATORS = {"not", "n't", "no", "never", "nor", "without", "hardly", "cannot"}


def tokens(sentence: str, start: int, end: int) -> tuple[list[str], int]:
    """Lower-cased tokens with the mention ``sentence[start:end]`` as one ``<t>`` token, and its index."""
    left = [m.group().lower() for m in _TOKEN.finditer(sentence, 0, start)]
    right = [m.group().lower() for m in _TOKEN.finditer(sentence, end)]
    # the possessive of the mention ("Trump's") belongs to it
    if right and right[0] in ("'s", "’s"):
        right = right[1:]
    return [*left, TARGET, *right], len(left)


def _band(d: int) -> str | None:
    for upper, name in _BANDS:
        if d <= upper:
            return name
    return None


def _in_quote(sentence: str, start: int) -> bool:
    """Whether an odd number of quotation marks opens before ``start`` (the mention is quoted speech)."""
    before = sentence[:start]
    straight = before.count('"')
    curly = before.count("“") - before.count("”")
    return straight % 2 == 1 or curly > 0


def _lexicon_marks(toks: list[str]) -> list[str | None]:
    """Per token: its lexicon class ("-2": valence <= -2.5 .. "+2"), flipped after a negator within three tokens
    ("not honest" reads negative), or None for a word the lexicon does not list."""
    lex = data.tone_lexicon()
    out: list[str | None] = []
    for i, w in enumerate(toks):
        v = lex.get(w)
        if v is None or w in _NEGATORS:
            out.append(None)
            continue
        if any(x in _NEGATORS or x.endswith("n't") for x in toks[max(0, i - 3):i]):
            v = -v
        size = "2" if abs(v) >= 2.5 else "1"
        out.append(("+" if v > 0 else "-") + size)
    return out


def features(sentence: str, start: int, end: int) -> list[str]:
    """The feature names of the mention at ``sentence[start:end]`` (a name may repeat; the model counts it once)."""
    toks, t = tokens(sentence, start, end)
    out = ["bias", "quoted" if _in_quote(sentence, start) else "unquoted"]
    out += ["w:" + w for w in toks]
    out += ["b:" + a + " " + b for a, b in zip(toks, toks[1:])]
    marks = _lexicon_marks(toks)
    out += ["ls:" + m for m in marks if m]
    for side, rng in (("L", range(t - 1, -1, -1)), ("R", range(t + 1, len(toks)))):
        clause = True
        for i in rng:
            d = abs(i - t)
            w = toks[i]
            band = _band(d)
            if band is not None:
                out.append(f"{side}{band}:{w}")
            if w in _CLAUSE_BREAKS and d > 1:
                clause = False
            if clause:
                out.append("c:" + w)
            if marks[i]:
                out += [f"l{side}{band or 'far'}:{marks[i]}", *(["lc:" + str(marks[i])] if clause else [])]
    if t + 2 < len(toks):
        out.append("R12:" + toks[t + 1] + " " + toks[t + 2])
    if t >= 2:
        out.append("L21:" + toks[t - 2] + " " + toks[t - 1])
    return out
