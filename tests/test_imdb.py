"""IMDB data conventions, loaders and bad files; threshold metrics against hand counts."""

import numpy as np
import pytest

from lab.data import imdb
from lab.maths import threshold as th


def test_keras_id_conventions_and_skip_top():
    wi = {"the": 1, "movie": 17, "great": 84}
    words, ids, known = imdb.encode("The movie was GREAT<br />", wi, num_words=100)
    assert words == ["the", "movie", "was", "great"]
    assert ids == [1, 4, 20, 2, 87] and known == [True, True, False, True]
    # skip_top turns the most frequent ids, the start marker included, into 2 (lecture 001)
    assert imdb.cap_vocabulary([[1, 4, 22, 150]], num_words=100, skip_top=20) == [[2, 2, 22, 2]]
    assert imdb.pad([[5, 6, 7]], 5).tolist() == [[0, 0, 5, 6, 7]]
    assert imdb.pad([[1, 2, 3, 4, 5, 6]], 4).tolist() == [[3, 4, 5, 6]]  # keeps the end
    assert imdb.one_hot_bytes(20000, 100, 100) == 800_000_000  # lecture 001


def test_shared_keras_subset_and_word_index(shared_data):
    data = imdb.load_npz(shared_data / "imdb_keras_subset_num500.npz", num_words=500)
    assert len(data.x_train) == 5000 and len(data.x_test) == 1000
    assert data.y_train.sum() == 2546 and data.y_test.sum() == 474
    assert max(max(s) for s in data.x_train) < 500 and data.x_train[0][0] == 1
    wi = data.word_index  # imdb_word_index.json lies beside the .npz and is picked up
    assert wi["the"] == 1 and wi["movie"] == 17 and len(wi) == 88584
    inv = imdb.inverse_index(wi)
    assert [inv[i] for i in data.x_train[0][1:4]] == ["this", "film", "was"]


def test_shared_raw_reviews_csv(shared_data):
    data = imdb.load_csv(shared_data / "imdb_reviews_2000.csv", num_words=1000)
    assert len(data.x_train) == 1600 and len(data.x_test) == 400
    assert abs(data.y_train.mean() - 1005 / 2000) < 0.01  # stratified
    assert all(i < 1000 for s in data.x_train for i in s)


@pytest.mark.parametrize("content,message", [
    (b"", "cannot read"), (b"\x00\xff\xfe binary", "cannot read"),
    (b"text,label\nnice,1\n", "missing review, sentiment"),
    (b"review,sentiment\ngood,maybe\n", "positive/negative"),
    (b"review,sentiment\ngood,positive\n", "at least 10 reviews"),
])
def test_bad_csv_files_say_what_to_fix(content, message):
    with pytest.raises(imdb.DataUnavailable, match=message):
        imdb.load_csv(content, num_words=100)


def test_corrupt_npz_and_offline_keras(tmp_path, monkeypatch):
    bad = tmp_path / "imdb.npz"
    bad.write_bytes(b"not a zip file")
    with pytest.raises(imdb.DataUnavailable, match="not a readable"):
        imdb.load_npz(bad, 500)
    import keras

    def offline(*args, **kwargs):
        raise Exception("URL fetch failure on https://example: [Errno -2] Name or service not known")
    monkeypatch.setattr(keras.datasets.imdb, "load_data", offline)
    with pytest.raises(imdb.DataUnavailable, match="not in this machine's cache"):
        imdb.load_keras(500)


def test_aclimdb_folder(tmp_path):
    for split in ("train", "test"):
        for sub, text in (("pos", "a great great film"), ("neg", "a dull boring film")):
            d = tmp_path / "aclImdb" / split / sub
            d.mkdir(parents=True)
            for i in range(3):
                (d / f"{i}_7.txt").write_text(f"{text} number {i}<br />end")
    data = imdb.load_aclimdb(tmp_path / "aclImdb", num_words=100)
    assert len(data.x_train) == 6 and len(data.x_test) == 6 and data.y_train.sum() == 3
    assert data.x_train[0][0] == imdb.START and "great" in data.word_index
    with pytest.raises(imdb.DataUnavailable, match="train/pos is missing"):
        imdb.load_aclimdb(tmp_path, 100)


def test_hostile_folders_give_messages_not_tracebacks(tmp_path):
    """Paths the system refuses, files where folders belong, unreadable and huge files."""
    root = tmp_path / "aclImdb"
    for split in ("train", "test"):
        for sub in ("pos", "neg"):
            (root / split / sub).mkdir(parents=True)
            (root / split / sub / "0_1.txt").write_text("a fine film")
    (root / "train" / "pos" / "big.txt").write_bytes(b"great " * 1_000_000)  # 6 MB, one line
    (root / "train" / "pos" / "bin.txt").write_bytes(bytes(range(256)) * 100)
    (root / "train" / "neg" / "dir.txt").mkdir()  # a folder named like a review
    (root / "train" / "neg" / "loop.txt").symlink_to(root / "train" / "neg" / "loop.txt")
    data = imdb.load_aclimdb(root, 100)
    assert len(data.x_train) == 4  # the two unreadable ones skipped; the big one read in part
    for bad, key in (("", "bad_path"), ("x" * 5000, "bad_path"), ("a\x00b", "bad_path"),
                     ("/" + "d" * 300 + "/aclImdb", "os_refused"),
                     ("~no_such_user_here", "os_refused"), (str(root / "train" / "pos" /
                                                                "0_1.txt"), "not_aclimdb")):
        with pytest.raises(imdb.DataUnavailable) as err:
            imdb.load_aclimdb(bad, 100)
        assert err.value.key == f"imdb.err.{key}", (bad[:40], err.value.key)


def test_generated_corpus_is_seeded_and_balanced():
    a, ya = imdb.generated_corpus(400, seed=1)
    b, yb = imdb.generated_corpus(400, seed=1)
    assert a == b and (ya == yb).all() and 0.4 < ya.mean() < 0.6
    data = imdb.load_generated(500)
    assert data.source == "generated" and "not real" in data.summary("en")
    assert "실제 리뷰 아님" in data.summary("ko") and data.word_index["the"] == 1


def test_threshold_metrics_against_hand_counts():
    y = np.array([0, 0, 0, 1, 1, 1, 1, 0])
    p = np.array([0.1, 0.4, 0.6, 0.7, 0.3, 0.9, 0.55, 0.2])
    m = th.at_threshold(y, p, 0.5)
    assert (m.tn, m.fp, m.fn, m.tp) == (3, 1, 1, 3)
    assert m.precision == pytest.approx(0.75) and m.recall == pytest.approx(0.75)
    assert m.misclassification == pytest.approx(0.25)
    t, mis, cost = th.sweep(y, p, cost_fp=2.0, cost_fn=1.0)
    assert mis[np.argmin(np.abs(t - 0.5))] == pytest.approx(0.25)
    assert cost[np.argmin(np.abs(t - 0.5))] == pytest.approx(3.0)
    for edge in (0.0, 1.0):  # no division by zero at the ends
        e = th.at_threshold(y, p, edge)
        assert 0.0 <= e.precision <= 1.0 and np.isfinite(e.f1)
    assert th.at_threshold(y, p, 1.0).tp == 0
    assert 0.4 <= th.best(t, mis, th.LECTURE_WINDOW) <= 0.8
    assert th.curves(y, p)["auc"] == pytest.approx(13 / 16)  # 13 of 16 pos/neg pairs ordered


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
def test_word_by_word_reading_equals_keras(kind):
    from lab.models.imdb_model import ModelSettings, train

    data = imdb.load_generated(200, n=300)
    xtr, xte = imdb.pad(data.x_train, 30), imdb.pad(data.x_test, 30)
    from lab.training.jobs import Job

    job = Job("k", 2)
    trained = train(xtr, data.y_train, xte, 200,
                    ModelSettings(kind=kind, embedding=4, units=3, epochs=2, batch_size=32), job)
    snap = job.snapshot()
    assert snap.epoch == 2 and snap.batches == -(-(len(xtr) - len(xtr) // 10) // 32)
    assert len(trained.history["val_accuracy"]) == 2 and snap.history == trained.history
    for i in range(5):  # the NumPy reading of the padded ids ends at Keras's prediction
        assert trained.word_by_word(xte[i])[-1] == pytest.approx(trained.p_test[i], abs=1e-5)
    if kind == "GRU":  # saved and loaded back without pickle, TensorFlow or Keras archives
        import tempfile
        from pathlib import Path

        from lab.models.imdb_model import Trained
        folder = Path(tempfile.mkdtemp())
        trained.save(folder, "key one")
        again = Trained.load(folder, "key one")
        assert again.settings == trained.settings and again.history == trained.history
        np.testing.assert_array_equal(again.p_test, trained.p_test)
        assert again.word_by_word(xte[0])[-1] == pytest.approx(trained.p_test[0], abs=1e-5)
        assert Trained.load(folder, "another key") is None


def test_a_million_row_csv_reads_its_first_50000_reviews():
    raw = b"review,sentiment\n" + b"a fine film,positive\nso dull,negative\n" * 500_000
    data = imdb.load_csv(raw, 100)
    assert len(data.x_train) + len(data.x_test) == imdb.MAX_CSV_REVIEWS
