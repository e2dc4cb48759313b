"""Task verbs: the actions an item asks for, grouped into classes analyses can count.

jieba segments the item text with a user dictionary (the verb lexicon below, so
that 政务公开 still yields 公开 and 建立健全 splits into 建立/健全); a word is a task
verb when the lexicon knows it. The lexicon is curated from the annotated
notices' verbs.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

import jieba

VERB_CLASSES: dict[str, tuple[str, ...]] = {
    "disclose": ("公开", "公布", "发布", "公示", "披露", "推送", "刊登", "展示", "上网", "挂网", "标注", "告知", "发声"),
    "interpret": ("解读", "解释", "宣讲", "阐释", "宣传", "宣贯", "解答", "释疑", "引导", "报道"),
    "respond": ("回应", "答复", "回复", "处置", "办理", "处理", "反馈", "研判", "监测", "收集", "受理", "转办"),
    "build-mechanism": ("建立", "健全", "完善", "制定", "编制", "规范", "梳理", "优化", "修订", "出台", "创新", "探索",
                        "整合", "建设", "集约", "归集", "整理", "更新", "调整", "清理", "统一", "对接", "融合", "打造", "开设", "设立"),
    "implement": ("推进", "推动", "落实", "实施", "执行", "开展", "深化", "加强", "强化", "加大", "加快", "提升", "提高",
                  "做好", "抓好", "推行", "推广", "扩大", "组织", "完成", "实现", "聚焦", "围绕", "保障", "配合", "贯彻", "参加"),
    "supervise": ("监督", "检查", "督查", "督促", "考核", "评估", "评议", "问责", "核查", "审查", "考评", "抽查", "督办", "整改", "通报", "约谈"),
    "train": ("培训", "轮训", "学习", "交流", "研讨", "指导"),
    "report": ("报送", "报告", "汇报", "听取", "上报", "报备", "填报", "备案"),
}
VERB_CLASS = {verb: cls for cls, verbs in VERB_CLASSES.items() for verb in verbs}
# Light verbs that carry no task by themselves.
_LIGHT = frozenset({"做好", "抓好", "围绕", "聚焦"})


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    for verb in VERB_CLASS:
        tok.add_word(verb, freq=200000, tag="v")
    # Compounds jieba keeps whole that hide two task verbs.
    for word in ("政务公开", "信息公开", "主动公开", "依申请公开", "政策解读", "建立健全", "公开透明"):
        tok.del_word(word)
    return tok


# Any lexicon verb as a substring: a block of text without one cannot yield a task verb.
_ANY_VERB = re.compile("|".join(map(re.escape, sorted(VERB_CLASS, key=len, reverse=True))))


def task_verbs(text: str, *, keep_light: bool = False) -> list[str]:
    """The task verbs of `text`, in order of first appearance.

    jieba (HMM off) segments each run of Han/alphanumerics (`re_han_default`)
    on its own, so cutting only the runs that contain a lexicon verb gives the
    same words, in the same order, for a third of the time.
    """
    seen: list[str] = []
    tokenizer = _tokenizer()
    for block in jieba.re_han_default.findall(text):
        if not _ANY_VERB.search(block):
            continue
        for word in tokenizer.cut(block, HMM=False):
            if word in VERB_CLASS and word not in seen and (keep_light or word not in _LIGHT):
                seen.append(word)
    return seen


def verb_class(verb: str) -> str | None:
    """The class of a task verb (`公开` → disclose), or None."""
    return VERB_CLASS.get(verb)
