"""Rules for giving goods back: 7-day no-reason return, non-conforming goods, 三包 return and
exchange, and the durable-goods burden of proof (DOMAIN.md §5; docs/law.md)."""

from __future__ import annotations

from collections.abc import Callable

from gongdao.law.common import (
    CIVIL_CODE,
    CRPL,
    CRPL_REGULATION,
    SANBAO_RULES,
    SEVEN_DAY_MEASURES,
    day_text,
    deadline,
    moved_basis,
    result,
)
from gongdao.law.entitlement import Basis, Entitlement, Text
from gongdao.law.facts import Facts
from gongdao.law.periods import last_day_after_days, last_day_after_months
from gongdao.policy.calendar import WorkingCalendar

RETURN_DAYS = 7
SANBAO_RETURN_DAYS = 7
SANBAO_EXCHANGE_DAYS = 15
DURABLE_BURDEN_MONTHS = 6

# 七日办法 Art. 6 (CRPL Art. 25 ¶1): never returnable without reason.
EXCLUDED_CATEGORIES: dict[str, Text] = {
    "made_to_order": Text("消费者定作的商品", "made-to-order goods"),
    "fresh": Text("鲜活易腐的商品", "fresh or perishable goods"),
    "digital_download": Text("在线下载或已拆封的数字化商品", "downloaded or unsealed digital goods"),
    "periodical": Text("已交付的报纸、期刊", "delivered newspapers or periodicals"),
}
# Issues where the goods fail the contract or quality requirements (CRPL Art. 24).
NONCONFORMING_ISSUES = frozenset(
    {
        "damaged_in_transit",
        "wrong_or_missing_item",
        "not_as_described",
        "quality_defect",
        "counterfeit",
        "false_advertising",
    }
)
# Issues that are a fault or defect of the goods themselves (三包 faults; CRPL Art. 23 瑕疵).
DEFECT_ISSUES = frozenset({"quality_defect", "not_as_described", "no_after_sales"})

Rule = Callable[[Facts, WorkingCalendar], Entitlement]


def seven_day_return(f: Facts, calendar: WorkingCalendar) -> Entitlement:
    code, crpl = "seven_day_return", Basis(CRPL, "25")
    if f.category in EXCLUDED_CATEGORIES:
        kind = EXCLUDED_CATEGORIES[f.category]
        return result(
            code,
            False,
            f"{kind.en} are excluded from the 7-day no-reason return",
            f"{kind.zh}不适用七日无理由退货。",
            f"{kind.en.capitalize()} cannot be returned without a reason.",
            crpl,
            Basis(SEVEN_DAY_MEASURES, "6"),
        )
    if f.signed_on is None:
        return result(
            code,
            False,
            "goods not signed for: the 7 days start the day after signing",
            "尚未签收；七日期间自签收次日起算。",
            "Not yet signed for; the 7 days count from the day after signing.",
            crpl,
        )
    if f.non_returnable_confirmed:
        return result(
            code,
            False,
            "the consumer confirmed at purchase that these goods are not returnable without reason",
            "购买时已确认该商品不适用七日无理由退货（拆封影响安全或品质、激活或试用后价值贬损较大、已明示临期或有瑕疵）。",
            "You confirmed at purchase that these goods are not returnable without reason (unsealing affects "
            "safety or quality, value lost once activated or tried, disclosed near-expiry or flawed goods).",
            crpl,
            Basis(SEVEN_DAY_MEASURES, "7"),
        )
    if not f.intact:
        return result(
            code,
            False,
            "goods not intact beyond opening them to inspect",
            "退货商品应当完好；超出查验需要使用导致价值明显贬损的，视为不完好。",
            "Returned goods must be intact; use beyond what inspection needs, lowering their value, makes them not intact.",
            crpl,
            Basis(SEVEN_DAY_MEASURES, "8"),
        )
    last = last_day_after_days(f.signed_on, RETURN_DAYS, calendar)
    day = day_text(last)
    if f.requested_on > last.value:
        return result(
            code,
            False,
            f"requested on {f.requested_on}, after the last day {last.value}",
            f"退货申请须在签收次日起7日内提出，最后一日为 {day.zh}；{f.requested_on} 的申请已超期。",
            f"The return must be requested within 7 days from the day after signing; the last day was {day.en}, "
            f"and the request of {f.requested_on} is late.",
            crpl,
            Basis(CIVIL_CODE, "201"),
            *moved_basis(last),
            **deadline(last),
        )
    return result(
        code,
        True,
        f"requested on {f.requested_on}, within 7 days of signing (last day {last.value})",
        f"签收次日起7日内可无理由退货，最后一日为 {day.zh}。商品应完好，为查验而拆封不影响。"
        "退货运费由消费者承担，另有约定的除外；经营者应自收到退货之日起7日内退款。",
        f"You may return the goods without a reason until {day.en}, if they are intact (opening them to "
        "inspect is allowed). You pay the return shipping unless agreed otherwise; the seller refunds within "
        "7 days of receiving the return.",
        crpl,
        Basis(SEVEN_DAY_MEASURES, "18"),
        Basis(CIVIL_CODE, "201"),
        *moved_basis(last),
        **deadline(last),
    )


def nonconforming_return(f: Facts, calendar: WorkingCalendar) -> Entitlement:
    code, crpl = "nonconforming_return", Basis(CRPL, "24")
    if f.issue not in NONCONFORMING_ISSUES and not (f.food_unsafe and not f.label_flaw_only):
        return result(
            code,
            False,
            f"issue {f.issue} is not about goods failing the contract or quality requirements",
            "所述问题不属于商品不符合质量要求或约定。",
            "The problem is not that the goods fail the contract or quality requirements.",
            crpl,
        )
    if f.signed_on is None:
        return result(
            code,
            False,
            "goods not received yet (see transport_risk)",
            "尚未收到商品；运输风险见“运输风险由经营者承担”。",
            "The goods have not been received; see the transport risk entry.",
            crpl,
        )
    last = last_day_after_days(f.signed_on, RETURN_DAYS, calendar)
    day = day_text(last)
    if f.requested_on > last.value:
        return result(
            code,
            False,
            f"requested on {f.requested_on}, after the 7-day return window (last day {last.value})",
            f"收货后7日内可退货，最后一日为 {day.zh}。已超过7日：可要求更换、修理；符合法定解除合同条件的，仍可及时退货。",
            f"Non-conforming goods could be returned until {day.en}. Now you may require exchange or repair, and "
            "still return them if the contract may lawfully be terminated.",
            crpl,
            Basis(CIVIL_CODE, "201"),
            *moved_basis(last),
            **deadline(last),
        )
    return result(
        code,
        True,
        f"non-conforming goods, requested on {f.requested_on} within 7 days of receipt",
        f"商品不符合质量要求，收货后7日内可退货，最后一日为 {day.zh}。运输等必要费用由经营者承担。",
        f"The goods do not conform: you may return them until {day.en}; the seller pays transport and other necessary costs.",
        crpl,
        Basis(CIVIL_CODE, "201"),
        *moved_basis(last),
        **deadline(last),
    )


def _sanbao(code: str, days: int, remedy: Text, article: str) -> Rule:
    def rule(f: Facts, calendar: WorkingCalendar) -> Entitlement:
        basis = (Basis(SANBAO_RULES, article), Basis(CRPL_REGULATION, "18"))
        if f.category != "sanbao_durable" or f.issue not in DEFECT_ISSUES:
            return result(
                code,
                False,
                "only for a fault of goods in the 三包 catalogue",
                "仅适用于三包目录商品的性能故障。",
                "Only for a fault of goods in the 三包 catalogue.",
                *basis,
            )
        if f.signed_on is None:
            return result(
                code,
                False,
                "goods not delivered: 三包 periods run from delivery",
                "尚未交付；三包期间自交付之日起算。",
                "Not delivered; 三包 periods run from delivery.",
                *basis,
            )
        last = last_day_after_days(f.signed_on, days, calendar)
        day = day_text(last)
        if f.problem_found_on > last.value:
            return result(
                code,
                False,
                f"fault found on {f.problem_found_on}, after day {days} from delivery ({last.value})",
                f"交付后{days}日内出现性能故障方可{remedy.zh}，期限最后一日为 {day.zh}。现可在三包有效期内要求修理，两次修理仍不能正常使用的可换货或退货。",
                f"Only a fault within {days} days of delivery gives {remedy.en}; the last day was {day.en}. Now ask for repair "
                "under warranty; after two failed repairs, an exchange or return.",
                *basis,
                Basis(SANBAO_RULES, "11"),
                *moved_basis(last),
                **deadline(last),
            )
        return result(
            code,
            True,
            f"fault found on {f.problem_found_on}, within {days} days of delivery",
            f"交付后{days}日内出现性能故障，可选择{remedy.zh}，期限最后一日为 {day.zh}。期间不含修理占用时间，换货后重新计算。",
            f"A fault within {days} days of delivery gives you the choice of {remedy.en}; the last day is {day.en}. Repair "
            "time does not count and the period restarts after a replacement.",
            *basis,
            *moved_basis(last),
            **deadline(last),
        )

    return rule


sanbao_return = _sanbao(
    "sanbao_return", SANBAO_RETURN_DAYS, Text("退货、换货或修理", "return, exchange or repair"), "9"
)
sanbao_exchange = _sanbao(
    "sanbao_exchange", SANBAO_EXCHANGE_DAYS, Text("换货或修理", "exchange or repair"), "10"
)


def durable_burden_shift(f: Facts, calendar: WorkingCalendar) -> Entitlement:
    code, crpl = "durable_burden_shift", Basis(CRPL, "23")
    if f.category != "sanbao_durable" or f.issue not in DEFECT_ISSUES:
        return result(
            code,
            False,
            "only for a defect of durable goods",
            "仅适用于耐用商品的瑕疵争议。",
            "Only for a dispute about a defect of durable goods.",
            crpl,
        )
    if f.signed_on is None:
        return result(
            code,
            False,
            "goods not received: the 6 months run from receipt",
            "尚未收到商品；6个月自接受商品之日起算。",
            "Not received; the 6 months run from receipt.",
            crpl,
        )
    last = last_day_after_months(f.signed_on, DURABLE_BURDEN_MONTHS, calendar)
    day = day_text(last)
    if f.problem_found_on > last.value:
        return result(
            code,
            False,
            f"defect found on {f.problem_found_on}, more than 6 months after receipt ({last.value})",
            f"瑕疵在接受商品6个月后才发现（期限最后一日为 {day.zh}），由消费者举证。",
            f"The defect was found after the 6 months ended on {day.en}; you must prove it.",
            crpl,
            Basis(CIVIL_CODE, "202"),
            *moved_basis(last),
            **deadline(last),
        )
    return result(
        code,
        True,
        f"defect found on {f.problem_found_on}, within 6 months of receipt",
        f"耐用商品自接受之日起6个月内发现瑕疵发生争议的，由经营者承担有关瑕疵的举证责任；期限最后一日为 {day.zh}。",
        f"A defect of durable goods found within 6 months of receipt (the last day is {day.en}): the seller must prove "
        "there was no defect.",
        crpl,
        Basis(CIVIL_CODE, "202"),
        *moved_basis(last),
        **deadline(last),
    )
