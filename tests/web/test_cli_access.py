"""``recoup user grant`` / ``revoke`` / ``list`` and ``user add --practice``: which practices a
user of the web app may see, from the command line; and ``recoup remind`` keeping each user's
list to their practices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recoup.cli import app
from recoup.store import DenialQuery, Store
from web.helpers import EXAMPLE, TODAY

runner = CliRunner()
LITTLE_STEPS = EXAMPLE.parent / "little-steps-aba"
A = "1548213069"  # Brightpath Physical Therapy
B = "1730496282"  # Little Steps Autism Center
ENV = {"RECOUP_PASSWORD": "a long password"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli-access") / "r.db"
    for folder in (EXAMPLE, LITTLE_STEPS):
        files = [str(p) for p in sorted((folder / "remittances").glob("*.835"))]
        done = runner.invoke(app, ["import", "--db", str(db), str(folder), *files])
        assert done.exit_code == 0, done.output
    return db


@pytest.fixture
def db(template: Path, tmp_path: Path) -> str:
    target = tmp_path / "r.db"
    target.write_bytes(template.read_bytes())
    return str(target)


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=ENV)
    return result.exit_code, result.output


def test_grant_by_npi_or_name_and_revoke(db: str) -> None:
    assert _run("user", "add", "sam", "--db", db)[0] == 0
    code, text = _run("user", "grant", "sam", A, "little steps autism center", "--db", db)
    assert code == 0 and f"sam sees: {A}, {B}" in text
    code, text = _run("user", "revoke", "sam", A, "--db", db)
    assert code == 0 and f"sam sees: {B}" in text
    with Store.open(db) as store:
        assert store.practice_grants("sam") == [B]
        assert store.allowed_practices("sam", "biller") == frozenset({B})
        actions = [(e.action, e.detail) for e in store.audit_entries(limit=20)]
    assert ("user.grant_practice", f"sam: {A}") in actions
    assert ("user.revoke_practice", f"sam: {A}") in actions


def test_every_practice_and_the_list(db: str) -> None:
    _run("user", "add", "lee", "--role", "readonly", "--db", db)
    _run("user", "add", "dana", "--role", "admin", "--db", db)
    code, text = _run("user", "grant", "lee", "*", "--db", db)
    assert code == 0 and "lee sees every practice" in text
    code, text = _run("user", "list", "--db", db)
    assert code == 0
    lines = dict(line.split("\t", 1) for line in text.strip().splitlines())
    assert lines == {"lee": "readonly\tevery practice", "dana": "admin\tevery practice"}
    listed = json.loads(_run("user", "list", "--json", "--db", db)[1])
    assert {u["username"]: u["practices"] for u in listed["users"]} == {"lee": ["*"], "dana": []}


def test_add_with_practices_and_what_is_refused(db: str) -> None:
    code, text = _run("user", "add", "kim", "--practice", B, "--db", db)
    assert code == 0 and "user kim added (biller)" in text and "no practice yet" not in text
    code, text = _run("user", "add", "joe", "--db", db)
    assert code == 0 and "joe sees no practice yet: recoup user grant joe" in text
    # an unknown practice names the ones there are, and adds nobody
    code, text = _run("user", "add", "max", "--practice", "Nowhere Clinic", "--db", db)
    assert code == 1 and 'no practice "Nowhere Clinic"' in text and A in text
    code, text = _run("user", "grant", "joe", "Nowhere Clinic", "--db", db)
    assert code == 1 and "Brightpath Physical Therapy" in text
    code, text = _run("user", "grant", "ghost", A, "--db", db)
    assert code == 1 and "there is no user ghost" in text
    code, text = _run("user", "revoke", "kim", A, "--db", db)
    assert code == 1 and "kim was not granted" in text
    with Store.open(db) as store:
        assert store.user("max") is None
        assert store.practice_grants("kim") == [B] and store.practice_grants("joe") == []


def test_a_clinic_with_one_practice_gives_it_to_a_new_user(tmp_path: Path) -> None:
    """A store holding one practice (a clinic's own): a biller added without --practice sees
    it, and is told so; an admin keeps every practice without a grant."""
    db = str(tmp_path / "one.db")
    files = [str(p) for p in sorted((EXAMPLE / "remittances").glob("*.835"))]
    assert runner.invoke(app, ["import", "--db", db, str(EXAMPLE), *files]).exit_code == 0
    code, text = _run("user", "add", "pat", "--db", db)
    assert code == 0 and "pat sees Brightpath Physical Therapy, the store's one practice" in text
    code, text = _run("user", "add", "ann", "--role", "admin", "--db", db)
    assert code == 0 and "sees" not in text
    with Store.open(db) as store:
        assert store.practice_grants("pat") == [A]
        assert store.practice_grants("ann") == []


def test_remind_keeps_each_user_to_their_practices(db: str) -> None:
    _run("user", "add", "sam", "--practice", B, "--db", db)
    with Store.open(db) as store:
        rows = store.all_denials(DenialQuery(status="active"), today=TODAY)
        a_row = next(r for r in rows if r.practice_key == A and r.patient_account)  # a denial
        b_row = next(r for r in rows if r.practice_key == B)
        store.assign([a_row.id, b_row.id], "sam", "admin")
        store.set_follow_up([a_row.id, b_row.id], TODAY, "admin")
    result = runner.invoke(
        app, ["remind", "--json", "--user", "sam", "--today", TODAY.isoformat(), "--db", db]
    )
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["users"]["sam"]
    assert {i["denial"] for i in items} == {b_row.id}
    assert "left out: 1 item(s) of sam in practices sam may not see" in result.stderr
    _run("user", "grant", "sam", A, "--db", db)
    code, text = _run("remind", "--json", "--user", "sam", "--today", TODAY.isoformat(), "--db", db)
    assert code == 0
    assert {i["denial"] for i in json.loads(text)["users"]["sam"]} == {a_row.id, b_row.id}


@pytest.mark.parametrize("command", ["grant", "revoke"])
def test_the_commands_document_themselves(command: str) -> None:
    result = runner.invoke(app, ["user", command, "--help"])
    assert result.exit_code == 0 and "--db" in result.output and "NPI" in result.output
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"recoup user {command}" in readme
