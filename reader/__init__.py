"""The Textual app and the `newsreader` command line."""
