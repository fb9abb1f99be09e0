#!/usr/bin/python3
# gen-seed-fashion.py - writes seed_6_1_fashion.out: what numpy makes of the
# Fashion-MNIST IDX files after the seed tutorial's preprocessing (reshape to
# 784, / 255.0, to_categorical as float32 one-hot).  Run from tests/scripts:
#   /usr/bin/python3 gen-seed-fashion.py > seed_6_1_fashion.out
import gzip
import numpy as np

DIR = '/usr/share/datasets/fashion-mnist/'


def idx(name, offset):
    with gzip.open(DIR + name) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


x_train = idx('train-images-idx3-ubyte.gz', 16).reshape(-1, 784) / 255.0
x_test = idx('t10k-images-idx3-ubyte.gz', 16).reshape(-1, 784) / 255.0
eye = np.eye(10, dtype=np.float32)
y_train = eye[idx('train-labels-idx1-ubyte.gz', 8)]
y_test = eye[idx('t10k-labels-idx1-ubyte.gz', 8)]
print(x_train.shape, x_train.dtype, x_train.min(), x_train.max())
print(x_test.shape, x_test.dtype, x_test.min(), x_test.max())
print(round(float(x_train.mean()), 4), round(float(x_test.mean()), 4))
print(y_train.shape, y_train.dtype, y_test.shape, y_test.dtype)
print(y_train.sum(axis=0))
print(y_test.sum(axis=0))
print(np.argmax(y_train[:10], axis=1), np.argmax(y_test[:10], axis=1))
