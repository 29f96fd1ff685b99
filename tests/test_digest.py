"""The published identity vectors (docker-storage-facts §2), reproduced exactly."""

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from layerlab import EMPTY_LAYER_DIFF_ID, Layer, chain_id, chain_ids, image_id


def test_chain_id_vectors_from_image_spec():
    assert chain_id(["sha256:a", "sha256:b"]) == (
        "sha256:970a948bffa8de94d6e22d747ba8c95030e6e546909f98f54e99a13005e173a8"
    )
    assert chain_id(["sha256:a", "sha256:b", "sha256:c"]) == (
        "sha256:dee159b33409cefa3f6eda71539f006014283e9d9130c18a1dea7bd8a33c9b1b"
    )


def test_chain_id_of_one_layer_is_its_diff_id():
    assert chain_ids(["sha256:a"]) == ["sha256:a"]


def test_chain_id_hashes_full_digest_strings_not_bare_hex():
    bare = "sha256:" + hashlib.sha256(b"a b").hexdigest()
    assert chain_id(["sha256:a", "sha256:b"]) != bare


def test_empty_layer_diff_id():
    assert Layer().diff_id == EMPTY_LAYER_DIFF_ID
    assert Layer().tar_size == 1024


def test_image_id_vector_from_moby_store_test():
    config = (
        b'{"comment": "abc", "rootfs": {"type": "layers", "diff_ids": '
        b'["2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"]}}'
    )
    assert image_id(config) == "sha256:8d25a9c45df515f9d0fe8e4a6b1c64dd3b965a84790ddbcc7954bb9bc89eb993"


digests = st.binary(min_size=1, max_size=8).map(lambda b: "sha256:" + hashlib.sha256(b).hexdigest())


@given(st.lists(digests, min_size=1, max_size=8), st.lists(digests, min_size=1, max_size=4))
def test_chain_id_of_a_prefix_never_changes_when_layers_are_added(base, more):
    assert chain_ids(base + more)[: len(base)] == chain_ids(base)
