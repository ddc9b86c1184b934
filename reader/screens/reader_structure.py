"""What the reader does with a document's structure: makes it when it was not kept (a
document added before it was), follows its links (`o`), and lists its headings or
chapters (`T`). A base class of `ReaderScreen`, as `ReaderSearch` and `ReaderReview` are,
so each part of the reader stays small."""

from __future__ import annotations

from dataclasses import replace
from threading import Thread
from typing import TYPE_CHECKING

from textual.message import Message

from library.sanitize import one_line
from library.structure import Kind, Structure
from reader.labels import clip
from reader.screens.reader_review import ReaderReview
from service.workspace import Workspace

if TYPE_CHECKING:
    from library.contents import Heading
    from library.links import Link

# What `o` and `T` show (the links and contents pickers, the dialog asking before a link
# opens, and their libraries: the dialogs bring Textual's TextArea) is imported when first
# used: the reader's first frame waits for none of it.


class ReaderStructure(ReaderReview):
    """The structure half of the reader screen; it needs the screen's `workspace`,
    `document` and `_view`."""

    workspace: Workspace

    class StructureMade(Message):
        """The structure made in a thread (handler: `on_reader_structure_structure_made`)."""

        def __init__(self, structure: Structure) -> None:
            super().__init__()
            self.structure = structure

    class LinkNotOpened(Message):
        """No browser took a link (handler: `on_reader_structure_link_not_opened`)."""

        def __init__(self, target: str) -> None:
            super().__init__()
            self.target = target

    def __init__(self) -> None:
        super().__init__()
        self._contents: tuple[Heading, ...] | None = None
        """The document's headings, found when `T` is first pressed."""
        self._has_links: bool | None = None
        """Whether the document has any link (`o` is offered only then)."""

    # -- structure made later -----------------------------------------------------------------

    def _make_structure(self) -> None:
        """Make the structure of a document added before structure was kept beside its
        text, in a daemon thread (parsing a book takes seconds; a reader who quits
        meanwhile must not wait): it is kept, so this happens once."""
        Thread(target=self._make_structure_in_thread, name="make-structure", daemon=True).start()

    def _make_structure_in_thread(self) -> None:
        try:
            structure = self.workspace.with_structure(self.document).structure
        except (OSError, ValueError):  # the text stays plain, as it is without structure
            return
        if structure:
            self.post_message(self.StructureMade(structure))

    def on_reader_structure_structure_made(self, event: ReaderStructure.StructureMade) -> None:
        self.document = replace(self.document, structure=event.structure)
        self._contents = None  # its headings are the structure's now
        self._has_links = None
        self._view.show_structure(event.structure)
        self.refresh_bindings()

    # -- links -------------------------------------------------------------------------------

    def has_links(self) -> bool:
        """Whether the document has any link to follow."""
        if self._has_links is None:
            self._has_links = next(self.document.structure.rows_of(Kind.LINK), None) is not None
        return self._has_links

    def action_open_link(self) -> None:
        from library.links import choose_links
        from reader.screens.links import LinksScreen

        choice = choose_links(
            self.document.text,
            self.document.structure,
            self._view.cursor_span,
            self._view.visible_span,
        )
        if choice.open is not None:
            self._follow(choice.open)
        elif choice.offered:
            screen = LinksScreen(choice.offered, choice.first)
            self.app.push_screen(screen, self._link_chosen)
        else:
            self.notify("There is no link in view.", timeout=3)

    def _link_chosen(self, link: Link | None) -> None:
        self._view.focus()
        if link is not None:
            self._follow(link)

    def _follow(self, link: Link) -> None:
        """Open `link`: at once if it is a web or mail address, else once confirmed."""
        from library.links import opens_without_asking
        from reader.screens.dialogs import ConfirmScreen

        if opens_without_asking(link.target):
            self._open(link.target)
            return
        shown = clip(one_line(link.target), 200)

        def answer(yes: bool | None) -> None:
            if yes:
                self._open(link.target)

        question = "Open this link? It is not a web or mail address."
        self.app.push_screen(ConfirmScreen(question, shown), answer)

    def _open(self, target: str) -> None:
        """Hand `target` to the browser in a daemon thread: a browser named by $BROWSER
        may run until it is closed."""
        self.notify(f"Opening {clip(one_line(target), 80)}", timeout=3)
        Thread(target=self._open_in_thread, args=(target,), name="open-link", daemon=True).start()

    def _open_in_thread(self, target: str) -> None:
        from library.links import open_in_browser

        if not open_in_browser(target):
            self.post_message(self.LinkNotOpened(target))

    def on_reader_structure_link_not_opened(self, event: ReaderStructure.LinkNotOpened) -> None:
        self.notify(
            f"No web browser could open {clip(one_line(event.target), 80)}; "
            "set BROWSER to the command of one.",
            severity="warning",
            timeout=8,
        )

    # -- contents ----------------------------------------------------------------------------

    def action_contents(self) -> None:
        from library.contents import current_heading, document_contents
        from reader.screens.contents import ContentsScreen

        if self._contents is None:
            self._contents = document_contents(self.document)
        if not self._contents:
            self.notify("This document has no headings or chapter lines to list.", timeout=3)
            return
        here = current_heading(self._contents, self._view.cursor_offset)
        screen = ContentsScreen(self.document.title, self._contents, here)
        self.app.push_screen(screen, self._go_to_heading)

    def _go_to_heading(self, offset: int | None) -> None:
        if offset is not None:
            self._view.move_to_offset(offset)  # a jump: `''` comes back
        self._view.focus()
