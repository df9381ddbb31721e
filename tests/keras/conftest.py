"""The Keras tests' shared fixture: Keras on its TensorFlow backend (the subprocess tests
choose other backends themselves)."""
import pytest

from tests.conftest import require


@pytest.fixture(scope="module")
def keras():
    require("tensorflow")
    import keras

    if keras.backend.backend() != "tensorflow":
        pytest.skip("these run on Keras' TensorFlow backend")
    return keras
