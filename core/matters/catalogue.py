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
    for i, svc in enumerate(cfg.services):
        for j, entry in enumerate(svc.guide):
            _check_guide(cfg, svc.id, entry, f"$.services[{i}].guide[{j}]")
    return cfg


def _check_guide(cfg: _Config, service: str, entry: Any, path: str) -> None:
    """A guide entry names an item of its own service whose documents stand in the same order."""
    if not entry.item:
        return
    item = item_of(cfg, entry.item)
    if item is None or item.service != service:
        raise ConfigError(f"{path}.item: no matter {entry.item!r} of the service {service!r} in [[matters]]")
    if len(item.documents) != len(entry.documents):
        raise ConfigError(f"{path}.documents: list the {len(item.documents)} documents of {entry.item!r}, in its order")


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
MARK_EN = " (e-licence accepted)"


def guide_item(cfg: _Config, service: str, guide_name: str) -> tuple[Any, Item] | None:
    """The guide entry ``guide_name`` of ``service`` and the catalogue item it names by id (``item``)."""
    svc = next((s for s in cfg.services if s.id == service), None)
    entry = next((g for g in svc.guide if g.name == guide_name), None) if svc is not None else None
    item = item_of(cfg, entry.item) if entry is not None and entry.item else None
    return None if item is None else (entry, item)


def licence_documents(cfg: _Config, service: str, guide_name: str) -> set[str]:
    """The documents (zh and en) of the guide entry ``guide_name`` that an electronic licence replaces: those
    at the places of its catalogue item's documents marked ``elicence`` (by the item's id, not by their words)."""
    found = guide_item(cfg, service, guide_name)
    if found is None:
        return set()
    entry, item = found
    return {n for i in _licensed(item) for n in (entry.documents[i], *entry.documents_en[i : i + 1])}


def _licensed(item: Item) -> list[int]:
    return [i for i, d in enumerate(item.documents) if d.elicence]


def marked(cfg: _Config, service: str, guide_name: str, documents: list[str]) -> list[str]:
    """A guide's documents with the e-licence mark where it applies (kiosk screens, printed guides)."""
    found = guide_item(cfg, service, guide_name)
    replaced = _licensed(found[1]) if found is not None else []
    return [d + MARK if i in replaced else d for i, d in enumerate(documents)]


def marked_en(cfg: _Config, service: str, guide_name: str) -> list[str]:
    """The same documents in English, marked: the entry's ``documents_en``, else its catalogue item's
    English names; empty when there is neither (the page then shows the Chinese list)."""
    found = guide_item(cfg, service, guide_name)
    if found is None:
        return []
    entry, item = found
    names = entry.documents_en or [d.name_en or d.name for d in item.documents]
    return [d + MARK_EN if item.documents[i].elicence else d for i, d in enumerate(names)]


def guides(cfg: _Config, service: Any) -> list[dict[str, Any]]:
    """A service's guide for a screen: each entry's documents in Chinese and English, marked."""
    return [{"name": m.name, "name_en": m.name_en, "documents": marked(cfg, service.id, m.name, m.documents),
             "documents_en": marked_en(cfg, service.id, m.name)} for m in service.guide]  # fmt: skip
