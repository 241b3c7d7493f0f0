"""The Moré–Wild least-squares problems in numpy, for the Python solvers of ls_profiles.py.

An independent port of the residuals of J. J. Moré and S. M. Wild, "Benchmarking
derivative-free optimization algorithms", SIAM J. Optim. 20(1), 2009, following the authors'
Fortran dfovec.f / dfoxs.f (github.com/POptUS/BenDFO), as kernels/problems_more_wild.h does in
C. ls_profiles.py checks f(x0) of every problem against the value gpuopt recorded (1e-12), so
both ports agree. residuals(function, x, m) returns the m residuals; start(function, n) the
standard start point x_s (the problems start from x_s or 10 x_s)."""
import numpy as np

BARD_Y = [0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39]
KOWALIK_Y = [0.1957, 0.1947, 0.1735, 0.16, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235, 0.0246]
KOWALIK_V = [4.0, 2.0, 1.0, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625]
MEYER_Y = [34780, 28610, 23650, 19630, 16370, 13720, 11540, 9744, 8261, 7030, 6005, 5147, 4427,
           3820, 3307, 2872]
OSBORNE1_Y = [0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818, 0.784, 0.751, 0.718,
              0.685, 0.658, 0.628, 0.603, 0.580, 0.558, 0.538, 0.522, 0.506, 0.490, 0.478, 0.467,
              0.457, 0.448, 0.438, 0.431, 0.424, 0.420, 0.414, 0.411, 0.406]
OSBORNE2_Y = [1.366, 1.191, 1.112, 1.013, 0.991, 0.885, 0.831, 0.847, 0.786, 0.725, 0.746, 0.679,
              0.608, 0.655, 0.616, 0.606, 0.602, 0.626, 0.651, 0.724, 0.649, 0.649, 0.694, 0.644,
              0.624, 0.661, 0.612, 0.558, 0.533, 0.495, 0.500, 0.423, 0.395, 0.375, 0.372, 0.391,
              0.396, 0.405, 0.428, 0.429, 0.523, 0.562, 0.607, 0.653, 0.672, 0.708, 0.633, 0.668,
              0.645, 0.632, 0.591, 0.559, 0.597, 0.625, 0.739, 0.710, 0.729, 0.720, 0.636, 0.581,
              0.428, 0.292, 0.162, 0.098, 0.054]
HEART8_Y = [-0.69, -0.044, -1.57, -1.31, -2.65, 2.0, -12.6, 9.48]


def _linear(f, x, m):
    n = len(x)
    if f == 1:
        r = np.full(m, -(2.0 * x.sum() / m + 1.0))
        r[:n] += x
        return r
    if f == 2:
        return np.arange(1, m + 1) * (np.arange(1, n + 1) @ x) - 1.0
    s = np.arange(2, n) @ x[1:n - 1]
    r = np.arange(m) * s - 1.0
    r[-1] = -1.0
    return r


def _helical(x):
    th = -0.25 if x[1] < 0 else 0.25
    if x[0] > 0:
        th = np.arctan(x[1] / x[0]) / (2 * np.pi)
    elif x[0] < 0:
        th = np.arctan(x[1] / x[0]) / (2 * np.pi) + 0.5
    return [10 * (x[2] - 10 * th), 10 * (np.hypot(x[0], x[1]) - 1), x[2]]


def _watson(x):
    n, r = len(x), np.zeros(31)
    for i in range(1, 30):
        t = i / 29
        powers = t ** np.arange(n)
        r[i - 1] = (np.arange(1, n) * powers[:-1] * x[1:]).sum() - (powers @ x) ** 2 - 1
    r[29], r[30] = x[0], x[1] - x[0] ** 2 - 1
    return r


def _chebyquad(x, m):
    n, r = len(x), np.zeros(m)
    for xj in x:
        t1, t2 = 1.0, 2 * xj - 1
        for i in range(m):
            r[i] += t2
            t1, t2 = t2, 2 * (2 * xj - 1) * t2 - t1
    r /= n
    i = np.arange(1, m + 1, dtype=float)
    even = i % 2 == 0
    r[even] += 1.0 / (i[even] ** 2 - 1.0)
    return r


def _mancino_term(v):
    return v * (np.sin(np.log(v)) ** 5 + np.cos(np.log(v)) ** 5)


def _mancino(x):
    n = len(x)
    i = np.arange(1, n + 1)
    v = np.sqrt(x[:, None] ** 2 + i[:, None] / i[None, :])
    return 1400 * x + (i - 50.0) ** 3 + _mancino_term(v).sum(axis=1)


def _heart8(x):
    a, b, c, d, t, u, v, w = x
    r = [a + b, c + d, t * a + u * b - v * c - w * d, v * a + w * b + t * c + u * d,
         a * (t * t - v * v) - 2 * c * t * v + b * (u * u - w * w) - 2 * d * u * w,
         c * (t * t - v * v) + 2 * a * t * v + d * (u * u - w * w) + 2 * b * u * w,
         a * t * (t * t - 3 * v * v) + c * v * (v * v - 3 * t * t)
         + b * u * (u * u - 3 * w * w) + d * w * (w * w - 3 * u * u),
         c * t * (t * t - 3 * v * v) - a * v * (v * v - 3 * t * t)
         + d * u * (u * u - 3 * w * w) - b * w * (w * w - 3 * u * u)]
    return np.array(r) - HEART8_Y


def residuals(f, x, m):
    """The m residuals of function f (1..22, dfovec's nprob) at x."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    i = np.arange(1, m + 1, dtype=float)
    if f <= 3:
        return _linear(f, x, m)
    if f == 4:
        return np.array([10 * (x[1] - x[0] ** 2), 1 - x[0]])
    if f == 5:
        return np.array(_helical(x))
    if f == 6:
        return np.array([x[0] + 10 * x[1], np.sqrt(5) * (x[2] - x[3]), (x[1] - 2 * x[2]) ** 2,
                         np.sqrt(10) * (x[0] - x[3]) ** 2])
    if f == 7:
        return np.array([-13 + x[0] + ((5 - x[1]) * x[1] - 2) * x[1],
                         -29 + x[0] + ((1 + x[1]) * x[1] - 14) * x[1]])
    if f == 8:
        v = 16 - i
        w = np.where(i > 8, v, i)
        return np.array(BARD_Y) - (x[0] + i / (x[1] * v + x[2] * w))
    if f == 9:
        v = np.array(KOWALIK_V)
        return np.array(KOWALIK_Y) - x[0] * v * (v + x[1]) / (v * (v + x[2]) + x[3])
    if f == 10:
        return x[0] * np.exp(x[1] / (5 * i + 45 + x[2])) - MEYER_Y
    if f == 11:
        return _watson(x)
    if f == 12:
        t = i / 10
        return np.exp(-t * x[0]) - np.exp(-t * x[1]) + (np.exp(-i) - np.exp(-t)) * x[2]
    if f == 13:
        return 2 * (1 + i) - (np.exp(i * x[0]) + np.exp(i * x[1]))
    if f == 14:
        t = i / 5
        return (x[0] + t * x[1] - np.exp(t)) ** 2 + (x[2] + np.sin(t) * x[3] - np.cos(t)) ** 2
    if f == 15:
        return _chebyquad(x, m)
    if f == 16:
        r = x + (x.sum() - (n + 1))
        r[-1] = np.prod(x) - 1
        return r
    if f == 17:
        t = 10 * (i - 1)
        return OSBORNE1_Y - (x[0] + x[1] * np.exp(-x[3] * t) + x[2] * np.exp(-x[4] * t))
    if f == 18:
        t = (i - 1) / 10
        model = (x[0] * np.exp(-x[4] * t) + x[1] * np.exp(-x[5] * (t - x[8]) ** 2)
                 + x[2] * np.exp(-x[6] * (t - x[9]) ** 2) + x[3] * np.exp(-x[7] * (t - x[10]) ** 2))
        return OSBORNE2_Y - model
    if f == 19:
        k = n - 4
        quart = (x[:k] ** 2 + 2 * x[1:k + 1] ** 2 + 3 * x[2:k + 2] ** 2 + 4 * x[3:k + 3] ** 2
                 + 5 * x[-1] ** 2)
        return np.concatenate([-4 * x[:k] + 3, quart])
    if f == 20:
        return np.concatenate([[x[0] - 1], 10 * (x[1:] - x[:-1] ** 3)])
    if f == 21:
        return _mancino(x)
    if f == 22:
        return _heart8(x)
    raise ValueError("no More-Wild function %r" % f)


def start(f, n):
    """The standard start point x_s of function f at dimension n (dfoxs)."""
    fixed = {4: [-1.2, 1], 5: [-1, 0, 0], 6: [3, -1, 0, 1], 7: [0.5, -2],
             9: [0.25, 0.39, 0.415, 0.39], 10: [0.02, 4000, 250], 12: [0, 10, 20],
             13: [0.3, 0.4], 14: [25, 5, -5, -1], 17: [0.5, 1.5, 1, 0.01, 0.02],
             18: [1.3, 0.65, 0.65, 0.7, 0.6, 3, 5, 7, 2, 4.5, 5.5],
             22: [-0.3, -0.39, 0.3, -0.344, -1.2, 2.69, 1.59, -1.5]}
    if f in fixed:
        return np.array(fixed[f], dtype=float)
    if f in (11, 16, 20):
        return np.full(n, 0.5)
    if f == 15:
        return np.arange(1, n + 1) / (n + 1)
    if f == 21:
        i = np.arange(1, n + 1)
        v = np.sqrt(i[:, None] / i[None, :])
        return -8.710996e-4 * ((i - 50.0) ** 3 + _mancino_term(v).sum(axis=1))
    return np.ones(n)
