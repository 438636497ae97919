"""Drop-in replacements for the model's ``attribute_ruler`` and ``lemmatizer``: identical output, cheaper.

Both spaCy components do their work token by token in Python and together cost more than the dependency
parser. Checked token for token against the originals on the 929 PolNeAR and sample articles
(tests/test_nlp_fast.py checks it on the bundled sample).

The AttributeRuler matches ~180 patterns (mostly one token: TAG, or TAG + LOWER) and then sets the
attributes match by match. Here each one-token pattern is evaluated once per distinct token signature (TAG,
LOWER, DEP, IS_SPACE), the few multi-token patterns go through a Matcher of their own, and the attributes are
written in one array operation. As in spaCy, when several patterns set the same attribute of a token, the later
pattern wins.
"""
from __future__ import annotations

import re
from typing import Any

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

_KEYS = ("TAG", "LOWER", "DEP", "IS_SPACE")
_SET = (POS, TAG, MORPH, LEMMA)
_COLS = (*_SET, DEP)  # DEP is set only on whitespace tokens, one by one
_OPS = {"IN", "NOT_IN", "REGEX"}


class Unsupported(ValueError):
    """A pattern this fast path does not evaluate (the caller keeps spaCy's own ruler)."""


def _check(cond: Any, value: Any) -> bool:
    if isinstance(cond, dict):
        if set(cond) - _OPS:
            raise Unsupported(f"operator {sorted(set(cond) - _OPS)}")
        ok = True
        if "IN" in cond:
            ok = ok and value in cond["IN"]
        if "NOT_IN" in cond:
            ok = ok and value not in cond["NOT_IN"]
        if "REGEX" in cond:
            ok = ok and isinstance(value, str) and re.search(cond["REGEX"], value) is not None
        return ok
    return value == cond


def _matches(token_pattern: dict[str, Any], sig: tuple[str, str, str, bool]) -> bool:
    values = dict(zip(_KEYS, sig))
    for key, cond in token_pattern.items():
        if key.upper() not in values:
            raise Unsupported(f"attribute {key}")
        if not _check(cond, values[key.upper()]):
            return False
    return True


class FastAttributeRuler:
    """Applies the patterns of an existing spaCy AttributeRuler (see the module docstring)."""

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab
        self.single: list[tuple[int, list[dict[str, Any]]]] = []  # (rule id, alternative token patterns)
        self.multi = Matcher(vocab)
        self.attrs: dict[int, dict[int, int]] = {}
        self.index: dict[int, int] = {}
        self._cache: dict[tuple[int, ...], tuple[int, ...]] = {}
        self._rows: dict[tuple[int, ...], tuple[list[int], list[bool]]] = {}
        self._by_lower: dict[str, list[int]] = {}  # rules that need one of a few LOWER values
        self._no_lower: list[int] = []  # rules with no LOWER condition: cached by (TAG, DEP, IS_SPACE)
        self._other: list[int] = []  # LOWER by regex or exclusion: evaluated for every signature
        self._shape_cache: dict[tuple[int, ...], tuple[int, ...]] = {}
        self._anchors: list[tuple[int, numpy.ndarray, int]] | None = []  # (position, LOWER hashes, length)

    def load(self, ruler: Any) -> None:
        """Take over the patterns of spaCy's ``ruler`` (raises Unsupported for what this cannot evaluate)."""
        for rule_id, entry in enumerate(ruler.patterns):
            self.attrs[rule_id] = {int(k): int(v) for k, v in ruler.attrs[rule_id].items()}
            self.index[rule_id] = int(ruler.indices[rule_id])
            if set(self.attrs[rule_id]) - set(_COLS):
                raise Unsupported(f"sets {sorted(self.attrs[rule_id])}")
            pats = entry["patterns"]
            if all(len(p) == 1 for p in pats):
                if self.index[rule_id] not in (0, -1):
                    raise Unsupported("index")
                alts = [p[0] for p in pats]
                self.single.append((rule_id, alts))
                lowers = [{k.upper(): v for k, v in p.items()}.get("LOWER") for p in alts]
                if all(x is None for x in lowers):
                    self._no_lower.append(len(self.single) - 1)
                elif all(isinstance(x, str) or isinstance(x, dict) and set(x) == {"IN"} for x in lowers):
                    for x in lowers:
                        for value in ([x] if isinstance(x, str) else (x or {})["IN"]):
                            self._by_lower.setdefault(value, []).append(len(self.single) - 1)
                else:
                    self._other.append(len(self.single) - 1)
            else:
                self.multi.add(str(rule_id), pats)
                for p in pats:
                    self._add_anchor(p)

    def _add_anchor(self, pattern: list[dict[str, Any]]) -> None:
        """Remember one token of a multi-token pattern that needs given LOWER values, so the Matcher runs
        only around tokens with those values (a pattern without one makes it run over the whole doc)."""
        if self._anchors is None:
            return
        for pos, tok in enumerate(pattern):
            tok = {k.upper(): v for k, v in tok.items()}
            low = tok.get("LOWER")
            if "OP" in tok:
                break
            if isinstance(low, str) or isinstance(low, dict) and set(low) == {"IN"}:
                words = [low] if isinstance(low, str) else low["IN"]
                hashes = numpy.array([self.vocab.strings.add(w) for w in words], dtype=numpy.uint64)
                self._anchors.append((pos, hashes, len(pattern)))
                return
        self._anchors = None

    def _eval(self, which: list[int], sig: tuple[str, str, str, bool]) -> tuple[int, ...]:
        return tuple(self.single[k][0] for k in which if any(_matches(p, sig) for p in self.single[k][1]))

    def _rules_for(self, key: tuple[int, ...]) -> tuple[int, ...]:
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) > 500_000:  # bounded memory on endless streams of new words
                self._cache.clear()
                self._rows.clear()
            strings = self.vocab.strings
            sig = (strings[key[0]] if key[0] else "", strings[key[1]] if key[1] else "",
                   strings[key[2]] if key[2] else "", bool(key[3]))
            shape = (key[0], key[2], key[3])
            general = self._shape_cache.get(shape)
            if general is None:
                general = self._shape_cache[shape] = self._eval(self._no_lower, sig)
            found = tuple(sorted(general + self._eval(self._by_lower.get(sig[1], []) + self._other, sig)))
            self._cache[key] = found
        return found

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        sigs = doc.to_array([TAG, LOWER, DEP, IS_SPACE])
        uniq, inverse = numpy.unique(sigs, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        keys = [tuple(row) for row in uniq.tolist()]
        rows = [self._row(key) for key in keys]
        new = numpy.array([r[0] for r in rows], dtype=numpy.uint64)
        setting = numpy.array([r[1] for r in rows], dtype=bool)
        old = doc.to_array(list(_COLS))
        values = numpy.where(setting[inverse], new[inverse], old)
        for i, extra in self._multi_matches(doc).items():  # rare: "gonna", "let's", "ain't"
            values[i] = old[i]
            for rule in sorted([*self._rules_for(keys[inverse[i]]), *extra]):
                for attr, value in self.attrs[rule].items():
                    values[i, _COLS.index(attr)] = value
        doc.from_array(list(_SET), numpy.ascontiguousarray(values[:, :len(_SET)]))  # type: ignore[arg-type]  # an Ints2d
        for changed in numpy.nonzero(values[:, -1] != old[:, -1])[0]:
            doc[int(changed)].dep = int(values[changed, -1])
        return doc

    def _row(self, key: tuple[int, ...]) -> tuple[list[int], list[bool]]:
        """The values the one-token rules give a token of this signature, and which columns they set."""
        row = self._rows.get(key)
        if row is None:
            values, setting = [0] * len(_COLS), [False] * len(_COLS)
            for rule in self._rules_for(key):
                for attr, value in self.attrs[rule].items():
                    values[_COLS.index(attr)] = value
                    setting[_COLS.index(attr)] = True
            row = self._rows[key] = (values, setting)
        return row

    def _multi_matches(self, doc: Doc) -> dict[int, list[int]]:
        """Token index -> multi-token rules that set its attributes."""
        out: dict[int, list[int]] = {}
        if not len(self.multi):
            return out
        if self._anchors is None:
            found = {(m, s, e) for m, s, e in self.multi(doc, allow_missing=True)}
        else:
            lowers = doc.to_array([LOWER])
            windows = set()
            for pos, hashes, length in self._anchors:
                for i in numpy.nonzero(numpy.isin(lowers, hashes))[0]:
                    if 0 <= i - pos and i - pos + length <= len(doc):
                        windows.add((int(i) - pos, int(i) - pos + length))
            found = {(m, a + s, a + e) for a, b in windows for m, s, e in self.multi(doc[a:b], allow_missing=True)}
        for match_id, start, end in sorted(found, key=lambda x: (x[1], x[2])):
            rule = int(self.vocab.strings[match_id])
            out.setdefault((start if self.index[rule] >= 0 else end) + self.index[rule], []).append(rule)
        return out


class FastLemmatizer:
    """spaCy's rule lemmatizer evaluated once per distinct (ORTH, POS, MORPH) instead of once per token; the
    lemma is a function of exactly those (spaCy caches by the same key), so the output is the same."""

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab
        self.original: Any = None
        self._memo: dict[tuple[int, int, int], int] = {}

    def load(self, lemmatizer: Any) -> None:
        if getattr(lemmatizer, "mode", None) != "rule" or lemmatizer.overwrite:
            raise Unsupported("only the non-overwriting rule lemmatizer")
        self.original = lemmatizer

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        cols = doc.to_array([ORTH, POS, MORPH, LEMMA])
        todo = numpy.nonzero(cols[:, 3] == 0)[0]
        if not len(todo):
            return doc
        if len(self._memo) > 500_000:
            self._memo.clear()
        strings = self.vocab.strings
        for i in todo.tolist():
            key = (int(cols[i, 0]), int(cols[i, 1]), int(cols[i, 2]))
            lemma = self._memo.get(key)
            if lemma is None:
                lemma = self._memo[key] = strings.add(self.original.lemmatize(doc[i])[0])
            cols[i, 3] = lemma
        doc.from_array([LEMMA], numpy.ascontiguousarray(cols[:, 3:4]))  # type: ignore[arg-type]  # an Ints2d
        return doc


def _swap(nlp: Any, name: str, factory: str, fast: Any) -> bool:
    if name not in nlp.pipe_names:
        return False
    original = nlp.get_pipe(name)
    try:
        fast.load(original)
    except Unsupported:
        return False
    nlp.replace_pipe(name, factory)
    nlp.get_pipe(name).load(original)
    return True


def use_fast_components(nlp: Any) -> list[str]:
    """Swap the pipeline's ``attribute_ruler`` and ``lemmatizer`` for the equivalents above, under the same
    names; a component whose configuration the fast path does not cover is left as it is."""
    done = []
    if _swap(nlp, "attribute_ruler", "onrecord_attribute_ruler", FastAttributeRuler(nlp.vocab)):
        done.append("attribute_ruler")
    if _swap(nlp, "lemmatizer", "onrecord_lemmatizer", FastLemmatizer(nlp.vocab)):
        done.append("lemmatizer")
    return done


if not Language.has_factory("onrecord_attribute_ruler"):
    Language.factory("onrecord_attribute_ruler")(lambda nlp, name: FastAttributeRuler(nlp.vocab))
if not Language.has_factory("onrecord_lemmatizer"):
    Language.factory("onrecord_lemmatizer")(lambda nlp, name: FastLemmatizer(nlp.vocab))
