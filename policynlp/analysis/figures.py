"""Figures of the analyses (`policynlp.analysis`), one function per figure.

Each function takes an analysis result and returns a matplotlib `Figure`
(object-oriented, no pyplot state: any backend, Agg for files) with a title
and labelled axes. Chinese text is set in a CJK font shipped inside an
installed PyPI package (mplfonts' Noto Sans CJK SC, from the `notebooks`
extra); nothing is downloaded. `check_glyphs(fig)` warns when a label has a
character no configured font can draw.

    python -m policynlp.analysis.figures OUT_DIR   # every corpus figure → OUT_DIR/figures/*.png (+ captions.md)
"""
from __future__ import annotations

import datetime
import importlib.util
from collections import Counter
import math
import sys
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import matplotlib
import matplotlib.lines
import matplotlib.patches
import matplotlib.text
import matplotlib.ticker
from matplotlib import font_manager
from matplotlib.figure import Figure

from . import propagation as A

# Font files inside PyPI packages, best first: (package, file under the package directory).
CJK_FONT_FILES = (
    ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf"),
    ("mplfonts", "fonts/SourceHanSerifSC-Regular.otf"),
    ("mplfonts", "fonts/SimHei.ttf"),
)
# Installed system fonts that would do as well (Debian's fonts-noto-cjk, fonts-wqy-*).
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei")

LEVEL_COLORS = {
    "central": "#c0392b", "province": "#e67e22", "city": "#2e86c1", "county": "#27ae60", "department": "#8e44ad", None: "#7f8c8d",
}
RELATION_COLORS = {
    "verbatim": "#1b7837", "adapted": "#7fbf7b", "split": "#c2a5cf", "merged": "#762a83", "added": "#4393c3", "dropped": "#bababa",
}
ROLE_COLORS = {"lead": "#d95f02", "cooperate": "#e6ab02", "responsible": "#1f78b4"}
CHANGE_COLORS = {
    "tighter": "#d73027", "same": "#bababa", "looser": "#4575b4", "added": "#fdae61", "removed": "#762a83", "recast": "#80cdc1",
}
FIGURE_NAMES = (
    "propagation_graph", "relation_shares", "lead_units", "deadline_shifts", "verb_classes",
    "units_by_role", "deadline_timeline", "learning_curve",
)


class MissingGlyphsWarning(UserWarning):
    """A figure has text that no configured font can draw (it would show as empty boxes)."""


def cjk_font_file() -> Path | None:
    """The CJK font file of an installed PyPI package (mplfonts), or None."""
    for package, rel in CJK_FONT_FILES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        for base in spec.submodule_search_locations:
            path = Path(base) / rel
            if path.is_file():
                return path
    return None


@lru_cache(maxsize=1)
def setup_fonts() -> str | None:
    """Register the CJK font and make it matplotlib's sans-serif font; its family name, or None (with a warning)."""
    family = None
    path = cjk_font_file()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
        family = font_manager.FontProperties(fname=str(path)).get_name()
    else:
        known = {f.name for f in font_manager.fontManager.ttflist}
        family = next((f for f in CJK_FAMILIES if f in known), None)
    if family is None:
        warnings.warn(
            "policynlp.analysis.figures: no CJK font found, Chinese labels will show as empty boxes. "
            "Install the notebooks extra (pip install 'policynlp[notebooks]', which brings mplfonts) "
            "or a system CJK font (apt-get install fonts-noto-cjk).",
            MissingGlyphsWarning,
            stacklevel=2,
        )
        return None
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family


@lru_cache(maxsize=8)
def _charmap(path: str) -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(path).get_charmap())


def _font_paths() -> list[str]:
    paths = []
    for family in matplotlib.rcParams["font.sans-serif"][:2]:
        try:
            paths.append(font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False))
        except ValueError:
            continue
    return paths


def missing_glyphs(fig: Figure) -> set[str]:
    """Characters of the figure's text that none of the configured fonts has."""
    covered = [_charmap(p) for p in _font_paths()]
    missing = set()
    for text in fig.findobj(matplotlib.text.Text):
        for ch in text.get_text():
            if ch.isspace() or ch in "$":
                continue
            if not any(ord(ch) in cmap for cmap in covered):
                missing.add(ch)
    return missing


def check_glyphs(fig: Figure) -> set[str]:
    """Warn (MissingGlyphsWarning) when the figure has characters no configured font can draw; returns them."""
    missing = missing_glyphs(fig)
    if missing:
        warnings.warn(
            f"policynlp.analysis.figures: no font has the characters 「{''.join(sorted(missing))}」; they will show as empty boxes "
            "(install the notebooks extra: pip install 'policynlp[notebooks]')",
            MissingGlyphsWarning,
            stacklevel=2,
        )
    return missing


def _figure(width: float, height: float, **kwargs: Any) -> Figure:
    setup_fonts()
    return Figure(figsize=(width, height), layout="constrained", **kwargs)


def save(fig: Figure, name: str, directory: str | Path, dpi: int = 150) -> Path:
    """Write `fig` to `directory`/`name`.png (after the glyph check); returns the path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    check_glyphs(fig)
    path = directory / f"{name}.png"
    fig.savefig(path, dpi=dpi)
    return path


def level_tick(level: str | None) -> str:
    return f"{A.level_name(level)} {level or 'unknown'}"


# --- propagation -----------------------------------------------------------------------


def propagation_graph_figure(graph: Any) -> Figure:
    """Documents by level (rows) in order of issue (columns); parent → child edges as wide as the items carried."""
    from matplotlib.patches import FancyArrowPatch

    nodes = sorted(graph.nodes, key=lambda n: (graph.nodes[n]["date"] or "", n))
    levels = [lv for lv in A.LEVELS if any(graph.nodes[n]["level"] == lv for n in nodes)]
    row = {lv: i for i, lv in enumerate(levels)}
    pos = {n: (i, -row.get(graph.nodes[n]["level"], len(levels))) for i, n in enumerate(nodes)}
    fig = _figure(max(9.0, 1.3 * len(nodes) + 2), 1.5 * len(levels) + 1.4)
    ax = fig.add_subplot()
    ax.set_yticks([-row[lv] for lv in levels], [level_tick(lv) for lv in levels])
    ax.set_xticks(range(len(nodes)), [str(i + 1) for i in range(len(nodes))])
    ax.set_xlim(-0.7, len(nodes) - 0.3)
    ax.set_ylim(-(len(levels) - 1) - 0.75, 0.6)
    ax.set_xlabel("notices in order of issue date (label: issuer, month · id); edge width and number = parent items carried")
    ax.set_ylabel("level of government")
    ax.set_title("Policy propagation: which notices implement which (政策传导链)")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#eeeeee", zorder=0)
    fig.draw_without_rendering()  # lay the axes out, so that curved edges can be placed in display space
    to_display, to_data = ax.transData.transform, ax.transData.inverted().transform
    max_w = max((d["weight"] for _, _, d in graph.edges(data=True)), default=1) or 1
    for p, c, d in graph.edges(data=True):
        (x0, y0), (x1, y1) = pos[p], pos[c]
        # Same row: arc above; skipping a row: bend away from the notices in between; else straight.
        rad = -0.35 if y0 == y1 else (0.25 if abs(y0 - y1) > 1 else 0.0)
        width = 0.8 + 9.0 * d["weight"] / max_w
        common = {"connectionstyle": f"arc3,rad={rad}", "shrinkA": 13, "shrinkB": 13, "color": "#34495e"}
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-", linewidth=width if d["weight"] else 1.0,
                                     linestyle="-" if d["weight"] else ":", alpha=0.45 if d["weight"] else 0.8, zorder=1,
                                     **common))
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>,head_length=0.5,head_width=0.3",
                                     mutation_scale=14 + 1.2 * width, linewidth=0, alpha=0.9, zorder=1, **common))
        (a0, b0), (a1, b1) = to_display((x0, y0)), to_display((x1, y1))
        mid = ((a0 + a1) / 2 + 0.5 * rad * (b1 - b0), (b0 + b1) / 2 - 0.5 * rad * (a1 - a0))
        mx, my = to_data(mid)
        ax.text(mx, my, str(d["weight"]), ha="center", va="center", fontsize=9, zorder=4,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "#34495e", "lw": 0.5})
    for n in nodes:
        x, y = pos[n]
        attrs = graph.nodes[n]
        ax.scatter([x], [y], s=110 + 8 * attrs["items"], color=LEVEL_COLORS.get(attrs["level"], "#7f8c8d"),
                   edgecolor="white", zorder=2)
        ax.annotate(attrs["label"], (x, y), xytext=(0, -13), textcoords="offset points", ha="center", va="top", fontsize=8,
                    zorder=3, linespacing=1.15, bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85})
    return fig


def relation_shares_figure(shares: Mapping[tuple[str, str], Mapping[str, Any]]) -> Figure:
    """Per level pair, the share of items copied verbatim, adapted, split, merged, added and dropped (100 % bars)."""
    pairs = list(shares)
    fig = _figure(11, 1.0 + 0.55 * len(pairs) + 1.2)
    ax = fig.add_subplot()
    ys = range(len(pairs))[::-1]
    for y, pair in zip(ys, pairs):
        left = 0.0
        for r in A.RELATIONS:
            w = shares[pair]["shares"][r]
            if w:
                ax.barh(y, w, left=left, color=RELATION_COLORS[r], edgecolor="white", height=0.7)
                if w >= 0.06:
                    ax.text(left + w / 2, y, f"{w:.0%}", ha="center", va="center", fontsize=8,
                            color="white" if r in ("verbatim", "merged") else "black")
            left += w
    ax.set_yticks(list(ys), [f"{A.pair_name(p)}  (n={shares[p]['n']})" for p in pairs])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel("share of items (child items by how they relate to the parent, plus parent items dropped)")
    ax.set_ylabel("parent level → child level")
    ax.set_title("How items pass from a parent plan to a child plan, per level (逐级承接方式)")
    handles = [matplotlib.patches.Patch(color=RELATION_COLORS[r], label=f"{A.RELATION_NAMES[r]} {r}") for r in A.RELATIONS]
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False, fontsize=9)
    return fig


def lead_units_figure(lead: Mapping[str, Mapping[str, Mapping[str, int]]], top: int = 8) -> Figure:
    """One heatmap per level: its `top` lead units (rows) by task-verb class (columns), items led."""
    levels = [lv for lv in lead if lead[lv]]
    cols = 2 if len(levels) > 1 else 1
    rows = math.ceil(len(levels) / cols)
    fig = _figure(6.2 * cols + 0.8, 4.3 * rows + 0.8)
    axes = fig.subplots(rows, cols, squeeze=False)
    classes = list(A.VERB_CLASS_ORDER)
    vmax = max((n for lv in levels for u in lead[lv].values() for n in u.values()), default=1)
    image = None
    for ax, level in zip(axes.flat, levels):
        units = list(lead[level])[:top]
        grid = [[lead[level][u].get(c, 0) for c in classes] for u in units]
        image = ax.imshow(grid, cmap="Oranges", vmin=0, vmax=vmax, aspect="auto")
        for i, r in enumerate(grid):
            for j, n in enumerate(r):
                if n:
                    ax.text(j, i, str(n), ha="center", va="center", fontsize=8, color="white" if n > vmax * 0.6 else "black")
        ax.set_yticks(range(len(units)), units, fontsize=9)
        ax.set_xticks(range(len(classes)), [A.VERB_CLASS_NAMES[c] for c in classes], rotation=35, ha="right", fontsize=9)
        ax.set_title(f"{level_tick(level)}: top {len(units)} of {len(lead[level])} lead units", fontsize=10)
        ax.set_xlabel("task-verb class of the item")
        ax.set_ylabel("lead unit (牵头单位)")
    for ax in list(axes.flat)[len(levels):]:
        ax.set_visible(False)
    if image is not None:
        fig.colorbar(image, ax=axes, shrink=0.6, label="items led")
    fig.suptitle("Which units lead which tasks at each level (各级牵头单位与任务类型)")
    return fig


def deadline_shifts_figure(shifts: Sequence[Mapping[str, Any]]) -> Figure:
    """Left: linked item pairs by how the child's deadline differs from the parent's; right: the shifts in days."""
    changes = A.deadline_changes(shifts)
    pairs = list(changes)
    fig = _figure(12, 1.2 + 0.6 * max(1, len(pairs)) + 1.0)
    left, right = fig.subplots(1, 2, sharey=True, width_ratios=[1.3, 1])
    ys = list(range(len(pairs)))[::-1]
    y_of = dict(zip(pairs, ys))
    for pair, y in y_of.items():
        x = 0
        for c in A.DEADLINE_CHANGES:
            n = changes[pair][c]
            if n:
                left.barh(y, n, left=x, color=CHANGE_COLORS[c], edgecolor="white", height=0.65)
                left.text(x + n / 2, y, str(n), ha="center", va="center", fontsize=8)
            x += n
    left.set_yticks(ys, [A.pair_name(p) for p in pairs])
    left.set_xlabel("linked item pairs with a deadline on either side")
    left.set_ylabel("parent level → child level")
    left.set_title("How the child's deadline relates to the parent's", fontsize=10)
    left.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    handles = [matplotlib.patches.Patch(color=CHANGE_COLORS[c], label=f"{A.DEADLINE_CHANGE_NAMES[c]} {c}") for c in A.DEADLINE_CHANGES]
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False, fontsize=9)
    comparable = [r for r in shifts if r["shift_days"] is not None]
    markers = {"absolute": "o", "relative": "s", "recurring": "^"}
    seen = Counter()
    for r in comparable:
        y = y_of[tuple(r["pair"])]
        k = seen[(y, r["shift_days"])]
        seen[(y, r["shift_days"])] += 1
        right.scatter(r["shift_days"], y + 0.12 * (k % 5) - 0.24, marker=markers.get(r["kind"], "o"),
                      color=CHANGE_COLORS[r["change"]], edgecolor="black", linewidth=0.4, s=40, zorder=3)
    right.axvline(0, color="black", linewidth=0.8)
    span = max([abs(r["shift_days"]) for r in comparable] + [30])
    right.set_xlim(-span * 1.15, span * 1.15)
    right.set_xlabel("child − parent (days; < 0 tighter)")
    right.set_title("Shift of comparable deadlines", fontsize=10)
    right.tick_params(axis="y", left=False)
    kind_handles = [matplotlib.lines.Line2D([], [], marker=m, linestyle="", color="#555555", label=k) for k, m in markers.items()]
    right.legend(handles=kind_handles, loc="lower right", fontsize=8, title="deadline kind", title_fontsize=8)
    for ax in (left, right):
        ax.grid(axis="x", color="#eeeeee", zorder=0)
    fig.suptitle("Deadlines from parent to child item (时限逐级变化)")
    return fig


def verb_classes_figure(classes: Mapping[str, Mapping[str, int]]) -> Figure:
    """Heatmap: share of each level's task verbs in each verb class."""
    shares = A.verb_class_shares(classes)
    levels = list(shares)
    cols = list(A.VERB_CLASS_ORDER)
    grid = [[shares[lv][c] for c in cols] for lv in levels]
    fig = _figure(10.5, 1.6 + 0.6 * len(levels) + 1.2)
    ax = fig.add_subplot()
    vmax = max(max(r) for r in grid) if grid else 1
    image = ax.imshow(grid, cmap="Blues", vmin=0, vmax=vmax, aspect="auto")
    for i, r in enumerate(grid):
        for j, v in enumerate(r):
            ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=9, color="white" if v > vmax * 0.6 else "black")
    totals = [sum(classes[lv].values()) for lv in levels]
    ax.set_yticks(range(len(levels)), [f"{level_tick(lv)} (n={n})" for lv, n in zip(levels, totals)])
    ax.set_xticks(range(len(cols)), [f"{A.VERB_CLASS_NAMES[c]}\n{c}" for c in cols], fontsize=9)
    ax.set_xlabel("task-verb class")
    ax.set_ylabel("level of the issuing body (n = task verbs)")
    ax.set_title("Task-verb classes by level: share of each level's task verbs (任务动词类别)")
    fig.colorbar(image, ax=ax, shrink=0.8, label="share of the level's task verbs",
                 format=matplotlib.ticker.PercentFormatter(1.0))
    return fig


# --- one notice ------------------------------------------------------------------------


def units_by_role_figure(units: Mapping[str, Mapping[str, int]], doc: Any = None, top: int = 15) -> Figure:
    """Horizontal stacked bars: the `top` units by items, split by role."""
    names = list(units)[:top]
    fig = _figure(10, 1.4 + 0.36 * len(names) + 0.8)
    ax = fig.add_subplot()
    ys = list(range(len(names)))[::-1]
    for y, name in zip(ys, names):
        x = 0
        for role in A.ROLES:
            n = units[name][role]
            if n:
                ax.barh(y, n, left=x, color=ROLE_COLORS[role], height=0.7, edgecolor="white")
            x += n
        ax.text(x + 0.3, y, str(x), va="center", fontsize=8)
    ax.set_yticks(ys, names, fontsize=9)
    ax.set_xlabel("items naming the unit")
    ax.set_ylabel("unit")
    who = f" — {doc.id}" if doc is not None else ""
    ax.set_title(f"Units by role: the {len(names)} units in the most items{who} (责任单位)")
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    handles = [matplotlib.patches.Patch(color=ROLE_COLORS[r], label=f"{A.ROLE_NAMES[r]} {r}") for r in A.ROLES]
    ax.legend(handles=handles, loc="lower right", fontsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def deadline_timeline_figure(rows: Sequence[Mapping[str, Any]], doc: Any = None) -> Figure:
    """One row per deadline: absolute ones as a bar from the notice's date, recurring ones as ticks, relative ones as text."""
    import matplotlib.dates as mdates

    def day(s: str) -> datetime.date:
        return datetime.date.fromisoformat(s)

    fig = _figure(11, 1.6 + 0.42 * max(1, len(rows)) + 0.6)
    ax = fig.add_subplot()
    start = next((day(r["start"]) for r in rows if r.get("start")), None)
    end = next((day(r["end"]) for r in rows if r.get("end")), None)
    ys = list(range(len(rows)))[::-1]
    colors = {"absolute": "#c0392b", "recurring": "#2e86c1", "relative": "#7f8c8d"}
    for y, r in zip(ys, rows):
        if r["kind"] == "absolute" and r.get("date"):
            d = day(r["date"])
            if start:
                ax.plot([start, d], [y, y], color=colors["absolute"], linewidth=2.5, alpha=0.5, solid_capstyle="butt")
            ax.plot([d], [y], marker="D", color=colors["absolute"])
            ax.annotate(r["date"], (mdates.date2num(d), y), xytext=(6, 0), textcoords="offset points", va="center", fontsize=8)
        elif r["kind"] == "recurring":
            xs = [day(x) for x in r.get("occurrences", [])]
            ax.plot(xs, [y] * len(xs), linestyle="", marker="|", markersize=9, color=colors["recurring"])
        elif start:
            anchor = r.get("anchor") or "the triggering event"
            within = f"within {r['hours']:g} h of: " if r.get("hours") else "counted from: "
            ax.annotate(f"{within}{anchor}", (mdates.date2num(start), y), xytext=(6, 0), textcoords="offset points",
                        va="center", fontsize=8, color=colors["relative"])
            ax.plot([start], [y], marker="o", color=colors["relative"])
    labels = [f"{r['item']}  {r['text']}  [{r['kind']}{', ' + r['frequency'] if r.get('frequency') else ''}]" for r in rows]
    ax.set_yticks(ys, labels, fontsize=9)
    if start:
        ax.axvline(start, color="black", linewidth=0.8, linestyle="--")
        ax.annotate(f"issued {start.isoformat()}", (mdates.date2num(start), ys[0] + 0.6 if ys else 0), fontsize=8,
                    ha="left", va="bottom", xytext=(3, 0), textcoords="offset points")
    if start and end:
        pad = datetime.timedelta(days=max(20, (end - start).days // 8))
        ax.set_xlim(start - datetime.timedelta(days=15), end + pad)
    ax.set_ylim(-0.7, len(rows) - 0.1 + 0.6)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.set_xlabel("date")
    ax.set_ylabel("item  deadline as printed  [kind]")
    who = f" — {doc.id}" if doc is not None else ""
    ax.set_title(f"Deadlines on a timeline{who} (时限)")
    ax.grid(axis="x", color="#eeeeee")
    return fig


# --- training --------------------------------------------------------------------------


def learning_curve_figure(points: Sequence[Mapping[str, Any]]) -> Figure:
    """F1 of the statistical recogniser alone on held-out notices against the number of training notices."""
    fig = _figure(8, 4.8)
    ax = fig.add_subplot()
    xs = [p["train_notices"] for p in points]
    for key, label, color in (("unit_names_f1", "unit names (单位名称)", "#2e86c1"), ("units_f1", "units with roles (单位及角色)", "#d95f02")):
        ys = [p[key] for p in points]
        ax.plot(xs, ys, marker="o", label=label, color=color)
        for x, y in zip(xs, ys):
            ax.annotate(f"{y:.2f}", (x, y), xytext=(0, 7 if key == "unit_names_f1" else -13), textcoords="offset points",
                        ha="center", fontsize=8, color=color)
    ax.set_xscale("log", base=2)
    ax.set_xticks(xs, [str(x) for x in xs])
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("annotated notices used for training")
    ax.set_ylabel("F1 on held-out notices")
    ax.set_title("Learning curve of the unit recogniser (statistical part alone)")
    ax.grid(color="#eeeeee")
    ax.legend(loc="lower right")
    return fig


# --- the corpus ------------------------------------------------------------------------

NOTICE_FOR_FIGURES = "pingtan-80962"  # the Fujian 2017 task table: units in every role, deadlines of every kind


def corpus_figures(out_dir: str | Path, *, notice: str = NOTICE_FOR_FIGURES, curve_sizes: Sequence[int] | None = (1, 2, 4, 8),
                   log=print) -> dict[str, tuple[Path, str]]:
    """Build every figure from the bundled corpus into `out_dir`/figures; {name: (path, sentence)}.

    Also writes `captions.md` there: each figure with its computed sentence.
    `curve_sizes=None` skips the learning curve (it trains a model per size).
    """
    from ..mapping import map_corpus
    from ..corpus import load_corpus, parse_corpus

    figures_dir = Path(out_dir) / "figures"
    ds = load_corpus()
    docs = parse_corpus(ds)
    alignments = map_corpus(list(docs.values()))
    graph = A.propagation_graph(docs, alignments)
    shares = A.relation_shares(alignments, docs)
    lead = A.lead_units_by_level(docs)
    lead_items = A.lead_items_by_level(docs)
    shifts = A.deadline_shifts(alignments, docs)
    classes = A.verb_classes_by_level(docs)
    doc = docs[notice]
    units = A.units_by_role(doc)
    timeline = A.deadline_timeline(doc)
    built = [
        ("propagation_graph", propagation_graph_figure(graph), A.describe_graph(graph)),
        ("relation_shares", relation_shares_figure(shares), A.describe_relation_shares(shares)),
        ("lead_units", lead_units_figure(lead), A.describe_lead_units(lead, lead_items)),
        ("deadline_shifts", deadline_shifts_figure(shifts), A.describe_deadline_shifts(shifts)),
        ("verb_classes", verb_classes_figure(classes), A.describe_verb_classes(classes)),
        ("units_by_role", units_by_role_figure(units, doc), A.describe_units(units, doc)),
        ("deadline_timeline", deadline_timeline_figure(timeline, doc), A.describe_timeline(timeline)),
    ]
    if curve_sizes:
        from ..learning import load_annotations
        from ..corpus import BUNDLED_DIR
        from ..learning.evaluation import learning_curve

        points = learning_curve(load_annotations([BUNDLED_DIR / "annotations" / "notices.jsonl"]), sizes=list(curve_sizes))
        built.append(("learning_curve", learning_curve_figure(points), describe_curve(points)))
    out = {}
    captions = ["# Figures of the bundled corpus", ""]
    for name, fig, sentence in built:
        path = save(fig, name, figures_dir)
        out[name] = (path, sentence)
        captions += [f"## {name}", "", f"![{name}]({name}.png)", "", sentence, ""]
        log(f"{path}: {sentence}")
    (figures_dir / "captions.md").write_text("\n".join(captions), encoding="utf-8")
    return out


def describe_curve(points: Sequence[Mapping[str, Any]]) -> str:
    """One sentence on a learning curve."""
    if not points:
        return "No learning-curve points."
    first, last = points[0], points[-1]
    return (
        f"Unit-name F1 of the statistical recogniser alone goes from {first['unit_names_f1']:.2f} with "
        f"{first['train_notices']} training notice{'s' if first['train_notices'] > 1 else ''} to "
        f"{last['unit_names_f1']:.2f} with {last['train_notices']}."
    )


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    matplotlib.use("Agg")
    parser = argparse.ArgumentParser(prog="python -m policynlp.analysis.figures", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", help="output directory; figures go to OUT_DIR/figures/")
    parser.add_argument("--notice", default=NOTICE_FOR_FIGURES, help="corpus id of the notice for the one-notice figures")
    parser.add_argument("--no-curve", action="store_true", help="skip the learning curve (it trains four small models)")
    args = parser.parse_args(argv)
    if setup_fonts() is None:
        print("warning: no CJK font; Chinese labels will be empty boxes", file=sys.stderr)
    corpus_figures(args.out_dir, notice=args.notice, curve_sizes=None if args.no_curve else (1, 2, 4, 8))
    return 0


if __name__ == "__main__":
    sys.exit(main())
