"""Reading one JSON document from a text file a piece at a time, for files too big to hold.

An export of a million highlights is half a gigabyte of JSON; `json.loads` of it holds
the text, then every record as a dict, at once (gigabytes). `JsonStream` walks the
document's outer objects and arrays itself and hands over each inner value whole,
decoded by the standard library's own decoder (`json.JSONDecoder.raw_decode`) from a
buffer that holds little more than that value. What is read is exactly what `json.loads`
reads: the same values, the same errors (as `NotJson`, with the decoder's message).

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, TextIO

CHUNK = 1 << 20
"""Characters read from the file at a time (more while one value is longer)."""

_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER_TAIL = re.compile(r"[0-9eE.+-]*")
"""What may follow a number's first characters in the same number."""


class NotJson(ValueError):
    """The text is not valid JSON; the message is the decoder's (``Expecting value``)."""


class JsonStream:
    """One JSON document read from `handle` value by value (see the module docstring)."""

    def __init__(self, handle: TextIO, chunk: int = CHUNK) -> None:
        self._handle = handle
        self._chunk = chunk
        self._buffer = ""
        self._at = 0
        self._eof = False
        self._decoder = json.JSONDecoder()
        if self.peek() == "\ufeff":  # a byte-order mark, as `json.loads` callers strip
            self._at += 1

    def _fill(self, wanted: int) -> bool:
        """Read `wanted` more characters at least; False at the end of the file."""
        if self._eof:
            return False
        data = self._handle.read(max(wanted, self._chunk))
        if not data:
            self._eof = True
            return False
        self._buffer = self._buffer[self._at :] + data
        self._at = 0
        return True

    def peek(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            match = _SPACE.match(self._buffer, self._at)
            self._at = match.end() if match else self._at
            if self._at < len(self._buffer):
                return self._buffer[self._at]
            if not self._fill(self._chunk):
                return ""

    def take(self, char: str, expecting: str) -> None:
        """Step over `char`, which must come next (else `NotJson(expecting)`)."""
        if self.peek() != char:
            raise NotJson(expecting)
        self._at += 1

    def value(self) -> Any:
        """Decode the next value whole."""
        self.peek()
        wanted = self._chunk
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buffer, self._at)
            except json.JSONDecodeError as err:
                # Cut off where the buffer ends (not wrong where it stands): read on.
                cut = err.pos >= len(self._buffer) - 8 or err.msg.startswith("Unterminated")
                if cut and self._fill(wanted):
                    wanted *= 2
                    continue
                raise NotJson(err.msg) from err
            except RecursionError as err:
                raise NotJson("it is nested too deeply") from err
            if self._may_go_on(value, end) and self._fill(wanted):
                continue  # a number may go on past the buffer ("12" of "123", "0" of "0.5")
            self._at = end
            return value

    def _may_go_on(self, value: object, end: int) -> bool:
        """Whether `value`, ending at `end`, may be a number cut where the buffer ends."""
        if self._eof or not isinstance(value, int | float) or isinstance(value, bool):
            return False
        return _NUMBER_TAIL.fullmatch(self._buffer, end) is not None

    def items(self) -> Iterator[None]:
        """Step into an array: yields once per element, the stream at it (the caller
        reads the element: `value`, `items` or `members`)."""
        self.take("[", "Expecting value")
        if self.peek() == "]":
            self._at += 1
            return
        while True:
            yield
            if self.peek() == "]":
                self._at += 1
                return
            self.take(",", "Expecting ',' delimiter")

    def members(self) -> Iterator[str]:
        """Step into an object: yields each key, the stream at its value (the caller reads
        the value)."""
        self.take("{", "Expecting value")
        if self.peek() == "}":
            self._at += 1
            return
        while True:
            if self.peek() != '"':
                raise NotJson("Expecting property name enclosed in double quotes")
            key = self.value()
            self.take(":", "Expecting ':' delimiter")
            yield key
            if self.peek() == "}":
                self._at += 1
                return
            self.take(",", "Expecting ',' delimiter")

    def end(self) -> None:
        """Check that nothing but white space follows the document."""
        if self.peek():
            raise NotJson("Extra data")
