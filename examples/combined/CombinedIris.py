"""An iris classifier whose dependencies come from three places at once.

numpy from environment.yml (pip section), scikit-learn from requirements.txt,
and the `irisfeatures` package from this repository's setup.py.
"""

from irisfeatures import with_ratios
from sklearn.datasets import load_iris
from sklearn.tree import DecisionTreeClassifier


class CombinedIris:
    def __init__(self):
        self.model = None
        self.names = []

    def load(self):
        iris = load_iris()
        self.model = DecisionTreeClassifier(max_depth=3, random_state=0)
        self.model.fit(with_ratios(iris.data), iris.target)
        self.names = [str(name) for name in iris.target_names]

    def predict(self, X, features_names=None):
        if self.model is None:
            self.load()
        return self.model.predict_proba(with_ratios(X))

    def class_names(self):
        return self.names
