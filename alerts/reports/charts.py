"""The charts of a 舆情分析报告, as PNG bytes (embedded in the DOCX and, as data: URIs, in the HTML):
the ones offices paste into slides. matplotlib with the Agg backend (no display, thread-safe per
figure object); Chinese labels use the first CJK font installed (matplotlib does not go through
fontconfig's aliases, so it is looked up here)."""
from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from functools import cache

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported anywhere: reports are written headless

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# Sans faces, as in the slides these charts are pasted into; a serif one only when no sans is there.
CJK_FONTS = ("Microsoft YaHei", "SimHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
             "Noto Serif CJK SC", "SimSun", "AR PL UMing CN")
RED, GREY = "#c00000", "#7f7f7f"
PALETTE = ("#c00000", "#e07b39", "#d9b300", "#3b7dd8", "#5a9e6f", "#8e6bbf", "#7f7f7f", "#b5651d")
DPI = 150


@cache
def cjk_font() -> str | None:
    """The first of CJK_FONTS matplotlib can find; None (boxes for Chinese) when there is none."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _figure(width: float = 6.4, height: float = 3.2) -> Figure:
    # a Figure, not pyplot: no global figure registry; fonts are set per text (rcParams are global)
    return Figure(figsize=(width, height), dpi=DPI)


def _style(ax, font: str | None) -> None:
    for label in (*ax.get_xticklabels(), *ax.get_yticklabels()):
        if font:
            label.set_family(font)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def volume_chart(days: Sequence[tuple[date, int, int]], title: str) -> bytes:
    """Relevant and negative posts per day (the 走势 chart)."""
    font = cjk_font()
    fig = _figure()
    ax = fig.add_subplot()
    xs = [d.strftime("%m-%d") for d, _, _ in days]
    ax.plot(xs, [r for _, r, _ in days], marker="o", color=RED, linewidth=2, label="涉本地信息")
    ax.plot(xs, [n for _, _, n in days], marker="s", color=GREY, linewidth=1.5, label="负面信息")
    ax.set_title(title, family=font, fontsize=12)
    ax.set_ylabel("条数", family=font)
    ax.set_ylim(bottom=0)
    ax.yaxis.get_major_locator().set_params(integer=True)
    if len(xs) > 10:  # a month: every few days labelled
        for i, label in enumerate(ax.get_xticklabels()):
            label.set_visible(i % 3 == 0)
    ax.legend(prop={"family": font} if font else None, frameon=False)
    _style(ax, font)
    return _png(fig)


def share_chart(rows: Sequence[tuple[str, int]], title: str, *, top: int = 8) -> bytes:
    """Horizontal bars of the largest shares (a bar reads better than a pie once there are more
    than four slices), with the count and percentage at each bar."""
    font = cjk_font()
    rows = list(rows)[:top]
    total = sum(n for _, n in rows) or 1
    fig = _figure(height=max(1.6, 0.42 * len(rows) + 0.9))
    ax = fig.add_subplot()
    names = [name for name, _ in rows][::-1]
    counts = [n for _, n in rows][::-1]
    bars = ax.barh(names, counts, color=[PALETTE[i % len(PALETTE)] for i in range(len(rows))][::-1])
    for bar, n in zip(bars, counts):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {n}（{100 * n / total:.1f}%）",
                va="center", family=font, fontsize=9)
    ax.set_title(title, family=font, fontsize=12)
    ax.set_xlim(right=max(counts or [1]) * 1.3)
    ax.xaxis.get_major_locator().set_params(integer=True)
    _style(ax, font)
    ax.grid(False)
    return _png(fig)
