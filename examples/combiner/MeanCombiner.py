"""A combiner that averages the outputs of its children (model ensembling).

`aggregate()` gets one array per child and the matching list of name lists.
"""

import numpy as np


class MeanCombiner:
    def aggregate(self, features_list, feature_names_list=None):
        arrays = [np.asarray(features, dtype=float) for features in features_list]
        if not arrays:
            raise ValueError("nothing to combine")
        shapes = {a.shape for a in arrays}
        if len(shapes) != 1:
            raise ValueError(f"children returned different shapes: {sorted(shapes)}")
        return np.mean(arrays, axis=0)
