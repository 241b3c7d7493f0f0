/* `gpuopt fit`: curve fitting of NIST StRD data sets and CSV files with built-in models. */
#ifndef GPUOPT_CLI_FIT_CMD_H
#define GPUOPT_CLI_FIT_CMD_H

int cli_cmd_fit(int argc, char **argv);
void cli_help_fit(void);

#endif /* GPUOPT_CLI_FIT_CMD_H */
