"""The standard streams of a command: where stdout and stderr go, and what stdin holds."""

from __future__ import annotations

from dataclasses import dataclass

from layerlab.model.content import BytesContent, ConcatContent, Content, PrefixContent
from layerlab.model.overlay import Overlay

#: How much of a command's stdout/stderr ShellResult keeps (a `cat` of a 1 GiB file...).
MAX_SHOWN = 1 << 20


class Sink:
    """Where a file descriptor writes: the shell's own stream, a pipe buffer or /dev/null."""

    def __init__(self) -> None:
        self.parts: list[Content] = []

    def write(self, data: Content | bytes | str) -> None:
        content = data if isinstance(data, Content) else BytesContent(data)
        if content.size:
            self.parts.append(content)

    def content(self) -> Content:
        if len(self.parts) == 1:
            return self.parts[0]
        return ConcatContent(*self.parts)

    def text(self) -> str:
        out, left = [], MAX_SHOWN
        for part in self.parts:
            if left <= 0:
                break
            data = part.read() if part.size <= left else PrefixContent(part, left).read()
            out.append(data)
            left -= len(data)
        return b"".join(out).decode("utf-8", "replace")


class NullSink(Sink):
    def write(self, data: Content | bytes | str) -> None:
        pass


class FileSink(Sink):
    """A redirect target: every write appends to the file in the overlay at once."""

    def __init__(self, fs: Overlay, path: str, cwd: str) -> None:
        super().__init__()
        self.fs, self.path, self.cwd = fs, path, cwd

    def write(self, data: Content | bytes | str) -> None:
        content = data if isinstance(data, Content) else BytesContent(data)
        if content.size:
            self.fs.write(self.path, content, append=True, cwd=self.cwd)


@dataclass
class IO:
    """The three standard streams of one command."""

    stdin: Content
    stdout: Sink
    stderr: Sink

    def out(self, text: str | bytes | Content) -> None:
        self.stdout.write(text)

    def err(self, text: str) -> None:
        self.stderr.write(text)

