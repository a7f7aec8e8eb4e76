#!/usr/bin/env python3
"""Reference for LogisticRegressionTests.matchesScipyReference (numpy + scipy only).

Minimises  -sum(y*eta - log(1+exp(eta))) + (lam/2) * sum(beta[1:]**2)  with eta = beta0 + Z beta,
Z = features standardised by their mean and population standard deviation (ddof=0), the same
objective the Swift fit minimises, and prints the values pasted into the test.
"""
import numpy as np
from scipy.optimize import minimize

X = np.array([[1, 2], [2, 1], [3, 4], [4, 3], [5, 6], [6, 5], [7, 8], [8, 9], [2, 7], [9, 1]], float)
y = np.array([0, 0, 1, 0, 1, 0, 1, 1, 1, 0], float)
lam = 1.0
mean, sd = X.mean(axis=0), X.std(axis=0)
Z = np.column_stack([np.ones(len(X)), (X - mean) / sd])


def objective(beta):
    eta = Z @ beta
    value = np.sum(np.logaddexp(0, eta) - y * eta) + 0.5 * lam * np.sum(beta[1:] ** 2)
    grad = Z.T @ (1 / (1 + np.exp(-eta)) - y)
    grad[1:] += lam * beta[1:]
    return value, grad


fit = minimize(objective, np.zeros(3), jac=True, method="BFGS", options={"gtol": 1e-10})
beta = fit.x
print(f"intercept = {beta[0]!r}")
print(f"coefficients = [{beta[1]!r}, {beta[2]!r}]")
z = (np.array([3.0, 3.0]) - mean) / sd
print(f"probabilityAt33 = {1 / (1 + np.exp(-(beta[0] + z @ beta[1:])))!r}")
