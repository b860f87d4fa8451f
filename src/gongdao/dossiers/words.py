"""The Chinese words a dossier uses for the codes of gongdao/codes.py. A dossier is a Chinese
document for Chinese bodies whatever the reader's interface language, so these are fixed text
rather than translations; tests fail when a code has no word here."""

from __future__ import annotations

TARGET_TITLES = {
    "12315": "消费投诉书",
    "regulator_report": "举报材料",
    "tax": "发票问题举报材料",
    "media": "消费维权情况说明（公开版）",
    "internet_court": "民事起诉状（草稿）",
}
TARGET_BODIES = {
    "12315": "市场监督管理部门（全国12315平台）/ 消费者协会",
    "regulator_report": "市场监督管理部门",
    "tax": "税务机关（12366纳税缴费服务热线 / 电子税务局）",
    "media": "媒体及公开投诉平台",
    "internet_court": "互联网法院",
}
TARGET_SHORT = {
    "12315": "12315投诉",
    "regulator_report": "市场监管举报",
    "tax": "税务举报",
    "media": "媒体/公开投诉",
    "internet_court": "互联网法院起诉",
}

ISSUES = {
    "not_received": "未收到货",
    "late_delivery": "延迟发货或送达",
    "damaged_in_transit": "运输途中损坏",
    "wrong_or_missing_item": "错发、漏发",
    "not_as_described": "货不对板（与描述不符）",
    "quality_defect": "商品质量问题",
    "counterfeit": "假冒商品",
    "false_advertising": "虚假宣传或误导性促销",
    "no_after_sales": "售后无响应",
    "invoice_refused": "拒开发票",
    "price_or_deposit": "价格或定金问题",
    "personal_information": "个人信息被滥用",
    "other": "其他问题",
}

REMEDIES = {
    "refund_only": "仅退款",
    "return_and_refund": "退货退款",
    "exchange": "换货",
    "repair": "维修",
    "resend": "补寄",
    "partial_refund": "部分退款",
    "compensation": "赔偿",
}

OUTCOMES = {
    "consumer_upheld": "支持消费者",
    "partially_upheld": "部分支持消费者",
    "merchant_upheld": "支持商家",
    "settled": "协商解决",
    "withdrawn": "消费者撤回",
    "abandoned": "消费者未继续处理",
    "rejected": "驳回",
}

STATUSES = {
    "draft": "草稿",
    "awaiting_merchant": "等待商家处理",
    "awaiting_consumer": "等待消费者回复",
    "escalated": "已申请平台介入",
    "evidence_period": "举证期",
    "under_review": "平台审核中",
    "decided": "平台已作出决定",
    "appealed": "申诉中",
    "fulfilling": "履行中",
    "resolved": "已解决",
    "closed": "已关闭",
    "withdrawn": "已撤回",
}

EVIDENCE_KINDS = {
    "order_record": "订单记录",
    "payment_proof": "支付凭证",
    "product_page": "商品页面及承诺",
    "chat_record": "与商家的聊天记录",
    "problem_photo": "问题照片",
    "problem_video": "问题视频",
    "unboxing_video": "开箱视频",
    "logistics_record": "物流记录",
    "test_report": "检测报告",
    "invoice": "发票或拒开记录",
    "authorization": "授权委托书",
    "other": "其他",
}

SIDES = {"consumer": "消费者", "merchant": "商家", "platform": "平台"}

REFERRAL_STATUSES = {
    "drafted": "已准备",
    "filed": "已提交",
    "accepted": "已受理",
    "refused": "不予受理",
    "in_mediation": "调解中",
    "resolved": "已解决",
    "closed": "已终结",
}

CATEGORIES = {
    "general": "一般商品",
    "food": "食品",
    "made_to_order": "定制商品",
    "fresh": "鲜活易腐商品",
    "digital_download": "在线下载的数字商品",
    "periodical": "报纸、期刊",
    "sanbao_durable": "三包耐用商品",
}

# The law advisor's questionnaire (gongdao.law.casefacts.QUESTIONS), as the account names them.
LAW_FACTS = {
    "category": "商品类别",
    "problem_found_on": "发现问题之日",
    "fraud": "经营者存在欺诈",
    "food_unsafe": "食品不符合食品安全标准",
    "label_flaw_only": "仅为不影响质量安全且不误导的标签、说明书瑕疵",
    "injury": "造成死亡或健康严重损害",
    "seller_knew": "销售者明知缺陷或食品不安全",
    "loss_fen": "其他可证明的损失",
    "intact": "商品完好（仅拆封查验）",
    "non_returnable_confirmed": "购买时已确认不适用七日无理由退货",
    "invoice_requested": "已要求开具发票",
    "respondent_role": "经营者身份",
}
RESPONDENT_ROLES = {"seller": "销售者", "producer": "生产者"}

STEPS = {
    "ship_return": "消费者寄回商品",
    "confirm_return": "商家确认收到退货",
    "ship_replacement": "商家发出补发/换货商品",
    "confirm_replacement": "消费者确认收到补发/换货商品",
    "refund": "退款",
}

RETURN_PROBLEMS = {
    "damaged": "退回商品损坏",
    "empty": "退回包裹为空",
    "missing_items": "退回商品缺件",
    "other": "其他问题",
}
# Self-help mode: how a step with an outside party came about (selfhelp.effects.CHANNELS).
CHANNELS = {
    "platform_chat": "平台客服/聊天",
    "phone": "电话",
    "email": "电子邮件",
    "sms": "短信",
    "in_person": "当面",
    "letter": "信函",
    "other": "其他方式",
}


def platform_name(profile: str) -> str:
    """An outside platform (a policy profile) as a Chinese document names it: "taobao" → "淘宝";
    "" for "other" or none (policy.document.PROFILES titles end with the Chinese name)."""
    from gongdao.policy.document import PROFILES

    title = PROFILES.get(profile, "")
    return title.rsplit(" ", 1)[-1] if title and profile != "other" else ""
