"""Reference for keras_elementwise_call.nns: prints its expected output.

tf.keras 2.x: ReLU is tf.nn.relu (max(x, 0), +0 for negatives) without a
threshold, x * cast(x > threshold) with one (so -0 for negative x), and
max_value clips; the layers take float32, any rank.  Keras's Dense on a
1-D input fails its InputSpec (min_ndim=2).
Run: python3 keras_elementwise_call.py > keras_elementwise_call.out
"""
import numpy as np


def show(name, a):
    a = np.asarray(a, dtype=np.float32)
    print(name, tuple(a.shape), [str(v) for v in a.flatten().tolist()])


x = np.array([-2.0, -0.5, 0.0, 0.25, 3.0], dtype=np.float32)
show('relu_1d', np.maximum(x, 0) + 0.0)
show('relu_2d_new_shape', (np.maximum(x * 2, 0) + 0.0).reshape(1, 5))
show('relu_3d', (np.maximum(np.arange(-3.0, 3.0), 0) + 0.0).reshape(1, 2, 3))
show('relu_0d', np.float32(0.0))
show('relu_threshold', x * (x > 0.5).astype(np.float32))
show('relu_slope', np.where(x >= 0, x, 0.5 * x) + 0.0)
show('relu_max', np.clip(x, 0, 1) + 0.0)
show('sigmoid_1d', [0.5])
show('softmax_1d', [0.25] * 4)
show('dropout_infer', x)
show('relu_grad_1d', [0.0, 6.0, 7.0])
print('ValueError: Input 0 of layer "dense" is incompatible with the layer: '
      'expected min_ndim=2, found ndim=1. Full shape received: (2,)')
