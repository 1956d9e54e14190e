"""The console's routes under /console, mounted by `sadeeq serve` beside the token API.

    GET  /console/signin, POST /console/signin, POST /console/signout
    GET  /console/incidents[?all=1]        open incidents first; /console/incidents/rows is the
                                           table body alone, fetched every few seconds
    GET  /console/incidents/{ref}          reports (masked), notices, map; POST …/update,
                                           …/restore, …/notify
    GET  /console/hazards[?all=1], /console/hazards/{ref}; POST …/assign, …/resolve
    GET  /console/notices, /console/handovers, /console/not-understood (POST …/{id}/label),
         /console/audit

Every page and action needs a signed-in session (bot/console/auth.py); every form carries the
session's CSRF token. Actions call the same functions as the token API (bot/outages/actions.py,
bot/hazards/actions.py) and send the same notices after answering. Pages are Jinja2 templates
in bot/console/templates; the language is Arabic (right to left) unless the operator picks
English (`?lang=en`, kept in a cookie).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot import not_understood as misses
from bot.channels.database_errors import DATABASE_ERRORS
from bot.channels.outbound import OutboundSender
from bot.config import RIYADH, Settings
from bot.console import auth, queries
from bot.console.auth import SignedIn
from bot.handovers.service import handover_ref, list_handovers
from bot.hazards import actions as hazard_actions
from bot.hazards.notify import notify_resolved
from bot.hazards.service import HazardError, find_hazard, list_hazards
from bot.hazards.views import hazard_view
from bot.i18n import LANGS, N_, Texts, texts
from bot.outages import actions as outage_actions
from bot.outages.notify import RESTORED_EVENT, notify_incident_event
from bot.outages.places import display_name
from bot.outages.service import OutageError, find_incident, list_incidents
from bot.outages.times import as_utc, parse_local_time
from bot.storage.db import session_factory, session_scope

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "sadeeq_console"
SIGNIN_COOKIE = "sadeeq_console_signin"  # the sign-in form's own CSRF token, before a session
LANG_COOKIE = "sadeeq_console_lang"
REFRESH_SECONDS = 5
Handler = Callable[[Request], Awaitable[Response]]

# What an action's redirect may say (`?done=KEY`): only these, so no text comes from the URL.
DONE = {
    "update": N_("Saved."),
    "estimate": N_("Saved. Every reporter is being told the new estimate."),
    "restore": N_("Restored. Every reporter is being told that power is back."),
    "notify": N_("Notices left unsent were sent again."),
    "assign": N_("Assigned."),
    "resolve": N_("Resolved. Every reporter is being told it is safe."),
    "label": N_("Labelled."),
}


def console_routes(settings: Settings, sender: OutboundSender | None = None) -> list[BaseRoute]:
    return [Mount("/console", routes=Console(settings, sender).routes())]


class Console:
    def __init__(self, settings: Settings, sender: OutboundSender | None = None) -> None:
        self.settings = settings
        self.url = settings.database_url
        self.problem: Callable[[set[str]], str | None] = lambda _channels: None
        if sender is None:
            from bot.channels.outbound import outbound_sender, transport_problem

            sender = outbound_sender(settings)
            self.problem = partial(transport_problem, settings)
        self.sender = sender
        self.cookies = auth.CookieSigner(settings.console_secret)
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        tiles = settings.map_tiles_url
        tile_origin = f"{urlsplit(tiles).scheme}://{urlsplit(tiles).netloc}" if tiles else ""
        self.security_headers = {
            "Content-Security-Policy": (
                "default-src 'self'; script-src 'self'; style-src 'self'; "
                f"img-src 'self' data: {tile_origin}; frame-ancestors 'none'; form-action 'self'"
            ).replace("  ", " "),
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cache-Control": "no-store",
        }

    def routes(self) -> list[BaseRoute]:
        signed = self.signed_in
        return [
            Route("/", signed(self.home), methods=["GET"]),
            Route("/signin", self.signin_page, methods=["GET"]),
            Route("/signin", self.signin, methods=["POST"]),
            Route("/signout", signed(self.signout), methods=["POST"]),
            Route("/incidents", signed(self.incidents), methods=["GET"]),
            Route("/incidents/rows", signed(self.incident_rows), methods=["GET"]),
            Route("/incidents/{ref}", signed(self.incident), methods=["GET"]),
            Route("/incidents/{ref}/media/{media:int}", signed(self.media), methods=["GET"]),
            Route("/incidents/{ref}/update", signed(self.update), methods=["POST"]),
            Route("/incidents/{ref}/restore", signed(self.restore), methods=["POST"]),
            Route("/incidents/{ref}/notify", signed(self.notify), methods=["POST"]),
            Route("/hazards", signed(self.hazards), methods=["GET"]),
            Route("/hazards/{ref}", signed(self.hazard), methods=["GET"]),
            Route("/hazards/{ref}/photos/{photo:int}", signed(self.photo), methods=["GET"]),
            Route("/hazards/{ref}/assign", signed(self.assign), methods=["POST"]),
            Route("/hazards/{ref}/resolve", signed(self.resolve), methods=["POST"]),
            Route("/notices", signed(self.notices), methods=["GET"]),
            Route("/handovers", signed(self.handovers), methods=["GET"]),
            Route("/not-understood", signed(self.not_understood), methods=["GET"]),
            Route("/not-understood/{item:int}/label", signed(self.label), methods=["POST"]),
            Route("/audit", signed(self.audit_page), methods=["GET"]),
            Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
        ]

    # --- sessions -------------------------------------------------------------------------

    def signed_in(self, handler: Handler) -> Handler:
        """No session: a page redirects to the sign-in, an action is refused. A POST without
        the session's CSRF token is refused too."""

        async def guarded(request: Request) -> Response:
            session_id = self.cookies.loads(request.cookies.get(SESSION_COOKIE))
            try:
                who = await run_in_threadpool(self._current, session_id) if session_id else None
                if who is None:
                    if request.method == "GET":
                        return RedirectResponse("/console/signin", status_code=303)
                    return self._refuse(request, 401, N_("Sign in first."))
                if request.method == "POST":
                    form = await request.form()
                    if not auth.csrf_ok(who.csrf_token, form.get("csrf")):
                        log.warning("console: %s sent a form without its CSRF token", who.operator)
                        return self._refuse(
                            request, 403, N_("This form has expired; reload the page.")
                        )
                    request.state.form = form
                request.state.who = who
                return await handler(request)
            except DATABASE_ERRORS:
                log.warning("console answered 503: database unavailable")
                return self._refuse(request, 503, N_("The database is unavailable; try again."))

        return guarded

    def _current(self, session_id: str) -> SignedIn | None:
        with session_scope(self.url) as session:
            return auth.current(session, session_id)

    async def signin_page(self, request: Request) -> Response:
        return self._signin_form(request)

    def _signin_form(self, request: Request, error: str | None = None, status: int = 200):
        token = secrets.token_urlsafe(24)
        response = self.render(
            request, "signin.html", {"token": token, "refused": error}, status=status
        )
        response.set_cookie(
            SIGNIN_COOKIE, self.cookies.dumps(token), **self._cookie_flags(request, max_age=3600)
        )
        return response

    async def signin(self, request: Request) -> Response:
        form = await request.form()
        expected = self.cookies.loads(request.cookies.get(SIGNIN_COOKIE))
        if expected is None or not auth.csrf_ok(expected, form.get("csrf")):
            return self._signin_form(request, N_("This form has expired; please try again."), 403)
        name, password = str(form.get("name") or ""), str(form.get("password") or "")

        def work():
            with session_scope(self.url) as session:
                return auth.sign_in(session, name, password)

        try:
            outcome = await run_in_threadpool(work)
        except DATABASE_ERRORS:
            log.warning("console sign-in answered 503: database unavailable")
            return self._refuse(request, 503, N_("The database is unavailable; try again."))
        if outcome == "locked":
            return self._signin_form(
                request, N_("Too many wrong passwords: this account is locked for 15 minutes."), 429
            )
        if not isinstance(outcome, SignedIn):
            return self._signin_form(request, N_("Wrong name or password."), 401)
        response = RedirectResponse("/console/incidents", status_code=303)
        response.set_cookie(
            SESSION_COOKIE, self.cookies.dumps(outcome.session_id), **self._cookie_flags(request)
        )
        response.delete_cookie(SIGNIN_COOKIE, path="/console")
        return response

    async def signout(self, request: Request) -> Response:
        def work() -> None:
            with session_scope(self.url) as session:
                auth.sign_out(session, request.state.who)

        await run_in_threadpool(work)
        response = RedirectResponse("/console/signin", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/console")
        return response

    def _cookie_flags(self, request: Request, max_age: int | None = None) -> dict[str, Any]:
        return {
            "path": "/console",
            "httponly": True,
            "samesite": "strict",
            "secure": request.url.scheme == "https",
            "max_age": max_age,
        }

    # --- incidents ------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        return RedirectResponse("/console/incidents", status_code=303)

    def _incident_list(self, include_closed: bool) -> list[dict]:
        with session_scope(self.url) as session:
            views = outage_actions.summaries(
                session, list_incidents(session, include_closed=include_closed)
            )
        return sorted(views, key=lambda v: v["status"] != "open")  # stable: urgent stay first

    async def incidents(self, request: Request) -> Response:
        everything = request.query_params.get("all") == "1"
        rows = await run_in_threadpool(self._incident_list, everything)
        return self.render(
            request,
            "incidents.html",
            {"incidents": rows, "everything": everything, "refresh": REFRESH_SECONDS},
        )

    async def incident_rows(self, request: Request) -> Response:
        everything = request.query_params.get("all") == "1"
        rows = await run_in_threadpool(self._incident_list, everything)
        return self.render(request, "incident_rows.html", {"incidents": rows})

    def _incident_page(self, ref: str) -> dict:
        with session_scope(self.url) as session:
            incident = find_incident(session, ref)
            reports = queries.incident_reports(session, incident.id)
            return {
                "incident": outage_actions.summary(session, incident),
                "eta_input": _input_time(incident.estimated_restoration_at),
                "reports": reports,
                "notices": queries.incident_notices(session, incident.id),
                "failures": queries.notice_failures(session, incident.id),
                "points": _points(
                    [incident.reference, incident.latitude, incident.longitude, True],
                    [[r["reference"], r["latitude"], r["longitude"], r["urgent"]] for r in reports],
                ),
            }

    async def incident(self, request: Request, error: str | None = None, status: int = 200):
        ref = request.path_params["ref"]
        try:
            context = await run_in_threadpool(self._incident_page, ref)
        except OutageError as exc:
            return self._refuse(request, 404, str(exc))
        context["error"] = error
        return self.render(request, "incident.html", context, status=status)

    async def media(self, request: Request) -> Response:
        ref, media_id = request.path_params["ref"], request.path_params["media"]

        def work():
            with session_scope(self.url) as session:
                item = queries.outage_media(session, find_incident(session, ref).id, media_id)
                return (item.data, item.content_type) if item else None

        try:
            found = await run_in_threadpool(work)
        except OutageError:
            found = None
        if found is None:
            return self._refuse(request, 404, N_("No such photo."))
        return _media_response(*found)

    async def update(self, request: Request) -> Response:
        ref, form = request.path_params["ref"], request.state.form
        try:
            changes = {
                "eta": _form_time(form, "eta"),
                "cause": str(form.get("cause", "")),
                "planned": bool(form.get("planned")),
                "force_majeure": bool(form.get("force_majeure")),
                "city_wide": bool(form.get("city_wide")),
            }
            view, incident_id, event = await run_in_threadpool(
                outage_actions.update, self.url, ref, changes, self.problem
            )
        except (OutageError, outage_actions.NoTransport) as exc:
            return await self._failed(request, "incident", exc)
        detail = _change_detail(changes)
        await self._audit(request, N_("incident updated"), view["reference"], detail)
        task = None
        if event is not None:
            task = BackgroundTask(
                notify_incident_event, session_factory(self.url), incident_id, event, self.sender
            )
        return self._done(
            f"/console/incidents/{view['reference']}", "estimate" if event else "update", task
        )

    async def restore(self, request: Request) -> Response:
        ref, form = request.path_params["ref"], request.state.form
        try:
            at = _form_time(form, "at")
            view, incident_id = await run_in_threadpool(
                outage_actions.restore, self.url, ref, at, self.problem
            )
        except (OutageError, outage_actions.NoTransport) as exc:
            return await self._failed(request, "incident", exc)
        restored = (view["restored_at"] or "")[:16]  # to the minute, Riyadh time
        await self._audit(request, N_("incident restored"), view["reference"], restored)
        task = BackgroundTask(
            notify_incident_event,
            session_factory(self.url),
            incident_id,
            RESTORED_EVENT,
            self.sender,
        )
        return self._done(f"/console/incidents/{view['reference']}", "restore", task)

    async def notify(self, request: Request) -> Response:
        ref, form = request.path_params["ref"], request.state.form
        resend = bool(form.get("resend_unconfirmed"))
        try:
            sent = await run_in_threadpool(
                partial(
                    outage_actions.resume_notices,
                    self.url,
                    ref,
                    self.sender,
                    self.problem,
                    resend_unconfirmed=resend,
                )
            )
        except (OutageError, outage_actions.NoTransport) as exc:
            return await self._failed(request, "incident", exc)
        detail = f"{sent} sent" + (", unconfirmed resent" if resend else "")
        await self._audit(request, N_("notices resumed"), ref, detail)
        return self._done(f"/console/incidents/{ref}", "notify")

    # --- hazards --------------------------------------------------------------------------

    async def hazards(self, request: Request) -> Response:
        everything = request.query_params.get("all") == "1"

        def work() -> list[dict]:
            with session_scope(self.url) as session:
                found = list_hazards(session, include_resolved=everything)
                return [hazard_view(session, h, detail=False) for h in found]

        rows = await run_in_threadpool(work)
        points = _points(
            None, [[h["reference"], h["latitude"], h["longitude"], h["urgent"]] for h in rows]
        )
        return self.render(
            request, "hazards.html", {"hazards": rows, "everything": everything, "points": points}
        )

    async def hazard(self, request: Request, error: str | None = None, status: int = 200):
        ref = request.path_params["ref"]

        def work() -> dict:
            with session_scope(self.url) as session:
                return hazard_view(session, find_hazard(session, ref))

        try:
            view = await run_in_threadpool(work)
        except HazardError as exc:
            return self._refuse(request, 404, str(exc))
        points = _points(
            [view["reference"], view["latitude"], view["longitude"], view["urgent"]],
            [[r["reference"], r["latitude"], r["longitude"], r["danger"]] for r in view["reports"]],
        )
        return self.render(
            request,
            "hazard.html",
            {"hazard": view, "points": points, "error": error},
            status=status,
        )

    async def photo(self, request: Request) -> Response:
        ref, photo_id = request.path_params["ref"], request.path_params["photo"]
        try:
            data, content_type = await run_in_threadpool(
                hazard_actions.photo, self.url, ref, photo_id
            )
        except HazardError:
            return self._refuse(request, 404, N_("No such photo."))
        return _media_response(data, content_type)

    async def assign(self, request: Request) -> Response:
        ref, form = request.path_params["ref"], request.state.form
        to = str(form.get("to") or "").strip()
        try:
            if not to:
                raise HazardError(N_("Say which team or person."))
            view = await run_in_threadpool(hazard_actions.assign, self.url, ref, to)
        except HazardError as exc:
            return await self._failed(request, "hazard", exc)
        await self._audit(request, N_("hazard assigned"), view["reference"], to)
        return self._done(f"/console/hazards/{view['reference']}", "assign")

    async def resolve(self, request: Request) -> Response:
        ref, form = request.path_params["ref"], request.state.form
        note = str(form.get("note") or "").strip() or None
        try:
            view, hazard_id = await run_in_threadpool(
                hazard_actions.resolve, self.url, ref, self.sender, None, note
            )
        except HazardError as exc:
            return await self._failed(request, "hazard", exc)
        await self._audit(request, N_("hazard resolved"), view["reference"], note)
        task = BackgroundTask(notify_resolved, session_factory(self.url), hazard_id, self.sender)
        return self._done(f"/console/hazards/{view['reference']}", "resolve", task)

    # --- notices, hand-overs, not understood, audit -------------------------------------

    async def notices(self, request: Request) -> Response:
        def work() -> dict:
            with session_scope(self.url) as session:
                return {
                    "incident_events": queries.incident_notices(session),
                    "hazard_events": queries.hazard_notices(session),
                    "failures": queries.notice_failures(session),
                    "broadcasts": queries.broadcasts(self.url, session),
                }

        return self.render(request, "notices.html", await run_in_threadpool(work))

    async def handovers(self, request: Request) -> Response:
        everything = request.query_params.get("all") == "1"

        def work() -> list[dict]:
            with session_scope(self.url) as session:
                return [
                    {
                        "ref": handover_ref(h),
                        "channel": h.channel,
                        "who": queries.masked(h.phone or h.sender),
                        "danger": h.danger,
                        "text": queries.masked(h.text),
                        "status": h.status,
                        "requested_at": h.requested_at,
                        "transcript": [
                            {**m, "text": queries.masked(m.get("text"))} for m in h.transcript or []
                        ],
                    }
                    for h in list_handovers(session, include_closed=everything)
                ]

        rows = await run_in_threadpool(work)
        return self.render(request, "handovers.html", {"handovers": rows, "everything": everything})

    async def not_understood(self, request: Request, error: str | None = None, status=200):
        def work() -> list[dict]:
            with session_scope(self.url) as session:
                return [
                    {
                        "id": m.id,
                        "channel": m.channel,
                        "who": queries.masked(m.sender),
                        "lang": m.lang,
                        "text": queries.masked(m.text),
                        "offered": m.offered or [],
                        "at": m.received_at,
                        "label": m.label,
                        "labelled_by": m.labelled_by,
                    }
                    for m in misses.newest(session)
                ]

        rows = await run_in_threadpool(work)
        return self.render(
            request,
            "not_understood.html",
            {"messages": rows, "intents": misses.known_intents(), "error": error},
            status=status,
        )

    async def label(self, request: Request) -> Response:
        item, form = request.path_params["item"], request.state.form
        intent = str(form.get("intent") or "")
        who = request.state.who

        def work() -> None:
            with session_scope(self.url) as session:
                misses.label(session, item, intent, by=who.operator)
                auth.audit(session, who.operator, N_("message labelled"), f"#{item}", intent)

        try:
            await run_in_threadpool(work)
        except (ValueError, LookupError) as exc:
            return await self.not_understood(request, str(exc), 400)
        return self._done("/console/not-understood", "label")

    async def audit_page(self, request: Request) -> Response:
        def work() -> list[dict]:
            with session_scope(self.url) as session:
                return [
                    {
                        "at": e.at,
                        "operator": e.operator,
                        "action": e.action,
                        "target": e.target,
                        "detail": queries.masked(e.detail),
                    }
                    for e in auth.recent_audit(session)
                ]

        return self.render(request, "audit.html", {"entries": await run_in_threadpool(work)})

    # --- answering ------------------------------------------------------------------------

    async def _audit(self, request: Request, action: str, target: str | None, detail) -> None:
        who = request.state.who

        def work() -> None:
            with session_scope(self.url) as session:
                auth.audit(session, who.operator, action, target, detail)

        await run_in_threadpool(work)

    async def _failed(self, request: Request, page: str, exc: Exception) -> Response:
        no_transport = isinstance(exc, outage_actions.NoTransport | hazard_actions.NoTransport)
        status = 503 if no_transport else 400
        log.info("console: %s's action refused: %s", request.state.who.operator, exc)
        if page == "hazard":
            return await self.hazard(request, str(exc), status)
        return await self.incident(request, str(exc), status)

    def _done(self, path: str, what: str, task: BackgroundTask | None = None) -> Response:
        return RedirectResponse(f"{path}?done={what}", status_code=303, background=task)

    def _refuse(self, request: Request, status: int, message: str) -> Response:
        return self.render(request, "message.html", {"message": message}, status=status)

    def lang_of(self, request: Request) -> str:
        asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
        return asked if asked in LANGS else self.settings.lang

    def render(self, request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
        lang = self.lang_of(request)
        tr = texts(lang)
        who: SignedIn | None = getattr(request.state, "who", None)
        done = DONE.get(request.query_params.get("done", ""))
        html = self.env.get_template(name).render(
            _=tr._,
            lang=lang,
            direction="rtl" if lang == "ar" else "ltr",
            other_lang="en" if lang == "ar" else "ar",
            when=partial(_when, tr),
            num=tr.number,
            place=partial(_place_name, lang),
            who=who.operator if who else None,
            csrf=who.csrf_token if who else "",
            path=request.url.path,
            done=tr._(done) if done else None,
            tiles=self.settings.map_tiles_url or "",
            kind=partial(_kind_name, tr),
            intent=partial(_intent_name, tr),
            **context,
        )
        response = HTMLResponse(html, status_code=status, headers=self.security_headers)
        if request.query_params.get("lang") in LANGS:
            response.set_cookie(
                LANG_COOKIE, lang, **self._cookie_flags(request, max_age=365 * 86400)
            )
        return response


def _place_name(lang: str, name: str | None) -> str:
    """A stored district or city as the operator's language spells it (English: its Latin name)."""
    return display_name(name, lang) if name else ""


def _when(tr: Texts, value: datetime | str | None) -> Markup | str:
    """A time as the operator reads it: Riyadh time, in the page's language, isolated so that
    its digits keep their order beside text of the other direction."""
    if not value:
        return "–"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return Markup("<bdi>{}</bdi>").format(tr.datetime(as_utc(value)))


def _change_detail(changes: dict) -> str:
    """An update as the audit trail keeps it: the estimate (Riyadh time), the cause, the flags."""
    parts = []
    if changes.get("eta") is not None:
        parts.append(f"eta {_input_time(changes['eta'])}")
    parts.append(f"cause «{changes.get('cause') or ''}»")
    parts += [name for name in ("planned", "force_majeure", "city_wide") if changes.get(name)]
    return ", ".join(parts)


def _kind_name(tr: Texts, kind: str) -> str:
    """A hazard kind as the subscriber's question names it (the one list of these labels)."""
    from handlers.hazard_report import kind_label

    try:
        return kind_label(SimpleNamespace(tr=tr), kind)  # type: ignore[arg-type]
    except KeyError:
        return kind


def _intent_name(tr: Texts, intent: str) -> str:
    """An intent with its main-menu label when it has one: "bill · فاتورتي"."""
    from handlers.menu import menu_label

    try:
        return f"{intent} · {menu_label(SimpleNamespace(tr=tr), intent)}"  # type: ignore[arg-type]
    except KeyError:
        return intent


def _input_time(value: datetime | None) -> str:
    """A stored time as a datetime-local input shows it (Riyadh time, to the minute)."""
    if value is None:
        return ""
    return as_utc(value).astimezone(RIYADH).strftime("%Y-%m-%dT%H:%M")


def _form_time(form, name: str) -> datetime | None:
    text = str(form.get(name) or "").strip()
    if not text:
        return None
    try:
        return parse_local_time(text)
    except (ValueError, OverflowError) as exc:
        raise OutageError(str(exc)) from None


def _points(main: list | None, others: list[list]) -> list[list]:
    """[reference, latitude, longitude, urgent] of whatever has a location, for the map."""
    rows = ([main] if main else []) + others
    return [r for r in rows if r[1] is not None and r[2] is not None]


def _media_response(data: bytes, content_type: str | None) -> Response:
    """A subscriber's photo or voice note. Only raster images and audio are shown inline; any
    other type (an SVG could carry a script) is a download, and nothing in it may run."""
    kind = (content_type or "").split(";")[0].strip().lower()
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, max-age=300",
    }
    if kind not in INLINE_MEDIA and not kind.startswith("audio/"):
        kind = "application/octet-stream"
        headers["Content-Disposition"] = "attachment"
    return Response(data, media_type=kind, headers=headers)


INLINE_MEDIA = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
