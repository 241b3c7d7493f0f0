/* `gpuopt derivative`: finite-difference gradients and Hessians of built-in problems. */
#ifndef GPUOPT_CLI_DERIVATIVE_CMD_H
#define GPUOPT_CLI_DERIVATIVE_CMD_H

int cli_cmd_derivative(int argc, char **argv);
void cli_help_derivative(void);

#endif /* GPUOPT_CLI_DERIVATIVE_CMD_H */
