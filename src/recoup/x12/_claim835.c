/* Building one 835 claim's records in C, for the claims that need no finding.
 *
 * build(segs, number, line_starts, header_number, sep, procedures) -> ClaimPayment | None
 *
 * The arguments are those of ClaimBuilder.build in claims835.py (plus the element separator and
 * the builder's dictionary of procedures already read). The function walks the claim's segments
 * exactly as ClaimBuilder.build, ClaimBuilder.line and ClaimBuilder.adjustments do and builds the
 * same records, but the moment it meets anything those methods would report (a value that is not
 * a number or a date, a short segment, an unknown code, an unexpected segment, a line or claim
 * that does not balance, a number with spaces, a procedure code not read before, text that is
 * not ASCII) it drops what it built and returns None: the Python builder then reads that claim
 * and reports what it finds. So this module never reports anything and never changes the
 * builder's state; records and findings are the Python builder's by construction, and
 * tests/x12/test_native_claims.py compares the two paths on mutated files.
 *
 * Why it is faster: the elements are located in place (pointer and length) instead of each
 * becoming a Python string, codes and qualifiers are only compared, short strings that repeat
 * (group and reason codes, qualifiers, entity codes) are made once, and amounts and dates are
 * looked up by their bytes in small caches, so the common "55.00" costs no allocation at all.
 * The caches are exact: the same text always gives the same Decimal or date.
 *
 * configure(ClaimPayment, ServiceLine, Adjustment, Person, Decimal, ZERO) must be called first;
 * it checks the record types have the field counts this file fills.
 *
 * gather() is the reader's loop that collects a claim's segments (see its comment below).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <stdint.h>
#include <string.h>

#define MAX_ELEMENTS 64
#define MAX_NUMBER_LENGTH 20 /* as claims835.MAX_NUMBER_LENGTH */

typedef struct {
    const char *p;
    Py_ssize_t n;
} Span;

static PyTypeObject *ClaimType, *LineType, *AdjType, *PersonType;
static PyObject *DecimalType, *Zero, *Empty, *Str6R, *StrLQ;

/* -- splitting ----------------------------------------------------------------------------- */

/* The elements of a segment (its text split on sep), or -1 when it has more than MAX_ELEMENTS. */
static int split(const char *s, Py_ssize_t n, char sep, Span *out) {
    const char *start = s, *end = s + n;
    int count = 0;
    for (;;) {
        if (count == MAX_ELEMENTS)
            return -1;
        const char *hit = memchr(start, sep, (size_t)(end - start));
        out[count].p = start;
        if (hit == NULL) {
            out[count].n = end - start;
            return count + 1;
        }
        out[count].n = hit - start;
        count++;
        start = hit + 1;
    }
}

/* The text of an ASCII str segment, or 0 (not an exact, ASCII str: the Python path reads it). */
static int ascii_text(PyObject *seg, const char **p, Py_ssize_t *n) {
    if (!PyUnicode_CheckExact(seg) || !PyUnicode_IS_COMPACT_ASCII(seg))
        return 0;
    *p = (const char *)PyUnicode_DATA(seg);
    *n = PyUnicode_GET_LENGTH(seg);
    return 1;
}

#define IS(span, lit) ((span).n == (Py_ssize_t)sizeof(lit) - 1 && memcmp((span).p, lit, sizeof(lit) - 1) == 0)

static int starts(const char *p, Py_ssize_t n, const char *prefix, Py_ssize_t len) {
    return n >= len && memcmp(p, prefix, (size_t)len) == 0;
}

/* -- strings: short ones that repeat are made once ----------------------------------------- */

#define SHORT_SLOTS 4096
#define SHORT_LIMIT 3072
typedef struct {
    uint64_t key;
    PyObject *value;
} ShortSlot;
static ShortSlot short_strings[SHORT_SLOTS];
static Py_ssize_t short_count;

static PyObject *text(Span s) {
    if (s.n == 0) {
        Py_INCREF(Empty);
        return Empty;
    }
    if (s.n > 7)
        return PyUnicode_FromStringAndSize(s.p, s.n);
    uint64_t key = 0;
    memcpy(&key, s.p, (size_t)s.n);
    key |= (uint64_t)s.n << 56;
    size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 52) & (SHORT_SLOTS - 1);
    while (short_strings[i].value != NULL) {
        if (short_strings[i].key == key) {
            Py_INCREF(short_strings[i].value);
            return short_strings[i].value;
        }
        i = (i + 1) & (SHORT_SLOTS - 1);
    }
    PyObject *value = PyUnicode_FromStringAndSize(s.p, s.n);
    if (value != NULL && short_count < SHORT_LIMIT) {
        short_strings[i].key = key;
        short_strings[i].value = value;
        Py_INCREF(value);
        short_count++;
    }
    return value;
}

/* -- amounts and dates, cached by their text ----------------------------------------------- */

#define AMOUNT_SLOTS (1 << 16)
#define AMOUNT_LIMIT (1 << 15)
typedef struct {
    char key[MAX_NUMBER_LENGTH];
    Py_ssize_t n;
    PyObject *value;
} AmountSlot;
static AmountSlot *amounts;
static Py_ssize_t amount_count;

#define DATE_SLOTS (1 << 13)
#define DATE_LIMIT (1 << 12)
typedef struct {
    uint32_t key;
    PyObject *value;
} DateSlot;
static DateSlot dates[DATE_SLOTS];
static Py_ssize_t date_count;

static void clear_amounts(void) {
    for (size_t i = 0; i < AMOUNT_SLOTS; i++)
        Py_CLEAR(amounts[i].value);
    amount_count = 0;
}

/* Sets *out to a new reference to the Decimal, or to NULL when the text is not a number as
 * ClaimBuilder.amount reads one without a finding. Returns -1 only on a real error. */
static int amount(Span s, PyObject **out) {
    *out = NULL;
    if (s.n == 0 || s.n > MAX_NUMBER_LENGTH)
        return 0;
    uint32_t h = 2166136261u;
    for (Py_ssize_t k = 0; k < s.n; k++) {
        char c = s.p[k];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-'))
            return 0;
        h = (h ^ (unsigned char)c) * 16777619u;
    }
    if (amounts == NULL) {
        amounts = PyMem_Calloc(AMOUNT_SLOTS, sizeof(AmountSlot));
        if (amounts == NULL) {
            PyErr_NoMemory();
            return -1;
        }
    }
    size_t i = h & (AMOUNT_SLOTS - 1);
    while (amounts[i].value != NULL) {
        if (amounts[i].n == s.n && memcmp(amounts[i].key, s.p, (size_t)s.n) == 0) {
            Py_INCREF(amounts[i].value);
            *out = amounts[i].value;
            return 0;
        }
        i = (i + 1) & (AMOUNT_SLOTS - 1);
    }
    PyObject *str = PyUnicode_FromStringAndSize(s.p, s.n);
    if (str == NULL)
        return -1;
    PyObject *value = PyObject_CallOneArg(DecimalType, str);
    Py_DECREF(str);
    if (value == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_ArithmeticError)) /* decimal.InvalidOperation is one */
            return -1;
        PyErr_Clear();
        return 0;
    }
    if (amount_count >= AMOUNT_LIMIT) {
        clear_amounts();
        i = h & (AMOUNT_SLOTS - 1);
    }
    memcpy(amounts[i].key, s.p, (size_t)s.n);
    amounts[i].n = s.n;
    Py_INCREF(value);
    amounts[i].value = value;
    amount_count++;
    *out = value;
    return 0;
}

/* As amount(), for a CCYYMMDD date (ClaimBuilder.parse_date). */
static int parse_date(Span s, PyObject **out) {
    *out = NULL;
    if (s.n != 8)
        return 0;
    uint32_t key = 0;
    for (int k = 0; k < 8; k++) {
        char c = s.p[k];
        if (c < '0' || c > '9')
            return 0;
        key = key * 10 + (uint32_t)(c - '0');
    }
    key += 1; /* 0 marks an empty slot */
    size_t i = (size_t)((key * 2654435761u) >> 19) & (DATE_SLOTS - 1);
    while (dates[i].value != NULL) {
        if (dates[i].key == key) {
            Py_INCREF(dates[i].value);
            *out = dates[i].value;
            return 0;
        }
        i = (i + 1) & (DATE_SLOTS - 1);
    }
    uint32_t ymd = key - 1;
    PyObject *value = PyDate_FromDate((int)(ymd / 10000), (int)(ymd / 100 % 100), (int)(ymd % 100));
    if (value == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_ValueError))
            return -1;
        PyErr_Clear();
        return 0;
    }
    if (date_count >= DATE_LIMIT) {
        for (size_t k = 0; k < DATE_SLOTS; k++)
            Py_CLEAR(dates[k].value);
        date_count = 0;
        i = (size_t)((key * 2654435761u) >> 19) & (DATE_SLOTS - 1);
    }
    dates[i].key = key;
    Py_INCREF(value);
    dates[i].value = value;
    date_count++;
    *out = value;
    return 0;
}

/* -- records ------------------------------------------------------------------------------- */

/* The result of a step: OK, BAIL (the Python builder must read this claim) or ERROR (raised). */
enum { OK = 0, BAIL = 1, ERROR = -1 };

static PyObject *record(PyTypeObject *type, Py_ssize_t size) {
    return type->tp_alloc(type, size); /* a NamedTuple: a tuple subclass without a __dict__ */
}

/* What becomes one tuple of a record (its adjustments, references, ...), gathered without a
 * list. A claim with more than fits is left to Python. */
#define BAG_SIZE 32
#define MAX_LINES 256
typedef struct {
    Py_ssize_t n, size;
    PyObject **items;
} Bag;
#define BAG(name, capacity) \
    PyObject *name##_items[capacity]; \
    Bag name = {0, capacity, name##_items}

/* Add item (a stolen reference): OK, BAIL when the bag is full, ERROR when item is NULL. */
static int bag_add(Bag *bag, PyObject *item) {
    if (item == NULL)
        return ERROR;
    if (bag->n == bag->size) {
        Py_DECREF(item);
        return BAIL;
    }
    bag->items[bag->n++] = item;
    return OK;
}

/* The bag's items as a tuple (the bag is left empty), or NULL on an error. */
static PyObject *bag_tuple(Bag *bag) {
    PyObject *out = PyTuple_New(bag->n);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t k = 0; k < bag->n; k++)
        PyTuple_SET_ITEM(out, k, bag->items[k]);
    bag->n = 0;
    return out;
}

static void bag_clear(Bag *bag) {
    for (Py_ssize_t k = 0; k < bag->n; k++)
        Py_DECREF(bag->items[k]);
    bag->n = 0;
}

/* Add (a, b) to the bag, stealing both references. */
static int append_pair(Bag *list, PyObject *a, PyObject *b) {
    if (a == NULL || b == NULL) {
        Py_XDECREF(a);
        Py_XDECREF(b);
        return ERROR;
    }
    PyObject *pair = PyTuple_New(2);
    if (pair == NULL) {
        Py_DECREF(a);
        Py_DECREF(b);
        return ERROR;
    }
    PyTuple_SET_ITEM(pair, 0, a);
    PyTuple_SET_ITEM(pair, 1, b);
    return bag_add(list, pair);
}

/* (qualifier, Decimal) from e[1] and e[2]: AMT and QTY. */
static int qualified_amount(Span *e, int n, Bag *list) {
    if (n < 3)
        return BAIL;
    PyObject *value;
    if (amount(e[2], &value) < 0)
        return ERROR;
    if (value == NULL)
        return BAIL;
    return append_pair(list, text(e[1]), value);
}

/* (qualifier, value) from REF: e[2] may be missing. */
static int reference(Span *e, int n, Bag *list) {
    if (n < 2)
        return BAIL;
    return append_pair(list, text(e[1]), n > 2 ? text(e[2]) : (Py_INCREF(Empty), Empty));
}

/* CAS, as ClaimBuilder.adjustments reads it when it reports nothing. */
static int adjustments(Span *e, int n, Bag *out, Py_ssize_t number) {
    if (n < 2)
        return BAIL;
    Span group = e[1];
    if (!(IS(group, "CO") || IS(group, "PR") || IS(group, "OA") || IS(group, "PI")))
        return BAIL;
    if (n < 4)
        return BAIL;
    for (int i = 2; i < n - 1; i += 3) {
        if (e[i].n == 0) {
            if (e[i + 1].n != 0)
                return BAIL;
            continue;
        }
        PyObject *value, *qty = NULL;
        if (amount(e[i + 1], &value) < 0)
            return ERROR;
        if (value == NULL)
            return BAIL;
        if (i + 2 < n && e[i + 2].n != 0) {
            if (amount(e[i + 2], &qty) < 0 || qty == NULL) {
                Py_DECREF(value);
                return qty == NULL && !PyErr_Occurred() ? BAIL : ERROR;
            }
        } else {
            qty = Py_None;
            Py_INCREF(qty);
        }
        PyObject *adj = record(AdjType, 5);
        if (adj == NULL) {
            Py_DECREF(value);
            Py_DECREF(qty);
            return ERROR;
        }
        PyTuple_SET_ITEM(adj, 2, value);
        PyTuple_SET_ITEM(adj, 3, qty);
        PyObject *g = text(group), *r = text(e[i]), *num = PyLong_FromSsize_t(number);
        if (g == NULL || r == NULL || num == NULL) {
            Py_XDECREF(g);
            Py_XDECREF(r);
            Py_XDECREF(num);
            Py_DECREF(adj);
            return ERROR;
        }
        PyTuple_SET_ITEM(adj, 0, g);
        PyTuple_SET_ITEM(adj, 1, r);
        PyTuple_SET_ITEM(adj, 4, num);
        int rc = bag_add(out, adj);
        if (rc != OK)
            return rc;
    }
    return OK;
}

/* The characters str.strip() removes from ASCII text. */
static int is_py_space(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}

/* NM1 as ClaimBuilder.person reads it (ASCII text: text_value changes nothing). */
static PyObject *person(Span *e, int n) {
    if (n > 9 && e[9].n > 0 && (is_py_space(e[9].p[0]) || is_py_space(e[9].p[e[9].n - 1]))) {
        return NULL; /* e[9].strip() would change it: let Python do it */
    }
    PyObject *rec = record(PersonType, 8);
    if (rec == NULL)
        return NULL;
    static const int index[7] = {1, 3, 4, 5, 7, 8, 9};
    for (int k = 0; k < 7; k++) {
        PyObject *item;
        if (index[k] < n) {
            item = text(e[index[k]]);
            if (item == NULL) {
                Py_DECREF(rec);
                return NULL;
            }
        } else {
            item = Empty;
            Py_INCREF(item);
        }
        PyTuple_SET_ITEM(rec, k, item);
    }
    PyObject *org = (n > 2 && IS(e[2], "2")) ? Py_True : Py_False;
    Py_INCREF(org);
    PyTuple_SET_ITEM(rec, 7, org);
    return rec;
}

/* tuple(x for x in items if x) for the spans e[from:to] (clipped to n), plus e[from2:to2]. */
static PyObject *nonempty(Span *e, int n, int from, int to, int from2, int to2) {
    PyObject *list = PyList_New(0);
    if (list == NULL)
        return NULL;
    for (int pass = 0; pass < 2; pass++) {
        int a = pass ? from2 : from, b = pass ? to2 : to;
        for (int k = a; k < b && k < n; k++) {
            if (e[k].n == 0)
                continue;
            PyObject *item = text(e[k]);
            if (item == NULL || PyList_Append(list, item) < 0) {
                Py_XDECREF(item);
                Py_DECREF(list);
                return NULL;
            }
            Py_DECREF(item);
        }
    }
    PyObject *out = PyList_AsTuple(list);
    Py_DECREF(list);
    return out;
}

/* Does charge - (ZERO + the adjustments' amounts) equal paid? 1 yes, 0 no, -1 error. */
static int balances(PyObject *charge, PyObject *paid, PyObject **adjusted, Bag *adjs) {
    for (Py_ssize_t k = 0; k < adjs->n; k++) {
        PyObject *sum = PyNumber_Add(*adjusted, PyTuple_GET_ITEM(adjs->items[k], 2));
        if (sum == NULL)
            return -1;
        Py_SETREF(*adjusted, sum);
    }
    if (charge == NULL)
        return 1;
    PyObject *rest = PyNumber_Subtract(charge, *adjusted);
    if (rest == NULL)
        return -1;
    int differ = PyObject_RichCompareBool(rest, paid, Py_NE);
    Py_DECREF(rest);
    return differ < 0 ? -1 : !differ;
}

/* A procedure read before (the builder's dictionary), or NULL with no error: not read yet. */
static PyObject *procedure(Span s, PyObject *procedures) {
    PyObject *key = PyUnicode_FromStringAndSize(s.p, s.n);
    if (key == NULL)
        return NULL;
    PyObject *found = PyDict_GetItemWithError(procedures, key);
    Py_DECREF(key);
    Py_XINCREF(found);
    return found;
}

typedef struct {
    char sep;
    char p_date[8], p_ref[7], p_lq[6]; /* DTM*472*, REF*6R*, LQ*HE* with the separator */
    PyObject *procedures;
} Context;

/* One service line (ClaimBuilder.line): segs[start] is its SVC, segs[start+1:stop] the rest.
 * Sets *out to the ServiceLine, or returns BAIL / ERROR. */
static int line(Context *cx, PyObject *segs, Py_ssize_t start, Py_ssize_t stop,
                Py_ssize_t claim_number, PyObject **out) {
    Span e[MAX_ELEMENTS], f[MAX_ELEMENTS];
    const char *p;
    Py_ssize_t len;
    int rc = BAIL;
    *out = NULL;
    if (!ascii_text(PyList_GET_ITEM(segs, start), &p, &len))
        return BAIL;
    int n = split(p, len, cx->sep, e);
    if (n < 0)
        return BAIL;
    PyObject *proc = NULL, *charge = NULL, *paid = NULL, *units = NULL, *original = NULL,
             *original_units = NULL, *d472 = NULL, *d150 = NULL, *d151 = NULL, *adjusted = NULL;
    BAG(cas, BAG_SIZE);
    BAG(remarks, BAG_SIZE);
    BAG(refs, BAG_SIZE);
    BAG(amts, BAG_SIZE);
    BAG(qtys, BAG_SIZE);

    Span proc_text = n > 1 ? e[1] : (Span){p, 0};
    proc = procedure(proc_text, cx->procedures);
    if (proc == NULL)
        goto done;
    if (!(n > 3 && e[2].n && e[3].n))
        goto done; /* an empty or missing SVC02/SVC03 is reported */
    if (amount(e[2], &charge) < 0 || charge == NULL || amount(e[3], &paid) < 0 || paid == NULL)
        goto done;
    if (n > 5 && e[5].n) {
        if (amount(e[5], &units) < 0 || units == NULL)
            goto done;
    }
    if (n > 7 && e[7].n) {
        if (amount(e[7], &original_units) < 0 || original_units == NULL)
            goto done;
    }
    if (n > 6 && e[6].n) {
        original = procedure(e[6], cx->procedures);
        if (original == NULL)
            goto done;
    }
    for (Py_ssize_t j = start + 1; j < stop; j++) {
        const char *t;
        Py_ssize_t tn;
        if (!ascii_text(PyList_GET_ITEM(segs, j), &t, &tn))
            goto done;
        if (starts(t, tn, cx->p_date, 8)) {
            PyObject *d;
            if (parse_date((Span){t + 8, tn - 8}, &d) < 0)
                goto error;
            if (d == NULL)
                goto done;
            Py_XSETREF(d472, d);
            continue;
        }
        if (starts(t, tn, cx->p_ref, 7)) {
            Py_INCREF(Str6R);
            int step = append_pair(&refs, Str6R, text((Span){t + 7, tn - 7}));
            if (step == ERROR)
                goto error;
            if (step == BAIL)
                goto done;
            continue;
        }
        if (starts(t, tn, cx->p_lq, 6)) {
            int step = bag_add(&remarks, text((Span){t + 6, tn - 6}));
            if (step == ERROR)
                goto error;
            if (step == BAIL)
                goto done;
            continue;
        }
        int nf = split(t, tn, cx->sep, f);
        if (nf < 0)
            goto done;
        int step;
        if (IS(f[0], "CAS")) {
            step = adjustments(f, nf, &cas, claim_number + j);
        } else if (IS(f[0], "AMT")) {
            step = qualified_amount(f, nf, &amts);
        } else if (IS(f[0], "DTM")) {
            if (nf < 3)
                goto done;
            PyObject **slot = IS(f[1], "150") ? &d150 : IS(f[1], "151") ? &d151
                              : IS(f[1], "472") ? &d472 : NULL;
            if (slot == NULL)
                goto done; /* another qualifier is reported */
            PyObject *d;
            if (parse_date(f[2], &d) < 0)
                goto error;
            if (d == NULL)
                goto done;
            Py_XSETREF(*slot, d);
            step = OK;
        } else if (IS(f[0], "REF")) {
            step = reference(f, nf, &refs);
        } else if (IS(f[0], "LQ")) {
            if (nf < 3)
                goto done;
            if (IS(f[1], "HE")) {
                step = bag_add(&remarks, text(f[2]));
            } else {
                PyObject *code = text(f[1]);
                PyObject *qual = code ? PyUnicode_Concat(StrLQ, code) : NULL;
                Py_XDECREF(code);
                step = append_pair(&refs, qual, text(f[2]));
            }
        } else if (IS(f[0], "QTY")) {
            step = qualified_amount(f, nf, &qtys);
        } else {
            goto done; /* an unexpected segment is reported */
        }
        if (step == ERROR)
            goto error;
        if (step == BAIL)
            goto done;
    }
    adjusted = Zero;
    Py_INCREF(adjusted);
    int ok = balances(charge, paid, &adjusted, &cas);
    if (ok < 0)
        goto error;
    if (!ok)
        goto done;
    PyObject *rec = record(LineType, 16);
    if (rec == NULL)
        goto error;
    PyObject *items[16] = {
        proc, charge, paid, n > 4 ? text(e[4]) : (Py_INCREF(Empty), Empty),
        units ? units : (Py_INCREF(Py_None), Py_None), original ? original : (Py_INCREF(Py_None), Py_None),
        original_units ? original_units : (Py_INCREF(Py_None), Py_None),
        d472 ? d472 : (Py_INCREF(Py_None), Py_None), d150 ? d150 : (Py_INCREF(Py_None), Py_None),
        d151 ? d151 : (Py_INCREF(Py_None), Py_None),
        bag_tuple(&cas), bag_tuple(&remarks), bag_tuple(&refs), bag_tuple(&amts),
        bag_tuple(&qtys), PyLong_FromSsize_t(claim_number + start),
    };
    proc = charge = paid = units = original = original_units = d472 = d150 = d151 = NULL;
    int missing = 0;
    for (int k = 0; k < 16; k++) {
        if (items[k] == NULL)
            missing = 1;
        PyTuple_SET_ITEM(rec, k, items[k]);
    }
    if (missing) {
        Py_DECREF(rec);
        goto error;
    }
    *out = rec;
    rc = OK;
    goto done;
error:
    rc = ERROR;
done:
    Py_XDECREF(proc);
    Py_XDECREF(charge);
    Py_XDECREF(paid);
    Py_XDECREF(units);
    Py_XDECREF(original);
    Py_XDECREF(original_units);
    Py_XDECREF(d472);
    Py_XDECREF(d150);
    Py_XDECREF(d151);
    Py_XDECREF(adjusted);
    bag_clear(&cas);
    bag_clear(&remarks);
    bag_clear(&refs);
    bag_clear(&amts);
    bag_clear(&qtys);
    if (rc == BAIL && PyErr_Occurred())
        rc = ERROR;
    return rc;
}

static const char *const STATUS_CODES[] = {"1", "2", "3", "4", "19", "20", "21", "22", "23", "25"};
static const char *const CLAIM_NAMES[] = {"QC", "IL", "74", "82", "TT", "PR"};

static PyObject *build(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 6 || !PyList_CheckExact(args[0]) || !PyLong_Check(args[1]) ||
        !PyList_CheckExact(args[2]) || !PyUnicode_Check(args[3]) || !PyUnicode_Check(args[4]) ||
        !PyDict_Check(args[5])) {
        PyErr_SetString(PyExc_TypeError,
                        "build(segs, number, line_starts, header_number, sep, procedures)");
        return NULL;
    }
    if (ClaimType == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "_claim835.configure() was not called");
        return NULL;
    }
    PyObject *segs = args[0], *line_starts = args[2], *header_number = args[3];
    Py_ssize_t number = PyLong_AsSsize_t(args[1]);
    if (number == -1 && PyErr_Occurred())
        return NULL;
    Context cx;
    if (PyUnicode_GET_LENGTH(args[4]) != 1 || !PyUnicode_IS_COMPACT_ASCII(args[4]))
        Py_RETURN_NONE;
    cx.sep = ((const char *)PyUnicode_DATA(args[4]))[0];
    cx.procedures = args[5];
    memcpy(cx.p_date, "DTM*472*", 8);
    memcpy(cx.p_ref, "REF*6R*", 7);
    memcpy(cx.p_lq, "LQ*HE*", 6);
    cx.p_date[3] = cx.p_date[7] = cx.p_ref[3] = cx.p_ref[6] = cx.p_lq[2] = cx.p_lq[5] = cx.sep;

    Py_ssize_t nsegs = PyList_GET_SIZE(segs), nstarts = PyList_GET_SIZE(line_starts);
    Py_ssize_t starts_at[MAX_LINES];
    if (nsegs < 1 || nstarts > MAX_LINES)
        Py_RETURN_NONE;
    for (Py_ssize_t k = 0; k < nstarts; k++) {
        PyObject *item = PyList_GET_ITEM(line_starts, k);
        starts_at[k] = PyLong_Check(item) ? PyLong_AsSsize_t(item) : -1;
        if (starts_at[k] == -1 && PyErr_Occurred())
            return NULL;
        if (starts_at[k] < 1 || starts_at[k] >= nsegs || (k && starts_at[k] <= starts_at[k - 1]))
            Py_RETURN_NONE;
    }

    Span c[MAX_ELEMENTS], e[MAX_ELEMENTS];
    const char *p;
    Py_ssize_t len;
    if (!ascii_text(PyList_GET_ITEM(segs, 0), &p, &len))
        Py_RETURN_NONE;
    int nc = split(p, len, cx.sep, c);
    if (nc < 8)
        Py_RETURN_NONE;
    int known = 0;
    for (size_t k = 0; k < sizeof(STATUS_CODES) / sizeof(*STATUS_CODES); k++)
        if (c[2].n == (Py_ssize_t)strlen(STATUS_CODES[k]) && memcmp(c[2].p, STATUS_CODES[k], (size_t)c[2].n) == 0)
            known = 1;
    if (!known)
        Py_RETURN_NONE;

    int rc = BAIL;
    PyObject *charge = NULL, *paid = NULL, *presp = NULL, *mia = NULL, *moa = NULL,
             *adjusted = NULL, *result = NULL;
    PyObject *named[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
    BAG(others, BAG_SIZE);
    BAG(refs, BAG_SIZE);
    BAG(dates_list, BAG_SIZE);
    BAG(amts, BAG_SIZE);
    BAG(qtys, BAG_SIZE);
    BAG(cas, BAG_SIZE);
    BAG(lines, MAX_LINES);
    if (amount(c[3], &charge) < 0 || charge == NULL || amount(c[4], &paid) < 0 || paid == NULL)
        goto done;
    if (c[5].n) {
        if (amount(c[5], &presp) < 0 || presp == NULL)
            goto done;
    }
    Py_ssize_t end = nstarts ? starts_at[0] : nsegs;
    for (Py_ssize_t i = 1; i < end; i++) {
        if (!ascii_text(PyList_GET_ITEM(segs, i), &p, &len))
            goto done;
        int n = split(p, len, cx.sep, e);
        if (n < 0)
            goto done;
        int step = OK;
        if (IS(e[0], "NM1")) {
            if (n < 2)
                goto done;
            PyObject *who = person(e, n);
            if (who == NULL)
                goto done; /* an error, or an id str.strip() changes: done sorts it out */
            int slot = -1;
            for (int k = 0; k < 6; k++)
                if (e[1].n == 2 && memcmp(e[1].p, CLAIM_NAMES[k], 2) == 0)
                    slot = k;
            if (slot >= 0 && named[slot] == NULL)
                named[slot] = who;
            else
                step = bag_add(&others, who);
        } else if (IS(e[0], "CAS")) {
            step = adjustments(e, n, &cas, number + i);
        } else if (IS(e[0], "DTM")) {
            if (n < 3)
                goto done;
            PyObject *d;
            if (parse_date(e[2], &d) < 0)
                goto error;
            if (d == NULL)
                goto done;
            step = append_pair(&dates_list, text(e[1]), d);
        } else if (IS(e[0], "REF")) {
            step = reference(e, n, &refs);
        } else if (IS(e[0], "AMT")) {
            step = qualified_amount(e, n, &amts);
        } else if (IS(e[0], "QTY")) {
            step = qualified_amount(e, n, &qtys);
        } else if (IS(e[0], "MOA")) {
            PyObject *t = nonempty(e, n, 3, 8, 0, 0);
            if (t == NULL)
                goto error;
            Py_XSETREF(moa, t);
        } else if (IS(e[0], "MIA")) {
            PyObject *t = nonempty(e, n, 5, 6, 20, 24);
            if (t == NULL)
                goto error;
            Py_XSETREF(mia, t);
        } else if (!IS(e[0], "PER")) {
            goto done; /* an unexpected segment is reported */
        }
        if (step == ERROR)
            goto error;
        if (step == BAIL)
            goto done;
    }
    for (Py_ssize_t k = 0; k < nstarts; k++) {
        Py_ssize_t stop = k + 1 < nstarts ? starts_at[k + 1] : nsegs;
        PyObject *built;
        int step = line(&cx, segs, starts_at[k], stop, number, &built);
        if (step == ERROR)
            goto error;
        if (step == BAIL)
            goto done;
        if (bag_add(&lines, built) != OK)
            goto error; /* cannot be full: there are at most MAX_LINES lines */
    }
    adjusted = Zero;
    Py_INCREF(adjusted);
    if (balances(NULL, NULL, &adjusted, &cas) < 0)
        goto error;
    for (Py_ssize_t k = 0; k < lines.n; k++) {
        PyObject *line_cas = PyTuple_GET_ITEM(lines.items[k], 10);
        for (Py_ssize_t a = 0; a < PyTuple_GET_SIZE(line_cas); a++) {
            PyObject *sum = PyNumber_Add(adjusted, PyTuple_GET_ITEM(PyTuple_GET_ITEM(line_cas, a), 2));
            if (sum == NULL)
                goto error;
            Py_SETREF(adjusted, sum);
        }
    }
    {
        PyObject *rest = PyNumber_Subtract(charge, adjusted);
        if (rest == NULL)
            goto error;
        int differ = PyObject_RichCompareBool(rest, paid, Py_NE);
        Py_DECREF(rest);
        if (differ < 0)
            goto error;
        if (differ)
            goto done; /* a claim that does not balance is reported */
    }
    result = record(ClaimType, 26);
    if (result == NULL)
        goto error;
#define OR_NONE(x) ((x) ? (x) : (Py_INCREF(Py_None), Py_None))
#define OR_EMPTY_TUPLE(x) ((x) ? (x) : PyTuple_New(0))
    PyObject *items[26] = {
        text(c[1]), text(c[2]), charge, paid, OR_NONE(presp), text(c[6]), text(c[7]),
        nc > 8 ? text(c[8]) : (Py_INCREF(Empty), Empty), nc > 9 ? text(c[9]) : (Py_INCREF(Empty), Empty),
        OR_NONE(named[0]), OR_NONE(named[1]), OR_NONE(named[2]), OR_NONE(named[3]),
        OR_NONE(named[4]), OR_NONE(named[5]), bag_tuple(&others), OR_EMPTY_TUPLE(mia),
        OR_EMPTY_TUPLE(moa), bag_tuple(&refs), bag_tuple(&dates_list), bag_tuple(&amts),
        bag_tuple(&qtys), bag_tuple(&cas), bag_tuple(&lines),
        (Py_INCREF(header_number), header_number), PyLong_FromSsize_t(number),
    };
#undef OR_NONE
#undef OR_EMPTY_TUPLE
    charge = paid = presp = mia = moa = NULL;
    for (int k = 0; k < 6; k++)
        named[k] = NULL;
    int missing = 0;
    for (int k = 0; k < 26; k++) {
        if (items[k] == NULL)
            missing = 1;
        PyTuple_SET_ITEM(result, k, items[k]);
    }
    if (missing) {
        Py_CLEAR(result);
        goto error;
    }
    rc = OK;
    goto done;
error:
    rc = ERROR;
done:
    Py_XDECREF(charge);
    Py_XDECREF(paid);
    Py_XDECREF(presp);
    Py_XDECREF(mia);
    Py_XDECREF(moa);
    Py_XDECREF(adjusted);
    for (int k = 0; k < 6; k++)
        Py_XDECREF(named[k]);
    bag_clear(&others);
    bag_clear(&refs);
    bag_clear(&dates_list);
    bag_clear(&amts);
    bag_clear(&qtys);
    bag_clear(&cas);
    bag_clear(&lines);
    if (rc == OK)
        return result;
    if (rc == ERROR || PyErr_Occurred())
        return NULL;
    Py_RETURN_NONE;
}

/* gather(segments, start, claim, line_starts, sep) -> int
 *
 * The reader's claim loop (Reader835._run) over segments[start:]: each segment that belongs to
 * the claim being gathered (CAS DTM REF AMT NM1 QTY MOA MIA PER, LQ followed by the separator,
 * by its first three characters) is appended to claim, each SVC too with its place in claim
 * appended to line_starts; returns the index of the first segment that does not belong (or
 * len(segments)). reader835._gather is the same in Python. */
static PyObject *gather(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 5 || !PyList_CheckExact(args[0]) || !PyLong_Check(args[1]) ||
        !PyList_CheckExact(args[2]) || !PyList_CheckExact(args[3]) || !PyUnicode_Check(args[4]) ||
        PyUnicode_GET_LENGTH(args[4]) != 1) {
        PyErr_SetString(PyExc_TypeError, "gather(segments, start, claim, line_starts, sep)");
        return NULL;
    }
    PyObject *segments = args[0], *claim = args[2], *line_starts = args[3];
    Py_UCS4 sep = PyUnicode_READ_CHAR(args[4], 0);
    Py_ssize_t k = PyLong_AsSsize_t(args[1]);
    if (k == -1 && PyErr_Occurred())
        return NULL;
    if (k < 0)
        k = 0;
    if (k > PyList_GET_SIZE(segments))
        k = PyList_GET_SIZE(segments);
    for (; k < PyList_GET_SIZE(segments); k++) {
        PyObject *seg = PyList_GET_ITEM(segments, k);
        if (!PyUnicode_Check(seg) || PyUnicode_GET_LENGTH(seg) < 3)
            break;
        Py_UCS4 a = PyUnicode_READ_CHAR(seg, 0), b = PyUnicode_READ_CHAR(seg, 1),
                c = PyUnicode_READ_CHAR(seg, 2);
        int body = 0, svc = 0;
        switch (a) {
        case 'C': body = b == 'A' && c == 'S'; break;
        case 'D': body = b == 'T' && c == 'M'; break;
        case 'R': body = b == 'E' && c == 'F'; break;
        case 'A': body = b == 'M' && c == 'T'; break;
        case 'N': body = b == 'M' && c == '1'; break;
        case 'Q': body = b == 'T' && c == 'Y'; break;
        case 'M': body = b == 'O' ? c == 'A' : b == 'I' && c == 'A'; break;
        case 'P': body = b == 'E' && c == 'R'; break;
        case 'L': body = b == 'Q' && c == sep; break;
        case 'S': svc = b == 'V' && c == 'C'; break;
        }
        if (svc) {
            PyObject *place = PyLong_FromSsize_t(PyList_GET_SIZE(claim));
            if (place == NULL || PyList_Append(line_starts, place) < 0) {
                Py_XDECREF(place);
                return NULL;
            }
            Py_DECREF(place);
        } else if (!body) {
            break;
        }
        if (PyList_Append(claim, seg) < 0)
            return NULL;
    }
    return PyLong_FromSsize_t(k);
}

static int field_count(PyObject *type, Py_ssize_t expected) {
    if (!PyType_Check(type) || !PyType_IsSubtype((PyTypeObject *)type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "configure() needs the NamedTuple record types");
        return -1;
    }
    PyObject *fields = PyObject_GetAttrString(type, "_fields");
    if (fields == NULL)
        return -1;
    Py_ssize_t size = PyTuple_Check(fields) ? PyTuple_GET_SIZE(fields) : -1;
    Py_DECREF(fields);
    if (size != expected) {
        PyErr_Format(PyExc_TypeError, "%s has %zd fields; _claim835.c fills %zd",
                     ((PyTypeObject *)type)->tp_name, size, expected);
        return -1;
    }
    return 0;
}

static PyObject *configure(PyObject *self, PyObject *args) {
    PyObject *claim, *line_type, *adj, *person_type, *decimal, *zero;
    if (!PyArg_ParseTuple(args, "OOOOOO:configure", &claim, &line_type, &adj, &person_type,
                          &decimal, &zero))
        return NULL;
    if (field_count(claim, 26) < 0 || field_count(line_type, 16) < 0 ||
        field_count(adj, 5) < 0 || field_count(person_type, 8) < 0)
        return NULL;
    Py_INCREF(claim);
    Py_INCREF(line_type);
    Py_INCREF(adj);
    Py_INCREF(person_type);
    Py_INCREF(decimal);
    Py_INCREF(zero);
    Py_XSETREF(ClaimType, (PyTypeObject *)claim);
    Py_XSETREF(LineType, (PyTypeObject *)line_type);
    Py_XSETREF(AdjType, (PyTypeObject *)adj);
    Py_XSETREF(PersonType, (PyTypeObject *)person_type);
    Py_XSETREF(DecimalType, decimal);
    Py_XSETREF(Zero, zero);
    if (amounts != NULL)
        clear_amounts(); /* another Decimal type: drop what the old one made */
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"build", (PyCFunction)(void (*)(void))build, METH_FASTCALL,
     "build(segs, number, line_starts, header_number, sep, procedures) -> ClaimPayment | None"},
    {"gather", (PyCFunction)(void (*)(void))gather, METH_FASTCALL,
     "gather(segments, start, claim, line_starts, sep) -> index of the first segment not taken"},
    {"configure", configure, METH_VARARGS,
     "configure(ClaimPayment, ServiceLine, Adjustment, Person, Decimal, ZERO)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_claim835",
    "Building 835 claims in C when they need no finding (see claims835.py).", -1, methods,
};

PyMODINIT_FUNC PyInit__claim835(void) {
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL)
        return NULL;
    Empty = PyUnicode_FromStringAndSize("", 0);
    Str6R = PyUnicode_InternFromString("6R");
    StrLQ = PyUnicode_InternFromString("LQ");
    if (Empty == NULL || Str6R == NULL || StrLQ == NULL)
        return NULL;
    return PyModule_Create(&module);
}
