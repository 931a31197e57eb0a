"""The same benchmark tasks run with scikit-learn / scikit-image, for comparison with
`make bench` (JSON lines with the same task names). Needs: pip install scikit-learn scikit-image
(and torch for the PyTorch lines of the mlp group, torch + torchvision for the vgg group;
they are skipped without it).
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
    path = os.path.join(BENCH_DATA, "table_200000x10.csv")
    if os.path.exists(path):
        measure("csv_read_200000x10_numpy_loadtxt", lambda: {"rows": int(np.loadtxt(path, delimiter=",", skiprows=1).shape[0])}, repeats=1)
        try:
            import pandas
            measure("csv_read_200000x10", lambda: {"rows": int(pandas.read_csv(path).shape[0]), "library_name": "pandas " + pandas.__version__})
        except ImportError:
            pass


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
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score
    blob_labels = np.arange(x.shape[0]) % 10
    measure("calinski_harabasz_davies_bouldin_100000x50", lambda: {
        "calinski_harabasz": float(calinski_harabasz_score(x, blob_labels)),
        "davies_bouldin": float(davies_bouldin_score(x, blob_labels))})


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


def magic_training_part(standardise=True):
    """MAGIC's stratified 80% training part (15,216 rows): the rows of Almagest's StratifiedSplit(0.2,
    seed 42), in its order, from the magic_train_rows_seed42.npy `almagest-bench tabular`
    wrote, so both sides fit the same rows; without that file scikit-learn's own stratified split
    (the same size and class counts, not the same rows). Standardised with its own mean and
    deviation unless `standardise` is False."""
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    raw = np.loadtxt(os.path.join(SHARED, "datasets/magic-gamma/magic04.data"), delimiter=",", dtype=str)
    x, y = raw[:, :10].astype(np.float64), (raw[:, 10] == "h").astype(int)
    path = os.path.join(BENCH_DATA, "magic_train_rows_seed42.npy")
    if os.path.exists(path):
        rows = np.load(path).reshape(-1).astype(int)
        x_train, y_train = x[rows], y[rows]
    else:
        print("magic_train_rows_seed42.npy missing: scikit-learn's own split (run almagest-bench tabular first)", file=sys.stderr)
        x_train, _, y_train, _ = train_test_split(x, y, test_size=0.2, stratify=y, random_state=42)
    return (StandardScaler().fit_transform(x_train) if standardise else x_train), y_train


def mlp():
    """Per-epoch time of the 10-95-95-2 ReLU MLP (Adam, batch 256) on the MAGIC training part, one
    thread: scikit-learn's MLPClassifier (one partial_fit = one epoch) and, when installed, PyTorch;
    then PyTorch's conv block forward + backward at 1 and 2 threads."""
    import warnings
    from sklearn.neural_network import MLPClassifier
    x, y = magic_training_part()
    model = MLPClassifier(hidden_layer_sizes=(95, 95), solver="adam", batch_size=256, learning_rate_init=1e-3,
                          random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.partial_fit(x, y, classes=[0, 1])
        measure("mlp_magic_epoch", lambda: {"training_loss": float(model.partial_fit(x, y).loss_)}, repeats=5,
                library="scikit-learn", rows=len(y), batch=256, layers="10-95-95-2", optimizer="adam", threads=1)
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(1)
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(10, 95), torch.nn.ReLU(), torch.nn.Linear(95, 95), torch.nn.ReLU(),
                              torch.nn.Linear(95, 2))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    xt, yt = torch.tensor(x, dtype=torch.float32), torch.tensor(y)
    def epoch():
        order, total = torch.randperm(len(yt)), 0.0
        for start in range(0, len(yt), 256):
            rows = order[start:start + 256]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(xt[rows]), yt[rows])
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(rows)
        return {"training_loss": total / len(yt)}
    epoch()
    measure("mlp_magic_epoch", epoch, repeats=5, library="pytorch " + torch.__version__, rows=len(y), batch=256,
            layers="10-95-95-2", optimizer="adam", threads=1)
    block = torch.nn.Sequential(torch.nn.Conv2d(3, 64, 3, padding=1), torch.nn.ReLU(), torch.nn.Conv2d(64, 64, 3, padding=1),
                                torch.nn.ReLU(), torch.nn.MaxPool2d(2))
    images = torch.randn(32, 3, 64, 64)
    def step():
        block.zero_grad()
        block(images).mean().backward()
    for threads in (1, 2):
        torch.set_num_threads(threads)
        step()
        measure(f"conv_block_forward_backward_threads{threads}", step, repeats=3, library="pytorch " + torch.__version__,
                batch=32, image="64x64", threads=threads)


def tabular():
    """scikit-learn on the tasks of TabularBench.swift: PowerTransformer (Yeo-Johnson, standardised)
    fitted on the raw MAGIC training part, LogisticRegression (L2, C = 1, lbfgs, tol 1e-4) and
    GaussianNB fitted on the standardised part then predicting it; best of 5 after a warm-up;
    SVC (RBF, C = 1, gamma='scale', tol 1e-3, cache_size 200, shrinking) the same way, best of 3."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import SVC
    from sklearn.naive_bayes import GaussianNB
    from sklearn.preprocessing import PowerTransformer, StandardScaler
    raw, y = magic_training_part(standardise=False)
    x = StandardScaler().fit_transform(raw)
    extra = dict(library="scikit-learn", rows=len(y), data="magic04.data")

    def yeo_johnson():
        return {"lambda_0": round(float(PowerTransformer(method="yeo-johnson").fit(raw).lambdas_[0]), 6)}

    def logistic():
        model = LogisticRegression(C=1.0, tol=1e-4).fit(x, y)
        return {"training_accuracy": round(float((model.predict(x) == y).mean()), 4), "iterations": int(model.n_iter_[0])}

    def naive_bayes():
        return {"training_accuracy": round(float((GaussianNB().fit(x, y).predict(x) == y).mean()), 4)}

    def svm():
        t0 = time.perf_counter()
        model = SVC(C=1.0, kernel="rbf", gamma="scale", tol=1e-3, cache_size=200, shrinking=True).fit(x, y)
        t1 = time.perf_counter()
        predicted = model.predict(x)
        t2 = time.perf_counter()
        return {"training_accuracy": round(float((predicted == y).mean()), 4), "support_vectors": int(model.n_support_.sum()),
                "iterations": int(model.n_iter_[0]), "fit_s": round(t1 - t0, 3), "predict_s": round(t2 - t1, 3)}

    def knn():
        from sklearn.neighbors import KNeighborsClassifier
        model = KNeighborsClassifier(n_neighbors=5, algorithm="brute", n_jobs=2).fit(x, y)
        return {"training_accuracy": round(float((model.predict(x[:4000]) == y[:4000]).mean()), 4)}

    def smote():
        try:
            from imblearn.over_sampling import SMOTE
        except ImportError:
            return {"skipped": "pip install imbalanced-learn"}
        xs, _ = SMOTE(k_neighbors=5, random_state=0).fit_resample(x, y)
        return {"rows_added": int(len(xs) - len(x))}

    def grid_search():
        from sklearn.model_selection import GridSearchCV, StratifiedKFold
        from sklearn.tree import DecisionTreeClassifier
        search = GridSearchCV(DecisionTreeClassifier(random_state=0),
                              {"max_depth": [2, 4, 6, 8, 10, 12], "min_samples_leaf": [1, 5, 10, 20]},
                              cv=StratifiedKFold(5, shuffle=True, random_state=0), n_jobs=2).fit(raw, y)
        return {"best_cv_accuracy": round(float(search.best_score_), 4), "candidates": len(search.cv_results_["params"])}

    for task, body, repeats in (("yeo_johnson_fit_magic", yeo_johnson, 5), ("logistic_regression_fit_predict_magic", logistic, 5),
                                ("gaussian_nb_fit_predict_magic", naive_bayes, 5), ("svm_rbf_fit_predict_magic", svm, 3),
                                ("kneighbors_fit_predict_4000_magic", knn, 3), ("smote_magic", smote, 3),
                                ("grid_search_tree_24x5_magic", grid_search, 2)):
        body()
        measure(task, body, repeats=repeats, **extra)


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
    fitted = {}
    for threads in (1, 2):
        def run():
            m = NMF(n_components=10, init="custom", solver="mu", max_iter=500, tol=0)
            w = m.fit_transform(x, W=w0.copy(), H=h0.copy())
            fitted["model"] = m
            return {"relative_error": float(m.reconstruction_err_ ** 2 / norm), "data": source, "n_iter": int(m.n_iter_)}
        if threadpool_limits is None:
            measure(f"nmf_mu_mnist2000_r10_it500_threads{threads}", run, note="threadpoolctl missing: default threads")
        else:
            with threadpool_limits(limits=threads):
                measure(f"nmf_mu_mnist2000_r10_it500_threads{threads}", run)
    # Transform of 8000 further rows against the fitted H: 200 iterations, no early stop.
    rest, _ = mnist_rows(10000)
    rest = rest[2000:]
    model = fitted["model"]
    model.max_iter, model.tol = 200, 0

    def run_transform():
        codes = model.transform(rest)
        return {"error": float(np.linalg.norm(rest - codes @ model.components_)), "data": source}
    if threadpool_limits is None:
        measure("nmf_transform_mnist8000_r10_it200_threads1", run_transform, note="threadpoolctl missing: default threads")
    else:
        with threadpool_limits(limits=1):
            measure("nmf_transform_mnist8000_r10_it200_threads1", run_transform)
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


def scale():
    """What `almagest cluster` does, as a scikit-learn user writes it: pandas' read_csv, standardise,
    KMeans(n_init=10), silhouette_score(sample_size=10000), Calinski-Harabasz, Davies-Bouldin, 3-D PCA,
    on the blob CSVs `make bench` (group scale) wrote."""
    import pandas as pd
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
    from sklearn.preprocessing import StandardScaler
    for rows in (100000, 1000000):
        path = os.path.join(BENCH_DATA, f"blobs_{rows}x50.csv")
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: run `almagest-bench scale` first, it writes the inputs")
        if rows == 1000000:
            measure("csv_read_1000000x50", lambda: {"rows": len(pd.read_csv(path))}, repeats=2,
                    library_name="pandas " + pd.__version__)
        def run():
            x = pd.read_csv(path).to_numpy()
            z = StandardScaler().fit_transform(x)
            km = KMeans(n_clusters=10, n_init=10, random_state=0).fit(z)
            s = silhouette_score(z, km.labels_, sample_size=10000, random_state=0)
            calinski_harabasz_score(z, km.labels_), davies_bouldin_score(z, km.labels_)
            PCA(3).fit_transform(z)
            return {"inertia": float(km.inertia_), "silhouette": float(s)}
        measure(f"cluster_run_{rows}x50_k10_restarts10", run, repeats=1 if rows > 100000 else 2)


def magic_split(x, y):
    """Almagest's split of MAGIC (StratifiedSplit(0.2, seed 0)): the test rows `almagest-bench trees`
    wrote to magic_test_rows.npy, in its order, the other rows for training in file order — so both
    sides fit and score the same rows. Without that file, scikit-learn's stratified split
    (random_state 0; the same sizes, not the same rows: accuracies then differ by the split alone,
    0.876 to 0.895 for one random forest over four seeds)."""
    path = os.path.join(BENCH_DATA, "magic_test_rows.npy")
    if not os.path.exists(path):
        from sklearn.model_selection import train_test_split
        print("magic_test_rows.npy missing: scikit-learn's own split (run almagest-bench trees first)", file=sys.stderr)
        return train_test_split(x, y, test_size=0.2, stratify=y, random_state=0)
    test = np.load(path).reshape(-1).astype(int)
    train = np.setdiff1d(np.arange(len(y)), test)
    return x[train], x[test], y[train], y[test]


def trees():
    """Random forest (100 trees, scikit-learn's defaults) fitted on MAGIC's stratified 80% training
    part (random_state 0, unscaled; scikit-learn's stream, so the same sizes as Almagest's
    StratifiedSplit(0.2, seed 0), not the same rows) and predicting the test part, at 1 and 2 jobs
    (n_jobs); then extra trees at 2 jobs."""
    from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
    from sklearn.model_selection import train_test_split
    raw = np.loadtxt(os.path.join(SHARED, "datasets/magic-gamma/magic04.data"), delimiter=",", dtype=str)
    x, y = raw[:, :10].astype(np.float64), (raw[:, 10] == "h").astype(int)
    x_train, x_test, y_train, y_test = magic_split(x, y)

    def run(make, threads):
        def body():
            model = make(threads).fit(x_train, y_train)
            out = {"accuracy": float((model.predict(x_test) == y_test).mean()),
                   "nodes": int(sum(t.tree_.node_count for t in model.estimators_))}
            if getattr(model, "oob_score", False):
                out["oob_score"] = float(model.oob_score_)
            return out
        return body
    for threads in (1, 2):
        measure(f"random_forest_magic_100trees_threads{threads}",
                run(lambda j: RandomForestClassifier(n_estimators=100, oob_score=True, random_state=0, n_jobs=j), threads),
                repeats=2, library="scikit-learn " + sklearn_version(), trees=100, rows=len(y_train),
                test_rows=len(y_test), threads=threads)
    measure("extra_trees_magic_100trees_threads2",
            run(lambda j: ExtraTreesClassifier(n_estimators=100, random_state=0, n_jobs=j), 2),
            repeats=2, library="scikit-learn " + sklearn_version(), trees=100, rows=len(y_train), test_rows=len(y_test),
            threads=2)
    boosting()


def boosting():
    """Gradient boosting, 100 rounds of depth-6 trees at learning rate 0.1, on MAGIC's stratified 80%
    training part (unscaled), predicting the test part, at 1 and 2 threads: XGBoost
    (tree_method="hist", max_bin 256, lambda 1, min_child_weight 1: Almagest's defaults), LightGBM
    (max_depth 6 and num_leaves 64, so depth limits as in Almagest; its other defaults:
    min_data_in_leaf 20, lambda 0, 255 bins) and scikit-learn's HistGradientBoostingClassifier
    (max_depth 6, no leaf limit, no early stopping; its other defaults). Run with `trees` (or alone
    with `boosting`); needs
    pip install xgboost lightgbm."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import train_test_split
    raw = np.loadtxt(os.path.join(SHARED, "datasets/magic-gamma/magic04.data"), delimiter=",", dtype=str)
    x, y = raw[:, :10].astype(np.float64), (raw[:, 10] == "h").astype(int)
    x_train, x_test, y_train, y_test = magic_split(x, y)
    task = "gradient_boosting_magic_100rounds_depth6_threads{}"
    extra = dict(rounds=100, max_depth=6, learning_rate=0.1, rows=len(y_train), test_rows=len(y_test))

    def run(make):
        def body():
            model = make().fit(x_train, y_train)
            return {"accuracy": float((model.predict(x_test) == y_test).mean())}
        return body
    makers = [("scikit-learn " + sklearn_version(), lambda j: lambda: HistGradientBoostingClassifier(
        max_iter=100, learning_rate=0.1, max_depth=6, max_leaf_nodes=None, early_stopping=False, random_state=0))]
    try:
        import xgboost
        makers.append(("xgboost " + xgboost.__version__, lambda j: lambda: xgboost.XGBClassifier(
            n_estimators=100, max_depth=6, learning_rate=0.1, tree_method="hist", max_bin=256, n_jobs=j, random_state=0)))
    except ImportError:
        print("xgboost is not installed: skipped", file=sys.stderr)
    try:
        import lightgbm
        makers.append(("lightgbm " + lightgbm.__version__, lambda j: lambda: lightgbm.LGBMClassifier(
            n_estimators=100, max_depth=6, num_leaves=64, learning_rate=0.1, n_jobs=j, random_state=0, verbose=-1)))
    except ImportError:
        print("lightgbm is not installed: skipped", file=sys.stderr)
    for library, make in makers:
        for threads in (1, 2):
            if library.startswith("scikit-learn"):
                # HistGradientBoosting's threads come from OpenMP; threadpoolctl limits them.
                from threadpoolctl import threadpool_limits
                with threadpool_limits(limits=threads, user_api="openmp"):
                    measure(task.format(threads), run(make(threads)), repeats=3, library=library, threads=threads, **extra)
            else:
                measure(task.format(threads), run(make(threads)), repeats=3, library=library, threads=threads, **extra)


def serve():
    """What serving costs scikit-learn before any HTTP: a 100-tree random forest (as in `trees`,
    n_jobs=1) predicting one row per call (1,000 calls: the floor of a Python server's single-row
    requests) and 1,000 rows in one call, like Almagest's serve_rf100_in_process_* lines."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import train_test_split
    raw = np.loadtxt(os.path.join(SHARED, "datasets/magic-gamma/magic04.data"), delimiter=",", dtype=str)
    x, y = raw[:, :10].astype(np.float64), (raw[:, 10] == "h").astype(int)
    x_train, x_test, y_train, _ = train_test_split(x, y, test_size=0.2, stratify=y, random_state=0)
    model = RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1).fit(x_train, y_train)
    one, thousand = x_test[:1], x_test[:1000]

    def single():
        t0 = time.perf_counter()
        for _ in range(1000):
            model.predict_proba(one)
        return {"predictions": 1000, "predictions_per_s": 1000 / (time.perf_counter() - t0)}
    measure("serve_rf100_in_process_single_row", single, library="scikit-learn " + sklearn_version())
    measure("serve_rf100_in_process_1000_rows", lambda: {"rows": len(model.predict_proba(thousand))},
            library="scikit-learn " + sklearn_version())


def spectra():
    """astropy reads the 8 SDSS files (COADD flux, loglam, ivar), the same preparation as
    SpectraCollection.load (rest frame, ivar == 0 dropped, SpectRes onto the common 1e-4 dex grid,
    median normalisation), and NumPy generates 68,000 x 3,600 semi-synthetic float32 spectra
    with the same model as SemiSyntheticSpectra (in blocks of 4,096 rows; the continuum by scipy's
    median filter, so the values differ, the work is the same). Needs astropy, spectres, scipy."""
    from astropy.io import fits
    from spectres import spectres
    folder = os.path.join(SHARED, "datasets", "sdss-spectra")
    files = sorted(f for f in os.listdir(folder) if f.endswith(".fits"))

    def decode():
        n = 0
        for name in files:
            with fits.open(os.path.join(folder, name), memmap=True) as f:
                d = f["COADD"].data
                n += len(np.asarray(d["flux"], dtype=np.float64)) + len(np.asarray(d["loglam"], dtype=np.float64)) \
                    + len(np.asarray(d["ivar"], dtype=np.float64))
        return {"values": n}
    measure("fits_decode_sdss_8_files", decode, repeats=5)

    def read_all():
        out = []
        for name in files:
            with fits.open(os.path.join(folder, name)) as f:
                d = f["COADD"].data
                z = float(f["SPECOBJ"].data["Z"][0])
                w = 10.0 ** np.asarray(d["loglam"], dtype=np.float64) / (1 + z)
                keep = np.asarray(d["ivar"]) > 0
                out.append((w[keep], np.asarray(d["flux"], dtype=np.float64)[keep], w[0], w[-1]))
        return out

    def load():
        spectra_ = read_all()
        step, half = 1e-4, 10 ** 0.5e-4
        start, end = max(s[2] for s in spectra_) * half, min(s[3] for s in spectra_) / half
        n = int(np.floor(np.log10(end / start) / step + 1e-9)) + 1
        grid = start * 10 ** (np.arange(n) * step)
        rows = np.array([spectres(grid, w, f, fill=np.nan, verbose=False) for w, f, _, _ in spectra_])
        rows /= np.nanmedian(rows, axis=1, keepdims=True)
        return {"rows": rows.shape[0], "columns": rows.shape[1]}
    measure("spectra_load_sdss_8_files", load, repeats=5)

    grid = 3760.0 * (8600.0 / 3760.0) ** (np.arange(3600) / 3599)
    templates = []
    for w, f, _, _ in read_all():
        t = spectres(grid, w, f, fill=np.nan, verbose=False)
        templates.append(t / np.nanmedian(t))
    templates = np.array(templates)
    from scipy.ndimage import median_filter
    continuum = median_filter(templates, size=(1, 51), mode="nearest")
    lines = templates - continuum
    scale = np.median(np.abs(templates), axis=1)
    k, width = templates.shape
    span = np.log(8600.0 / 3760.0)

    def generate():
        rng = np.random.default_rng(0)
        out = np.empty((68_000, width), dtype=np.float32)
        cols = np.arange(width, dtype=np.float64)
        for r0 in range(0, 68_000, 4096):
            m = min(4096, 68_000 - r0)
            a = rng.integers(0, k, m)
            b = (a + 1 + rng.integers(0, k - 1, m)) % k
            wgt = 0.2 * rng.random(m)
            dz = 1e-4 * rng.standard_normal(m)
            s = np.exp(0.3 * rng.standard_normal(m))
            pos = np.clip(cols[None, :] - (np.log1p(dz) / span * (width - 1))[:, None], 0, width - 1)
            i0 = np.minimum(pos.astype(np.int64), width - 2)
            t = pos - i0
            def at(rows, table):
                lo = table[rows[:, None], i0]
                return lo + t * (table[rows[:, None], i0 + 1] - lo)
            va = at(a, continuum) + s[:, None] * at(a, lines)
            vb = at(b, continuum) + s[:, None] * at(b, lines)
            noise = 0.05 * scale[a][:, None] * rng.standard_normal((m, width))
            out[r0:r0 + m] = (1 - wgt)[:, None] * va + wgt[:, None] * vb + noise
        return {"rows": out.shape[0], "columns": out.shape[1]}
    measure("spectra_generate_68000x3600", generate, repeats=1, threads=1)


def gemini():
    """gemclus 1.1.1 on the digits (scikit-learn's StandardScaler on the pixels, 10 clusters,
    gemclus's defaults: 1000 full-batch Adam steps at 1e-3) for the three configurations issue 11
    quotes, at one thread (threadpoolctl) and at the machine's default. Needs: pip install gemclus."""
    from gemclus.linear import LinearMMD
    from gemclus.mlp import MLPMMD
    from sklearn.metrics import adjusted_rand_score
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits
    x, y = digits()
    x = StandardScaler().fit_transform(x)
    configurations = [
        ("linear_mmd_ovo_linear", lambda: LinearMMD(n_clusters=10, ovo=True, kernel="linear", random_state=0)),
        ("linear_mmd_ovo_rbf", lambda: LinearMMD(n_clusters=10, ovo=True, kernel="rbf", random_state=0)),
        ("mlp20_mmd_ovo_rbf", lambda: MLPMMD(n_clusters=10, ovo=True, kernel="rbf", n_hidden_dim=20, random_state=0)),
    ]
    for threads in (1, 2):
        for name, make in configurations:
            def run():
                labels = make().fit_predict(x)
                return {"ari": float(adjusted_rand_score(y, labels)), "clusters_found": int(len(set(labels)))}
            with threadpool_limits(limits=threads):
                measure(f"gemini_digits_{name}_threads{threads}", run, repeats=1, library_name="gemclus 1.1.1")
def vgg():
    """VGG-11 forward + backward (16 x 3 x 128 x 128) and frozen-feature epochs, as VGGBench.swift."""
    try:
        import torch, torchvision
    except ImportError:
        print("vgg: torch/torchvision not installed, skipped", file=sys.stderr)
        return
    torch.manual_seed(0)
    net = torchvision.models.vgg11()
    images = torch.randn(16, 3, 128, 128)
    def step():
        net.zero_grad()
        net(images).mean().backward()
    for threads in (1, 2):
        torch.set_num_threads(threads)
        step()
        measure(f"vgg11_forward_backward_threads{threads}", step, repeats=3, library="pytorch " + torch.__version__,
                model="vgg11", batch=16, image="3x128x128", threads=threads)
    torch.set_num_threads(2)
    cfg = [32, "M", 64, "M", 128, 128, "M", 256, 256, "M", 256, 256, "M"]
    frozen = torchvision.models.VGG(torchvision.models.vgg.make_layers(cfg, batch_norm=True), num_classes=3)
    frozen.classifier = torch.nn.Sequential(torch.nn.Linear(256 * 49, 256), torch.nn.ReLU(True), torch.nn.Dropout(),
                                            torch.nn.Linear(256, 3))
    for p in frozen.features.parameters():
        p.requires_grad_(False)
    frozen.features.eval()
    x, y = torch.randn(256, 3, 64, 64), torch.arange(256) % 3
    opt = torch.optim.Adam(frozen.classifier.parameters(), lr=1e-3)
    def head_epoch(features_of):
        order = torch.randperm(256)
        for s in range(0, 256, 32):
            rows = order[s:s + 32]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(frozen.classifier(features_of(rows)), y[rows]).backward()
            opt.step()
    def recomputed_features(rows):
        with torch.no_grad():
            return torch.flatten(frozen.avgpool(frozen.features(x[rows])), 1)
    extra = dict(library="pytorch " + torch.__version__, model="vgg11_bn/2", images=256, image="3x64x64", batch=32, threads=2)
    measure("vgg_frozen_epoch_recomputed", lambda: head_epoch(recomputed_features), repeats=2, **extra)
    cache = {}
    def build():
        with torch.no_grad():
            cache["f"] = torch.cat([recomputed_features(torch.arange(s, s + 32)) for s in range(0, 256, 32)])
    measure("vgg_frozen_cache_build", build, repeats=1, **extra)
    measure("vgg_frozen_epoch_cached", lambda: head_epoch(lambda rows: cache["f"][rows]), repeats=3, **extra)


def images():
    """Decode 600 PNG files (64 x 64, the synthetic set written by `almagest make-images`, or
    generated here with Pillow shapes when ALMAGEST_IMAGES is not set) and one epoch of decode,
    resize to 48 x 48, rotate, flips, brightness, noise with Pillow + NumPy, 1 thread, as ImagesBench.swift."""
    try:
        from PIL import Image, ImageDraw
    except ImportError:
        print("images: Pillow not installed, skipped", file=sys.stderr)
        return
    import tempfile
    root = os.environ.get("ALMAGEST_IMAGES")
    if root is None:
        root = tempfile.mkdtemp(prefix="almagest-bench-images-")
        rng = np.random.default_rng(0)
        for c in ("abnormal", "non-sperm", "normal"):
            os.makedirs(os.path.join(root, c), exist_ok=True)
            for i in range(200):
                im = Image.fromarray((rng.normal(0.8, 0.04, (64, 64, 3)).clip(0, 1) * 255).astype(np.uint8))
                ImageDraw.Draw(im).ellipse([20 + i % 10, 25, 40, 35 + i % 7], fill=(60, 60, 90))
                im.save(os.path.join(root, c, "%05d.png" % i))
    files = sorted(os.path.join(root, c, f) for c in sorted(os.listdir(root)) for f in sorted(os.listdir(os.path.join(root, c))))
    def decode():
        for f in files:
            np.asarray(Image.open(f).convert("RGB"))
    measure("images_decode_threads1", decode, images=len(files), library="pillow " + Image.__version__, threads=1)
    rng = np.random.default_rng(1)
    def epoch():
        for f in files:
            im = Image.open(f).convert("RGB").resize((48, 48), Image.BILINEAR)
            im = im.rotate(rng.uniform(-180, 180), resample=Image.BILINEAR)
            if rng.random() < 0.5: im = im.transpose(Image.FLIP_LEFT_RIGHT)
            if rng.random() < 0.5: im = im.transpose(Image.FLIP_TOP_BOTTOM)
            a = np.asarray(im, dtype=np.float32) / 255 * rng.uniform(0.8, 1.2)
            a = (a + rng.normal(0, 0.05, a.shape)).clip(0, 1).transpose(2, 0, 1)
    measure("images_epoch_threads1", epoch, images=len(files), size=48, library="pillow " + Image.__version__,
            note="no random resized crop", threads=1)


def sklearn_version():
    import sklearn
    return sklearn.__version__


groups = {"core": core, "cluster": cluster, "features": features, "mlp": mlp, "tabular": tabular, "nmf": nmf, "trees": trees, "boosting": boosting, "scale": scale,
          "serve": serve, "spectra": spectra, "gemini": gemini, "vgg": vgg, "images": images}
for name in (sys.argv[1:] or groups):
    groups[name]()
