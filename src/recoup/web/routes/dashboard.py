"""The dashboard: the store's KPIs as figures, tables and SVG charts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from recoup.store.kpis import Kpis
from recoup.web.charts import PALETTE, bar_chart, column_chart
from recoup.web.deps import Viewer, app_state, reader
from recoup.web.filters import money, percent

__all__ = ["router"]

router = APIRouter()


@router.get("/dashboard", include_in_schema=False)
def dashboard_page(
    request: Request, months: int = Query(12, ge=1, le=60), viewer: Viewer = Depends(reader)
) -> Response:
    state = app_state(request)
    today = state.today()
    kpis = state.store.kpis(today, months=months, practice_keys=viewer.practices)
    state.store.audit(viewer.username, "dashboard.view")
    return state.templates.TemplateResponse(
        request,
        "dashboard.html",
        {"viewer": viewer, "kpis": kpis, "today": today, "months": months, "charts": charts(kpis)},
    )


def _rate(value: Decimal) -> str:
    return percent(value, 1 if value and value < Decimal("0.1") else 0)


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _month_labels(keys: list[str]) -> list[str]:
    """``2026-03`` -> ``Mar``; January and the first month carry the year (``Jan ’26``)."""
    out = []
    for i, key in enumerate(keys):
        year, month = key.split("-")
        name = _MONTHS[int(month) - 1]
        out.append(f"{name} ’{year[2:]}" if i == 0 or month == "01" else name)
    return out


def charts(kpis: Kpis) -> dict[str, Markup]:
    """The dashboard's SVG charts, from the KPIs as they are."""
    zero = Decimal(0)
    by_month = kpis.by_month
    return {
        "month_rate": column_chart(
            _month_labels([row.key for row in by_month]),
            [("Denial rate (lines)", [row.rate or zero for row in by_month])],
            title="Denial rate by month",
            fmt=_rate,
        ),
        "month_dollars": column_chart(
            _month_labels([row.key for row in by_month]),
            [("Denied", [row.denied_amount for row in by_month])],
            title="Dollars denied by month",
            fmt=lambda v: money(v, cents=False),
        ),
        "carc": bar_chart(
            [(row.key, row.rate or zero) for row in kpis.by_carc[:10]],
            title="Denial rate by reason code",
            fmt=_rate,
        ),
        "payer": bar_chart(
            [(row.key, row.rate or zero) for row in kpis.by_payer[:10]],
            title="Denial rate by payer",
            fmt=_rate,
            color=PALETTE[1],
        ),
        "dollars": bar_chart(
            [
                ("Denied", kpis.denied_amount),
                ("Recovered", kpis.recovered),
                ("Written off", kpis.written_off),
            ],
            title="Dollars denied, recovered and written off",
            fmt=lambda v: money(v, cents=False),
            color=PALETTE[3],
        ),
    }


@router.get("/api/kpis", tags=["dashboard"])
def api_kpis(
    request: Request, months: int = Query(12, ge=1, le=60), viewer: Viewer = Depends(reader)
) -> dict[str, Any]:
    """Denial rates by code, payer and month; dollars denied, recovered and written off;
    appeal success; days to resolution; patient collection; what expires in 14 days."""
    state = app_state(request)
    state.store.audit(viewer.username, "dashboard.view")
    kpis = state.store.kpis(state.today(), months=months, practice_keys=viewer.practices)
    data: dict[str, Any] = kpis.to_dict()
    return data
