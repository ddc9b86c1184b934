"""The `Highlight` model: one marked passage of a document, with its note and tags.

A highlight remembers *what* was marked (the exact quote and a little text on either
side), not only *where* (offsets), so it can be found again after the document's text
changes (see `annotations.anchoring`). Offsets are Python string indices into the
document's text: code points, end-exclusive, like every span in `library`.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from operator import attrgetter, itemgetter
from typing import Any, TypeVar

from library.entries import MAX_OFFSET


class Color(StrEnum):
    """A highlight's color. The order is the one the reader's `c` key cycles through, and
    every list of colors (command-line choices, the reader's styles) is made from it."""

    YELLOW = "yellow"
    GREEN = "green"
    BLUE = "blue"
    PINK = "pink"
    PURPLE = "purple"

    def next(self) -> Color:
        """The color after this one, wrapping round to the first."""
        members = tuple(Color)
        return members[(members.index(self) + 1) % len(members)]


class AnchorStatus(StrEnum):
    """How a highlight was last found in its document's text (see `Highlight.status`)."""

    EXACT = "exact"
    """At its offsets, on the same text."""
    MOVED = "moved"
    """The same text, found elsewhere."""
    FUZZY = "fuzzy"
    """Similar text; `Highlight.score` says how similar."""
    ORPHANED = "orphaned"
    """Not found: kept with its quote and note, its offsets stale, for the reader to place."""


COLORS: tuple[Color, ...] = tuple(Color)
"""The highlight colors, in the order the reader's `c` key cycles them."""

DEFAULT_COLOR = Color.YELLOW
"""The color of a new highlight."""

STATUSES: tuple[AnchorStatus, ...] = tuple(AnchorStatus)
"""Every anchor status."""

CONTEXT_LENGTH = 32
"""Characters of text kept before and after the quote, to tell repeated quotes apart."""

_WHITESPACE_RUN = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Highlight:
    """One highlighted passage of a document. Change it with `dataclasses.replace` or `edited`.

    Creating one checks every field and raises `ValueError` (one sentence) when a field is
    unusable; tags are normalised on the way in (see `normalize_tags`).
    """

    id: str
    """Stable id (uuid4 hex); never changes, also across exports and imports."""
    document_id: str
    """The id of the document in the library's catalog."""
    quote: str
    """The text the reader highlighted, exactly as it was then."""
    prefix: str
    """Up to `CONTEXT_LENGTH` characters just before the quote, to re-find it."""
    suffix: str
    """Up to `CONTEXT_LENGTH` characters just after the quote, to re-find it."""
    start: int
    """Offset of the first highlighted character in the text (code points)."""
    end: int
    """Offset just past the last highlighted character (end-exclusive)."""
    color: Color = DEFAULT_COLOR
    """The highlight's color (a plain string naming one is accepted and converted)."""
    note: str = ""
    """The reader's note, in Markdown; empty when there is none."""
    tags: tuple[str, ...] = ()
    """Tags: stripped, one line each, no empty ones, no duplicates, in the order given."""
    created: str = ""
    """When the highlight was made: ISO 8601 UTC with milliseconds (``...T12:00:00.000Z``)."""
    updated: str = ""
    """When the reader last changed it (color, note, tags); re-anchoring does not count."""
    status: AnchorStatus = AnchorStatus.EXACT
    """How it was last found: ``exact`` at its offsets, ``moved`` (same text elsewhere),
    ``fuzzy`` (similar text, see `score`), or ``orphaned`` (not found; offsets are stale)."""
    score: float | None = None
    """For ``fuzzy``: how sure the match is, from 0 to 1. None otherwise."""
    content_hash: str = ""
    """sha256 of the document text the offsets refer to; empty when unknown."""

    def __post_init__(self) -> None:
        # Every stored highlight is built here when a journal is read (a million of them
        # for a big document), so the common case is checked at once and only a highlight
        # that fails it goes through the checks that say what is wrong.
        if _plainly_valid(self):
            object.__setattr__(self, "color", _COLOR_OF[self.color])
            object.__setattr__(self, "status", _STATUS_OF[self.status])
            object.__setattr__(self, "tags", tuple(self.tags))
            return
        self._check_each_field()

    def _check_each_field(self) -> None:
        """Check (and convert) every field, raising `ValueError` for the first bad one."""
        _check_text("id", self.id, allow_empty=False)
        _check_text("document id", self.document_id, allow_empty=False)
        _check_text("quote", self.quote, allow_empty=False)
        for name, value in (
            ("prefix", self.prefix),
            ("suffix", self.suffix),
            ("note", self.note),
            ("created time", self.created),
            ("updated time", self.updated),
            ("content hash", self.content_hash),
        ):
            _check_text(name, value, allow_empty=True)
        if not _is_int(self.start) or not _is_int(self.end):
            raise ValueError("A highlight's start and end offsets must be whole numbers.")
        if not 0 <= self.start <= self.end <= MAX_OFFSET:
            raise ValueError(
                f"A highlight's offsets must satisfy 0 <= start <= end <= {MAX_OFFSET}, "
                f"not {_shown_number(self.start)}..{_shown_number(self.end)}."
            )
        # Frozen: converted values are set the one way a frozen dataclass allows.
        object.__setattr__(self, "color", _member(Color, self.color, "highlight color"))
        object.__setattr__(self, "status", _member(AnchorStatus, self.status, "anchor status"))
        if self.start == self.end and self.status is not AnchorStatus.ORPHANED:
            raise ValueError("A highlight must cover at least one character.")
        if self.score is not None:
            if not isinstance(self.score, int | float) or isinstance(self.score, bool):
                raise ValueError("A highlight's score must be a number from 0 to 1.")
            # Compared as given: float() of a 400-digit int raises OverflowError; NaN fails.
            if not 0.0 <= self.score <= 1.0:
                raise ValueError(
                    f"A highlight's score must be from 0 to 1, not {_shown_number(self.score)}."
                )
        object.__setattr__(self, "tags", normalize_tags(self.tags))

    @property
    def is_placed(self) -> bool:
        """True when the highlight has a place in the current text (it is not orphaned)."""
        return self.status is not AnchorStatus.ORPHANED

    @property
    def search_text(self) -> str:
        """The quote, note and tags in one string: what a search of notes looks at."""
        return f"{self.quote} {self.note} {' '.join(self.tags)}"

    @property
    def length(self) -> int:
        """How many characters of the current text the highlight covers."""
        return self.end - self.start

    def as_read(self, text: str) -> Highlight:
        """The highlight as people read it in `text` (its document's current text).

        One re-found on edited text (fuzzy) keeps, stored, the quote the reader chose:
        the evidence that finds it again. But notes and exports quote the words it covers
        now, as the reader shows them (JSON keeps the stored quote).
        """
        if self.status is not AnchorStatus.FUZZY or self.end > len(text):
            return self
        return replace(self, quote=text[self.start : self.end])


def normalize_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Return `tags` stripped, each on one line, without empty ones or repeats, order kept.

    Runs of whitespace inside a tag (newlines too) become one space: a tag is a label on
    one line, and exports write tags on one line.

    Raises:
        ValueError: `tags` is a single string or holds something other than strings.
    """
    if isinstance(tags, str):
        raise ValueError("Tags must be given as a list of strings, not as one string.")
    cleaned: dict[str, None] = {}
    for tag in tags:
        if not isinstance(tag, str):
            raise ValueError(f"A tag must be text, not {type(tag).__name__}.")
        tag = _WHITESPACE_RUN.sub(" ", tag).strip()
        if tag:
            cleaned.setdefault(tag, None)
    return tuple(cleaned)


def timestamp(now: datetime | None = None) -> str:
    """Return `now` (default: the current time) as ISO 8601 UTC with milliseconds and ``Z``."""
    moment = datetime.now(UTC) if now is None else now
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def context_around(text: str, start: int, end: int) -> tuple[str, str]:
    """Return the `CONTEXT_LENGTH` characters before `start` and after `end` in `text`."""
    return text[max(0, start - CONTEXT_LENGTH) : start], text[end : end + CONTEXT_LENGTH]


def new_id() -> str:
    """A fresh highlight id: a random (version 4) UUID as 32 hex digits, as
    ``uuid.uuid4().hex`` makes it, without importing `uuid`, which brings `platform` with
    it (3-5 ms of a `newsreader highlight`, for sixteen random bytes)."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40  # the version: 4, random
    raw[8] = raw[8] & 0x3F | 0x80  # the variant: RFC 4122
    return raw.hex()


def new_highlight(
    document_id: str,
    text: str,
    start: int,
    end: int,
    *,
    color: Color | str = DEFAULT_COLOR,
    note: str = "",
    tags: Iterable[str] = (),
    now: datetime | None = None,
    content_hash: str = "",
) -> Highlight:
    """Make a new highlight of ``text[start:end]``, with a fresh id and its context.

    Args:
        document_id: The document's id in the catalog.
        text: The document's whole text, exactly as stored (offsets index it).
        start: First highlighted character.
        end: Just past the last one; ``0 <= start < end <= len(text)``.
        color: One of `COLORS`.
        note: A Markdown note, or empty.
        tags: Tags; normalised (see `normalize_tags`).
        now: The creation time (default: now); used for `created` and `updated`.
        content_hash: sha256 of `text` (`Document.content_hash`), so that re-anchoring
            knows the offsets still hold while the text is unchanged.

    Raises:
        ValueError: The offsets are outside the text or empty, or another field is invalid.
    """
    if not _is_int(start) or not _is_int(end):
        raise ValueError("A highlight's start and end offsets must be whole numbers.")
    if not 0 <= start < end <= len(text):
        raise ValueError(
            f"A highlight must cover some of the text (0..{len(text)}), not {start}..{end}."
        )
    prefix, suffix = context_around(text, start, end)
    moment = timestamp(now)
    return Highlight(
        id=new_id(),
        document_id=document_id,
        quote=text[start:end],
        prefix=prefix,
        suffix=suffix,
        start=start,
        end=end,
        color=_member(Color, color, "highlight color"),
        note=note,
        tags=normalize_tags(tags),
        created=moment,
        updated=moment,
        status=AnchorStatus.EXACT,
        score=None,
        content_hash=content_hash,
    )


def edited(
    highlight: Highlight,
    *,
    color: Color | None = None,
    note: str | None = None,
    tags: Iterable[str] | None = None,
    now: datetime | None = None,
) -> Highlight:
    """Return `highlight` with the reader's changes applied and `updated` set to `now`.

    Only the arguments given change; the anchor (offsets, quote, status) never does.
    """
    return replace(
        highlight,
        color=highlight.color if color is None else color,
        note=highlight.note if note is None else note,
        tags=highlight.tags if tags is None else normalize_tags(tags),
        updated=timestamp(now),
    )


# --- records -----------------------------------------------------------------------------

_FIELDS: tuple[str, ...] = tuple(Highlight.__dataclass_fields__)
"""Highlight's fields in declaration order: the keys of a record."""

_REQUIRED = ("id", "document_id", "quote", "start", "end")
"""Fields a record cannot do without; every other one has a default."""


def to_record(highlight: Highlight) -> dict[str, Any]:
    """Return `highlight` as a plain JSON-ready dict (tags as a list), every field present."""
    record = {name: getattr(highlight, name) for name in _FIELDS}
    record["tags"] = list(highlight.tags)
    record["color"] = highlight.color.value
    record["status"] = highlight.status.value
    return record


_FIELD_SET = frozenset(_FIELDS)

_COLOR_OF: dict[str, Color] = {color.value: color for color in Color}
_STATUS_OF: dict[str, AnchorStatus] = {status.value: status for status in AnchorStatus}


def _plainly_valid(highlight: Highlight) -> bool:
    """Whether every field is already what `Highlight` makes of it (a record as newsreader
    writes it): True only when the full checks would pass and change nothing but the
    kind of the color, status and tags (a string and a list become enum members and a
    tuple). False means "check each field", not "invalid"."""
    return _plain_values(_FIELDS_OF(highlight))


def _plain_values(values: tuple[Any, ...]) -> bool:
    """`_plainly_valid` of a highlight's field values, in declaration order (from a
    highlight, or from a record: one check for both)."""
    # Written out, not looped: this runs once per stored highlight at every read.
    (id_, document_id, quote, prefix, suffix, start, end, color, note, tags) = values[:10]
    created, updated, status, score, content_hash = values[10:]
    return (
        type(id_) is str
        and type(document_id) is str
        and type(quote) is str
        and type(prefix) is str
        and type(suffix) is str
        and type(note) is str
        and type(created) is str
        and type(updated) is str
        and type(content_hash) is str
        and bool(id_ and document_id and quote)
        and type(start) is int
        and type(end) is int
        and 0 <= start < end <= MAX_OFFSET
        and type(color) in _PLAIN_KINDS
        and color in _COLOR_OF
        and type(status) in _PLAIN_KINDS
        and status in _STATUS_OF
        and (score is None or (type(score) is float and 0.0 <= score <= 1.0))
        and type(tags) in (tuple, list)
        and (not tags or _plain_tags(tags))
    )


_PLAIN_KINDS = (str, Color, AnchorStatus)
"""What a color or status may be for `_plainly_valid`: a string, or already a member."""


def _plain_tags(tags: Sequence[object]) -> bool:
    """Whether `tags` are already normalised: text, trimmed, one line, none twice."""
    return all(type(tag) is str and tag and " ".join(tag.split()) == tag for tag in tags) and len(
        set(tags)
    ) == len(tags)


def share_repeated(record: dict[str, Any], shared: dict[str, str]) -> None:
    """Make the strings a record repeats from others one string in memory: its document id
    and content hash (the same for thousands of records) become those of `shared`, which
    remembers them, and an ``updated`` time equal to ``created`` becomes that string. A
    big document's highlights then take a third less memory; the record means the same."""
    for name in ("document_id", "content_hash"):
        value = record.get(name)
        if type(value) is str:
            record[name] = shared.setdefault(value, value)
    created = record.get("created")
    if type(created) is str and record.get("updated") == created:
        record["updated"] = created


def written_values(record: object) -> tuple[Any, ...] | None:
    """A record's field values, in declaration order, when the record is exactly as
    `to_record` writes it and every value is what a highlight made from it would hold
    (`_plain_values`; the color and status as their text, the tags as a list); None for
    any other record, which only `from_record` can judge. For reading a journal's
    records without making highlights of them (`annotations.journal_rows`)."""
    if type(record) is not dict or record.keys() != _FIELD_SET or record["updated"] == "":
        return None
    values = _VALUES_OF(record)
    return values if _plain_values(values) else None


def _as_written(record: object) -> Highlight | None:
    """The highlight of a record exactly as `to_record` writes it (every field there, none
    to default), or None: then `from_record` takes the long way, which accepts what only
    it accepts (a missing field, None for "") or says what is wrong."""
    if type(record) is not dict or record.keys() != _FIELD_SET or record["updated"] == "":
        return None
    values = _VALUES_OF(record)
    if _plain_values(values):
        return _trusted(values)
    try:
        return Highlight(**record)
    except (ValueError, TypeError):  # TypeError: tags that are no list (None, a number)
        return None


def _trusted(values: tuple[Any, ...]) -> Highlight:
    """The highlight of field values `_plain_values` passed, made without `__init__`.

    A frozen dataclass's `__init__` sets each field through ``object.__setattr__``: some
    5 µs a highlight, most of the cost of reading a big journal. Values already checked
    need none of that: each goes straight into its slot (the slot's own descriptor, as
    ``object.__setattr__`` would), converted as `__post_init__` converts plain values."""
    highlight = object.__new__(Highlight)
    for set_slot, value in zip(_SLOT_SETTERS, values, strict=True):
        set_slot(highlight, value)
    _SET_COLOR(highlight, _COLOR_OF[values[_COLOR_AT]])
    _SET_STATUS(highlight, _STATUS_OF[values[_STATUS_AT]])
    _SET_TAGS(highlight, tuple(values[_TAGS_AT]))
    return highlight


_FIELDS_OF = attrgetter(*_FIELDS)
"""A highlight's field values, in declaration order."""
field_values: Callable[[Highlight], tuple[Any, ...]] = _FIELDS_OF
"""A highlight's field values, in declaration order (as `written_values` gives a
record's)."""
_VALUES_OF = itemgetter(*_FIELDS)
"""A record's values, in the highlight's field order."""
_SLOT_SETTERS = tuple(getattr(Highlight, name).__set__ for name in _FIELDS)
"""Each field's slot setter (the slot's member descriptor), in field order."""
_SET_COLOR = getattr(Highlight, "color").__set__  # noqa: B009 - the slot, not the default
_SET_STATUS = getattr(Highlight, "status").__set__  # noqa: B009
_SET_TAGS = getattr(Highlight, "tags").__set__  # noqa: B009
_COLOR_AT = _FIELDS.index("color")
_STATUS_AT = _FIELDS.index("status")
_TAGS_AT = _FIELDS.index("tags")


def from_record(record: Mapping[str, Any]) -> Highlight:
    """Build a highlight from a stored or imported record.

    Missing optional fields take their defaults (no note, no tags, ``yellow``, status
    ``exact``, no content hash, which makes the next re-anchoring check the offsets);
    unknown keys are ignored, so records written by a later release still load.

    Raises:
        ValueError: The record is not a mapping, lacks a required field, or a field holds
            something unusable; the message is one sentence.
    """
    written = _as_written(record)
    if written is not None:
        return written
    if not isinstance(record, Mapping):
        raise ValueError(f"A highlight record must be a JSON object, not {type(record).__name__}.")
    missing = [name for name in _REQUIRED if name not in record]
    if missing:
        raise ValueError(f"The highlight record has no {', '.join(missing)}.")
    values = {name: record[name] for name in _FIELDS if name in record}
    tags = values.get("tags", ())
    if tags is None:
        tags = ()
    if isinstance(tags, str) or not isinstance(tags, list | tuple):
        raise ValueError("The highlight record's tags must be a list of strings.")
    values["tags"] = tuple(tags)
    for name in ("note", "prefix", "suffix", "content_hash", "created", "updated"):
        if values.get(name) is None:
            values[name] = ""
    for name in ("color", "status"):
        if values.get(name) is None:
            values.pop(name, None)
    if values["updated"] == "":
        values["updated"] = values["created"]
    try:
        return Highlight(**values)
    except TypeError as err:  # pragma: no cover - every field is named above
        raise ValueError("The highlight record has fields of the wrong kind.") from err


# --- helpers -----------------------------------------------------------------------------


_Member = TypeVar("_Member", bound=StrEnum)


def _member(kind: type[_Member], value: object, name: str) -> _Member:
    """`value` as a member of `kind`; a plain string naming one is accepted.

    Raises:
        ValueError: `value` names no member (one sentence, listing the valid ones).
    """
    if isinstance(value, kind):
        return value
    for member in kind:
        if value == member.value:
            return member
    names = ", ".join(member.value for member in kind)
    raise ValueError(f"The {name} {value!r} is not one of {names}.")


def _shown_number(value: float) -> str:
    """A number for a message: a huge one (a hand edit) is cut rather than printed whole."""
    shown = str(value)
    return shown if len(shown) <= 20 else f"{shown[:12]}…({len(shown)} digits)"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_text(name: str, value: object, *, allow_empty: bool) -> None:
    if not isinstance(value, str):
        raise ValueError(f"A highlight's {name} must be text, not {type(value).__name__}.")
    if not allow_empty and not value:
        raise ValueError(f"A highlight's {name} must not be empty.")
