"""What the full spaCy pipeline parses: the sentences that can carry an attribution or a stance.

An attribution needs a quotation mark or a cue word ("said", "according to", "warned", "criticism"); a
sentence with neither ("The vote is on Tuesday.") cannot hold one, so it is only tokenised. This test runs
on the raw text before any model, and the lexicons it reads are the analysis's own (data/cues.txt,
data/stance_labels.tsv), so whatever the analysis can find is parsed. The previous sentence of a
When a parsed sentence refers back by a pronoun ("He said ...") or a title ("The senator told ..."), the
sentences before it are parsed too, back to the nearest one naming someone, so the antecedent is found.
"""
from __future__ import annotations

import re

from onrecord import data
from onrecord.models import Segment

QUOTE_MARK = re.compile(r"[\"“”«»„‘]|(?<![\w’'])'(?=\w)")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
INITIALS = re.compile(r"(?:[A-Za-z]\.)+|[(\[]?[A-Z]\.?")  # "J.", "U.S.", "D.C."
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "rep", "reps", "sen", "sens", "gov", "gen", "lt", "col", "maj",
                 "capt", "sgt", "adm", "cmdr", "pres", "rev", "st", "jr", "sr", "hon", "messrs", "mt", "ft",
                 "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "nos",
                 "vs", "v", "etc", "inc", "co", "corp", "ltd", "dept", "univ", "approx", "est", "ave", "blvd",
                 "calif", "fla", "mass", "penn", "ariz", "colo", "conn", "ill", "ind", "kan", "mich", "minn", "nev",
                 "okla", "ore", "tenn", "tex", "va", "wash", "wis", "ala", "ark", "del", "ga", "ky", "la", "md",
                 "miss", "mo", "mont", "neb", "vt", "wyo", "ph", "al", "e.g", "i.e"}
NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)+")  # "Jeremy Corbyn", "Emily Thornberry-Nugee"
ANTECEDENT_SENTENCES = 3  # how far back a pronoun's antecedent is looked for
# what a sentence uses to refer back to someone named before it
BACK_REFERENCE = {"he", "she", "they", "his", "her", "their", "him", "them", "it", "its"}
EXTRA = {"according", "spokesman", "spokeswoman", "spokesperson", "statement", "interview", "quoted", "quote",
         "poll", "polls", "survey", "told", "tweet", "tweeted", "wrote", "view", "views", "opinion"}
IRREGULAR = {
    "say": "said", "tell": "told", "write": "wrote written", "speak": "spoke spoken", "think": "thought",
    "know": "knew known", "feel": "felt", "hold": "held", "find": "found", "give": "gave given",
    "make": "made", "take": "took taken", "see": "saw seen", "hear": "heard", "teach": "taught",
    "swear": "swore sworn", "bring": "brought", "mean": "meant", "understand": "understood",
    "come": "came", "go": "went gone", "get": "got gotten", "stand": "stood", "choose": "chose chosen",
    "foresee": "foresaw foreseen", "forbid": "forbade forbidden", "forecast": "forecast", "bet": "bet",
    "read": "read", "put": "put", "set": "set", "let": "let", "hit": "hit", "lay": "laid", "lead": "led",
    "seek": "sought", "sell": "sold", "show": "shown", "rise": "rose risen", "strike": "struck",
    "fight": "fought", "win": "won", "lose": "lost", "keep": "kept", "leave": "left", "send": "sent",
    "spend": "spent", "build": "built", "buy": "bought", "catch": "caught", "draw": "drew drawn",
    "grow": "grew grown", "throw": "threw thrown", "blow": "blew blown", "begin": "began begun",
    "sing": "sang sung", "ring": "rang rung", "shake": "shook shaken", "wake": "woke woken",
    "dream": "dreamt", "learn": "learnt", "spell": "spelt", "burn": "burnt", "be": "is are was were been",
    "have": "has had", "do": "does did done",
}
VOWELS = set("aeiou")


def forms(lemma: str) -> set[str]:
    """The inflected forms of an English verb or noun (over-generating is harmless here)."""
    w = lemma.lower()
    out = {w, w + "s", w + "es", w + "ed", w + "d", w + "ing", w + "er", w + "ers"}
    if w.endswith("e"):
        out |= {w[:-1] + "ing", w[:-1] + "ion", w[:-1] + "ions"}
    if w.endswith("y") and len(w) > 2 and w[-2] not in VOWELS:
        out |= {w[:-1] + "ies", w[:-1] + "ied"}
    if len(w) > 2 and w[-1] not in VOWELS | {"w", "x", "y"} and w[-2] in VOWELS and w[-3] not in VOWELS:
        out |= {w + w[-1] + "ed", w + w[-1] + "ing"}  # admit -> admitted, slam -> slammed
    if w.endswith("ise"):
        out |= forms(w[:-3] + "ize")
    out.update(IRREGULAR.get(w, "").split())
    return out


@data.cached
def trigger_words() -> frozenset[str]:
    """Every surface form of every cue the analysis knows: reporting verbs, stance verbs and nouns."""
    words: set[str] = set(EXTRA)
    for lemma in data.cue_classes():
        words |= forms(lemma)
    for info in data.stance_labels().values():
        for cue in [*info.verbs, *info.nouns]:
            if len(cue.split()) == 1:
                words |= forms(cue)
    return frozenset(words)


@data.cached
def multiword_cues() -> list[tuple[frozenset[str], frozenset[str]]]:
    """(forms of the first word, the other words) of each multiword stance cue ("hit out at")."""
    out = []
    for info in data.stance_labels().values():
        for cue in [*info.verbs, *info.nouns]:
            first, *rest = cue.lower().split()
            if rest:
                out.append((frozenset(forms(first)), frozenset(rest)))
    return out


def needs_parse(sentence: str) -> bool:
    """A quotation mark, a colon ("Trump: I will win", "PENCE: Well, ...") or a cue in the sentence (all
    the words of a multiword cue: "voted against", "called on")."""
    if QUOTE_MARK.search(sentence) or ": " in sentence or sentence.rstrip().endswith(":"):
        return True
    words = {m.group(0).lower() for m in WORD.finditer(sentence)}
    if words & trigger_words():
        return True
    return any(words & first and rest <= words for first, rest in multiword_cues())


def _refers_back(sentence: str) -> bool:
    first = [m.group(0).lower() for m in WORD.finditer(sentence[:80])][:6]
    return any(w in BACK_REFERENCE for w in first)


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end] (a paragraph), each with its trailing whitespace. A period after
    an initial or an abbreviation ("Mr.", "Sen.", "J.", "U.S.", "Sept.") ends no sentence."""
    out, at = [], start
    for m in SENTENCE_END.finditer(text, start, end):
        before = text[max(start, m.start() - 12):m.start()].split()
        word = before[-1] if before else ""
        if text[m.start() - 1] == "." and (word.rstrip(".").lower() in ABBREVIATIONS or INITIALS.fullmatch(word)):
            continue
        out.append((at, m.end()))
        at = m.end()
    if at < end:
        out.append((at, end))
    return out


def plan(text: str, segments: list[Segment]) -> list[tuple[int, int, bool]]:
    """Consecutive (start, end, parse) runs covering the whole text: parse=True for the runs the full
    pipeline must see, False for those only tokenised."""
    sents: list[tuple[int, int]] = []
    flags: list[bool] = []
    for seg in sorted(segments, key=lambda s: s.start):
        spans = sentences(text, seg.start, seg.end)
        quoting = QUOTE_MARK.search(text, seg.start, seg.end) is not None  # a quotation runs across sentences
        sents += spans
        flags += [quoting or needs_parse(text[s:e]) for s, e in spans]
    for k in range(len(sents)):
        if flags[k] and _refers_back(text[sents[k][0]:sents[k][1]]):
            for j in range(k - 1, max(-1, k - 1 - ANTECEDENT_SENTENCES), -1):  # back to the nearest name
                flags[j] = True
                if NAME.search(text, sents[j][0], sents[j][1]):
                    break
    marks = [(s, f) for (s, _e), f in zip(sents, flags)]
    if not marks or marks[0][0] > 0:
        marks.insert(0, (0, marks[0][1] if marks else True))
    runs: list[tuple[int, int, bool]] = []
    for k, (start, flag) in enumerate(marks):
        end = marks[k + 1][0] if k + 1 < len(marks) else len(text)
        if start >= end:
            continue
        if runs and runs[-1][2] == flag:
            runs[-1] = (runs[-1][0], end, flag)
        else:
            runs.append((start, end, flag))
    return _snap(text, runs)


def _snap(text: str, runs: list[tuple[int, int, bool]]) -> list[tuple[int, int, bool]]:
    """Move each cut to just after whitespace, so every run is tokenised exactly as in the whole text."""
    out: list[tuple[int, int, bool]] = []
    for start, end, flag in runs:
        if out:
            start = out[-1][1]
        while end < len(text) and not text[end - 1].isspace():
            end += 1
        while end < len(text) and text[end].isspace():
            end += 1
        if end > start:
            out.append((start, end, flag))
    if out and out[-1][1] < len(text):
        out[-1] = (out[-1][0], len(text), out[-1][2])
    return out
