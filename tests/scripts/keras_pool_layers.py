"""Reference for keras_pool_layers.nns: prints its expected output.

The pooling layers written in numpy from their tf.keras 2.x definitions
(channels_last): AveragePooling2D means each window's pixels inside the
image ('same' pads bottom/right and leaves the padding out of the count),
GlobalAveragePooling2D / GlobalMaxPooling2D reduce height and width; the
gradients of sum(y * w) as TensorFlow's: w / count to each pixel of a
window, and tf.reduce_max's w shared equally by the pixels equal to the max.
summary() tables follow Keras 2.12's layer_utils.print_summary (65
columns, positions .45/.85/1.0, names cut at 27 characters and continued
on the next line).  Run: python3 keras_pool_layers.py > keras_pool_layers.out
"""
import numpy as np


def show(name, a):
    a = np.asarray(a)
    print(name, tuple(a.shape), ' '.join(str(int(round(v))) for v in a.flatten().tolist()))


def out_size(n, k, s, same):
    return -(-n // s) if same else (n - k) // s + 1


def windows(h, w, k, s, same):
    """(oy, ox, rows, cols) of each output pixel, clipped to the image."""
    oh, ow = out_size(h, k[0], s[0], same), out_size(w, k[1], s[1], same)
    pt = max((oh - 1) * s[0] + k[0] - h, 0) // 2 if same else 0
    pl = max((ow - 1) * s[1] + k[1] - w, 0) // 2 if same else 0
    for oy in range(oh):
        for ox in range(ow):
            y0, x0 = oy * s[0] - pt, ox * s[1] - pl
            yield oy, ox, slice(max(y0, 0), min(y0 + k[0], h)), slice(max(x0, 0), min(x0 + k[1], w))


def avg_pool(x, k, s=None, same=False):
    s = s or k
    b, h, w, c = x.shape
    y = np.zeros((b, out_size(h, k[0], s[0], same), out_size(w, k[1], s[1], same), c))
    for oy, ox, rs, cs in windows(h, w, k, s, same):
        y[:, oy, ox, :] = x[:, rs, cs, :].mean(axis=(1, 2))
    return y


def avg_pool_grad(x, g, k, s=None, same=False):
    s = s or k
    dx = np.zeros(x.shape)
    for oy, ox, rs, cs in windows(x.shape[1], x.shape[2], k, s, same):
        n = (rs.stop - rs.start) * (cs.stop - cs.start)
        dx[:, rs, cs, :] += g[:, oy, ox, :][:, None, None, :] / n
    return dx


def global_pool(x, op, keep):
    return op(x, axis=(1, 2), keepdims=keep)


def global_avg_grad(x, g):
    return np.broadcast_to(g.reshape(x.shape[0], 1, 1, -1) / (x.shape[1] * x.shape[2]), x.shape)


def global_max_grad(x, g):
    m = x.max(axis=(1, 2), keepdims=True)
    ind = (x == m).astype(float)
    return ind / ind.sum(axis=(1, 2), keepdims=True) * g.reshape(x.shape[0], 1, 1, -1)


def weights(shape):
    return (2520 * (np.arange(int(np.prod(shape))) % 5 - 2)).reshape(shape).astype(float)


x = (36 * ((np.arange(2 * 5 * 6 * 3) * 5) % 11 - 5)).astype(float).reshape(2, 5, 6, 3)
avg_cases = [
    ('avg_default', (2, 2), None, False),
    ('avg_32_s21_same', (3, 2), (2, 1), True),
    ('avg_3_s2_valid', (3, 3), (2, 2), False),
    ('avg_3_s1_same', (3, 3), (1, 1), True),
    ('avg_2_s1_valid', (2, 2), (1, 1), False),
]
for name, k, s, same in avg_cases:
    y = avg_pool(x, k, s, same)
    show(name, y)
    show(name + ' grad', avg_pool_grad(x, weights(y.shape), k, s, same))
for name, op, grad in (('gap', np.mean, global_avg_grad), ('gmp', np.max, global_max_grad)):
    for keep in (False, True):
        y = global_pool(x, op, keep)
        show(name + ('_keep' if keep else ''), y)
        show(name + ('_keep' if keep else '') + ' grad', grad(x, weights(y.shape)))

show('sequential', global_pool(avg_pool(x, (3, 2), (2, 1), True), np.max, False))
show('functional', global_pool(avg_pool(x, (2, 2), None, True), np.mean, True))

# attributes (strides None is the pool size) and get_config as Keras 2.12
print((3, 3), (2, 1), 'same', 'channels_last')
print((2, 2), (4, 4))
print(True, 'channels_last', False)
print(True, True, True)
print({'name': 'average_pooling2d', 'trainable': True, 'dtype': 'float32', 'pool_size': (3, 3),
       'padding': 'same', 'strides': (3, 3), 'data_format': 'channels_last'})
print({'name': 'global_average_pooling2d', 'trainable': True, 'dtype': 'float32',
       'data_format': 'channels_last', 'keepdims': False})
print({'name': 'global_max_pooling2d', 'trainable': True, 'dtype': 'float32',
       'data_format': 'channels_last', 'keepdims': True})


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


def shape_str(s):
    return '(' + ', '.join(['None'] + [str(d) for d in s]) + ')'


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


def conv_params(k, cin, f):
    return k * k * cin * f + f


c1 = out_size(12, 3, 1, False)                  # 10
p1 = out_size(c1, 2, 2, False)                  # 5
p2 = out_size(p1, 3, 2, True)                   # 3
seq_rows = [
    ('conv2d', 'Conv2D', shape_str((c1, c1, 8)), conv_params(3, 1, 8)),
    ('average_pooling2d', 'AveragePooling2D', shape_str((p1, p1, 8)), 0),
    ('conv2d_1', 'Conv2D', shape_str((p1, p1, 16)), conv_params(3, 8, 16)),
    ('average_pooling2d_1', 'AveragePooling2D', shape_str((p2, p2, 16)), 0),
    ('global_average_pooling2d', 'GlobalAveragePooling2D', shape_str((16,)), 0),
    ('dense', 'Dense', shape_str((3,)), 16 * 3 + 3),
]
summary('sequential', seq_rows)
fun_rows = [
    ('input_1', 'InputLayer', '[' + shape_str((12, 12, 1)) + ']', 0),
    ('conv2d_2', 'Conv2D', shape_str((c1, c1, 4)), conv_params(3, 1, 4)),
    ('global_max_pooling2d', 'GlobalMaxPooling2D', shape_str((1, 1, 4)), 0),
    ('global_max_pooling2d_1', 'GlobalMaxPooling2D', shape_str((4,)), 0),
    ('dense_1', 'Dense', shape_str((3,)), 4 * 3 + 3),
]
summary('model', fun_rows)

# fit / evaluate / predict of both models: History keys, 3 epochs, finite
# losses; [loss, accuracy]; softmax rows summing to 1
for _ in range(2):
    print(['accuracy', 'loss'], 3, True)
    print(2, (48, 3), 'float32', True)
# save / load: the same predictions, classes and summary; keepdims kept
print(True)
print([r[1] for r in seq_rows])
summary('sequential', seq_rows)
print(True)
print([('global_max_pooling2d', True, (None, 1, 1, 4)), ('global_max_pooling2d_1', False, (None, 4))])
# errors
print('ValueError: Input 0 of layer "gmp" is incompatible with the layer: expected ndim=4, '
      'found ndim=2. Full shape received: (None, 5)')
print('ValueError: Input 0 of layer "ap" is incompatible with the layer: expected ndim=4, '
      'found ndim=3. Full shape received: (None, 5, 4)')
print('ValueError', True)
