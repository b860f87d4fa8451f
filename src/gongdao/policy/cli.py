"""``gongdao policy …`` (versions and platform profiles) and ``gongdao calendar …`` (loaded
working-day calendar years). Thin: read the file, call policy.actions or policy.queries, print.
Failures are one line on stderr with exit status 1 (``gongdao.cli.Failure``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click


def _setup() -> Any:
    """Set Django up (the main CLI's way) and return gongdao.cli for its helpers."""
    from gongdao import cli as main_cli

    main_cli.setup_django()
    return main_cli


def _fail(message: str) -> click.ClickException:
    from gongdao.cli import Failure

    return Failure(message)


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"{path}: cannot read the file ({exc})")


def _time(text: str) -> datetime:
    from django.utils import timezone

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _fail(f"--effective-at: not an ISO 8601 time: {text!r} (e.g. 2027-01-01T00:00)")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _domain(exc: Exception, prefix: str = "") -> click.ClickException:
    return _fail(f"{prefix}{exc}")


@click.group("policy")
def policy() -> None:
    """Policy versions (a case runs under the version in force when it was filed) and the
    platform profiles for self-help mode. See docs/policy.md."""


@policy.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--effective-at",
    help="When it takes effect (ISO 8601; China time if no offset). Default: 7 days from now.",
)
@click.option("--force", is_flag=True, help="Take effect sooner than 7 days from now (needs --reason).")
@click.option("--reason", default="", help="Why the change cannot wait 7 days; recorded with the version.")
def load(file: str, effective_at: str | None, force: bool, reason: str) -> None:
    """Register the policy document FILE as a new version."""
    _setup()
    from gongdao.display import local_time
    from gongdao.errors import DomainError
    from gongdao.policy import actions

    text = _read(file)
    moment = _time(effective_at) if effective_at else None
    try:
        version = actions.load_version(text, effective_at=moment, force=force, reason=reason, via="cli")
    except DomainError as exc:
        raise _domain(exc, f"{file}: ")
    click.echo(f"registered {version.version}: takes effect {local_time(version.effective_at)}")
    if version.forced_reason:
        click.echo(f"forced in early; reason recorded: {version.forced_reason}")


def _version_or_fail(label: str) -> Any:
    from gongdao.errors import NotFound
    from gongdao.policy import queries

    try:
        return queries.get_version(label)
    except NotFound as exc:
        raise _fail(str(exc))


@policy.command("show")
@click.argument("version", required=False)
def show(version: str | None) -> None:
    """Print a version's TOML document (default: the version in force now)."""
    _setup()
    from gongdao.policy import queries

    row = _version_or_fail(version) if version else queries.in_force()
    click.echo(row.document, nl=not row.document.endswith("\n"))


@policy.command("diff")
@click.argument("v1")
@click.argument("v2")
@click.option("--text", "as_text", is_flag=True, help="Also print a unified diff of the TOML text.")
def diff(v1: str, v2: str, as_text: bool) -> None:
    """What changed from version V1 to version V2, setting by setting."""
    _setup()
    from gongdao.policy import diff as policy_diff

    old, new = _version_or_fail(v1), _version_or_fail(v2)
    found = policy_diff.changes(old.document, new.document)
    if not found:
        click.echo(f"{v1} and {v2} have the same settings")
    for change in found:
        click.echo(str(change))
    if as_text:
        click.echo(policy_diff.text_diff(old.document, new.document, v1, v2), nl=False)


@policy.command("list")
def list_versions() -> None:
    """Every version: when it takes effect, whether it is in force, how many cases run under it."""
    _setup()
    from gongdao.display import local_time
    from gongdao.policy import queries

    queries.ensure_default()
    for row in queries.history():
        forced = f"  forced: {row.version.forced_reason}" if row.version.forced_reason else ""
        click.echo(
            f"{row.version.version:<28} {local_time(row.version.effective_at):<30} "
            f"{row.state:<10}  cases: {row.cases}{forced}"
        )


@policy.command("profiles")
def profiles() -> None:
    """The platform profiles for self-help mode (check them against each platform's current rules)."""
    from gongdao.policy import document

    for name in document.PROFILES:
        doc = document.profile(name)
        click.echo(f"{name:<14} {doc.version:<30} {doc.name}")


@policy.command("profile")
@click.argument("name")
def profile(name: str) -> None:
    """Print the profile NAME's TOML document (a starting point for `gongdao policy load`)."""
    from gongdao.policy import document

    try:
        text = document.profile_text(name)
    except KeyError:
        raise _fail(f"no such profile: {name}; one of {', '.join(document.PROFILES)}")
    click.echo(text, nl=False)


@click.group("calendar")
def calendar() -> None:
    """China's working-day calendar: years beyond the chinesecalendar library, loaded as TOML.
    See docs/policy.md for the file format."""


@calendar.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
def calendar_load(file: str) -> None:
    """Load (or replace) one year's holidays and make-up workdays from FILE."""
    _setup()
    from gongdao.errors import DomainError
    from gongdao.policy import actions
    from gongdao.policy.calendar import LIBRARY_YEARS

    try:
        _row, spec, replaced = actions.load_calendar_year(_read(file))
    except DomainError as exc:
        raise _domain(exc, f"{file}: ")
    what = "replaced the loaded" if replaced else "loaded"
    overrides = " (overrides the chinesecalendar library for that year)" if spec.year in LIBRARY_YEARS else ""
    click.echo(
        f"{what} {spec.year}: {len(spec.holidays)} holiday(s), {len(spec.workdays)} make-up workday(s){overrides}"
    )


@calendar.command("show")
@click.argument("year", type=click.IntRange(1949, 9999))
def calendar_show(year: int) -> None:
    """List YEAR's holidays and make-up workdays as YYYY-MM-DD, kind, name."""
    _setup()
    from gongdao.policy import queries

    source = queries.year_source(year)
    if source == "unknown":
        raise _fail(
            f"{year} is not known: working days in {year} count Monday–Friday and deadlines are marked "
            "provisional; load the year with `gongdao calendar load FILE`"
        )
    click.echo(f"# {year}: {'loaded year' if source == 'loaded' else 'chinesecalendar library'}", err=True)
    for day in queries.calendar().holidays_and_workdays(year):
        click.echo(f"{day.date.isoformat()}  {day.kind:<7}  {day.name}")
