"""The reader's document view without the UI: wrapping, marks and cursor movement.

`reader.widgets.document_view` draws a document line by line; everything it decides that
does not need a terminal lives here, as plain data and functions, in the way Textual's
`TextArea` keeps its wrapped document and navigator apart from the widget:

- `cells`: which characters take one terminal cell (the rules the fast wrapping relies on);
- `lines`: `LineLayout` and the functions that wrap a text into lines of terminal cells;
- `frame`: the lines before the text (title, byline, caption), the `Frame` (everything
  drawn that depends on the widget's width) and `DocumentLayouts`, which makes frames and
  keeps the whole layouts of a few widths;
- `navigation`: moving the reading cursor by sentence, paragraph and page, and the scrolling
  that keeps it in view, and how far through the text the reader is;
- `jumps`: the place before the last jump, for `''`;
- `marks`: what a coloured span of the text is (`MarkKind`, a highlight's `Color`), the
  layers marks are set in, and `MarkIndex`, which finds the marks of one line fast.

None of these modules imports Textual or Rich (a test checks it in a fresh interpreter):
so each is tested with no app and no widget, and its speed is that of plain Python. The
one thing they need from the terminal side, how many cells a character takes, is passed
in by the widget (`cells.CharCells`), so wrapping always agrees with what Rich draws.
They live under `reader/` rather than `library/` because terminal cells, columns and
cursor keys are the reader's concern, not the document's.
"""
