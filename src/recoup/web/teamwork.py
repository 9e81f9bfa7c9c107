"""What the worklist and denial pages need for the team's work: the users one can assign to,
the words of statuses, follow-up filters and write-off reasons, a denial's notes. Presentation
only; the changes are in :mod:`recoup.web.routes.teamwork`."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from recoup.store import DenialRow
from recoup.store.teamwork import (
    ASSIGNEE_ME,
    ASSIGNEE_NONE,
    FOLLOW_UP_FILTERS,
    NOTE_KINDS,
    WORK_STATUSES,
    WRITE_OFF_REASONS,
    status_label,
)
from recoup.web.deps import LOCAL_USER, AppState, Viewer, app_state

__all__ = ["assignable_users", "denial_work_context", "worklist_context"]

BULK_ACTIONS = {
    "assign": "Assign to",
    "follow_up": "Set call-back date",
    "status": "Set status",
    "sent": "Mark as sent",
    "write_off": "Write off",
}


def assignable_users(state: AppState) -> list[str]:
    """Enabled accounts that may change data; in single-user mode also the local user."""
    names = [u.username for u in state.store.users() if not u.disabled and u.role != "readonly"]
    if not state.multi_user and LOCAL_USER not in names:
        names.insert(0, LOCAL_USER)
    return names


def _common(state: AppState) -> dict[str, Any]:
    return {
        "assignable": assignable_users(state),
        "work_statuses": WORK_STATUSES,
        "write_off_reasons": WRITE_OFF_REASONS,
        "follow_up_filters": FOLLOW_UP_FILTERS,
        "status_label": status_label,
        "assignee_me": ASSIGNEE_ME,
        "assignee_none": ASSIGNEE_NONE,
    }


def worklist_context(request: Request, viewer: Viewer) -> dict[str, Any]:
    return {
        **_common(app_state(request)),
        "bulk_actions": BULK_ACTIONS,
        "bulk_done": request.query_params.get("done_bulk"),
        "bulk_count": request.query_params.get("n"),
        "bulk_refused": request.query_params.get("refused"),
    }


def denial_work_context(state: AppState, row: DenialRow) -> dict[str, Any]:
    return {
        **_common(state),
        "notes": state.store.notes(row.id),
        "note_kinds": NOTE_KINDS,
    }
