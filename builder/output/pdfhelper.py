"""review.pdf's renderer in a process of its own, forked as `readiness review` starts.

Loading WeasyPrint takes about a quarter of a second of CPU, and laying out the panel's report about a second. In the
review's own process the first competes with the workers reading the files and the second with the review's other
outputs. Forked at the start, the helper loads WeasyPrint on the core that is idle while the questionnaire loads; at
the end it is sent the report's page (HTML, a few hundred kilobytes whatever the number of clinics) and sends back the
PDF's bytes, while this process writes the JSON and the CSVs.

Messages on the two pipes have a length in front (8 bytes, big-endian), never an end of file: every process forked
after the helper (the review's workers and writers) holds copies of this process's ends of the pipes. The helper
ignores Ctrl-C (the command handles it, and kills it), dies with the command (Linux: PR_SET_PDEATHSIG; elsewhere its
next read ends when the command's end of the pipe closes) and prints nothing: a failure comes back as one line, which
the command reports as a failed write (nothing is swapped in).
"""

from __future__ import annotations

import contextlib
import os
import signal
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

from builder.output.portable import die_with_parent, signals_held

NICE = 10
"""The helper runs at this lower priority. It has time to spare while the files are read (it only loads WeasyPrint),
and the review's workbook takes longer to write than its PDF, so when both are being made the workbook's writer keeps
a core and the PDF takes what is left (bench/review_bench.py: the writing ends up to 0.3 s sooner at 10,000 files)."""

_LENGTH = struct.Struct(">Q")
_OK, _FAILED = b"0", b"1"
_GONE = "the PDF renderer stopped before it had made review.pdf"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_exactly(fd: int, n: int) -> bytes:
    parts: list[bytes] = []
    while n:
        part = os.read(fd, min(n, 1 << 20))
        if not part:
            raise EOFError
        parts.append(part)
        n -= len(part)
    return b"".join(parts)


def _send(fd: int, data: bytes) -> None:
    _write_all(fd, _LENGTH.pack(len(data)) + data)


def _receive(fd: int) -> bytes:
    return _read_exactly(fd, _LENGTH.unpack(_read_exactly(fd, _LENGTH.size))[0])


class PdfHelper:
    """A forked process that turns one page into a PDF (render/review.py's html_to_pdf). Use as a context manager: on
    the way out it is stopped and reaped, whatever happened."""

    def __init__(self, templates_dir: Path) -> None:
        to_helper, self._to_helper = os.pipe()
        self._from_helper, from_us = os.pipe()
        with signals_held({signal.SIGINT}):  # Ctrl-C during the fork: the command's, never the half-made child's
            self.pid = os.fork()
            if self.pid == 0:  # pragma: no cover - the child's coverage is not collected
                die_with_parent()  # ignores Ctrl-C, so the signal it was born holding back never comes
                os.close(self._to_helper)
                os.close(self._from_helper)
                _serve(to_helper, from_us, templates_dir)
        os.close(to_helper)
        os.close(from_us)
        self.sent = False

    def render(self, html: str) -> None:
        """Send the page; its PDF is made while this process goes on (see result)."""
        self.sent = True
        try:
            _send(self._to_helper, html.encode("utf-8"))
        except OSError:  # a broken pipe: the helper is gone (never the command's standard output, closed early)
            raise OSError(_GONE) from None

    def result(self) -> bytes:
        """The PDF of the page sent. OSError if the helper failed (its one line) or died."""
        if not self.sent:
            raise RuntimeError("PdfHelper.result before render: nothing to wait for")
        try:
            reply = _receive(self._from_helper)
        except EOFError:
            raise OSError(_GONE) from None
        if reply[:1] != _OK:
            raise OSError(f"could not make review.pdf: {reply[1:].decode('utf-8', 'replace')}")
        return reply[1:]

    def close(self) -> None:
        """Stop the helper if it is still running (never sent a page, or interrupted) and reap it."""
        for fd in (self._to_helper, self._from_helper):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass

    def __enter__(self) -> PdfHelper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(inbox: int, outbox: int, templates_dir: Path) -> None:  # pragma: no cover - runs in the child
    """The helper's whole life: load WeasyPrint, wait for one page, send back its PDF or one line of why not, leave."""
    code = 1
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the command's handler (clean-up on SIGTERM) is not for here
        with contextlib.suppress(OSError, AttributeError):
            os.nice(NICE)
        from builder.render.pdf import load_weasyprint
        from builder.render.review import html_to_pdf

        load_weasyprint()
        try:
            page = _receive(inbox).decode("utf-8")
        except EOFError:  # the command ended without a page to make (nothing to review, or it was stopped)
            code = 0
            return
        try:
            reply = _OK + html_to_pdf(page, templates_dir)
        except Exception as exc:  # one line back, never a traceback on the terminal
            reply = _FAILED + (str(exc).splitlines() or [type(exc).__name__])[0].encode("utf-8", "replace")
        _send(outbox, reply)
        code = 0
    finally:
        os._exit(code)


class HelpedOutput:
    """An output for reviewio.write_all made by a PdfHelper: begun (its page made here and sent) before this process
    writes its own outputs, collected after them."""

    def __init__(self, helper: PdfHelper, page: Callable[[], str]) -> None:
        self.helper = helper
        self.page = page

    def begin(self) -> None:
        if not self.helper.sent:
            self.helper.render(self.page())

    def __iter__(self) -> Iterator[bytes]:
        self.begin()  # begun already, unless the writer took it as any other output
        yield self.helper.result()
