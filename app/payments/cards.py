"""Card numbers: validation (Luhn) and the sandbox test cards every backend knows."""

from __future__ import annotations

from app.errors import UserError

# Test cards, as payment sandboxes have them.
APPROVED_TEST_CARD = "4242 4242 4242 4242"
DECLINED_TEST_CARD = "4000 0000 0000 0002"
INSUFFICIENT_FUNDS_TEST_CARD = "4000 0000 0000 9995"


def normalize_card(card_number: str) -> str:
    """Digits of a card number; ``INVALID_CARD`` unless 12–19 digits passing Luhn."""
    digits = "".join(ch for ch in (card_number or "") if not ch.isspace() and ch != "-")
    if not digits.isdigit() or not 12 <= len(digits) <= 19 or not luhn_ok(digits):
        raise UserError("INVALID_CARD", "enter a valid card number", "cardNumber")
    return digits


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0
