"""Load-test data: the seed ward, extra members up to a target, accounts, an open plan and open ballots.

Run inside Django (``DATABASE_URL`` pointing at the throwaway database, already migrated)::

    python bench/load/setup_data.py --members 2000 --out manifest.json

Everything goes through the project's services (seed, create_member_accounts, plans and reviews
services). The only shortcut is the password: accounts are created with a fast hasher, then every
load-test account gets the same real Argon2 hash of one known password (one Argon2 computation instead
of 2,000). The server still verifies it with Argon2 at login: production hashing is not weakened.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

LOAD_PASSWORD = "Tai-Thu@2026-load"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiemdiem.settings")
    import django

    django.setup()


def _extra_members(target: int, rng: random.Random) -> int:
    """Add members to the seed's active cells (round robin) until ``target`` are on a cell's roll."""
    from kiemdiem.demo.seed import WARD_CODE
    from kiemdiem.lib.vietnamese import fold, name_sort_key
    from kiemdiem.members.models import ActivityStatus, Employment, Gender, Member, Membership
    from kiemdiem.organizations.models import Organization

    ward = Organization.objects.get(code=WARD_CODE)
    cells = list(Organization.objects.filter(parent=ward, active_to__isnull=True).order_by("code"))
    have = Member.objects.filter(cell__in=cells).on_roll().count()
    missing = max(0, target - have)
    last = max(int(c) for c in Member.objects.values_list("card_number", flat=True))
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
    given = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Minh", "Nam"]
    new: list[Member] = []
    for i in range(missing):
        cell = cells[i % len(cells)]
        name = f"{rng.choice(family)} Văn Tải {rng.choice(given)} {i}"
        born = dt.date(1960 + rng.randrange(40), 1 + rng.randrange(12), 1 + rng.randrange(28))
        admitted = dt.date(born.year + 25, born.month, born.day)
        new.append(
            Member(
                employment=Employment.OUTSIDE,
                card_number=f"{last + 1 + i:08d}",
                full_name=name,
                gender=Gender.MALE if i % 2 else Gender.FEMALE,
                date_of_birth=born,
                admitted_on=admitted,
                official_on=admitted.replace(year=admitted.year + 1),
                cell=cell,
                residence_cell=cell,
                residence_address=f"Số {i}, {cell.name.removeprefix('Chi bộ ')}",
                workplace="Kinh doanh tự do",
                search_name=fold(name),
                sort_key=name_sort_key(name),
                activity_status=ActivityStatus.ACTIVE,
            )
        )
    created = Member.objects.bulk_create(new, batch_size=500)
    Membership.objects.bulk_create(
        [Membership(member=m, organization=m.cell, start=m.admitted_on, end=None) for m in created],
        batch_size=1000,
    )
    return len(created)


def _accounts(ward: Any, cells: list[Any]) -> tuple[str, dict[int, str]]:
    """Member accounts (service, fast hasher), one secretary per cell and one office account, all with
    the same real Argon2 hash of LOAD_PASSWORD."""
    from django.contrib.auth.hashers import make_password
    from django.test import override_settings

    from kiemdiem.accounts.models import Role, RoleAssignment, User
    from kiemdiem.accounts.services import create_member_accounts
    from kiemdiem.members.models import Member

    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        create_member_accounts(Member.objects.filter(cell__in=cells).on_roll().select_related("cell"))
    office = User.objects.create(username="tai.vanphong")
    RoleAssignment.objects.create(user=office, role=Role.OFFICE, organization=ward)
    secretaries: dict[int, str] = {}
    for cell in cells:
        user = User.objects.create(username=f"tai.bithu.{cell.code.lower()}")
        RoleAssignment.objects.create(user=user, role=Role.CELL_SECRETARY, organization=cell)
        secretaries[cell.pk] = user.username
    real = make_password(LOAD_PASSWORD)  # Argon2, from the project's settings
    assert real.startswith("argon2"), real[:10]
    User.objects.filter(member__isnull=False).update(password=real, must_change_password=False)
    User.objects.filter(username__startswith="tai.").update(password=real, must_change_password=False)
    return office.username, secretaries


def _plan(ward: Any, office: Any, today: dt.date) -> Any:
    from kiemdiem.plans.services import compute_subjects, create_plan, publish_plan

    plan = create_plan(
        ward, number="99-KH/ĐU", issued_on=today, year=today.year, actor=office, purpose="Kiểm thử tải."
    )
    plan.launch_date = today
    plan.launch_place = "Hội trường Đảng ủy phường"
    plan.save()
    fw = plan.framework()
    limit = fw.review_end_limit(plan.year)
    due_cells, due_committee = today + dt.timedelta(days=20), today + dt.timedelta(days=30)
    if limit is not None:
        due_committee = min(due_committee, limit - dt.timedelta(days=1))
        due_cells = min(due_cells, due_committee)
    for step in plan.steps.all():
        step.due_cells = due_cells
        step.due_committee = due_committee
        step.save()
    compute_subjects(plan, office)
    publish_plan(plan, office)
    return plan


def _collective_reviews(plan: Any, office: Any) -> None:
    """Each cell's own report, written and submitted first (members' reviews need it: C-ORD)."""
    from kiemdiem.plans.models import SubjectKind
    from kiemdiem.reviews import services

    for subject in plan.subjects.filter(kind=SubjectKind.CELL).select_related("plan"):
        review = services.get_or_create_review(subject, actor=office)
        data: dict[str, Any] = {"strengths": "Hoàn thành nhiệm vụ năm.", "self_level": "HTTNV"}
        if plan.framework().scored:
            data.update({"score_general": 20, "score_tasks": 50})
        review = services.save_review(review, data, office, version=review.version)
        services.submit_review(review, office)


def _ballots(plan: Any, cells: list[Any], secretaries: dict[int, Any], today: dt.date) -> dict[int, int]:
    """A meeting per cell with every reviewed member present, and a secret ballot on the cell's item."""
    from kiemdiem.members.models import Member
    from kiemdiem.reviews import ballots as ballot_service
    from kiemdiem.reviews import meetings as meeting_service

    box_of_cell: dict[int, int] = {}
    for cell in cells:
        attendees = list(
            Member.objects.filter(
                pk__in=plan.subjects.filter(cell=cell, member__isnull=False, reviewed=True).values(
                    "member_id"
                )
            )
        )
        if len(attendees) < ballot_service.MIN_BALLOTS_FOR_RESULTS:
            continue
        actor = secretaries[cell.pk]
        meeting = meeting_service.open_meeting(
            plan, date=today, actor=actor, organization=cell, attendees=attendees
        )
        item = meeting.items.order_by("order").first()
        box = ballot_service.open_ballot(item, actor)
        box_of_cell[cell.pk] = box.pk
    return box_of_cell


def build(members: int, seed: int = 6) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from kiemdiem.accounts.models import User
    from kiemdiem.demo import seed as demo_seed
    from kiemdiem.organizations.models import Organization
    from kiemdiem.plans.models import SubjectKind

    rng = random.Random(seed)
    today = timezone.localdate()
    t0 = time.perf_counter()
    demo_seed.load()
    with transaction.atomic():
        added = _extra_members(members, rng)
        ward = Organization.objects.get(code=demo_seed.WARD_CODE)
        cells = list(Organization.objects.filter(parent=ward, active_to__isnull=True).order_by("code"))
        office_name, secretary_names = _accounts(ward, cells)
        office = User.objects.get(username=office_name)
        plan = _plan(ward, office, today)
        _collective_reviews(plan, office)
        secretaries = {pk: User.objects.get(username=name) for pk, name in secretary_names.items()}
        box_of_cell = _ballots(plan, cells, secretaries, today)
    subjects = (
        plan.subjects.filter(member__isnull=False, reviewed=True, member__user__isnull=False)
        .exclude(kind=SubjectKind.LEADERSHIP_COLLECTIVE)
        .values_list("pk", "member__user__username", "cell_id")
        .order_by("pk")
    )
    manifest = {
        "password": LOAD_PASSWORD,
        "plan": plan.pk,
        "office": office_name,
        "members": [
            {"username": u, "subject": s, "cell": c, "box": box_of_cell.get(c)} for s, u, c in subjects
        ],
        "secretaries": [{"username": n, "cell": c} for c, n in secretary_names.items()],
        "added_members": added,
        "seconds": round(time.perf_counter() - t0, 1),
    }
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    _django()
    manifest = build(args.members)
    args.out.write_text(json.dumps(manifest))
    print(
        f"setup: {len(manifest['members'])} member accounts with an open review, "
        f"{len(manifest['secretaries'])} cell secretaries, plan {manifest['plan']}, "
        f"{sum(1 for m in manifest['members'] if m['box'])} voters on open ballots "
        f"({manifest['seconds']} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
