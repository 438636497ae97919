"""Hostile input at the ingest layer: nothing lost, nothing hangs.

Each case is built in tmp_path; each asserts the exact line the CLI prints, the exit status, and that the
good files of the same run are stored.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from onrecord import pipeline
from onrecord.cli import main
from onrecord.formats import printable, table
from onrecord.ingest import InputFile, discover, read_input
from onrecord.ingest.decode import decode
from onrecord.ingest.language import detect_language
from onrecord.models import ParsedArticle
from onrecord.pipeline import ingest
from onrecord.store import Store

GOOD = ("Ministers said on Monday that the new rules would come into force next year, after months of talks "
        "with the unions and employers who had warned about the cost of the changes.\n")
QUOTED = ("\u201cWe will not back down,\u201d the minister said on Monday, after months of talks with the "
          "unions and employers who had warned about the cost of the changes.\n")


def _run(*args: str) -> tuple[int, list[str]]:
    """Run `onrecord ingest ARGS --no-analyse`; the exit status and the lines it printed."""
    result = CliRunner().invoke(main, ["ingest", *args, "--no-analyse"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output.splitlines()


def _texts(db: Path) -> dict[str, str]:
    with Store(db) as store:
        return {Path(src).name: text for src, text in store.conn.execute("SELECT source, text FROM articles")}


def _good(folder: Path, name: str = "good.txt") -> Path:
    path = folder / name
    path.write_text("Good title\n\n" + GOOD, encoding="utf-8")
    return path


# -- lone surrogates and failures of one article -------------------------------------------------------------
def test_lone_surrogates_in_jsonl_are_replaced_with_a_warning_and_offsets_stay_valid(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    _good(d)
    text = "Broken \\ud800 emoji. " + GOOD.strip()
    fields = '"title": "Half \\udc00 title", "id": "x\\ud83d", "url": "https://e.com/\\ud800"'
    lines = ['{"text": "' + text + '", ' + fields + '}', json.dumps({"text": "Second record. " + GOOD})]
    (d / "dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "s.db"
    code, out = _run(str(d), "--db", str(db))
    assert code == 0
    assert f"warning: {d / 'dump.jsonl'}#1: 4 lone surrogate escapes (such as \\ud800, half of an emoji) " \
           "replaced with U+FFFD" in out
    texts = _texts(db)
    assert set(texts) == {"good.txt", "dump.jsonl#1", "dump.jsonl#2"}
    stored = texts["dump.jsonl#1"]
    assert stored == json.loads('"' + text + '"').replace("\ud800", "\ufffd")  # one character for one
    with Store(db) as store:
        title, url, ext = store.conn.execute("SELECT title, url, external_id FROM articles "
                                             "WHERE source LIKE '%#1'").fetchone()
        segs = store.conn.execute("SELECT start, \"end\" FROM segments JOIN articles ON articles.id = article_id "
                                  "WHERE source LIKE '%#1'").fetchall()
    assert (title, url, ext) == ("Half \ufffd title", "https://e.com/\ufffd", "x\ufffd")
    assert segs and all(0 <= s < e <= len(stored) for s, e in segs)


def test_quotes_of_a_repaired_record_point_into_its_text(tmp_path, nlp):
    path = tmp_path / "dump.jsonl"
    path.write_text('{"text": "Broken \\ud83d emoji. \\"We will not back down,\\" the minister said on Monday."}\n',
                    encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        report = ingest([str(path)], store, workers=1)
        assert [(e.status, e.reason) for e in report.events] == [
            ("ingested", "1 lone surrogate escape (such as \\ud800, half of an emoji) replaced with U+FFFD")]
        (aid,) = store.article_ids()
        text = store.article(aid).text
        quotes = store.conn.execute('SELECT start, "end", text FROM quotes WHERE article_id = ?', (aid,)).fetchall()
    assert quotes and all(text[s:e] == q for s, e, q in quotes)


def test_an_article_the_store_rejects_for_any_reason_fails_alone(tmp_path, monkeypatch):
    d = tmp_path / "in"
    d.mkdir()
    _good(d, "a.txt")
    (d / "b.txt").write_text("B title\n\nThe second story. " + GOOD, encoding="utf-8")
    _good(d, "c.txt").write_text("C title\n\nThe third story. " + GOOD, encoding="utf-8")
    real = Store.insert_article

    def insert(self, parsed, segments, language):
        article = real(self, parsed, segments, language)  # written, then refused: the savepoint undoes it
        if parsed.source.endswith("b.txt"):
            raise sqlite3.IntegrityError("the store refused it")
        return article

    monkeypatch.setattr(Store, "insert_article", insert)
    db = tmp_path / "s.db"
    code, out = _run(str(d), "--db", str(db))
    assert code == 1
    assert f"failed: {d / 'b.txt'}: could not store the article (IntegrityError: the store refused it)" in out
    assert set(_texts(db)) == {"a.txt", "c.txt"}  # the same chunk, stored


def test_an_analysis_failure_fails_only_the_article_that_causes_it(tmp_path, monkeypatch, nlp):
    real = pipeline.Analyser.run

    def flaky(self, items):
        if any("BOOM" in text for text, _segs in items):
            raise RuntimeError("a bug in a rule")
        return real(self, items)

    d = tmp_path / "in"
    d.mkdir()
    _good(d, "a.txt")
    (d / "b.txt").write_text("Bad title\n\nBOOM. " + GOOD, encoding="utf-8")
    (d / "c.txt").write_text("C title\n\nThe third story. " + GOOD, encoding="utf-8")
    monkeypatch.setattr(pipeline.Analyser, "run", flaky)
    with Store(tmp_path / "s.db") as store:
        report = ingest([str(d)], store, workers=1)
        events = {Path(e.source).name: (e.status, e.reason) for e in report.events}
        assert events["b.txt"] == ("failed", ("the analysis failed (RuntimeError: a bug in a rule); not stored, "
                                              "re-run the ingest to retry"))
        assert events["a.txt"][0] == events["c.txt"][0] == "ingested"  # the same chunk of 16
        assert len(store.article_ids()) == 2


# -- decompression ---------------------------------------------------------------------------------------------
def test_max_bytes_caps_the_decompressed_size_of_a_gz(tmp_path, monkeypatch):
    d = tmp_path / "in"
    d.mkdir()
    bomb = d / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"Title\n\n" + b"A" * 20_000_000))  # 20 KB that inflate to 20 MB
    assert bomb.stat().st_size < 100_000
    (d / "ok.txt.gz").write_bytes(gzip.compress(("Zipped\n\n" + GOOD).encode()))
    sizes: list[int] = []
    real_read = gzip.GzipFile.read

    def read(self, size=-1):
        sizes.append(size)
        return real_read(self, size)

    monkeypatch.setattr(gzip.GzipFile, "read", read)
    db = tmp_path / "s.db"
    code, out = _run(str(d), "--max-bytes", "100000", "--db", str(db))
    assert code == 1
    assert f"failed: {bomb}: decompressed, it is over the size cap of 100,000 bytes (raise it with --max-bytes)" in out
    assert sizes and all(0 < s <= 100_001 for s in sizes)  # never asked for more than the cap + 1
    assert set(_texts(db)) == {"ok.txt.gz"}


def test_a_gzip_file_without_a_gz_name_is_decompressed(tmp_path):
    path = tmp_path / "story.txt"
    path.write_bytes(gzip.compress(("Zipped title\n\n" + GOOD).encode()))
    (art,) = read_input(InputFile(str(path)))
    assert isinstance(art, ParsedArticle) and art.text == "Zipped title\n\n" + GOOD


# -- decoding --------------------------------------------------------------------------------------------------
def test_a_stray_latin1_byte_in_utf8_is_replaced_not_read_as_a_code_page(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    _good(d)
    stray = d / "stray.txt"
    stray.write_bytes(("Title\n\n" + QUOTED * 3).encode() + b"Caf\xe9 owners agreed.\n")
    db = tmp_path / "s.db"
    code, out = _run(str(d), "--db", str(db))
    assert code == 0
    assert f"warning: {stray}: 1 byte that is not valid UTF-8 replaced with U+FFFD (the rest read as UTF-8)" in out
    assert _texts(db)["stray.txt"] == "Title\n\n" + QUOTED * 3 + "Caf\ufffd owners agreed.\n"


def test_a_legacy_cp1252_file_still_decodes(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes(("Title\n\n" + QUOTED + "The caf\u00e9 owners agreed \u2013 reluctantly.\n").encode("cp1252"))
    (art,) = read_input(InputFile(str(path)))
    assert isinstance(art, ParsedArticle) and not art.warnings
    assert art.text == "Title\n\n" + QUOTED + "The caf\u00e9 owners agreed \u2013 reluctantly.\n"


@pytest.mark.parametrize(("valid", "stray"), [("The mayor\u2019s office", b"\xff\xfe"),
                                              ("They met at the caf\u00e9", b"\x81\x8d")])
def test_two_stray_bytes_beside_one_multibyte_character_stay_utf8(tmp_path, valid, stray):
    # one valid multi-byte character is as many valid bytes as the invalid ones: the file is UTF-8, not
    # mac_latin2 ("mayor\u201a\u00c4\u00f4s") or cp1250 ("caf\u0165") as a charset guess made it
    path = tmp_path / "mostly.txt"
    path.write_bytes(("Title\n\n" + GOOD + valid + " said on Monday.\n").encode() + b"Bad " + stray + b" bytes.\n")
    db = tmp_path / "s.db"
    code, out = _run(str(path), "--db", str(db))
    assert code == 0
    assert f"warning: {path}: 2 bytes that are not valid UTF-8 replaced with U+FFFD (the rest read as UTF-8)" in out
    assert _texts(db)["mostly.txt"] == "Title\n\n" + GOOD + valid + " said on Monday.\nBad \ufffd\ufffd bytes.\n"


def test_utf8_share_is_measured_in_bytes_and_legacy_text_stays_legacy():
    # a 3-byte character outweighs 3 stray bytes; a cp1252 file has (almost) no valid multi-byte sequences
    mostly = decode("Title \u2014 a dash.\n".encode() + b"x\xff\xfe\xfd\n", "a.txt")
    assert mostly.text == "Title \u2014 a dash.\nx\ufffd\ufffd\ufffd\n" and len(mostly.replaced) == 3
    assert decode("Caf\u00e9: \u201cno\u201d, na\u00efve.\n".encode("cp1252"), "b.txt").text == \
        "Caf\u00e9: \u201cno\u201d, na\u00efve.\n"  # not cp775's "na\u2019ve"


@pytest.mark.parametrize(("text", "encoding"), [
    ("Ministrowie powiedzieli w poniedzia\u0142ek, \u017ce nowe przepisy wejd\u0105 w \u017cycie.", "cp1250"),
    ("\u041c\u0438\u043d\u0438\u0441\u0442\u0440\u044b \u0437\u0430\u044f\u0432\u0438\u043b\u0438 "
     "\u0432 \u043f\u043e\u043d\u0435\u0434\u0435\u043b\u044c\u043d\u0438\u043a.", "cp1251"),
])
def test_other_legacy_code_pages_are_not_forced_into_cp1252(text, encoding):
    assert decode(text.encode(encoding), "legacy.txt").text == text


def test_invalid_bytes_in_one_jsonl_line_warn_on_that_record_only(tmp_path):
    path = tmp_path / "dump.jsonl"
    line1 = json.dumps({"text": QUOTED}, ensure_ascii=False).encode()
    line2 = json.dumps({"text": "Second. " + QUOTED}, ensure_ascii=False).encode().replace(b"Second", b"Sec\xff\xfeond")
    path.write_bytes(line1 + b"\n" + line2 + b"\n")
    first, second = read_input(InputFile(str(path)))
    assert isinstance(first, ParsedArticle) and first.warnings == []
    assert isinstance(second, ParsedArticle) and second.text.startswith("Sec\ufffd\ufffdond. \u201cWe")
    assert second.warnings == ["2 bytes that are not valid UTF-8 replaced with U+FFFD (the rest read as UTF-8)"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_text_not_binary(tmp_path, encoding):
    d = tmp_path / "in"
    d.mkdir()
    (d / "u16.txt").write_bytes(("Title\n\n" + QUOTED).encode(encoding))
    (d / "u16.jsonl").write_bytes((json.dumps({"text": "As JSONL. " + QUOTED}) + "\n").encode(encoding))
    db = tmp_path / "s.db"
    code, out = _run(str(d), "--db", str(db))
    assert code == 0, out
    texts = _texts(db)
    assert texts["u16.txt"] == "Title\n\n" + QUOTED
    assert texts["u16.jsonl#1"] == "As JSONL. " + QUOTED


# -- language --------------------------------------------------------------------------------------------------
SHORT = {"zh.txt": ("政府周一表示，新规定将于明年生效。", "Chinese", "zh"),
         "ar.txt": ("قال الوزراء إن القواعد الجديدة ستدخل حيز التنفيذ", "Arabic", "ar"),
         "ru.txt": ("Министры заявили, что новые правила вступят в силу.", "Russian", "ru")}


def test_short_non_latin_texts_are_not_passed_as_english(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    _good(d)
    for name, (text, _lang, _code) in SHORT.items():
        (d / name).write_text(text + "\n", encoding="utf-8")
    db = tmp_path / "s.db"
    code, out = _run(str(d), "--db", str(db))
    assert code == 0
    for name, (_text, lang, _code) in SHORT.items():
        assert (f"skipped: {d / name}: the text looks {lang}, not English; skipped (use --any-language to ingest "
                "it anyway)") in out
    assert set(_texts(db)) == {"good.txt"}
    code, out = _run(str(d), "--db", str(db), "--any-language")
    with Store(db) as store:
        langs = {Path(s).name: lang for s, lang in store.conn.execute("SELECT source, language FROM articles")}
    assert langs == {"good.txt": "en", **{name: c for name, (_t, _l, c) in SHORT.items()}}


def test_english_with_a_few_foreign_words_is_still_english():
    assert detect_language("The premier, 李强 (Li Qiang), said on Monday that the talks would go on. " * 3) == "en"
    assert detect_language("Ukraine's president said: «Слава Україні», and the crowd cheered.") == "en"
    assert detect_language("Київ заявив, що переговори триватимуть.") == "uk"


# -- walking the inputs ----------------------------------------------------------------------------------------
@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links and FIFOs")
def test_links_special_files_and_unreadable_folders_each_get_one_line(tmp_path, monkeypatch):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "locked").mkdir()
    (d / "elsewhere").mkdir()
    _good(d)
    _good(d / "sub", "deep.txt").write_text("Deep title\n\nA deeper story. " + GOOD, encoding="utf-8")
    (d / "locked" / "hidden-away.txt").write_text("Locked\n\n" + GOOD, encoding="utf-8")
    (d / "loop").symlink_to("loop")
    (d / "sub" / "up").symlink_to("..")
    (d / "dangling.txt").symlink_to("nowhere.txt")
    (d / "sub" / "link-to-elsewhere").symlink_to(d / "elsewhere")
    os.mkfifo(d / "pipe")
    fifo = tmp_path / "given.fifo"
    os.mkfifo(fifo)
    real_scandir = os.scandir

    def scandir(path):  # tests may run as root, for whom chmod 000 changes nothing
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    db = tmp_path / "s.db"
    code, out = _run(str(d), str(fifo), "/dev/null", "--db", str(db))
    assert code == 1
    expected = [
        f"failed: {d / 'dangling.txt'}: a broken symbolic link (its target nowhere.txt does not exist); skipped",
        f"failed: {d / 'locked'}: cannot read the folder (Permission denied); nothing in it was ingested",
        f"failed: {d / 'loop'}: a symbolic link loop (the link leads back to itself); skipped",
        (f"failed: {d / 'pipe'}: a named pipe (FIFO), not a file: skipped (to read from a pipe, give '-' and pipe "
         "it to stdin)"),
        (f"skipped: {d / 'sub' / 'link-to-elsewhere'}: a link to the folder {d / 'elsewhere'}: links inside a folder "
         "are not followed (name the folder itself to ingest it)"),
        f"failed: {d / 'sub' / 'up'}: a symbolic link loop (it points back to {d}, a folder above it); skipped",
        (f"failed: {fifo}: a named pipe (FIFO), not a file: skipped (to read from a pipe, give '-' and pipe it to "
         "stdin)"),
        ("failed: /dev/null: a character device, not a file: skipped (to read from a pipe, give '-' and pipe it to "
         "stdin)"),
    ]
    assert [line for line in out if line.startswith(("failed:", "skipped:"))] == expected
    assert set(_texts(db)) == {"good.txt", "deep.txt"}


def test_a_glob_reports_broken_links_instead_of_dropping_them(tmp_path):
    _good(tmp_path, "a.txt")
    (tmp_path / "b.txt").symlink_to("gone.txt")
    found = list(discover([str(tmp_path / "*.txt")]))
    assert isinstance(found[0], InputFile) and found[0].path == str(tmp_path / "a.txt")
    assert found[1].reason == "a broken symbolic link (its target gone.txt does not exist); skipped"


def test_a_file_name_that_is_not_utf8_is_stored_with_a_printable_source(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    raw = os.path.join(os.fsencode(d), b"caf\xe9.txt")
    with open(raw, "wb") as f:
        f.write(("Title\n\n" + GOOD).encode())
    db = tmp_path / "s.db"
    with Store(db) as store:
        report = ingest([str(d)], store, analyse=False)
        assert [(e.status, Path(e.source).name) for e in report.events] == [("ingested", "caf\ufffd.txt")]


# -- user-supplied strings: manifest, --outlet, file names -------------------------------------------------------
def _one_file(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    return _good(d, "a.txt")


def _outlets(db: Path) -> list[tuple[str, str]]:
    with Store(db) as store:
        return [tuple(row) for row in store.conn.execute("SELECT outlet, title FROM articles")]


@pytest.mark.parametrize("bad", [b"\xff", b"\\ud800"], ids=["byte", "surrogate"])
def test_a_bad_byte_or_lone_surrogate_in_the_manifest_is_repaired_with_a_warning(tmp_path, bad):
    path = _one_file(tmp_path)
    manifest = tmp_path / "m.jsonl"
    row = '{"file": "a.txt", "outlet": "Caf\u00e9 \u2014 Le Monde '.encode() + bad + b'", "title": "T"}\n'
    manifest.write_bytes(row)
    db = tmp_path / "s.db"
    code, out = _run(str(path), "--manifest", str(manifest), "--db", str(db))
    assert code == 0, out
    assert (f"warning: {path}: manifest line 1: 1 character that was not valid UTF-8 (a stray byte or half of an "
            "emoji) replaced with U+FFFD") in out
    assert _outlets(db) == [("Caf\u00e9 \u2014 Le Monde \ufffd", "T")]


def test_a_latin1_manifest_is_read_as_latin1(tmp_path):
    path = _one_file(tmp_path)
    manifest = tmp_path / "m.jsonl"
    row = '{"file": "a.txt", "outlet": "Caf\u00e9 Times", "title": "D\u00e9j\u00e0 vu"}\n'
    manifest.write_bytes(row.encode("latin-1"))
    db = tmp_path / "s.db"
    code, out = _run(str(path), "--manifest", str(manifest), "--db", str(db))
    assert code == 0 and not [line for line in out if line.startswith(("warning", "failed"))], out
    assert _outlets(db) == [("Caf\u00e9 Times", "D\u00e9j\u00e0 vu")]


def test_a_manifest_value_that_is_not_a_string_is_a_clear_error(tmp_path):
    path = _one_file(tmp_path)
    manifest = tmp_path / "m.jsonl"
    manifest.write_text('{"file": "a.txt"}\n{"file": "b.txt", "outlet": ["x"]}\n')
    code, out = _run(str(path), "--manifest", str(manifest), "--db", str(tmp_path / "s.db"))
    assert code == 2
    assert f'Error: [E105] {manifest}#2: manifest line 2: "outlet" must be a string, not a JSON list' in out


# a Latin-1 byte in argv (Python keeps it as \\udce9); half an emoji from an API caller
@pytest.mark.parametrize("outlet", ["Caf\udce9 Times", "Caf\ud800 Times"])
def test_an_outlet_that_is_not_utf8_is_repaired_with_a_warning_on_every_article(tmp_path, outlet):
    path = _one_file(tmp_path)
    (path.parent / "b.txt").write_text("B title\n\nThe second story. " + GOOD, encoding="utf-8")
    db = tmp_path / "s.db"
    code, out = _run(str(path.parent), "--outlet", outlet, "--db", str(db))
    assert code == 0, out
    warning = ("the outlet given for the run (--outlet): 1 character that was not valid UTF-8 (a stray byte or half "
               "of an emoji) replaced with U+FFFD")
    assert [line for line in out if line.startswith("warning")] == [
        f"warning: {path}: {warning}", f"warning: {path.parent / 'b.txt'}: {warning}"]
    assert [o for o, _ in _outlets(db)] == ["Caf\ufffd Times"] * 2


def test_control_characters_in_file_names_are_escaped_one_line_per_file(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    _good(d)
    forged = d / "b\nfailed: forged.txt"
    forged.write_bytes(b"\x00\x01 binary")
    escape = d / "c\x1b[31mred\x1b]0;title\x07.txt"
    escape.write_bytes(b"\x00\x01 binary")
    (d / "d\u202eevil.txt").write_text("D title\n\nThe fourth story. " + GOOD, encoding="utf-8")
    db = tmp_path / "s.db"
    code, out = _run(str(d), "--db", str(db))
    assert code == 1
    binary = "binary data, not text, HTML, JSONL or WARC (is it an image, a PDF or an archive?)"
    assert [line for line in out if line.startswith("failed")] == [
        f"failed: {d}/b\\nfailed: forged.txt: {binary}", f"failed: {d}/c\\x1b[31mred\\x1b]0;title\\x07.txt: {binary}"]
    assert not any(c in "".join(out) for c in "\x1b\x07\u202e")
    assert set(_texts(db)) == {"good.txt", "d\u202eevil.txt"}  # stored as named; only the terminal sees escapes


def test_a_file_name_that_is_not_utf8_warns(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    with open(os.path.join(os.fsencode(d), b"caf\xe9.txt"), "wb") as f:
        f.write(("Title\n\n" + GOOD).encode())
    code, out = _run(str(d), "--db", str(tmp_path / "s.db"))
    assert code == 0
    assert (f"warning: {d}/caf\ufffd.txt: the file name: 1 character that was not valid UTF-8 (a stray byte or half "
            "of an emoji) replaced with U+FFFD") in out


def test_printable_escapes_what_a_terminal_would_act_on():
    assert printable("a\nb\r\tc\x1b[2J\x9b\x7f\u2028\u202e\ud800 caf\u00e9 \u2019") == \
        "a\\nb\\r\\tc\\x1b[2J\\x9b\\x7f\\u2028\\u202e\\ud800 caf\u00e9 \u2019"
    assert "\x1b" not in table([{"title": "Red \x1b[31m title"}], ["title"])


def test_api_sources_with_surrogates_do_not_stop_the_run(tmp_path):
    db = tmp_path / "s.db"
    with Store(db) as store:
        report = pipeline.ingest_articles([{"text": GOOD, "source": "feed\udce9#1"}, {"text": "Two. " + GOOD}],
                                          store, source="api\ud800", analyse=False)
    assert [(e.status, e.source) for e in report.events] == [("ingested", "feed\ufffd#1"), ("ingested", "api\ufffd#2")]


# -- WARC ------------------------------------------------------------------------------------------------------
def _page(title: str, text: str) -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{text}</p><p>{GOOD}</p></article></body></html>").encode()


def _warc_records() -> list[bytes]:
    """Three archived pages, each record as its own bytes."""
    out = []
    for n, title in enumerate(["First story", "Second story", "Third story"], start=1):
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=False)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            f"https://news.example.com/{n}", "response", http_headers=http,
            payload=io.BytesIO(_page(title, f"Story number {n} is about the {title.lower()} of the day.")),
            warc_headers_dict={"WARC-Date": "2020-01-05T10:00:00Z"}))
        out.append(buf.getvalue())
    return out


def _length(record: bytes) -> int:
    return int(record.split(b"Content-Length: ", 1)[1].split(b"\r\n", 1)[0])


def test_a_malformed_warc_header_is_one_line_and_the_records_after_it_are_read(tmp_path, capfd):
    first, second, third = _warc_records()
    bad_length = second.replace(b"Content-Length: ", b"Content-Length: x", 1)
    too_short = third.replace(f"Content-Length: {_length(third)}".encode(),
                              f"Content-Length: {_length(third) - 50}".encode(), 1)
    bad_version = first.replace(b"WARC/1.0", b"WARC/9.9", 1)
    d = tmp_path / "in"
    d.mkdir()
    crawl, gz = d / "crawl.warc", d / "short.warc.gz"
    crawl.write_bytes(first + bad_length + third + bad_version + too_short + second)
    gz.write_bytes(gzip.compress(first) + gzip.compress(second[:-200]))
    db = tmp_path / "s.db"
    code, out = _run(str(d), "--db", str(db))
    assert code == 1
    assert [line for line in out if line.startswith("failed:")] == [
        (f"failed: {crawl}#2: record 2 is corrupt (its Content-Length 'x{_length(second)}' is not a number); "
         "skipped, the records after it are read"),
        (f"failed: {crawl}#4: record 4 is corrupt (its header does not start with a WARC/1.x line but with "
         "'WARC/9.9'); skipped, the records after it are read"),
        (f"failed: {crawl}#5: record 5 is corrupt (its Content-Length does not match its content); skipped, the "
         "records after it are read"),
        (f"failed: {gz}: the WARC file is truncated or corrupt at record 2 (the record ends before its declared "
         "length); the 1 record(s) before it were read. Re-download the file or re-run the crawl."),
    ]
    assert not any("WARNING" in line or "Remainder" in line for line in out)  # warcio's notes, caught
    assert "WARNING" not in capfd.readouterr().err
    with Store(db) as store:
        sources = sorted(Path(s).name for (s,) in store.conn.execute("SELECT source FROM articles"))
    assert sources == ["crawl.warc#1", "crawl.warc#3", "crawl.warc#6"]
    assert any(line.startswith(f"duplicate: {gz}#1: already stored") for line in out)  # the page before the cut


def test_an_archived_page_over_the_cap_fails_alone(tmp_path):
    first, _second, third = _warc_records()
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("https://news.example.com/huge", "response", http_headers=http,
                                                  payload=io.BytesIO(_page("Huge", "x " * 100_000))))
    huge = buf.getvalue()
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(gzip.compress(first) + gzip.compress(huge) + gzip.compress(third))
    assert path.stat().st_size < 100_000 < _length(huge)
    results = list(read_input(InputFile(str(path)), max_bytes=100_000))
    assert [type(r).__name__ for r in results] == ["ParsedArticle", "TooLarge", "ParsedArticle"]
    assert results[1].source == f"{path}#2"
    assert results[1].reason == (f"record 2 is {_length(huge):,} bytes, over the size cap of 100,000 "
                                 "(raise it with --max-bytes)")
    assert results[2].source == f"{path}#3"
