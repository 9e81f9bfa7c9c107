"""Small server-rendered SVG charts: horizontal bars and monthly columns. No JavaScript.

Each chart is an accessible ``<svg role="img">`` with a title, scaled with ``viewBox`` so it
fits its container; every label is escaped. Values are Decimals (money or rates).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from markupsafe import Markup, escape

__all__ = ["PALETTE", "bar_chart", "column_chart", "timeline_chart"]

PALETTE = ("#2563a6", "#2f8f6b", "#b4552d", "#7a5aa6", "#8a8f98")
_FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\""


def _scale(values: Sequence[Decimal]) -> Decimal:
    """The axis top: the largest value rounded up to 1, 2, 2.5 or 5 times a power of ten."""
    top = max((v for v in values if v is not None), default=Decimal(0))
    if top <= 0:
        return Decimal(1)
    power = Decimal(10) ** (top.adjusted())
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if top <= step * power:
            return step * power
    return 10 * power


def bar_chart(
    rows: Sequence[tuple[str, Decimal]],
    *,
    title: str,
    fmt: Callable[[Decimal], str],
    color: str = PALETTE[0],
    width: int = 520,
) -> Markup:
    """One horizontal bar per row, labelled on the left, value on the right."""
    if not rows:
        return Markup('<p class="muted">Nothing to show yet.</p>')
    bar_h, gap, label_w, value_w = 22, 8, 200, 80
    height = len(rows) * (bar_h + gap) + gap
    top = _scale([v for _, v in rows])
    plot_w = width - label_w - value_w
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" {_FONT} font-size="13">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = max(float(value / top) * plot_w, 1.5 if value else 0)
        short = label if len(label) <= 25 else label[:24] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" '
            f'fill="#333">{escape(short)}<title>{escape(label)}</title></text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" '
            f'fill="{color}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h * 0.7:.1f}" fill="#333">'
            f"{escape(fmt(value))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal]]],
    *,
    title: str,
    fmt: Callable[[Decimal], str],
    width: int = 720,
    height: int = 240,
) -> Markup:
    """Grouped columns: one group per label (a month), one column per series, with a legend."""
    if not labels or not series:
        return Markup('<p class="muted">Nothing to show yet.</p>')
    left, right, top_pad, bottom = 64, 12, 28, 28
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = _scale([v for _, values in series for v in values])
    group_w = plot_w / len(labels)
    col_w = max(min(group_w * 0.8 / len(series), 28), 2)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" {_FONT} font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    for step in range(5):
        value = top * step / 4
        y = top_pad + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#e3e6ea"/><text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'fill="#666">{escape(fmt(value))}</text>'
        )
    for s, (name, _) in enumerate(series):
        x = left + s * 150
        color = PALETTE[s % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="6" width="12" height="12" rx="2" fill="{color}"/>'
            f'<text x="{x + 17}" y="16" fill="#333">{escape(name)}</text>'
        )
    for g, label in enumerate(labels):
        x0 = left + g * group_w + (group_w - col_w * len(series)) / 2
        for s, (name, values) in enumerate(series):
            value = values[g] if g < len(values) else Decimal(0)
            h = float(value / top) * plot_h if value else 0.0
            parts.append(
                f'<rect x="{x0 + s * col_w:.1f}" y="{top_pad + plot_h - h:.1f}" '
                f'width="{col_w - 1:.1f}" height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}">'
                f"<title>{escape(label)} {escape(name)}: {escape(fmt(value))}</title></rect>"
            )
        parts.append(
            f'<text x="{left + g * group_w + group_w / 2:.1f}" y="{height - 8}" '
            f'text-anchor="middle" fill="#666">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def timeline_chart(
    rows: Sequence[tuple[str, int, int, bool]], *, title: str, width: int = 640
) -> Markup:
    """A session timeline: one bar per service line from its start to its end (minutes after
    midnight), the denied line(s) marked; hour ticks along the top."""
    if not rows:
        return Markup('<p class="muted">No start and stop times on file for this day.</p>')
    label_w, bar_h, gap, top_pad = 150, 20, 6, 22
    first = min(start for _, start, _, _ in rows) // 60 * 60
    last = -(-max(end for _, _, end, _ in rows) // 60) * 60
    span = max(last - first, 60)
    plot_w = width - label_w - 24  # room for the last hour's label
    height = top_pad + len(rows) * (bar_h + gap) + 4

    def x(minute: int) -> float:
        return label_w + (minute - first) / span * plot_w

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" {_FONT} font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    for minute in range(first, last + 1, 30 if span <= 240 else 60):
        parts.append(
            f'<line x1="{x(minute):.1f}" x2="{x(minute):.1f}" y1="{top_pad - 4}" '
            f'y2="{height}" stroke="#e3e6ea"/><text x="{x(minute):.1f}" y="12" '
            f'text-anchor="middle" fill="#666">{minute // 60:02d}:{minute % 60:02d}</text>'
        )
    for i, (label, start, end, denied) in enumerate(rows):
        y = top_pad + i * (bar_h + gap)
        color = PALETTE[2] if denied else PALETTE[0]
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" '
            f'fill="#333">{escape(label)}</text>'
            f'<rect x="{x(start):.1f}" y="{y}" width="{max(x(end) - x(start), 2):.1f}" '
            f'height="{bar_h}" rx="3" fill="{color}"><title>{escape(label)}: '
            f"{start // 60:02d}:{start % 60:02d}–{end // 60:02d}:{end % 60:02d}</title></rect>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
