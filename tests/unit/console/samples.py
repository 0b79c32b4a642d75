"""The conversations the console tests count: six on 2026-12-01 (KST) and one the day before."""

from __future__ import annotations

from datetime import datetime
from typing import List

from console.filters import KST
from console.sample_store import ASKED_HUMAN, DENIED, HELPED, LEFT, MISSED_TWICE, SampleConversation

DAY = datetime(2026, 12, 1, 10, 0, tzinfo=KST).timestamp()  # 10:00 KST
BEFORE = datetime(2026, 11, 30, 22, 0, tzinfo=KST).timestamp()
PHONE_QUESTION = "환불 언제 돼요 제 번호 010-1234-5678"
MASKED_PHONE_QUESTION = "환불 언제 돼요 제 번호 ***-****-5678"
# The question of the conversation rated 1 (the inbox's third queue).
LOW_RATED_QUESTION = "송금을 엉뚱한 사람한테 보내버렸는데 어쩌죠"
# Its comment, with a phone number the dashboard shows masked.
LOW_RATED_COMMENT = "별로였어요 010-9876-5432로 전화 주세요"
MASKED_LOW_RATED_COMMENT = "별로였어요 ***-****-5432로 전화 주세요"

SAMPLES: List[SampleConversation] = [
    SampleConversation("web-1", DAY, "web", "refund", HELPED, rating=5, comment="친절했어요"),
    SampleConversation("web-2", DAY + 600, "web", "payment_failure", DENIED),
    SampleConversation("kakao:k1", DAY + 3600, "kakao", "request_human", ASKED_HUMAN),
    SampleConversation("rest-1", DAY + 3600, "rest", "", MISSED_TWICE),
    SampleConversation("rest-2", DAY + 7200, "rest", "transfer_issue", HELPED, rating=1, question=LOW_RATED_QUESTION,
                       comment=LOW_RATED_COMMENT),
    SampleConversation("rest-3", DAY + 7300, "rest", "refund", LEFT, question=PHONE_QUESTION),
    SampleConversation("old-1", BEFORE, "rest", "refund", HELPED, rating=4),
]
