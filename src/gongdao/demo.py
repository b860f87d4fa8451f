"""``gongdao demo``: a seeded marketplace with cases in every status, built through the same
actions the product uses (open_case, perform, add_message), so the demo's records verify.

History is laid out over the last hours, so every pending deadline is still ahead when the
server starts and the worker does not rush the demo forward.
"""

from __future__ import annotations

import io
import random
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

MARKER = ".gongdao-demo"
# What the consumer's photo shows, per issue (evidence/demo_files.py draws it).
DEFECTS = {
    "quality_defect": "crack",
    "damaged_in_transit": "crushed_box",
    "wrong_or_missing_item": "wrong_colour",
    "not_as_described": "scratch",
    "counterfeit": "stain",
    "not_received": "none",
    "late_delivery": "none",
}
NO_PRODUCT = ("not_received", "late_delivery")  # the photo is of the parcel, as logistics evidence
PHOTO_NOTES = {
    "quality_defect": "外壳裂缝，红圈处",
    "damaged_in_transit": "签收时外箱已压坏",
    "wrong_or_missing_item": "收到的颜色与订单不符",
    "not_as_described": "表面划痕",
    "counterfeit": "包装印刷模糊、有污渍",
    "not_received": "快递员发来的“已放驿站”照片，驿站查无此件",
    "late_delivery": "包裹面单上的发货日期",
}
PASSWORD = "gongdao-demo"

SHOPS = [
    (
        "声谷数码旗舰店",
        "浙江省杭州市余杭区",
        "浙江省杭州市余杭区五常街道文一西路 969 号",
        "91330110MA27Y5XK3B",
    ),
    ("鲜果时光生鲜店", "广东省广州市番禺区", "广东省广州市番禺区南村镇兴业大道 88 号", "91440113MA5CKQ2W1N"),
    ("简居家居生活馆", "北京市朝阳区", "北京市朝阳区望京街 10 号", "91110105MA01R7LJ4P"),
]
CONSUMERS = [
    ("alice", "王小明", "13812345678", "上海市浦东新区世纪大道 100 号 2 栋 301"),
    ("charlie", "李华", "13987654321", "江苏省南京市鼓楼区中山路 18 号"),
    ("dora", "张敏", "13600001111", "四川省成都市武侯区天府大道 1 号"),
    ("eric", "刘洋", "13700002222", "湖北省武汉市洪山区珞喻路 129 号"),
    ("fang", "陈芳", "13500003333", "浙江省宁波市鄞州区宁南北路 5 号"),
    ("gang", "赵刚", "13400004444", "山东省济南市历下区泉城路 2 号"),
]
PRODUCTS = [
    ("蓝牙降噪耳机", "黑色 标准版", 39900),
    ("充电仓", "白色", 8900),
    ("智能手表", "42mm", 129900),
    ("车厘子 2斤装", "JJ级", 15800),
    ("实木餐桌", "1.4m", 189900),
    ("羽绒被", "200×230cm", 45900),
    ("机械键盘", "青轴", 29900),
]


def prepare_dir(target: Path) -> None:
    """A fresh demo dir: wipe one the demo made before; never a folder it did not make."""
    if target.exists() and any(target.iterdir()):
        if not (target / MARKER).exists():
            raise SystemExit(
                f"gongdao demo: {target} is not empty and was not made by the demo; choose --data-dir"
            )
        shutil.rmtree(target)
    target.mkdir(parents=True, exist_ok=True)
    (target / MARKER).write_text("made by gongdao demo; deleted and remade by each run\n", encoding="utf-8")


def _users() -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password

    from gongdao.parties.models import Profile, Shop, User

    people: dict[str, Any] = {}
    password = make_password(PASSWORD)  # hashed once: argon2 is slow on purpose

    def make(
        username: str, role: str, shop: Any = None, name: str = "", phone: str = "", address: str = ""
    ) -> Any:
        user = User(
            username=username,
            role=role,
            shop=shop,
            email=f"{username}@demo.gongdao.local",
            is_staff=role == "admin",
            is_superuser=role == "admin",
            first_name=name,
        )
        user.password = password
        user.save()
        Profile.objects.create(user=user, full_name=name, phone=phone, address=address)
        people[username] = user
        return user

    shops = [
        Shop.objects.create(
            name=n,
            region=r,
            registered_address=a,
            credit_code=c,
            contact_name="客服",
            contact_phone="400-800-1234",
            return_address=a,
        )
        for n, r, a, c in SHOPS
    ]
    for username, name, phone, address in CONSUMERS:
        make(username, "consumer", name=name, phone=phone, address=address)
    make("bob", "merchant_admin", shops[0], "周博（声谷数码）")
    make("betty", "merchant_staff", shops[0], "吴倩（声谷数码）")
    make("mallory", "merchant_admin", shops[1], "郑磊（鲜果时光）")
    make("hank", "merchant_admin", shops[2], "孙浩（简居家居）")
    make("agnes", "agent", name="平台客服 安娜")
    make("sam", "senior_agent", name="资深客服 山姆")
    make("sara", "senior_agent", name="资深客服 莎拉")
    make("ada", "admin", name="管理员")
    people["shops"] = shops
    return people


def _orders(people: dict[str, Any], now: datetime) -> list[Any]:
    from gongdao.orders.models import Order, OrderLine

    rng = random.Random(7)
    orders = []
    consumers = [people[c[0]] for c in CONSUMERS]
    for n in range(42):
        shop = people["shops"][n % 3]
        ordered = now - timedelta(days=3 + n % 20, hours=rng.randint(0, 20))
        order = Order.objects.create(
            external_id=f"DEMO{202611000 + n}",
            shop=shop,
            consumer=consumers[n % len(consumers)],
            ordered_at=ordered,
            paid_at=ordered + timedelta(minutes=3),
            shipped_at=ordered + timedelta(days=1),
            signed_at=ordered + timedelta(days=2),
            carrier="顺丰速运",
            tracking_number=f"SF14{rng.randint(10**9, 10**10)}",
            logistics_status="已签收",
            shipping_fee_fen=0 if n % 2 else 1000,
        )
        for line_no, (name, spec, price) in enumerate(rng.sample(PRODUCTS, 1 + n % 2), start=1):
            OrderLine.objects.create(
                order=order,
                line_no=line_no,
                name=name,
                spec=spec,
                quantity=1,
                unit_price_fen=price,
                paid_fen=price - (500 if n % 4 == 0 else 0),
            )
        orders.append(order)
    return orders


class Script:
    """Runs a case's history a few minutes apart, ending shortly before now."""

    def __init__(self, people: dict[str, Any], start: datetime) -> None:
        self.people, self.clock = people, start

    def at(self) -> datetime:
        self.clock += timedelta(minutes=7)
        return self.clock

    def actor(self, name: str) -> Any:
        from gongdao.cases.actors import of_user

        return of_user(self.people[name])

    def open(
        self,
        order: Any,
        issue: str,
        remedy: str,
        statement: str,
        submit: bool = True,
        photo: bytes | None = None,
    ) -> Any:
        """File a case the way a consumer does: the draft, the evidence, then submit."""
        from gongdao.cases.actions import open_case

        consumer = order.consumer.username
        case = open_case(
            order, self.actor(consumer), issue=issue, remedy=remedy, statement=statement, now=self.at()
        )
        if submit:
            self.consumer_evidence(case, statement, photo)
            self.do(case, "submit", consumer)
        return case

    # ---- evidence: real files through the one upload function ----------------------------

    def add(self, case: Any, who: str, kind: str, data: bytes, filename: str, description: str = "") -> Any:
        from gongdao.evidence.actions import add_evidence

        return add_evidence(
            case,
            self.actor(who),
            kind=kind,
            source=io.BytesIO(data),
            filename=filename,
            description=description,
            now=self.at(),
        )

    def picture(self, case: Any, defect: str, *, gps: bool = True, variant: int = 0) -> bytes:
        from gongdao.evidence import demo_files

        product = case.order_snapshot["lines"][0]["name"]
        seed = int(case.order_snapshot["external_id"][-3:]) + 1000 * variant
        return demo_files.photo(
            seed, product=product, defect=defect, taken=self.clock - timedelta(hours=2), gps=gps
        )

    def consumer_evidence(self, case: Any, statement: str, photo: bytes | None = None) -> None:
        """A photo of the problem, the chat with the shop and the tracking history."""
        from gongdao.evidence import demo_files

        who = case.consumer.username
        snapshot = case.order_snapshot
        defect = DEFECTS.get(case.issue)
        if defect or photo:
            data = photo or self.picture(case, defect or "crack")
            kind = "problem_photo" if case.issue not in NO_PRODUCT else "logistics_record"
            self.people.setdefault("photos", []).append((case.issue, data))
            self.add(
                case, who, kind, data, f"IMG_{snapshot['external_id'][-4:]}.jpg", PHOTO_NOTES[case.issue]
            )
        chat = demo_files.chat_record(
            snapshot["shop_name"],
            [
                ("我", statement),
                ("客服", "亲，麻烦提供一下照片和订单号，我们核实处理。"),
                ("我", "照片和订单号都已经上传了。"),
            ],
            self.clock - timedelta(hours=1),
        )
        self.add(case, who, "chat_record", chat.encode(), "聊天记录.txt", "与商家客服的聊天记录")
        shipped = _parse(snapshot["shipped_at"]) or self.clock - timedelta(days=3)
        signed = _parse(snapshot["signed_at"]) or shipped + timedelta(days=1)
        logistics = snapshot["logistics"]
        note = "驿站代收" if case.issue in NO_PRODUCT else "本人"
        record = demo_files.logistics_record(
            logistics["carrier"], logistics["tracking_number"], shipped, signed, note
        )
        self.add(case, who, "logistics_record", record.encode(), "物流详情.txt", "快递公司官网的物流记录")

    def do(self, case: Any, action: str, who: str, **data: Any) -> None:
        from gongdao.cases.actions import perform

        perform(case, action, self.actor(who), now=self.at(), **data)

    def say(self, case: Any, who: str, text: str) -> None:
        from gongdao.cases.actions import add_message

        add_message(case, self.actor(who), text, now=self.at())


def _cases(people: dict[str, Any], orders: list[Any], now: datetime) -> None:
    merchant_of = {
        shop.pk: name for shop, name in zip(people["shops"], ("bob", "mallory", "hank"), strict=True)
    }
    scenarios = [
        _draft,
        _awaiting_merchant,
        _offered,
        _rejected,
        _escalated,
        _evidence_period,
        _under_review,
        _decided_refund,
        _decided_for_merchant,
        _appealed,
        _return_shipped,
        _resolved_return,
        _advance_payout,
        _abandoned,
        _withdrawn,
        _resend_fulfilling,
        _rated,
    ]
    for index, scenario in enumerate(scenarios):
        script = Script(people, now - timedelta(hours=6) + timedelta(minutes=index * 2))
        scenario(script, orders[index], merchant_of[orders[index].shop_id])


def _draft(s: Script, order: Any, m: str) -> None:
    s.open(order, "not_received", "refund_only", "物流显示已签收，但我没有收到包裹。", submit=False)


def _awaiting_merchant(s: Script, order: Any, m: str) -> None:
    case = s.open(order, "quality_defect", "return_and_refund", "收到后第二天外壳就裂了，申请退货退款。")
    s.say(case, order.consumer.username, "裂缝在左侧，照片已上传，轻轻一按就会响。")


def _offered(s: Script, order: Any, m: str) -> None:
    case = s.open(order, "late_delivery", "refund_only", "承诺 48 小时发货，实际一周后才发货，要求退款。")
    s.do(
        case,
        "offer",
        m,
        remedy="partial_refund",
        lines=[{"line_no": 1, "amount_fen": 2000}],
        message="非常抱歉发货延迟，补偿您 20 元可以吗？",
    )


def _rejected(s: Script, order: Any, m: str) -> None:
    case = s.open(
        order, "counterfeit", "return_and_refund", "收到的商品序列号在官网查不到，包装印刷模糊，怀疑是假货。"
    )
    s.add(
        case,
        m,
        "other",
        "品牌授权书编号：SQ-2026-0815，有效期至 2027-08-14。\n".encode(),
        "授权书编号.txt",
        "品牌授权信息",
    )
    s.do(case, "reject", m, reason="我们是正品授权店，序列号查询需要等待激活。")


def _escalated(s: Script, order: Any, m: str, photo: bytes | None = None) -> None:
    case = s.open(
        order, "damaged_in_transit", "return_and_refund", "快递送到时外箱压坏，商品也摔坏了。", photo=photo
    )
    s.do(case, "reject", m, reason="商品出库时完好，破损应由快递负责。")
    s.do(case, "escalate", order.consumer.username, reason="商家拒绝处理，申请平台介入。")


def _evidence_period(s: Script, order: Any, m: str, photo: bytes | None = None) -> None:
    _escalated(s, order, m, photo)
    case = order.cases.get()
    s.do(case, "assign", "agnes")
    s.say(case, "agnes", "双方请在举证期内提交证据。")
    packing = s.picture(case, "none", gps=False, variant=1)
    s.add(case, m, "other", packing, "打包照片.jpg", "发货前的打包照片")
    s.add(
        case,
        "agnes",
        "other",
        f"{case.public_id} 电话回访记录：消费者表示签收时外箱已明显变形，当场拍照。\n".encode(),
        "回访记录.txt",
        "平台客服电话回访",
    )


def _under_review(s: Script, order: Any, m: str, photo: bytes | None = None) -> None:
    _evidence_period(s, order, m, photo)
    case = order.cases.get()
    s.do(case, "close_evidence", "agnes")


def _decide(
    s: Script, order: Any, m: str, outcome: str, photo: bytes | None = None, reasons: str = ""
) -> Any:
    _under_review(s, order, m, photo)
    case = order.cases.get()
    data: dict[str, Any] = {"outcome": outcome, "reasons": reasons or "根据双方提交的证据作出处理。"}
    if outcome in ("consumer_upheld", "partially_upheld"):
        data["remedy"] = "refund_only"
    s.do(case, "decide", "agnes", **data)
    return case


def _decided_refund(s: Script, order: Any, m: str) -> None:
    _decide(s, order, m, "consumer_upheld")


def _decided_for_merchant(s: Script, order: Any, m: str) -> None:
    """The consumer's photo is a forwarded copy of another consumer's: agents see the reuse flag."""
    from gongdao.evidence import demo_files

    earlier = next(
        (data for issue, data in s.people.get("photos", []) if issue == "damaged_in_transit"), None
    )
    photo = demo_files.reencoded(earlier) if earlier else None
    reasons = "消费者提交的破损照片与另一案件中他人提交的照片几乎相同，无法证明本订单商品破损。"
    _decide(s, order, m, "merchant_upheld", photo=photo, reasons=reasons)


def _appealed(s: Script, order: Any, m: str) -> None:
    case = _decide(s, order, m, "merchant_upheld")
    s.do(case, "appeal", order.consumer.username, reason="商家的打包照片拍摄时间晚于发货时间，请复核。")


def _return_shipped(s: Script, order: Any, m: str) -> None:
    case = s.open(order, "wrong_or_missing_item", "exchange", "收到的颜色与订单不一致，申请换货。")
    s.do(case, "reject", m, reason="请提供照片。")
    s.do(case, "revise", order.consumer.username, remedy="return_and_refund", statement="不换了，退货退款。")
    s.do(case, "accept", m)
    s.do(case, "ship_return", order.consumer.username, carrier="圆通速递", tracking_number="YT5566778899")


def _resolved_return(s: Script, order: Any, m: str) -> None:
    case = s.open(
        order, "not_as_described", "return_and_refund", "表面有明显划痕，与描述的全新不符，申请退货退款。"
    )
    s.do(case, "accept", m)
    s.do(case, "ship_return", order.consumer.username, carrier="中通快递", tracking_number="ZT7788990011")
    s.do(case, "confirm_return", m)
    s.do(case, "confirm_refund", m, reference="REFUND-20261128-01")


def _advance_payout(s: Script, order: Any, m: str) -> None:
    case = _decide(s, order, m, "consumer_upheld")
    s.do(case, "record_advance_payout", "agnes")


def _abandoned(s: Script, order: Any, m: str) -> None:
    case = s.open(order, "late_delivery", "compensation", "晚到三天，要求补偿。")
    s.do(case, "reject", m, reason="物流原因，非我方责任。")
    from gongdao.cases.actions import perform
    from gongdao.cases.actors import SYSTEM

    perform(case, "close", SYSTEM, now=s.at(), deadline="consumer_reply")


def _withdrawn(s: Script, order: Any, m: str) -> None:
    case = s.open(order, "not_received", "refund_only", "一直没收到。")
    s.do(case, "withdraw", order.consumer.username, reason="已经在门卫处找到包裹。")


def _resend_fulfilling(s: Script, order: Any, m: str) -> None:
    case = s.open(order, "wrong_or_missing_item", "resend", "少发了一件配件，请补寄。")
    s.do(case, "accept", m)
    s.do(case, "ship_replacement", m, carrier="顺丰速运", tracking_number="SF1122334455")


def _rated(s: Script, order: Any, m: str) -> None:
    case = s.open(
        order, "quality_defect", "partial_refund", "用了三天就出现污渍一样的斑点，洗不掉，要求部分退款。"
    )
    s.do(case, "accept", m)
    s.do(case, "confirm_refund", m, reference="REFUND-20261128-02")
    s.do(case, "rate", order.consumer.username, rating=5, comment="处理很快。")


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@transaction.atomic
def seed() -> list[dict[str, str]]:
    now = timezone.now()
    people = _users()
    orders = _orders(people, now)
    _cases(people, orders, now)
    from gongdao.selfhelp.demo import seed_cases

    seed_cases(Script(people, now - timedelta(hours=4)), now)
    roles = [
        ("consumer", "alice"),
        ("consumer", "charlie"),
        ("merchant_admin", "bob"),
        ("merchant_staff", "betty"),
        ("agent", "agnes"),
        ("senior_agent", "sam"),
        ("admin", "ada"),
        ("association_staff", "lin"),
    ]
    return [{"role": role, "username": username, "password": PASSWORD} for role, username in roles]
