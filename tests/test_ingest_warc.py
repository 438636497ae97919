"""The WARC reader: HTML 200 responses become articles, everything else is skipped, damage is reported."""
from __future__ import annotations

import io

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from onrecord.errors import InputError, MalformedRecord
from onrecord.ingest.warc import iter_warc, looks_like_warc
from onrecord.models import ParsedArticle

STORY_A = [
    ("Firefighters rescued two hikers from the north face of Ben Nevis on Saturday after they were caught "
    "in a snowstorm that closed the mountain paths for most of the afternoon."),
    ('"They were cold and frightened but unhurt," said team leader Alan Ross, who praised the pair for '
    "calling for help as soon as the weather turned against them on the ridge."),
]
STORY_B = [
    ("Shares in the supermarket chain fell by six percent on Monday after it warned that higher energy "
    "costs would cut its profits for the second year running."),
    ("Chief executive Helen Park told investors that the company would keep prices low for shoppers even "
    "if that meant smaller margins until the end of the financial year."),
]


def _html(title: str, paragraphs: list[str], head: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>"
            f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>{title}</h1>{body}"
            f"</article><footer>Contact us</footer></body></html>").encode()


def _response(writer: WARCWriter, url: str, payload: bytes, content_type: str, status: str = "200 OK",
              date: str = "2019-11-19T10:00:00Z") -> None:
    http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=http,
                                       warc_headers_dict={"WARC-Date": date})
    writer.write_record(record)


def _warc(gzipped: bool) -> bytes:
    """warcinfo, request, HTML A, PNG, 404 HTML, HTML B (dated in markup), login page without article."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzipped)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "onrecord-tests"}))
    request = StatusAndHeaders("GET /news/hikers HTTP/1.1", [("Host", "www.example.co.uk")], is_http_request=True)
    writer.write_record(writer.create_warc_record("https://www.example.co.uk/news/hikers", "request",
                                                  http_headers=request))
    _response(writer, "https://www.example.co.uk/news/hikers", _html("Hikers rescued", STORY_A),
              "text/html; charset=utf-8", date="2019-11-16T21:05:00Z")
    _response(writer, "https://www.example.co.uk/logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")
    _response(writer, "https://www.example.co.uk/gone", _html("Not found", STORY_A), "text/html",
              status="404 Not Found")
    head = '<meta property="article:published_time" content="2019-11-18T07:00:00Z">'
    _response(writer, "https://news.example.com/markets/shares-fall", _html("Shares fall", STORY_B, head),
              "text/html")
    _response(writer, "https://www.example.co.uk/login", b"<html><body><form><input name=u>"
              b"<button>Sign in</button></form></body></html>", "text/html")
    return out.getvalue()


@pytest.mark.parametrize("gzipped", [False, True])
def test_yields_html_200_responses_and_an_error_for_a_page_without_article(gzipped: bool) -> None:
    data = _warc(gzipped)
    assert looks_like_warc(data[:64])
    results = list(iter_warc(io.BytesIO(data), "crawl.warc"))
    assert len(results) == 3
    first, second, error = results
    assert isinstance(first, ParsedArticle) and isinstance(second, ParsedArticle)
    assert first.source == "crawl.warc#3" and second.source == "crawl.warc#6"
    assert first.text == "\n\n".join(STORY_A) and second.text == "\n\n".join(STORY_B)
    assert first.url == "https://www.example.co.uk/news/hikers"
    assert first.outlet == "example.co.uk"
    assert first.date == "2019-11-16"  # no date on the page: the day it was archived
    assert second.date == "2019-11-18"  # the page's own date wins
    assert first.external_id and first.external_id.startswith("<urn:uuid:")
    assert first.external_id != second.external_id
    assert isinstance(error, InputError) and not isinstance(error, ParsedArticle)
    assert "crawl.warc#7" in str(error) and "no article text found" in str(error)


def test_truncated_warc_gz_yields_good_records_then_names_the_broken_one() -> None:
    data = _warc(True)
    members = data.split(b"\x1f\x8b\x08")  # one gzip member per record
    assert len(members) == 8  # "" + 7 records
    cut = len(b"\x1f\x8b\x08".join(members[:6])) + 40  # 40 bytes into record 6 (the second article)
    results = list(iter_warc(io.BytesIO(data[:cut]), "broken.warc.gz"))
    assert isinstance(results[0], ParsedArticle) and results[0].source == "broken.warc.gz#3"
    assert isinstance(results[-1], MalformedRecord)
    message = str(results[-1])
    assert "broken.warc.gz" in message and "record 6" in message and "truncated" in message
    assert len(results) == 2


def test_looks_like_warc() -> None:
    assert looks_like_warc(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n")
    assert looks_like_warc(b"WARC/1.1\r\n")
    assert not looks_like_warc(b"<html><body>WARC/1.0</body></html>")
    import gzip

    assert not looks_like_warc(gzip.compress(b"just some gzipped text"))
    assert not looks_like_warc(b"\x1f\x8b\x08 not really gzip")


def test_truncated_plain_warc_and_garbage() -> None:
    data = _warc(False)
    results = list(iter_warc(io.BytesIO(data[:-30]), "cut.warc"))  # last record (7) loses its end
    assert [type(r) for r in results] == [ParsedArticle, ParsedArticle, MalformedRecord]
    assert "record 7" in str(results[-1]) and "the 6 record(s) before it were read" in str(results[-1])
    garbage = list(iter_warc(io.BytesIO(b"this is not a web archive at all\n" * 3), "notes.warc"))
    assert len(garbage) == 1 and isinstance(garbage[0], MalformedRecord)
    assert "notes.warc" in str(garbage[0]) and "record 1" in str(garbage[0])
