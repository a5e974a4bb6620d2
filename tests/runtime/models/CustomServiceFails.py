"""A custom_service() that raises at once: the model must keep serving."""


class CustomServiceFails:
    def predict(self, X, features_names=None):
        return X

    def custom_service(self):
        raise RuntimeError("the side service cannot start")
