"""scipy's BDF on the gradient flow dθ/dt = -grad f(θ) of the race's test functions: the outside reference.

Reads JSON on stdin, {"function": "camel" | "goldstein-price", "starts": [[x, y], ...], "rtol", "atol", "tEnd"},
and prints JSON, one entry per start: y(tEnd), f there, calls (every call of fun, the Jacobian's finite differences
included: vectorized=False sends num_jac's columns through fun one by one), scipy's nfev, njev, nlu, the accepted
steps (len(t) - 1) and the wall time. The gradients are written here anew, not taken from the TypeScript.
"""
import json
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp


def camel(x, y):
    return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2


def camel_grad(x, y):
    return np.array([8 * x - 8.4 * x**3 + 2 * x**5 + y, x - 8 * y + 16 * y**3])


def goldstein_price(x, y):
    p = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
    q = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    return p * q


def goldstein_price_grad(x, y):
    # f = p * q with p = 1 + s^2 u and q = 30 + r^2 w; product rule term by term
    s, u = x + y + 1, 19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2
    r, w = 2 * x - 3 * y, 18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2
    p, q = 1 + s**2 * u, 30 + r**2 * w
    p_x = 2 * s * u + s**2 * (6 * x + 6 * y - 14)
    p_y = 2 * s * u + s**2 * (6 * x + 6 * y - 14)
    q_x = 2 * r * 2 * w + r**2 * (24 * x - 36 * y - 32)
    q_y = 2 * r * -3 * w + r**2 * (54 * y - 36 * x + 48)
    return np.array([p_x * q + p * q_x, p_y * q + p * q_y])


FUNCTIONS = {"camel": (camel, camel_grad), "goldstein-price": (goldstein_price, goldstein_price_grad)}


def main():
    job = json.load(sys.stdin)
    f, grad = FUNCTIONS[job["function"]]
    results = []
    for start in job["starts"]:
        calls = 0

        def flow(t, y):
            nonlocal calls
            calls += 1
            return -grad(y[0], y[1])

        t0 = time.perf_counter()
        sol = solve_ivp(flow, (0, job["tEnd"]), np.array(start, dtype=float), method="BDF", rtol=job["rtol"], atol=job["atol"], vectorized=False)
        ms = (time.perf_counter() - t0) * 1000
        end = sol.y[:, -1]
        results.append({
            "start": start, "status": int(sol.status), "end": [float(end[0]), float(end[1])], "f": float(f(end[0], end[1])),
            "calls": calls, "nfev": int(sol.nfev), "njev": int(sol.njev), "nlu": int(sol.nlu), "accepted": len(sol.t) - 1, "ms": ms,
        })
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
