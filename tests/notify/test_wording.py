"""Every code a notice can describe has its sentence (docs that cannot rot), and the notify
catalog is complete and compiled."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest

from gongdao import codes
from gongdao.cases import workflow
from gongdao.cases.effects import STEP_DEADLINES
from gongdao.notify import categories, wording
from gongdao.notify.compose import _duration
from gongdao.policy.document import DEADLINE_KINDS, EXPIRY_ACTIONS

CATALOG = Path(__file__).parents[2] / "src/gongdao/notify/locale/zh_Hans/LC_MESSAGES"


def test_every_workflow_action_says_what_happened():
    assert set(wording.HAPPENED) == set(workflow.ACTIONS)
    assert set(wording.SYSTEM_HAPPENED) <= set(workflow.ACTIONS)


def test_every_deadline_kind_has_a_label_and_a_reminder_sentence():
    assert set(wording.DEADLINE_LABELS) == set(DEADLINE_KINDS)
    assert set(wording.DEADLINE_TODO) == set(DEADLINE_KINDS)
    assert set(wording.CONSEQUENCE) == set(EXPIRY_ACTIONS) - {"none"}
    assert set(wording.STEP_TODO) == set(STEP_DEADLINES)


def test_every_event_type_has_a_category():
    people_hear = set(codes.EVENT_TYPES) - categories.NOT_FOR_PEOPLE
    assert set(categories.TYPE_CATEGORY) == people_hear
    assert set(categories.TYPE_CATEGORY.values()) <= set(categories.CATEGORIES)
    assert {"your_move", "decisions", "sla_alerts"} == categories.MANDATORY


@pytest.mark.parametrize(("seconds", "text"), [(86400, "1 day"), (2 * 86400, "2 days"), (7200, "2 hours")])
def test_durations(seconds, text):
    from django.utils import translation

    with translation.override("en"):
        assert _duration(seconds) == text


def _entries(catalog) -> dict:
    return {
        (e.msgctxt, e.msgid): e.msgstr or tuple(sorted(e.msgstr_plural.items()))
        for e in catalog
        if e.msgid and not e.obsolete
    }


def test_catalog_is_complete_and_compiled():
    po = polib.pofile(str(CATALOG / "django.po"))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert _entries(polib.mofile(str(CATALOG / "django.mo"))) == _entries(po), (
        "django.mo is out of date: run msgfmt -o django.mo django.po in " + str(CATALOG)
    )


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools not installed")
def test_catalog_has_every_string_of_the_app(tmp_path, monkeypatch, settings):
    """makemessages run afresh over a copy of the app finds no string the catalog lacks."""
    from django.core.management import call_command

    app = Path(__file__).parents[2] / "src/gongdao/notify"
    copy = tmp_path / "notify"
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["zh_Hans"], no_location=True, verbosity=0)
    fresh = polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))
    committed = polib.pofile(str(CATALOG / "django.po"))
    assert set(_entries(fresh)) - set(_entries(committed)) == set()
