"""Rules for money on top of the refund: fraud (退一赔三), unsafe food (十倍赔偿) and punitive
damages for harm from defective goods (DOMAIN.md §5; docs/law.md).

``amount_fen`` is the extra compensation only; the refund of the price is separate. Fraud and
food damages are alternatives (``alternative_to``), never added together. A damages claim is
made in court within the limitation period, so its ``act_by`` is the limitation's last day.
"""

from __future__ import annotations

from gongdao.law.claims import limitation_last_day
from gongdao.law.common import CRPL, CRPL_REGULATION, FOOD_SAFETY_LAW, deadline, result, yuan
from gongdao.law.entitlement import Basis, Entitlement
from gongdao.law.facts import Facts
from gongdao.policy.calendar import WorkingCalendar

FRAUD_MULTIPLE = 3
FRAUD_FLOOR_FEN = 50_000  # ¥500
FOOD_PRICE_MULTIPLE = 10
FOOD_LOSS_MULTIPLE = 3
FOOD_FLOOR_FEN = 100_000  # ¥1,000
INJURY_LOSS_MULTIPLE = 2


def fraud_extra_fen(paid_fen: int) -> int:
    """3 × the price actually paid, at least ¥500 (CRPL Art. 55(1))."""
    return max(FRAUD_MULTIPLE * paid_fen, FRAUD_FLOOR_FEN)


def food_extra_fen(paid_fen: int, loss_fen: int) -> int:
    """The larger of 10 × the price paid and 3 × the losses, at least ¥1,000 (食品安全法 Art. 148)."""
    return max(FOOD_PRICE_MULTIPLE * paid_fen, FOOD_LOSS_MULTIPLE * loss_fen, FOOD_FLOOR_FEN)


def fraud_damages(f: Facts, calendar: WorkingCalendar) -> Entitlement:
    code, alternative = "fraud_damages", ("food_damages",)
    basis = (Basis(CRPL, "55(1)"), Basis(CRPL_REGULATION, "49"))
    if f.label_flaw_only:
        return result(
            code,
            False,
            "a label or manual flaw that neither affects quality nor misleads is not fraud",
            "仅为不影响商品质量、不会误导消费者的标签或说明书瑕疵，不构成欺诈。",
            "A label or manual flaw that neither affects quality nor misleads is not fraud.",
            *basis,
            alternative_to=alternative,
        )
    if not f.fraud:
        return result(
            code,
            False,
            "no fraud: the merchant is not said to have knowingly deceived",
            "未主张经营者故意欺骗消费者。",
            "You do not say the merchant knowingly deceived you.",
            *basis,
            alternative_to=alternative,
        )
    extra, last = fraud_extra_fen(f.paid_fen), limitation_last_day(f, calendar)[0]
    triple = FRAUD_MULTIPLE * f.paid_fen
    floor = " is below the ¥500 floor" if triple < FRAUD_FLOOR_FEN else ""
    return result(
        code,
        True,
        f"fraud: 3 × {yuan(f.paid_fen)} = {yuan(triple)}{floor}; extra {yuan(extra)}",
        f"退还货款 {yuan(f.paid_fen)} 之外，另赔商品价款的三倍（{yuan(triple)}），"
        f"不足500元的按500元：增加赔偿 {yuan(extra)}（运费不计入价款）。消费者调换商品或伪造证据的除外。"
        "与食品安全十倍赔偿只能择一主张。",
        f"On top of refunding {yuan(f.paid_fen)}, three times the price paid ({yuan(triple)}), "
        f"at least ¥500: extra {yuan(extra)} (shipping is not part of the price). Not where the consumer "
        "swapped the goods or faked evidence. Claim this or the food damages, not both.",
        *basis,
        amount_fen=extra,
        alternative_to=alternative,
        **deadline(last),
    )


def food_damages(f: Facts, calendar: WorkingCalendar) -> Entitlement:
    code, alternative, basis = "food_damages", ("fraud_damages",), (Basis(FOOD_SAFETY_LAW, "148"),)
    if f.label_flaw_only:
        return result(
            code,
            False,
            "a label or manual flaw that neither affects safety nor misleads bars food damages",
            "食品标签、说明书存在不影响食品安全且不会误导消费者的瑕疵的，不适用十倍赔偿。",
            "A label or manual flaw that neither affects food safety nor misleads does not give tenfold damages.",
            *basis,
            alternative_to=alternative,
        )
    if not f.food_unsafe:
        return result(
            code,
            False,
            "the food is not said to fail food-safety standards",
            "未主张食品不符合食品安全标准。",
            "You do not say the food fails food-safety standards.",
            *basis,
            alternative_to=alternative,
        )
    if f.respondent_role == "seller" and not f.seller_knew:
        return result(
            code,
            False,
            "against a seller only if it knew the food was unsafe; the producer is liable regardless",
            "对销售者，仅在其明知食品不符合食品安全标准时可主张；对生产者，可以直接主张。",
            "Against a seller only if it knew the food was unsafe; claim from the producer, who is liable regardless.",
            *basis,
            alternative_to=alternative,
        )
    return _food_eligible(f, calendar)


def _food_eligible(f: Facts, calendar: WorkingCalendar) -> Entitlement:
    by_price, by_loss = FOOD_PRICE_MULTIPLE * f.paid_fen, FOOD_LOSS_MULTIPLE * f.loss_fen
    extra, last = food_extra_fen(f.paid_fen, f.loss_fen), limitation_last_day(f, calendar)[0]
    against = "producer" if f.respondent_role == "producer" else "seller that knew"
    return result(
        "food_damages",
        True,
        f"unsafe food, claimed from the {against}: extra {yuan(extra)}",
        f"退还价款 {yuan(f.paid_fen)}、赔偿损失之外，可选择价款十倍（{yuan(by_price)}）或损失三倍"
        f"（{yuan(by_loss)}），不足1000元的按1000元：增加赔偿 {yuan(extra)}。与欺诈三倍赔偿只能择一主张。",
        f"On top of refunding {yuan(f.paid_fen)} and paying the losses, you choose ten times the price "
        f"({yuan(by_price)}) or three times the losses ({yuan(by_loss)}), at least ¥1,000: extra {yuan(extra)}. "
        "Claim this or the fraud damages, not both.",
        Basis(FOOD_SAFETY_LAW, "148"),
        amount_fen=extra,
        alternative_to=("fraud_damages",),
        **deadline(last),
    )


def injury_damages(f: Facts, calendar: WorkingCalendar) -> Entitlement:
    code, basis = "injury_damages", (Basis(CRPL, "55(2)"),)
    if not f.injury:
        return result(
            code,
            False,
            "no death or serious harm to health",
            "未造成死亡或健康严重损害。",
            "No death or serious harm to health.",
            *basis,
        )
    if not f.seller_knew:
        return result(
            code,
            False,
            "punitive damages need the seller to have known of the defect; losses remain payable",
            "经营者不知道商品存在缺陷的，不适用惩罚性赔偿；损失仍应赔偿。",
            "Without the seller knowing of the defect there are no punitive damages; the losses are still payable.",
            *basis,
            Basis(CRPL, "49"),
        )
    top, last = INJURY_LOSS_MULTIPLE * f.loss_fen, limitation_last_day(f, calendar)[0]
    return result(
        code,
        True,
        f"the seller knew of the defect: punitive damages up to 2 × {yuan(f.loss_fen)} = {yuan(top)}",
        f"经营者明知商品存在缺陷仍销售，造成死亡或健康严重损害的，除赔偿损失外，可要求所受损失二倍以下（至多 {yuan(top)}）的惩罚性赔偿。",
        f"The seller sold goods it knew were defective and they caused death or serious harm: besides the "
        f"losses, punitive damages of up to twice them (at most {yuan(top)}).",
        *basis,
        Basis(CRPL, "49"),
        amount_min_fen=0,
        amount_max_fen=top,
        **deadline(last),
    )
