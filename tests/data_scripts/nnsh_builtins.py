# nnsh_builtins.py - nnsh's teaching-set built-ins written with numpy and
# sklearn, so that Python computes the expected output of data_teaching.nns
# (gen-expected.sh runs this file before a script).
import numpy as np
from sklearn.datasets import make_moons, make_circles, make_blobs


def spiral(n=100, classes=3, noise=0.2):
    # the cs231n notes' spiral, labels int64
    X = np.zeros((n * classes, 2))
    y = np.zeros(n * classes, dtype=np.int64)
    for j in range(classes):
        ix = range(n * j, n * (j + 1))
        r = np.linspace(0.0, 1, n)
        t = np.linspace(j * 4, (j + 1) * 4, n) + np.random.randn(n) * noise
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = j
    return X, y


def moons(n=200, noise=0.1, random_state=None):
    return make_moons(n_samples=n, noise=noise, random_state=random_state)


def circles(n=200, noise=0.05, factor=0.5, random_state=None):
    return make_circles(n_samples=n, noise=noise, factor=factor, random_state=random_state)


def blobs(n=200, centers=3, std=1.0, dim=2, random_state=None):
    return make_blobs(n_samples=n, centers=centers, cluster_std=std, n_features=dim,
                      random_state=random_state)


def xor(n=200, noise=0.0):
    X = np.random.uniform(-1, 1, size=(n, 2))
    y = ((X[:, 0] > 0) != (X[:, 1] > 0)).astype(np.int64)
    if noise > 0:
        X += np.random.normal(scale=noise, size=X.shape)
    return X, y
