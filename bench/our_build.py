"""Our build exactly as `build.py build ARGS`, but without the search indexing step.

The benchmark times Pagefind as its own row for both tools, so the build rows leave it
out: the same command line, options and code run, with BuildOptions.search_index False.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from briefing import cli  # noqa: E402


def _without_search_index(build_site):
    def build(options, *args, **kwargs):
        return build_site(replace(options, search_index=False), *args, **kwargs)

    return build


if __name__ == "__main__":
    cli.build_site = _without_search_index(cli.build_site)  # the name cli's build command calls
    sys.exit(cli.main(["build", *sys.argv[1:]]))
