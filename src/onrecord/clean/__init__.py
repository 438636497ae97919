"""Segments over the untouched original text, with page furniture marked (never removed)."""
from onrecord.clean.segments import segment

__all__ = ["segment"]
