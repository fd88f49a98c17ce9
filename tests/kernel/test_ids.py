from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ggzy.kernel import clock
from ggzy.kernel.errors import InvalidInput
from ggzy.kernel.ids import (
    USCC_ALPHABET,
    make_resident_id,
    make_uscc,
    orgcode_check_char,
    resident_id_check_char,
    uscc_check_char,
    validate_resident_id,
    validate_uscc,
)

USCC = "91350100M000100Y43"
RESIDENT_ID = "11010519491231002X"


def error(func: object, value: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        func(value)  # type: ignore[operator]
    return caught.value


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# --- unified social credit code --------------------------------------------------------


def test_valid_uscc_examples() -> None:
    assert validate_uscc(USCC) == USCC
    assert uscc_check_char(USCC[:17]) == "3"
    assert orgcode_check_char(USCC[8:16]) == "4"


@pytest.mark.parametrize(
    "variant",
    [
        "91350100m000100y43",
        " 9135 0100 M000 100Y 43 ",
        "\u30009135\t0100M000100Y43\n",
        full_width("91350100m000100Y43"),
        "91350100M000\u200b100Y43",
    ],
)
def test_uscc_is_normalised(variant: str) -> None:
    assert validate_uscc(variant) == USCC


@pytest.mark.parametrize("empty", ["", "   ", "\u3000", None])
def test_uscc_empty(empty: str | None) -> None:
    assert error(validate_uscc, empty).code == "uscc_empty"


def test_uscc_length_names_actual_length() -> None:
    err = error(validate_uscc, USCC[:17])
    assert err.code == "uscc_length"
    assert err.message_zh == "统一社会信用代码应为18位，实际为17位"
    assert "got 17" in err.message_en


@pytest.mark.parametrize(("position", "char"), [(1, "I"), (9, "O"), (14, "S"), (18, "Z"), (5, "-")])
def test_uscc_bad_character_is_named_with_its_position(position: int, char: str) -> None:
    code = USCC[: position - 1] + char + USCC[position:]
    err = error(validate_uscc, code)
    assert err.code == "uscc_char"
    assert f"第{position}位字符“{char}”" in err.message_zh
    assert f"'{char}' at position {position}" in err.message_en


def test_uscc_organisation_code_check() -> None:
    err = error(validate_uscc, "91350100M000100Y53")
    assert err.code == "uscc_orgcode_check"
    assert "应为“4”，实际为“5”" in err.message_zh
    assert "should be '4', found '5'" in err.message_en


def test_uscc_check_character() -> None:
    err = error(validate_uscc, "91350100M000100Y4A")
    assert err.code == "uscc_check"
    assert "应为“3”，实际为“A”" in err.message_zh
    assert "should be '3', found 'A'" in err.message_en


def test_uscc_field_is_carried() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_uscc("123", field="uscc")
    assert caught.value.field == "uscc"


def test_orgcode_check_maps_10_to_x_and_11_to_0() -> None:
    assert orgcode_check_char("00000001") == "9"  # sum 1*2 = 2, 11 - 2 = 9
    assert orgcode_check_char("00500000") == "X"  # sum 5*9 = 45 = 1 mod 11, 11 - 1 = 10
    assert orgcode_check_char("00000000") == "0"  # sum 0, 11 - 0 = 11
    assert orgcode_check_char("A0000000") == "3"  # letters count ASCII - 55: 10*3 = 30


def test_make_uscc_builds_thirty_distinct_valid_codes() -> None:
    codes = {make_uscc("9", "1", "433100", f"MA4L{n:04d}") for n in range(30)}
    assert len(codes) == 30
    for code in codes:
        assert validate_uscc(code) == code
        assert code.startswith("91433100MA4L")


def test_make_uscc_rejects_bad_parts() -> None:
    with pytest.raises(InvalidInput) as caught:
        make_uscc("9", "1", "43310A", "MA4L0001")
    assert caught.value.code == "uscc_char"
    with pytest.raises(InvalidInput) as caught:
        make_uscc("91", "1", "433100", "MA4L0001")
    assert caught.value.code == "uscc_length"


uscc_chars = st.sampled_from(USCC_ALPHABET)
uscc_heads = st.text(uscc_chars, min_size=16, max_size=16)


def build_uscc(head16: str) -> str:
    first17 = head16 + orgcode_check_char(head16[8:])
    return first17 + uscc_check_char(first17)


@given(uscc_heads)
def test_any_body_with_computed_check_characters_validates(head16: str) -> None:
    code = build_uscc(head16)
    assert validate_uscc(code) == code


@given(
    uscc_heads,
    st.integers(0, 17),
    st.sampled_from(USCC_ALPHABET + "IOZSV-#中"),
)
def test_any_single_character_change_is_rejected(head16: str, index: int, new: str) -> None:
    code = build_uscc(head16)
    if code[index] == new:
        new = USCC_ALPHABET[(USCC_ALPHABET.index(new) + 1) % len(USCC_ALPHABET)]
    changed = code[:index] + new + code[index + 1 :]
    err = error(validate_uscc, changed)
    assert err.code in {"uscc_char", "uscc_orgcode_check", "uscc_check"}


@given(uscc_heads, st.data())
def test_full_width_lower_case_and_spaced_variants_normalise(
    head16: str, data: st.DataObject
) -> None:
    code = build_uscc(head16)
    variant = "".join(
        data.draw(st.sampled_from([c, c.lower(), full_width(c), full_width(c.lower())]))
        + data.draw(st.sampled_from(["", " ", "\u3000", "\t"]))
        for c in code
    )
    assert validate_uscc(variant) == code


# --- resident identity number ----------------------------------------------------------


def test_valid_resident_id() -> None:
    assert validate_resident_id(RESIDENT_ID) == RESIDENT_ID
    assert validate_resident_id("11010519491231002x") == RESIDENT_ID
    assert validate_resident_id(full_width("110105 19491231 002x")) == RESIDENT_ID
    assert resident_id_check_char(RESIDENT_ID[:17]) == "X"


def test_resident_id_errors() -> None:
    assert error(validate_resident_id, "").code == "id_empty"
    err = error(validate_resident_id, RESIDENT_ID[:16])
    assert (err.code, err.message_zh) == ("id_length", "公民身份号码应为18位，实际为16位")
    assert "15位旧号码" in error(validate_resident_id, "110105491231002").message_zh
    err = error(validate_resident_id, "1101051949123100AX")
    assert err.code == "id_char"
    assert "第17位字符“A”" in err.message_zh
    err = error(validate_resident_id, "11010519491231002Y")
    assert err.code == "id_char"
    assert "position 18" in err.message_en
    err = error(validate_resident_id, "110105194912310021")
    assert err.code == "id_check"
    assert "应为“X”，实际为“1”" in err.message_zh


@pytest.mark.parametrize("birth", ["19490230", "19491301", "19490000", "18991231"])
def test_resident_id_birth_date_must_be_real_and_not_before_1900(birth: str) -> None:
    first17 = f"110105{birth}002"
    err = error(validate_resident_id, first17 + resident_id_check_char(first17))
    assert err.code == "id_birthdate"
    assert birth[:4] in err.message_zh


def test_resident_id_birth_date_not_in_the_future(manual_clock: clock.ManualClock) -> None:
    today = clock.today()
    first17 = f"110105{today:%Y%m%d}002"
    assert validate_resident_id(first17 + resident_id_check_char(first17))
    manual_clock.set(clock.now() - timedelta(days=1))
    err = error(validate_resident_id, first17 + resident_id_check_char(first17))
    assert err.code == "id_birthdate"
    assert "晚于今天" in err.message_zh


def test_make_resident_id() -> None:
    assert make_resident_id("110105", date(1949, 12, 31), "002") == RESIDENT_ID
    with pytest.raises(InvalidInput):
        make_resident_id("11010", date(1990, 1, 1), "001")


resident_ids = st.builds(
    make_resident_id,
    st.from_regex(r"[1-8][0-9]{5}", fullmatch=True),
    st.dates(date(1900, 1, 1), date(2020, 12, 31)),
    st.from_regex(r"[0-9]{3}", fullmatch=True),
)


@given(resident_ids, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_digit_change_of_a_resident_id_is_rejected(
    number: str, index: int, new: str
) -> None:
    assert validate_resident_id(number) == number
    if number[index] == new:
        new = "0" if new != "0" else "1"
    changed = number[:index] + new + number[index + 1 :]
    err = error(validate_resident_id, changed)
    assert err.code in {"id_char", "id_birthdate", "id_check"}


# Independent oracles written from RULES.md §6 (weights spelled out, not computed).
SPEC_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
SPEC_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


@given(st.text(uscc_chars, min_size=17, max_size=17))
def test_uscc_check_char_matches_the_standard(first17: str) -> None:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, SPEC_USCC_WEIGHTS, strict=True))
    assert uscc_check_char(first17) == USCC_ALPHABET[(31 - total % 31) % 31]


@given(st.from_regex(r"[0-9]{17}", fullmatch=True))
def test_resident_id_check_char_matches_the_standard(first17: str) -> None:
    total = sum(int(c) * w for c, w in zip(first17, SPEC_ID_WEIGHTS, strict=True))
    assert resident_id_check_char(first17) == "10X98765432"[total % 11]
