#!/usr/bin/env python3
"""gen_format_cases.py - writes tests/unit/format_cases.h, the expected
outputs of float repr, format() specs and % formatting as Python 3 prints
them.  test_format.c checks nnsh's format.c against this table.

    python3 tests/unit/gen_format_cases.py > tests/unit/format_cases.h
"""
import math

REPR = [0.1 + 0.2, 1e16, 1e-5, 123456789.123, 5e-324, 1.7976931348623157e308,
        -0.0, 2.5, 100.0, 1 / 3, 0.0, 1.0, 0.1, 1e15, 123456789012345.0,
        1234567890123456.0, 12345678901234567.0, 0.0001, 0.00001234, 1e22,
        1e-7, -1.5, 2.0 ** 60, 9007199254740993.0, 1e100, 3.14159, 2.675,
        float('nan'), float('inf'), float('-inf'), 1.1e-4, 123.456, 1e-310]

INT_SPECS = [(42, ''), (42, 'd'), (42, '5d'), (-42, '05d'), (42, '<5'), (42, '^6'),
             (42, '*>6'), (42, '+d'), (42, ' d'), (-42, '=8'), (1234567, ','),
             (1234567, '_'), (1234, '08,'), (1234, '06,'), (255, 'x'), (255, '#X'),
             (255, '#010b'), (12345678, '_x'), (255, '#_b'), (8, 'o'), (8, '#o'),
             (65, 'c'), (233, 'c'), (5, '%'), (3, '.2f'), (7, 'e'), (42, 'n'),
             (-2 ** 63, ''), (2 ** 63 - 1, ','), (-5, '#010x'), (0, 'b'), (3, 'g'),
             (True, ''), (True, '>5'), (False, 'd'), (10, '0=+6'), (-7, '^+9')]
FLOAT_SPECS = [(0.5, '.2f'), (3.14159, '8.3f'), (3.14159, '<8.3f'), (3.14159, '^9.2f'),
               (2.5, '.0f'), (3.5, '.0f'), (0.25, '.1%'), (1234567.891, ',.2f'),
               (1e22, ',.1f'), (-1.5, '010,.2f'), (1.0, ''), (1e20, ''), (1e16, ''),
               (1.5, '>8'), (1.0, '010'), (1.0, '.0'), (100.0, '.3'), (123456.0, '.6'),
               (0.5, '.3'), (1e-5, '.3'), (0.1, '.17'), (1e100, '.3'), (12345.678, 'e'),
               (12345.678, '.2E'), (0.0000123, 'g'), (123456789.0, 'g'), (1e-5, '.3g'),
               (100.0, '#g'), (1.5, '#.0f'), (10.0, '#.0e'), (float('nan'), 'E'),
               (float('nan'), 'f'), (float('-inf'), '010.2f'), (float('inf'), '+'),
               (-0.0, 'z.1f'), (-0.001, 'z.1f'), (-0.001, '.1f'), (-0.0, ''),
               (1.0, 'n'), (1234.5, 'n'), (1.5, '=+8'), (0.1 + 0.2, ''), (2.675, '.2f'),
               (1.005, '.2f'), (1.5, '.1'), (123.456, '+.1e'), (0.0, 'g'), (0.0, '.3'),
               (5e-324, ''), (1e300, '.3e'), (3.0, '%'), (0.12345, '_.3f'),
               (1234567.0, ''), (42.0, 'G'), (1e-20, 'G'), (-12.5, ' .2f'),
               (99.995, '#.2g'), (999.9, '#.3G'), (float('inf'), '0=#12_.1G'),
               (float('-inf'), '-z012,.10E'), (5e-324, '#'), (1e100, '^ #01'), (0.1, '.50g'),
               (0.0, '#g'), (100.0, 'g'), (1e-4, '.3n')]
STR_SPECS = [('abc', ''), ('abc', '>6'), ('abc', '^7'), ('abc', '*<6'), ('abc', '.2'),
             ('abc', '6.1'), ('x', '05'), ('h\u00e9', '*^6'), ('abc', 's'),
             ('\u00e9t\u00e9', '.2'), ('ab', '\u00b7>5')]
ERR_SPECS = [(1, 'abc'), (1, 's'), (1.5, 'd'), ('a', 'd'), ('a', '=5'), ('a', '+5'),
             (1, '.2'), (1, '+c'), (1, ',x'), (1, 'z'), (1, '.'), (1.5, ',_'),
             (1, '1000000000000000000000d'), (1, '#c'), (1.5, 'x'), (True, 's'),
             ('s', ' 5'), ('s', 'z#'), ('s', ','), (1, ',n')]

# (format, args); args is a tuple of ints/floats/strs, or one value
PCT = [('%d %5.2f %s %r %x %o %e %g %c %% %-5s| %05d %+d',
        (42, 3.14159, 'hi', 'hi', 255, 8, 12345.678, 0.00001234, 65, 'ab', -42, 7)),
       ('%d', 3.99), ('%i', -3.99), ('%.3d', 5), ('%#x %#o %#X', (255, 8, 255)),
       ('%5s|%-5s|', ('a', 'b')), ('%05s', 'a'), ('%*d', (5, 3)), ('%-*d|', (5, 3)),
       ('%.*f', (2, 3.14159)), ('%r', 1.0), ('%s', 2.5), ('% d', 5), ('%+.2e', 12345.6789),
       ('%g', 1e20), ('%G', 1e-20), ('%.0f', 2.5), ('%.0f', 3.5), ('%5.1f%%', 99.44),
       ('%f', float('nan')), ('%F', float('inf')), ('%x', -255), ('%010.3f', -3.14159),
       ('%-010d|', 5), ('%a', '\u00e9'), ('abc', ()), ('%ld', 5), ('%.2s', 'abc'),
       ('%e', 5), ('%u', 5), ('%o', -8), ('%c', '\u00e9'), ('%s and %s', ('x', 'y')),
       ('%3c|', 65), ('%r', 'it\'s'), ('%s', 'é'), ('%.3g', 0.0001234), ('%#.3g', 1.0),
       ('%-8.3f|', 2.0), ('%+05d', 42), ('%x', 3735928559), ('%#.2g', 99.995),
       ('%c', True), ('%+#6.0d', 1e22), ('% #1.10s', 2.675), ('%-+6.2r', 42)]
PCT_ERR = [('%d %d', (1,)), ('%d', (1, 2)), ('%d', 'x'), ('%x', 1.5), ('%f', 'x'),
           ('%c', 'ab'), ('%q', 1), ('%', 1), ('abc', 5), ('%s', ()), ('%*d', ('a', 3)),
           ('%c', 1.5), ('%(a)s', 1), ('%5%', 1), ('%d', None)]

# str.format: (template, positional args, keyword args)
TEMPLATE = [('{} {}', (1, 2), {}), ('{0} {1} {0}', ('a', 'b'), {}), ('{x}-{y}', (), {'x': 1, 'y': 2.5}),
            ('{name:>{width}}|', (), {'name': 'ab', 'width': 6}), ('{!r}', ('hi',), {}),
            ('{:.2f}', (3.14159,), {}), ('{{}} {{{}}}', (7,), {}), ('{:{}.{}f}', (2.5, 8, 3), {}),
            ('{0!s:^7}|{0!r:^7}|', ('x',), {}), ('{:,}', (1234567,), {}), ('{:>10}', ('r',), {}),
            ('{0:3d}|{1:<4}|', (5, 'z'), {}), ('{!a}', ('\u00e9',), {}), ('{:*^9.1%}', (0.25,), {}),
            ('{} {}', (1,), {}), ('{0} {}', (1, 2), {}), ('{} {0}', (1, 2), {}), ('{', (), {}),
            ('}', (), {}), ('{x}', (), {}), ('{0!q}', (1,), {}), ('a {0', (1,), {}),
            ('{:d}', ('s',), {})]


def c_str(s):
    out = '"'
    for b in s.encode('utf-8'):
        c = chr(b)
        if c in '"\\':
            out += '\\' + c
        elif 32 <= b < 127:
            out += c
        else:
            out += '\\%03o' % b
    return out + '"'


def c_double(x):
    if math.isnan(x):
        return 'NAN'
    if math.isinf(x):
        return 'INFINITY' if x > 0 else '-INFINITY'
    return x.hex() if x != 0 or math.copysign(1, x) > 0 else '-0.0'


def c_arg(v):
    if v is None:
        return "{'n', 0, 0, NULL}"
    if isinstance(v, bool):
        return "{'b', %d, 0, NULL}" % v
    if isinstance(v, int):
        return "{'i', %dLL, 0, NULL}" % v if v != -2 ** 63 else "{'i', INT64_MIN, 0, NULL}"
    if isinstance(v, float):
        return "{'f', 0, %s, NULL}" % c_double(v)
    return "{'s', 0, 0, %s}" % c_str(v)


def outcome(fn):
    try:
        return c_str(fn()), 'NULL'
    except Exception as e:
        return 'NULL', c_str(type(e).__name__ + ': ' + str(e))


def pct_row(fmt, args):
    items = args if isinstance(args, tuple) else (args,)
    ok, err = outcome(lambda: fmt % args)
    arr = ', '.join(c_arg(v) for v in items) or "{0, 0, 0, NULL}"
    return '    {%s, %d, %d, {%s}, %s, %s},' % (c_str(fmt), isinstance(args, tuple),
                                               len(items), arr, ok, err)


def main():
    print('/* format_cases.h - generated by gen_format_cases.py from Python %s; do not edit. */'
          % '.'.join(map(str, __import__('sys').version_info[:3])))
    print('static const ReprCase repr_cases[] = {')
    for x in REPR:
        print('    {%s, %s},' % (c_double(x), c_str(repr(x))))
    print('};')
    print('static const SpecCase spec_cases[] = {')
    for v, spec in INT_SPECS + FLOAT_SPECS + STR_SPECS + ERR_SPECS:
        ok, err = outcome(lambda: format(v, spec))
        print('    {%s, %s, %s, %s},' % (c_arg(v), c_str(spec), ok, err))
    print('};')
    print('static const PctCase pct_cases[] = {')
    for fmt, args in PCT + PCT_ERR:
        print(pct_row(fmt, args))
    print('};')
    print('static const TemplateCase template_cases[] = {')
    for fmt, args, kw in TEMPLATE:
        ok, err = outcome(lambda: fmt.format(*args, **kw))
        arr = ', '.join(c_arg(v) for v in args) or "{0, 0, 0, NULL}"
        names = ', '.join(c_str(k) for k in kw) or 'NULL'
        kws = ', '.join(c_arg(v) for v in kw.values()) or "{0, 0, 0, NULL}"
        print('    {%s, %d, {%s}, %d, {%s}, {%s}, %s, %s},' % (c_str(fmt), len(args), arr,
              len(kw), names, kws, ok, err))
    print('};')


main()
