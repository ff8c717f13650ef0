"""numpy twins of precmed's link prediction methods (src/linkpred/methods.c),
written independently from the algorithm descriptions of
docs/repositioning.md, for bench/linkpred (timing and agreement) and to
compute the reference values pinned in sql/linkpred.sql.

Run with OPENBLAS_NUM_THREADS=1 (bench/linkpred sets it) so numpy uses one
BLAS thread, like precmed.
"""
import numpy as np


def gip(A, rows, gamma_rel):
    P = A if rows else A.T
    q = (P * P).sum(1)
    mean = q.mean()
    g = gamma_rel / mean if mean > 0 else 0.0
    d2 = q[:, None] + q[None, :] - 2.0 * (P @ P.T)
    return np.exp(-g * np.maximum(d2, 0.0))


def fuse(K, S, A, rows, w, guard=True):
    warm = (A.sum(1 if rows else 0) > 0)
    both = np.outer(warm, warm) if guard else np.ones_like(K, dtype=bool)
    F = np.where(both, w * S + (1 - w) * K, S)
    np.fill_diagonal(F, 1.0)
    return F


def krls_gip(A, Sl, Sr, w=0.3, sigma=5.0, gamma=0.5, guard=True):
    Kl = fuse(gip(A, True, gamma), Sl, A, True, w, guard)
    Kr = fuse(gip(A, False, gamma), Sr, A, False, w, guard)
    lam, U = np.linalg.eigh(Kl)
    mu, V = np.linalg.eigh(Kr)
    lam = np.maximum(lam, 0)
    mu = np.maximum(mu, 0)
    lm = np.outer(lam, mu)
    G = (U.T @ A @ V) * (lm / (lm + sigma))
    return U @ G @ V.T


def top_k(S, k):
    n = S.shape[0]
    k = min(k, n - 1)
    out = np.zeros_like(S)
    for i in range(n):
        s = S[i].copy()
        s[i] = -np.inf
        # largest first, ties by lower index (stable sort on -s)
        idx = np.argsort(-s, kind="stable")[:k]
        out[i, idx] = S[i, idx]
    return out


def knn(A, Sl, Sr, k=15):
    return top_k(Sl, k) @ A + A @ top_k(Sr, k).T


def _admm(T, alpha, beta, svt, tol1=2e-3, tol2=1e-5, max_iter=300):
    omega = T != 0
    X = T.copy()
    W = T.copy()
    Y = T.copy()
    stop1, stop2, it = 1.0, 1.0, 0
    shrink = alpha / (alpha + beta)
    while (stop1 > tol1 or stop2 > tol2) and it < max_iter:
        t = (Y + alpha * T) / beta + X
        W = np.clip(t - shrink * t * omega, 0.0, 1.0)
        Xn = svt(W - Y / beta, 1.0 / beta)
        Y = Y + beta * (Xn - W)
        prev = stop1
        stop1 = np.linalg.norm(Xn - X) / np.linalg.norm(X)
        stop2 = abs(stop1 - prev) / max(1.0, abs(prev))
        X = Xn
        it += 1
    return W, it


def svt_sym(M, tau):
    lam, V = np.linalg.eigh(M)
    s = np.sign(lam) * np.maximum(np.abs(lam) - tau, 0)
    keep = s != 0
    Vk = V[:, keep]
    return (Vk * s[keep]) @ Vk.T


def svt_rect(M, tau):
    U, s, Vt = np.linalg.svd(M, full_matrices=False)
    s = np.maximum(s - tau, 0)
    k = int((s > 0).sum())
    return (U[:, :k] * s[:k]) @ Vt[:k]


def bnnr(A, Sl, Sr, alpha=1.0, beta=10.0, gip_fused=False, gip_w=0.5, gamma=1.0,
         max_iter=300, return_iters=False):
    if gip_fused:
        Sl = fuse(gip(A, True, gamma), Sl, A, True, gip_w)
        Sr = fuse(gip(A, False, gamma), Sr, A, False, gip_w)
    nl = A.shape[0]
    T = np.block([[Sl, A], [A.T, Sr]])
    W, it = _admm(T, alpha, beta, svt_sym, max_iter=max_iter)
    F = W[:nl, nl:]
    return (F, it) if return_iters else F


def grb_norm(S, h=0.5):
    q = (S * S).sum(1)
    d2 = q[:, None] + q[None, :] - 2.0 * (S @ S.T)
    K = np.exp(-np.maximum(d2, 0) / (2 * h * h))
    d = 1.0 / np.sqrt(K.sum(1))
    return K * d[:, None] * d[None, :]


def hgimc(A, Sl, Sr, alpha=10.0, beta=10.0, threshold=0.1, h=0.5, g=0.1, tol=1e-10):
    B, _ = _admm(A, alpha, beta, svt_rect)
    A0 = np.where(B > threshold, B, 0.0)
    Rn = grb_norm(Sl, h)
    Dn = grb_norm(Sr, h)
    W = A0.copy()
    for _ in range(10000):
        Wn = g * (Rn @ W @ Dn) + (1 - g) * A0
        change = np.abs(Wn - W).max()
        W = Wn
        if change < tol:
            break
    return W


def minmax(F):
    lo, hi = F.min(), F.max()
    return (F - lo) / (hi - lo) if hi > lo else np.zeros_like(F)


def ensemble(A, Sl, Sr, bnnr_weight=0.2, krls_weight=0.8):
    return (krls_weight * minmax(krls_gip(A, Sl, Sr))
            + bnnr_weight * minmax(bnnr(A, Sl, Sr, gip_fused=True)))


METHODS = {"krls_gip": krls_gip, "knn": knn, "hgimc": hgimc, "bnnr": bnnr,
           "ensemble": ensemble}


def auc_ap(score, label):
    """AUROC with tied scores averaged; AP step-wise with ties grouped.
    Scores are compared at 2^-40 resolution, as precmed does (round-off ties)."""
    score = np.rint(np.asarray(score, float) * 2.0 ** 40) / 2.0 ** 40
    label = np.asarray(label, bool)
    order = np.argsort(-score, kind="mergesort")
    s, y = score[order], label[order]
    npos, nneg = y.sum(), (~y).sum()
    # ranks with ties averaged (ascending order)
    asc = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score))
    sv = score[asc]
    i = 0
    while i < len(sv):
        j = i
        while j + 1 < len(sv) and sv[j + 1] == sv[i]:
            j += 1
        ranks[asc[i:j + 1]] = (i + j) / 2.0 + 1
        i = j + 1
    auroc = (ranks[label].sum() - npos * (npos + 1) / 2) / (npos * nneg)
    # AP: thresholds at distinct scores
    distinct = np.r_[np.where(np.diff(s))[0], len(s) - 1]
    tp = np.cumsum(y)[distinct]
    fp = np.cumsum(~y)[distinct]
    prec = tp / (tp + fp)
    rec = tp / npos
    ap = np.sum(np.diff(np.r_[0.0, rec]) * prec)
    return auroc, ap


def splitmix64_folds(pairs, k, seed):
    """precmed.link_folds: pairs sorted by (left, right) bytes, Fisher-Yates
    with splitmix64, fold = floor(position * k / n)."""
    mask = (1 << 64) - 1
    state = seed & mask

    def nxt():
        nonlocal state
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        return z ^ (z >> 31)

    pairs = sorted(pairs, key=lambda p: (p[0].encode(), p[1].encode()))
    n = len(pairs)
    perm = list(range(n))
    for i in range(n - 1, 0, -1):
        j = nxt() % (i + 1)
        perm[i], perm[j] = perm[j], perm[i]
    return {pairs[perm[pos]]: pos * k // n for pos in range(n)}


def load_fdataset(folder):
    import gzip
    import os

    def dense(name):
        path = os.path.join(folder, name)
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt") as f:
            return np.array([[float(v) for v in line.split(",")] for line in f if line.strip()])

    drugs = open(os.path.join(folder, "drugs.txt")).read().split()
    diseases = open(os.path.join(folder, "diseases.txt")).read().split()
    A = np.zeros((len(drugs), len(diseases)))
    with open(os.path.join(folder, "drug_disease.csv")) as f:
        next(f)
        for line in f:
            i, j = line.strip().split(",")
            A[int(i), int(j)] = 1.0
    Sl = dense("drug_sim.csv.gz")
    Sr = dense("disease_sim.csv.gz")
    return drugs, diseases, A, Sl, Sr
