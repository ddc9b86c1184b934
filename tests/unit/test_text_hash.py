"""A document's content hash, made a piece at a time (`library.text_hash.text_hash`), is
the sha256 of its whole UTF-8, as it has always been: ids and hashes of texts already in
a library stay theirs."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from library import text_hash as hashing
from library.text_hash import text_hash

_CHARS = st.sampled_from(list("ab \n\r\t\x0c.é€😀中") + ["\u2028", "\x00"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_CHARS, max_size=60).map("".join), st.integers(1, 9))
def test_the_hash_in_pieces_is_that_of_the_whole_text(text: str, piece: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hashing, "HASHED_AT_ONCE", piece)
        assert text_hash(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_long_text_is_hashed_as_a_whole() -> None:
    text = ("The keeper wrote of wind and tide — «ébène» 😀.\n\n" * 60_000)[:2_500_001]
    assert len(text) > 2 * hashing.HASHED_AT_ONCE
    assert text_hash(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()
