"""Model rows to the API's JSON shapes (see ``schemas.py``).

What a caller may see is decided before these are called (querysets from the ``Scope``); the one
decision made here is passed in: ``sensitive`` hides date of birth, citizen ID and status reasons.
"""

from __future__ import annotations

from typing import Any

from kiemdiem.members.models import Member
from kiemdiem.organizations.models import Organization, OrganizationEvent

from .models import ApiToken

Json = dict[str, Any]


def org_ref(org: Organization | None) -> Json | None:
    if org is None:
        return None
    return {"id": org.pk, "code": org.code, "name": org.name}


def organization(org: Organization, parent_id: int | None, member_count: int | None) -> Json:
    return {
        "id": org.pk,
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "kind_label": org.get_kind_display(),
        "category": org.category,
        "category_label": org.get_category_display() if org.category else "",
        "parent_id": parent_id,
        "active_from": org.active_from,
        "active_to": org.active_to,
        "member_count": member_count,
    }


def event(e: OrganizationEvent) -> Json:
    return {
        "id": e.pk,
        "kind": e.kind,
        "kind_label": e.get_kind_display(),
        "date": e.date,
        "decision": e.decision,
        "reason": e.reason,
        "sources": [org_ref(o) for o in e.sources.all()],
        "targets": [org_ref(o) for o in e.targets.all()],
    }


def member(m: Member) -> Json:
    return {
        "id": m.pk,
        "card_number": m.card_number,
        "full_name": m.full_name,
        "gender": m.gender,
        "gender_label": m.get_gender_display(),
        "cell": org_ref(m.cell),
        "admitted_on": m.admitted_on,
        "official_on": m.official_on,
        "party_status": "official" if m.is_official else "probationary",
        "party_status_label": m.party_status_label,
        "activity_status": m.activity_status,
        "activity_status_label": m.get_activity_status_display(),
    }


def member_detail(m: Member, *, sensitive: bool, can_manage: bool) -> Json:
    def hidden(value: Any) -> Any:
        return value if sensitive else None

    return member(m) | {
        "sensitive_visible": sensitive,
        "date_of_birth": hidden(m.date_of_birth),
        "citizen_id": hidden(m.citizen_id),
        "activity_status_since": m.activity_status_since,
        "activity_status_reason": hidden(m.activity_status_reason),
        "residence_address": m.residence_address,
        "residence_cell": org_ref(m.residence_cell),
        "workplace": m.workplace,
        "can_manage": can_manage,
        "memberships": [
            {"organization": org_ref(p.organization), "start": p.start, "end": p.end, "reason": p.reason}
            for p in m.memberships.select_related("organization").order_by("start", "id")
        ],
        "status_periods": [
            {
                "status": p.status,
                "status_label": p.get_status_display(),
                "start": p.start,
                "end": p.end,
                "reason": hidden(p.reason),
            }
            for p in m.status_periods.order_by("start", "id")
        ],
        "positions": [
            {
                "title": p.title,
                "organization": org_ref(p.organization),
                "collective": p.collective.name if p.collective else None,
                "body": p.body,
                "is_head": p.is_head,
                "start": p.start,
                "end": p.end,
            }
            for p in m.positions.select_related("organization", "collective").order_by("-start", "id")
        ],
    }


def token(t: ApiToken, secret: str | None = None) -> Json:
    out: Json = {
        "id": t.pk,
        "name": t.name,
        "hint": t.hint,
        "created_at": t.created_at,
        "last_used_at": t.last_used_at,
        "revoked_at": t.revoked_at,
        "expires_at": t.expires_at,
    }
    if secret is not None:
        out["token"] = secret
    return out
