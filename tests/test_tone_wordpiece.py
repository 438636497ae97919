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


def test_window_keeps_the_mentions_and_the_markers(tok: WordPiece) -> None:
    from newsmtsc import _window
    text = "a " * 30 + "the minister is a liar " + "a " * 30
    ids, spans = tok.encode(text)
    start = text.index("minister")
    got, got_spans = _window(ids, spans, [(start, start + 8)], 10)
    assert len(got) == len(got_spans) == 10
    assert (got[0], got[-1]) == (ids[0], ids[-1])
    assert [text[a:b] for a, b in got_spans[1:-1]] == ["a", "a", "a", "the", "minister", "is", "a", "liar"]
    assert target_pieces(got_spans, start, start + 8) == [5]  # the middle of the 8 pieces
    end, _ = _window(ids, spans, [(len(text) - 2, len(text) - 1)], 10)  # a mention at the end: the last pieces
    assert end[1:-1] == ids[-9:-1]


def test_unlabelled_excludes_every_article_a_gold_names(tmp_path: Path) -> None:
    from tone_unlabelled import excluded
    (tmp_path / "speaker_dev").mkdir()
    (tmp_path / "speaker_dev" / "gold.jsonl").write_text('{"doc": "nyt_2016-01-01_one.txt"}\n', encoding="utf-8")
    (tmp_path / "stance_precision").mkdir()
    (tmp_path / "stance_precision" / "draws.json").write_text('{"D": ["wash-post_2016-02-02_two"]}', encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "gold.jsonl").write_text('{"doc": "politico_2016-03-03_three.txt"}', encoding="utf-8")
    stems = {"nyt_2016-01-01_one", "wash-post_2016-02-02_two", "politico_2016-03-03_three", "nyt_2016-04-04_four"}
    assert excluded(tmp_path, stems) == {"nyt_2016-01-01_one", "wash-post_2016-02-02_two"}
