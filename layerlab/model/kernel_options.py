"""The kernel's overlayfs features a host mounts its containers with.

Docker passes neither ``redirect_dir`` nor ``metacopy`` when it mounts a container's
layers (moby ``daemon/graphdriver/overlay2/overlay.go``: ``index=off``, ``lowerdir``,
``upperdir``, ``workdir``), so the kernel's defaults decide: its build options
(``CONFIG_OVERLAY_FS_REDIRECT_DIR``, ``CONFIG_OVERLAY_FS_METACOPY``) or the module
parameters ``/sys/module/overlay/parameters/{redirect_dir,metacopy}``. Debian's and most
distributions' kernels have both off: :data:`COMMON_KERNEL`.

- ``redirect_dir`` on: renaming a directory a lower layer holds succeeds: the kernel copies
  up the directory alone and records where it came from (the ``trusted.overlay.redirect``
  xattr: the old name, or ``/``-rooted path when it moved to another directory). Off: the
  rename fails with EXDEV and ``mv`` copies the tree.
- ``metacopy`` on: a change of metadata only (chmod, chown, touch, a hard link, renaming a
  file) copies up the file's metadata, not its data (``trusted.overlay.metacopy``); the data
  follows on the first write. It needs ``redirect_dir``: asked for alone it turns it on, with
  ``redirect_dir=off`` the kernel refuses to mount ("conflicting options").

Docker notices (moby ``overlay2/check.go``): with redirect_dir on it stops using its native
diff (``docker info``: ``Native Overlay Diff: false``) and computes ``docker diff``,
``docker commit`` and ``docker ps -s`` by comparing the container's files with its image's;
``Using metacopy: true`` (Engine 23+) reports metacopy. The ``index`` feature is left out:
Docker mounts with ``index=off`` whenever the kernel has it.
"""

from __future__ import annotations

from dataclasses import dataclass

from layerlab.i18n import _

from .errors import LayerlabError

__all__ = ["COMMON_KERNEL", "KernelOptionError", "KernelOverlay"]


class KernelOptionError(LayerlabError, ValueError):
    """A combination of overlay features the kernel refuses to mount."""


@dataclass(frozen=True)
class KernelOverlay:
    """``redirect_dir`` and ``metacopy`` as the kernel applies them to a container's mount.

    ``redirect_dir`` None means "not set": off, unless metacopy turns it on (as the kernel
    does); ``redirect_dir=False`` with ``metacopy=True`` is refused, as ``mount`` refuses it.
    """

    redirect_dir: bool | None = None
    metacopy: bool = False

    def __post_init__(self) -> None:
        if self.metacopy and self.redirect_dir is False:
            raise KernelOptionError(_(
                "the kernel refuses metacopy=on with redirect_dir=off (\"conflicting options\"): "
                "metacopy needs redirect_dir; leave redirect_dir unset or turn it on"))

    @property
    def redirects(self) -> bool:
        """Whether a lower directory can be renamed (redirect_dir is on, or metacopy turned it on)."""
        return bool(self.redirect_dir) or self.metacopy

    @property
    def native_diff(self) -> bool:
        """What ``docker info`` calls ``Native Overlay Diff``: off once directories can be redirected."""
        return not self.redirects

    def mount_options(self) -> str:
        """The options that give this behaviour on a kernel whose defaults are off."""
        return f"redirect_dir={'on' if self.redirects else 'off'},metacopy={'on' if self.metacopy else 'off'}"

    def describe(self) -> str:
        """One line for a learner: ``redirect_dir on, metacopy off``."""
        return f"redirect_dir {'on' if self.redirects else 'off'}, metacopy {'on' if self.metacopy else 'off'}"


#: Today's common kernel: redirect_dir and metacopy off (Debian, Ubuntu, this course's engines).
COMMON_KERNEL = KernelOverlay()
