"""Reference for keras_activations2.nns: prints its expected output.

The activation functions written in numpy from tf.keras 2.12's definitions
(keras/activations.py, keras/backend.py) and TensorFlow's kernels, with the
derivatives by hand and TensorFlow's choices at the kinks: ReluGrad,
Relu6Grad and the relu mask take x > 0 (0 at 0), LeakyReluGrad takes alpha
at 0, EluGrad (activations < 0 ? activations + 1 : 1) gives 1 at 0,
clip_by_value (minimum, then maximum) passes the gradient at its bounds.
backend.relu with a nonzero alpha and neither max_value nor threshold is
tf.nn.leaky_relu; otherwise x * (x > threshold) (or relu / relu6), clipped
to max_value, minus alpha * relu(threshold - x).  backend.elu with alpha != 1
is where(x > 0, elu(x), alpha * elu(x)).  Layer names, configs and summary
rows as Keras 2.12 prints them (LeakyReLU/ELU keep float32(alpha) and
get_config writes float() of it; ReLU keeps float32 0-d arrays).

At x = 0, TensorFlow's EluGrad and SeluGrad take the positive side's slope
(they test activations < 0).

Values print to 3 decimals; every printed value is checked to keep its
rounding under a float32-sized perturbation.  Run:
    python3 keras_activations2.py > keras_activations2.out
"""
import numpy as np

F32 = np.float32


def fmt(v):
    s = '%.3f' % v
    if v * 4096 == int(v * 4096):   # exact in float32 too (0 keeps its sign: -0.)
        return s
    eps = 4e-6                  # float32 arithmetic is off by 2e-6 at most here
    assert '%.3f' % (v + eps) == s and '%.3f' % (v - eps) == s, (v, s)
    return s


def show(name, a):
    a = np.asarray(a, dtype=np.float64)
    print(name, tuple(a.shape), ' '.join(fmt(v) for v in a.flatten().tolist()))


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softplus(x):
    return np.log1p(np.exp(x))


def k_relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """backend.relu and its derivative."""
    if alpha != 0 and max_value is None and threshold == 0:
        return np.where(x > 0, x, alpha * x), np.where(x > 0, 1.0, alpha)
    if alpha != 0:
        nin = -x + threshold
        neg, dneg = np.maximum(nin, 0), -(nin > 0).astype(float)
    clip = max_value is not None
    if threshold != 0:
        y, dy = x * (x > threshold), (x > threshold).astype(float)
    elif max_value == 6:
        y, dy = np.clip(x, 0, 6) + 0.0, ((x > 0) & (x < 6)).astype(float)
        clip = False
    else:
        y, dy = np.maximum(x, 0) + 0.0, (x > 0).astype(float)
    if clip:
        dy = dy * ((y >= 0) & (y <= max_value))
        y = np.clip(y, 0, max_value)
    if alpha != 0:
        y, dy = y - alpha * neg, dy - alpha * dneg
    return y, dy


def k_elu(x, alpha=1.0):
    res = np.where(x > 0, x, np.expm1(x))
    dres = np.where(res < 0, res + 1, 1.0)
    if alpha == 1:
        return res, dres
    return np.where(x > 0, res, alpha * res), np.where(x > 0, dres, alpha * dres)


SELU_A, SELU_S = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def selu(x):
    y = SELU_S * np.where(x > 0, x, SELU_A * np.expm1(x))
    return y, np.where(y < 0, y + SELU_S * SELU_A, SELU_S)


def erf(x):
    import math
    return np.vectorize(math.erf)(x)


def gelu(x):
    return 0.5 * x * (1 + erf(x / np.sqrt(2))), \
        0.5 * (1 + erf(x / np.sqrt(2))) + x * np.exp(-x * x / 2) / np.sqrt(2 * np.pi)


def gelu_tanh(x):
    k, c = 0.7978845608028654, 0.044715
    t = np.tanh(k * (x + c * x ** 3))
    return 0.5 * x * (1 + t), 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * c * x * x)


def hard_sigmoid(x):
    z = 0.2 * x + 0.5
    return np.clip(z, 0, 1), 0.2 * ((z >= 0) & (z <= 1))


def swish(x):
    s = sigmoid(x)
    return x * s, s + x * s * (1 - s)


def mish(x):
    t = np.tanh(softplus(x))
    return x * t, t + x * (1 - t * t) * sigmoid(x)


def f32(a):
    return float(F32(a))


x = np.array([-3.0, -1.5, -0.75, 0.0, 0.25, 1.0, 1.5, 4.0, 7.0])
w = np.arange(1.0, 10.0)
a01, a03, a02 = f32(0.1), f32(0.3), f32(0.2)
cases = [
    ('relu', k_relu(x)),
    ('relu_alpha', k_relu(x, alpha=a01)),
    ('relu_max5', k_relu(x, max_value=5.0)),
    ('relu_max6', k_relu(x, max_value=6)),
    ('relu_thr', k_relu(x, threshold=1.5)),
    ('relu_all', k_relu(x, alpha=0.5, max_value=5.0, threshold=1.5)),
    ('relu_alpha_max', k_relu(x, 0.25, 3.0)),
    ('elu', k_elu(x)),
    ('elu_alpha', k_elu(x, 2.0)),
    ('selu', selu(x)),
    ('gelu', gelu(x)),
    ('gelu_approx', gelu_tanh(x)),
    ('softplus', (softplus(x), sigmoid(x))),
    ('softsign', (x / (np.abs(x) + 1), 1 / (np.abs(x) + 1) ** 2)),
    ('swish', swish(x)),
    ('hard_sigmoid', hard_sigmoid(x)),
    ('exponential', (np.exp(x / 4), np.exp(x / 4) / 4)),
    ('linear', (x, np.ones_like(x))),
    ('sigmoid', (sigmoid(x), sigmoid(x) * (1 - sigmoid(x)))),
    ('tanh', (np.tanh(x), 1 - np.tanh(x) ** 2)),
    ('mish', mish(x)),
    ('nn_leaky_relu', k_relu(x, alpha=a02)),
    ('nn_leaky_relu_alpha', k_relu(x, alpha=a01)),
    ('nn_elu', k_elu(x)),
    ('nn_selu', selu(x)),
    ('nn_gelu_approx', gelu_tanh(x)),
    ('nn_relu6', k_relu(x, max_value=6)),
    ('nn_softplus', (softplus(x), sigmoid(x))),
    ('nn_swish', swish(x)),
    ('nn_silu', swish(x)),
    ('layer_leaky', k_relu(x, alpha=a03)),
    ('layer_leaky_alpha', k_relu(x, alpha=a01)),
    ('layer_elu', k_elu(x)),
    ('layer_elu_alpha', k_elu(x, 0.5)),
]
for name, (y, dy) in cases:
    show(name, y)
    show(name + ' grad', dy * w)

x2, w2 = x.reshape(3, 3), w.reshape(3, 3)
for name, axis in (('softmax', -1), ('softmax_axis0', 0)):
    e = np.exp(x2 - x2.max(axis=axis, keepdims=True))
    y = e / e.sum(axis=axis, keepdims=True)
    show(name, y)
    show(name + ' grad', y * (w2 - (y * w2).sum(axis=axis, keepdims=True)))
print('ValueError: Cannot apply softmax to a tensor that is 1D. Received input: '
      'tf.Tensor(%s, shape=(2,), dtype=float32)' % np.array([1.0, 2.0], dtype=F32))

# LeakyReLU()([-3.0, -1.0, 0.0, 2.0]) in float32: -3 * float32(0.3) rounds to
# -0.90000004, float32(0.3) itself is 0.30000001192092896
print([float(F32(-3.0) * F32(0.3)), -a03, 0.0, 2.0] == [-0.9000000357627869, -0.30000001192092896,
                                                       0.0, 2.0])
print((), (2, 3, 4))
show('leaky_2d', k_relu(x, alpha=a02)[0].reshape(3, 3))

# names (a session counter per base name), attributes, configs
print('leaky_re_lu', 'elu', 'leaky_re_lu_1', 'elu_1')
print(repr(np.asarray(0.3, dtype=F32)), repr(np.asarray(0.5, dtype=F32)), 'LeakyReLU', 'ELU')
base = {'trainable': True, 'dtype': 'float32'}
print({'name': 'leaky_re_lu', **base, 'alpha': a03})
print({'name': 'lr', **base, 'alpha': a01})
print({'name': 'elu', **base, 'alpha': 0.5})
print({'name': 'e', **base, 'alpha': 1.0})
z = np.asarray(0.0, dtype=F32)
print({'name': 'r6', **base, 'max_value': np.asarray(6, dtype=F32), 'negative_slope': z, 'threshold': z})
print({'name': 'r', **base, 'max_value': None, 'negative_slope': z, 'threshold': z})
print({'name': 'a', **base, 'activation': 'tanh'})
print({'name': 's', **base, 'axis': -1})

# get / serialize / deserialize (leaky_relu is tf.nn.leaky_relu), Dense
print(True, True, True)
print('sigmoid', 'softmax', True)
print(True)
print("ValueError: Unknown activation function: 'abcd'. Please ensure you are using a "
      "`keras.utils.custom_object_scope` and that this object is included in the scope.")
print('leaky_relu', [[f32(-3 * a02)] * 2] == [[-0.6000000238418579, -0.6000000238418579]])
print([[-1.5, -1.5]])


# ---------------------------------------------------------------- summary
def print_row(fields, positions=(29, 55, 65)):
    """Keras 2.12 print_summary's print_row (nested_level 0)."""
    left = [str(f) for f in fields]
    while any(left):
        line = ''
        for col in range(len(left)):
            start = positions[col - 1] if col > 0 else 0
            space = 2 if col != len(positions) - 1 else 0
            cutoff = positions[col] - start - space
            fit = left[col][:cutoff]
            cands = [fit.find(b) + len(b) for b in ('),', '},', '],', "',") if fit.find(b) >= 0]
            if cands:
                cutoff = min(cands)
                fit = fit[:cutoff]
            if col == 0:
                line += ' '
            line += fit + ' ' * space
            left[col] = left[col][cutoff:]
            line += ' ' * (positions[col] - len(line))
        print(line)


def summary(name, rows):
    print('Model: "%s"' % name)
    print('_' * 65)
    print_row(['Layer (type)', 'Output Shape', 'Param #'])
    print('=' * 65)
    for lname, cls, shape, params in rows:
        print_row(['%s (%s)' % (lname, cls), shape, params])
        print(' ' * 65)
    print('=' * 65)
    total = sum(r[3] for r in rows)
    print('Total params: {:,}'.format(total))
    print('Trainable params: {:,}'.format(total))
    print('Non-trainable params: 0')
    print('_' * 65)


summary('sequential', [
    ('dense', 'Dense', '(None, 8)', 2 * 8 + 8),
    ('leaky_re_lu', 'LeakyReLU', '(None, 8)', 0),
    ('dense_1', 'Dense', '(None, 8)', 8 * 8 + 8),
    ('elu', 'ELU', '(None, 8)', 0),
    ('dense_2', 'Dense', '(None, 1)', 8 + 1),
])
# 30 epochs; the loss falls below half its first value; all finite
print(30, True, True)
# save / load: the same predictions, classes and configs
print(True)
print(['Dense', 'LeakyReLU', 'Dense', 'ELU', 'Dense'])
print({'name': 'leaky_re_lu', **base, 'alpha': a01}, {'name': 'elu', **base, 'alpha': 1.0})
# errors: np.asarray('x', dtype='float32') and Keras's None checks
print("ValueError: could not convert string to float: 'x'")
print('ValueError: The alpha value of a Leaky ReLU layer cannot be None, Expecting a float. '
      'Received: None')
print('ValueError: Alpha of an ELU layer cannot be None, expecting a float. Received: None')
