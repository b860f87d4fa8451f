"""When an outside body should answer, from the regulations (DOMAIN.md §6), counted with the
working-day calendar: the dates the case page shows for each referral and the one its reminder
is for. Pure given the calendar: no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from gongdao.policy.calendar import WorkingCalendar

ACCEPTANCE_WORKING_DAYS = 7  # 市场监督管理投诉举报处理暂行办法 Art. 14
# Mediation ends 60 days after acceptance (消费者权益保护法实施条例 2024 Art. 46, the higher rule;
# the 2022 measures' Art. 21 says 45 working days). Testing and appraisal time is not counted.
MEDIATION_DAYS = 60
REPORT_DECISION_WORKING_DAYS = 15  # 市场监督管理行政处罚程序规定 Art. 18 (extendable by 15)
REPORT_NOTICE_WORKING_DAYS = 5  # 投诉举报处理暂行办法 Art. 31: told within 5 working days of the decision

KINDS = {
    "referral_acceptance": _("Decision to accept the complaint"),
    "referral_mediation": _("End of mediation"),
    "referral_decision": _("Decision whether to open a case"),
    "referral_notice": _("Reporter told of the decision"),
}


@dataclass(frozen=True)
class Expectation:
    kind: str
    due: date
    provisional: bool
    basis: str  # the rule, in Chinese as the regulations name it
    note: str = ""

    @property
    def label(self) -> str:
        return str(KINDS[self.kind])


def expectations(
    target: str, filed_on: date | None, accepted_on: date | None, calendar: WorkingCalendar
) -> list[Expectation]:
    """Every date the regulations set for this referral once filed (empty before filing)."""
    if filed_on is None:
        return []
    out: list[Expectation] = []
    if target == "12315":
        accept = calendar.add_working_days(filed_on, ACCEPTANCE_WORKING_DAYS)
        out.append(
            Expectation(
                "referral_acceptance",
                accept.value,
                accept.provisional,
                "《市场监督管理投诉举报处理暂行办法》第十四条：七个工作日内决定是否受理",
            )
        )
        if accepted_on is not None:
            out.append(
                Expectation(
                    "referral_mediation",
                    accepted_on + timedelta(days=MEDIATION_DAYS),
                    False,
                    "《消费者权益保护法实施条例》第四十六条：自受理之日起六十日内终结调解",
                    note=str(_("Time for testing or appraisal is not counted.")),
                )
            )
    elif target == "regulator_report":
        decide = calendar.add_working_days(filed_on, REPORT_DECISION_WORKING_DAYS)
        tell = calendar.add_working_days(decide.value, REPORT_NOTICE_WORKING_DAYS)
        out.append(
            Expectation(
                "referral_decision",
                decide.value,
                decide.provisional,
                "《市场监督管理行政处罚程序规定》第十八条：十五个工作日内决定是否立案",
                note=str(_("The office may extend this by 15 working days.")),
            )
        )
        out.append(
            Expectation(
                "referral_notice",
                tell.value,
                decide.provisional or tell.provisional,
                "《市场监督管理投诉举报处理暂行办法》第三十一条：作出决定后五个工作日内告知实名举报人",
            )
        )
    return out


def pending(
    target: str, status: str, filed_on: date | None, accepted_on: date | None, calendar: WorkingCalendar
) -> Expectation | None:
    """The date still awaited in this status (the reminder's), or None."""
    wanted = {
        ("12315", "filed"): "referral_acceptance",
        ("12315", "accepted"): "referral_mediation",
        ("12315", "in_mediation"): "referral_mediation",
        ("regulator_report", "filed"): "referral_notice",
    }.get((target, status))
    if wanted is None:
        return None
    return next((e for e in expectations(target, filed_on, accepted_on, calendar) if e.kind == wanted), None)
