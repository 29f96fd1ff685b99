"""The kernel's redirect_dir and metacopy in the model, and what Docker computes without its
native diff. The kernel's own behaviour is checked in tests/kernel (mounts with the
options); here, what follows from moby's code: with redirect_dir on, overlay2 stops using
the upper directory as the diff (check.go) and computes ``docker diff``, ``ps -s``
(``DiffSize`` -> ``archive.ChangesSize``) and ``commit`` (``ExportChanges``) from the changes."""

from __future__ import annotations

import pytest

from layerlab.course.container_examples import BIG_FILE, BIG_FILE_SIZE, cow_image
from layerlab.engine.host import Host
from layerlab.model.kernel_options import COMMON_KERNEL, KernelOptionError, KernelOverlay
from layerlab.model.overlay import FsError


def test_the_common_kernel_has_both_features_off() -> None:
    assert COMMON_KERNEL == KernelOverlay() and not COMMON_KERNEL.redirects and COMMON_KERNEL.native_diff
    assert KernelOverlay(metacopy=True).redirects  # as the kernel turns redirect_dir on for metacopy
    with pytest.raises(KernelOptionError, match="conflicting options"):
        KernelOverlay(redirect_dir=False, metacopy=True)


def _moved(kernel: KernelOverlay):
    host = Host(engine="28", seed=3, kernel=kernel)
    host.add(cow_image(), "cow")
    c = host.run("cow", ["sleep", "infinity"], name="mv", detach=True)
    c.rename("/data", "/srv")
    return host, c


def test_without_redirect_dir_a_lower_directory_cannot_be_renamed() -> None:
    with pytest.raises(FsError, match="EXDEV"):
        _moved(KernelOverlay())


def test_with_redirect_dir_ps_s_and_commit_come_from_the_changes() -> None:
    host, c = _moved(KernelOverlay(redirect_dir=True))
    assert c.rw.redirects == {"srv": "data"}  # the xattr the kernel writes (tests/kernel)
    assert c.diff_text().splitlines() == ["A /srv", f"A /srv/{BIG_FILE.rsplit('/', 1)[1]}", "D /data"]
    assert c.rw.upper_size() == 0  # the upper dir holds an empty directory with a redirect
    assert c.size() == BIG_FILE_SIZE  # ChangesSize: the added file, whole
    layer = c.commit()
    assert sorted(layer.entries) == ["srv", "srv/model.bin"] and sorted(layer.whiteouts) == ["data"]
    row = next(r for r in host.ps_rows(all=True, size=True) if r["NAMES"] == "mv")
    assert row["SIZE"].startswith("50MB")
