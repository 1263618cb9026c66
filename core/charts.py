"""Charts drawn on the server as SVG: no script, no internet, nothing for the CSP to refuse.

The Content-Security-Policy is `default-src 'self'`, so inline `style="…"` attributes and
`<style>` elements are refused by the browser; everything here is drawn with SVG presentation
attributes (fill, stroke, font-size), which the policy does not touch. Text is escaped.

    stacked_bars(rows, series, title=...)   a 100% stacked horizontal bar per row, legend, counts
    mini_bar(counts, series)                one small stacked bar (a table cell's "sparkbar")

`series` is a list of `Series(label, fill)`; each row's counts follow the series' order. Every
segment wide enough carries its count, and the legend repeats the labels, so nothing is told by
colour alone; a page shows the same numbers in a table beside the chart.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'
INK = "#1f1f1f"
MUTED = "#4a4a4a"
GRID = "#d6d6d6"


@dataclass(frozen=True)
class Series:
    label: str
    fill: str
    ink: str = "#ffffff"  # the colour of a count written on the segment


def _num(x):
    """A coordinate as short text (no trailing zeros)."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _text_width(text, size):
    """Rough printed width: CJK characters one em, others about 0.6 em."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.6 for ch in text)


def _segments(counts, x0, width):
    """[(x, w, count, index)] of the non-empty segments of a bar `width` wide starting at `x0`."""
    total = sum(counts)
    out, x = [], x0
    if total <= 0:
        return out
    for i, n in enumerate(counts):
        if n <= 0:
            continue
        w = width * n / total
        out.append((x, w, n, i))
        x += w
    return out


def stacked_bars(rows, series, *, title, label_width=None, width=720, bar_height=26, gap=10, legend_columns=None):
    """An SVG of one 100% stacked bar per row: [(label, [count per series]), ...].

    The label sits left of the bar, the total right of it; a row with no one in it shows "无数据".
    The drawing scales to its container (viewBox, width 100%). `legend_columns`: the legend in rows
    of that many entries (a narrow drawing for a phone); None: one line."""
    rows = list(rows)
    size = 14
    if label_width is None:
        label_width = min(260, max([_text_width(label, size) for label, _ in rows] + [4 * size]) + 12)
    total_width = 72
    bar_x = label_width
    bar_w = max(120, width - label_width - total_width)
    per_line = legend_columns or len(series)
    legend_lines = -(-len(series) // per_line)
    legend_h = 24 * legend_lines + 10
    top = legend_h + 8
    height = top + len(rows) * (bar_height + gap) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {_num(height)}" '
        f'width="100%" role="img" aria-label="{escape(title)}" font-family=\'{FONT}\' font-size="{size}">',
        f"<title>{escape(title)}</title>",
    ]
    for line in range(legend_lines):
        parts.append(_legend(series[line * per_line:(line + 1) * per_line], 0, 6 + 24 * line, size))
    for r, (label, counts) in enumerate(rows):
        y = top + r * (bar_height + gap)
        mid = y + bar_height / 2 + size * 0.35
        parts.append(f'<text x="{_num(label_width - 8)}" y="{_num(mid)}" text-anchor="end" fill="{INK}">'
                     f"{escape(_clip(label, label_width - 12, size))}</text>")
        parts.append(f'<rect x="{_num(bar_x)}" y="{_num(y)}" width="{_num(bar_w)}" height="{bar_height}" '
                     f'fill="#f3f3f3" stroke="{GRID}"/>')
        total = sum(counts)
        for x, w, n, i in _segments(counts, bar_x, bar_w):
            s = series[i]
            pct = round(100 * n / total)
            parts.append(f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{bar_height}" fill="{s.fill}">'
                         f"<title>{escape(label)} · {escape(s.label)}：{n} 人（{pct}%）</title></rect>")
            if w >= _text_width(str(n), size) + 6:
                parts.append(f'<text x="{_num(x + w / 2)}" y="{_num(mid)}" text-anchor="middle" '
                             f'fill="{s.ink}">{n}</text>')
        if total <= 0:
            parts.append(f'<text x="{_num(bar_x + 8)}" y="{_num(mid)}" fill="{MUTED}">无数据</text>')
        parts.append(f'<text x="{_num(bar_x + bar_w + 8)}" y="{_num(mid)}" fill="{MUTED}">共{total}人</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _legend(series, x, y, size):
    out, cx = [], x
    for s in series:
        out.append(f'<rect x="{_num(cx)}" y="{_num(y)}" width="{size + 4}" height="{size + 4}" fill="{s.fill}"/>')
        out.append(f'<text x="{_num(cx + size + 10)}" y="{_num(y + size)}" fill="{INK}">{escape(s.label)}</text>')
        cx += size + 24 + _text_width(s.label, size)
    return "".join(out)


def _clip(label, room, size):
    """The label cut with "…" when it would not fit in `room` pixels (the full name is in the table)."""
    if _text_width(label, size) <= room:
        return label
    out = ""
    for ch in label:
        if _text_width(out + ch + "…", size) > room:
            break
        out += ch
    return out + "…"


def mini_bar(counts, series, *, width=120, height=14):
    """A small 100% stacked bar for a table cell; its <title> lists the counts (hover, screen readers)."""
    words = "，".join(f"{s.label}{n}人" for s, n in zip(series, counts, strict=True))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="mini-bar" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="{escape(words)}">',
             f"<title>{escape(words)}</title>",
             f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f3f3f3" stroke="{GRID}"/>']
    for x, w, _n, i in _segments(counts, 0, width):
        parts.append(f'<rect x="{_num(x)}" y="0" width="{_num(w)}" height="{height}" fill="{series[i].fill}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
