"""Reuse detection: the same file or a near-identical image in another case is flagged, for agents only."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from gongdao.evidence import media, reuse
from gongdao.evidence.actions import add_evidence
from gongdao.evidence.models import EvidenceFlag
from gongdao.evidence.queries import item_object, items_for
from gongdao.parties import permissions
from tests.evidence.evidence_samples import encode, jpeg_bytes


def add(case, actor, data, kind="problem_photo", filename="crack.jpg"):
    return add_evidence(case, actor, kind=kind, source=io.BytesIO(data), filename=filename)


def resized_copy(data: bytes) -> bytes:
    """The same photo, shrunk and saved again at another quality (as a messaging app does)."""
    with Image.open(io.BytesIO(data)) as img:
        small = img.resize((img.width * 3 // 4, img.height * 3 // 4), Image.Resampling.LANCZOS)
        return encode(small, "JPEG", quality=70)


def test_the_same_file_in_another_consumers_case_is_flagged_on_both(world, cases):
    alices = cases.filed()
    original = add(alices, world.actor("alice"), jpeg_bytes(seed=11))
    charlies = cases.of_charlie()
    copy = add(charlies, world.actor("charlie"), jpeg_bytes(seed=11), filename="mine.jpg")
    flag = EvidenceFlag.objects.get(item=copy)
    assert (flag.kind, flag.distance, flag.other_case, flag.other_item) == ("same_file", 0, alices, original)
    assert flag.other_consumer
    mirror = EvidenceFlag.objects.get(item=original)
    assert (mirror.other_case, mirror.other_item, mirror.other_consumer) == (charlies, copy, True)


def test_a_resized_reencoded_copy_is_flagged_by_its_perceptual_hash(world, cases):
    data = jpeg_bytes(seed=12, size=(640, 480))
    original = add(cases.filed(), world.actor("alice"), data)
    copy_bytes = resized_copy(data)
    copy = add(cases.of_charlie(), world.actor("charlie"), copy_bytes, filename="re.jpg")
    assert copy.sha256 != original.sha256
    assert media.hamming(copy.phash, original.phash) <= 3
    flag = EvidenceFlag.objects.get(item=copy)
    assert flag.kind == "similar_image" and flag.other_item == original and flag.other_consumer


def test_a_different_picture_is_not_flagged(world, cases):
    add(cases.filed(), world.actor("alice"), jpeg_bytes(seed=13, size=(640, 480)))
    other = add(cases.of_charlie(), world.actor("charlie"), jpeg_bytes(seed=14, size=(640, 480)))
    assert not EvidenceFlag.objects.filter(item=other).exists()


def test_the_same_consumer_reusing_a_photo_in_their_own_two_cases_is_flagged_but_not_as_another_consumer(
    world, cases
):
    from tests.factories import OrderFactory

    first = add(cases.filed(), world.actor("alice"), jpeg_bytes(seed=15))
    second_case = cases.filed(order=OrderFactory(shop=world.shop, consumer=world.alice))
    second = add(second_case, world.actor("alice"), jpeg_bytes(seed=15))
    flag = EvidenceFlag.objects.get(item=second)
    assert flag.other_item == first and not flag.other_consumer


def test_the_same_file_twice_in_one_case_is_not_reuse(world, cases):
    case = cases.filed()
    add(case, world.actor("alice"), jpeg_bytes(seed=16))
    add(case, world.actor("alice"), jpeg_bytes(seed=16), filename="again.jpg")
    assert not EvidenceFlag.objects.exists()


def test_product_pages_are_not_a_signal(world, cases):
    add(cases.filed(), world.actor("alice"), jpeg_bytes(seed=17), kind="product_page")
    add(cases.of_charlie(), world.actor("charlie"), jpeg_bytes(seed=17), kind="product_page")
    assert not EvidenceFlag.objects.exists()


def test_agents_see_flags_and_parties_do_not(world, cases):
    add(cases.filed(), world.actor("alice"), jpeg_bytes(seed=18))
    charlies = cases.of_charlie()
    copy = add(charlies, world.actor("charlie"), jpeg_bytes(seed=18))
    agent_view = items_for(charlies, world.actor("agnes"))
    assert [f.other_case.public_id for f in agent_view[0].flags] == [world.order.cases.get().public_id]
    assert item_object(copy, permissions.sides(world.actor("agnes"), charlies))["reuse_flags"][0][
        "other_consumer"
    ]
    assert items_for(charlies, world.actor("charlie"))[0].flags == []
    assert "reuse_flags" not in item_object(copy, permissions.sides(world.actor("charlie"), charlies))


def test_flags_show_on_the_agents_page_not_the_consumers(world, cases):
    alices = cases.filed()
    add(alices, world.actor("alice"), jpeg_bytes(seed=19))
    charlies = cases.of_charlie()
    add(charlies, world.actor("charlie"), jpeg_bytes(seed=19))
    url = reverse("evidence:upload", args=[charlies.public_id])

    def page(name):
        client = Client()
        client.force_login(getattr(world, name))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client.get(url).content.decode()

    assert alices.public_id in page("agnes") and "another consumer" in page("agnes")
    assert alices.public_id not in page("charlie")
    xhr = Client()
    xhr.force_login(world.agnes)
    answer = xhr.post(
        url,
        {
            "kind": "other",
            "file": SimpleUploadedFile("same.jpg", jpeg_bytes(seed=19), content_type="image/jpeg"),
        },
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert answer.status_code == 201
    assert answer.json()["files"][0]["item"]["reuse_flags"] == []  # shown to agents; the platform's own file


def test_near_duplicate_lookup_goes_through_the_band_indexes(world, cases):
    """Never a scan of all items: the queries filter on the indexed sha256 and pHash band columns,
    and (on SQLite, where the plan is easy to read) each one searches an index."""
    item = add(cases.filed(), world.actor("alice"), jpeg_bytes(seed=20))
    with CaptureQueriesContext(connection) as captured:
        reuse.matches(item)
    statements = [q["sql"] for q in captured.captured_queries]
    joined = " ".join(statements)
    assert '"sha256" =' in joined and '"phash_band0" =' in joined and '"phash_band3" =' in joined
    if connection.vendor != "sqlite":
        return
    for sql in statements:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            steps = [row[3] for row in cursor.fetchall()]
        assert not any(step.startswith("SCAN evidence_evidenceitem") for step in steps), steps
        assert any("USING INDEX evidence_evidenceitem_" in step for step in steps), steps


@pytest.mark.parametrize("distance", [0, 1, 2, 3])
def test_band_lookup_finds_every_hash_within_three_bits(distance):
    base = 0x0123_4567_89AB_CDEF
    flipped = base
    for bit in (1, 17, 33, 49)[:distance]:  # one bit in each of the first bands
        flipped ^= 1 << bit
    bands_a, bands_b = media.hash_bands(base, 4), media.hash_bands(flipped, 4)
    assert any(a == b for a, b in zip(bands_a, bands_b, strict=True))
    assert media.hamming(base, flipped) == distance


def test_the_platforms_own_files_are_not_a_signal(world, cases):
    note = b"%PDF-1.4\n% call notes template\n" + b"%" * 100
    add(cases.filed(), world.actor("agnes"), note, kind="other", filename="notes.pdf")
    add(cases.of_charlie(), world.actor("agnes"), note, kind="other", filename="notes.pdf")
    assert not EvidenceFlag.objects.exists()
