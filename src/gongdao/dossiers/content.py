"""What each dossier says (DOMAIN.md §6): the parties, the request with amounts from the case and
the law advisor, the facts and reasons, the competent body and why, the acceptance limits, the
evidence index; for 12315 the web-form text field by field; for the media a masked summary; for an
internet court a statement of claim only where a basic court of its city would have jurisdiction.

The document is Chinese whatever the reader's language. Nothing is invented: a field the record
and the consumer have not given is listed in ``missing`` (and the export refuses), a condition
that rules the target out is in ``blockers``. Pure: no Django, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from gongdao.dossiers import legal, masking, narrative, regions, words
from gongdao.dossiers.answers import Answers
from gongdao.dossiers.narrative import Sentence, day
from gongdao.dossiers.snapshot import CaseRecord, Evidence
from gongdao.law.casefacts import china_date
from gongdao.money import format_fen
from gongdao.policy.calendar import WorkingCalendar

COMPLAINT_MEASURES = "《市场监督管理投诉举报处理暂行办法》"
PENDING = "（待填写）"
UNKNOWN = "（未知）"
MEDIA_TITLE_LIMIT = 30
MEDIA_BODY_LIMIT = 800
PASTE_FACTS_LIMIT = 500
ACTIVE_REFERRAL = ("filed", "accepted", "in_mediation", "resolved")
# The complainant's details each target needs (profile fields), and the answers it asks for.
REQUIRED_PROFILE = {
    "12315": ("full_name", "phone", "address"),
    "regulator_report": (),
    "tax": (),
    "media": (),
    "internet_court": ("full_name", "phone", "address", "id_number"),
}
REQUIRED_ANSWERS = {"internet_court": ("delivery_city", "defendant_domicile")}
REPORT_ISSUES = ("counterfeit", "false_advertising")
# The fact each claimed entitlement rests on (who asserted it is said in the document).
CLAIM_FACTS = {"fraud_damages": "fraud", "food_damages": "food_unsafe", "injury_damages": "injury"}


@dataclass(frozen=True)
class Missing:
    code: str  # a Profile field (full_name, phone, address, id_number) or an answer
    where: str  # "profile" | "answers"


@dataclass
class Block:
    heading: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    numbered: list[str] = field(default_factory=list)


@dataclass
class Dossier:
    target: str
    title: str
    addressee: str
    blocks: list[Block]
    evidence: list[Evidence]
    facts: list[Sentence]
    facts_text: str
    facts_edited: bool
    missing: list[Missing] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    paste: list[tuple[str, str]] = field(default_factory=list)
    summary_title: str = ""
    summary: str = ""
    closing: list[str] = field(default_factory=list)
    case_id: str = ""
    generated_on: date | None = None

    @property
    def ready(self) -> bool:
        return not self.missing and not self.blockers


@dataclass(frozen=True)
class Inputs:
    """What a dossier is built from besides the record."""

    answers: Answers = Answers()
    facts_text: str = ""  # the consumer's edited account ("" = generated)
    edited_seq: int | None = None  # the event that recorded the edit
    today: date | None = None


def build(record: CaseRecord, target: str, inputs: Inputs, calendar: WorkingCalendar) -> Dossier:
    today = inputs.today or date.today()
    builder = _Builder(record, target, inputs, today, calendar)
    return builder.build()


class _Builder:
    def __init__(
        self, record: CaseRecord, target: str, inputs: Inputs, today: date, calendar: WorkingCalendar
    ):
        self.record, self.target, self.inputs, self.today = record, target, inputs, today
        self.answers = inputs.answers
        self.assessment = legal.assess(record, self.answers, today, calendar)
        self.warnings: list[str] = []
        self.blockers: list[str] = []
        self.missing: list[Missing] = []
        self.masker = self._masker() if target == "media" else None

    # ---- shared parts --------------------------------------------------------------------

    def asserted_by(self, fact: str) -> str:
        """Who says so: the platform's finding takes precedence over the consumer's claim."""
        return "平台核实认定" if self.assessment.source(fact) == "found" else "消费者主张"

    def _masker(self) -> masking.Masker:
        c, order = self.record.complainant, self.record.order
        logistics = order.get("logistics") or {}
        return masking.Masker(
            names=[c.full_name],
            phones=[c.phone],
            addresses=[c.address],
            id_numbers=[c.id_number],
            codes=[self.record.order_number, logistics.get("tracking_number") or ""],
        )

    def build(self) -> Dossier:
        self._check_missing()
        facts = self._facts()
        edited = bool(self.inputs.facts_text.strip())
        facts_text = self.inputs.facts_text.strip() if edited else "\n".join(s.render() for s in facts)
        if self.masker is not None:
            facts_text = self.masker(facts_text)
        dossier = Dossier(
            target=self.target,
            title=words.TARGET_TITLES[self.target],
            addressee="",
            blocks=[],
            evidence=self._evidence(),
            facts=facts,
            facts_text=facts_text,
            facts_edited=edited,
            case_id=self.record.case_id,
            generated_on=self.today,
        )
        getattr(self, "_target_" + self.target)(dossier)
        if self.assessment.problem:
            self.warnings.append(f"法律分析未能完成（{self.assessment.problem}），请核对日期。")
        dossier.missing, dossier.blockers, dossier.warnings = self.missing, self.blockers, self.warnings
        return dossier

    def _check_missing(self) -> None:
        c = self.record.complainant
        for name in REQUIRED_PROFILE[self.target]:
            if not getattr(c, name).strip():
                self.missing.append(Missing(name, "profile"))
        for name in REQUIRED_ANSWERS.get(self.target, ()):
            if not getattr(self.answers, name).strip():
                self.missing.append(Missing(name, "answers"))

    def _facts(self) -> list[Sentence]:
        if self.masker is None:
            return narrative.narrate(self.record)
        return narrative.narrate(self.record, clean=self.masker, code=masking.mask_code, quote_limit=80)

    def _evidence(self) -> list[Evidence]:
        items = list(self.record.evidence)
        if self.masker is not None:
            items = [replace(e, description=self.masker(e.description), name="") for e in items]
        return items

    def value(self, text: str, *, required: bool = True) -> str:
        text = (text or "").strip()
        return text or (PENDING if required else UNKNOWN)

    def complainant_rows(self, *, with_id: bool = False, optional: bool = False) -> list[tuple[str, str]]:
        c = self.record.complainant
        rows = [
            ("姓名", self.value(c.full_name, required=not optional)),
            ("联系电话", self.value(c.phone, required=not optional)),
            ("通讯地址", self.value(c.address, required=not optional)),
        ]
        if with_id:
            rows.append(("公民身份号码", self.value(c.id_number)))
        return rows

    def respondent_rows(self, *, domicile: str = "") -> list[tuple[str, str]]:
        r = self.record.respondent
        rows = [("名称（店铺）", r.name or UNKNOWN)]
        if r.credit_code:
            rows.append(("统一社会信用代码", r.credit_code))
        if domicile:
            rows.append(("住所地", domicile))
        rows.append(("所在地区", r.region or UNKNOWN))
        if r.address:
            rows.append(("地址", r.address))
        rows.append(("交易平台", r.platform or UNKNOWN))
        if r.store_url:
            rows.append(("店铺链接", r.store_url))
        if r.contact:
            rows.append(("联系方式", r.contact))
        return rows

    def items_text(self) -> str:
        return "、".join(
            f"{line.name}{('（' + line.spec + '）') if line.spec else ''}×{line.quantity}"
            for line in self.record.lines
        )

    def purchase_rows(self) -> list[tuple[str, str]]:
        order = self.record.order
        code = masking.mask_code if self.masker is not None else (lambda v: v)
        rows = [("订单号", code(self.record.order_number) if self.record.order_number else UNKNOWN)]
        ordered = china_date(order.get("ordered_at"))
        if ordered:
            rows.append(("下单日期", day(ordered)))
        rows.append(("商品", self.items_text()))
        rows.append(("实付金额", format_fen(self.record.paid_fen)))
        if order.get("shipping_fee_fen"):
            rows.append(("运费", format_fen(int(order["shipping_fee_fen"]))))
        signed = china_date(order.get("signed_at"))
        rows.append(("签收日期", day(signed) if signed else "未签收"))
        return rows

    def outstanding_fen(self) -> int:
        return max(0, sum(line.requested_fen for line in self.record.lines) - self.record.refunded_fen)

    def request_items(self, *, court: bool = False) -> list[str]:
        remedy = self.record.remedy
        amount = self.outstanding_fen()
        verb = "判令被告" if court else "请求被投诉人"
        items = []
        if remedy in ("refund_only", "partial_refund") and amount:
            items.append(f"{verb}退还货款 {format_fen(amount)}")
        elif remedy == "return_and_refund" and amount:
            items.append(f"{verb}办理退货并退还货款 {format_fen(amount)}")
        elif remedy == "compensation" and amount:
            items.append(f"{verb}赔偿损失 {format_fen(amount)}")
        elif remedy in ("exchange", "repair", "resend"):
            action = {"exchange": "更换", "repair": "维修", "resend": "补发"}[remedy]
            items.append(f"{verb}{action}商品（{self.items_text()}）")
        if self.record.refunded_fen:
            items.append(f"（商家已退款 {format_fen(self.record.refunded_fen)}，上述金额为尚未退还的部分）")
        extra = legal.statutory_extra(self.assessment)
        if extra is not None:
            fact = "fraud" if extra.code == "fraud_damages" else "food_unsafe"
            claim = "经营者存在欺诈行为" if fact == "fraud" else "商品为不符合食品安全标准的食品"
            items.append(
                f"依据{legal.cite(extra.basis)}，{verb}支付赔偿金 {format_fen(extra.amount_fen or 0)}"
                f"（{self.asserted_by(fact)}：{claim}）"
            )
        if court:
            items.append("判令被告承担本案诉讼费用")
        return items

    def reasons(self) -> list[str]:
        chosen = legal.statutory_extra(self.assessment)
        claimed = {"fraud_damages", "food_damages", "injury_damages"}
        out = []
        for e in self.assessment.entitlements:
            if not e.eligible or e.code in ("limitation", "regulator_complaint_limit"):
                continue
            if e.code in ("fraud_damages", "food_damages") and (chosen is None or e.code != chosen.code):
                continue
            fact = CLAIM_FACTS.get(e.code, "")
            prefix = f"（基于{self.asserted_by(fact)}）" if e.code in claimed else ""
            out.append(f"{prefix}{e.title.zh}：{e.explanation.zh}（{legal.cite(e.basis)}）")
        return out

    def facts_block(self, dossier: Dossier, heading: str = "事实与理由") -> Block:
        block = Block(heading)
        if dossier.facts_edited:
            seq = f"（事件#{self.inputs.edited_seq}）" if self.inputs.edited_seq else ""
            block.paragraphs.append(f"【以下事实陈述由消费者编辑，编辑已记入案件记录{seq}】")
        else:
            block.paragraphs.append(
                "【以下事实依据案件记录按时间顺序生成，每句标注所依据的事件序号或证据编号】"
            )
        block.paragraphs += [p for p in dossier.facts_text.split("\n") if p.strip()]
        reasons = self.reasons()
        if reasons:
            block.paragraphs.append("理由：")
            block.paragraphs += [f"{i}. {r}" for i, r in enumerate(reasons, 1)]
        return block

    def office(self, place: str, whose: str) -> tuple[str, str]:
        office = regions.regulator_for(place)
        r = self.record.respondent
        if office is None:
            self.warnings.append(
                f"{whose}所在地区未知或无法识别（“{place or '空'}”），无法确定主管的县级市场监督管理部门，请补充省、市、区县。"
            )
            return "被投诉人所在地县级市场监督管理部门", ""
        if not office.exact:
            self.warnings.append(
                f"{whose}地址只写到“{office.region.text}”，缺少区县，请在12315平台选择其所在区县。"
            )
        where = office.region.text
        return office.name, f"{r.name or whose}的实际经营地或住所地在{where}"

    def acceptance_limits(self) -> list[str]:
        rows = []
        limit = self.assessment.get("regulator_complaint_limit")
        if self.assessment.source("problem_found_on") == "case":
            opened = china_date(self.record.opened_at)
            rows.append(
                f"知道权益受损之日未填写，按在本平台发起维权之日（{day(opened) if opened else ''}）计算；若更早，请填写实际日期。"
            )
        if limit is not None:
            if limit.eligible:
                rows.append(f"三年受理期限：{limit.explanation.zh}")
            else:
                self.warnings.append(
                    f"已超过三年投诉受理期限：{limit.explanation.zh}市场监督管理部门依{COMPLAINT_MEASURES}第十五条不予受理。"
                )
        if self.answers.other_body:
            self.warnings.append(
                f"您表示法院、仲裁机构或其他行政机关、消费者协会已经受理或处理过同一争议：依{COMPLAINT_MEASURES}第十五条，市场监督管理部门不予受理投诉。"
            )
        for ref in self.record.referrals:
            if ref.target == "internet_court" and ref.status in ACTIVE_REFERRAL:
                self.warnings.append(
                    f"案件记录显示已向互联网法院起诉（第{ref.number}项，{words.REFERRAL_STATUSES[ref.status]}）：法院已受理的争议，市场监督管理部门不予受理投诉。"
                )
            if ref.target == "12315" and ref.status in ACTIVE_REFERRAL and self.target == "12315":
                self.warnings.append(
                    f"已有一项12315投诉（第{ref.number}项，{words.REFERRAL_STATUSES[ref.status]}）：就同一争议重复投诉可能不予受理。"
                )
        if not self.answers.other_body:
            rows.append("消费者声明：此争议未经法院、仲裁机构、其他行政机关或消费者协会受理或处理。")
        return rows

    def authorization_note(self) -> list[str]:
        items = [e for e in self.record.evidence if e.kind == "authorization"]
        if self.record.on_behalf_of or items:
            ref = "、".join(f"证据 {e.id}" for e in items) or "（请附授权委托书及受托人身份证明）"
            return [f"委托代理投诉：授权委托书见 {ref}（{COMPLAINT_MEASURES}第十条）。"]
        return []

    # ---- the targets ----------------------------------------------------------------------

    def _target_12315(self, d: Dossier) -> None:
        r = self.record.respondent
        name, why = self.office(r.region or r.address, "被投诉人")
        d.addressee = name
        d.blocks.append(Block("投诉人", rows=self.complainant_rows(), paragraphs=self.authorization_note()))
        d.blocks.append(Block("被投诉人", rows=self.respondent_rows()))
        d.blocks.append(Block("购买信息", rows=self.purchase_rows()))
        d.blocks.append(Block("投诉请求", numbered=self.request_items()))
        d.blocks.append(self.facts_block(d))
        office_text = (
            f"建议向{name}投诉（可通过全国12315平台提交）。理由：{why + '；' if why else ''}"
            f"依{COMPLAINT_MEASURES}第十二条，投诉由被投诉人实际经营地或者住所地县级市场监督管理部门处理；"
            "对电子商务平台内经营者的投诉，也可以向平台经营者住所地县级市场监督管理部门提出。"
        )
        timing = (
            f"市场监督管理部门应自收到投诉之日起七个工作日内作出受理或者不予受理的决定（{COMPLAINT_MEASURES}第十四条）；"
            "调解自受理之日起六十日内终结，检测、鉴定时间不计算在内（《消费者权益保护法实施条例》第四十六条）。"
        )
        d.blocks.append(Block("受理部门及依据", paragraphs=[office_text, timing]))
        d.blocks.append(Block("受理条件", paragraphs=self.acceptance_limits()))
        d.paste = self.paste_fields(d)
        d.closing = [
            "投诉人承诺以上内容真实。",
            "投诉人（签名）：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日",
        ]

    def paste_fields(self, d: Dossier) -> list[tuple[str, str]]:
        c, r, order = self.record.complainant, self.record.respondent, self.record.order
        ordered = china_date(order.get("ordered_at"))
        facts = (
            " ".join(s.render() for s in d.facts) if not d.facts_edited else " ".join(d.facts_text.split())
        )
        if len(facts) > PASTE_FACTS_LIMIT:
            facts = facts[: PASTE_FACTS_LIMIT - 2] + "……"
        return [
            ("投诉人姓名", c.full_name or PENDING),
            ("手机号码", c.phone or PENDING),
            ("联系地址", c.address or PENDING),
            ("被投诉方名称", r.name or UNKNOWN),
            ("统一社会信用代码", r.credit_code or "（未知，可不填）"),
            ("被投诉方所在地（省/市/区县）", r.region or UNKNOWN),
            ("被投诉方详细地址", r.address or UNKNOWN),
            ("交易平台 / 网店名称", f"{r.platform or UNKNOWN} / {r.name}"),
            ("网店网址", r.store_url or UNKNOWN),
            ("订单号", self.record.order_number or UNKNOWN),
            ("消费日期", ordered.isoformat() if ordered else UNKNOWN),
            ("商品名称", self.items_text()),
            ("消费金额（元）", f"{self.record.paid_fen // 100}.{self.record.paid_fen % 100:02d}"),
            ("投诉问题", words.ISSUES.get(self.record.issue, self.record.issue)),
            ("诉求", "；".join(self.request_items())),
            ("投诉内容（事实与理由）", facts),
            ("证据", f"共 {len(d.evidence)} 份，见证据清单（附 SHA-256 校验值）"),
        ]

    def _target_regulator_report(self, d: Dossier) -> None:
        r = self.record.respondent
        name, why = self.office(r.region or r.address, "被举报人")
        d.addressee = name
        c = self.record.complainant
        if not (c.full_name and c.phone):
            self.warnings.append("举报人姓名或电话未填写：匿名举报也可受理，但不会收到是否立案的告知。")
        d.blocks.append(Block("举报人", rows=self.complainant_rows(optional=True)))
        d.blocks.append(Block("被举报人", rows=self.respondent_rows()))
        conduct = []
        if self.record.issue == "counterfeit":
            conduct.append("涉嫌销售假冒商品。")
        if self.record.issue == "false_advertising":
            conduct.append("涉嫌虚假宣传或以误导性促销欺骗、误导消费者。")
        if self.assessment.facts is not None and self.assessment.facts.fraud:
            conduct.append(f"涉嫌欺诈消费者（{self.asserted_by('fraud')}）。")
        if not conduct:
            conduct.append(f"涉嫌违反市场监督管理法律法规的行为：{words.ISSUES.get(self.record.issue, '')}。")
            self.warnings.append(
                "举报适用于假冒、虚假宣传、欺诈等违法行为；本案的问题类型更适合投诉（12315），请确认是否举报。"
            )
        d.blocks.append(Block("被举报行为", paragraphs=conduct, rows=self.purchase_rows()))
        d.blocks.append(self.facts_block(d, "事实经过"))
        d.blocks.append(
            Block(
                "处理部门及时限",
                paragraphs=[
                    f"建议向{name}举报（可通过全国12315平台提交）。理由：{why + '；' if why else ''}"
                    "举报由被举报行为发生地的县级以上市场监督管理部门处理；对电子商务平台经营者及平台内经营者的举报，"
                    "也可由平台经营者住所地的部门处理。",
                    "市场监督管理部门应自收到举报之日起十五个工作日内决定是否立案（特殊情况可延长十五个工作日），"
                    "并自作出是否立案决定之日起五个工作日内告知实名举报人（"
                    f"{COMPLAINT_MEASURES}第二十五条、第二十七条、第三十一条；《市场监督管理行政处罚程序规定》第十八条）。",
                ],
            )
        )
        d.closing = [
            "举报人对举报内容的真实性负责。",
            "举报人（签名）：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日",
        ]

    def _target_tax(self, d: Dossier) -> None:
        r = self.record.respondent
        d.addressee = "销售方所在地主管税务机关（或拨打12366纳税缴费服务热线、通过电子税务局举报）"
        if self.record.issue != "invoice_refused":
            self.warnings.append("税务举报针对拒开发票；本案的问题类型不是“拒开发票”，请确认。")
        if not any(e.kind in ("invoice", "chat_record") for e in self.record.evidence):
            self.warnings.append("尚无索要发票及被拒绝的证据（如聊天记录截图），建议先补充证据。")
        d.blocks.append(Block("举报人", rows=self.complainant_rows(optional=True)))
        rows = [("销售方名称", r.name or UNKNOWN)]
        rows.append(("纳税人识别号（统一社会信用代码）", r.credit_code or UNKNOWN))
        rows += [
            ("所在地区", r.region or UNKNOWN),
            ("地址", r.address or UNKNOWN),
            ("交易平台", r.platform or UNKNOWN),
        ]
        d.blocks.append(Block("被举报人（销售方）", rows=rows))
        d.blocks.append(Block("交易信息", rows=self.purchase_rows()))
        demand = [s for s in d.facts if s.on >= (china_date(self.record.opened_at) or s.on)]
        paragraphs = [s.render() for s in demand] or ["（案件记录中尚无索要发票的记录）"]
        d.blocks.append(Block("索要发票及被拒绝的经过", paragraphs=paragraphs))
        invoice = self.assessment.get("invoice")
        if invoice is not None:
            d.blocks.append(
                Block("依据", paragraphs=[f"{invoice.explanation.zh}（{legal.cite(invoice.basis)}）"])
            )
        d.blocks.append(
            Block(
                "举报请求",
                numbered=["请税务机关依法责令销售方开具发票，并对其未按规定开具发票的行为依法处理。"],
            )
        )
        d.closing = ["举报人（签名）：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日"]

    def _target_media(self, d: Dossier) -> None:
        assert self.masker is not None
        r = self.record.respondent
        issue = words.ISSUES.get(self.record.issue, "")
        title = f"{r.name}：{issue}，{words.REMEDIES.get(self.record.remedy, '')}诉求未获解决"
        if len(title) > MEDIA_TITLE_LIMIT:
            title = f"{issue}，{words.REMEDIES.get(self.record.remedy, '')}诉求未获解决"[:MEDIA_TITLE_LIMIT]
        d.summary_title = title
        d.summary = self.media_body(d)
        d.addressee = "媒体及公开投诉平台"
        masked = self.masker
        c = self.record.complainant
        d.blocks.append(Block("标题", paragraphs=[title]))
        d.blocks.append(Block("正文", paragraphs=[p for p in d.summary.split("\n") if p]))
        d.blocks.append(
            Block(
                "说明",
                rows=[
                    ("消费者", masked(c.full_name) if c.full_name else "（匿名）"),
                    ("商家", r.name or UNKNOWN),
                    ("交易平台", r.platform or UNKNOWN),
                ],
                paragraphs=["本摘要已隐去个人信息（姓名、电话、地址、身份证号、订单号与运单号部分隐藏）。"],
            )
        )

    def media_body(self, d: Dossier) -> str:
        """A factual account within MEDIA_BODY_LIMIT characters; messages are dropped first."""
        assert self.masker is not None
        intro_items = "；".join(self.request_items()) or words.REMEDIES.get(self.record.remedy, "")
        tail = f"诉求：{self.masker(intro_items)}。全部 {len(d.evidence)} 份证据已保全，附 SHA-256 校验值。"
        if d.facts_edited:
            body = self.masker(d.facts_text)
        else:
            kept = list(d.facts)
            body = "\n".join(s.render() for s in kept)
            while len(body) + len(tail) > MEDIA_BODY_LIMIT and any("发送消息" in s.text for s in kept):
                kept.remove(next(s for s in reversed(kept) if "发送消息" in s.text))
                body = "\n".join(s.render() for s in kept)
        room = MEDIA_BODY_LIMIT - len(tail) - 1
        if len(body) > room:
            body = body[: room - 2] + "……"
        return f"{body}\n{tail}"

    def _target_internet_court(self, d: Dossier) -> None:
        a = self.answers
        found = (
            regions.internet_court_for(a.defendant_domicile, a.delivery_city)
            if (a.delivery_city or a.defendant_domicile)
            else None
        )
        if (a.delivery_city or a.defendant_domicile) and found is None:
            self.blockers.append(
                "被告住所地和收货地均不在北京市、广州市或杭州市：互联网法院只审理其所在市辖区内应由基层人民法院受理的案件，"
                "本案应向被告住所地或收货地的基层人民法院起诉。"
            )
        court = found[0] if found else "（互联网法院）"
        d.addressee = court
        d.blocks.append(Block("原告", rows=self.complainant_rows(with_id=True)))
        d.blocks.append(Block("被告", rows=self.respondent_rows(domicile=a.defendant_domicile or PENDING)))
        d.blocks.append(Block("诉讼请求", numbered=self.request_items(court=True)))
        d.blocks.append(self.facts_block(d))
        if found:
            basis_place = (
                "被告住所地" if regions.city_of(a.defendant_domicile) == found[1] else "合同履行地（收货地）"
            )
            d.blocks.append(
                Block(
                    "管辖",
                    paragraphs=[
                        f"本案为通过电子商务平台签订、履行的网络购物合同纠纷。{basis_place}位于{found[1]}"
                        f"（收货地：{a.delivery_city or UNKNOWN}；被告住所地：{a.defendant_domicile or UNKNOWN}），"
                        f"依《民事诉讼法》第二十四条及《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第二十条，"
                        f"{found[1]}的基层人民法院有管辖权；依《最高人民法院关于互联网法院审理案件若干问题的规定》第二条，"
                        f"由{court}集中管辖。",
                        "如平台服务协议约定了管辖法院，请核对该约定。标的额较小的案件可能适用小额诉讼程序（一审终审）。",
                    ],
                )
            )
        limitation = self.assessment.get("limitation")
        if limitation is not None and not limitation.eligible:
            self.warnings.append(f"诉讼时效可能已届满：{limitation.explanation.zh}")
        d.closing = [f"此致　{court}", "具状人（签名）：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日"]
