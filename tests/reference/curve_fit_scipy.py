"""Reference numbers for tests/test_curve_fit.c: scipy.optimize.curve_fit on a deterministic
data set (exponential model a*exp(-b*x) + c, x = linspace(0, 4, 25), y with a fixed sine
perturbation, sigma = 0.1 + 0.02*x). Output: curve_fit_scipy.inc (C initializers).
Run: python3 -m venv /tmp/venv; /tmp/venv/bin/pip install scipy; /tmp/venv/bin/python this."""
import numpy as np
import scipy
from scipy.optimize import curve_fit


def model(x, a, b, c):
    return a * np.exp(-b * x) + c


x = np.linspace(0.0, 4.0, 25)
y = 2.5 * np.exp(-1.3 * x) + 0.5 + 0.05 * np.sin(7.0 * x)
sigma = 0.1 + 0.02 * x
p0 = [1.0, 1.0, 1.0]


def c_array(name, values):
    body = ", ".join(f"{v:.17g}" for v in np.ravel(values))
    return f"static const double {name}[] = {{{body}}};"


lines = [f"/* scipy {scipy.__version__}, numpy {np.__version__}: tests/reference/curve_fit_scipy.py */"]
cases = [
    ("unweighted", dict()),
    ("weighted", dict(sigma=sigma)),
    ("absolute", dict(sigma=sigma, absolute_sigma=True)),
    ("bounded", dict(sigma=sigma, bounds=([0.0, 0.0, 0.0], [10.0, 10.0, 10.0]))),
]
for name, kw in cases:
    popt, pcov = curve_fit(model, x, y, p0=p0, xtol=1e-15, ftol=1e-15, gtol=1e-15, **kw)
    lines.append(c_array(f"ref_{name}_params", popt))
    lines.append(c_array(f"ref_{name}_cov", pcov))
open("curve_fit_scipy.inc", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
