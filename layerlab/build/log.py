"""What a build reports: its steps as BuildKit's plain progress log shows them, and the image."""

from __future__ import annotations

from dataclasses import dataclass, field

from layerlab.model.image import Image
from layerlab.model.layer import Layer


@dataclass
class StepLog:
    """One step of the build log: what BuildKit prints as ``#N [i/n] INSTRUCTION``."""

    stage: int
    index: int
    total: int
    text: str
    cached: bool
    layer: Layer | None
    line: int
    output: str = ""


@dataclass
class BuildResult:
    """The image a build made, its steps, and how long it took."""

    image: Image
    steps: list[StepLog]
    tag: str | None = None
    seconds: float = 0.0
    #: How many history rows of the image came with the final stage's base image.
    base_rows: int = 0
    #: Each stage's name (``FROM ... AS name``) by index, for the log's step labels.
    stage_names: dict[int, str] = field(default_factory=dict)
    #: What the exporter printed instead of ``writing image`` (the containerd store's exporter).
    exported: list[str] | None = None

    @property
    def log(self) -> str:
        """The build log in BuildKit's plain-progress style."""
        lines = []
        stages = {step.stage for step in self.steps}
        for n, step in enumerate(self.steps, start=1):
            # BuildKit names the stage when there are several: [builder 1/2], [stage-1 2/2]
            name = f"{self.stage_names.get(step.stage) or f'stage-{step.stage}'} " if len(stages) > 1 else ""
            lines.append(f"#{n} [{name}{step.index}/{step.total}] {step.text}")
            lines.append(f"#{n} {'CACHED' if step.cached else 'DONE'}")
        if self.exported is not None:
            return "\n".join([*lines, *self.exported])
        lines.append(f"writing image {self.image.image_id}")
        if self.tag:
            lines.append(f"naming to {buildkit_ref(self.tag)}")
        return "\n".join(lines)

    @property
    def cached_steps(self) -> list[str]:
        return [s.text for s in self.steps if s.cached]


def buildkit_ref(ref: str) -> str:
    """An image reference as BuildKit's log spells it: ``ubuntu`` -> ``docker.io/library/ubuntu``."""
    first, _, rest = ref.partition("/")
    if not rest:
        return f"docker.io/library/{ref}"
    if "." in first or ":" in first or first == "localhost":
        return ref
    return f"docker.io/{ref}"
