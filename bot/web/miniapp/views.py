"""HTML of the web side: one Jinja2 environment, autoescaped, built once, over the Mini App's
`templates/` and `bot/web/templates/` (the public page's, under `public/`). The Mini App's
shell (`base.html`: theme, CSS, the script) is its only full page; everything else of it is a
fragment that the shell's script fetches with `initData` and puts in its `<main>`."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def environment() -> Environment:
    return Environment(
        loader=ChoiceLoader(
            [PackageLoader("bot.web.miniapp", "templates"), PackageLoader("bot.web", "templates")]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **values: Any) -> str:
    return environment().get_template(template).render(**values)
