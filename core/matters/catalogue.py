"""The catalogue of matters (事项目录, SPEC 6c): what a counter can accept, read from config.

Each item names the service that accepts it, its promised time in working days (承诺时限),
where it is processed (``here``: the accepting center; ``home``: the applicant's home center,
chosen by the clerk) and its documents, marking those an electronic licence replaces (免于提交).
Loaded with the rest of the config (core/config.py ``matters``); ``checked`` holds the rules that
span the config (known services, unique ids) and stops the start with the bad field's path.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Protocol, TypeVar

import msgspec

from core.errors import ConfigError

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class Document(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """One document of an item; ``elicence``: an electronic licence (电子证照) replaces it."""

    name: str
    name_en: str = ""
    elicence: bool = False
    optional: bool = False  # needed only in some cases (the clerk decides; never missing by itself)


class Item(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    id: str
    name: str
    name_en: str
    service: str  # the service that accepts it (its counters open the matter)
    days: Annotated[int, msgspec.Meta(ge=0, le=120)]  # 承诺时限, working days; 0: finished the same day (即办)
    processed: Literal["here", "home"] = "here"
    documents: list[Document] = []
    # A bad rating's follow-up is due this many working days after the rating (SPEC 6c, 一事一评).
    followup_days: Annotated[int, msgspec.Meta(ge=1, le=30)] = 5
    source: str = ""  # where the document list comes from (docs/matters.md)

    def __post_init__(self) -> None:
        if not _SLUG.match(self.id):
            raise ValueError(f"matter id {self.id!r} is not a lowercase slug")
        if not self.documents:
            raise ValueError(f"matter {self.id!r}: list its documents")


class _Config(Protocol):
    @property
    def services(self) -> Any: ...
    @property
    def matters(self) -> list[Item]: ...


C = TypeVar("C", bound=_Config)


def checked(cfg: C) -> C:
    """The config, once its catalogue names known services and no item twice.

    :raises ConfigError: with the path of the bad field.
    """
    services = {s.id for s in cfg.services}
    seen: set[str] = set()
    for i, item in enumerate(cfg.matters):
        if item.id in seen:
            raise ConfigError(f"$.matters[{i}].id: duplicate matter id {item.id!r}")
        seen.add(item.id)
        if item.service not in services:
            raise ConfigError(f"$.matters[{i}].service: unknown service {item.service!r}")
    return cfg


def item_of(cfg: _Config, item_id: str) -> Item | None:
    return next((m for m in cfg.matters if m.id == item_id), None)


def items_for(cfg: _Config, service: str) -> list[Item]:
    return [m for m in cfg.matters if m.service == service]


def public(item: Item) -> dict[str, Any]:
    """An item as pages and the API show it (documents with their e-licence marks)."""
    return {
        **{key: getattr(item, key) for key in ("id", "name", "name_en", "service", "days", "processed")},
        "documents": [
            {"index": i, "name": d.name, "name_en": d.name_en or d.name, "elicence": d.elicence, "optional": d.optional}
            for i, d in enumerate(item.documents)
        ],
    }


MARK = "（可用电子证照免交）"  # what a guide adds to a document an electronic licence replaces (SPEC 6c)


def licence_documents(cfg: _Config, service: str, guide_name: str) -> set[str]:
    """The documents (zh and en) of the guide matter ``guide_name`` that an electronic licence replaces:
    those the catalogue item of the same service and name marks ``elicence``."""
    out: set[str] = set()
    for item in cfg.matters:
        if item.service == service and item.name == guide_name:
            out.update(n for d in item.documents if d.elicence for n in (d.name, d.name_en) if n)
    return out


def marked(cfg: _Config, service: str, guide_name: str, documents: list[str]) -> list[str]:
    """A guide's documents with the e-licence mark where it applies (kiosk screens, printed guides)."""
    replaced = licence_documents(cfg, service, guide_name)
    return [d + MARK if d in replaced else d for d in documents]
