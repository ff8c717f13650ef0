"""Reference values pinned in sql/linkpred.sql, computed with the numpy twins
of bench/linkpred_numpy.py (independent of the C code) on a small slice of
Fdataset: drugs 0..39 of drugs.txt, and diseases = the first 30 diseases
associated with them plus diseases 0 and 2 (no association in the slice:
cold diseases).  Prints SQL VALUES lists to paste into the test.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/linkpred_reference.py
"""
import sys

import numpy as np

sys.path.insert(0, "bench")
import linkpred_numpy as lp  # noqa: E402

drugs, diseases, A, Sl, Sr = lp.load_fdataset("test/data/linkpred")
D = list(range(40))
assoc_cols = sorted(set(np.nonzero(A[D])[1]))[:30]
C = sorted(assoc_cols + [0, 2])
A = A[np.ix_(D, C)]
Sl = Sl[np.ix_(D, D)]
Sr = Sr[np.ix_(C, C)]
L = [drugs[i] for i in D]
R = [diseases[j] for j in C]
print("-- slice: drugs idx 0..39, diseases idx", C)
print("-- associations:", int(A.sum()), " cold drugs:", int((A.sum(1) == 0).sum()),
      " cold diseases:", int((A.sum(0) == 0).sum()))

cold_l = [i for i in range(len(L)) if A[i].sum() == 0][0]
cold_r = [j for j in range(len(R)) if A[:, j].sum() == 0][0]

rows = []
for m, f in lp.METHODS.items():
    F = f(A, Sl, Sr)
    unknown = [(F[i, j], i, j) for i in range(len(L)) for j in range(len(R)) if A[i, j] == 0]
    unknown.sort(key=lambda t: -t[0])
    picks = [(i, j) for _, i, j in unknown[:4]] + [(cold_l, 0), (3, cold_r)]
    for i, j in picks:
        rows.append(f"('{m}', '{L[i]}', '{R[j]}', {F[i, j]:.12f})")
    rows.append(f"('{m}', '*', 'sum', {F.sum():.12f})")
print("-- scores (method, left_id, right_id, score); right_id 'sum' = sum over all pairs")
print(",\n".join(rows))

pairs = [(L[i], R[j]) for i in range(len(L)) for j in range(len(R)) if A[i, j] == 1]
folds = lp.splitmix64_folds(pairs, 5, 42)
print("-- link_folds(k = 5, seed = 42)")
print(",\n".join(f"('{l}', '{r}', {k})" for (l, r), k in sorted(folds.items())))

li = {x: i for i, x in enumerate(L)}
ri = {x: j for j, x in enumerate(R)}
cv = []
for m, f in lp.METHODS.items():
    for k in range(5):
        Atr = A.copy()
        held = [(li[l], ri[r]) for (l, r), fk in folds.items() if fk == k]
        for i, j in held:
            Atr[i, j] = 0
        F = f(Atr, Sl, Sr)
        lab = np.zeros(A.shape, bool)
        for i, j in held:
            lab[i, j] = True
        test = (A == 0) | lab
        auc, ap = lp.auc_ap(F[test], lab[test])
        cv.append(f"('{m}', {k}, {auc:.12f}, {ap:.12f}, {len(held)}, {int((A == 0).sum())})")
print("-- link_cv per fold (method, fold, auroc, auprc, n_pos, n_neg)")
print(",\n".join(cv))

# pooled protocol: known pairs keep their link_folds fold; unknown pairs, sorted by
# (left_id, right_id) in byte order, get fold i % 5 (the s_all_folds view of the test)
unknown = sorted(((L[i], R[j]) for i in range(len(L)) for j in range(len(R)) if A[i, j] == 0),
                 key=lambda p: (p[0].encode(), p[1].encode()))
allf = dict(folds)
for n, p in enumerate(unknown):
    allf[p] = n % 5
pooled = []
for m, f in lp.METHODS.items():
    sc, lb = [], []
    for k in range(5):
        Atr = A.copy()
        for (l, r), fk in folds.items():
            if fk == k:
                Atr[li[l], ri[r]] = 0
        F = f(Atr, Sl, Sr)
        for (l, r), fk in allf.items():
            if fk == k:
                sc.append(F[li[l], ri[r]])
                lb.append(A[li[l], ri[r]] == 1)
    auc, ap = lp.auc_ap(np.array(sc), np.array(lb))
    pooled.append(f"('{m}', {auc:.12f}, {ap:.12f})")
print("-- link_cv pooled row (method, auroc, auprc)")
print(",\n".join(pooled))
