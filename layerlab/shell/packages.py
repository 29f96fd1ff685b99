"""Package managers: ``apt-get``/``apt``, ``apk``, ``pip``/``pip3`` and ``python -m pip``.

Packages come from :mod:`.catalogue`: ``resolve(manager, names, recommends=,
installed=)`` gives install order with dependencies; ``package_entries(pkg, site=)`` the
files (layer-relative paths); ``status_entry(pkg)`` the dpkg/apk database stanza;
``apt_lists(release)`` and ``apk_index(version)`` the indexes an update writes.
"""

from __future__ import annotations

import hashlib
import posixpath
import re

from layerlab.i18n import _
from layerlab.model.content import Content, SyntheticContent
from layerlab.model.fs import Dir, File, Symlink
from layerlab.model.overlay import FsError

from . import catalogue
from .files import lstat_entry, mkdir_parents
from .process import Process
from .registry import UnsupportedCommand, command
from .streams import IO

APT_LISTS = "/var/lib/apt/lists"
DPKG_STATUS = "/var/lib/dpkg/status"
APK_INSTALLED = "/lib/apk/db/installed"
APK_CACHE = "/var/cache/apk"


def _unknown(manager: str, names: list[str]) -> str | None:
    """The first name the catalogue does not know, if any."""
    for name in names:
        try:
            catalogue.package(manager, name)
        except catalogue.CatalogueError:
            return name
    return None


def _os_release(sh: Process) -> dict[str, str]:
    text = _read_text(sh, "/etc/os-release") or _read_text(sh, "/usr/lib/os-release")
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
    return {k: v.strip().strip('"') for k, v in pairs}


def install_files(sh: Process, pkg: catalogue.Package, site: str | None = None) -> list[str]:
    """Write a package's files, replacing existing ones (dpkg and apk rename over them)."""
    entries = catalogue.package_entries(pkg, site=site) if site else catalogue.package_entries(pkg)
    written: list[str] = []
    for raw, entry in sorted(entries.items()):
        path = "/" + str(raw).lstrip("/")
        mkdir_parents(sh, posixpath.dirname(path), 0o755)
        existing = lstat_entry(sh, path)
        if isinstance(entry, Dir):
            if existing is None:
                sh.fs.mkdir(path, entry.mode)
            continue
        if existing is not None and not isinstance(existing, Dir):
            sh.fs.unlink(path)
        if isinstance(entry, Symlink):
            sh.fs.symlink(entry.target, path)
        elif isinstance(entry, File):
            sh.fs.write(path, entry.content, mode=entry.mode, uid=entry.uid, gid=entry.gid)
        written.append(path)
    return written


def _append(sh: Process, path: str, text: str) -> None:
    mkdir_parents(sh, posixpath.dirname(path), 0o755)
    sh.fs.write(path, text, append=True)


def _read_text(sh: Process, path: str) -> str:
    try:
        return sh.fs.read(path).read().decode("utf-8", "replace")
    except FsError:
        return ""


def _listdir(sh: Process, path: str) -> list[str]:
    try:
        return sh.fs.listdir(path)
    except FsError:
        return []


def _write_index(sh: Process, files: dict[str, Content]) -> None:
    for raw, content in sorted(files.items()):
        path = "/" + raw.lstrip("/")
        mkdir_parents(sh, posixpath.dirname(path), 0o755)
        if isinstance(lstat_entry(sh, path), File):
            sh.fs.unlink(path)  # apt and apk write a new file and rename it into place
        sh.fs.write(path, content, mode=0o640 if path.endswith("/lock") else 0o644)


@command("apt-get", "apt")
def _apt_get(sh: Process, argv: list[str], io: IO) -> int:
    args, words, options = argv[1:], [], set()
    while args:
        arg = args.pop(0)
        if arg in ("-o", "-t", "-c"):
            args = args[1:]
        elif arg.startswith("-"):
            options.add(arg)
        else:
            words.append(arg)
    if not words:
        io.err("E: Invalid operation\n")
        return 100
    action, names = words[0], words[1:]
    if action == "update":
        codename = _os_release(sh).get("VERSION_CODENAME", "")
        try:
            lists = catalogue.apt_lists(codename)
        except catalogue.CatalogueError as exc:
            io.err(f"E: {exc}\n")
            return 100
        _write_index(sh, lists)
        mkdir_parents(sh, APT_LISTS + "/partial", 0o700)
        io.out("Reading package lists... Done\n")
        return 0
    if action == "install":
        return _apt_install(sh, names, "--no-install-recommends" not in options, io)
    if action in ("remove", "purge"):
        return _apt_remove(sh, names, io)
    if action in ("clean", "autoclean"):
        for sub in ("/var/cache/apt/archives", "/var/cache/apt"):
            for child in _listdir(sh, sub):
                path = posixpath.join(sub, child)
                if child not in ("partial", "lock") and not isinstance(lstat_entry(sh, path), Dir):
                    sh.fs.unlink(path)
        return 0
    if action in ("upgrade", "dist-upgrade", "autoremove"):
        io.out("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n")
        return 0
    raise UnsupportedCommand(f"apt-get {action}", sh.line, "apt-get update, install, remove, purge, clean")


def _has_lists(sh: Process) -> bool:
    return any(n not in ("lock", "partial", "auxfiles") for n in _listdir(sh, APT_LISTS))


def _dpkg_installed(sh: Process) -> set[str]:
    return set(re.findall(r"^Package: (\S+)", _read_text(sh, DPKG_STATUS), re.M))


def _apt_install(sh: Process, names: list[str], recommends: bool, io: IO) -> int:
    io.out("Reading package lists...\nBuilding dependency tree...\n")
    wanted = [re.split(r"[=:]", n)[0] for n in names]
    # A fresh Debian/Ubuntu image has empty lists: apt knows no package before `apt-get update`.
    missing = wanted[0] if wanted and not _has_lists(sh) else _unknown("apt", wanted)
    if missing is not None:
        io.err(f"E: Unable to locate package {missing}\n")
        return 100
    installed = _dpkg_installed(sh)
    new = catalogue.resolve("apt", wanted, recommends=recommends, installed=installed)
    for name in wanted:
        if name in installed:
            io.out(f"{name} is already the newest version.\n")
    io.out(f"0 upgraded, {len(new)} newly installed, 0 to remove and 0 not upgraded.\n")
    for pkg in new:
        io.out(f"Setting up {pkg.name} ({pkg.version}) ...\n")
        files = install_files(sh, pkg)
        _append(sh, f"/var/lib/dpkg/info/{pkg.name}.list", "".join(f"{p}\n" for p in files))
        _append(sh, DPKG_STATUS, catalogue.status_entry(pkg))
    return 0


def _apt_remove(sh: Process, names: list[str], io: IO) -> int:
    installed = _dpkg_installed(sh)
    for name in names:
        if name not in installed:
            io.out(f"Package '{name}' is not installed, so not removed\n")
            continue
        for path in _read_text(sh, f"/var/lib/dpkg/info/{name}.list").splitlines():
            if isinstance(lstat_entry(sh, path), (File, Symlink)):
                sh.fs.unlink(path)
        if lstat_entry(sh, f"/var/lib/dpkg/info/{name}.list") is not None:
            sh.fs.unlink(f"/var/lib/dpkg/info/{name}.list")
        stanzas = [s for s in _read_text(sh, DPKG_STATUS).split("\n\n") if s.strip() and not s.strip().startswith(f"Package: {name}\n")]
        sh.fs.write(DPKG_STATUS, "".join(s.strip("\n") + "\n\n" for s in stanzas))
    return 0


@command("apk")
def _apk(sh: Process, argv: list[str], io: IO) -> int:
    flags = {a for a in argv[1:] if a.startswith("-")}
    words = [a for a in argv[1:] if not a.startswith("-")]
    if not words or words[0] not in ("add", "update"):
        raise UnsupportedCommand(f"apk {' '.join(words[:1])}".strip(), sh.line, _("apk add and apk update"))
    action, names = words[0], words[1:]
    no_cache = "--no-cache" in flags
    version = ".".join(_os_release(sh).get("VERSION_ID", "3.20").split(".")[:2])
    if not no_cache and (action == "update" or flags & {"--update", "-U", "--update-cache"}):
        _write_index(sh, catalogue.apk_index(version))  # --no-cache fetches it to memory only
    if action == "update":
        return 0
    has_index = no_cache or any(n.startswith("APKINDEX") for n in _listdir(sh, APK_CACHE))
    missing = (names[0] if names else None) if not has_index else _unknown("apk", names)
    if missing is not None:
        io.err(f"ERROR: unable to select packages:\n  {missing} (no such package):\n    required by: world[{missing}]\n")
        return 1
    installed = set(re.findall(r"^P:(\S+)", _read_text(sh, APK_INSTALLED), re.M))
    new = catalogue.resolve("apk", names, installed=installed)
    for i, pkg in enumerate(new, start=1):
        io.out(f"({i}/{len(new)}) Installing {pkg.name} ({pkg.version})\n")
        install_files(sh, pkg)
        _append(sh, APK_INSTALLED, catalogue.status_entry(pkg))
    world = _read_text(sh, "/etc/apk/world").split()
    added = [n for n in names if n not in world]
    if added:
        _append(sh, "/etc/apk/world", "".join(f"{n}\n" for n in added))
    io.out("OK\n")
    return 0


def _python_site(sh: Process) -> str | None:
    """Where pip installs: the newest pythonX.Y in /usr/local/bin (site-packages) or /usr/bin
    (a distro python: dist-packages, as Debian's pip does); None without a python."""
    for prefix, kind in (("/usr/local/bin", "site-packages"), ("/usr/bin", "dist-packages")):
        versions = sorted((tuple(int(x) for x in m.group(1).split(".")), m.group(1))
                          for n in _listdir(sh, prefix) if (m := re.fullmatch(r"python(\d\.\d+)", n)))
        if versions:
            return f"usr/local/lib/python{versions[-1][1]}/{kind}"
    return None


@command("pip", "pip3")
def _pip(sh: Process, argv: list[str], io: IO) -> int:
    site = _python_site(sh)
    if site is None:
        io.err(f"sh: {argv[0]}: not found\n")
        return 127
    args = argv[1:]
    if not args or args[0] != "install":
        raise UnsupportedCommand(f"pip {' '.join(args[:1])}".strip(), sh.line, _("only pip install is modelled"))
    options, specs, rest = set(), [], args[1:]
    while rest:
        arg = rest.pop(0)
        if arg in ("-r", "--requirement", "-e", "--editable"):
            raise UnsupportedCommand(f"pip install {arg}", sh.line, "pip install NAME[==VERSION]...")
        if arg in ("-i", "--index-url", "--extra-index-url", "-t", "--target", "--prefix", "-c"):
            rest = rest[1:]
        elif arg.startswith("-"):
            options.add(arg)
        else:
            specs.append(arg)
    names = [re.split(r"[=<>!~\[;]", s)[0] for s in specs]
    missing = _unknown("pip", names)
    for spec, name in zip(specs, names):
        pin = re.search(r"==([^,;]+)", spec)
        if missing is None and pin and catalogue.package("pip", name).version != pin.group(1).strip():
            missing = spec
    if missing is not None:
        io.err(f"ERROR: Could not find a version that satisfies the requirement {missing}\n"
               f"ERROR: No matching distribution found for {missing}\n")
        return 1
    cache = posixpath.join(sh.vars.get("HOME", "/root"), ".cache/pip")
    done = []
    for pkg in catalogue.resolve("pip", names):
        files = catalogue.package_files(pkg, site=site)
        if all(lstat_entry(sh, "/" + p) is not None for p in files):
            io.out(f"Requirement already satisfied: {pkg.name}\n")
            continue
        install_files(sh, pkg, site)
        done.append(pkg)
        if "--no-cache-dir" not in options:  # pip keeps the downloaded wheel in its http cache
            key = _hex_key(f"{pkg.name}-{pkg.version}")
            path = f"{cache}/http-v2/{key[0]}/{key[1]}/{key[2]}/{key[3]}/{key[4]}/{key}.body"
            mkdir_parents(sh, posixpath.dirname(path), 0o755)
            sh.fs.write(path, SyntheticContent(_wheel_size(files), seed=f"pip-cache:{pkg.name}-{pkg.version}"))
    if done:
        io.out(f"Successfully installed {' '.join(f'{p.name}-{p.version}' for p in done)}\n")
    return 0


def _wheel_size(files: dict[str, Content]) -> int:
    """A wheel is zipped sources without the __pycache__ pip compiles: about 40% of the files."""
    return sum(c.size for p, c in files.items() if "__pycache__" not in p) * 2 // 5


def _hex_key(text: str) -> str:
    return hashlib.sha224(text.encode()).hexdigest()


@command("python", "python3")
def _python(sh: Process, argv: list[str], io: IO) -> int:
    """Only ``python -m pip ...``: running Python code is outside the model."""
    if argv[1:3] == ["-m", "pip"]:
        return _pip(sh, ["pip", *argv[3:]], io)
    raise UnsupportedCommand(" ".join(argv[:2]), sh.line, _("only 'python -m pip install' is modelled"))
