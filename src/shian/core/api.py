"""API endpoints of the shared kernel: jurisdictions, jobs, audit verification."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from shian.api import principal_of
from shian.core import access, audit
from shian.core.errors import NotFound
from shian.core.models import Job, Jurisdiction
from shian.core.schemas import AuditVerifyOut, ErrorOut, JobOut, JurisdictionOut

router = Router(tags=["core"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.get("/jurisdictions", response={200: list[JurisdictionOut], **ERRORS}, summary="行政区划树")
def jurisdictions(request: HttpRequest) -> list[JurisdictionOut]:
    access.require(principal_of(request), "jurisdiction", "view")
    rows = Jurisdiction.objects.select_related("parent").order_by("path")
    return [JurisdictionOut(code=j.code, name=j.name, level=j.level, parent_code=j.parent.code if j.parent else None,
                            population=j.population) for j in rows]


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS}, summary="后台任务进度")
def job_status(request: HttpRequest, job_id: UUID) -> Job:
    principal = access.require(principal_of(request), "job", "view")
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not _owns(principal, job):
        raise NotFound(_("No such job."))
    return job


@router.post("/audit/verify", response={200: AuditVerifyOut, **ERRORS}, summary="校验审计日志哈希链")
def audit_verify(request: HttpRequest) -> AuditVerifyOut:
    access.require(principal_of(request), "audit", "verify")
    checked, problems = audit.verify()
    return AuditVerifyOut(checked=checked, ok=not problems, problems=[str(p) for p in problems])


def _owns(principal: access.Principal, job: Job) -> bool:
    """Admins see every job; a user sees the jobs it started; an API key its organisation's."""
    if principal.is_admin:
        return True
    if principal.user is not None:
        return job.created_by_id == principal.user.pk
    return principal.organisation_id is not None and job.params.get("organisation_id") == principal.organisation_id
