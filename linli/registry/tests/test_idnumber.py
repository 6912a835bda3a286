"""GB 11643 resident ID numbers: validation, what they encode, and how the registry
cross-checks a resident's birth date and sex against them."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from linli.registry import services
from linli.registry.idnumber import (
    CHECK_CHARACTERS,
    check_character,
    make_id_number,
    parse_id_number,
)
from linli.registry.models import Resident
from linli.testing import registry as support

# The worked example of GB 11643-1999 (a woman born 31 December 1949 in 北京市西城区).
STANDARD_EXAMPLE = "11010519491231002X"


def refusal(raw, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse_id_number(raw, **kwargs)
    return caught.value


def with_check(first17: str) -> str:
    return first17 + check_character(first17)


# parse_id_number: valid numbers


def test_it_reads_the_standards_worked_example():
    parsed = parse_id_number(STANDARD_EXAMPLE)

    assert parsed.value == STANDARD_EXAMPLE
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == "female"


def test_the_check_character_is_iso_7064_mod_11_2_computed_by_hand():
    # 1·7 + 1·9 + 0·10 + 1·5 + 0·8 + 5·4 + 1·2 + 9·1 + 4·6 + 9·3 + 1·7 + 2·9 + 3·10
    # + 1·5 + 0·8 + 0·4 + 2·2 = 189; 189 mod 11 = 2 → "X"
    assert check_character("11010519491231002") == "X"
    assert CHECK_CHARACTERS[2] == "X"


def test_a_lowercase_x_is_accepted_and_stored_as_x():
    parsed = parse_id_number("11010519491231002x")

    assert parsed.value == STANDARD_EXAMPLE


def test_full_width_characters_from_a_chinese_input_method_count_as_ascii():
    assert parse_id_number("１１０１０５１９４９１２３１００２ｘ").value == STANDARD_EXAMPLE


def test_surrounding_spaces_are_ignored():
    assert parse_id_number(f"  {STANDARD_EXAMPLE}\n").value == STANDARD_EXAMPLE


@pytest.mark.parametrize(
    ("born", "sex"),
    [
        (date(1990, 1, 1), "male"),
        (date(1990, 1, 1), "female"),
        (date(2000, 2, 29), "female"),
        (date(1936, 12, 31), "male"),
        (date(1890, 1, 1), "female"),
    ],
)
def test_made_numbers_parse_back_to_their_birth_date_and_sex(born, sex):
    for sequence in (0, 1, 7, 249, 499, 500, 777):
        number = make_id_number("370306", born, sequence, sex)
        parsed = parse_id_number(number)
        assert (parsed.value, parsed.birth_date, parsed.sex) == (number, born, sex)


def test_the_sequence_digit_is_odd_for_men_and_even_for_women():
    assert int(make_id_number("370306", date(1980, 5, 17), 3, "male")[16]) % 2 == 1
    assert int(make_id_number("370306", date(1980, 5, 17), 3, "female")[16]) % 2 == 0


def test_someone_born_today_has_a_valid_number():
    today = timezone.localdate()

    assert parse_id_number(make_id_number("370306", today, 1, "male")).birth_date == today


# parse_id_number: invalid numbers


def test_a_wrong_check_character_is_refused_with_its_own_message():
    wrong = STANDARD_EXAMPLE[:17] + "3"

    with translation.override("en"):
        error = refusal(wrong)

    assert error.code == "id_check_digit"
    assert error.messages == [
        "This ID number's check character is wrong: please check it digit by digit."
    ]


def test_every_single_digit_typo_is_caught_by_the_check_character():
    good = make_id_number("370306", date(1975, 8, 9), 42, "female")
    for position in range(17):
        for digit in "0123456789":
            if digit == good[position]:
                continue
            typo = good[:position] + digit + good[position + 1 :]
            with pytest.raises(ValidationError):
                parse_id_number(typo)


def test_swapping_two_neighbouring_digits_is_caught():
    good = make_id_number("370306", date(1975, 8, 9), 42, "female")
    for position in range(16):
        swapped = good[:position] + good[position + 1] + good[position] + good[position + 2 :]
        if swapped != good:
            with pytest.raises(ValidationError):
                parse_id_number(swapped)


@pytest.mark.parametrize("digits", ["19900230", "19900229", "19901301", "19900001", "19900100"])
def test_an_impossible_birth_date_is_refused_and_named(digits):
    number = with_check(f"370306{digits}123")

    with translation.override("en"):
        error = refusal(number)

    assert error.code == "id_birth_date"
    assert error.messages == [f"This ID number holds an impossible birth date ({digits})."]


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = timezone.localdate() + timedelta(days=1)

    assert refusal(make_id_number("370306", tomorrow, 1, "male")).code == "id_birth_date"


def test_the_future_is_judged_against_the_given_day():
    number = make_id_number("370306", date(2000, 1, 2), 1, "male")

    assert refusal(number, today=date(2000, 1, 1)).code == "id_birth_date"
    assert parse_id_number(number, today=date(2000, 1, 2)).birth_date == date(2000, 1, 2)


def test_a_birth_year_before_1890_is_refused():
    assert refusal(with_check("37030618891231123")).code == "id_birth_date"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        None,
        "1101051949123100",  # 16
        "11010519491231002",  # 17
        "11010519491231002XX",  # 19
        "110105491231002",  # the old 15-digit format
        "1101051949123100X2",  # X inside
        "11010519491231O02X",  # a letter O for a zero
        "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # Arabic-Indic digits
        "110105-19491231-002X",
        "A1010519491231002X",
    ],
)
def test_malformed_numbers_are_refused(raw):
    with translation.override("en"):
        error = refusal(raw)

    assert error.code == "id_malformed"
    assert error.messages == ["An ID number has 17 digits and a final digit or X (18 characters)."]


# The registry: a resident's birth date and sex follow from the ID number


@pytest.fixture
def household(world):
    return support.place(world.a1).household


@pytest.mark.usefixtures("english")
def test_a_residents_birth_date_and_sex_are_taken_from_the_id_number(household):
    resident = support.move_in(household, id_number=STANDARD_EXAMPLE.lower())

    resident.refresh_from_db()
    assert resident.id_number == STANDARD_EXAMPLE
    assert (resident.birth_date, resident.sex) == (date(1949, 12, 31), "female")


@pytest.mark.usefixtures("english")
def test_a_matching_birth_date_and_sex_may_be_given(household):
    resident = services.resident_move_in(
        household=household,
        name="王芳",
        id_number=STANDARD_EXAMPLE,
        birth_date=date(1949, 12, 31),
        sex="female",
        relation="head",
        by=None,
    )

    assert (resident.birth_date, resident.sex) == (date(1949, 12, 31), "female")


@pytest.mark.usefixtures("english")
def test_a_birth_date_that_contradicts_the_id_number_is_refused(household):
    before = support.state()

    with pytest.raises(ValidationError) as caught:
        support.move_in(household, id_number=STANDARD_EXAMPLE, birth_date=date(1949, 12, 30))

    assert caught.value.message_dict == {
        "birth_date": ["The birth date does not match the ID number, which says 1949-12-31."]
    }
    assert support.state() == before


@pytest.mark.usefixtures("english")
def test_a_sex_that_contradicts_the_id_number_is_refused(household):
    before = support.state()

    with pytest.raises(ValidationError) as caught:
        services.resident_move_in(
            household=household,
            name="王芳",
            id_number=STANDARD_EXAMPLE,
            sex="male",
            relation="head",
            by=None,
        )

    assert caught.value.message_dict == {"sex": ["The sex does not match the ID number."]}
    assert support.state() == before


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            STANDARD_EXAMPLE[:17] + "1",
            "This ID number's check character is wrong: please check it digit by digit.",
        ),
        (
            with_check("37030619900230123"),
            "This ID number holds an impossible birth date (19900230).",
        ),
        ("12345", "An ID number has 17 digits and a final digit or X (18 characters)."),
    ],
)
def test_the_registry_refuses_an_invalid_id_number_by_field(household, raw, message):
    before = support.state()

    with pytest.raises(ValidationError) as caught:
        support.move_in(household, id_number=raw)

    assert caught.value.message_dict == {"id_number": [message]}
    assert support.state() == before
    assert not Resident.objects.exists()
