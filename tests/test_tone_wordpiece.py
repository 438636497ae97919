"""bench/tone_wordpiece.py, the pure-Python BERT tokeniser of the MiniLM tone experiments, on a vocabulary and
sentences written for these tests: ids, word-piece continuations, punctuation, accents, [UNK], truncation, and each
piece's offsets into the original text."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from tone_wordpiece import WordPiece, target_pieces

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "halvor", "##sen", "is", "a", "liar", ",", ".", "!", "cafe", "the",
         "minister", "'", "s", "##s", "un", "##kind"]


@pytest.fixture(scope="module")
def tok() -> WordPiece:
    return WordPiece(VOCAB)


def _pieces(tok: WordPiece, text: str) -> list[tuple[str, str]]:
    ids, spans = tok.encode(text)
    return [(VOCAB[i], text[a:b]) for i, (a, b) in zip(ids, spans)]


def test_pieces_and_offsets(tok: WordPiece) -> None:
    text = "Halvorsen is a LIAR, unkind!"
    assert _pieces(tok, text) == [
        ("[CLS]", ""), ("halvor", "Halvor"), ("##sen", "sen"), ("is", "is"), ("a", "a"), ("liar", "LIAR"),
        (",", ","), ("un", "un"), ("##kind", "kind"), ("!", "!"), ("[SEP]", "")]


def test_accents_are_stripped_and_offsets_stay_on_the_original(tok: WordPiece) -> None:
    text = "the  Café\u00a0minister's"  # two spaces, a no-break space, an accent
    assert _pieces(tok, text)[1:-1] == [("the", "the"), ("cafe", "Café"), ("minister", "minister"), ("'", "'"),
                                        ("s", "s")]


def test_a_word_with_no_pieces_is_unknown(tok: WordPiece) -> None:
    assert _pieces(tok, "a zebra.")[1:-1] == [("a", "a"), ("[UNK]", "zebra"), (".", ".")]
    assert _pieces(tok, "halvor" * 20)[1:-1] == [("[UNK]", "halvor" * 20)]  # past 100 characters


def test_truncation_keeps_the_end_marker(tok: WordPiece) -> None:
    ids, spans = tok.encode("a " * 50, max_len=8)
    assert len(ids) == len(spans) == 8
    assert (ids[0], ids[-1]) == (VOCAB.index("[CLS]"), VOCAB.index("[SEP]"))


def test_target_pieces(tok: WordPiece) -> None:
    text = "The minister is a liar."
    _, spans = tok.encode(text)
    assert target_pieces(spans, 4, 12) == [2]
    assert target_pieces(spans, 16, 22) == [4, 5]  # "a liar" overlaps two pieces
    assert target_pieces(spans, 100, 105) == [0]  # nothing there (e.g. cut off): [CLS] speaks for it
