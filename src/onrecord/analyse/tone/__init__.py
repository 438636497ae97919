"""Tone toward targets: how a sentence or a quote portrays each person or body it mentions."""
from onrecord.analyse.tone.model import tone

__all__ = ["tone"]
