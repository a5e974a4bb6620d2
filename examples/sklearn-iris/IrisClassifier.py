"""The classic Seldon walk-through model: a logistic regression on the iris data.

The model is trained in `load()` from the iris table that scikit-learn ships
inside its wheel, so the image needs no network and no model file at start-up.
A real project would load a fitted estimator from disk here instead.
"""

from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression


class IrisClassifier:
    def __init__(self):
        self.model = None
        self.names = []

    def load(self):
        iris = load_iris()
        self.model = LogisticRegression(max_iter=500)
        self.model.fit(iris.data, iris.target)
        self.names = [str(name) for name in iris.target_names]

    def predict(self, X, features_names=None):
        if self.model is None:
            self.load()
        return self.model.predict_proba(X)

    def class_names(self):
        return self.names
