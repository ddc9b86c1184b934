"""A text's content hash, as the catalog records it (`Entry.content_hash`): the sha256 of
its UTF-8, in hex. Its first digits are a new document's id; re-anchoring, the search
index and the structure kept beside a text compare it to tell an unchanged text.

Pure standard library, and nothing else: every command may ask for it.
"""

from __future__ import annotations

import hashlib

HASHED_AT_ONCE = 1 << 20
"""Characters encoded at a time for `text_hash`."""


def text_hash(text: str) -> str:
    """The content hash of `text`: the sha256 of its UTF-8, in hex (its first digits are
    a new document's id).

    A long text is encoded and hashed a mebibyte at a time, which gives the same digest:
    encoded whole, a 100 MB text would be 100 MB more held at once, and as many fresh
    pages of memory for the system to hand over.
    """
    if len(text) <= HASHED_AT_ONCE:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    digest = hashlib.sha256()
    for start in range(0, len(text), HASHED_AT_ONCE):
        digest.update(text[start : start + HASHED_AT_ONCE].encode("utf-8"))
    return digest.hexdigest()
