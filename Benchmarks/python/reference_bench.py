"""The same benchmark tasks run with scikit-learn / scikit-image, for comparison with
`make bench` (JSON lines with the same task names). Needs: pip install scikit-learn scikit-image.
Usage: python3 Benchmarks/python/reference_bench.py [group ...]"""
import gzip, json, os, resource, sys, time
import numpy as np

SHARED = os.environ.get("ALMAGEST_SHARED", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared"))


def measure(task, body, repeats=3, **extra):
    best, best_cpu, out = float("inf"), 0.0, {}
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        out = body() or {}
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        if wall < best:
            best, best_cpu = wall, cpu
    line = {"task": task, "wall_s": round(best, 6), "cpu_s": round(best_cpu, 6),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "library": "reference"}
    line.update(out)
    line.update(extra)
    print(json.dumps(line, sort_keys=True), flush=True)


def digits():
    data = np.loadtxt(gzip.open(os.path.join(SHARED, "datasets/digits/digits.csv.gz")), delimiter=",")
    return data[:, :64], data[:, 64].astype(int)


def blobs(rows, cols, centres, seed):
    rng = np.random.default_rng(seed)
    c = rng.uniform(-10, 10, size=(centres, cols))
    return c[np.arange(rows) % centres] + rng.standard_normal((rows, cols))


def core():
    for dtype, name in ((np.float32, "sgemm"), (np.float64, "dgemm")):
        a = np.random.default_rng(0).random((2048, 2048)).astype(dtype)
        b = np.random.default_rng(1).random((2048, 2048)).astype(dtype)
        measure(f"{name}_2048", lambda: {"_": float((a @ b)[0, 0]) * 0})


def cluster():
    from sklearn.cluster import KMeans
    x = blobs(100_000, 50, 10, 0)
    def run():
        m = KMeans(n_clusters=10, n_init=10, random_state=0).fit(x)
        return {"inertia": float(m.inertia_), "iterations": int(m.n_iter_)}
    measure("kmeans_blobs_100000x50_k10_restarts10", run, repeats=2)


def features():
    from skimage.feature import hog
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.metrics import silhouette_score
    x, _ = digits()
    images = x.reshape(-1, 8, 8)
    def run_hog():
        return {"n": len([hog(im, orientations=9, pixels_per_cell=(4, 4), cells_per_block=(2, 2), block_norm="L2-Hys") for im in images])}
    measure("hog_digits_1797", run_hog)
    h = np.array([hog(im, orientations=9, pixels_per_cell=(4, 4), cells_per_block=(2, 2), block_norm="L2-Hys") for im in images])
    def run_km():
        m = KMeans(n_clusters=10, n_init=10, random_state=0).fit(h)
        return {"inertia": float(m.inertia_)}
    measure("kmeans_digits_hog_k10_restarts10", run_km)
    measure("pca3_digits_1797x64", lambda: {"_": float(PCA(n_components=3, svd_solver="full").fit_transform(x)[0, 0]) * 0})
    rng = np.random.default_rng(0)
    s = rng.standard_normal((20_000, 36)) + np.repeat(rng.uniform(-3, 3, (10, 36)), 2000, axis=0)
    labels = np.repeat(np.arange(10), 2000)
    measure("silhouette_20000x36", lambda: {"score": float(silhouette_score(s, labels))}, repeats=1)


def mnist_rows(n):
    path = os.path.join(SHARED, "datasets/mnist/t10k-images-idx3-ubyte.gz")
    if not os.path.exists(path):
        return np.random.default_rng(0).random((n, 784)), "uniform"
    raw = np.frombuffer(gzip.open(path).read(), dtype=np.uint8, offset=16)
    return raw[: n * 784].reshape(n, 784).astype(np.float64) / 255.0, "mnist"


def nndsvd_exact(x, r, fill=None):
    """NNDSVD (Boutsidis & Gallopoulos) from numpy's exact SVD, scikit-learn's conventions."""
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    w, h = np.zeros((x.shape[0], r)), np.zeros((r, x.shape[1]))
    w[:, 0], h[0] = np.sqrt(s[0]) * np.abs(u[:, 0]), np.sqrt(s[0]) * np.abs(vt[0])
    for j in range(1, r):
        a, b = u[:, j], vt[j]
        ap, bp, an, bn = np.maximum(a, 0), np.maximum(b, 0), -np.minimum(a, 0), -np.minimum(b, 0)
        mp, mn = np.linalg.norm(ap) * np.linalg.norm(bp), np.linalg.norm(an) * np.linalg.norm(bn)
        (uu, vv, m) = (ap, bp, mp) if mp > mn else (an, bn, mn)
        scale = np.sqrt(s[j] * m)
        w[:, j], h[j] = scale * uu / np.linalg.norm(uu), scale * vv / np.linalg.norm(vv)
    w[w < 1e-6], h[h < 1e-6] = 0, 0
    if fill == "mean":
        w[w == 0], h[h == 0] = x.mean(), x.mean()
    return w, h


def nmf():
    """MU 500 iterations rank 10 on 2000 MNIST rows from the exact-SVD NNDSVD start (init='custom'),
    at 1 and 2 BLAS threads; Adam-GD on ||A - relu(W) relu(H)||^2 in PyTorch (CPU) when installed."""
    from sklearn.decomposition import NMF
    x, source = mnist_rows(2000)
    w0, h0 = nndsvd_exact(x, 10)
    norm = float((x ** 2).sum())
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    for threads in (1, 2):
        def run():
            m = NMF(n_components=10, init="custom", solver="mu", max_iter=500, tol=0)
            w = m.fit_transform(x, W=w0.copy(), H=h0.copy())
            return {"relative_error": float(m.reconstruction_err_ ** 2 / norm), "data": source, "n_iter": int(m.n_iter_)}
        if threadpool_limits is None:
            measure(f"nmf_mu_mnist2000_r10_it500_threads{threads}", run, note="threadpoolctl missing: default threads")
        else:
            with threadpool_limits(limits=threads):
                measure(f"nmf_mu_mnist2000_r10_it500_threads{threads}", run)
    try:
        import torch
    except ImportError:
        return
    wa, ha = nndsvd_exact(x, 10, fill="mean")
    for threads in (1, 2):
        torch.set_num_threads(threads)
        a = torch.tensor(x, dtype=torch.float32)
        def run_gd():
            w = torch.tensor(wa, dtype=torch.float32, requires_grad=True)
            h = torch.tensor(ha, dtype=torch.float32, requires_grad=True)
            opt = torch.optim.Adam([w, h], lr=1e-2)
            for _ in range(500):
                opt.zero_grad()
                loss = ((a - torch.relu(w) @ torch.relu(h)) ** 2).sum()
                loss.backward()
                opt.step()
                with torch.no_grad():
                    w.clamp_(min=0)
                    h.clamp_(min=0)
            with torch.no_grad():
                err = float(((a - w @ h) ** 2).sum()) / norm
            return {"relative_error": err, "library_name": "torch " + torch.__version__}
        measure(f"nmf_gd_adam_float32_mnist2000_r10_it500_threads{threads}", run_gd)


groups = {"core": core, "cluster": cluster, "features": features, "nmf": nmf}
for name in (sys.argv[1:] or groups):
    groups[name]()
