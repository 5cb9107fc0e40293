"""An unknown site's id is echoed back short: a path of kilobytes is not repeated in the answer."""

from __future__ import annotations

from starlette.testclient import TestClient


def test_an_unknown_site_is_named_short(client: TestClient) -> None:
    long_id = "x" * 4000
    for path in (f"/api/v1/sites/{long_id}", f"/api/v1/sites/{long_id}/services"):
        r = client.get(path)
        assert r.status_code == 404
        err = r.json()["error"]
        assert err["code"] == "unknown_site"
        assert len(err["message"]) < 120 and "x" * 40 in err["message"]
