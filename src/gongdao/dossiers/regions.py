"""Where to file: the county-level market regulator named from a region text (Gongdao keeps no
directory of offices, so it names the competent level and place and says why), and whether one
of the three internet courts (Beijing, Guangzhou, Hangzhou) could hear a claim.

Pure: no Django, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_PROVINCE = re.compile(r"^(.{2,10}?(?:省|自治区|特别行政区))")
_CITY = re.compile(r"^(.{1,12}?(?:自治州|地区|盟|市))")
_COUNTY = re.compile(r"^(.{1,12}?(?:自治县|自治旗|林区|特区|新区|区|县|旗|市))")
INTERNET_COURTS = {"北京市": "北京互联网法院", "广州市": "广州互联网法院", "杭州市": "杭州互联网法院"}


@dataclass(frozen=True)
class Region:
    province: str = ""
    city: str = ""
    county: str = ""

    @property
    def text(self) -> str:
        parts = [self.province, self.city if self.city != self.province else "", self.county]
        return "".join(p for p in parts if p)


def parse_region(text: str) -> Region:
    """Split "浙江省杭州市余杭区…" into province, city and county ("" for a part not found)."""
    rest = "".join((text or "").split())
    province = city = county = ""
    for name in MUNICIPALITIES:
        short = name[:-1]
        if rest.startswith(name) or rest.startswith(short):
            province = city = name
            rest = rest[len(name) if rest.startswith(name) else len(short) :]
            break
    else:
        match = _PROVINCE.match(rest)
        if match:
            province, rest = match.group(1), rest[match.end() :]
        match = _CITY.match(rest)
        if match:
            city, rest = match.group(1), rest[match.end() :]
    match = _COUNTY.match(rest)
    if match and city:
        county = match.group(1)
    return Region(province, city, county)


@dataclass(frozen=True)
class Office:
    """The competent market regulator: a name when the county is known, else the level and place."""

    name: str
    region: Region
    exact: bool  # False: the county is unknown, so only the city is named


def regulator_for(region_text: str) -> Office | None:
    region = parse_region(region_text)
    if not region.city:
        return None
    if not region.county:
        return Office(f"{region.city}辖区内相应的县级市场监督管理局", region, False)
    prefix = region.city if region.county.endswith(("区", "新区")) else ""
    return Office(f"{prefix}{region.county}市场监督管理局", region, True)


def city_of(text: str) -> str:
    """The prefecture-level city a place text names ("杭州", "浙江省杭州市西湖区…" → "杭州市")."""
    cleaned = "".join((text or "").split())
    region = parse_region(cleaned)
    if region.city:
        return region.city
    if cleaned and not cleaned.endswith("市") and len(cleaned) <= 4:
        return parse_region(cleaned + "市").city
    return ""


def internet_court_for(*places: str) -> tuple[str, str] | None:
    """The first of the places lying in Beijing, Guangzhou or Hangzhou: (court, city), or None."""
    for place in places:
        city = city_of(place)
        if city in INTERNET_COURTS:
            return INTERNET_COURTS[city], city
    return None
