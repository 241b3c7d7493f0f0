/* `gpuopt log show|plot`: looking at a run log. */
#ifndef GPUOPT_CLI_LOG_CMD_H
#define GPUOPT_CLI_LOG_CMD_H

#include <stddef.h>

#include "gpuopt.h"

int cli_cmd_log(int argc, char **argv);
void cli_help_log(void);

#endif /* GPUOPT_CLI_LOG_CMD_H */
