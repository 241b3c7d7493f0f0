/* L-BFGS-B through the original authors' code (Byrd, Lu, Nocedal & Zhu; version 3.0 with
 * Morales & Nocedal's 2011 corrections), Debian's liblbfgsb.
 *
 * Its driver `setulb` is reverse communication: it returns task = "FG..." when it wants f and
 * the gradient at x, "NEW_X" after an iteration, "CONV..." / "ABNORMAL..." / "ERROR..." at the
 * end, and keeps everything it needs in the arrays it is given (wa, iwa, isave, dsave, lsave,
 * csave). Those arrays are framework buffers here, so a run in progress is plain data and
 * resumes bit for bit. Each "FG" is one batch: the finite-difference stencil at x (steps kept
 * inside the bounds by the engine), or x alone with the user's gradient. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "lbfgsb.h"
#include "local/local.h"

#define TASK_LEN 60

/* L-BFGS-B 3.0's driver (Fortran; gfortran passes the CHARACTER lengths last). */
void setulb_(int *n, int *m, double *x, double *l, double *u, int *nbd, double *f, double *g,
             double *factr, double *pgtol, double *wa, int *iwa, char *task, int *iprint,
             char *csave, int *lsave, int *isave, double *dsave, size_t task_len,
             size_t csave_len);

typedef struct lbfgsb_state {
    local_probe probe;
    int n, m;
    double factr, pgtol;
    double f;
    int x, l, u, g, wa, dsave;        /* host doubles */
    int nbd, iwa, lsave, isave;       /* host Fortran INTEGER / LOGICAL (int) */
    int task, csave;                  /* host CHARACTER*60 */
} lbfgsb_state;

static const gpuopt_option_spec lbfgsb_options[] = {
    {"convergence.relative_criterion_tolerance", GPUOPT_OPTION_DOUBLE, 2e-9, NULL, 0, DBL_MAX,
     NULL, 0,
     "scipy's ftol: converged when (f_k - f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) <= this "
     "(L-BFGS-B's factr = ftol / machine epsilon)."},
    {"convergence.absolute_gradient_tolerance", GPUOPT_OPTION_DOUBLE, 1e-5, NULL, 0, DBL_MAX,
     NULL, 0,
     "scipy's gtol (L-BFGS-B's pgtol): converged when every entry of the projected gradient is "
     "at most this in absolute value."},
    {"stopping.max_criterion_evaluations", GPUOPT_OPTION_INT, 1000000, NULL, 1,
     (double)INT64_MAX, NULL, 0,
     "Stop once this many criterion evaluations (finite-difference points included) are done "
     "(scipy's maxfun counts f and g evaluations). Not counted as convergence."},
    {"stopping.max_iterations", GPUOPT_OPTION_INT, 1000000, NULL, 1, (double)INT64_MAX, NULL, 0,
     "Stop after this many iterations (scipy's maxiter). Not counted as convergence."},
    {"limited_memory_storage_length", GPUOPT_OPTION_INT, 10, NULL, 1, 100000, NULL, 0,
     "scipy's maxcor (L-BFGS-B's m): the number of correction pairs kept to approximate the "
     "Hessian."},
    LOCAL_NUMDIFF_OPTIONS,
};

static lbfgsb_state *st_of(const gpuopt_run *run)
{
    return (lbfgsb_state *)run->state;
}

static double *dbuf(const gpuopt_run *run, int id)
{
    return (double *)gpuopt_run_host(run, id);
}

static int *ibuf(const gpuopt_run *run, int id)
{
    return (int *)gpuopt_run_host(run, id);
}

static char *cbuf(const gpuopt_run *run, int id)
{
    return (char *)gpuopt_run_host(run, id);
}

static void call_setulb(const gpuopt_run *run)
{
    lbfgsb_state *s = st_of(run);
    int iprint = -1; /* the library never prints */
    double *dsave = dbuf(run, s->dsave);
    setulb_(&s->n, &s->m, dbuf(run, s->x), dbuf(run, s->l), dbuf(run, s->u), ibuf(run, s->nbd),
            &s->f, dbuf(run, s->g), &s->factr, &s->pgtol, dbuf(run, s->wa), ibuf(run, s->iwa),
            cbuf(run, s->task), &iprint, cbuf(run, s->csave), ibuf(run, s->lsave),
            ibuf(run, s->isave), dsave, TASK_LEN, TASK_LEN);
    for (int k = 5; k <= 9; ++k) /* CPU timings (dsave(6..10)): printed only, never used */
        dsave[k] = 0;
}

static int task_is(const gpuopt_run *run, const char *prefix)
{
    return strncmp(cbuf(run, st_of(run)->task), prefix, strlen(prefix)) == 0;
}

/* The task text without its blank padding. */
static const char *task_text(const gpuopt_run *run, char *buf)
{
    memcpy(buf, cbuf(run, st_of(run)->task), TASK_LEN);
    buf[TASK_LEN] = '\0';
    for (int k = TASK_LEN - 1; k >= 0 && buf[k] == ' '; --k)
        buf[k] = '\0';
    return buf;
}

/* ------------------------------------------------------------------ init */

static gpuopt_status check_sizes(gpuopt_run *run, size_t n, size_t m)
{
    /* wa: 2mn + 5n + 11m^2 + 8m doubles; every size must fit Fortran's INTEGER */
    double wa = 2.0 * (double)m * (double)n + 5.0 * (double)n + 11.0 * (double)m * (double)m +
                8.0 * (double)m;
    if (n > INT_MAX / 3 || wa > INT_MAX || wa * sizeof(double) > (double)SIZE_MAX)
        return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY,
                               "lbfgsb: dimension %zu with limited_memory_storage_length %zu "
                               "needs %.4g doubles of work space, more than L-BFGS-B's 32-bit "
                               "indices allow",
                               n, m, wa);
    return GPUOPT_SUCCESS;
}

static gpuopt_status allocate(gpuopt_run *run, lbfgsb_state *s)
{
    size_t n = (size_t)s->n, m = (size_t)s->m;
    struct {
        const char *name;
        size_t count, elem_size;
        int *id;
    } table[] = {
        {"lbfgsb_x", n, sizeof(double), &s->x},
        {"lbfgsb_lower", n, sizeof(double), &s->l},
        {"lbfgsb_upper", n, sizeof(double), &s->u},
        {"lbfgsb_gradient", n, sizeof(double), &s->g},
        {"lbfgsb_wa", 2 * m * n + 5 * n + 11 * m * m + 8 * m, sizeof(double), &s->wa},
        {"lbfgsb_dsave", 29, sizeof(double), &s->dsave},
        {"lbfgsb_nbd", n, sizeof(int), &s->nbd},
        {"lbfgsb_iwa", 3 * n, sizeof(int), &s->iwa},
        {"lbfgsb_lsave", 4, sizeof(int), &s->lsave},
        {"lbfgsb_isave", 44, sizeof(int), &s->isave},
        {"lbfgsb_task", TASK_LEN + 4, 1, &s->task},
        {"lbfgsb_csave", TASK_LEN + 4, 1, &s->csave},
    };
    for (size_t i = 0; i < GPUOPT_COUNT(table); ++i) {
        gpuopt_status st = gpuopt_run_buffer(run, table[i].name, GPUOPT_ON_HOST, table[i].count,
                                             table[i].elem_size, table[i].id);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

/* nbd: 0 unbounded, 1 lower only, 2 both, 3 upper only. */
static void set_bounds(const gpuopt_run *run)
{
    const lbfgsb_state *s = st_of(run);
    double *l = dbuf(run, s->l), *u = dbuf(run, s->u);
    int *nbd = ibuf(run, s->nbd);
    for (size_t i = 0; i < run->dim; ++i) {
        int has_l = isfinite(run->lower[i]), has_u = isfinite(run->upper[i]);
        l[i] = has_l ? run->lower[i] : 0;
        u[i] = has_u ? run->upper[i] : 0;
        nbd[i] = has_l ? (has_u ? 2 : 1) : (has_u ? 3 : 0);
    }
}

static gpuopt_status request_fg(gpuopt_run *run)
{
    lbfgsb_state *s = st_of(run);
    memcpy(local_probe_point(run, &s->probe), dbuf(run, s->x), run->dim * sizeof(double));
    local_probe_request(&s->probe, LOCAL_PROBE_VALUE_GRADIENT);
    return GPUOPT_SUCCESS;
}

static gpuopt_status lbfgsb_init(gpuopt_run *run)
{
    lbfgsb_state *s = st_of(run);
    int64_t m = gpuopt_opt_int(run, "limited_memory_storage_length");
    gpuopt_status st = check_sizes(run, run->dim, (size_t)m);
    if (st != GPUOPT_SUCCESS)
        return st;
    s->n = (int)run->dim;
    s->m = (int)m;
    s->factr = gpuopt_opt_double(run, "convergence.relative_criterion_tolerance") / DBL_EPSILON;
    s->pgtol = gpuopt_opt_double(run, "convergence.absolute_gradient_tolerance");
    st = local_probe_init(run, &s->probe, 1);
    if (st == GPUOPT_SUCCESS)
        st = allocate(run, s);
    if (st != GPUOPT_SUCCESS)
        return st;
    set_bounds(run);
    memcpy(dbuf(run, s->x), run->x0, run->dim * sizeof(double));
    char *task = cbuf(run, s->task), *csave = cbuf(run, s->csave);
    memset(task, ' ', TASK_LEN);
    memset(csave, ' ', TASK_LEN);
    memcpy(task, "START", 5);
    call_setulb(run);
    if (!task_is(run, "FG")) {
        char text[TASK_LEN + 1];
        return gpuopt_run_fail(run, GPUOPT_ERR_INVALID_ARGUMENT, "lbfgsb: L-BFGS-B refused: %s",
                               task_text(run, text));
    }
    return request_fg(run);
}

/* ------------------------------------------------------------- iterate */

/* The end of the run, from setulb's task. */
static gpuopt_status outcome(gpuopt_run *run)
{
    char text[TASK_LEN + 1];
    task_text(run, text);
    if (task_is(run, "CONV"))
        return strstr(text, "PGTOL") ? GPUOPT_STOP_GRADIENT_TOLERANCE
                                     : GPUOPT_STOP_RELATIVE_CRITERION_TOLERANCE;
    if (task_is(run, "ERROR"))
        return gpuopt_run_fail(run, GPUOPT_ERR_INVALID_ARGUMENT, "lbfgsb: L-BFGS-B: %s", text);
    gpuopt_run_warn(run, "lbfgsb: %s", text);
    return GPUOPT_STOP_NO_IMPROVEMENT; /* ABNORMAL_TERMINATION_IN_LNSRCH, or a warning */
}

static void report_iteration(gpuopt_run *run)
{
    const double *dsave = dbuf(run, st_of(run)->dsave);
    /* dsave(13): the projected gradient's norm; dsave(14) * dsave(4): stp * |d| */
    local_report(run, dsave[12], dsave[13] * dsave[3]);
}

/* f and g at x from the probe; a non-finite gradient (error_handling=continue) has its
 * non-finite entries set to 0, and f is the framework's penalty or value. */
static void take_fg(const gpuopt_run *run)
{
    lbfgsb_state *s = st_of(run);
    const double *g = local_probe_gradient(run, &s->probe);
    double *out = dbuf(run, s->g);
    s->f = s->probe.value;
    for (size_t i = 0; i < run->dim; ++i)
        out[i] = isfinite(g[i]) ? g[i] : 0.0;
}

static gpuopt_status advance(gpuopt_run *run)
{
    take_fg(run);
    for (;;) {
        call_setulb(run);
        if (task_is(run, "FG"))
            return request_fg(run);
        if (!task_is(run, "NEW_X"))
            return outcome(run);
        ++run->n_iterations;
        report_iteration(run);
    }
}

static gpuopt_status lbfgsb_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    return local_drive(run, &st_of(run)->probe, batch, advance);
}

/* -------------------------------------------------------------- descriptor */

_Static_assert(offsetof(lbfgsb_state, probe) == 0, "local_ask finds the probe at the state's start");

static const char *const lbfgsb_aliases[] = {"scipy_lbfgsb", NULL};
static const char *const lbfgsb_report_keys[] = LOCAL_REPORT_KEYS;

const gpuopt_algorithm gpuopt_algorithm_lbfgsb = {
    .name = "lbfgsb",
    .aliases = lbfgsb_aliases,
    .presets = NULL,
    .summary = "L-BFGS-B: limited-memory BFGS with bounds, the original authors' code as in "
               "scipy.optimize's method='L-BFGS-B'; gradients by batched finite differences or "
               "the user's gradient.",
    .doc = "Local, bound-constrained. Calls L-BFGS-B 3.0 (Debian's liblbfgsb) by reverse "
           "communication; its work arrays are run buffers, so runs checkpoint bit for bit. "
           "factr = convergence.relative_criterion_tolerance / eps, pgtol = "
           "convergence.absolute_gradient_tolerance, m = limited_memory_storage_length, at most "
           "20 line-search steps (scipy's maxls default). See docs/algorithms/lbfgsb.md. "
           "References: Byrd, Lu, Nocedal & Zhu (1995), SIAM J. Sci. Comput. 16:1190-1208; Zhu, "
           "Byrd, Lu & Nocedal (1997), ACM TOMS 23:550-560; Morales & Nocedal (2011), ACM TOMS "
           "38:7.",
    .properties = GPUOPT_PROP_LOCAL | GPUOPT_PROP_USES_GRADIENT | GPUOPT_PROP_SUPPORTS_BOUNDS,
    .criterion_kinds = GPUOPT_CRITERION_SCALAR | GPUOPT_CRITERION_LEAST_SQUARES |
                       GPUOPT_CRITERION_LIKELIHOOD,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = lbfgsb_options,
    .n_options = GPUOPT_COUNT(lbfgsb_options),
    .report_keys = lbfgsb_report_keys,
    .state_size = sizeof(lbfgsb_state),
    .init = lbfgsb_init,
    .ask = local_ask,
    .tell = lbfgsb_tell,
};
