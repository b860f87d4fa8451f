"""The demo's self-help cases (``gongdao demo``; gongdao/demo.py calls ``seed_cases``): purchases
made on Taobao and Pinduoduo, declared by the consumer, run through the same actions the product
uses (declare_purchase, open_case, perform, invitations, dossiers), so their records verify.

* Alice's charger from a Taobao shop: she asked the shop two days ago, then invited it by link;
  the shop's after-sales clerk opened the link and offered ¥30 — her move now.
* Charlie's mincer from a Pinduoduo shop: the shop refused (chat screenshot), the platform sided
  with the shop; the 12315 complaint is drafted and ready to file while the appeal window runs.
* Lin, staff of a consumer association, takes in a member's Douyin livestream purchase with her
  signed power of attorney and asks the shop on her behalf (every event: ``on_behalf_of``).

Steps happened days ago (``occurred_at``) and were recorded in the last hours (``recorded_at``),
as a consumer catching up on their record would; every deadline still pending lies ahead.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

CHARGER_SHOP = {
    "name": "极客屋数码配件店",
    "region": "广东省深圳市",
    "address": "广东省深圳市龙华区民治街道民康路 66 号",
    "credit_code": "91440300MA5G7UPK1K",
    "store_url": "https://shop173829456.taobao.com",
}
MINCER_SHOP = {
    "name": "惠聚家电百货店",
    "region": "广东省佛山市顺德区",
    "address": "广东省佛山市顺德区北滘镇工业大道 12 号",
}
REFUSAL = "您这个是使用不当导致的，电机烧了不属于质量问题，不支持退货退款哦。"


def seed_cases(script: Any, now: datetime) -> dict[str, Any]:
    """The self-help cases; ``script`` is gongdao.demo.Script (clock, actors, evidence helpers)."""
    return {
        "invited": _invited_merchant_answered(script, now),
        "dossier": _ready_for_12315(script, now),
        "association": _association_member(script, now),
    }


def _day(moment: datetime) -> str:
    """A China-time minute, as a consumer types it (``2026-11-20T14:30``)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _declare(script: Any, who: str, data: dict[str, Any]) -> Any:
    from gongdao.selfhelp.declare import declare_purchase

    return declare_purchase(script.people[who], data, now=script.clock)


def _open(script: Any, order: Any, issue: str, remedy: str, statement: str) -> Any:
    from gongdao.cases.actions import open_case

    consumer = order.consumer.username
    case = open_case(
        order, script.actor(consumer), issue=issue, remedy=remedy, statement=statement, now=script.at()
    )
    snapshot = case.order_snapshot
    rows = [
        ("店铺", snapshot["shop_name"]),
        ("订单编号", snapshot["external_id"]),
        ("下单时间", _day(datetime.fromisoformat(snapshot["ordered_at"]))),
    ]
    rows += [(line["name"], f"实付 ¥{line['paid_fen'] / 100:.2f}") for line in snapshot["lines"]]
    rows.append(("物流", f"{snapshot['logistics']['carrier']} {snapshot['logistics']['tracking_number']}"))
    image = screenshot("订单详情", rows=rows)
    script.add(case, consumer, "order_record", image, named("订单截图", image), "订单详情页截图")
    script.consumer_evidence(case, statement)
    return case


def _invited_merchant_answered(s: Any, now: datetime) -> Any:
    from gongdao.cases.actions import perform
    from gongdao.selfhelp import invitations

    ordered = now - timedelta(days=12, hours=3)
    order = _declare(
        s,
        "alice",
        {
            "platform": "taobao",
            "shop": CHARGER_SHOP,
            "order_number": "3948571620394857261",
            "ordered_at": _day(ordered),
            "paid_at": _day(ordered + timedelta(minutes=2)),
            "shipped_at": _day(ordered + timedelta(days=1)),
            "signed_at": _day(ordered + timedelta(days=3)),
            "carrier": "圆通速递",
            "tracking_number": "YT7361528849301",
            "logistics_status": "已签收",
            "lines": [
                {
                    "name": "65W 氮化镓快充充电器",
                    "spec": "双C口 白色",
                    "unit_price_fen": 12900,
                    "paid_fen": 9900,
                },
                {"name": "Type-C 编织数据线 1.5m", "quantity": 2, "unit_price_fen": 1990, "paid_fen": 3580},
            ],
        },
    )
    case = _open(
        s,
        order,
        "quality_defect",
        "return_and_refund",
        "充电器用了一周就充不进电，插上后指示灯不亮，外壳靠近插脚处有裂缝，申请退货退款。",
    )
    s.do(case, "submit", "alice", channel="platform_chat", occurred_at=_day(now - timedelta(days=2)))
    invitation, token = invitations.invite(case, s.actor("alice"), name="极客屋 售后 小周", now=s.at())
    invitations.redeem(token, now=s.at())  # the clerk opened the link
    guest = invitation.guest
    s.people[guest.username] = guest
    s.add(
        case,
        guest.username,
        "other",
        "出厂检测记录：批次 GX65-2611-07，抽检 50 台合格。\n".encode(),
        "出厂检测记录.txt",
        "该批次的出厂检测记录",
    )
    perform(
        case,
        "offer",
        s.actor(guest.username),
        now=s.at(),
        remedy="partial_refund",
        lines=[{"line_no": 1, "amount_fen": 3000}],
        message="亲，给您添麻烦了。充电器补偿您 30 元，您看可以吗？如果坚持退货，请告诉我们。",
    )
    return case


def _ready_for_12315(s: Any, now: datetime) -> Any:
    from gongdao.dossiers import actions as dossiers

    ordered = now - timedelta(days=21, hours=5)
    order = _declare(
        s,
        "charlie",
        {
            "platform": "pinduoduo",
            "shop": MINCER_SHOP,
            "order_number": "251107-384756201937",
            "ordered_at": _day(ordered),
            "paid_at": _day(ordered + timedelta(minutes=1)),
            "shipped_at": _day(ordered + timedelta(days=1)),
            "signed_at": _day(ordered + timedelta(days=4)),
            "carrier": "韵达快递",
            "tracking_number": "YD4318820571936",
            "logistics_status": "已签收",
            "lines": [
                {
                    "name": "迷你绞肉机 2L 双档",
                    "spec": "不锈钢刀头",
                    "unit_price_fen": 12900,
                    "paid_fen": 8900,
                }
            ],
        },
    )
    statement = "绞肉机用了三次，电机冒烟后再也转不动，外壳裂开，有焦味，申请退货退款。"
    case = _open(s, order, "quality_defect", "return_and_refund", statement)
    asked, refused = now - timedelta(days=11), now - timedelta(days=10, hours=20)
    s.do(case, "submit", "charlie", channel="platform_chat", occurred_at=_day(asked))
    chat = screenshot(
        MINCER_SHOP["name"],
        chat=[
            ("我", "绞肉机用了三次电机就烧了，冒烟，外壳也裂了，照片发您了，申请退货退款。"),
            ("客服", "亲，您是不是一次放太多肉了？"),
            ("我", "每次不到半斤，按说明书用的。"),
            ("客服", REFUSAL),
        ],
        start=refused - timedelta(minutes=9),
    )
    shot = s.add(case, "charlie", "chat_record", chat, named("聊天截图", chat), "商家客服拒绝退货的聊天截图")
    s.do(
        case,
        "record_merchant_reply",
        "charlie",
        reply="refused",
        note=REFUSAL,
        channel="platform_chat",
        occurred_at=_day(refused),
        evidence=[shot.public_id],
    )
    reference = "PDD-SH-2611190042"
    s.do(
        case,
        "record_platform_step",
        "charlie",
        step="applied",
        reference=reference,
        channel="platform_chat",
        occurred_at=_day(now - timedelta(days=9)),
    )
    s.do(
        case,
        "record_platform_step",
        "charlie",
        step="decided",
        outcome="merchant_upheld",
        reference=reference,
        note="平台客服：商品已使用，商家不同意退货，本次申请不予支持。",
        channel="platform_chat",
        occurred_at=_day(now - timedelta(days=5)),
    )
    found = timezone.localtime(ordered + timedelta(days=9)).date().isoformat()
    dossiers.save_draft(
        case,
        s.actor("charlie"),
        "12315",
        answers={"problem_found_on": found, "category": "general"},
        now=s.at(),
    )
    dossiers.record_referral(case, s.actor("charlie"), target="12315", status="drafted", now=s.at())
    return case


def _association_member(s: Any, now: datetime) -> Any:
    from gongdao.parties import associations
    from gongdao.parties.models import Association, User

    association = Association.objects.create(
        name="杭州市消费者权益保护委员会", region="浙江省杭州市", contact="0571-12315"
    )
    staff = User.objects.create(
        username="lin",
        role="association_staff",
        association=association,
        email="lin@demo.gongdao.local",
        first_name="林晓（杭州市消保委）",
        password=s.people["alice"].password,  # the demo password, hashed once
    )
    s.people["lin"] = staff
    ordered = now - timedelta(days=6, hours=2)
    mandate = screenshot(
        "授权委托书",
        rows=[
            ("委托人", "周秀兰"),
            ("受托人", "林晓 杭州市消保委"),
            ("委托事项", "抖音订单投诉、协商"),
            ("委托权限", "代为提交材料、协商"),
            ("委托期限", "至本案办结"),
        ],
    )
    case = associations.start_for_member(
        staff,
        member={"name": "周秀兰", "phone": "13905710022"},
        purchase={
            "platform": "douyin",
            "shop": {"name": "臻选滋补好物旗舰店", "region": "福建省厦门市"},
            "order_number": "6938471025568123904",
            "ordered_at": _day(ordered),
            "paid_at": _day(ordered + timedelta(minutes=1)),
            "signed_at": _day(ordered + timedelta(days=3)),
            "carrier": "中通快递",
            "tracking_number": "ZT73018829465",
            "lines": [{"name": "即食燕窝 礼盒装 6 瓶", "unit_price_fen": 39800, "paid_fen": 29900}],
        },
        issue="false_advertising",
        remedy="return_and_refund",
        statement="直播间称“每瓶含燕窝 5 克、孕妇老人都能吃”，收到后配料表写固形物 0.8 克，与宣传不符。",
        power_of_attorney=io.BytesIO(mandate),
        filename=named("授权委托书", mandate),
        staff_name="林晓",
        staff_id_number="330106198804123521",
        now=s.at(),
    )
    _member_evidence(s, case, ordered)
    s.do(case, "submit", "lin", channel="phone", occurred_at=_day(now - timedelta(hours=20)))
    return case


def _member_evidence(s: Any, case: Any, ordered: datetime) -> None:
    """What the member brought: the order, the livestream's claim, the jar, the chat, the tracking."""
    from gongdao.evidence import demo_files

    order = screenshot(
        "订单详情",
        rows=[("店铺", "臻选滋补好物旗舰店"), ("订单编号", "6938471025568123904"), ("实付", "¥299.00")],
    )
    claim = screenshot("商品页", rows=[("直播间标题", "每瓶足足 5 克燕窝"), ("配料表", "固形物 ≥0.8g")])
    photo = s.picture(case, "stain")
    chat = demo_files.chat_record(
        "臻选滋补好物旗舰店",
        [
            ("我", "直播里说每瓶 5 克燕窝，配料表只有 0.8 克固形物，要求退货退款。"),
            ("客服", "以配料表为准哦亲。"),
        ],
        s.clock - timedelta(days=1),
    )
    shipped, signed = ordered + timedelta(days=1), ordered + timedelta(days=3)
    track = demo_files.logistics_record("中通快递", "ZT73018829465", shipped, signed, "本人")
    for kind, data, name, description in (
        ("order_record", order, named("抖音订单截图", order), "抖音订单详情截图"),
        ("product_page", claim, named("商品页截图", claim), "直播间宣传与配料表"),
        ("problem_photo", photo, "IMG_2611.jpg", "收到的燕窝，瓶内几乎都是汤水"),
        ("chat_record", chat.encode(), "聊天记录.txt", "会员与商家客服的聊天记录"),
        ("logistics_record", track.encode(), "物流详情.txt", "快递公司官网的物流记录"),
    ):
        s.add(case, "lin", kind, data, name, description)


# ---- screenshots ------------------------------------------------------------------------------


def screenshot(
    title: str,
    *,
    rows: list[tuple[str, str]] | None = None,
    chat: list[tuple[str, str]] | None = None,
    start: datetime | None = None,
) -> bytes:
    """A phone screenshot (PNG) of an order page (``rows``) or a chat (``chat``: who, text). Drawn
    with the Chinese font dossiers use; without one, the same content as plain text."""
    from gongdao.dossiers import fonts

    try:
        face = fonts.find()
    except fonts.FontMissing:
        return _as_text(title, rows, chat).encode()
    from PIL import Image, ImageDraw, ImageFont

    def font(size: int) -> Any:
        return ImageFont.truetype(str(face.path), size, index=face.index)

    width, small, body = 720, font(22), font(26)
    img = Image.new("RGB", (width, 1280), (237, 237, 237))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, width, 110), fill=(255, 255, 255))
    draw.text((width // 2, 70), title, font=font(30), fill=(20, 20, 20), anchor="mm")
    y = 140
    for label, value in rows or []:
        draw.rectangle((24, y, width - 24, y + 70), fill=(255, 255, 255))
        draw.text((44, y + 35), label, font=body, fill=(90, 90, 90), anchor="lm")
        draw.text((width - 44, y + 35), value, font=body, fill=(20, 20, 20), anchor="rm")
        y += 82
    moment = timezone.localtime(start or timezone.now())
    for who, text in chat or []:
        draw.text(
            (width // 2, y + 14),
            moment.strftime("%m-%d %H:%M"),
            font=small,
            fill=(150, 150, 150),
            anchor="mm",
        )
        y += 40
        lines = _wrap(text, 19)
        height = 24 + 38 * len(lines)
        mine = who == "我"
        left = width - 24 - 560 if mine else 24
        colour = (149, 236, 105) if mine else (255, 255, 255)
        draw.rounded_rectangle((left, y, left + 560, y + height), radius=14, fill=colour)
        for n, line in enumerate(lines):
            draw.text((left + 20, y + 12 + 38 * n), line, font=body, fill=(20, 20, 20))
        y += height + 24
        moment += timedelta(minutes=3)
    out = io.BytesIO()
    img.crop((0, 0, width, min(1280, y + 40))).save(out, "PNG", optimize=True)
    return out.getvalue()


def named(stem: str, data: bytes) -> str:
    """The file name of a screenshot (a .txt when no font was there to draw it)."""
    return stem + (".png" if data.startswith(b"\x89PNG") else ".txt")


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters; punctuation never starts a line (it stays behind)."""
    lines: list[str] = []
    for char in text:
        if lines and (len(lines[-1]) < width or char in "，。？！、：；）"):
            lines[-1] += char
        else:
            lines.append(char)
    return lines or [""]


def _as_text(title: str, rows: list[tuple[str, str]] | None, chat: list[tuple[str, str]] | None) -> str:
    lines = [title, ""]
    lines += [f"{label}：{value}" for label, value in rows or []]
    lines += [f"{who}：{text}" for who, text in chat or []]
    return "\n".join(lines) + "\n"
