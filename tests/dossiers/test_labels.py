"""Every case event the outside-help and law apps write has words on the case page, in the console
and (for the dates the regulations set) in reminders; English and Chinese."""

from __future__ import annotations

from django.utils import translation

from gongdao.console import labels as console_labels
from gongdao.dossiers import actions, regulations
from gongdao.law import casefacts
from gongdao.notify import wording
from gongdao.web import labels as web_labels

EVENT_TYPES = (*actions.EVENT_TYPES, casefacts.EVENT_TYPE)


def test_every_dossier_and_law_event_type_has_a_timeline_label():
    for event_type in EVENT_TYPES:
        assert event_type in web_labels.EVENTS, event_type
        assert console_labels.event_label(event_type) != event_type, event_type


def chinese(text) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(text))


def test_the_labels_are_translated():
    with translation.override("zh-hans"):
        for event_type in EVENT_TYPES:
            assert chinese(web_labels.EVENTS[event_type]), event_type
            assert chinese(console_labels.event_label(event_type)), event_type
        for kind in regulations.KINDS:
            assert chinese(wording.OUTSIDE_DEADLINE_LABELS[kind]) and chinese(
                wording.OUTSIDE_DEADLINE_TODO[kind]
            )


def test_every_referral_date_has_a_reminder_label_and_what_to_do():
    assert set(wording.OUTSIDE_DEADLINE_LABELS) == set(regulations.KINDS)
    assert set(wording.OUTSIDE_DEADLINE_TODO) == set(regulations.KINDS)
    assert not set(regulations.KINDS) & set(wording.DEADLINE_LABELS)


def test_a_referral_reminder_reads_as_words(world, db):
    from gongdao.notify.compose import happened, title, todo
    from gongdao.notify.models import Notification

    notice = Notification(
        type="deadline.reminder",
        data={
            "case": "C-TEST0001",
            "deadline": "referral_acceptance",
            "deadline_due_at": "2030-01-10T15:59:00+00:00",
            "offset_seconds": 86400,
            "on_expiry": "",
        },
    )
    with translation.override("en"):
        assert "The body's decision to accept your complaint" in title(notice)
        assert "referral_acceptance" not in happened(notice)
        assert "ask the body" in todo(notice)[0]
