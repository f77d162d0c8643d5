from __future__ import annotations

from django.contrib.auth.hashers import identify_hasher

from kiemdiem.access.scope import Scope


def _names(scope: Scope) -> set[str]:
    return set(scope.members().values_list("full_name", flat=True))


def test_office_sees_its_whole_ward_and_nothing_of_another(ward):
    assert _names(Scope.for_user(ward.users["office"])) == {
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
        "Phạm Thị Dung",
    }
    assert _names(Scope.for_user(ward.users["other_office"])) == {"Hoàng Văn Xa"}


def test_cell_secretary_sees_own_cell_only(ward):
    assert _names(Scope.for_user(ward.users["secretary"])) == {"Nguyễn Văn An", "Trần Thị Bình"}


def test_member_sees_only_self(ward):
    assert _names(Scope.for_user(ward.users["member"])) == {"Nguyễn Văn An"}


def test_residence_secretary_sees_only_residents_active_elsewhere(ward):
    # Cường lives in cell A's area but is active in cell B (QĐ 213).
    assert _names(Scope.for_user(ward.users["residence"])) == {"Lê Văn Cường"}


def test_higher_level_sees_the_subtree_read_only(ward):
    scope = Scope.for_user(ward.users["higher"])
    assert "Hoàng Văn Xa" in _names(scope) and "Nguyễn Văn An" in _names(scope)
    assert not scope.can_manage_registry
    assert not scope.can_see_sensitive(ward.members["an"])


def test_sensitive_fields_for_office_self_and_own_secretary_only(ward):
    an = ward.members["an"]
    assert Scope.for_user(ward.users["office"]).can_see_sensitive(an)
    assert Scope.for_user(ward.users["member"]).can_see_sensitive(an)
    assert Scope.for_user(ward.users["secretary"]).can_see_sensitive(an)
    assert not Scope.for_user(ward.users["residence"]).can_see_sensitive(ward.members["cuong"])
    assert not Scope.for_user(ward.users["other_office"]).can_see_sensitive(an)


def test_anonymous_sees_nothing(db):
    from django.contrib.auth.models import AnonymousUser

    scope = Scope.for_user(AnonymousUser())
    assert not scope.members().exists() and not scope.organizations().exists()


def test_passwords_are_hashed_with_argon2(ward):
    from kiemdiem import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert identify_hasher(ward.users["office"].password).algorithm == "argon2"


def test_member_detail_hides_citizen_id_from_roles_that_do_not_need_it(ward, login):
    cuong = ward.members["cuong"]
    cuong.citizen_id = "001080099999"
    cuong.save()
    assert "001080099999" in login("office").get(f"/dang-vien/{cuong.pk}/").content.decode()
    body = login("residence").get(f"/dang-vien/{cuong.pk}/").content.decode()
    assert "Lê Văn Cường" in body and "001080099999" not in body
