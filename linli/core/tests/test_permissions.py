"""The vocabulary of actions and the roles that may perform them."""

import pytest

from linli.core.permissions import ADMIN_ROLES, STAFF_ROLES, Role, Vocabulary, vocabulary


def test_every_registered_action_is_used_by_at_least_one_role():
    unused = [
        action
        for action in vocabulary.labels
        if not any(action in names for names in vocabulary.by_role.values())
    ]

    assert vocabulary.labels, "No action registered: autodiscover() did not run"
    assert not unused, f"Actions no role may perform: {unused}"


def test_every_role_may_do_something():
    idle = [role for role in Role if not vocabulary.by_role[role]]

    assert not idle, idle


def test_every_action_has_a_label_and_a_dotted_name():
    for action, label in vocabulary.labels.items():
        assert str(label).strip(), action
        noun, _dot, verb = action.partition(".")
        assert noun and verb, action


def test_the_regions_actions_are_registered():
    assert vocabulary.roles_allowing("region.view") == set(Role)
    assert vocabulary.roles_allowing("grid.manage") == {
        Role.PLATFORM_ADMIN,
        Role.DISTRICT_ADMIN,
        Role.SUBDISTRICT_ADMIN,
        Role.COMMUNITY_WORKER,
    }


def test_admin_roles_are_staff_and_residents_are_not():
    assert ADMIN_ROLES < STAFF_ROLES
    assert Role.RESIDENT not in STAFF_ROLES and Role.FAMILY not in STAFF_ROLES
    assert STAFF_ROLES | {Role.RESIDENT, Role.FAMILY} == set(Role)


def test_allows_answers_per_role_and_action():
    assert vocabulary.allows(Role.COMMUNITY_WORKER, "grid.manage")
    assert not vocabulary.allows(Role.GRID_WORKER, "grid.manage")
    assert not vocabulary.allows("no_such_role", "region.view")


def test_check_and_roles_allowing_refuse_unknown_actions():
    with pytest.raises(LookupError, match=r"Unknown action 'grid\.delete'"):
        vocabulary.check("grid.delete")
    with pytest.raises(LookupError):
        vocabulary.roles_allowing("grid.delete")


# A fresh vocabulary, so the global one is left alone


def test_register_records_labels_and_roles():
    words = Vocabulary()

    words.register({"thing.view": "View things"}, {Role.AUDITOR: {"thing.view"}})

    assert words.labels == {"thing.view": "View things"}
    assert words.allows(Role.AUDITOR, "thing.view")
    assert not words.allows(Role.RESIDENT, "thing.view")
    assert words.check("thing.view") == "thing.view"


def test_register_adds_to_roles_across_calls():
    words = Vocabulary()
    words.register({"a.view": "A"}, {Role.AUDITOR: {"a.view"}})

    words.register({"b.view": "B"}, {Role.AUDITOR: {"a.view", "b.view"}})

    assert words.by_role[Role.AUDITOR] == {"a.view", "b.view"}


def test_register_refuses_an_action_twice():
    words = Vocabulary()
    words.register({"thing.view": "View things"}, {})

    with pytest.raises(ValueError, match=r"'thing\.view' is registered twice"):
        words.register({"thing.view": "Again"}, {})


def test_register_refuses_roles_given_unknown_actions():
    words = Vocabulary()

    with pytest.raises(ValueError, match=r"unknown actions \['thing\.edit'\]"):
        words.register({"thing.view": "View"}, {Role.AUDITOR: {"thing.view", "thing.edit"}})
