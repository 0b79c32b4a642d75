"""`python -m trainer add` on a copy of the data: exactly the new lines, or a refusal that says why."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from tests.support.trainer_support import copy_project, run_trainer, snapshot
from trainer.normalise import normalise
from trainer.project import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A throw-away copy of data/, domain/, config.yml and the held-out split."""
    return copy_project(tmp_path / "project")


def test_added_sentences_are_the_only_change(project: Project, capsys: pytest.CaptureFixture) -> None:
    """Three new refund phrasings end up at the end of the refund block; every other byte stays."""
    refunds = project.nlu_dir / "refunds.yml"
    before_file, before_all = refunds.read_bytes(), snapshot(project.root)
    sentences = ["환불 언제쯤 받을 수 있을까요", "돈 돌려받는 데 며칠 걸려요?", "취소한 주문 돈은 언제 돌아오나요"]

    code, out = run_trainer(capsys, project, "add", "refund", *sentences)

    assert code == 0
    added = "".join(f"    - {sentence}\n" for sentence in sentences).encode()
    assert refunds.read_bytes() == before_file + added
    changed = {name for name, digest in snapshot(project.root).items() if before_all.get(name) != digest}
    assert changed == {"data/nlu/refunds.yml"}
    first = before_file.decode().count("\n") + 1
    assert f"refund 의도에 3문장을 추가했어요 → data/nlu/refunds.yml {first}~{first + 2}번째 줄" in out


def test_block_in_the_middle_of_a_file_keeps_the_blank_line_and_the_next_block(
    project: Project, capsys: pytest.CaptureFixture
) -> None:
    """In a file with two intents in several blocks, the line goes right after the intent's last block's last
    example, before the blank line and the next intent's block."""
    consultation = project.nlu_dir / "consultation.yml"
    lines: List[str] = consultation.read_text(encoding="utf-8").splitlines(keepends=True)
    last_block = len(lines) - 1 - lines[::-1].index("- intent: consultation_procedure\n")
    next_block = lines.index("- intent: prepare_checklist\n", last_block)
    while lines[next_block - 1].startswith("#"):
        next_block -= 1  # the next block's comment stays with it
    assert lines[next_block - 1] == "\n"

    code, _ = run_trainer(capsys, project, "add", "consultation_procedure", "상담은 몇 단계로 진행돼요")

    assert code == 0
    expected = lines[: next_block - 1] + ["    - 상담은 몇 단계로 진행돼요\n"] + lines[next_block - 1:]
    assert consultation.read_text(encoding="utf-8") == "".join(expected)


def test_other_indentation_style_is_kept(project: Project, capsys: pytest.CaptureFixture) -> None:
    """A file indented "  - intent:" style (comments between its blocks too) is written back in that style."""
    refunds = project.nlu_dir / "refunds.yml"
    lines = refunds.read_text(encoding="utf-8").splitlines(keepends=True)
    body = lines.index("nlu:\n") + 1
    reindented = "".join(lines[:body] + ["  " + line if line.strip() else line for line in lines[body:]])
    refunds.write_text(reindented, encoding="utf-8")

    code, _ = run_trainer(capsys, project, "add", "refund", "환불 받을 날짜가 궁금해요")

    assert code == 0
    assert refunds.read_text(encoding="utf-8") == reindented + "      - 환불 받을 날짜가 궁금해요\n"


@pytest.mark.parametrize(
    ("intent", "sentences", "expected"),
    [
        pytest.param("refnd", ["환불 문의"], ["'refnd'라는 의도는 없어요", "혹시 'refund'인가요?"], id="unknown-intent"),
        pytest.param("nlu_fallback", ["뭐지"], ["'nlu_fallback'은 Rasa가 자동으로"], id="fallback-intent"),
        pytest.param("refund", ["환불해주세요"], ["이미 있는 문장", "data/nlu/refunds.yml 9번째 줄"], id="already-present"),
        pytest.param("refund", ["결제가안돼요"],
                     ["payment_failure 의도에 똑같은 문장", "data/nlu/payments.yml 10번째 줄"], id="other-intent-same-text"),
        pytest.param("refund", ["결제 오류가나요"],
                     ["payment_failure 의도에 띄어쓰기·문장부호·반복 글자·대소문자만 다른 예문",
                      '"결제 오류가 나요" (data/nlu/payments.yml 6번째 줄)'], id="other-intent-spacing"),
        pytest.param("refund", ["결제 실패!!"],
                     ["payment_failure 의도에", '"결제 실패" (data/nlu/payments.yml 12번째 줄)'], id="other-intent-punctuation"),
        pytest.param("refund", ["로그인 에러 ㅠㅠㅠㅠ"],
                     ["account_access 의도에", '"로그인 에러 ㅠㅠ" (data/nlu/account.yml 29번째 줄)'],
                     id="other-intent-repeated-characters"),
        pytest.param("refund", ["CARD DECLINED 나와요"],
                     ["payment_failure 의도에", '"card declined 나와요" (data/nlu/payments.yml 32번째 줄)'],
                     id="other-intent-case"),
        pytest.param("refund", ["하이루~ 문의요"], ["평가용 문장과 똑같아요", "tests/data/nlu_holdout.yml 8번째 줄"], id="held-out"),
        pytest.param("refund", ["새 환불 문장", "새 환불 문장"], ["같은 명령에 두 번"], id="twice-in-one-command"),
        pytest.param("refund", ["   "], ["빈 문장"], id="empty"),
        pytest.param("refund", ["첫 줄\n둘째 줄"], ["한 줄로 써 주세요"], id="two-lines"),
        pytest.param("refund", ["환불 날짜가 궁금해요", "결제가안돼요"],
                     ["payment_failure 의도에 똑같은 문장", '문제없는 문장: "환불 날짜가 궁금해요"'],
                     id="one-bad-sentence-keeps-all-out"),
    ],
)
def test_refusals_name_the_clash_and_change_nothing(
    project: Project, capsys: pytest.CaptureFixture, intent: str, sentences: List[str], expected: List[str]
) -> None:
    """Every refusal exits 1 with a Korean reason naming the clashing intent and file; no file changes."""
    before = snapshot(project.root)

    code, out = run_trainer(capsys, project, "add", intent, *sentences)

    assert code == 1
    assert out.startswith("✖ 추가하지 않았어요")
    for fragment in expected:
        assert fragment in out
    assert snapshot(project.root) == before


def test_very_close_example_of_another_intent_warns_but_adds(project: Project, capsys: pytest.CaptureFixture) -> None:
    """Morphemes mostly shared with an out_of_scope example: added, with a warning naming it."""
    code, out = run_trainer(capsys, project, "add", "ask_contact", "토스 고객센터 번호좀 알려줘")

    assert code == 0
    assert "⚠ 주의" in out
    assert "out_of_scope 의도의 예문과 아주 비슷해요 (형태소 83% 겹침)" in out
    close = (project.nlu_dir / "out_of_scope.yml").read_text(encoding="utf-8").splitlines().index("    - 토스 고객센터 번호 알려줘")
    assert f'"토스 고객센터 번호 알려줘" (data/nlu/out_of_scope.yml {close + 1}번째 줄)' in out
    assert "    - 토스 고객센터 번호좀 알려줘\n" in (project.nlu_dir / "contact.yml").read_text(encoding="utf-8")


def test_spacing_variant_within_the_same_intent_is_added_with_a_note(
    project: Project, capsys: pytest.CaptureFixture
) -> None:
    """"환불 해주세요" next to "환불해주세요" is a useful variant, not a clash."""
    code, out = run_trainer(capsys, project, "add", "refund", "환불 해주세요")

    assert code == 0
    assert "참고" in out and '"환불해주세요" (data/nlu/refunds.yml 9번째 줄)' in out


def test_file_whose_format_cannot_be_kept_is_left_alone(project: Project, capsys: pytest.CaptureFixture) -> None:
    """Examples written as a quoted string would have to change style: refused, file untouched."""
    policy = project.nlu_dir / "policy.yml"
    policy.write_text('version: "3.1"\nnlu:\n- intent: ask_policy\n  examples: "- 약관 보여주세요\\n"\n', encoding="utf-8")
    before = snapshot(project.root)

    code, out = run_trainer(capsys, project, "add", "ask_policy", "이용약관 어디서 봐요")

    assert code == 1
    assert "다른 부분까지 바뀌게 되어 저장하지 않았어요" in out
    assert snapshot(project.root) == before


def test_intents_lists_each_intent_with_its_file(project: Project, capsys: pytest.CaptureFixture) -> None:
    """`intents` shows every addable intent, how many examples it has and where they live."""
    code, out = run_trainer(capsys, project, "intents")

    assert code == 0
    assert "refund" in out and "data/nlu/refunds.yml" in out
    assert "nlu_fallback" not in out
    assert len(out.strip().splitlines()) == 21  # the contract's 19 and inform, frustration


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("결제가 안 돼요", "결제가안돼요", id="spacing"),
        pytest.param("결제가 안돼요?!", "결제가 안돼요", id="punctuation"),
        pytest.param("환불되나요ㅠㅠㅠ", "환불되나요ㅠ", id="repeated-jamo"),
        pytest.param("Payment 오류", "payment 오류", id="case"),
        pytest.param("ＱＲ 결제 😭😭", "qr결제", id="full-width-and-emoji"),
    ],
)
def test_normalised_forms_match(first: str, second: str) -> None:
    """Spacing, punctuation, symbols, repeated characters and case do not make a different sentence."""
    assert normalise(first) == normalise(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("100원 결제", "10원 결제", id="digits-are-not-repeats"),
        pytest.param("결제 안 돼요", "결제 돼요", id="a-word-missing"),
        pytest.param("ㄱㅏ", "가", id="jamo-stay-jamo"),
    ],
)
def test_different_sentences_stay_different(first: str, second: str) -> None:
    """Normalisation never merges sentences that mean different things."""
    assert normalise(first) != normalise(second)
