"""The policy schema: every deadline kind in the default and every profile; malformed documents
are refused with the key path (and the line for syntax errors)."""

import re
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.utils import translation

from gongdao.cases import effects, workflow
from gongdao.policy import diff, document
from gongdao.policy.document import DEADLINE_KINDS, EXPIRY_CHOICES, PROFILES, PolicyError
from tests.policy.conftest import edited

pytestmark = [pytest.mark.unit, pytest.mark.usefixtures("english")]

CASES_SRC = Path(__file__).resolve().parents[2] / "src" / "gongdao" / "cases"


def _workflow_deadline_kinds() -> set[str]:
    """Every deadline kind the cases app starts or checks, read from its source."""
    source = "\n".join(p.read_text("utf-8") for p in CASES_SRC.glob("*.py"))
    kinds = set(re.findall(r'starts\.append\(\("(\w+)"', source))
    kinds |= set(re.findall(r'deadline\("(\w+)"\)', source))
    kinds |= set(re.findall(r'window_end\(move, "(\w+)"', source))
    kinds |= set(re.findall(r'\bkind = "(\w+)"', source))
    kinds |= {kind for kind, _party in effects.STEP_DEADLINES.values()}
    return kinds


def test_the_schema_knows_every_deadline_kind_of_the_workflow():
    assert _workflow_deadline_kinds() == set(DEADLINE_KINDS)


def test_every_deadline_kind_has_a_value_in_the_default_policy():
    policy = document.default()
    for kind in DEADLINE_KINDS:
        spec = policy.deadline(kind)
        assert spec.amount > 0 and spec.unit in document.UNITS, kind
        assert spec.on_expiry in EXPIRY_CHOICES[kind], kind


@pytest.mark.parametrize("name", PROFILES)
def test_every_profile_is_a_full_policy_with_its_sources(name):
    profile = document.profile(name)
    assert profile.profile == name
    assert "check against the platform's current rules" in profile.note.lower()
    assert profile.sources and all("DOMAIN.md §" in s or "DESIGN.md" in s for s in profile.sources)
    assert set(profile.deadlines) == set(DEADLINE_KINDS)
    assert profile.statement_max_chars == 500
    assert profile.rules
    text = document.profile_text(name)
    assert "CHECK AGAINST THE PLATFORM'S CURRENT RULES" in text
    # every deadline table carries its source in a comment
    assert len(re.findall(r"^\[deadlines\.\w+\]\s+# \S", text, re.M)) == len(DEADLINE_KINDS)


def test_profiles_carry_domain_section_4_timers():
    jd, taobao, wechat = document.profile("jd"), document.profile("taobao"), document.profile("wechat_store")
    extra = jd.deadline("extra_evidence")
    assert (extra.unit, extra.amount, extra.opens, extra.closes) == ("working_hours", 4, time(9), time(18))
    assert jd.deadline("evidence_period").delta() == timedelta(hours=24)
    assert jd.deadline("consumer_reply").delta() == timedelta(days=15)
    assert jd.deadline("decision_execution").delta() == timedelta(hours=24)
    assert jd.escalation.after_silence and jd.deadline("escalate_after_silence").delta() == timedelta(
        hours=24
    )
    assert taobao.deadline("merchant_response").on_expiry == "accept"
    assert taobao.deadline("merchant_response").delta() == timedelta(days=5)
    assert not taobao.escalation.after_silence
    assert wechat.deadline("consumer_reply").delta() == timedelta(days=7)
    for name in PROFILES:
        assert document.profile(name).pause.max_days == 30
        assert document.profile(name).appeal.max_appeals == 1


def test_expiry_actions_are_actions_the_system_may_perform():
    for kind, choices in EXPIRY_CHOICES.items():
        for action in choices:
            if action == "none":
                continue
            assert any("system" in t.sides for t in workflow.transitions_for(action)), (kind, action)


@pytest.mark.parametrize(
    ("replacements", "path"),
    [
        (
            (('hours = 48\non_expiry = "escalate"', 'hours = 0\non_expiry = "escalate"'),),
            "deadlines.merchant_response.hours",
        ),
        (
            (('hours = 48\non_expiry = "escalate"', 'hours = "48"\non_expiry = "escalate"'),),
            "deadlines.merchant_response.hours",
        ),
        (
            (('hours = 48\non_expiry = "escalate"', 'hours = 48\non_expiry = "close"'),),
            "deadlines.merchant_response.on_expiry",
        ),
        (
            (('hours = 48\non_expiry = "escalate"', 'hours = 48\ndays = 2\non_expiry = "escalate"'),),
            "deadlines.merchant_response",
        ),
        ((("[deadlines.rating_window]", "[deadlines.rating_windows]"),), "deadlines.rating_windows"),
        (
            (("[deadlines.rating_window]      ", "[deadlines.x]\nhours = 1\n[deadlines.rating_window]"),),
            "deadlines.x",
        ),
        (
            (
                (
                    "hours = 48                         # written",
                    'working_hours = 4\nopens = "9am"                         # written',
                ),
            ),
            "deadlines.extra_evidence.opens",
        ),
        (
            (
                (
                    "hours = 48                         # written",
                    'working_hours = 4\nopens = "18:00"\ncloses = "09:00"  # written',
                ),
            ),
            "deadlines.extra_evidence.closes",
        ),
        (
            (("hours = 48                         # written", 'hours = 48\nopens = "09:00"  # written'),),
            "deadlines.extra_evidence.opens",
        ),
        ((("max_chars = 500", "max_chars = -1"),), "statements.max_chars"),
        (
            (('remedies = ["refund_only", "resend"]', 'remedies = ["refund_only", "teleport"]'),),
            "issues.not_received.remedies[1]",
        ),
        ((("after_silence = true", 'after_silence = "yes"'),), "escalation.after_silence"),
        ((('refund_cap = "paid"', 'refund_cap = "unlimited"'),), "money.refund_cap"),
        ((("max_appeals = 1", "max_appeals = 2"),), "appeal.max_appeals"),
        ((('parties = ["consumer", "merchant"]', 'parties = ["consumer", "agent"]'),), "appeal.parties[1]"),
        ((("max_days = 30", "max_days = 0"),), "pause.max_days"),
        (
            (('merchant_response = ["24h", "2h"]', 'merchant_response = ["3d"]'),),
            "reminders.merchant_response[0]",
        ),
        (
            (('merchant_response = ["24h", "2h"]', 'merchant_response = ["24h", "soon"]'),),
            "reminders.merchant_response[1]",
        ),
        (
            (('merchant_response = ["24h", "2h"]', 'merchant_response = ["2h", "120m"]'),),
            "reminders.merchant_response[1]",
        ),
        ((('consumer_reply = ["2d"]', 'rating_window = ["2d"]'),), "reminders.rating_window"),
        ((('id = "R-2.1"', 'id = "R-1.1"'),), "rules[1].id"),
        ((('id = "R-2.1"', 'id = "2.1"'),), "rules[1].id"),
        ((('text_en = "A platform decision', 'text_fr = "A platform decision'),), "rules[12].text_fr"),
        ((('title_zh = "裁决"\n', ""),), "rules[12].title_zh"),
        ((('version = "default-2026.1"', 'version = "default 2026"'),), "policy.version"),
        ((("[policy]\n", '[policy]\nprofile = "amazon"\n'),), "policy.profile"),
        ((("[policy]\n", 'colour = "red"\n[policy]\n'),), "colour"),
    ],
)
def test_a_malformed_document_names_the_key_path(replacements, path):
    with pytest.raises(PolicyError) as raised:
        document.parse(edited(*replacements))
    assert raised.value.path == path
    assert str(raised.value).startswith(f"{path}: ")


def test_a_missing_deadline_kind_is_refused():
    text = re.sub(
        r"^\[deadlines\.rating_window\].*?(?=^\[)", "", document.default_text(), count=1, flags=re.S | re.M
    )
    with pytest.raises(PolicyError) as raised:
        document.parse(text)
    assert raised.value.path == "deadlines.rating_window"
    assert "missing table" in str(raised.value)


def test_a_syntax_error_names_the_line():
    lines = document.default_text().splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith("hours = 24"))
    lines[number - 1] = "hours = 24 hours"
    with pytest.raises(PolicyError) as raised:
        document.parse("\n".join(lines))
    assert raised.value.line == number
    assert str(raised.value).startswith(f"line {number}: TOML syntax error")


def test_working_hours_clock_with_its_default_hours():
    text = edited(
        ("hours = 48                         # written", "working_hours = 4  # written"),
        ('extra_evidence = ["12h"]', 'extra_evidence = ["1h"]'),
    )
    spec = document.parse(text).deadline("extra_evidence")
    assert (spec.unit, spec.amount, spec.opens, spec.closes) == ("working_hours", 4, time(9), time(18))
    assert spec.delta() is None
    with translation.override("en"):
        assert spec.describe() == "4 working hours (09:00–18:00)"


def test_a_reminder_must_fall_inside_a_working_hours_deadline():
    text = edited(("hours = 48                         # written", "working_hours = 4  # written"))
    with pytest.raises(PolicyError) as raised:
        document.parse(text)
    assert raised.value.path == "reminders.extra_evidence[0]"


def test_reminder_offsets_earliest_first():
    policy = document.default()
    assert policy.reminder_offsets("merchant_response") == [timedelta(hours=24), timedelta(hours=2)]
    assert policy.reminder_offsets("return_shipment") == [timedelta(days=1)]
    assert policy.reminder_offsets("appeal_window") == [timedelta(days=2)]
    assert policy.reminder_offsets("assignment_sla") == []
    with pytest.raises(KeyError):
        policy.reminder_offsets("no_such_kind")
    mixed = document.parse(
        edited(('merchant_response = ["24h", "2h"]', 'merchant_response = ["30m", "1d", "3h"]'))
    )
    assert mixed.reminder_offsets("merchant_response") == [
        timedelta(days=1),
        timedelta(hours=3),
        timedelta(minutes=30),
    ]


def test_rule_catalogue_in_both_languages():
    policy = document.default()
    rule = policy.rule("R-3.1")
    assert rule.title("en") == "Evidence period" and rule.title("zh-hans") == "举证期"
    assert "3 days" in rule.text("en") and "3 日" in rule.text("zh-hans")
    assert list(policy.rules)[:3] == ["R-1.1", "R-2.1", "R-2.2"]
    assert all(r.text_zh and r.text_en and r.title_zh and r.title_en for r in policy.rules.values())


def test_optional_sections_take_their_documented_defaults():
    text = document.default_text()
    for section in ("escalation", "money", "appeal", "pause", "reminders"):
        text = re.sub(rf"^\[{section}\].*?(?=^\[)", "", text, count=1, flags=re.S | re.M)
    text = text[: text.index("[[rules]]")]
    policy = document.parse(text)
    assert policy.escalation == document.Escalation(True, True, True)
    assert policy.money.refund_cap == "paid"
    assert policy.appeal.max_appeals == 1 and policy.appeal.parties == ("consumer", "merchant")
    assert (policy.pause.max_days, policy.pause.proof_working_days) == (30, 7)
    assert policy.reminder_offsets("merchant_response") == []
    assert policy.rules == {}


def test_escalation_and_appeal_rules():
    policy = document.parse(
        edited(
            ("after_refusal = true", "after_refusal = false"),
            ('parties = ["consumer", "merchant"]', 'parties = ["consumer"]'),
        )
    )
    assert policy.escalation.allows("awaiting_merchant") and not policy.escalation.allows("awaiting_consumer")
    assert not policy.escalation.allows("under_review")
    assert policy.appeal.may_appeal("consumer") and not policy.appeal.may_appeal("merchant")
    closed = document.parse(edited(("max_appeals = 1", "max_appeals = 0")))
    assert not closed.appeal.may_appeal("consumer")


def test_diff_names_changed_added_and_removed_settings():
    changes = {c.path: c for c in diff.changes(document.default_text(), document.profile_text("jd"))}
    assert (
        changes["deadlines.consumer_reply.days"].old == 7
        and changes["deadlines.consumer_reply.days"].new == 15
    )
    assert changes["deadlines.extra_evidence.hours"].kind == "removed"
    assert changes["deadlines.extra_evidence.working_hours"].kind == "added"
    assert str(changes["deadlines.consumer_reply.days"]) == "~ deadlines.consumer_reply.days: 7 → 15"
    assert changes["rules[R-3.1].title_en"].kind == "removed"
    assert changes["rules[R-1].title_en"].kind == "added"
    assert diff.changes(document.default_text(), document.default_text()) == []
