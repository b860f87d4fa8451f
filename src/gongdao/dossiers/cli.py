"""``gongdao dossier`` (export a case's dossier as a ZIP bundle or a PDF) and ``gongdao
verify-dossier`` (check a bundle offline: no database, no data dir, no Django)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from gongdao import codes
from gongdao.cli import Failure, setup_django

TARGETS = tuple(codes.DOSSIER_TARGETS)


@click.command("dossier")
@click.argument("case_id")
@click.option("--target", required=True, type=click.Choice(TARGETS), help="Who the dossier is for.")
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
@click.option("--format", "fmt", type=click.Choice(("zip", "pdf")), default="zip", show_default=True)
@click.option(
    "--delivery-city", help="Internet court: the city the goods were delivered to (this export only)."
)
@click.option(
    "--defendant-domicile", help="Internet court: the seller's registered address (this export only)."
)
def dossier(
    case_id: str, target: str, out: Path, fmt: str, delivery_city: str | None, defendant_domicile: str | None
) -> None:
    """Export CASE_ID's dossier for TARGET: a signed ZIP bundle (PDF, evidence files, manifest) or the PDF.

    Uses the consumer's saved text and answers. Fails, listing them, when complainant details or
    answers the target needs are missing (the consumer adds them on the case's outside-help page).
    """
    setup_django()
    from gongdao.cases.actors import OPERATOR
    from gongdao.dossiers import export, fonts, queries
    from gongdao.errors import DomainError

    overrides = {"delivery_city": delivery_city, "defendant_domicile": defendant_domicile}
    try:
        case = queries.case_for(OPERATOR, case_id)
        if case.status == "draft":
            raise Failure(f"{case.public_id} is a draft: file the case first")
        result = export.prepare(case, OPERATOR, target, overrides=overrides)
    except fonts.FontMissing as exc:
        raise Failure(str(exc))
    except DomainError as exc:
        if exc.code == "dossier_incomplete":
            missing = exc.extra.get("missing", [])
            lines = [f"missing: {code} ({export.MISSING_LABELS[code]})" for code in missing]
            lines += [f"not possible: {text}" for text in exc.extra.get("blockers", [])]
            raise Failure("the dossier cannot be made yet:\n  " + "\n  ".join(lines))
        raise Failure(f"{exc.code}: {exc.message}")
    for warning in result.dossier.warnings:
        click.echo(f"warning: {warning}", err=True)
    partial = out.with_name(out.name + ".part")
    try:
        with open(partial, "wb") as fh:
            if fmt == "pdf":
                fh.write(result.pdf)
            else:
                for chunk in result.zip_chunks():
                    fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        partial.replace(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    click.echo(
        f"wrote {out} ({out.stat().st_size:,} bytes): dossier {result.dossier_id}, {target}, case {case.public_id}"
    )


@click.command("verify-dossier")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--public-key",
    "public_key",
    help="The platform's public key (base64 or hex, as `gongdao keys show` prints it), or a file holding it.",
)
def verify_dossier(file: Path, public_key: str | None) -> None:
    """Check a dossier bundle offline: signature, every file's SHA-256, unlisted members, the event
    chain and the signed checkpoints. Exit 0 only when everything checked holds.

    Without --public-key the signer is unconfirmed: compare the printed fingerprint with the
    platform's published one.
    """
    from gongdao import keys
    from gongdao.dossiers.verify import verify

    key = None
    if public_key is not None:
        text = public_key
        candidate = Path(public_key)
        if len(public_key) < 4096 and candidate.is_file():
            text = candidate.read_text(encoding="utf-8", errors="replace")
        try:
            key = keys.decode_public(text)
        except ValueError as exc:
            raise Failure(f"--public-key: {exc}")
    verdict = verify(file, key)
    for line in verdict.lines():
        click.echo(line)
    if not verdict.ok:
        sys.exit(1)
