/* Splitting X12 text into segments in one pass: the tokenizer's hot loop in C.
 *
 * split_segments(text, terminator) -> (segments, tail, longest)
 *
 * ``text`` is a str decoded from Latin-1 (one byte a character), ``terminator`` one character.
 * ``segments`` are the pieces between terminators with the spaces, tabs, CRs and LFs around them
 * removed, empty ones left out; ``tail`` is the piece after the last terminator, stripped the
 * same way ("" when there is none); ``longest`` is the length of the longest segment.
 *
 * It gives exactly what the pure-Python path in tokens.py gives (``text.split(terminator)``,
 * each piece stripped of "\r\n\t ", empty ones dropped): tests/x12/test_pure_python.py and
 * tests/x12/test_robustness.py compare the two. Written by hand rather than with Cython so the
 * build needs nothing but the C compiler that already builds the mypyc modules. Any other kind
 * of str (it cannot come from a Latin-1 decode) raises TypeError and the caller uses Python.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

static int is_space(Py_UCS1 c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static PyObject *make_piece(const Py_UCS1 *start, const Py_UCS1 *end, int ascii) {
    if (ascii)
        return PyUnicode_FromStringAndSize((const char *)start, end - start);
    return PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, start, end - start);
}

static PyObject *split_segments(PyObject *self, PyObject *args) {
    PyObject *text, *term;
    if (!PyArg_ParseTuple(args, "UU:split_segments", &text, &term))
        return NULL;
    if (PyUnicode_READY(text) < 0 || PyUnicode_READY(term) < 0)
        return NULL;
    if (PyUnicode_KIND(text) != PyUnicode_1BYTE_KIND || PyUnicode_GET_LENGTH(term) != 1 ||
        PyUnicode_KIND(term) != PyUnicode_1BYTE_KIND) {
        PyErr_SetString(PyExc_TypeError, "split_segments needs Latin-1 text and one character");
        return NULL;
    }
    const Py_UCS1 *data = PyUnicode_1BYTE_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    Py_UCS1 t = PyUnicode_1BYTE_DATA(term)[0];
    int ascii = PyUnicode_IS_ASCII(text);
    PyObject *segments = PyList_New(0);
    if (segments == NULL)
        return NULL;
    Py_ssize_t longest = 0;
    const Py_UCS1 *pos = data, *stop = data + length;
    for (;;) {
        const Py_UCS1 *next = memchr(pos, t, stop - pos);
        if (next == NULL)
            break;
        const Py_UCS1 *a = pos, *b = next;
        while (a < b && is_space(*a))
            a++;
        while (b > a && is_space(b[-1]))
            b--;
        if (b > a) {
            PyObject *piece = make_piece(a, b, ascii);
            if (piece == NULL || PyList_Append(segments, piece) < 0) {
                Py_XDECREF(piece);
                Py_DECREF(segments);
                return NULL;
            }
            Py_DECREF(piece);
            if (b - a > longest)
                longest = b - a;
        }
        pos = next + 1;
    }
    const Py_UCS1 *a = pos, *b = stop;
    while (a < b && is_space(*a))
        a++;
    while (b > a && is_space(b[-1]))
        b--;
    PyObject *tail = make_piece(a, b, ascii);
    if (tail == NULL) {
        Py_DECREF(segments);
        return NULL;
    }
    return Py_BuildValue("(NNn)", segments, tail, longest);
}

static PyMethodDef methods[] = {
    {"split_segments", split_segments, METH_VARARGS,
     "split_segments(text, terminator) -> (segments, tail, longest)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_segsplit", "X12 segment splitting in C (see tokens.py).", -1,
    methods,
};

PyMODINIT_FUNC PyInit__segsplit(void) { return PyModule_Create(&module); }
