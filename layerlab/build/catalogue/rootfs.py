"""The files of a base image's layers: a distribution's root filesystem, and the build steps
an official python image adds on top.

A skeleton of the real thing: the directories every rootfs has, the small text files that
teach (``/etc/passwd``, ``os-release``, apt's and apk's configuration), the big binaries and
libraries by name and size, and generated files for the rest of the size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from layerlab.model.content import BytesContent
from layerlab.model.fs import Dir, Entry, File, Symlink
from layerlab.model.layer import Layer
from layerlab.shell.catalogue.package import DEFAULT_SITE
from layerlab.shell.catalogue.synthetic import layout, synthetic_file

from .specs import BaseSpec

PASSWD_DEBIAN = (
    "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "bin:x:2:2:bin:/bin:/usr/sbin/nologin\nsys:x:3:3:sys:/dev:/usr/sbin/nologin\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
)
GROUP_DEBIAN = "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\nstaff:x:50:\nusers:x:100:\nnogroup:x:65534:\n"
PASSWD_ALPINE = "root:x:0:0:root:/root:/bin/sh\nbin:x:1:1:bin:/bin:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n"
GROUP_ALPINE = "root:x:0:root\nbin:x:1:root,bin,daemon\nwheel:x:10:root\nnogroup:x:65533:\nnobody:x:65534:\n"

DEB_BINS = {  # usr/bin and friends every Debian/Ubuntu rootfs has (sizes in bytes, approximate)
    "usr/bin/bash": 1_446_024, "usr/bin/ls": 138_208, "usr/bin/cp": 141_832, "usr/bin/mv": 137_736,
    "usr/bin/cat": 35_280, "usr/bin/rm": 59_912, "usr/bin/mkdir": 76_112, "usr/bin/chmod": 64_448,
    "usr/bin/chown": 72_672, "usr/bin/ln": 68_264, "usr/bin/echo": 35_120, "usr/bin/grep": 186_008,
    "usr/bin/sed": 121_776, "usr/bin/tar": 512_096, "usr/bin/gzip": 97_592, "usr/bin/dpkg": 318_880,
    "usr/bin/apt": 18_824, "usr/bin/apt-get": 27_024, "usr/bin/perl": 3_926_000, "usr/bin/dash": 125_640,
    "usr/bin/find": 224_848, "usr/bin/sort": 121_880, "usr/bin/env": 48_536, "usr/bin/id": 43_976,
    "usr/sbin/useradd": 146_000,
}
DEB_LIBS = {
    "libc.so.6": 2_125_328, "ld-linux-x86-64.so.2": 236_616, "libstdc++.so.6.0.33": 2_592_224,
    "libsystemd.so.0.38.0": 907_000, "libcrypto.so.3": 4_451_632, "libssl.so.3": 687_488,
    "libgnutls.so.30.37.1": 2_244_000, "libzstd.so.1.5.5": 841_000, "liblzma.so.5.4.5": 194_000,
    "libz.so.1.3": 108_000, "libselinux.so.1": 174_000, "libdb-5.3.so": 1_824_000, "libapt-pkg.so.6.0.0": 2_400_000,
    "libm.so.6": 952_000, "libgcc_s.so.1": 125_000, "libpcre2-8.so.0.11.2": 625_000,
}


#: Directories every rootfs has, whatever the family.
COMMON_DIRS = ("dev", "home", "media", "mnt", "opt", "proc", "run", "srv", "sys", "usr/local/bin", "usr/local/lib",
               "var/log", "var/tmp", "var/spool", "var/cache", "var/lib")
#: Directories whose mode is not 0755.
DIR_MODES = {"root": 0o700, "tmp": 0o1777, "var/tmp": 0o1777}
#: Commands 16.04 keeps in /bin (no merged /usr there).
XENIAL_BIN = ("bash", "ls", "cp", "mv", "cat", "rm", "mkdir", "chmod", "chown", "ln", "echo", "grep", "sed", "tar",
              "gzip", "dash")


@dataclass
class Skeleton:
    """What one family's rootfs holds besides the common directories."""

    small: dict[str, str]  #: text files, path -> text
    files: dict[str, int] = field(default_factory=dict)  #: synthetic files, path -> size
    links: dict[str, str] = field(default_factory=dict)  #: symlinks, path -> target
    dirs: list[str] = field(default_factory=list)


def rootfs_entries(ref: str, spec: BaseSpec) -> dict[str, Entry]:
    """The entries of a distribution's root filesystem layer (skeleton + sized files)."""
    skeleton = _alpine(ref, spec) if spec.family == "alpine" else _debian(spec)
    entries: dict[str, Entry] = {path: Symlink(target=target) for path, target in skeleton.links.items()}
    for path, text in skeleton.small.items():
        entries[path] = File(content=BytesContent(text), mode=0o640 if path == "etc/shadow" else 0o644)
    for path, size in skeleton.files.items():
        entries[path] = synthetic_file(size, f"base:{ref}:{path}", path)
    for d in [*COMMON_DIRS, *skeleton.dirs]:
        entries.setdefault(d, Dir(mode=DIR_MODES.get(d, 0o755)))
    return _with_parents(entries)


def _size_left(spec: BaseSpec, small: dict[str, str]) -> int:
    """The rootfs size the generated files share: what the small text files leave."""
    return spec.size - sum(len(v) for v in small.values())


def _alpine(ref: str, spec: BaseSpec) -> Skeleton:
    """busybox and its applet links, musl, apk and its database."""
    version = ref.split(":")[1]
    small = {
        "etc/os-release": spec.os_release,
        "etc/passwd": PASSWD_ALPINE, "etc/group": GROUP_ALPINE, "etc/alpine-release": spec.os_release.split('"')[5] + "\n",
        "etc/apk/repositories": f"https://dl-cdn.alpinelinux.org/alpine/v{version}/main\n"
                                f"https://dl-cdn.alpinelinux.org/alpine/v{version}/community\n",
        "etc/apk/world": "alpine-baselayout\nalpine-keys\napk-tools\nbusybox\nca-certificates-bundle\nlibc-utils\n",
    }  # fmt: skip
    named = {"bin/busybox": 808_712, "lib/ld-musl-x86_64.so.1": 667_000, "lib/libcrypto.so.3": 4_300_000,
             "lib/libssl.so.3": 650_000, "lib/libz.so.1.3.1": 100_000, "sbin/apk": 150_000,
             "lib/libapk.so.2.14.0": 220_000, "lib/apk/db/installed": 29_000,
             "etc/ssl/certs/ca-certificates.crt": 221_000}
    files = layout(_size_left(spec, small), named,
                   [("usr/lib", 10, "lib{}.so.1", 0.6), ("usr/share/apk/keys", 20, "alpine-devel-{}.rsa.pub", 0.1),
                    ("etc", 16, "{}.conf", 0.3)])
    applets = ("sh", "ls", "cat", "cp", "mv", "rm", "mkdir", "echo", "grep", "sed", "tar", "wget", "vi", "ln")
    links = {f"bin/{applet}": "/bin/busybox" for applet in applets}
    return Skeleton(small, files, links, ["root", "tmp", "var/cache/apk", "etc/apk/keys", "lib/apk/exec"])


def _debian(spec: BaseSpec) -> Skeleton:
    """Debian and Ubuntu: dpkg and apt, the usual binaries and libraries, docs unless slim."""
    small = {
        "usr/lib/os-release": spec.os_release,
        "etc/passwd": PASSWD_DEBIAN, "etc/group": GROUP_DEBIAN,
        "etc/shadow": "root:*:19800:0:99999:7:::\n", "etc/debian_version": "12.6\n" if spec.family == "debian" else "trixie/sid\n",
        "etc/apt/sources.list": f"deb http://archive.ubuntu.com/ubuntu {spec.release} main universe\n"
        if spec.family == "ubuntu" else "# see /etc/apt/sources.list.d/debian.sources\n",
        "etc/apt/apt.conf.d/docker-clean": 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb || true"; };\n',
        "etc/hostname": "",  # an empty placeholder the runtime bind-mounts over
    }  # fmt: skip
    named = {**DEB_BINS, **{f"usr/lib/x86_64-linux-gnu/{k}": v for k, v in DEB_LIBS.items()},
             "var/lib/dpkg/status": 180_000 if spec.docs else 110_000}
    groups = [("usr/lib/x86_64-linux-gnu", 60, "lib{}.so.1", 0.35), ("usr/lib/x86_64-linux-gnu/perl-base", 40, "{}.pm", 0.08),
              ("usr/bin", 40, "{}", 0.12), ("usr/sbin", 12, "{}", 0.03), ("usr/share/i18n/charmaps", 12, "{}.gz", 0.04),
              ("var/lib/dpkg/info", 40, "{}.list", 0.02)]
    if spec.docs:
        groups += [("usr/share/doc", spec.docs, "{}/copyright", 0.03), ("usr/share/locale/de/LC_MESSAGES", 20, "{}.mo", 0.05),
                   ("usr/share/man/man1", 30, "{}.1.gz", 0.04)]
    files = layout(_size_left(spec, small), named, groups)
    links = {"etc/os-release": "../usr/lib/os-release"}
    if spec.usrmerge:
        links.update({top: f"usr/{top}" for top in ("bin", "lib", "lib64", "sbin")})
        links["usr/lib64/ld-linux-x86-64.so.2"] = "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
        links["usr/bin/sh"] = "dash"
    else:  # 16.04: real /bin, /lib; bash and friends live in /bin
        files = {("bin/" + p[8:] if p.startswith("usr/bin/") and p[8:] in XENIAL_BIN else p): s for p, s in files.items()}
        links["bin/sh"] = "dash"
        links["lib64/ld-linux-x86-64.so.2"] = "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
    dirs = ["root", "tmp", "var/cache/apt/archives/partial", "var/lib/apt/lists/partial", "var/cache/debconf",
            "etc/apt/sources.list.d", "etc/dpkg/dpkg.cfg.d", "usr/share/zoneinfo"]
    return Skeleton(small, files, links, dirs)


def _with_parents(entries: dict[str, Entry]) -> dict[str, Entry]:
    """``entries`` and a plain directory for every parent none of them is."""
    parents: dict[str, Entry] = {}
    for path in entries:
        parts = path.split("/")[:-1]
        for i in range(len(parts)):
            parents.setdefault("/".join(parts[: i + 1]), Dir())
    for p, e in parents.items():
        if p not in entries:
            entries[p] = e
    return entries


def extra_layer(ref: str, index: int, size: int, kind: str) -> Layer:
    """One build step of an official python image: apt packages, the compiled python, pip."""
    symlinks: dict[str, str] = {}
    if kind == "python":
        named = {"usr/local/bin/python3.12": 17_000, "usr/local/lib/libpython3.12.so.1.0": 27_000_000}
        if "slim" in ref:
            named.pop("usr/local/lib/libpython3.12.so.1.0")
        groups = [("usr/local/lib/python3.12", 120, "{}.py", 0.35),
                  ("usr/local/lib/python3.12/__pycache__", 120, "{}.cpython-312.pyc", 0.4),
                  ("usr/local/lib/python3.12/lib-dynload", 40, "_{}.cpython-312-x86_64-linux-gnu.so", 0.25)]
        symlinks = {"usr/local/bin/python3": "python3.12"}
    elif kind == "pip":
        named = {"usr/local/bin/pip3": 222}
        groups = [(f"{DEFAULT_SITE}/pip/_internal", 60, "{}.py", 0.5), (f"{DEFAULT_SITE}/pip/_vendor", 60, "{}.py", 0.5)]
        symlinks = {"usr/local/bin/python": "python3", "usr/local/bin/pip": "pip3", "usr/local/bin/idle": "idle3"}
    else:
        named = {}
        groups = [("usr/lib/x86_64-linux-gnu", 80, f"lib{{}}{index}.so.1", 0.6), ("usr/bin", 40, f"{{}}{index}", 0.25),
                  ("usr/share/doc", 40, f"{{}}{index}/copyright", 0.05), ("var/lib/dpkg/info", 40, f"{{}}{index}.list", 0.1)]
    files = layout(size, named, groups)
    entries: dict[str, Entry] = {p: synthetic_file(s, f"base:{ref}:layer{index}:{p}", p) for p, s in files.items()}
    entries.update({p: Symlink(target=t) for p, t in symlinks.items()})
    return Layer.from_files(entries)
