/* test_value.c - the value layer: dict ordering, deletion and growth,
 * hashing equalities (1 == 1.0 == True), repr of core values (expected
 * strings are what Python 3 prints), operators' Python semantics and
 * their error messages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdio.h>
#include <cmocka.h>
#include "interp.h"

static int setup(void **state)
{
    Interp *I = interp_new();
    *state = I;
    return I ? 0 : -1;
}

static int teardown(void **state)
{
    interp_free(*state);
    return 0;
}

static Value str(Interp *I, const char *s)
{
    Value v;
    assert_true(str_from_cstr(I, s, &v));
    return v;
}

static void assert_repr(Interp *I, Value v, const char *want)
{
    StrBuf sb;
    sb_init(&sb);
    assert_true(value_repr(I, v, &sb));
    assert_string_equal(sb.data ? sb.data : "", want);
    sb_free(&sb);
}

static void test_dict_order_and_delete(void **state)
{
    Interp *I = *state;
    Value d, v;
    bool found;
    assert_true(dict_new(I, &d));
    const char *keys[] = {"b", "a", "c"};
    for (int i = 0; i < 3; i++) {
        Value k = str(I, keys[i]);
        assert_true(dict_set(I, d, k, val_int(i)));
        value_decref(k);
    }
    assert_repr(I, d, "{'b': 0, 'a': 1, 'c': 2}");
    Value a = str(I, "a");
    assert_true(dict_del(I, d, a, &found));
    assert_true(found);
    assert_true(dict_del(I, d, a, &found));
    assert_false(found);
    assert_repr(I, d, "{'b': 0, 'c': 2}");
    assert_true(dict_set(I, d, a, val_int(9)));   /* re-inserted at the end */
    assert_repr(I, d, "{'b': 0, 'c': 2, 'a': 9}");
    assert_true(dict_get_str(I, d, "c", &v, &found));
    assert_true(found);
    assert_int_equal(v.as.i, 2);
    value_decref(a);
    value_decref(d);
}

static void test_dict_growth(void **state)
{
    Interp *I = *state;
    Value d, v;
    bool found;
    assert_true(dict_new(I, &d));
    for (int64_t i = 0; i < 5000; i++)
        assert_true(dict_set(I, d, val_int(i * 7), val_int(i)));
    for (int64_t i = 0; i < 5000; i += 2) {
        assert_true(dict_del(I, d, val_int(i * 7), &found));
        assert_true(found);
    }
    for (int64_t i = 0; i < 5000; i++) {
        assert_true(dict_get(I, d, val_int(i * 7), &v, &found));
        assert_int_equal(found, i % 2 == 1);
        if (found)
            assert_int_equal(v.as.i, i);
    }
    int64_t n;
    assert_true(value_len(I, d, &n));
    assert_int_equal(n, 2500);
    value_decref(d);
}

static void test_hash_equalities(void **state)
{
    Interp *I = *state;
    uint64_t h1, h2, h3;
    bool eq;
    assert_true(value_hash(I, val_int(1), &h1));
    assert_true(value_hash(I, val_float(1.0), &h2));
    assert_true(value_hash(I, val_bool(true), &h3));
    assert_true(h1 == h2 && h2 == h3);
    assert_true(value_eq(I, val_int(1), val_float(1.0), &eq) && eq);
    assert_true(value_eq(I, val_bool(true), val_int(1), &eq) && eq);
    Value d, v;
    bool found;
    assert_true(dict_new(I, &d));
    assert_true(dict_set(I, d, val_int(1), val_int(10)));
    assert_true(dict_set(I, d, val_float(1.0), val_int(20)));   /* same key as 1 */
    assert_true(dict_get(I, d, val_bool(true), &v, &found));
    assert_true(found);
    assert_int_equal(v.as.i, 20);
    assert_repr(I, d, "{1: 20}");
    Value l;
    assert_true(list_new(I, 0, &l));
    assert_false(value_hash(I, l, &h1));
    assert_string_equal(interp_error_message(I), "unhashable type: 'list'");
    interp_clear_error(I);
    value_decref(l);
    value_decref(d);
}

static void test_repr_core(void **state)
{
    Interp *I = *state;
    Value t, l, s, e;
    assert_repr(I, val_none(), "None");
    assert_repr(I, val_bool(false), "False");
    assert_repr(I, val_int(-42), "-42");
    assert_repr(I, val_float(0.1 + 0.2), "0.30000000000000004");
    assert_repr(I, val_float(1e16), "1e+16");
    s = str(I, "it's");
    assert_repr(I, s, "\"it's\"");
    value_decref(s);
    s = str(I, "a'b\"c\n\t\\");
    assert_repr(I, s, "'a\\'b\"c\\n\\t\\\\'");
    value_decref(s);
    assert_true(tuple_pack(I, &t, 1, val_int(1)));
    assert_repr(I, t, "(1,)");
    value_decref(t);
    assert_true(tuple_new(I, 0, &t));
    assert_repr(I, t, "()");
    value_decref(t);
    assert_true(set_new(I, &e));
    assert_repr(I, e, "set()");
    value_decref(e);
    assert_true(list_new(I, 0, &l));
    assert_true(list_append(I, l, val_int(1)));
    assert_true(list_append(I, l, l));                 /* contains itself */
    assert_repr(I, l, "[1, [...]]");
    /* break the cycle so the list is freed */
    value_decref(as_list(l)->items[1]);
    as_list(l)->len = 1;
    value_decref(l);
}

static void test_int_semantics(void **state)
{
    Interp *I = *state;
    Value r;
    struct { BinOp op; int64_t a, b, want; } cases[] = {
        {BIN_FLOORDIV, -7, 2, -4}, {BIN_MOD, -7, 2, 1}, {BIN_MOD, 7, -2, -1},
        {BIN_FLOORDIV, 7, -2, -4}, {BIN_MOD, -7, -2, -1}, {BIN_POW, 3, 4, 81},
        {BIN_LSHIFT, 1, 62, INT64_C(4611686018427387904)},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_true(value_binop(I, cases[i].op, val_int(cases[i].a), val_int(cases[i].b), &r));
        assert_int_equal(r.kind, VAL_INT);
        assert_int_equal(r.as.i, cases[i].want);
    }
    assert_true(value_binop(I, BIN_DIV, val_int(7), val_int(2), &r));
    assert_true(r.kind == VAL_FLOAT && r.as.f == 3.5);
    assert_true(value_binop(I, BIN_POW, val_int(2), val_int(-1), &r));
    assert_true(r.kind == VAL_FLOAT && r.as.f == 0.5);
    assert_true(value_binop(I, BIN_MOD, val_float(-7.5), val_int(2), &r));
    assert_true(r.kind == VAL_FLOAT && r.as.f == 0.5);
    /* past int64 the result is a big int (bigint.c), not an OverflowError */
    assert_true(value_binop(I, BIN_MUL, val_int(INT64_MAX), val_int(2), &r));
    assert_repr(I, r, "18446744073709551614");
    value_decref(r);
    assert_false(value_binop(I, BIN_FLOORDIV, val_int(1), val_int(0), &r));
    assert_string_equal(interp_error_message(I), "integer division or modulo by zero");
    assert_false(value_binop(I, BIN_DIV, val_float(1), val_int(0), &r));
    assert_string_equal(interp_error_message(I), "float division by zero");
    assert_false(value_binop(I, BIN_POW, val_int(0), val_int(-1), &r));
    assert_int_equal(interp_error_kind(I), ERR_ZERO_DIVISION);
    Value s = str(I, "a");
    assert_false(value_binop(I, BIN_SUB, val_int(1), s, &r));
    assert_string_equal(interp_error_message(I), "unsupported operand type(s) for -: 'int' and 'str'");
    value_decref(s);
    interp_clear_error(I);
}

static void test_compare_and_contains(void **state)
{
    Interp *I = *state;
    Value a, b, r;
    bool in;
    assert_true(tuple_pack(I, &a, 2, val_int(1), val_int(2)));
    assert_true(tuple_pack(I, &b, 3, val_int(1), val_int(2), val_int(0)));
    assert_true(value_compare(I, CMP_LT, a, b, &r));
    assert_true(r.kind == VAL_BOOL && r.as.b);
    assert_true(value_in(I, b, val_float(2.0), &in) && in);
    Value rg;
    assert_true(range_new(I, 0, 10, 3, &rg));
    assert_true(value_in(I, rg, val_int(9), &in) && in);
    assert_true(value_in(I, rg, val_int(8), &in) && !in);
    assert_repr(I, rg, "range(0, 10, 3)");
    value_decref(rg);
    value_decref(a);
    value_decref(b);
}

static bool fn_spec(Interp *I, Value self, const Args *a, Value *out)
{
    Value p[3];
    (void)self;
    if (!args_parse(I, "zeros", a, "shape, dtype=, *, name=", p))
        return false;
    *out = val_int(p[1].kind == VAL_UNSET ? -1 : 1);
    return true;
}

static void test_args_parse(void **state)
{
    Interp *I = *state;
    Value out, pos[3] = {val_int(1), val_int(2), val_int(3)};
    const char *kw[] = {"dtyp"};
    Args a = {0, pos, 0, NULL, NULL};
    assert_false(fn_spec(I, val_none(), &a, &out));
    assert_string_equal(interp_error_message(I),
                        "zeros() missing 1 required positional argument: 'shape'");
    a.npos = 3;
    assert_false(fn_spec(I, val_none(), &a, &out));
    assert_string_equal(interp_error_message(I), "zeros() takes at most 2 arguments (3 given)");
    Args b = {1, pos, 1, kw, pos + 1};
    assert_false(fn_spec(I, val_none(), &b, &out));
    assert_string_equal(interp_error_message(I),
                        "zeros() got an unexpected keyword argument 'dtyp'; did you mean 'dtype'?");
    const char *kw2[] = {"shape"};
    Args c = {1, pos, 1, kw2, pos + 1};
    assert_false(fn_spec(I, val_none(), &c, &out));
    assert_string_equal(interp_error_message(I), "zeros() got multiple values for argument 'shape'");
    Args d = {2, pos, 0, NULL, NULL};
    assert_true(fn_spec(I, val_none(), &d, &out));
    assert_int_equal(out.as.i, 1);
    interp_clear_error(I);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dict_order_and_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dict_growth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hash_equalities, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repr_core, setup, teardown),
        cmocka_unit_test_setup_teardown(test_int_semantics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compare_and_contains, setup, teardown),
        cmocka_unit_test_setup_teardown(test_args_parse, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
