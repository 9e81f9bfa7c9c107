"""``recoup serve``: the web app (accounts for multi-user mode: ``recoup user add``).

Single-user mode (the default) has no sign-in, so it only binds to a loopback address and a
SQLite store: anyone who can reach the port acts as the administrator. ``--multi-user`` asks
for sign-in, roles and the audit log, for a server shared by a billing company (put it behind
an HTTPS reverse proxy: the session cookie is marked Secure).

The app answers only to its own Host names (against DNS rebinding): loopback names with the
port in single-user mode, the ``--allowed-host`` names in multi-user mode. ``--trusted-proxy``
names the reverse proxies whose X-Forwarded-For header gives the client's address.

The server's log shows method, route template, status and time only: no query strings, no
path parameters, nothing that could name a patient.

``--workers N`` runs N worker processes (a team on one server): each builds the app from the
settings checked here (:func:`recoup.web.app.app_from_environment`) with its own connection
pool. Nothing they share is in one process's memory: sessions, sign-in limits, the audit log
and the work are rows in the store, the signing key is the one file (or ``$RECOUP_SECRET_KEY``)
made here before the workers start. Several workers need PostgreSQL: a SQLite store is one file
that one process writes at a time, so it is served by one worker.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from datetime import date
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from recoup.web.deps import AppState

__all__ = ["is_loopback", "register_serve_commands"]

DB_HELP = (
    "The store: a SQLite file or a PostgreSQL URL (default $RECOUP_DATABASE_URL or ./recoup.db)."
)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def serve_command(
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    host: str = typer.Option("127.0.0.1", "--host", help="The address to listen on."),
    port: int = typer.Option(8000, "--port", help="The port to listen on."),
    multi_user: bool = typer.Option(
        False, "--multi-user", help="Require sign-in, with roles and the audit log."
    ),
    today: str | None = typer.Option(
        None, "--today", help="Fix 'today' (YYYY-MM-DD) for deadlines, as in recoup triage."
    ),
    allowed_host: list[str] = typer.Option(
        [],
        "--allowed-host",
        help="Multi-user mode: a Host name the server answers to (name or name:port; repeat "
        "for more). Without it only loopback names are answered.",
    ),
    trusted_proxy: list[str] = typer.Option(
        [],
        "--trusted-proxy",
        help="The address (or network) of a reverse proxy whose X-Forwarded-For is believed "
        "for the sign-in limits and the audit log; repeat for more.",
    ),
    workers: int = typer.Option(
        1,
        "--workers",
        help="Worker processes (PostgreSQL store only): about one per CPU core for a team. "
        "Each holds up to 6 database connections.",
    ),
) -> None:
    """Run the web app: worklist, denial detail and packets, import, benefits, dashboard.

    Without --multi-user it serves this computer only (a loopback address and a SQLite store)
    and asks nobody to sign in; it says so when it starts. Binding to any other address needs
    --multi-user.
    """
    import uvicorn

    from recoup.store import Store, StoreError, display_url, resolve_url
    from recoup.web import create_app

    url = resolve_url(db)
    if not multi_user and not is_loopback(host):
        raise _fail(
            f"refusing to serve {host} without --multi-user: single-user mode has no sign-in, "
            "so it only listens on 127.0.0.1"
        )
    if not multi_user and allowed_host:
        raise _fail(
            "--allowed-host is for --multi-user: single-user mode answers to loopback names only"
        )
    if multi_user and not is_loopback(host) and not allowed_host:
        raise _fail(
            f"serving {host} to other computers needs --allowed-host with the name they use "
            "(e.g. --allowed-host billing.example.org)"
        )
    if not multi_user and not url.startswith("sqlite"):
        raise _fail("a PostgreSQL store is for a shared server: add --multi-user")
    if workers < 1:
        raise _fail("--workers must be at least 1")
    if workers > 1 and url.startswith("sqlite"):
        raise _fail(
            f"--workers {workers} needs a PostgreSQL store: a SQLite file is written by one "
            "process at a time, so it is served by one worker (drop --workers)"
        )
    fixed: date | None = None
    if today is not None:
        try:
            fixed = date.fromisoformat(today)
        except ValueError:
            raise _fail(f'--today "{today}" is not a date (expected YYYY-MM-DD)') from None
    try:
        store = Store.open(db)
    except StoreError as exc:
        raise _fail(str(exc), 1) from None
    if multi_user and not store.users():
        store.close()
        raise _fail("multi-user mode needs an account first: recoup user add NAME --role admin", 1)
    from recoup.pipeline import catch_up

    catch_up(store, fixed or date.today())  # an import whose refresh was stopped: finish it
    try:
        # also makes the secret key file, once, before any worker reads it
        app = create_app(
            store,
            multi_user=multi_user,
            today=(lambda: fixed) if fixed else date.today,
            allowed_hosts=allowed_host or None,
            port=port,
            trusted_proxies=trusted_proxy,
        )
    except ValueError as exc:
        store.close()
        raise _fail(str(exc)) from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    where = f"http://{host}:{port}/"
    if multi_user:
        typer.echo(f"recoup: multi-user mode, sign-in required; store {display_url(url)}")
        typer.echo("recoup: serve it behind HTTPS (the session cookie is marked Secure)")
    else:
        typer.echo(
            "recoup: single-user mode: NO SIGN-IN; only this computer can connect "
            f"(store {display_url(url)})"
        )
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "access_log": False,  # uvicorn's would print query strings; ours logs route templates
        "server_header": False,
        "log_level": "info",
    }
    if workers == 1:
        typer.echo(f"recoup: open {where}")
        try:
            uvicorn.run(app, **options)
        finally:
            store.close()
        return
    from recoup.web.app import SERVE_CONFIG_ENV, serve_config

    state: AppState = app.state.recoup
    os.environ[SERVE_CONFIG_ENV] = serve_config(
        url,
        multi_user=multi_user,
        today=fixed,
        data_dir=state.data_dir,
        allowed_hosts=allowed_host,
        port=port,
        trusted_proxies=trusted_proxy,
    )
    store.close()  # each worker opens its own
    typer.echo(f"recoup: {workers} worker processes; open {where}")
    uvicorn.run("recoup.web.app:app_from_environment", factory=True, workers=workers, **options)


def register_serve_commands(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
