"""Organization import: the tree's rules, scope, updates by code with history."""

from __future__ import annotations

import datetime as dt

import pytest

from kiemdiem.lib.dates import today
from kiemdiem.members.organization_import import ORG_COLUMNS, import_organizations
from kiemdiem.organizations.models import EventKind, Organization, OrgKind

from .helpers import org_row, snapshot, xlsx
from .test_member_import import _errors


def _import(rows, ward, **kw):  # type: ignore[no-untyped-def]
    return import_organizations(
        xlsx(rows, header=ORG_COLUMNS), scope_orgs=Organization.objects.subtree(ward.ward), **kw
    )


def test_new_organizations_are_created_parents_first(ward):
    rows = [
        org_row(**{"Mã tổ chức": "TT-KT-CB1", "Tên tổ chức": "Chi bộ Khối 1", "Mã tổ chức cấp trên": "TT-KT",
                   "Loại hình chi bộ": "Cơ quan"}),
        org_row(**{"Mã tổ chức": "TT-KT", "Tên tổ chức": "Đảng bộ bộ phận Khối kinh tế", "Loại": "Đảng bộ bộ phận",
                   "Loại hình chi bộ": ""}),
    ]  # fmt: skip
    result = _import(rows, ward)
    assert result.ok and result.committed, result.report()
    cell = Organization.objects.get(code="TT-KT-CB1")
    assert cell.parent.code == "TT-KT" and cell.parent.parent == ward.ward
    assert cell.path.startswith(ward.ward.path) and cell.parent_on(dt.date(2025, 8, 1)).code == "TT-KT"
    assert cell.events_as_target.filter(kind=EventKind.CREATED).exists()


@pytest.mark.parametrize(
    ("overrides", "column", "fragment"),
    [
        ({"Mã tổ chức": ""}, "Mã tổ chức", "Không được để trống"),
        ({"Mã tổ chức": "TT TDP 30"}, "Mã tổ chức", "chữ không dấu"),
        ({"Tên tổ chức": ""}, "Tên tổ chức", "Không được để trống"),
        ({"Loại": "Chi đoàn"}, "Loại", "Chi bộ trực thuộc"),
        ({"Loại hình chi bộ": ""}, "Loại hình chi bộ", "cần có loại hình"),
        ({"Loại": "Đảng bộ bộ phận"}, "Loại hình chi bộ", "Chỉ chi bộ"),
        ({"Mã tổ chức cấp trên": ""}, "Mã tổ chức cấp trên", "Không được để trống"),
        ({"Mã tổ chức cấp trên": "KHONG-CO"}, "Mã tổ chức cấp trên", "Không có tổ chức"),
        ({"Mã tổ chức cấp trên": "TT-TDP01"}, "Mã tổ chức cấp trên", "là chi bộ"),
        ({"Mã tổ chức cấp trên": "DB-GT"}, "Mã tổ chức cấp trên", "ngoài phạm vi"),
        ({"Mã tổ chức cấp trên": "TT-TDP30"}, "Mã tổ chức cấp trên", "chính nó"),
        ({"Hoạt động từ": "32/01/2020"}, "Hoạt động từ", "dd/mm/yyyy"),
        ({"Hoạt động đến": "01/01/2020"}, "Hoạt động đến", "sau ngày bắt đầu"),
        ({"Loại": "Đảng bộ cấp trên", "Loại hình chi bộ": ""}, "Loại", "cấp trên"),
        ({"Mã tổ chức": "GB-TDP01"}, "Mã tổ chức", "ngoài phạm vi"),
    ],
)
def test_each_rule_names_its_row_and_column(ward, overrides, column, fragment):
    before = snapshot()
    result = _import([org_row(**overrides)], ward)
    assert [(e.row, e.column) for e in result.errors] == [(2, column)], result.report()
    assert fragment in result.errors[0].message
    assert snapshot() == before


def test_duplicate_codes_and_cycles_in_the_file_are_refused(ward):
    rows = [
        org_row(
            **{
                "Mã tổ chức": "A",
                "Loại": "Đảng bộ bộ phận",
                "Loại hình chi bộ": "",
                "Mã tổ chức cấp trên": "B",
            }
        ),
        org_row(
            **{
                "Mã tổ chức": "B",
                "Loại": "Đảng bộ bộ phận",
                "Loại hình chi bộ": "",
                "Mã tổ chức cấp trên": "A",
            }
        ),
        org_row(**{"Mã tổ chức": "a"}),
    ]
    result = _import(rows, ward)
    assert _errors(result) == {(2, "Mã tổ chức cấp trên"), (3, "Mã tổ chức cấp trên"), (4, "Mã tổ chức")}
    assert "vòng lặp" in result.errors[0].message and "trùng với dòng 2" in result.errors[-1].message


def test_a_move_under_its_own_descendant_is_a_cycle(ward):
    rows = [
        org_row(**{"Mã tổ chức": "TT-KT", "Tên tổ chức": "Khối", "Loại": "Đảng bộ bộ phận", "Loại hình chi bộ": "",
                   "Mã tổ chức cấp trên": "DB-TT"}),
    ]  # fmt: skip
    assert _import(rows, ward).ok
    rows = [
        org_row(**{"Mã tổ chức": "TT-KT", "Tên tổ chức": "Khối", "Loại": "Đảng bộ bộ phận", "Loại hình chi bộ": "",
                   "Mã tổ chức cấp trên": "TT-KT2"}),
        org_row(**{"Mã tổ chức": "TT-KT2", "Tên tổ chức": "Khối 2", "Loại": "Đảng bộ bộ phận", "Loại hình chi bộ": "",
                   "Mã tổ chức cấp trên": "TT-KT"}),
    ]  # fmt: skip
    result = _import(rows, ward)
    assert any("vòng lặp" in e.message for e in result.errors), result.report()


def test_a_cell_cannot_have_children(ward):
    rows = [
        org_row(**{"Mã tổ chức": "TT-X", "Mã tổ chức cấp trên": "DB-TT"}),
        org_row(**{"Mã tổ chức": "TT-Y", "Mã tổ chức cấp trên": "TT-X"}),
    ]
    result = _import(rows, ward)
    assert _errors(result) == {(3, "Mã tổ chức cấp trên")}


def test_a_reimport_updates_by_code_renames_and_moves_with_history(ward):
    assert _import(
        [
            org_row(
                **{
                    "Mã tổ chức": "TT-KT",
                    "Tên tổ chức": "Khối",
                    "Loại": "Đảng bộ bộ phận",
                    "Loại hình chi bộ": "",
                }
            )
        ],
        ward,
    ).ok
    row = org_row(**{"Mã tổ chức": "tt-ubnd", "Tên tổ chức": "Chi bộ Cơ quan Ủy ban", "Loại hình chi bộ": "Cơ quan",
                     "Mã tổ chức cấp trên": "TT-KT", "Hoạt động từ": ""})  # fmt: skip
    result = _import([row], ward)
    assert result.ok, result.report()
    assert result.changes[0].kinds == ["moved", "updated"]
    cell = Organization.objects.get(pk=ward.cell_b.pk)
    assert cell.name == "Chi bộ Cơ quan Ủy ban" and cell.parent.code == "TT-KT"
    assert cell.parent_on(today() - dt.timedelta(days=1)) == ward.ward
    assert cell.events_as_source.filter(kind=EventKind.RENAMED).exists()
    from kiemdiem.members.models import Member

    assert Member.objects.get(pk=ward.members["cuong"].pk).cell.path.startswith(cell.path)


def test_the_ward_itself_can_be_reimported_with_its_parent_outside_the_scope(ward):
    row = org_row(**{"Mã tổ chức": "DB-TT", "Tên tổ chức": ward.ward.name, "Loại": "Đảng bộ cơ sở",
                     "Loại hình chi bộ": "", "Mã tổ chức cấp trên": "HN", "Hoạt động từ": ""})  # fmt: skip
    result = _import([row], ward)
    assert result.ok, result.report()
    assert result.changes[0].kinds == ["unchanged"]


def test_closing_a_cell_that_still_has_members_is_refused(ward):
    row = org_row(**{"Mã tổ chức": "TT-TDP01", "Tên tổ chức": ward.cell_a.name, "Hoạt động từ": "",
                     "Hoạt động đến": "01/01/2026"})  # fmt: skip
    result = _import([row], ward)
    assert _errors(result) == {(2, "Hoạt động đến")}


def test_the_cli_scope_may_create_a_whole_tree(ward):
    rows = [
        org_row(**{"Mã tổ chức": "HP", "Tên tổ chức": "Đảng bộ thành phố Hải Phòng", "Loại": "Đảng bộ cấp trên",
                   "Loại hình chi bộ": "", "Mã tổ chức cấp trên": ""}),
        org_row(**{"Mã tổ chức": "HP-P1", "Tên tổ chức": "Đảng bộ phường 1", "Loại": "Đảng bộ cơ sở",
                   "Loại hình chi bộ": "", "Mã tổ chức cấp trên": "HP"}),
    ]  # fmt: skip
    result = import_organizations(xlsx(rows, header=ORG_COLUMNS), scope_orgs=None)
    assert result.ok, result.report()
    assert Organization.objects.get(code="HP-P1").parent.kind == OrgKind.HIGHER
