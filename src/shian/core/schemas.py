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
