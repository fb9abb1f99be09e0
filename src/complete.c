/* complete.c - Tab completion at the nnsh prompt.
 *
 * complete_context() is a pure function of the line: it finds whether the
 * word before the cursor is a name, an attribute of a name chain, a
 * keyword argument inside an open call, a file name inside a string, or a
 * shell command.  The readline hooks then produce candidates from the
 * session: interp_visible_names() and keywords for names, value_dir() of the
 * evaluated chain for attributes (only plain name.attr chains are looked up;
 * nothing is ever called), the native function's signature for keyword
 * arguments, and readline's file name generator inside strings.
 * Part of the nnsh program (with repl.c); readline appears only there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <readline/readline.h>
#include "repl.h"
#include "shellcmd.h"

static const char *const keywords[] = {
    "False", "None", "True", "and", "as", "assert", "break", "class",
    "continue", "def", "del", "elif", "else", "except", "finally", "for",
    "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    NULL
};

/* Break characters for code: '.' is not one, so "tf.keras.la" is one word. */
static const char code_breaks[] = " \t\n\"'`@$><=;|&{(,[)]}+-*/%~^!:";
static const char string_breaks[] = "\"'";
static const char arg_breaks[] = " \t";

static bool is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || (unsigned char)c >= 0x80;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Scans line[0..point): the innermost open bracket's position (-1 when
 * none) and, inside a string literal, where its text starts (else -1).
 * Returns false when the cursor is in a comment. */
static bool scan_line(const char *line, int point, int *open_paren, int *string_start)
{
    int stack[128], depth = 0;
    char quote = 0;
    *string_start = -1;
    for (int i = 0; i < point; i++) {
        char c = line[i];
        if (quote) {
            if (c == '\\' && i + 1 < point)
                i++;
            else if (c == quote)
                quote = 0;
            continue;
        }
        if (c == '#')
            return false;
        if (c == '\'' || c == '"') {
            quote = c;
            *string_start = i + 1;
        } else if (c == '(' || c == '[' || c == '{') {
            if (depth < 128)
                stack[depth] = i;
            depth++;
        } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    if (!quote)
        *string_start = -1;
    *open_paren = depth > 0 && depth <= 128 && line[stack[depth - 1]] == '(' ?
                  stack[depth - 1] : -1;
    return true;
}

static void copy_span(char *dst, size_t size, const char *s, int n)
{
    if (n < 0 || (size_t)n >= size)
        n = 0;
    memcpy(dst, s, (size_t)n);
    dst[n] = '\0';
}

/* The plain name chain ending just before `paren` (the callee), if any. */
static void find_callee(const char *line, int paren, CompleteContext *cc)
{
    int j = paren;
    while (j > 0 && is_word_char(line[j - 1]))
        j--;
    if (j == paren || is_digit(line[j]) || line[j] == '.')
        return;
    if (j > 0 && (line[j - 1] == ')' || line[j - 1] == ']' || line[j - 1] == '"' ||
                  line[j - 1] == '\''))
        return;
    copy_span(cc->callee, sizeof cc->callee, line + j, paren - j);
}

/* A line starting with ':' : the command name, or its file argument.
 * Returns true when it decided the context. */
static bool command_context(const char *line, int point, CompleteContext *cc)
{
    int i = (int)strspn(line, " \t");
    if (i >= point || line[i] != ':')
        return false;
    int name = i + 1, end = name;
    while (end < point && line[end] != ' ' && line[end] != '\t')
        end++;
    if (end == point) {
        cc->kind = COMPLETE_COMMAND;
        cc->start = name;
        return true;
    }
    static const char *const file_cmds[] = {"load", "save", "export", NULL};
    for (int k = 0; file_cmds[k]; k++) {
        if ((int)strlen(file_cmds[k]) == end - name &&
            strncmp(line + name, file_cmds[k], (size_t)(end - name)) == 0) {
            int s = point;
            while (s > end && line[s - 1] != ' ' && line[s - 1] != '\t')
                s--;
            cc->kind = COMPLETE_FILE;
            cc->start = s;
            return true;
        }
    }
    return false;     /* :help NAME, :time STMT: the rest is code */
}

void complete_context(const char *line, int point, CompleteContext *cc)
{
    memset(cc, 0, sizeof *cc);
    cc->kind = COMPLETE_NONE;
    cc->start = point;
    if (command_context(line, point, cc))
        return;
    int paren, sstart;
    if (!scan_line(line, point, &paren, &sstart))
        return;
    if (sstart >= 0) {
        cc->kind = COMPLETE_FILE;
        cc->start = sstart;
        return;
    }
    int j = point;
    while (j > 0 && is_word_char(line[j - 1]))
        j--;
    cc->start = j;
    if (j < point && (is_digit(line[j]) || line[j] == '.'))
        return;                          /* a number, or .attr of something */
    if (j > 0 && strchr(")]}\"'", line[j - 1]))
        return;                          /* an attribute of a call's result */
    const char *dot = NULL;
    for (int k = j; k < point; k++)
        if (line[k] == '.')
            dot = line + k;
    if (dot) {
        cc->kind = COMPLETE_ATTR;
        copy_span(cc->chain, sizeof cc->chain, line + j, (int)(dot - (line + j)));
        return;
    }
    cc->kind = COMPLETE_NAME;
    if (paren >= 0) {
        int k = j;
        while (k > 0 && (line[k - 1] == ' ' || line[k - 1] == '\t'))
            k--;
        if (k > 0 && (line[k - 1] == '(' || line[k - 1] == ',')) {
            find_callee(line, paren, cc);
            cc->kwarg_ok = cc->callee[0] != '\0';
        }
    }
}

/* ---- signatures ---- */

static bool push_name(char ***list, size_t *n, size_t *cap, const char *s, size_t len,
                      const char *suffix)
{
    if (*n + 1 >= *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        char **bigger = realloc(*list, c * sizeof *bigger);
        if (!bigger)
            return false;
        *list = bigger;
        *cap = c;
    }
    size_t sl = strlen(suffix);
    char *d = malloc(len + sl + 1);
    if (!d)
        return false;
    memcpy(d, s, len);
    memcpy(d + len, suffix, sl + 1);
    (*list)[(*n)++] = d;
    (*list)[*n] = NULL;
    return true;
}

void complete_free_list(char **list)
{
    if (!list)
        return;
    for (size_t i = 0; list[i]; i++)
        free(list[i]);
    free(list);
}

/* Length of the parameter starting at p (up to a top-level ',' or ')'). */
static size_t param_len(const char *p)
{
    int depth = 0;
    char quote = 0;
    size_t i = 0;
    for (; p[i]; i++) {
        char c = p[i];
        if (quote) {
            if (c == '\\' && p[i + 1])
                i++;
            else if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '(' || c == '[' || c == '{') {
            depth++;
        } else if ((c == ')' || c == ']' || c == '}') && depth-- == 0) {
            break;
        } else if (c == ',' && depth == 0) {
            break;
        }
    }
    return i;
}

char **complete_sig_kwargs(const char *sig, const char *prefix)
{
    size_t n = 0, cap = 1, plen = strlen(prefix);
    char **list = calloc(1, sizeof *list);
    if (!list)
        return NULL;
    const char *p = sig ? strchr(sig, '(') : NULL;
    while (p && *p && *p != ')') {
        p++;                               /* past '(' or ',' */
        p += strspn(p, " \t\n");
        size_t len = param_len(p), name = 0;
        while (name < len && (is_word_char(p[name]) && p[name] != '.'))
            name++;
        if (len == 1 && p[0] == '/') {     /* the ones before were positional-only */
            for (size_t i = 0; i < n; i++)
                free(list[i]);
            n = 0;
            list[0] = NULL;
        } else if (name > 0 && p[0] != '*' && name >= plen && strncmp(p, prefix, plen) == 0) {
            if (!push_name(&list, &n, &cap, p, name, "=")) {
                complete_free_list(list);
                return NULL;
            }
        }
        p += len;
    }
    return list;
}

/* ---- candidates from the session ---- */

static Repl *session;        /* readline hooks have no user data */
static char **candidates;    /* the current completion's full words */
static size_t ncandidates, capcandidates;

static void clear_candidates(void)
{
    for (size_t i = 0; i < ncandidates; i++)
        free(candidates[i]);
    ncandidates = 0;
    if (candidates)
        candidates[0] = NULL;
}

static void add_candidate(const char *head, const char *name, size_t len)
{
    push_name(&candidates, &ncandidates, &capcandidates, name, len, "");
    if (head && ncandidates > 0) {
        char *last = candidates[ncandidates - 1];
        size_t hl = strlen(head);
        char *full = malloc(hl + len + 2);
        if (!full)
            return;
        memcpy(full, head, hl);
        full[hl] = '.';
        memcpy(full + hl + 1, last, len + 1);
        free(last);
        candidates[ncandidates - 1] = full;
    }
}

/* Adds the str items of `list` that start with prefix (names starting with
 * '_' only when the prefix does, as Python's rlcompleter). */
static void add_from_list(Value list, const char *head, const char *prefix)
{
    size_t plen = strlen(prefix);
    if (!val_is_obj(list, OBJ_LIST))
        return;
    ObjList *l = as_list(list);
    for (size_t i = 0; i < l->len; i++) {
        Value s = l->items[i];
        if (!val_is_obj(s, OBJ_STR))
            continue;
        const char *name = str_cstr(s);
        if (strncmp(name, prefix, plen) != 0 || (name[0] == '_' && prefix[0] != '_'))
            continue;
        add_candidate(head, name, as_str(s)->len);
    }
}

/* Evaluates a plain name chain "tf.keras.layers" (attribute lookups only,
 * never calls).  False when any part is missing. */
static bool lookup_chain(Interp *I, const char *chain, Value *out)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", chain);
    char *part = buf, *dot = strchr(part, '.');
    if (dot)
        *dot = '\0';
    Value v;
    bool found = false;
    if (!interp_get_global(I, part, &v, &found) || !found) {
        interp_clear_error(I);
        return false;
    }
    while (dot) {
        part = dot + 1;
        dot = strchr(part, '.');
        if (dot)
            *dot = '\0';
        Value next;
        bool ok = *part && value_getattr(I, v, part, &next);
        value_decref(v);
        if (!ok) {
            interp_clear_error(I);
            return false;
        }
        v = next;
    }
    *out = v;
    return true;
}

static void add_attrs(Interp *I, const char *chain, const char *prefix)
{
    Value obj, names;
    if (!lookup_chain(I, chain, &obj))
        return;
    if (value_dir(I, obj, &names)) {
        add_from_list(names, chain, prefix);
        value_decref(names);
    } else {
        interp_clear_error(I);
    }
    value_decref(obj);
}

static void add_kwargs(Interp *I, const char *callee, const char *prefix)
{
    Value fn;
    if (!lookup_chain(I, callee, &fn))
        return;
    const NativeDef *def = native_def(fn);
    char **names = def ? complete_sig_kwargs(def->sig, prefix) : NULL;
    for (size_t i = 0; names && names[i]; i++)
        add_candidate(NULL, names[i], strlen(names[i]));
    complete_free_list(names);
    value_decref(fn);
}

static void add_names(Interp *I, const CompleteContext *cc, const char *prefix)
{
    Value names;
    if (cc->kwarg_ok)
        add_kwargs(I, cc->callee, prefix);
    if (interp_visible_names(I, &names)) {
        add_from_list(names, NULL, prefix);
        value_decref(names);
    } else {
        interp_clear_error(I);
    }
    size_t plen = strlen(prefix);
    for (int i = 0; keywords[i]; i++)
        if (strncmp(keywords[i], prefix, plen) == 0)
            add_candidate(NULL, keywords[i], strlen(keywords[i]));
}

static void add_commands(const char *prefix)
{
    size_t plen = strlen(prefix);
    for (size_t i = 0; shellcmd_name(i); i++)
        if (strncmp(shellcmd_name(i), prefix, plen) == 0)
            add_candidate(NULL, shellcmd_name(i), strlen(shellcmd_name(i)));
}

/* ---- readline hooks ---- */

static char *candidate_generator(const char *text, int state)
{
    static size_t next;
    (void)text;
    if (state == 0)
        next = 0;
    return next < ncandidates ? strdup(candidates[next++]) : NULL;
}

static char *word_breaks(void)
{
    CompleteContext cc;
    complete_context(rl_line_buffer, rl_point, &cc);
    if (cc.kind == COMPLETE_FILE)
        return (char *)(rl_line_buffer[strspn(rl_line_buffer, " \t")] == ':' ?
                        arg_breaks : string_breaks);
    return (char *)code_breaks;
}

static char **attempt(const char *text, int start, int end)
{
    CompleteContext cc;
    (void)start;
    rl_attempted_completion_over = 1;        /* no fallback to file names */
    rl_completion_append_character = '\0';
    complete_context(rl_line_buffer, end, &cc);
    clear_candidates();
    switch (cc.kind) {
    case COMPLETE_FILE:
        return rl_completion_matches(text, rl_filename_completion_function);
    case COMPLETE_COMMAND:
        rl_completion_append_character = ' ';
        add_commands(text);
        break;
    case COMPLETE_NAME:
        add_names(session->I, &cc, text);
        break;
    case COMPLETE_ATTR: {
        const char *dot = strrchr(text, '.');
        add_attrs(session->I, cc.chain, dot ? dot + 1 : "");
        break;
    }
    case COMPLETE_NONE:
        return NULL;
    }
    return ncandidates ? rl_completion_matches(text, candidate_generator) : NULL;
}

void complete_install(Repl *R)
{
    session = R;
    rl_readline_name = "nnsh";
    rl_attempted_completion_function = attempt;
    rl_completion_word_break_hook = word_breaks;
    rl_basic_word_break_characters = code_breaks;
}
