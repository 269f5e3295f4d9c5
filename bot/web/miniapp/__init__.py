"""The coordinators' Mini App (issue 22): pages of one group for its coordinators and
members, served by `minga serve` (and `minga run --web`). `initdata` checks Telegram's
signature, `access` the viewer's role, `pages` holds the pages (how to add one is there),
`routes` the HTTP side, `views` the templates."""
