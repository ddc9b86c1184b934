"""The reader's states, as plain objects the screen drives: what a search found and which
match is current, what is selected, which lost highlight is being placed.

Nothing here imports Textual, so each state is tested on its own, without an app.
"""
