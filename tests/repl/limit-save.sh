#!/bin/sh
# limit-save.sh - through a pseudo-terminal:
#   :limit memory 64M makes an over-large tensor a MemoryError, the session
#   goes on with its variables, and :limit memory none lifts the budget;
#   :save and :export that fail part way (the file-size limit, as a full disk
#   looks to write(2)) leave the old file intact and no temp file behind,
#   and succeed once the limit is gone.
top=$(cd "$(dirname "$0")/../.." && pwd)
NNSH=${NNSH:-$top/src/nnsh}
PY=${PYTHON3:-/usr/bin/python3}
[ -x "$NNSH" ] || { echo "limit-save: $NNSH not built"; exit 77; }
exec "$PY" - "$NNSH" <<'PYEOF'
import os, pty, resource, select, signal, sys, tempfile, time, shutil

nnsh = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="nnsh-limit-")
PROMPT = b"nnsh> "
fails = 0

def spawn(fsize=None):
    pid, fd = pty.fork()
    if pid == 0:
        if fsize:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        os.chdir(tmp)
        os.environ.update(HOME=tmp, TERM="xterm", NNSH_QUICK="1", INPUTRC="/dev/null")
        os.execv(nnsh, [nnsh, "-q"])
    read_until(fd, PROMPT)
    return pid, fd

def read_until(fd, pat, timeout=30):
    buf, end = b"", time.monotonic() + timeout
    while pat not in buf:
        r, _, _ = select.select([fd], [], [], max(0, end - time.monotonic()))
        if not r:
            raise TimeoutError(buf[-300:])
        buf += os.read(fd, 65536)
    return buf

def run(fd, line):
    os.write(fd, line.encode() + b"\r")
    return read_until(fd, PROMPT)

def check(ok, what, out=b""):
    global fails
    print(("PASS: " if ok else "FAIL: ") + what)
    if not ok:
        print("   ", out[-300:])
        fails += 1

pid, fd = spawn()
run(fd, "import numpy as np")
run(fd, "keep = np.ones((100, 100))")
out = run(fd, ":limit memory 64M")
check(b"error" not in out and b"usage" not in out, ":limit memory 64M accepted", out)
out = run(fd, ":limit")
check(b"of 64.0 MiB" in out, ":limit shows the budget", out)
out = run(fd, "big = np.zeros((10000, 10000))")
check(b"MemoryError" in out, "an 800 MB array over a 64M budget is a MemoryError", out)
out = run(fd, "print(float(keep.sum()), 'big' in dir())")
check(b"10000.0 False" in out, "the session goes on with its variables", out)
out = run(fd, ":limit memory 4G")
out = run(fd, "mid = np.zeros((10000, 1000)); print(mid.shape)")
check(b"(10000, 1000)" in out, "a 4G budget allows 80 MB", out)
out = run(fd, ":limit memory lots")
check(b"usage" in out, "a bad size is a usage error", out)
run(fd, ":limit memory none")
os.write(fd, b":quit\r")
os.waitpid(pid, 0)

old = b"# the previous script\n"
for cmd, name in ((":save", "s.nns"), (":export", "e.md")):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(old)
    pid, fd = spawn(fsize=2048)
    run(fd, "s = '%s'" % ("x" * 3000))   # the script itself is over the limit
    run(fd, "print(s)")
    before = set(os.listdir(tmp))
    out = run(fd, "%s %s" % (cmd, name))
    check(b"error" in out, "%s past the file-size limit is an error" % cmd, out)
    check(open(path, "rb").read() == old, "%s: the old file is intact" % cmd)
    check(set(os.listdir(tmp)) == before, "%s: no temp file left" % cmd, str(os.listdir(tmp)).encode())
    os.write(fd, b":quit\r")
    os.waitpid(pid, 0)
pid, fd = spawn()
run(fd, "s = 'x' * 3000")
out = run(fd, ":save s.nns")
check(open(os.path.join(tmp, "s.nns"), "rb").read() != old, ":save without a limit replaces the file", out)
os.write(fd, b":quit\r")
os.waitpid(pid, 0)
shutil.rmtree(tmp, ignore_errors=True)
sys.exit(1 if fails else 0)
PYEOF
