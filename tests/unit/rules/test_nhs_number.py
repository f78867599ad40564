"""NHS numbers: ten digits with a modulus-11 check digit."""
import pytest

from portal.rules.nhs_number import check_digit, formatted, is_valid


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
def test_valid_numbers(number):
    assert is_valid(number)


@pytest.mark.parametrize("number", ["9434765918",  # wrong check digit
                                    "943476591",  # nine digits
                                    "94347659190", "94347659A9", "", None])
def test_invalid_numbers(number):
    assert not is_valid(number)


def test_a_remainder_giving_ten_has_no_valid_number():
    # 1*10 + 0*9 + ... : find nine digits whose check is 10, then no tenth digit passes
    nine = next(f"{n:09d}" for n in range(100000000, 100001000) if check_digit(f"{n:09d}") is None)
    assert not any(is_valid(nine + str(d)) for d in range(10))


def test_a_check_of_eleven_is_zero():
    nine = next(f"{n:09d}" for n in range(100000000, 100001000) if check_digit(f"{n:09d}") == 0)
    assert is_valid(nine + "0")


def test_formatted():
    assert formatted("9434765919") == "943 476 5919"
