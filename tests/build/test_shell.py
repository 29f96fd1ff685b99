"""The RUN shell model: each command's effect on an overlay, the shell grammar, errors,
package managers, and a differential test against a real engine's RUN layers."""

from __future__ import annotations

import pytest
from engine_support import busybox_context

from layerlab import File, Hardlink, Layer, Symlink, read_archive
from layerlab import shell as shell_mod
from layerlab.build.differ import compared_with_lower
from layerlab.model.content import SyntheticContent, ZeroContent
from layerlab.model.overlay import Overlay
from layerlab.shell import (
    COMMANDS,
    ShellResult,
    UnsupportedCommand,
    parse_mode,
    run_exec,
    run_shell,
)

PASSWD = "root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33::/var/www:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"
GROUP = "root:x:0:\nwww-data:x:33:\napp:x:1000:\n"


def base_layers() -> list[Layer]:
    base = Layer.from_files({
        "etc/passwd": PASSWD,
        "etc/group": GROUP,
        "bin/sh": Symlink(target="busybox"),
        "app/config.ini": "version = 1\n",
        "app/a.txt": "a\n",
        "app/b.txt": "b\n",
        "app/sub/c.txt": "c\n",
        "app/run.sh": File(content="echo run\n", mode=0o644),
        "data/big.bin": File(content=SyntheticContent(5 << 20, seed="big")),
    })
    more = Layer.from_files({"app/sub/d.txt": "d\n", "opt/tool/bin/t": File(content="t", mode=0o755)})
    return [base, more]


def sh(command: str, *, layers: list[Layer] | None = None, **kwargs) -> tuple[ShellResult, Overlay]:
    fs = Overlay(base_layers() if layers is None else layers)
    env = kwargs.pop("env", {"HOME": "/root"})
    return run_shell(fs, command, env=env, **kwargs), fs


def changes(fs: Overlay) -> dict[str, str]:
    """The upper layer in one readable dict: path -> kind (mode) or 'whiteout' / 'opaque'."""
    layer = fs.diff()
    out = {p: f"{e.kind} {oct(e.mode)}" for p, e in layer.entries.items()}
    out.update({p: "whiteout" for p in layer.whiteouts})
    out.update({p + "/": "opaque" for p in layer.opaque})
    return out


def text(fs: Overlay, path: str) -> str:
    return fs.read(path).read().decode("utf-8", "replace")


# -- the shell grammar -------------------------------------------------------------------------


def test_exit_status_is_the_last_commands_and_not_errexit_by_default():
    assert sh("false; true")[0].status == 0
    assert sh("true; false")[0].status == 1
    result, fs = sh("false && mkdir /x")
    assert result.status == 1 and not fs.exists("/x")
    result, _ = sh("false && echo no || echo yes; echo $?")
    assert result.stdout == "yes\n0\n"


def test_set_e_stops_at_the_first_failure_but_not_inside_and_or_lists():
    result, fs = sh("set -e; false; mkdir /x")
    assert result.status == 1 and not fs.exists("/x")
    result, fs = sh("set -eux; false || true; [ -d /nope ] && echo no; mkdir /x")
    assert result.status == 0 and fs.is_dir("/x")
    assert "+ mkdir /x" in result.stderr
    result, _ = sh("set -e; if false; then echo a; fi; ! true; echo reached")
    assert result.stdout == "reached\n"


def test_quoting_and_variables():
    result, _ = sh(
        "X='a  b'; echo $X \"$X\" '$X' a\\ \\$ \"${UNSET:-dflt}\" ${X:+set} ${E-e} \"${HOME}\"/x",
        env={"HOME": "/root", "E": ""},
    )
    assert result.stdout == "a b a  b $X a $ dflt set /root/x\n"  # an empty unquoted field vanishes
    result, _ = sh('echo "a\\"b" "$(echo  sub  st)" `echo bq`')
    assert result.stdout == 'a"b sub st bq\n'


def test_env_vars_reach_sh_c_only_when_exported():
    result, _ = sh("A=1; export B=2; sh -c 'echo ${A:-none} $B'; C=3 sh -c 'echo $C'; echo ${C:-gone}")
    assert result.stdout == "none 2\n3\ngone\n"


def test_globs_expand_sorted_against_the_overlay_and_unmatched_stay_literal():
    result, _ = sh("echo /app/*.txt /app/[ab].txt /app/?.txt /app/*.none '/app/*.txt'")
    assert result.stdout == "/app/a.txt /app/b.txt /app/a.txt /app/b.txt /app/a.txt /app/b.txt /app/*.none /app/*.txt\n"
    result, _ = sh("rm /app/a.txt && echo /app/*/*.txt && cd /app && echo *")
    assert result.stdout == "/app/sub/c.txt /app/sub/d.txt\nb.txt config.ini run.sh sub\n"


def test_redirections():
    result, fs = sh("echo one > /o; echo two >> /o; cat /missing 2>/dev/null; echo err >&2 2>/dev/null;"
                    " cat /missing > /e 2>&1; echo quiet > /dev/null; cat < /app/a.txt")
    assert text(fs, "/o") == "one\ntwo\n"
    assert text(fs, "/e") == "cat: can't open '/missing': No such file or directory\n"
    assert result.stdout == "a\n" and result.stderr == "err\n"
    result, fs = sh("echo x > /nodir/f")
    assert result.status == 1 and "can't create /nodir/f" in result.stderr


def test_append_to_a_lower_file_copies_it_up_whole_and_truncating_write_replaces_it():
    result, fs = sh("echo 'version = 2' >> /app/config.ini && echo new > /app/a.txt")
    assert text(fs, "/app/config.ini") == "version = 1\nversion = 2\n"
    assert text(fs, "/app/a.txt") == "new\n"
    assert changes(fs) == {"app": "dir 0o755", "app/a.txt": "file 0o644", "app/config.ini": "file 0o644"}


def test_pipelines_run_stage_by_stage():
    result, fs = sh("echo hello | tee /t1 | tee -a /app/a.txt | cat; printf 'echo piped\\n' | sh")
    assert result.stdout == "hello\npiped\n"
    assert text(fs, "/t1") == "hello\n" and text(fs, "/app/a.txt") == "a\nhello\n"
    assert sh("echo x | cd /tmp; false | true")[0].status == 0
    assert sh("set -o pipefail; false | true")[0].status == 1


def test_braces_subshells_if_and_for():
    result, fs = sh("{ echo a; echo b; } > /ab; (cd /app && mkdir x); mkdir y;"
                    " for f in /app/*.txt; do cp \"$f\" \"$f.bak\"; done;"
                    " if [ -d /nope ]; then echo yes; elif [ -f /ab ]; then echo elif; else echo no; fi")
    assert text(fs, "/ab") == "a\nb\n" and fs.is_dir("/app/x") and fs.is_dir("/y")
    assert fs.exists("/app/a.txt.bak") and fs.exists("/app/b.txt.bak") and result.stdout == "elif\n"


def test_exit_stops_the_shell():
    result, fs = sh("mkdir /a; exit 3; mkdir /b")
    assert result.status == 3 and fs.exists("/a") and not fs.exists("/b")
    assert sh("sh -c 'exit 4'; echo $?")[0].stdout == "4\n"


def test_test_and_bracket():
    script = ("[ -d /app ] && [ -f /app/a.txt ] && [ -e /app/sub ] && [ ! -e /nope ] && [ -n x ] && [ -z '' ]"
              " && [ a = a ] && [ a != b ] && test 3 -gt 2 && [ -x /opt/tool/bin/t ] && [ -h /bin/sh ] && echo ok")
    assert sh(script)[0].stdout == "ok\n"
    result, _ = sh("[ -d /x")
    assert result.status == 2 and "missing ]" in result.stderr


# -- commands and their effect on layers -------------------------------------------------------------


def test_mkdir():
    result, fs = sh("mkdir -p /app/sub /new/a/b && mkdir -m 700 /private && mkdir -p -m 750 /p/q")
    assert result.status == 0
    assert changes(fs) == {"new": "dir 0o755", "new/a": "dir 0o755", "new/a/b": "dir 0o755",
                           "p": "dir 0o755", "p/q": "dir 0o750", "private": "dir 0o700"}
    result, fs = sh("mkdir /app")
    assert (result.status, result.stderr) == (1, "mkdir: can't create directory '/app': File exists\n")
    assert sh("mkdir /a/b")[0].stderr == "mkdir: can't create directory '/a/b': No such file or directory\n"
    assert changes(sh("mkdir -p /app/sub")[1]) == {}


def test_mkdir_as_a_user_owns_the_new_directories():
    _, fs = sh("mkdir -p /home/app/x && touch /home/app/f", user=(1000, 1000))
    assert (fs.stat("/home/app/x").uid, fs.stat("/home/app").gid, fs.stat("/home/app/f").uid) == (1000, 1000, 1000)


def test_touch_creates_or_copies_up():
    result, fs = sh("touch /app/a.txt /new && touch -c /none")
    assert changes(fs) == {"app": "dir 0o755", "app/a.txt": "file 0o644", "new": "file 0o644"}
    assert sh("touch /no/such")[0].status == 1


def test_echo_and_printf():
    result, _ = sh("echo -n a; echo b; echo -e 'c\\td'; echo 'e\\tf'; printf '%s=%d%%\\n' x 5 y 6; printf '%5s|%-3s|\\n' ab c")
    assert result.stdout == "ab\nc\td\ne\\tf\nx=5%\ny=6%\n   ab|c  |\n"
    result, _ = sh("printf '%d' abc")
    assert result.status == 1 and "invalid number" in result.stderr


def test_cat_head_ls():
    result, fs = sh("cat /app/a.txt /app/b.txt > /ab; head -c 3 /app/config.ini; echo; ls /app/sub; cat /data/big.bin > /copy")
    assert text(fs, "/ab") == "a\nb\n" and result.stdout == "ver\nc.txt\nd.txt\n"
    assert fs.stat("/copy").size == 5 << 20
    result, fs = sh("head -c 100 /data/big.bin > /part")
    assert fs.stat("/part").size == 100


def test_cp():
    result, fs = sh("cp /app/a.txt /a && cp /app/run.sh /app/b.txt /tmpdir 2>/dev/null; mkdir /d && cp /app/a.txt /app/b.txt /d"
                    " && cp -r /app/sub /s && cp -a /opt/tool /tool && cp /opt/tool/bin/t /t && cp -p /opt/tool/bin/t /tp")
    assert result.status == 0
    c = changes(fs)
    assert c["a"] == "file 0o644" and c["d/a.txt"] == c["d/b.txt"] == "file 0o644"
    assert {p for p in c if p.startswith("s")} == {"s", "s/c.txt", "s/d.txt"}
    assert c["tool/bin/t"] == "file 0o755" and c["t"] == "file 0o755" and c["tp"] == "file 0o755"
    result, _ = sh("cp /app/sub /x")
    assert result.status == 1 and "omitting directory" in result.stderr
    assert "can't stat" in sh("cp /nope /x")[0].stderr
    _, fs = sh("cp -r /app/sub /app/sub2 && cp -r /app/sub /app/sub2")  # second time: into it
    assert fs.exists("/app/sub2/sub/c.txt")


def test_cp_over_an_existing_file_keeps_its_mode():
    _, fs = sh("cp /app/a.txt /opt/tool/bin/t")
    assert fs.stat("/opt/tool/bin/t").mode == 0o755 and text(fs, "/opt/tool/bin/t") == "a\n"


def test_mv_of_a_file_renames_and_of_a_lower_directory_copies_then_deletes():
    result, fs = sh("mv /app/a.txt /a.txt && mv /app/sub /sub && mkdir /newdir && mv /newdir /moved")
    assert result.status == 0
    assert changes(fs) == {"a.txt": "file 0o644", "app": "dir 0o755", "app/a.txt": "whiteout", "app/sub": "whiteout",
                           "moved": "dir 0o755", "moved/": "opaque",  # the kernel (and engine) mark it
                           "sub": "dir 0o755", "sub/c.txt": "file 0o644", "sub/d.txt": "file 0o644"}
    result, fs = sh("mv /app/a.txt /app/sub && mv /nope /x")
    assert fs.exists("/app/sub/a.txt") and result.status == 1 and "can't rename '/nope'" in result.stderr


def test_rm():
    result, fs = sh("rm /app/a.txt && rm -rf /app/sub /missing && rm -r /opt")
    assert changes(fs) == {"app": "dir 0o755", "app/a.txt": "whiteout", "app/sub": "whiteout", "opt": "whiteout"}
    assert sh("rm /missing")[0].stderr == "rm: can't remove '/missing': No such file or directory\n"
    assert sh("rm /app")[0].status == 1
    _, fs = sh("rm -rf /app/sub/* && ls /app/sub")
    assert fs.listdir("/app/sub") == []
    _, fs = sh("rm -rf /app && mkdir /app && echo x > /app/new")
    assert changes(fs) == {"app": "dir 0o755", "app/": "opaque", "app/new": "file 0o644"}


def test_rmdir():
    result, fs = sh("mkdir -p /e/f && rmdir /e/f && rmdir /app")
    assert result.status == 1 and result.stderr == "rmdir: '/app': Directory not empty\n"
    assert fs.is_dir("/e") and not fs.exists("/e/f")


def test_ln():
    result, fs = sh("ln -s /app/a.txt /link && ln /app/b.txt /hard && cd /app && ln -s a.txt rel && ln -sf b.txt rel"
                    " && ln -s /x /app/sub")
    assert result.status == 0
    layer = fs.diff()
    assert layer.entries["link"] == Symlink(target="/app/a.txt")
    assert layer.entries["app/rel"] == Symlink(target="b.txt")
    assert layer.entries["app/sub/x"] == Symlink(target="/x")
    assert isinstance(layer.entries["hard"], Hardlink) or isinstance(layer.entries["app/b.txt"], Hardlink)
    assert sh("ln -s a /app/a.txt")[0].stderr == "ln: /app/a.txt: File exists\n"


def test_chmod():
    result, fs = sh("chmod +x /app/run.sh && chmod 600 /app/a.txt && chmod go-w,u+s /app/b.txt && chmod -R g+w /app/sub")
    assert result.status == 0
    c = changes(fs)
    assert c["app/run.sh"] == "file 0o755" and c["app/a.txt"] == "file 0o600" and c["app/b.txt"] == "file 0o4644"
    assert c["app/sub"] == "dir 0o775" and c["app/sub/c.txt"] == "file 0o664"
    assert sh("chmod 644 /nope")[0].stderr == "chmod: /nope: No such file or directory\n"


@pytest.mark.parametrize(("spec", "before", "after"), [
    ("755", 0o644, 0o755), ("+x", 0o644, 0o755), ("+w", 0o644, 0o644), ("a+w", 0o644, 0o666),
    ("u+x", 0o644, 0o744), ("go-w", 0o666, 0o644), ("u=rw,go=r", 0o777, 0o644), ("a-x", 0o755, 0o644),
    ("g=u", 0o740, 0o770), ("+t", 0o777, 0o1777), ("a+X", 0o644, 0o644), ("-x", 0o755, 0o644),
])
def test_parse_mode(spec, before, after):
    assert parse_mode(spec, before, is_dir=False) == after


def test_chown_reads_the_images_passwd_and_group():
    result, fs = sh("chown -R www-data:www-data /app/sub && chown app /app/a.txt && chown 5:6 /app/b.txt && chown app: /app/run.sh")
    assert result.status == 0
    assert (fs.stat("/app/sub/c.txt").uid, fs.stat("/app/sub").gid) == (33, 33)
    assert (fs.stat("/app/a.txt").uid, fs.stat("/app/a.txt").gid) == (1000, 0)
    assert (fs.stat("/app/b.txt").uid, fs.stat("/app/b.txt").gid) == (5, 6)
    assert (fs.stat("/app/run.sh").uid, fs.stat("/app/run.sh").gid) == (1000, 1000)
    assert sh("chown ghost /app/a.txt")[0].stderr == "chown: unknown user ghost\n"
    no_passwd = [Layer.from_files({"f": "x"})]
    _, fs = sh("chown nobody /f", layers=no_passwd)
    assert fs.stat("/f").uid == 65534


def test_dd_and_truncate():
    result, fs = sh("dd if=/dev/zero of=/z bs=1M count=3 && dd if=/dev/urandom of=/r bs=1k count=2 status=none"
                    " && truncate -s 100 /t && truncate -s 2 /app/config.ini && dd if=/app/a.txt of=/copy")
    assert result.status == 0 and result.stderr == "3+0 records in\n3+0 records out\n3145728 bytes copied\n0+1 records in\n0+1 records out\n2 bytes copied\n"
    assert isinstance(fs.read("/z"), ZeroContent) and fs.stat("/z").size == 3 << 20
    assert fs.stat("/r").size == 2048 and isinstance(fs.read("/r"), SyntheticContent)
    assert fs.stat("/t").size == 100 and text(fs, "/app/config.ini") == "ve" and text(fs, "/copy") == "a\n"
    _, again = sh("dd if=/dev/zero of=/z bs=1M count=3 && dd if=/dev/urandom of=/r bs=1k count=2 status=none"
                  " && truncate -s 100 /t && truncate -s 2 /app/config.ini && dd if=/app/a.txt of=/copy")
    assert again.diff().diff_id == fs.diff().diff_id  # urandom is reproducible in the model


def test_cd_changes_the_directory_for_the_rest_of_the_command():
    result, fs = sh("cd /app && mkdir new && cd new && echo x > f && cd .. && rm a.txt && pwd_is=$PWD && echo $pwd_is")
    assert fs.exists("/app/new/f") and not fs.exists("/app/a.txt") and result.stdout == "/app\n"
    result, fs = sh("cd /nope && mkdir /x")
    assert result.status == 2 and not fs.exists("/x") and "can't cd to /nope" in result.stderr
    _, fs = sh("mkdir here", cwd="/app")
    assert fs.is_dir("/app/here")


def test_network_fails_as_under_network_none():
    result, fs = sh("wget -O /f http://example.com/f || curl -fsSL -o /g https://example.com/g")
    assert result.status == 6 and "--network none" in result.stderr and not fs.exists("/f")


def test_run_exec_does_no_expansion():
    fs = Overlay(base_layers())
    result = run_exec(fs, ["mkdir", "-p", "/x/$HOME", "/y/*"], env={"HOME": "/root"})
    assert result.status == 0 and fs.is_dir("/x/$HOME") and fs.is_dir("/y/*")
    result = run_exec(fs, ["/bin/sh", "-c", "echo $HOME"], env={"HOME": "/root"})
    assert result.stdout == "/root\n"


# -- what is not supported ---------------------------------------------------------------------------


def test_unsupported_command_names_itself_the_line_and_the_list():
    with pytest.raises(UnsupportedCommand) as info:
        sh("mkdir /x && make install", line=7)
    message = str(info.value)
    assert "'make'" in message and "line 7" in message
    assert ", ".join(sorted(COMMANDS)) in message
    assert info.value.name == "make" and info.value.line == 7


def test_unsupported_commands_are_refused_before_anything_changes():
    fs = Overlay(base_layers())
    with pytest.raises(UnsupportedCommand):
        run_shell(fs, "mkdir /x; gcc -o a a.c", env={})
    assert fs.diff().is_empty


@pytest.mark.parametrize("command", ["while true; do :; done", "cat <<EOF\nx\nEOF", "echo $((1+2))", "f() { :; }",
                                     "case x in x) :;; esac", "X=make; $X", "diff <(ls) <(ls)", "rm -i x; sed -i s/a/b/ f"])
def test_unsupported_constructs(command):
    with pytest.raises(UnsupportedCommand):
        sh(command)


def test_syntax_errors_fail_like_sh():
    result, _ = sh("echo 'unterminated")
    assert result.status == 2 and "syntax error" in result.stderr


def test_the_supported_list_is_the_registry():
    for name in ("mkdir", "touch", "echo", "printf", "cat", "cp", "mv", "rm", "rmdir", "ln", "chmod", "chown", "dd",
                 "truncate", "head", "true", "false", ":", "sleep", "cd", "export", "test", "[", "exit", "ls", "tee",
                 "sh", "set"):
        assert name in COMMANDS, name
    assert shell_mod.supported_commands() == sorted(COMMANDS)
# -- package managers against the catalogue ------------------------------------------------------------


def catalogue_sh(ref: str, *commands: str) -> tuple[ShellResult, Overlay]:
    """Run each command as its own RUN step on the catalogue base ``ref``; the last one's result."""
    from layerlab.build.catalogue import base_image

    layers = list(base_image(ref).layers)
    for command in commands[:-1]:
        fs = Overlay(layers)
        assert run_shell(fs, command, env={"HOME": "/root"}).status == 0, command
        layers.append(fs.diff())
    return sh(commands[-1], layers=layers)


def test_apt_get_install_needs_update_first():
    result, fs = catalogue_sh("ubuntu:16.04", "apt-get install -y python")
    assert (result.status, result.stderr) == (100, "E: Unable to locate package python\n")
    assert fs.diff().is_empty


def test_apt_get_update_and_install_write_lists_files_and_dpkg_status():
    result, fs = catalogue_sh("ubuntu:16.04", "apt-get update && apt-get install -y --no-install-recommends python")
    assert result.status == 0
    layer = fs.diff()
    assert any(p.startswith("var/lib/apt/lists/") and p.endswith("_Packages") for p in layer.entries)
    assert fs.exists("/usr/bin/python2.7") and fs.stat("/usr/bin/python2.7").mode == 0o755
    status = text(fs, "/var/lib/dpkg/status")
    assert "Package: python\n" in status and "Package: python2.7-minimal\n" in status
    with_recommends, _ = catalogue_sh("ubuntu:16.04", "apt-get update", "apt-get install -y python")
    assert with_recommends.status == 0
    assert layer.size > 0


def test_apt_get_skips_installed_packages_and_unknown_ones_fail():
    result, fs = catalogue_sh("ubuntu:16.04", "apt-get update", "apt-get install -y --no-install-recommends python",
                              "apt-get install -y --no-install-recommends python")
    assert result.status == 0 and "already the newest version" in result.stdout
    assert fs.diff().is_empty
    result, _ = catalogue_sh("ubuntu:16.04", "apt-get update", "apt-get install -y no-such-package")
    assert (result.status, result.stderr) == (100, "E: Unable to locate package no-such-package\n")


def test_rm_of_apt_lists_in_the_same_step_leaves_nothing_and_in_a_later_step_whiteouts():
    _, fs = catalogue_sh("ubuntu:16.04", "apt-get update && rm -rf /var/lib/apt/lists/*")
    assert not [p for p in fs.diff().entries if p.startswith("var/lib/apt/lists/") and p != "var/lib/apt/lists"]
    _, fs = catalogue_sh("ubuntu:16.04", "apt-get update", "rm -rf /var/lib/apt/lists/*")
    assert any(p.startswith("var/lib/apt/lists/") for p in fs.diff().whiteouts)


def test_apk_add():
    result, _ = catalogue_sh("alpine", "apk add curl")
    assert result.status == 1 and "curl (no such package)" in result.stderr
    result, fs = catalogue_sh("alpine", "apk add --no-cache curl")
    assert result.status == 0 and "P:curl\n" in text(fs, "/lib/apk/db/installed")
    assert not [p for p in fs.diff().entries if p.startswith("var/cache/apk/")]
    _, fs = catalogue_sh("alpine", "apk add --update curl")
    assert [p for p in fs.diff().entries if p.startswith("var/cache/apk/APKINDEX")]


def test_pip_install_with_and_without_cache():
    result, fs = catalogue_sh("python:3.12-slim", "pip install flask")
    assert result.status == 0 and "Successfully installed" in result.stdout
    layer = fs.diff()
    assert any(p.startswith("usr/local/lib/python3.12/site-packages/flask/") for p in layer.entries)
    cached = [p for p in layer.entries if p.startswith("root/.cache/pip/")]
    assert cached
    _, fs = catalogue_sh("python:3.12-slim", "pip3 install --no-cache-dir flask==3.0.3")
    assert not [p for p in fs.diff().entries if p.startswith("root/")]
    result, _ = catalogue_sh("python:3.12-slim", "python -m pip install flask==0.1")
    assert result.status == 1 and "No matching distribution found for flask==0.1" in result.stderr


def test_pip_needs_a_python():
    result, _ = catalogue_sh("alpine", "pip install flask")
    assert result.status == 127 and "not found" in result.stderr
    result, fs = catalogue_sh("ubuntu:16.04", "apt-get update", "apt-get install -y python", "pip install flask")
    assert result.status == 0 and fs.exists("/usr/local/lib/python2.7/dist-packages/flask/__init__.py")


# ---------------------------------------------------------------------------------------------
# The engine is the truth: the same RUN steps on the same lower layers give the same changeset.

#: RUN steps for the differential test; each uses several supported commands.
ENGINE_STEPS = [
    "mkdir -p /data/old/inner /data/keep /cache/sub && echo a > /data/old/a.txt"
    " && echo i > /data/old/inner/i.txt && echo k > /data/keep/k.txt && echo t > /cache/sub/t.txt"
    " && echo s > /data/shared.txt && mkdir -m 700 /private && touch /data/empty && echo p > /private/p",
    "mkdir -p /data/keep /data/new && echo more >> /data/keep/k.txt && echo fresh > /data/new/f.txt"
    " && cp -r /data/old /data/copy && cp -a /data/keep /data/keep2 && cp /data/shared.txt /data/new/",
    "mv /data/old /data/moved && mv /data/shared.txt /data/shared2.txt && rm -rf /cache /nonexistent"
    " && ln -s /data/moved/a.txt /data/link && ln /data/keep/k.txt /data/hard",
    "chmod 755 /data/empty && chmod -R o+r /private && chmod u+x,g+w /data/keep2/k.txt && chmod +x /data/new/f.txt"
    " && dd if=/dev/zero of=/data/zero bs=1M count=3 && truncate -s 1000 /data/trunc && touch /data/keep/k.txt",
    "cd /data && mkdir rel && cd rel && echo x > x.txt && cp ../keep/*.txt . && rm -f ../copy/*.txt"
    " && { [ -d /nope ] || mkdir /nope; } && rm -rf /data/keep2 && mkdir /data/keep2 && echo y > /data/keep2/y",
    "set -e; for f in /data/new/*; do cp \"$f\" \"$f.bak\"; done; rmdir /nope; touch /data/moved/inner/i.txt;"
    " rm /data/moved/a.txt; echo done | tee -a /data/log > /dev/null; [ -f /data/log ] && echo ok >> /data/log;"
    " false || rm -r /data/moved/inner; mv /data/rel/x.txt /data/x.txt; printf '%s\\n' one two > /data/printf",
    "rm /data/x.txt && echo back > /data/x.txt && rm -rf /data/keep && mkdir -p /data/keep/again"
    " && cp /data/printf /data/new/f.txt && ln -sf /data/printf /data/link && chown 1000:1000 /data/printf"
    " && chown -R 33:33 /data/copy && mv /data/new /data/keep/again/ && cp -r /data/rel /data/keep"
    " && chmod 4755 /data/zero && echo > /data/hard && rm -rf /data/moved/* /data/[lp]rivate",
]


def _changeset(layer: Layer) -> dict[str, tuple]:
    """What a layer changes, without times: kinds, modes, owners, sizes, bytes, link targets."""
    out: dict[str, tuple] = {}
    for path, e in layer.entries.items():
        detail: object = None
        if isinstance(e, File):
            detail = (e.size, e.content.sha256)
        elif isinstance(e, (Symlink, Hardlink)):
            detail = e.target
        out[path] = (e.kind, oct(e.mode), e.uid, e.gid, detail)
    out.update({f"{p} (whiteout)": ("whiteout",) for p in layer.whiteouts})
    out.update({f"{p} (opaque)": ("opaque",) for p in layer.opaque})
    return out


@pytest.mark.engine
def test_run_steps_change_layers_as_the_engine_does(engine, tmp_path):
    dockerfile = "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\nENV PATH=/bin\n"
    dockerfile += "".join(f"RUN {step}\n" for step in ENGINE_STEPS)
    context = busybox_context(tmp_path / "ctx", dockerfile)
    tag = "layerlab-test/shell-diff:1"
    engine.build(context, tag)
    engine.save([tag], tmp_path / "image.tar")
    [archived] = read_archive(tmp_path / "image.tar")
    layers = archived.image.layers
    first = len(layers) - len(ENGINE_STEPS)
    for index, step in enumerate(ENGINE_STEPS):
        theirs = layers[first + index]
        fs = Overlay(layers[: first + index])
        result = run_shell(fs, step, env={"PATH": "/bin"}, line=5 + index)
        assert result.status == 0, result
        engine_changes = _changeset(theirs)
        # runc creates /etc/{hosts,resolv.conf,hostname} mount stubs in every RUN container;
        # BuildKit deletes them again: 0.8 (Engine 20.10) leaves the etc directory it made
        # in the layer, 0.25 (Engine 28) removes it too. The model does as each does.
        assert ("etc" in engine_changes) == engine.profile().buildkit.keeps_stub_dir
        engine_changes.pop("etc", None)
        assert not [p for p in engine_changes if p.startswith("etc/")]
        ours = fs.diff()
        if engine.profile().containerd:  # BuildKit's differ leaves out what did not change
            ours = compared_with_lower(ours, layers[: first + index])
        assert _changeset(ours) == engine_changes, f"RUN {step}"
