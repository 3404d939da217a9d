"""CI runs the test command the README gives, so a green CI says the README's command passes."""

from __future__ import annotations

from tests.conftest import PROJECT


def test_ci_runs_the_readmes_test_command_as_written() -> None:
    [command] = [line for line in (PROJECT / "README.md").read_text().splitlines() if "'.[test]'" in line]
    assert command in (PROJECT / ".ci" / "run").read_text().splitlines()
