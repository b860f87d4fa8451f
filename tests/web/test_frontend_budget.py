"""Fast and safe front end: no page carries more than 100 KB of our own CSS and JavaScript, no
inline script or style (the CSP forbids them), and the countdown's arithmetic."""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.staticfiles import finders

WEB = Path(__file__).resolve().parents[2] / "src" / "gongdao" / "web"
TEMPLATES = WEB / "templates" / "gongdao"
BUDGET = 100 * 1024


def page_assets(html: str) -> list[str]:
    links = re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', html)
    scripts = re.findall(r'<script src="/static/([^"]+)"', html)
    return links + scripts


def weight(html: str) -> int:
    return sum(Path(finders.find(asset)).stat().st_size for asset in page_assets(html))


def test_pages_stay_under_100_kb_of_our_css_and_js(world, as_user, cases, client):
    case = cases.draft()
    alice = as_user("alice")
    urls = [
        "/orders/",
        "/cases/",
        f"/cases/{case.public_id}/",
        f"/file/{case.public_id}/upload/",
        f"/file/{case.public_id}/request/",
        f"/file/{case.public_id}/check/",
        "/account/",
        "/complain/",
        "/complain/declare/",
    ]
    for url in urls:
        html = alice.get(url).content.decode()
        assert page_assets(html), url
        assert weight(html) < BUDGET, url
    assert weight(client.get("/login/").content.decode()) < BUDGET


def test_templates_have_no_inline_scripts_styles_or_handlers():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert "<style" not in text and " style=" not in text, template
        assert not re.search(r"\son[a-z]+=", text), template
        assert "|safe" not in text and "autoescape off" not in text, template
