"""Writing an archive streams layer tars through ChunkStream: an empty chunk in the middle
(a file whose size is a multiple of 512 needs no tar padding) must not end the stream."""

import io

from layerlab import BytesContent, File, Image, Layer, read_archive, save_docker_archive
from layerlab.archive.blobs import ChunkStream


def test_empty_chunks_in_the_middle_are_skipped():
    stream = io.BufferedReader(ChunkStream(iter([b"ab", b"", b"cd", b"", b""])), 4)
    assert stream.read(4) == b"abcd"
    assert stream.read(4) == b""


def test_a_layer_with_a_block_sized_file_is_saved_whole(tmp_path):
    layer = Layer.from_files(
        {"a/bin": File(content=BytesContent(bytes(range(256)) * 4096)), "z": b"after"}
    )
    image = Image.build([layer])
    save_docker_archive({"x:1": image}, tmp_path / "x.tar")
    [archived] = read_archive(tmp_path / "x.tar", progress=False)
    assert archived.image.image_id == image.image_id
