/* strbuf.c - StrBuf, the growable text buffer used to build reprs, formatted
 * numbers and output.  On allocation failure the buffer keeps what it had
 * and sets `oom`; callers check it once at the end (sb_to_str does). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "interp.h"

void sb_init(StrBuf *sb)
{
    sb->data = NULL;
    sb->len = sb->cap = 0;
    sb->oom = false;
}

void sb_free(StrBuf *sb)
{
    free(sb->data);
    sb_init(sb);
}

/* Makes room for n more bytes plus the terminating NUL. */
static bool sb_reserve(StrBuf *sb, size_t n)
{
    if (sb->oom)
        return false;
    if (n > SIZE_MAX / 2 - sb->len - 1) {
        sb->oom = true;
        return false;
    }
    size_t need = sb->len + n + 1;
    if (need <= sb->cap)
        return true;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(sb->data, cap);
    if (!p) {
        sb->oom = true;
        return false;
    }
    sb->data = p;
    sb->cap = cap;
    return true;
}

void sb_append(StrBuf *sb, const char *s, size_t n)
{
    if (!sb_reserve(sb, n))
        return;
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void sb_puts(StrBuf *sb, const char *s)
{
    sb_append(sb, s, strlen(s));
}

void sb_putc(StrBuf *sb, char c)
{
    sb_append(sb, &c, 1);
}

void sb_vprintf(StrBuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || !sb_reserve(sb, (size_t)n))
        return;
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void sb_printf(StrBuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

bool sb_to_str(Interp *I, StrBuf *sb, Value *out)
{
    if (sb->oom) {
        sb_free(sb);
        return interp_error(I, ERR_MEMORY, "out of memory building a string");
    }
    bool ok = str_new(I, sb->data ? sb->data : "", sb->len, out);
    sb_free(sb);
    return ok;
}
