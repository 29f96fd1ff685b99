""".dockerignore matching, with the examples from Docker's documentation."""

from __future__ import annotations

import pytest

from layerlab.build.dockerignore import DockerIgnore, DockerIgnoreError, go_clean
from layerlab.model.errors import LayerlabError


def excluded(patterns: str, path: str) -> bool:
    return DockerIgnore.parse(patterns).is_excluded(path)


@pytest.mark.parametrize(
    "pattern, path, want",
    [
        # */temp*: names starting with temp one level below the root
        ("*/temp*", "somedir/temporary.txt", True),
        ("*/temp*", "somedir/temp", True),
        ("*/temp*", "somedir/temp/inside.txt", True),  # a matched directory takes its contents
        ("*/temp*", "temp.txt", False),
        ("*/temp*", "a/b/temp.txt", False),
        # */*/temp*: two levels below the root
        ("*/*/temp*", "somedir/subdir/temporary.txt", True),
        ("*/*/temp*", "somedir/temporary.txt", False),
        # temp?: one more character, at the root only
        ("temp?", "tempa", True),
        ("temp?", "tempb", True),
        ("temp?", "temp", False),
        ("temp?", "tempab", False),
        ("temp?", "dir/tempa", False),
        # **/*.go: at any depth, including the root
        ("**/*.go", "main.go", True),
        ("**/*.go", "cmd/tool/main.go", True),
        ("**/*.go", "main.go.txt", False),
        # Docker anchors at the root, unlike gitignore
        ("*.md", "README.md", True),
        ("*.md", "docs/guide.md", False),
        # cleaning: leading /, trailing /, ./ and ..
        ("/build/", "build/out.o", True),
        ("./a/../dist", "dist", True),
        # directories and what is below them
        ("node_modules", "node_modules/x/index.js", True),
        ("a/**", "a/b/c", True),
        ("a/**", "a", False),
        ("a/**/z", "a/z", True),
        ("a/**/z", "a/b/c/z", True),
        ("**", "anything/at/all", True),
        # character classes and escapes
        ("file[0-9].txt", "file7.txt", True),
        ("file[0-9].txt", "filex.txt", False),
        ("\\*.txt", "*.txt", True),
        ("\\*.txt", "a.txt", False),
        ("a.b", "axb", False),  # regexp specials are literal
        # comments
        ("# *.md", "README.md", False),
    ],
)
def test_single_patterns(pattern, path, want):
    assert excluded(pattern, path) is want


def test_exceptions_last_match_wins_docs_example():
    first = "*.md\n!README*.md\nREADME-secret.md\n"
    assert excluded(first, "CHANGES.md")
    assert not excluded(first, "README.md")
    assert not excluded(first, "README-public.md")
    assert excluded(first, "README-secret.md")
    second = "*.md\nREADME-secret.md\n!README*.md\n"
    assert not excluded(second, "README-secret.md")
    assert excluded(second, "other.md")


def test_exception_inside_an_excluded_directory():
    rules = DockerIgnore.parse("docs\n!docs/keep.md\n")
    assert rules.is_excluded("docs/other.md")
    assert not rules.is_excluded("docs/keep.md")
    rules = DockerIgnore.parse("*\n!src\n")
    assert not rules.is_excluded("src/a/b.py") and rules.is_excluded("setup.py")


def test_paths_given_in_other_spellings():
    rules = DockerIgnore.parse("build\n")
    assert rules.is_excluded("/build") and rules.is_excluded("./build/x") and rules.is_excluded("build/")
    assert not rules.is_excluded(".") and not rules.is_excluded("")


def test_blank_lines_whitespace_bom_and_empty():
    rules = DockerIgnore.parse("\ufeff  *.log  \n\n   \n")
    assert len(rules.patterns) == 1 and rules.is_excluded("x.log")
    assert not DockerIgnore([]).is_excluded("anything") and not DockerIgnore([])


def test_lone_exclamation_mark_is_an_error():
    with pytest.raises(DockerIgnoreError) as info:
        DockerIgnore(["!"])
    assert isinstance(info.value, LayerlabError)


def test_go_clean():
    assert [go_clean(p) for p in ("", "a//b/", "./a/./b/../c", "//x", "/..")] == [".", "a/b", "a/c", "/x", "/"]


def test_from_context_and_context_paths(tmp_path):
    assert not DockerIgnore.from_context(tmp_path)
    for name in ("app.py", "README.md", "notes.md", "docs/keep.md", "docs/drop.md", "Dockerfile"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / ".dockerignore").write_text("*.md\n!README.md\ndocs\n!docs/keep.md\nDockerfile\n.dockerignore\n")
    rules = DockerIgnore.from_context(tmp_path)
    assert rules.is_excluded("Dockerfile")
    assert rules.context_paths(tmp_path) == [
        ".dockerignore", "Dockerfile", "README.md", "app.py", "docs", "docs/keep.md",
    ]
