"""Translations: every string has Chinese, the compiled catalogs match their .po files (so an
install without gettext tools still shows Chinese), and every code the product shows has words."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from gongdao import codes
from gongdao.cases import workflow
from gongdao.policy.document import DEADLINE_KINDS
from gongdao.web import labels

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "gongdao"
LOCALE = PACKAGE / "locale"
# The project catalog and any app that keeps its own (e.g. notify/locale): all are checked.
CATALOGS = sorted(PACKAGE.glob("**/locale/*/LC_MESSAGES/*.po"))


def test_there_is_a_chinese_catalog():
    assert LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po" in CATALOGS


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_compiled_catalog_matches_its_po_file(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run compilemessages"
    po = polib.pofile(str(po_path))
    mo = polib.mofile(str(mo_path))

    def key(entry):
        return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")

    def value(entry):
        return entry.msgstr or tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))

    wanted = {key(e): value(e) for e in po.translated_entries() if not e.obsolete}
    compiled = {key(e): value(e) for e in mo if e.msgid}
    assert compiled == wanted, "the .mo is out of date with the .po: run compilemessages"


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_string_is_translated(po_path):
    po = polib.pofile(str(po_path))
    missing = [e.msgid for e in po.untranslated_entries() if not e.obsolete]
    fuzzy = [e.msgid for e in po.fuzzy_entries() if not e.obsolete]
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_chinese_is_the_default_and_english_follows_the_switch(db, client):
    page = client.get("/login/").content.decode()
    assert "登录" in page
    client.post("/language/", {"language": "en"})
    page = client.get("/login/").content.decode()
    assert "Log in" in page and "登录" not in page


def test_every_action_has_a_button_label():
    assert set(workflow.ACTIONS) <= set(labels.ACTIONS)


def test_every_action_and_event_has_a_timeline_entry():
    assert set(workflow.ACTIONS) - {"alert"} <= set(labels.EVENTS)


def test_every_status_has_a_tone_and_icon():
    assert set(codes.STATUSES) == set(labels.STATUS_TONES)


def test_every_issue_remedy_and_evidence_kind_has_plain_words():
    assert set(codes.ISSUE_TYPES) == set(labels.ISSUE_HINTS)
    assert set(codes.REMEDIES) == set(labels.REMEDY_HINTS)
    assert set(codes.EVIDENCE_KINDS) == set(labels.EVIDENCE_ADVICE)


def test_every_deadline_kind_and_remedy_step_has_a_label():
    from gongdao.cases.effects import STEPS

    assert set(DEADLINE_KINDS) == set(labels.DEADLINES)
    assert {step for steps in STEPS.values() for step in steps} == set(labels.STEPS)


def test_every_role_has_an_actor_label():
    assert set(codes.ROLES) <= set(labels.ACTOR_ROLES)
