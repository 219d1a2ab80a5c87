"""Properties over random rows: whatever the text, every printed line fits the paper, the
decoder reads the job back, and no character is lost or added on the way."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from core.hardware.codepages import CODE_PAGES
from core.hardware.settings import PrinterProfile
from devices.escpos import decode, items_job
from devices.escpos.text import printable
from devices.receipts.layout import (
    BODY,
    BODY_BOLD,
    CHANGE,
    INDENT,
    STORE_NAME,
    TITLE,
    TOTAL,
    Banner,
    Barcode,
    Item,
    QrCode,
    Row,
    Rule,
    Space,
)
from tests.devices.escpos.samples import NARROW, WIDE

# Accents, signs with and without stand-ins, wide (East Asian) and combining characters,
# control characters and odd spaces, alongside plain letters.
ODD = "éÉüßøØŁłőŐ€£¥₩₹—“”…×ΩДж漢字한글\u0301\u0308\u200b\u00a0\t\r\n\x07"
letters = st.text(alphabet=st.sampled_from("abcXYZ019 -/.$" + ODD), max_size=40)
long_words = st.text(alphabet=st.sampled_from("abcdefghij-/€漢"), min_size=30, max_size=120)
texts = st.one_of(letters, long_words, st.lists(letters | long_words, max_size=4).map(" ".join))
amounts = st.one_of(
    st.just(""),
    st.integers(-(10**9), 10**9).map(lambda n: f"${n / 100:,.2f}"),
    texts,
)
styles = st.sampled_from([BODY, BODY_BOLD, STORE_NAME, TITLE, TOTAL, CHANGE])
rows = st.builds(
    Row,
    left=texts,
    right=amounts,
    style=styles,
    indent=st.sampled_from([0.0, INDENT]),
    centred=st.booleans(),
)
ascii_values = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1)
items = st.one_of(
    rows,
    st.just(Rule()),
    st.floats(0, 20).map(Space),
    texts.map(Banner),
    ascii_values.map(lambda value: Barcode(value[:60])),
    ascii_values.map(lambda value: QrCode(value[:300])),
)
profiles = st.builds(
    lambda paper, codec: replace(paper, code_page=codec),
    st.sampled_from([WIDE, NARROW]),
    st.sampled_from([page.codec for page in CODE_PAGES]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(items, max_size=12), profiles)
def test_every_printed_line_fits_and_the_job_reads_back(
    job_items: list[Item], profile: PrinterProfile
) -> None:
    out = decode(items_job(job_items, profile))

    assert all(line.cells <= profile.columns for line in out.lines)
    assert out.cuts == 1
    assert out.code_page == profile.code_page
    expected_codes = [item.value for item in job_items if isinstance(item, QrCode)]
    assert list(out.qr_codes) == expected_codes


@settings(max_examples=300, deadline=None)
@given(rows, profiles)
def test_a_row_prints_every_character_it_has_and_no_other(
    row: Row, profile: PrinterProfile
) -> None:
    out = decode(items_job([row], replace(profile, feed_lines=0, cut=False)))

    def characters(text: str) -> list[str]:
        return sorted("".join(text.split()))

    wanted = printable(row.left, profile.code_page)
    if not row.centred:
        wanted += printable(row.right, profile.code_page)
    assert characters(out.text) == characters(wanted)
    assert all(line.cells <= profile.columns for line in out.lines)
