"""Fits the coefficients of the GPU's f32 erf (ApproximateErf in
lib/Conversion/TargetToGPU/TargetToGPU.cpp) and checks the result.

    python scripts/fit_erf.py

erf(x) = x * P(x^2) for |x| < 0.921875 (P of degree 5, relative error);
else sign(x) * (1 - 2^Q(min(|x|, 4))) with Q(t) ~ log2(erfc(t)) (degree 8,
absolute error). Both are minimax fits (Lawson's iteratively reweighted
least squares). The check evaluates the kernel's arithmetic in float32
(Horner steps as fused multiply-adds, exp2 exact) on 4M points of
[-4.5, 4.5] and prints the largest error in units in the last place.
"""

import math

import numpy as np

F32 = np.float32
T0 = 0.921875
erf = np.vectorize(math.erf)
erfc = np.vectorize(math.erfc)


def minimax(x, y, weight, degree, iterations=300):
    basis = np.vander(x, degree + 1, increasing=True)
    lawson = np.ones_like(x)
    for _ in range(iterations):
        w = np.sqrt(lawson) * weight
        coefficients, *_ = np.linalg.lstsq(basis * w[:, None], y * w, rcond=None)
        error = np.abs(basis @ coefficients - y) * weight
        lawson = lawson * error
        lawson /= lawson.sum()
    return [float(F32(c)) for c in coefficients], float(error.max())


def horner(coefficients, x):
    r = np.full_like(x, F32(coefficients[-1]))
    for c in coefficients[-2::-1]:  # fma: one rounding per step
        r = (r.astype(np.float64) * x.astype(np.float64) + np.float64(F32(c))).astype(F32)
    return r


def main():
    s = np.linspace(1e-12, T0 * T0, 20001)
    small, small_error = minimax(s, erf(np.sqrt(s)) / np.sqrt(s), np.sqrt(s) / erf(np.sqrt(s)), 5)
    t = np.linspace(T0, 4.0, 20001)
    large, large_error = minimax(t, np.log2(erfc(t)), np.ones_like(t), 8)
    print("small (P, relative error %.2g):" % small_error, small)
    print("large (Q, absolute error %.2g):" % large_error, large)

    x = np.linspace(0, 4.5, 2_000_001).astype(F32)
    x = np.concatenate([x, -x])
    a = np.abs(x)
    p = (x.astype(np.float64) * horner(small, (x.astype(np.float64) * x).astype(F32))).astype(F32)
    tail = np.exp2(horner(large, np.minimum(a, F32(4.0))).astype(np.float64)).astype(F32)
    q = np.copysign((F32(1) - tail).astype(F32), x)
    r = np.where(a < F32(T0), p, q)
    ref = erf(x.astype(np.float64))
    ulp = np.spacing(np.abs(ref).astype(F32)).astype(np.float64)
    err = np.abs(r - ref) / np.maximum(ulp, 1e-45)
    print("largest error: %.2f ulp at x = %r" % (err.max(), float(x[np.argmax(err)])))


if __name__ == "__main__":
    main()
