"""Bad uploads: too big, zip bombs, paths outside the archive, malformed files. Each is refused
with a message that says why, and the store is left exactly as it was."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from recoup.web.uploads import UploadError, UploadLimits, extract_zip, safe_name
from web.conftest import WebFactory
from web.helpers import EXAMPLE, Web, zip_folder
from x12_samples import HEADER, VISIT_21, interchange, transaction

ERA = EXAMPLE / "remittances" / "2026-04-17_summit-health-plan.835"


def _zip(members: dict[str, bytes], *, link: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def _import(web: Web, *files: tuple[str, bytes]) -> list[dict[str, object]]:
    answer = web.post(
        "/api/imports",
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
    )
    assert answer.status_code == 200, answer.text
    results: list[dict[str, object]] = answer.json()["results"]
    return results


@pytest.fixture
def empty(make_web: WebFactory) -> Web:
    return make_web(example=False)


def test_a_good_835_imports_and_fills_the_worklist(empty: Web) -> None:
    [result] = _import(empty, (ERA.name, ERA.read_bytes()))
    assert result["status"] == "imported" and result["claims"] == 11
    assert empty.client.get("/api/denials").json()["total"] == 2
    [again] = _import(empty, (ERA.name, ERA.read_bytes()))
    assert again["status"] == "already imported"


def test_a_malformed_835_writes_nothing(empty: Web) -> None:
    before = empty.store.row_counts()
    text = ERA.read_text()
    # one payment only, with an amount written the European way: nothing can be posted
    one = transaction(HEADER + VISIT_21, paid="0.00")
    broken = interchange(one).decode().replace("CAS*CO*119*120", "CAS*CO*119*12,0", 1)
    assert "12,0" in broken and text
    [result] = _import(empty, ("broken.835", broken.encode()))
    assert result["status"] == "failed"
    messages = " ".join(result["messages"])  # type: ignore[arg-type]
    assert "broken.835" in messages and "segment" in messages
    assert "/tmp" not in messages
    counts = empty.store.row_counts()
    assert {k: v for k, v in counts.items() if k != "audit_log"} == {
        k: v for k, v in before.items() if k != "audit_log"
    }


def test_a_file_with_one_malformed_payment_posts_the_others(empty: Web) -> None:
    text = ERA.read_text()
    broken = text.replace("CAS*CO*119*120", "CAS*CO*119*12,0", 1)
    [result] = _import(empty, ("broken.835", broken.encode()))
    assert result["status"] == "imported"
    messages = " ".join(result["messages"])  # type: ignore[arg-type]
    assert "was not posted" in messages and "segment" in messages
    full = _import(empty, ("fixed.835", text.encode()))[0]  # the payer's corrected copy
    assert full["status"] == "imported" and full["new_claims"] > 0
    assert int(full["new_claims"]) + int(result["claims"]) == 11  # type: ignore[call-overload]


def test_garbage_is_not_an_835(empty: Web) -> None:
    [result] = _import(empty, ("notes.txt", b"hello, this is not X12"))
    assert result["status"] == "failed"
    assert empty.client.get("/api/denials").json()["total"] == 0


def test_a_file_over_the_limit_is_refused(make_web: WebFactory) -> None:
    web = make_web(example=False, limits=UploadLimits(max_file_bytes=1000))
    [result] = _import(web, (ERA.name, ERA.read_bytes()))
    assert result["status"] == "refused"
    assert "larger than the limit" in result["messages"][0]  # type: ignore[index]
    assert web.store.row_counts()["claims"] == 0


def test_a_request_over_the_limit_is_413_before_parsing(make_web: WebFactory) -> None:
    web = make_web(example=False, limits=UploadLimits(max_request_bytes=50_000))
    answer = web.post("/api/imports", files=[("files", ("big.835", b"x" * 60_000, "text/plain"))])
    assert answer.status_code == 413
    assert "larger than the limit" in answer.json()["error"]
    page = web.client.post(
        "/import",
        files=[("files", ("big.835", b"x" * 60_000, "text/plain"))],
        data={"csrf_token": web.token},
    )
    assert page.status_code == 413 and "Back to import" in page.text


def test_a_zip_bomb_by_ratio_is_refused(empty: Web) -> None:
    bomb = _zip({"practice/practice.toml": b"", "practice/visits.csv": b"0" * 30_000_000})
    assert len(bomb) < 100_000
    [result] = _import(empty, ("bomb.zip", bomb))
    assert result["status"] == "refused"
    assert "zip bomb" in result["messages"][0]  # type: ignore[index]
    assert empty.store.row_counts()["practices"] == 0


def test_a_zip_over_the_total_size_is_refused(make_web: WebFactory) -> None:
    web = make_web(example=False, limits=UploadLimits(max_unzipped_bytes=10_000))
    [result] = _import(web, ("brightpath.zip", zip_folder(EXAMPLE)))
    assert result["status"] == "refused"
    assert "would expand to" in result["messages"][0]  # type: ignore[index]
    assert web.store.row_counts()["practices"] == 0


@pytest.mark.parametrize(
    "name",
    ["../evil.txt", "practice/../../evil.txt", "/etc/evil.txt", "C:/evil.txt", "a\\..\\evil"],
)
def test_paths_outside_the_archive_are_refused(empty: Web, name: str, tmp_path: Path) -> None:
    [result] = _import(empty, ("trick.zip", _zip({"practice/practice.toml": b"", name: b"x"})))
    assert result["status"] == "refused"
    assert "path" in result["messages"][0]  # type: ignore[index]
    assert not (tmp_path / "evil.txt").exists()


def test_links_in_an_archive_are_refused(empty: Web) -> None:
    [result] = _import(empty, ("link.zip", _zip({"p/practice.toml": b""}, link="p/patients.csv")))
    assert result["status"] == "refused" and "link" in result["messages"][0]  # type: ignore[index]


def test_a_zip_without_a_practice_or_not_a_zip_at_all(empty: Web) -> None:
    [none] = _import(empty, ("empty.zip", _zip({"readme.txt": b"hi"})))
    assert "no practice.toml" in none["messages"][0]  # type: ignore[index]
    [bad] = _import(empty, ("fake.zip", b"PK\x03\x04 not really a zip"))
    assert bad["status"] == "refused" and "zip" in bad["messages"][0]  # type: ignore[index]


def test_a_broken_practice_folder_writes_nothing_and_keeps_the_old_copy(web: Web) -> None:
    before = web.store.row_counts()
    kept = next((web.app.state.recoup.data_dir / "practices").iterdir())
    patients_before = (kept / "patients.csv").read_text()
    broken = {
        f"brightpath-pt/{p.relative_to(EXAMPLE).as_posix()}": p.read_bytes()
        for p in EXAMPLE.rglob("*")
        if p.is_file()
    }
    broken["brightpath-pt/patients.csv"] = b"patient_id,first_name\nP1,Ann\n"
    broken["brightpath-pt/visits.csv"] = b"patient_id,claim_id,service_date\nP1,C1,not a date\n"
    [result] = _import(web, ("brightpath-pt.zip", _zip(broken)))
    assert result["status"] == "failed"
    assert "nothing from this archive was imported" in result["messages"]  # type: ignore[operator]
    assert any("visits.csv" in m for m in result["messages"])  # type: ignore[union-attr]
    after = web.store.row_counts()
    assert {k: v for k, v in after.items() if k != "audit_log"} == {
        k: v for k, v in before.items() if k != "audit_log"
    }
    assert (kept / "patients.csv").read_text() == patients_before


def test_the_import_page_shows_results_per_file(empty: Web) -> None:
    page = empty.client.post(
        "/import",
        files=[
            ("files", (ERA.name, ERA.read_bytes(), "text/plain")),
            ("files", ("junk.835", b"junk", "text/plain")),
        ],
        data={"csrf_token": empty.token},
    )
    assert page.status_code == 200
    assert "1 of 2 files were not imported" in page.text
    assert ERA.name in page.text and "junk.835" in page.text
    partial = empty.client.post(
        "/import",
        files=[("files", (ERA.name, ERA.read_bytes(), "text/plain"))],
        data={"csrf_token": empty.token},
        headers={"HX-Request": "true"},
    )
    assert "<html" not in partial.text and "Already imported" in partial.text


def test_extract_zip_adds_up_every_member(tmp_path: Path) -> None:
    """Members small enough one by one are refused together when they exceed the total."""
    data = _zip({"p/practice.toml": b"", "p/a.csv": b"a" * 2500, "p/b.csv": b"b" * 2500})
    archive = tmp_path / "a.zip"
    archive.write_bytes(data)
    with pytest.raises(UploadError):
        extract_zip(archive, tmp_path / "out", UploadLimits(max_unzipped_bytes=4000))


def test_safe_name_keeps_only_the_file_name() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\x\\era 1.835") == "era_1.835"
    assert safe_name("...") == "upload"


def test_kept_practice_folders_are_named_after_the_practice(tmp_path: Path) -> None:
    """Two practices uploaded as flat zips (or from folders of the same name) are kept apart."""
    from recoup.web.practices import kept_practice, kept_practices

    data = tmp_path / "data"
    for npi in ("1548213069", "1730496282"):
        folder = tmp_path / npi / "unzipped"
        folder.mkdir(parents=True)
        (folder / "practice.toml").write_text(f'name = "Clinic {npi}"\nnpi = "{npi}"\n')
        with kept_practice(data, folder) as kept:
            assert kept.name == npi
    assert [p.name for p in kept_practices(data)] == ["1548213069", "1730496282"]
