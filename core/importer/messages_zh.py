"""The importer's problem, warning and refusal messages in Simplified Chinese.

The importer writes its messages in English (the command line keeps them); the Import
page shows them in the viewer's language. Each message has a fixed shape with variable
parts (numbers, codes, dates, column and file names): a regex per shape finds the parts
and a Chinese template puts them back unchanged, since codes and names are what the
person has to look for in the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# What a named group holds decides how it is carried over (default: unchanged).
_ROLES = {
    "officer": "信贷员",
    "team leader": "组长",
    "trainer": "培训员",
    "admin": "管理员",
    "unknown role": "角色无效的员工",
}
_CONVERT: dict[str, Callable[[str], str]] = {
    "keys": lambda text: "、".join(re.split(r", | and ", text)),
    "role": lambda text: _ROLES.get(text, text),
}
_MONEY_OR_HOURS = {"a money amount": "金额", "a number of hours": "小时数"}
_CONVERT["unit"] = lambda text: _MONEY_OR_HOURS.get(text, text)
_CONVERT["lines"] = _CONVERT["keys"]
_CONVERT["app"] = lambda text: f"，另有在应用中录入的 {text} 小时" if text else ""

# Every message the importer produces, whole-message patterns (fullmatch), in an order
# where no earlier pattern can swallow a later one's message.
_RULES: tuple[tuple[str, str], ...] = (
    # parsing.py: headers and cell types
    (r"required column is missing from the header", "表头中缺少这个必填列"),
    (r"is required but empty", "是必填项，但为空"),
    (r"is longer than (?P<n>\d+) characters", "超过 {n} 个字符"),
    (r"must be one of: (?P<choices>.*)", "必须是以下之一：{choices}"),
    (r"is not a date in the form YYYY-MM-DD", "不是“年-月-日”格式的日期（例如 2025-03-31）"),
    (r"is outside the years (?P<low>\d+)-(?P<high>\d+)", "不在 {low} 至 {high} 年之间"),
    (r"is not a real calendar date", "不是日历上存在的日期"),
    (
        r"is not (?P<unit>a money amount|a number of hours) \(digits with an optional "
        r"decimal point, e\.g\. (?P<example>\S+)\)",
        "不是{unit}（应为数字，可带小数点，例如 {example}）",
    ),
    (r"must not be negative", "不能为负数"),
    (r"has more than (?P<n>\d+) decimal places", "小数超过 {n} 位"),
    (r"is too large", "数值过大"),
    (r"must be more than 0 and at most 24", "必须大于 0 且不超过 24"),
    (r"is not a whole number", "不是整数"),
    (
        r"is not a decimal number \(an annual rate such as (?P<example>\S+)\)",
        "不是小数（应为年利率，例如 {example}）",
    ),
    (
        r"must be at least 0 and less than 1 \((?P<example>\S+) for (?P<percent>\S+) a year\)",
        "必须大于或等于 0 且小于 1（年利率 {percent} 填 {example}）",
    ),
    # row_rules.py: rules within a row and a file
    (r"is required for officers and team leaders", "信贷员和组长必须填写"),
    (r"must be more than 0", "必须大于 0"),
    (r"must be 1 or more", "必须大于或等于 1"),
    (r"is before the loan's disbursed_on", "早于该贷款的发放日期 disbursed_on"),
    (
        r"duplicate (?P<keys>.+): line (?P<line>\d+) has the same",
        "{keys} 重复：第 {line} 行的值与此相同",
    ),
    # references.py: codes across files
    (
        r"is not a (?P<column>\w+) in (?P<file>\S+) or the database",
        "不是 {file} 或数据库中已有的 {column}",
    ),
    (r"is (?P<role>.+) staff, not an officer", "是{role}，不是信贷员"),
    # schedules.py: whole loans and days
    (
        r"is before the loan's disbursed_on \((?P<date>[^)]*)\)",
        "早于该贷款的发放日期 disbursed_on（{date}）",
    ),
    (
        r"is after the due date (?P<date>\S+) of installment (?P<seq>\S+) already stored",
        "晚于数据库中已有的第 {seq} 期的到期日 {date}",
    ),
    (
        r"the installments of loan (?P<loan>.+) sum to (?P<total>\S+), "
        r"not its principal (?P<principal>\S+)",
        "贷款 {loan} 各期应还本金合计 {total}，不等于其本金 {principal}",
    ),
    (
        r"is after the repayment of (?P<date>\S+) already stored",
        "晚于数据库中已有的 {date} 的还款",
    ),
    (
        r"the repayments of loan (?P<loan>.+) sum to (?P<total>\S+), "
        r"more than its principal (?P<principal>\S+)",
        "贷款 {loan} 已还本金合计 {total}，超过其本金 {principal}",
    ),
    (
        r"(?P<officer>.+)'s hours on (?P<date>\S+) add up to (?P<hours>\S+), more than 24 "
        r"\(lines? (?P<lines>[\d, and]+?)(?:, and (?P<app>\S+) entered in the app)?\)",
        "{officer} 在 {date} 的工时合计 {hours} 小时，超过 24 小时（第 {lines} 行{app}）",
    ),
    # sources.py: files, encodings, CSV shape, workbooks
    (r"a second file for table (?P<table>\S+)", "表 {table} 有第二个文件"),
    (
        r"byte (?P<n>\d+) is neither UTF-8 nor GB18030 text; save the file as UTF-8 "
        r"\(or GB18030\) and try again",
        "第 {n} 个字节既不是 UTF-8 也不是 GB18030 文字；请把文件另存为 UTF-8（或 GB18030）"
        "编码后重试",
    ),
    (r"the file is empty: expected a header row", "文件是空的：第一行应为表头"),
    (
        r"has (?P<seen>\d+) fields; the header has (?P<expected>\d+)",
        "有 {seen} 个字段，表头有 {expected} 个",
    ),
    (r"not readable as CSV: (?P<reason>.*)", "无法作为 CSV 读取：{reason}"),
    (r"column (?P<name>.+) appears twice in the header", "列 {name} 在表头中出现了两次"),
    (r"the sheet is empty: expected a header row", "工作表是空的：第一行应为表头"),
    (
        r"is a formula; paste the values instead \(formulas are not imported\)",
        "是公式；请改为粘贴数值（公式不会导入）",
    ),
    # Warnings (file or sheet first).
    (r"(?P<source>.+): unknown column (?P<name>.+) ignored", "{source}：未知的列 {name}，已忽略"),
    (
        r"(?P<source>.+): (?P<n>\d+) repeated row\(s\) counted once",
        "{source}：{n} 行完全重复，只计一次",
    ),
    (r"(?P<source>.+): not an import file name; ignored", "{source}：不是导入文件名，已忽略"),
    (
        r"(?P<source>.+): sheet (?P<sheet>.+) is not an import table; ignored",
        "{source}：工作表 {sheet} 不是导入表，已忽略",
    ),
    # UnreadableInput: the input as a whole cannot be read.
    (r"(?P<path>.+): no such file or folder", "{path}：没有这个文件或文件夹"),
    (
        r"(?P<path>.+): not a folder of CSV files or an \.xlsx workbook \(a single \.csv "
        r"file named after its table, such as (?P<example>\S+), is accepted too\)",
        "{path}：既不是 CSV 文件所在的文件夹，也不是 .xlsx 工作簿"
        "（以表名命名的单个 .csv 文件也可以，例如 {example}）",
    ),
    (
        r"(?P<path>.+): holds none of the import files \((?P<files>.*)\)",
        "{path}：不含任何导入文件（{files}）",
    ),
    (
        r"(?P<path>.+?): not a readable \.xlsx workbook \((?P<reason>.*)\)",
        "{path}：不是可读取的 .xlsx 工作簿（{reason}）",
    ),
    (
        r"(?P<path>.+?): has none of the sheets (?P<sheets>.+) \(sheet names are the file "
        r"names without \.csv\)",
        "{path}：不含任何导入工作表（{sheets}）；工作表名即去掉 .csv 的文件名",
    ),
)
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), template) for pattern, template in _RULES
)


def to_chinese(message: str) -> str:
    """The Chinese text of an importer message; unknown messages come back unchanged."""
    for pattern, template in PATTERNS:
        match = pattern.fullmatch(message)
        if match:
            parts = {
                name: _CONVERT.get(name, _same)(value or "")
                for name, value in match.groupdict().items()
            }
            return template.format(**parts)
    return message


def _same(text: str) -> str:
    return text
