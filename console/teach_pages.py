"""The teaching pages: the inbox with one-click labels, new phrasings, and the change log with undo."""

from __future__ import annotations

from typing import List

from sanic import Request, Sanic
from sanic.response import HTTPResponse

from console.teach import ADD, LABEL, read_inbox, recent_changes, teach, undo
from console.users import TRAINER
from console.web import Console, in_thread, requires
from trainer.adding import Teacher
from trainer.nlu_files import NluFileError
from trainer.project import OUT_OF_SCOPE_INTENT, Project
from trainer.tracker_messages import TrackerStoreError

MAX_SENTENCES = 20


def _sentences(raw: str) -> List[str]:
    """One sentence per line of the text box; blank lines dropped."""
    return [line.strip() for line in raw.splitlines() if line.strip()]


def add_teach_pages(app: Sanic, console: Console) -> None:
    """Registers /teach and its actions (trainer and up)."""
    project = Project(console.project_root)

    async def page(request: Request, status: int = 200, **values: object) -> HTTPResponse:
        intents = (await in_thread(Teacher, project)).intents
        try:
            inbox = await in_thread(
                read_inbox, project, console.settings.tracker_store_url, console.settings.low_confidence_threshold)
            inbox_error = None
        except TrackerStoreError as error:
            inbox, inbox_error = None, str(error)
        return console.render(
            request, "teach.html", status=status, inbox=inbox, inbox_error=inbox_error, intents=intents,
            out_of_scope=OUT_OF_SCOPE_INTENT, changes=recent_changes(console.db),
            threshold=console.settings.low_confidence_threshold, **values,
        )

    @app.get("/teach")
    @requires(console, TRAINER)
    async def teach_page(request: Request) -> HTTPResponse:
        return await page(request)

    async def _teach(request: Request, kind: str, sentences: List[str]) -> HTTPResponse:
        intent = (request.form.get("intent") or "").strip()
        if not intent:
            return await page(request, status=400, problem="의도를 골라 주세요.")
        if not sentences:
            return await page(request, status=400, problem="추가할 문장을 한 줄에 하나씩 써 주세요.")
        if len(sentences) > MAX_SENTENCES:
            return await page(request, status=400, problem=f"한 번에 {MAX_SENTENCES}문장까지 추가할 수 있어요.")
        try:
            outcome = await in_thread(teach, console.db, project, request.ctx.session.user.name, kind, intent, sentences)
        except NluFileError as error:
            return await page(request, status=409, problem=str(error))
        return await page(request, status=409 if outcome.refused else 200, outcome=outcome)

    @app.post("/teach/label")
    @requires(console, TRAINER)
    async def label(request: Request) -> HTTPResponse:
        return await _teach(request, LABEL, _sentences(request.form.get("text") or "")[:1])

    @app.post("/teach/add")
    @requires(console, TRAINER)
    async def add(request: Request) -> HTTPResponse:
        return await _teach(request, ADD, _sentences(request.form.get("sentences") or ""))

    @app.post("/teach/undo")
    @requires(console, TRAINER)
    async def undo_change(request: Request) -> HTTPResponse:
        raw = (request.form.get("change") or "").strip()
        if not raw.isdigit():
            return await page(request, status=400, problem="되돌릴 변경을 골라 주세요.")
        try:
            change = await in_thread(undo, console.db, project, int(raw), request.ctx.session.user.name)
        except NluFileError as error:
            return await page(request, status=409, problem=str(error))
        return await page(request, undone=change)

