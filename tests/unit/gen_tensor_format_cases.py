#!/usr/bin/python3
"""gen_tensor_format_cases.py - expected numpy 1.24 / TF 2 text of arrays.

Writes tests/unit/tensor_format_cases.h: for every case, the raw values (as
exact C initialisers, so the C test builds bit-identical arrays), the print
options, and the strings numpy itself produced: str(a), repr(a), and TF's
tf.Tensor __str__ / __repr__ built the way TF builds them from numpy's text
(tensorflow/python/framework/ops.py: _numpy_text puts the text on a new line
when it has several lines; a 0-d tensor's value is a numpy scalar).

Run:  /usr/bin/python3 tests/unit/gen_tensor_format_cases.py > tests/unit/tensor_format_cases.h

With `--random N SEED` it writes N random arrays and options instead of the
committed table: compile test_tensor_format.c against that header (put its
directory first on the include path) for a wider sweep.
"""
import sys
import numpy as np

assert np.__version__.startswith("1.24"), np.__version__

DT = {np.dtype(np.bool_): "NN_BOOL", np.dtype(np.uint8): "NN_U8",
      np.dtype(np.int32): "NN_I32", np.dtype(np.int64): "NN_I64",
      np.dtype(np.float32): "NN_F32", np.dtype(np.float64): "NN_F64"}

VIEW_NONE, VIEW_T, VIEW_REV = 0, 1, 2

CASES = []


def case(name, a, view=VIEW_NONE, **opts):
    CASES.append((name, np.asarray(a), view, opts))


rng = np.random.default_rng(1234)
f32, f64, i32, i64, u8 = np.float32, np.float64, np.int32, np.int64, np.uint8

# ---- float64 1-D ----
case("f64 ints", np.array([1.0, 2.0, 3.0]))
case("f64 half", np.array([0.5, 1.0]))
case("f64 tenths", np.array([0.1, 0.2, 0.3]))
case("f64 thirds", np.array([1 / 3, 2 / 3, 1.0]))
case("f64 sign pad", np.array([-1.0, 2.0]))
case("f64 neg zero", np.array([-0.0, 0.0, 1.5]))
case("f64 sci small", np.array([1e-5, 1.0]))
case("f64 sci big", np.array([1e8, 1.0]))
case("f64 1e8 alone", np.array([123456789.0]))
case("f64 just below 1e8", np.array([99999999.5, 3.25]))
case("f64 1e-4 edge", np.array([1e-4, 1e-3]))
case("f64 ratio 2000", np.array([1.0, 2000.0]))
case("f64 ratio 1000", np.array([1.0, 1000.0]))
case("f64 sci digits", np.array([1.5e-5, 1.0, -2.25e3]))
case("f64 sci 3-digit exp", np.array([1e100, 1e-100, 1.0]))
case("f64 extremes", np.array([5e-324, 1.7976931348623157e308]))
case("f64 pi multiples", np.arange(6) * np.pi)
case("f64 0.1+0.2", np.array([0.1 + 0.2, 1.0]))
case("f64 long digits", np.array([1.0000000001, 2.123456789123]))
case("f64 round up", np.array([0.999999999, 9.9999999999]))
case("f64 randn 10", rng.standard_normal(10))
case("f64 randn 30 wraps", rng.standard_normal(30))
case("f64 linspace 50", np.linspace(0, 1, 50))
case("f64 nan inf", np.array([np.nan, 1.0, np.inf, -np.inf]))
case("f64 nan only", np.array([np.nan, np.nan]))
case("f64 inf only", np.array([np.inf]))
case("f64 -inf nan", np.array([-np.inf, np.nan]))
case("f64 nan with sci", np.array([np.nan, 1e-5, 1.0]))
case("f64 nan with long", np.array([np.nan, 0.123456, 12.5]))
case("f64 powers of two", np.array([2.0 ** -20, 2.0 ** 30, 0.75]))
case("f64 big 1200", rng.standard_normal(1200) * 10)
case("f64 uniform 1001", rng.uniform(0, 1, 1001))

# ---- float32 ----
case("f32 tenths", np.array([0.1, 0.2, 0.3], f32))
case("f32 ints", np.array([1, 2], f32))
case("f32 half", np.array([0.5, 1.0], f32))
case("f32 randn 20", rng.standard_normal(20).astype(f32))
case("f32 1e-4 edge", np.array([1e-4, 1e-3], f32))
case("f32 pi", np.array([3.14159265, -2.7182817], f32))
case("f32 2^24", np.array([16777216.0, 1.5], f32))
case("f32 big ints exact", np.array([-85080976., -3012394.8, 33554436.0], f32))
case("f64 units exact", np.array([99999999.0, 12345678.9, 3.0e7]))
case("f32 1e-7", np.array([1e-7, 1.0], f32))
case("f32 softmax", (lambda z: (np.exp(z) / np.exp(z).sum()).astype(f32))(rng.standard_normal(10)))
case("f32 3x4", rng.standard_normal((3, 4)).astype(f32))
case("f32 1001", rng.standard_normal(1001).astype(f32))
case("f32 ratio rounding", np.array([1.0, 1000.0001], f32))
case("f32 big values", np.array([3.4028235e38, 1.0e10, -7.5], f32))
case("f32 nan inf", np.array([np.nan, -np.inf, 0.25], f32))
case("f32 10x10 wraps", rng.standard_normal((10, 10)).astype(f32))
case("f32 probabilities", rng.uniform(0, 1, (4, 3)).astype(f32))

# ---- ints, uint8, bool ----
case("i32 multiply", np.array([4, 10, 18], i32))
case("i64 small", np.array([1, 2, 3], i64))
case("i64 negatives", np.array([-5, 100, 3], i64))
case("i64 huge", np.array([-9223372036854775808, 9223372036854775807, 0], i64))
case("i32 arange 100 wraps", np.arange(100, dtype=i32))
case("i64 arange 1001", np.arange(1001, dtype=i64))
case("i64 40x50", np.arange(2000, dtype=i64).reshape(40, 50))
case("u8 values", np.array([0, 255, 7], u8))
case("u8 image", rng.integers(0, 256, (4, 4, 3)).astype(u8))
case("bool pair", np.array([True, False]))
case("bool 2x3", np.array([[True, False, True], [False, False, True]]))
case("bool 50 wraps", rng.uniform(size=50) > 0.5)
case("bool 1500", np.arange(1500) % 3 == 0)
case("i32 2x2", np.array([[1, 2], [3, 4]], i32))

# ---- 0-d ----
case("0d i64", np.array(5, i64))
case("0d i32", np.array(32, i32))
case("0d f64 half", np.array(0.5))
case("0d f32 half", np.array(0.5, f32))
case("0d f32 six", np.array(6.0, f32))
case("0d f32 tenth", np.array(0.1, f32))
case("0d f64 1e-5", np.array(1e-5))
case("0d f64 1e16", np.array(1e16))
case("0d f64 1.5e16", np.array(1.5e16))
case("0d f32 1e-4", np.array(1e-4, f32))
case("0d f64 1e-4", np.array(1e-4))
case("0d f64 precision", np.array(0.123456789012))
case("0d nan", np.array(np.nan))
case("0d -inf f32", np.array(-np.inf, f32))
case("0d neg zero f32", np.array(-0.0, f32))
case("0d f64 0.1+0.2", np.array(0.1 + 0.2))
case("0d f64 big int", np.array(123456789012345678.0))
case("0d bool", np.array(False))
case("0d bool true", np.array(True))
case("0d u8", np.array(200, u8))

# ---- N-D ----
case("2d f64", np.array([[1.5, 2.0], [3.0, -4.0]]))
case("2d zeros", np.zeros((3, 3)))
case("2d eye f32", np.eye(3, dtype=f32))
case("2d randn 5x5", rng.standard_normal((5, 5)))
case("2d zeros 100x100", np.zeros((100, 100), f32))
case("2d 1x3", np.array([[1, 2, 3]], i32))
case("2d 3x1", np.array([[1.0], [2.0], [3.0]], f32))
case("3d arange", np.arange(8, dtype=i64).reshape(2, 2, 2))
case("3d f64 2x3x4", np.arange(24, dtype=f64).reshape(2, 3, 4) / 7)
case("4d arange", np.arange(16, dtype=i32).reshape(2, 2, 2, 2))
case("3d 11x10x10", np.arange(1100, dtype=f64).reshape(11, 10, 10))
case("4d 5x5x5x5", np.arange(625, dtype=i64).reshape(5, 5, 5, 5))
case("4d 3x4x5x20", rng.standard_normal((3, 4, 5, 20)).astype(f32))
case("2d wide wraps", rng.standard_normal((2, 12)))
case("3d sci", np.array([[[1e-6, 1.0]], [[2.0, 3e5]]]))

# ---- empty ----
case("empty f64", np.zeros((0,)))
case("empty f32", np.zeros((0,), f32))
case("empty i32", np.zeros((0,), i32))
case("empty i64", np.zeros((0,), i64))
case("empty bool", np.zeros((0,), bool))
case("empty 0x3", np.zeros((0, 3)))
case("empty 3x0", np.zeros((3, 0), i32))
case("empty 2x0x2", np.zeros((2, 0, 2), f32))

# ---- options ----
case("precision 3", rng.standard_normal(8), precision=3)
case("precision 3 thirds", np.array([1 / 3, 2 / 3], f32), precision=3)
case("precision 3 sci", np.array([1.23456e-5, 1.0]), precision=3)
case("precision 2 round", np.array([0.125, 0.375, 2.675]), precision=2)
case("suppress tiny", np.array([1e-10, 1.0]), suppress=True)
case("suppress 1e-5", np.array([1e-5, 1.0, -1e-12]), suppress=True)
case("suppress still 1e8", np.array([1e9, 1.0]), suppress=True)
case("threshold 5", np.arange(10, dtype=i64), threshold=5)
case("threshold 5 2d", np.arange(30, dtype=i64).reshape(5, 6), threshold=5)
case("edgeitems 2", np.arange(20, dtype=f64), threshold=10, edgeitems=2)
case("linewidth 40", rng.standard_normal(12), linewidth=40)
case("linewidth 20 2d", np.arange(30, dtype=i32).reshape(3, 10), linewidth=20)
case("sign plus", np.array([1.0, -2.5, 0.0]), sign="+")
case("sign plus nan", np.array([np.nan, np.inf, 1.0]), sign="+")
case("sign space", np.array([1.0, 2.0]), sign=" ")
case("sign space neg", np.array([-1.0, 2.0]), sign=" ")
case("sign plus sci", np.array([1e-5, -1.0]), sign="+")
case("nanstr infstr", np.array([np.nan, np.inf, -np.inf, 1.0]), nanstr="NaN", infstr="Infinity")

# ---- legacy='1.13' ----
L13 = dict(legacy="1.13")
case("legacy f64", np.array([1.0, -2.5, 0.125]), **L13)
case("legacy f64 pos", np.array([0.5, 1.0]), **L13)
case("legacy sci", np.array([1e-5, 1.0, -3.0]), **L13)
case("legacy 0d f32", np.array(0.1, f32), **L13)
case("legacy 0d f64", np.array(1e-5), **L13)
case("legacy 0d i32", np.array(7, i32), **L13)
case("legacy wrap", rng.standard_normal(20), **L13)
case("legacy repr wrap i32", np.arange(10, 30, dtype=i32), **L13)
case("legacy summary", np.arange(2000, dtype=i64), **L13)
case("legacy summary 2d", np.arange(1200, dtype=f64).reshape(30, 40), **L13)
case("legacy nan", np.array([np.nan, np.inf, 1.5]), **L13)
case("legacy bool", np.array([True, False]), **L13)
case("legacy sign plus ignored", np.array([1.0, -2.0]), sign="+", **L13)

# ---- strided views (built in C from the base, then viewed) ----
case("view transpose 3x4", np.arange(12, dtype=f64).reshape(3, 4), VIEW_T)
case("view reverse", np.arange(6, dtype=i32), VIEW_REV)
case("view transpose 3d", rng.standard_normal((2, 3, 4)).astype(f32), VIEW_T)
case("view reverse 2d", np.arange(6, dtype=f64).reshape(2, 3) / 4, VIEW_REV)

# ---- repr: where the dtype goes on its own line ----
for n in (6, 7, 8, 9):
    case("repr dtype line f32 %d" % n, np.linspace(0, 1, n, dtype=f32) + f32(0.125))
for n in (17, 18, 19, 20, 21):
    case("repr dtype line i32 %d" % n, np.arange(10, 10 + n, dtype=i32))
case("repr dtype line u8 2d", np.arange(60, dtype=u8).reshape(3, 20))


def random_values(r, dt, shape):
    n = int(np.prod(shape))
    if dt == np.bool_:
        return r.uniform(size=shape) < r.uniform()
    if dt.kind in "iu":
        info = np.iinfo(dt)
        hi = min(int(info.max), 10 ** int(r.integers(1, 19)))
        lo = max(int(info.min), -hi if r.uniform() < 0.5 else 0)
        return r.integers(lo, hi, size=shape, endpoint=True).astype(dt)
    kind = r.integers(0, 9)
    x = r.standard_normal(n) * 10.0 ** r.integers(-12, 13)
    if kind == 1:
        x = np.round(r.standard_normal(n) * 100, int(r.integers(0, 4)))
    elif kind == 2:
        x = 2.0 ** r.integers(-30, 40, n) * r.choice([-1, 1], n)
    elif kind == 3:
        x = r.standard_normal(n) * 10.0 ** r.integers(-8, 9, n)
    elif kind == 4:
        x = r.integers(-1000, 1000, n).astype(np.float64)
    elif kind == 5:
        x = r.uniform(0, 1, n)
    elif kind == 7:
        x = r.uniform(1e5, 1.2e8, n) * r.choice([-1, 1], n)
    elif kind == 8:
        edges = np.array([1e-4, 1e8, 1e3, 1.0, 0.5, 1e16, 1e-5])
        x = r.choice(edges, n) * (1 + r.choice([0, 1e-7, -1e-7, 1e-12, -1e-16], n))
    special = r.uniform(size=n) < (0.1 if r.uniform() < 0.3 else 0)
    x[special] = r.choice([np.nan, np.inf, -np.inf, 0.0, -0.0, 5e-324, 1e-310], special.sum())
    with np.errstate(over="ignore"):
        return x.astype(dt).reshape(shape)


def random_cases(count, seed):
    r = np.random.default_rng(seed)
    dts = [np.dtype(t) for t in (np.bool_, np.uint8, np.int32, np.int64, np.float32, np.float64)]
    del CASES[:]
    for k in range(count):
        dt = dts[r.integers(0, len(dts))]
        ndim = int(r.integers(0, 5))
        shape = tuple(int(d) for d in r.integers(0 if r.uniform() < 0.1 else 1, 7, ndim))
        if ndim and r.uniform() < 0.2:
            shape = shape[:-1] + (int(r.integers(20, 1200)),)
        if int(np.prod(shape)) > 4000:
            shape = (int(r.integers(1, 30)),)
        opts = {}
        if r.uniform() < 0.5:
            opts = dict(precision=int(r.integers(0, 13)), suppress=bool(r.uniform() < 0.3),
                        threshold=int(r.choice([1000, 5, 50, 200])),
                        edgeitems=int(r.integers(1, 5)), linewidth=int(r.integers(20, 121)),
                        sign=str(r.choice(["-", "+", " "])))
            if r.uniform() < 0.3:
                opts["legacy"] = "1.13"
        case("random %d" % k, random_values(r, dt, shape), int(r.integers(0, 3)), **opts)


def c_string(s):
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def c_values(base):
    flat = base.ravel()
    if base.dtype.kind == "f":
        vals = []
        for v in flat.astype(np.float64):
            if np.isnan(v):
                vals.append("NAN")
            elif np.isinf(v):
                vals.append("INFINITY" if v > 0 else "-INFINITY")
            elif float(v).is_integer() and abs(v) < 2.0 ** 53 and not np.signbit(v):
                vals.append("%d.0" % int(v))
            else:
                vals.append(float(v).hex())
        return "d", vals
    vals = []
    for v in flat:
        iv = int(v)
        vals.append("INT64_MIN" if iv == -2 ** 63 else "%dLL" % iv)
    return "i", vals


def shown(base, view):
    if view == VIEW_T:
        return base.T
    if view == VIEW_REV and base.ndim > 0:
        return base[::-1]
    return base


def tf_text(a, is_repr):
    if a.ndim == 0:
        text = repr(a[()]) if is_repr else str(a[()])
    else:
        text = repr(a) if is_repr else str(a)
    return ("\n" + text) if "\n" in text else text


def shape_text(a):
    return str(tuple(int(d) for d in a.shape))


def expected(a, opts):
    with np.printoptions(**opts):
        s, r = str(a), repr(a)
        tf = "tf.Tensor(%s, shape=%s, dtype=%s)" % (tf_text(a, False), shape_text(a), a.dtype.name)
        tfr = "<tf.Tensor: shape=%s, dtype=%s, numpy=%s>" % (shape_text(a), a.dtype.name,
                                                            tf_text(a, True))
    return s, r, tf, tfr


def main():
    out = sys.stdout
    out.write("/* tensor_format_cases.h - generated by gen_tensor_format_cases.py with numpy %s;\n"
              " * do not edit.  Expected numpy str/repr and TF text per array. */\n\n" % np.__version__)
    out.write("#include <math.h>\n#include <stdint.h>\n\n")
    for k, (name, base, view, opts) in enumerate(CASES):
        kind, vals = c_values(base)
        ctype = "double" if kind == "d" else "long long"
        body = ", ".join(vals) if vals else "0"
        out.write("static const %s case%d_data[] = {%s};\n" % (ctype, k, body))
    out.write("\nstatic const FmtCase fmt_cases[] = {\n")
    for k, (name, base, view, opts) in enumerate(CASES):
        a = shown(base, view)
        s, r, tf, tfr = expected(a, opts)
        kind, _ = c_values(base)
        shape = ", ".join(str(d) for d in base.shape) or "0"
        data = ("case%d_data, NULL" if kind == "d" else "NULL, case%d_data") % k
        o = dict(precision=8, threshold=1000, edgeitems=3, linewidth=75, suppress=False,
                 sign="-", nanstr="nan", infstr="inf", legacy=False)
        o.update(opts)
        out.write("    {%s, %s, %d, {%s}, %s, %d, %d,\n" % (
            c_string(name), DT[base.dtype], base.ndim, shape, data, view, int(not opts)))
        out.write("     {%d, %dLL, %d, %d, %s, %s, %s, '%s', %s},\n" % (
            o["precision"], o["threshold"], o["edgeitems"], o["linewidth"],
            "true" if o["suppress"] else "false", c_string(o["nanstr"]),
            c_string(o["infstr"]), o["sign"], "true" if o["legacy"] == "1.13" else "false"))
        out.write("     %s,\n     %s,\n     %s,\n     %s},\n" % (
            c_string(s), c_string(r), c_string(tf), c_string(tfr)))
    out.write("};\n\n#define N_FMT_CASES %d\n" % len(CASES))


if len(sys.argv) == 4 and sys.argv[1] == "--random":
    random_cases(int(sys.argv[2]), int(sys.argv[3]))
main()
