"""The reading pages: the dashboard, the conversation list and one conversation (viewer and up)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sanic import Request, Sanic
from sanic.response import HTTPResponse

from console.conversations import PAGE_SIZE, load_conversation, search_conversations
from console.filters import KST, FilterError, read_channel, read_period, read_search
from console.stats import compute_dashboard
from console.tracker import CHANNEL_LABELS, TrackerUnavailable
from console.users import VIEWER
from console.web import Console, in_thread, requires


def kst(timestamp: float) -> str:
    """``2026-12-03 14:05`` in Seoul time."""
    return datetime.fromtimestamp(timestamp, KST).strftime("%Y-%m-%d %H:%M")


def percent(share: Any) -> str:
    """``42.5%``, or ``-`` when there is nothing to divide."""
    return "-" if share is None else f"{share * 100:.1f}%"


def add_pages(app: Sanic, console: Console) -> None:
    """Registers the dashboard and the conversation pages."""
    console.templates.filters["kst"] = kst
    console.templates.filters["percent"] = percent

    def no_store(request: Request, error: TrackerUnavailable) -> HTTPResponse:
        return console.message(request, "아직 대화 기록이 없어요", f"{error} 봇이 첫 대화를 저장하면 여기에 보여요.", 200)

    @app.get("/")
    @requires(console, VIEWER)
    async def dashboard(request: Request) -> HTTPResponse:
        try:
            period, channel = read_period(request.args), read_channel(request.args)
        except FilterError as error:
            return console.render(request, "dashboard.html", status=400, error=str(error), args=request.args, figures=None)
        try:
            figures = await in_thread(
                compute_dashboard, console.tracker(), console.signals, period, channel, list(console.topic_labels))
        except TrackerUnavailable as error:
            return no_store(request, error)
        chart = {
            "hours": figures.hours,
            "topics": [console.topic_labels.get(topic, topic) for topic, _ in figures.topics],
            "topic_counts": [count for _, count in figures.topics],
        }
        return console.render(
            request, "dashboard.html", figures=figures, args=request.args, chart=json.dumps(chart, ensure_ascii=False).replace("<", "\\u003c"),
            channel_label=CHANNEL_LABELS.get(channel, "모든 채널"),
        )

    @app.get("/conversations")
    @requires(console, VIEWER)
    async def conversations(request: Request) -> HTTPResponse:
        try:
            search = read_search(request.args, console.topic_labels)
        except FilterError as error:
            return console.render(request, "conversations.html", status=400, error=str(error), args=request.args, result=None)
        try:
            result = await in_thread(search_conversations, console.tracker(), console.signals, search)
        except TrackerUnavailable as error:
            return no_store(request, error)
        query = {key: value for key, value in request.args.items() if key != "page"}
        return console.render(
            request, "conversations.html", result=result, args=request.args, search=search, page_size=PAGE_SIZE,
            query=urlencode({key: value[0] for key, value in query.items() if value and value[0]}),
        )

    @app.get("/conversations/<sender_id:path>")
    @requires(console, VIEWER)
    async def conversation(request: Request, sender_id: str) -> HTTPResponse:
        try:
            found = await in_thread(load_conversation, console.tracker(), sender_id)
        except TrackerUnavailable as error:
            return no_store(request, error)
        if found is None:
            return console.message(request, "대화를 찾을 수 없어요", "보관 기간이 지나 지워졌거나 주소가 잘못됐어요.", 404)
        return console.render(request, "conversation.html", conversation=found)
