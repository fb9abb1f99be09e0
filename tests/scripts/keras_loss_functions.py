"""Reference for keras_loss_functions.nns: the tf.keras 2.x loss and metric
functions (keras/losses.py, keras/metrics/metrics.py, keras/backend.py)
written in numpy float64; gradients by central differences.
Prints the expected output: python3 keras_loss_functions.py"""
import numpy as np
EPS = 1e-7

def mse(y, p): return np.mean((p - y) ** 2, axis=-1)
def mae(y, p): return np.mean(np.abs(p - y), axis=-1)
def mape(y, p): return 100 * np.mean(np.abs((y - p) / np.maximum(np.abs(y), EPS)), axis=-1)
def msle(y, p):
    return np.mean((np.log(np.maximum(p, EPS) + 1) - np.log(np.maximum(y, EPS) + 1)) ** 2, axis=-1)
def cce(y, p, from_logits=False, label_smoothing=0.0):
    n = p.shape[-1]
    y = y * (1 - label_smoothing) + label_smoothing / n
    if from_logits:
        m = p.max(axis=-1, keepdims=True)
        logq = p - m - np.log(np.exp(p - m).sum(axis=-1, keepdims=True))
        return -np.sum(y * logq, axis=-1)
    q = np.clip(p / p.sum(axis=-1, keepdims=True), EPS, 1 - EPS)
    return -np.sum(y * np.log(q), axis=-1)
def scce(labels, p, from_logits=False):
    labels = np.asarray(labels).reshape(-1).astype(int)
    logits = p if from_logits else np.log(np.clip(p, EPS, 1 - EPS))
    m = logits.max(axis=-1, keepdims=True)
    logq = logits - m - np.log(np.exp(logits - m).sum(axis=-1, keepdims=True))
    return -logq[np.arange(len(labels)), labels]
def bce(y, p, from_logits=False, label_smoothing=0.0):
    y = y * (1 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        return np.mean(np.maximum(p, 0) - p * y + np.log1p(np.exp(-np.abs(p))), axis=-1)
    pc = np.clip(p, EPS, 1 - EPS)
    return -np.mean(y * np.log(pc + EPS) + (1 - y) * np.log(1 - pc + EPS), axis=-1)
def pm1(y): return 2 * y - 1 if np.all((y == 0) | (y == 1)) else y
def hinge(y, p): return np.mean(np.maximum(1 - pm1(y) * p, 0), axis=-1)
def squared_hinge(y, p): return np.mean(np.maximum(1 - pm1(y) * p, 0) ** 2, axis=-1)
def categorical_hinge(y, p):
    return np.maximum(np.max((1 - y) * p, axis=-1) - np.sum(y * p, axis=-1) + 1, 0)
def huber(y, p, delta=1.0):
    e = np.abs(p - y)
    return np.mean(np.where(e <= delta, 0.5 * e ** 2, delta * e - 0.5 * delta ** 2), axis=-1)
def kld(y, p):
    y = np.clip(y, EPS, 1); p = np.clip(p, EPS, 1)
    return np.sum(y * np.log(y / p), axis=-1)
def log_cosh(y, p): return np.mean(np.log(np.cosh(p - y)), axis=-1)
def poisson(y, p): return np.mean(p - y * np.log(p + EPS), axis=-1)
def binary_accuracy(y, p, threshold=0.5): return np.mean(y == (p > threshold), axis=-1)
def categorical_accuracy(y, p): return (y.argmax(-1) == p.argmax(-1)).astype(float)
def sparse_categorical_accuracy(y, p): return (np.asarray(y).reshape(-1) == p.argmax(-1)).astype(float)
def top_k(y, p, k=5):
    t = y.argmax(-1)
    return np.array([float(np.sum(p[i] > p[i, t[i]]) < k) for i in range(len(t))])

def show(name, v):
    shape = tuple(np.shape(v))
    v = np.atleast_1d(v)
    print(name, " ".join("%.4f" % (round(float(x), 4) + 0.0) for x in v.reshape(-1)),
          shape)

yr = np.array([[0.0, 1.0, 2.0], [1.5, -0.5, 0.25]])
pr = np.array([[0.5, 1.5, 0.0], [1.0, 1.0, 3.0]])
yc = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
pc = np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]])
logits = np.array([[2.0, -1.0, 0.5], [0.0, 0.0, 3.0], [-2.0, 1.0, 1.0]])
labels = np.array([1, 2, 0])
yb = np.array([[0.0, 1.0], [0.0, 0.0], [1.0, 1.0]])
pb = np.array([[0.6, 0.4], [0.4, 0.6], [1.0, 0.2]])
ypos = np.array([[1.0, 2.0], [0.5, 3.0]])
ppos = np.array([[1.5, 1.0], [0.25, 4.0]])
seq_y = np.arange(12.0).reshape(2, 2, 3) / 4
seq_p = np.arange(12.0)[::-1].reshape(2, 2, 3) / 5

show("mse", mse(yr, pr))
show("mae", mae(yr, pr))
show("mape", mape(ypos, ppos))
show("msle", msle(ypos, ppos))
show("cce", cce(yc, pc))
show("cce_logits", cce(yc, logits, from_logits=True))
show("cce_smooth", cce(yc, pc, label_smoothing=0.1))
show("scce", scce(labels, pc))
show("scce_col", scce(labels.reshape(3, 1), pc))
show("scce_logits", scce(labels, logits, from_logits=True))
show("bce", bce(yb, pb))
show("bce_logits", bce(yb, logits[:, :2], from_logits=True))
show("bce_smooth", bce(yb, pb, label_smoothing=0.2))
show("hinge01", hinge(yb, logits[:, :2]))
show("hinge_pm1", hinge(np.array([[-1.0, 1.0], [1.0, 1.0]]), pr[:, :2]))
show("squared_hinge", squared_hinge(yb, logits[:, :2]))
show("categorical_hinge", categorical_hinge(yc, logits))
show("huber", huber(yr, pr))
show("huber_d2", huber(yr, pr, delta=2.0))
show("kld", kld(yc, pc))
show("log_cosh", log_cosh(yr, pr))
show("poisson", poisson(ypos, ppos))
show("seq_mse", mse(seq_y, seq_p))
show("vector_mse", mse(np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 5.0])))
show("f64_mae", mae(yr, pr))
print("<dtype: 'float64'> <dtype: 'float32'>")   # TF keeps y_pred's float64
show("binary_accuracy", binary_accuracy(yb, pb))
show("binary_accuracy_t", binary_accuracy(yb, pb, threshold=0.3))
show("categorical_accuracy", categorical_accuracy(yc, pc))
show("sparse_categorical_accuracy", sparse_categorical_accuracy(labels, pc))
show("top_k_1", top_k(yc, pc, k=1))
show("top_k_2", top_k(yc, pc, k=2))
def accuracy(y, p): return (y == p.astype(y.dtype)).astype(float)   # y_pred cast to y_true's dtype
show("accuracy_int", accuracy(np.array([[1, 2], [3, 4]]), np.array([[1.0, 2.7], [3.0, 0.0]])))
show("accuracy_float", accuracy(np.array([0.5, 1.0, 2.0]), np.array([0.5, 1.5, 2.0])))

# gradients of sum(w * loss(y, p)) w.r.t. p, by central differences
w = np.array([1.0, -2.0, 0.5])
def num_grad(f, y, p, h=1e-6):
    g = np.zeros_like(p)
    for i in np.ndindex(p.shape):
        a = p.copy(); a[i] += h
        b = p.copy(); b[i] -= h
        g[i] = (np.sum(w[:len(p)] * f(y, a)) - np.sum(w[:len(p)] * f(y, b))) / (2 * h)
    return g
show("grad_mse", num_grad(mse, yr, pr))
show("grad_cce", num_grad(cce, yc, pc * 0.9 + 0.05))
show("grad_cce_logits", num_grad(lambda y, p: cce(y, p, from_logits=True), yc, logits))
show("grad_scce", num_grad(scce, labels, pc * 0.9 + 0.05))
show("grad_bce", num_grad(bce, yb, pb * 0.9 + 0.05))
show("grad_huber", num_grad(huber, yr, pr))
show("grad_log_cosh", num_grad(log_cosh, yr, pr))
show("grad_kld", num_grad(kld, yc, pc * 0.9 + 0.05))

# compile accepts the functions; then the errors nnsh gives where Keras's
# broadcasting would silently build a (2, 2) matrix, and for a bad label
print("True")
show("broadcast_mse", mse(np.array([1.0, 2.0]), np.array([[1.0, 4.0], [0.0, 2.0]])))
print("ValueError: mean_squared_error: y_true of shape (2,) does not match y_pred of shape (2, 1)")
print("ValueError: Received a label value of 3 which is outside the valid range of [0, 3).")
