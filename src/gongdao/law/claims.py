"""Rules about whom to claim against and until when: transport risk, invoice, platform liability,
the civil limitation period and the regulator's acceptance limit (DOMAIN.md §5; docs/law.md)."""

from __future__ import annotations

from datetime import date

from gongdao.law.common import (
    CIVIL_CODE,
    COMPLAINT_MEASURES,
    CRPL,
    ECL,
    INVOICE_MEASURES,
    day_text,
    deadline,
    moved_basis,
    result,
)
from gongdao.law.entitlement import Basis, Entitlement
from gongdao.law.facts import Facts
from gongdao.law.periods import LastDay, last_day_after_years
from gongdao.policy.calendar import WorkingCalendar

LIMITATION_YEARS = 3
REGULATOR_LIMIT_YEARS = 3
TRANSPORT_ISSUES = frozenset({"not_received", "damaged_in_transit"})


def limitation_last_day(f: Facts, calendar: WorkingCalendar) -> tuple[LastDay, date | None]:
    """Last day of the 3-year limitation (民法典 Art. 188) and the demand that restarted it last
    (Art. 195), or None. A demand restarts the period only while it is still running."""
    last = last_day_after_years(f.problem_found_on, LIMITATION_YEARS, calendar)
    restarted_by: date | None = None
    demands = sorted(d for d in (f.requested_on, f.last_demand_on) if d is not None)
    for demand in demands:
        if f.problem_found_on < demand <= last.value:
            last, restarted_by = last_day_after_years(demand, LIMITATION_YEARS, calendar), demand
    return last, restarted_by


def transport_risk(f: Facts, calendar: WorkingCalendar) -> Entitlement:
    code, basis = "transport_risk", (Basis(ECL, "20"), Basis(ECL, "51"))
    if f.issue not in TRANSPORT_ISSUES:
        return result(
            code,
            False,
            f"issue {f.issue} is not about loss or damage in transit",
            "所述问题与运输中的灭失、损坏无关。",
            "The problem is not loss of or damage to the goods in transit.",
            *basis,
        )
    signed = "未签收" if f.signed_on is None else f"{f.signed_on} 签收"
    signed_en = "not signed for" if f.signed_on is None else f"signed for on {f.signed_on}"
    return result(
        code,
        True,
        f"{f.issue}: the seller bears the risk until the consumer signs ({signed_en})",
        f"商品（{signed}）在消费者签收前毁损、灭失的风险由经营者承担；交付时间以签收时间为准。"
        "消费者另行选择快递物流服务的除外。可要求补发或退款。",
        f"Goods ({signed_en}) are at the seller's risk until you sign for them; delivery is the time of "
        "signing. The exception is a carrier you chose yourself. You may ask for a resend or a refund.",
        *basis,
    )


def invoice(f: Facts, calendar: WorkingCalendar) -> Entitlement:
    code = "invoice"
    basis = (Basis(CRPL, "22"), Basis(ECL, "14"), Basis(INVOICE_MEASURES, "33"))
    if not (f.invoice_requested or f.issue == "invoice_refused"):
        return result(
            code,
            False,
            "no invoice requested yet; the seller must issue one on request",
            "尚未索要发票；消费者索要时经营者必须出具。",
            "No invoice requested yet; the seller must issue one when you ask.",
            *basis,
        )
    return result(
        code,
        True,
        "invoice requested: the seller must issue it; a refusal can be reported to the tax authority",
        "经营者应当依法出具发票。拒开的，可向税务机关（12366）举报，应开未开的可处1万元以下罚款。",
        "The seller must issue the invoice. Report a refusal to the tax authority (12366); failing to "
        "issue one can be fined up to ¥10,000.",
        *basis,
    )


def platform_liability(f: Facts, calendar: WorkingCalendar) -> Entitlement:
    code, basis = "platform_liability", (Basis(CRPL, "44"), Basis(ECL, "38"))
    if f.seller_identifiable:
        return result(
            code,
            False,
            "the platform can identify the seller; claim against the seller",
            "平台能够提供销售者真实名称、地址和有效联系方式，应向销售者索赔；平台知道或应当知道侵权而未采取必要措施的，承担连带责任。",
            "The platform can give the seller's real name, address and contact, so claim against the seller; "
            "the platform is jointly liable if it knew or should have known and did not act.",
            *basis,
        )
    return result(
        code,
        True,
        "the platform cannot give the seller's real name, address and contact",
        "平台不能提供销售者的真实名称、地址和有效联系方式的，消费者可以要求平台赔偿；平台赔偿后可向销售者追偿。",
        "The platform cannot give the seller's real name, address and contact: you may claim from the "
        "platform, which may then recover from the seller.",
        *basis,
    )


def limitation(f: Facts, calendar: WorkingCalendar) -> Entitlement:
    code = "limitation"
    last, restarted_by = limitation_last_day(f, calendar)
    basis = (Basis(CIVIL_CODE, "188"), Basis(CIVIL_CODE, "195"), Basis(CIVIL_CODE, "202"), *moved_basis(last))
    day = day_text(last)
    start_zh = f"自 {f.problem_found_on} 知道权利受损起3年"
    start_en = f"3 years from {f.problem_found_on}, when you knew of the harm"
    if restarted_by is not None:
        start_zh += f"，因 {restarted_by} 向经营者提出请求而重新计算"
        start_en += f", restarted by your demand to the merchant on {restarted_by}"
    eligible = f.today <= last.value
    state = (
        ("时效期间内，可以起诉。", "still running: you may sue.")
        if eligible
        else ("时效已届满，对方可以拒绝履行。", "expired: the other side may refuse to pay.")
    )
    return result(
        code,
        eligible,
        f"limitation {'runs' if eligible else 'ran'} until {last.value}",
        f"诉讼时效{start_zh}，最后一日 {day.zh}；{state[0]}",
        f"The limitation period runs {start_en}; the last day is {day.en}. It is {state[1]}",
        *basis,
        **deadline(last),
    )


def regulator_complaint_limit(f: Facts, calendar: WorkingCalendar) -> Entitlement:
    code = "regulator_complaint_limit"
    last = last_day_after_years(f.problem_found_on, REGULATOR_LIMIT_YEARS, calendar)
    basis = (Basis(COMPLAINT_MEASURES, "15"), Basis(CIVIL_CODE, "202"), *moved_basis(last))
    day = day_text(last)
    eligible = f.today <= last.value
    return result(
        code,
        eligible,
        f"a complaint is accepted until {last.value} (3 years from {f.problem_found_on}, no restart)",
        f"向市场监督管理部门投诉须在知道权利受损之日（{f.problem_found_on}）起3年内，最后一日 {day.zh}；向经营者提出请求不会重新计算。",
        f"The market regulator accepts a complaint within 3 years of {f.problem_found_on}, when you knew of "
        f"the harm: the last day is {day.en}. A demand to the merchant does not restart this limit.",
        *basis,
        **deadline(last),
    )
