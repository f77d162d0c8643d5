"""Role × URL matrix: every URL pattern of the project, for every role, allowed or denied.

The test walks ``get_resolver().url_patterns`` (web pages, the JSON API under /api/ and its
schema), so a new URL pattern that is not listed in ``PAGES`` below makes the suite fail: a page
cannot be added without deciding, here, who may reach it.

Patterns with parameters are filled with every object of the ``ward`` fixture: members of the
role's own cell, of another cell of the ward and of another ward; organizations likewise.
Whether a role may see an object is written out in ``MEMBERS_SEEN`` and ``ORGS_SEEN``, not
computed from ``accounts/scope.py`` (that would test the scope against itself).

Every response, allowed or denied, is also searched for the names of members and organizations
outside the role's scope: none may appear. POSTs by a role that may not write there must change
nothing in the database.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import itertools
import json
import re
import subprocess
import threading
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kiemdiem.accounts.models import User
from kiemdiem.api.models import ApiToken
from kiemdiem.documents.render import CONTENT_TYPES

from .factories import Ward
from .matrix_fixtures import restore_remediation, web_cycle

ANONYMOUS = "anonymous"
ROLES = ("office", "standing", "secretary", "member", "residence", "higher", "other_office")
PRINCIPALS = (ANONYMOUS, *ROLES)

# Roles that only read: they must never write through any URL (DESIGN.md §1).
READ_ONLY_ROLES = frozenset({"higher"})

# --- who sees which object of the ``ward`` fixture --------------------------------------------
# ward (Đảng bộ phường Thượng Thanh) has cell_a (members an, binh) and cell_b (cuong, dung; cuong
# lives in cell_a's area); other_ward has other_cell (xa); city is the higher committee above both.
# The secretary is binh (cell_a's secretary), the member is an, the residence secretary is cell_a's.
MEMBERS_SEEN: dict[str, frozenset[str]] = {
    ANONYMOUS: frozenset(),
    "office": frozenset({"an", "binh", "cuong", "dung"}),
    "standing": frozenset({"an", "binh", "cuong", "dung"}),
    "secretary": frozenset({"an", "binh"}),
    "member": frozenset({"an"}),
    "residence": frozenset({"cuong"}),  # lives in cell_a's area, active in cell_b
    "higher": frozenset({"an", "binh", "cuong", "dung", "xa"}),
    "other_office": frozenset({"xa"}),
}
ORGS_SEEN: dict[str, frozenset[str]] = {
    ANONYMOUS: frozenset(),
    "office": frozenset({"ward", "cell_a", "cell_b"}),
    "standing": frozenset({"ward", "cell_a", "cell_b"}),
    "secretary": frozenset({"cell_a"}),
    "member": frozenset({"cell_a"}),
    "residence": frozenset({"cell_a"}),
    "higher": frozenset({"city", "ward", "cell_a", "cell_b", "other_ward", "other_cell"}),
    "other_office": frozenset({"other_ward", "other_cell"}),
}
ORG_KEYS = ("city", "ward", "cell_a", "cell_b", "other_ward", "other_cell")


def _members(w: Ward) -> dict[str, tuple[int, str]]:
    return {key: (m.pk, m.full_name) for key, m in w.members.items()}


def _orgs(w: Ward) -> dict[str, tuple[int, str]]:
    return {key: (getattr(w, key).pk, getattr(w, key).name) for key in ORG_KEYS}


# URL parameter kinds: how to list the fixture's objects (key -> (pk, name)) and who sees which.
def _tokens(w: Ward) -> dict[str, tuple[int, str]]:
    """One API token per user of the ward (made on first use)."""
    rows = {}
    for key, user in w.users.items():
        row = ApiToken.objects.filter(user=user).first() or ApiToken.issue(user, "Mã của " + key)[0]
        rows[key] = (row.pk, row.name)
    return rows


def _plans(w: Ward) -> dict[str, tuple[int, str]]:
    """Kế hoạch: the ward's published plan and its draft, and the other ward's published plan."""
    from kiemdiem.plans.models import Plan, PlanStatus
    from kiemdiem.plans.services import create_plan

    wanted = {
        "ward_published": (w.ward, "07-KH/ĐU", PlanStatus.PUBLISHED),
        "ward_draft": (w.ward, "08-KH/ĐU", None),
        "other_published": (w.other_ward, "05-KH/ĐU", PlanStatus.PUBLISHED),
    }
    rows = {}
    for key, (org, number, status) in wanted.items():
        plan = Plan.objects.filter(organization=org, number=number).first()
        if plan is None:
            plan = create_plan(org, number=number, issued_on=dt.date(2020, 11, 18), year=2020)
            if status:
                Plan.objects.filter(pk=plan.pk).update(status=status)
        rows[key] = (plan.pk, str(plan))
    return rows


# Drafts stay with the committee (office, standing) and the higher level; published plans reach
# the cells under the committee that issued them.
PLANS_SEEN: dict[str, frozenset[str]] = {
    ANONYMOUS: frozenset(),
    "office": frozenset({"ward_published", "ward_draft"}),
    "standing": frozenset({"ward_published", "ward_draft"}),
    "secretary": frozenset({"ward_published"}),
    "member": frozenset({"ward_published"}),
    "residence": frozenset({"ward_published"}),
    "higher": frozenset({"ward_published", "ward_draft", "other_published"}),
    "other_office": frozenset({"other_published"}),
}


# The annual cycle through the API (issue 4): one published plan per ward, built on first use, with
# reviews, feedback requests, a meeting per cell, secret ballots (on An; on the other ward's cell), a
# decision and one decided entry per ward.
def _build_cycle(w: Ward) -> None:
    from django.utils import timezone

    from kiemdiem.decisions.models import Decision, DecisionEntry
    from kiemdiem.plans.models import Plan
    from kiemdiem.plans.services import compute_subjects, create_plan, publish_plan
    from kiemdiem.reviews import ballots as ballot_service
    from kiemdiem.reviews import feedback as feedback_service
    from kiemdiem.reviews import meetings as meeting_service
    from kiemdiem.reviews import services as reviews

    from .factories import make_member

    office, today = w.users["office"], timezone.localdate()
    # A secret ballot needs at least five members present: four more in each meeting's cell.
    extra = {
        cell.pk: [make_member(cell, f"Vũ Văn Bổ Sung {cell.code} {i}") for i in range(4)]
        for cell in (w.cell_a, w.other_cell)
    }
    for org, number, cell, present, individuals in (
        (w.ward, "11-KH/ĐU", w.cell_a, ("an", "binh"), ("an", "cuong")),
        (w.other_ward, "06-KH/ĐU", w.other_cell, ("xa",), ("xa",)),
    ):
        plan = create_plan(org, number=number, issued_on=dt.date(2020, 11, 18), year=2020)
        compute_subjects(plan)
        Plan.objects.filter(pk=plan.pk).update(launch_date=dt.date(2020, 11, 19))
        steps = plan.steps.exclude(code="trien_khai")
        steps.update(due_cells=dt.date(2020, 11, 28), due_committee=dt.date(2020, 12, 5))
        publish_plan(plan, office)
        steps.update(due_cells=today + dt.timedelta(days=10), due_committee=today + dt.timedelta(days=20))
        for key in individuals:
            reviews.get_or_create_review(plan.subjects.get(member=w.members[key]))
        feedback_service.request_feedback(
            plan, ["dang_vien_chi_bo", "noi_cu_tru"], today + dt.timedelta(days=5), office
        )
        meeting = meeting_service.open_meeting(
            plan,
            date=today,
            actor=office,
            organization=cell,
            attendees=[w.members[k] for k in present] + extra[cell.pk],
        )
        boxed = (
            meeting.items.get(subject__member=w.members["an"])
            if org == w.ward
            else meeting.items.get(subject__member__isnull=True)
        )
        ballot_service.open_ballot(boxed, office)
        decision = Decision.objects.create(plan=plan, number="15-QĐ/ĐU", date=today)
        subject = plan.subjects.get(member=w.members[individuals[0]])
        DecisionEntry.objects.create(decision=decision, subject=subject, level="HTTNV")


def _cycle(w: Ward) -> dict[str, object]:
    """The cycle's objects by key (built on first use in the test's database)."""
    from kiemdiem.decisions.models import Decision, DecisionEntry
    from kiemdiem.plans.models import Plan
    from kiemdiem.reviews.models import BallotBox, FeedbackRequest, Meeting, MeetingItem, Review

    if not Plan.objects.filter(organization=w.ward, number="11-KH/ĐU").exists():
        _build_cycle(w)
    plans = {
        "ward": Plan.objects.get(organization=w.ward, number="11-KH/ĐU"),
        "other": Plan.objects.get(organization=w.other_ward, number="06-KH/ĐU"),
    }
    found: dict[str, object] = {"plan_ward": plans["ward"]}
    for key in ("an", "cuong", "xa"):
        subject = plans["other" if key == "xa" else "ward"].subjects.get(member=w.members[key])
        found[f"subject_{key}"] = subject
        found[f"review_{key}"] = Review.objects.get(subject=subject, place="chi_bo")
    for key, plan in plans.items():
        found[f"meeting_{key}"] = Meeting.objects.get(plan=plan)
        found[f"decision_{key}"] = Decision.objects.get(plan=plan)
        found[f"entry_{key}"] = DecisionEntry.objects.get(subject__plan=plan)
    for key in ("an", "binh", "xa"):
        found[f"item_{key}"] = MeetingItem.objects.get(
            subject__member=w.members[key], subject__plan__in=plans.values()
        )
    found["item_other_cell"] = MeetingItem.objects.get(
        meeting=found["meeting_other"], subject__member__isnull=True
    )
    found["box_an"] = BallotBox.objects.get(item=found["item_an"])
    requests = FeedbackRequest.objects
    found["request_an"] = requests.get(subject=found["subject_an"], source="dang_vien_chi_bo")
    found["request_cuong_residence"] = requests.get(subject=found["subject_cuong"], source="noi_cu_tru")
    found["request_xa"] = requests.get(subject=found["subject_xa"], source="dang_vien_chi_bo")
    return found


def _cycle_objects(*keys: str) -> Callable[[Ward], dict[str, tuple[int, str]]]:
    def objects(w: Ward) -> dict[str, tuple[int, str]]:
        found = _cycle(w)
        return {key: (found[key].pk, str(found[key])) for key in keys}  # type: ignore[attr-defined]

    return objects


def _draft_plans(w: Ward) -> dict[str, tuple[int, str]]:
    return {"ward_draft": _plans(w)["ward_draft"]}


def _seen(**keys: set[str]) -> dict[str, frozenset[str]]:
    """Who sees which cycle object: ``_seen(office={"a"}, …)``; principals not named see none."""
    return {p: frozenset(keys.get(p, ())) for p in PRINCIPALS}


# The published cycle plan reaches the cells under its committee; the draft stays with the committee.
LIVE_PLANS_SEEN = {
    p: frozenset({"plan_ward"} if "ward_published" in PLANS_SEEN[p] else ()) for p in PRINCIPALS
}
DRAFT_PLANS_SEEN = {p: PLANS_SEEN[p] & {"ward_draft"} for p in PRINCIPALS}
# Individuals (subjects and their reviews) as MEMBERS_SEEN, except the residence secretary: he/she
# answers the residence request about Cường but does not read Cường's review.
CYCLE_MEMBERS_SEEN = {
    p: frozenset(
        f"{prefix}_{m}"
        for m in (MEMBERS_SEEN[p] if p != "residence" else frozenset()) & {"an", "cuong", "xa"}
        for prefix in ("subject", "review")
    )
    for p in PRINCIPALS
}
# Feedback requests each role may answer: the office all of its plan's, the cell secretary his/her
# own cell's (not the residence one), the residence secretary only the residence request on Cường.
FEEDBACK_SEEN = _seen(
    office={"request_an", "request_cuong_residence"},
    secretary={"request_an"},
    residence={"request_cuong_residence"},
    other_office={"request_xa"},
)
# Meetings, items and ballots: those who run the meeting (cell secretary, committee office); a ballot
# also its voters (An and Bình were present at cell A's meeting).
MEETINGS_SEEN = _seen(
    office={"meeting_ward", "item_an", "item_binh"},
    secretary={"meeting_ward", "item_an", "item_binh", "box_an"},
    other_office={"meeting_other", "item_xa", "item_other_cell"},
) | {"office": frozenset({"meeting_ward", "item_an", "item_binh", "box_an"}), "member": frozenset({"box_an"})}
# Decisions: the office and standing committee of the plan's committee; not the higher level.
DECISIONS_SEEN = _seen(
    office={"decision_ward", "entry_ward"},
    standing={"decision_ward", "entry_ward"},
    other_office={"decision_other", "entry_other"},
)


# Each user sees (and revokes) only his/her own tokens.
TOKENS_SEEN: dict[str, frozenset[str]] = {p: frozenset({p} - {ANONYMOUS}) for p in PRINCIPALS}

# URL parameter kinds: how to list the fixture's objects (key -> (pk, name)) and who sees which.
OBJECT_KINDS: dict[str, tuple[Callable[[Ward], dict[str, tuple[int, str]]], dict[str, frozenset[str]]]] = {
    "member": (_members, MEMBERS_SEEN),
    "org": (_orgs, ORGS_SEEN),
    "token": (_tokens, TOKENS_SEEN),
    "plan": (_plans, PLANS_SEEN),
    "live_plan": (_cycle_objects("plan_ward"), LIVE_PLANS_SEEN),
    "draft_plan": (_draft_plans, DRAFT_PLANS_SEEN),
    "subject": (_cycle_objects("subject_an", "subject_cuong", "subject_xa"), CYCLE_MEMBERS_SEEN),
    "review": (_cycle_objects("review_an", "review_cuong", "review_xa"), CYCLE_MEMBERS_SEEN),
    "feedback_request": (
        _cycle_objects("request_an", "request_cuong_residence", "request_xa"),
        FEEDBACK_SEEN,
    ),
    "meeting": (_cycle_objects("meeting_ward", "meeting_other"), MEETINGS_SEEN),
    "meeting_item": (_cycle_objects("item_binh", "item_xa"), MEETINGS_SEEN),
    "boxed_item": (_cycle_objects("item_an", "item_other_cell"), MEETINGS_SEEN),
    "ballot": (_cycle_objects("box_an"), MEETINGS_SEEN),
    "decision": (_cycle_objects("decision_ward", "decision_other"), DECISIONS_SEEN),
    "decision_entry": (_cycle_objects("entry_ward", "entry_other"), DECISIONS_SEEN),
}


# --- the annual cycle's web pages (reviews, feedback, meetings, ballots, decisions, remediation) ----
# Objects built by tests/matrix_fixtures.py: one published plan per ward with reviews of An, Bình,
# Cường (Xa in the other ward), evidence, feedback requests, a meeting per ward with a secret ballot
# open on An (Xa), a decision with one entry and remediation items.
def _web(*keys: str) -> Callable[[Ward], dict[str, tuple[int, str]]]:
    def objects(w: Ward) -> dict[str, tuple[int, str]]:
        found = web_cycle(w)
        return {key: (found[key].pk, str(found[key])) for key in keys}  # type: ignore[attr-defined]

    return objects


def _cycle_cells(w: Ward) -> dict[str, tuple[int, str]]:
    web_cycle(w)
    return {key: value for key, value in _orgs(w).items() if key in ("cell_a", "cell_b", "other_cell")}


def _individuals(prefix: str) -> dict[str, frozenset[str]]:
    """Who reads an individual's review, evidence and remediation plan: MEMBERS_SEEN (Bình, An, Cường,
    Xa), except the residence secretary, who answers the residence request about Cường and reads
    nothing else of his (accounts/scope.py: plan_subjects)."""
    people = {"an", "binh", "cuong", "xa"}
    return {
        p: frozenset(f"{prefix}_{m}" for m in MEMBERS_SEEN[p] & people if p != "residence")
        for p in PRINCIPALS
    }


# The reports of the ward's committee and of its cells (collective subjects): as ORGS_SEEN.
COLLECTIVES_SEEN = {
    p: frozenset(f"subject_{k}" for k in ORGS_SEEN[p] & {"ward", "cell_a", "cell_b", "other_cell"})
    for p in PRINCIPALS
}
REVIEW_SUBJECTS_SEEN = {p: _individuals("subject")[p] | COLLECTIVES_SEEN[p] for p in PRINCIPALS}
# Who writes which review (scope.can_edit_review): the subject him/herself, the cell's secretary (the
# cell's report, a member on his/her behalf), the office (everything of its committee's plan).
REVIEWS_EDITABLE = _seen(
    office={
        "subject_an",
        "subject_binh",
        "subject_cuong",
        "subject_ward",
        "subject_cell_a",
        "subject_cell_b",
    },
    secretary={"subject_an", "subject_binh", "subject_cell_a"},
    member={"subject_an"},
    other_office={"subject_xa", "subject_other_cell"},
)
# Remediation plans (scope.remediation_subjects): the committee and the higher level the whole plan,
# a cell secretary the cell and its members, a member him/herself; not the residence secretary.
REMEDIATION_SEEN = _seen(
    office={"subject_an", "subject_binh", "subject_cuong", "subject_cell_a", "subject_cell_b"},
    standing={"subject_an", "subject_binh", "subject_cuong", "subject_cell_a", "subject_cell_b"},
    secretary={"subject_an", "subject_binh", "subject_cell_a"},
    member={"subject_an"},
    higher={"subject_an", "subject_binh", "subject_cuong", "subject_cell_a", "subject_cell_b", "subject_xa"},
    other_office={"subject_xa"},
)

# Published plans: the ward's reaches its cells (secretary, member, residence secretary) and the higher
# level; the other ward's its office and the higher level.
WEB_PLANS_SEEN = _seen(
    office={"plan_ward"},
    standing={"plan_ward"},
    secretary={"plan_ward"},
    member={"plan_ward"},
    residence={"plan_ward"},
    higher={"plan_ward", "plan_other"},
    other_office={"plan_other"},
)
# Feedback requests each role may answer: the office all of its ward's, the cell A secretary those on
# cell A's members except the residence ones, the residence secretary only the residence request on
# Cường (active in cell B, living in cell A's area); the standing committee and higher level none.
WEB_REQUESTS_SEEN = _seen(
    office={"request_an", "request_cuong", "request_cuong_residence"},
    secretary={"request_an"},
    residence={"request_cuong_residence"},
    other_office={"request_xa"},
)
# Meetings and their items: those who run them (cell A's secretary and the ward's office; the other
# ward's office). Not the standing committee, not the higher level.
WEB_MEETINGS_SEEN = _seen(
    office={"meeting_ward", "item_an", "item_binh"},
    secretary={"meeting_ward", "item_an", "item_binh"},
    other_office={"meeting_other", "item_xa", "item_other_cell"},
)
# Ballot boxes: the voter roll (An and Bình were present at cell A's meeting; Xa has no account) and
# the meeting's runners.
BALLOTS_SEEN = _seen(office={"box_an"}, secretary={"box_an"}, member={"box_an"}, other_office={"box_xa"})
# Decisions and their entries: the office and the standing committee of the plan's committee.
WEB_DECISIONS_SEEN = _seen(
    office={"decision_ward", "entry_ward"},
    standing={"decision_ward", "entry_ward"},
    other_office={"decision_other", "entry_other"},
)

OBJECT_KINDS |= {
    "cycle_plan": (_web("plan_ward", "plan_other"), WEB_PLANS_SEEN),
    "cycle_cell": (_cycle_cells, ORGS_SEEN),
    "leader_subject": (_web("subject_binh"), _individuals("subject")),
    "review_subject": (
        _web(
            *("subject_an", "subject_binh", "subject_cuong", "subject_xa"),
            *("subject_ward", "subject_cell_a", "subject_cell_b", "subject_other_cell"),
        ),
        REVIEW_SUBJECTS_SEEN,
    ),
    "remediation_subject": (
        _web(
            *("subject_an", "subject_binh", "subject_cuong", "subject_xa", "subject_cell_a", "subject_cell_b")
        ),
        REMEDIATION_SEEN,
    ),
    "cycle_review": (_web("review_an", "review_binh", "review_cuong", "review_xa"), _individuals("review")),
    "evidence": (_web("evidence_an", "evidence_cuong", "evidence_xa"), _individuals("evidence")),
    "remediation_item": (
        _web("remediation_an", "remediation_cuong", "remediation_xa"),
        _individuals("remediation"),
    ),
    "cycle_request": (
        _web("request_an", "request_cuong", "request_cuong_residence", "request_xa"),
        WEB_REQUESTS_SEEN,
    ),
    "cycle_meeting": (_web("meeting_ward", "meeting_other"), WEB_MEETINGS_SEEN),
    "cycle_item": (_web("item_an", "item_binh", "item_xa", "item_other_cell"), WEB_MEETINGS_SEEN),
    "balloted_item": (_web("item_an", "item_xa"), WEB_MEETINGS_SEEN),  # a ballot is open on them
    "unballoted_item": (_web("item_binh", "item_other_cell"), WEB_MEETINGS_SEEN),
    "cycle_ballot": (_web("box_an", "box_xa"), BALLOTS_SEEN),
    "cycle_decision": (_web("decision_ward", "decision_other"), WEB_DECISIONS_SEEN),
    "cycle_entry": (_web("entry_ward", "entry_other"), WEB_DECISIONS_SEEN),
}


# --- outcomes ---------------------------------------------------------------------------------
OK = "200"
CREATED = "201"
NO_CONTENT = "204"
DENIED = "403 or 404"
REFUSED = "403, 404 or 422"  # a write naming a target outside the scope: refused, however phrased
NOT_FOUND = "404"
FORBIDDEN = "403"  # an object in the role's scope, without the right to this use of it
BAD_REQUEST = "400"  # a form posted empty: shown again with its errors
CONFLICT = "409"
NOT_ALLOWED = "405"
UNAUTHORIZED = "401"
TO_LOGIN_NEXT = "redirect to the login page (?next=)"
TO_LOGIN = "redirect to the login page"
TO_DASHBOARD = "redirect to the dashboard"
REDIRECT = "redirect within the site (after a POST, or a published plan's edit page)"
OK_OR_REDIRECT = "200, or a redirect within the site"

Rule = Mapping[str, str]


@dataclass(frozen=True)
class Scoped:
    """For URLs naming objects: 200 when the role sees every object in the URL, else 403/404.

    ``writers``: when given, only these roles succeed (``ok``) even on objects they see; the
    others get 403/404.
    """

    api: bool = False
    writers: frozenset[str] | None = None
    ok: str = OK
    # When given (a table like the *_SEEN ones): only the objects each role may change succeed.
    editable: Mapping[str, frozenset[str]] | None = None
    # When given: objects outside the scope are 404 (never a 403 that confirms they exist), and on
    # objects in scope ``rule(principal, keys)`` gives the outcome; ``keys`` are the objects' keys
    # followed by the page's fixed values as "name=value" (``Page.fixed``).
    rule: Callable[[str, tuple[str, ...]], str] | None = None

    def outcome(self, principal: str, visible: bool, keys: tuple[str, ...] = ()) -> str:
        if principal == ANONYMOUS:
            return UNAUTHORIZED if self.api else TO_LOGIN_NEXT
        if not visible:
            return NOT_FOUND if self.rule is not None else DENIED
        if self.rule is not None:
            return self.rule(principal, keys)
        if self.editable is not None and not all(k in self.editable[principal] for k in keys):
            return DENIED
        return self.ok if self.writers is None or principal in self.writers else DENIED


def web(allowed: frozenset[str] | set[str], ok: str = OK) -> Rule:
    """A login-protected page: these roles get ``ok``, the others 403/404, anonymous goes to login."""
    return {ANONYMOUS: TO_LOGIN_NEXT} | {r: ok if r in allowed else DENIED for r in ROLES}


def api(allowed: frozenset[str] | set[str], ok: str = OK, **others: str) -> Rule:
    """An authenticated API endpoint: anonymous gets 401; ``others`` overrides single roles."""
    return {ANONYMOUS: UNAUTHORIZED} | {r: ok if r in allowed else DENIED for r in ROLES} | others


def everyone(outcome: str, anonymous: str | None = None) -> Rule:
    return {ANONYMOUS: anonymous or outcome} | dict.fromkeys(ROLES, outcome)


ALL_ROLES = frozenset(ROLES)
REGISTRY_MANAGERS = frozenset({"office", "other_office"})  # committee office of each ward
_cards = itertools.count(30_000_001)


def _new_member(w: Ward) -> dict[str, object]:
    """A valid member for ``POST /api/members`` in cell_a (inside office's scope only)."""
    return {
        "card_number": f"{next(_cards):08d}",
        "full_name": "Vũ Thị Ma Trận",
        "gender": "nu",
        "date_of_birth": "1980-01-02",
        "admitted_on": "2010-05-19",
        "official_on": "2011-05-19",
        "cell_id": w.cell_a.pk,
    }


@dataclass(frozen=True)
class Page:
    """Who gets what from one URL pattern, per HTTP method (GET and POST at least)."""

    methods: Mapping[str, Rule | Scoped]
    params: Mapping[str, str] = field(default_factory=dict)  # URL parameter -> OBJECT_KINDS key
    json: Mapping[str, Callable[[Ward], dict[str, object]]] = field(default_factory=dict)  # API bodies
    writers: frozenset[str] = frozenset()  # roles whose requests may change the database here
    self_service: bool = False  # writes only the caller's own account (password, API tokens)
    why: str = ""
    # Web pages taking their object in the query string: ``query(ward, url_kwargs)`` -> "?…".
    query: Callable[[Ward, Mapping[str, object]], str] | None = None
    # Called with (ward, URL kwargs) before each request (e.g. to put back what an allowed deletion
    # took away).
    before: Callable[[Ward, Mapping[str, object]], None] | None = None
    # Values of the parameters that are not objects (``<slug:kind>``, ``<slug:fmt>``, or a value that
    # ``query``/``before`` read): each dict is one variant, tried with every filling of the objects.
    fixed: tuple[Mapping[str, str], ...] = ()


def read_only(get: Rule | Scoped, **kw: object) -> Page:
    """A page that only reads: GET as given; POST refused with 405 after the login check."""
    post = {ANONYMOUS: TO_LOGIN_NEXT} | dict.fromkeys(ROLES, NOT_ALLOWED)
    return Page(methods={"GET": get, "POST": post}, **kw)  # type: ignore[arg-type]


def get_post(get: Rule | Scoped, post: Rule | Scoped | None = None, **kw: object) -> Page:
    """A page whose view renders the same for GET and POST (it writes nothing either way)."""
    return Page(methods={"GET": get, "POST": post or get}, **kw)  # type: ignore[arg-type]


# Every URL pattern of the project, by its route as Django prints it. POST on a read-only web page
# is listed as it behaves today (the view ignores the method and renders the page; the test checks
# that nothing is written).
PAGES: dict[str, Page] = {
    # accounts
    "dang-nhap/": get_post(
        everyone(TO_DASHBOARD, anonymous=OK),
        why="logged-in users are sent on; an empty form only shows errors",
    ),
    "dang-xuat/": Page(methods={"GET": everyone(NOT_ALLOWED), "POST": everyone(TO_LOGIN)}, why="POST only"),
    "doi-mat-khau/": get_post(web(ALL_ROLES), writers=ALL_ROLES, self_service=True, why="own password"),
    "tai-khoan/tao-hang-loat/": get_post(web(REGISTRY_MANAGERS), writers=REGISTRY_MANAGERS),
    # web pages
    "": read_only(web(ALL_ROLES), why="dashboard, filtered by scope"),
    "to-chuc/": read_only(web(ALL_ROLES)),
    "to-chuc/<int:pk>/": read_only(Scoped(), params={"pk": "org"}),
    "dang-vien/": read_only(web(ALL_ROLES)),
    "dang-vien/<int:pk>/": read_only(Scoped(), params={"pk": "member"}),
    # import / export (committee office only; the export and templates are downloads)
    "du-lieu/": get_post(web(REGISTRY_MANAGERS)),
    "du-lieu/kiem-tra/": Page(
        methods={"GET": web(REGISTRY_MANAGERS, ok=NOT_ALLOWED), "POST": web(REGISTRY_MANAGERS)},
        writers=REGISTRY_MANAGERS,
        why="step 1 of an import: an empty form only shows an error",
    ),
    "du-lieu/nhap/": Page(
        methods={"GET": web(REGISTRY_MANAGERS, ok=NOT_ALLOWED), "POST": web(REGISTRY_MANAGERS)},
        writers=REGISTRY_MANAGERS,
        why="step 2 of an import: with no checked file, only an error",
    ),
    "du-lieu/tien-do/": get_post(web(REGISTRY_MANAGERS), why="progress of one's own import (JSON)"),
    "du-lieu/xuat/": get_post(web(REGISTRY_MANAGERS), why="XLSX of the members in scope"),
    "du-lieu/mau/dang-vien.xlsx": get_post(web(REGISTRY_MANAGERS)),
    "du-lieu/mau/to-chuc.xlsx": get_post(web(REGISTRY_MANAGERS)),
    # Kế hoạch (plans): the office of the issuing committee manages; cells acknowledge
    "ke-hoach/": read_only(web(ALL_ROLES)),
    "ke-hoach/tao/": get_post(web(REGISTRY_MANAGERS), writers=REGISTRY_MANAGERS, why="empty form: errors"),
    "ke-hoach/<int:pk>/": read_only(Scoped(), params={"pk": "plan"}),
    "ke-hoach/<int:pk>/doi-tuong/": read_only(Scoped(), params={"pk": "plan"}),
    "ke-hoach/<int:pk>/sua/": get_post(
        Scoped(writers=REGISTRY_MANAGERS, ok=OK_OR_REDIRECT),
        params={"pk": "plan"},
        writers=REGISTRY_MANAGERS,
        why="a published plan's edit page sends back to the plan",
    ),
    "ke-hoach/<int:pk>/tinh-doi-tuong/": Page(
        methods={
            "GET": web(ALL_ROLES, ok=NOT_ALLOWED),
            "POST": Scoped(writers=REGISTRY_MANAGERS, ok=REDIRECT),
        },
        params={"pk": "plan"},
        writers=REGISTRY_MANAGERS,
    ),
    "ke-hoach/<int:pk>/ban-hanh/": Page(
        methods={
            "GET": web(ALL_ROLES, ok=NOT_ALLOWED),
            "POST": Scoped(writers=REGISTRY_MANAGERS, ok=REDIRECT),
        },
        params={"pk": "plan"},
        writers=REGISTRY_MANAGERS,
    ),
    "ke-hoach/<int:pk>/xac-nhan/<int:cell_id>/": Page(
        methods={
            "GET": web(ALL_ROLES, ok=NOT_ALLOWED),
            "POST": Scoped(writers=frozenset({"secretary"}), ok=REDIRECT),
        },
        params={"pk": "plan", "cell_id": "org"},
        writers=frozenset({"secretary"}),
        why="a cell secretary acknowledges a published plan for his/her own cell only",
    ),
    # JSON API (django-ninja): the schema and its docs are public; they hold no data
    "api/": get_post(everyone(NOT_FOUND), why="ninja's placeholder root"),
    "api/openapi.json": get_post(everyone(OK)),
    "api/docs": get_post(everyone(OK), why="Swagger UI page, served locally"),
    "api/docs/swagger-ui.css": Page(methods={"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)}),
    "api/docs/swagger-ui-bundle.js": Page(methods={"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)}),
    "api/docs/swagger-ui-init.js": Page(methods={"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)}),
    "api/docs/favicon.svg": Page(methods={"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)}),
    "api/me": Page(methods={"GET": api(ALL_ROLES), "POST": everyone(NOT_ALLOWED)}),
    "api/tokens": Page(
        methods={"GET": api(ALL_ROLES), "POST": api(ALL_ROLES, ok=CREATED)},
        json={"POST": lambda w: {"name": "Ma trận"}},
        writers=ALL_ROLES,
        self_service=True,
        why="own API tokens; a read-only role needs one to read through the API",
    ),
    "api/tokens/<token_id>": Page(
        methods={
            "GET": everyone(NOT_ALLOWED),
            "POST": everyone(NOT_ALLOWED),
            "DELETE": Scoped(api=True, ok=NO_CONTENT),
        },
        params={"token_id": "token"},
        writers=ALL_ROLES,
        self_service=True,
    ),
    "api/organizations": Page(methods={"GET": api(ALL_ROLES), "POST": everyone(NOT_ALLOWED)}),
    "api/organizations/<org_id>": Page(
        methods={"GET": Scoped(api=True), "POST": everyone(NOT_ALLOWED)}, params={"org_id": "org"}
    ),
    "api/organizations/<org_id>/members": Page(
        methods={"GET": Scoped(api=True), "POST": everyone(NOT_ALLOWED)}, params={"org_id": "org"}
    ),
    "api/members": Page(
        methods={"GET": api(ALL_ROLES), "POST": api({"office"}, ok=CREATED, other_office=REFUSED)},
        json={"POST": _new_member},
        writers=frozenset({"office"}),
        why="POST adds a member to cell_a: only ward's office manages it",
    ),
    "api/members/<member_id>": Page(
        methods={
            "GET": Scoped(api=True),
            "POST": everyone(NOT_ALLOWED),
            "PATCH": Scoped(api=True, writers=REGISTRY_MANAGERS),
        },
        params={"member_id": "member"},
        json={"PATCH": lambda w: {"workplace": "Nơi làm việc đã sửa"}},
        writers=REGISTRY_MANAGERS,
    ),
    # The annual cycle through the API (issue 4). One-shot writes (publish, open a ballot, close a
    # meeting, submit, decide) are checked with bodies or states that the service refuses (422) for
    # the roles allowed to try, so every role meets the same state; tests/api_cycle runs them through.
    "api/plans": Page(
        methods={"GET": api(ALL_ROLES), "POST": api(REGISTRY_MANAGERS, ok=CREATED)},
        json={"POST": lambda w: {"number": "12-KH/ĐU", "issued_on": "2021-11-15", "year": 2021}},
        writers=REGISTRY_MANAGERS,
        why="each office creates a plan of its own committee",
    ),
    "api/plans/<plan_id>": Page(
        methods={
            "GET": Scoped(api=True),
            "POST": everyone(NOT_ALLOWED),
            "PATCH": Scoped(api=True, writers=REGISTRY_MANAGERS, ok=REFUSED),
        },
        params={"plan_id": "plan"},
        json={"PATCH": lambda w: {"version": 1, "steps": [{"code": "khong_co"}]}},
        writers=REGISTRY_MANAGERS,
        why="PATCH: an unknown step (draft) or a published plan: 422 for the office",
    ),
    "api/plans/<plan_id>/compute-subjects": Page(
        methods={"GET": everyone(NOT_ALLOWED), "POST": Scoped(api=True, writers=frozenset({"office"}))},
        params={"plan_id": "draft_plan"},
        writers=frozenset({"office"}),
    ),
    "api/plans/<plan_id>/publish": Page(
        methods={
            "GET": everyone(NOT_ALLOWED),
            "POST": Scoped(api=True, writers=REGISTRY_MANAGERS, ok=REFUSED),
        },
        params={"plan_id": "plan"},
        writers=REGISTRY_MANAGERS,
        why="a draft without subjects, or a plan already published: 422 with the reasons",
    ),
    "api/plans/<plan_id>/acknowledge": Page(
        methods={"GET": everyone(NOT_ALLOWED), "POST": Scoped(api=True, writers=frozenset({"secretary"}))},
        params={"plan_id": "live_plan"},
        json={"POST": lambda w: {}},
        writers=frozenset({"secretary"}),
        why="the cell secretary acknowledges for his/her own cell",
    ),
    "api/plans/<plan_id>/subjects": Page(
        methods={"GET": Scoped(api=True), "POST": everyone(NOT_ALLOWED)}, params={"plan_id": "plan"}
    ),
    "api/plans/<plan_id>/progress": Page(
        methods={
            "GET": Scoped(api=True, writers=frozenset({"office", "standing", "higher", "secretary"})),
            "POST": everyone(NOT_ALLOWED),
        },
        params={"plan_id": "live_plan"},
        why="the committee and the higher level: every cell; a secretary: his/her cell",
    ),
    "api/plans/<plan_id>/feedback-requests": Page(
        methods={"GET": everyone(NOT_ALLOWED), "POST": Scoped(api=True, writers=frozenset({"office"}))},
        params={"plan_id": "live_plan"},
        json={"POST": lambda w: {"sources": ["co_quan"], "due_date": "2030-01-15"}},
        writers=frozenset({"office"}),
    ),
    "api/plans/<plan_id>/feedback-summary": Page(
        methods={
            "GET": Scoped(api=True, writers=frozenset({"office", "secretary"})),
            "POST": everyone(NOT_ALLOWED),
        },
        params={"plan_id": "live_plan"},
    ),
    "api/plans/<plan_id>/meetings": Page(
        methods={
            "GET": Scoped(api=True),
            "POST": Scoped(api=True, writers=frozenset({"office", "secretary"}), ok=REFUSED),
        },
        params={"plan_id": "live_plan"},
        json={
            "POST": lambda w: {
                "cell_id": w.cell_a.pk,
                "date": "2026-11-20",
                "attendee_ids": [w.members["an"].pk, w.members["binh"].pk],
            }
        },
        writers=frozenset({"office", "secretary"}),
        why="GET lists only the meetings the caller runs; POST: cell A's meeting is open already (422)",
    ),
    "api/plans/<plan_id>/appraisal": Page(
        methods={
            "GET": Scoped(api=True, writers=frozenset({"office", "standing", "other_office"})),
            "POST": everyone(NOT_ALLOWED),
        },
        params={"plan_id": "plan"},
        why="the office and the standing committee of the plan's committee",
    ),
    "api/plans/<plan_id>/decisions": Page(
        methods={
            "GET": Scoped(api=True, writers=frozenset({"office", "standing", "other_office"})),
            "POST": Scoped(api=True, writers=frozenset({"standing"}), ok=CREATED),
        },
        params={"plan_id": "plan"},
        json={"POST": lambda w: {"number": "16-QĐ/ĐU", "date": "2020-12-03"}},
        writers=frozenset({"standing"}),
    ),
    "api/plans/<plan_id>/publish-results": Page(
        methods={"GET": everyone(NOT_ALLOWED), "POST": Scoped(api=True, writers=frozenset({"standing"}))},
        params={"plan_id": "plan"},
        writers=frozenset({"standing"}),
    ),
    "api/subjects/<subject_id>/review": Page(
        methods={
            "GET": Scoped(api=True),
            "POST": Scoped(api=True, writers=frozenset({"office", "secretary", "member", "other_office"})),
        },
        params={"subject_id": "subject"},
        writers=frozenset({"office", "secretary", "member", "other_office"}),
        self_service=True,
        why="POST opens (creates if missing) a review: the subject, the cell's secretary, the office",
    ),
    "api/reviews/<review_id>": Page(
        methods={
            "GET": Scoped(api=True),
            "POST": everyone(NOT_ALLOWED),
            "PATCH": Scoped(
                api=True, writers=frozenset({"office", "secretary", "member", "other_office"}), ok=REFUSED
            ),
        },
        params={"review_id": "review"},
        json={"PATCH": lambda w: {"version": 1, "sections": {"99": "Mục không có"}}},
        writers=frozenset({"office", "secretary", "member", "other_office"}),
        self_service=True,
        why="PATCH with an unknown section: 422 for those who may edit",
    ),
    "api/reviews/<review_id>/submit": Page(
        methods={
            "GET": everyone(NOT_ALLOWED),
            "POST": Scoped(
                api=True, writers=frozenset({"office", "secretary", "member", "other_office"}), ok=REFUSED
            ),
        },
        params={"review_id": "review"},
        writers=frozenset({"office", "secretary", "member", "other_office"}),
        self_service=True,
        why="an empty draft cannot be submitted: 422 with the reasons",
    ),
    "api/reviews/<review_id>/reopen": Page(
        methods={"GET": everyone(NOT_ALLOWED), "POST": Scoped(api=True, writers=REGISTRY_MANAGERS)},
        params={"review_id": "review"},
        json={"POST": lambda w: {"reason": "Bổ sung minh chứng"}},
        writers=REGISTRY_MANAGERS,
    ),
    "api/feedback-requests": Page(methods={"GET": api(ALL_ROLES), "POST": everyone(NOT_ALLOWED)}),
    "api/feedback-requests/<request_id>/responses": Page(
        methods={"GET": everyone(NOT_ALLOWED), "POST": Scoped(api=True, ok=CREATED)},
        params={"request_id": "feedback_request"},
        json={"POST": lambda w: {"text": "Gương mẫu, gần gũi nhân dân"}},
        writers=frozenset({"office", "secretary", "residence", "other_office"}),
        why="whoever may answer the request (the residence secretary only the residence one)",
    ),
    "api/meetings/<meeting_id>": Page(
        methods={"GET": Scoped(api=True), "POST": everyone(NOT_ALLOWED)}, params={"meeting_id": "meeting"}
    ),
    "api/meetings/<meeting_id>/close": Page(
        methods={"GET": everyone(NOT_ALLOWED), "POST": Scoped(api=True, ok=REFUSED)},
        params={"meeting_id": "meeting"},
        json={"POST": lambda w: {"minutes": "Diễn biến hội nghị"}},
        writers=frozenset({"office", "secretary", "other_office"}),
        why="a ballot box is still open: 422",
    ),
    "api/meeting-items/<item_id>/criticism": Page(
        methods={"GET": everyone(NOT_ALLOWED), "POST": Scoped(api=True)},
        params={"item_id": "meeting_item"},
        json={"POST": lambda w: {"who": "Đồng chí Bí thư", "what": "Cần gương mẫu hơn"}},
        writers=frozenset({"office", "secretary", "other_office"}),
    ),
    "api/meeting-items/<item_id>/tally": Page(
        methods={"GET": everyone(NOT_ALLOWED), "POST": Scoped(api=True)},
        params={"item_id": "meeting_item"},
        json={"POST": lambda w: {"counts": {"HTTNV": 1}}},
        writers=frozenset({"office", "secretary", "other_office"}),
        why="first entry by the office, the matching second by the secretary",
    ),
    "api/meeting-items/<item_id>/ballot": Page(
        methods={"GET": everyone(NOT_ALLOWED), "POST": Scoped(api=True, ok=REFUSED)},
        params={"item_id": "boxed_item"},
        writers=frozenset({"office", "secretary", "other_office"}),
        why="a ballot is already open on these items: 422",
    ),
    "api/meeting-items/<item_id>/ballot/close": Page(
        methods={"GET": everyone(NOT_ALLOWED), "POST": Scoped(api=True, ok=REFUSED)},
        params={"item_id": "meeting_item"},
        json={"POST": lambda w: {"counting_code": "0000-0000-0000"}},
        writers=frozenset({"office", "secretary", "other_office"}),
        why="no ballot was opened on these items: 422",
    ),
    "api/meeting-items/<item_id>/ballot/cancel": Page(
        methods={"GET": everyone(NOT_ALLOWED), "POST": Scoped(api=True, ok=REFUSED)},
        params={"item_id": "meeting_item"},
        json={"POST": lambda w: {"reason": "Mở nhầm"}},
        writers=frozenset({"office", "secretary", "other_office"}),
        why="no ballot was opened on these items: 422",
    ),
    "api/ballots/<box_id>": Page(
        methods={"GET": Scoped(api=True), "POST": everyone(NOT_ALLOWED)}, params={"box_id": "ballot"}
    ),
    "api/ballots/<box_id>/vote": Page(
        methods={
            "GET": everyone(NOT_ALLOWED),
            "POST": Scoped(api=True, writers=frozenset({"secretary", "member"})),
        },
        params={"box_id": "ballot"},
        json={"POST": lambda w: {"level": "HTTNV"}},
        writers=frozenset({"secretary", "member"}),
        self_service=True,
        why="each voter on the roll, once, for him/herself; the office runs the meeting but has no vote",
    ),
    "api/ballots/<box_id>/receipt": Page(
        methods={"GET": everyone(NOT_ALLOWED), "POST": Scoped(api=True)},
        params={"box_id": "ballot"},
        json={"POST": lambda w: {"code": "ABCD1234"}},
    ),
    "api/decisions/<decision_id>": Page(
        methods={"GET": Scoped(api=True), "POST": everyone(NOT_ALLOWED)}, params={"decision_id": "decision"}
    ),
    "api/decisions/<decision_id>/entries": Page(
        methods={
            "GET": everyone(NOT_ALLOWED),
            "POST": Scoped(api=True, writers=frozenset({"standing"}), ok=REFUSED),
        },
        params={"decision_id": "decision"},
        json={"POST": lambda w: {"choices": [{"subject_id": _cycle(w)["subject_an"].pk, "level": "HTTNV"}]}},  # type: ignore[attr-defined]
        writers=frozenset({"standing"}),
        why="An is decided already: 422 (re-classification is the way)",
    ),
    "api/decision-entries/<entry_id>/reclassify": Page(
        methods={
            "GET": everyone(NOT_ALLOWED),
            "POST": Scoped(api=True, writers=frozenset({"standing"}), ok=CREATED),
        },
        params={"entry_id": "decision_entry"},
        json={"POST": lambda w: {"new_level": "HTNV", "reason": "Phát hiện vi phạm sau khi quyết định"}},
        writers=frozenset({"standing"}),
    ),
}


# --- the annual cycle's web pages -----------------------------------------------------------------
# Who may do what (accounts/scope.py and the engineers' summaries): a review is read by whoever sees
# its subject (not the residence secretary) and written by the subject, the cell's secretary and the
# office; meetings are run by the cell's secretary or the office; the office and the standing
# committee appraise, the standing committee decides and publishes; the higher level watches progress.
# Forms are posted empty (the views see no data: the form is shown again, or a refusal is redirected
# with a message), so nothing changes; one-shot actions meet a state the service refuses (reviews
# locked, a ballot already open, a meeting with an open ballot).
REVIEW_EDITORS = frozenset({"office", "secretary", "member", "other_office"})  # self, cell secretary, office
MEETING_RUNNERS = frozenset({"office", "secretary", "other_office"})
APPRAISERS = frozenset({"office", "standing", "other_office"})
DECIDERS = frozenset({"standing"})
REMEDIATION_EDITORS = frozenset({"office", "secretary", "other_office"})  # office, subject's cell secretary


def post_only(post: Scoped, **kw: object) -> Page:
    """A POST-only view: GET is refused with 405 after the login check."""
    return Page(methods={"GET": web(ALL_ROLES, ok=NOT_ALLOWED), "POST": post}, **kw)  # type: ignore[arg-type]


def _meeting_cell(w: Ward, kwargs: Mapping[str, object]) -> str:
    """The cell whose meeting to open: the plan's own cell (A for the ward, the other ward's cell)."""
    cell = w.cell_a if kwargs["pk"] == web_cycle(w)["plan_ward"].pk else w.other_cell  # type: ignore[attr-defined]
    return f"?chi_bo={cell.pk}"


PAGES |= {
    # Việc của tôi, bản kiểm điểm, minh chứng
    "viec-cua-toi/": get_post(web(ALL_ROLES), why="each user's own tasks"),
    "kiem-diem/<int:subject_id>/": Page(
        methods={"GET": Scoped(), "POST": Scoped(editable=REVIEWS_EDITABLE)},
        params={"subject_id": "review_subject"},
        why="readers: whoever sees the subject; an empty POST by an editor shows the form again",
    ),
    "kiem-diem/<int:subject_id>/tap-the/": Page(
        methods={"GET": Scoped(), "POST": Scoped(editable=REVIEWS_EDITABLE)},
        params={"subject_id": "leader_subject"},
        why="Bình's review at the cell committee (a leader)",
    ),
    "kiem-diem/ban/<int:pk>/luu-nhap/": post_only(
        Scoped(writers=REVIEW_EDITORS, ok=BAD_REQUEST),
        params={"pk": "cycle_review"},
        why="autosave: an empty form is refused (400) for editors, 403/404 for the others",
    ),
    "kiem-diem/ban/<int:pk>/mo-lai/": post_only(
        Scoped(writers=REGISTRY_MANAGERS, ok=REDIRECT),
        params={"pk": "cycle_review"},
        why="the office reopens; without a reason nothing happens",
    ),
    "kiem-diem/ban/<int:pk>/minh-chung/": post_only(
        Scoped(writers=REVIEW_EDITORS, ok=REDIRECT),
        params={"pk": "cycle_review"},
        why="the reviews are submitted (locked): the upload is refused with a message",
    ),
    "minh-chung/<int:pk>/": get_post(Scoped(), params={"pk": "evidence"}, why="a download"),
    "minh-chung/<int:pk>/xoa/": post_only(
        Scoped(writers=REVIEW_EDITORS, ok=REDIRECT),
        params={"pk": "evidence"},
        why="the review is locked: the deletion is refused with a message",
    ),
    # Kế hoạch: kiểm điểm, chi bộ, ý kiến nhận xét
    "ke-hoach/<int:pk>/kiem-diem/": get_post(Scoped(writers=APPRAISERS), params={"pk": "cycle_plan"}),
    "ke-hoach/<int:pk>/chi-bo/<int:cell_id>/": get_post(
        Scoped(writers=MEETING_RUNNERS),
        params={"pk": "cycle_plan", "cell_id": "cycle_cell"},
        why="the cell's secretary or the office",
    ),
    "ke-hoach/<int:pk>/xin-y-kien/": get_post(
        Scoped(writers=REGISTRY_MANAGERS), params={"pk": "cycle_plan"}, why="the office sends the requests"
    ),
    "ke-hoach/<int:pk>/tong-hop-y-kien/": get_post(
        Scoped(writers=MEETING_RUNNERS),
        params={"pk": "cycle_plan"},
        why="the office for every cell, a cell secretary for his/her own cell",
    ),
    "y-kien/": get_post(web(ALL_ROLES), why="lists only the requests the user may answer"),
    "y-kien/<int:pk>/": get_post(
        Scoped(), params={"pk": "cycle_request"}, why="only the requests the user may answer"
    ),
    # Hội nghị kiểm điểm
    "ke-hoach/<int:pk>/hoi-nghi/mo/": get_post(
        Scoped(writers=MEETING_RUNNERS),
        params={"pk": "cycle_plan"},
        query=_meeting_cell,
        why="?chi_bo=: the cell's secretary or the office",
    ),
    "hoi-nghi/<int:pk>/": get_post(Scoped(), params={"pk": "cycle_meeting"}),
    "hoi-nghi/<int:pk>/trinh-chieu/": get_post(Scoped(), params={"pk": "cycle_meeting"}),
    "hoi-nghi/<int:pk>/ket-thuc/": post_only(
        Scoped(ok=REDIRECT), params={"pk": "cycle_meeting"}, why="a ballot is still open: refused"
    ),
    "hoi-nghi/muc/<int:pk>/gop-y/": post_only(
        Scoped(ok=REDIRECT), params={"pk": "cycle_item"}, why="an empty criticism is refused"
    ),
    "hoi-nghi/muc/<int:pk>/tiep-thu/": post_only(
        Scoped(ok=REDIRECT), params={"pk": "cycle_item"}, writers=MEETING_RUNNERS, why="records the response"
    ),
    "hoi-nghi/muc/<int:pk>/kiem-phieu/": post_only(
        Scoped(ok=REDIRECT), params={"pk": "balloted_item"}, why="voting online: a paper tally is refused"
    ),
    "hoi-nghi/muc/<int:pk>/mo-phieu/": post_only(
        Scoped(ok=REDIRECT), params={"pk": "balloted_item"}, why="a ballot is open already: refused"
    ),
    "hoi-nghi/muc/<int:pk>/dong-phieu/": post_only(
        Scoped(ok=REDIRECT), params={"pk": "unballoted_item"}, why="no ballot to close: refused"
    ),
    "hoi-nghi/muc/<int:pk>/huy-phieu/": post_only(
        Scoped(ok=REDIRECT), params={"pk": "unballoted_item"}, why="no ballot to cancel: refused"
    ),
    "hoi-nghi/<int:pk>/kiem-phieu/": post_only(
        Scoped(ok=REDIRECT), params={"pk": "cycle_meeting"}, why="no counting code: refused"
    ),
    "hoi-nghi/muc/<int:pk>/so-phieu/": get_post(
        Scoped(), params={"pk": "cycle_item"}, why="counts only (JSON), for the meeting's runners"
    ),
    # Phiếu bầu
    "phieu/<int:pk>/": get_post(
        Scoped(writers=frozenset({"secretary", "member"})),
        params={"pk": "cycle_ballot"},
        why="voters on the roll only (the office runs the meeting but has no vote)",
    ),
    "phieu/<int:pk>/kiem-tra/": get_post(
        Scoped(), params={"pk": "cycle_ballot"}, why="receipt check: the roll and the meeting's runners"
    ),
    # Thẩm định, quyết định, kết quả, tiến độ, khắc phục
    "ke-hoach/<int:pk>/tham-dinh/": get_post(Scoped(writers=APPRAISERS), params={"pk": "cycle_plan"}),
    "ke-hoach/<int:pk>/quyet-dinh/": Page(
        methods={"GET": Scoped(writers=APPRAISERS), "POST": Scoped(writers=DECIDERS)},
        params={"pk": "cycle_plan"},
        why="POST creates a decision (standing committee)",
    ),
    "ke-hoach/<int:pk>/ket-qua/": get_post(Scoped(writers=APPRAISERS), params={"pk": "cycle_plan"}),
    "ke-hoach/<int:pk>/cong-bo/": post_only(
        Scoped(writers=DECIDERS, ok=REDIRECT), params={"pk": "cycle_plan"}, writers=DECIDERS
    ),
    "ke-hoach/<int:pk>/tien-do/": get_post(
        Scoped(writers=APPRAISERS | {"higher"}),
        params={"pk": "cycle_plan"},
        why="read-only for the higher level",
    ),
    # Thống kê (reports): the committee and the higher level read; cells and members are refused
    # (the page compares cells with each other and with the ward).
    "ke-hoach/<int:pk>/thong-ke/": read_only(
        Scoped(writers=APPRAISERS | {"higher"}), params={"pk": "cycle_plan"}
    ),
    "ke-hoach/<int:pk>/thong-ke.xlsx": read_only(
        Scoped(writers=APPRAISERS | {"higher"}), params={"pk": "cycle_plan"}
    ),
    "ke-hoach/<int:pk>/danh-sach-xep-loai.xlsx": read_only(
        Scoped(writers=APPRAISERS | {"higher"}), params={"pk": "cycle_plan"}
    ),
    "thong-ke/": read_only(
        web(APPRAISERS | {"higher"}),
        why="no plan in this pattern's fixture: the page says there is no data yet",
    ),
    "thong-ke.xlsx": read_only(
        web(APPRAISERS | {"higher"}, ok=NOT_FOUND), why="no data yet: nothing to download"
    ),
    "ke-hoach/<int:pk>/khac-phuc/": get_post(
        Scoped(writers=ALL_ROLES - {"residence"}),
        params={"pk": "cycle_plan"},
        why="the committee and the higher level: the whole plan; a secretary his/her cell; a member self",
    ),
    "quyet-dinh/<int:pk>/": Page(
        methods={"GET": Scoped(), "POST": Scoped(writers=DECIDERS)},
        params={"pk": "cycle_decision"},
        why="POST (decide, bulk accept) by the standing committee; an empty POST decides nothing",
    ),
    "ket-qua/<int:pk>/xep-loai-lai/": Page(
        methods={"GET": Scoped(writers=DECIDERS), "POST": Scoped(writers=DECIDERS)},
        params={"pk": "cycle_entry"},
    ),
    "ket-qua/cua-toi/": get_post(web(ALL_ROLES), why="the member's own published results"),
    "khac-phuc/doi-tuong/<int:pk>/": Page(
        methods={"GET": Scoped(), "POST": Scoped(writers=REMEDIATION_EDITORS)},
        params={"pk": "remediation_subject"},
        why="POST adds an item: the office and the secretary of the subject's cell",
    ),
    "khac-phuc/<int:pk>/sua/": Page(
        methods={
            "GET": Scoped(writers=REMEDIATION_EDITORS),
            "POST": Scoped(writers=REMEDIATION_EDITORS),
        },
        params={"pk": "remediation_item"},
    ),
    "khac-phuc/<int:pk>/xoa/": post_only(
        Scoped(writers=REMEDIATION_EDITORS, ok=REDIRECT),
        params={"pk": "remediation_item"},
        writers=REMEDIATION_EDITORS,
        before=restore_remediation,
        why="each deletion is undone before the next request",
    ),
}


# --- Văn bản, biểu mẫu (documents): downloads and the batch of every member's form ------------------
# Rules (the documents engineer's summary, checked against documents/access.py): every reader of the
# plan downloads the plan and the blank forms; the office and the standing committee of the plan's
# committee (APPRAISERS) every document; a cell secretary the documents of his/her cell (with
# ``?chi_bo=``) and the forms of its members; a member his/her own form, and own result notice once
# published. Objects outside the scope: 404; in scope without the right: 403. DOCX everywhere (fast),
# PDF on the decision only. The bodies' text (python-docx XML, pdftotext) goes through the leak check.
def _by_plan(prefix: str) -> dict[str, frozenset[str]]:
    """Objects whose scope is their plan's (looked up in scope.plans()): WEB_PLANS_SEEN renamed."""
    return {p: frozenset(prefix + k.removeprefix("plan") for k in WEB_PLANS_SEEN[p]) for p in PRINCIPALS}


OBJECT_KINDS |= {
    "document_subject": (
        _web("subject_an", "subject_cuong", "subject_xa", "subject_cell_a"),
        REVIEW_SUBJECTS_SEEN,
    ),
    "plan_decision": (_web("decision_ward", "decision_other"), _by_plan("decision")),
    "plan_meeting": (_web("meeting_ward", "meeting_other"), _by_plan("meeting")),
}
DECIDED = frozenset({"subject_an", "subject_xa"})  # the subjects with a decision entry


def _plan_cell(w: Ward, kwargs: Mapping[str, object]) -> str:
    """``?chi_bo=`` of the plan's own cell (A for the ward's plan) when the variant asks for it."""
    if kwargs.get("chi_bo") != "cell":
        return ""
    return _meeting_cell(w, kwargs)


def _decided(w: Ward, kwargs: Mapping[str, object]) -> None:
    """The decision entries (An; Xa) published or not as the variant says (``cong_bo``), each with a
    re-classification (Mẫu 03) to download."""
    from django.utils import timezone

    from kiemdiem.decisions.models import DecisionEntry, Reclassification

    if not hasattr(w, "_decided"):
        found = web_cycle(w)
        w._decided = [found[key].pk for key in ("entry_ward", "entry_other")]  # type: ignore[attr-defined]
        for pk in w._decided:  # type: ignore[attr-defined]
            Reclassification.objects.create(
                entry_id=pk,
                old_level="HTTNV",
                new_level="HTNV",
                reason="Phát hiện vi phạm",
                date=dt.date.today(),
            )
    published = timezone.now() if kwargs.get("cong_bo") == "1" else None
    DecisionEntry.objects.filter(pk__in=w._decided).update(published_at=published)  # type: ignore[attr-defined]


def _plan_document(principal: str, keys: tuple[str, ...]) -> str:
    if "kind=ke-hoach" in keys:
        return OK  # every reader of the plan
    if principal in APPRAISERS or (principal == "secretary" and "chi_bo=cell" in keys):
        return OK  # the opinion summary: the committee (whole plan or a cell), a secretary his/her cell
    return FORBIDDEN


def _subject_document(principal: str, keys: tuple[str, ...]) -> str:
    subject = keys[0]
    if "kind=ban-kiem-diem" in keys:
        own_cell = principal == "secretary" and subject in {"subject_an", "subject_cell_a"}
        myself = principal == "member" and subject == "subject_an"
        return OK if principal in APPRAISERS or own_cell or myself else FORBIDDEN
    if principal in APPRAISERS:  # the notice, the re-classification: only where there is a decision
        return OK if subject in DECIDED else NOT_FOUND
    if principal == "member" and subject == "subject_an" and "kind=thong-bao" in keys and "cong_bo=1" in keys:
        return OK  # own result, once published
    return FORBIDDEN if subject in DECIDED else DENIED  # no entry: 404 before the permission check


def _meeting_document(principal: str, keys: tuple[str, ...]) -> str:
    own_cell = principal == "secretary" and keys[0] == "meeting_ward"
    return OK if principal in APPRAISERS or own_cell else FORBIDDEN


def _batch(principal: str, keys: tuple[str, ...]) -> str:
    if principal in APPRAISERS or (principal == "secretary" and "chi_bo=cell" in keys):
        return REDIRECT
    return FORBIDDEN


DOCX = {"fmt": "docx"}
BATCH = ({}, {"chi_bo": "cell"})  # the whole plan, or the plan's own cell
PAGES |= {
    "ke-hoach/<int:pk>/van-ban/": get_post(
        Scoped(rule=lambda p, keys: OK),
        params={"pk": "cycle_plan"},
        why="plan readers; the list is filtered by role (the leak check reads it)",
    ),
    "ke-hoach/<int:pk>/van-ban/<slug:kind>.<slug:fmt>": get_post(
        Scoped(rule=_plan_document),
        params={"pk": "cycle_plan"},
        fixed=(
            {"kind": "ke-hoach"} | DOCX,
            {"kind": "tong-hop-y-kien"} | DOCX,
            {"kind": "tong-hop-y-kien", "chi_bo": "cell"} | DOCX,
        ),
        query=_plan_cell,
        why="a download: POST does the same as GET",
    ),
    "doi-tuong/<int:pk>/van-ban/<slug:kind>.<slug:fmt>": get_post(
        Scoped(rule=_subject_document),
        params={"pk": "document_subject"},
        fixed=(
            {"kind": "ban-kiem-diem"} | DOCX,
            {"kind": "thong-bao", "cong_bo": "0"} | DOCX,
            {"kind": "thong-bao", "cong_bo": "1"} | DOCX,
            {"kind": "xep-loai-lai"} | DOCX,
        ),
        before=_decided,
        why="form: committee, cell secretary, self; notice: committee, self once published; Mẫu 03: committee",
    ),
    "quyet-dinh/<int:pk>/van-ban.<slug:fmt>": get_post(
        Scoped(rule=lambda p, keys: OK if p in APPRAISERS else FORBIDDEN),
        params={"pk": "plan_decision"},
        fixed=(DOCX, {"fmt": "pdf"}),
        why="the committee's office and standing committee; the one pattern tried as PDF too",
    ),
    "hoi-nghi/<int:pk>/bien-ban.<slug:fmt>": get_post(
        Scoped(rule=_meeting_document),
        params={"pk": "plan_meeting"},
        fixed=(DOCX,),
        why="the committee, and the secretary of the meeting's cell",
    ),
    "ke-hoach/<int:pk>/van-ban/hang-loat/": Page(
        methods={"GET": Scoped(rule=lambda p, keys: REDIRECT), "POST": Scoped(rule=_batch)},
        params={"pk": "cycle_plan"},
        fixed=BATCH,
        query=_plan_cell,
        writers=APPRAISERS | {"secretary"},
        why="POST builds the batch (a few forms: inside the request) into DATA_DIR; GET goes to the page",
    ),
    "ke-hoach/<int:pk>/van-ban/hang-loat/tien-do/": get_post(
        Scoped(rule=lambda p, keys: OK),
        params={"pk": "cycle_plan"},
        why="JSON of the caller's own job (none in these sessions); owners: test_document_batch_*",
    ),
    "ke-hoach/<int:pk>/van-ban/hang-loat/tai-ve/": get_post(
        Scoped(rule=lambda p, keys: NOT_FOUND),
        params={"pk": "cycle_plan"},
        why="no job in these sessions: 404; the owner's download: test_document_batch_*",
    ),
}


# --- the project's URL patterns -----------------------------------------------------------------
def _walk(patterns: list, prefix: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def project_routes() -> list[str]:
    return sorted(set(_walk(get_resolver().url_patterns)))


def api_methods() -> dict[str, set[str]]:
    """HTTP methods of each API operation, from the published OpenAPI schema, by Django route."""
    from kiemdiem.api.api import api as ninja_api

    schema = ninja_api.get_openapi_schema(path_prefix=reverse("api:api-root"))
    return {
        re.sub(r"\{(\w+)\}", r"<\1>", path.lstrip("/")): {m.upper() for m in ops}
        for path, ops in schema["paths"].items()
    }


_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


def _fill(route: str, values: Mapping[str, object]) -> str:
    return "/" + _PARAM.sub(lambda m: str(values[m["name"]]), route)


# --- checks ----------------------------------------------------------------------------------------
_DOCX_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")


def _file_text(raw: bytes) -> str:
    """The text of a downloaded file as a person would read it: XLSX cells, DOCX paragraphs (body,
    tables, headers and footers), PDF text (pdftotext), each file of a ZIP; else the bytes decoded."""
    if raw.startswith(b"PK"):
        book = zipfile.ZipFile(io.BytesIO(raw))
        names = book.namelist()
        if "xl/workbook.xml" in names:  # XLSX: the cells' text
            from openpyxl import load_workbook

            sheets = load_workbook(io.BytesIO(raw), read_only=True).worksheets
            return "\n".join(
                " ".join(str(v) for v in row if v is not None)
                for ws in sheets
                for row in ws.iter_rows(values_only=True)
            )
        if "word/document.xml" in names:  # DOCX: runs joined, one line per paragraph
            xml = "".join(book.read(n).decode() for n in names if _DOCX_PARTS.fullmatch(n))
            xml = re.sub(r"</w:p>|<w:br/>|<w:tab/>", "\n", xml)
            return html.unescape(re.sub(r"<[^>]+>", "", xml))
        return "\n".join(_file_text(book.read(n)) for n in names if not n.endswith("/"))
    if raw.startswith(b"%PDF"):
        done = subprocess.run(["pdftotext", "-q", "-", "-"], input=raw, capture_output=True, check=False)
        if done.returncode == 0:  # lines joined: a name wrapped at the end of a line is still found
            return " ".join(unicodedata.normalize("NFC", done.stdout.decode()).split())
    return raw.decode("utf-8-sig", errors="replace")


def _body(response: HttpResponse) -> bytes:
    if getattr(response, "streaming", False):
        response._matrix_body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return getattr(response, "_matrix_body", None) or response.content


def _text(response: HttpResponse) -> str:
    """The response as a person would read it (JSON escapes like \\u1ec5 decoded; files' text)."""
    raw = _body(response)
    if raw.startswith((b"PK", b"%PDF")):
        return _file_text(raw)
    body = raw.decode("utf-8-sig", errors="replace")
    if "json" in response.get("Content-Type", ""):
        try:
            body = json.dumps(json.loads(body), ensure_ascii=False)
        except ValueError:
            pass
    return body


def _matches(response: HttpResponse, expected: str) -> bool:
    status = response.status_code
    location = response.get("Location", "")
    login = reverse("login")
    simple = {
        OK: {200},
        CREATED: {201},
        NO_CONTENT: {204},
        DENIED: {403, 404},
        REFUSED: {403, 404, 422},
        NOT_FOUND: {404},
        FORBIDDEN: {403},
        BAD_REQUEST: {400},
        CONFLICT: {409},
        NOT_ALLOWED: {405},
        UNAUTHORIZED: {401},
    }
    if expected in simple:
        return status in simple[expected]
    if expected == TO_LOGIN_NEXT:
        return status == 302 and location.startswith(login + "?next=")
    if expected == TO_LOGIN:
        return status == 302 and location == login
    if expected in (REDIRECT, OK_OR_REDIRECT):
        local = status == 302 and location.startswith("/") and not location.startswith(login)
        return local or (expected == OK_OR_REDIRECT and status == 200)
    if expected == TO_DASHBOARD:
        return status == 302 and location == reverse("dashboard")
    raise AssertionError(f"unknown outcome {expected!r}")


def _snapshot(files: bool = True) -> dict[str, str]:
    """A fingerprint of every row of every table except sessions (logging in and out changes those),
    and of the files under DATA_DIR (background jobs keep their state and results there)."""
    from django.conf import settings

    tables = set(connection.introspection.table_names())
    rows = {
        m._meta.label: repr(list(m.objects.order_by("pk").values_list()))
        for m in apps.get_models()
        if m is not Session and m._meta.db_table in tables
    }
    if not files:
        return rows
    found = sorted((str(f), f.stat().st_size) for f in Path(settings.DATA_DIR).rglob("*") if f.is_file())
    return rows | {"DATA_DIR": repr(found)}


def _leaks(body: str, principal: str, w: Ward, document: bool = False) -> list[str]:
    """Names of members and organizations outside the principal's scope that appear in ``body``.

    ``document``: a downloaded Party document, whose header names the committees above its issuer
    (thể thức văn bản của Đảng): the ancestors of the organizations seen are allowed there."""
    seen_members = {key: m for key, m in w.members.items() if key in MEMBERS_SEEN[principal]}
    # An organization's page names its parent and a member's page the member's cells: those names
    # come with what the role may see.
    org_names_seen = set()
    for key in ORGS_SEEN[principal]:
        org = getattr(w, key)
        org_names_seen.add(org.name)
        if org.parent_id:
            org_names_seen.add(org.parent.name)
        while document and org.parent_id:
            org = org.parent
            org_names_seen.add(org.name)
    for m in seen_members.values():
        org_names_seen.add(m.cell.name)
        if m.residence_cell_id:
            org_names_seen.add(m.residence_cell.name)
    allowed = sorted({m.full_name for m in seen_members.values()} | org_names_seen, key=len, reverse=True)
    for name in allowed:  # longest first: "… số 1 Giang Biên" must not hide "… số 1"
        body = body.replace(name, "")
    hidden = [m.full_name for key, m in w.members.items() if key not in seen_members]
    hidden += [getattr(w, key).name for key in ORG_KEYS if getattr(w, key).name not in org_names_seen]
    return [name for name in hidden if name in body]


def _client_for(principal: str, w: Ward) -> Client:
    client = Client()
    if principal != ANONYMOUS:
        client.force_login(w.users[principal])
    return client


def _cases(
    route: str, page: Page, w: Ward
) -> Iterator[tuple[str, dict[str, object], dict[str, bool], tuple[str, ...]]]:
    """(label, URL kwargs, {principal: sees every object}, object keys) for each way of filling the route."""
    names = [m["name"] for m in _PARAM.finditer(route)]
    missing = [n for n in names if n not in page.params and not all(n in v for v in page.fixed or ({},))]
    if missing:
        pytest.fail(f"PAGES[{route!r}] must say what fills {missing} (params=… or fixed=…)")
    if not names:
        yield "", {}, dict.fromkeys(PRINCIPALS, True), ()
        return
    choices = []
    for name in names:
        if name in page.params:
            objects, _ = OBJECT_KINDS[page.params[name]]
            choices.append([(name, key, pk) for key, (pk, _) in objects(w).items()])
    for combo in itertools.product(*choices):
        for values in page.fixed or ({},):
            kwargs = {name: pk for name, _, pk in combo} | dict(values)
            visible = {
                p: all(key in OBJECT_KINDS[page.params[name]][1][p] for name, key, _ in combo)
                for p in PRINCIPALS
            }
            given = [f"{n}={v}" for n, v in values.items()]
            label = " [" + ", ".join([*(f"{page.params[n]}={key}" for n, key, _ in combo), *given]) + "]"
            yield label, kwargs, visible, (*(key for _, key, _ in combo), *given)


def _expected(rule: Rule | Scoped, principal: str, visible: bool, keys: tuple[str, ...] = ()) -> str:
    if isinstance(rule, Scoped):
        return rule.outcome(principal, visible, keys)
    return rule[principal]


def _request(client: Client, method: str, url: str, body: dict[str, object] | None) -> HttpResponse:
    if body is not None:
        return client.generic(method, url, json.dumps(body), content_type="application/json")
    if method == "POST":
        return client.post(url, {})
    return client.generic(method, url)


ROUTES = project_routes()

# Application bugs the matrix finds, one request each ("METHOD /route [kind=key] as role": what is
# wrong). The route's test is marked xfail while every one of them still shows; it fails when one of
# them stops showing (fixed: remove it here) or when anything else goes wrong.
KNOWN_BUGS: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Evidence files of the fixture go to a temporary folder, never to the data folder; so do the
    background jobs' files (DATA_DIR). No job thread may outlive the test: a batch of documents this
    small is built inside the request (documents/views.py: INLINE_MAX), and the test fails if not."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    yield
    jobs = [t for t in threading.enumerate() if t.name.startswith("van-ban-")]
    for t in jobs:
        t.join(timeout=60)
    assert not jobs, f"background document jobs started by the test: {[t.name for t in jobs]}"


def test_every_url_pattern_is_in_the_matrix():
    missing = [r for r in ROUTES if r not in PAGES]
    assert not missing, (
        f"URL patterns without an entry in PAGES of tests/test_url_matrix.py: {missing}. "
        "Add each one with who may GET and POST it (and params= for its URL parameters)."
    )


def test_every_api_method_is_in_the_matrix():
    missing = [
        f"{method} /{route}"
        for route, methods in api_methods().items()
        for method in methods
        if method not in PAGES.get(route, Page(methods={})).methods
    ]
    assert not missing, f"API operations without a rule in PAGES of tests/test_url_matrix.py: {missing}"


def test_the_matrix_lists_no_pattern_that_is_gone():
    stale = [r for r in PAGES if r not in ROUTES]
    assert not stale, f"PAGES in tests/test_url_matrix.py lists routes that no longer exist: {stale}"


def test_the_matrix_itself_is_consistent():
    for route, page in PAGES.items():
        assert {"GET", "POST"} <= set(page.methods), f"{route!r}: say what GET and POST do"
        for rule in page.methods.values():
            if not isinstance(rule, Scoped):
                assert set(rule) == set(PRINCIPALS), f"{route!r}: a rule must name every principal"
        if not page.self_service:
            assert not (page.writers & READ_ONLY_ROLES), f"{route!r}: read-only roles may not write"
            assert "member" not in page.writers, f"{route!r}: a member writes only his/her own account"
        assert set(page.params.values()) <= set(OBJECT_KINDS), f"{route!r}: unknown parameter kind"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: "/" + r)
def test_each_role_reaches_only_what_its_scope_allows(route, ward):
    if route not in PAGES:
        pytest.fail(f"/{route} is not in PAGES of tests/test_url_matrix.py: add who may GET and POST it.")
    page = PAGES[route]
    clients = {p: _client_for(p, ward) for p in PRINCIPALS}
    failures: list[str] = []
    known: set[str] = set()  # KNOWN_BUGS met on this route
    for label, kwargs, visible, keys in _cases(route, page, ward):
        url = _fill(route, kwargs) + (page.query(ward, kwargs) if page.query else "")
        for principal in PRINCIPALS:
            for method, rule in page.methods.items():
                expected = _expected(rule, principal, visible[principal], keys)
                body = page.json[method](ward) if method in page.json else None
                if page.before is not None:
                    page.before(ward, kwargs)
                before = _snapshot() if method != "GET" else None
                response = _request(clients[principal], method, url, body)
                problems = []
                if not _matches(response, expected):
                    problems.append(
                        f"expected {expected}, got {response.status_code} {response.get('Location', '')}"
                    )
                text = _text(response)
                if "fmt" in kwargs and response.status_code == 200:  # a document download
                    wanted = CONTENT_TYPES[str(kwargs["fmt"])]
                    if response.get("Content-Type") != wanted or not text.strip():
                        problems.append(f"not a {kwargs['fmt']} document: {response.get('Content-Type')}")
                leaked = _leaks(text, principal, ward, document="fmt" in kwargs)
                if leaked:
                    problems.append(f"response shows out-of-scope {leaked}")
                if method != "GET" and principal not in page.writers and _snapshot() != before:
                    problems.append("changed the database, but this role may not write here")
                bug = f"{method} /{route}{label} as {principal}"
                if bug in KNOWN_BUGS:
                    known.update([bug] if problems else [])
                else:
                    failures += [f"{method} {url}{label} as {principal}: {p}" for p in problems]
                if expected == TO_LOGIN:  # logged out: log in again
                    clients[principal] = _client_for(principal, ward)
    assert not failures, "\n".join(failures)
    fixed = [b for b in KNOWN_BUGS if b.split(" ")[1] == "/" + route and b not in known]
    assert not fixed, f"Known bugs that no longer show (fixed? remove them from KNOWN_BUGS): {fixed}"
    if known:
        pytest.xfail("known application bugs: " + "; ".join(f"{b}: {KNOWN_BUGS[b]}" for b in sorted(known)))


# --- writes that name a target outside the scope --------------------------------------------------
@pytest.mark.parametrize(
    ("username", "cell"),
    [
        ("other_office", "cell_a"),
        ("office", "other_cell"),
        ("higher", "cell_a"),
        ("standing", "cell_a"),
        ("secretary", "cell_a"),
        ("member", "cell_a"),
    ],
)
def test_bulk_account_creation_refuses_cells_outside_the_office_scope(ward, username, cell, client):
    client.force_login(ward.users[username])
    users = User.objects.count()
    response = client.post(reverse("bulk_accounts"), {"cell": getattr(ward, cell).pk})
    assert response.status_code == 403
    assert User.objects.count() == users


def test_bulk_account_creation_works_for_the_office_own_cell(ward, client):
    client.force_login(ward.users["office"])
    response = client.post(reverse("bulk_accounts"), {"cell": ward.cell_b.pk})
    assert response.status_code == 200
    assert User.objects.filter(member__in=[ward.members["cuong"], ward.members["dung"]]).count() == 2
    assert not User.objects.filter(member=ward.members["xa"]).exists()


def test_denied_pages_are_in_vietnamese(ward, client):
    client.force_login(ward.users["secretary"])
    not_found = client.get(reverse("member_detail", args=[ward.members["xa"].pk]))
    forbidden = client.get(reverse("import_export"))
    assert not_found.status_code == 404 and forbidden.status_code == 403
    for response in (not_found, forbidden):
        body = response.content.decode()
        assert "Not Found" not in body and "Forbidden" not in body
    assert "Không tìm thấy trang" in not_found.content.decode()
    assert "Không có quyền truy cập" in forbidden.content.decode()


def test_an_import_cannot_take_over_a_member_of_another_ward_by_card_number(ward, client):
    """A re-import updates members by card number: only members inside the importer's scope."""
    from kiemdiem.members.exporting import member_values
    from kiemdiem.members.importing import MEMBER_COLUMNS
    from tests.data.helpers import xlsx

    xa = ward.members["xa"]
    row = member_values(xa)
    row[MEMBER_COLUMNS.index("Mã chi bộ")] = ward.cell_a.code  # "move" xa into the office's own cell
    row[MEMBER_COLUMNS.index("Họ và tên")] = "Hoàng Văn Xa Đã Sửa"
    client.force_login(ward.users["office"])
    before = _snapshot(files=False)  # the checked file is kept under DATA_DIR: the office may
    client.post(reverse("import_check"), {"loai": "members", "tep": xlsx([row])})
    client.post(reverse("import_commit"), {"nhap": "1"})
    xa.refresh_from_db()
    assert (xa.cell, xa.full_name) == (ward.other_cell, "Hoàng Văn Xa")
    assert _snapshot(files=False) == before


# --- the batch of documents belongs to the user who started it ---------------------------------------
def _session_with(client: Client, key: str, value: object) -> None:
    session = client.session
    session[key] = value
    session.save()


def test_document_batch_belongs_to_its_owner(ward, settings):
    """The secretary builds cell A's forms; the file holds cell A's members only. Another user given the
    job's id in his/her session (and the same plan) sees no progress and downloads nothing; a denied
    POST leaves no job file under DATA_DIR."""
    plan = web_cycle(ward)["plan_ward"]
    batch = reverse("document_batch", args=[plan.pk])
    owner = _client_for("secretary", ward)
    assert owner.post(batch + f"?chi_bo={ward.cell_a.pk}").status_code == 302
    assert not [t for t in threading.enumerate() if t.name.startswith("van-ban-")]  # built in the request
    progress = owner.get(reverse("document_batch_progress", args=[plan.pk])).json()
    assert progress["status"] == "done" and progress["total"] >= 2, progress
    download = owner.get(reverse("document_batch_download", args=[plan.pk]))
    assert download.status_code == 200 and download["Content-Type"] == CONTENT_TYPES["zip"]
    text = _file_text(_body(download))
    assert ward.members["an"].full_name in text and ward.members["binh"].full_name in text
    assert not _leaks(text, "secretary", ward, document=True)
    # The leak check reads PDFs too: the decision's list names An.
    decision = web_cycle(ward)["decision_ward"].pk  # type: ignore[attr-defined]
    pdf = _client_for("office", ward).get(reverse("decision_document", args=[decision, "pdf"]))
    assert ward.members["an"].full_name in _file_text(_body(pdf))

    key = f"documents_batch_{plan.pk}"
    job_id = owner.session[key]
    files = _snapshot()["DATA_DIR"]
    for principal in ("office", "standing", "member", "higher"):
        other = _client_for(principal, ward)
        _session_with(other, key, job_id)
        state = other.get(reverse("document_batch_progress", args=[plan.pk])).json()
        assert state["status"] == "none", (principal, state)
        assert other.get(reverse("document_batch_download", args=[plan.pk])).status_code == 404, principal
    member = _client_for("member", ward)
    assert member.post(batch + f"?chi_bo={ward.cell_a.pk}").status_code == 403
    assert _snapshot()["DATA_DIR"] == files
