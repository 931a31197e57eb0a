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


BENCH_DATA = os.environ.get("ALMAGEST_BENCH_DATA", "/tmp/almagest-bench-data")


def shared_input(name):
    """The exact matrix the Swift benchmark generated (run `make bench` first)."""
    path = os.path.join(BENCH_DATA, name + ".npy")
    if not os.path.exists(path):
        sys.exit(f"{path} is missing: run `make bench` (or almagest-bench cluster) first, it writes the inputs")
    return np.load(path)


def core():
    for dtype, name in ((np.float32, "sgemm"), (np.float64, "dgemm")):
        a = np.random.default_rng(0).random((2048, 2048)).astype(dtype)
        b = np.random.default_rng(1).random((2048, 2048)).astype(dtype)
        measure(f"{name}_2048", lambda: {"_": float((a @ b)[0, 0]) * 0})


def cluster():
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    x = shared_input("blobs_100000x50")
    def run():
        m = KMeans(n_clusters=10, n_init=10, random_state=0).fit(x)
        return {"inertia": float(m.inertia_), "iterations": int(m.n_iter_)}
    measure("kmeans_blobs_100000x50_k10_restarts10", run, repeats=2)
    s = shared_input("silhouette_20000x36")
    labels = shared_input("silhouette_20000x36_labels")[:, 0].astype(int)
    measure("silhouette_20000x36", lambda: {"score": float(silhouette_score(s, labels))}, repeats=1)


def features():
    from skimage.feature import hog
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
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


groups = {"core": core, "cluster": cluster, "features": features}
for name in (sys.argv[1:] or groups):
    groups[name]()
