#!/bin/sh
# ctrlc-latency.sh [ROUNDS] - Ctrl-C latency at the nnsh prompt through a
# pseudo-terminal: the time from sending ^C to the next "nnsh> " prompt,
# while nnsh runs (1) a long Python loop, (2) one long matmul, (3) a large
# np.load, and (4) a large np.loadtxt.  Prints p95 and max per case and
# fails when a p95 is above 200 ms.  Then a double ^C during a long
# statement must end nnsh with SIGINT (status 130 at a shell) and leave the
# terminal as it was (canonical mode and echo on).
top=$(cd "$(dirname "$0")/../.." && pwd)
NNSH=${NNSH:-$top/src/nnsh}
PY=${PYTHON3:-/usr/bin/python3}
[ -x "$NNSH" ] || { echo "ctrlc-latency: $NNSH not built"; exit 77; }
"$PY" -c 'import pty' 2>/dev/null || exit 77
exec "$PY" - "$NNSH" "${1:-10}" <<'PYEOF'
import os, pty, select, signal, sys, tempfile, termios, time

nnsh, rounds = sys.argv[1], int(sys.argv[2])
tmp = tempfile.mkdtemp(prefix="nnsh-ctrlc-")
PROMPT = b"nnsh> "

def spawn():
    master, slave = pty.openpty()
    attrs = termios.tcgetattr(slave)
    pid = os.fork()
    if pid == 0:
        os.setsid()
        os.close(master)
        import fcntl
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        os.environ.update(HOME=tmp, TERM="xterm", NNSH_QUICK="1", INPUTRC="/dev/null")
        os.execv(nnsh, [nnsh, "-q"])
    return pid, master, slave, attrs

def read_until(fd, pat, timeout, buf=b""):
    end = time.monotonic() + timeout
    while pat not in buf:
        left = end - time.monotonic()
        if left <= 0:
            raise TimeoutError("waiting for %r; got %r" % (pat, buf[-300:]))
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                raise EOFError(buf[-300:])
            if not data:
                raise EOFError(buf[-300:])
            buf += data
    return buf

def run(fd, line, timeout=60):
    os.write(fd, line.encode() + b"\r")
    return read_until(fd, PROMPT, timeout)

def measure(fd, stmt, warmup):
    # a compound statement at the prompt ends with an empty line
    os.write(fd, stmt.encode() + (b"\r\r" if stmt.startswith(("while", "for")) else b"\r"))
    time.sleep(warmup)                      # let it get well inside the work
    t0 = time.monotonic()
    os.write(fd, b"\x03")
    out = read_until(fd, PROMPT, 30)
    ms = (time.monotonic() - t0) * 1000
    if b"KeyboardInterrupt" not in out and b"nterrupt" not in out:
        raise RuntimeError("no interrupted error after ^C: %r" % out[-300:])
    return ms

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

pid, fd, slave, attrs0 = spawn()
read_until(fd, PROMPT, 30)
npy = os.path.join(tmp, "big.npy")
csv = os.path.join(tmp, "big.csv")
run(fd, "import numpy as np")
run(fd, "keep = [1, 2, 3]")
run(fd, "big = np.ones((6000, 6000), dtype='float32')")          # 144 MB
with open(npy, "wb") as f:                                        # 512 MB of float32
    hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (16000, 8000), }"
    hdr += " " * (127 - 10 - len(hdr)) + "\n"
    f.write(b"\x93NUMPY\x01\x00" + len(hdr).to_bytes(2, "little") + hdr.encode())
    chunk = b"\x00\x00\x80\x3f" * (1 << 20)
    left = 16000 * 8000 * 4
    while left:
        f.write(chunk[:min(left, len(chunk))])
        left -= min(left, len(chunk))
with open(csv, "w") as f:
    row = ",".join(["1.5"] * 20) + "\n"
    f.write(row * 400000)
cases = [
    ("python loop", "while True: keep2 = keep[0] + 1", 0.3),
    ("one matmul", "prod = big @ big", 0.4),
    # one load takes under 0.1 s once its memory is on huge pages: the ^C
    # lands inside one of a run of loads
    ("large np.load", "for _ in range(100): arr = np.load(%r)" % npy, 0.15),
    ("large loadtxt", "tab = np.loadtxt(%r, delimiter=',')" % csv, 0.3),
]
has = run(fd, "print('HAS', 'load' if hasattr(np, 'load') else '', 'loadtxt' if hasattr(np, 'loadtxt') else '')")
status = 0
for name, stmt, warm in cases:
    fn = b"loadtxt" if "loadtxt" in stmt else b"load" if "np.load(" in stmt else None
    if fn and fn not in has.split(b"HAS", 1)[-1].split():
        print("ctrl-c %-14s skipped (not in this build)" % name)
        continue
    lat = [measure(fd, stmt, warm) for _ in range(rounds)]
    p95, mx = pct(lat, 95), max(lat)
    print("ctrl-c %-14s p95 %6.1f ms  max %6.1f ms  (%d rounds)" % (name, p95, mx, rounds))
    if p95 > 200:
        status = 1
out = run(fd, "print(keep, 'intact')")
if b"[1, 2, 3] intact" not in out:
    print("variables lost after interrupts: %r" % out[-200:]); status = 1

# double Ctrl-C: the second press while a statement is still running (a
# long sort that does not poll) kills nnsh with SIGINT (130 at a shell)
os.write(fd, b"srt = np.sort(np.random.rand(40000000))\r")
time.sleep(0.5)
os.write(fd, b"\x03")
time.sleep(0.05)
os.write(fd, b"\x03")
end = time.monotonic() + 20
st = None
while time.monotonic() < end:
    try:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            os.read(fd, 65536)
    except OSError:
        pass
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        break
else:
    os.kill(pid, signal.SIGKILL)
    _, st = os.waitpid(pid, 0)
    print("double ctrl-c: nnsh was still running (the sort finished before the second press?)")
code = 128 + os.WTERMSIG(st) if os.WIFSIGNALED(st) else os.WEXITSTATUS(st)
attrs1 = termios.tcgetattr(slave)
restored = (attrs1[3] & (termios.ICANON | termios.ECHO)) == (attrs0[3] & (termios.ICANON | termios.ECHO))
print("double ctrl-c: exit %d, terminal %s" % (code, "restored" if restored else "NOT restored"))
if code != 130 or not restored:
    status = 1
import shutil
shutil.rmtree(tmp, ignore_errors=True)
sys.exit(status)
PYEOF
