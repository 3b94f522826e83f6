"""Path convertors: ``{x:int}`` only matches ids a database row can have (1 … 2³¹−1).

A longer number in a URL is a 404 instead of an overflow in the database driver.
"""

from __future__ import annotations

from starlette.convertors import IntegerConvertor, register_url_convertor

# 0 … 2147483647 without a numeric check in Python: a route either matches or 404s.
INT32 = (
    "[0-9]{1,9}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}"
    "|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]"
    "|214748364[0-7]"
)


class Int32Convertor(IntegerConvertor):
    regex = f"(?:{INT32})"


register_url_convertor("int", Int32Convertor())
