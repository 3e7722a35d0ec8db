"""Per-request (or per-command) context: who is acting and under which request id.

Set by middleware for web requests and by ``acting_as`` in services, commands and jobs;
read by the audit trail so that every entry names its actor.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Iterator
from typing import Any

_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("shian_actor", default=None)
_actor_label: contextvars.ContextVar[str] = contextvars.ContextVar("shian_actor_label", default="system")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("shian_request_id", default="")


def current_actor() -> Any:
    return _actor.get()


def current_actor_label() -> str:
    return _actor_label.get()


def current_request_id() -> str:
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextlib.contextmanager
def acting_as(user: Any, *, label: str | None = None, request_id: str | None = None) -> Iterator[None]:
    """Run a block as ``user`` so that audit entries name them.

    With ``user=None`` and no label the current actor is kept (a service called without
    ``by`` inside a request still records the request's user).
    """
    if user is None and label is None and request_id is None:
        yield
        return
    tokens = [
        _actor.set(user if getattr(user, "pk", None) else None),
        _actor_label.set(label or (getattr(user, "username", "") or "system")),
    ]
    rid_token = _request_id.set(request_id) if request_id is not None else None
    try:
        yield
    finally:
        _actor.reset(tokens[0])
        _actor_label.reset(tokens[1])
        if rid_token is not None:
            _request_id.reset(rid_token)


def set_request_id(value: str) -> contextvars.Token[str]:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token[str]) -> None:
    _request_id.reset(token)
