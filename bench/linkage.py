#!/usr/bin/env python3
"""Baseline for bench/linkage: FEBRL deduplication in plain Python.

The same steps as the SQL pipeline in bench/linkage, written the
straightforward way with the standard library only: blocking by dictionary
grouping, Jaro-Winkler and bounded Damerau-Levenshtein comparison levels,
Fellegi-Sunter EM over the counted comparison vectors, scoring, and
connected components by union-find.

usage: linkage.py DATASET.csv PAIRS_OUT CLUSTERS_OUT
Writes the predicted pairs (rec_id pairs, sorted) and the clusters (one line
of sorted member rec_ids each, sorted), and prints one line: seconds cpu_seconds
candidates predicted_pairs clusters: wall-clock and CPU seconds (both exclude
reading the file), candidate pairs, predicted pairs, clusters.
"""
import csv
import math
import sys
import time
from collections import Counter, defaultdict


def jaro(a, b):
    la, lb = len(a), len(b)
    if la == 0 and lb == 0:
        return 1.0
    if la == 0 or lb == 0:
        return 0.0
    window = max(max(la, lb) // 2 - 1, 0)
    amatch = [False] * la
    bmatch = [False] * lb
    matches = 0
    for i in range(la):
        for j in range(max(0, i - window), min(lb - 1, i + window) + 1):
            if not bmatch[j] and a[i] == b[j]:
                amatch[i] = bmatch[j] = True
                matches += 1
                break
    if matches == 0:
        return 0.0
    half, k = 0, 0
    for i in range(la):
        if amatch[i]:
            while not bmatch[k]:
                k += 1
            if a[i] != b[k]:
                half += 1
            k += 1
    m = float(matches)
    return (m / la + m / lb + (m - half // 2) / m) / 3.0


def jaro_winkler(a, b):
    j = jaro(a, b)
    if j <= 0.7:
        return j
    prefix = 0
    while prefix < 4 and prefix < len(a) and prefix < len(b) and a[prefix] == b[prefix]:
        prefix += 1
    return j + prefix * 0.1 * (1.0 - j)


def damerau_levenshtein(a, b, bound):
    la, lb = len(a), len(b)
    if abs(la - lb) > bound:
        return bound + 1
    if la == 0 or lb == 0:
        return min(max(la, lb), bound + 1)
    prev2 = None
    prev = list(range(lb + 1))
    prev_min = 0
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        row_min = i
        for j in range(1, lb + 1):
            d = prev[j - 1] + (a[i - 1] != b[j - 1])
            d = min(d, prev[j] + 1, cur[j - 1] + 1)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d = min(d, prev2[j - 2] + 1)
            cur[j] = d
            row_min = min(row_min, d)
        if row_min > bound and prev_min > bound:
            return bound + 1
        prev_min = row_min
        prev2, prev = prev, cur
    return min(prev[lb], bound + 1)


def jw_level(a, b, thresholds=(0.92, 0.8)):
    if a is None or b is None:
        return None
    n = len(thresholds)
    if a == b:
        return n + 1
    s = jaro_winkler(a, b)
    for i, t in enumerate(thresholds):
        if s >= t:
            return n - i
    return 0


def dl_level(a, b, max_distances):
    if a is None or b is None:
        return None
    n = len(max_distances)
    if a == b:
        return n + 1
    if n == 0:
        return 0
    d = damerau_levenshtein(a, b, max_distances[-1])
    for i, t in enumerate(max_distances):
        if d <= t:
            return n - i
    return 0


def compare(a, b):
    return (jw_level(a['given_name'], b['given_name']),
            jw_level(a['surname'], b['surname']),
            dl_level(a['street_number'], b['street_number'], (1,)),
            jw_level(a['address_1'], b['address_1']),
            jw_level(a['address_2'], b['address_2']),
            jw_level(a['suburb'], b['suburb']),
            dl_level(a['postcode'], b['postcode'], (1,)),
            dl_level(a['state'], b['state'], ()),
            dl_level(a['dob'], b['dob'], (1, 2)),
            dl_level(a['ssid'], b['ssid'], (1, 2)))


def block(recs):
    """Union of the blocking rules, as pairs (id_l, id_r) with id_l < id_r."""
    keys = [lambda r: r['postcode'],
            lambda r: (r['surname'][:3], r['dob'][:4]) if r['surname'] and r['dob'] else None,
            lambda r: (r['given_name'][:3], r['dob'][4:8]) if r['given_name'] and r['dob'] else None,
            lambda r: r['ssid']]
    pairs = set()
    for key in keys:
        groups = defaultdict(list)
        for r in recs:
            k = key(r)
            if k is not None:
                groups[k].append(r['rec_id'])
        for ids in groups.values():
            for x in ids:
                for y in ids:
                    if x < y:
                        pairs.add((x, y))
    return pairs


def em(vectors, max_iterations=100, tolerance=1e-6):
    """Fellegi-Sunter EM over counted comparison vectors (as fs_train)."""
    counts = Counter(vectors)
    pats = sorted(counts.items(), key=lambda kv: tuple(-1 if l is None else l for l in kv[0]))
    K = len(pats[0][0])
    N = float(sum(c for _, c in pats))
    L = [max(max((p[k] for p, _ in pats if p[k] is not None), default=0) + 1, 2) for k in range(K)]
    u = []
    m = []
    for k in range(K):
        freq = [0.0] * L[k]
        for p, c in pats:
            if p[k] is not None:
                freq[p[k]] += c
        tot = sum(freq)
        u.append([f / tot if tot > 0 else 1.0 / L[k] for f in freq])
        below = sum(l + 1 for l in range(L[k] - 1))
        m.append([0.9 if l == L[k] - 1 else 0.1 * (l + 1) / below for l in range(L[k])])
    agree = 0.0
    for p, c in pats:
        known = sum(1 for l in p if l is not None)
        top = sum(1 for k, l in enumerate(p) if l is not None and l == L[k] - 1)
        if 2 * top > known:
            agree += c
    lam = min(max(agree / N, 0.001), 0.5)
    iterations = 0
    while iterations < max_iterations:
        msum = [[0.0] * L[k] for k in range(K)]
        usum = [[0.0] * L[k] for k in range(K)]
        mtot = [0.0] * K
        utot = [0.0] * K
        psum = 0.0
        for p, c in pats:
            lm = math.log(lam)
            lu = math.log1p(-lam)
            for k, l in enumerate(p):
                if l is None:
                    continue
                lm += math.log(m[k][l]) if m[k][l] > 0 else -math.inf
                lu += math.log(u[k][l]) if u[k][l] > 0 else -math.inf
            if math.isinf(lm) and math.isinf(lu):
                post = lam
            else:
                d = lu - lm
                post = 0.0 if d > 700 else 1.0 / (1.0 + math.exp(d))
            psum += c * post
            for k, l in enumerate(p):
                if l is None:
                    continue
                msum[k][l] += c * post
                usum[k][l] += c * (1 - post)
                mtot[k] += c * post
                utot[k] += c * (1 - post)
        new_lam = min(max(psum / N, 1e-12), 1 - 1e-12)
        change = abs(new_lam - lam)
        lam = new_lam
        for k in range(K):
            for l in range(L[k]):
                nm = msum[k][l] / mtot[k] if mtot[k] > 0 else m[k][l]
                nu = usum[k][l] / utot[k] if utot[k] > 0 else u[k][l]
                change = max(change, abs(nm - m[k][l]), abs(nu - u[k][l]))
                m[k][l], u[k][l] = nm, nu
        iterations += 1
        if change < tolerance:
            break
    return lam, m, u


def weight(m, u):
    if m <= 0 and u <= 0:
        return 0.0
    return math.log2(max(m, 1e-10) / max(u, 1e-10))


def score(model, vec):
    lam, m, u = model
    w = math.log2(lam / (1 - lam))
    for k, l in enumerate(vec):
        if l is not None:
            w += weight(m[k][l], u[k][l])
    return 1.0 / (1.0 + 2.0 ** -w) if w >= 0 else 2.0 ** w / (1.0 + 2.0 ** w)


def clusters(ids, edges):
    parent = {i: i for i in ids}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    best = {}
    for i in ids:
        r = find(i)
        if r not in best or i < best[r]:
            best[r] = i
    return {i: best[find(i)] for i in ids}


def main():
    path, pairs_out, clusters_out = sys.argv[1:4]
    fields = ['rec_id', 'given_name', 'surname', 'street_number', 'address_1', 'address_2',
              'suburb', 'postcode', 'state', 'dob', 'ssid']
    recs = []
    with open(path, newline='') as f:
        reader = csv.reader(f, skipinitialspace=True)
        next(reader)
        for row in reader:
            r = {k: (v.strip() or None) for k, v in zip(fields, row)}
            recs.append(r)

    # integer record ids in byte order of rec_id, as the SQL side numbers them
    recs.sort(key=lambda r: r['rec_id'].encode())
    names = {}
    for n, r in enumerate(recs, 1):
        names[n] = r['rec_id']
        r['rec_id'] = n

    t0 = time.perf_counter()
    c0 = time.process_time()
    by_id = {r['rec_id']: r for r in recs}
    cand = sorted(block(recs))
    vectors = [compare(by_id[a], by_id[b]) for a, b in cand]
    model = em(vectors)
    scored = [(a, b, score(model, v)) for (a, b), v in zip(cand, vectors)]
    predicted = [(a, b) for a, b, p in scored if p >= 0.5]
    ids = sorted({x for a, b in cand for x in (a, b)})
    cl = clusters(ids, predicted)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0

    with open(pairs_out, 'w') as f:
        for line in sorted('%s\t%s' % (names[a], names[b]) for a, b in predicted):
            f.write(line + '\n')
    members = defaultdict(list)
    for i, c in cl.items():
        members[c].append(names[i])
    with open(clusters_out, 'w') as f:
        for line in sorted(' '.join(sorted(m)) for m in members.values()):
            f.write(line + '\n')
    print('%.3f %.3f %d %d %d' % (elapsed, cpu, len(cand), len(predicted), len(members)))


if __name__ == '__main__':
    main()
