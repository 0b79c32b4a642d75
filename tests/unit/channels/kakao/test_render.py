"""Bot messages -> Kakao skill response: every limit Kakao sets, and nothing the customer wrote lost."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional

import pytest

from channels.kakao.render import (
    EXTRA_PAYLOAD_KEY,
    MAX_CARD_DESCRIPTION,
    MAX_CARD_TITLE,
    MAX_LABEL,
    MAX_OUTPUTS,
    MAX_QUICK_REPLIES,
    ContactCard,
    render_answer,
    render_callback_wait,
)
from channels.kakao.text_limits import MAX_SIMPLE_TEXT, kakao_len, split_text, truncate
from paybot.settings import PROJECT_ROOT

PHONE = "1577-1940"
RESPONSE_EXAMPLE = PROJECT_ROOT / "tests" / "data" / "fixtures" / "kakao" / "response.example.json"  # Kakao's example
CARD = ContactCard(phone=PHONE, title=f"고객센터 {PHONE}", call_label="전화 걸기", description="상담원 상담은 평일 오전 9시부터 오후 6시까지예요.")
EMPTY = "죄송해요, 지금 잠시 답변을 드리기 어려워요."
# Korean sentences of different lengths, each ending like the guide's do.
SENTENCES = [
    "결제가 제대로 되지 않아 불편하셨겠어요.",
    "화면에 오류 메시지나 오류 코드가 나왔다면 그대로 적어 두세요.",
    "결제 오류의 정확한 원인은 결제 건마다 달라서 제가 확인해 드릴 수 없어요!",
    "문제가 생긴 시점, 사용한 기능, 오류 메시지를 준비해 두시면 상담이 빨라져요.",
    "송금 건의 처리 상태는 제가 확인해 드릴 수 없어요?",
]


def long_answer(chars: int) -> str:
    """A Korean answer of about ``chars`` characters, sentences separated by spaces."""
    parts: List[str] = []
    index = 0
    while sum(len(part) + 1 for part in parts) < chars:
        parts.append(SENTENCES[index % len(SENTENCES)])
        index += 1
    return " ".join(parts)


def outputs(body: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The response's output components."""
    return body["template"]["outputs"]


def texts(body: Dict[str, Any]) -> List[str]:
    """The texts of the response's simpleText outputs, in order."""
    return [output["simpleText"]["text"] for output in outputs(body) if "simpleText" in output]


def cards(body: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The response's textCards."""
    return [output["textCard"] for output in outputs(body) if "textCard" in output]


def render(messages: List[Dict[str, Any]], card: Optional[ContactCard] = CARD) -> Dict[str, Any]:
    """Renders and checks the result against Kakao's limits before returning it."""
    body = render_answer(messages, card, empty_text=EMPTY).body
    assert_kakao_limits(body)
    return body


def assert_kakao_limits(body: Dict[str, Any]) -> None:
    """Every limit of PROTOCOL.md that a rendered response can break."""
    assert body["version"] == "2.0"
    assert 1 <= len(outputs(body)) <= MAX_OUTPUTS
    for text in texts(body):
        assert 0 < kakao_len(text) <= MAX_SIMPLE_TEXT
    for card in cards(body):
        assert kakao_len(card["title"]) <= MAX_CARD_TITLE
        assert kakao_len(card["description"]) <= MAX_CARD_DESCRIPTION
        assert 1 <= len(card["buttons"]) <= 3
    quick_replies = body["template"].get("quickReplies", [])
    assert len(quick_replies) <= MAX_QUICK_REPLIES
    for reply in quick_replies:
        assert 0 < kakao_len(reply["label"]) <= MAX_LABEL
        assert reply["action"] == "message" and reply["messageText"]
    json.dumps(body)  # serialisable as is


def squeeze(text: str) -> str:
    """``text`` without whitespace, to compare content across bubble boundaries."""
    return re.sub(r"\s+", "", text)


def test_short_answer_is_one_simple_text() -> None:
    """A greeting becomes one simpleText bubble with the text unchanged."""
    body = render([{"text": "안녕하세요! 무엇을 도와드릴까요? 😊"}])
    assert outputs(body) == [{"simpleText": {"text": "안녕하세요! 무엇을 도와드릴까요? 😊"}}]
    assert "quickReplies" not in body["template"]


def test_2500_character_answer_is_split_at_sentence_ends() -> None:
    """2,500 characters become three bubbles of at most 1,000, each ending a sentence, nothing lost."""
    answer = long_answer(2500)
    body = render([{"text": answer}])
    bubbles = texts(body)
    assert len(bubbles) == 3
    assert all(bubble[-1] in ".!?" for bubble in bubbles)
    assert squeeze("".join(bubbles)) == squeeze(answer)


def test_2500_character_hand_off_keeps_the_phone_card_and_marks_the_cut() -> None:
    """With a card only two bubbles remain: the text is cut at a sentence end with "…", the card stays."""
    answer = f"고객센터 {PHONE}으로 전화해 주세요. " + long_answer(2500)
    body = render([{"text": answer}])
    bubbles = texts(body)
    assert len(bubbles) == 2 and len(cards(body)) == 1
    assert bubbles[0].startswith(f"고객센터 {PHONE}")
    assert bubbles[-1].endswith("…")


def test_five_answers_are_merged_into_three_bubbles_in_order() -> None:
    """Five bot messages fit in Kakao's three outputs by merging; every message is still there, in order."""
    messages = [{"text": f"{number}번째 안내예요. {SENTENCES[number]}"} for number in range(5)]
    body = render(messages, card=None)
    assert len(outputs(body)) == 3
    joined = "\n\n".join(texts(body))
    positions = [joined.index(message["text"]) for message in messages]
    assert positions == sorted(positions)


def test_five_answers_with_a_hand_off_leave_room_for_the_card() -> None:
    """Merging leaves the third output for the phone card."""
    messages = [{"text": sentence} for sentence in SENTENCES[:4]] + [{"text": f"고객센터 {PHONE}으로 전화해 주세요."}]
    body = render(messages)
    assert len(texts(body)) == 2
    assert outputs(body)[-1]["textCard"]["buttons"][0] == {"label": "전화 걸기", "action": "phone", "phoneNumber": PHONE}
    assert all(message["text"] in "\n\n".join(texts(body)) for message in messages)


def test_twelve_buttons_become_the_first_ten_quick_replies() -> None:
    """Kakao shows at most 10 quick replies: the first 10 buttons, in order."""
    buttons = [{"title": f"{number}번 주제", "payload": f"/topic_{number}"} for number in range(12)]
    body = render([{"text": "골라 주세요.", "buttons": buttons}])
    replies = body["template"]["quickReplies"]
    assert [reply["messageText"] for reply in replies] == [f"{number}번 주제" for number in range(10)]


def test_20_character_title_gets_a_14_character_label_but_is_sent_whole() -> None:
    """The label is shortened with "…"; tapping still sends the full title."""
    title = "카드 결제가 계속 실패하는데 어떡해요"
    assert len(title) == 20
    reply = render([{"text": "골라 주세요.", "buttons": [{"title": title, "payload": "/payment_failure"}]}])[
        "template"
    ]["quickReplies"][0]
    assert reply["label"] == "카드 결제가 계속 실패하…"
    assert kakao_len(reply["label"]) <= MAX_LABEL
    assert reply["messageText"] == title


@pytest.mark.parametrize(
    "button, message_text, payload",
    [
        pytest.param({"title": "괜찮아요", "payload": "/deny"}, "괜찮아요", "/deny", id="intent-payload"),
        pytest.param({"title": "⭐ 5", "payload": "5"}, "⭐ 5", "5", id="plain-payload"),
        pytest.param({"title": "상담원 연결", "payload": "상담원 연결"}, "상담원 연결", None, id="same-text"),
        pytest.param({"payload": "/request_human"}, "/request_human", None, id="no-title"),
    ],
)
def test_tapping_sends_the_title_and_the_payload_travels_in_extra(
    button: Dict[str, str], message_text: str, payload: Optional[str]
) -> None:
    """The chat shows what the customer tapped; Rasa gets the payload back through extra or the offered map."""
    rendered = render_answer([{"text": "골라 주세요.", "buttons": [button]}], None, empty_text=EMPTY)
    reply = rendered.body["template"]["quickReplies"][0]
    assert reply["messageText"] == message_text
    assert reply.get("extra", {}).get(EXTRA_PAYLOAD_KEY) == payload
    assert rendered.offered == ({message_text: payload} if payload else {})


def test_buttons_of_several_messages_are_all_offered_once() -> None:
    """Buttons of every message are collected, a repeated title only once."""
    body = render(
        [
            {"text": "첫째", "buttons": [{"title": "네", "payload": "/affirm"}]},
            {"text": "둘째", "buttons": [{"title": "네", "payload": "/affirm"}, {"title": "아니요", "payload": "/deny"}]},
        ]
    )
    assert [reply["messageText"] for reply in body["template"]["quickReplies"]] == ["네", "아니요"]


def test_answer_without_the_number_gets_no_card() -> None:
    """Only an answer that gives the number carries the phone card."""
    assert cards(render([{"text": "환불 문의 주셨네요."}])) == []


def test_hand_off_card_has_phone_and_operator_buttons() -> None:
    """While agents work (operator label given) the card also offers Kakao's own hand-over."""
    card = ContactCard(phone=PHONE, title=f"고객센터 {PHONE}", call_label="전화 걸기", description="지금은 상담원 연결이 가능한 시간이에요.", operator_label="상담원 연결")
    body = render([{"text": f"고객센터 {PHONE}으로 전화해 주세요."}], card=card)
    (text_card,) = cards(body)
    assert text_card["title"] == f"고객센터 {PHONE}"
    assert text_card["buttons"] == [
        {"label": "전화 걸기", "action": "phone", "phoneNumber": PHONE},
        {"label": "상담원 연결", "action": "operator"},
    ]


def test_card_title_and_description_are_kept_within_limits() -> None:
    """An operator's very long hours summary is shortened to 400 characters."""
    card = ContactCard(phone=PHONE, title=f"고객센터 {PHONE}", call_label="전화 걸기", description="상담 안내예요. " * 100)
    (text_card,) = cards(render([{"text": f"{PHONE}으로 전화해 주세요."}], card=card))
    assert MAX_CARD_DESCRIPTION - 2 <= kakao_len(text_card["description"]) <= MAX_CARD_DESCRIPTION
    assert text_card["description"].startswith("상담 안내예요.") and text_card["description"].endswith("…")


def test_rendering_is_shaped_like_the_shared_response_example() -> None:
    """A hand-off renders the same components, buttons and fields as Kakao's example response."""
    example = json.loads(RESPONSE_EXAMPLE.read_text(encoding="utf-8"))
    body = render(
        [
            {"text": "송금 문제로 불편을 드려 죄송합니다. 고객센터 1577-1940으로 문의해 주세요."},
            {"text": "도움이 되셨나요?", "buttons": [{"title": "상담원 연결", "payload": "/request_human"}]},
        ]
    )
    assert set(body) == set(example)
    assert [set(output) for output in outputs(body)][-1] == set(example["template"]["outputs"][-1])
    assert set(cards(body)[0]) == set(example["template"]["outputs"][-1]["textCard"])
    assert cards(body)[0]["buttons"][0] == example["template"]["outputs"][-1]["textCard"]["buttons"][0]
    example_reply = example["template"]["quickReplies"][0]
    assert set(example_reply) <= set(body["template"]["quickReplies"][0])


def test_nothing_to_show_says_the_empty_text() -> None:
    """Kakao needs at least one output; an empty answer says the given text."""
    assert texts(render([])) == [EMPTY]


def test_kakao_components_in_custom_pass_through() -> None:
    """A ``channel: kakao`` response can send a Kakao component as custom JSON; other custom JSON is left out."""
    image = {"simpleImage": {"imageUrl": "https://example.com/qr.png", "altText": "QR 결제 화면"}}
    body = render([{"text": "화면을 확인해 주세요."}, {"custom": image}, {"custom": {"unknown": 1}}], card=None)
    assert outputs(body) == [{"simpleText": {"text": "화면을 확인해 주세요."}}, image]


def test_callback_wait_answer() -> None:
    """The immediate answer on the callback path is exactly Kakao's useCallback shape."""
    wait = "답변을 준비하고 있어요."
    assert render_callback_wait(wait) == {"version": "2.0", "useCallback": True, "data": {"text": wait}}


@pytest.mark.parametrize(
    "unit",
    [
        pytest.param("👨‍👩‍👧‍👦", id="family-zwj"),
        pytest.param("👍🏽", id="skin-tone"),
        pytest.param("❤️", id="variation-selector"),
        pytest.param("\u1100\u1161\u11a8", id="conjoining-hangul"),
        pytest.param("결", id="hangul-syllable"),
    ],
)
def test_splitting_never_breaks_a_character_apart(unit: str) -> None:
    """Text without any space is cut hard, but never inside an emoji sequence or a Hangul syllable."""
    pieces = split_text(unit * 700)
    assert "".join(pieces) == unit * 700
    assert all(len(piece) % len(unit) == 0 and kakao_len(piece) <= MAX_SIMPLE_TEXT for piece in pieces)


def test_lengths_count_like_kakao() -> None:
    """An emoji counts two (UTF-16), a Hangul syllable one."""
    assert kakao_len("결제") == 2
    assert kakao_len("😭") == 2
    assert truncate("😭" * 10, 14) == "😭" * 6 + "…"


def test_split_prefers_line_ends() -> None:
    """A long guide answer is cut where one of its lines ends, not mid-sentence."""
    lines = [f"{number}. {SENTENCES[number % 5]}" for number in range(60)]
    pieces = split_text("\n".join(lines))
    assert all(piece.split("\n")[-1] in lines for piece in pieces)
