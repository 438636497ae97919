"""The HTML reader: body text without page furniture, metadata, decoding and clear errors."""
from __future__ import annotations

import pytest
from trafilatura.utils import load_html

from onrecord.errors import EmptyInput, MalformedRecord
from onrecord.ingest.deep_html import at_depth_limit, flatten
from onrecord.ingest.html import looks_like_html, outlet_from_url, read_html

BODY = [
    ("The city council voted on Tuesday to close the Riverside library branch at the end of the year, "
    "ending more than a century of service in the neighbourhood."),
    ('"This is a sad day for the families who depend on it," said Maria Lopez, who has run the reading '
    "club at the branch for twelve years and collected two thousand signatures against the closure."),
    ("Council leader Tom Briggs said the decision was forced by a budget shortfall of four million pounds "
    "and that the books would be moved to the central library, three miles away."),
    ("Opposition councillors said they would ask for the decision to be reviewed at the next full meeting "
    "of the council in January, and urged residents to write to their representatives."),
]


def _page(head: str = "", body_top: str = "", after: str = "", title: str = "Council votes to close library",
          paragraphs: list[str] = BODY) -> str:
    paras = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>{head}</head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<main><article>
<h1>{title}</h1>
{body_top}
{paras}
{after}
</article>
<aside><h2>Related stories</h2><ul>
<li><a href="/news/1">Mayor opens new swimming pool in the town centre</a></li>
<li><a href="/news/2">Bus fares to rise by ten percent from April</a></li>
<li><a href="/news/3">Police appeal for witnesses after crash on ring road</a></li>
</ul></aside></main>
<footer><p>Copyright 2019 Example Media Group. All rights reserved.</p>
<a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a></footer>
</body></html>"""


def test_article_body_without_navigation_footer_or_related_links() -> None:
    html = _page(after='<p>Read more: <a href="/news/4">Library campaigners march on town hall</a></p>'
                       "<p>Follow us on Twitter and Facebook for the latest news.</p>")
    art = read_html(html, "library.html")
    assert art.text == "\n\n".join(BODY)
    assert art.format == "html"
    assert art.title == "Council votes to close library"
    for furniture in ("Home", "Related stories", "swimming pool", "Privacy", "Read more", "Follow us", "Copyright"):
        assert furniture not in art.text


def test_text_is_the_same_every_run() -> None:
    html = _page()
    assert read_html(html, "a.html").text == read_html(html.encode("utf-8"), "a.html").text


def test_site_name_date_and_canonical_url_from_meta() -> None:
    head = ('<meta property="og:site_name" content="The Riverside Gazette">'
            '<meta property="article:published_time" content="2019-11-19T08:30:00Z">'
            '<link rel="canonical" href="https://www.riversidegazette.co.uk/news/library-closure">')
    art = read_html(_page(head=head), "gazette.html")
    assert art.outlet == "The Riverside Gazette"
    assert art.date == "2019-11-19"
    assert art.url == "https://www.riversidegazette.co.uk/news/library-closure"


def test_outlet_from_url_when_the_page_names_no_site() -> None:
    art = read_html(_page(), "bbc.html", url="https://www.bbc.co.uk/news/uk-england-12345")
    assert art.outlet == "bbc.co.uk"
    assert art.url == "https://www.bbc.co.uk/news/uk-england-12345"
    assert outlet_from_url("http://www2.example.com/a") == "example.com"
    assert outlet_from_url(None) is None


def test_no_date_is_none_not_a_guess() -> None:
    assert read_html(_page(), "undated.html").date is None


def test_latin1_page_with_meta_charset() -> None:
    paragraphs = [p.replace("neighbourhood", "quartier café") for p in BODY]
    html = _page(paragraphs=paragraphs).replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">')
    data = html.encode("latin-1")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    art = read_html(data, "latin1.html")
    assert "quartier café" in art.text


def test_utf8_without_declaration_and_with_bom() -> None:
    paragraphs = [p.replace("Maria Lopez", "María López") for p in BODY]
    html = _page(paragraphs=paragraphs).replace('<meta charset="utf-8">', "")
    assert "María López" in read_html(html.encode("utf-8"), "nodecl.html").text
    assert "María López" in read_html(b"\xef\xbb\xbf" + html.encode("utf-8"), "bom.html").text


def test_truncated_html_still_gives_its_paragraphs() -> None:
    html = _page()
    cut = html[: html.index(BODY[3][:40])] + BODY[3][:40]  # cut in the middle of the last paragraph
    art = read_html(cut, "truncated.html")
    assert BODY[0] in art.text and BODY[2] in art.text


def test_script_and_style_never_leak_into_text() -> None:
    body_top = ("<script>var tracker = 'do_not_leak'; document.write('injected_text');</script>"
                "<style>.ad { color: red; }</style><noscript>enable_javascript_please</noscript>")
    art = read_html(_page(body_top=body_top, after="<script>alert('second_script')</script>"), "s.html")
    for leaked in ("do_not_leak", "injected_text", "color: red", "second_script", "alert("):
        assert leaked not in art.text
    assert BODY[1] in art.text


def test_paragraphs_are_separated_by_a_blank_line() -> None:
    text = read_html(_page(), "p.html").text
    assert text.split("\n\n") == BODY
    assert "\n\n\n" not in text


def test_empty_page_is_an_empty_input_error() -> None:
    for data in (b"", b"  \n ", ""):
        with pytest.raises(EmptyInput) as info:
            read_html(data, "empty.html")
        assert "empty.html" in str(info.value)


def test_page_without_article_text_says_so() -> None:
    html = ("<html><head><title>Sign in</title></head><body><form><label>Email</label><input name=e>"
            "<label>Password</label><input type=password name=p><button>Sign in</button></form></body></html>")
    with pytest.raises(MalformedRecord) as info:
        read_html(html, "login.html")
    message = str(info.value)
    assert "login.html" in message and "no article text found" in message and "login page" in message


def test_looks_like_html() -> None:
    assert looks_like_html(b"<!DOCTYPE html><html><head>")
    assert looks_like_html("  <html lang='en'>")
    assert looks_like_html(b"\xef\xbb\xbf<!-- saved page --><html>")
    assert not looks_like_html(b"The council voted on Tuesday to close the library.")
    assert not looks_like_html(b'{"id": 1, "text": "<p>quoted</p>"}')
    assert not looks_like_html(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n")


def test_two_stray_bytes_beside_one_multibyte_character_stay_utf8() -> None:
    html = _page().replace('<meta charset="utf-8">', "").replace("Maria Lopez", "Mar\u00eda Lopez")
    data = html.encode("utf-8").replace(b"twelve years", b"twelve \xff\xfe years")
    art = read_html(data, "stray.html")
    assert "Mar\u00eda Lopez" in art.text and "twelve \ufffd\ufffd years" in art.text
    assert art.warnings == ["2 bytes that are not valid UTF-8 replaced with U+FFFD (the rest read as UTF-8)"]


@pytest.mark.parametrize("depth", [255, 300, 5000])
def test_deeply_nested_html_keeps_its_text(depth: int) -> None:
    # libxml2 stops building the tree 256 levels deep; the page is flattened below FLAT_DEPTH and read again
    deep = "<div><span>" * (depth // 2) + "<script>var leak = 'do_not_leak';</script>"
    page = _page(body_top=deep).replace("</article>", "</span></div>" * (depth // 2) + "</article>")
    art = read_html(page.encode("utf-8"), "deep.html")
    assert art.text.split("\n\n") == BODY
    assert art.title == "Council votes to close library"


def test_deeply_nested_unclosed_tags_keep_their_text_and_paragraphs() -> None:
    paragraphs = "".join(f"<div class=c><font size=2><p>{p}" for p in BODY)  # nothing closed, 1,000 levels
    page = ("<html><head><title>Council votes to close library</title></head><body>"
            + "<div class=wrap>" * 1000 + paragraphs + "</body></html>")
    assert read_html(page, "unclosed.html").text.split("\n\n") == BODY


def test_flattening_keeps_the_structure_above_its_depth() -> None:
    page = ("<!DOCTYPE html><html><body>" + "<div>" * 5 + "<p>a &amp; b</p><br/><b>c</b> d<script>x<y</script>"
            + "</div>" * 5 + "<p>after</body></html>")
    assert flatten(page, keep=4) == ("<!DOCTYPE html><html><body><div><div><p>a &amp; b</p><p>c d</p></div></div>"
                                     "<p>after</p></body></html>")
    assert not at_depth_limit(load_html(_page()))  # an ordinary page is never rebuilt
