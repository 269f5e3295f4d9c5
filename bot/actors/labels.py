"""Sectors and resource types as plain values (no database), for renderers and the digest."""

from __future__ import annotations

from bot.core.i18n import N_

SECTORS = ("state", "private", "civil", "movement", "academia", "community", "other")
# what each sector is called; translated where it is shown (also by the digest)
SECTOR_LABELS = {
    "state": N_("State / public office"),
    "private": N_("Private company"),
    "civil": N_("Civil-society organization"),
    "movement": N_("Social movement"),
    "academia": N_("Academia"),
    "community": N_("Community / neighbours"),
    "other": N_("Other"),
}
RESOURCE_TYPES = ("material", "symbolic", "human")
