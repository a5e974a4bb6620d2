import seldon_core
from seldon_core.user_model import SeldonComponent


class WhichCore(SeldonComponent):
    def predict(self, X, names, meta=None):
        return {"seldon_core": seldon_core.__file__}
