/* Help texts. */
#include <stdio.h>

#include "cli.h"

void cli_help_main(void)
{
    fputs("usage: gpuopt COMMAND [ARGS...]\n"
          "\n"
          "Batch-evaluated numerical optimization on CPU threads, OpenCL or CUDA.\n"
          "\n"
          "commands:\n"
          "  run          minimize a built-in test problem or a criterion source\n"
          "  algorithms   list the algorithms, or one algorithm's options\n"
          "  problems     list the built-in test problems\n"
          "  backends     list the compute backends and their devices\n"
          "  derivative   finite-difference gradient or Hessian of a problem at a point\n"
          "  log          look at a run log: summary (show) or plots (plot)\n"
          "  fit          curve fitting: NIST StRD data sets or CSV data with a model\n"
          "  help         help on a command (also: gpuopt COMMAND --help)\n"
          "\n"
          "flags:\n"
          "  -h, --help      this text\n"
          "  -V, --version   the version\n"
          "\n"
          "exit status: 0 success (a run that ended for any stop reason, Ctrl-C included),\n"
          "1 failure at run time, 2 bad input. Errors are one line on stderr.\n",
          stdout);
}

void cli_help_run(void)
{
    fputs("usage: gpuopt run --problem NAME [--dim N] --algorithm NAME [FLAGS...]\n"
          "       gpuopt run --source FILE --dim N --algorithm NAME [--lower L] [--upper U] ...\n"
          "\n"
          "Minimizes a built-in problem, or a criterion source file, and prints the best point\n"
          "found.\n"
          "\n"
          "flags:\n"
          "  --problem NAME       built-in problem (see 'gpuopt problems')\n"
          "  --source FILE        criterion in gpuopt's portable C subset, defining\n"
          "                       double criterion(GPUOPT_GLOBAL const double *x, int dim);\n"
          "                       compiled for the backend (cpu: needs $CC or cc); a compile\n"
          "                       error prints the compiler's log (docs/user_criteria.md)\n"
          "  --lower L, --upper U bounds of every coordinate of a --source criterion (default\n"
          "                       unbounded; de and pso need both); the start point is the box\n"
          "                       centre, else 0 moved into the bounds\n"
          "  --dim N              dimension; default 10, or the problem's fixed dimension\n"
          "  --algorithm NAME     algorithm name or alias (see 'gpuopt algorithms')\n"
          "  --backend NAME       auto (default), cpu, opencl or cuda\n"
          "  --seed N             random seed (0 to 18446744073709551615)\n"
          "  --threads N          CPU threads; 0 means all cores (results do not depend on it)\n"
          "  --option KEY=VALUE   set an algorithm option; repeatable\n"
          "                       (see 'gpuopt algorithms NAME' for the keys)\n"
          "  --json               print the result as one JSON object\n"
          "  --quiet              no progress bar\n"
          "\n"
          "run history (see docs/history.md):\n"
          "  --log FILE           write the run's history to an HDF5 log (see 'gpuopt log')\n"
          "  --log-evaluations    also log every evaluated point and its value\n"
          "  --overwrite          replace a log file that exists (else it is refused)\n"
          "  --checkpoint FILE    save the run's complete state: when it starts, then\n"
          "  --checkpoint-every N   every N iterations, and/or\n"
          "  --checkpoint-seconds T every T seconds (default without either: 60 seconds)\n"
          "  --resume FILE        continue the run saved in FILE, bit for bit, with its\n"
          "                       problem, algorithm, options, seed, backend, log and\n"
          "                       checkpoint settings (flags given here take precedence)\n"
          "  --allow-backend-change  resume on another backend (then not bitwise)\n"
          "\n"
          "A progress bar is drawn on stderr when it is a terminal. Ctrl-C stops the run at the\n"
          "next iteration and reports the best point so far (stop reason \"interrupted\");\n"
          "a second Ctrl-C ends the program at once. With --checkpoint, a run stopped by\n"
          "Ctrl-C saves where it stopped, and --resume goes on from there.\n",
          stdout);
}

void cli_help_algorithms(void)
{
    fputs("usage: gpuopt algorithms [NAME] [--json]\n"
          "\n"
          "Lists the algorithms, or with NAME (a name or an alias) that algorithm and its\n"
          "options. --json prints an array of objects (one element with NAME).\n",
          stdout);
}

void cli_help_problems(void)
{
    fputs("usage: gpuopt problems [--json]\n"
          "\n"
          "Lists the built-in test problems: kind, dimension (any or fixed), default bounds\n"
          "and best known value (per coordinate for some, shown as \"V * dim\").\n",
          stdout);
}

void cli_help_backends(void)
{
    fputs("usage: gpuopt backends [--json]\n"
          "\n"
          "Lists the compute backends (cpu, opencl, cuda): whether each is compiled in, its\n"
          "devices, and why there are none when there are none.\n",
          stdout);
}
