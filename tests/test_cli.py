"""The ``livemart`` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_migrate_create_user_and_export(tmp_path: Path, database_url: str) -> None:
    env = {"LIVEMART_VAR_DIR": str(tmp_path / "var"), "LIVEMART_DATABASE_URL": database_url}
    migrated = run_cli("migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    made = run_cli(
        "create-user",
        f"mod-{tmp_path.name}@example.com",
        "--name",
        "Mo",
        "--role",
        "moderator",
        "--password",
        "moderate-me-1",
        env=env,
    )
    assert made.returncode == 0, made.stderr
    assert "moderator" in made.stdout
    banned = run_cli("ban-user", f"mod-{tmp_path.name}@example.com", env=env)
    assert banned.returncode == 0 and "banned" in banned.stdout, banned.stderr
    lifted = run_cli("ban-user", f"mod-{tmp_path.name}@example.com", "--lift", env=env)
    assert lifted.returncode == 0 and "lifted" in lifted.stdout, lifted.stderr
    unknown = run_cli("ban-user", "nobody@example.com", env=env)
    assert unknown.returncode == 2 and "not found" in unknown.stderr
    weak = run_cli("create-user", "w@example.com", "--name", "Wu", "--password", "x", env=env)
    assert weak.returncode == 2 and "at least 10" in weak.stderr
    out = tmp_path / "schema.graphql"
    exported = run_cli("export-schema", "--output", str(out), env=env)
    assert exported.returncode == 0 and "type Query" in out.read_text()


def test_bad_setting_fails_with_the_variable_name(tmp_path: Path) -> None:
    result = run_cli(
        "migrate", env={"LIVEMART_VAR_DIR": str(tmp_path), "LIVEMART_DATABASE_URL": "oracle://x"}
    )
    assert result.returncode == 2
    assert "LIVEMART_DATABASE_URL" in result.stderr
