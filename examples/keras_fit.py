"""
Keras: infotheory losses in model.fit
=====================================

The same classifier in Keras 3, with infotheory.keras losses in model.compile / model.fit.

    python examples/keras_fit.py [--epochs N] [--quick] [--plot PATH]        # KERAS_BACKEND=torch works too

The model has two heads on one body: class logits trained with ``CrossEntropy(from_logits=True)``
and the same logits under an ``Entropy`` regularization loss (negative weight: an entropy bonus).
"""
import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import infotheory.keras as itk  # noqa: E402


def make_data(n: int, n_classes: int = 4, dim: int = 8, seed: int = 0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(n_classes, dim)) * 2
    labels = rng.integers(0, n_classes, n)
    x = centers[labels] + rng.normal(size=(n, dim))
    return x.astype("float32"), labels


def main(argv=None) -> float:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--quick", action="store_true", help="a few epochs on little data (tests)")
    ap.add_argument("--plot", help="save the loss curves to this image file")
    args = ap.parse_args(argv)
    n, epochs = (256, 3) if args.quick else (4096, args.epochs)

    keras.utils.set_random_seed(0)
    x, y = make_data(n)
    inputs = keras.Input((8,))
    hidden = keras.layers.Dense(32, activation="relu")(inputs)
    logits = keras.layers.Dense(4, name="logits")(hidden)
    regularized = keras.layers.Identity(name="entropy")(logits)
    model = keras.Model(inputs, {"logits": logits, "entropy": regularized})
    model.compile(
        optimizer=keras.optimizers.Adam(1e-2),
        loss={"logits": itk.CrossEntropy(from_logits=True),
              "entropy": itk.Entropy(from_logits=True, weight=-0.05)},
    )
    history = model.fit(x, {"logits": y, "entropy": y}, epochs=epochs, batch_size=128, verbose=0)
    for epoch, (total, ce) in enumerate(zip(history.history["loss"],
                                            history.history["logits_loss"]), 1):
        print(f"epoch {epoch:3d}  loss {total:.4f}  cross-entropy {ce:.4f} nats")
    acc = float((np.argmax(model.predict(x, verbose=0)["logits"], -1) == y).mean())
    print(f"accuracy {acc:.3f} (Keras backend: {keras.backend.backend()})")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for key, label in (("loss", "total loss"), ("logits_loss", "itk.CrossEntropy (nats)"),
                       ("entropy_loss", "itk.Entropy, weight -0.05")):
        ax.plot(range(1, epochs + 1), history.history[key], marker="o", label=label)
    ax.set(xlabel="epoch", title=f"model.fit on Keras' {keras.backend.backend()} backend")
    ax.legend()
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot)
    return history.history["logits_loss"][-1]


if __name__ == "__main__":
    main()
