"""Exporting a dossier: the PDF, or the signed ZIP bundle streamed chunk by chunk.

The chain head is signed first (a new checkpoint unless the latest one is already at the head),
and the bundle carries the record up to that signed head, so a verifier finds a checkpoint
covering the last event even when the case moves on during the export. Payloads the consumer
may not see (``platform_only``) are withheld — payload null, digest kept — and so are all
payloads in the media bundle, which is meant for the public.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao import ids, keys
from gongdao.cases import chain
from gongdao.cases.actions import sign_head
from gongdao.cases.actors import Actor
from gongdao.cases.models import Case, Checkpoint
from gongdao.cases.verification import event_dict
from gongdao.dossiers import bundle, labels, masking, pdf, queries
from gongdao.dossiers.content import Dossier
from gongdao.errors import InvalidInput
from gongdao.evidence.storage import get_store

FORMATS = ("zip", "pdf")
MISSING_LABELS = labels.MISSING_FIELDS


@dataclass
class Export:
    case: Case
    dossier: Dossier
    dossier_id: str
    generated_at: datetime
    pdf: bytes
    head_seq: int

    @property
    def filename(self) -> str:
        return f"{self.case.public_id}-{self.dossier.target}-{self.dossier_id}"

    def zip_chunks(self) -> Iterator[bytes]:
        return bundle.stream(self.pdf, self._evidence(), self._manifest(), lambda body: keys.sign(body)[0])

    def _evidence(self) -> list[bundle.EvidenceFile]:
        store = get_store()
        media = self.dossier.target == "media"
        return [
            bundle.EvidenceFile(
                item=item.public_id,
                kind=item.kind,
                name="" if media else item.original_name,
                content_type=item.content_type,
                size=item.size,
                sha256=item.sha256,
                event=item.event.public_id if item.event else "",
                open=_opener(store, item.sha256),
            )
            for item in queries.evidence_items(self.case, self.head_seq)
        ]

    def _manifest(self) -> bundle.Manifest:
        case = self.case
        withhold_all = self.dossier.target == "media"
        events = []
        for event in case.events.filter(seq__lte=self.head_seq).order_by("seq"):
            data = event_dict(event)
            if withhold_all or event.visibility == "platform_only":
                data["payload"] = None
            events.append(data)
        checkpoints = [
            {
                "seq": cp.seq,
                "hash": cp.hash,
                "signed_at": chain.timestamp(cp.signed_at),
                "signature": cp.signature,
                "key_fingerprint": cp.key_fingerprint,
                "reason": cp.reason,
            }
            for cp in case.checkpoints.filter(seq__lte=self.head_seq).order_by("seq", "signed_at")
        ]
        order = (case.order_snapshot or {}).get("external_id") or ""
        public = keys.public_raw(keys.private_key())
        summary: dict[str, Any] = {
            "id": case.public_id,
            "mode": case.mode,
            "issue": case.issue,
            "remedy": case.remedy,
            "status": case.status,
            "stage": case.stage,
            "policy": case.policy.version,
            "shop": self.dossier_shop(),
            "order": masking.mask_code(order) if withhold_all else order,
            "filed_at": chain.timestamp(case.filed_at) if case.filed_at else None,
            "requested_fen": case.requested_fen,
            "head": {"seq": events[-1]["seq"], "hash": events[-1]["hash"]} if events else None,
        }
        return bundle.Manifest(
            dossier=self.dossier_id,
            target=self.dossier.target,
            generated_at=self.generated_at,
            case=summary,
            signer={
                "algorithm": "Ed25519",
                "public_key": keys.encode_public(public),
                "fingerprint": keys.fingerprint(public),
            },
            events=events,
            checkpoints=checkpoints,
        )

    def dossier_shop(self) -> str:
        if self.case.shop is not None:
            return self.case.shop.name
        if self.case.outside_merchant is not None:
            return self.case.outside_merchant.name
        return str((self.case.order_snapshot or {}).get("shop_name", ""))


def _opener(store: Any, sha256: str) -> Callable[[], BinaryIO]:
    return lambda: store.open(sha256)


def incomplete(dossier: Dossier) -> InvalidInput:
    missing = [str(MISSING_LABELS.get(m.code, m.code)) for m in dossier.missing]
    parts = []
    if missing:
        parts.append(str(_("Missing: %(fields)s.")) % {"fields": ", ".join(missing)})
    parts += dossier.blockers
    return InvalidInput(
        "dossier_incomplete",
        " ".join(parts),
        missing=[m.code for m in dossier.missing],
        blockers=list(dossier.blockers),
    )


def _signed_head(case: Case, now: datetime) -> int:
    """The seq of a checkpoint at the case's current head (signing one if needed)."""
    with transaction.atomic():
        fresh = Case.objects.select_for_update().get(pk=case.pk)
        latest = Checkpoint.objects.filter(case=fresh).order_by("-seq", "-signed_at").first()
        if latest is None or latest.seq != fresh.seq or latest.hash != fresh.head_hash:
            sign_head(fresh, now, reason="dossier")
        return fresh.seq


def prepare(
    case: Case,
    actor: Actor,
    target: str,
    *,
    overrides: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Export:
    """Check, sign the head, build the content and render the PDF. Raises ``InvalidInput``
    (code ``dossier_incomplete``, with ``missing`` and ``blockers``) when the dossier lacks
    something only the consumer can give, or the target does not apply."""
    queries.check_target(target)
    if not queries.may_export(actor, case):
        queries.exportable(actor, case.public_id)  # raises the viewer's error
    now = now or timezone.now()
    on = timezone.localtime(now).date()
    dossier = queries.build(case, target, overrides=overrides, on=on)
    if not dossier.ready:
        raise incomplete(dossier)
    head = _signed_head(case, now)
    case.refresh_from_db()
    dossier = queries.build(case, target, overrides=overrides, on=on, until_seq=head)
    dossier_id = ids.new_id("dossier")
    public = keys.public_raw(keys.private_key())
    document = pdf.render(dossier, pdf.Stamp(dossier_id, now, keys.fingerprint(public)))
    return Export(case, dossier, dossier_id, now, document, head)
