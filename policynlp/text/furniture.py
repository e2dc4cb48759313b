"""Site furniture around a notice: set aside, not parsed as content.

Archived pages start with the archive's own header (`标题: …` lines up to
`==== 正文 ====`); disclosure sites add breadcrumbs, page metadata, share
buttons and download links around the notice. `find_furniture` returns where
the notice proper begins and ends, and the metadata the furniture carries
(the header's 标题 and 文号, the page's 发布时间), which the cover stage may use
when the notice itself does not print them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_ARCHIVE_RULE = re.compile(r"^=+ *正文 *=+[ \t]*$", re.M)
_HEADER_FIELD = re.compile(r"^(?P<key>[^\s:：]{1,8})[:：][ \t]*(?P<value>.*)$", re.M)

# Markers that only furniture prints; content starts after the last one near the top.
_LEADING = re.compile(
    r"当前位置[：:]\s*[^\s]+"
    r"|主页\s*>[^\n]*"
    r"|登\s*录\s*注\s*册"
    r"|^\s*•\s*#\s*$"
    r"|(?:来源|发布时间|时间)[：:][^\n]{0,80}?\d{2}:\d{2}(?::\d{2})?(?:[ \t]*(?:点击数|浏览次数)[：:][ \t]*\d+|[ \t]+来源[：:][^\s]+)*"
    r"|(?:-->\s*)?微信\s*微博\s*QQ空间"
    r"|全真版\s*文字版\s*文件下载\s*相关链接[：:]\s*(?:-->)?"
    r"|相关链接[：:]\s*-->"
    r"|索\s*引\s*号[：:].*?有\s*效\s*性[：:]\s*\S+",
    re.M | re.S,
)
# Markers that start the trailing furniture.
_TRAILING = re.compile(
    r"来源[：:]\s*\S+\s*附件下载"
    r"|附件下载"
    r"|^\s*返回\s*>?\s*$"
    r"|微信扫一扫[^\n]*"
    r"|通用右侧嵌套[^\n]*"
    r"|【\s*打印本页\s*】|【\s*关闭窗口\s*】|打印本页|关闭窗口"
    # A download link's file name glued to the end of the notice: `…关于印发….pdf`.
    r"|(?:关于|附件)[^\s。]{0,80}?\.(?:pdf|docx?|xlsx?|wps|ofd)\b",
    re.M,
)
_LEADING_WINDOW = 0.5  # furniture markers are looked for in the first half only…
_MIN_WINDOW = 2500  # …or the first 2,500 characters of a short page


@dataclass
class Furniture:
    """Where the notice proper lies in the normalised text, and the furniture's metadata."""

    content: tuple[int, int] = (0, 0)
    header: dict[str, tuple[str, tuple[int, int]]] = field(default_factory=dict)
    page_title: tuple[str, tuple[int, int]] | None = None


def find_furniture(text: str) -> Furniture:
    """Locate the notice proper inside `text` (already normalised)."""
    start, header = 0, {}
    rule = _ARCHIVE_RULE.search(text)
    if rule:
        for m in _HEADER_FIELD.finditer(text, 0, rule.start()):
            value = m.group("value").strip()
            if value:
                vs = m.start("value")
                header[m.group("key")] = (value, (vs, vs + len(value)))
        start = rule.end()
    window_end = start + max(int((len(text) - start) * _LEADING_WINDOW), _MIN_WINDOW)
    page_title = None
    last_end = start
    for m in _LEADING.finditer(text, start, window_end):
        gap = text[last_end : m.start()].strip()
        # A line between two furniture markers is the page's heading (the notice title).
        if gap and last_end > start and len(gap) <= 120 and page_title is None:
            gs = text.index(gap, last_end)
            page_title = (gap, (gs, gs + len(gap)))
        elif gap and last_end == start and m.group(0).startswith(("时间", "来源", "发布时间")) and len(gap) <= 120:
            gs = text.index(gap, last_end)
            page_title = (gap, (gs, gs + len(gap)))
        last_end = m.end()
    start = last_end
    end = len(text)
    tail_from = start + int((end - start) * 0.5)
    for m in _TRAILING.finditer(text, tail_from):
        end = m.start()
        break
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Furniture(content=(start, end), header=header, page_title=page_title)
