/* gpuopt: the command-line tool. Dispatches to the commands in run_cmd.c, list_*.c. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "derivative_cmd.h"
#include "fit_cmd.h"
#include "log_cmd.h"

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    void (*help)(void);
} cli_command;

static const cli_command commands[] = {
    {"run", cli_cmd_run, cli_help_run},
    {"algorithms", cli_cmd_algorithms, cli_help_algorithms},
    {"problems", cli_cmd_problems, cli_help_problems},
    {"backends", cli_cmd_backends, cli_help_backends},
    {"derivative", cli_cmd_derivative, cli_help_derivative},
    {"log", cli_cmd_log, cli_help_log},
    {"fit", cli_cmd_fit, cli_help_fit},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; ++i)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* "run, algorithms, ..." from the table, for messages. */
static const char *command_list(void)
{
    static char list[256];
    size_t used = 0;
    for (size_t i = 0; i < N_COMMANDS && used < sizeof list; ++i)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                 commands[i].name);
    return list;
}

/* `gpuopt help [COMMAND]` */
static int help_command(int argc, char **argv)
{
    if (argc == 0) {
        cli_help_main();
        return CLI_EXIT_OK;
    }
    const cli_command *c = find_command(argv[0]);
    if (c == NULL || argc > 1)
        return cli_fail(CLI_EXIT_USAGE, "help: unknown command '%s' (commands: %s)",
                        argv[argc > 1 && c != NULL ? 1 : 0], command_list());
    c->help();
    return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return cli_fail(CLI_EXIT_USAGE, "no command given (see 'gpuopt --help')");
    const char *first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0) {
        cli_help_main();
        return CLI_EXIT_OK;
    }
    if (strcmp(first, "--version") == 0 || strcmp(first, "-V") == 0) {
        printf("gpuopt %s\n", gpuopt_version());
        return CLI_EXIT_OK;
    }
    if (strcmp(first, "help") == 0)
        return help_command(argc - 2, argv + 2);
    const cli_command *c = find_command(first);
    if (c != NULL)
        return c->run(argc - 2, argv + 2);
    if (first[0] == '-')
        return cli_fail(CLI_EXIT_USAGE, "unknown flag '%s' (see 'gpuopt --help')", first);
    return cli_fail(CLI_EXIT_USAGE, "unknown command '%s' (commands: %s)", first, command_list());
}
