"""One browser session without a browser: Streamlit's own websocket protocol.

A ``Session`` connects to ``/_stcore/stream`` as the frontend does, asks for a page by name,
sends widget changes and fragment reruns as BackMsg protobufs, and reads the ForwardMsg replies
until the run finishes. It keeps what a frontend keeps (widget ids by key, the fragment ids,
the auto-rerun timer the server asks for) and records every exception the app shows. The load
benchmark runs many of these at once, so the server's latency is measured without the cost of
rendering thirty pages on the same two cores.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
import uuid
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


@dataclass
class Run:
    seconds: float
    elements: list = field(default_factory=list)  # the new elements' protos, in order
    stamps: list[float] = field(default_factory=list)  # perf_counter() at each one's arrival
    exceptions: list[str] = field(default_factory=list)

    def text(self) -> str:
        """Everything shown, as one string (metric labels, markdown, chart specs...)."""
        return " ".join(str(e) for e in self.elements)


def arrive(url: str) -> tuple[str, str]:
    """A new browser's first request: (its cookies, the process that answered). Behind the
    lab's proxy (``deploy``) the cookie routes every later request of this browser to that
    process; on a plain server both are empty."""
    with urllib.request.urlopen(url + "/_stcore/health", timeout=30) as r:
        cookies = [c.split(";", 1)[0] for c in r.headers.get_all("Set-Cookie") or []
                   if c.startswith("lab_route=")]
        return "; ".join(cookies), r.headers.get("X-Lab-Process", "")


def one_browser_per_process(url: str, processes: int, tries: int = 64) -> dict[str, str]:
    """Behind the lab's proxy: new browsers arrive until one has reached each of ``processes``
    processes; process -> that browser's cookie (fewer entries if ``tries`` were not enough)."""
    seen: dict[str, str] = {}
    for _ in range(tries):
        cookie, process = arrive(url)
        seen.setdefault(process, cookie)
        if len(seen) == processes:
            break
    return seen


class Session:
    def __init__(self, url: str, cookie: str = ""):
        """A browser session on ``url``; ``cookie``: what the browser sends (see ``arrive``)."""
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.cookie = cookie
        self.ws = None
        self.page = ""
        self.page_script_hash = ""  # the server's id of the current page, sent back as is
        self.widgets: dict[str, str] = {}  # user key -> widget id
        self.fragments: dict[str, str] = {}  # user key of a widget inside -> fragment id
        self.timers: dict[str, float] = {}  # fragment id -> its run_every interval (s)
        self._due: dict[str, float] = {}  # fragment id -> when its timer fires next
        self.session_id = ""  # the server's id of this session (uploads are filed under it)
        self.query = ""  # the URL's query string, sent with every rerun as the frontend does
        self._declared: dict[str, float] = {}  # the timers the run being read asked for
        self.values: dict[str, object] = {}  # user key -> the widget's proto as last drawn
        self.runs = 0  # runs the server started for this session (asked for, or pushed)

    async def __aenter__(self) -> "Session":
        headers = {"Cookie": self.cookie} if self.cookie else None
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None,
                                           additional_headers=headers,
                                           open_timeout=60, ping_interval=None)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def open(self, page: str, timeout: float = 120, query: str = "") -> Run:
        """Open ``page`` as a link would, ``query`` being its URL's text after the ``?``."""
        self.page, self.widgets, self.fragments, self.timers = page, {}, {}, {}
        self.page_script_hash, self.values, self.query = "", {}, query
        return await self._rerun([], timeout=timeout)

    async def upload(self, key: str, name: str, data: bytes, timeout: float = 120) -> Run:
        """Drop a file on the uploader ``key`` as the frontend does: ask the server where to
        put it, PUT it there over HTTP (with the XSRF cookie and header), then send the
        uploader's new state."""
        msg = BackMsg()
        msg.file_urls_request.request_id = uuid.uuid4().hex
        msg.file_urls_request.session_id = self.session_id
        msg.file_urls_request.file_names.append(name)
        await self.ws.send(msg.SerializeToString())
        reply = await asyncio.wait_for(self._file_urls(), timeout)
        urls = reply.file_urls[0]
        where = urls.upload_url
        await asyncio.to_thread(_put, where if where.startswith("http") else self.http + where,
                                name, data, self.cookie)
        state = WidgetState()
        info = state.file_uploader_state_value.uploaded_file_info.add()
        info.CopyFrom(UploadedFileInfo(name=name, size=len(data), file_id=urls.file_id,
                                       file_urls=urls))
        return await self.set(key, state, timeout=timeout)

    async def _file_urls(self):
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await self.ws.recv())
            if fm.WhichOneof("type") == "file_urls_response":
                return fm.file_urls_response

    @property
    def http(self) -> str:
        return self.url.replace("ws://", "http://").rsplit("/_stcore/stream", 1)[0]

    async def set(self, key: str, state: WidgetState, fragment: bool = True,
                  timeout: float = 120) -> Run:
        """Send one widget's new state; rerun only its fragment when it sits in one."""
        state.id = self.widgets[key]
        return await self._rerun([state], self.fragments.get(key) if fragment else None,
                                 timeout=timeout)

    async def submit(self, states: dict[str, WidgetState], timeout: float = 120) -> Run:
        """Several widgets' new states in one run, as a form's submit button sends them."""
        for key, state in states.items():
            state.id = self.widgets[key]
        return await self._rerun(list(states.values()), timeout=timeout)

    async def settle(self, quiet: float = 0.3) -> None:
        """Read (and keep) whatever else the server sends until it is quiet: a button that
        calls ``st.rerun()`` starts a second run, and the fragment timer belongs to it."""
        while True:
            try:
                await asyncio.wait_for(self._read_until_finished(Run(0.0)), quiet)
            except asyncio.TimeoutError:
                return

    async def follow(self, quiet: float = 0.5) -> Run:
        """What the server sends without being asked (a fragment's ``st.rerun()``: the whole
        script's run), until it has been quiet for ``quiet`` seconds."""
        run = Run(0.0)
        try:
            await asyncio.wait_for(self._read_until_finished(run), quiet)
        except asyncio.TimeoutError:
            pass
        return run

    async def until(self, want: str, first: Run, timeout: float = 300) -> list[str]:
        """Let the page's fragment timer tick (a training's progress), as the frontend does,
        until ``want`` is shown; returns the exceptions shown on the way."""
        deadline = time.monotonic() + timeout
        text, errors = first.text(), list(first.exceptions)
        while want not in text:
            if time.monotonic() > deadline:
                raise TimeoutError(f"'{want}' not shown on {self.page or 'home'} in {timeout} s")
            run = Run(0.0)
            if self.auto_rerun:
                await asyncio.sleep(self.auto_rerun[0])
                run = await self.tick()
            extra = await self.follow()
            text = run.text() + extra.text()
            errors += run.exceptions + extra.exceptions
        return errors

    @property
    def auto_rerun(self) -> tuple[float, str] | None:
        """The page's most frequent fragment timer, (interval, fragment id), or None."""
        return min(((i, f) for f, i in self.timers.items()), default=None)

    async def tick(self, timeout: float = 120) -> Run:
        """What the frontend does when the page's fragment timers fire: each fragment whose
        timer is due reruns (a page may have several, on their own intervals: a room's poll
        beside a question's), one after another, as one Run. The most frequent one is always
        due (callers sleep its interval between ticks). A fragment that one of these runs took
        away (its ``st.rerun`` ran the whole page, or switched it) is not asked for: the
        server ignores a rerun of a fragment it no longer holds, so its reply would never come."""
        out, now = Run(0.0), time.perf_counter()
        fastest = self.auto_rerun
        for fragment_id, interval in list(self.timers.items()):
            if fragment_id not in self.timers:
                continue
            due = self._due.get(fragment_id, 0.0)
            if fastest and fragment_id != fastest[1] and now < due:
                continue
            self._due[fragment_id] = now + interval - 0.01
            run = await self._rerun([], fragment_id, auto=True, timeout=timeout)
            out.seconds += run.seconds
            out.elements += run.elements
            out.stamps += run.stamps
            out.exceptions += run.exceptions
        return out

    async def _rerun(self, states: list[WidgetState], fragment_id: str | None = None,
                     auto: bool = False, timeout: float = 120) -> Run:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_name = self.page
        cs.page_script_hash = self.page_script_hash
        cs.widget_states.widgets.extend(states)
        if fragment_id:
            cs.fragment_id = fragment_id
            cs.is_auto_rerun = auto
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        run = Run(0.0)
        await asyncio.wait_for(self._read_until_finished(run), timeout)
        run.seconds = time.perf_counter() - t0
        return run

    async def _read_until_finished(self, run: Run) -> None:
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await self.ws.recv())
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                element = fm.delta.new_element
                inner = getattr(element, element.WhichOneof("type") or "empty", None)
                run.elements.append(inner)
                run.stamps.append(time.perf_counter())
                if element.WhichOneof("type") == "exception":
                    run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
                widget_id = getattr(inner, "id", "")
                if isinstance(widget_id, str) and widget_id.startswith("$$ID"):
                    key = widget_id.rsplit("-", 1)[-1]
                    self.widgets[key], self.values[key] = widget_id, inner
                    if fm.delta.fragment_id:
                        self.fragments[key] = fm.delta.fragment_id
            elif kind == "delta" and fm.delta.WhichOneof("type") == "add_block":
                block = fm.delta.add_block  # a lazy expander is a widget (its open state)
                widget_id = block.expandable.id if block.WhichOneof("type") == "expandable" \
                    else ""
                if widget_id.startswith("$$ID"):
                    self.widgets[widget_id.rsplit("-", 1)[-1]] = widget_id
            elif kind == "new_session":  # a run starts (the whole script or a fragment)
                self.runs += 1
                self.session_id = fm.new_session.initialize.session_id
                self._declared = {}
            elif kind == "navigation":  # the page run (switched to by st.switch_page)
                self.page_script_hash = fm.navigation.page_script_hash
                self.page = next((p.url_pathname for p in fm.navigation.app_pages
                                  if p.page_script_hash == self.page_script_hash), self.page)
            elif kind == "auto_rerun":
                self._declared[fm.auto_rerun.fragment_id] = fm.auto_rerun.interval
                self.timers[fm.auto_rerun.fragment_id] = fm.auto_rerun.interval
            elif kind == "stop_auto_rerun":
                ids = list(fm.stop_auto_rerun.fragment_ids) or list(self.timers)
                for fragment_id in ids:
                    self.timers.pop(fragment_id, None)
            elif kind == "script_finished":
                if fm.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    self.timers = dict(self._declared)  # a whole run: the timers it drew
                if fm.script_finished in FINISHED:
                    return
                if fm.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    run.exceptions.append("compile error")
                    return


def _put(url: str, name: str, data: bytes, route: str = "") -> None:
    """One multipart PUT, as the frontend's uploader sends it (XSRF cookie and header; the
    browser's ``route`` cookie, if any, with both requests)."""
    base = url.split("/_stcore/", 1)[0]
    ask = urllib.request.Request(base + "/_stcore/health", headers={"Cookie": route} if route
                                 else {})
    with urllib.request.urlopen(ask, timeout=30) as r:
        cookie = next((c.split(";", 1)[0] for c in r.headers.get_all("Set-Cookie") or []
                       if c.startswith("_streamlit_xsrf=")), "")
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n").encode() + data + (
        f"\r\n--{boundary}--\r\n").encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if cookie:
        headers |= {"Cookie": "; ".join(c for c in (route, cookie) if c),
                    "X-Xsrftoken": cookie.split("=", 1)[1]}
    request = urllib.request.Request(url, data=body, method="PUT", headers=headers)
    urllib.request.urlopen(request, timeout=60).close()


def slider(value: float) -> WidgetState:
    s = WidgetState()
    s.double_array_value.data.append(value)
    return s


def text(value: str) -> WidgetState:
    s = WidgetState()
    s.string_value = value
    return s


def flag(value: bool) -> WidgetState:
    """A toggle's, a checkbox's or a lazy expander's (open) state."""
    s = WidgetState()
    s.bool_value = value
    return s


def click() -> WidgetState:
    s = WidgetState()
    s.trigger_value = True
    return s
