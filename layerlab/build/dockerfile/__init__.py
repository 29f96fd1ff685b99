"""Dockerfile text -> instructions and stages, with Docker's variable substitution and
BuildKit's history text.

The modules: :mod:`.instructions` (lines into instructions, flags, exec form),
:mod:`.stages` (FROM and the global ARGs), :mod:`.words` (``$VAR`` substitution and quote
removal), :mod:`.history` (the ``created_by`` of ``docker history``, with the table of what
a real engine writes; :mod:`.buildkit`: which BuildKit writes it), :mod:`.gofmt` (Go's quoting and durations, which that text uses) and
:mod:`.errors`.
"""

from .errors import DockerfileError
from .buildkit import BUILDKIT_0_8, BUILDKIT_0_25, BuildKit
from .gofmt import go_duration, go_quote, go_quote_list, parse_duration
from .history import HISTORY, history_text, makes_layer, port_specs, resolve_workdir, run_build_args
from .instructions import DEFAULT_SHELL, EXPANDS, FLAGS, JSON_FORMS, SUPPORTED, Instruction, json_array, parse_dockerfile
from .stages import Stage, split_stages
from .words import expand, expand_for_display, expand_words, parse_env_pairs, split_words

__all__ = [
    "BUILDKIT_0_8", "BUILDKIT_0_25", "DEFAULT_SHELL", "EXPANDS", "FLAGS", "HISTORY", "JSON_FORMS", "SUPPORTED", "DockerfileError", "BuildKit", "Instruction",
    "Stage", "expand", "expand_for_display", "expand_words", "go_duration", "go_quote", "go_quote_list",
    "history_text", "json_array", "makes_layer", "parse_dockerfile", "parse_duration", "parse_env_pairs",
    "port_specs", "resolve_workdir", "run_build_args", "split_stages", "split_words",
]  # fmt: skip
