import os
import threading
import time

import numpy as np


class Preloaded:
    """Tells which process ran load() and which one answers; can leave a thread behind."""

    def __init__(self, weights_mb=0, leave_thread=False):
        self.weights_mb = int(weights_mb)
        self.leave_thread = bool(leave_thread)
        self.loaded_in = None
        self.weights = None

    def load(self):
        self.loaded_in = os.getpid()
        self.weights = np.ones(self.weights_mb * 1024 * 1024 // 8)
        if self.leave_thread:
            threading.Thread(target=time.sleep, args=(3600,), name="left-behind",
                             daemon=True).start()

    def predict(self, X, names):
        return {"loaded_in": self.loaded_in, "pid": os.getpid(),
                "weights": float(self.weights.sum())}
