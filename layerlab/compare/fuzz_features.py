"""What a fuzzed scenario exercises: how a run of the fuzzer knows it covered the grammar.

Each feature is a name and a pattern over the docker lines or the Dockerfiles (the shell's
operations over both: RUN steps and ``sh -c`` in containers), or a name the renderer gives
what the text does not show (:data:`EXTRA_FEATURES`: which edit came before a rebuild,
whether a ``tree`` looked while a container ran or after one was gone). The unit tests
check that the CI's seed and run count reach every one of :func:`grammar_features`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["DOCKERFILE_FEATURES", "EXTRA_FEATURES", "LINE_FEATURES", "OP_FEATURES", "grammar_features",
           "text_features"]

#: What a Dockerfile exercises, by pattern (multi-line).
DOCKERFILE_FEATURES = {
    "FROM earlier image": r"^FROM fz-[a-c]", "multi-stage": r"^FROM .* AS s1$", "FROM scratch stage": r"^FROM scratch AS",
    "RUN": r"^RUN ", "COPY": r"^COPY ", "ADD": r"^ADD ", "ADD tar": r"^ADD .*files\.tar",
    "--chown": r"^(COPY|ADD) .*--chown=", "--chmod": r"^(COPY|ADD) .*--chmod=", "COPY --from": r"^COPY .*--from=",
    "COPY dir": r"^(COPY|ADD) .*d[12]/ ", "COPY glob": r"^(COPY|ADD) .*\*\.txt", "COPY .": r"^(COPY|ADD) .*\. ",
    "COPY several": r"^(COPY|ADD) (--\S+ )*[a-z.]+ [a-z.]+ /", "WORKDIR": r"^WORKDIR /", "WORKDIR relative": r"^WORKDIR [a-z]",
    "ENV": r"^ENV ", "ARG": r"^ARG ", "LABEL": r"^LABEL ", "CMD": r"^CMD ",
}
#: What the docker lines exercise, by pattern; the shell's operations in RUN and sh -c alike.
LINE_FEATURES = {
    "--build-arg": r"--build-arg=", "--target": r"--target ", "--no-cache": r"--no-cache", "docker tag": r"^docker tag ",
    "rmi": r"^docker rmi ", "run": r"^docker run --name", "run --rm": r"^docker run --rm", "run -d": r"^docker run -d",
    "exec": r"^docker exec ", "stop": r"^docker stop ", "rm": r"^docker rm c", "rm -v": r"^docker rm .*-v ",
    "rm -f": r"^docker rm -f", "commit": r"^docker commit ", "volume create": r"^docker volume create",
    "named volume": r" -v v\d:/", "read-only volume": r" -v v\d:/\S+:ro", "anonymous volume": r" -v /(mnt|data|srv|app)",
    "tmpfs": r"type=tmpfs", "bind -v": r" -v /\S+/b\d:", "bind --mount": r"type=bind",
    "images": r"^docker images$", "history": r"^docker history ", "inspect": r"^docker image inspect ",
    "ps -s": r"^docker ps .*-s", "diff": r"^docker diff ", "system df": r"^docker system df$",
    "system df -v": r"^docker system df -v", "volume ls": r"^docker volume ls",
    **{f"tree -L {n}": rf"^tree .* -L {n}$" for n in range(1, 4)}, "tree full": r"^tree /var/lib/\S+$",
    "tree /var/lib/containerd": r"^tree /var/lib/containerd",
}
#: The shell's operations, in RUN steps and in ``sh -c`` of run and exec alike.
OP_FEATURES = {
    **{f"op {name}": rf"(?:RUN |sh -c ').*{pattern}" for name, pattern in (
        ("write", r"echo \w+ > "), ("append", r">> "), ("truncate", r"truncate -s"), ("dd", r"dd if="),
        ("chmod", r"chmod [0-7]+ /\S+/"), ("chown", r"chown "), ("mv", r"mv "), ("symlink", r"ln -s "),
        ("hardlink", r"ln /"), ("rm", r"rm /"), ("rm -r", r"rm -rf "), ("mkdir over a deleted dir", r"rm -rf (\S+) && mkdir \1"),
        ("cp", r"cp /"), ("touch", r"touch /"), ("env", r"echo \$"))},
}
#: What the renderer records itself.
EXTRA_FEATURES = (
    ".dockerignore", "tree while a container runs", "tree after a container is gone",
    *(f"rebuild after {kind}" for kind in ("edit", "touch", "chmod", "rename", "add", "delete", "ignore", "dockerfile")),
)


def grammar_features(store: str = "classic") -> set[str]:
    """Every feature a scenario for an engine with this image store can have."""
    names = {*DOCKERFILE_FEATURES, *LINE_FEATURES, *OP_FEATURES, *EXTRA_FEATURES}
    return names if store == "containerd" else names - {"tree /var/lib/containerd"}


def text_features(lines: Iterable[str], dockerfiles: Iterable[str]) -> set[str]:
    """The features the docker lines and the Dockerfiles show."""
    found: set[str] = set()
    for line in lines:
        found |= {name for name, pattern in (LINE_FEATURES | OP_FEATURES).items() if re.search(pattern, line)}
    for text in dockerfiles:
        found |= {name for name, pattern in (DOCKERFILE_FEATURES | OP_FEATURES).items()
                  if re.search(pattern, text, re.MULTILINE)}
    return found
