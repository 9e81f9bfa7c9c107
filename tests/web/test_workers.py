"""``recoup serve --workers 2`` on a real PostgreSQL: a sign-in, a sign-out and the sign-in limits
hold on whichever worker process a request lands.

The server is started as a user starts it (the ``recoup`` command, in its own process, no
``$RECOUP_SECRET_KEY``: the workers share the key file the parent made). Each request below goes
on a new connection, so the kernel hands it to either worker; the test-only ``X-Recoup-Worker``
header names the process that answered.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from pgserver import PgServer
from recoup.cli import app as cli
from recoup.store import Store
from recoup.store.accounts import MAX_FAILURES
from recoup.web.app import WORKER_HEADER_ENV
from web.helpers import EXAMPLE, PASSWORD

RECOUP = Path(sys.executable).parent / "recoup"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Served:
    def __init__(self, base: str, proc: subprocess.Popen[str]) -> None:
        self.base = base
        self.proc = proc

    def get(self, path: str, cookie: str | None = None) -> httpx.Response:
        """A GET on a connection of its own (so any worker may take it)."""
        headers = {"cookie": f"recoup_session={cookie}"} if cookie else {}
        return httpx.get(self.base + path, headers=headers, timeout=30, follow_redirects=False)

    def post(self, path: str, cookie: str, token: str, body: dict[str, str]) -> httpx.Response:
        headers = {"cookie": f"recoup_session={cookie}", "x-csrf-token": token}
        return httpx.post(self.base + path, headers=headers, json=body, timeout=30)


def _cookie(answer: httpx.Response) -> str:
    # the cookie is marked Secure (HTTPS behind a proxy), so httpx keeps it off plain http: by hand
    found = re.search(r"recoup_session=([^;]+)", answer.headers.get("set-cookie", ""))
    assert found, answer.headers
    return found.group(1)


@pytest.fixture(scope="module")
def served(pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    url = pg_server.create_database()
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "import",
            "--db",
            url,
            str(EXAMPLE),
            *[str(p) for p in sorted((EXAMPLE / "remittances").glob("*.835"))],
            "--today",
            "2026-11-23",
        ],
    )
    assert result.exit_code == 0, result.output
    with Store.open(url) as store:
        store.create_user("dana", PASSWORD, "biller")
        store.create_user("sam", PASSWORD, "biller")
        # since per-practice access a new user sees no practice until granted one (the worklist
        # would be empty, without BP26049): dana serves every practice (as in web/conftest.py)
        store.grant_practice("dana", "*")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("served")
    env = {k: v for k, v in os.environ.items() if k != "RECOUP_SECRET_KEY"}
    env[WORKER_HEADER_ENV] = "1"
    proc = subprocess.Popen(
        [str(RECOUP), "serve", "--db", url, "--multi-user", "--workers", "2", "--port", str(port)]
        + ["--today", "2026-11-23"],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        pids: set[str] = set()
        while len(pids) < 2:  # both workers up
            try:
                pids.add(httpx.get(base + "/login", timeout=2).headers["x-recoup-worker"])
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read() if proc.stdout else ""
                    raise RuntimeError(f"recoup serve did not start:\n{out}") from None
                time.sleep(0.2)
            if time.monotonic() > deadline:
                raise RuntimeError("only one worker answered")
        assert (workdir / "recoup-data" / "recoup-secret.key").exists()
        yield Served(base, proc)
    finally:
        proc.terminate()
        proc.wait(20)


def _sign_in(served: Served, username: str, password: str = PASSWORD) -> tuple[str, str, int]:
    start = served.get("/api/session")
    cookie, token = _cookie(start), start.json()["csrf_token"]
    answer = served.post("/api/login", cookie, token, {"username": username, "password": password})
    return (
        _cookie(answer) if answer.status_code == 200 else cookie,
        answer.json().get("csrf_token", token),
        answer.status_code,
    )


def _spread(served: Served, path: str, cookie: str | None, count: int) -> list[httpx.Response]:
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda _: served.get(path, cookie), range(count)))


def test_a_sign_in_holds_on_every_worker_and_a_sign_out_ends_it_on_all(served: Served) -> None:
    cookie, token, status = _sign_in(served, "dana")
    assert status == 200
    answers = _spread(served, "/api/session", cookie, 60)
    workers = {a.headers["x-recoup-worker"] for a in answers}
    assert len(workers) == 2, "every request landed on one worker: the test proves nothing"
    assert {a.json()["username"] for a in answers} == {"dana"}
    pages = _spread(served, "/", cookie, 20)
    assert all(p.status_code == 200 and "BP26049" in p.text for p in pages)
    # the CSRF token of the session is good on every worker (the key is shared, not per process)
    changes = [
        served.post("/api/denials/999999/sent", cookie, token, {"x": "y"}) for _ in range(12)
    ]
    assert {c.status_code for c in changes} == {422}  # past the CSRF check: the body is wrong
    assert served.post("/api/denials/999999/sent", cookie, "forged", {}).status_code == 403
    assert len({c.headers["x-recoup-worker"] for c in changes}) == 2
    assert served.post("/api/logout", cookie, token, {}).status_code == 200
    after = _spread(served, "/api/session", cookie, 30)
    assert len({a.headers["x-recoup-worker"] for a in after}) == 2
    assert {a.json()["username"] for a in after} == {None}
    assert {served.get("/", cookie).status_code for _ in range(10)} == {303}


def test_the_sign_in_limit_counts_across_workers(served: Served) -> None:
    answered: list[tuple[int, str]] = []
    for _ in range(MAX_FAILURES):
        start = served.get("/api/session")
        answer = served.post(
            "/api/login",
            _cookie(start),
            start.json()["csrf_token"],
            {"username": "sam", "password": "not the password"},
        )
        answered.append((answer.status_code, answer.headers["x-recoup-worker"]))
    assert [s for s, _ in answered] == [401] * MAX_FAILURES
    refused = []
    for _ in range(12):  # now the right password too is refused, on either worker
        start = served.get("/api/session")
        answer = served.post(
            "/api/login",
            _cookie(start),
            start.json()["csrf_token"],
            {"username": "sam", "password": PASSWORD},
        )
        refused.append((answer.status_code, answer.headers["x-recoup-worker"]))
    assert {s for s, _ in refused} == {429}, refused
    # a worker that itself saw fewer than the limit's failures refused: it counted the other's
    seen = {w: sum(1 for _, x in answered if x == w) for _, w in refused}
    assert min(seen.values()) < MAX_FAILURES, (answered, refused)


def test_several_workers_need_postgresql(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "r.db")
    result = runner.invoke(cli, ["serve", "--db", db, "--multi-user", "--workers", "2"])
    assert result.exit_code == 2
    assert "--workers 2 needs a PostgreSQL store" in result.output
    zero = runner.invoke(cli, ["serve", "--db", db, "--workers", "0"])
    assert zero.exit_code == 2 and "at least 1" in zero.output


def test_no_worker_header_unless_the_tests_ask(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from recoup.web import create_app

    assert os.environ.get(WORKER_HEADER_ENV) is None
    with Store.open(str(tmp_path / "r.db")) as store:
        client = TestClient(create_app(store, multi_user=False, data_dir=tmp_path))
        answer = client.get("/api/session", headers={"host": "127.0.0.1"})
        assert answer.status_code == 200
        assert "x-recoup-worker" not in answer.headers
        assert str(os.getpid()) not in str(answer.headers)
