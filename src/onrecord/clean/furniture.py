"""Line-level cues for page furniture: patterns a single trimmed line shows on its own.

These are context-free tests (a credit, a skip link, a date line, a headline-like shape); the
segmenter in ``segments.py`` combines them with a line's neighbours before marking anything.
"""
from __future__ import annotations

import re

# Furniture kinds, as written to ``Segment.furniture``.
CAPTION = "caption"
CREDIT = "credit"
GALLERY_COUNTER = "gallery_counter"
SKIP_LINK = "skip_link"
RELATED_LINK = "related_link"
TOPICS = "topics"
DATELINE = "dateline"
KICKER = "kicker"
BYLINE = "byline"
SHARE = "share"
ADVERT = "advert"

OPEN_QUOTES = "\"'“‘«„‚‹`"
_CLOSERS = "\"'”’»›)]*"
_SENTENCE_END = ".!?…;:"

# Picture agencies and their usual suffixes; a line made only of these is a picture credit.
_AGENCY = (
    r"(?:PA|AP|AFP|EPA(?:-EFE)?|Reuters|REUTERS|Getty|GETTY|Shutterstock|Alamy|Rex|REX|Bloomberg|"
    r"Xinhua|Anadolu(?: Agency)?|SWNS|NurPhoto|WENN|Splash News|iStock(?:photo)?|Corbis|"
    r"Associated Press|Press Association|Sipa|SIPA|Zuma|ZUMA|Pool|POOL)"
)
_AGENCY_SUFFIX = r"(?: (?:Images|Image|Wire|Photo|Photos|Media|Archive|Features|Pool|Creative|Contributor))*"
_AGENCY_FULL = _AGENCY + _AGENCY_SUFFIX
_NAME = r"[A-Z][\w.'’-]*(?: (?:[A-Z][\w.'’-]*|de|van|von|da|al|el|bin))*"
_CREDIT_WORD = (
    r"(?:Credit|CREDIT|Credits|Picture|Pictures|PICTURE|Pic|Pics|Photo|Photos|PHOTO|Photograph|Photographs|"
    r"Image|Images|IMAGE|Photo credit|Image credit|Picture credit|Photography|Image copyright|Copyright|©|"
    r"Image source|Image Source|Photo source|Picture source)"
)
# A credit that makes up a whole line: "PA Images", "Picture: PA", "AP Photo/Evan Vucci", "Evan Vucci/AP".
_CREDIT_ONLY = re.compile(
    rf"^\(?(?:"
    rf"{_CREDIT_WORD}\s*:\s*[^.!?]{{1,80}}"
    rf"|(?:Image copyright|Copyright|©)\s+[^!?]{{1,80}}"
    rf"|(?:{_NAME}\s*/\s*)?{_AGENCY_FULL}(?:\s*(?:/|via|for)\s*(?:{_AGENCY_FULL}|{_NAME}))*"
    rf"(?:\s*\([A-Z][^()]{{0,80}}\))?"
    rf")\)?$"
)
# A credit at the end of a caption: "... al-AssadCredit: Reuters", "... general. (PA Images)",
# "... 2015.  REUTERS/Stringer (IRAQ - Tags: ...)", "... attack. Picture: PA", "... London. Getty Images".
_CREDIT_SUFFIX = re.compile(
    rf"(?:"
    rf"(?:(?<=[a-z.)’'])|\s)(?:Credit|CREDIT|Picture|Pic|Photo|Photograph|Image|Photo credit|Image credit)"
    rf"\s*:\s*[^.!?]{{1,80}}"
    rf"|\s\((?=[^()]*\b(?:{_AGENCY}|Photo|Picture|Image|Handout|handout)\b)[^()]{{2,80}}\)"
    rf"|(?:\s|(?<=[a-z.]))REUTERS/[A-Z][^\n]{{0,120}}"
    rf"|\s(?:AP|AFP|EPA) Photo/[^\n]{{1,60}}"
    rf"|(?:\s|(?<=[a-z.]))(?:{_NAME}/)?(?:Getty Images|PA Images|PA Wire|PA Media|PA Archive|Shutterstock|"
    rf"Alamy|Rex Features|AFP via Getty Images|via Getty Images|AP Photo)(?:/[^\s()]+)?"
    rf"|(?<=[.!?]) {{1,3}}{_AGENCY_FULL}"
    rf")$"
)
_CAPTION_PREFIX = re.compile(
    r"^(?:(?:Undated |Family |An undated |A )?(?:file|handout|family handout|undated|undated handout|undated family"
    r" handout|undated file) (?:photo|picture|image|photograph|still)\b|Image caption\b|Caption:|Pictured:|PICTURED:"
    r"|(?:Main |Top |Above |Inset )?(?:picture|image|photo)(?: above)?:)",
    re.IGNORECASE,
)
_CAPTION_CUE = re.compile(
    r"\bpictured\b|\bin a file photo\b|\bfile (?:photo|picture|image)\b"
    r"|\((?:L|R|C|l|r|c|left|right|centre|center|top|bottom|front|back|second left|second right|"
    r"second from left|second from right|third left|third right|L-R|l-r|from left)\)"
)
_COUNTER = re.compile(r"^(?:(?:Image|Photo|Picture|Slide|Gallery)\s+)?\d{1,3}(?:\s*(?:/|of)\s*\d{1,3})?$", re.I)
_SKIP = re.compile(
    r"^(?:jump|skip)(?: directly)? to(?: the)?(?: main| page| article)?"
    r" (?:content|navigation|article|search|footer|menu|main|story)\.?$",
    re.IGNORECASE,
)
_SHARE_WORDS = (
    r"(?:facebook|twitter|whatsapp|linkedin|pinterest|reddit|messenger|email|e-mail|tumblr|flipboard|telegram"
    r"|sms|print|x|copy link|copy this link)"
)
_SHARE = re.compile(
    rf"^(?:(?:click to )?(?:share|email|print|tweet|save)(?: (?:this|the))?(?: article| story| page| link| post)?"
    rf"(?: (?:on|via|to|with|by) {_SHARE_WORDS})?(?: \(opens in (?:a )?new window\))?"
    rf"|share this with|share (?:on|via) {_SHARE_WORDS}|{_SHARE_WORDS}|comments?|\d+ comments?|\d+ shares?"
    rf"|share or comment on this article:?|link copied|copied)$",
    re.IGNORECASE,
)
_ADVERT = re.compile(
    r"^(?:advertisement|advertising|advert|sponsored(?: content)?|story continues below(?: advertisement)?"
    r"|continue reading(?: the main story)?|article continues below|scroll to continue(?: with content)?"
    r"|buy now|shop now|see it now|subscribe now)$",
    re.IGNORECASE,
)
_TOPICS_HEADER = re.compile(
    r"^(?:topics|topic|tags|related topics|subjects|filed under|categories|more about)\s*:?$", re.IGNORECASE
)
_TOPICS_LIST = re.compile(r"^(?:Topics|Tags|TAGS|TOPICS|Filed under|Categories|Subjects)\s*:\s*[^.!?]{1,200}$")
_RELATED_HEADER = re.compile(
    r"^(?:related|related articles|related stories|related content|related coverage|related links|more on this"
    r" story|more on this|read more|see also|you may also like|you might also like|most read|most popular|"
    r"recommended|recommended for you|trending|more from \w+(?: \w+)?|more stories|latest news|top stories|"
    r"story timeline|more coverage|further reading|elsewhere on \w+(?: \w+)?|(?:most )?popular on \w+(?: \w+)?)"
    r"\s*(?::|\.\.\.|…)?$",
    re.IGNORECASE,
)
_RELATED_PREFIX = re.compile(
    r"^\[?(?:WATCH|READ MORE|READ|MORE|RELATED|SEE ALSO|LISTEN|VIDEO|PICTURES|IN PICTURES|PHOTOS|LIVE|"
    r"Watch|Read more|Read More|Read also|Also read|Related|Related post|Related article|Related story|See also|"
    r"Listen|Video|Recommended|More)"
    r"\s*(?::|\||»|›|>>?)\s*(?=\S)(.+)$"
)
_BYLINE = re.compile(
    r"^\(?(?:By|BY|Written by|Words by|Story by|Reporting by|Additional reporting by)\s+"
    r"(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July"
    r"|August|September|October|November|December|The|This|That|Then|Now|Law|Order)\b)"
    r"(?:[A-Z][\w.'’-]+)(?: (?:[A-Z][\w.'’-]+|de|van|von|da|al|bin|and|&)|, [A-Z][\w.'’-]+)*"
    r"(?:\s*(?:,|\||-|–|—|;|\bin\b|\bfor\b)\s*[^.!?]{0,80})?\)?$"
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?"
_DATE = (
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}(?:T[\d:.]+Z?)?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}})"
)
_TIME = r"(?:\d{1,2}[:.]\d{2}(?:\s*(?:am|pm|a\.m\.|p\.m\.|AM|PM))?|\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.))"
_TZ = r"(?:GMT|BST|UTC|CET|CEST|EST|EDT|ET|CST|CDT|CT|PST|PDT|PT|MST|MDT)"
_DATE_ONLY = re.compile(
    rf"^(?:(?:{_WEEKDAY}|{_DATE}|{_TIME}|{_TZ}|at|on|updated|published)[\s,|·•–—-]*)*$", re.IGNORECASE
)
_HAS_DATE = re.compile(_DATE, re.IGNORECASE)
_DATE_LABEL = re.compile(
    r"^(?:posted|published|updated|last updated|first published|last modified|modified|date|dated)"
    r"(?: on| at)?\s*(:)?\s*(.*)$",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w’'-]+")
_INNER_SENTENCE = re.compile(r"[.!?][\"'”’]? +[A-Z]")
_NOT_HEADLINE = re.compile(r"[$£€¥₩%@#()\[\]]|https?:|www\.|pic\.twitter")
_COPYRIGHT = re.compile(r"^(?:Copyright|COPYRIGHT|©|\(c\))|All rights reserved|ⓒ")
_TRAILER = re.compile(r"^\((?:Additional )?(?:[Rr]eporting|[Ww]riting|[Ee]diting) by [A-Z][^()]{2,200}\)$")
_BULLET = re.compile(r"^[•·▪●◦‣*+–—-]\s")


def words(line: str) -> list[str]:
    """The word tokens of a line (letters, digits, apostrophes, hyphens)."""
    return _WORD.findall(line)


def starts_with_quote(line: str) -> bool:
    """A paragraph that opens with a quote mark is a quotation, never furniture."""
    return bool(line) and line[0] in OPEN_QUOTES


def has_final_punct(line: str) -> bool:
    """Whether the line ends as a sentence does (., !, ?, …, ; or :), after any closing quotes."""
    core = line.rstrip().rstrip(_CLOSERS).rstrip()
    return bool(core) and core[-1] in _SENTENCE_END


def is_copyright(line: str) -> bool:
    """A copyright notice ("Copyright 2019 X. All rights reserved."): a page footer, not a picture credit."""
    return len(line) <= 160 and bool(_COPYRIGHT.search(line))


def is_credit_only(line: str) -> bool:
    """A line that is only a picture credit ("PA Images", "Picture: PA", "Credit: Reuters")."""
    return len(line) <= 100 and bool(_CREDIT_ONLY.match(line))


def credit_suffix(line: str) -> int | None:
    """Start offset of a picture credit glued to the end of a caption line, else None."""
    offset = max(0, len(line) - 240)  # a credit is short: look at the tail only, whatever the line's length
    m = _CREDIT_SUFFIX.search(line, offset)
    if m is None:
        return None
    start = m.start()
    while start < len(line) and line[start].isspace():
        start += 1
    return start


def is_caption_prefix(line: str) -> bool:
    """Captions that announce themselves: "File photo dated ...", "Handout photo of ...", "Pictured: ..."."""
    return bool(_CAPTION_PREFIX.match(line))


def has_caption_cue(line: str) -> bool:
    """Words that occur in picture captions but rarely in prose: "pictured", "(L)", "(left)"."""
    return bool(_CAPTION_CUE.search(line))


def is_counter(line: str) -> bool:
    """A lone gallery number such as "5", "3/12" or "Image 2 of 9"."""
    return bool(_COUNTER.match(line))


def is_date_line(line: str) -> bool:
    """A line that is only a date (and time), e.g. "13th December 2016" or "Monday 6 January 2020 10:32 GMT"."""
    return len(line) <= 80 and bool(_HAS_DATE.search(line)) and bool(_DATE_ONLY.match(line))


def is_date_label(line: str) -> bool:
    """ "Posted On:", "Updated: 13 Dec 2016", "date 2020-01-05 Breaking News": a publication-date line."""
    m = _DATE_LABEL.match(line)
    if m is None or len(line) > 90 or has_final_punct(line.rstrip(":").rstrip()) and not m.group(1):
        return False
    colon, rest = m.group(1), m.group(2).strip()
    if not rest:
        return bool(colon)
    date = _HAS_DATE.match(rest) or re.match(_WEEKDAY + r"\b", rest) or re.match(_TIME, rest)
    if date is None and not (colon and _HAS_DATE.search(rest)):
        return False
    return len(words(rest)) <= 12


def is_all_caps(line: str) -> bool:
    """Whether (nearly) every letter of the line is a capital."""
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def is_kicker_like(line: str) -> bool:
    """A short all-capitals label ("SIDING WITH ASSAD", "EXCLUSIVE") without sentence punctuation."""
    if has_final_punct(line) or len(line) > 40 or len(words(line)) > 5:
        return False
    return is_all_caps(line)


def is_headline_like(line: str) -> bool:
    """A short line shaped like a headline: capitalised start, no final punctuation, not a quote or a list item."""
    if starts_with_quote(line) or _BULLET.match(line) or has_final_punct(line):
        return False
    if not (line[0].isupper() or line[0].isdigit()) or is_all_caps(line):
        return False
    n = len(words(line))
    return 3 <= n <= 25 and len(line) <= 170 and not is_counter(line)


def is_other_headline(line: str, named: bool = True) -> bool:
    """Stricter headline shape for a link to another story: 4-20 words, one clause, no prices; with
    ``named``, a name or a colon in it too ("UK admits ...", "Boris Johnson: ...")."""
    if not is_headline_like(line) or not 4 <= len(words(line)) <= 20:
        return False
    if _INNER_SENTENCE.search(line) or _NOT_HEADLINE.search(line):
        return False
    if ":" in line or any(w[0].isupper() for w in words(line)[1:]):
        return True
    return not named and len(words(line)) >= 6 and not any(c.isdigit() for c in line)


def related_prefix(line: str) -> bool:
    """ "WATCH: ...", "READ MORE: ...", "Related: ...": a link to another article."""
    m = _RELATED_PREFIX.match(line)
    if m is None:
        return False
    n = len(words(m.group(1)))
    return n <= 30 and (n <= 20 or not has_final_punct(line))


def pattern_kind(line: str) -> str | None:
    """The furniture kind a line shows on its own, or None; captions found here carry their own evidence."""
    if _SKIP.match(line):
        return SKIP_LINK
    if _SHARE.match(line):
        return SHARE
    if _ADVERT.match(line):
        return ADVERT
    if _TOPICS_HEADER.match(line) or _TOPICS_LIST.match(line):
        return TOPICS
    if _RELATED_HEADER.match(line) or related_prefix(line):
        return RELATED_LINK
    if is_date_line(line) or is_date_label(line):
        return DATELINE
    if starts_with_quote(line):
        return None
    if is_credit_only(line) or is_copyright(line):
        return CREDIT
    if len(line) <= 100 and _BYLINE.match(line) or _TRAILER.match(line):
        return BYLINE
    if credit_suffix(line) is not None or is_caption_prefix(line):
        return CAPTION
    return None
