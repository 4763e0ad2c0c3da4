/* Native hot loops of the pipeline, each with a pure-Python twin that gives the same results
 * (and runs when this optional extension is not built):
 *   WordTable  - pipeline/segment.py: jieba's best-path search over its word table;
 *   NgramTable - pipeline/sentiment.py: the distinct character 1-2-grams of a text looked up in
 *                the models' merged table.
 *
 * WordTable.
 * Same algorithm and the same float arithmetic as Segmenter's pure-Python path: one
 * right-to-left pass, where position i tries
 * every dictionary word starting at i (extending while the fragment is a word or a prefix of
 * one), score[i] = max(logp(word) + score[end]), ties to the longer word; then the walk that
 * hands runs of single characters to the HMM callback. Output is identical, token for token.
 *
 * Why C: the pure-Python loop slices a new str for every probe and looks it up in a 500k-entry
 * dict (several cache misses each). Here a fragment's hash is extended one character at a time
 * and probed in one flat open-addressing table, and no str exists until a token is emitted.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define HASH_MUL 0x100000001b3ULL /* FNV-1a's 64-bit prime, used as a polynomial base */

typedef struct {
    uint64_t hash; /* polynomial hash of the code points; 0 marks an empty slot */
    uint32_t offset; /* into the code-point pool */
    uint16_t length;
    uint16_t is_word; /* 0: only a prefix of longer words */
    double logp;
} Entry;

typedef struct {
    PyObject_HEAD
    Entry *slots;
    uint64_t mask;
    Py_UCS4 *pool;
    Py_ssize_t words;
} WordTable;

static inline uint64_t step(uint64_t h, Py_UCS4 c) { return h * HASH_MUL + (uint64_t)c + 1; }

static inline uint64_t finish(uint64_t h) {
    /* splitmix64 finaliser: the polynomial hash's low bits alone index the table badly */
    h ^= h >> 31;
    h *= 0x7fb5d329728ea185ULL;
    h ^= h >> 27;
    h *= 0x81dadef4bc2dd44dULL;
    h ^= h >> 33;
    return h | 1; /* never 0, the empty-slot mark */
}

/* The entry of text[start:start+length] whose running hash is `h`, or NULL. */
static inline const Entry *lookup(const WordTable *t, uint64_t h, int kind, const void *data,
                                  Py_ssize_t start, Py_ssize_t length) {
    uint64_t key = finish(h);
    for (uint64_t i = key & t->mask;; i = (i + 1) & t->mask) {
        const Entry *e = &t->slots[i];
        if (e->hash == 0)
            return NULL;
        if (e->hash == key && e->length == length) {
            const Py_UCS4 *p = t->pool + e->offset;
            Py_ssize_t k = 0;
            while (k < length && p[k] == PyUnicode_READ(kind, data, start + k))
                k++;
            if (k == length)
                return e;
        }
    }
}

static void WordTable_dealloc(WordTable *self) {
    PyMem_Free(self->slots);
    PyMem_Free(self->pool);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* WordTable(table: dict[str, float], prefix: float): entries whose value is `prefix` are
 * prefixes only; every other value is the word's log probability. */
static int WordTable_init(WordTable *self, PyObject *args, PyObject *kwds) {
    PyObject *table;
    double prefix;
    if (!PyArg_ParseTuple(args, "O!d", &PyDict_Type, &table, &prefix))
        return -1;
    Py_ssize_t n = PyDict_Size(table), pool_len = 0, pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(table, &pos, &key, &value)) {
        if (!PyUnicode_Check(key) || PyUnicode_GET_LENGTH(key) == 0 ||
            PyUnicode_GET_LENGTH(key) > 0xffff) {
            PyErr_SetString(PyExc_ValueError, "keys must be non-empty str of < 65536 chars");
            return -1;
        }
        pool_len += PyUnicode_GET_LENGTH(key);
    }
    if (pool_len > 0xffffffffLL) {
        PyErr_SetString(PyExc_ValueError, "word table too large");
        return -1;
    }
    uint64_t size = 1024;
    while (size < (uint64_t)n * 2) /* load factor <= 1/2 keeps probe chains short */
        size <<= 1;
    PyMem_Free(self->slots);
    PyMem_Free(self->pool);
    self->slots = PyMem_Calloc(size, sizeof(Entry));
    self->pool = PyMem_Malloc((pool_len ? pool_len : 1) * sizeof(Py_UCS4));
    if (!self->slots || !self->pool) {
        PyErr_NoMemory();
        return -1;
    }
    self->mask = size - 1;
    self->words = 0;
    Py_ssize_t used = 0;
    pos = 0;
    while (PyDict_Next(table, &pos, &key, &value)) {
        double lp = PyFloat_AsDouble(value);
        if (lp == -1.0 && PyErr_Occurred())
            return -1;
        int kind = PyUnicode_KIND(key);
        const void *data = PyUnicode_DATA(key);
        Py_ssize_t len = PyUnicode_GET_LENGTH(key);
        uint64_t h = 0;
        for (Py_ssize_t k = 0; k < len; k++)
            h = step(h, PyUnicode_READ(kind, data, k));
        if (lookup(self, h, kind, data, 0, len))
            continue; /* dict keys are distinct; kept for safety */
        uint64_t fh = finish(h), i = fh & self->mask;
        while (self->slots[i].hash)
            i = (i + 1) & self->mask;
        Entry *e = &self->slots[i];
        e->hash = fh;
        e->offset = (uint32_t)used;
        e->length = (uint16_t)len;
        e->is_word = lp != prefix;
        e->logp = lp;
        for (Py_ssize_t k = 0; k < len; k++)
            self->pool[used + k] = PyUnicode_READ(kind, data, k);
        used += len;
        self->words += e->is_word;
    }
    return 0;
}

static int append_slice(PyObject *out, PyObject *s, Py_ssize_t a, Py_ssize_t b) {
    PyObject *piece = PyUnicode_Substring(s, a, b);
    if (!piece)
        return -1;
    int rc = PyList_Append(out, piece);
    Py_DECREF(piece);
    return rc;
}

/* A run of single-character tokens s[a:b]: one char as is; a dictionary word char by char (as
 * jieba does); anything else through the HMM callback, whose result is appended. */
static int flush_run(const WordTable *t, PyObject *s, int kind, const void *data, Py_ssize_t a,
                     Py_ssize_t b, PyObject *hmm, PyObject *out) {
    if (b - a == 1)
        return append_slice(out, s, a, b);
    uint64_t h = 0;
    for (Py_ssize_t k = a; k < b; k++)
        h = step(h, PyUnicode_READ(kind, data, k));
    const Entry *e = lookup(t, h, kind, data, a, b - a);
    if (e && e->is_word) {
        for (Py_ssize_t k = a; k < b; k++)
            if (append_slice(out, s, k, k + 1) < 0)
                return -1;
        return 0;
    }
    PyObject *run = PyUnicode_Substring(s, a, b);
    if (!run)
        return -1;
    PyObject *words = PyObject_CallOneArg(hmm, run);
    Py_DECREF(run);
    if (!words)
        return -1;
    Py_ssize_t at = PyList_GET_SIZE(out);
    int rc = PyList_SetSlice(out, at, at, words);
    Py_DECREF(words);
    return rc;
}

/* cut_block(s, unknown, hmm, out): append the tokens of the block `s` to the list `out`. */
static PyObject *WordTable_cut_block(WordTable *self, PyObject *args) {
    PyObject *s, *hmm, *out;
    double unknown;
    if (!PyArg_ParseTuple(args, "UdOO!", &s, &unknown, &hmm, &PyList_Type, &out))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    if (n == 0)
        Py_RETURN_NONE;
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    double *score = PyMem_Malloc((n + 1) * sizeof(double));
    Py_ssize_t *end = PyMem_Malloc(n * sizeof(Py_ssize_t));
    if (!score || !end) {
        PyMem_Free(score);
        PyMem_Free(end);
        return PyErr_NoMemory();
    }
    score[n] = 0.0;
    for (Py_ssize_t i = n - 1; i >= 0; i--) {
        double best = -INFINITY;
        Py_ssize_t best_end = 0;
        uint64_t h = 0;
        for (Py_ssize_t j = i; j < n; j++) {
            h = step(h, PyUnicode_READ(kind, data, j));
            const Entry *e = lookup(self, h, kind, data, i, j - i + 1);
            if (!e)
                break;
            if (e->is_word) {
                double v = e->logp + score[j + 1];
                if (v >= best) { /* ties go to the longer word, as in jieba */
                    best = v;
                    best_end = j + 1;
                }
            }
        }
        if (!best_end) {
            best = unknown + score[i + 1];
            best_end = i + 1;
        }
        score[i] = best;
        end[i] = best_end;
    }
    int rc = 0;
    Py_ssize_t x = 0, run_start = -1;
    while (x < n && rc == 0) {
        Py_ssize_t y = end[x];
        if (y - x == 1) {
            if (run_start < 0)
                run_start = x;
        } else {
            if (run_start >= 0) {
                rc = flush_run(self, s, kind, data, run_start, x, hmm, out);
                run_start = -1;
            }
            if (rc == 0)
                rc = append_slice(out, s, x, y);
        }
        x = y;
    }
    if (rc == 0 && run_start >= 0)
        rc = flush_run(self, s, kind, data, run_start, n, hmm, out);
    PyMem_Free(score);
    PyMem_Free(end);
    if (rc < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *WordTable_len(WordTable *self, void *closure) {
    return PyLong_FromSsize_t(self->words);
}

static PyMethodDef WordTable_methods[] = {
    {"cut_block", (PyCFunction)WordTable_cut_block, METH_VARARGS,
     "cut_block(s, unknown_logp, hmm, out): append the tokens of s to the list out; runs of "
     "single characters that are not a word go through hmm(run) -> list[str]."},
    {NULL},
};

static PyGetSetDef WordTable_getset[] = {
    {"words", (getter)WordTable_len, NULL, "number of words (prefix-only entries excluded)", NULL},
    {NULL},
};

static PyTypeObject WordTableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pipeline._native.WordTable",
    .tp_basicsize = sizeof(WordTable),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "WordTable(table: dict[str, float], prefix: float): jieba's word table for cut_block.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)WordTable_init,
    .tp_dealloc = (destructor)WordTable_dealloc,
    .tp_methods = WordTable_methods,
    .tp_getset = WordTable_getset,
};


/* ---- NgramTable --------------------------------------------------------------------------- */

/* A 1-gram c is keyed (c << 32) | NO_CHAR, a 2-gram ab (a << 32) | b: code points are < 2^21. */
#define NO_CHAR 0x200000ULL

typedef struct {
    uint64_t key;
    uint32_t stamp; /* the rows() call that last returned this entry: each n-gram counts once */
    PyObject *row; /* NULL marks an empty slot */
} GramEntry;

typedef struct {
    PyObject_HEAD
    GramEntry *slots;
    uint64_t mask;
    uint32_t stamp;
} NgramTable;

static GramEntry *gram_slot(const NgramTable *t, uint64_t key) {
    for (uint64_t i = finish(key) & t->mask;; i = (i + 1) & t->mask) {
        GramEntry *e = &t->slots[i];
        if (!e->row || e->key == key)
            return e;
    }
}

static void NgramTable_clear(NgramTable *self) {
    if (self->slots) {
        for (uint64_t i = 0; i <= self->mask; i++)
            Py_XDECREF(self->slots[i].row);
        PyMem_Free(self->slots);
        self->slots = NULL;
    }
}

static void NgramTable_dealloc(NgramTable *self) {
    NgramTable_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* NgramTable(table: dict[str, object]): keys are 1- or 2-character strings; rows() returns
 * their values. */
static int NgramTable_init(NgramTable *self, PyObject *args, PyObject *kwds) {
    PyObject *table, *key, *value;
    if (!PyArg_ParseTuple(args, "O!", &PyDict_Type, &table))
        return -1;
    uint64_t size = 64;
    while (size < (uint64_t)PyDict_Size(table) * 2)
        size <<= 1;
    NgramTable_clear(self);
    self->slots = PyMem_Calloc(size, sizeof(GramEntry));
    if (!self->slots) {
        PyErr_NoMemory();
        return -1;
    }
    self->mask = size - 1;
    self->stamp = 0;
    Py_ssize_t pos = 0;
    while (PyDict_Next(table, &pos, &key, &value)) {
        Py_ssize_t len = PyUnicode_Check(key) ? PyUnicode_GET_LENGTH(key) : 0;
        if (len != 1 && len != 2) {
            PyErr_SetString(PyExc_ValueError, "keys must be str of 1 or 2 characters");
            return -1;
        }
        uint64_t k = ((uint64_t)PyUnicode_READ_CHAR(key, 0) << 32) |
                     (len == 2 ? PyUnicode_READ_CHAR(key, 1) : NO_CHAR);
        GramEntry *e = gram_slot(self, k);
        Py_INCREF(value);
        Py_XSETREF(e->row, value);
        e->key = k;
        e->stamp = 0;
    }
    return 0;
}

static inline int take(NgramTable *t, uint64_t key, PyObject *out) {
    GramEntry *e = gram_slot(t, key);
    if (!e->row || e->stamp == t->stamp)
        return 0;
    e->stamp = t->stamp;
    return PyList_Append(out, e->row);
}

/* rows(text) -> list: the values of the distinct 1- and 2-grams of text that the table holds,
 * in order of first occurrence. */
static PyObject *NgramTable_rows(NgramTable *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "rows() takes a str");
        return NULL;
    }
    if (++self->stamp == 0) { /* wrapped after 2^32 calls: forget every old stamp */
        for (uint64_t i = 0; i <= self->mask; i++)
            self->slots[i].stamp = 0;
        self->stamp = 1;
    }
    PyObject *out = PyList_New(0);
    if (!out)
        return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t i = 0; i < n; i++) {
        uint64_t a = (uint64_t)PyUnicode_READ(kind, data, i) << 32;
        if (take(self, a | NO_CHAR, out) < 0 ||
            (i + 1 < n && take(self, a | PyUnicode_READ(kind, data, i + 1), out) < 0)) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return out;
}

static PyMethodDef NgramTable_methods[] = {
    {"rows", (PyCFunction)NgramTable_rows, METH_O,
     "rows(text) -> list: values of the distinct 1-2-grams of text found in the table."},
    {NULL},
};

static PyTypeObject NgramTableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pipeline._native.NgramTable",
    .tp_basicsize = sizeof(NgramTable),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "NgramTable(table: dict[str, object]): 1-2-gram lookup for pipeline.sentiment.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)NgramTable_init,
    .tp_dealloc = (destructor)NgramTable_dealloc,
    .tp_methods = NgramTable_methods,
};

/* ---- module ------------------------------------------------------------------------------- */

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "pipeline._native", "Native hot loops of pipeline.segment and pipeline.sentiment.", -1,
};

PyMODINIT_FUNC PyInit__native(void) {
    if (PyType_Ready(&WordTableType) < 0 || PyType_Ready(&NgramTableType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m)
        return NULL;
    if (PyModule_AddObjectRef(m, "WordTable", (PyObject *)&WordTableType) < 0 ||
        PyModule_AddObjectRef(m, "NgramTable", (PyObject *)&NgramTableType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
