"""Shared API schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict


class StrictSchema(Schema):
    """Input schemas refuse unknown fields."""

    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    details: Any = None


# Every error status an endpoint may answer, all in the one error shape (for the OpenAPI document).
ERROR_RESPONSES: dict[int, type[Schema]] = dict.fromkeys((400, 401, 403, 404, 409, 413, 422), ErrorOut)


class JobOut(Schema):
    id: UUID
    name: str
    status: str
    done: int
    total: int
    percent: int
    result: Any = None
    error: str = ""
    created_at: datetime
    finished_at: datetime | None = None


class JurisdictionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None
    population: int


class AuditVerifyOut(Schema):
    checked: int
    ok: bool
    problems: list[str]
