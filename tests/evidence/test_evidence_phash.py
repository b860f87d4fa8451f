"""pHash bands: near-duplicates (Hamming distance ≤ bands - 1) always share a band, so an index finds them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongdao.evidence.media import hamming, hash_bands, to_signed64, to_unsigned64

pytestmark = pytest.mark.unit

hashes = st.integers(min_value=-(2**63), max_value=2**63 - 1)


def flip(value: int, bits: set[int]) -> int:
    for bit in bits:
        value ^= 1 << bit
    return to_signed64(value)


@given(hashes, st.sets(st.integers(0, 63), max_size=3))
def test_within_distance_three_share_a_band(h, bits):
    near = flip(h, bits)
    assert hamming(h, near) == len(bits)
    assert any(a == b for a, b in zip(hash_bands(h), hash_bands(near), strict=True))


@given(hashes, st.integers(1, 6).map(lambda n: [1, 2, 4, 8, 16, 32][n - 1]), st.data())
def test_any_band_count_tolerates_bands_minus_one(h, bands, data):
    bits = data.draw(st.sets(st.integers(0, 63), max_size=bands - 1))
    near = flip(h, bits)
    assert any(a == b for a, b in zip(hash_bands(h, bands), hash_bands(near, bands), strict=True))


def test_four_differing_bits_may_share_no_band():
    h = 0
    far = flip(h, {0, 16, 32, 48})
    assert hamming(h, far) == 4
    assert all(a != b for a, b in zip(hash_bands(h), hash_bands(far), strict=True))


@given(hashes)
def test_bands_are_16_bit_and_rebuild_the_hash(h):
    bands = hash_bands(h)
    assert len(bands) == 4 and all(0 <= b < 2**16 for b in bands)
    assert to_signed64(sum(b << (16 * i) for i, b in enumerate(bands))) == h


@given(st.integers(min_value=0, max_value=2**64 - 1))
def test_signed_round_trip_fits_a_bigint(u):
    s = to_signed64(u)
    assert -(2**63) <= s < 2**63
    assert to_unsigned64(s) == u


@given(hashes, hashes)
def test_hamming_is_symmetric_and_signed_safe(a, b):
    assert hamming(a, b) == hamming(b, a) == hamming(to_unsigned64(a), to_unsigned64(b))
    assert hamming(a, a) == 0


@pytest.mark.parametrize("bands", [0, 3, 5, 7])
def test_bands_must_divide_64(bands):
    with pytest.raises(ValueError):
        hash_bands(1, bands)
