"""Evidence files for ``gongdao demo``: photos of a product with a visible defect (drawn with
Pillow, different for every seed, with EXIF capture time and, like a phone, GPS coordinates),
a chat record and a logistics record as UTF-8 text. Small (640×480 JPEG) so the demo stays fast.
"""

from __future__ import annotations

import io
import math
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PIL import ExifTags, Image, ImageDraw, ImageFilter

SIZE = (640, 480)
CHINA = ZoneInfo("Asia/Shanghai")
DEFECTS = ("crack", "dent", "stain", "scratch", "missing_part", "wrong_colour", "crushed_box", "none")


def photo(seed: int, *, product: str, defect: str, taken: datetime, gps: bool = True) -> bytes:
    """A JPEG of ``product`` on a table showing ``defect``; the same seed gives the same bytes."""
    rnd = random.Random(seed)
    img = _table(rnd)
    draw = ImageDraw.Draw(img)
    spot = _product(draw, rnd, product, defect)
    _defect(draw, rnd, spot, defect)
    img = img.filter(ImageFilter.SMOOTH)  # a camera's softness rather than drawn edges
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85, exif=_exif(taken, rnd, gps))
    return out.getvalue()


def reencoded(data: bytes) -> bytes:
    """The same photo shrunk and saved again, as a chat app forwards it (for the reuse demo)."""
    with Image.open(io.BytesIO(data)) as img:
        small = img.resize((img.width * 4 // 5, img.height * 4 // 5), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        small.save(out, "JPEG", quality=72)
        return out.getvalue()


def _table(rnd: random.Random) -> Image.Image:
    """A wooden or cloth surface under window light."""
    base = rnd.choice([(188, 150, 110), (205, 190, 170), (120, 130, 140), (225, 220, 210)])
    img = Image.new("RGB", SIZE, base)
    draw = ImageDraw.Draw(img)
    for y in range(0, SIZE[1], 6):
        shade = int(18 * math.sin(y / (23 + rnd.random() * 9)))
        colour = tuple(max(0, min(255, c + shade - y // 40)) for c in base)
        draw.rectangle((0, y, SIZE[0], y + 6), fill=colour)
    return img


def _product(draw: ImageDraw.ImageDraw, rnd: random.Random, product: str, defect: str) -> tuple[int, int]:
    """Draw the product; return a point on it where the defect shows."""
    cx, cy = 320 + rnd.randint(-60, 60), 240 + rnd.randint(-40, 40)
    colour = (
        (200, 40, 60)
        if defect == "wrong_colour"
        else rnd.choice([(35, 35, 40), (230, 230, 232), (60, 70, 110)])
    )
    if "耳机" in product or "headphone" in product:
        draw.arc((cx - 150, cy - 170, cx + 150, cy + 90), 200, 340, fill=colour, width=22)
        for dx in (-140, 140):
            draw.ellipse(
                (cx + dx - 55, cy - 20, cx + dx + 55, cy + 110), fill=colour, outline=(10, 10, 10), width=3
            )
        side = rnd.choice((-140, 140))
        return (cx + side + rnd.randint(-20, 20), cy + 45 + rnd.randint(-20, 20))
    if "手表" in product or "watch" in product:
        draw.rectangle((cx - 40, cy - 200, cx + 40, cy + 200), fill=(70, 70, 75))
        draw.rounded_rectangle(
            (cx - 90, cy - 100, cx + 90, cy + 100), 30, fill=colour, outline=(15, 15, 15), width=4
        )
        draw.rounded_rectangle((cx - 70, cy - 80, cx + 70, cy + 80), 22, fill=(20, 30, 45))
        return (cx + rnd.randint(-40, 20), cy + rnd.randint(-50, 20))
    if "键盘" in product or "keyboard" in product:
        draw.rounded_rectangle((cx - 250, cy - 90, cx + 250, cy + 90), 12, fill=colour)
        for row in range(4):
            for col in range(12):
                x, y = cx - 235 + col * 39, cy - 78 + row * 40
                draw.rounded_rectangle((x, y, x + 33, y + 33), 4, fill=(90, 90, 95), outline=(20, 20, 20))
        return (cx - 215 + 39 * rnd.randint(0, 11), cy - 60 + 40 * rnd.randint(0, 3))
    if "桌" in product or "table" in product:
        draw.polygon(
            [(cx - 230, cy - 40), (cx + 230, cy - 40), (cx + 180, cy + 40), (cx - 180, cy + 40)],
            fill=(150, 100, 60),
        )
        for dx in (-170, 160):
            draw.rectangle((cx + dx, cy + 40, cx + dx + 18, cy + 190), fill=(120, 80, 45))
        return (cx + rnd.randint(-150, 120), cy + rnd.randint(-25, 15))
    # anything else: its box, as it arrived
    draw.polygon(
        [(cx - 170, cy - 60), (cx + 120, cy - 110), (cx + 200, cy - 40), (cx - 90, cy + 10)],
        fill=(214, 180, 130),
    )
    draw.polygon(
        [(cx - 170, cy - 60), (cx - 90, cy + 10), (cx - 90, cy + 170), (cx - 170, cy + 100)],
        fill=(180, 145, 95),
    )
    draw.polygon(
        [(cx - 90, cy + 10), (cx + 200, cy - 40), (cx + 200, cy + 120), (cx - 90, cy + 170)],
        fill=(196, 160, 110),
    )
    draw.rectangle((cx - 20, cy + 40, cx + 120, cy + 80), fill=(250, 250, 245))  # the waybill
    return (cx + rnd.randint(-60, 120), cy + rnd.randint(-40, 10))


def _defect(draw: ImageDraw.ImageDraw, rnd: random.Random, spot: tuple[int, int], defect: str) -> None:
    x, y = spot
    centre = spot
    if defect in ("crack", "scratch", "crushed_box"):
        width = 4 if defect == "crack" else 2
        x -= 40
        points = [(x, y)]
        for _ in range(rnd.randint(4, 7)):
            x += rnd.randint(4, 22)
            y += rnd.randint(-16, 16)
            points.append((x, y))
        draw.line(
            points, fill=(250, 250, 250) if defect == "scratch" else (5, 5, 5), width=width, joint="curve"
        )
        if defect == "crushed_box":
            draw.polygon([(x - 60, y - 50), (x + 10, y - 20), (x - 50, y + 20)], fill=(140, 105, 60))
    elif defect == "dent":
        draw.ellipse((x - 45, y - 30, x + 45, y + 30), outline=(15, 15, 15), width=5)
        draw.arc((x - 35, y - 20, x + 35, y + 20), 200, 340, fill=(240, 240, 240), width=3)
    elif defect == "stain":
        for _ in range(6):
            r = rnd.randint(10, 34)
            dx, dy = rnd.randint(-40, 40), rnd.randint(-30, 30)
            draw.ellipse((x + dx - r, y + dy - r, x + dx + r, y + dy + r), fill=(120, 95, 40))
    elif defect == "missing_part":
        draw.rectangle((x - 40, y - 40, x + 40, y + 40), fill=(10, 10, 10))
    # the circle a consumer draws around the problem
    x, y = centre
    draw.ellipse((x - 80, y - 60, x + 80, y + 60), outline=(230, 20, 20), width=5)


def _exif(taken: datetime, rnd: random.Random, gps: bool) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Demo"
    exif[ExifTags.Base.Model] = "Phone 12"
    local = taken.astimezone(CHINA)
    exif[ExifTags.IFD.Exif] = {
        ExifTags.Base.DateTimeOriginal: local.strftime("%Y:%m:%d %H:%M:%S"),
        ExifTags.Base.OffsetTimeOriginal: "+08:00",
    }
    if gps:
        lat, lon = 31.0 + rnd.random() * 0.5, 121.2 + rnd.random() * 0.5
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: _dms(lat),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: _dms(lon),
        }
    return exif.tobytes()


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 2)
    return (float(degrees), float(minutes), seconds)


def chat_record(shop: str, lines: list[tuple[str, str]], start: datetime) -> str:
    """A chat log as the shop's chat window exports it: time, who, what."""
    out = [f"与「{shop}」的聊天记录（导出）", ""]
    moment = start.astimezone(CHINA)
    for who, text in lines:
        out.append(f"{moment:%Y-%m-%d %H:%M}  {who}：{text}")
        moment += timedelta(minutes=3)
    return "\n".join(out) + "\n"


def logistics_record(carrier: str, tracking: str, shipped: datetime, signed: datetime, note: str = "") -> str:
    """The tracking history as copied from the carrier's page."""
    s, d = shipped.astimezone(CHINA), signed.astimezone(CHINA)
    rows = [
        f"{carrier} 运单号 {tracking}",
        "",
        f"{s:%Y-%m-%d %H:%M}  【杭州市】快件已由发货仓揽收",
        f"{s + timedelta(hours=5):%Y-%m-%d %H:%M}  【杭州市】快件已发往转运中心",
        f"{s + timedelta(hours=19):%Y-%m-%d %H:%M}  【上海市】快件已到达转运中心",
        f"{d - timedelta(hours=3):%Y-%m-%d %H:%M}  【上海市】快件派送中，派件员：王师傅",
        f"{d:%Y-%m-%d %H:%M}  【上海市】快件已签收，签收人：{note or '本人'}",
    ]
    return "\n".join(rows) + "\n"
