/* A run's complete state as plain data (an "image"), and the observer hook that the history log
 * and the checkpoint writer use. The core knows nothing of files: src/history/ turns images
 * into HDF5 checkpoints and observer calls into HDF5 logs.
 *
 * An image is taken at a batch boundary (between tell and the next ask). Applying it to an
 * optimizer of the same algorithm, with the same problem, backend kind and options, makes the
 * run continue exactly as the original would have, bit for bit: everything an algorithm keeps
 * is in its POD state struct and its named buffers, and every random draw is addressed by
 * counters in that struct. */
#ifndef GPUOPT_IMAGE_H
#define GPUOPT_IMAGE_H

#include "core.h"

typedef struct gpuopt_image_buffer {
    char name[32];
    int place;        /* gpuopt_buffer_place */
    size_t count, elem_size;
    void *data;       /* count * elem_size bytes, on the host */
} gpuopt_image_buffer;

typedef struct gpuopt_image {
    /* identity, checked on resume */
    char library_version[16];
    char algorithm[64];
    char problem[64];
    char backend[16];
    size_t dim;
    int kind;             /* gpuopt_criterion_kind */
    size_t n_outputs;
    double *lower, *upper, *x0; /* dim values each */
    /* options, as text (every key of the algorithm's table, defaults included) */
    size_t n_options;
    char **option_keys, **option_values;
    /* framework counters */
    uint64_t seed;
    int64_t n_iterations, n_evaluations;
    double best_f;
    double *best_x;
    double elapsed;       /* wall time of the run so far, seconds */
    double iteration_f;   /* smallest value seen in the current iteration */
    size_t n_restarts;    /* restart marks (at most GPUOPT_MAX_RESTART_MARKS stored) */
    gpuopt_restart_mark restarts[GPUOPT_MAX_RESTART_MARKS];
    /* the algorithm's state */
    size_t state_size;
    void *state;
    size_t n_buffers;
    gpuopt_image_buffer *buffers;
} gpuopt_image;

/* Captures the optimizer's run; only between tell and ask (phase READY), else
 * GPUOPT_ERR_INVALID_STATE. Device buffers are copied to the host. */
gpuopt_status gpuopt_image_capture(const gpuopt_optimizer *opt, gpuopt_image **out);
/* Sets the image's options on opt, sets the run up on `problem`, and overwrites its state with
 * the image's. Refuses (naming the mismatch) an image of another algorithm, problem, dimension,
 * criterion kind, or backend kind unless allow_backend_change. */
gpuopt_status gpuopt_image_apply(gpuopt_optimizer *opt, const gpuopt_problem *problem,
                                 const gpuopt_image *img, int allow_backend_change);
/* Allocates an empty image with the given counts (for readers), zeroed. */
gpuopt_image *gpuopt_image_alloc(size_t dim, size_t n_options, size_t state_size, size_t n_buffers);
void gpuopt_image_free(gpuopt_image **img);

/* ----------------------------------------------------------------- observers */

typedef enum gpuopt_event {
    GPUOPT_EVENT_START = 1,     /* after setup (or resume), before the first ask */
    GPUOPT_EVENT_BATCH = 2,     /* after a batch was evaluated and told (phase READY) */
    GPUOPT_EVENT_ITERATION = 4, /* after a batch that completed an iteration */
    GPUOPT_EVENT_STOP = 8,      /* the run stopped (phase DONE) */
    GPUOPT_EVENT_RELEASE = 16   /* the optimizer is being destroyed: free what you hold */
} gpuopt_event;

/* What an observer sees. For GPUOPT_EVENT_BATCH the batch's points and values are readable with
 * gpuopt_observer_read_batch (they are copied from the backend only when asked). */
typedef struct gpuopt_observation {
    gpuopt_event event;
    int64_t n_iterations, n_evaluations;
    double best_f;
    const double *best_x;      /* dim values */
    double iteration_f;        /* smallest value in the iteration just completed */
    double elapsed;
    size_t n_report;           /* the algorithm's report values (report_keys) */
    const char *const *report_keys;
    const double *report;
    size_t batch_n;            /* BATCH: points in the batch */
    /* STOP: why the run stopped. BATCH / ITERATION: the stop this batch is about to cause
     * (GPUOPT_SUCCESS when the run goes on) — the batch a run stops on is observed too, so
     * checkpoint writers skip saving when this is not GPUOPT_SUCCESS. */
    gpuopt_status stop_reason;
} gpuopt_observation;

/* Return a status: anything but GPUOPT_SUCCESS stops the run with that status (a negative one
 * as an error, e.g. the log could not be written). */
typedef gpuopt_status (*gpuopt_observer_fn)(gpuopt_optimizer *opt, const gpuopt_observation *o,
                                            void *user);

/* Registers an observer for the events in `mask` (up to 4 observers). */
gpuopt_status gpuopt_optimizer_add_observer(gpuopt_optimizer *opt, unsigned mask,
                                            gpuopt_observer_fn fn, void *user);
gpuopt_status gpuopt_optimizer_remove_observer(gpuopt_optimizer *opt, gpuopt_observer_fn fn,
                                               void *user);
/* Copies the current batch's points (n x dim) and values (n) to the host (BATCH events only). */
gpuopt_status gpuopt_observer_read_batch(gpuopt_optimizer *opt, double *X, double *f);

#endif /* GPUOPT_IMAGE_H */
