"""Labels and free text of the demo data: businesses, loan products and purposes, visit notes."""

from __future__ import annotations

import random

# (business type, loan purpose, weight): the purpose follows from what the borrower does.
BUSINESSES: tuple[tuple[str, str, int], ...] = (
    ("养猪", "养殖", 16),
    ("养鸡", "养殖", 10),
    ("养牛", "养殖", 5),
    ("养羊", "养殖", 6),
    ("种植蔬菜", "种植", 14),
    ("种植果树", "种植", 6),
    ("种粮", "种植", 8),
    ("小卖部", "商贸", 10),
    ("流动摊贩", "商贸", 5),
    ("编织", "加工", 6),
    ("豆腐坊", "加工", 3),
    ("运输", "运输", 5),
    ("裁缝", "服务", 3),
    ("理发", "服务", 2),
    ("餐饮", "服务", 4),
)
BUSINESS_WEIGHTS = [weight for _, _, weight in BUSINESSES]

GROUP_PRODUCT = "小组联保贷款"
BUSINESS_PRODUCT = "个人经营贷款"
CREDIT_PRODUCT = "农户小额信用贷款"

# Notes an officer might type after a visit, by (purpose, outcome). Some use an ASCII
# comma on purpose: real exports contain them and the CSV must quote them.
_NOTES: dict[tuple[str, str], tuple[str, ...]] = {
    ("appraisal", "ok"): (
        "家庭养猪12头，经营稳定",
        "新建蔬菜大棚两个，销路有保障",
        "小卖部位置好，日营业额约300元",
        "家人支持，组员愿意联保",
        "收入来源单一, 建议控制额度",
        "住房自有，无其他负债",
    ),
    ("return_visit", "ok"): (
        "玉米收成不错，下月可按时还款",
        "新买的母猪下了一窝小猪",
        "生意正常，资金已按用途使用",
        "参加了中心会议，情绪稳定",
        "大棚蔬菜长势好, 预计下月上市",
        "鸡场扩大了一倍，想申请下一笔贷款",
        "家里一切正常",
    ),
    ("return_visit", "not_home"): (
        "家中无人，邻居说外出赶集",
        "电话未接通，下周再访",
    ),
    ("collection", "promised"): (
        "答应本周五前还清",
        "卖了猪就还，约定下周",
        "资金周转困难，承诺月底还款",
    ),
    ("collection", "paid"): ("当场还清本期欠款", "组长陪同，已补交"),
    ("collection", "unable"): (
        "家人生病住院，暂时无力还款",
        "猪瘟损失严重，收入中断",
        "冰雹毁了庄稼，确实困难",
    ),
    ("collection", "unwilling"): (
        "有收入但拒绝还款，说利息太高",
        "态度不好，称等别人先还",
        "家里新买了摩托车, 却说没钱还",
    ),
    ("collection", "not_home"): ("多次上门无人，据说外出打工", "家中无人，已留言"),
    ("follow_up", "promised"): ("再次承诺下月开始还款", "组员愿意帮忙，约定月底"),
    ("follow_up", "paid"): ("补交了部分欠款", "已还清拖欠的本息"),
    ("follow_up", "unable"): ("病情未好转，仍无收入", "等秋收后才有钱"),
    ("follow_up", "unwilling"): ("仍然拒绝还款，已报组长", "小组会上做了工作，仍不配合"),
    ("follow_up", "not_home"): ("人已外出打工，联系家属", "电话关机"),
    ("training", "ok"): ("参加了第三天的培训", "培训认真，会写自己的名字了"),
    ("other", "ok"): ("协助办理医保", "了解村里养殖合作社情况", "送还存折"),
}


def visit_note(rng: random.Random, purpose: str, outcome: str, share: float) -> str:
    """A short note for a visit `share` of the time (officers often leave it empty)."""
    choices = _NOTES.get((purpose, outcome))
    if choices is None or rng.random() >= share:
        return ""
    return rng.choice(choices)
