"""HTML of the Mini App: one Jinja2 environment over `templates/`, autoescaped. The shell
(`base.html`: theme, CSS, the script) is the only full page; everything else is a fragment
that the shell's script fetches with `initData` and puts in its `<main>`."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("bot.web.miniapp", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **values: Any) -> str:
    return environment().get_template(template).render(**values)
