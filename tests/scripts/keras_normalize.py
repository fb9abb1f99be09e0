"""Reference for keras_normalize.nns: Keras 2.x utils.normalize written in numpy."""
import numpy as np
def normalize(x, axis=-1, order=2):
    l2 = np.atleast_1d(np.linalg.norm(x, order, axis))
    l2[l2 == 0] = 1
    return x / np.expand_dims(l2, axis)
x = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, -1.0]])
print(normalize(x))
print(normalize(x, axis=0))
print(normalize(x, order=1))
print(normalize(np.array([[1, 2], [3, 4]])))
y = normalize(np.array([[1.0, 2.0]], dtype=np.float32))
print(y.dtype, y)
