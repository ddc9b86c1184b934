"""Reading files and parsing them into title, metadata and body text."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from library import textfile
from library.parse import Parsed, load_file, parse_text, readable_stem
from library.segment import paragraph_spans
from library.structure import Kind
from library.textfile import MAX_BYTES, UnreadableFile, decode_bytes, read_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DOCS = FIXTURES / "docs"
BAD = FIXTURES / "bad"
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def corpus_file(prefix: str) -> Path:
    matches = sorted(CORPUS.glob(f"{prefix}_*.txt")) if CORPUS.is_dir() else []
    if not matches:
        pytest.skip(f"the shared corpus ({prefix}) is not beside the repository")
    return matches[0]


def paragraphs(parsed: Parsed) -> list[str]:
    return parsed.text.split("\n\n")


def one_sentence(message: str) -> bool:
    return bool(message) and message.endswith(".") and "\n" not in message


# --- The corpus ---------------------------------------------------------------------------


def test_corpus_article_with_date_and_caption() -> None:
    parsed = load_file(corpus_file("004"))
    assert parsed.date == "2022-03-18"
    assert parsed.source is None
    assert parsed.caption is not None
    assert parsed.caption.startswith("U.S. President Joe Biden meets virtually")
    assert parsed.caption.endswith("Susan Walsh/The Associated Press")
    assert parsed.title.startswith(
        "U.S. President Joe Biden is planning to warn Chinese leader Xi Jinping of"
    )
    assert parsed.title.endswith("…") and len(parsed.title) <= 91
    body = paragraphs(parsed)
    assert body[0].startswith("U.S. President Joe Biden is planning to warn")
    assert "meets virtually" not in parsed.text
    assert "date 2022" not in parsed.text
    assert len(body) == 27


def test_corpus_article_with_one_paragraph_per_line() -> None:
    parsed = load_file(corpus_file("000"))
    assert parsed.source == "Financial Times"
    assert parsed.date is None
    assert parsed.caption is None
    assert parsed.title.startswith("Joe Biden and Xi Jinping concluded a call of nearly two hours")
    assert parsed.title.endswith("…") and len(parsed.title) <= 91
    body = paragraphs(parsed)
    assert len(body) == 24
    assert body[0].startswith("Joe Biden and Xi Jinping concluded a call")
    assert body[-1].startswith("Additional reporting by William Langley")
    assert "Source:" not in parsed.text


# --- Our own fixtures: plain text ---------------------------------------------------------


def test_caption_date_and_first_sentence_title() -> None:
    parsed = load_file(DOCS / "caption_article.txt")
    assert parsed.date == "2023-06-02"
    assert parsed.caption == (
        "Volunteers stack sandbags along the river wall in Millbrook, on May 30, 2023."
        " Dana Ortiz/The Valley Courier"
    )
    assert parsed.title == (
        "Residents of Millbrook spent a third night guarding the old river wall as the water rose…"
    )
    assert paragraphs(parsed)[0].startswith("Residents of Millbrook")
    assert len(paragraphs(parsed)) == 3


def test_one_paragraph_per_line_with_source() -> None:
    parsed = load_file(DOCS / "one_per_line.txt")
    assert parsed.source == "Harbour Gazette"
    assert parsed.caption is None
    body = paragraphs(parsed)
    assert len(body) == 5
    assert body[-1] == "Reporting by Sam Whitfield"


def test_short_first_line_is_a_title() -> None:
    parsed = load_file(DOCS / "title_line.txt")
    assert parsed.title == "Notes on Keeping Bees"
    assert paragraphs(parsed) == [
        "Bees are calmer on warm, still afternoons. Open the hive slowly and work from the side.",
        "Never stand in front of the entrance. The foragers need a clear path home.",
    ]


def test_short_sentence_first_line_is_not_a_title() -> None:
    parsed = parse_text("It rained all day.\n\nThe roads flooded by noon.\n")
    assert parsed.title == "It rained all day"
    assert paragraphs(parsed) == ["It rained all day.", "The roads flooded by noon."]


def test_first_sentence_title_is_short_enough_whole() -> None:
    parsed = parse_text("Short news. More follows here.")
    assert parsed.title == "Short news"
    assert parsed.text == "Short news. More follows here."


def test_hard_wrapped_text_is_reflowed() -> None:
    parsed = load_file(DOCS / "hard_wrapped.txt")
    assert parsed.title == "THE LIGHTHOUSE KEEPER"
    body = paragraphs(parsed)
    assert body[0] == "CHAPTER I"
    assert body[1].startswith("The keeper rose before dawn, as he had every morning for twenty-two")
    assert "\n" not in body[1]
    assert body[1].endswith("Nobody had asked him to keep doing it after the light was automated.")
    assert body[2] == (
        '"You could sleep in, you know," his daughter said when she visited in the spring.'
        ' "The machine does not need you."'
    )
    # Indented verse keeps its lines (and their relative indentation).
    assert body[4] == (
        "The sea is wide and the night is long,\n"
        "  And the lamp must burn till day;\n"
        "So keep it trimmed and keep it strong,\n"
        "  For those who lose their way."
    )
    assert body[5] == (
        "When the storm came in October he was the first to see the fishing boat"
        " drifting toward the rocks."
    )


def test_long_lines_are_not_reflowed() -> None:
    line = "This line is long enough to be a paragraph of its own in a news article, " * 2
    raw = f"{line.strip()}\n{line.strip()}\n\n{line.strip()}\n"
    assert len(paragraphs(parse_text(raw))) == 3


def test_wrapped_text_without_blank_lines_splits_at_short_sentence_ends() -> None:
    raw = (
        "The wind had been rising since noon and by the evening the\n"
        "shutters of the old house were banging against the stone walls\n"
        "so loudly that nobody could sleep.\n"
        "In the morning the garden was a mess of broken branches and the\n"
        "roof had lost a dozen tiles.\n"
    )
    assert paragraphs(parse_text(raw)) == [
        "The wind had been rising since noon and by the evening the shutters of the old house"
        " were banging against the stone walls so loudly that nobody could sleep.",
        "In the morning the garden was a mess of broken branches and the roof had lost a dozen"
        " tiles.",
    ]


def test_words_broken_across_lines_are_joined() -> None:
    raw = (
        "Intro\n\nThe well-\nknown painter had never been to the sea--\nnot once in all her long\n"
        "and busy life, though she painted it often and with great care.\n"
    )
    assert paragraphs(parse_text(raw)) == [
        "The well-known painter had never been to the sea--not once in all her long and busy"
        " life, though she painted it often and with great care."
    ]


WRAPPED_BEFORE = (
    "The committee met on a cold morning in the old town hall, where the heating\n"
    "had failed again and the members kept their coats on for most of the session.\n"
)
WRAPPED_AFTER = (
    "They voted on the budget first and argued about the harbour wall for an hour\n"
    "before anyone mentioned the bridge, which was the reason most had come at all.\n"
)


def test_rules_and_key_value_lines_are_not_soft_wraps() -> None:
    raw = f"{WRAPPED_BEFORE}\n---\nname: Jane Doe\nrole: Chair\n---\n\n{WRAPPED_AFTER}"
    body = paragraphs(parse_text(raw))
    assert body[1] == "---\nname: Jane Doe\nrole: Chair\n---"
    assert "\n" not in body[0] and "\n" not in body[2]


def test_a_field_after_a_short_line_and_a_rule_inside_a_block_keep_their_lines() -> None:
    raw = (
        f"{WRAPPED_BEFORE}\nThe minutes were signed by\nSecretary: Tom Field\n"
        f"Date: 3 May\n* * *\n{WRAPPED_AFTER}"
    )
    body = paragraphs(parse_text(raw))
    assert body[1] == "The minutes were signed by\nSecretary: Tom Field\nDate: 3 May\n* * *\n" + (
        " ".join(WRAPPED_AFTER.split())
    )


def test_a_wrapped_line_that_starts_like_a_field_is_still_prose() -> None:
    raw = (
        f"{WRAPPED_BEFORE}\n"
        "The mayor did not attend the meeting, and her office gave a short reason\n"
        "instead: she was visiting the flooded villages along the river that morning\n"
        "and would answer questions later. See https://example.org/minutes for more\n"
        "https://example.org/agenda holds the agenda that was agreed on last month.\n\n"
        f"{WRAPPED_AFTER}"
    )
    body = paragraphs(parse_text(raw))
    assert len(body) == 3 and "\n" not in body[1]
    assert "reason instead: she was" in body[1]


def test_crlf_and_lone_cr_become_newlines() -> None:
    parsed = load_file(DOCS / "crlf.txt")
    assert parsed.title == "Ferry Timetable Changes"
    assert parsed.source == "Island Post"
    assert "\r" not in parsed.text
    assert paragraphs(parsed) == [
        "The morning ferry will leave at 7:15.",
        "The evening ferry is unchanged.",
    ]


@pytest.mark.parametrize("name", ["utf8_bom.txt", "utf16_le.txt", "utf16_be.txt"])
def test_byte_order_marks(name: str) -> None:
    text = read_file(DOCS / name)
    assert text == "Café opens a second room. Regulars say it’s about time.\n"


def test_cp1252_smart_quotes() -> None:
    assert read_file(DOCS / "cp1252.txt") == (
        "The council’s “final” vote – held on Monday – ended a long debate…\n"
    )


def test_latin1() -> None:
    assert read_file(DOCS / "latin1.txt") == (
        "Le café du marché a rouvert; à midi, tout était déjà plein.\n"
    )


def test_escape_sequences_and_markup_are_kept_literally() -> None:
    parsed = load_file(DOCS / "hostile.txt")
    assert parsed.text.startswith("\x1b[2J\x1b[31mRed alert\x1b[0m is not a title here")
    assert "[bold]Not bold[/bold] and [@click=app.quit]quit[/] stay literal." in parsed.text
    assert "\x07" in parsed.text and "\x08" in parsed.text and "\x9b" in parsed.text
    assert parsed.title.startswith("\x1b[2J\x1b[31mRed alert")


def test_date_marker_with_an_impossible_date_is_removed_without_a_date() -> None:
    parsed = parse_text(" date 2022-13-45 The vote was held on Monday. It passed.")
    assert parsed.date is None
    assert parsed.text == "The vote was held on Monday. It passed."


def test_date_marker_on_its_own_line() -> None:
    parsed = parse_text(" date 2024-02-29 \n\nLeap day brought snow. Schools closed.")
    assert parsed.date == "2024-02-29"
    assert parsed.text == "Leap day brought snow. Schools closed."


def test_date_word_in_prose_is_not_a_marker() -> None:
    parsed = parse_text("The date 2022-03-18 was chosen. Nobody objected.")
    assert parsed.date is None
    assert parsed.text.startswith("The date 2022-03-18")


def test_source_must_be_the_last_line() -> None:
    parsed = parse_text("Source: Early Line\nThe story itself. It goes on.\n")
    assert parsed.source is None
    assert parsed.text.startswith("Source: Early Line")


def test_caption_credit_patterns() -> None:
    for credit in ("Photo: Jane Roe", "Getty Images", "Chip Smith/Getty Images", "REUTERS/Al Doe"):
        parsed = parse_text(f"A crowd gathers outside the courthouse on Monday.{credit}\n\nBody.")
        assert parsed.caption == f"A crowd gathers outside the courthouse on Monday. {credit}"
        assert parsed.text == "Body."


def test_ordinary_first_paragraph_is_not_a_caption() -> None:
    parsed = parse_text("The U.S.A. team won. Fans cheered.\n\nMore later.")
    assert parsed.caption is None
    assert parsed.text.startswith("The U.S.A. team won.")


def test_caption_alone_is_body_text() -> None:
    parsed = parse_text("A crowd gathers outside on Monday.Jane Roe/Reuters")
    assert parsed.caption is None
    assert parsed.text == "A crowd gathers outside on Monday.Jane Roe/Reuters"


def test_nothing_but_a_source_line_has_no_text() -> None:
    with pytest.raises(UnreadableFile) as caught:
        load_file(BAD / "source_only.txt")
    assert str(caught.value) == "source_only.txt has no text to read."
    with pytest.raises(UnreadableFile, match="The document has no text to read."):
        parse_text(" date 2022-01-01 ")


def test_fallback_title_when_no_words() -> None:
    assert parse_text("***", fallback_title="My notes").title == "My notes"


def test_readable_stem() -> None:
    assert readable_stem(Path("my-reading_notes.txt")) == "My reading notes"
    assert readable_stem(Path("___.txt")) == "Untitled"


# --- Markdown -----------------------------------------------------------------------------


def test_markdown_front_matter() -> None:
    parsed = load_file(DOCS / "front_matter.md")
    assert parsed.title == "Reading Notes: The Long Winter"
    assert parsed.source == "Field Journal"
    assert parsed.date == "2021-11-05"
    assert parsed.caption is None
    assert paragraphs(parsed) == [
        "The first chapter sets the scene in a snowed-in village.",
        "the baker runs out of flour",
        "the school closes for a month",
        "    code stays as it is",
    ]
    assert [span.kind for span in parsed.structure.spans] == [
        Kind.LIST_ITEM,
        Kind.LIST_ITEM,
        Kind.PREFORMATTED,
    ]


def test_markdown_heading_title() -> None:
    parsed = load_file(DOCS / "heading.md")
    assert parsed.title == "Garden Plans for Spring"
    assert paragraphs(parsed) == [
        "Some intro text before the heading.",
        "Vegetables",
        "Plant peas early, beans after the last frost. Keep the tomatoes against the south wall.",
    ]


def test_markdown_front_matter_quoting_and_bad_date() -> None:
    raw = "---\ntitle: 'It''s # here'\nsource: Daily # a comment\ndate: 2021-02-30\n---\nText."
    parsed = parse_text(raw, markdown=True)
    assert parsed.title == "It's # here"
    assert parsed.source == "Daily"
    assert parsed.date is None
    assert parsed.text == "Text."


def test_markdown_front_matter_author_site_and_address() -> None:
    raw = (
        "---\ntitle: Tides\nauthor: '  Ada   Marsh '\nsite: The Coastal Gazette\n"
        "url: https://example.org/tides\nlang: en_gb\n---\nText."
    )
    parsed = parse_text(raw, markdown=True)
    assert parsed.language == "en-GB"
    assert (parsed.author, parsed.source, parsed.url) == (
        "Ada Marsh",
        "The Coastal Gazette",
        "https://example.org/tides",
    )
    local = parse_text(
        "---\nurl: javascript:alert(1)\nsource: Own\nsite: Other\n---\nA.", markdown=True
    )
    assert local.url is None and local.source == "Own"  # only web addresses; source first
    assert local.language is None


def test_markdown_heading_inside_code_is_not_a_title() -> None:
    parsed = parse_text("```\n# not a title\n```\n\nReal *text* here. More.", markdown=True)
    assert parsed.title == "# not a title"  # the first sentence of the first block
    parsed = parse_text("- **Buy** milk today. Later.\n", markdown=True)
    assert parsed.title == "Buy milk today"


def test_markdown_lines_join_as_markdown_joins_them_but_code_keeps_its_lines() -> None:
    raw = "# T\n\nline one of a fairly ordinary paragraph\nline two of it\n\n    a\n    b\n"
    assert parse_text(raw, markdown=True).text == (
        "line one of a fairly ordinary paragraph line two of it\n\na\nb"
    )


# --- Bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.txt", "empty.txt is empty."),
        ("blank.txt", "blank.txt has nothing but blank space in it."),
        ("image.png", "image.png looks like a binary file, not text."),
        ("nul_bytes.txt", "nul_bytes.txt looks like a binary file, not text."),
        (
            "undecodable.txt",
            "undecodable.txt could not be decoded as text in any known encoding.",
        ),
    ],
)
def test_unreadable_files(name: str, message: str) -> None:
    with pytest.raises(UnreadableFile) as caught:
        load_file(BAD / name)
    assert str(caught.value) == message


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_file(tmp_path / "gone.txt")
    assert str(caught.value) == "gone.txt does not exist."
    assert isinstance(caught.value.__cause__, FileNotFoundError)
    with pytest.raises(UnreadableFile) as caught:
        read_file(tmp_path)
    assert str(caught.value) == f"{tmp_path.name} is a folder, not a file."


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(140 * 1024 * 1024)  # sparse: takes no room on disk
    with pytest.raises(UnreadableFile) as caught:
        read_file(huge)
    assert str(caught.value) == "huge.txt is 140 MB; newsreader reads documents up to 100 MB."
    assert MAX_BYTES == 100 * 1024 * 1024


def test_size_is_checked_again_after_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = tmp_path / "small.txt"
    small.write_text("hello")
    monkeypatch.setattr(textfile, "MAX_BYTES", 4)
    with pytest.raises(UnreadableFile, match="small.txt is 1 MB"):
        read_file(small)


def test_one_line_of_several_megabytes_is_imported(tmp_path: Path) -> None:
    big = tmp_path / "one_line.txt"
    big.write_text("All work and no play. " * 250_000)  # 5.5 MB, no newline
    parsed = load_file(big)
    assert parsed.title == "All work and no play"
    assert "\n" not in parsed.text
    assert len(parsed.text) == len("All work and no play. " * 250_000) - 1


def test_decode_utf16_without_bom() -> None:
    text = "Plain words in UTF-16.\n"
    assert decode_bytes(text.encode("utf-16-le"), "a.txt") == text
    assert decode_bytes(text.encode("utf-16-be"), "a.txt") == text


def test_decode_utf32_with_bom() -> None:
    assert decode_bytes("Wide text.".encode("utf-32"), "a.txt") == "Wide text."


def test_decode_prefers_cp1252_over_latin1() -> None:
    data = "A “quoted” word — and naïve café.".encode("cp1252")
    assert b"\x93" in data
    assert decode_bytes(data, "a.txt") == "A “quoted” word — and naïve café."


def test_decode_damaged_utf8_keeps_the_rest() -> None:
    data = "Café “déjà vu” — naïve résumé. ".encode() + b"\xe2\x80"  # cut mid-character
    assert decode_bytes(data, "a.txt") == "Café “déjà vu” — naïve résumé. \ufffd"


def test_decode_other_legacy_encodings() -> None:
    russian = "Привет, как дела? Это небольшой текст на русском языке.\n" * 3
    assert decode_bytes(russian.encode("cp1251"), "a.txt") == russian
    japanese = "こんにちは世界。日本語の文章です。\n" * 3
    assert decode_bytes(japanese.encode("shift_jis"), "a.txt") == japanese


def test_decode_mostly_utf8_with_other_code_pages_keeps_the_utf8() -> None:
    """A file pieced together from UTF-8 and cp1252 (and cp1253) reads as UTF-8 where it
    is UTF-8, the other bytes marked, rather than all in one wrong code page ("CafĂ©")."""
    with_greek = (
        "Café Society\n\n".encode()
        + "Il a dit “bonjour” à tous, ".encode("cp1252")
        + "και είπε γεια σου.\n".encode("cp1253")
    )
    assert decode_bytes(with_greek, "a.txt") == (
        "Café Society\n\nIl a dit \ufffdbonjour\ufffd \ufffd tous, "
        "\ufffd\ufffd\ufffd \ufffd\ufffd\ufffd\ufffd \ufffd\ufffd\ufffd\ufffd "
        "\ufffd\ufffd\ufffd.\n"
    )
    western_only = "Café Society\n\nThe menu. ".encode() + "“Merci” à vous.\n".encode("cp1252")
    assert decode_bytes(western_only, "a.txt").startswith("Café Society\n")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        # "ß…" and "ß’" are also two bytes of UTF-8 (U+07C5, U+07D2): chance, not UTF-8.
        ("Grüße aus Köln: „Straße“, Fuß… Maß’ ÄÖÜ äöü ß.\n", "cp1252"),
        # "её" is also UTF-8 "ţ"; "ΟΆ" is also UTF-8 "Ϣ".
        ("Plain words. Я видел её вчера. Всё хорошо, объём, подъезд.\n", "koi8_r"),
        ("Plain words. Η Ελλάδα είναι χώρα της Ευρώπης. «Καλημέρα», είπε. ΟΆΈΉ.\n", "cp1253"),
    ],
)
def test_decode_legacy_text_that_holds_a_chance_utf8_sequence(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode_bytes(data, "a.txt") == text


def test_messages_name_the_file_as_the_user_gave_it(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(UnreadableFile, match="^typed/empty.txt is empty.$"):
        read_file(tmp_path / "empty.txt", shown_as="typed/empty.txt")
    with pytest.raises(UnreadableFile, match="^/dev/stdin is not a regular file.$"):
        load_file(Path("/dev/null"), shown_as="/dev/stdin")


def test_decode_keeps_a_stray_nul_and_escapes() -> None:
    data = b"Hello\x00 world \x1b[1mbold\x1b[0m [bold]x[/bold]\n"
    assert decode_bytes(data, "a.txt") == "Hello\x00 world \x1b[1mbold\x1b[0m [bold]x[/bold]\n"


def test_decode_refuses_control_heavy_data() -> None:
    with pytest.raises(UnreadableFile, match="a.bin looks like a binary file, not text."):
        decode_bytes(b"ab\x01\x02\x03\x04\x05\x06cd" * 10, "a.bin")


def test_decode_normalises_line_endings_and_bom() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + b"a\r\nb\rc\n", "a.txt") == "a\nb\nc\n"


def test_every_refusal_is_one_sentence(tmp_path: Path) -> None:
    names = ["empty.txt", "blank.txt", "image.png", "nul_bytes.txt", "undecodable.txt"]
    for path in [*(BAD / name for name in names), tmp_path, tmp_path / "missing.txt"]:
        with pytest.raises(UnreadableFile) as caught:
            load_file(path)
        assert one_sentence(str(caught.value)), str(caught.value)


# --- Properties ---------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        " date 2022-03-18 ",
        " date 2022-13-45 ",
        "Source: Wire",
        "Title line",
        "\n",
        "\n\n",
        "\r\n",
        "\r",
        "   ",
        "\t",
        "Mr. Smith said so. ",
        "on Nov. 15, 2021.Jane Roe/Reuters",
        "---\n",
        "title: x\n",
        "# Heading\n",
        "```\n",
        "    indented line\n",
        "a short wrapped line of prose that goes on\n",
        "word-\n",
        "\ufeff",
        "\x1b[31m",
        "[bold]",
        "\x00",
        "\u2028",
        "…",
        "“",
        ".",
    ]
)
_RAW = st.lists(_PIECES | st.text(max_size=12), max_size=30).map("".join) | st.text()


@settings(max_examples=400, deadline=None)
@given(_RAW, st.booleans())
def test_parse_text_only_raises_unreadable_and_returns_clean_text(raw: str, markdown: bool) -> None:
    try:
        parsed = parse_text(raw, markdown=markdown)
    except UnreadableFile as err:
        assert one_sentence(str(err))
        return
    assert parsed.text
    assert parsed.text == parsed.text.strip()
    assert "\r" not in parsed.text
    assert parsed.title and "\n" not in parsed.title
    spans = paragraph_spans(parsed.text)
    # (a Markdown code block may start its lines with spaces, which a paragraph does not)
    blocks = parsed.text.split("\n\n")
    assert [parsed.text[a:b] for a, b in spans] == [b.strip() if markdown else b for b in blocks]
    if parsed.date is not None:
        assert len(parsed.date) == 10
