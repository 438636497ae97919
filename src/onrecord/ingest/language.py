"""A small, dependency-free language check: is this English? (function-word profiles)"""
from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
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
         "pt": "Portuguese"}


def detect_language(text: str, sample_chars: int = 20000) -> str | None:
    """Best-matching language code among the profiles, or None when the text has too few words to tell."""
    words = [w.lower() for w in _WORD.findall(text[:sample_chars])]
    if len(words) < 8:
        return None
    scores = {lang: sum(w in prof for w in words) / len(words) for lang, prof in PROFILES.items()}
    lang, score = max(scores.items(), key=lambda kv: kv[1])
    if score < 0.08:
        return "unknown"
    return lang
