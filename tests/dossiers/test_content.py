"""What each dossier says, built from in-memory records: the parties, the request with the law
advisor's amounts, the facts with a citation in every sentence, the competent office and its
reason, the acceptance limits, the 12315 paste fields, the internet court's jurisdiction."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from gongdao import codes
from gongdao.dossiers import content, legal, narrative, regions, words
from gongdao.dossiers.answers import Answers, parse
from gongdao.dossiers.snapshot import Complainant, ReferralInfo, Respondent
from gongdao.errors import InvalidInput
from gongdao.policy.calendar import WorkingCalendar
from tests.dossiers.records import TODAY, event, order, record

CALENDAR = WorkingCalendar()


def build(target: str, rec=None, **inputs):
    inputs.setdefault("today", TODAY)
    return content.build(rec or record(), target, content.Inputs(**inputs), CALENDAR)


def text_of(dossier: content.Dossier) -> str:
    parts = [dossier.title, dossier.addressee, dossier.facts_text, dossier.summary]
    for block in dossier.blocks:
        parts += [block.heading, *block.paragraphs, *block.numbered]
        parts += [f"{label}{value}" for label, value in block.rows]
    parts += [f"{label}{value}" for label, value in dossier.paste]
    return "\n".join(parts)


def test_every_code_has_chinese_words():
    assert set(words.TARGET_TITLES) == set(codes.DOSSIER_TARGETS) == set(words.TARGET_SHORT)
    assert set(words.ISSUES) == set(codes.ISSUE_TYPES)
    assert set(words.REMEDIES) == set(codes.REMEDIES)
    assert set(words.OUTCOMES) == set(codes.OUTCOMES)
    assert set(words.STATUSES) == set(codes.STATUSES)
    assert set(words.EVIDENCE_KINDS) == set(codes.EVIDENCE_KINDS)
    assert set(words.REFERRAL_STATUSES) == set(codes.REFERRAL_STATUSES)


def test_every_fact_sentence_cites_an_event_or_evidence_item():
    rec = record(messages=(("merchant_staff", "请提供视频。"),))
    sentences = narrative.narrate(rec)
    assert len(sentences) >= 7
    for s in sentences:
        assert re.search(r"（(事件#\d+|证据 E-\w+)(；(事件#\d+|证据 E-\w+))*）。$", s.render()), s.render()
    dates = [s.on for s in sentences]
    assert dates == sorted(dates)
    rendered = "\n".join(s.render() for s in sentences)
    assert (
        "2025年3月3日，消费者在「声谷数码旗舰店」下单购买「蓝牙降噪耳机（黑色）」×1，实付 ¥399.00" in rendered
    )
    assert "商家拒绝消费者的请求，理由：“不是质量问题。”（事件#4）" in rendered
    assert "证据 E-TEST0001；事件#2" in rendered
    assert "内部" not in rendered and "note" not in rendered  # the platform-only note is not narrated


def test_12315_complaint_has_every_required_field():
    d = build("12315")
    text = text_of(d)
    for required in (
        "投诉人",
        "王小明",
        "13812345678",
        "上海市浦东新区世纪大道 100 号",
        "被投诉人",
        "声谷数码旗舰店",
        "91330110MA27Y5XK3B",
        "浙江省杭州市余杭区",
        "投诉请求",
        "办理退货并退还货款 ¥399.00",
        "事实与理由",
        "杭州市余杭区市场监督管理局",
        "七个工作日",
        "三年受理期限",
    ):
        assert required in text, required
    assert d.ready and not d.warnings
    assert d.addressee == "杭州市余杭区市场监督管理局"
    assert "第十二条" in text and "实际经营地或者住所地县级市场监督管理部门" in text


def test_missing_complainant_details_are_listed_never_invented():
    rec = record(complainant=Complainant("U-TEST0001", full_name="王小明"))
    d = build("12315", rec)
    assert [(m.code, m.where) for m in d.missing] == [("phone", "profile"), ("address", "profile")]
    assert not d.ready
    assert "（待填写）" in text_of(d)
    court = build("internet_court", rec)
    assert {m.code for m in court.missing} == {
        "phone",
        "address",
        "id_number",
        "delivery_city",
        "defendant_domicile",
    }


def test_fraud_claimed_adds_threefold_damages_with_the_article_marked_as_claimed():
    d = build("12315", answers=Answers(fraud=True))
    request = "\n".join(next(b for b in d.blocks if b.heading == "投诉请求").numbered)
    assert "赔偿金 ¥1,197.00" in request  # 3 × ¥399
    assert "《消费者权益保护法》第五十五条第一款" in request
    assert "消费者主张：经营者存在欺诈行为" in request
    assert "（基于消费者主张）欺诈三倍赔偿" in text_of(d)


def test_fraud_damages_have_the_500_yuan_floor():
    rec = record(lines=(record().lines[0].__class__(1, "数据线", "", 1, 2000, 2000, 2000),))
    d = build(
        "internet_court",
        rec,
        answers=Answers(fraud=True, delivery_city="杭州", defendant_domicile="浙江省杭州市余杭区"),
    )
    assert "支付赔偿金 ¥500.00" in text_of(d)


def test_complaint_past_three_years_warns():
    old = order(
        ordered_at="2021-01-02T02:00:00.000000Z",
        paid_at=None,
        shipped_at=None,
        signed_at="2021-01-04T02:00:00.000000Z",
    )
    d = build(
        "12315",
        record(order=old),
        answers=Answers(problem_found_on=date(2021, 1, 4)),
        today=date(2025, 3, 20),
    )
    assert any("已超过三年投诉受理期限" in w and "第十五条" in w for w in d.warnings)
    fresh = build(
        "12315",
        record(order=old),
        answers=Answers(problem_found_on=date(2023, 1, 4)),
        today=date(2025, 3, 20),
    )
    assert not any("已超过" in w for w in fresh.warnings)


def test_another_body_already_took_it_warns():
    d = build("12315", answers=Answers(other_body=True))
    assert any("不予受理" in w and "已经受理或处理过" in w for w in d.warnings)
    court_filed = record(
        referrals=(ReferralInfo(1, "internet_court", "accepted", date(2025, 3, 10), "(2025)浙0192民初1号"),)
    )
    assert any("互联网法院" in w for w in build("12315", court_filed).warnings)


def test_office_is_named_by_region_with_the_reason():
    assert regions.regulator_for("浙江省杭州市余杭区").name == "杭州市余杭区市场监督管理局"
    assert regions.regulator_for("北京市朝阳区望京街 10 号").name == "北京市朝阳区市场监督管理局"
    assert regions.regulator_for("浙江省湖州市长兴县").name == "长兴县市场监督管理局"
    assert regions.regulator_for("浙江省金华市义乌市稠城街道").name == "义乌市市场监督管理局"
    inexact = regions.regulator_for("浙江省杭州市")
    assert inexact is not None and not inexact.exact
    assert regions.regulator_for("") is None
    d = build("12315", record(respondent=Respondent("某店", region="")))
    assert any("无法确定主管的县级市场监督管理部门" in w for w in d.warnings)


@pytest.mark.parametrize(
    ("delivery", "domicile", "court"),
    [
        ("杭州", "广东省深圳市南山区", "杭州互联网法院"),
        ("上海市浦东新区", "北京市朝阳区望京街 10 号", "北京互联网法院"),
        ("广州市天河区", "", "广州互联网法院"),
        ("浙江省宁波市杭州湾新区", "上海市", None),
    ],
)
def test_internet_court_only_where_its_city_has_jurisdiction(delivery, domicile, court):
    d = build(
        "internet_court", answers=Answers(delivery_city=delivery, defendant_domicile=domicile or "上海市")
    )
    if court is None:
        assert d.blockers and "基层人民法院" in d.blockers[0]
        assert not d.ready
    else:
        assert not d.blockers
        assert d.addressee == court
        text = text_of(d)
        assert "《最高人民法院关于互联网法院审理案件若干问题的规定》第二条" in text
        assert "判令被告办理退货并退还货款 ¥399.00" in text and "判令被告承担本案诉讼费用" in text


def test_12315_paste_fields_cover_the_web_form():
    d = build("12315")
    labels = [label for label, _value in d.paste]
    for wanted in (
        "投诉人姓名",
        "手机号码",
        "联系地址",
        "被投诉方名称",
        "统一社会信用代码",
        "订单号",
        "消费金额（元）",
        "投诉问题",
        "诉求",
        "投诉内容（事实与理由）",
    ):
        assert wanted in labels
    values = dict(d.paste)
    assert values["消费金额（元）"] == "399.00"
    assert len(values["投诉内容（事实与理由）"]) <= content.PASTE_FACTS_LIMIT


def test_consumer_edited_facts_replace_the_generated_account_and_say_so():
    d = build("12315", facts_text="我的陈述：商品有问题。", edited_seq=9)
    facts = next(b for b in d.blocks if b.heading == "事实与理由").paragraphs
    assert facts[0] == "【以下事实陈述由消费者编辑，编辑已记入案件记录（事件#9）】"
    assert "我的陈述：商品有问题。" in facts


def test_report_and_tax_warn_when_the_issue_does_not_fit():
    assert any("更适合投诉" in w for w in build("regulator_report").warnings)
    assert not any("更适合投诉" in w for w in build("regulator_report", record(issue="counterfeit")).warnings)
    tax = build("tax")
    assert any("拒开发票" in w for w in tax.warnings)
    assert "纳税人识别号（统一社会信用代码）91330110MA27Y5XK3B" in text_of(tax)


def test_media_summary_fits_and_hides_personal_data():
    rec = record(messages=tuple(("consumer", "这是一条很长的消息。" * 20) for _ in range(10)))
    d = build("media", rec)
    assert len(d.summary) <= content.MEDIA_BODY_LIMIT
    assert len(d.summary_title) <= content.MEDIA_TITLE_LIMIT
    text = text_of(d)
    for secret in (
        "王小明",
        "13812345678",
        "上海市浦东新区世纪大道 100 号",
        "TB20250303123456",
        "SF1234567890123",
    ):
        assert secret not in text
    assert "王**" in text and "TB************56" in text


def test_legal_citations_read_the_chinese_way():
    assert (
        legal.zh_number(55) == "五十五" and legal.zh_number(10) == "十" and legal.zh_number(203) == "二百零三"
    )
    assert legal.zh_number(110) == "一百一十" or legal.zh_number(110) == "一百十"
    assert legal.article("55(1)") == "第五十五条第一款"
    assert legal.article("6–10") == "第六条至第十条"


def test_answers_are_validated_with_the_field_named():
    with pytest.raises(InvalidInput) as exc:
        parse({"fraud": "yes"})
    assert exc.value.field == "fraud"
    with pytest.raises(InvalidInput) as exc:
        parse({"problem_found_on": "2025-02-30"})
    assert exc.value.field == "problem_found_on"
    with pytest.raises(InvalidInput) as exc:
        parse({"colour": "red"})
    assert exc.value.field == "colour"
    assert parse({"delivery_city": "  杭州  "}).delivery_city == "杭州"


def test_system_escalation_and_decision_are_narrated_neutrally():
    extra = (
        event(0, "escalate", {"action": "escalate", "reason": ""}, role="system", days=8),
        event(
            0,
            "decide",
            {
                "decision": {
                    "outcome": "consumer_upheld",
                    "reasons": "商品存在质量问题。",
                    "remedy": "refund_only",
                    "amounts": [{"line_no": 1, "amount_fen": 39900}],
                }
            },
            role="agent",
            days=10,
        ),
    )
    text = "\n".join(s.render() for s in narrative.narrate(record(extra_events=extra)))
    assert "系统按平台规则将争议转交平台处理" in text
    assert (
        "平台作出处理决定：支持消费者，处理方式为仅退款，金额 ¥399.00；决定理由：“商品存在质量问题。”" in text
    )


def test_refund_already_paid_is_taken_off_the_request():
    d = build("12315", replace(record(), refunded_fen=10000))
    request = next(b for b in d.blocks if b.heading == "投诉请求").numbered
    assert "¥299.00" in request[0] and "已退款 ¥100.00" in request[1]


def test_the_chinese_catalog_is_complete_and_compiled():
    from pathlib import Path

    import polib

    po_path = Path(content.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    assert not [e.msgid for e in po.untranslated_entries()] and not po.fuzzy_entries()
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    assert {e.msgid: e.msgstr for e in mo if e.msgid} == {e.msgid: e.msgstr for e in po.translated_entries()}
