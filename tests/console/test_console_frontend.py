"""The consoles stay light and CSP-clean: under 100 KB of our own CSS and JS per page, no inline
script, style or handler, no unescaped output."""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "gongdao" / "console" / "templates"
BUDGET = 100 * 1024


def weight(html: str) -> int:
    assets = re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', html)
    assets += re.findall(r'<script src="/static/([^"]+)"', html)
    assert "console/console.css" in assets and "console/console.js" in assets
    return sum(Path(finders.find(asset)).stat().st_size for asset in assets)


def test_console_pages_stay_under_100_kb_of_css_and_js(login, flow, boss):
    from tests.console.conftest import as_client

    case = flow.under_review()
    pages = {
        "bob": [reverse("console:shop_queue"), reverse("console:shop_case", args=[case.public_id])],
        "agnes": [reverse("console:agent_queue"), reverse("console:review", args=[case.public_id])],
        "ada": [reverse("console:overview"), reverse("console:agents")],
    }
    for name, urls in pages.items():
        client = login(name)
        for url in urls:
            assert weight(client.get(url).content.decode()) < BUDGET, url
    assert weight(as_client(boss).get(reverse("console:staff")).content.decode()) < BUDGET


def test_templates_have_no_inline_scripts_styles_or_handlers():
    templates = list(TEMPLATES.rglob("*.html"))
    assert len(templates) > 10
    for template in templates:
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert "<style" not in text and " style=" not in text, template
        assert not re.search(r"\son[a-z]+=", text), template
        assert "|safe" not in text and "autoescape off" not in text, template
