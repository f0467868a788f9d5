"""The citizen identity number (公民身份号码, GB 11643-1999): 18 characters, the last a checksum over the others."""

from datetime import date

from workflows.text import t

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"  # indexed by the weighted sum mod 11


def check_character(first_seventeen: str) -> str:
    """The 18th character for the first seventeen digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first_seventeen, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def normalised(value: str) -> str:
    """The number as stored: spaces dropped, a lower-case x raised."""
    return "".join((value or "").split()).upper()


def problem(value: str) -> str | None:
    """What is wrong with an identity number (in Chinese), or None when it is valid."""
    number = normalised(value)
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return t("公民身份号码须为 18 位：17 位数字加 1 位数字或 X")
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return t("公民身份号码第 7–14 位不是有效的出生日期：{digits}", digits=number[6:14])
    if check_character(number[:17]) != number[17]:
        return t("公民身份号码校验位不符：应为 {expected}", expected=check_character(number[:17]))
    return None


def birth_date(value: str) -> date:
    """The date of birth a valid number holds (characters 7–14)."""
    number = normalised(value)
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender(value: str) -> str:
    """male / female from the 17th digit (odd: male) of a valid number."""
    return "male" if int(normalised(value)[16]) % 2 else "female"
