"""The media summary is for the public: whatever people typed — in the statement, messages, the
merchant's reasons, evidence descriptions, their own edited facts — no full phone number or ID
number survives, nor the consumer's name, address or order number."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongdao.dossiers import content, masking
from gongdao.dossiers.snapshot import Complainant
from gongdao.policy.calendar import WorkingCalendar
from tests.dossiers.records import TODAY, record

CALENDAR = WorkingCalendar()

phones = st.from_regex(r"1[3-9]\d{9}", fullmatch=True)
ids = st.from_regex(r"[1-6]\d{5}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d)\d{3}[\dX]", fullmatch=True)
filler = st.text(
    alphabet=st.sampled_from("我的电话是号码联系身份证 ,.:：，。-()abcXYZ0123456789\n"), max_size=12
)


def formatted_phone(draw, phone: str) -> str:
    style = draw(st.sampled_from(["plain", "spaced", "hyphen"]))
    if style == "spaced":
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    if style == "hyphen":
        return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
    return phone


@st.composite
def secrets_in_text(draw):
    phone, id_number = draw(phones), draw(ids)
    pieces = [draw(filler), formatted_phone(draw, phone), draw(filler), id_number, draw(filler)]
    order = draw(st.permutations(range(len(pieces))))
    return phone, id_number, "".join(pieces[i] for i in order)


def everything_public(d: content.Dossier) -> str:
    parts = [d.title, d.summary_title, d.summary, d.facts_text]
    for block in d.blocks:
        parts += [*block.paragraphs, *block.numbered, *(f"{k}{v}" for k, v in block.rows)]
    parts += [e.description for e in d.evidence]
    return "\n".join(parts)


def digits_only_runs(text: str) -> list[str]:
    """Every run of digits joined across single spaces and hyphens (how a reader reads them)."""
    return [re.sub(r"[ \-]", "", m) for m in re.findall(r"\d(?:[ \-]?\d)*", text)]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    statement=secrets_in_text(),
    message=secrets_in_text(),
    reason=secrets_in_text(),
    description=secrets_in_text(),
    own_phone=phones,
    own_id=ids,
    edited=st.booleans(),
)
def test_media_summary_leaves_no_full_phone_or_id_number(
    statement, message, reason, description, own_phone, own_id, edited
):
    secrets = [own_phone, own_id]
    for phone, id_number, _text in (statement, message, reason, description):
        secrets += [phone, id_number]
    rec = record(
        statement=statement[2],
        messages=(("consumer", message[2]), ("merchant_staff", reason[2])),
        reject_reason=reason[2],
        evidence_description=description[2],
        complainant=Complainant(
            "U-1", "欧阳娜娜", own_phone, "浙江省杭州市西湖区文三路 90 号 5 幢 1201 室", own_id
        ),
    )
    facts = f"{statement[2]}\n{message[2]}" if edited else ""
    d = content.build(rec, "media", content.Inputs(facts_text=facts, today=TODAY), CALENDAR)
    public = everything_public(d)
    runs = digits_only_runs(public)
    for secret in secrets:
        assert secret not in public
        assert not any(secret in run for run in runs), secret
    for personal in ("欧阳娜娜", "文三路 90 号", "TB20250303123456"):
        assert personal not in public


@given(phone=phones, before=filler, after=filler)
def test_scrub_masks_long_numbers_but_keeps_dates(phone, before, after):
    text = f"2025-03-01 {before}{phone}{after} 2025年3月2日"
    out = masking.scrub(text)
    assert phone not in out
    assert out.startswith("2025-03-01 ") and out.endswith(" 2025年3月2日")


def test_known_values_are_masked_partly():
    mask = masking.Masker(names=["王小明"], phones=["13812345678"], codes=["TB20250303123456"])
    assert mask("王小明 13812345678 TB20250303123456") == "王** 138****5678 TB************56"
