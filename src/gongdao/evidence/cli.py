"""``gongdao evidence …`` (add a file to a case, list a case's evidence) and ``gongdao storage gc``."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import click

# gongdao.cli imports this module to register its groups: import from it only inside commands.


class Failure(click.ClickException):
    """A one-line failure; exit status 1 (as gongdao.cli.Failure)."""


def setup_django() -> None:
    from gongdao.cli import setup_django as setup

    setup()


def echo_json(value: Any) -> None:
    from gongdao.cli import echo_json as echo

    echo(value)


@click.group("evidence")
def evidence() -> None:
    """Evidence files of cases."""


def _case(case_id: str) -> Any:
    from gongdao.cases.models import Case

    case = Case.objects.select_related("consumer").filter(public_id=case_id.strip().upper()).first()
    if case is None:
        raise Failure(f"no such case: {case_id}")
    return case


def _actor(case: Any, username: str | None) -> Any:
    from gongdao.cases.actors import of_user
    from gongdao.parties.models import User

    if username is None:
        return of_user(case.consumer)
    user = User.objects.filter(username=username).first()
    if user is None:
        raise Failure(f"--as: no such user: {username}")
    return of_user(user)


@evidence.command("add")
@click.argument("case_id")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", required=True, help="Evidence kind, e.g. problem_photo, chat_record.")
@click.option("--as", "username", help="Act as this user (default: the case's consumer).")
@click.option("--description", default="", help="What the file shows.")
@click.option(
    "--receipt",
    "receipt_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the signed receipt (JSON) here.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the item object as JSON.")
def add(
    case_id: str,
    file: Path,
    kind: str,
    username: str | None,
    description: str,
    receipt_path: Path | None,
    as_json: bool,
) -> None:
    """Add FILE to a case as evidence (streamed, hashed, recorded as a case event)."""
    setup_django()
    from gongdao import codes
    from gongdao.errors import DomainError
    from gongdao.evidence import queries, receipts
    from gongdao.evidence.actions import add_evidence
    from gongdao.parties import permissions

    if kind not in codes.EVIDENCE_KINDS:
        raise Failure(f"--kind: unknown kind {kind!r}; one of {', '.join(codes.EVIDENCE_KINDS)}")
    case = _case(case_id)
    actor = _actor(case, username)
    try:
        with open(file, "rb") as source:
            item = add_evidence(
                case, actor, kind=kind, source=source, filename=file.name, description=description
            )
    except DomainError as exc:
        raise Failure(f"{exc.code}: {exc.message}")
    if receipt_path:
        receipt_path.write_text(
            json.dumps(receipts.document(item), ensure_ascii=False, indent=2), encoding="utf-8"
        )
    if as_json:
        echo_json(queries.item_object(item, permissions.sides(actor, case)))
        return
    click.echo(f"{item.public_id}  {item.kind}  {item.content_type}  {item.size} bytes")
    click.echo(f"sha256: {item.sha256}")
    event = item.event
    assert event is not None
    click.echo(f"event:  {event.public_id} (seq {event.seq}, hash {event.hash})")


@evidence.command("list")
@click.argument("case_id")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of item objects.")
def list_items(case_id: str, as_json: bool) -> None:
    """List a case's evidence, reuse flags included (operator view)."""
    setup_django()
    from gongdao.cases.actors import OPERATOR
    from gongdao.evidence import queries

    case = _case(case_id)
    sides = {"platform", "admin"}
    objects = [queries.item_object(item, sides) for item in queries.items_for(case, OPERATOR)]
    if as_json:
        echo_json(objects)
        return
    for obj in objects:
        state = " withdrawn" if obj["withdrawn_at"] else ""
        flags = (
            f"  reuse: {', '.join(f['other_case'] for f in obj['reuse_flags'])}" if obj["reuse_flags"] else ""
        )
        click.echo(
            f"{obj['id']}  {obj['kind']:<17} {obj['side']:<9} {obj['sha256'][:16]}…  {obj['name']}{state}{flags}"
        )


@click.group("storage")
def storage() -> None:
    """The evidence file store."""


@storage.command("gc")
@click.option(
    "--older-than",
    "hours",
    default=6.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Only temp files untouched this many hours.",
)
@click.option("--json", "as_json", is_flag=True)
def gc(hours: float, as_json: bool) -> None:
    """Remove leftover upload temp files; report stored files no evidence item references."""
    setup_django()
    from gongdao.evidence.actions import collect_garbage

    result = collect_garbage(timedelta(hours=hours))
    if as_json:
        echo_json(
            {
                "temp_removed": result.temp_removed,
                "unreferenced": result.unreferenced,
                "stored": result.stored,
            }
        )
        return
    for path in result.temp_removed:
        click.echo(f"removed temp file {path}")
    for sha in result.unreferenced:
        click.echo(f"unreferenced {sha}")
    click.echo(
        f"{result.stored} stored file(s); {len(result.temp_removed)} temp file(s) removed; "
        f"{len(result.unreferenced)} unreferenced (kept: evidence is never deleted)"
    )


def prepare_storage() -> None:
    """For ``gongdao init``: create the S3 bucket when the store is S3 (the local folder makes itself)."""
    from gongdao.evidence.storage import S3Store, get_store

    store = get_store()
    if isinstance(store, S3Store):
        store.ensure_bucket()
        click.echo(f"evidence bucket: {store.bucket}")
