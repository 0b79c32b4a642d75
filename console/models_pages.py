"""Retraining and publishing from the console: start a training, watch it, read the report, publish, roll back."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from console.publish import ROLLBACK, PublishError, publications, publish, running_model
from console.retrain_job import Trainer
from console.users import ADMIN, TRAINER
from console.web import Console, in_thread, requires
from paybot.settings import read_setting
from trainer.evaluation import CONFUSION_MATRIX_FILE, evaluation_dir
from trainer.project import Project

# How many trained models the page offers.
MODELS_SHOWN = 10


def _token() -> str:
    """Rasa's API token (RASA_API_TOKEN, the same the servers were started with)."""
    return str(read_setting("RASA_API_TOKEN", str.strip))


def add_model_pages(app: Sanic, console: Console, trainer: Optional[Trainer] = None) -> None:
    """Registers /models and its actions (trainer and up; overriding a failed report: admin)."""
    project = Project(console.project_root)
    trainer = trainer or Trainer(console.project_root)

    def model_file(name: str) -> Optional[Path]:
        return next((path for path in project.models() if path.name == name), None)

    def confusion_picture(name: str) -> Optional[Path]:
        """Rasa's confusion-matrix picture of the held-out evaluation of model ``name``, when the report made one."""
        model = model_file(name)
        picture = evaluation_dir(project, model) / CONFUSION_MATRIX_FILE if model else None
        return picture if picture is not None and picture.is_file() else None

    async def page(request: Request, status: int = 200, **values: object) -> HTTPResponse:
        urls = console.settings.console_rasa_urls
        running = {url: await in_thread(running_model, url, _token()) for url in urls} if _token() else {}
        job = trainer.job
        judged = Path(job.model).name if job and job.model and job.report else None
        return console.render(
            request, "models.html", status=status, job=job, models=list(reversed(project.models()))[:MODELS_SHOWN],
            running=running, urls=urls, has_token=bool(_token()), publications=publications(console.db),
            confusion=judged if judged and confusion_picture(judged) else None, **values,
        )

    @app.get("/models/confusion/<name>")
    @requires(console, TRAINER)
    async def confusion(request: Request, name: str) -> HTTPResponse:
        picture = confusion_picture(name)
        if picture is None:
            return console.message(request, "그림이 없어요", "이 모델의 평가 그림이 아직 없어요. 학습·발행 화면에서 평가를 먼저 해 주세요.", 404)
        return await response.file(str(picture), mime_type="image/png")

    @app.get("/models")
    @requires(console, TRAINER)
    async def models(request: Request) -> HTTPResponse:
        return await page(request)

    @app.post("/models/train")
    @requires(console, TRAINER)
    async def train(request: Request) -> HTTPResponse:
        if trainer.start(request.ctx.session.user.name) is None:
            return await page(request, status=409, problem="이미 학습이 진행 중이에요. 끝난 뒤에 다시 시작해 주세요.")
        return response.redirect("/models", status=303)

    @app.post("/models/publish")
    @requires(console, TRAINER)
    async def publish_model(request: Request) -> HTTPResponse:
        user = request.ctx.session.user
        name = (request.form.get("model") or "").strip()
        path = model_file(name)
        if path is None:
            return await page(request, status=400, problem="발행할 모델을 목록에서 골라 주세요.")
        job = trainer.job
        judged = job is not None and job.model is not None and Path(job.model).name == name and job.report_code is not None
        override = request.form.get("override") == "1"
        if not (judged and job is not None and job.report_passed):
            reason = ("평가를 통과하지 못했어요 (F1이 크게 떨어진 의도가 있거나, 다른 주제로 답하는 문장이 늘었어요)" if judged
                      else "이 모델은 콘솔에서 평가(report)하지 않았어요")
            if not user.may(ADMIN):
                return await page(request, status=409, problem=f"{reason}. 관리자만 확인 후 발행할 수 있어요.")
            if not override:
                return await page(request, status=409, problem=f"{reason}. 그래도 발행하려면 '관리자 확인'에 체크해 주세요.")
        urls = console.settings.console_rasa_urls
        previous = await in_thread(running_model, urls[0], _token()) if urls and _token() else None
        try:
            answers = await in_thread(publish, console.db, urls, _token(), path, user.name,
                                      Path(previous).name if previous else None)
        except PublishError as error:
            return await page(request, status=502, problem=str(error))
        return await page(request, published=[answer.message for answer in answers])

    @app.post("/models/rollback")
    @requires(console, TRAINER)
    async def rollback(request: Request) -> HTTPResponse:
        latest = next(iter(publications(console.db, 1)), None)
        path = model_file(latest.previous) if latest and latest.previous else None
        if latest is None or path is None:
            return await page(request, status=409, problem="되돌릴 이전 모델이 없어요.")
        try:
            answers = await in_thread(publish, console.db, console.settings.console_rasa_urls, _token(), path,
                                      request.ctx.session.user.name, latest.model, ROLLBACK)
        except PublishError as error:
            return await page(request, status=502, problem=str(error))
        return await page(request, published=[answer.message for answer in answers])
