"""Which site a staff page is about."""

from __future__ import annotations

from starlette.requests import Request

from web.deps import Staff, can_see, hall_of
from web.render import Refused, error_page


def page_site(request: Request, who: Staff) -> tuple[Staff, str]:
    """``who`` and the site a page is about: ``?site=``, else their own.

    :raises Refused: a 404 page for an unknown site, 403 for one they may not see.
    """
    hall = hall_of(request)
    asked = request.query_params.get("site") or who.site or hall.config.sites[0].id
    if hall.config.site(asked) is None:
        raise Refused(error_page(request, 404, "没有这个服务中心 / unknown site"))
    if not can_see(who, asked):
        raise Refused(error_page(request, 403, "您不属于这个中心 / you do not work at this center"))
    return who, asked
