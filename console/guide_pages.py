"""The guide pages: every topic and message of ``content/guide.yml``, an entry's edit page with a preview
of what customers see now, saving through the guide's own checks, and the edit history with undo.

Viewers read; trainers and admins edit.
"""

from __future__ import annotations

from typing import Optional

from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from console.guide_edit import (
    GuideEditError,
    check_edit,
    clean_text,
    entries,
    find_entry,
    history,
    placeholders_for,
    preview,
    save_edit,
    undo,
)
from console.users import TRAINER, VIEWER
from console.web import Console, in_thread, requires
from paybot.guide import GuideError, load_guide


def add_guide_pages(app: Sanic, console: Console) -> None:
    """Registers /guide, /guide/edit and the saving, preview and undo actions."""
    path = console.settings.guide_path

    def list_page(request: Request, status: int = 200, problem: Optional[str] = None,
                  saved: Optional[str] = None) -> HTTPResponse:
        guide = load_guide(path)
        query = (request.args.get("q") or "").strip()
        shown = [entry for entry in entries(guide)
                 if not query or query in entry.text or query in entry.key or query in entry.title]
        return console.render(request, "guide.html", status=status, entries=shown, query=query,
                              changes=history(console.db), problem=problem, saved=saved)

    def edit_page(request: Request, key: str, draft: Optional[str] = None, status: int = 200,
                  problem: Optional[str] = None, saved: bool = False) -> HTTPResponse:
        guide = load_guide(path)
        entry = find_entry(guide, key)
        if entry is None:
            return console.message(request, "안내 자료에 없는 항목이에요", "목록에서 항목을 다시 골라 주세요.", 404)
        shown_now = preview(guide, key)
        draft_preview = None
        if draft is not None and problem is None and draft != entry.text:
            draft_preview = preview(check_edit(path, key, draft)[0], key)
        return console.render(
            request, "guide_entry.html", status=status, entry=entry, draft=entry.text if draft is None else draft,
            shown_now=shown_now, draft_preview=draft_preview, problem=problem, saved=saved,
            placeholders=placeholders_for(key),
        )

    @app.get("/guide")
    @requires(console, VIEWER)
    async def guide_list(request: Request) -> HTTPResponse:
        return list_page(request)

    @app.get("/guide/edit")
    @requires(console, VIEWER)
    async def guide_entry(request: Request) -> HTTPResponse:
        return edit_page(request, request.args.get("key") or "", saved=request.args.get("saved") == "1")

    @app.post("/guide/preview")
    @requires(console, TRAINER)
    async def guide_preview(request: Request) -> HTTPResponse:
        key, draft = request.form.get("key") or "", clean_text(request.form.get("text") or "")
        try:
            return edit_page(request, key, draft)
        except GuideEditError as error:
            return edit_page(request, key, draft, status=400, problem=str(error))

    @app.post("/guide/save")
    @requires(console, TRAINER)
    async def guide_save(request: Request) -> HTTPResponse:
        key, draft = request.form.get("key") or "", clean_text(request.form.get("text") or "")
        expected = request.form.get("expected") or ""
        try:
            await in_thread(save_edit, console.db, path, key, draft, clean_text(expected), request.ctx.session.user.name)
        except GuideEditError as error:
            return edit_page(request, key, draft, status=409 if "다른 분" in str(error) else 400, problem=str(error))
        except (GuideError, OSError) as error:
            return edit_page(request, key, draft, status=500, problem=f"안내 자료 파일을 저장하지 못했어요: {error}")
        return response.redirect(f"/guide/edit?key={key}&saved=1")

    @app.post("/guide/undo")
    @requires(console, TRAINER)
    async def guide_undo(request: Request) -> HTTPResponse:
        raw = (request.form.get("change") or "").strip()
        if not raw.isdigit():
            return list_page(request, status=400, problem="되돌릴 변경을 골라 주세요.")
        try:
            change = await in_thread(undo, console.db, path, int(raw), request.ctx.session.user.name)
        except GuideEditError as error:
            return list_page(request, status=409, problem=str(error))
        return list_page(request, saved=f"{change.key}을(를) 이전 문장으로 되돌렸어요.")
