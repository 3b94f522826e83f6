"""Errors a user can cause. Services raise :class:`UserError`; interfaces render it.

GraphQL mutations turn it into a typed ``{code, field, message}`` entry in the payload;
pages show ``message`` next to ``field``. Nothing is changed when one is raised.

``code`` is stable (clients branch on it); ``message`` is read in the current language
(``app.i18n``: the request's, or the recipient's): the code holds the English sentence,
which is the catalog's message id. A message with values names them as ``{name}``
placeholders filled from ``params``, so the sentence is translated once:
``UserError("INVALID_DURATION", "mute for 1 to {max} minutes", "minutes", {"max": 60})``.
A value that is a word is passed translated when shown (``lazy_gettext`` of a marked
msgid); a value that is another :class:`UserError` stands for its message.
"""

from __future__ import annotations

from typing import Any

from app.i18n import N_, gettext


class UserError(Exception):
    """Something the user can fix: a stable ``code``, the input ``field`` and a message."""

    def __init__(
        self,
        code: str,
        message: str,
        field: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.code = code
        self.template = message
        self.field = field
        self.params = dict(params or {})
        super().__init__(code, message, field)

    @property
    def message(self) -> str:
        """The message in the current language (English where no translation is known)."""
        text = gettext(self.template)
        if not self.params:
            return text
        # A value that is itself an error (a reason) is read in the current language too.
        values = {k: v.message if isinstance(v, UserError) else v for k, v in self.params.items()}
        return text.format(**values)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(code={self.code!r}, message={self.message!r}, field={self.field!r})"


class NotFound(UserError):
    def __init__(self, what: str = "object", field: str | None = None) -> None:
        super().__init__("NOT_FOUND", N_("{what} not found"), field, {"what": what})

    @property
    def message(self) -> str:
        return gettext(self.template).format(what=gettext(self.params["what"]))


class PermissionDenied(UserError):
    def __init__(self, message: str = N_("you are not allowed to do this")) -> None:
        super().__init__("FORBIDDEN", message, None)


class AuthRequired(UserError):
    def __init__(self) -> None:
        super().__init__("UNAUTHENTICATED", N_("log in first"), None)
