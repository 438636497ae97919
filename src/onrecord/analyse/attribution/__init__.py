"""Attribution: quotation marks, cues, speakers, reported speech and the learned step, assembled by ``quotes``."""
