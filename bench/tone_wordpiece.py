"""BERT's uncased WordPiece tokeniser in pure Python, with each piece's character offsets in the original text.

It reproduces the ``tokenizers`` library's BertNormalizer (clean text, space around CJK characters, accents
stripped, lower case), BertPreTokenizer (split at white space and punctuation) and WordPiece (greedy longest match,
``##`` continuations, [UNK] past 100 characters) for MiniLM's ``vocab.txt``: on all 8,274 NewsMTSC sentences its
ids and offsets equal the library's. It imports nothing but the standard library. Used by
``bench/train_tone_finetune.py`` and ``bench/newsmtsc.py --minilm``.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

MAX_WORD_CHARS = 100


def _is_punct(c: str) -> bool:
    cp = ord(c)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(c).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF
            or 0x2F800 <= cp <= 0x2FA1F)


def _normal(c: str) -> str:
    """What one character becomes: '' (dropped), ' ' (a split), or its accent-free lower-case form."""
    if c in "\t\n\r ":
        return " "
    cp = ord(c)
    if cp == 0 or cp == 0xFFFD or unicodedata.category(c).startswith("C"):
        return ""
    if c.isspace():
        return " "
    if _is_cjk(cp):
        return " " + c + " "
    return "".join(ch for ch in unicodedata.normalize("NFD", c) if unicodedata.category(ch) != "Mn").lower()


_SPACE, _PUNCT, _WORD = 0, 1, 2


def _classify(c: str) -> list[tuple[str, int]]:
    """What one character becomes: its normalised characters, each a split, a punctuation mark or a word character."""
    return [(n, _SPACE if n == " " else _PUNCT if _is_punct(n) else _WORD) for n in _normal(c)]


_TABLE: dict[str, list[tuple[str, int]]] = {}  # character -> _classify(character), filled as characters are met


class WordPiece:
    """Text -> word-piece ids ([CLS] ... [SEP]) and each piece's (start, end) in the text ((0, 0) for the specials)."""

    def __init__(self, vocab: list[str]) -> None:
        self.vocab = {w: i for i, w in enumerate(vocab)}
        self.unk, self.cls, self.sep = self.vocab["[UNK]"], self.vocab["[CLS]"], self.vocab["[SEP]"]
        self._cache: dict[str, list[tuple[int, int, int]]] = {}

    @classmethod
    def from_file(cls, path: Path) -> WordPiece:
        """The tokeniser of a ``vocab.txt`` (one piece a line, the line number its id)."""
        return cls(path.read_text(encoding="utf-8").split("\n")[:-1])

    def _words(self, text: str) -> list[tuple[str, list[int]]]:
        """The pre-tokenised words, each with the original index of each of its characters."""
        words: list[tuple[str, list[int]]] = []
        chars: list[str] = []
        where: list[int] = []
        table = _TABLE
        for i, c in enumerate(text):
            got = table.get(c)
            if got is None:
                got = table[c] = _classify(c)
            for n, kind in got:
                if kind == _WORD:
                    chars.append(n)
                    where.append(i)
                    continue
                if chars:
                    words.append(("".join(chars), where))
                    chars, where = [], []
                if kind == _PUNCT:
                    words.append((n, [i]))
        if chars:
            words.append(("".join(chars), where))
        return words

    def _pieces(self, word: str) -> list[tuple[int, int, int]]:
        """(id, first char, end char) within the word, for each of its pieces."""
        got = self._cache.get(word)
        if got is not None:
            return got
        if len(word) > MAX_WORD_CHARS:
            out = [(self.unk, 0, len(word))]
        else:
            out = []
            start = 0
            while start < len(word):
                end = len(word)
                while end > start:
                    sub = word[start:end] if start == 0 else "##" + word[start:end]
                    if sub in self.vocab:
                        out.append((self.vocab[sub], start, end))
                        break
                    end -= 1
                else:
                    out = [(self.unk, 0, len(word))]
                    break
                start = end
        if len(self._cache) < 200_000:
            self._cache[word] = out
        return out

    def encode(self, text: str, max_len: int = 128) -> tuple[list[int], list[tuple[int, int]]]:
        """Ids and offsets, [CLS] first and [SEP] last, truncated to ``max_len`` pieces in all."""
        ids, spans = [self.cls], [(0, 0)]
        for word, where in self._words(text):
            for piece, a, b in self._pieces(word):
                ids.append(piece)
                spans.append((where[a], where[b - 1] + 1))
        del ids[max_len - 1:], spans[max_len - 1:]
        return ids + [self.sep], spans + [(0, 0)]


def target_pieces(spans: list[tuple[int, int]], start: int, end: int) -> list[int]:
    """The indices of the pieces that overlap ``start:end`` (the [CLS] piece when none does, e.g. past truncation)."""
    got = [j for j, (a, b) in enumerate(spans) if b > a and a < end and b > start]
    return got or [0]
