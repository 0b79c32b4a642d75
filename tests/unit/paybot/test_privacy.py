"""Personal data masking: what customers paste is masked, everything else stays readable."""

from __future__ import annotations

from typing import List

import pytest

from paybot.privacy import mask_personal_data


@pytest.mark.parametrize(
    "text, expected, kinds",
    [
        pytest.param("카드번호 1234-5678-9012-3456 이에요", "카드번호 ****-****-****-3456 이에요", ["card_number"], id="card-hyphens"),
        pytest.param("카드 1234 5678 9012 3456", "카드 **** **** **** 3456", ["card_number"], id="card-spaces"),
        pytest.param("4111111111111111로 결제", "************1111로 결제", ["card_number"], id="card-run"),
        pytest.param("제 번호는 010-1234-5678", "제 번호는 ***-****-5678", ["phone_number"], id="mobile"),
        pytest.param("01098765432로 연락주세요", "*******5432로 연락주세요", ["phone_number"], id="mobile-run"),
        pytest.param("+82 10-1234-5678", "+** **-****-5678", ["phone_number"], id="mobile-international"),
        pytest.param("계좌 110-234-567890 으로 보냈어요", "계좌 ***-***-**7890 으로 보냈어요", ["account_number"], id="account"),
        pytest.param("주민번호 900101-1234567", "주민번호 ******-*******", ["resident_number"], id="resident"),
        pytest.param("비밀번호는 qwer1234 에요", "비밀번호는 ******** 에요", ["secret"], id="password"),
        pytest.param("PIN: 0000", "PIN: ****", ["secret"], id="pin"),
    ],
)
def test_personal_data_is_masked(text: str, expected: str, kinds: List[str]) -> None:
    """Each kind of personal data is masked in place, keeping the layout (and last 4 digits)."""
    result = mask_personal_data(text)
    assert result.text == expected
    assert result.kinds == kinds


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("고객센터 1577-1940 맞나요", id="service-number"),
        pytest.param("3만원 결제했는데 30,000원이 두 번 빠졌어요", id="amounts"),
        pytest.param("2026-11-25 오후 3시에 결제", id="date"),
        pytest.param("오류코드 E1023 떴어요", id="error-code"),
        pytest.param("비밀번호변경하고싶어요", id="password-topic-without-value"),
        pytest.param("비밀번호를 잊어버렸어요 ㅠㅠ", id="password-forgotten"),
    ],
)
def test_ordinary_messages_stay_intact(text: str) -> None:
    """Numbers that are not personal data, and talk about passwords, are not touched."""
    result = mask_personal_data(text)
    assert result.text == text
    assert not result.found
