"""The overlay model with the kernel's redirect_dir and metacopy features, against the kernel.

Docker mounts without either option, so the kernel's defaults decide (both off on this
machine and most distributions). The global defaults (``/sys/module/overlay/parameters``)
are never changed here: each mount asks for the feature itself (``redirect_dir=on``,
``metacopy=on``), which is what a kernel with that default does. The same random lower
stacks and operations as ``test_overlay_kernel`` run on the model and the kernel; outcomes,
the merged view and the upper directory (whiteouts, opaque directories, the redirect xattr
of each renamed directory, which files hold metadata only) must agree.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from test_overlay_kernel import (
    BASE,
    _dict_diff,
    layer_view,
    lower_stacks,
    model_view,
    operation,
    real_view,
    run_model,
    run_real,
)

from layerlab.model.content import SyntheticContent
from layerlab.model.kernel_options import KernelOverlay, KernelOptionError
from layerlab.model.layer import Layer
from layerlab.model.overlay import Overlay
from layerlab.real.kernel import KernelError, OverlayMount, read_upper

pytestmark = pytest.mark.kernel

REDIRECT = KernelOverlay(redirect_dir=True)
METACOPY = KernelOverlay(metacopy=True)
REDIRECT_XATTR = "trusted.overlay.redirect"
METACOPY_XATTR = "trusted.overlay.metacopy"


def _xattr(path: Path, name: str) -> bytes | None:
    try:
        return os.getxattr(path, name, follow_symlinks=False)
    except OSError as error:
        if error.errno in (errno.ENODATA, errno.ENOTSUP):
            return None
        raise


def upper_features(upper: Path) -> tuple[dict[str, str], set[str]]:
    """The kernel's redirect xattrs on upper directories, and its metadata-only files."""
    redirects: dict[str, str] = {}
    metacopy: set[str] = set()
    for base, dirs, files in os.walk(upper):
        for name in dirs + files:
            full = Path(base) / name
            rel = str(full.relative_to(upper))
            mode = os.lstat(full).st_mode
            if stat.S_ISDIR(mode) and (value := _xattr(full, REDIRECT_XATTR)) is not None:
                redirects[rel] = value.decode()
            elif stat.S_ISREG(mode) and _xattr(full, METACOPY_XATTR) is not None:
                metacopy.add(rel)
    return redirects, metacopy


def _without_data(view: dict[str, Any], paths: set[str]) -> dict[str, Any]:
    """A layer view whose metadata-only files are compared by metadata (the kernel's upper
    copy is sparse: its data is still in the lower file)."""
    entries = {p: (e[:4] + ("<metadata only>",) if p in paths else e) for p, e in view["entries"].items()}
    return {**view, "entries": entries}


def check(scratch: Path, layers: list[Layer], ops: list[tuple], kernel: KernelOverlay) -> Overlay:
    """Run ``ops`` on the model and on a kernel mount with ``kernel``'s features; assert
    that outcomes, the merged view and the upper directory agree. Returns the model."""
    model = Overlay(layers, kernel=kernel)
    model_outcomes = run_model(model, ops)
    with OverlayMount(layers, scratch, kernel=kernel) as mount:
        real_outcomes = run_real(mount.merged, ops)
        assert list(zip(ops, real_outcomes)) == list(zip(ops, model_outcomes)), "per-operation outcomes"
        real, want = real_view(mount.merged), model_view(model)
        assert real == want, "merged view (kernel == model): " + _dict_diff(real, want)
        mount.unmount()
        redirects, metacopy = upper_features(mount.upper)
        assert redirects == dict(model.redirects), "redirect xattrs (kernel == model)"
        assert metacopy == set(model.metacopy_files), "metadata-only files (kernel == model)"
        real_upper = _without_data(layer_view(read_upper(mount.upper)), metacopy)
        want_upper = _without_data(layer_view(model.diff()), metacopy)
        assert real_upper == want_upper, "upper dir (kernel == model): " + _dict_diff(
            {**real_upper["entries"], "WHITEOUTS": real_upper["whiteouts"], "OPAQUE": real_upper["opaque"]},
            {**want_upper["entries"], "WHITEOUTS": want_upper["whiteouts"], "OPAQUE": want_upper["opaque"]},
        )
    return model


def _mountable(scratch, kernel: KernelOverlay) -> None:
    try:
        with OverlayMount([BASE], scratch.fresh(), kernel=kernel):
            pass
    except KernelError as error:
        pytest.skip(f"this kernel cannot mount overlayfs with {kernel.mount_options()}: {error}")


FEATURES = {"redirect_dir": REDIRECT, "metacopy": METACOPY}

#: Renames of directories are what redirect_dir changes: draw more of them.
dir_renames = st.tuples(
    st.just("rename"),
    st.sampled_from(["/a", "/a/b", "/c", "/y"]),
    st.sampled_from(["/y", "/z", "/c/d", "/a/y", "/a/b/y", "/c", "/a"]),
)
features_ops = st.lists(st.one_of(operation(), dir_renames), min_size=1, max_size=10)


@pytest.mark.parametrize("feature", list(FEATURES))
@settings(
    max_examples=int(os.environ.get("LAYERLAB_KERNEL_FEATURE_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)
@given(layers=lower_stacks(), ops=features_ops)
def test_model_matches_the_kernel_with_the_feature(kernel_scratch, feature, layers, ops):
    kernel = FEATURES[feature]
    _mountable(kernel_scratch, kernel)
    for i, layer in enumerate(layers):
        note(f"layer {i}: {dict(layer.entries)!r} whiteouts={sorted(layer.whiteouts)} opaque={sorted(layer.opaque)}")
    check(kernel_scratch.fresh(), layers, ops, kernel)


# -- what a learner sees, as explicit cases ---------------------------------------------


def test_redirect_dir_lets_a_lower_directory_be_renamed(kernel_scratch):
    _mountable(kernel_scratch, REDIRECT)
    model = check(kernel_scratch.fresh(), [BASE], [("rename", "/a", "/y"), ("rename", "/y/b", "/c/b2")], REDIRECT)
    assert dict(model.redirects) == {"y": "a", "c/b2": "/a/b"}  # as the kernel wrote them
    assert model.upper["a"] is not None and model.entry("a") is None  # a whiteout at the old name
    assert model.read("/c/b2/g").read() == b"lower-g"


def test_without_redirect_dir_the_same_rename_is_exdev(kernel_scratch):
    check(kernel_scratch.fresh(), [BASE], [("rename", "/a", "/y")], KernelOverlay())


def test_deleting_below_a_renamed_directory_leaves_whiteouts_there(kernel_scratch):
    _mountable(kernel_scratch, REDIRECT)
    check(kernel_scratch.fresh(), [BASE], [("rename", "/a", "/y"), ("unlink", "/y/f"), ("rm_r", "/y/b"),
                                           ("rename", "/y", "/a"), ("mkdir", "/y")], REDIRECT)


def test_a_directory_renamed_into_a_new_directory_keeps_its_lower_files(kernel_scratch):
    _mountable(kernel_scratch, REDIRECT)
    check(kernel_scratch.fresh(), [BASE], [("mkdir", "/n"), ("rename", "/a", "/n/a"), ("rename", "/n", "/m")],
          REDIRECT)


def test_metacopy_chmod_copies_metadata_only_and_a_write_then_copies_the_data(kernel_scratch):
    _mountable(kernel_scratch, METACOPY)
    big = Layer.from_files({"big": SyntheticContent(1 << 20, seed="big"), "x": b"lower-x"})
    model = check(kernel_scratch.fresh(), [big], [("chmod", "/big", 0o600), ("link", "/x", "/y")], METACOPY)
    assert [(c.path, c.bytes) for c in model.copy_ups] == [("/big", 0), ("/x", 0)]
    with OverlayMount([big], kernel_scratch.fresh(), kernel=METACOPY) as mount:
        os.chmod(mount.merged / "big", 0o600)
        assert os.lstat(mount.upper / "big").st_blocks == 0  # no data block copied
        with open(mount.merged / "big", "ab") as out:
            out.write(b"!")
        assert os.lstat(mount.upper / "big").st_blocks * 512 >= 1 << 20  # now the data came up
    model.write("/big", b"!", append=True)
    assert model.copy_ups[-1].bytes == 1 << 20 and not model.metacopy_files - {"x", "y"}


def test_metacopy_truncate_still_copies_the_data(kernel_scratch):
    _mountable(kernel_scratch, METACOPY)
    model = check(kernel_scratch.fresh(), [BASE], [("truncate", "/a/f", 2), ("chmod", "/x", 0o600),
                                                   ("truncate", "/x", 3), ("write", "/c/h", b"new")], METACOPY)
    assert not model.metacopy_files


def test_metacopy_with_redirect_dir_off_is_refused_by_both():
    with pytest.raises(KernelOptionError, match="conflicting options"):
        KernelOverlay(metacopy=True, redirect_dir=False)


def test_the_kernel_refuses_metacopy_with_redirect_dir_off(kernel_scratch):
    from layerlab.real.kernel import _mount

    root = kernel_scratch.fresh()
    for name in ("l", "u", "w", "m"):
        (root / name).mkdir(parents=True)
    options = f"index=off,metacopy=on,redirect_dir=off,lowerdir={root}/l,upperdir={root}/u,workdir={root}/w"
    with pytest.raises(KernelError):
        _mount("overlay", root / "m", "overlay", options)
