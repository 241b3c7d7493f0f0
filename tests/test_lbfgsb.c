/* lbfgsb (scipy_lbfgsb): the scaffold's dcsrch against L-BFGS-B's own (Fortran) dcsrch, active
 * bounds, the problem matrix, scipy's reference numbers (with and without the built-in box),
 * bitwise resumption of the Fortran state, and bad input. */
#include <dlfcn.h>

#include "local_solvers.h"
#include "src/algorithms/local/local.h"

typedef void (*fortran_dcsrch)(double *f, double *g, double *stp, double *ftol, double *gtol,
                               double *xtol, double *stpmin, double *stpmax, char *task,
                               int *isave, double *dsave, size_t task_len);

/* Test functions of More & Thuente (1994), section 5: phi and phi' at a. */
static void phi_of(int which, double a, double *f, double *g)
{
    switch (which) {
    case 0: /* -a / (a^2 + 2) */
        *f = -a / (a * a + 2);
        *g = (a * a - 2) / ((a * a + 2) * (a * a + 2));
        break;
    case 1: /* (a + 0.004)^5 - 2 (a + 0.004)^4 */
        *f = pow(a + 0.004, 5) - 2 * pow(a + 0.004, 4);
        *g = 5 * pow(a + 0.004, 4) - 8 * pow(a + 0.004, 3);
        break;
    default: { /* phi(a) = (1 - a) + 2 (1 - 0.01) / (39 pi) sin(39 pi a / 2) */
        double l = 39, beta = 0.01, pi = 3.14159265358979323846;
        *f = (a <= 1 - beta)   ? 1 - a
             : (a >= 1 + beta) ? a - 1
                               : (a - 1) * (a - 1) / (2 * beta) + beta / 2;
        *g = (a <= 1 - beta) ? -1 : (a >= 1 + beta) ? 1 : (a - 1) / beta;
        *f += 2 * (1 - beta) / (l * pi) * sin(l * pi / 2 * a);
        *g += (1 - beta) * cos(l * pi / 2 * a);
        break;
    }
    }
}

/* The scaffold's C dcsrch and the Fortran one of liblbfgsb take the same steps, bit for bit. */
static void test_dcsrch_matches_fortran(void)
{
    void *self = dlopen(NULL, RTLD_NOW);
    fortran_dcsrch reference = NULL;
    if (self)
        *(void **)&reference = dlsym(self, "dcsrch_");
    CHECK_MSG(reference != NULL, "liblbfgsb's dcsrch_ not found in the process");
    if (!reference)
        return;
    const double starts[] = {1e-3, 1e-1, 10, 1000};
    double ftol = 1e-3, gtol = 0.1, xtol = 1e-10, stpmin = 0, stpmax = 1e10;
    int compared = 0;
    for (int which = 0; which < 3; ++which) {
        for (size_t s = 0; s < sizeof starts / sizeof starts[0]; ++s) {
            local_dcsrch ours;
            memset(&ours, 0, sizeof ours);
            ours.ftol = ftol, ours.gtol = gtol, ours.xtol = xtol;
            ours.stpmin = stpmin, ours.stpmax = stpmax;
            char task[61];
            int isave[2];
            double dsave[13], f, g, stp_ref = starts[s], stp = starts[s];
            phi_of(which, 0, &f, &g);
            memset(task, ' ', 60);
            memcpy(task, "START", 5);
            int ours_task = local_dcsrch_step(&ours, 1, &stp, f, g);
            for (int it = 0; it < 60; ++it) {
                reference(&f, &g, &stp_ref, &ftol, &gtol, &xtol, &stpmin, &stpmax, task, isave,
                          dsave, 60);
                if (it > 0)
                    ours_task = local_dcsrch_step(&ours, 0, &stp, f, g);
                int ref_task = !strncmp(task, "FG", 2)     ? DCSRCH_FG
                               : !strncmp(task, "CONV", 4) ? DCSRCH_CONVERGENCE
                               : !strncmp(task, "WARN", 4) ? DCSRCH_WARNING
                                                           : DCSRCH_ERROR;
                CHECK_MSG(ours_task == ref_task && stp == stp_ref,
                          "function %d, start %g, call %d: task %d / %d, step %.17g / %.17g",
                          which, starts[s], it, ours_task, ref_task, stp, stp_ref);
                ++compared;
                if (ref_task != DCSRCH_FG || ours_task != ref_task || stp != stp_ref)
                    break;
                phi_of(which, stp, &f, &g);
            }
        }
    }
    CHECK(compared > 40);
    dlclose(self);
}

/* The minimum of the sphere in [1, 2]^n is the corner x = 1, where the projected gradient is 0;
 * from the upper corner the forward differences flip to backward ones. */
static void test_active_bounds(gpuopt_context *ctx)
{
    for (int from_upper = 0; from_upper <= 1; ++from_upper) {
        gpuopt_problem *p = NULL;
        gpuopt_problem_create_builtin(&p, "sphere", 5);
        double lower[5] = {1, 1, 1, 1, 1}, upper[5] = {2, 2, 2, 2, 2}, x0[5];
        for (int i = 0; i < 5; ++i)
            x0[i] = from_upper ? 2.0 : 1.5;
        gpuopt_problem_set_bounds(p, lower, upper);
        gpuopt_problem_set_start(p, x0);
        gpuopt_optimizer *o = make_optimizer(ctx, "lbfgsb", NULL);
        gpuopt_result *r = NULL;
        gpuopt_status st = gpuopt_minimize(o, p, &r);
        CHECK_MSG(st == GPUOPT_STOP_GRADIENT_TOLERANCE, "%s", gpuopt_status_name(st));
        const double *x = r ? gpuopt_result_x(r) : lower;
        int at_corner = 1;
        for (int i = 0; i < 5; ++i)
            at_corner &= x[i] == 1.0;
        CHECK_MSG(at_corner && gpuopt_result_fun(r) == 5.0, "f = %.17g", gpuopt_result_fun(r));
        gpuopt_result_destroy(&r);
        gpuopt_optimizer_destroy(&o);
        gpuopt_problem_destroy(&p);
    }
}

/* A variable fixed by its bounds leaves finite differences no room: an error that says what
 * to do under raise; under continue its gradient entry is 0 and the run goes on. */
static void test_fixed_variable(gpuopt_context *ctx)
{
    for (int cont = 0; cont <= 1; ++cont) {
        gpuopt_problem *p = NULL;
        gpuopt_problem_create_builtin(&p, "rosenbrock", 4);
        double lo[4] = {-5, 0.5, -5, -5}, hi[4] = {10, 0.5, 10, 10}, x0[4] = {-1.2, 0.5, 1, 1};
        gpuopt_problem_set_bounds(p, lo, hi);
        gpuopt_problem_set_start(p, x0);
        const char *options = cont ? "error_handling=continue" : NULL;
        gpuopt_optimizer *o = make_optimizer(ctx, "lbfgsb", options);
        gpuopt_result *r = NULL;
        gpuopt_status st = gpuopt_minimize(o, p, &r);
        if (!cont) {
            CHECK_STATUS(st, GPUOPT_ERR_BAD_BOUNDS);
            CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "give a user gradient");
        } else {
            CHECK_MSG(st > 0 && gpuopt_result_x(r)[1] == 0.5 && gpuopt_result_fun(r) < 5,
                      "%s", gpuopt_status_name(st));
        }
        gpuopt_result_destroy(&r);
        gpuopt_optimizer_destroy(&o);
        gpuopt_problem_destroy(&p);
    }
}

/* The built-in box as L-BFGS-B's bounds; the alias; options out of range. */
static void test_alias_and_options(gpuopt_context *ctx)
{
    gpuopt_algorithm_info info;
    CHECK_STATUS(gpuopt_algorithm_find("scipy_lbfgsb", &info), GPUOPT_SUCCESS);
    CHECK(!strcmp(info.name, "lbfgsb"));
    CHECK(info.properties & GPUOPT_PROP_SUPPORTS_BOUNDS);
    gpuopt_optimizer *o = make_optimizer(ctx, "lbfgsb", NULL);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "limited_memory_storage_length=0"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "convergence.relative_criterion_tolerance=-1"),
                 GPUOPT_ERR_OPTION_RANGE);
    gpuopt_optimizer_destroy(&o);
    /* a smaller memory still solves rosenbrock; the criterion tolerance stops earlier */
    outcome m3 = run_counted(ctx, "lbfgsb", "limited_memory_storage_length=3", "rosenbrock", 10,
                             0, 1);
    CHECK_MSG(m3.status > 0 && m3.fun < 1e-8, "m=3: f = %g", m3.fun);
    outcome loose = run_counted(ctx, "lbfgsb", "convergence.relative_criterion_tolerance=1e-3",
                                "rosenbrock", 10, 0, 1);
    CHECK_STATUS(loose.status, GPUOPT_STOP_RELATIVE_CRITERION_TOLERANCE);
    CHECK(loose.nfev < m3.nfev);
}

int main(void)
{
    gpuopt_context *ctx = NULL;
    gpuopt_context_create(&ctx, "cpu");
    test_dcsrch_matches_fortran();
    test_active_bounds(ctx);
    test_alias_and_options(ctx);
    test_fixed_variable(ctx);
    check_matrix(ctx, "lbfgsb", NULL, 1e-10);
    check_against_scipy(ctx, "lbfgsb");
    check_resume(ctx, "lbfgsb", NULL, "rosenbrock", 6, 1);
    check_bad_input(ctx, "lbfgsb", NULL, 1);
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
