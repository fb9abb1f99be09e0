#!/bin/sh
# bad-inputs.sh - the bad inputs of the issues so far, each (1) as a script:
# exit status 1, exactly one "FILE:LINE:COL: error: Kind: message" line on
# stderr (plus the source line and caret), never a signal; and (2) typed at
# the prompt through a pseudo-terminal: an error, then the session goes on
# with its variables.  A 1 MiB line is not an error: it gives its result.
top=$(cd "$(dirname "$0")/../.." && pwd)
NNSH=${NNSH:-$top/src/nnsh}
PY=${PYTHON3:-/usr/bin/python3}
[ -x "$NNSH" ] || { echo "bad-inputs: $NNSH not built"; exit 77; }
exec "$PY" - "$NNSH" <<'PYEOF'
import os, pty, re, select, subprocess, sys, tempfile, time, shutil

nnsh = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="nnsh-bad-")
with open(os.path.join(tmp, "bad.npy"), "wb") as f:
    f.write(b"\x93NUMPY\x01\x00\x76\x00{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }")
with open(os.path.join(tmp, "bad.idx"), "wb") as f:
    f.write(b"\x00\x00\x08\x03\x7f\xff\xff\xff\x7f\xff\xff\xff\x7f\xff\xff\xff")
with open(os.path.join(tmp, "bad.csv"), "w") as f:
    f.write("1,2,3\n4,five,6\n")
with open(os.path.join(tmp, "ragged.csv"), "w") as f:
    f.write("1,2,3\n4,5\n")
with open(os.path.join(tmp, "junk.npz"), "wb") as f:
    f.write(b"PK\x03\x04" + bytes(range(200)))

CASES = [
    ("5000 nested parentheses", "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n"),
    ("5000 nested lists", "x = " + "[" * 5000 + "]" * 5000 + "\n"),
    ("unbounded recursion", "def f(n):\n    return f(n + 1)\nf(0)\n"),
    ("a NUL byte", "x = 1\ny = \x002\n"),
    ("mixed tabs and spaces", "if True:\n\tx = 1\n        y = 2\n"),
    ("division by zero", "print(1 / 0)\n"),
    ("modulo by zero", "print(5 % 0)\n"),
    ("an undefined name", "print(undefined_name)\n"),
    ("import pandas", "import pandas\n"),
    ("an unclosed bracket", "x = [1, 2\n"),
    ("a huge repetition", "s = 'ab' * (10 ** 15)\n"),
    ("a huge tensor", "import numpy as np\nz = np.zeros((100000, 100000, 100000))\n"),
    ("a broadcast error", "import numpy as np\nz = np.ones(3) + np.ones(4)\n"),
    ("a .npy header lying about its size", "import numpy as np\na = np.load('bad.npy')\n"),
    ("a junk .npz", "import numpy as np\na = np.load('junk.npz')\n"),
    ("a text field that is not a number", "import numpy as np\na = np.loadtxt('bad.csv', delimiter=',')\n"),
    ("a ragged text table", "import numpy as np\na = np.loadtxt('ragged.csv', delimiter=',')\n"),
    ("a missing file", "import numpy as np\na = np.load('no-such-file.npy')\n"),
    ("float overflow", "import math\nx = math.exp(1000)\n"),
    ("an int too large to hold", "x = 2 ** (10 ** 12)\n"),
]
ERR = re.compile(r"^[^:\n]+:\d+:\d+: error: ")
fails = 0

def report(ok, what, detail=""):
    global fails
    print(("PASS: " if ok else "FAIL: ") + what)
    if not ok:
        print("    " + detail[:400].replace("\n", "\n    "))
        fails += 1

for name, src in CASES:
    path = os.path.join(tmp, "case.nns")
    with open(path, "w") as f:
        f.write(src)
    t0 = time.monotonic()
    p = subprocess.run([nnsh, "case.nns"], cwd=tmp, capture_output=True, timeout=60,
                       env=dict(os.environ, HOME=tmp, NNSH_QUICK="1"))
    err = p.stderr.decode("utf-8", "replace")
    # a sanitizer build notes refused allocations on stderr ("==PID==WARNING:
    # AddressSanitizer failed to allocate ..."): not nnsh's output
    err = "".join(l for l in err.splitlines(True) if not l.startswith("=="))
    lines = [l for l in err.splitlines() if ": error: " in l]
    ok = p.returncode == 1 and len(lines) == 1 and ERR.match(err) is not None
    ok = ok and len(err.splitlines()) <= 3
    report(ok, "script: %s (%.0f ms)" % (name, (time.monotonic() - t0) * 1000),
           "status %d, stderr: %r" % (p.returncode, err[:300]))

# the 1 MiB line gives its result
with open(os.path.join(tmp, "long.nns"), "w") as f:
    f.write("s = '" + "a" * (1 << 20) + "'\nprint(len(s))\n")
p = subprocess.run([nnsh, "long.nns"], cwd=tmp, capture_output=True, timeout=60,
                   env=dict(os.environ, HOME=tmp))
report(p.returncode == 0 and p.stdout == b"1048576\n", "script: a 1 MiB line", repr(p.stderr[:200]))

# at the prompt: each bad input, then the session goes on
PROMPT = b"nnsh> "
pid, fd = pty.fork()
if pid == 0:
    os.chdir(tmp)
    os.environ.update(HOME=tmp, TERM="xterm", NNSH_QUICK="1", INPUTRC="/dev/null")
    os.execv(nnsh, [nnsh, "-q"])

def read_until(pat, timeout=60):
    buf, end = b"", time.monotonic() + timeout
    while pat not in buf:
        r, _, _ = select.select([fd], [], [], max(0, end - time.monotonic()))
        if not r:
            raise TimeoutError(buf[-300:])
        buf += os.read(fd, 1 << 20)
    return buf

def settle(pats, timeout=60, quiet=0.3):
    """Reads until the output ends with one of pats and then stays quiet."""
    buf, end = b"", time.monotonic() + timeout
    while time.monotonic() < end:
        wait = quiet if any(buf.endswith(p) for p in pats) else max(0, end - time.monotonic())
        r, _, _ = select.select([fd], [], [], wait)
        if not r:
            if any(buf.endswith(p) for p in pats):
                return buf
            break
        buf += os.read(fd, 1 << 20)
    raise TimeoutError(buf[-300:])

def send(src):
    for line in src.split("\n"):
        os.write(fd, line.encode("utf-8", "surrogateescape") + b"\r")
        time.sleep(0.01)

read_until(PROMPT)
send("keep = [1, 2, 3]\n")
read_until(PROMPT)
for name, src in CASES:
    if "\x00" in src:
        continue          # a terminal cannot carry a NUL byte
    send(src if src.endswith("\n\n") else src + "\n")
    # wait for the statement to finish; Ctrl-C only clears a continuation
    # left by an unclosed construct (a Ctrl-C racing the next typed line
    # would clear that line instead)
    if settle([PROMPT, b"... "]).endswith(b"... "):
        os.write(fd, b"\x03")
        settle([PROMPT])
    os.write(fd, b"print('alive', keep)\r")
    out = read_until(b"nnsh> ", 30)
    while b"alive [1, 2, 3]" not in out:
        out += read_until(PROMPT, 30)
    report(True, "prompt: %s, then the session goes on" % name)
os.write(fd, b":quit\r")
os.waitpid(pid, 0)
shutil.rmtree(tmp, ignore_errors=True)
sys.exit(1 if fails else 0)
PYEOF
