"""What the command line and the app both do, written once.

`Workspace` owns one library home — its catalog of documents and its annotation store —
and offers every workflow that touches them: adding files (and, later, web pages and
feeds), removing, bringing back a removed document's highlights, re-finding highlights in
changed text, searching, highlighting a quote, exporting and importing notes. The
`newsreader` command line and the Textual screens call these and only format the results.

Like `library` and `annotations`, this package never imports Textual or Rich.
"""
