"""Sign-in lockout that costs the attacker, not the clerk (SPEC 8).

Two buckets guard each account (numbers in ``config.toml [limits]``). Per (address, account):
10 attempts in 10 minutes, then that address waits; guessing from one machine is slow, and it
locks nobody else out. Per account, from addresses it has never signed in from: 50 attempts an
hour, so spreading guesses over many machines stays slow too. An address where the account
signed in before (the clerk's own counter PC) is not held by that second bucket, so an attacker
elsewhere cannot lock the clerk out of their own machine. A supervisor can unlock an account
(both buckets) on /admin/accounts.

On SQLite the buckets and good addresses live in the one server process; with several processes
on PostgreSQL they are the database's (core/shared_limits.py), so N processes allow one
lockout's attempts, not N times as many (docs/scale.md).
"""

from __future__ import annotations

from collections import OrderedDict

from core import shared_limits
from core.store.db import Store
from web.guard.limits import Buckets, RateLimited

KNOWN_MAX = 50_000  # accounts remembered with their good addresses


class LoginGuard:
    def __init__(self, buckets: Buckets, store: Store | None = None) -> None:
        self.buckets = buckets
        self.store = store  # PostgreSQL: the buckets and good addresses of every process
        limits = buckets.limits
        self.per_address = (limits.login_attempts_per_account_and_address, 600.0)  # attempts, seconds
        self.elsewhere = (limits.login_attempts_per_account_elsewhere_per_hour, 3600.0)
        self._known: OrderedDict[str, set[str]] = OrderedDict()

    async def attempt(self, username: str, address: str) -> None:
        """Spend one attempt of ``username`` from ``address``.

        :raises RateLimited: with a message that says whose wait it is.
        """
        user = username.lower()[:64]
        try:
            if self.store is not None:
                wait = await self.store.write(shared_limits.sign_in_attempt, user, address, self.per_address,
                                              self.elsewhere)  # fmt: skip
                if wait > 0:
                    raise RateLimited(wait)
                return
            self.buckets.take(f"login:{user}:addr:{address}", *self.per_address)
            if address not in self._known.get(user, ()):
                self.buckets.take(f"login:{user}:elsewhere", *self.elsewhere)
        except RateLimited as e:
            minutes = max(1, round(e.retry_after / 60))
            e.message = (
                f"登录失败次数过多，本机 {minutes} 分钟内不能登录该账号，或请主管解锁 / too many sign-in attempts: "
                f"this account is locked here for {minutes} min, or ask a supervisor to unlock it"
            )
            raise

    async def succeeded(self, username: str, address: str) -> None:
        user = username.lower()[:64]
        if self.store is not None:
            await self.store.write(shared_limits.signed_in, user, address)
            return
        good = self._known.pop(user, set())
        if len(good) < 16:
            good.add(address)
        self._known[user] = good
        while len(self._known) > KNOWN_MAX:
            self._known.popitem(last=False)

    async def unlock(self, username: str) -> int:
        """Empty every sign-in bucket of ``username``; how many there were."""
        prefix = f"login:{username.lower()[:64]}:"
        if self.store is not None:
            return await self.store.write(shared_limits.forget, prefix)
        return self.buckets.forget(prefix)
