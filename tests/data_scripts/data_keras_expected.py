#!/usr/bin/python3
"""data_keras_expected.py - the Fashion-MNIST lines of data_keras.out,
computed from the Debian package's IDX files with Python's gzip module and
numpy (an independent reader; TensorFlow is not in Debian)."""
import gzip
import numpy as np

d = '/usr/share/datasets/fashion-mnist/'


def images(f):
    return np.frombuffer(gzip.open(d + f).read(), np.uint8, offset=16).reshape(-1, 28, 28)


def labels(f):
    return np.frombuffer(gzip.open(d + f).read(), np.uint8, offset=8)


x_train, y_train = images('train-images-idx3-ubyte.gz'), labels('train-labels-idx1-ubyte.gz')
x_test, y_test = images('t10k-images-idx3-ubyte.gz'), labels('t10k-labels-idx1-ubyte.gz')
print(x_train.shape, y_train.shape, x_test.shape, y_test.shape)
print(x_train.dtype, y_train.dtype)
print(y_train[:10], y_test[:10])
print(x_train[0, 10, 8:20])
print(x_test.sum(), y_train.sum())
