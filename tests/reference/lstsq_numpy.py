"""Reference numbers for tests/test_lstsq.c: numpy.linalg.lstsq and numpy.polyfit on fixed
inputs. Output: lstsq_numpy.inc (C initializers). Run: /usr/bin/python3 lstsq_numpy.py (numpy is installed system-wide)"""
import numpy as np


def c_array(name, values):
    body = ", ".join("NAN" if np.isnan(v) else f"{v:.17g}" for v in np.ravel(values))
    return f"static const double {name}[] = {{{body}}};"


out = [f"/* numpy {np.__version__}: tests/reference/lstsq_numpy.py */"]

# overdetermined, full rank, two right-hand sides
A_full = np.array([[1, 2, 0.5], [3, -1, 2], [0, 1, 1], [2, 2, -1], [1, 0, 3], [-1, 4, 2]], float)
B_full = np.array([[1, 0], [2, 1], [0.5, -1], [3, 2], [1, 1], [-2, 0.5]], float)
# rank-deficient: column 3 = column 1 + column 2
A_def = np.array([[1, 2, 3], [2, 0, 2], [0, 1, 1], [1, 1, 2], [3, -1, 2]], float)
B_def = np.array([[1], [2], [3], [4], [5]], float)
# underdetermined
A_under = np.array([[1, 2, 3, 4], [2, -1, 0, 1]], float)
B_under = np.array([[1], [2]], float)
for name, A, B in (("full", A_full, B_full), ("def", A_def, B_def), ("under", A_under, B_under)):
    X, res, rank, sv = np.linalg.lstsq(A, B, rcond=None)
    out.append(c_array(f"A_{name}", A))
    out.append(c_array(f"B_{name}", B))
    out.append(c_array(f"ref_{name}_X", X))
    out.append(c_array(f"ref_{name}_sv", sv))
    out.append(f"static const size_t ref_{name}_rank = {rank};")
    out.append(c_array(f"ref_{name}_res", res if res.size else [float('nan')] * B.shape[1]))

x = np.linspace(0.0, 2.0, 11)
y = 1.0 - 2.0 * x + 0.5 * x**2 + 0.01 * np.sin(5.0 * x)
w = 1.0 / (0.1 + x)
out.append(c_array("poly_x", x))
out.append(c_array("poly_y", y))
out.append(c_array("poly_w", w))
c, res, rank, sv, rcond = np.polyfit(x, y, 2, full=True)
out += [c_array("ref_poly_coef", c), c_array("ref_poly_res", res), c_array("ref_poly_sv", sv),
        f"static const size_t ref_poly_rank = {rank};", c_array("ref_poly_rcond", [rcond])]
c, cov = np.polyfit(x, y, 2, cov=True)
out.append(c_array("ref_poly_cov", cov))
c, cov = np.polyfit(x, y, 3, w=w, cov="unscaled")
out += [c_array("ref_wpoly_coef", c), c_array("ref_wpoly_cov", cov)]
c, res, rank, sv, rcond = np.polyfit(x, y, 3, w=w, full=True)
out += [c_array("ref_wpoly_res", res), c_array("ref_wpoly_sv", sv)]
open("lstsq_numpy.inc", "w").write("\n".join(out) + "\n")
print("\n".join(out))
