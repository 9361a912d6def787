"""The catalog page in real headless Chromium (Debian ``chromium``): it renders, its links work, its filter works.

What runs for real: ``python main.py`` of the example organisation writes ``cdktf.out/catalog/index.html``;
Chromium (``--headless --no-sandbox``, every host name unresolvable and a dead proxy: no network) opens it
from disk, and the test drives it over the Chrome DevTools Protocol on ``--remote-debugging-pipe`` (NUL-separated
JSON on file descriptors 3 and 4, no client library): the page's own JavaScript runs, links are clicked, the
filter box is typed into, ``?q=`` is loaded, and a screenshot is captured and checked (size, not blank). Every
request the page made is recorded: only the page's own ``file://`` URL.

Skipped (failed on CI) only when no ``chromium`` can be found: ``scripts/setup.sh`` installs it.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from engines import missing

pytestmark = pytest.mark.engines

ROOT = Path(__file__).resolve().parents[1]
WIDTH, HEIGHT = 1280, 900


class Browser:
    """Headless Chromium driven over the DevTools protocol on a pipe (one page, one session)."""

    def __init__(self, binary: str, profile: Path) -> None:
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 10)
        high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 10)
        for fd in (to_child_r, from_child_w):
            os.close(fd)

        def wire() -> None:  # in the child: the protocol's fds are 3 (commands in) and 4 (answers out)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run",
             "--no-default-browser-check", f"--user-data-dir={profile}", f"--window-size={WIDTH},{HEIGHT}",
             "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "about:blank"],
            preexec_fn=wire, pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(high_r)
        os.close(high_w)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []
        page = next(t for t in self.call("Target.getTargets")["targetInfos"] if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Network"):
            self.call(f"{domain}.enable", session=True)
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=WIDTH, height=HEIGHT,
                  deviceScaleFactor=1, mobile=False)

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        found: dict[str, Any] = json.loads(message)
        return found

    def call(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == self._next:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            self.events.append(answer)

    def wait_for(self, event: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout  # a guard against a hang, not a timed assertion
        seen = len(self.events)
        while time.monotonic() < deadline:
            for e in self.events[seen:]:
                if e.get("method") == event:
                    return e
            seen = len(self.events)
            self.events.append(self._read())
        raise TimeoutError(event)

    def open(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", session=True, url=url)
        self.wait_for("Page.loadEventFired")

    def js(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(result["exceptionDetails"])
        return result["result"].get("value")

    def close(self) -> None:
        with contextlib.suppress(RuntimeError):
            self.call("Browser.close")
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_child)
        os.close(self._from_child)


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    missing("the `chromium` browser (Debian package chromium)")
    raise AssertionError  # unreachable: missing() skips or fails


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("org") / "out"
    env = {**os.environ, "CDKTF_OUTDIR": str(out)}
    proc = subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out / "catalog" / "index.html"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    b = Browser(_chromium(), tmp_path_factory.mktemp("profile"))
    try:
        yield b
    finally:
        b.close()


def _visible(selector: str) -> str:
    return f"[...document.querySelectorAll({json.dumps(selector)})].filter(e => e.offsetParent !== null)"


def test_the_page_renders_every_channel_with_its_schema_and_lineage_graph(page: Path, browser: Browser) -> None:
    browser.open(page.as_uri())
    assert browser.js("document.title") == "Data catalog: 3 channels"
    assert browser.js("[...document.querySelectorAll('section.channel')].map(s => s.id)") == [
        "ch-payments-payments", "ch-support-support", "ch-growth-growth"]  # in the app's order
    # the lineage graphs are drawn: 6 payments, 3 support and 2 growth tables, each source → topic → table → view
    assert browser.js("[...document.querySelectorAll('svg.lineage')].map(s => s.querySelectorAll('g.node').length)"
                      ) == [24, 12, 8]
    assert browser.js("document.querySelector('#ch-payments-payments svg.lineage').getBBox().width") > 500
    assert browser.js(f"{_visible('tr.col')}.length") == 29 + 13 + 10  # every column row is shown unfiltered
    iban = browser.js("[...document.querySelectorAll('tr.col')].find(r => r.cells[0].textContent === 'iban')"
                      ".cells[8].textContent")
    assert iban == "sha256"  # public clearance: masked by its rule


def test_its_links_resolve_and_scroll_to_their_channel(page: Path, browser: Browser) -> None:
    browser.open(page.as_uri())
    broken = browser.js("[...document.querySelectorAll('a[href^=\"#\"]')].map(a => a.getAttribute('href').slice(1))"
                        ".filter(id => !document.getElementById(id))")
    assert broken == []
    browser.js("document.querySelector('#toc a[href=\"#ch-support-support\"]').click()")
    assert browser.js("location.hash") == "#ch-support-support"
    assert browser.js("document.querySelector(':target').id") == "ch-support-support"
    top = browser.js("document.getElementById('ch-support-support').getBoundingClientRect().top")
    assert abs(top) < 5 and browser.js("window.scrollY") > 0  # scrolled to the section


def test_the_filter_box_filters_channels_and_columns(page: Path, browser: Browser) -> None:
    browser.open(page.as_uri())
    browser.js("{ const i = document.getElementById('filter'); i.value = 'iban';"
               "i.dispatchEvent(new Event('input', {bubbles: true})) }")
    assert browser.js(f"{_visible('tr.col')}.map(r => r.cells[0].textContent)") == ["iban"]
    assert browser.js(f"{_visible('section.channel')}.map(s => s.id)") == ["ch-payments-payments"]
    assert browser.js("document.getElementById('match-count').textContent") == "1 channels, 1 columns match"
    browser.js("{ const i = document.getElementById('filter'); i.value = '';"
               "i.dispatchEvent(new Event('input', {bubbles: true})) }")
    assert browser.js(f"{_visible('tr.col')}.length") == 52


def test_q_in_the_address_applies_the_filter_on_load(page: Path, browser: Browser) -> None:
    browser.open(page.as_uri() + "?q=pii")
    assert browser.js("document.getElementById('filter').value") == "pii"
    names = browser.js(f"{_visible('tr.col')}.map(r => r.cells[0].textContent)")
    assert sorted(names) == sorted(["email", "email", "full_name", "iban", "customer_email", "body", "name"])


def test_a_screenshot_is_taken_and_not_blank(page: Path, browser: Browser, tmp_path: Path) -> None:
    browser.open(page.as_uri())
    png = base64.b64decode(browser.call("Page.captureScreenshot", session=True, format="png")["data"])
    shot = tmp_path / "catalog.png"
    shot.write_bytes(png)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (WIDTH, HEIGHT)
    pixels = _pixels(png)
    assert len(set(pixels)) > 50  # header, badges, tables and the graph: many colours, not a blank page


def test_the_page_loaded_nothing_but_itself(page: Path, browser: Browser) -> None:
    browser.open(page.as_uri())
    urls = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert urls == [page.as_uri()]


def _pixels(png: bytes) -> bytes:
    """The decompressed scanlines of a PNG (filter bytes included): enough to tell a blank image."""
    data, pos = b"", 8
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        if kind == b"IDAT":
            data += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(data)
    return raw[: len(raw) // 3 * 3]
