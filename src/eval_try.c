/* eval_try.c - exceptions in the evaluator: try/except/else/finally (the
 * finally block runs on errors, return, break and continue), raise (with
 * `from`, and bare re-raise), assert, and with-statements (native classes
 * through enter/exit, user classes through __enter__/__exit__).
 * Errors raised by C code (interp_error) and by `raise` are one thing: an
 * except clause sees an exception instance either way.
 * Part of the language core (see object.h).
 */
#include <stdlib.h>
#include <string.h>
#include "object.h"

/* Does the pending error match the except clause's type (a class or a
 * tuple of classes)? */
static bool exc_matches(Interp *I, Value exc, Value type, bool *out)
{
    ObjType *cls = ((ObjInstance *)exc.as.o)->cls;
    *out = false;
    if (val_is_obj(type, OBJ_TUPLE)) {
        for (size_t i = 0; i < as_list(type)->len && !*out; i++)
            if (!exc_matches(I, exc, as_list(type)->items[i], out))
                return false;
        return true;
    }
    if (!val_is_obj(type, OBJ_TYPE) || !((ObjType *)type.as.o)->is_exception)
        return interp_error(I, ERR_TYPE,
                            "catching classes that do not inherit from BaseException is not allowed");
    *out = type_is_subclass(cls, (ObjType *)type.as.o);
    return true;
}

/* Runs the matching handler, if any.  *handled=false leaves the error
 * (restored from st) pending. */
static int run_handlers(Interp *I, const Node *n, ErrState *st, Value exc, bool *handled)
{
    *handled = false;
    for (int i = 0; i < n->u.try_.handlers.n; i++) {
        const Node *h = n->u.try_.handlers.items[i];
        bool match = true;
        if (h->u.handler.type) {
            Value type;
            I->cur_node = h;
            if (!eval_expr(I, h->u.handler.type, &type))
                return EX_ERROR;
            bool ok = exc_matches(I, exc, type, &match);
            value_decref(type);
            if (!ok)
                return EX_ERROR;
        }
        if (!match)
            continue;
        *handled = true;
        err_drop(st);
        if (h->u.handler.name && !eval_store_name(I, h->u.handler.name, exc))
            return EX_ERROR;
        Value saved = I->handling;
        value_incref(exc);
        I->handling = exc;
        int ex = exec_stmt(I, h->u.handler.body);
        value_decref(I->handling);
        I->handling = saved;
        if (h->u.handler.name && ex != EX_ERROR) {
            if (!eval_delete_name(I, h->u.handler.name))
                interp_clear_error(I);
        }
        return ex;
    }
    return EX_NORMAL;
}

static int try_except(Interp *I, const Node *n)
{
    int ex = exec_stmt(I, n->u.try_.body);
    if (ex == EX_ERROR && n->u.try_.handlers.n) {
        ErrState st;
        Value exc;
        if (!interp_error_exc_value(I, &exc))
            return EX_ERROR;
        err_save(I, &st);
        bool handled;
        ex = run_handlers(I, n, &st, exc, &handled);
        value_decref(exc);
        if (!handled) {
            if (ex == EX_ERROR)
                err_drop(&st);
            else {
                err_restore(I, &st);
                ex = EX_ERROR;
            }
        }
        return ex;
    }
    if (ex == EX_NORMAL && n->u.try_.orelse)
        return exec_stmt(I, n->u.try_.orelse);
    return ex;
}

int exec_try(Interp *I, const Node *n)
{
    int ex = try_except(I, n);
    if (!n->u.try_.finally)
        return ex;
    ErrState st;
    Value ret = I->retval;
    I->retval = (Value){VAL_UNSET, {0}};
    err_save(I, &st);
    int fex = exec_stmt(I, n->u.try_.finally);
    if (fex != EX_NORMAL) {
        err_drop(&st);
        value_decref(ret);
        return fex;
    }
    if (ex == EX_ERROR)
        err_restore(I, &st);
    else
        err_drop(&st);
    I->retval = ret;
    return ex;
}

/* ---- raise and assert ---- */

static bool make_exception(Interp *I, Value v, Value *out)
{
    if (val_is_obj(v, OBJ_TYPE) && ((ObjType *)v.as.o)->is_exception) {
        Args a = {0, NULL, 0, NULL, NULL};
        return value_call(I, v, &a, out);
    }
    if (val_is_obj(v, OBJ_INSTANCE) && ((ObjInstance *)v.as.o)->cls->is_exception) {
        value_incref(v);
        *out = v;
        return true;
    }
    return interp_error(I, ERR_TYPE, "exceptions must derive from BaseException");
}

int exec_raise(Interp *I, const Node *n)
{
    Value v, exc, cause;
    if (!n->u.raise.exc) {
        if (I->handling.kind == VAL_UNSET)
            return interp_error(I, ERR_RUNTIME, "No active exception to reraise"), EX_ERROR;
        interp_set_error_exc(I, I->handling);
        return EX_ERROR;
    }
    if (!eval_expr(I, n->u.raise.exc, &v))
        return EX_ERROR;
    bool ok = make_exception(I, v, &exc);
    value_decref(v);
    if (!ok)
        return EX_ERROR;
    if (n->u.raise.cause) {
        if (!eval_expr(I, n->u.raise.cause, &cause)) {
            value_decref(exc);
            return EX_ERROR;
        }
        ok = value_setattr(I, exc, "__cause__", cause) &&
             value_setattr(I, exc, "__suppress_context__", val_bool(true));
        value_decref(cause);
        if (!ok) {
            value_decref(exc);
            return EX_ERROR;
        }
    }
    /* raised while handling another: that one is its __context__ */
    if (I->handling.kind == VAL_OBJ && !value_identical(I->handling, exc) &&
        !value_setattr(I, exc, "__context__", I->handling)) {
        value_decref(exc);
        return EX_ERROR;
    }
    I->cur_node = n;
    interp_set_error_exc(I, exc);
    value_decref(exc);
    return EX_ERROR;
}

int exec_assert(Interp *I, const Node *n)
{
    Value t, msg, exc;
    bool ok;
    if (!eval_expr(I, n->u.assert_.test, &t))
        return EX_ERROR;
    bool truth = false;
    ok = value_truth(I, t, &truth);
    value_decref(t);
    if (!ok)
        return EX_ERROR;
    if (truth)
        return EX_NORMAL;
    int nargs = 0;
    if (n->u.assert_.msg) {
        if (!eval_expr(I, n->u.assert_.msg, &msg))
            return EX_ERROR;
        nargs = 1;
    }
    ok = exc_new(I, I->exc[ERR_ASSERTION], &msg, nargs, &exc);
    if (nargs)
        value_decref(msg);
    if (!ok)
        return EX_ERROR;
    I->cur_node = n;
    interp_set_error_exc(I, exc);
    value_decref(exc);
    return EX_ERROR;
}

/* ---- with ---- */

static bool ctx_enter(Interp *I, Value ctx, Value *val)
{
    bool found;
    if (val_is_obj(ctx, OBJ_NATIVE_OBJ)) {
        const NativeClass *c = ((ObjNativeObj *)ctx.as.o)->cls;
        if (c->enter)
            return c->enter(I, ctx, val);
        if (c->exit) {
            value_incref(ctx);
            *val = ctx;
            return true;
        }
    } else if (val_is_obj(ctx, OBJ_INSTANCE)) {
        if (!user_instance_special(I, ctx, "__enter__", 0, NULL, val, &found))
            return false;
        if (found)
            return true;
    }
    return interp_error(I, ERR_TYPE,
                        "'%s' object does not support the context manager protocol",
                        value_type_name(ctx));
}

/* Calls the exit of ctx; with an error pending, *suppress says whether a
 * user __exit__ returned true. */
static bool ctx_exit(Interp *I, Value ctx, bool error, Value exc, bool *suppress)
{
    *suppress = false;
    if (val_is_obj(ctx, OBJ_NATIVE_OBJ)) {
        const NativeClass *c = ((ObjNativeObj *)ctx.as.o)->cls;
        return c->exit ? c->exit(I, ctx, error) : true;
    }
    Value args[3] = {val_none(), val_none(), val_none()}, r;
    bool found;
    if (error) {
        args[0] = val_obj(&((ObjInstance *)exc.as.o)->cls->obj);
        args[1] = exc;
    }
    if (!user_instance_special(I, ctx, "__exit__", 3, args, &r, &found))
        return false;
    if (!found)
        return true;
    bool ok = value_truth(I, r, suppress);
    value_decref(r);
    return ok;
}

static int with_items(Interp *I, const Node *n, int i)
{
    if (i == n->u.with.items.n)
        return exec_stmt(I, n->u.with.body);
    const Node *item = n->u.with.items.items[i];
    Value ctx, val;
    if (!eval_expr(I, item->u.withitem.context, &ctx))
        return EX_ERROR;
    I->cur_node = item;
    if (!ctx_enter(I, ctx, &val)) {
        value_decref(ctx);
        return EX_ERROR;
    }
    int ex = EX_NORMAL;
    if (item->u.withitem.target && !assign_target(I, item->u.withitem.target, val))
        ex = EX_ERROR;
    value_decref(val);
    if (ex == EX_NORMAL)
        ex = with_items(I, n, i + 1);
    bool suppress = false, ok;
    if (ex == EX_ERROR) {
        ErrState st;
        Value exc = {VAL_UNSET, {0}};
        if (!val_is_obj(ctx, OBJ_NATIVE_OBJ) && !interp_error_exc_value(I, &exc)) {
            value_decref(ctx);
            return EX_ERROR;
        }
        err_save(I, &st);
        ok = ctx_exit(I, ctx, true, exc, &suppress);
        value_decref(exc);
        if (!ok)
            err_drop(&st);
        else if (suppress) {
            err_drop(&st);
            ex = EX_NORMAL;
        } else
            err_restore(I, &st);
    } else {
        Value ret = I->retval;
        I->retval = (Value){VAL_UNSET, {0}};
        ok = ctx_exit(I, ctx, false, val_none(), &suppress);
        I->retval = ret;
        if (!ok) {
            value_decref(I->retval);
            I->retval = (Value){VAL_UNSET, {0}};
            ex = EX_ERROR;
        }
    }
    value_decref(ctx);
    return ex;
}

int exec_with(Interp *I, const Node *n)
{
    return with_items(I, n, 0);
}
