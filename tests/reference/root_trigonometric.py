"""Reference roots of the Moré-Garbow-Hillstrom trigonometric system (#26) at n = 10 from
x_i = 0.1, for tests/test_root.c. Run: python3 root_trigonometric.py > root_trigonometric.txt
(needs scipy: MINPACK's hybrj and lmder, independent of GSL; and a plain numpy Newton
iteration with step halving)."""
import numpy as np
from scipy.optimize import root

N = 10


def F(x):
    i = np.arange(1, N + 1)
    return N - np.cos(x).sum() + i * (1 - np.cos(x)) - np.sin(x)


def J(x):
    i = np.arange(1, N + 1)
    jac = np.tile(np.sin(x), (N, 1))
    jac[np.diag_indices(N)] += i * np.sin(x) - np.cos(x)
    return jac


x0 = np.full(N, 0.1)
for method in ("hybr", "lm"):
    r = root(F, x0, jac=J, method=method, options={"xtol": 1e-14} if method == "hybr" else {})
    print(f"{method}: success={r.success} |F|={np.linalg.norm(F(r.x)):.6e}")
    print("  x = " + " ".join(f"{v:.12f}" for v in r.x))


x = x0.copy()
for _ in range(100):
    step, t = np.linalg.solve(J(x), F(x)), 1.0
    while np.linalg.norm(F(x - t * step)) > np.linalg.norm(F(x)) and t > 1e-10:
        t /= 2
    x = x - t * step
    if np.linalg.norm(F(x)) < 1e-14:
        break
print(f"numpy newton: |F|={np.linalg.norm(F(x)):.6e}")
print("  x = " + " ".join(f"{v:.12f}" for v in x))
