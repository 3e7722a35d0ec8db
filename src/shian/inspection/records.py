"""The inspection record: its canonical content and SHA-256 (printed on the PDF, shown by the public check)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from shian.inspection.models import Answer, Inspection


def content(inspection: Inspection, answers: list[Answer], inspector_keys: list[str], photo_hashes: list[str]) -> dict[str, Any]:
    """Everything the record states, as plain JSON values (answers in checklist order)."""
    op = inspection.operator
    template = inspection.template
    return {
        "inspection": inspection.pk,
        "revision": inspection.revision,
        "operator": {"uscc": op.uscc, "name": op.name},
        "scope": inspection.scope,
        "checklist": f"{template.code} v{template.version}" if template else "",
        "inspected_at": inspection.inspected_at.isoformat() if inspection.inspected_at else None,
        "place": inspection.place,
        "latitude": str(inspection.latitude) if inspection.latitude is not None else None,
        "longitude": str(inspection.longitude) if inspection.longitude is not None else None,
        "inspectors": sorted(inspector_keys),
        "answers": [[a.item.number, a.outcome, a.note] for a in sorted(answers, key=lambda a: (a.item.order, a.item_id))],
        "photos": sorted(photo_hashes),
        "summary": inspection.summary,
        "representative": {"name": inspection.representative_name, "signature": inspection.representative_signature,
                           "acknowledged_at": inspection.acknowledged_at.isoformat() if inspection.acknowledged_at else None},
        "result": inspection.result,
        "key_failures": inspection.key_failures,
        "general_failures": inspection.general_failures,
    }


def digest(record: dict[str, Any]) -> str:
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode()).hexdigest()
