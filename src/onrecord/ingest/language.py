"""A small, dependency-free language check: is this English? (the script first, then function-word profiles)

A text written mostly in a non-Latin script is named from its script (Han -> Chinese, Cyrillic with
Russian letters -> Russian, ...) however short it is; a Latin-script text needs a few words to tell.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LETTER = re.compile(r"[^\W\d_]")
_NON_LATIN_LETTER = re.compile(r"[^\W\d_\u0000-\u024f\u1e00-\u1eff]")  # Latin: ASCII to Extended-B, Additional
PROFILES: dict[str, frozenset[str]] = {
    "en": frozenset("the of and to in a is that for it on was with he as his by at said be from are have has "
                    "not this but they an were which will who their been would had its or we".split()),
    "de": frozenset("der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es "
                    "an er hat aus bei sind wird nach".split()),
    "fr": frozenset("le la les de des et en un une du est que pour dans qui au sur pas par plus il ne se ce "
                    "sont avec elle ont été".split()),
    "es": frozenset("el la de que y en los del se las por un para con una su al es lo como más pero sus le ha "
                    "fue este".split()),
    "it": frozenset("il di che e la per un in del non una da sono le gli della si anche al ha con come nel "
                    "questo".split()),
    "nl": frozenset("de het een van en in is dat op te zijn voor met niet aan er om ook als bij door maar "
                    "naar".split()),
    "pt": frozenset("o a de que e do da em um para com não uma os no se na por mais as dos como mas ao ele "
                    "das".split()),
}
NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "nl": "Dutch",
         "pt": "Portuguese", "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "ar": "Arabic", "fa": "Persian",
         "ur": "Urdu", "ru": "Russian", "uk": "Ukrainian", "bg": "Bulgarian", "sr": "Serbian", "el": "Greek",
         "he": "Hebrew", "hi": "Hindi", "bn": "Bengali", "ta": "Tamil", "th": "Thai", "ka": "Georgian",
         "hy": "Armenian", "am": "Amharic"}

# The first word of a letter's Unicode name -> its script; a script used by one main language names it.
_SCRIPT_LANGUAGE = {"CJK": "zh", "HIRAGANA": "ja", "KATAKANA": "ja", "HANGUL": "ko", "GREEK": "el",
                    "HEBREW": "he", "DEVANAGARI": "hi", "BENGALI": "bn", "TAMIL": "ta", "THAI": "th",
                    "GEORGIAN": "ka", "ARMENIAN": "hy", "ETHIOPIC": "am"}
_PERSIAN, _URDU = set("پچژگ"), set("ٹڈڑںے")
_RUSSIAN, _UKRAINIAN, _SERBIAN = set("ыэёЫЭЁ"), set("іїєґІЇЄҐ"), set("ђјљњћџЂЈЉЊЋЏ")


def _script(ch: str) -> str:
    """The script of a letter: 'CYRILLIC', 'CJK', 'ARABIC', ... (the first word of its Unicode name)."""
    return unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]


def _script_language(sample: str) -> str | None:
    """The language named by the script of a text written mostly in a non-Latin script, 'unknown' when the
    script does not tell, None for a mostly Latin-script text (or one without letters)."""
    non_latin = _NON_LATIN_LETTER.findall(sample)
    if not non_latin or len(non_latin) * 2 <= len(_LETTER.findall(sample)):
        return None
    scripts = Counter(_script(c) for c in non_latin)
    if scripts["HIRAGANA"] or scripts["KATAKANA"]:
        return "ja"  # Japanese mixes kana with Han characters
    main = scripts.most_common(1)[0][0]
    present = set(non_latin)
    if main == "ARABIC":
        return "fa" if present & _PERSIAN and not present & _URDU else "ur" if present & _URDU else "ar"
    if main == "CYRILLIC":
        if present & _UKRAINIAN:
            return "uk"
        if present & _SERBIAN:
            return "sr"
        if present & _RUSSIAN:
            return "ru"
        return "bg" if "ъ" in present else "unknown"
    return _SCRIPT_LANGUAGE.get(main, "unknown")


def detect_language(text: str, sample_chars: int = 20000) -> str | None:
    """Best-matching language code, 'unknown' when none matches, or None when a Latin-script text has too
    few words to tell."""
    sample = text[:sample_chars]
    by_script = _script_language(sample)
    if by_script is not None:
        return by_script
    words = [w.lower() for w in _WORD.findall(sample)]
    if len(words) < 8:
        return None
    scores = {lang: sum(w in prof for w in words) / len(words) for lang, prof in PROFILES.items()}
    lang, score = max(scores.items(), key=lambda kv: kv[1])
    if score < 0.08:
        return "unknown"
    return lang


def other_language(text: str) -> str | None:
    """The language of ``text`` when one other than English is recognised in it (a known script or word profile),
    else None (English, or too short or too mixed to tell): an English model's parse of it is noise, so the
    analysis reads no quote, stance or entity in it."""
    lang = detect_language(text)
    return lang if lang in NAMES and lang != "en" else None
