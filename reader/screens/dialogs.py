"""Small modal dialogs; each returns its answer with `dismiss`."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TextArea

from library.sanitize import one_line, visible
from reader.labels import clip


class ConfirmScreen(ModalScreen[bool]):
    """Asks a yes/no question; `y` confirms, `n` or `esc` declines."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "Cancel", show=False, id="confirm.cancel"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self._question = question
        self._detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self._question), classes="dialog-title")
            if self._detail:
                yield Static(Content(self._detail), classes="dialog-detail")
            yield Static(Content("y  yes    n  no"), classes="dialog-keys")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class PathField(Input):
    """The path's field: `tab` completes it. A key of the field's own, not a priority key
    of the screen: a priority key runs as soon as it arrives, before the letters typed
    just ahead of it (in one burst, or a paste) have reached the field."""

    BINDINGS = [
        Binding(
            "tab",
            "screen.complete",
            "Complete",
            id="ask.complete",
            tooltip="Complete the path as a shell does; list the names that fit",
        ),
    ]


class AskPathScreen(ModalScreen[str | None]):
    """Asks for the path of a file or folder; `enter` returns it as typed, `esc` None.

    `tab` completes the path as a shell does (see `complete_path`), listing the names
    that fit under the field when several do. A path that names nothing is said under the
    field, and the text stays there to be mended.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="ask.cancel", tooltip="Close without adding"),
    ]

    def __init__(self, title: str, placeholder: str) -> None:
        super().__init__()
        self._title = title
        self._placeholder = placeholder
        self._completed = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self._title), classes="dialog-title")
            yield PathField(placeholder=self._placeholder, id="path")
            yield Static(id="path-message", classes="dialog-message")
            yield Static(Content("enter add    tab complete    esc cancel"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#path-message", Static).display = False

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#path-message", Static)
        message.update(Content(text))
        message.set_class(error, "-error")
        message.display = bool(text)

    def action_complete(self) -> None:
        from reader.states.path_completion import complete_path

        field = self.query_one("#path", Input)
        typed = field.value
        completion = complete_path(typed)
        self._completed = completion.text
        if completion.text != typed:
            field.value = completion.text
            field.cursor_position = len(completion.text)
        if completion.candidates:
            listing = "  ".join(one_line(name) for name in completion.candidates)
            more = f"  … and {completion.more} more" if completion.more else ""
            self._say(listing + more)
        elif completion.text == typed and typed.strip():
            # Nothing to add: say so if the path names nothing (a shell would ring).
            self._say(path_problem(typed.strip()) or "", error=True)
        else:
            self._say("")

    @on(Input.Changed, "#path")
    def _changed(self, event: Input.Changed) -> None:
        if event.value != self._completed:  # typing hides what tab or enter said
            self._say("")

    @on(Input.Submitted, "#path")
    def _submitted(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if not typed:
            self.dismiss(None)
            return
        problem = path_problem(typed)
        if problem is not None:
            self._completed = event.value
            self._say(problem, error=True)
            return
        self.dismiss(typed)

    def action_cancel(self) -> None:
        self.dismiss(None)


def path_problem(typed: str) -> str | None:
    """Why `typed` names no file or folder, in one sentence; None when it names one (or is
    a web address: the page is fetched when added)."""
    from library.web_address import is_web_address

    if is_web_address(typed):
        return None
    shown = one_line(typed)
    try:
        path = Path(typed).expanduser()
    except RuntimeError:  # `~name` for a user that does not exist
        return f"There is no home folder for {shown.split('/')[0]}."
    try:
        if path.exists():
            return None
    except OSError as err:
        return f"{shown} cannot be read: {err.strerror or err}."
    return f"There is no file or folder at {shown}."


class AskTextScreen(ModalScreen[str | None]):
    """Asks for one line of text, starting from `value`; `enter` returns it, `esc` None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ask_text.cancel")]

    def __init__(self, title: str, value: str = "", hint: str = "") -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self._title), classes="dialog-title")
            yield Input(value=visible(self._value), id="text")
            yield Static(Content(self._hint or "enter save · esc cancel"), classes="dialog-keys")

    @on(Input.Submitted, "#text")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteField(TextArea):
    """The note's text: `ctrl+s` saves, `esc` closes. Keys of the field's own, not priority
    keys of the screen: a priority key runs as soon as it arrives, so `ctrl+s` typed (or
    pasted) right after some words would save the note without them."""

    BINDINGS = [
        Binding(
            "ctrl+s",
            "screen.save",
            "Save",
            id="note.save",
            tooltip="Save the note and close the editor",
        ),
        Binding(
            "escape",
            "screen.cancel",
            "Cancel",
            id="note.cancel",
            tooltip="Close without saving; asks first if the note was changed",
        ),
    ]


class NoteEditorScreen(ModalScreen[str | None]):
    """Edits a note (Markdown, several lines); `ctrl+s` returns it, `esc` returns None.

    `esc` on a note that was changed asks first (as vim's `:q` will not drop changes
    silently): `y` throws the changes away, `n` or `esc` goes back to the note.
    """

    def __init__(self, quote: str, note: str) -> None:
        super().__init__()
        self._quote = quote
        self._note = note

    def compose(self) -> ComposeResult:
        quote = clip(one_line(self._quote), 140)
        with Vertical(classes="dialog note-editor"):
            yield Static(
                Content.assemble("Note", ("    ctrl+s save · esc close (asks if changed)", "dim")),
                classes="dialog-title",
            )
            yield Static(Content(f"“{quote}”"), classes="dialog-detail")
            # Control characters are shown as visible stand-ins (one for one), never sent to
            # the terminal; saving the note keeps the stand-ins.
            yield NoteField(visible(self._note), id="note", soft_wrap=True, show_line_numbers=False)

    def on_mount(self) -> None:
        editor = self.query_one("#note", TextArea)
        self.set_focus(editor)
        editor.move_cursor(editor.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one("#note", TextArea).text)

    def action_cancel(self) -> None:
        editor = self.query_one("#note", TextArea)
        if editor.text == visible(self._note):
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)
            else:
                self.set_focus(editor)

        self.app.push_screen(
            ConfirmScreen(
                "Discard the changes to this note?", "y discards them, n goes back to the note."
            ),
            answered,
        )
