"""Account services: bulk creation of member accounts."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from kiemdiem.members.models import Member

from .models import Role, RoleAssignment, User

# Letters and digits that cannot be confused when read from paper (no 0/O, 1/l/I).
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_password(length: int = 10) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


@dataclass(frozen=True)
class CreatedAccount:
    member: Member
    username: str
    password: str


@transaction.atomic
def create_member_accounts(members: Iterable[Member]) -> list[CreatedAccount]:
    """Tạo tài khoản hàng loạt: one account per member who has none; username = card number.

    Idempotent: members who already have an account are skipped. Each new account must change its
    initial password at first login. The initial passwords are returned once, for printing.
    """
    created: list[CreatedAccount] = []
    have = set(User.objects.filter(member__isnull=False).values_list("member_id", flat=True))
    for member in members:
        if member.pk in have:
            continue
        password = new_password()
        user = User(username=member.card_number, member=member, must_change_password=True)
        user.set_password(password)
        user.save()
        RoleAssignment.objects.create(user=user, role=Role.MEMBER)
        created.append(CreatedAccount(member, user.username, password))
    return created
