"""Security review items 6, 7 and 8 in the web app, and the review's counts re-run over every
route of the router table (so a new route is covered as soon as it exists)."""

from __future__ import annotations

import asyncio
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from records_text.test_hostile import zip_bomb_docx
from recoup.store import Store
from recoup.textsafe import terminal_text
from recoup.web import create_app
from recoup.web.app import SESSION_COOKIE
from recoup.web.routes import ROUTERS
from recoup.web.security import Session, Signer
from web.conftest import WebFactory, copy_data
from web.helpers import EXAMPLE, PASSWORD, TODAY, Web

ROUTES = sorted(
    (method, route.path)
    for router in ROUTERS
    for route in router.routes
    if isinstance(route, APIRoute)
    for method in sorted(route.methods or ())
)
OPEN = {("GET", "/login"), ("GET", "/api/session"), ("POST", "/login"), ("POST", "/api/login")}
OPEN |= {("POST", "/logout"), ("POST", "/api/logout")}
# a calendar app cannot sign in: the feed's secret token is its credential (404 for any other)
OPEN |= {("GET", "/calendar/{token}.ics")}
ADMIN_ONLY = re.compile(r"^/(api/)?(admin|users|audit)")


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _zip(folder: Path, changes: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if path.is_file() and name not in changes:
                zf.write(path, f"practice/{name}")
        for name, data in changes.items():
            zf.writestr(f"practice/{name}", data)
    return buffer.getvalue()


@pytest.fixture
def multi(make_web: WebFactory) -> Web:
    return make_web(multi_user=True)


def _shared(folder: Path, example_dir: Path | None) -> Iterator[Web]:
    if example_dir is not None:
        copy_data(example_dir, folder)
    else:
        folder.mkdir()
    store = Store.open(str(folder / "recoup.db"))
    for role in ("admin", "biller", "readonly"):
        store.create_user(role, PASSWORD, role)
    app = create_app(store, multi_user=True, today=lambda: TODAY, data_dir=folder)
    yield Web(app, store)
    store.close()


@pytest.fixture(scope="module")
def _shared_example(tmp_path_factory: pytest.TempPathFactory, example_dir: Path) -> Iterator[Web]:
    """One multi-user app over the example data for the route-table tests, which change nothing
    (every request they send is refused): a fresh client per test is enough."""
    yield from _shared(tmp_path_factory.mktemp("shared") / "data", example_dir)


@pytest.fixture
def guarded(_shared_example: Web) -> Web:
    return Web(_shared_example.app, _shared_example.store)


@pytest.fixture(scope="module")
def _single_user(tmp_path_factory: pytest.TempPathFactory, example_dir: Path) -> Iterator[Web]:
    folder = copy_data(example_dir, tmp_path_factory.mktemp("single") / "data")
    store = Store.open(str(folder / "recoup.db"))
    yield Web(create_app(store, multi_user=False, today=lambda: TODAY, data_dir=folder), store)
    store.close()


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_no_route_answers_a_rebound_host_in_single_user_mode(
    _single_user: Web, method: str, path: str
) -> None:
    """DNS rebinding (item 1) over the whole router table: a page whose name now points at
    127.0.0.1 gets 400 from every route, and nothing changes."""
    client = TestClient(_single_user.app, base_url="http://evil.example", follow_redirects=False)
    answer = client.request(method, _url(path), headers={"X-CSRF-Token": "x"})
    assert answer.status_code == 400, (method, path)
    assert "P100" not in answer.text


# -- the review's counts over the router table ---------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r not in OPEN])
def test_no_route_gives_data_without_a_cookie(guarded: Web, method: str, path: str) -> None:
    answer = guarded.client.request(method, _url(path))
    assert answer.status_code in (303, 401), (method, path, answer.status_code)
    if answer.status_code == 303:
        assert answer.headers["location"].startswith("/login")
    assert "P100" not in answer.text and "BP26" not in answer.text


WRITES = [r for r in ROUTES if r[0] != "GET" and r not in OPEN]


@pytest.mark.parametrize("role", ["readonly", "biller"])
@pytest.mark.parametrize(("method", "path"), WRITES + [r for r in ROUTES if ADMIN_ONLY.match(r[1])])
def test_lesser_roles_are_refused_every_write_and_admin_call(
    guarded: Web, role: str, method: str, path: str
) -> None:
    if role == "biller" and not ADMIN_ONLY.match(path):
        pytest.skip("billers may write denials and imports")
    assert guarded.login(role).status_code == 200
    answer = guarded.client.request(method, _url(path), headers={"X-CSRF-Token": guarded.token})
    assert answer.status_code == 403, (role, method, path, answer.text)


@pytest.mark.parametrize(("method", "path"), WRITES)
@pytest.mark.parametrize("token", [None, "", "forged", "stale"])
def test_every_write_needs_the_sessions_csrf_token(
    guarded: Web, method: str, path: str, token: str | None
) -> None:
    stale = guarded.token
    assert guarded.login("admin").status_code == 200
    headers = {} if token is None else {"X-CSRF-Token": stale if token == "stale" else token}
    answer = guarded.client.request(method, _url(path), headers=headers)
    assert answer.status_code == 403, (method, path, token)


def _forgeries(web: Web) -> list[str]:
    right = Signer(b"not the key")
    admin = Session.fresh().signed_in("admin", "admin", "sid")
    genuine = web.client.cookies.get(SESSION_COOKIE) or ""
    body, _, mac = genuine.partition(".")
    return [
        right.sign(admin.payload()),  # signed with another key
        body + ".",  # no signature
        "." + mac,
        genuine + "x",
        genuine.upper(),
        "a.b.c",
        "",
        Signer(b"\x00" * 32).sign({"c": "x", "u": "admin", "r": "admin", "t": 1e12}),
    ]


def test_eight_cookie_forgeries_are_each_anonymous(guarded: Web) -> None:
    guarded.client.get("/api/session")
    forgeries = _forgeries(guarded)
    assert len(forgeries) == 8
    for cookie in forgeries:
        client = TestClient(guarded.app, base_url="https://127.0.0.1", follow_redirects=False)
        client.cookies.set(SESSION_COOKIE, cookie)
        assert client.get("/api/denials").status_code == 401, cookie
        assert client.get("/api/session").json()["username"] is None


@pytest.mark.parametrize(
    "payload", ["' OR 1=1 --", "%' OR '1'='1", "1; DROP TABLE denials; --", "\\x00", "🙂" * 50]
)
def test_injection_payloads_in_every_filter_are_plain_text(web: Web, payload: str) -> None:
    for name in ("payer", "code", "patient", "q", "lane", "sort", "status", "due", "min_amount"):
        answer = web.client.get("/api/denials", params={name: payload})
        assert answer.status_code in (200, 400), (name, answer.text)
        if answer.status_code == 200:
            assert answer.json()["total"] == 0, name
    assert web.client.get("/api/denials").json()["total"] > 0  # nothing was dropped


# -- 6. a practice value out of bounds is refused at import; pages stay up ----------------------


def test_an_absurd_benefit_period_is_refused_with_its_place(web: Web) -> None:
    text = (EXAMPLE / "benefits.csv").read_text(encoding="utf-8")
    changed = text.replace("calendar_year", "rolling_months:99999999", 1)
    answer = web.post(
        "/api/imports",
        files=[("files", ("p.zip", _zip(EXAMPLE, {"benefits.csv": changed.encode()}), "a/zip"))],
    )
    assert answer.status_code == 200
    result = answer.json()["results"][0]
    assert result["status"] == "failed"
    assert any("benefits.csv" in m and "1 to 120 months" in m for m in result["messages"])
    for url in ("/benefits", "/api/patients", "/benefits/P1001", "/api/patients/P1001/benefits"):
        assert web.client.get(url).status_code == 200, url


# -- 7. nothing is read before sign-in; nested Office files are checked -------------------------


def test_an_anonymous_upload_is_refused_before_its_body_is_read(multi: Web) -> None:
    read: list[int] = []
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        read.append(1)
        return {"type": "http.request", "body": b"x" * 1024, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/imports",
        "raw_path": b"/api/imports",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"multipart/form-data; boundary=x"),
            (b"content-length", str(100 * 1024 * 1024).encode()),
        ],
        "scheme": "https",
        "server": ("127.0.0.1", 443),
        "client": ("127.0.0.1", 5000),
        "http_version": "1.1",
        "root_path": "",
        "state": {},
    }
    asyncio.run(multi.app(scope, receive, send))  # type: ignore[arg-type]
    assert sent[0]["status"] == 401
    assert read == []
    assert (b"x-frame-options", b"DENY") in sent[0]["headers"]


def test_a_readonly_upload_is_refused_before_its_body(multi: Web) -> None:
    assert multi.login("readonly").status_code == 200
    answer = multi.post("/api/imports", files=[("files", ("a.835", b"x" * 2_000_000, "t/p"))])
    assert answer.status_code == 403


def test_a_docx_zip_bomb_inside_records_is_refused(web: Web) -> None:
    archive = _zip(EXAMPLE, {"records/bomb.docx": zip_bomb_docx()})
    assert len(archive) < 1_000_000
    answer = web.post("/api/imports", files=[("files", ("p.zip", archive, "application/zip"))])
    result = answer.json()["results"][0]
    assert result["status"] == "refused", result
    assert "bomb.docx" in result["messages"][0] and "would expand" in result["messages"][0]


def test_a_small_route_refuses_a_large_body(multi: Web) -> None:
    assert multi.login("biller").status_code == 200
    answer = multi.post("/api/denials/1/sent", content=b"{" + b" " * 2_000_000 + b"}")
    assert answer.status_code == 413 and "error" in answer.json()


# -- 8. small ones ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["due=-5", "due=99999999999", "due=1e3", "min_amount=1e999999", "min_amount=-9e99", "page=0"],
)
def test_worklist_filters_that_cannot_be_met_are_400_with_a_message(web: Web, query: str) -> None:
    for url in (f"/api/denials?{query}", f"/?{query}"):
        answer = web.client.get(url)
        assert answer.status_code in (400, 422), (url, answer.status_code)
    api = web.client.get(f"/api/denials?{query}").json()
    assert isinstance(api["error"], str) and api["error"]


def test_the_api_has_one_error_shape(web: Web) -> None:
    for answer in (
        web.client.get("/api/no-such-thing"),
        web.client.delete("/api/denials"),
        web.client.get("/api/denials?due=-1"),
        web.client.get("/api/denials?page=x"),
        web.client.get("/api/denials/999999999"),
    ):
        body = answer.json()
        assert set(body) <= {"error", "problems"} and isinstance(body["error"], str), body


def test_security_headers_on_413_and_500(make_web: WebFactory) -> None:
    from recoup.web.uploads import UploadLimits

    web = make_web(example=False, limits=UploadLimits(max_request_bytes=10_000))

    @web.app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("a crash that names P1001")

    big = web.post("/api/imports", files=[("files", ("a.835", b"x" * 20_000, "t/p"))])
    client = TestClient(web.app, base_url="https://127.0.0.1", raise_server_exceptions=False)
    crash = client.get("/api/boom")
    for answer in (big, crash):
        assert answer.headers["content-security-policy"].startswith("default-src 'self'")
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert big.status_code == 413 and crash.status_code == 500
    assert "P1001" not in crash.text and set(crash.json()) == {"error"}


def test_the_denial_page_shows_control_characters_visibly(web: Web) -> None:
    from recoup.web.filters import terminal_text as used

    assert used is terminal_text
    template = Path(__file__).resolve().parents[2] / "src/recoup/web/templates/denial.html"
    assert "text | visible" in template.read_text()


def test_api_docs_work_offline_or_are_gone(web: Web) -> None:
    page = web.client.get("/api/docs")
    if page.status_code == 404:
        return
    assert page.status_code == 200
    assert "cdn." not in page.text and "http://" not in page.text and "https://" not in page.text
    assert "<script>" not in page.text  # no inline script: the CSP allows 'self' only
    for src in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        assert web.client.get(src).status_code == 200, src


# -- the review's 14 crafted zips ---------------------------------------------------------------


def _crafted(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        names = {
            "dotdot": "../evil.txt",
            "absolute": "/etc/evil.txt",
            "drive": "C:/evil.txt",
            "backslash": "a\\..\\evil.txt",
            "inner_dotdot": "a/../../evil.txt",
        }
        if kind in names:
            zf.writestr(names[kind], "x")
        elif kind == "link":
            info = zipfile.ZipInfo("practice/link")
            info.external_attr = (0o120777 << 16) | 0
            zf.writestr(info, "/etc/passwd")
        elif kind == "ratio":
            zf.writestr("practice/zeros.csv", b"0" * (8 * 1024 * 1024))
        elif kind == "total":
            for n in range(4):
                zf.writestr(f"practice/{n}.csv", bytes(range(256)) * 4096)
        elif kind == "members":
            for n in range(60):
                zf.writestr(f"practice/{n}.txt", "x")
        elif kind == "lying_size":
            zf.writestr("practice/visits.csv", b"0" * (4 * 1024 * 1024))
        elif kind in ("docx_bomb", "xlsx_bomb"):
            suffix = kind.split("_")[0]
            zf.writestr(f"practice/records/note.{suffix}", zip_bomb_docx(20 * 1024 * 1024))
    data = buffer.getvalue()
    if kind == "lying_size":  # the directory says 100 bytes; the data holds 4 MB
        patched = bytearray(data)
        central = data.index(b"PK\x01\x02")
        patched[central + 24 : central + 28] = (100).to_bytes(4, "little")
        patched[22:26] = (100).to_bytes(4, "little")
        return bytes(patched)
    if kind == "truncated":
        return _zip(EXAMPLE, {})[:5000]
    if kind == "not_a_zip":
        return b"PK\x03\x04" + b"\x00" * 200
    return data


CRAFTED = [
    "dotdot",
    "absolute",
    "drive",
    "backslash",
    "inner_dotdot",
    "lying_size",
    "link",
    "ratio",
    "total",
    "members",
    "docx_bomb",
    "xlsx_bomb",
    "truncated",
    "not_a_zip",
]


@pytest.mark.parametrize("kind", CRAFTED)
def test_fourteen_crafted_zips_are_each_refused_before_the_store(tmp_path: Path, kind: str) -> None:
    from recoup.web.uploads import UploadError, UploadLimits, extract_zip

    assert len(CRAFTED) == 14
    archive = tmp_path / "upload.zip"
    archive.write_bytes(_crafted(kind))
    into = tmp_path / "into"
    into.mkdir()
    limits = UploadLimits(max_zip_members=50, max_unzipped_bytes=3 * 1024 * 1024)
    with pytest.raises(UploadError) as refused:
        extract_zip(archive, into, limits)
    assert str(refused.value)
    assert not (tmp_path / "evil.txt").exists() and not Path("/etc/evil.txt").exists()
