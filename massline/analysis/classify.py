"""Category classifier for appeals (public names; the parts live in their own modules).

`taxonomy` (the category tree and its terms), `features` (TF-IDF blocks and taxonomy counts),
`linear` (the one-vs-rest linear model), `category` (the classifier: train, predict, learn one,
save/load) and `bundle` (the model file). See bench/CLASSIFY.md for how the model was chosen.
"""

from __future__ import annotations

from .bundle import MODEL_FORMAT, VERSIONS, ModelFormatError, read_bundle, write_bundle
from .category import CategoryClassifier, Prediction, expected_calibration_error
from .linear import LinearModel
from .taxonomy import load_taxonomy, taxonomy_terms

MODEL_VERSION = VERSIONS["category"]

__all__ = [
    "MODEL_FORMAT",
    "MODEL_VERSION",
    "CategoryClassifier",
    "LinearModel",
    "ModelFormatError",
    "Prediction",
    "expected_calibration_error",
    "load_taxonomy",
    "read_bundle",
    "taxonomy_terms",
    "write_bundle",
]
