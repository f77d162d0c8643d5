"""Ballot secrecy against a reader of the database (docs/security.md, "Bỏ phiếu kín").

The attacker of these tests reads every table raw, with the system columns that betray what was
written together and in which order (PostgreSQL: ``xmin`` and ``ctid``; SQLite: ``rowid``), after
several members voted in requests of their own. The attacker *can* link a voter to a ballot row (the
roll change and the ballot are written in one transaction); what must hold is that the row tells
nothing of the level: two boxes in which every voter chose a different level look the same to the
attacker, voter by voter, so any guess is right in at most one of them; the private key and the
counting code are nowhere in the database; after the count no ballot, no key, and the counted
receipts in an order that is not the voting order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db import connection
from nacl.public import PrivateKey

from kiemdiem.accounts.models import User
from kiemdiem.audit.models import AuditEvent
from kiemdiem.lib import sealed_ballots
from kiemdiem.reviews.ballots import close_all_ballots, open_ballot
from kiemdiem.reviews.meetings import open_meeting
from kiemdiem.reviews.models import Ballot, BallotBox, CountingKey, MeetingItem, VoterRollEntry

from ..factories import make_member, make_user
from .conftest import recompute

LEVELS = ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]


def _raw(table: str) -> list[dict]:
    """Every row of a table as stored, with the system columns an attacker would read."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f'SELECT xmin::text AS "_tx", ctid AS "_pos", t.* FROM {table} t')
        else:
            cur.execute(f'SELECT NULL AS "_tx", rowid AS "_pos", t.* FROM {table} t')
        names = [c[0] for c in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    if connection.vendor == "postgresql":  # ctid "(page,slot)" → a sortable tuple
        for r in rows:
            page, slot = r["_pos"].strip("()").split(",")
            r["_pos"] = (int(page), int(slot))
    return rows


def _whole_database_text() -> str:
    """Every value of every table, as text (bytes as hex): what a dump of the database holds."""
    parts = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names(cur):
            cur.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cur.fetchall():
                for v in row:
                    parts.append(bytes(v).hex() if isinstance(v, bytes | memoryview) else str(v))
    return "\n".join(parts)


@pytest.fixture
def voting(ward, plan, client):
    """A meeting of six members with accounts and two boxes, open under one counting code."""
    extra = [make_member(ward.cell_a, f"Trần Thị Cử Tri {i}") for i in range(4)]
    recompute(plan)
    members = [ward.members["an"], ward.members["binh"], *extra]
    users = {m.pk: User.objects.filter(member=m).first() or make_user(f"cutri{m.pk}", member=m) for m in members}
    meeting = open_meeting(
        plan,
        date=dt.date(2020, 11, 25),
        actor=ward.users["secretary"],
        organization=ward.cell_a,
        attendees=members,
    )
    items = list(MeetingItem.objects.filter(meeting=meeting, subject__member__in=members[:2]).order_by("id"))
    first = open_ballot(items[0], ward.users["secretary"])
    second = open_ballot(items[1], ward.users["secretary"])
    return meeting, members, users, first, second, first.counting_code


def _vote(client, user, box: BallotBox, level: str) -> str:
    client.force_login(user)
    response = client.post(f"/phieu/{box.pk}/", {"level": level})
    assert response.status_code == 200, response.content.decode()[:500]
    return response.context["code"]


@pytest.mark.django_db(transaction=True)
def test_a_database_reader_cannot_tell_any_voters_level(ward, voting, client):
    meeting, members, users, box_x, box_y, code = voting
    events_before = AuditEvent.objects.count()
    # Each voter chooses a different level in box X and in box Y, one request per ballot, in the same order.
    chosen_x = {m.pk: LEVELS[i % 4] for i, m in enumerate(members)}
    chosen_y = {m.pk: LEVELS[(i + 1) % 4] for i, m in enumerate(members)}
    for m in members:
        _vote(client, users[m.pk], box_x, chosen_x[m.pk])
        _vote(client, users[m.pk], box_y, chosen_y[m.pk])
    assert AuditEvent.objects.count() == events_before  # no "X has voted" at a time

    roll = _raw(VoterRollEntry._meta.db_table)
    ballots = _raw(Ballot._meta.db_table)
    assert len(ballots) == 2 * len(members)
    assert set(ballots[0]) == {"_tx", "_pos", "id", "box_id", "sealed", "receipt_hash"}

    def view(box: BallotBox) -> dict[int, tuple]:
        """What the attacker learns of each voter's ballot in a box: everything but random values."""
        in_box = sorted((b for b in ballots if b["box_id"] == box.pk), key=lambda b: b["_pos"])
        rank = {id(b): i for i, b in enumerate(in_box)}  # the order of writing (ctid / rowid)
        out = {}
        for r in (r for r in roll if r["box_id"] == box.pk):
            linked = [b for b in in_box if connection.vendor != "postgresql" or b["_tx"] == r["_tx"]]
            if connection.vendor == "postgresql":
                # the same transaction id links the voter to exactly one ballot row: the attacker has it
                assert len(linked) == 1
                b = linked[0]
                out[r["member_id"]] = (rank[id(b)], len(bytes(b["sealed"])), len(b["receipt_hash"]))
            else:
                out[r["member_id"]] = tuple(sorted((rank[id(b)], len(bytes(b["sealed"]))) for b in linked))
        return out

    view_x, view_y = view(box_x), view(box_y)
    assert set(view_x) == {m.pk for m in members}
    assert all(chosen_x[m] != chosen_y[m] for m in view_x)
    # Same view, different level, for every voter: whatever the attacker guesses from the view is the
    # same guess in both boxes, so it is wrong in at least one of them: no better than chance.
    assert view_x == view_y
    # Every ballot is the same length; equal choices do not give equal ciphertexts.
    assert len({len(bytes(b["sealed"])) for b in ballots}) == 1
    assert len({bytes(b["sealed"]) for b in ballots}) == len(ballots)

    # The key that opens them is nowhere in the database, nor the code that unlocks it.
    key = CountingKey.objects.get(meeting=meeting)
    locked = sealed_ballots.LockedKey(bytes(key.public_key), bytes(key.salt), bytes(key.locked_private_key))
    private = bytes(sealed_ballots.unlock(locked, code))
    dump = _whole_database_text()
    assert private.hex() not in dump and sealed_ballots.normalize_code(code) not in dump.upper()
    assert code not in dump
    # What is stored is ciphertext: only that key opens it (to the levels chosen), and the plaintext's
    # receipt digest does not appear in it.
    opened = [sealed_ballots.open_sealed(PrivateKey(private), bytes(b["sealed"])) for b in ballots]
    assert sorted(LEVELS[i] for i, _ in opened) == sorted([*chosen_x.values(), *chosen_y.values()])
    assert all(bytes.fromhex(b["receipt_hash"]) not in bytes(b["sealed"]) for b in ballots)
    with pytest.raises(sealed_ballots.WrongCode):
        sealed_ballots.unlock(locked, "0" * sealed_ballots.COUNTING_CODE_CHARS)

    # The count keeps totals only; the ballots and the key are deleted; the counted receipts are
    # written in one transaction, in the order of their hashes (not the order of voting).
    assert close_all_ballots(meeting, ward.users["secretary"], code) == 2
    assert _raw(Ballot._meta.db_table) == [] and _raw(CountingKey._meta.db_table) == []
    receipts = sorted(_raw("reviews_countedreceipt"), key=lambda r: r["_pos"])
    by_box = defaultdict(list)
    for r in receipts:
        by_box[r["box_id"]].append(r["receipt_hash"])
    assert all(hashes == sorted(hashes) and len(hashes) == len(members) for hashes in by_box.values())
    if connection.vendor == "postgresql":
        per_box_tx = {r["box_id"]: set() for r in receipts}
        for r in receipts:
            per_box_tx[r["box_id"]].add(r["_tx"])
        assert all(len(t) == 1 for t in per_box_tx.values())
    for box, chosen in ((box_x, chosen_x), (box_y, chosen_y)):
        item = MeetingItem.objects.get(pk=box.item_id)
        assert {lv: item.result[lv] for lv in LEVELS} == {lv: list(chosen.values()).count(lv) for lv in LEVELS}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_linkage_attack_of_the_probe_finds_no_level_on_postgresql(ward, voting, client):
    """The probe's query: join the roll and the ballots on xmin. It links, and yields no level."""
    if connection.vendor != "postgresql":
        pytest.skip("xmin và ctid chỉ có trên PostgreSQL (DATABASE_URL=postgres://…).")
    meeting, members, users, box_x, _, _ = voting
    for i, m in enumerate(members):
        _vote(client, users[m.pk], box_x, LEVELS[i % 4])
    with connection.cursor() as cur:
        cur.execute(
            "SELECT v.member_id, b.* FROM reviews_voterrollentry v JOIN reviews_ballot b "
            "ON b.box_id = v.box_id AND b.xmin = v.xmin WHERE v.box_id = %s",
            [box_x.pk],
        )
        names = [c[0] for c in cur.description]
        linked = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    assert len(linked) == len(members)
    for row in linked:
        text = " ".join(str(v) for k, v in row.items() if k != "sealed")
        assert not any(level in text for level in LEVELS)
        with pytest.raises(sealed_ballots.MalformedBallot):  # a fresh key opens nothing
            sealed_ballots.open_sealed(PrivateKey.generate(), bytes(row["sealed"]))
