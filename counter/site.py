"""What the client knows about its site: services, counters and which ones are ours (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Service:
    id: str
    prefix: str
    name: str


@dataclass(frozen=True)
class SiteInfo:
    """The site of one counter, read once at sign-in from ``GET /api/v1/sites/{site}``."""

    id: str
    counter_id: str
    counter_number: int
    counter_services: tuple[str, ...]
    services: Mapping[str, Service] = field(default_factory=dict)
    counters: Mapping[str, int] = field(default_factory=dict)  # counter id -> number

    def service_name(self, service_id: str) -> str:
        found = self.services.get(service_id)
        return found.name if found else service_id

    def counter_label(self, counter_id: str) -> str:
        number = self.counters.get(counter_id)
        return f"{number}号窗口" if number is not None else counter_id


def from_detail(detail: Mapping[str, Any], counter_id: str) -> SiteInfo | None:
    """The site as seen from ``counter_id``, or None when that counter is not in this site."""
    counters = {str(k["id"]): int(k["number"]) for k in detail.get("counters", [])}
    ours = next((k for k in detail.get("counters", []) if k["id"] == counter_id), None)
    if ours is None:
        return None
    services = {
        str(s["id"]): Service(str(s["id"]), str(s.get("prefix", "")), str(s.get("name", s["id"])))
        for s in detail.get("services", [])
    }
    return SiteInfo(
        id=str(detail["id"]),
        counter_id=counter_id,
        counter_number=int(ours["number"]),
        counter_services=tuple(ours.get("services", ())),
        services=services,
        counters=counters,
    )
