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
import io
import itertools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kiemdiem.accounts.models import User
from kiemdiem.api.models import ApiToken

from .factories import Ward

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

# Each user sees (and revokes) only his/her own tokens.
TOKENS_SEEN: dict[str, frozenset[str]] = {p: frozenset({p} - {ANONYMOUS}) for p in PRINCIPALS}

# URL parameter kinds: how to list the fixture's objects (key -> (pk, name)) and who sees which.
OBJECT_KINDS: dict[str, tuple[Callable[[Ward], dict[str, tuple[int, str]]], dict[str, frozenset[str]]]] = {
    "member": (_members, MEMBERS_SEEN),
    "org": (_orgs, ORGS_SEEN),
    "token": (_tokens, TOKENS_SEEN),
    "plan": (_plans, PLANS_SEEN),
}

# --- outcomes ---------------------------------------------------------------------------------
OK = "200"
CREATED = "201"
NO_CONTENT = "204"
DENIED = "403 or 404"
REFUSED = "403, 404 or 422"  # a write naming a target outside the scope: refused, however phrased
NOT_FOUND = "404"
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

    def outcome(self, principal: str, visible: bool) -> str:
        if principal == ANONYMOUS:
            return UNAUTHORIZED if self.api else TO_LOGIN_NEXT
        if not visible:
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
def _text(response: HttpResponse) -> str:
    """The response as a person would read it (JSON escapes like \\u1ec5 decoded)."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        raw = response.content
    if raw.startswith(b"PK"):  # XLSX: the cells' text
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(
            " ".join(str(v) for v in row if v is not None)
            for ws in book.worksheets
            for row in ws.iter_rows(values_only=True)
        )
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


def _snapshot() -> dict[str, str]:
    """A fingerprint of every row of every table except sessions (logging in and out changes those)."""
    tables = set(connection.introspection.table_names())
    return {
        m._meta.label: repr(list(m.objects.order_by("pk").values_list()))
        for m in apps.get_models()
        if m is not Session and m._meta.db_table in tables
    }


def _leaks(body: str, principal: str, w: Ward) -> list[str]:
    """Names of members and organizations outside the principal's scope that appear in ``body``."""
    seen_members = {key: m for key, m in w.members.items() if key in MEMBERS_SEEN[principal]}
    # An organization's page names its parent and a member's page the member's cells: those names
    # come with what the role may see.
    org_names_seen = set()
    for key in ORGS_SEEN[principal]:
        org = getattr(w, key)
        org_names_seen.add(org.name)
        if org.parent_id:
            org_names_seen.add(org.parent.name)
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


def _cases(route: str, page: Page, w: Ward) -> Iterator[tuple[str, dict[str, object], dict[str, bool]]]:
    """(label, URL kwargs, {principal: sees every object}) for each way of filling the route."""
    names = [m["name"] for m in _PARAM.finditer(route)]
    missing = [n for n in names if n not in page.params]
    if missing:
        pytest.fail(f"PAGES[{route!r}] must say which kind of object fills {missing} (params=…)")
    if not names:
        yield "", {}, dict.fromkeys(PRINCIPALS, True)
        return
    choices = []
    for name in names:
        objects, _ = OBJECT_KINDS[page.params[name]]
        choices.append([(name, key, pk) for key, (pk, _) in objects(w).items()])
    for combo in itertools.product(*choices):
        kwargs = {name: pk for name, _, pk in combo}
        visible = {
            p: all(key in OBJECT_KINDS[page.params[name]][1][p] for name, key, _ in combo) for p in PRINCIPALS
        }
        label = " [" + ", ".join(f"{page.params[name]}={key}" for name, key, _ in combo) + "]"
        yield label, kwargs, visible


def _expected(rule: Rule | Scoped, principal: str, visible: bool) -> str:
    if isinstance(rule, Scoped):
        return rule.outcome(principal, visible)
    return rule[principal]


def _request(client: Client, method: str, url: str, body: dict[str, object] | None) -> HttpResponse:
    if body is not None:
        return client.generic(method, url, json.dumps(body), content_type="application/json")
    if method == "POST":
        return client.post(url, {})
    return client.generic(method, url)


ROUTES = project_routes()


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
    for label, kwargs, visible in _cases(route, page, ward):
        url = _fill(route, kwargs)
        for principal in PRINCIPALS:
            for method, rule in page.methods.items():
                expected = _expected(rule, principal, visible[principal])
                body = page.json[method](ward) if method in page.json else None
                before = _snapshot() if method != "GET" else None
                response = _request(clients[principal], method, url, body)
                where = f"{method} {url}{label} as {principal}"
                if not _matches(response, expected):
                    failures.append(
                        f"{where}: expected {expected}, got {response.status_code} {response.get('Location', '')}"
                    )
                leaked = _leaks(_text(response), principal, ward)
                if leaked:
                    failures.append(f"{where}: response shows out-of-scope {leaked}")
                if method != "GET" and principal not in page.writers and _snapshot() != before:
                    failures.append(f"{where}: changed the database, but this role may not write here")
                if expected == TO_LOGIN:  # logged out: log in again
                    clients[principal] = _client_for(principal, ward)
    assert not failures, "\n".join(failures)


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
    before = _snapshot()
    client.post(reverse("import_check"), {"loai": "members", "tep": xlsx([row])})
    client.post(reverse("import_commit"), {"nhap": "1"})
    xa.refresh_from_db()
    assert (xa.cell, xa.full_name) == (ward.other_cell, "Hoàng Văn Xa")
    assert _snapshot() == before
