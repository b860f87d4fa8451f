"""Masking of personal data for viewers who may not see it in full."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(name: str) -> str:
    name = name.strip()
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


def mask_address(address: str) -> str:
    """Keep the first part (province/city) and hide the rest."""
    address = address.strip()
    keep = min(6, len(address) // 2)
    return address[:keep] + "*" * 4 if address else ""
