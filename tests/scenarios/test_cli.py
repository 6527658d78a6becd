"""The command line: init reads the password from standard input; --version; errors are clear."""

from __future__ import annotations

import io

import pytest

from app import auth, cli
from db.engine import make_database
from ui import launcher


def test_init_creates_the_administrator_from_stdin(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-secret\n"))
    assert cli.main(["--data-dir", str(tmp_path), "init", "--admin", "boss"]) == 0
    assert "已建立管理员账号 boss" in capsys.readouterr().out
    db = make_database(f"sqlite:///{tmp_path / 'frontdesk.sqlite3'}")
    with db.Session.begin() as s:
        assert auth.sign_in(s, "boss", "a-long-secret").role == auth.Role.ADMIN
    db.dispose()
    monkeypatch.setattr("sys.stdin", io.StringIO("another-secret\n"))
    assert cli.main(["--data-dir", str(tmp_path), "init", "--admin", "second"]) == 2
    assert "已经建立" in capsys.readouterr().err


def test_init_refuses_a_short_password(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli.main(["--data-dir", str(tmp_path), "init", "--admin", "boss"]) == 2
    assert "至少 8 位" in capsys.readouterr().err


def test_version_and_smoke(tmp_path, monkeypatch, capsys):
    with pytest.raises(SystemExit) as e:
        launcher.main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.startswith("FrontDesk ")
    monkeypatch.setenv("FRONTDESK_HOME", str(tmp_path / "never-used"))
    assert launcher.main(["--smoke"]) == 0
    assert "smoke ok" in capsys.readouterr().out
    assert not (tmp_path / "never-used").exists()
