"""The cover notice (GB/T 9704-2012): 发文字号, 标题, 主送机关, 正文, 附件说明, 署名, 成文日期, 附件.

A 分工方案 usually arrives as a short 通知 that issues the plan as its 附件; the
plan proper starts after the signature and date. When nothing substantial
follows the signature, the notice's own body is the plan.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .spans import skip_blanks, strip_span

Span = tuple[int, int]

_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*\d{1,4}\s*号|[\u4e00-\u9fff]{2,8}\d{4}\.\d{1,4}号")
_TITLE_END = re.compile(r"(?:的)?(?:通知|通报|意见|实施方案|工作方案|分工方案|方案|工作要点|要点|安排|决定|办法|细则|计划|函|批复|规定)(?:》)?")
_CN_YEAR = "[〇零一二三四五六七八九○]{4}"
_CN_MD = "[一二三四五六七八九十]{1,3}"
DATE = re.compile(
    rf"(?P<y>\d{{4}}|{_CN_YEAR})\s*年\s*(?P<m>\d{{1,2}}|{_CN_MD})\s*月\s*(?P<d>\d{{1,2}}|{_CN_MD})\s*日"
)
_ISSUER_END = re.compile(
    r"(?:办公厅|办公室|人民政府|政府|管委会|委员会|局|厅|委|办|中心|党政办公室)$"
)
_RECIPIENT_LINE = re.compile(r"[^。；：:！？\n]{2,200}?[：:]")
_ATTACHMENT_NOTE = re.compile(r"附\s*件\s*[0-9一二三四五六七八九十]?\s*[：:]")
_ENUMERATED = re.compile(r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、]")
_PUBLICITY = re.compile(r"\s*[（(]此件[^）)]{0,8}[）)]")
_PLAN_MIN_CHARS = 150


@dataclass
class Cover:
    """Spans (normalised offsets) of the cover notice's elements; None where absent."""

    doc_number: Span | None = None
    title: Span | None = None
    recipients: list[Span] = field(default_factory=list)
    body: Span | None = None
    attachment_note: Span | None = None
    signature: Span | None = None
    date: Span | None = None
    date_value: str | None = None
    plan: Span = (0, 0)
    plan_title: Span | None = None
    attachments: list[Span] = field(default_factory=list)


def date_value(m: re.Match[str]) -> str | None:
    """ISO date of a DATE match (Chinese numerals included)."""
    from ..text.enumerators import cn_to_int

    def num(s: str) -> int | None:
        s = s.strip()
        if s.isdigit():
            return int(s)
        if len(s) == 4:  # 二〇一九
            digits = "〇一二三四五六七八九"
            s = s.replace("零", "〇").replace("○", "〇")
            return int("".join(str(digits.index(c)) for c in s)) if all(c in digits for c in s) else None
        return cn_to_int(s)

    y, mo, d = num(m.group("y")), num(m.group("m")), num(m.group("d"))
    if not (y and mo and d) or not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _find_title(text: str, start: int, end: int) -> Span | None:
    """The title: the first short segment near the top that ends like a title."""
    window = text[start : min(end, start + 300)]
    for m in _TITLE_END.finditer(window):
        seg_start = max(window.rfind("\n", 0, m.start()) + 1, 0)
        seg_end = m.end()
        # In a flattened page the title ends where the recipients or a space begin.
        head = window[seg_start:seg_end]
        if "。" in head or len(head.strip()) < 6 or _ENUMERATED.match(head.strip()):
            continue
        following = window[seg_end : seg_end + 1]
        if following and following not in " \t\n\u3000：:，" and not _DOC_NUMBER.match(window, seg_end):
            if not window[seg_end:].startswith(("各", "区", "市", "县", "省", "局", "机关")):
                continue
        s, e = strip_span(text, start + seg_start, start + seg_end)
        # A doc number printed on the same line before the title is not part of it.
        dm = _DOC_NUMBER.match(text, s)
        if dm:
            s, e = strip_span(text, dm.end(), e)
        if e - s >= 6:
            return s, e
    return None


def _find_recipients(text: str, start: int, end: int) -> tuple[list[Span], int] | None:
    """The 主送机关: a list of units ending with a colon, right after the title."""
    m = _RECIPIENT_LINE.match(text, start, min(end, start + 220))
    if not m:
        return None
    line = text[m.start() : m.end() - 1]
    if any(w in line for w in ("根据", "为", "按照", "贯彻", "现将", "通知如下", "《")):
        return None
    spans = []
    pos = m.start()
    for part in re.split(r"[，,；;]", line):
        s = text.index(part, pos) if part else pos
        pos = s + len(part)
        for ps, pe in _split_units(text, s, s + len(part)):
            spans.append((ps, pe))
    return spans, m.end()


def _split_units(text: str, start: int, end: int) -> list[Span]:
    """Split on 、 only between complete names: 各市、县（区）人民政府 stays whole."""
    from ..entities.lexicon import default_matcher

    pieces = []
    pos = start
    for part in text[start:end].split("、"):
        pieces.append(strip_span(text, pos, pos + len(part)))
        pos += len(part) + 1
    matcher = default_matcher()

    def complete(span: Span) -> bool:
        piece = text[span[0] : span[1]]
        if piece in matcher.names:
            return True
        found = matcher.grammar_spans(piece)
        return len(found) == 1 and found[0].start == 0 and found[0].end == len(piece)

    if len(pieces) > 1 and all(complete(p) for p in pieces):
        return [p for p in pieces if p[1] > p[0]]
    whole = strip_span(text, start, end)
    return [whole] if whole[1] > whole[0] else []


def _find_signature(text: str, start: int, end: int) -> tuple[Span | None, re.Match[str]] | None:
    """The first 署名 + 成文日期 after the body: a date preceded by an issuer name."""
    for m in DATE.finditer(text, start, end):
        after = text[m.end() : m.end() + 3]
        # Dates inside a sentence (`于2019年5月15日起施行`, `6月30日前`) are not signatures.
        if after[:1] in ("前", "起", "以", "内", "后", "至", "，", "、"):
            continue
        window_start = max(start, m.start() - 60)
        before = text[window_start : m.start()]
        stripped = before.rstrip(" \t\n\u3000")
        parts = re.split(r"[。；：！？\n]|[ \t\u3000]{2,}|(?<=[）)])", stripped)
        seg = parts[-1].strip() if parts else ""
        # `附件：…实施方案平潭综合实验区财政金融局` / `…分解表 平潭…办公室`: the issuer follows the attachment's title.
        tail = re.split(r"(?:方案|通知|要点|分解表|意见|目录|清单|办法)|\s+", seg)[-1].strip()
        if tail and _ISSUER_END.search(tail) and (len(seg) > 40 or " " in seg):
            seg = tail
        if seg and _ISSUER_END.search(seg) and len(seg) <= 40:
            s = window_start + stripped.rfind(seg)
            return (s, s + len(seg)), m
        if not seg and re.search(r"\n[ \t\u3000]*$", before):
            return None, m
    return None


def parse_cover(text: str, start: int, end: int) -> Cover:
    """Find the cover notice's elements in the content text[start:end]."""
    cover = Cover(plan=(start, end))
    pos = start
    while pos < end and text[pos] in " \t\n\u3000":
        pos += 1
    dm = _DOC_NUMBER.match(text, pos)
    if dm:
        cover.doc_number = (dm.start(), dm.end())
    title = _find_title(text, pos, end)
    if title and title[0] - pos <= 60:
        cover.title = title
        if cover.doc_number is None:
            after = _DOC_NUMBER.match(text, title[1]) or _DOC_NUMBER.match(text, skip_blanks(text, title[1]))
            if after:
                cover.doc_number = (after.start(), after.end())
        pos = max(title[1], cover.doc_number[1] if cover.doc_number else 0)
    rec = _find_recipients(text, skip_blanks(text, pos), end)
    if rec is None:
        if cover.title is None:
            return cover
        # A plan printed under its own title, with no cover notice around it.
        cover.plan_title, cover.title = cover.title, None
        cover.plan = (skip_blanks(text, pos), end)
        return cover
    cover.recipients, pos = rec
    body_start = skip_blanks(text, pos)
    sig = _find_signature(text, body_start, end)
    if sig is None:
        cover.body = (body_start, end)
        cover.plan = (body_start, end)
        return cover
    signature, dmatch = sig
    cover.signature = signature
    cover.date = (dmatch.start(), dmatch.end())
    cover.date_value = date_value(dmatch)
    body_end = signature[0] if signature else dmatch.start()
    note = None
    for nm in _ATTACHMENT_NOTE.finditer(text, body_start, body_end):
        note = nm
    if note:
        cover.attachment_note = strip_span(text, note.start(), body_end)
        body_end = note.start()
    cover.body = strip_span(text, body_start, body_end)
    after = dmatch.end()
    pm = _PUBLICITY.match(text, after)
    if pm:
        after = pm.end()
    after = skip_blanks(text, after)
    plan_title = _plan_title(text, after, end) if end > after else None
    body_has_plan = bool(re.search(r"(?:^|[。：:\s])一、", text[cover.body[0] : cover.body[1]]))
    if plan_title or (end - after >= _PLAN_MIN_CHARS and not body_has_plan):
        cover.plan = (after, end)
        cover.attachments = [(after, end)]
        cover.plan_title = plan_title
    else:
        # The notice itself is the plan; what follows its signature (a form, a
        # template) is not a task plan.
        cover.plan = cover.body
        if end - after >= _PLAN_MIN_CHARS:
            cover.attachments = [(after, end)]
    return cover


def _plan_title(text: str, start: int, end: int) -> Span | None:
    """The attached plan's own title: `附件` line(s) then a title-like line."""
    pos = start
    m = re.match(r"附\s*件\s*[0-9一二三四五六七八九十]*\s*[：:]?\s*", text[pos:end])
    if m:
        pos = skip_blanks(text, pos + m.end())
    window = text[pos : min(end, pos + 120)]
    tm = re.match(
        r"[^。；：\n]{4,80}?(?:工作要点分工方案|分工方案|实施方案|工作方案|方案|主要任务分解表|任务分解表|分解表|主要任务|工作要点|要点|实施意见|意见|安排|计划)",
        window,
    )
    if not tm:
        return None
    return strip_span(text, pos, pos + tm.end())
