"""A simulated card provider: approves every valid card except the sandbox decline cards,
remembers charges and refunds by idempotency key (in process memory), and delivers the
outcome of a charge as a signed webhook when asked to.

``Settings.card_callback = "manual"`` (``LIVEMART_CARD_CALLBACK``) turns the webhook delivery
off, so tests deliver events themselves (:func:`app.payments.webhooks.build_event` +
:func:`~app.payments.webhooks.sign`); ``Settings.card_callback_delay`` delays it.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import secrets

from app.commerce.config import get_config
from app.errors import UserError
from app.i18n import N_
from app.payments.backends.base import FAILED, SUCCEEDED, Charge
from app.payments.webhooks import (
    CHARGE_FAILED,
    CHARGE_SUCCEEDED,
    WebhookHandler,
    build_event,
    sign,
)

log = logging.getLogger("livemart.payments.simulated")


class SimulatedBackend:
    name = "simulated"
    DECLINES = {
        "4000000000000002": N_("your card was declined"),
        "4000000000009995": N_("your card has insufficient funds"),
    }

    def __init__(self) -> None:
        self._charges: dict[str, tuple[tuple[int, str, str], Charge]] = {}
        self._refunds: dict[str, tuple[str, str]] = {}  # key -> (charge id, refund id)
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    def new_charge_id(self) -> str:
        return "ch_sim_" + secrets.token_hex(12)

    async def charge(
        self,
        charge_id: str,
        amount_cents: int,
        currency: str,
        card_digits: str,
        idempotency_key: str,
        notify: WebhookHandler | None = None,
    ) -> Charge:
        request = (amount_cents, currency, card_digits)
        async with self._lock:
            earlier = self._charges.get(idempotency_key)
            if earlier is not None:
                if earlier[0] != request:
                    raise UserError(
                        "IDEMPOTENCY_MISMATCH",
                        "this idempotency key was already used for a different payment",
                        "idempotencyKey",
                    )
                return earlier[1]
            reason = self.DECLINES.get(card_digits, "")
            charge = Charge(
                id=charge_id,
                amount_cents=amount_cents,
                currency=currency,
                card_last4=card_digits[-4:],
                provider=self.name,
                status=FAILED if reason else SUCCEEDED,
                failure_reason=reason,
            )
            if not reason:  # a declined card may be retried with another under the same key
                self._charges[idempotency_key] = (request, charge)
        if notify is not None:
            event_type = CHARGE_FAILED if reason else CHARGE_SUCCEEDED
            body = build_event(charge_id, event_type, amount_cents, currency, reason)
            config = get_config()
            if config.card_callback == "auto":
                self._deliver_later(notify, body, config.card_callback_delay)
        return charge

    def charges_made(self, charge_ids: set[str] | None = None) -> int:
        """How many successful charges this backend made (of ``charge_ids``), for tests."""
        return sum(
            1
            for _, charge in self._charges.values()
            if charge_ids is None or charge.id in charge_ids
        )

    def refunds_of(self, charge_id: str) -> list[str]:
        """The refund ids made for ``charge_id`` (tests)."""
        return [refund for charge, refund in self._refunds.values() if charge == charge_id]

    async def refund(
        self, charge_id: str, amount_cents: int, currency: str, idempotency_key: str
    ) -> str:
        async with self._lock:
            earlier = self._refunds.get(idempotency_key)
            if earlier is not None:
                return earlier[1]
            refund_id = "re_sim_" + secrets.token_hex(12)
            self._refunds[idempotency_key] = (charge_id, refund_id)
            return refund_id

    def _deliver_later(self, notify: WebhookHandler, body: bytes, delay: float) -> None:
        async def deliver() -> None:
            await asyncio.sleep(delay)
            for attempt in range(3):
                try:
                    await notify(body, sign(body))
                    return
                except UserError as exc:
                    log.warning("webhook callback refused: %s", exc.message)
                    return
                except Exception:
                    log.exception("webhook callback failed (attempt %d)", attempt + 1)
                    await asyncio.sleep(0.2 * (attempt + 1))

        # A fresh context: the callback must not run inside the caller's DB transaction.
        task = asyncio.get_running_loop().create_task(deliver(), context=contextvars.Context())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait_idle(self, timeout: float = 5.0) -> None:
        """Wait until every scheduled callback has been delivered (tests)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)

    async def close(self) -> None:
        """Cancel callbacks still waiting (app shutdown)."""
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
