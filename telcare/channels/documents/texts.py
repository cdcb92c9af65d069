"""The printed documents' own texts, (zh, en) per key, and the CSS that numbers pages."""

from __future__ import annotations

import re

TEXT = {
    "title": ("{place}{month}服务质量报告", "Service-quality report, {place}, {month}"),
    "national": ("全国", "National"),
    "standards": ("八项基本服务标准", "The eight basic service standards"),
    "indicators": ("服务质量指标", "Service-quality indicators"),
    "problems": ("主要问题", "Top problems"),
    "movers": ("环比变化", "Month-on-month changes"),
    "trend": ("近期趋势", "Trends"),
    "ranking": ("各省排名", "Province ranking"),
    "indicator": ("指标", "Indicator"),
    "value": ("本月", "This month"),
    "previous": ("上月", "Last month"),
    "change": ("环比", "Change"),
    "target": ("目标", "Target"),
    "rank": ("排名", "Rank"),
    "standard": ("标准", "Standard"),
    "result": ("结果", "Result"),
    "evidence": ("依据", "Evidence"),
    "pass": ("达标", "pass"),
    "fail": ("未达标", "fail"),
    "no_data": ("无数据", "no data"),
    "none": ("无", "none"),
    "actions": ("整改事项", "Improvement actions"),
    "actions_open": ("未关闭（{n}项）", "Open ({n})"),
    "actions_closed": ("本月验证关闭（{n}项）", "Verified and closed this month ({n})"),
    "owner": ("责任部门 / 责任人", "Owner"),
    "due": ("完成时限", "Due"),
    "status": ("状态", "Status"),
    "escalated": ("已升级至{to}", "escalated to {to}"),
    "page_of": ("第 {page} 页，共 {pages} 页", "Page {page} of {pages}"),
    "no_data_note": (
        "“—”表示无数据：该指标的数据来源尚未建设或本期无业务发生，不作估算。",
        "“—” means no data: the indicator's inputs are not built yet or nothing happened; "
        "no figure is estimated.",
    ),
}


def tr(key: str, lang: str, **kw: str) -> str:
    zh, en = TEXT[key]
    return (en if lang == "en" else zh).format(**kw)


def page_counter_css(lang: str) -> str:
    """``page_of`` as a CSS ``content`` value: ``"第 " counter(page) " 页，共 " ...``."""
    parts = re.split(r"\{(page|pages)\}", tr("page_of", lang, page="{page}", pages="{pages}"))
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"counter({part})")
        elif part:
            out.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(out)
