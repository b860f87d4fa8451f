"""Facts from the case record: a dated, neutral, chronological account in Chinese in which every
sentence cites the event (事件#seq) or evidence item (证据 E-…) it rests on.

Events the viewer may not see (payload withheld) are not narrated. Text people typed is quoted,
never paraphrased; ``clean`` lets the media summary mask it and ``code`` the order and tracking
numbers. Pure: no Django, no database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from gongdao.dossiers import words
from gongdao.dossiers.snapshot import CaseRecord, Event
from gongdao.law.casefacts import china_date
from gongdao.money import format_fen

MONEY_REMEDIES = ("refund_only", "return_and_refund", "partial_refund", "compensation")
ROLE_WORDS = {
    "consumer": "消费者",
    "merchant_staff": "商家",
    "merchant_admin": "商家",
    "merchant_guest": "商家",
    "agent": "平台",
    "senior_agent": "平台",
    "admin": "平台",
    "operator": "平台",
    "api_key": "平台系统",
    "system": "系统",
    "outside": "外部当事人",
}
Text = Callable[[str], str]


def day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class Sentence:
    on: date
    text: str
    cites: tuple[str, ...]
    order: int = 0  # ties on one date keep the record's order

    def render(self) -> str:
        return f"{day(self.on)}，{self.text}（{'；'.join(self.cites)}）。"


def _same(value: str) -> str:
    return value


class Narrator:
    def __init__(
        self, record: CaseRecord, *, clean: Text = _same, code: Text = _same, quote_limit: int = 300
    ):
        self.record = record
        self.clean = clean
        self.code = code
        self.quote_limit = quote_limit
        self.sentences: list[Sentence] = []
        self.state: dict[str, Any] = {}
        self.assigned = False

    # ---- helpers ------------------------------------------------------------------------

    def quote(self, text: Any) -> str:
        text = " ".join(str(text or "").split())
        if len(text) > self.quote_limit:
            text = text[: self.quote_limit] + "……"
        return f"“{self.clean(text)}”"

    def add(self, on: date | None, text: str, *cites: str, order: int = 0) -> None:
        if on is not None:
            self.sentences.append(Sentence(on, text, tuple(cites), order))

    def amount_text(self, remedy: str, amounts: list[dict[str, int]] | None) -> str:
        total = sum(int(a.get("amount_fen", 0)) for a in amounts or [])
        if remedy in MONEY_REMEDIES and total > 0:
            return f"，金额 {format_fen(total)}"
        return ""

    def who(self, event: Event) -> str:
        return ROLE_WORDS.get(event.actor_role, "平台")

    # ---- the account --------------------------------------------------------------------

    def run(self) -> list[Sentence]:
        for event in self.record.events:
            if event.payload is None:
                continue
            handler = getattr(self, "on_" + event.type, None)
            if handler is not None:
                handler(event, event.payload)
        return sorted(self.sentences, key=lambda s: (s.on, s.order))

    def on_case_opened(self, event: Event, p: dict[str, Any]) -> None:
        cite = f"事件#{event.seq}"
        order = p.get("order_snapshot") or self.record.order
        wanted = {line.line_no for line in self.record.lines}
        lines = [line for line in order.get("lines", []) if not wanted or line["line_no"] in wanted]
        items = "、".join(
            f"「{line['name']}{('（' + line['spec'] + '）') if line.get('spec') else ''}」×{line['quantity']}"
            for line in lines
        )
        paid = sum(int(line["paid_fen"]) for line in lines)
        shop = order.get("shop_name") or self.record.respondent.name
        number = order.get("external_id") or ""
        ordered, paid_on = china_date(order.get("ordered_at")), china_date(order.get("paid_at"))
        text = f"消费者在「{shop}」下单购买{items}，实付 {format_fen(paid)}"
        if number:
            text += f"（订单号 {self.code(number)}）"
        if paid_on and ordered and paid_on != ordered:
            text += f"，并于{day(paid_on)}付款"
        self.add(ordered, text, cite, order=-3)
        logistics = order.get("logistics") or {}
        shipped = china_date(order.get("shipped_at"))
        if shipped:
            via = "、".join(
                x
                for x in (
                    logistics.get("carrier") or "",
                    f"运单号 {self.code(logistics['tracking_number'])}"
                    if logistics.get("tracking_number")
                    else "",
                )
                if x
            )
            self.add(shipped, "商家发货" + (f"（{via}）" if via else ""), cite, order=-2)
        signed = china_date(order.get("signed_at"))
        if signed:
            self.add(signed, "物流记录显示商品已签收", cite, order=-1)
        self.state = {
            "issue": p.get("issue", self.record.issue),
            "remedy": p.get("remedy", self.record.remedy),
            "statement": p.get("statement", ""),
            "lines": p.get("lines", []),
        }
        self.add(
            china_date(event.occurred_at),
            f"消费者就上述订单发起维权，反映的问题为“{words.ISSUES.get(self.state['issue'], self.state['issue'])}”",
            cite,
            order=event.seq,
        )

    def on_draft_updated(self, event: Event, p: dict[str, Any]) -> None:
        self.state.update({k: p[k] for k in ("issue", "remedy", "statement", "lines") if k in p})

    def on_submit(self, event: Event, p: dict[str, Any]) -> None:
        remedy = self.state.get("remedy", self.record.remedy)
        text = f"消费者向商家正式提出“{words.REMEDIES.get(remedy, remedy)}”的请求"
        text += self.amount_text(remedy, self.state.get("lines"))
        if self.state.get("statement"):
            text += f"，陈述：{self.quote(self.state['statement'])}"
        self._add_event(event, text)

    def on_accept(self, event: Event, p: dict[str, Any]) -> None:
        remedy = p.get("remedy", "")
        who = "系统按平台规则" if event.actor_role == "system" else "商家"
        text = f"{who}同意消费者的请求（{words.REMEDIES.get(remedy, remedy)}{self.amount_text(remedy, p.get('amounts'))}）"
        self._add_event(event, text)

    def on_offer(self, event: Event, p: dict[str, Any]) -> None:
        remedy = p.get("remedy", "")
        text = f"商家提出解决方案：{words.REMEDIES.get(remedy, remedy)}{self.amount_text(remedy, p.get('amounts'))}"
        if p.get("message"):
            text += f"，并表示：{self.quote(p['message'])}"
        self._add_event(event, text)

    def on_reject(self, event: Event, p: dict[str, Any]) -> None:
        self._add_event(event, f"商家拒绝消费者的请求，理由：{self.quote(p.get('reason'))}")

    def on_accept_offer(self, event: Event, p: dict[str, Any]) -> None:
        remedy = p.get("remedy", "")
        text = f"消费者接受商家的方案（{words.REMEDIES.get(remedy, remedy)}{self.amount_text(remedy, p.get('amounts'))}）"
        self._add_event(event, text)

    def on_revise(self, event: Event, p: dict[str, Any]) -> None:
        remedy = p.get("remedy", "")
        self.state.update(
            {"remedy": remedy, "lines": p.get("amounts", []), "statement": p.get("statement", "")}
        )
        text = f"消费者修改请求为“{words.REMEDIES.get(remedy, remedy)}”{self.amount_text(remedy, p.get('amounts'))}"
        if p.get("statement"):
            text += f"，陈述：{self.quote(p['statement'])}"
        self._add_event(event, text)

    def on_escalate(self, event: Event, p: dict[str, Any]) -> None:
        if event.actor_role == "system":
            text = "商家未在期限内处理，系统按平台规则将争议转交平台处理"
        else:
            text = "消费者申请平台介入"
            if p.get("reason"):
                text += f"，理由：{self.quote(p['reason'])}"
        self._add_event(event, text)

    def on_report_return_problem(self, event: Event, p: dict[str, Any]) -> None:
        problem = words.RETURN_PROBLEMS.get(p.get("problem", ""), "")
        self._add_event(
            event,
            f"商家称退回商品存在问题（{problem}），说明：{self.quote(p.get('reason'))}，争议转交平台处理",
        )

    def on_assign(self, event: Event, p: dict[str, Any]) -> None:
        if not self.assigned:
            self.assigned = True
            self._add_event(event, "平台指派工作人员处理本争议")

    def on_close_evidence(self, event: Event, p: dict[str, Any]) -> None:
        if p.get("to") == "under_review":
            self._add_event(event, "举证期结束，平台进入审核")

    def on_request_evidence(self, event: Event, p: dict[str, Any]) -> None:
        party = {"consumer": "消费者", "merchant": "商家", "both": "双方"}.get(p.get("party", ""), "当事人")
        self._add_event(event, f"平台要求{party}补充证据：{self.quote(p.get('note'))}")

    def _decision_text(self, decision: dict[str, Any], *, final: bool) -> str:
        outcome = words.OUTCOMES.get(decision.get("outcome", ""), decision.get("outcome", ""))
        text = f"平台作出{'申诉复核' if final else '处理'}决定：{outcome}"
        remedy = decision.get("remedy")
        if remedy:
            text += f"，处理方式为{words.REMEDIES.get(remedy, remedy)}{self.amount_text(remedy, decision.get('amounts'))}"
        if decision.get("reasons"):
            text += f"；决定理由：{self.quote(decision['reasons'])}"
        return text

    def on_decide(self, event: Event, p: dict[str, Any]) -> None:
        self._add_event(event, self._decision_text(p.get("decision") or {}, final=False))

    def on_decide_appeal(self, event: Event, p: dict[str, Any]) -> None:
        self._add_event(event, self._decision_text(p.get("decision") or {}, final=True))

    def on_appeal(self, event: Event, p: dict[str, Any]) -> None:
        by = {"consumer": "消费者", "merchant": "商家"}.get(p.get("by", ""), self.who(event))
        self._add_event(event, f"{by}对平台决定提出申诉，理由：{self.quote(p.get('reason'))}")

    def _shipment(self, p: dict[str, Any]) -> str:
        via = "、".join(
            x
            for x in (
                p.get("carrier") or "",
                f"运单号 {self.code(p['tracking_number'])}" if p.get("tracking_number") else "",
            )
            if x
        )
        return f"（{via}）" if via else ""

    def on_ship_return(self, event: Event, p: dict[str, Any]) -> None:
        self._add_event(event, "消费者寄回商品" + self._shipment(p))

    def on_confirm_return(self, event: Event, p: dict[str, Any]) -> None:
        if event.actor_role == "system":
            self._add_event(event, "商家逾期未确认，系统按平台规则视为已收到退货")
        else:
            self._add_event(event, "商家确认收到退货")

    def on_ship_replacement(self, event: Event, p: dict[str, Any]) -> None:
        self._add_event(event, "商家发出补发或更换的商品" + self._shipment(p))

    def on_confirm_replacement(self, event: Event, p: dict[str, Any]) -> None:
        self._add_event(event, "消费者确认收到补发或更换的商品")

    def on_confirm_refund(self, event: Event, p: dict[str, Any]) -> None:
        self._add_event(event, f"{self.who(event)}确认已退款 {format_fen(int(p.get('amount_fen') or 0))}")

    def on_record_advance_payout(self, event: Event, p: dict[str, Any]) -> None:
        self._add_event(event, f"平台先行赔付 {format_fen(int(p.get('amount_fen') or 0))}")

    def on_pause_deadline(self, event: Event, p: dict[str, Any]) -> None:
        self._add_event(event, f"平台暂停处理期限，原因：{self.quote(p.get('reason'))}")

    def on_resume_deadline(self, event: Event, p: dict[str, Any]) -> None:
        self._add_event(event, "平台恢复处理期限")

    def on_withdraw(self, event: Event, p: dict[str, Any]) -> None:
        self._add_event(event, "消费者撤回了在平台上的维权申请")

    def on_close(self, event: Event, p: dict[str, Any]) -> None:
        self._add_event(event, "平台上的维权程序关闭")

    def on_message_added(self, event: Event, p: dict[str, Any]) -> None:
        self._add_event(event, f"{self.who(event)}发送消息：{self.quote(p.get('text'))}")

    def on_evidence_added(self, event: Event, p: dict[str, Any]) -> None:
        kind = words.EVIDENCE_KINDS.get(p.get("kind", ""), "证据")
        text = f"{self.who(event)}提交证据「{kind}」"
        if p.get("description"):
            text += f"：{self.quote(p['description'])}"
        cites = (f"证据 {p['item']}", f"事件#{event.seq}") if p.get("item") else (f"事件#{event.seq}",)
        self.add(china_date(event.occurred_at), text, *cites, order=event.seq)

    def on_evidence_withdrawn(self, event: Event, p: dict[str, Any]) -> None:
        self._add_event(event, f"{self.who(event)}撤回证据 {p.get('item', '')}")

    def on_referral_recorded(self, event: Event, p: dict[str, Any]) -> None:
        self._referral(event, p)

    def on_referral_updated(self, event: Event, p: dict[str, Any]) -> None:
        self._referral(event, p)

    def _referral(self, event: Event, p: dict[str, Any]) -> None:
        status = p.get("status", "")
        if status == "drafted":
            return
        target = words.TARGET_SHORT.get(p.get("target", ""), "外部投诉")
        text = f"消费者记录：{target}（第{p.get('referral')}项）状态为“{words.REFERRAL_STATUSES.get(status, status)}”"
        if p.get("reference"):
            text += f"，编号 {p['reference']}"
        on = date.fromisoformat(p["occurred_on"]) if p.get("occurred_on") else china_date(event.occurred_at)
        self.add(on, text, f"事件#{event.seq}", order=event.seq)

    def on_law_facts_recorded(self, event: Event, p: dict[str, Any]) -> None:
        parts = [
            self.law_fact(name, value)
            for name, value in sorted((p.get("facts") or {}).items())
            if name in words.LAW_FACTS
        ]
        if parts:
            who = "平台核实认定" if p.get("standing") == "found" else "消费者主张"
            self._add_event(event, f"{who}：{'；'.join(parts)}")

    @staticmethod
    def law_fact(name: str, value: Any) -> str:
        label = words.LAW_FACTS[name]
        if value is None:
            return f"撤回关于“{label}”的陈述"
        if isinstance(value, bool):
            return f"{label}：{'是' if value else '否'}"
        if name == "loss_fen":
            return f"{label} {format_fen(int(value))}"
        if name == "problem_found_on":
            return f"{label}为{day(date.fromisoformat(value))}"
        names = words.CATEGORIES if name == "category" else words.RESPONDENT_ROLES
        return f"{label}：{names.get(value, value)}"

    # ---- self-help mode: steps of outside parties, as the consumer recorded them ----------

    def _recorded(self, p: dict[str, Any]) -> str:
        """Where a recorded outside step came from: the consumer's record, the channel, the proof."""
        parts = ["据消费者记录"]
        channel = p.get("channel")
        if channel and channel != "other":
            parts.append(f"沟通方式：{words.CHANNELS.get(channel, channel)}")
        if p.get("evidence"):
            parts.append("证据 " + "、".join(self.code(item) for item in p["evidence"]))
        return "（" + "；".join(parts) + "）"

    def on_record_merchant_reply(self, event: Event, p: dict[str, Any]) -> None:
        reply, remedy = p.get("reply", ""), p.get("remedy", "")
        note = f"，商家表示：{self.quote(p['note'])}" if p.get("note") and reply != "refused" else ""
        if reply == "accepted":
            text = f"商家同意消费者的请求（{words.REMEDIES.get(remedy, remedy)}{self.amount_text(remedy, p.get('amounts'))}）"
        elif reply == "offered":
            text = f"商家提出解决方案：{words.REMEDIES.get(remedy, remedy)}{self.amount_text(remedy, p.get('amounts'))}"
        elif reply == "refused":
            text = f"商家拒绝消费者的请求，理由：{self.quote(p.get('note'))}"
        elif reply == "no_answer":
            text = "商家未答复消费者的请求"
        else:
            received = p.get("amount_fen")
            text = "商家已履行约定" + (f"，消费者收到 {format_fen(int(received))}" if received else "")
        self._add_event(event, text + note + self._recorded(p))

    def on_record_platform_step(self, event: Event, p: dict[str, Any]) -> None:
        platform = _platform_words(p.get("platform", ""))
        step, reference = p.get("step", ""), p.get("reference", "")
        ref = f"（编号 {self.code(reference)}）" if reference else ""
        outcome = words.OUTCOMES.get(p.get("outcome", ""), p.get("outcome", ""))
        if step == "applied":
            text = f"消费者向{platform}申请平台介入{ref}"
        elif step == "decided":
            text = f"{platform}作出处理决定{ref}：{outcome}"
        elif step == "appealed":
            text = f"消费者对{platform}的处理决定提出申诉{ref}"
        else:
            text = f"{platform}作出申诉复核决定{ref}：{outcome}"
        if p.get("note"):
            text += f"，说明：{self.quote(p['note'])}"
        self._add_event(event, text + self._recorded(p))

    def _add_event(self, event: Event, text: str) -> None:
        self.add(china_date(event.occurred_at), text, f"事件#{event.seq}", order=event.seq)


def _platform_words(profile: str) -> str:
    name = words.platform_name(profile)
    return f"{name}平台" if name else "购物平台"


def narrate(
    record: CaseRecord, *, clean: Text = _same, code: Text = _same, quote_limit: int = 300
) -> list[Sentence]:
    return Narrator(record, clean=clean, code=code, quote_limit=quote_limit).run()
