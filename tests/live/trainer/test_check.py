"""`python -m trainer check`: Rasa's validation plus the clashes between intents over all the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.trainer_support import copy_project, run_trainer
from trainer.conflicts import IN_HOLDOUT, SAME_NORMALISED, SAME_TEXT, ExampleIndex, find_conflicts
from trainer.nlu_files import Example
from trainer.similarity import MorphemeSets


def plant(path: Path, after: str, *lines: str) -> None:
    """Writes ``lines`` as examples right after the example ``after``, as a hand edit would."""
    text = path.read_text(encoding="utf-8")
    anchor = f"    - {after}\n"
    assert anchor in text
    path.write_text(text.replace(anchor, anchor + "".join(f"    - {line}\n" for line in lines), 1), encoding="utf-8")


@pytest.mark.live
def test_check_fails_on_conflicts_planted_by_hand(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Hand-edited clashes that `add` would have refused: Rasa's validation passes, `check` does not."""
    project = copy_project(tmp_path / "project")
    plant(project.nlu_dir / "payments.yml", "결제가안돼요", "환불해주세요")
    plant(project.nlu_dir / "refunds.yml", "환불좀", "결제 실패!!", "하이루~ 문의요")

    code, out = run_trainer(capsys, project, "check")

    assert code == 1
    assert "[1/2] Rasa 형식 검사 (rasa data validate) …\n  ✔ 통과" in out
    assert "✖ 오류 3건 — 고쳐야 해요:" in out
    assert "1) 같은 문장이 두 의도에 있어요:" in out
    assert 'payment_failure  "환불해주세요"  data/nlu/payments.yml 11번째 줄' in out
    assert 'refund           "환불해주세요"  data/nlu/refunds.yml 9번째 줄' in out
    assert "띄어쓰기·문장부호·반복 글자·대소문자만 다른 문장이 두 의도에 있어요:" in out
    assert '"결제 실패!!"  data/nlu/refunds.yml' in out
    assert "평가용(tests/data/nlu_holdout.yml) 문장이 학습 데이터에 그대로 있어요:" in out
    assert 'greet   "하이루~ 문의요"  tests/data/nlu_holdout.yml 8번째 줄' in out
    assert "결과: ✖ 실패 (의도 간 충돌 검사)" in out


def examples(*rows: str) -> list:
    """``"intent: text"`` rows as examples of one file."""
    return [Example(row.split(": ", 1)[0], row.split(": ", 1)[1], Path("data/nlu/x.yml"), line)
            for line, row in enumerate(rows, start=1)]


@pytest.fixture(scope="module")
def morphemes() -> MorphemeSets:
    """The pipeline's own tokenizer (Mecab)."""
    return MorphemeSets("mecab")


def test_every_kind_of_conflict_is_found(morphemes: MorphemeSets) -> None:
    """Errors: same text, same once normalised, held-out text; warnings: close pairs, repeats, held-out variants."""
    training = examples(
        "refund: 환불해주세요", "payment_failure: 환불해주세요",
        "refund: 결제 실패", "payment_failure: 결제 실패!!",
        "greet: 하이루~ 문의요", "affirm: 네",
        "ask_contact: 고객센터번호알려줘", "out_of_scope: 토스 고객센터 번호 알려줘",
        "thank: 고마워요", "thank: 고마워요",
    )
    holdout = examples("greet: 하이루~ 문의요", "affirm: 네네네")

    report = find_conflicts(ExampleIndex(training, morphemes), holdout)

    kinds = sorted((clash.kind, clash.examples[0].text) for clash in report.clashes)
    assert kinds == [(IN_HOLDOUT, "하이루~ 문의요"), (SAME_NORMALISED, "결제 실패"), (SAME_TEXT, "환불해주세요")]
    assert [(pair.first.text, pair.second.text) for pair in report.close_pairs] == [
        ("고객센터번호알려줘", "토스 고객센터 번호 알려줘")]
    assert report.close_pairs[0].score == pytest.approx(0.8)
    assert [group[0].text for group in report.repeated_in_intent] == ["고마워요"]
    assert [(example.text, variant.text) for example, variant in report.holdout_variants] == [("네", "네네네")]
    assert not report.ok


def test_clean_examples_have_no_conflict(morphemes: MorphemeSets) -> None:
    """Different sentences under different intents, and spacing variants within one intent, are fine."""
    training = examples("refund: 환불해주세요", "refund: 환불 해주세요", "payment_failure: 결제가 안 돼요")

    report = find_conflicts(ExampleIndex(training, morphemes), [])

    assert report.ok and not report.close_pairs
