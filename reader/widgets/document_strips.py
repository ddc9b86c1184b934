"""Drawing the document view's lines as strips, in the component styles of its CSS.

`DocumentView` decides which line to draw and keeps what it drew; this module turns one
line of its `Frame` into a `Strip`: the text made `visible` and cut where the cursor and
the marks begin and end, each piece in the style of what covers it, placed in the centred
column, with a sign in the margin if the line has one.

Every style comes from a component class, named here from `Color`, `MarkKind` and
`FrontRole`, so a new color or kind needs no new name, only its rule in `COMPONENT_CSS`.
The rules stay CSS, not values generated from a table: CSS is where a theme or the app's
stylesheet overrides them, and where `$accent`-style theme variables work (a test checks
that every component class has a rule of its own and every mark style its own background).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.strip import Strip

from annotations.model import Color
from library.document import Span
from library.sanitize import visible
from reader.layout.frame import Frame, FrontRole
from reader.layout.marks import MARK_STYLES, MarginSign, MarkLayers, MarkStyle
from reader.layout.structure_marks import (
    NO_STRUCTURE_MARKS,
    StructureMarks,
    StyleRun,
    TextStyle,
)

CURSOR_COMPONENT = "document-view--cursor"
"""The component class of the sentence under the reading cursor (drawn under any mark)."""

MARGIN_COMPONENT = "document-view--margin"
"""The component class of the signs in the margin."""

STRUCTURE_MARGIN_COMPONENT = "document-view--structure-margin"
"""The component class of a quote's bar, a list item's bullet and a heading's level."""


def text_component(style: TextStyle) -> str:
    """The component class structured text of `style` is drawn in: ``document-view--<style>``."""
    return f"document-view--{style}"


def mark_component(style: MarkStyle) -> str:
    """The component class a mark of `style` is drawn in: ``document-view--highlight-<color>``
    for a highlight, ``document-view--<kind>`` for the other kinds."""
    if isinstance(style, Color):
        return f"document-view--highlight-{style}"
    return f"document-view--{style}"


def front_component(role: FrontRole) -> str:
    """The component class of a line before the text: ``document-view--<role>``."""
    return f"document-view--{role}"


_MARK_COMPONENTS = {style: mark_component(style) for style in MARK_STYLES}
_FRONT_COMPONENTS = {role: front_component(role) for role in FrontRole}
_TEXT_COMPONENTS = {style: text_component(style) for style in TextStyle}

COMPONENT_CLASSES: frozenset[str] = frozenset(
    {
        CURSOR_COMPONENT,
        MARGIN_COMPONENT,
        STRUCTURE_MARGIN_COMPONENT,
        *_FRONT_COMPONENTS.values(),
        *_MARK_COMPONENTS.values(),
        *_TEXT_COMPONENTS.values(),
    }
)
"""Every component class the document view draws with."""

COMPONENT_CSS = """
    DocumentView > .document-view--title { text-style: bold; }
    DocumentView > .document-view--byline { color: $text-muted; }
    DocumentView > .document-view--caption { color: $text-muted; text-style: italic; }
    DocumentView > .document-view--cursor { background: $primary 22%; }
    DocumentView > .document-view--margin { color: $text-accent; text-style: bold; }
    DocumentView > .document-view--highlight-yellow { background: #e6c229 38%; }
    DocumentView > .document-view--highlight-green { background: #4caf50 38%; }
    DocumentView > .document-view--highlight-blue { background: #3d8bfd 38%; }
    DocumentView > .document-view--highlight-pink { background: #ff5fa2 38%; }
    DocumentView > .document-view--highlight-purple { background: #a066ff 38%; }
    DocumentView > .document-view--match { background: $accent 45%; }
    DocumentView > .document-view--match-current {
        background: $accent;
        color: $text-accent;
        text-style: bold;
    }
    DocumentView > .document-view--selection { background: $secondary 60%; }
    DocumentView > .document-view--structure-margin { color: $text-muted; }
    DocumentView > .document-view--heading-1 { text-style: bold underline; }
    DocumentView > .document-view--heading-2 { text-style: bold; }
    DocumentView > .document-view--heading-3 { text-style: bold italic; }
    DocumentView > .document-view--emphasis { text-style: italic; }
    DocumentView > .document-view--strong { text-style: bold; }
    DocumentView > .document-view--code { color: $text-muted; }
    DocumentView > .document-view--link { text-style: underline; }
    DocumentView > .document-view--quote { color: $text-muted; }
    DocumentView > .document-view--preformatted { color: $text-muted; }
"""
"""The look of each component class, part of `DocumentView`'s default CSS: one rule per
class, the highlight colors in `Color`'s order."""

Run = tuple[int, int, tuple[MarkStyle, ...]]
"""``(start, end, styles)``: a piece of a line and the mark styles covering it."""


class LinePainter:
    """Draws lines of a frame in the styles of one widget, remembering each combination of
    styles it made (a frame uses a handful, so nothing is combined twice)."""

    def __init__(
        self, base_style: Callable[[], Style], component_style: Callable[[str], Style]
    ) -> None:
        """Paint with the widget's own style and the styles of its component classes.

        Args:
            base_style: The widget's style (its `rich_style`).
            component_style: The style of a component class (`get_component_rich_style`).
        """
        self._base_style = base_style
        self._component_style = component_style
        self._styles: dict[tuple[bool, tuple[MarkStyle, ...], tuple[TextStyle, ...]], Style] = {}

    def forget_styles(self) -> None:
        """Styles changed (say, a new theme): make them again when next drawn."""
        self._styles.clear()

    def style(
        self,
        in_cursor: bool,
        styles: tuple[MarkStyle, ...],
        text_styles: tuple[TextStyle, ...] = (),
    ) -> Style:
        """The style of text under the cursor or not, covered by marks of `styles`, its
        structure drawn in `text_styles` (under the cursor and the marks)."""
        key = (in_cursor, styles, text_styles)
        style = self._styles.get(key)
        if style is None:
            style = self._base_style()
            if in_cursor:
                style += self._component_style(CURSOR_COMPONENT)
            for mark_style in styles:
                style += self._component_style(_MARK_COMPONENTS[mark_style])
            for text_style in text_styles:
                style += self._text_style(text_style, under_marks=bool(styles))
            self._styles[key] = style
        return style

    def _text_style(self, text_style: TextStyle, *, under_marks: bool) -> Style:
        """What structure adds to a piece of text: its attributes (bold, italic,
        underline) and, unless marks cover it, its color; never a background, so the
        cursor's, a highlight's or a match's shows through (a component's style holds the
        whole look, background and inherited color included)."""
        full = self._component_style(_TEXT_COMPONENTS[text_style])
        return Style(
            color=None if under_marks else full.color,
            bold=full.bold,
            italic=full.italic,
            underline=full.underline,
            dim=full.dim,
        )

    def front_line(self, frame: Frame, line: int) -> Strip:
        """Line `line` of the front block (title, byline, caption)."""
        base = self.style(False, ())
        front_line = frame.front[line]
        style = base + self._component_style(_FRONT_COMPONENTS[front_line.role])
        segments = [Segment(front_line.text, style)]
        return place_in_column(frame, base, segments, cell_len(front_line.text))

    def text_line(
        self,
        frame: Frame,
        text: str,
        line: Span,
        cursor_part: Span | None,
        runs: Iterable[Run],
        sign: MarginSign | None,
        text_runs: Iterable[StyleRun] = (),
        structure_sign: str | None = None,
    ) -> Strip:
        """The text of ``text[line[0]:line[1]]``, made visible.

        Args:
            frame: The frame the line belongs to (for the column).
            text: The whole document text.
            line: Where the line starts and ends in `text`.
            cursor_part: The part of the line under the cursor, if any.
            runs: The marks' runs on the line, clipped to it, in order.
            sign: A sign for the margin (drawn only where the margin has two cells).
            text_runs: The structure's style runs on the line, clipped to it, in order.
            structure_sign: A quote's bar, a list item's marker or a heading's level, for
                the margin where it fits (a `sign` goes before it).
        """
        start, end = line
        base = self.style(False, ())
        shown = visible(text[start:end]).replace("\t", " ")
        runs = list(runs)
        text_runs = list(text_runs)
        cuts = {start, end}
        if cursor_part is not None:
            cuts.update(cursor_part)
        for run_start, run_end, _ in runs:
            cuts.add(run_start)
            cuts.add(run_end)
        for run_start, run_end, _ in text_runs:
            cuts.add(run_start)
            cuts.add(run_end)
        ordered = sorted(cuts)
        segments: list[Segment] = []
        run_index = 0
        text_index = 0
        for piece_start, piece_end in zip(ordered, ordered[1:], strict=False):
            while run_index < len(runs) and runs[run_index][1] <= piece_start:
                run_index += 1
            styles: tuple[MarkStyle, ...] = ()
            if run_index < len(runs) and runs[run_index][0] <= piece_start:
                styles = runs[run_index][2]
            while text_index < len(text_runs) and text_runs[text_index][1] <= piece_start:
                text_index += 1
            text_styles: tuple[TextStyle, ...] = ()
            if text_index < len(text_runs) and text_runs[text_index][0] <= piece_start:
                text_styles = text_runs[text_index][2]
            in_cursor = cursor_part is not None and cursor_part[0] <= piece_start < cursor_part[1]
            style = (
                base
                if not in_cursor and not styles and not text_styles
                else self.style(in_cursor, styles, text_styles)
            )
            segments.append(Segment(shown[piece_start - start : piece_end - start], style))
        strip = place_in_column(frame, base, segments, cell_len(shown))
        if sign is None and structure_sign is not None and frame.left > len(structure_sign):
            drawn = Segment(
                structure_sign, base + self._component_style(STRUCTURE_MARGIN_COMPONENT)
            )
            at = frame.left - len(structure_sign) - 1
            strip = Strip.join(
                [strip.crop(0, at), Strip([drawn], len(structure_sign)), strip.crop(frame.left - 1)]
            )
        if sign is not None and frame.left >= 2:
            drawn = Segment(str(sign), base + self._component_style(MARGIN_COMPONENT))
            strip = Strip.join(
                [strip.crop(0, frame.left - 2), Strip([drawn], 1), strip.crop(frame.left - 1)]
            )
        return strip


class DrawnLines:
    """The strips of a document view's lines, kept until what they show changes: the
    view's width and column, the part of the line under the cursor, and the marks
    (`MarkLayers.version`)."""

    def __init__(self, painter: LinePainter) -> None:
        self._painter = painter
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(2048)

    def clear(self) -> None:
        """Forget every strip (the frame or the styles changed)."""
        self._strips.clear()

    def blank(self, width: int) -> Strip:
        """An empty line."""
        return Strip.blank(width, self._painter.style(False, ()))

    def line(
        self,
        frame: Frame,
        line: int,
        text: str,
        cursor: Span | None,
        marks: MarkLayers,
        structure: StructureMarks = NO_STRUCTURE_MARKS,
    ) -> Strip:
        """View line `line` of `frame` (front block included) over `text`, the sentence
        `cursor` under the reading cursor, `structure` drawn under the marks: only that
        line is sliced, made visible, styled (the structure never changes for one text, so
        it is no part of what a kept strip depends on)."""
        if line < len(frame.front):
            key: tuple[object, ...] = ("front", line, frame.widget_width, frame.column)
            strip = self._strips.get(key)
            if strip is None:
                strip = self._painter.front_line(frame, line)
                self._strips.set(key, strip)
            return strip
        index = line - len(frame.front)
        body = frame.body
        if index >= body.line_count or body.is_blank(index):
            return self.blank(frame.widget_width)
        start, end = body.starts[index], body.ends[index]
        cursor_part: Span | None = None
        if cursor is not None and cursor[0] < end and cursor[1] > start:
            cursor_part = (max(start, cursor[0]), min(end, cursor[1]))
        key = (index, frame.widget_width, frame.column, cursor_part, marks.version)
        strip = self._strips.get(key)
        if strip is None:
            runs = marks.runs(start, end)
            sign = marks.margin.sign_in(start, end)
            strip = self._painter.text_line(
                frame,
                text,
                (start, end),
                cursor_part,
                runs,
                sign,
                structure.runs(start, end),
                structure.sign_in(start, end),
            )
            self._strips.set(key, strip)
        return strip


def place_in_column(frame: Frame, base: Style, segments: list[Segment], cells: int) -> Strip:
    """Place a line's segments in the frame's centred column and pad it to the widget's
    width (a line wider than the widget is cropped)."""
    width = frame.widget_width
    right = width - frame.left - cells
    line = [Segment(" " * frame.left, base), *segments]
    if right > 0:
        line.append(Segment(" " * right, base))
    strip = Strip(line, frame.left + cells + max(0, right))
    if right < 0:
        strip = strip.crop(0, width)
    return strip
