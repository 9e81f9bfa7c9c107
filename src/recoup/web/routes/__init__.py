"""The routers, one module per page; each holds the page and the JSON API it offers."""

from fastapi import APIRouter

from recoup.web.routes import (
    admin,
    auth,
    benefits,
    dashboard,
    denials,
    imports,
    scrub,
    teamwork,
    worklist,
)

__all__ = ["ROUTERS"]

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    imports.router,
    worklist.router,
    teamwork.router,
    denials.router,
    benefits.router,
    scrub.router,
    dashboard.router,
    admin.router,
)
