"""The whole evidence path on the S3 backend (a real SeaweedFS on loopback): upload, serve with
ranges, location-free copies and thumbnails, verification, gc — the same behaviour as local."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from PIL import ExifTags, Image

from gongdao.cases.models import Case
from gongdao.cases.verification import verify_case
from gongdao.evidence.actions import add_evidence, collect_garbage
from gongdao.evidence.cli import prepare_storage
from gongdao.evidence.storage import S3Store, get_store
from tests.evidence.conftest import files_under
from tests.evidence.evidence_samples import ON_SEAWEEDFS, jpeg_bytes, mp4_bytes

pytestmark = ON_SEAWEEDFS


@pytest.fixture
def s3_settings(settings, seaweedfs, data_dir):
    settings.GONGDAO_STORAGE = "s3"
    settings.GONGDAO_S3 = {
        "endpoint_url": seaweedfs.endpoint,
        "bucket_name": f"ev-{uuid.uuid4().hex[:12]}",
        "access_key": "any-key",
        "secret_key": "any-secret",
        "region_name": "us-east-1",
    }
    prepare_storage()  # what `gongdao init` does: creates the bucket
    store = get_store()
    assert isinstance(store, S3Store)
    return store


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def client_for(world, name):
    client = Client()
    client.force_login(getattr(world, name))
    return client


def test_upload_serve_verify_and_gc_on_s3(world, cases, s3_settings, data_dir):
    store = s3_settings
    case = cases.filed()
    photo = jpeg_bytes(gps=True)
    item = add_evidence(
        case, world.actor("alice"), kind="problem_photo", source=io.BytesIO(photo), filename="a.jpg"
    )
    video_bytes = mp4_bytes(body=128 * 1024)
    video = add_evidence(
        case, world.actor("alice"), kind="problem_video", source=io.BytesIO(video_bytes), filename="v.mp4"
    )
    assert store.exists(item.sha256) and store.exists(video.sha256)
    assert files_under(data_dir / "evidence") == [] and files_under(data_dir / "tmp") == []

    alice, bob = client_for(world, "alice"), client_for(world, "bob")
    assert body(alice.get(reverse("evidence:content", args=[item.public_id]))) == photo
    stripped = body(bob.get(reverse("evidence:content", args=[item.public_id])))
    with Image.open(io.BytesIO(stripped)) as img:
        assert ExifTags.IFD.GPSInfo not in img.getexif()
    ranged = alice.get(reverse("evidence:content", args=[video.public_id]), HTTP_RANGE="bytes=1000-1999")
    assert ranged.status_code == 206 and body(ranged) == video_bytes[1000:2000]
    thumb = alice.get(reverse("evidence:thumbnail", args=[item.public_id]))
    assert thumb.status_code == 200 and body(thumb)[:3] == b"\xff\xd8\xff"
    assert files_under(data_dir / "tmp") == []  # the local copies made for processing are gone

    assert verify_case(Case.objects.get(pk=case.pk)) == []
    changed = bytearray(photo)
    changed[300] ^= 1
    store.client.put_object(Bucket=store.bucket, Key=store.key_for(item.sha256), Body=bytes(changed))
    (finding,) = verify_case(Case.objects.get(pk=case.pk))
    assert item.public_id in finding.what and "changed" in finding.what

    orphan = "cd" * 32
    store.client.put_object(Bucket=store.bucket, Key=store.key_for(orphan), Body=b"never recorded")
    report = collect_garbage(older_than=timedelta(0))
    assert report.unreferenced == [orphan] and report.stored == 3
