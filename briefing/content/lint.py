"""Warnings about valid content: what `check` points out without failing, such as a source
with no archived copy. Each rule is a function of a parsed brief; add new ones to LINTS."""

from __future__ import annotations

from typing import Callable

from ..errors import WARNING, Problem
from ..model import Brief


def missing_archived_copies(brief: Brief) -> list[Problem]:
    """A source without an `archived` address may vanish with the page it cites."""
    lines = brief.source_lines or (1,) * len(brief.sources)
    return [
        Problem(
            brief.path, line, f"sources[{index}].archived",
            "no archived copy; add the address of a snapshot (e.g. from web.archive.org) so readers can still "
            "read the source if its page moves or disappears",
            WARNING,
        )
        for index, (source, line) in enumerate(zip(brief.sources, lines), start=1)
        if not source.archived
    ]


LINTS: tuple[Callable[[Brief], list[Problem]], ...] = (missing_archived_copies,)


def lint_brief(brief: Brief) -> list[Problem]:
    """Every warning about one valid brief."""
    return [warning for rule in LINTS for warning in rule(brief)]
