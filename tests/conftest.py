import os

# Keep TensorFlow quiet wherever a test imports Rasa.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
