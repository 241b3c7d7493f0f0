/* gpuopt status codes: one X-macro list. Zero is success, stop reasons are positive (why a run
 * ended), failures are negative. */
#ifndef GPUOPT_STATUS_H
#define GPUOPT_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, value, converged, text). `converged` is 1 for stop reasons that count as convergence. */
#define GPUOPT_STATUS_LIST(X)                                                                      \
    X(GPUOPT_SUCCESS, 0, 0, "success")                                                             \
    X(GPUOPT_STOP_MAX_ITERATIONS, 1, 0, "maximum number of iterations reached")                    \
    X(GPUOPT_STOP_MAX_EVALUATIONS, 2, 0, "maximum number of criterion evaluations reached")        \
    X(GPUOPT_STOP_MAX_TIME, 3, 0, "time limit reached")                                            \
    X(GPUOPT_STOP_INTERRUPTED, 4, 0, "interrupted by the user")                                    \
    X(GPUOPT_STOP_CRITERION_TOLERANCE, 5, 1, "criterion tolerance reached")                        \
    X(GPUOPT_STOP_ABSOLUTE_CRITERION_TOLERANCE, 6, 1, "absolute criterion tolerance reached")      \
    X(GPUOPT_STOP_RELATIVE_CRITERION_TOLERANCE, 7, 1, "relative criterion tolerance reached")      \
    X(GPUOPT_STOP_ABSOLUTE_PARAMS_TOLERANCE, 8, 1, "absolute params tolerance reached")            \
    X(GPUOPT_STOP_RELATIVE_PARAMS_TOLERANCE, 9, 1, "relative params tolerance reached")            \
    X(GPUOPT_STOP_PARAMS_AND_CRITERION_TOLERANCE, 10, 1,                                           \
      "params and criterion tolerances both reached")                                              \
    X(GPUOPT_STOP_TARGET_REACHED, 11, 1, "target criterion value reached")                         \
    X(GPUOPT_STOP_GRADIENT_TOLERANCE, 12, 1, "gradient tolerance reached")                         \
    X(GPUOPT_STOP_NO_IMPROVEMENT, 13, 0, "no improvement within the allowed iterations")           \
    X(GPUOPT_STOP_STAGNATION, 14, 0, "the best and median values stagnated")                      \
    X(GPUOPT_STOP_ILL_CONDITIONED, 15, 0, "the search distribution became too ill-conditioned")   \
    X(GPUOPT_STOP_STEP_SIZE_DIVERGED, 16, 0, "the step size grew without bound")                  \
    X(GPUOPT_STOP_NO_EFFECT, 17, 1, "steps no longer change the mean (numerical precision reached)") \
    X(GPUOPT_ERR_INVALID_ARGUMENT, -1, 0, "invalid argument")                                      \
    X(GPUOPT_ERR_NULL_POINTER, -2, 0, "NULL pointer argument")                                     \
    X(GPUOPT_ERR_OUT_OF_MEMORY, -3, 0, "out of memory")                                            \
    X(GPUOPT_ERR_UNKNOWN_ALGORITHM, -4, 0, "unknown algorithm")                                    \
    X(GPUOPT_ERR_UNKNOWN_OPTION, -5, 0, "unknown option")                                          \
    X(GPUOPT_ERR_OPTION_TYPE, -6, 0, "option value of the wrong type")                             \
    X(GPUOPT_ERR_OPTION_RANGE, -7, 0, "option value out of range")                                 \
    X(GPUOPT_ERR_UNKNOWN_BACKEND, -8, 0, "unknown backend")                                        \
    X(GPUOPT_ERR_BACKEND_UNAVAILABLE, -9, 0, "backend not available")                              \
    X(GPUOPT_ERR_UNKNOWN_PROBLEM, -10, 0, "unknown problem")                                       \
    X(GPUOPT_ERR_BAD_DIMENSION, -11, 0, "invalid dimension")                                       \
    X(GPUOPT_ERR_BAD_BOUNDS, -12, 0, "invalid bounds")                                             \
    X(GPUOPT_ERR_BAD_START, -13, 0, "invalid start point")                                         \
    X(GPUOPT_ERR_NONFINITE_CRITERION, -14, 0, "criterion returned NaN or Inf")                     \
    X(GPUOPT_ERR_CALLBACK, -15, 0, "user callback reported an error")                              \
    X(GPUOPT_ERR_INVALID_STATE, -16, 0, "call out of order")                                       \
    X(GPUOPT_ERR_UNSUPPORTED, -17, 0, "not supported by this algorithm or backend")                \
    X(GPUOPT_ERR_POPULATION_TOO_SMALL, -18, 0, "population too small")                             \
    X(GPUOPT_ERR_NO_CRITERION, -19, 0, "problem has no criterion")                                 \
    X(GPUOPT_ERR_BACKEND, -20, 0, "backend failure")                                               \
    X(GPUOPT_ERR_IO, -21, 0, "input/output error")                                                 \
    X(GPUOPT_ERR_INTERNAL, -22, 0, "internal error")                                               \
    X(GPUOPT_ERR_SOURCE_COMPILE, -23, 0, "criterion source failed to compile")

typedef enum gpuopt_status {
#define GPUOPT_STATUS_ENUM(name, value, converged, text) name = value,
    GPUOPT_STATUS_LIST(GPUOPT_STATUS_ENUM)
#undef GPUOPT_STATUS_ENUM
} gpuopt_status;

/* "GPUOPT_STOP_MAX_ITERATIONS" -> "max_iterations" style short name, and the sentence. */
const char *gpuopt_status_name(gpuopt_status status);
const char *gpuopt_status_text(gpuopt_status status);
/* 1 when the status is a stop reason that counts as convergence. */
int gpuopt_status_converged(gpuopt_status status);

#ifdef __cplusplus
}
#endif
#endif /* GPUOPT_STATUS_H */
