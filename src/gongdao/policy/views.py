"""The published rules page: the rule catalogue and time limits of the policy version in force
(or of any registered version, ``?version=``), in the active language. Public: rules must be
published before they apply (E-Commerce Law Art. 34), so scheduled versions are listed too."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation

from gongdao.errors import NotFound
from gongdao.policy import queries
from gongdao.policy.document import DEADLINE_KINDS


def rules(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    current = queries.in_force(now)
    label = request.GET.get("version", "").strip()
    try:
        version = queries.get_version(label) if label else current
    except NotFound:
        raise Http404("No such policy version")
    doc = queries.parsed(version)
    language = translation.get_language()
    context = {
        "version": version,
        "doc": doc,
        "state": queries.state_of(version, now, current),
        "current": current,
        "scheduled": queries.scheduled(now),
        "rules": [
            {"id": r.id, "title": r.title(language), "text": r.text(language), "basis": r.basis}
            for r in doc.rules.values()
        ],
        "deadlines": [
            {"kind": kind, "label": label_, "duration": doc.deadline(kind).describe()}
            for kind, label_ in DEADLINE_KINDS.items()
        ],
    }
    return render(request, "policy/rules.html", context)
