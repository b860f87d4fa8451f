"""The ``gongdao`` command. Every command has --help, and fails with one line and a non-zero
exit. Commands that need the database set Django up first (settings are validated then)."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from datetime import datetime
from typing import Any

import click

from gongdao import __version__


class Failure(click.ClickException):
    """A one-line failure; exit status 1."""


def setup_django(data_dir: str | None = None) -> None:
    if data_dir:
        os.environ["GONGDAO_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongdao.settings")
    from gongdao.conf import SettingError

    try:
        import django

        django.setup()
    except SettingError as exc:
        raise Failure(f"bad setting: {exc}")


def migrate(verbose: bool = False) -> None:
    from django.conf import settings
    from django.core.management import call_command

    # The embedded database lives in the data dir: a first start creates it (never "unable to
    # open database file" for a folder nobody made yet).
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)

    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)
    from gongdao.policy.queries import ensure_default

    ensure_default()


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gongdao")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Gongdao (公道): online dispute resolution for e-commerce consumer complaints."""
    from gongdao.law.cli import CALENDAR_FACTORY_KEY

    if os.environ.get("GONGDAO_DATA_DIR"):
        ctx.meta[CALENDAR_FACTORY_KEY] = _loaded_calendar


def _loaded_calendar() -> Any:
    """The library's calendar plus the years loaded into this data dir's database."""
    setup_django()
    from gongdao.policy.queries import calendar

    return calendar()


@main.command()
@click.option("--data-dir", type=click.Path(file_okay=False), help="Data folder (default GONGDAO_DATA_DIR).")
@click.option("--admin-username", default="admin", show_default=True)
@click.option("--admin-password", help="Set the admin's password (else none is created).")
@click.option("--admin-email", default="admin@localhost", show_default=True)
@click.option(
    "--skip-fonts",
    is_flag=True,
    help="Do not prepare the Chinese font for dossier PDFs now (the first dossier then builds it in the background).",
)
def init(
    data_dir: str | None, admin_username: str, admin_password: str | None, admin_email: str, skip_fonts: bool
) -> None:
    """Create the data dir, secret key and signing key; migrate; create the admin user; prepare the
    Chinese font that dossier PDFs embed."""
    setup_django(data_dir)
    from django.conf import settings

    from gongdao import keys

    created = keys.create(settings.DATA_DIR)
    migrate(verbose=True)
    from gongdao.evidence.cli import prepare_storage

    prepare_storage()
    if admin_password:
        from gongdao.parties.models import User

        user, _ = User.objects.get_or_create(username=admin_username, defaults={"email": admin_email})
        user.role, user.is_staff, user.is_superuser = "admin", True, True
        user.set_password(admin_password)
        user.save()
        click.echo(f"admin user: {admin_username}")
    click.echo(f"data dir: {settings.DATA_DIR}")
    click.echo(f"signing key: {'created' if created else 'kept'} ({keys.key_path(settings.DATA_DIR)})")
    if not skip_fonts:
        from gongdao.dossiers import fonts

        fonts.setup(click.echo, lambda message: click.echo(message, err=True))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Web processes.")
@click.option("--no-worker", is_flag=True, help="Do not run the deadline/outbox worker in this process.")
def serve(host: str, port: int, workers: int, no_worker: bool) -> None:
    """Run the production server (gunicorn), with the worker as a child process unless --no-worker."""
    setup_django()
    migrate()
    run_server(host, port, workers, with_worker=not no_worker)


def run_server(host: str, port: int, workers: int, *, with_worker: bool) -> None:
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    from gongdao.wsgi import application

    # Migrations ran in this (master) process: close its connections so forked workers open
    # their own instead of sharing one socket (PostgreSQL: "lost synchronization with server").
    connections.close_all()

    state: dict[str, Any] = {}

    def when_ready(server: Any) -> None:
        # The worker runs as a child process, not a thread of the master: gunicorn forks its web
        # workers from the master, and a fork while another thread holds a lock (imports,
        # logging) leaves the child deadlocked.
        if with_worker:
            import subprocess

            state["proc"] = subprocess.Popen(
                [sys.executable, "-c", "from gongdao.cli import main; main()", "worker"]
            )

    def on_exit(server: Any) -> None:
        if "proc" in state:
            state["proc"].terminate()
            state["proc"].wait(timeout=10)

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "graceful_timeout": 5,
                "timeout": 120,
                "when_ready": when_ready,
                "on_exit": on_exit,
                "accesslog": "-",
                "loglevel": "info",
            }
            for key, value in options.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    Server().run()


@main.command()
@click.option("--interval", default=2.0, show_default=True, help="Seconds between passes.")
def worker(interval: float) -> None:
    """Run the deadline and outbox worker until SIGTERM or Ctrl-C."""
    setup_django()
    migrate()
    from gongdao import worker as worker_module

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    click.echo("worker running; SIGTERM or Ctrl-C stops it", err=True)
    worker_module.run(stop, interval)


@main.command()
@click.option("--at", "at", help="Act as if it were this time (ISO 8601), for demos and drills.")
def tick(at: str | None) -> None:
    """Fire due deadlines and deliver the outbox once, then exit."""
    setup_django()
    migrate()
    from gongdao import worker as worker_module

    moment = _parse_time(at) if at else None
    click.echo(str(worker_module.tick(moment)))


def _parse_time(text: str) -> datetime:
    from django.utils import timezone

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Failure(f"--at: not an ISO 8601 time: {text!r}")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@main.command()
@click.argument("case_ids", nargs=-1)
def verify(case_ids: tuple[str, ...]) -> None:
    """Recompute hash chains and checkpoint signatures (all cases, or those named)."""
    setup_django()
    from gongdao.cases.models import Case
    from gongdao.cases.verification import verify_case

    cases = (
        Case.objects.filter(public_id__in=[c.upper() for c in case_ids]) if case_ids else Case.objects.all()
    )
    if case_ids and cases.count() != len(set(case_ids)):
        missing = set(c.upper() for c in case_ids) - set(cases.values_list("public_id", flat=True))
        raise Failure(f"no such case: {', '.join(sorted(missing))}")
    total, bad = 0, []
    for case in cases.order_by("id").iterator():
        total += 1
        bad += verify_case(case)
    if bad:
        for finding in bad:
            click.echo(f"FAIL {finding}", err=True)
        raise Failure(f"{len(bad)} problem(s) in {total} case(s); first: {bad[0]}")
    click.echo(f"ok: {total} case(s) verified")


def _admin_actor() -> Any:
    from gongdao.cases.actors import OPERATOR

    return OPERATOR


@main.command("cases")
@click.option("--status", help="Only cases in this status.")
@click.option("--mode", help="Only cases run this way: platform or self_help.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of case objects.")
def cases_command(status: str | None, mode: str | None, as_json: bool) -> None:
    """List cases (operator view: all cases)."""
    setup_django()
    from gongdao import codes
    from gongdao.cases.models import Case
    from gongdao.cases.queries import case_object

    if status and status not in codes.STATUSES:
        raise Failure(f"--status: unknown status {status!r}; one of {', '.join(codes.STATUSES)}")
    if mode and mode not in codes.MODES:
        raise Failure(f"--mode: unknown mode {mode!r}; one of {', '.join(codes.MODES)}")
    qs = Case.objects.select_related("shop", "consumer", "assignee", "policy", "order", "outside_merchant")
    qs = qs.filter(status=status) if status else qs
    qs = qs.filter(mode=mode) if mode else qs
    objects = [case_object(c, _admin_actor()) for c in qs.order_by("id")]
    if as_json:
        echo_json(objects)
        return
    for obj in objects:
        due = obj["due_at"] or "-"
        click.echo(
            f"{obj['id']}  {obj['mode']:<9} {obj['status']:<18} {obj['shop_name'][:20]:<20} "
            f"{obj['issue']:<22} next: {obj['next_actor'] or '-':<9} due: {due}"
        )


@main.group("case")
def case_group() -> None:
    """One case."""


@case_group.command("show")
@click.argument("case_id")
@click.option("--json", "as_json", is_flag=True)
def case_show(case_id: str, as_json: bool) -> None:
    """Show one case object."""
    setup_django()
    from gongdao.cases.models import Case
    from gongdao.cases.queries import case_object

    case = Case.objects.filter(public_id=case_id.strip().upper()).first()
    if case is None:
        raise Failure(f"no such case: {case_id}")
    obj = case_object(case, _admin_actor())
    if as_json:
        echo_json(obj)
        return
    for key, value in obj.items():
        click.echo(f"{key:>16}: {value}")


@main.group("keys")
def keys_group() -> None:
    """The platform's signing key."""


@keys_group.command("show")
def keys_show() -> None:
    """Print the public key (base64) and its fingerprint (SHA-256 of the raw key)."""
    setup_django()
    from django.conf import settings

    from gongdao import keys

    try:
        public = keys.public_raw(keys.private_key(settings.DATA_DIR))
    except keys.MissingKey as exc:
        raise Failure(str(exc))
    click.echo(f"public key:  {keys.encode_public(public)}")
    click.echo(f"fingerprint: {keys.fingerprint(public)}")


@main.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--data-dir", type=click.Path(file_okay=False), help="Demo data folder (default ./gongdao-demo)."
)
@click.option("--no-serve", is_flag=True, help="Seed only; do not start the server.")
@click.option("--json", "as_json", is_flag=True, help="Print data dir, URL and logins as JSON.")
def demo(port: int, data_dir: str | None, no_serve: bool, as_json: bool) -> None:
    """Create a fresh demo data dir with a seeded marketplace and serve it on 127.0.0.1."""
    from pathlib import Path

    target = Path(data_dir or "gongdao-demo").resolve()
    from gongdao.demo import prepare_dir

    prepare_dir(target)
    os.environ.setdefault("GONGDAO_BASE_URL", f"http://127.0.0.1:{port}")
    setup_django(str(target))
    from django.conf import settings

    from gongdao import keys
    from gongdao.demo import seed

    keys.create(settings.DATA_DIR)
    migrate()
    logins = seed()
    url = f"http://127.0.0.1:{port}/"
    if as_json:
        echo_json({"data_dir": str(target), "url": url, "logins": logins})
    else:
        click.echo(f"Gongdao demo in {target}")
        click.echo(f"Open {url} and log in as:")
        for login in logins:
            click.echo(f"  {login['role']:<18} {login['username']:<10} {login['password']}")
        click.echo(f"Try: GONGDAO_DATA_DIR={target} gongdao cases")
    sys.stdout.flush()
    if not no_serve:
        run_server("127.0.0.1", port, 2, with_worker=True)


def _register_optional_groups() -> None:
    """Command groups that live with their domain apps."""
    from gongdao.api.cli import apikey
    from gongdao.dossiers import cli as dossiers_cli
    from gongdao.evidence import cli as evidence_cli
    from gongdao.law.cli import law
    from gongdao.notify.cli import notify
    from gongdao.parties.cli import association
    from gongdao.policy import cli as policy_cli
    from gongdao.selfhelp import cli as selfhelp_cli
    from gongdao.web import cli as web_cli

    main.add_command(apikey)
    main.add_command(law)
    main.add_command(policy_cli.policy)
    main.add_command(policy_cli.calendar)
    main.add_command(notify)
    main.add_command(association)
    main.add_command(web_cli.user)
    main.add_command(evidence_cli.evidence)
    main.add_command(evidence_cli.storage)
    main.add_command(dossiers_cli.dossier)
    main.add_command(dossiers_cli.verify_dossier)
    main.add_command(selfhelp_cli.invitation)


_register_optional_groups()
