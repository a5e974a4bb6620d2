"""A router that sends small inputs to child 0 and large inputs to child 1.

`route()` must return a plain Python int (the index of the child to call;
-1 means all children). `send_feedback()` receives the reward the client
gave for a past request and which child served it.
"""

import numpy as np


class SplitRouter:
    def __init__(self, boundary=10.0):
        self.boundary = float(boundary)
        self.rewards = {}

    def route(self, X, features_names=None):
        total = float(np.asarray(X, dtype=float).sum())
        return 0 if total < self.boundary else 1

    def send_feedback(self, features, feature_names, reward, truth, routing=None):
        if routing is not None:
            self.rewards[routing] = self.rewards.get(routing, 0.0) + float(reward)
        return []
