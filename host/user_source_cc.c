/* The host build of a source criterion: the system C compiler ($CC, default `cc`) makes a
 * shared object in a private temporary directory, which is loaded with dlopen and removed.
 * Once per process and source; the loaded code stays for the life of the process. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "user_source.h"

extern char **environ;

/* Options fixed by the library: optimized, position-independent, no FMA contraction (the
 * same arithmetic as the device builds), C99 (the portable subset). */
#define CC_FLAGS "-O2", "-fPIC", "-shared", "-ffp-contract=off", "-std=c99"
#define CC_WHAT "$CC -O2 -fPIC -shared -ffp-contract=off -std=c99"
#define CC_LOG_MAX ((size_t)1 << 20)

static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct cc_dir {
    char dir[512], source[600], object[600], log[600];
} cc_dir;

static int make_dir(cc_dir *d)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(d->dir, sizeof d->dir, "%s/gpuopt-criterion-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(d->dir))
        return -1;
    snprintf(d->source, sizeof d->source, "%s/criterion.c", d->dir);
    snprintf(d->object, sizeof d->object, "%s/criterion.so", d->dir);
    snprintf(d->log, sizeof d->log, "%s/compiler.log", d->dir);
    return 0;
}

static void remove_dir(const cc_dir *d)
{
    unlink(d->source);
    unlink(d->object);
    unlink(d->log);
    rmdir(d->dir);
}

static int write_file(const char *path, const char *text, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(text, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* The file's text (at most CC_LOG_MAX bytes), or NULL. */
static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *text = malloc(CC_LOG_MAX + 1);
    size_t n = text ? fread(text, 1, CC_LOG_MAX, f) : 0;
    fclose(f);
    if (text)
        text[n] = '\0';
    return text;
}

/* Runs the compiler through sh, so that $CC may hold a command with arguments ("ccache gcc");
 * stdout and stderr go to the log. Returns the exit status, or -1 when it could not start. */
static int run_compiler(const cc_dir *d)
{
    char *argv[] = {"sh", "-c", "exec ${CC:-cc} \"$@\"", "gpuopt-cc", CC_FLAGS,
                    "-o", (char *)d->object, (char *)d->source, "-lm", NULL};
    posix_spawn_file_actions_t io;
    if (posix_spawn_file_actions_init(&io) != 0)
        return -1;
    posix_spawn_file_actions_addopen(&io, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&io, 1, d->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&io, 1, 2);
    pid_t pid;
    int err = posix_spawn(&pid, "/bin/sh", &io, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&io);
    if (err != 0)
        return -1;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Compiles, loads and finds the entry; on failure *log holds what to tell (malloc'd). */
static int compile_and_load(const gpuopt_user_source *s, const cc_dir *d, void **library,
                            gpuopt_source_rows_fn *rows, char **log)
{
    size_t n = 0;
    char *program = gpuopt_user_source_program(s, GPUOPT_SOURCE_C, &n);
    if (!program || write_file(d->source, program, n) != 0) {
        free(program);
        *log = strdup("cannot write the source to a temporary directory");
        return -1;
    }
    free(program);
    int rc = run_compiler(d);
    *log = read_file(d->log);
    if (rc != 0) {
        char *head = malloc(256 + (*log ? strlen(*log) : 0));
        if (head)
            sprintf(head, "%s%s", *log ? *log : "",
                    rc == 127 || rc < 0 ? "no C compiler could be run: the cpu backend compiles "
                                          "criterion sources with $CC (default cc); install one "
                                          "or set CC\n"
                                        : "");
        free(*log);
        *log = head;
        return -1;
    }
    *library = dlopen(d->object, RTLD_NOW | RTLD_LOCAL);
    void *entry = *library ? dlsym(*library, GPUOPT_SOURCE_HOST_ENTRY) : NULL;
    if (!entry) {
        const char *why = dlerror();
        free(*log);
        *log = strdup(why ? why : "dlopen failed");
        if (*library)
            dlclose(*library);
        return -1;
    }
    /* POSIX allows converting dlsym's object pointer to a function pointer */
    memcpy(rows, &entry, sizeof entry);
    return 0;
}

gpuopt_status gpuopt_user_source_host_build(gpuopt_backend *b, const gpuopt_user_source *cs,
                                            gpuopt_source_rows_fn *rows)
{
    gpuopt_user_source *s = (gpuopt_user_source *)cs; /* the build fields are ours to set */
    pthread_mutex_lock(&build_lock);
    gpuopt_status st = GPUOPT_SUCCESS;
    if (!s->host_rows) {
        cc_dir d;
        char *log = NULL;
        void *library = NULL;
        if (make_dir(&d) != 0) {
            st = gpuopt_user_source_fail(b, s, CC_WHAT,
                                         "cannot create a temporary directory (TMPDIR)");
        } else {
            if (compile_and_load(s, &d, &library, &s->host_rows, &log) != 0)
                st = gpuopt_user_source_fail(b, s, CC_WHAT, log);
            else
                s->host_library = library;
            remove_dir(&d);
        }
        if (st != GPUOPT_SUCCESS)
            s->host_rows = NULL;
        free(log);
    }
    *rows = s->host_rows;
    pthread_mutex_unlock(&build_lock);
    return st;
}
