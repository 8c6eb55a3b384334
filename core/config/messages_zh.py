"""The configuration check's messages in Simplified Chinese.

`check-config` and the loaders of rules.yaml, review_template.yaml and the coded lists
write English (the command line keeps it). The admin's Configuration page and the
start-up error page show a message in the reader's language: its head ("<file>, line
<n>, key '<key>'") and its problem are matched separately; a regex per problem finds
the variable parts (keys, values, figure and rule codes, numbers) and a Chinese template
puts them back unchanged, since they are what the admin has to find in the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# "<file>[, line <n>][, key '<key>']: <problem>"; the file is the shortest prefix.
_HEAD = re.compile(
    r"(?P<file>.+?)(?:, line (?P<line>\d+))?(?:, key '(?P<key>[^']*)')?: (?P<problem>.*)", re.DOTALL
)

# What core.rules.nodes.describe says a node holds.
_DESCRIBED: tuple[tuple[str, str], ...] = (
    (r"a value tagged (?P<tag>.+)", "带标签 {tag} 的值"),
    (r"a mapping", "映射（“键: 值”）"),
    (r"a list of (?P<n>\d+)", "只有 {n} 个数的列表"),
    (r"a list", "列表"),
    (r"a yes/no value \((?P<value>.*)\)", "是/否值（{value}）"),
    (r"nothing", "空值"),
    (r"a number \((?P<value>.*)\)", "数字（{value}）"),
    (r"text \((?P<value>.*)\)", "文字（{value}）"),
)
_WORDS = {
    # the first thing a coded list's mapping error names
    "the file": "整个文件",
    "an activity": "每个工作类别",
    "an exit reason": "每个流失原因",
    "activity": "工作类别",
    "exit reason": "流失原因",
    # figures' cases, directions and band sides
    "loan": "按贷款",
    "borrower": "按借款人",
    "higher": "越高越好",
    "lower": "越低越好",
    "above": "高于",
    "team": "小组",
    "branch": "支行",
    "below": "低于",
    # Python's and the codec's own reasons
    "Single '}' encountered in format string": "出现了单独的 }",
    "Single '{' encountered in format string": "出现了单独的 {",
    "expected '}' before end of string": "缺少与 { 配对的 }",
    "invalid start byte": "无效的起始字节",
    "invalid continuation byte": "无效的后续字节",
    "unexpected end of data": "数据意外结束",
}


def _described(text: str) -> str:
    for pattern, template in _DESCRIBED:
        found = re.fullmatch(pattern, text, re.DOTALL)
        if found:
            return template.format(**found.groupdict())
    return text


def _word(text: str) -> str:
    return _WORDS.get(text, text)


def _yaml_detail(detail: str) -> str:
    # PyYAML's explanation is English; where it points (the column) is what helps.
    places = re.findall(r"line \d+, column (\d+)", detail)
    return f"第 {places[-1]} 列附近有误；" if places else ""


def _guess(text: str) -> str:
    return f"是否应为 {text}？" if text else ""


# Named groups converted on the way (default: unchanged).
_CONVERT: dict[str, Callable[[str], str]] = {
    "what": _described,
    "word": _word,
    "cases": _word,
    "per": _word,
    "spec": _word,
    "side": _word,
    "scope": _word,
    "reason": _word,
    "detail": _yaml_detail,
    "guess": _guess,
    "quote": lambda text: "；如果指的是文字，请加引号" if text else "",
    "ratio": lambda text: "；比率写成小数：95% 写作 0.95" if text else "",
    "nested": lambda text: to_chinese(text),
}

# Whole problems (fullmatch), most specific first where two could match.
_PROBLEMS: tuple[tuple[str, str], ...] = (
    # core.rules.nodes: shapes and types of values
    (r"must be a mapping, not (?P<what>.+)", "必须是映射（“键: 值”），而不是{what}"),
    (r"duplicate key", "键重复"),
    (r"unknown key \(expected (?P<keys>.*)\)", "未知的键（应为 {keys} 之一）"),
    (r"missing key", "缺少这个键"),
    (r"must be a list, not (?P<what>.+)", "必须是列表，而不是{what}"),
    (
        r"must be text, not (?P<what>.+?)(?P<quote>; quote it if you mean the text)?",
        "必须是文字，而不是{what}{quote}",
    ),
    (r"must not be empty", "不能为空"),
    (
        r"unknown value (?P<value>.+) \(expected (?P<choices>.*)\)",
        "未知的值 {value}（应为 {choices}）",
    ),
    (
        r"must be a number, not (?P<what>.+?)"
        r"(?P<ratio>; ratios are fractions: write 0\.95 for 95%)?",
        "必须是数字，而不是{what}{ratio}",
    ),
    (r"must be a plain number, not (?P<value>.+)", "必须是普通数字，而不是 {value}"),
    (r"must not be negative \((?P<n>.+)\)", "不能为负数（{n}）"),
    (r"must be a non-negative whole number, not (?P<what>.+)", "必须是非负整数，而不是{what}"),
    # core.rules.loader: rules, figures and message templates
    (r"must be at least 1, not 0", "至少为 1，不能为 0"),
    (
        r"each rule must be a mapping, not (?P<what>.+)",
        "每条规则都必须是映射（“键: 值”），而不是{what}",
    ),
    (
        r"(?P<id>.+) must use only a-z, 0-9 and _ \(e\.g\. par30_limit\)",
        "{id} 只能使用 a-z、0-9 和 _（例如 par30_limit）",
    ),
    (
        r"duplicate rule id (?P<id>.+) \(first used on line (?P<line>\d+)\)",
        "规则编号 {id} 重复（第 {line} 行已经用过）",
    ),
    (
        r"unknown activity (?P<activity>.+) in (?P<figure>.+) \(activities: (?P<codes>.*)\)",
        "{figure} 中的工作类别 {activity} 不存在（可用：{codes}）",
    ),
    (
        r"unknown figure (?P<figure>.+) \((?:did you mean (?P<guess>.+)\? )?a figure is a key "
        r"of core\.metrics\.figures or time_share\.<activity>\)",
        "未知的指标 {figure}（{guess}指标须为 core.metrics.figures 中的键，"
        "或 time_share.<工作类别代码>）",
    ),
    (
        r"figure (?P<figure>.+) has no cases behind it; leave 'per' out",
        "指标 {figure} 没有逐笔明细；请删去 per",
    ),
    (
        r"the cases behind (?P<figure>.+) are (?P<cases>\w+)s, not (?P<per>\w+)s",
        "指标 {figure} 的明细是{cases}列出的，不是{per}",
    ),
    (
        r"better: (?P<better>\S+) contradicts figure (?P<figure>.+), where (?P<spec>\S+) is better",
        "better: {better} 与指标 {figure} 相矛盾：该指标{spec}",
    ),
    (
        r"not a valid template \((?P<reason>.*)\); write \{\{ and \}\} for braces",
        "不是有效的文字模板（{reason}）；花括号本身请写成 {{{{ 和 }}}}",
    ),
    (
        r"unknown placeholder \{(?P<field>[^}]*)\} \(allowed: (?P<allowed>.*)\)",
        "未知的占位符 {{{field}}}（可用：{allowed}）",
    ),
    (
        r"placeholder \{(?P<field>[^}]*)\} takes no format: values format themselves",
        "占位符 {{{field}}} 不能带格式：数值会自动格式化",
    ),
    (
        r"\{count\} needs per: loan or per: borrower",
        "使用 {{count}} 时须写 per: loan 或 per: borrower",
    ),
    # core.rules.bands: the three bands of a rule
    (
        r"must be a single number for better: (?P<better>\S+) \(\[low, high\] is for range\)",
        "better: {better} 时必须是单个数字（[下限, 上限] 只用于 range）",
    ),
    (
        r"must be a \[low, high\] pair for better: range, not (?P<what>.+)",
        "better: range 时必须是 [下限, 上限] 两个数，而不是{what}",
    ),
    (
        r"low \((?P<low>.+)\) must not be above high \((?P<high>.+)\)",
        "下限（{low}）不能高于上限（{high}）",
    ),
    (
        r"(?P<n>.+) is above 1: ratios are fractions \(write 0\.95 for 95%, 1 for 100%\)",
        "{n} 大于 1：比率写成小数（95% 写作 0.95，100% 写作 1）",
    ),
    (
        r"(?P<name>\w+) \((?P<value>.+)\) must not be (?P<side>above|below) (?P<limit_name>\w+) "
        r"\((?P<limit>.+)\) for better: (?P<better>\S+)",
        "better: {better} 时，{name}（{value}）不能{side} {limit_name}（{limit}）",
    ),
    (
        r"(?P<name>\w+) (?P<outer>\[.*?\]) must contain (?P<inner_name>\w+) (?P<inner>\[.*?\]) "
        r"for better: range",
        "better: range 时，{name} {outer} 必须包含 {inner_name} {inner}",
    ),
    # core.reviews.template: sections, ratings and the cycle
    (
        r"unknown figure (?P<figure>.+) \(see docs/metrics\.md\)",
        "未知的指标 {figure}（见 docs/metrics.md）",
    ),
    (
        r"unknown rule (?P<rule>.+) \(see config/rules\.yaml\)",
        "未知的规则 {rule}（见 config/rules.yaml）",
    ),
    (r"must be true or false", "必须是 true 或 false"),
    (
        r"must be at most (?P<limit>\d+) \(days before the quarter ends\)",
        "不能超过 {limit}（季度结束前的天数）",
    ),
    (
        r"rule (?P<rule>'[^']*') judges a (?P<scope>team|branch), not the officer: a review "
        r"shows only officer rules",
        "规则 {rule} 评价的是整个{scope}，不是某个信贷员：总结里只显示针对信贷员的规则",
    ),
    (r"duplicate rating (?P<code>.+)", "评分等级 {code} 重复"),
    (r"must list at least one rating", "至少要列出一个评分等级"),
    (r"duplicate section (?P<code>.+)", "栏目 {code} 重复"),
    (r"must list at least one section", "至少要列出一个栏目"),
    (r"only one section may be the plan \(plan: true\)", "只能有一个栏目是改进计划（plan: true）"),
    # core.config.lists: reading the file; activities and exit reasons
    (r"file not found", "找不到这个文件"),
    (
        r"not UTF-8 text \((?P<reason>.+) at byte (?P<byte>\d+)\)",
        "不是 UTF-8 编码的文字（第 {byte} 个字节：{reason}）",
    ),
    (r"not UTF-8 text \((?P<reason>.+)\)", "不是 UTF-8 编码的文字（{reason}）"),
    (
        r"not valid YAML \((?P<detail>.*)\)",
        "不是有效的 YAML 格式（{detail}请检查缩进、冒号、括号和引号）",
    ),
    (r"too deeply nested \(more than (?P<n>\d+) levels\)", "嵌套层数太多（超过 {n} 层）"),
    (
        r"an alias \((?P<alias>\*[^)]*)\) is not allowed in a configuration file: write the "
        r"value out",
        "配置文件里不能使用别名（{alias}）：请把值直接写出来",
    ),
    (r"the file is empty", "文件是空的"),
    (
        r"(?P<word>the file|an activity|an exit reason|'name') must be a mapping",
        "{word}必须是映射（“键: 值”）",
    ),
    (r"duplicate key (?P<key>.+)", "键 {key} 重复"),
    (r"unknown key (?P<key>'[^']*') \(expected (?P<keys>.*)\)", "未知的键 {key}（应为 {keys}）"),
    (r"missing key (?P<key>.+)", "缺少键 {key}"),
    (r"(?P<key>'[^']*') must be a non-empty text", "{key} 必须是非空的文字"),
    (r"(?P<key>'[^']*') must be a non-empty list", "{key} 必须是非空的列表"),
    (r"duplicate (?P<word>activity|exit reason) (?P<code>.+)", "{word} {code} 重复"),
    # core.admin.config_versions: uploads and stored versions
    (
        r"the file is (?P<size>[\d,]+) bytes; the limit is (?P<limit>[\d,]+)",
        "文件有 {size} 字节，上限为 {limit} 字节",
    ),
    (r"not a text file \(it holds NUL characters\)", "不是文本文件（含有 NUL 字符）"),
    (r"not a configuration file \((?P<files>.*)\)", "不是配置文件（应为 {files}）"),
    (
        r"the active (?P<template>\S+) does not fit these rules: (?P<nested>.*)",
        "当前使用的 {template} 与这些规则不符：{nested}",
    ),
    # check-config's summaries of a valid file
    (r"(?P<n>\d+) rules?, parameters: (?P<params>.*)", "共 {n} 条规则，参数：{params}"),
    (
        r"(?P<sections>\d+) sections, (?P<ratings>\d+) ratings, open for submission "
        r"(?P<open>\d+) days before the quarter ends, due (?P<due>\d+) days after the quarter",
        "共 {sections} 个栏目、{ratings} 个评分等级，季度结束前 {open} 天起可以提交，"
        "季度结束后 {due} 天内提交",
    ),
)
# Messages that name no file.
_WHOLE: tuple[tuple[str, str], ...] = (
    (r"there is no stored configuration version (?P<id>\d+)", "没有编号为 {id} 的已保存配置版本"),
)
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), template) for pattern, template in _PROBLEMS
)
WHOLE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), template) for pattern, template in _WHOLE
)


def _filled(found: re.Match[str], template: str) -> str:
    parts = {
        name: _CONVERT.get(name, _same)(value or "") for name, value in found.groupdict().items()
    }
    return template.format(**parts)


def problem_to_chinese(problem: str) -> str | None:
    """The Chinese of one problem (the text after the head); None if it is unknown."""
    for pattern, template in PATTERNS:
        found = pattern.fullmatch(problem)
        if found:
            return _filled(found, template)
    return None


def to_chinese(message: str) -> str:
    """The Chinese text of a configuration message; an unknown one comes back unchanged."""
    for pattern, template in WHOLE_PATTERNS:
        found = pattern.fullmatch(message)
        if found:
            return _filled(found, template)
    head = _HEAD.fullmatch(message)
    if head is None:
        return message
    problem = problem_to_chinese(head["problem"])
    if problem is None:
        return message
    where = head["file"]
    if head["line"]:
        where += f" 第 {head['line']} 行"
    if head["key"] == "(the file)":
        where += "，整个文件"
    elif head["key"] is not None:
        where += f"，键 '{head['key']}'"
    return f"{where}：{problem}"


def _same(text: str) -> str:
    return text
