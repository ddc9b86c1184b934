"""Realistic edits of a text, with the truth about where each highlighted passage went.

The anchoring benchmark (`bench.anchoring_bench`) and the property tests of re-anchoring
(`tests/unit/test_anchoring_fidelity.py`) both need texts edited the way texts are: a word
inserted, deleted or replaced inside or around a highlighted passage, sentences moved,
paragraphs removed, punctuation and quote marks changed, paragraphs re-wrapped; and, for
each highlight, the *true* passage afterwards, from the edit script rather than from any
search. A text is held as its whitespace-separated tokens, each remembering which token
of the original it is (inserted ones: none); edits are planned on the original tokens,
then applied in one pass. A replaced word keeps its place (the passage's word there is
the new one); an inserted word is inside a passage when it lands between two of the
passage's words.

A passage *survives* when its remaining words are still together and in order, and at
most `allowed_changes` of them were inserted, deleted or replaced (punctuation and
quote marks do not count): about a fifth of its words, one for a short one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

Pick = Callable[[int, int], int]
"""Chooses a whole number from low to high, both included (`random.randint`, or drawn
by hypothesis so that examples shrink)."""

_TOKEN = re.compile(r"\S+")
_CORE = re.compile(r"\w(?:.*\w)?", re.DOTALL)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")
_PUNCTUATION_SWAPS = {",": ";", ";": ",", ".": "!", "!": ".", "?": ".", ":": ","}


class EditKind(StrEnum):
    """The kinds of edit applied."""

    INSERT = "word inserted"
    DELETE = "word deleted"
    REPLACE = "word replaced"
    PUNCTUATION = "punctuation changed"
    QUOTES = "quote style changed"
    REWRAP = "paragraph re-wrapped"
    MOVE = "sentence moved"
    REMOVE = "paragraph removed"


@dataclass(frozen=True, slots=True)
class Passage:
    """A highlighted passage of the original text, in whole tokens."""

    first: int
    """Index of its first token."""
    last: int
    """Index of its last token."""
    with_punctuation: bool
    """Whether it ends after the last token's trailing punctuation (else at its word)."""


@dataclass(frozen=True, slots=True)
class Truth:
    """Where a passage is after the edits."""

    survives: bool
    """Whether the passage is still there, changed by few enough words to be re-found."""
    starts: tuple[int, ...]
    """Its start in the new text (meaningful when it survives); more than one where a
    word at its start was changed and words were inserted beside it, which may be taken
    as that word's replacement or as inserted outside."""
    ends: tuple[int, ...]
    """Its end, the same way."""
    pieces: tuple[tuple[int, int], ...]
    """The spans of the new text holding any of its original tokens (for telling a
    misplaced highlight from one on what is left of the passage)."""


@dataclass
class Plan:
    """Edits planned on the original tokens, applied by `EditedText.apply`."""

    inserted: dict[int, list[str]] = field(default_factory=dict)
    """Words inserted before an original token."""
    deleted: set[int] = field(default_factory=set)
    replaced: dict[int, str] = field(default_factory=dict)
    """New text of a token whose word was replaced (its punctuation kept)."""
    punctuated: dict[int, str] = field(default_factory=dict)
    """New text of a token whose punctuation changed."""
    quoted: set[int] = field(default_factory=set)
    """Tokens whose quote marks become typographic."""
    rewrapped: dict[int, int] = field(default_factory=dict)
    """Paragraphs (by their first token) re-wrapped at a width."""
    moved: dict[int, tuple[int, int]] = field(default_factory=dict)
    """Sentences ``(first, last)`` moved before an original token."""
    touched: set[int] = field(default_factory=set)
    """Tokens some edit already changed, so edits do not overlap."""
    counts: dict[EditKind, int] = field(default_factory=dict)


class EditedText:
    """The original text as tokens, edits planned on it, and the result."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.tokens: list[str] = []
        self.starts: list[int] = []
        self.separators: list[str] = []
        position = 0
        for match in _TOKEN.finditer(text):
            self.separators.append(text[position : match.start()])
            self.tokens.append(match.group())
            self.starts.append(match.start())
            position = match.end()
        self.tail = text[position:]
        self.paragraph_starts = [0] + [
            index for index, sep in enumerate(self.separators) if index and "\n\n" in sep
        ]
        self.plan = Plan()
        self.new_text = text
        self.new_starts: dict[int, int] = {}
        """Original token → its start in the new text."""
        self.new_tokens: list[tuple[int, int, int]] = []
        """Every token of the new text: (origin or -1, start, end)."""
        self.new_index: dict[int, int] = {}

    # -- passages

    def has_word(self, index: int) -> bool:
        """Whether token `index` has letters or digits (a passage can end on it)."""
        return _CORE.search(self.tokens[index]) is not None

    def span_of(self, passage: Passage) -> tuple[int, int]:
        """The passage's span in the original text."""
        first = _CORE.search(self.tokens[passage.first])
        last = _CORE.search(self.tokens[passage.last])
        assert first is not None and last is not None
        start = self.starts[passage.first] + first.start()
        end_in_token = len(self.tokens[passage.last]) if passage.with_punctuation else last.end()
        return start, self.starts[passage.last] + end_in_token

    # -- planning

    def free(self, first: int, last: int) -> bool:
        return not any(index in self.plan.touched for index in range(first, last + 1))

    def _claim(self, kind: EditKind, *indices: int) -> None:
        self.plan.touched.update(indices)
        self.plan.counts[kind] = self.plan.counts.get(kind, 0) + 1

    def insert_word(self, before: int, word: str) -> None:
        """Plan `word` inserted before token `before` (at the end when it is past them)."""
        self.plan.inserted.setdefault(before, []).append(word)
        self.plan.counts[EditKind.INSERT] = self.plan.counts.get(EditKind.INSERT, 0) + 1

    def delete_word(self, index: int) -> bool:
        """Plan token `index` deleted, if it is a plain word (no punctuation) and free."""
        if not (0 <= index < len(self.tokens)) or not self.free(index, index):
            return False
        if _CORE.fullmatch(self.tokens[index]) is None:
            return False
        self.plan.deleted.add(index)
        self._claim(EditKind.DELETE, index)
        return True

    def replace_word(self, index: int, word: str) -> bool:
        """Plan the word of token `index` replaced by `word`, its punctuation kept."""
        if not (0 <= index < len(self.tokens)) or not self.free(index, index):
            return False
        token = self.tokens[index]
        core = _CORE.search(token)
        if core is None or core.group() == word:
            return False
        self.plan.replaced[index] = token[: core.start()] + word + token[core.end() :]
        self._claim(EditKind.REPLACE, index)
        return True

    def change_punctuation(self, index: int) -> bool:
        """Plan the punctuation after token `index`'s word changed, or a comma added."""
        if not (0 <= index < len(self.tokens)) or not self.free(index, index):
            return False
        token = self.tokens[index]
        core = _CORE.search(token)
        if core is None:
            return False
        after = token[core.end() :]
        if after and after[0] in _PUNCTUATION_SWAPS:
            changed = token[: core.end()] + _PUNCTUATION_SWAPS[after[0]] + after[1:]
        elif not after:
            changed = token + ","
        else:
            return False
        self.plan.punctuated[index] = changed
        self._claim(EditKind.PUNCTUATION, index)
        return True

    def paragraph_of(self, index: int) -> tuple[int, int]:
        """The first and last token of the paragraph holding token `index`."""
        starts = self.paragraph_starts
        low, high = 0, len(starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if starts[middle] <= index:
                low = middle
            else:
                high = middle - 1
        last = starts[low + 1] - 1 if low + 1 < len(starts) else len(self.tokens) - 1
        return starts[low], last

    def change_quotes(self, index: int) -> None:
        """Plan the quote marks of token `index`'s paragraph made typographic."""
        first, last = self.paragraph_of(index)
        self.plan.quoted.update(range(first, last + 1))
        self.plan.counts[EditKind.QUOTES] = self.plan.counts.get(EditKind.QUOTES, 0) + 1

    def rewrap(self, index: int, width: int) -> None:
        """Plan token `index`'s paragraph re-wrapped at `width` columns (0: one line)."""
        first, _ = self.paragraph_of(index)
        self.plan.rewrapped[first] = width
        self.plan.counts[EditKind.REWRAP] = self.plan.counts.get(EditKind.REWRAP, 0) + 1

    def sentence_of(self, index: int) -> tuple[int, int]:
        """The first and last token of the sentence holding token `index` (within its
        paragraph)."""
        first, last = self.paragraph_of(index)
        start = index
        while start > first and not _SENTENCE_END.search(self.tokens[start - 1]):
            start -= 1
        end = index
        while end < last and not _SENTENCE_END.search(self.tokens[end]):
            end += 1
        return start, end

    def move_sentence(self, index: int, before: int) -> bool:
        """Plan the sentence holding token `index` moved before the sentence holding
        token `before`."""
        first, last = self.sentence_of(index)
        target, _ = self.sentence_of(min(max(0, before), len(self.tokens) - 1))
        if first <= target <= last + 1 or not self.free(first, last):
            return False
        if target in self.plan.moved or not self.free(target, target):
            return False
        self.plan.moved[target] = (first, last)
        self.plan.deleted.update(range(first, last + 1))
        self._claim(EditKind.MOVE, *range(first, last + 1), target)
        return True

    def remove_paragraph(self, index: int) -> bool:
        """Plan the paragraph holding token `index` removed."""
        first, last = self.paragraph_of(index)
        if not self.free(first, last) or last - first > 400:
            return False
        self.plan.deleted.update(range(first, last + 1))
        self._claim(EditKind.REMOVE, *range(first, last + 1))
        return True

    # -- applying

    def apply(self) -> str:
        """Apply the plan: the new text (kept in `new_text`, with where every original
        token went)."""
        out = _Writer()
        plan = self.plan
        wrap_width = 0
        for index, _token in enumerate(self.tokens):
            separator = self.separators[index]
            if index in plan.rewrapped:
                wrap_width = plan.rewrapped[index]
            elif "\n\n" in separator:
                wrap_width = -1
            if index in plan.moved:
                first, last = plan.moved[index]
                for moved in range(first, last + 1):
                    sep = separator if moved == first else self.separators[moved]
                    out.add(self._text_of(moved), moved, sep, -1)
                separator = " "
            for word in plan.inserted.get(index, ()):
                out.add(word, -1, separator, wrap_width)
                separator = " "
            if index in plan.deleted:
                out.carry(separator)
                continue
            out.add(self._text_of(index), index, separator, wrap_width)
        for word in plan.inserted.get(len(self.tokens), ()):
            out.add(word, -1, " ", -1)
        out.finish(self.tail)
        self.new_text = out.text()
        self.new_tokens = out.tokens
        self.new_index = {origin: at for at, (origin, _, _) in enumerate(out.tokens) if origin >= 0}
        return self.new_text

    def _text_of(self, index: int) -> str:
        plan = self.plan
        token = plan.replaced.get(index) or plan.punctuated.get(index) or self.tokens[index]
        if index in plan.quoted:
            token = _typographic(token)
        return token

    # -- the truth

    def truth(self, passage: Passage) -> Truth:
        """Where `passage` is in the new text, from the edit script."""
        first, last = passage.first, passage.last
        at = [self.new_index[i] for i in range(first, last + 1) if i in self.new_index]
        pieces = tuple((self.new_tokens[p][1], self.new_tokens[p][2]) for p in at)
        if not at:
            return Truth(False, (), (), ())
        low, high = at[0], at[-1]
        between = [self.new_tokens[p][0] for p in range(low, high + 1)]
        in_order = at == sorted(at) and all(
            origin == -1 or first <= origin <= last for origin in between
        )
        size = last - first + 1
        replaced = self.plan.replaced
        changes = (
            (size - len(at))
            + between.count(-1)
            + sum(i in replaced for i in range(first, last + 1))
        )
        survives = in_order and changes <= allowed_changes(size)
        starts = [self._start_of(low, passage)]
        if self.new_tokens[low][0] != first:  # its leading marks may be new ones
            starts.append(self._core_of(low)[0])
        if self.new_tokens[low][0] != first or first in replaced:
            starts += self._inserted_run(low, -1, passage) + self._inserted_run(low, 1, passage)
        ends = [self._end_of(high, passage)]
        if self.new_tokens[high][0] != last:  # its trailing marks may be new ones
            ends.append(self._core_of(high)[1])
        if self.new_tokens[high][0] != last or last in replaced:
            ends += self._inserted_run(high, 1, passage, ends=True)
            ends += self._inserted_run(high, -1, passage, ends=True)
        return Truth(survives, tuple(starts), tuple(ends), pieces)

    def _core_of(self, at: int) -> tuple[int, int]:
        """Where the word of new token `at` starts and ends (without its marks)."""
        _, start, end = self.new_tokens[at]
        core = _CORE.search(self.new_text, start, end)
        return (core.start(), core.end()) if core else (start, end)

    def _start_of(self, at: int, passage: Passage) -> int:
        """Where new token `at` starts as the first of the passage: at its word if it is
        the passage's own first token, else with its leading punctuation."""
        origin, start, _ = self.new_tokens[at]
        if origin != passage.first:
            return start
        core = _CORE.search(self.new_text, start, self.new_tokens[at][2])
        return core.start() if core else start

    def _end_of(self, at: int, passage: Passage) -> int:
        """Where new token `at` ends as the last of the passage."""
        origin, start, end = self.new_tokens[at]
        original = self.tokens[passage.last]
        core = _CORE.search(original)
        punctuated = core is not None and core.end() < len(original)
        if origin != passage.last or (passage.with_punctuation and punctuated):
            return end
        core = _CORE.search(self.new_text, start, end)
        return core.end() if core else end

    def _inserted_run(
        self, at: int, step: int, passage: Passage, *, ends: bool = False
    ) -> list[int]:
        """Starts (or ends) of the inserted words next to new token `at`, in direction
        `step`: where the passage's changed first (last) word was, an inserted word beside
        it could as well be that word's replacement."""
        found: list[int] = []
        index = at + step
        while 0 <= index < len(self.new_tokens) and self.new_tokens[index][0] == -1:
            found.append(self._end_of(index, passage) if ends else self._start_of(index, passage))
            index += step
        return found


def allowed_changes(words: int) -> int:
    """How many words of a passage of `words` may change for it still to be itself: about
    a fifth, one for a passage of three or more words, none for one or two."""
    return 0 if words <= 2 else max(1, words // 5)


def _typographic(token: str) -> str:
    """`token` with straight quotes curled and a double hyphen made a dash."""
    token = token.replace("--", "—")
    if token.startswith('"'):
        token = "“" + token[1:]
    return token.replace('"', "”").replace("'", "’")


class _Writer:
    """Builds the new text token by token, keeping where each token lands."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.column = 0
        self.pending = ""
        self.tokens: list[tuple[int, int, int]] = []

    def carry(self, separator: str) -> None:
        """A token was dropped: keep the stronger of its separator and the pending one."""
        if separator.count("\n") > self.pending.count("\n"):
            self.pending = separator

    def add(self, token: str, origin: int, separator: str, width: int) -> None:
        if self.pending.count("\n") > separator.count("\n"):
            separator = self.pending
        self.pending = ""
        if self.tokens and width >= 0 and "\n\n" not in separator:
            fits = width == 0 or self.column + 1 + len(token) <= width
            separator = " " if fits else "\n"
        self._write(separator)
        self.tokens.append((origin, self.length, self.length + len(token)))
        self._write(token)

    def finish(self, tail: str) -> None:
        self._write(tail)

    def _write(self, piece: str) -> None:
        self.parts.append(piece)
        self.length += len(piece)
        newline = piece.rfind("\n")
        self.column = len(piece) - newline - 1 if newline != -1 else self.column + len(piece)

    def text(self) -> str:
        return "".join(self.parts)
