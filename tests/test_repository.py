"""The repository itself: the README's two commands, CI running the README's test command,
lint and format, and nothing from the network."""

import re
import subprocess
import sys

from tests.support import ROOT

README = (ROOT / "README.md").read_text()


def readme_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", README)[:2]


def test_readme_opens_with_the_setup_and_the_test_command():
    main_job, tests = readme_commands()
    assert "pip install -e ." in main_job and main_job.strip().endswith(".venv/bin/course")
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command_exactly():
    ci = (ROOT / ".ci" / "run").read_text()
    assert readme_commands()[1] in ci.splitlines()


def test_ruff_lint_and_format_are_clean():
    ruff = [sys.executable, "-m", "ruff"]
    lint = subprocess.run([*ruff, "check", str(ROOT)], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout[-3000:]
    fmt = subprocess.run([*ruff, "format", "--check", str(ROOT)], capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout[-3000:]


def test_generated_and_private_folders_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().split()
    for folder in (".course/", "site/_build/", ".venv/"):
        assert folder in ignored
