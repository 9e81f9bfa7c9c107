"""The dashboard: the store's KPIs as figures, tables and SVG charts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from recoup.kpi_definitions import DEFINITIONS
from recoup.store import Store
from recoup.store.kpis import Kpis
from recoup.web.charts import PALETTE, bar_chart, column_chart
from recoup.web.deps import Viewer, app_state, reader
from recoup.web.errors import NotFound
from recoup.web.filters import money, percent

__all__ = ["router"]

router = APIRouter()


_PRACTICE = Query(
    "", max_length=200, description="one practice's key (its NPI, else its name); empty: all"
)


def visible_practice_names(store: Store, viewer: Viewer) -> list[tuple[str, str]]:
    """The (key, name) of each stored practice the viewer may see."""
    return [(key, name) for key, name in store.practice_names() if viewer.sees(key)]


def practice_filter(store: Store, practice: str, viewer: Viewer) -> str | None:
    """The ``practice`` query parameter: a stored practice's key the viewer may see, or None
    for all of theirs. Another practice's key is as unknown as a key no practice has."""
    wanted = practice.strip()
    if not wanted:
        return None
    if wanted not in {key for key, _name in visible_practice_names(store, viewer)}:
        raise NotFound("No such practice in the store.")
    return wanted


@router.get("/dashboard", include_in_schema=False)
def dashboard_page(
    request: Request,
    months: int = Query(12, ge=1, le=60),
    practice: str = _PRACTICE,
    viewer: Viewer = Depends(reader),
) -> Response:
    state = app_state(request)
    today = state.today()
    key = practice_filter(state.store, practice, viewer)
    kpis = state.store.kpis(today, months=months, practice_keys=viewer.practices, practice=key)
    state.store.audit(viewer.username, "dashboard.view", detail=f"practice={key}" if key else "")
    return state.templates.TemplateResponse(
        request,
        "dashboard.html",
        {
            "viewer": viewer,
            "kpis": kpis,
            "today": today,
            "months": months,
            "charts": charts(kpis),
            "practices": visible_practice_names(state.store, viewer),
            "practice": key or "",
            "definitions": DEFINITIONS,
        },
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
        **truth_charts(kpis),
    }


def truth_charts(kpis: Kpis) -> dict[str, Markup]:
    """Open denied dollars by age, underpaid dollars by payer (issues 17 and 16)."""
    return {
        "aging": bar_chart(
            [(f"{row.bucket} days", row.amount) for row in kpis.aging],
            title="Open denied dollars by age",
            fmt=lambda v: money(v, cents=False),
            color=PALETTE[2],
        ),
        "underpaid": bar_chart(
            [(row.key, row.amount) for row in kpis.underpaid_by_payer[:10]],
            title="Underpaid dollars by payer",
            fmt=money,
            color=PALETTE[4],
        ),
    }


@router.get("/api/kpis", tags=["dashboard"])
def api_kpis(
    request: Request,
    months: int = Query(12, ge=1, le=60),
    practice: str = _PRACTICE,
    viewer: Viewer = Depends(reader),
) -> dict[str, Any]:
    """Denial rates by code, payer and month; dollars denied, recovered and written off;
    appeal and corrected-claim success; days to resolution; what patients paid; what is overdue
    and what expires in 14 days; open denied dollars by age; underpaid dollars by payer and
    code. For every practice, or one (``practice``). What each figure means:
    /api/kpis/definitions."""
    state = app_state(request)
    key = practice_filter(state.store, practice, viewer)
    state.store.audit(viewer.username, "dashboard.view", detail=f"practice={key}" if key else "")
    kpis = state.store.kpis(
        state.today(), months=months, practice_keys=viewer.practices, practice=key
    )
    data: dict[str, Any] = kpis.to_dict()
    return data


@router.get("/api/kpis/definitions", tags=["dashboard"])
def api_kpi_definitions(viewer: Viewer = Depends(reader)) -> list[dict[str, str]]:
    """What each KPI means (the dashboard's definitions), keyed as the dashboard links them."""
    return [d._asdict() for d in DEFINITIONS]
