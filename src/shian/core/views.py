"""Kernel pages: a role-aware home, job progress, a health check."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from shian.core import access
from shian.core.errors import NotFound
from shian.core.models import Job
from shian.core.pages import page_errors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What each persona can do from here; regulators also see their jurisdiction's figures."""
    principal = request.user.principal  # type: ignore[union-attr]
    stats = None
    if access.can(principal, "operator", "view"):
        from shian.registry.selectors import home_figures

        stats = home_figures(principal)
    return render(request, "core/home.html", {"stats": stats})


@login_required
@page_errors
def job_detail(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = Job.objects.filter(pk=job_id).first()
    principal = request.user.principal  # type: ignore[union-attr]
    if job is None or not (principal.is_admin or job.created_by_id == request.user.pk):
        raise NotFound("")
    return render(request, "core/job.html", {"job": job})


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness + database check for the reverse proxy / orchestrator."""
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"ok": True})
