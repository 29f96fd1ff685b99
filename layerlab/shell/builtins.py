"""The shell's builtins: ``true`` ``false`` ``:`` ``sleep`` ``cd`` ``export`` ``unset`` ``set``
``exit``, and ``sh``/``ash``/``dash``/``bash`` to start a new shell."""

from __future__ import annotations

from layerlab.i18n import _
from layerlab.model.overlay import FsError

from .errors import ShellExit, ShellSyntaxError, fs_error_text
from .process import Process
from .registry import UnsupportedCommand, command, state_command
from .streams import IO


@command("true", ":")
def _true(sh: Process, argv: list[str], io: IO) -> int:
    return 0


@command("false")
def _false(sh: Process, argv: list[str], io: IO) -> int:
    return 1


@command("sleep", "sync")
def _sleep(sh: Process, argv: list[str], io: IO) -> int:
    """No time passes in the model; the filesystem is the same either way."""
    return 0


@state_command("cd")
def _cd(sh: Process, argv: list[str], io: IO) -> int:
    target = argv[1] if len(argv) > 1 else sh.vars.get("HOME", "/root")
    if not sh.fs.is_dir(target, cwd=sh.cwd):
        why = "Not a directory" if sh.fs.exists(target, cwd=sh.cwd) else "No such file or directory"
        io.err(f"sh: cd: can't cd to {target}: {why}\n")
        return 2
    sh.cwd = sh.path(target)
    return 0


@state_command("export")
def _export(sh: Process, argv: list[str], io: IO) -> int:
    for arg in argv[1:]:
        if arg.startswith("-"):
            continue
        name, eq, value = arg.partition("=")
        if eq:
            sh.vars[name] = value
        sh.exported.add(name)
    return 0


@state_command("unset")
def _unset(sh: Process, argv: list[str], io: IO) -> int:
    for name in argv[1:]:
        if not name.startswith("-"):
            sh.vars.pop(name, None)
            sh.exported.discard(name)
    return 0


_SET_LONG = {"errexit": "e", "nounset": "u", "xtrace": "x", "pipefail": "pipefail"}


@state_command("set")
def _set(sh: Process, argv: list[str], io: IO) -> int:
    args = argv[1:]
    while args:
        arg = args.pop(0)
        if arg in ("-o", "+o"):
            name = args.pop(0) if args else ""
            letters = [_SET_LONG.get(name, "?" + name)]
        elif arg[:1] in "-+" and len(arg) > 1 and arg != "--":
            letters = list(arg[1:])
        else:
            break
        on = arg[0] == "-"
        for letter in letters:
            if letter == "e":
                sh.errexit = on
            elif letter == "u":
                sh.nounset = on
            elif letter == "x":
                sh.xtrace = on
            elif letter == "pipefail":
                sh.pipefail = on
            elif letter in ("v", "f", "C", "a", "b", "h", "m", "n"):
                continue
            else:
                raise UnsupportedCommand(f"set {arg} {letter.lstrip('?')}".strip(), sh.line, _("shell option"))
    return 0


@command("exit")
def _exit(sh: Process, argv: list[str], io: IO) -> int:
    status = int(argv[1]) & 0xFF if len(argv) > 1 and argv[1].lstrip("-").isdigit() else sh.status
    raise ShellExit(status)


@command("sh", "ash", "dash", "bash")
def _sh(sh: Process, argv: list[str], io: IO) -> int:
    """``sh -c TEXT``, ``sh -ec TEXT`` or ``sh FILE``: a new shell with the exported variables."""
    args = argv[1:]
    options: list[str] = []
    text = None
    while args and args[0].startswith("-") and args[0] not in ("-", "--"):
        arg = args.pop(0)
        if "c" in arg:
            text = args.pop(0) if args else ""
            options += [f"-{c}" for c in arg[1:] if c != "c"]
            break
        options += [f"-{c}" for c in arg[1:]]
    if text is None:
        if not args:
            text = io.stdin.read().decode("utf-8", "replace")
        else:
            try:
                text = sh.fs.read(args[0], cwd=sh.cwd).read().decode("utf-8", "replace")
            except FsError as exc:
                io.err(f"sh: can't open '{args[0]}': {fs_error_text(exc)}\n")
                return 2
    sub = sh.spawn(io)
    if options:
        _set(sub, ["set", *options], io)
    try:
        return sub.run(text, io)
    except ShellSyntaxError as exc:
        io.err(str(exc) + "\n")
        return 2
