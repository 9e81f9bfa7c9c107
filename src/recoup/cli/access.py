"""``recoup user grant`` and ``recoup user revoke``: which practices a user of the web app may
see (a billing company serving several practices keeps each client's staff to their own).

An administrator sees every practice; a biller or read-only user sees the practices granted
(``*``: every one), none until granted. A practice is named by its NPI or its name, as
``recoup user list`` and the admin page show them. A change holds from the user's next request.
Each grant and revocation goes to the audit log with who made it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from recoup.cli.common import db_option, fail, open_store
from recoup.cli.worklist import _who, user_app

if TYPE_CHECKING:
    from recoup.store import Store

__all__ = ["register_access_commands"]

PRACTICE_HELP = 'The practices: each an NPI or a name (quoted); "*" for every practice.'


def _keys(store: Store, names: list[str]) -> list[str]:
    """Each named practice's key, or a failure naming the one not in the store."""
    keys: list[str] = []
    for name in names:
        key = store.practice_key(name)
        if key is None:
            known = ", ".join(f"{p.key} ({p.name})" for p in store.practices()) or "none yet"
            raise fail(f'no practice "{name}" in the store; the practices are: {known}, or "*"')
        keys.append(key)
    return keys


def _summary(store: Store, name: str) -> str:
    grants = store.practice_grants(name)
    account = store.user(name)
    if account is not None and account.role == "admin":
        return f"{name} is an administrator: every practice"
    if not grants:
        return f"{name} sees no practice"
    if "*" in grants:
        return f"{name} sees every practice"
    return f"{name} sees: {', '.join(grants)}"


def user_grant_command(
    name: str = typer.Argument(..., help="The user name."),
    practices: list[str] = typer.Argument(..., help=PRACTICE_HELP, metavar="PRACTICE..."),
    db: str | None = db_option(),
    user: str | None = typer.Option(None, "--user", help="Who did it, for the audit log."),
) -> None:
    """Let a user see practices in the web app: their denials, patients, packets, exports."""
    with open_store(db) as store:
        if store.user(name) is None:
            raise fail(f"there is no user {name} (add one with: recoup user add {name})")
        for key in _keys(store, practices):
            if store.grant_practice(name, key):
                store.audit(_who(user), "user.grant_practice", detail=f"{name}: {key}")
        typer.echo(_summary(store, name))


def user_revoke_command(
    name: str = typer.Argument(..., help="The user name."),
    practices: list[str] = typer.Argument(..., help=PRACTICE_HELP, metavar="PRACTICE..."),
    db: str | None = db_option(),
    user: str | None = typer.Option(None, "--user", help="Who did it, for the audit log."),
) -> None:
    """Take practices away from a user; it holds from their next click in the web app."""
    with open_store(db) as store:
        if store.user(name) is None:
            raise fail(f"there is no user {name}")
        held = set(store.practice_grants(name))
        for text in practices:
            key = text.strip() if text.strip() in held else store.practice_key(text)
            if key is None or key not in held:
                raise fail(f'{name} was not granted "{text}": {_summary(store, name)}')
            store.revoke_practice(name, key)
            store.audit(_who(user), "user.revoke_practice", detail=f"{name}: {key}")
        typer.echo(_summary(store, name))


def register_access_commands() -> None:
    """On the ``recoup user`` group (made by :mod:`recoup.cli.worklist`)."""
    user_app.command("grant")(user_grant_command)
    user_app.command("revoke")(user_revoke_command)
