"""Exception classes with stable codes; messages say what went wrong, where, and what to do."""
from __future__ import annotations


class OnrecordError(Exception):
    """Base class. ``code`` is stable across releases (E001...), safe to match on."""

    code = "E000"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived during a run: raised in the main thread so that the run stops as on Ctrl-C (workers
    stopped, what was committed kept, the run marked interrupted) instead of the process dying mid-step."""


class InputError(OnrecordError):
    """An input file or record cannot be ingested. Names the source (and line/record) and the reason."""

    code = "E100"

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class BinaryInput(InputError):
    code = "E101"


class DecodeError(InputError):
    code = "E102"


class EmptyInput(InputError):
    code = "E103"


class TooLarge(InputError):
    code = "E104"


class MalformedRecord(InputError):
    code = "E105"


class NotEnglish(InputError):
    code = "E106"


class NotFollowed(InputError):
    """A link to a folder inside an input folder: not walked (skipped, not failed; name the folder to read it)."""

    code = "E107"


class StoreError(OnrecordError):
    """The SQLite store cannot be opened, migrated or written."""

    code = "E200"


class StoreReadOnly(StoreError):
    """The store cannot be written (the file, its folder or the disk is read-only); nothing was changed. Reading
    it works as it is."""

    code = "E201"

    def __init__(self, path: str, cause: str) -> None:
        super().__init__(f"{path}: cannot write to the store: {cause}; nothing was changed. Make the file and its "
                         "folder writable (or copy the store somewhere writable), then run the command again; "
                         "reading it works as it is")
        self.path = path
        self.cause = cause


class StoreFull(StoreError):
    """The disk holding the store is full (SQLite: database or disk is full): the step under way was rolled back,
    everything reported before it is stored."""

    code = "E202"

    def __init__(self, path: str, folder: str) -> None:
        super().__init__(f"{path}: the disk is full (SQLite: database or disk is full); the step under way was "
                         "rolled back and everything reported before it is stored. Free space on the disk that "
                         f"holds {folder}, then run the command again (an ingest skips what is already stored)")
        self.path = path
        self.folder = folder


class NotFound(OnrecordError):
    """An article, entity or statement asked for by id or name does not exist."""

    code = "E300"


class Ambiguous(NotFound):
    """An id prefix (or a name) matches several records: give more of it."""

    code = "E301"


class BadParameter(OnrecordError):
    """A query parameter is out of range or malformed."""

    code = "E400"


class MissingExtra(OnrecordError):
    """An optional dependency is not installed; says which extra to install."""

    code = "E500"

    def __init__(self, module: str, extra: str) -> None:
        super().__init__(f"{module} is not installed: pip install 'onrecord[{extra}]'")


def describe(exc: BaseException, limit: int = 200) -> str:
    """An unexpected exception as one short printable line (class and message), for a failure event."""
    text = " ".join(str(exc).split()).encode("utf-8", "backslashreplace").decode("utf-8")
    text = "".join(c if c.isprintable() else "?" for c in text)
    if len(text) > limit:
        text = text[:limit - 3] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class NotAllowed(OnrecordError):
    """A request the server does not allow: writing is off, or the credentials are missing or wrong."""

    code = "E600"


class DataFileError(OnrecordError):
    """A bundled data file (lexicon or knowledge table, docs/data.md) does not parse or gives one key two
    values: names the file and line and what to fix."""

    code = "E700"

    def __init__(self, name: str, line: int, reason: str) -> None:
        where = f"src/onrecord/data/{name}" + (f", line {line}" if line else "")
        super().__init__(f"{where}: {reason}")
        self.name = name
        self.line = line
        self.reason = reason
